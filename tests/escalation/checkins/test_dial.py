"""The dial list with real Redis and rq: dispatch, claim, finish, retries, the day's limit, restarts."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from escalation import jobs, keys
from escalation.checkins import campaign, dial, outcome, plan, schedule, windows
from escalation.checkins.desk import QueueCheckinDesk
from ivr.store.models import AuditLog, CareStatus, CheckinAttempt, Patient, utcnow
from ivr.telephony.checkin import OutboundResult
from ivr.vocabulary import CheckinStatus

from .conftest import add, open_window_cfg, run_jobs

CS = CheckinStatus


@pytest.fixture
def ccfg(cfg, redis_url, monkeypatch):
    monkeypatch.setattr(jobs, "_BOUND", {})
    return open_window_cfg(cfg, redis_url=redis_url)


def _attempts(db):
    with db.session() as s:
        return list(s.scalars(select(CheckinAttempt).order_by(CheckinAttempt.id)))


def _result(call, status, **kw):
    return OutboundResult(attempt_id=call.attempt_id, status=status, sip_code=kw.get("sip_code"),
                          call_id=kw.get("call_id"), answered_patient_id=kw.get("answered_patient_id"),
                          answered_by=kw.get("answered_by", ""))


def test_a_window_is_planned_dispatched_by_rq_and_claimed_once_per_phone(db, ccfg, conn):
    lan = add(db, "+84901000001", "Nguyễn Thị Lan", birth_year=1950, commune="xã Tân Hòa")
    hung = add(db, "+84901000001", "Trần Văn Hùng", birth_year=1949, commune="xã Tân Hòa")
    minh = add(db, "+84901000002", "Lê Minh", birth_year=1990)
    report = schedule.reconcile(db, ccfg, conn, now=utcnow())  # what `ivr worker` does at start-up
    assert report.planned == 2 and report.dispatches == 2
    run_jobs(conn, ccfg)  # rq's scheduler: the dispatch jobs are due; they move the attempts onto the dial list
    assert {a.status for a in _attempts(db)} == {CS.QUEUED}
    assert conn.llen(keys.CHECKIN_DIAL) == 2
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    calls = [desk.claim("w1", 1.0), desk.claim("w2", 1.0)]
    assert desk.claim("w1", 0.2) is None  # nothing left
    by_phone = {c.phone: c for c in calls if c is not None}
    house = by_phone["+84901000001"]
    assert [(p.id, p.name, p.address_as) for p in house.patients] == [
        (lan, "Nguyễn Thị Lan", "bác Lan"), (hung, "Trần Văn Hùng", "bác Hùng")]
    assert house.station == "Trạm y tế xã Tân Hòa" and house.flow == "checkin_outbound"
    assert [(p.id, p.address_as) for p in by_phone["+84901000002"].patients] == [(minh, "")]
    # each patient's risk factors travel with the call (born 1949/1950: over 65; 1990: none recorded)
    assert [p.risk_factors for p in house.patients] == [("age_65_plus",), ("age_65_plus",)]
    assert by_phone["+84901000002"].patients[0].risk_factors == ()
    assert {(a.status, a.worker) for a in _attempts(db)} == {(CS.DIALING, "w1"), (CS.DIALING, "w2")}


def test_an_attempt_pushed_twice_is_claimed_once(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    (a,) = _attempts(db)
    dial.push(conn, [a.id, a.id])  # a restart re-derived the list while the first copy was still on it
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    assert desk.claim("w1", 1.0) is not None
    assert desk.claim("w2", 0.5) is None
    assert conn.llen(keys.CHECKIN_DIAL) == 0


def test_discharged_transferred_or_opted_out_after_planning_is_never_called(db, ccfg, conn):
    ids = [add(db, f"+8490100000{i}", f"Người {i}") for i in range(3)]
    campaign.run_now(db, ccfg, conn, now=utcnow())
    with db.session() as s:
        s.execute(update(Patient).where(Patient.id == ids[0]).values(care_status=CareStatus.DISCHARGED))
        s.execute(update(Patient).where(Patient.id == ids[1]).values(care_status=CareStatus.TRANSFERRED))
        s.execute(update(Patient).where(Patient.id == ids[2]).values(opted_out_at=utcnow()))
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    assert desk.claim("w1", 0.5) is None
    assert [a.status for a in _attempts(db)] == [CS.CANCELLED] * 3


def test_no_answer_is_retried_20_minutes_later_up_to_three_attempts(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    t0 = utcnow()
    for n, status in enumerate((CS.NO_ANSWER, CS.BUSY, CS.FAILED), start=1):
        call = desk.claim("w1", 1.0)
        assert call is not None
        done = outcome.finish(db, ccfg, attempt_id=call.attempt_id, status=status, sip_code=486 if status == CS.BUSY
                              else None, redis=conn, now=t0)
        rows = _attempts(db)
        if n < 3:
            nxt = rows[-1]
            assert (nxt.attempt, nxt.status) == (n + 1, CS.PLANNED)
            assert nxt.not_before == t0 + timedelta(minutes=20)
            assert done.retry == (nxt.id, nxt.not_before)
            # the retry is scheduled in rq; make it due now and let the scheduler dispatch it
            with db.session() as s:
                s.execute(update(CheckinAttempt).where(CheckinAttempt.id == nxt.id).values(not_before=utcnow()))
            schedule.dispatch_attempts(conn, [(nxt.id, utcnow())])
            run_jobs(conn, ccfg)
        else:
            assert done.retry is None and done.given_up == [rows[0].patient_id]
    assert [(a.attempt, a.status) for a in _attempts(db)] == [(1, CS.NO_ANSWER), (2, CS.BUSY), (3, CS.FAILED)]
    assert _attempts(db)[1].sip_code == 486


def test_no_retry_after_the_window_or_beyond_the_days_limit(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    campaign.run_now(db, ccfg.replace(checkin_max_calls_per_day=1), conn, now=utcnow())
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    call = desk.claim("w1", 1.0)
    done = outcome.finish(db, ccfg.replace(checkin_max_calls_per_day=1), attempt_id=call.attempt_id,
                          status=CS.NO_ANSWER, redis=conn, now=utcnow())
    assert done.retry is None  # one call a day allowed
    add(db, "+84901000002", "Minh")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    call = desk.claim("w1", 1.0)
    occ = windows.current(ccfg, utcnow())
    done = outcome.finish(db, ccfg, attempt_id=call.attempt_id, status=CS.BUSY, redis=conn,
                          now=occ.ends_at - timedelta(minutes=10))  # a retry would start after the window
    assert done.retry is None and len(_attempts(db)) == 2


def test_a_second_report_of_one_call_changes_nothing(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    call = desk.claim("w1", 1.0)
    desk.finish(_result(call, CS.NO_ANSWER))
    desk.finish(_result(call, CS.NO_ANSWER))
    assert [(a.attempt, a.status) for a in _attempts(db)] == [(1, CS.NO_ANSWER), (2, CS.PLANNED)]


def test_pressing_9_opts_the_answering_patient_out_and_the_household_rest_gets_a_call(db, ccfg, conn):
    lan = add(db, "+84901000001", "Lan")
    hung = add(db, "+84901000001", "Hùng")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    call = desk.claim("w1", 1.0)
    desk.finish(_result(call, CS.OPTED_OUT, answered_patient_id=lan, answered_by="patient"))
    with db.session() as s:
        p = s.get(Patient, lan)
        assert p.opted_out_at is not None and p.opt_out_source == "call"
        assert s.scalars(select(AuditLog).where(AuditLog.action == "patient.opt_out")).one().target == f"patient:{lan}"
    rows = _attempts(db)
    assert (rows[-1].attempt, rows[-1].patient_ids, rows[-1].status) == (2, [hung], CS.PLANNED)
    # the next window plans only Hùng
    nxt = windows.upcoming(ccfg, utcnow())[0]
    plan.plan_window(db, ccfg, nxt, now=utcnow())
    assert _attempts(db)[-1].patient_ids == [hung]


def test_a_restart_mid_window_calls_nobody_twice_and_skips_nobody(db, ccfg, conn):
    phones = [f"+849020000{i:02d}" for i in range(8)]
    for i, phone in enumerate(phones):
        add(db, phone, f"Người {i}")
    campaign.run_now(db, ccfg, conn, now=utcnow())
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    first = [desk.claim("w1", 1.0) for _ in range(3)]  # three calls placed ...
    desk.finish(_result(first[0], CS.REACHED, answered_by="patient"))  # ... one finished, two still dialing
    # the hotline dies; Redis comes back empty (the dial list and every scheduled job are gone)
    conn.flushall()
    report = schedule.reconcile(db, ccfg, conn, now=utcnow())
    assert report.pushed == 5 and report.stale == 0
    claimed = list(iter(lambda: desk.claim("w2", 0.3), None))
    assert sorted(c.phone for c in claimed) == sorted(set(phones) - {c.phone for c in first})  # once each, all
    for c in claimed:
        desk.finish(_result(c, CS.REACHED, answered_by="patient"))
    # the two calls cut by the crash are found stale later: failed, retried per the policy
    later = utcnow() + schedule.STALE_DIALING + timedelta(minutes=1)
    report = schedule.reconcile(db, ccfg, conn, now=later)
    assert report.stale == 2
    by_phone = {}
    for a in _attempts(db):
        by_phone.setdefault(a.phone, []).append((a.attempt, a.status))
    assert by_phone[first[0].phone] == [(1, CS.REACHED)]
    for c in first[1:]:
        assert by_phone[c.phone] == [(1, CS.FAILED), (2, CS.PLANNED)]


def test_a_paused_window_holds_its_calls_until_resumed(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    now = utcnow()
    occ = windows.current(ccfg, now)
    campaign.set_paused(db, occ, True, actor="bs.an", now=now)
    plan.plan_window(db, ccfg, occ, now=now)
    (a,) = _attempts(db)
    assert dial.make_due(db, ccfg, a.id, now=now).why == "the window is paused"
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    assert desk.claim("w1", 0.2) is None
    campaign.resume(db, ccfg, occ, conn, actor="bs.an", now=now)
    run_jobs(conn, ccfg)
    assert desk.claim("w1", 1.0) is not None


def test_reconcile_reschedules_only_what_redis_lost_or_failed(db, ccfg, conn):
    add(db, "+84901000001", "Lan")
    add(db, "+84901000002", "Minh")
    now = utcnow()
    first = schedule.reconcile(db, ccfg, conn, now=now)
    assert (first.planned, first.dispatches) == (2, 2)
    again = schedule.reconcile(db, ccfg, conn, now=now)
    assert (again.planned, again.dispatches) == (0, 0)  # every job is still scheduled: nothing scheduled twice
    a, b = _attempts(db)
    conn.hset(f"rq:job:{keys.checkin_job_id('dispatch', a.id)}", "status", "failed")  # e.g. the database was locked
    conn.delete(f"rq:job:{keys.checkin_job_id('dispatch', b.id)}")  # lost
    assert schedule.reconcile(db, ccfg, conn, now=now).dispatches == 2
    run_jobs(conn, ccfg)
    assert {x.status for x in _attempts(db)} == {CS.QUEUED}
