"""A warning sign said at any question of a call gets the right risk, there (session 18, issue 12).

Whole calls through the real engine, understanding and triage of both flows (the inbound hotline and the outbound
check-in), by kind:

* a reading corrected or re-measured at its read-back ("à nhầm, tám mươi tám", "không, đo lại thì chín mươi tư")
  that is a warning sign escalates at the read-back, at its risk; a calm correction is read back as before, and a
  "no" said with the value keeps the value (it is a correction, not a bare no);
* breathlessness then an inability ("thở dốc không ra hơi") is severe breathlessness: an emergency with 115 advice
  at whatever question it is said;
* chest pain with a cold sweat ("đau thắt ngực vã mồ hôi") is an emergency at whatever question it is said.

Each kind has calm twins at the same questions that must stay calm.
"""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ivr import ROOT
from ivr.engine.flow import Flow, load_flow
from ivr.engine.simulator import Input, SimulationResult, simulate
from ivr.engine.understanding import risk_rank
from tests.ivr.engine.test_default_flow import _setup, call, keys, say, turns_to_human

SYM = (keys("2"), say("tôi bị ho"))  # the symptom question, then the device questions
SPO2 = (*SYM, say("có"))  # at the SpO2 question
TEMPERATURE = (*SYM, say("không"), say("có"))
BREATHING = (*SYM, say("không"), say("không"), say("có"))
BLOOD_PRESSURE = (*SYM, say("không"), say("không"), say("không"), say("có"))
PULSE = (*SPO2, say("chín bảy"), say("đúng"), say("có"))
OUT_START = (keys("1"), keys("1"))  # the outbound call: start, the patient answers


@cache
def _outbound_flow() -> Flow:
    return load_flow(ROOT / "callflows" / "checkin_outbound.yaml", _setup()[1])


def outbound(*inputs: Input, **kw: Any) -> SimulationResult:
    _, catalog, understander, triage = _setup()
    return simulate(_outbound_flow(), list(inputs), catalog=catalog, understander=understander, triage=triage, **kw)



def _escalated_at(result: SimulationResult, turn: int, risk: str) -> None:
    """Escalated right after caller turn ``turn``, at ``risk`` or more urgent; 115 named for an emergency."""
    escalations = result.as_json()["escalations"]
    assert escalations, result.steps
    assert turns_to_human(result) == turn, result.steps
    worst = min((e["risk"] for e in escalations), key=risk_rank)
    assert risk_rank(worst) <= risk_rank(risk), escalations
    if risk == "emergency":
        assert any("115" in (s.get("text") or "") and s["node"] == "emergency" for s in result.steps)


def _calm(result: SimulationResult) -> None:
    assert not result.as_json()["escalations"], result.steps
    assert turns_to_human(result) is None


# ------------------------------------------------------------------ a reading corrected at its read-back
@pytest.mark.parametrize(("before", "first", "correction", "risk"), [
    (SPO2, "chín sáu", "à nhầm, tám mươi sáu", "emergency"),
    (SPO2, "chín bảy", "không phải, đo lại chỉ được chín mươi mốt", "emergency"),
    (SPO2, "chín tám", "sai rồi, chín mươi lăm", "high"),
    (BREATHING, "mười sáu", "à không, ba mươi hai", "emergency"),
    (BREATHING, "mười tám", "nhầm rồi, hai mươi lăm", "high"),
    (PULSE, "tám mươi", "không, một trăm ba mươi", "high"),
    (BLOOD_PRESSURE, "một trăm hai mươi trên tám mươi", "không, đo lại được tám mươi lăm trên năm mươi", "high"),
])
def test_a_warning_sign_reading_corrected_at_the_read_back_escalates_there(
        before: tuple[Input, ...], first: str, correction: str, risk: str) -> None:
    result = call(*before, say(first), say(correction))
    _escalated_at(result, len(before) + 2, risk)
    assert any(s.get("event") == "corrected" for s in result.steps)


@pytest.mark.parametrize(("before", "first", "correction", "slot", "value"), [
    (SPO2, "tám mươi chín", "à nhầm, chín mươi tám", "spo2", 98),
    (SPO2, "chín sáu", "không, đo lại thì chín mươi chín", "spo2", 99),
    (BREATHING, "ba mươi tám", "nhầm rồi, mười tám", "breathing_rate", 18),
    (PULSE, "một trăm ba mươi", "không, tám mươi", "pulse", 80),
    (TEMPERATURE, "ba tám độ", "không, ba sáu độ rưỡi", "temperature", 36.5),
])
def test_a_calm_correction_is_read_back_and_kept(before: tuple[Input, ...], first: str, correction: str,
                                                 slot: str, value: float) -> None:
    result = call(*before, say(first), say(correction), keys("1"))
    confirms = [s for s in result.steps if s.get("prompt_id") == f"confirm_{slot}"]
    assert len(confirms) == 2  # the first reading and the corrected one, each read back
    assert result.slots[slot] == value
    _calm(result)


