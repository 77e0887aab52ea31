"""The usual state, past episodes and long COVID of retired held-out set 20, fixed by kind (issue 12, session 23,
n64-s20-usual, with tests/data/utterances_s23_usual.jsonl; ``ivr.nlu.usual``): a past infection's or hospital stay's
reading or sign before today's good reading; a reinfection said between the now word and the mild sign; breathlessness
only on an effort with plain activity fine; a chronic disease at its usual state with a mild new cold (medium by the
risk factor, not high by the n-gram model); "mua thuốc" (buy) is no "mửa" (vomit). And the other way: a patient who
answers a call faintly and falls asleep again is hard to rouse (emergency). Each kind has urgent twins that stay
urgent. Examples are new, not dev or held-out rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # a past episode's reading or sign, today's reading good
    "lần nhiễm trước ô xi có hôm chỉ còn chín mốt, giờ khỏi rồi đo lại được chín bảy",
    "hồi tháng trước ba nằm viện vì ô xi tám chín, giờ về nhà đo được chín tám",
    "đợt trước bị thì ô xi tụt xuống phải thở máy, bây giờ đo lại chín bảy rồi",
    # a reinfection said between the now word and the mild sign
    "lần đầu bị thì thở không nổi phải nằm viện, lần này nhiễm lại chỉ ho với sổ mũi",
    # breathlessness only on an effort, plain activity fine
    "từ hồi hết covid hễ leo cầu thang là thở hổn hển, còn đi lại trong nhà thì bình thường",
    "hay tức ngực mỗi lần bê đồ nặng, ngồi nghỉ là hết, hôm nay không bê gì nên không tức",
    # "mua" (buy) before a thing bought
    "con vẫn ăn uống được, cho hỏi mua thuốc ho ở đâu",
])
def test_a_calm_usual_state_does_not_escalate(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.vitals, u.earlier_worse, u.concern)


@pytest.mark.parametrize("text", [
    # today's reading low, or a sign now
    "lần trước ô xi vẫn chín tám, lần này đo chỉ còn tám chín",
    "hồi tháng trước nằm viện ra ô xi chín tám, giờ về nhà đo lại còn chín hai",
    "sáng nay đo ô xi chín hai, giờ đo lại chín bảy",
    "lần trước bị nhẹ thôi, lần này mắc lại thở hụt hơi, nói không ra câu",
    "lần trước khó thở phải nằm viện, lần này mắc lại cũng khó thở",
    # breathless at rest, or not relieved by rest
    "từ hồi hết covid ngồi yên cũng thở dốc",
    "leo cầu thang thì thở dốc, mà giờ đi lại trong nhà cũng hụt hơi",
    "hay tức ngực khi leo cầu thang, mà nay ngồi nghỉ cả tiếng vẫn tức",
    # a usual sign grown, a treatment missed
    "mẹ chạy thận, chân phù như mọi khi mà nay khó thở, nằm không được",
    "ba lọc thận mà bỏ lọc hai buổi rồi, người phù hết, thở mệt",
    # vomiting everything
    "uống nước vào là mửa ra hết",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.vitals, u.earlier_worse, u.concern)


@pytest.mark.parametrize("text", [
    "thằng bé lừ đừ, gọi nó thì nó dạ nhỏ xíu rồi ngủ tiếp",
    "gọi ông thì ông ư một tiếng rồi thiếp đi",
    "lay bà mới hé mắt ra rồi nhắm lại",
    "kêu mẹ thì mẹ ậm ừ xong lại lịm đi",
])
def test_a_faint_answer_then_back_to_sleep_is_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" in u.symptoms and flow_risk(text) == "emergency", (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "gọi bé là bé dậy liền, ngồi ăn cháo",
    "ông ngủ trưa, con gọi dậy uống thuốc xong ông ngủ tiếp",
])
def test_a_sleeper_woken_at_once_is_not_hard_to_rouse(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" not in u.symptoms, (text, u.symptoms)


def test_a_usual_swelling_with_a_new_cold_is_medium_by_the_risk_factor() -> None:
    text = "bố em suy thận, chân phù như mọi khi, bữa nay hắt hơi với ho khan"
    u = NLU.understand(text)
    assert flow_risk(text) == "medium" and "kidney_disease" in u.risk_factors, (u.symptoms, u.risk_factors)


def test_a_past_reading_is_not_weighed_but_a_dip_today_is() -> None:
    past = NLU.understand("lần trước bị thì ô xi xuống chín ba, giờ khỏi rồi đo lại chín tám")
    assert past.vitals == {"spo2": 98} and past.triage_vitals() == {"spo2": 98}
    today = NLU.understand("sáng nay đo ô xi chín ba, giờ đo lại chín tám")
    assert today.triage_vitals() == {"spo2": 93}


def test_a_nap_up_and_well_later_is_no_relapse_but_a_sleeper_still_down_is() -> None:
    nap = "con ngủ trưa, kêu thì ừ ử rồi ngủ lại, xế chiều dậy ăn bánh bình thường"
    assert "altered_consciousness" not in NLU.understand(nap).symptoms
    down = "kêu thì ừ ử rồi ngủ lại, tới chiều vẫn nằm li bì"
    assert escalates(down), NLU.understand(down).symptoms
