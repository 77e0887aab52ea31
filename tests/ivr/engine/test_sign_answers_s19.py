"""Whole calls through the warning-sign checklist answered in words (session 19, n39-signs-yesno).

A calm caller who presses a wrong key at the check-in (the checklist starts), then answers with a hum before the no,
with the state the sign would change or with "bình thường", is never told to call 115; a state about another sign
does not answer the question asked (it is asked again); presence that comes and goes escalates; not knowing is
asked again and, said at every try, reaches a doctor (never a silent no).
"""
from __future__ import annotations

from dataclasses import replace

import pytest

from ivr.engine.sign_answer import ANY, as_answer
from ivr.engine.simulator import Input
from ivr.engine.understanding import Understanding, risk_rank
from tests.ivr.engine.test_default_flow import call, keys, say, turns_to_human

#: A wrong key at the check-in question: the warning-sign checklist starts.
CHECKLIST = (keys("3"), keys("7"))


def _calm(*inputs: Input) -> None:
    result = call(*CHECKLIST, *inputs)
    assert not result.as_json()["escalations"], result.steps
    assert turns_to_human(result) is None
    asked = [s.get("prompt_id") for s in result.steps]
    assert "ask_has_oximeter" in asked  # every sign question answered, the call went on


@pytest.mark.parametrize("answers", [
    ("ờ, bình thường", "không", "2", "không", "không", "không có"),
    ("ờ không", "ừ không", "dạ... không ạ", "ừm, không", "ờ thì không", "không"),
    ("vẫn tỉnh", "môi vẫn hồng hào", "vẫn thở bình thường", "không đau", "vẫn ăn uống được", "không"),
    ("o khong", "u khong", "binh thuong", "khum", "da hem", "hok"),
])
def test_a_calm_caller_answering_in_words_stays_calm(answers: tuple[str, ...]) -> None:
    _calm(*(keys(a) if a.isdigit() else say(a) for a in answers))


def test_a_state_about_another_sign_is_asked_again() -> None:
    result = call(*CHECKLIST, keys("2"), say("vẫn tỉnh"), say("có"))
    assert turns_to_human(result) == 5
    assert result.risk == "emergency"  # the cyanosis question was asked again and answered yes


@pytest.mark.parametrize("words, risk", [("lúc có lúc không", "emergency"), ("ừm có", "emergency"),
                                         ("gọi mãi mới dậy", "emergency"), ("chắc là có", "emergency")])
def test_a_yes_in_words_at_the_first_sign_question_escalates(words: str, risk: str) -> None:
    result = call(*CHECKLIST, say(words))
    assert turns_to_human(result) == 3
    assert risk_rank(result.risk) <= risk_rank(risk)


def test_not_knowing_is_asked_again_then_a_doctor_hears_it() -> None:
    result = call(*CHECKLIST, say("không biết nữa"), say("để tôi xem"), say("tôi không biết"))
    assert turns_to_human(result) == 5
    assert result.outcome in ("escalated", "handed_off")


def test_a_closing_is_no_yes() -> None:
    result = call(*CHECKLIST, say("vâng cảm ơn thế thôi ạ"), say("không"), say("không"), say("không"),
                  say("không"), say("không"))
    assert not result.as_json()["escalations"], result.steps


def test_a_state_is_no_answer_to_the_oximeter_question() -> None:
    result = call(keys("3"), say("khỏe"), say("bình thường"))
    asked = [s.get("prompt_id") for s in result.steps]
    assert asked.count("ask_has_oximeter") == 2  # asked again, not read as "no oximeter"


@pytest.mark.parametrize("states, sign, intent", [
    (("altered_consciousness",), "altered_consciousness", "no"), ((ANY,), "cyanosis", "no"), ((ANY,), "", "no"),
    (("altered_consciousness",), "cyanosis", "unknown"), (("altered_consciousness",), "", "unknown"),
    ((ANY,), None, "unknown"),
])
def test_as_answer(states: tuple[str, ...], sign: str | None, intent: str) -> None:
    u = Understanding(text="x", intent="no", confidence=0.8, state_answer=states)
    assert as_answer(u, sign).intent == intent
    plain = replace(u, state_answer=())
    assert as_answer(plain, None) is plain