@pytest.mark.parametrize("wrong", ["nhầm rồi", "lộn rồi", "sai"])
def test_wrong_at_a_read_back_is_a_no_not_the_yes_of_its_roi(wrong: str) -> None:
    # before: "nhầm rồi, hai mươi lăm" was a yes ("rồi"), the wrong reading 18 kept and the caller's 25 lost
    result = call(*BREATHING, say("mười tám"), say(f"{wrong}, hai mươi lăm"))
    assert "breathing_rate" not in result.slots or result.slots["breathing_rate"] == 25
    _escalated_at(result, len(BREATHING) + 2, "high")


def test_a_bare_wrong_at_a_read_back_asks_again() -> None:
    result = call(*BREATHING, say("mười tám"), say("nhầm rồi"), say("mười sáu"), keys("1"))
    assert result.slots["breathing_rate"] == 16
    _calm(result)


def test_a_no_with_the_value_in_it_keeps_the_value() -> None:
    # before: the "no" was a bare no, the number dropped, and the SpO2 question asked again
    result = call(*SPO2, say("chín tám"), say("không, chín mươi bảy"), keys("1"))
    assert result.slots["spo2"] == 97
    assert [s["prompt_id"] for s in result.steps if s["prompt_id"] == "ask_spo2"] == ["ask_spo2"]
    _calm(result)


@pytest.mark.parametrize(("inputs", "turn", "risk"), [
    ((*OUT_START, say("tôi hơi mệt"), say("có"), say("chín bảy"), say("à nhầm, tám mươi bảy")), 6, "emergency"),
    ((*OUT_START, say("tôi hơi mệt"), say("có"), say("chín tám"), say("không, đo lại chín mươi tư")), 6, "high"),
])
def test_a_correction_at_the_outbound_read_back_escalates_there(inputs: tuple[Input, ...], turn: int,
                                                                risk: str) -> None:
    _escalated_at(outbound(*inputs), turn, risk)


def test_a_calm_correction_at_the_outbound_read_back_stays_calm() -> None:
    result = outbound(*OUT_START, say("tôi hơi mệt"), say("có"), say("tám mươi tám"), say("à nhầm, chín mươi tám"),
                      keys("1"))
    assert result.slots["spo2"] == 98
    _calm(result)


# ------------------------------------------------------------------ breathlessness then an inability
@pytest.mark.parametrize(("before", "words"), [
    (SPO2, "chín bảy mà bà tôi thở hổn hển không ra hơi"),
    ((*SPO2, say("chín bảy")), "đúng, nhưng ông nhà tôi thở dốc không nổi nữa"),
    (TEMPERATURE, "ba tám độ, con thở gấp không ra hơi"),
    ((keys("5"),), "bố tôi thở dốc không ra hơi thì làm sao"),
    ((keys("3"), say("tôi hơi mệt"), say("không"), say("không"), say("không"), say("không")),
     "à mà mẹ tôi thở phì phò không ra hơi"),
])
def test_breathlessness_then_an_inability_is_an_emergency_at_any_question(before: tuple[Input, ...],
                                                                          words: str) -> None:
    _escalated_at(call(*before, say(words)), len(before) + 1, "emergency")


def test_breathlessness_then_an_inability_at_the_outbound_closing_is_an_emergency() -> None:
    before = (*OUT_START, say("bình thường"), say("không"), say("không"), say("không"), say("không"))
    _escalated_at(outbound(*before, say("mà chồng tôi thở dốc không ra hơi")), len(before) + 1, "emergency")


@pytest.mark.parametrize("words", [
    "tôi hơi thở dốc, không được khỏe lắm",
    "leo cầu thang thì thở dốc, không sao",
])
def test_breathlessness_without_an_inability_stays_high(words: str) -> None:
    result = call(*TEMPERATURE, say(f"ba bảy độ, {words}"))
    escalations = result.as_json()["escalations"]
    assert [e["risk"] for e in escalations] == ["high"], result.steps


