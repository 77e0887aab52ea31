"""Recording what a check-in call came to: retries, opt-outs, household follow-ups, the checks that follow.

``finish`` is what the SIP worker reports (through ``desk.QueueCheckinDesk.finish``). In one
transaction it records the result (only for an attempt still ``dialing``: a second report of one call
changes nothing), and plans the next attempt when the policy allows one: at most ``checkin_attempts``
calls to a number per window, ``checkin_retry_minutes`` apart, starting before the window ends, and
at most ``checkin_max_calls_per_day`` calls to the number per local day. A reached call whose answerer said
the patient is no longer at home (already in hospital, moved away, died: the flow's slot ``patient_away``)
stops that patient's check-in calls the way a "9" does, with the reason as its source, until staff resume
them on the patient's page. Then, outside the
transaction: the retry is scheduled, a patient not reached for the second window in a row becomes a
"not reached" case, and a reached patient's readings are checked for a worsening trend.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import Assessment, AuditLog, Call, CheckinAttempt, Patient
from ivr.vocabulary import CHECKIN_RESULTS, CheckinStatus

from .. import jobs as escalation_jobs
from .. import trend
from ..errors import EscalationError
from . import missed, plan, results, schedule, windows

log = logging.getLogger(__name__)
CS = CheckinStatus
ANSWERED_BY = ("patient", "relative", "")
#: The check-in flow's ``patient_away`` values that stop the patient's calls (``patients.opt_out_source``
#: becomes ``away_<value>``): nobody is left at that number to check on, and a bereaved family is not rung
#: twice a day by a robot.
AWAY_STOPS: tuple[str, ...] = ("in_hospital", "moved", "died")


@dataclass
class Finished:
    """What ``finish`` did."""

    attempt_id: int
    recorded: bool = False
    retry: tuple[int, datetime] | None = None  # the next attempt's id and time
    opted_out: list[int] = field(default_factory=list)
    reached: list[int] = field(default_factory=list)
    given_up: list[int] = field(default_factory=list)  # patients not reached in this window, no attempt left
    away: list[int] = field(default_factory=list)  # reached patients said to be away; their calls stopped
    cases: list[int] = field(default_factory=list)


def _attribute_readings(s: Session, call_id: int | None, patient_id: int | None) -> None:
    """The call's readings (and the call) belong to the patient who answered (an outbound call's caller id
    is the hotline's, so the call store could not tell whose they are)."""
    if call_id is None or patient_id is None:
        return
    s.execute(update(Assessment).where(Assessment.call_id == call_id, Assessment.patient_id.is_(None))
              .values(patient_id=patient_id).execution_options(synchronize_session=False))
    s.execute(update(Call).where(Call.id == call_id, Call.patient_id.is_(None))
              .values(patient_id=patient_id).execution_options(synchronize_session=False))


def finish(db: Database, cfg: Config, *, attempt_id: int, status: str, sip_code: int | None = None,
           call_id: int | None = None, answered_patient_id: int | None = None, answered_by: str = "",
           redis: Redis | None = None, now: datetime) -> Finished:
    if status not in CHECKIN_RESULTS:
        raise EscalationError(f"Kết quả cuộc gọi không hợp lệ: {status!r} "
                              f"(cần một trong: {', '.join(CHECKIN_RESULTS)}).")
    if answered_by not in ANSWERED_BY:
        raise EscalationError(f"Người nghe máy không hợp lệ: {answered_by!r} (cần 'patient', 'relative' hoặc '').")
    done = Finished(attempt_id)
    with escalation_jobs.writer(db), db.session() as s:
        a = s.get(CheckinAttempt, attempt_id)
        if a is None:
            raise EscalationError(f"Không tìm thấy lượt gọi #{attempt_id}.")
        res = s.execute(update(CheckinAttempt).where(CheckinAttempt.id == attempt_id,
                                                     CheckinAttempt.status == CS.DIALING)
                        .values(status=status, sip_code=sip_code, call_id=call_id, answered_by=answered_by,
                                answered_patient_id=answered_patient_id, finished_at=now, updated_at=now)
                        .execution_options(synchronize_session=False))
        if not res.rowcount:  # type: ignore[attr-defined]
            log.warning("check-in attempt %d: result %s ignored, the attempt is %s (not dialing)",
                        attempt_id, status, a.status)
            return done
        done.recorded = True
        a = s.get(CheckinAttempt, attempt_id, populate_existing=True)
        assert a is not None
        covered = results.covered(a)
        who = results.answered_for(a)
        if status in (CS.REACHED, CS.OPTED_OUT):
            _attribute_readings(s, call_id, who[0] if len(who) == 1 else None)
        remaining = list(covered)
        if status == CS.OPTED_OUT:
            for p in s.scalars(select(Patient).where(Patient.id.in_(who))):
                if p.opted_out_at is None:
                    p.opted_out_at, p.opt_out_source = now, "call"
                    s.add(AuditLog(at=now, actor="system", action="patient.opt_out", target=f"patient:{p.id}",
                                   detail={"source": "call", "attempt_id": attempt_id, "call_id": call_id,
                                           "answered_by": answered_by}))
            done.opted_out = who
            remaining = [pid for pid in covered if pid not in who]
        elif status == CS.REACHED:
            done.reached = who
            done.away = _stop_away(s, call_id, who, attempt_id=attempt_id, answered_by=answered_by, now=now)
            remaining = [pid for pid in covered if pid not in who]
        if remaining:
            people = [p for p in s.scalars(select(Patient).where(Patient.id.in_(remaining))) if plan.eligible(p)]
            remaining = [pid for pid in remaining if pid in {p.id for p in people}]
        if remaining:
            nxt = _next_attempt(s, cfg, a, remaining, now)
            if nxt is None:
                done.given_up = remaining
            else:
                done.retry = nxt
    if done.retry is not None and redis is not None:
        try:
            schedule.dispatch_attempts(redis, [done.retry])
        except Exception as exc:  # noqa: BLE001 - the attempt is in the database; reconcile schedules it
            log.warning("check-in attempt %d: retry not scheduled now (%s); reconcile will", done.retry[0], exc)
    _after(db, cfg, a, done, redis=redis, now=now)
    return done


