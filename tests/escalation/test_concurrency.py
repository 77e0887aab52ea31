"""Several doctors picking the same case at the same moment, from separate processes on one SQLite (WAL) file."""
from __future__ import annotations

import multiprocessing as mp
from datetime import datetime

import pytest

from escalation import queue
from escalation.errors import EscalationConflict
from ivr.store.database import Database

T0 = datetime(2026, 11, 22, 20, 12, 0)  # 03:12 in Vietnam


def _pick(url: str, eid: int, staff_id: int, barrier, out) -> None:  # runs in a child process
    db = Database(url)
    barrier.wait()
    try:
        esc = queue.pick(db, eid, staff_id=staff_id, now=T0)
        out.put((eid, staff_id, "won", esc.picked_by_id))
    except EscalationConflict as exc:
        out.put((eid, staff_id, "lost", str(exc)))
    except Exception as exc:  # anything else is a test failure, reported to the parent
        out.put((eid, staff_id, "error", repr(exc)))
    finally:
        db.dispose()


@pytest.mark.slow
def test_exactly_one_of_several_simultaneous_picks_wins(db, people):
    doctors = {people.staff[n]: n for n in ("an", "binh", "cuong", "dung")}
    names = {"an": "Nguyễn Văn An", "binh": "Trần Thị Bình", "cuong": "Lê Văn Cường", "dung": "Phạm Thị Dung"}
    case_ids = [queue.create(db, risk="emergency", reason=f"ca {i}", caller=f"+8490000010{i}") for i in range(4)]
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    for eid in case_ids:
        barrier = ctx.Barrier(len(doctors))
        procs = [ctx.Process(target=_pick, args=(db.url, eid, sid, barrier, out)) for sid in doctors]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
    results = [out.get(timeout=10) for _ in range(len(case_ids) * len(doctors))]
    assert not [r for r in results if r[2] == "error"], results
    for eid in case_ids:
        mine = [r for r in results if r[0] == eid]
        won = [r for r in mine if r[2] == "won"]
        assert len(won) == 1, mine
        winner = won[0][1]
        assert queue.get(db, eid).picked_by_id == winner
        for _, _, _, message in (r for r in mine if r[2] == "lost"):
            assert message == f"Ca #{eid} đã được bác sĩ {names[doctors[winner]]} nhận lúc 03:12."
        assert [e.to_status for e in queue.events(db, eid)] == ["waiting", "picked"]


def _create(url: str, caller: str, patient_id: int | None, barrier, out) -> None:  # runs in a child process
    db = Database(url)
    barrier.wait()
    try:
        out.put(("ok", queue.create(db, risk="high", reason="Khó thở", caller=caller, patient_id=patient_id)))
    except Exception as exc:  # anything else is a test failure, reported to the parent
        out.put(("error", repr(exc)))
    finally:
        db.dispose()


@pytest.mark.slow
@pytest.mark.parametrize("known", [False, True], ids=["unknown-caller", "patient"])
def test_simultaneous_escalations_of_one_caller_from_several_processes_make_one_case(db, people, known):
    """Four workers (on one box or several) escalate the same caller at the same moment: one case, re-triaged by
    the others, never four (on SQLite the writer lock orders them; on PostgreSQL a lock the transaction holds)."""
    caller, pid = ("+84900000009", None) if not known else ("+84900000001", people.patients["lan"])
    ctx = mp.get_context("fork")
    out = ctx.Queue()
    for _ in range(3):  # three rounds: a race that loses only sometimes still shows
        barrier = ctx.Barrier(4)
        procs = [ctx.Process(target=_create, args=(db.url, caller, pid, barrier, out)) for _ in range(4)]
        for p in procs:
            p.start()
        for p in procs:
            p.join(60)
            assert p.exitcode == 0
    results = [out.get(timeout=10) for _ in range(12)]
    assert not [r for r in results if r[0] == "error"], results
    assert len({r[1] for r in results}) == 1, results
