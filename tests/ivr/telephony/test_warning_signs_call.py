"""A real call through the decision-261 warning-sign questions (issue 12): sipp on 127.0.0.2 -> the project's
Kamailio -> an ``ivr sip-worker`` running the default flow, a caller on keys only.

The caller chooses the daily check-in (3), presses a key the check-in question does not offer (5: an answer
not understood, so the yes/no warning signs follow), answers no (2) to "drowsy, hard to wake?" and to "blue
lips?", and yes (1) to "short of breath?". The case must be stored escalated at risk high, with the sign among
its reasons, and the call escalated with every key and question in its steps."""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from ivr.store.database import Database
from ivr.store.models import Call, Escalation

from . import pcap
from .conftest import Workers, run_sipp

pytestmark = pytest.mark.slow

CALLER_IP = "127.0.0.2"
KEYS = "35221"


def _wait_done(db: Database, timeout_s: float) -> Call | None:
    deadline = time.monotonic() + timeout_s
    while True:
        with db.session() as s:
            call = s.scalars(select(Call).order_by(Call.id)).first()
            if (call is not None and call.outcome != "in_progress") or time.monotonic() > deadline:
                if call is not None:
                    _ = call.steps
                return call
        time.sleep(0.2)


def test_a_caller_on_keys_answers_yes_to_a_warning_sign_and_the_case_is_escalated(workers: Workers,
                                                                                  db: Database) -> None:
    workers.start(0)
    folder = workers.cfg.data_dir / "pcaps"
    folder.mkdir(parents=True, exist_ok=True)
    values = {"GAP": "2500", "HOLD_MS": "4000"}
    for i, digit in enumerate(KEYS):  # the same key twice needs a new RTP timestamp, as phones send it
        name = f"sign-key{i}-{digit}.pcap"
        (folder / name).write_bytes(pcap.dtmf_pcap(digit, ts=16000 * (i + 1)))
        values[f"KEY{i}"] = name
    result = run_sipp(workers.cfg, "uac_warning_signs_keys.xml", timeout_s=60, local_ip=CALLER_IP, values=values)
    assert result.rc == 0, result.out
    call = _wait_done(db, timeout_s=30)
    assert call is not None
    steps = [(st.node, st.event, st.digits, st.prompt_id) for st in call.steps]
    assert call.outcome == "escalated", steps
    assert [st.digits for st in call.steps if st.event == "dtmf"] == list(KEYS), steps
    assert [st.node for st in call.steps if st.event == "dtmf"] == ["greeting", "checkin", "warning_signs",
                                                                     "warning_signs", "warning_signs"], steps
    prompts = [st.prompt_id for st in call.steps if st.event == "prompt"]
    # the three questions were asked in order, then the escalation's advice
    asked = [p for p in prompts if p.startswith("sign_")]
    assert asked == ["sign_consciousness", "sign_cyanosis", "sign_breathless"], prompts
    assert prompts.index("sign_breathless") < prompts.index("escalated_high"), prompts
    with db.session() as s:
        cases = s.scalars(select(Escalation).where(Escalation.call_id == call.id)).all()
        assert len(cases) == 1, [(c.risk, c.mode, c.reason) for c in cases]
        case = cases[0]
        # asked for live; with no doctor on duty anywhere, the queue makes it a callback at once
        assert (case.risk, case.mode) == ("high", "callback")
        assert any("Khó thở" in r and "dấu hiệu 1" in r for r in case.reasons), case.reasons
        assert call.caller == "0912345678"
