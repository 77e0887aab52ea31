"""Stroke signs said in everyday words (issue 12, session 17, n26-neuro, with tests/data/utterances_s17_neuro.jsonl):
slurred speech said as "nói không rõ", a drooping face, one side weak or numb, a grip that fails, sudden unsteadiness,
double or lost sight and the worst headache are ``altered_consciousness`` (decision 261, sign 7: emergency). Their
calm twins stay calm: a statement, staff or the line that is unclear, a toddler or a drunk who totters, a headache
that is only a headache. Examples are new, not dev rows."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates
from tests.ivr.nlu.flowrisk import triage_risk as _risk

YES_NO = ("yes", "no", "repeat")


@pytest.mark.parametrize("text", [
    # unclear speech said of the patient
    "chồng tôi ngủ dậy nói không rõ, cứ ấp a ấp úng",
    "má tui tối nay nói hổng rõ nữa, hỏi gì cũng ậm ừ",
    "ong noi khong ro tu luc an trua",
    "bà nói chuyện với cháu mà không rõ lời, miệng cứng lại",
    # face
    "mẹ em soi gương thấy mặt bị lệch qua một bên",
    "ba tui cười bị méo một bên",
    # one side weak or numb, a grip that fails
    "vợ tôi tự nhiên tê bì một bên người",
    "ông cầm muỗng rớt hoài, tay phải không có sức",
    "bà đi chân kéo lê, một bên chân yếu hẳn",
    # unsteadiness
    "chú tôi đi lảo đảo từ sáng, nói cũng ngọng",
    "ba đi không vững, cứ nghiêng ngã sang một bên",
    # sight
    "mẹ tôi kêu nhìn đôi, cái gì cũng thấy hai cái",
    "tự nhiên ông bị mù một bên mắt",
    # the worst headache
    "vợ tôi đau đầu dữ dội như nổ tung rồi nôn thốc nôn tháo",
    "anh ấy kêu đau đầu như búa bổ, chưa từng đau như vậy",
])
def test_stroke_signs_in_everyday_words_are_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" in u.symptoms and _risk(u) == "emergency", (text, u.intent, u.symptoms)


@pytest.mark.parametrize("text", [
    "y tá nói không rõ nên tôi chưa biết khi nào hết cách ly",
    "con gái tôi nói không rõ là đã uống thuốc chưa",
    "bên trạm nói không rõ mấy ngày thì xét nghiệm lại",
    "em nói không rõ vì mạng yếu, em hỏi về thuốc",
    "máy nói không rõ chữ, chị nói lại chậm chậm giùm",
    "thằng cu mới tập đi nên đi lảo đảo",
    "anh ấy say rượu đi loạng choạng về nhà, chứ không ốm đau gì",
    "tôi hơi đau đầu, uống thuốc là đỡ",
])
def test_calm_twins_stay_calm(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" not in u.symptoms and not escalates(text), (text, u.intent, u.symptoms, u.concern)


@pytest.mark.parametrize("text", [
    "dạ có, ba nói không rõ",
    "có, chiều nay ông nói không rõ nữa",
    "co ba noi khong ro tu sang",
])
def test_unclear_speech_at_a_yes_no_question_escalates(text: str) -> None:
    u = NLU.understand(text, expect=YES_NO)
    assert "altered_consciousness" in u.symptoms and _risk(u) == "emergency", (text, u.intent, u.symptoms)


@pytest.mark.parametrize("expect", [YES_NO, ("repeat", "spo2"), ("repeat", "temperature")])
@pytest.mark.parametrize("text", ["tôi nghe không rõ", "nghe không rõ, nói lại giùm", "tổng đài nói không rõ"])
def test_not_hearing_stays_a_repeat_request(text: str, expect: tuple[str, ...]) -> None:
    u = NLU.understand(text, expect=expect)
    assert u.intent == "repeat" and not u.symptoms and not escalates(text, expect), (text, u.intent, u.symptoms)


@pytest.mark.parametrize("text", ["nói không rõ gì hết", "nói không rõ quá", "anh nói không rõ hả"])
def test_unclear_speech_said_to_the_hotline_is_a_repeat_request(text: str) -> None:
    u = NLU.understand(text)
    assert u.intent == "repeat" and not u.symptoms and not escalates(text), (text, u.intent, u.symptoms)


def test_unclear_speech_with_a_time_is_a_report_even_without_a_subject() -> None:
    u = NLU.understand("nói không rõ từ chiều hôm qua, đi cũng chao đảo")
    assert "altered_consciousness" in u.symptoms and _risk(u) == "emergency", (u.intent, u.symptoms)


@pytest.mark.parametrize("text", ["bà nói không rõ, méo miệng", "ông nói không rõ từ trưa, không đo được"])
def test_unclear_speech_at_a_number_question_escalates(text: str) -> None:
    u = NLU.understand(text, expect=("repeat", "spo2"))
    assert "altered_consciousness" in u.symptoms and _risk(u) == "emergency", (text, u.intent, u.symptoms)
