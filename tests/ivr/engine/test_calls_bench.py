"""bench/calls.py: every scripted call of held-out set 4 parses and runs through the engine.

The pass rate is a measurement (issue 12) and is deliberately not asserted here.
"""
from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "bench" / "calls.py"
DATA = ROOT / "tests" / "data" / "heldout" / "calls_heldout4.jsonl"


def _bench() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_calls", BENCH)
    assert spec and spec.loader
    mod = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = mod  # dataclasses look their module up while the class is built
    spec.loader.exec_module(mod)
    return mod


calls = _bench()


def test_every_script_parses() -> None:
    scripts = calls.load_scripts(DATA)
    assert len(scripts) == 20
    assert len({s.id for s in scripts}) == 20
    for s in scripts:
        assert s.inputs and s.expect
        assert set(s.expect) <= set(calls.EXPECT_KEYS)
        assert all(kind in ("say", "dtmf", "silence") for kind, _ in s.inputs)


@pytest.mark.parametrize("turn, message", [
    ({"say": ""}, "non-empty"),
    ({"dtmf": "1x"}, "keys 0-9"),
    ({"silence": False}, "must be true"),
    ({"shout": "a"}, "unknown turn kind"),
    ({"say": "a", "dtmf": "1"}, "a turn is one of"),
])
def test_bad_turns_are_refused(turn: dict[str, Any], message: str) -> None:
    with pytest.raises(calls.ScriptError, match=message):
        calls.parse_turn(turn, "t")


def test_bad_expectation_is_refused() -> None:
    row = {"id": "x", "caller_turns": [{"dtmf": "1"}], "expect": {"reaches_doctor": True}}
    with pytest.raises(calls.ScriptError, match="unknown expectations"):
        calls.parse_script(row, "t")
    row["expect"] = {"escalation_risk_at_least": "medium"}
    with pytest.raises(calls.ScriptError, match="'high' or 'emergency'"):
        calls.parse_script(row, "t")


def _result(steps: list[dict[str, Any]], escalations: list[dict[str, Any]], outcome: str) -> dict[str, Any]:
    return {"steps": steps, "escalations": escalations, "outcome": outcome, "risk": "none"}


def test_observe_and_check_read_the_simulate_json() -> None:
    steps = [
        {"node": "greeting", "text": "Xin chào", "event": "speech", "input": "hả"},
        {"node": "greeting", "text": "Xin nhắc lại", "event": "speech", "input": "hả"},
        {"node": "greeting", "text": None, "event": "no_input", "input": ""},
        {"node": "emergency", "text": None, "event": "escalate", "risk": "high"},
        {"node": "emergency", "text": "Ông bà hãy gọi 115"},
    ]
    seen = calls.observe(_result(steps, [{"risk": "high", "mode": "live"}], "escalated"))
    both = calls.observe(_result(steps, [{"risk": "high", "mode": "live"},
                                         {"risk": "emergency", "mode": "callback"}], "escalated"))
    assert both["escalation_risk"] == "emergency" and both["callback_case"]
    assert calls.check({"escalation_risk_at_least": "emergency"}, both) == []
    assert calls.check({"escalation_risk_at_least": "high"}, both) == []
    assert seen["reaches_human"] and seen["exchanges_to_human"] == 3 and seen["advice_115"]
    assert not seen["callback_case"] and seen["escalation_risk"] == "high"
    assert calls.check({"reaches_human": True, "max_exchanges_to_human": 3, "advice_115": True}, seen) == []
    failed = calls.check({"max_exchanges_to_human": 2, "escalation_risk_at_least": "emergency",
                          "callback_case": True}, seen)
    assert len(failed) == 3
    calm = calls.observe(_result(steps[:2], [], "completed"))
    assert not calm["reaches_human"] and calm["exchanges_to_human"] is None
    assert calls.check({"reaches_human": True}, calm) == ["reaches_human: expected True, got False"]
    assert calls.check({"max_exchanges_to_human": 5}, calm) == [
        "max_exchanges_to_human: expected <= 5, got never"]


def test_a_conditional_115_is_a_reminder_not_the_advice() -> None:
    """"Nếu thấy khó thở, hãy gọi ngay 115" (a goodbye's safety reminder) names 115 to an escalated caller and
    does not tell a calm one to call 115 now; "Ông bà hãy gọi ngay số 115" does."""
    reminder = calls.observe(_result([{"node": "goodbye", "text": "Cảm ơn ông bà. Nếu thấy khó thở, hãy gọi "
                                                                     "ngay 115. Chúc ông bà mau khỏe."}],
                                     [], "completed"))
    assert reminder["reminder_115"] and not reminder["advice_115"]
    assert calls.check({"advice_115": False}, reminder) == []
    assert calls.check({"advice_115": True}, reminder) == []
    told = calls.observe(_result([{"node": "emergency", "text": "Ông bà hãy gọi ngay số 115 để được cấp cứu. "
                                                                 "Xin giữ máy."}], [], "escalated"))
    assert told["advice_115"]
    assert calls.check({"advice_115": False}, told) == ["advice_115: expected False, told to call 115 now"]
    silent = calls.observe(_result([{"node": "goodbye", "text": "Xin chào."}], [], "completed"))
    assert calls.check({"advice_115": True}, silent) == ["advice_115: expected True, 115 never named"]


def test_bench_runs_every_script_through_the_engine() -> None:
    proc = subprocess.run([sys.executable, str(BENCH), "--json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr
    report = json.loads(proc.stdout)
    assert report["total"] == 20 and len(report["calls"]) == 20
    assert 0 <= report["passed"] <= 20
    for row in report["calls"]:
        assert row["seen"]["exchanges"] >= 1  # the engine consumed the caller's turns
        assert row["seen"]["outcome"]
        assert row["passed"] == (row["failed"] == [])


def test_a_call_may_name_its_flow() -> None:
    # session 18 (n29-node-signs): one file covers the inbound hotline and the outbound check-in
    row = {"id": "x", "caller_turns": [{"dtmf": "1"}], "expect": {"reaches_human": True}, "flow": "checkin_outbound"}
    assert calls.parse_script(row, "t").flow == "checkin_outbound"
    assert calls.parse_script({**row, "flow": ""}, "t").flow == ""
    with pytest.raises(calls.ScriptError, match="flow name"):
        calls.parse_script({**row, "flow": "../etc/passwd"}, "t")


def test_a_named_flow_runs_through_that_flow() -> None:
    from ivr import config as config_mod

    runner = calls.Runner(config_mod.load(None))
    script = calls.parse_script({"id": "x", "caller_turns": [{"say": "alo, mẹ tôi đang co giật"}],
                                 "expect": {"reaches_human": True}, "flow": "checkin_outbound"}, "t")
    data = runner.run(script)
    assert data["steps"][0]["node"] == "start_gate"  # the outbound call's first question, not the greeting
    assert calls.observe(data)["escalation_risk"] == "emergency"
