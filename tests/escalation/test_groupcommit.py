"""Group commit: works submitted together share one transaction; a failing one fails alone."""
from __future__ import annotations

import threading
import time

import pytest
from sqlalchemy import func, select

from escalation import groupcommit, jobs
from ivr.store.database import Database
from ivr.store.models import AuditLog


def _submit_together(db: Database, works, prepare) -> list:
    """Submit ``works`` from one thread each while the group's turn is held, then let one thread run them all."""
    comb = groupcommit.combiner(("db", db.url, prepare, jobs.writer), groupcommit._commit)
    out: list = [None] * len(works)

    def one(i: int) -> None:
        try:
            out[i] = groupcommit.run(db, works[i], prepare=prepare, writer=jobs.writer)
        except Exception as exc:  # noqa: BLE001 - compared below
            out[i] = exc

    threads = [threading.Thread(target=one, args=(i,)) for i in range(len(works))]
    with comb._turn:
        for t in threads:
            t.start()
        deadline = time.monotonic() + 10
        while len(comb._pending) < len(works):
            assert time.monotonic() < deadline, "works were not queued"
            time.sleep(0.01)
    for t in threads:
        t.join(10)
    return out


def _audit(actor: str):
    def work(s, shared):
        s.add(AuditLog(actor=actor, action="test.group", target="", detail={"shared": shared}))
        s.flush()
        return actor
    return work


def _count(db: Database) -> int:
    with db.session() as s:
        return int(s.scalar(select(func.count()).select_from(AuditLog).where(AuditLog.action == "test.group")) or 0)


def test_works_submitted_together_share_one_read_and_one_transaction(db):
    reads: list[int] = []

    def prepare(s):
        reads.append(1)
        return len(reads)

    out = _submit_together(db, [_audit(f"a{i}") for i in range(6)], prepare)
    assert out == [f"a{i}" for i in range(6)]
    assert len(reads) == 1 and _count(db) == 6  # one shared read (and one commit) for the six


def test_a_failing_work_fails_alone_and_leaves_nothing_behind(db):
    def bad(s, shared):
        s.add(AuditLog(actor="bad", action="test.group", target="", detail={}))
        s.flush()
        raise ValueError("Không tìm thấy bệnh nhân #9.")

    def prepare(s):
        return 0

    works = [_audit("a0"), bad, _audit("a2")]
    out = _submit_together(db, works, prepare)
    assert out[0] == "a0" and out[2] == "a2"
    assert isinstance(out[1], ValueError) and str(out[1]) == "Không tìm thấy bệnh nhân #9."
    with db.session() as s:
        actors = sorted(s.scalars(select(AuditLog.actor).where(AuditLog.action == "test.group")))
    assert actors == ["a0", "a2"]  # the group was rolled back and the good works committed alone


def test_other_databases_run_each_work_alone(monkeypatch):
    calls: list[str] = []

    class FakeDb:
        url = "postgresql+psycopg://ivr@db/ivr"

        def session(self):
            class S:
                def __enter__(self_inner):
                    calls.append("session")
                    return self_inner

                def __exit__(self_inner, *a):
                    return False
            return S()

    class NoLock:
        def __init__(self, db):
            pass

        def __enter__(self):
            calls.append("writer")

        def __exit__(self, *a):
            return False

    assert groupcommit.run(FakeDb(), lambda s, shared: shared + 1, prepare=lambda s: 41, writer=NoLock) == 42
    assert calls == ["session", "writer", "session"]
    with pytest.raises(ZeroDivisionError):
        groupcommit.run(FakeDb(), lambda s, shared: 1 / 0, prepare=lambda s: 0, writer=NoLock)
