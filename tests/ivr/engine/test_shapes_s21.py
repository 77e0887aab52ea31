"""Session 21 (n51-calls8): a value shaped like another vital, and a reading said with a warning sign.

Whole calls through the real engine, understanding and triage of both flows, by kind:

* a temperature read at the breathing-rate question ("ba sáu rưỡi", "ba sáu bảy" = 36.7) or at the pulse question
  is no breathing rate nor pulse: the vital is explained and asked again, nothing is stored nor triaged, and a
  "đúng" after the explanation moves the call on without the reading; a plausible value after it counts as usual;
* a reading said with a warning sign at its number question ("chín hai đây này, mà sao cứ tức ngực") counts with
  the sign: the risk is the worse of both.

Each kind has calm twins (a whole 36 breaths is a fast breathing rate; 97 at the pulse question is a pulse).
"""
from __future__ import annotations

import pytest

from ivr.engine.shapes import misshapen
from ivr.engine.simulator import Input, SimulationResult
from ivr.engine.understanding import risk_rank
from tests.ivr.engine.test_default_flow import keys, say
from tests.ivr.engine.test_node_signs_s18 import BREATHING, OUT_START, PULSE, SPO2, call, outbound

CHECKIN_BREATHING = (keys("3"), keys("2"), keys("2"), keys("2"), keys("1"))  # inbound check-in, at breathing_rate


def _events(result: SimulationResult, event: str) -> list[str]:
    return [s["node"] for s in result.steps if s.get("event") == event]


def _prompts(result: SimulationResult) -> list[str]:
    return [s["prompt_id"] for s in result.steps if s["prompt_id"]]


def _worst(result: SimulationResult) -> str | None:
    escalations = result.as_json()["escalations"]
    return min((e["risk"] for e in escalations), key=risk_rank) if escalations else None


# ------------------------------------------------------------------ the shapes, without a call
def _reader(values: dict[str, float | None]):  # type: ignore[no-untyped-def]
    return lambda _text, vital: values.get(vital)


@pytest.mark.parametrize(("vital", "value", "said_as", "as_temperature", "reason"), [
    ("breathing_rate", 36.5, {"breathing_rate": 36.5}, 36.5, "fraction"),
    ("breathing_rate", 67.0, {"breathing_rate": 67.0}, 36.7, "like_temperature"),
    ("breathing_rate", 37.0, {"temperature": 37.0}, 37.0, "other_vital"),
    ("pulse", 36.7, {"pulse": 36.7}, 36.7, "fraction"),
    ("spo2", 67.0, {"spo2": 67.0}, 36.7, "like_temperature"),
    ("breathing_rate", 36.0, {"breathing_rate": 36.0}, 36.0, None),  # a whole 36: fast breathing, kept
    ("breathing_rate", 24.0, {"breathing_rate": 24.0}, None, None),
    ("pulse", 97.0, {"pulse": 97.0}, None, None),
    ("temperature", 36.5, {"temperature": 36.5}, 36.5, None),
    (None, 3.0, {}, None, None),
])
def test_each_vital_has_a_plausible_shape(vital: str | None, value: float, said_as: dict[str, float],
                                          as_temperature: float | None, reason: str | None) -> None:
    assert misshapen(vital, value, "x", said_as=said_as,
                     read_as=_reader({"temperature": as_temperature})) == reason


# ------------------------------------------------------------------ (1) a temperature at the breathing question
@pytest.mark.parametrize("words", ["ba sáu rưỡi", "ba sáu bảy", "ba bảy độ", "ba sáu độ bảy"])
def test_a_temperature_at_the_breathing_question_is_explained_not_escalated(words: str) -> None:
    result = call(*CHECKIN_BREATHING, say(words), say("đúng"), keys("2"), keys("9"))
    assert _worst(result) is None, result.steps
    assert "breathing_rate" not in result.vitals and "breathing_rate" not in result.slots
    assert _events(result, "misshapen") == ["breathing_rate"]
    assert _events(result, "no_reading") == ["breathing_rate"]  # "đúng" after the explanation: no count to read
    assert "shape_breathing_rate" in _prompts(result) and "confirm_breathing_rate" not in _prompts(result)


@pytest.mark.parametrize(("words", "risk"), [("hai mươi tư", "high"), ("mười sáu", None), ("ba mươi hai", "emergency")])
def test_a_plausible_count_after_the_explanation_counts(words: str, risk: str | None) -> None:
    result = call(*CHECKIN_BREATHING, say("ba sáu rưỡi"), say(words), say("đúng"), keys("2"), keys("9"))
    assert _events(result, "misshapen") == ["breathing_rate"]
    assert "breathing_rate" in result.vitals
    assert _worst(result) == risk


