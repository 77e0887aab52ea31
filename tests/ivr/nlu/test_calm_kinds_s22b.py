"""Calm look-alikes of retired held-out set 19 (babies, pregnancy, gut, pain, night), fixed by kind (issue 12, session
22b, n61-s19-calm, with tests/data/utterances_s22b_calm.jsonl; ``ivr.nlu.harmless``): a chest or breath sign that is
over now; cramps with diarrhoea while drinking well (low, the diarrhoea); a baby's nose noises asleep and feeding
well; a startle in sleep and back to sleep; a small bleed from the nose, gums or lip with a harmless cause or
stopped; "nói do <cause>" (said because) is no slurred speech "nói đớ"; a small ooze "rớm máu" is no "đờm máu".
Each kind has urgent twins that stay urgent: the sign still there or worse, cannot keep water down, a grunting baby
with a drawn-in chest, a fit with fever, a bleed that will not stop or with red spots, slurred speech said plainly.
Examples are new, not dev or held-out rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # a sign over now
    "tức ngực từ chiều qua, tới nay hết tức rồi, đi chợ được",
    "hôm trước bố em hơi khó thở, giờ thì thở êm rồi",
    "đau ngực hồi hôm, bây giờ không còn đau nữa",
    # cramps with diarrhoea while drinking well
    "em đau bụng quặn, đi phân lỏng mấy lần, uống oresol được",
    "con đau quặn từng cơn, tiêu chảy, nhưng vẫn uống nước bình thường",
    # a baby's ordinary noises asleep, a startle
    "bé con ngủ thở khụt khịt, bú khỏe, không sốt",
    "đứa nhỏ ngủ trưa cựa quậy rồi lại ngủ tiếp, bú đều",
    # a small bleed explained or stopped, "nói do"
    "anh xì mũi mạnh nên chảy máu cam, bóp mũi một lát là cầm ngay",
    "môi nẻ nên rớm máu, bôi son dưỡng là đỡ",
    "bác sĩ nói do bé mọc răng nên hơi sốt nhẹ, bé vẫn chơi bình thường",
])
def test_a_calm_look_alike_does_not_escalate(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern)


@pytest.mark.parametrize("text", [
    # the sign still there, worse, or another sign now
    "tức ngực từ chiều qua, tới nay vẫn còn tức",
    "đau ngực từ hôm kia, hôm nay đau hơn, lan xuống tay trái",
    "hôm trước bố em khó thở, giờ thì thở êm rồi mà tối nay lại khó thở",
    # cannot keep water down, sunken eyes, no urine
    "em đau bụng quặn, đi phân lỏng, uống vào là nôn ra",
    "con đau quặn từng cơn, tiêu chảy, mắt trũng, từ sáng không tiểu",
    # a grunting baby, a drawn-in chest, off the breast, a fit with fever
    "bé ngủ thở khụt khịt, thở rên, rút lõm ngực",
    "bé thở rên, bỏ bú từ sáng",
    "bé sốt rồi giật tay chân liên tục, gọi không được",
    "đứa nhỏ ngủ giật mình rồi lại ngủ tiếp, lay không dậy",
    # a bleed that will not stop or with red spots, vomiting blood
    "chảy máu cam do trời hanh khô mà không cầm được",
    "bé chảy máu chân răng, người nổi chấm đỏ, sốt ba hôm",
    "bà nôn ra máu tươi, người lả đi",
    # slurred speech said plainly
    "ông nói đớ từ sáng",
    "ong noi do tu sang",
    "ông nói do lắm",
    "ông nói do từ sáng",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern)


def test_cramps_while_drinking_are_the_diarrhoea() -> None:
    text = "đau bụng quặn từng cơn, tiêu chảy nhiều bận, vẫn uống được nước"
    u = NLU.understand(text)
    assert flow_risk(text) == "low" and "diarrhea" in u.symptoms and not u.concern, (u.symptoms, u.concern)


def test_an_ooze_is_no_phlegm_but_a_cough_with_blood_is() -> None:
    assert "coughing_blood" not in NLU.understand("đánh răng rớm máu chân răng").symptoms
    assert "coughing_blood" in NLU.understand("ông ho ra rớm máu").symptoms