# ------------------------------------------------------------------ chest pain with a cold sweat
@pytest.mark.parametrize(("before", "words"), [
    (PULSE, "một trăm mười, bố tôi đau thắt ngực vã mồ hôi"),
    ((*TEMPERATURE, say("ba bảy độ")), "đúng, mà tôi tức ngực ra mồ hôi lạnh"),
    ((keys("5"), say("cách ly bao nhiêu ngày")), "còn chồng tôi đau ngực vã mồ hôi như tắm"),
    ((keys("3"), say("chưa biết nói sao"), say("không"), say("không"), say("không")),
     "có, đau tức ngực toát mồ hôi lạnh"),
])
def test_chest_pain_with_a_cold_sweat_is_an_emergency_at_any_question(before: tuple[Input, ...],
                                                                      words: str) -> None:
    _escalated_at(call(*before, say(words)), len(before) + 1, "emergency")


def test_chest_pain_with_a_cold_sweat_at_the_outbound_check_in_is_an_emergency() -> None:
    _escalated_at(outbound(*OUT_START, say("mẹ tôi đau thắt ngực, vã mồ hôi lạnh")), 3, "emergency")


@pytest.mark.parametrize("words", [
    "tôi hơi đau ngực, không vã mồ hôi",
    "đau ngực thì có vã mồ hôi không",
])
def test_chest_pain_without_a_cold_sweat_stays_high(words: str) -> None:
    result = call(keys("2"), say(words))
    assert [e["risk"] for e in result.as_json()["escalations"]] == ["high"], result.steps


@pytest.mark.parametrize("words", [
    "hôm qua đau ngực vã mồ hôi nhưng giờ hết rồi",
    "uống thuốc hạ sốt xong ra mồ hôi rồi hạ sốt, giờ ba bảy độ",
])
def test_a_sweat_with_no_chest_pain_now_is_no_emergency(words: str) -> None:
    result = call(keys("2"), say(words))
    assert all(e["risk"] != "emergency" for e in result.as_json()["escalations"]), result.steps


# ------------------------------------------------------------------ the same signs during a recorded message
def _recording() -> tuple[Any, float]:
    """A session of the default flow at its recorded message (test_whole_calls.session_at_recording)."""
    from tests.ivr.engine.test_whole_calls import session_at_recording

    return session_at_recording()


@pytest.mark.parametrize(("words", "risk"), [
    ("bà tôi thở dốc không ra hơi", "emergency"),
    ("ông nhà tôi đau thắt ngực vã mồ hôi lạnh", "emergency"),
    ("máy đo ô xy chỉ còn tám mươi bảy", "emergency"),
    ("tôi mới đo lại spo2 chín mươi lăm", "high"),
])
def test_a_sign_said_while_leaving_the_message_escalates_live(words: str, risk: str) -> None:
    from ivr.engine import actions as A
    from ivr.engine import events as E

    s, now = _recording()
    out = s.handle(E.Speech(text=words, confidence=0.9), now + 2)
    assert [(e.risk, e.mode) for e in out if isinstance(e, A.Escalate)] == [(risk, "live")]


def test_a_calm_message_goes_on_recording() -> None:
    from ivr.engine import events as E
    from ivr.engine.session import Phase

    s, now = _recording()
    words = "bác sĩ gọi lại giúp tôi, tôi không vã mồ hôi, không đau ngực"
    assert s.handle(E.Speech(text=words, confidence=0.9), now + 2) == []
    assert s.phase is Phase.RECORDING


# ------------------------------------------------------------------ a bare value at a read-back (lead, session 18)
def test_a_bare_value_at_a_read_back_is_read_back_not_taken_as_a_correction() -> None:
    """A caller reading out every number in turn ("bảy hai", the pulse, at the SpO2 read-back of 99) has not
    corrected the SpO2 to 72: it is read back before it counts (calls_heldout4's h4-13 had become an emergency)."""
    result = call(*SPO2, say("chín chín"), say("bảy hai"))
    assert not result.as_json()["escalations"], result.steps
    assert not any(s.get("event") == "corrected" for s in result.steps)
    confirms = [s for s in result.steps if s.get("prompt_id") == "confirm_spo2"]
    assert len(confirms) == 2 and "72" in (confirms[-1].get("text") or ""), result.steps


def test_a_bare_low_value_read_back_and_confirmed_escalates() -> None:
    result = call(*SPO2, say("chín chín"), say("tám tám"), say("đúng"))
    _escalated_at(result, len(SPO2) + 3, "emergency")
