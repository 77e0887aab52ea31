"""`ivr calls list` on rows written by the real CallStore (no phone needed)."""
from __future__ import annotations

import json
from typing import ClassVar

import pytest

from ivr.cli import main
from ivr.config import Config
from ivr.engine import actions as A
from ivr.engine.session import Step
from ivr.engine.understanding import Assessment
from ivr.store.database import Database
from ivr.telephony.callstore import CallStore


class Done:
    steps: ClassVar[list[Step]] = [Step(node="greeting", event="prompt", prompt_id="greeting"),
             Step(node="greeting", event="speech", transcript="tôi bị khó thở", intent="report_symptoms",
                  confidence=0.8),
             Step(node="spo2", event="dtmf", digits="92")]
    assessment = Assessment(risk="high", reasons=("SpO2 92%",), rule_pack="moh-2021")
    symptoms: ClassVar[set[str]] = {"shortness_of_breath"}
    vitals: ClassVar[dict[str, float]] = {"spo2": 92.0}
    risk_factors: ClassVar[set[str]] = set()


def _store_call(db: Database) -> int:
    store = CallStore(db)
    cid = store.start_call(sip_call_id="abc@x", caller="0911222333", worker="worker1", flow_name="covid_f0")
    store.set_recording(cid, "/data/recordings/1.wav")
    store.sync_steps(cid, Done.steps)
    aid = store.save_assessment(cid, Done)
    store.escalate(cid, A.Escalate(risk="high", reason="SpO2 thấp", mode="live"), Done, aid)
    store.finish(cid, outcome="escalated", slots={"spo2": 92.0})
    return cid


def test_calls_list_json_and_text(cfg: Config, db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    cid = _store_call(db)
    assert main(["--data-dir", str(cfg.data_dir), "calls", "list", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert len(rows) == 1
    row = rows[0]
    assert (row["id"], row["caller"], row["outcome"], row["risk"], row["intent"], row["digits"]) == \
        (cid, "0911222333", "escalated", "high", "report_symptoms", "92")
    assert row["recording_path"] == "/data/recordings/1.wav" and row["duration_s"] is not None
    assert [s["transcript"] for s in row["steps"] if s["event"] == "speech"] == ["tôi bị khó thở"]
    assert main(["--data-dir", str(cfg.data_dir), "calls", "list"]) == 0
    text = capsys.readouterr().out
    assert f"#{cid} " in text and "outcome=escalated" in text and "'tôi bị khó thở' intent=report_symptoms" in text


def test_calls_list_rejects_a_bad_limit(cfg: Config, db: Database, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--data-dir", str(cfg.data_dir), "calls", "list", "--limit", "0"]) == 2
    assert "calls list: --limit must be 1 or more, got 0" in capsys.readouterr().err


def test_unknown_outcome_is_refused(db: Database) -> None:
    store = CallStore(db)
    cid = store.start_call(sip_call_id="x", caller="", worker="w", flow_name="f")
    with pytest.raises(ValueError, match="unknown call outcome 'weird'"):
        store.finish(cid, outcome="weird", slots={})


def test_calls_a_dead_worker_left_in_progress_are_marked_failed(db: Database) -> None:
    store = CallStore(db)
    mine = store.start_call(sip_call_id="a", caller="", worker="worker3", flow_name="f")
    other = store.start_call(sip_call_id="b", caller="", worker="worker4", flow_name="f")
    assert store.close_stale(worker="worker3") == 1
    with db.session() as s:
        from ivr.store.models import Call

        assert s.get(Call, mine).outcome == "failed" and s.get(Call, other).outcome == "in_progress"
