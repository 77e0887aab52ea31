"""`ivr simulate` runs the default flow through the real engine, understanding and triage."""
from __future__ import annotations

import json
import subprocess
from typing import Any

from ivr import ROOT


def simulate(*args: str) -> dict[str, Any]:
    res = subprocess.run([str(ROOT / ".venv/bin/ivr"), "simulate", *args, "--json"], capture_output=True,
                         text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    data: dict[str, Any] = json.loads(res.stdout)
    assert set(data) >= {"steps", "outcome", "slots"}
    for step in data["steps"]:
        assert set(step) >= {"node", "prompt_id", "text", "input"}
    return data


def test_emergency_key_at_the_greeting_escalates() -> None:
    data = simulate("--dtmf", "1")
    assert data["outcome"] == "escalated"
    assert data["steps"][0] == {**data["steps"][0], "node": "greeting", "prompt_id": "greeting", "input": "1"}
    assert data["escalations"][0]["risk"] == "emergency" and data["escalations"][0]["mode"] == "live"
    assert any(s["prompt_id"] == "emergency_115" for s in data["steps"])


def test_spoken_emergency_escalates() -> None:
    assert simulate("--say", "cấp cứu, bà tôi khó thở lắm")["outcome"] == "escalated"


def test_three_no_inputs_end_in_a_handoff_not_a_hangup() -> None:
    data = simulate("--silence", "--silence", "--silence")
    assert data["outcome"] == "handed_off"
    assert [s["input"] for s in data["steps"] if s.get("event") == "no_input"] == ["", "", ""]
    assert data["steps"][-1]["event"] == "handoff"


def test_symptom_report_with_low_spo2_reaches_a_doctor() -> None:
    data = simulate("--dtmf", "2", "--say", "tôi bị sốt với ho nhiều", "--say", "có", "--say", "chín mươi lăm",
                    "--say", "đúng rồi")
    assert data["outcome"] == "escalated"
    assert data["slots"]["spo2"] == 95
    assert data["risk"] == "high"
    prompts = [s["prompt_id"] for s in data["steps"] if s["prompt_id"]]
    assert prompts.index("confirm_spo2") < prompts.index("escalated_high")  # read back before acting on it
    assert {"fever", "cough"} <= set(data["symptoms"])


def test_daily_checkin_by_keys_ends_normally() -> None:
    # pulse shown on the oximeter? no (2); blood pressure monitor? no (2)
    data = simulate("--dtmf", "3", "--dtmf", "2", "--dtmf", "1", "--dtmf", "98#", "--dtmf", "1", "--dtmf", "2",
                    "--dtmf", "1", "--dtmf", "368", "--dtmf", "1", "--dtmf", "2", "--dtmf", "2", "--dtmf", "9")
    assert data["outcome"] == "completed"
    assert data["slots"]["spo2"] == 98 and data["slots"]["temperature"] == 36.8
    assert data["risk"] == "none"


def test_question_answered_and_goodbye() -> None:
    data = simulate("--say", "cho tôi hỏi về thuốc hạ sốt", "--say", "tạm biệt")
    assert data["outcome"] == "completed"
    assert [s["node"] for s in data["steps"] if s["prompt_id"]][:3] == ["greeting", "faq_medication", "anything_else"]


def test_inputs_running_out_is_no_input() -> None:
    assert simulate("--dtmf", "5")["outcome"] == "no_input"


def test_bad_dtmf_is_rejected_by_the_parser() -> None:
    res = subprocess.run([str(ROOT / ".venv/bin/ivr"), "simulate", "--dtmf", "1x"], capture_output=True, text=True,
                         timeout=60, cwd=ROOT)
    assert res.returncode == 2
    assert "--dtmf takes keys 0-9 * # A-D, got '1x'" in res.stderr


def test_broken_flow_is_one_message_and_nonzero(tmp_path: Any) -> None:
    broken = tmp_path / "f.yaml"
    broken.write_text("flow: f\nnodes: [\n", encoding="utf-8")
    res = subprocess.run([str(ROOT / ".venv/bin/ivr"), "simulate", "--flow", str(broken), "--dtmf", "1"],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert res.returncode == 2
    assert res.stderr.startswith(f"ivr: {broken}: node '(file)': invalid YAML at line 3")
    assert res.stdout == ""


def test_outbound_checkin_says_who_is_calling() -> None:
    # the dialer names the commune's station; the simulator, with no patient, names the hotline (never "của .")
    data = simulate("--flow", "callflows/checkin_outbound.yaml", "--dtmf", "1")
    first = data["steps"][0]["text"]
    assert "của Đường dây hỗ trợ người bệnh COVID-19." in first and "của ." not in first
    assert data["slots"]["direction"] == "outbound"
    assert all(" ." not in s["text"] and "{" not in s["text"] for s in data["steps"] if s["text"])
