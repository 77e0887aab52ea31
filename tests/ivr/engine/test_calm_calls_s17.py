"""Whole calls where a calm caller names a sign that is over, and its twin where the sign is present now (session 17).

A relative asking a question names a sign the patient had and is relieved of ("hôm trước khó thở nhưng giờ đỡ hẳn
rồi"): the call goes on calm, nobody is alarmed. The same call with the sign not over ("giờ chưa hết", "giờ không
đỡ hẳn", "giờ lại khó thở") is escalated at the question it is said, whatever the question.
"""
from __future__ import annotations

import pytest

from ivr.engine.simulator import Input, SimulationResult
from ivr.engine.understanding import risk_rank
from tests.ivr.engine.test_default_flow import call, exchanges, keys, say, turns_to_human


def _calm(result: SimulationResult) -> None:
    assert not result.as_json()["escalations"], result.steps
    assert result.outcome not in ("escalated", "handed_off")
    assert turns_to_human(result) is None


# ------------------------------------------------------------------ relieved entirely after a past marker
@pytest.mark.parametrize("words", [
    "bố tôi hôm trước khó thở nhưng giờ đỡ hẳn rồi, tôi muốn hỏi cách cách ly",
    "mẹ tôi hôm qua tức ngực, giờ đã đỡ hẳn rồi, cho hỏi khi nào hết cách ly",
    "tuần trước ông nhà tôi thở hụt hơi, bây giờ đỡ hẳn, hỏi chăm sóc tại nhà thế nào",
    "mẹ tôi hôm qua khó thở, giờ hết rồi, cho hỏi khi nào hết cách ly",
])
def test_a_relative_whose_patient_is_relieved_of_a_past_sign_stays_calm_at_the_greeting(words: str) -> None:
    _calm(call(say(words)))


@pytest.mark.parametrize("words", [
    "hôm trước có khó thở nhưng giờ đỡ hẳn rồi, chỉ còn ho",
    "hôm qua tức ngực giờ đỡ hẳn rồi, còn hơi sổ mũi",
])
def test_a_past_sign_relieved_entirely_at_the_check_in_is_not_escalated(words: str) -> None:
    result = call(keys("3"), say(words))
    _calm(result)
    assert exchanges(result) == 2


# ------------------------------------------------------------------ the twins: the sign is not over
@pytest.mark.parametrize("words", [
    "bố tôi hôm qua khó thở giờ không hết, tôi muốn hỏi cách cách ly",
    "bố tôi hôm qua khó thở giờ chưa hết, tôi muốn hỏi cách cách ly",
    "mẹ tôi hôm qua tức ngực giờ chưa đỡ hẳn, cho hỏi khi nào hết cách ly",
    "mẹ tôi hôm qua tức ngực giờ cũng không đỡ hẳn, cho hỏi khi nào hết cách ly",
    "bố tôi hôm trước đỡ hẳn rồi nhưng giờ lại khó thở, tôi muốn hỏi cách cách ly",
    "bố tôi hôm trước khó thở, giờ đỡ rồi nhưng vẫn còn hụt hơi, tôi muốn hỏi cách cách ly",
    # a resolved word asked about ("khi nào hết cách ly") says nothing of the sign being over
    "mẹ tôi hôm qua khó thở, cho hỏi khi nào hết cách ly",
    "mẹ tôi từ hôm qua tức ngực, cho hỏi bao giờ thì khỏi",
])
def test_a_past_sign_not_over_now_is_escalated_at_the_greeting(words: str) -> None:
    result = call(say(words))
    assert result.outcome in ("escalated", "handed_off"), result.steps
    assert turns_to_human(result) == 1
    assert risk_rank(result.risk) <= risk_rank("high")  # lower is more urgent


@pytest.mark.parametrize(("before", "words"), [
    ((keys("3"),), "hôm qua khó thở giờ chưa hết"),
    ((keys("2"),), "hôm kia tức ngực mà giờ vẫn chưa đỡ hẳn"),
    ((keys("5"),), "bố tôi hôm qua khó thở giờ không hết thì có sao không"),
])
def test_a_past_sign_not_over_is_escalated_at_whatever_question_it_is_said(before: tuple[Input, ...],
                                                                           words: str) -> None:
    result = call(*before, say(words))
    assert turns_to_human(result) == len(before) + 1, result.steps
    assert risk_rank(result.risk) <= risk_rank("high")  # lower is more urgent


def test_a_past_emergency_sign_back_now_is_an_emergency_with_115() -> None:
    result = call(say("mẹ tôi hôm qua môi tím, giờ đỡ hẳn rồi mà nay lại tím tái"))
    assert turns_to_human(result) == 1
    assert result.risk == "emergency"
    assert any("115" in (s.get("text") or "") and not (s.get("text") or "").startswith("Nếu")
               for s in result.steps)


@pytest.mark.parametrize("words", [
    "mẹ tôi hôm qua môi tím, giờ đỡ hẳn rồi, cho hỏi cách chăm sóc",
    "bố tôi hôm qua lơ mơ giờ đỡ hẳn rồi, cho hỏi cách ly",
])
def test_relieved_is_not_over_for_a_past_emergency_sign(words: str) -> None:
    # "đỡ hẳn" clears a past warning sign, never a past emergency sign: a doctor hears of it
    result = call(say(words))
    assert turns_to_human(result) == 1, result.steps
    assert risk_rank(result.risk) <= risk_rank("high")  # lower is more urgent


def test_a_past_emergency_sign_said_gone_stays_calm() -> None:
    _calm(call(say("mẹ tôi hôm qua môi hơi tím, giờ hết rồi, môi hồng lại, cho hỏi cách chăm sóc tại nhà")))
