"""The elderly kinds of retired held-out set 21, fixed by kind (issue 12, session 23b, n68-s21-elderly, with
tests/data/utterances_s23b_elderly.jsonl; ``ivr.nlu.habit``): confusion of a known dementia at its usual state; a
drunk sleeper roused who acts; vomiting while drinks stay down; one food refused while another is eaten; a poor appetite
of a patient still alert; a sign had once weeks ago and not since; a denied sweat during a fever (no breath sign for
the n-gram model). And the other way: a stare that sees no one is unresponsive (emergency). Two readings: "ba" after
"độ" that is the father again, and a floor said of everyone in the household. Each kind has urgent twins that stay
urgent. Examples are new, not dev or held-out rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk, triage_risk


@pytest.mark.parametrize("text", [
    # dementia at its usual state
    "ông nội lú lẫn mấy năm rồi, tối nào cũng đòi về nhà cũ như mọi khi",
    "bà tôi bị lẫn, hay gọi nhầm tên con cháu, sáng nay cũng vậy, ăn được nửa bát cơm",
    # a drunk sleeper roused who acts
    "chồng chị nhậu say ngủ say như chết, chị gọi thì anh ấy ừ hử rồi trở mình được",
    "bố tôi say rượu ngủ trên sập, lay thì dậy chửi một câu rồi quay vào trong",
    # one food refused while another is eaten, a poor appetite of an alert patient
    "ông không chịu ăn cháo, đòi ăn bánh cuốn, ăn hết một đĩa",
    "bà mấy hôm nay ăn uống kém nhưng vẫn tỉnh táo, nói chuyện bình thường",
    # a sign once, weeks ago, not since
    "tức ngực thì hồi tháng trước có một lần lúc khuân đồ, từ đó tới giờ không bị lại",
    # urine passed while drinking rehydration salts
    "mẹ tôi đi ngoài ba lần, uống được bốn gói oresol, đi tiểu được hai lần",
])
def test_a_calm_elder_kind_does_not_escalate(text: str) -> None:
    u = NLU.understand(text)
    assert triage_risk(u) not in ("high", "emergency"), (text, u.intent, u.symptoms, u.vitals)


@pytest.mark.parametrize("text", [
    # dementia with a change today
    "ông nội lú lẫn mấy năm rồi mà từ sáng không nhận ra ai nữa",
    "bà tôi bị lẫn như mọi khi, nhưng hôm nay tự nhiên nói không ra tiếng",
    "bà lẫn lâu rồi, chiều nay nằm li bì gọi không dậy",
    # a drunk sleeper who cannot be woken, vomits, stops breathing
    "chồng chị nhậu say, giờ lay mạnh cũng không dậy",
    "anh tôi say rượu nằm ói ra mà gọi không biết gì",
    "bố say rượu ngủ ngáy rồi ngưng thở từng lúc, lay không tỉnh",
    # vomiting everything, one food refused and then vomiting
    "con nôn suốt, uống ngụm nước nào nôn ngụm đó",
    "ông không chịu ăn cơm, đòi ăn phở mà ăn vô là ói",
    # a poor appetite with drowsiness
    "bà ăn uống kém, nằm suốt không dậy",
    # the sign back today
    "tức ngực hồi tháng trước có một lần, hôm nay bị lại, lan ra tay trái",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.vitals)


@pytest.mark.parametrize("text", [
    "ông nhìn con cháu mà như không thấy, ai hỏi gì cũng im",
    "mẹ ngồi đó nhìn người nhà như không thấy từ trưa",
    "bà cứ nhìn đăm đăm không nói, gọi tên không quay lại",
])
def test_a_stare_that_sees_no_one_is_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" in u.symptoms and flow_risk(text) == "emergency", (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "bà tôi nghễnh ngãng, hỏi gì cũng gật đầu",
    "thằng bé nhát, khách hỏi gì cũng lắc đầu",
])
def test_a_nod_or_a_shake_of_the_head_is_no_sign(text: str) -> None:
    assert "altered_consciousness" not in NLU.understand(text).symptoms


def test_a_denied_sweat_during_a_fever_is_not_raised_by_the_model() -> None:
    text = "sốt bốn ngày mà không ra mồ hôi, người nóng ran"
    u = NLU.understand(text)
    assert "model_warning" not in u.symptoms and flow_risk(text) == "medium", u.symptoms


def test_vomiting_with_drinks_kept_down_is_low_but_vomiting_every_sip_is_sign_9() -> None:
    kept = NLU.understand("ói bốn lần từ tối, uống nước vẫn giữ được")
    assert kept.symptoms == ("vomiting",) and flow_risk(kept.text) == "low", kept.symptoms
    every = NLU.understand("ói bốn lần từ tối, uống vô là ói ra")
    assert "cannot_eat_drink" in every.symptoms, every.symptoms


def test_the_father_after_degree_is_no_tenths_but_a_pause_keeps_them() -> None:
    assert NLU.understand("ba tui sốt ba tám độ ba run cầm cập").vitals == {"temperature": 38.0}
    assert NLU.understand("ba tui sốt ba tám độ ba, run cầm cập").vitals == {"temperature": 38.3}
    assert NLU.understand("sốt ba chín độ ba").vitals == {"temperature": 39.3}
    assert NLU.understand("ba tui sốt ba tám phẩy ba ho nhiều").vitals == {"temperature": 38.3}


def test_a_floor_said_of_everyone_is_no_reading_but_a_value_is() -> None:
    assert NLU.understand("nhà bốn người ho, ô xi ai cũng hơn chín sáu").vitals == {}
    assert NLU.understand("nhà bốn người ho, ô xi ai cũng chín sáu").vitals == {"spo2": 96}
    assert NLU.understand("nhà bốn người, ô xi ai cũng trên chín lăm, riêng bà tui chín mốt").vitals == {"spo2": 91}
