"""Timing the check-in jobs with rq's scheduler, and re-deriving them from the database after a restart.

Every timed job has a fixed id (``keys.checkin_job_id``): scheduling it again replaces it, so
``reconcile`` may run at any time (start-up, after Redis lost its data, every minute from the
sweeper) and schedules exactly what the database says is still to do. The jobs themselves are in
``escalation.checkins.jobs``, named here by their dotted path (rq stores names, not code).
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from redis import Redis
from sqlalchemy import select

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import AreaNotification, CheckinAttempt, CheckinWindow, NotificationStatus, utcnow
from ivr.vocabulary import CheckinStatus

from .. import jobs as escalation_jobs
from .. import keys
from . import dial, plan, windows
from .windows import Occurrence

log = logging.getLogger(__name__)
CS = CheckinStatus
_JOBS = "escalation.checkins.jobs"
PLAN, DISPATCH, CLOSE, NOTICE, SUMMARY, DELIVER = (f"{_JOBS}.{n}" for n in (
    "plan_window", "dispatch", "close_window", "send_notice", "daily_summary", "deliver_area"))
#: A call claimed this long ago and never finished: its SIP worker died; recorded as failed.
STALE_DIALING = timedelta(minutes=30)
#: A pending area notification without its rq job for this long was lost (Redis restarted empty).
LOST_AFTER = timedelta(minutes=10)
#: The planning job runs this long before a window (plus the SMS notice's lead when notices are on).
PLAN_LEAD = timedelta(minutes=5)


def at(redis: Redis, when: datetime, func: str, *args: Any, job_id: str, cfg: Config | None = None,
       retry: bool = False, pipeline: Any = None) -> None:
    """Run ``func(*args)`` on the check-in queue at ``when`` (naive UTC; a past time runs at once)."""
    q = escalation_jobs.queue(keys.QUEUE_CHECKIN, redis)
    q.enqueue_at(when.replace(tzinfo=UTC), func, *args, job_id=job_id, result_ttl=0, failure_ttl=7 * 86400,
                 retry=escalation_jobs.retry_for(cfg) if retry and cfg is not None else None,
                 job_timeout=120, pipeline=pipeline)


def plan_at(cfg: Config, occ: Occurrence) -> datetime:
    lead = PLAN_LEAD + (timedelta(minutes=cfg.sms_notice_minutes) if plan.notice_wanted(cfg) else timedelta())
    return occ.starts_at - lead


def dispatch_attempts(redis: Redis, rows: list[tuple[int, datetime]]) -> None:
    """Schedule the dispatch of attempts (id, not_before), in one round trip."""
    if not rows:
        return
    pipe = redis.pipeline()
    for attempt_id, not_before in rows:
        at(redis, not_before, DISPATCH, attempt_id, job_id=keys.checkin_job_id("dispatch", attempt_id), pipeline=pipe)
    pipe.execute()


def notices(redis: Redis, cfg: Config, rows: list[tuple[int, datetime]]) -> None:
    if not rows:
        return
    pipe = redis.pipeline()
    for attempt_id, not_before in rows:
        at(redis, not_before - timedelta(minutes=cfg.sms_notice_minutes), NOTICE, attempt_id,
           job_id=keys.checkin_job_id("notice", attempt_id), cfg=cfg, retry=True, pipeline=pipe)
    pipe.execute()


def window_jobs(redis: Redis, cfg: Config, occ: Occurrence, *, only_missing: bool = False) -> None:
    """The planning job before ``occ`` and its closing job at its end (``only_missing``: those Redis lacks)."""
    day = occ.day.isoformat()
    plan_id, close_id = keys.checkin_job_id("plan", day, occ.name), keys.checkin_job_id("close", day, occ.name)
    have = set(_existing(redis, [plan_id, close_id])) if only_missing else set()
    if plan_id not in have:
        at(redis, plan_at(cfg, occ), PLAN, day, occ.name, job_id=plan_id)
    if close_id not in have:
        at(redis, occ.ends_at, CLOSE, day, occ.name, job_id=close_id)


#: rq job statuses of a job that will still run (a failed or finished one will not)
_ALIVE = {b"scheduled", b"queued", b"started", b"deferred"}


def _existing(redis: Redis, job_ids: list[str]) -> list[str]:
    """The ``job_ids`` Redis holds as still to run (scheduled, queued or running)."""
    if not job_ids:
        return []
    pipe = redis.pipeline()
    for job_id in job_ids:
        pipe.hget(f"rq:job:{job_id}", "status")
    return [j for j, status in zip(job_ids, pipe.execute()) if status in _ALIVE]


def summary_at(cfg: Config, now: datetime) -> tuple[date, datetime] | None:
    """The next daily summary: (its local day, when it goes, naive UTC); None when summaries are off."""
    if not cfg.daily_summary_time:
        return None
    hh, mm = (int(x) for x in cfg.daily_summary_time.split(":"))
    day = windows.local_date(cfg, now)
    when = windows.to_utc(cfg, day, time(hh, mm))
    if when <= now:
        day += timedelta(days=1)
        when = windows.to_utc(cfg, day, time(hh, mm))
    return day, when


def summary_job(redis: Redis, cfg: Config, now: datetime) -> None:
    nxt = summary_at(cfg, now)
    if nxt is not None:
        at(redis, nxt[1], SUMMARY, nxt[0].isoformat(), job_id=keys.checkin_job_id("summary", nxt[0].isoformat()))


def area_deliveries(redis: Redis, cfg: Config, ids: list[int]) -> None:
    """Send area notifications (daily summaries) now, each retried like a webhook."""
    if not ids:
        return
    pipe = redis.pipeline()
    for i in ids:
        at(redis, utcnow(), DELIVER, i, job_id=keys.checkin_job_id("deliver", i), cfg=cfg, retry=True, pipeline=pipe)
    pipe.execute()


def lost_deliveries(db: Database, redis: Redis, *, now: datetime) -> list[int]:
    """Pending area notifications older than ``LOST_AFTER`` whose job Redis no longer has."""
    with db.session() as s:
        ids = [int(i) for i in s.scalars(select(AreaNotification.id).where(
            AreaNotification.status == NotificationStatus.PENDING, AreaNotification.created_at < now - LOST_AFTER))]
    alive = set(_existing(redis, [keys.checkin_job_id("deliver", i) for i in ids]))
    return [i for i in ids if keys.checkin_job_id("deliver", i) not in alive]


@dataclass
class Reconciled:
    planned: int = 0
    dispatches: int = 0
    notices: int = 0
    pushed: int = 0
    stale: int = 0
    closes: list[str] = field(default_factory=list)


def reconcile(db: Database, cfg: Config, redis: Redis, *, now: datetime) -> Reconciled:
    """Make Redis hold what the database says is still to do (idempotent)."""
    report = Reconciled()
    if not cfg.checkin_enabled:
        return report
    occ = windows.current(cfg, now)
    if occ is not None:
        report.planned = len(plan.plan_window(db, cfg, occ, now=now))
    for nxt in windows.upcoming(cfg, now, count=2):
        if plan_at(cfg, nxt) <= now:  # inside the planning lead: plan it now
            report.planned += len(plan.plan_window(db, cfg, nxt, now=now))
        window_jobs(redis, cfg, nxt, only_missing=True)
    if occ is not None:
        window_jobs(redis, cfg, occ, only_missing=True)
    with db.session() as s:
        waiting = list(s.execute(select(CheckinAttempt.id, CheckinAttempt.not_before, CheckinAttempt.notice_status)
                                 .where(CheckinAttempt.status == CS.PLANNED)).all())
        stale = [int(i) for i in s.scalars(select(CheckinAttempt.id).where(
            CheckinAttempt.status == CS.DIALING, CheckinAttempt.claimed_at < now - STALE_DIALING))]
        unclosed = list(s.execute(select(CheckinWindow.window_date, CheckinWindow.window).where(
            CheckinWindow.closed_at.is_(None), CheckinWindow.ends_at <= now)).all())
    # only what Redis lost: a job scheduled again while it runs would be deleted with its result
    have = set(_existing(redis, [keys.checkin_job_id(kind, int(i)) for i, _, notice in waiting
                                 for kind in ("dispatch", "notice")]))
    due = [(int(i), nb) for i, nb, _ in waiting if keys.checkin_job_id("dispatch", int(i)) not in have]
    dispatch_attempts(redis, due)
    report.dispatches = len(due)
    pending = [(int(i), nb) for i, nb, notice in waiting
               if notice == "pending" and keys.checkin_job_id("notice", int(i)) not in have]
    if plan.notice_wanted(cfg):
        notices(redis, cfg, pending)
        report.notices = len(pending)
    missing = dial.queued_missing(db, redis)
    dial.push(redis, missing)
    report.pushed = len(missing)
    if stale:
        from . import outcome  # a SIP worker died mid-call: the attempt failed, retried per the policy
        for attempt_id in stale:
            outcome.abandon(db, cfg, attempt_id, redis=redis, now=now)
        report.stale = len(stale)
    for day, name in unclosed:
        if name in {w.name for w in windows.specs(cfg)}:
            at(redis, now, CLOSE, day.isoformat(), name, job_id=keys.checkin_job_id("close", day.isoformat(), name))
            report.closes.append(f"{day.isoformat()}/{name}")
    nxt_summary = summary_at(cfg, now)
    if nxt_summary is not None and not _existing(redis, [keys.checkin_job_id("summary", nxt_summary[0].isoformat())]):
        summary_job(redis, cfg, now)
    area_deliveries(redis, cfg, lost_deliveries(db, redis, now=now))
    return report
