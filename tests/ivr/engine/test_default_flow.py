"""Whole calls through the default flow (callflows/covid_f0.yaml) with the real engine, understanding and
triage: the structural safety nets of the flow, and where every branch of it ends."""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ivr import ROOT
from ivr.engine.flow import Flow, load_flow
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.engine.simulator import Input, SimulationResult, simulate


@cache
def _setup() -> tuple[Flow, PromptCatalog, Any, Any]:
    from ivr.cli import plugins
    from ivr.nlu.understander import default_understander

    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    return flow, catalog, default_understander(), plugins.triage(ROOT / "escalation" / "rules")


def call(*inputs: Input, **kw: Any) -> SimulationResult:
    flow, catalog, understander, triage = _setup()
    return simulate(flow, list(inputs), catalog=catalog, understander=understander, triage=triage, **kw)


def say(text: str) -> Input:
    return ("say", text)


def keys(digits: str) -> Input:
    return ("dtmf", digits)


def exchanges(result: SimulationResult) -> int:
    """How many times the caller answered (spoke, pressed keys or stayed silent)."""
    return sum(1 for s in result.steps if s.get("event") in ("speech", "dtmf", "no_input"))


# ------------------------------------------------------------------ a confused caller reaches a person
@pytest.mark.parametrize("confused", [
    ["ơ gì cơ", "gì cơ", "ơ gì cơ", "gì cơ", "gì cơ"],
    ["tôi không nghe rõ", "nói gì thế", "không hiểu", "tôi không nghe rõ"],
    ["hả", "ờ ờ", "hả", "hả"],
])
def test_a_confused_caller_reaches_a_person_within_three_exchanges(confused: list[str]) -> None:
    result = call(*[say(t) for t in confused])
    assert result.outcome in ("handed_off", "escalated")
    assert result.steps[-1]["event"] == "handoff"
    assert exchanges(result) <= 3
    assert [s["prompt_id"] for s in result.steps].count("greeting") <= 3


def test_a_confused_caller_deep_in_the_check_in_reaches_a_person() -> None:
    result = call(keys("3"), keys("2"), keys("1"), say("gì cơ"), say("tôi không nghe rõ"), say("gì cơ"),
                  say("gì cơ"))
    assert result.steps[-1]["event"] == "handoff"
    assert [s["node"] for s in result.steps if s.get("event") == "speech"] == ["spo2"] * 3


# ------------------------------------------------------------------ a warning sign at any question escalates
CHECKIN_KEYS = (keys("3"), keys("2"))  # daily check-in, nothing to report at first


@pytest.mark.parametrize(("before", "utterance", "risk"), [
    # at a number question (collect): not an invalid number
    ((*CHECKIN_KEYS, keys("1")), "cháu thấy môi bà tím tái cả rồi", "emergency"),
    # at the read-back of a number (confirm)
    ((*CHECKIN_KEYS, keys("1"), say("chín mươi sáu")), "không đúng, mà bà tôi thở không nổi nữa", "emergency"),
    ((*CHECKIN_KEYS, keys("2"), keys("1"), keys("39")), "ông nhà tôi lơ mơ gọi không tỉnh", "emergency"),
    # at a yes/no question (ask)
    ((*CHECKIN_KEYS, keys("2")), "có nhưng mà tức ngực lắm", "high"),
    # at the FAQ menu and at "anything else?"
    ((keys("5"),), "bố tôi thở không nổi", "emergency"),
    ((keys("5"), keys("2")), "mẹ tôi tức ngực lắm", "high"),
])
def test_a_warning_sign_at_any_question_escalates(before: tuple[Input, ...], utterance: str, risk: str) -> None:
    result = call(*before, say(utterance))
    assert result.outcome == "escalated"
    escalations = result.as_json()["escalations"]
    assert escalations[-1]["risk"] == risk and escalations[-1]["mode"] == "live"
    assert result.steps[-1]["event"] == "handoff"
    assert not any(s["prompt_id"] == "invalid_number" for s in result.steps)


@pytest.mark.parametrize(("later", "risk"), [
    ("mẹ tôi tức ngực lắm", "high"),  # a warning sign, not a request for help: on_risk must fire
    ("bà tôi thở không nổi nữa rồi", "emergency"),
])
def test_a_warning_sign_after_a_callback_case_still_reaches_a_doctor_live(later: str, risk: str) -> None:
    result = call(keys("2"), say("sốt cao ba ngày không hạ, ho nhiều"), keys("2"), keys("2"), keys("2"),
                  say(later))
    escalations = result.as_json()["escalations"]
    assert [(e["risk"], e["mode"]) for e in escalations] == [("medium", "callback"), (risk, "live")]
    assert result.outcome == "escalated" and result.steps[-1]["event"] == "handoff"