def _stop_away(s: Session, call_id: int | None, who: list[int], *, attempt_id: int, answered_by: str,
               now: datetime) -> list[int]:
    """Stop the check-in calls of ``who`` when the call recorded that the patient is no longer at home.

    Only for a call that spoke for exactly one patient: a household call that could not tell who was
    meant stops nobody (the station reads the call record and decides)."""
    if call_id is None or len(who) != 1:
        return []
    call = s.get(Call, call_id)
    away = str((call.slots or {}).get("patient_away") or "") if call is not None else ""
    if away not in AWAY_STOPS:
        return []
    p = s.get(Patient, who[0])
    if p is None or p.opted_out_at is not None:
        return []
    p.opted_out_at, p.opt_out_source = now, f"away_{away}"
    s.add(AuditLog(at=now, actor="system", action="patient.checkins_stopped", target=f"patient:{p.id}",
                   detail={"source": f"away_{away}", "attempt_id": attempt_id, "call_id": call_id,
                           "answered_by": answered_by}))
    log.info("patient %d: check-in calls stopped, the call said %s (attempt %d)", p.id, away, attempt_id)
    return [int(p.id)]


def _next_attempt(s: Session, cfg: Config, a: CheckinAttempt, patient_ids: list[int],
                  now: datetime) -> tuple[int, datetime] | None:
    if a.attempt >= cfg.checkin_attempts:
        return None
    try:
        occ = windows.occurrence(cfg, a.window_date, a.window)
    except KeyError:
        return None
    when = max(now + timedelta(minutes=cfg.checkin_retry_minutes), a.not_before)
    if when >= occ.ends_at:
        return None
    if plan.calls_on_day(s, a.phone, a.window_date) >= cfg.checkin_max_calls_per_day:
        return None
    exists = s.scalar(select(CheckinAttempt.id).where(
        CheckinAttempt.window_date == a.window_date, CheckinAttempt.window == a.window,
        CheckinAttempt.phone == a.phone, CheckinAttempt.attempt == a.attempt + 1))
    if exists is not None:
        return None
    nxt = CheckinAttempt(patient_id=patient_ids[0], patient_ids=patient_ids, phone=a.phone,
                         window_date=a.window_date, window=a.window, attempt=a.attempt + 1, not_before=when,
                         status=CS.PLANNED, created_at=now, updated_at=now)
    s.add(nxt)
    s.flush()
    return int(nxt.id), when


def _after(db: Database, cfg: Config, a: CheckinAttempt, done: Finished, *, redis: Redis | None,
           now: datetime) -> None:
    """The checks after a result (each failure logged: the result itself is recorded)."""
    try:
        occ = windows.occurrence(cfg, a.window_date, a.window)
        if done.given_up:
            done.cases += missed.consecutive(db, cfg, occ, done.given_up, now=now, redis=redis)
    except Exception:  # noqa: BLE001 - the window's close job runs the same check again
        log.exception("check-in attempt %d: not-reached check failed", a.id)
    for pid in done.reached:
        try:
            case = trend.check_patient(db, cfg, pid, now=now, tz=windows.zone(cfg), redis=redis)
            if case is not None:
                done.cases.append(case)
        except Exception:  # noqa: BLE001
            log.exception("patient %d: worsening-trend check failed", pid)


def abandon(db: Database, cfg: Config, attempt_id: int, *, redis: Redis | None, now: datetime) -> Finished:
    """A claimed call whose SIP worker never reported back (it died): recorded as failed, retried per the policy."""
    log.warning("check-in attempt %d: dialing for over %s without a result; recorded as failed",
                attempt_id, schedule.STALE_DIALING)
    return finish(db, cfg, attempt_id=attempt_id, status=CS.FAILED, redis=redis, now=now)