def test_a_whole_fast_count_is_still_a_breathing_rate() -> None:
    result = call(*CHECKIN_BREATHING, say("ba sáu"), say("đúng"))
    assert _events(result, "misshapen") == []
    assert result.vitals["breathing_rate"] == 36.0 and _worst(result) == "emergency"


def test_a_temperature_said_as_a_correction_at_the_breathing_read_back_is_no_correction() -> None:
    result = call(*CHECKIN_BREATHING, say("mười sáu"), say("không, ba sáu rưỡi"), say("không"), keys("2"), keys("9"))
    assert _worst(result) is None, result.steps
    assert _events(result, "misshapen") == ["breathing_rate"]
    assert "breathing_rate" not in result.vitals


def test_a_temperature_volunteered_with_the_yes_to_counting_breaths_is_explained() -> None:
    # since n50 (session 21) "ba sáu bảy" is read as the temperature 36.7 itself: it is kept as the temperature
    # (never a breathing rate of 67 or 36.7) and the breaths are still asked for
    result = call(keys("3"), keys("2"), keys("2"), keys("2"), say("có, ba sáu bảy"), say("đúng"), keys("2"), keys("9"))
    assert _worst(result) is None, result.steps
    assert result.vitals.get("temperature") == 36.7 and "breathing_rate" not in result.vitals
    assert any(st.get("node") == "breathing_rate" for st in result.steps)


def test_temperatures_again_and_again_reach_a_person_not_an_emergency() -> None:
    result = call(*CHECKIN_BREATHING, *[say("ba sáu rưỡi")] * 4)
    assert result.steps[-1]["event"] in ("handoff", "escalate") or result.outcome != "completed"
    assert _worst(result) != "emergency"
    assert "breathing_rate" not in result.vitals


def test_the_outbound_check_in_explains_the_breathing_rate_too() -> None:
    result = outbound(*OUT_START, *BREATHING[1:], say("ba sáu rưỡi"), say("đúng"), keys("2"), keys("1"))
    assert _worst(result) is None, result.steps
    assert _events(result, "misshapen") == ["breathing_rate"]


# ------------------------------------------------------------------ (1) the pulse question
def test_a_temperature_at_the_pulse_question_is_explained() -> None:
    result = outbound(*OUT_START, *PULSE[1:], say("ba sáu phẩy bảy"), say("không"), keys("2"), keys("2"), keys("2"),
                      keys("1"))
    assert _events(result, "misshapen") == ["pulse"]
    assert "pulse" not in result.vitals
    assert "shape_pulse" in _prompts(result)


def test_an_spo2_shaped_number_at_the_pulse_question_is_a_pulse() -> None:
    result = outbound(*OUT_START, *PULSE[1:], say("chín bảy"), say("đúng"))
    assert _events(result, "misshapen") == []
    assert result.vitals["pulse"] == 97.0


# ------------------------------------------------------------------ (2) a reading said with a warning sign
@pytest.mark.parametrize("words", ["chín hai đây này, mà sao cứ tức ngực, thở cứ nặng nặng",
                                   "tám chín, mà khó thở quá"])
def test_a_low_reading_said_with_a_sign_counts_with_it(words: str) -> None:
    result = outbound(*OUT_START, *SPO2[1:], say(words))
    assert _worst(result) == "emergency", result.steps
    assert _events(result, "reading_with_sign") == ["spo2"]
    assert result.vitals["spo2"] < 94


def test_a_good_reading_said_with_a_sign_escalates_on_the_sign() -> None:
    result = call(*SPO2, say("chín tám, mà hơi tức ngực"))
    assert _worst(result) == "high", result.steps
    assert result.vitals["spo2"] == 98.0


def test_a_reading_said_with_a_calm_complaint_is_read_back() -> None:
    result = outbound(*OUT_START, *SPO2[1:], say("chín bảy mà cái máy kẹp đau tay quá"), say("đúng"))
    assert _worst(result) is None
    assert _events(result, "reading_with_sign") == []
    assert "confirm_spo2" in _prompts(result)


def test_a_temperature_shaped_value_said_with_a_sign_is_not_kept() -> None:
    inputs: tuple[Input, ...] = (*CHECKIN_BREATHING, say("ba sáu rưỡi, mà tức ngực lắm"))
    result = call(*inputs)
    assert _worst(result) == "high", result.steps
    assert "breathing_rate" not in result.vitals
