"""Answers at the warning-sign questions and the other yes/no questions (session 19, n39-signs-yesno).

A hum before the no ("ờ không"), a state instead of the answer ("vẫn tỉnh", "bình thường"), presence that comes
and goes ("lúc có lúc không"), and no answer at all ("không biết nữa", "vâng cảm ơn thế thôi ạ", "ừ thì"); each kind
with its twin that keeps the old reading.
"""
from __future__ import annotations

import pytest

from ivr.nlu.understander import Nlu
from ivr.nlu.yesno import ANY, now_and_then, state_families, unknowing_start

YN = ("yes", "no", "repeat")
NLU = Nlu()


def _intent(text: str) -> str:
    return NLU.understand(text, expect=YN).intent


@pytest.mark.parametrize("text", ["ờ không", "ừ không", "dạ... không ạ", "vâng, không có ạ", "ờ thì không", "ờ ờ không",
                                  "ừm, không", "ờ hổng", "o khong", "u khong", "ờ không đâu"])
def test_a_hum_before_the_no_is_a_no(text: str) -> None:
    assert _intent(text) == "no"


@pytest.mark.parametrize("text", ["ừm có", "à có chứ", "ừ, có", "ừ", "vâng", "ờ có"])
def test_a_hum_before_a_yes_or_alone_stays_a_yes(text: str) -> None:
    assert _intent(text) == "yes"


@pytest.mark.parametrize("text, families", [
    ("ờ, bình thường", (ANY,)), ("dạ bình thường", (ANY,)), ("vẫn tỉnh", ("altered_consciousness",)),
    ("gọi là dậy liền", ("altered_consciousness",)), ("môi vẫn hồng hào", ("cyanosis",)),
    ("vẫn thở bình thường", ("shortness_of_breath",)), ("thở được", ("shortness_of_breath",)),
    ("vẫn ăn uống được", ("cannot_eat_drink",)), ("uong nuoc duoc", ("cannot_eat_drink",)),
    ("van tinh", ("altered_consciousness",)),
])
def test_a_state_answers_no_for_its_sign(text: str, families: tuple[str, ...]) -> None:
    u = NLU.understand(text, expect=YN)
    assert (u.intent, u.state_answer) == ("no", families)
    assert not u.concern and not u.symptoms


@pytest.mark.parametrize("text", ["không tỉnh", "ăn được ít", "thở được nhưng mệt", "thở được không?",
                                  "nửa tỉnh nửa mê", "có, nhưng vẫn tỉnh", "bà tỉnh lại rồi"])
def test_a_state_negated_qualified_asked_or_after_a_yes_is_no_state_answer(text: str) -> None:
    assert NLU.understand(text, expect=YN).state_answer == ()


def test_a_state_without_a_yes_no_question_keeps_its_intent() -> None:
    u = NLU.understand("bình thường")
    assert (u.intent, u.state_answer) == ("daily_checkin", ())


@pytest.mark.parametrize("text", ["gọi mãi mới dậy", "lay mãi mới tỉnh", "kêu hoài mới chịu thức", "goi mai moi day"])
def test_woken_only_after_calling_on_and_on_is_altered_consciousness(text: str) -> None:
    assert "altered_consciousness" in NLU.understand(text, expect=YN).symptoms


@pytest.mark.parametrize("text", ["gọi là dậy liền", "ông mê ngủ quá, gọi mấy tiếng mới dậy ăn sáng, dậy rồi tỉnh táo"])
def test_woken_at_once_or_after_a_few_calls_stays_calm(text: str) -> None:
    assert "altered_consciousness" not in NLU.understand(text, expect=YN).symptoms


@pytest.mark.parametrize("text", ["lúc có lúc không", "thỉnh thoảng", "khi có khi không", "đôi lúc", "hôm có hôm không",
                                  "lúc được lúc không", "luc co luc khong", "thinh thoang", "hơi hơi", "cũng có",
                                  "chắc là có", "có chút"])
def test_presence_that_comes_and_goes_or_a_little_is_a_yes(text: str) -> None:
    assert _intent(text) == "yes"


@pytest.mark.parametrize("text", ["chắc không", "hình như không", "không có đâu", "chắc là không có"])
def test_a_hedged_no_stays_a_no(text: str) -> None:
    assert _intent(text) == "no"


def test_state_families_skip_a_negated_state() -> None:
    assert state_families(("không", "tỉnh")) == ()
    assert state_families(("vẫn", "tỉnh", ",", "môi", "hồng")) == ("altered_consciousness", "cyanosis")


def test_now_and_then_needs_the_time_word_twice_close_together() -> None:
    assert now_and_then(("lúc", "có", "lúc", "không"))
    assert not now_and_then(("lúc", "trước", "có"))


@pytest.mark.parametrize("text", ["không biết nữa", "tôi cũng không biết", "để tôi xem", "chưa để ý", "ừ thì",
                                  "khong biet nua", "hong biet"])
def test_not_knowing_or_a_hesitation_is_no_answer(text: str) -> None:
    u = NLU.understand(text, expect=YN)
    assert u.intent == "unknown"
    assert u.unsure is (text != "ừ thì")  # at a number question, not knowing is no reading


@pytest.mark.parametrize("text", ["cảm ơn", "thế thôi", "vâng cảm ơn thế thôi ạ", "dạ cảm ơn ạ", "cam on"])
def test_a_closing_is_a_goodbye_never_the_yes_of_its_hum(text: str) -> None:
    assert _intent(text) == "goodbye"


def test_a_yes_of_the_past_before_a_state_stays_a_yes() -> None:
    u = NLU.understand("hôm kia có, giờ bình thường", expect=YN)
    assert (u.intent, u.state_answer) == ("yes", ())


@pytest.mark.parametrize("text, intent", [("không có, để tôi xem lại máy đo", "no"), ("không biết đếm", "no"),
                                          ("máy có mà tôi không biết đọc", "yes"), ("không, cảm ơn", "no"),
                                          ("có, cảm ơn", "yes")])
def test_a_yes_no_of_its_own_or_a_skill_the_caller_lacks_is_an_answer(text: str, intent: str) -> None:
    assert _intent(text) == intent


def test_unknowing_is_never_what_the_caller_cannot_do() -> None:
    assert unknowing_start(("không", "biết", "nữa")) == 0
    assert unknowing_start(("không", "biết", "đọc")) is None
