"""Callers on another host: sipp bound to 127.0.0.2 calls through the project's Kamailio
to real ``ivr sip-worker`` processes (issue 11, finding 1).

A caller elsewhere follows the dialog's route set: its ACK and BYE must reach the worker through
Kamailio (the worker's 200 echoes the Record-Route), and the worker's BYE must reach the caller
through Kamailio (it carries the route set), however long the call lasted.
"""
from __future__ import annotations

import time

import pytest
from sqlalchemy import select

from ivr.store.database import Database
from ivr.store.models import Call, Escalation

from .conftest import Workers, run_sipp

pytestmark = pytest.mark.slow

CALLER_IP = "127.0.0.2"


def _wait_done(db: Database, n: int, timeout_s: float) -> list[Call]:
    deadline = time.monotonic() + timeout_s
    while True:
        with db.session() as s:
            calls = list(s.scalars(select(Call).order_by(Call.id)))
            if sum(c.outcome != "in_progress" for c in calls) >= n or time.monotonic() > deadline:
                return calls
        time.sleep(0.1)


def _escalations(db: Database) -> list[Escalation]:
    with db.session() as s:
        return list(s.scalars(select(Escalation)))


def test_a_caller_on_another_host_hangs_up_and_the_call_is_abandoned(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_hangup_after.xml", timeout_s=30, local_ip=CALLER_IP,
                      values={"HOLD_MS": "3000"})
    hung_up = time.monotonic()
    assert result.rc == 0, result.out  # the caller's BYE got its 200 (through Kamailio)
    calls = _wait_done(db, 1, timeout_s=20)
    stored_after = time.monotonic() - hung_up
    print(f"hang-up to stored outcome: {stored_after:.2f} s")
    assert [c.outcome for c in calls] == ["abandoned"], [(c.outcome, c.duration_s) for c in calls]
    assert calls[0].duration_s is not None and calls[0].duration_s < 10
    assert _escalations(db) == []
    assert stored_after < 5


def _advice_wait_ms(workers: Workers) -> int:
    """How long the medication advice plays, plus a margin: key 9 is pressed once it has ended."""
    from ivr.engine.prompts import load_catalog
    from ivr.tts.render import PromptRenderer

    catalog = load_catalog(workers.cfg.prompts_catalog)
    advice = PromptRenderer(workers.cfg).pcm("faq_medication", catalog.text("faq_medication"))
    return int(len(advice) / 16 + 1500)


@pytest.fixture
def short_noack(monkeypatch: pytest.MonkeyPatch) -> int:
    """Kamailio's dialog noack_timeout cut from 60 s to 3 s, so that a ~20 s call outlives it: a dialog
    whose caller's ACK Kamailio never saw is then dropped (the old "~2 minutes" failure, sooner)."""
    from ivr.ops import kamailio

    render = kamailio.render
    anchor = 'modparam("dialog", "default_timeout", 3600)'

    def short(*args: object, **kwargs: object) -> str:
        text = render(*args, **kwargs)  # type: ignore[arg-type]
        assert anchor in text
        return text.replace(anchor, anchor + '\nmodparam("dialog", "noack_timeout", 3)')

    monkeypatch.setattr(kamailio, "render", short)
    return 3


def test_the_hotlines_bye_reaches_a_caller_on_another_host_after_the_dialog_timeouts(
        short_noack: int, workers: Workers, db: Database) -> None:
    """Keys 5, 1 (a long statement), then 9 (goodbye): the hotline hangs up ~20 s in, well past the
    (shortened) noack timeout; sipp at 127.0.0.2 must receive that BYE and its 200 must reach the worker."""
    worker = workers.start(0)
    wait9 = _advice_wait_ms(workers)
    assert wait9 / 1000 > short_noack + 10 + 2  # the call outlives noack_timeout plus the dialog's 10 s grace
    started = time.monotonic()
    result = run_sipp(workers.cfg, "uac_worker_bye.xml", timeout_s=wait9 / 1000 + 25, local_ip=CALLER_IP,
                      values={"WAIT9": str(wait9)})
    print(f"call length {time.monotonic() - started:.1f} s")
    assert result.rc == 0, result.out  # the caller received the hotline's BYE (and answered 200)
    calls = _wait_done(db, 1, timeout_s=20)
    assert calls[0].outcome == "completed"
    deadline = time.monotonic() + 5
    while "BYE answered 200" not in worker.text() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert "BYE answered 200" in worker.text(), worker.text()[-3000:]


def test_a_re_invite_from_a_caller_on_another_host_is_answered(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_reinvite.xml", timeout_s=30, local_ip=CALLER_IP)
    assert result.rc == 0, result.out  # the re-INVITE got its 200, the ACK and the BYE went through
    calls = _wait_done(db, 1, timeout_s=20)
    assert [c.outcome for c in calls] == ["abandoned"]
    assert _escalations(db) == []

