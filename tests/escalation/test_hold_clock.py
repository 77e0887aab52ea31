"""A returning patient's emergency holds on its own clock, whatever older cases the patient has.

Real database (migrated by Alembic) and, where the desk enqueues, the real test Redis. The hold
state machine (``ivr.engine.hold.Hold``) is driven on a virtual clock with the cases the desk
reads from the database, while the sweeper runs as ``ivr worker`` would run it.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy import select, update

from escalation import queue, sweeper
from escalation.desk import QueueDesk
from ivr.config import Config
from ivr.engine import hold as H
from ivr.store.database import Database
from ivr.store.models import Escalation, EscalationStatus, StaffUser

T0 = datetime(2026, 12, 1, 1, 0, 0)  # 08:00 in Vietnam
OLD_CASE_AGE = timedelta(minutes=8)


def _give_phone(db: Database, staff_id: int, phone: str) -> None:
    with db.session() as s:
        s.execute(update(StaffUser).where(StaffUser.id == staff_id).values(phone=phone))


def _hold_call(desk: QueueDesk, db: Database, cfg: Config, eid: int, started: datetime, *, until_s: float,
               pick_at_s: float | None = None, picker: int | None = None) -> tuple[H.Hold, list[object], float]:
    """Hold a call on ``eid`` from ``started`` (a virtual clock in seconds), reading the case from the
    database at every poll and sweeping every ``cfg.sweep_interval_s``; a doctor picks it live at ``pick_at_s``.
    Returns the machine, every action it asked for and the clock when it stopped."""
    machine = H.Hold(hold_limit_s=float(cfg.hold_limit_s), poll_s=1.0)
    actions: list[object] = list(machine.handle(H.Start(risk="emergency"), 0.0))
    next_sweep = float(cfg.sweep_interval_s)
    t = 0.0
    while t <= until_s and machine.state is H.HoldState.HOLDING:
        if t >= next_sweep:
            sweeper.sweep(db, cfg, now=started + timedelta(seconds=t))
            next_sweep += cfg.sweep_interval_s
        if pick_at_s is not None and picker is not None and t >= pick_at_s:
            queue.pick(db, eid, staff_id=picker, mode="live", now=started + timedelta(seconds=t))
            pick_at_s = None
        due = machine.handle_timer(t)
        while due:
            actions += due
            more: list[object] = []
            for action in due:
                if isinstance(action, H.PollCase):
                    case = desk.hold_case(eid)
                    more += machine.handle(H.CaseSeen(status=case.status, mode=case.mode, risk=case.risk,
                                                      staff_phone=case.staff_phone, staff_id=case.staff_id), t)
                elif isinstance(action, H.MakeCallback):
                    queue.hold_expired(db, eid, now=started + timedelta(seconds=t))
            due = more or (machine.handle_timer(t) if machine.state is H.HoldState.HOLDING else [])
        t += 1.0
    return machine, actions, t


def test_a_returning_patients_emergency_holds_the_full_limit_and_a_doctor_connects(db, cfg, people, redis_url):
    lan = people.patients["lan"]
    _give_phone(db, people.staff["an"], "1001")  # a SIP extension: diallable through the SIP front
    desk = QueueDesk(db, cfg, redis=Redis.from_url(redis_url))
    old = queue.create(db, risk="medium", reason="Sốt nhẹ", reasons=["fever"], patient_id=lan, now=T0)
    call_at = T0 + OLD_CASE_AGE
    eid = queue.create(db, risk="emergency", reason="Gọi không dậy", reasons=["unresponsive"], patient_id=lan,
                       mode="live", redis=Redis.from_url(redis_url), now=call_at)
    assert eid == old  # re-triaged, not duplicated...
    esc = queue.get(db, eid)
    assert (esc.mode, esc.risk, esc.hold_started_at) == ("live", "emergency", call_at)  # ...with its own clock
    # nobody picks for most of the hold limit: the caller keeps holding, sweeps and all
    machine, actions, t = _hold_call(desk, db, cfg, eid, call_at, until_s=cfg.hold_limit_s - 5)
    assert machine.state is H.HoldState.HOLDING, actions
    assert not any(isinstance(a, H.MakeCallback) for a in actions)
    assert queue.get(db, eid).mode == "live"
    # the board offers "connect now" all along: a doctor on duty picks it live and the phone rings
    assert [c.id for c in queue.list_open(db, staff=people.staff["an"], now=call_at)] == [eid]
    machine, actions, t = _hold_call(desk, db, cfg, eid, call_at, until_s=cfg.hold_limit_s - 5,
                                     pick_at_s=cfg.hold_limit_s - 10, picker=people.staff["an"])
    assert machine.state is H.HoldState.DIALLING, actions
    assert [a.phone for a in actions if isinstance(a, H.Dial)] == ["1001"]
    assert not any(isinstance(a, H.MakeCallback) for a in actions)
    desk.bridge_started(eid, people.staff["an"])
    assert queue.get(db, eid).status == EscalationStatus.IN_CALL


def test_the_hold_limit_still_ends_a_returning_callers_hold(db, cfg, people, redis_url):
    """Nobody picks: the caller is told a doctor will call back at the hold limit of this call, not before."""
    lan = people.patients["lan"]
    desk = QueueDesk(db, cfg, redis=Redis.from_url(redis_url))
    queue.create(db, risk="high", reason="Khó thở", patient_id=lan, mode="live", now=T0)
    queue.hold_expired(db, queue.list_open(db)[0].id, now=T0 + timedelta(seconds=cfg.hold_limit_s))
    call_at = T0 + OLD_CASE_AGE
    eid = queue.create(db, risk="emergency", reason="Môi tím", patient_id=lan, mode="live", now=call_at)
    assert queue.get(db, eid).mode == "live"
    machine, actions, t = _hold_call(desk, db, cfg, eid, call_at, until_s=cfg.hold_limit_s + 30)
    callbacks = [a for a in actions if isinstance(a, H.MakeCallback)]
    assert len(callbacks) == 1 and "nobody picked" in callbacks[0].why and t >= cfg.hold_limit_s
    assert queue.get(db, eid).mode == "callback"


def test_the_sweeper_counts_a_hold_from_when_it_started(db, cfg, people):
    lan = people.patients["lan"]
    eid = queue.create(db, risk="medium", reason="Ho", patient_id=lan, now=T0)
    call_at = T0 + OLD_CASE_AGE
    queue.create(db, risk="emergency", reason="Khó thở phải ngồi dậy", patient_id=lan, mode="live", now=call_at)
    limit = cfg.hold_limit_s + sweeper.HOLD_GRACE_S
    for s in (1, 30, 60, cfg.hold_limit_s, limit - 1):
        assert sweeper.sweep(db, cfg, now=call_at + timedelta(seconds=s)).held == [], s
        assert queue.get(db, eid).mode == "live"
    assert sweeper.sweep(db, cfg, now=call_at + timedelta(seconds=limit)).held == [eid]
    # a case from before migration 0003 (no hold_started_at) is still counted from its creation
    other = queue.create(db, risk="high", reason="x", patient_id=people.patients["hoa"], mode="live", now=T0)
    with db.session() as s:
        s.execute(update(Escalation).where(Escalation.id == other).values(hold_started_at=None))
    assert sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=limit)).held == [other]


def test_a_callback_case_has_no_hold_clock(db, people):
    eid = queue.create(db, risk="high", reason="x", patient_id=people.patients["lan"], now=T0)
    assert queue.get(db, eid).hold_started_at is None


def test_a_live_call_never_merges_into_a_case_a_doctor_already_picked(db, cfg, people):
    lan = people.patients["lan"]
    old = queue.create(db, risk="high", reason="Sốt cao", patient_id=lan, now=T0)
    queue.pick(db, old, staff_id=people.staff["binh"], now=T0 + timedelta(minutes=2))  # she will call back
    call_at = T0 + OLD_CASE_AGE
    new = queue.create(db, risk="emergency", reason="Lơ mơ", patient_id=lan, mode="live", now=call_at)
    assert new != old
    esc = queue.get(db, new)
    assert (esc.status, esc.mode, esc.hold_started_at) == (EscalationStatus.WAITING, "live", call_at)
    assert queue.events(db, old)[-1].detail == f"Người bệnh gọi lại (Cấp cứu) và đang giữ máy: xem ca #{new}"
    assert queue.get(db, old).status == EscalationStatus.PICKED  # the picking doctor's case is left as it was
    # the next call of the same patient merges into the new, unpicked case
    assert queue.create(db, risk="high", reason="Khó thở", patient_id=lan, mode="live",
                        now=call_at + timedelta(minutes=3)) == new
    # a callback-mode escalation still re-triages (no new case for a caller who is not on the line)
    assert queue.create(db, risk="medium", reason="Ho", patient_id=people.patients["hoa"], now=T0) == \
        queue.create(db, risk="high", reason="Ho nhiều", patient_id=people.patients["hoa"], now=T0)
    # without a patient record, the caller's number: the same rule
    a = queue.create(db, risk="high", reason="Khó thở", caller="+84911111112", now=T0)
    queue.pick(db, a, staff_id=people.staff["dung"], now=T0)
    b = queue.create(db, risk="emergency", reason="Tím tái", caller="+84911111112", mode="live", now=call_at)
    assert b != a and queue.get(db, b).mode == "live"


def test_with_nobody_on_duty_a_live_call_re_triages_the_picked_case(db, people):
    lan = people.patients["lan"]
    old = queue.create(db, risk="high", reason="Sốt cao", patient_id=lan, now=T0)
    queue.pick(db, old, staff_id=people.staff["binh"], now=T0)
    for name in ("an", "binh", "cuong", "dung"):
        queue.set_on_duty(db, people.staff[name], False)
    assert queue.create(db, risk="emergency", reason="Lơ mơ", patient_id=lan, mode="live",
                        now=T0 + OLD_CASE_AGE) == old
    assert queue.get(db, old).risk == "emergency"
    with db.session() as s:
        assert len(list(s.scalars(select(Escalation.id)))) == 1
