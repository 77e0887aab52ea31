"""The check-in calls' rq jobs: module-level functions that take ids and dates, never objects.

Listed in ``escalation.jobs.ALLOWED_FUNCTIONS`` (the worker runs nothing else) and timed by
``schedule`` with rq's scheduler. Each job reads the database first and is safe to run twice.
"""
from __future__ import annotations

import logging
from datetime import date

from redis import Redis
from rq.job import get_current_job
from sqlalchemy import update

from ivr.config import Config
from ivr.store.models import AreaNotification, CheckinAttempt, CheckinWindow, NotificationStatus, Prompt, utcnow
from ivr.vocabulary import CheckinStatus

from .. import jobs as escalation_jobs
from .. import keys, notify
from ..errors import EscalationError, InvalidWebhookUrl, WebhookError
from . import dial, missed, plan, schedule, summary, windows

log = logging.getLogger(__name__)
CS = CheckinStatus
#: The admin's prompt that overrides ``checkin_sms_text``.
SMS_PROMPT = "checkin.sms_notice"


def _redis() -> Redis:
    job = get_current_job()
    if job is None:
        raise EscalationError("check-in jobs run as rq jobs")
    return job.connection


def _last_try() -> bool:
    job = get_current_job()
    return job is None or not job.retries_left


def plan_window(day: str, name: str) -> str:
    """Plan window ``name`` of local ``day``, schedule its dispatches, notices, its close and the next window."""
    cfg, db = escalation_jobs._context()
    redis, now = _redis(), utcnow()
    occ = windows.occurrence(cfg, date.fromisoformat(day), name)
    made = plan.plan_window(db, cfg, occ, now=now) if cfg.checkin_enabled else []
    report = schedule.reconcile(db, cfg, redis, now=now)
    return f"planned={len(made)} dispatches={report.dispatches} notices={report.notices}"


def dispatch(attempt_id: int) -> str:
    """The attempt's time has come: onto the dial list (or cancelled / left planned, saying why)."""
    cfg, db = escalation_jobs._context()
    due = dial.make_due(db, cfg, attempt_id, now=utcnow())
    if due.status == CS.QUEUED:
        dial.push(_redis(), [attempt_id])
    return f"{due.status or 'gone'} {due.why}".strip()


def close_window(day: str, name: str) -> str:
    """The window is over: attempts it did not get to are cancelled, missed patients are flagged."""
    cfg, db = escalation_jobs._context()
    redis, now = _redis(), utcnow()
    occ = windows.occurrence(cfg, date.fromisoformat(day), name)
    with escalation_jobs.writer(db), db.session() as s:
        cancelled = s.execute(update(CheckinAttempt).where(
            CheckinAttempt.window_date == occ.day, CheckinAttempt.window == occ.name,
            CheckinAttempt.status.in_((CS.PLANNED, CS.QUEUED)))
            .values(status=CS.CANCELLED, finished_at=now, updated_at=now)
            .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
        plan.ensure_window(s, occ, now=now)
    cases = missed.consecutive(db, cfg, occ, now=now, redis=redis)
    cases += missed.no_reading(db, cfg, now=now, redis=redis)
    with db.session() as s:
        s.execute(update(CheckinWindow).where(CheckinWindow.window_date == occ.day, CheckinWindow.window == occ.name)
                  .values(closed_at=now))
    return f"cancelled={cancelled} cases={len(cases)}"


def sms_text(cfg: Config, db_prompt: str | None, *, station: str, names: list[str]) -> str:
    template = db_prompt or cfg.checkin_sms_text
    caller = f" từ số {cfg.checkin_caller_id}" if cfg.checkin_caller_id else ""
    try:
        return template.format(station=station, name=" và ".join(names), caller_id=caller)
    except (KeyError, IndexError, ValueError):  # an admin edit with a bad placeholder: the configured text
        return cfg.checkin_sms_text.format(station=station, name=" và ".join(names), caller_id=caller)


def send_notice(attempt_id: int) -> str:
    """The SMS notice before the day's first call to a number (signed, retried like the webhooks)."""
    cfg, db = escalation_jobs._context()
    with db.session() as s:
        a = s.get(CheckinAttempt, attempt_id)
        if a is None or a.notice_status != "pending" or a.status not in (CS.PLANNED, CS.QUEUED, CS.DIALING):
            return "not needed"
        people = dial.still_callable(s, a)
        prompt = s.get(Prompt, SMS_PROMPT)
        today = windows.local_date(cfg, utcnow())
        text = sms_text(cfg, prompt.text if prompt is not None else None,
                        station=plan.station(people[0] if people else None),
                        names=[plan.address_as(p, today) or p.name for p in people])
        phone = a.phone
    if not people:
        return "nobody to call"
    key = keys.checkin_idempotency_key("notice", attempt_id)
    try:
        notify.send_sms(cfg, phone, text, idempotency_key=key)
    except WebhookError as exc:
        final = isinstance(exc, InvalidWebhookUrl) or _last_try()
        with db.session() as s:
            s.execute(update(CheckinAttempt).where(CheckinAttempt.id == attempt_id).values(
                notice_status="failed" if final else "pending", notice_error=str(exc)))
        if final:
            log.error("check-in attempt %d: SMS notice failed: %s", attempt_id, exc)
            return f"failed: {exc}"
        raise
    with db.session() as s:
        s.execute(update(CheckinAttempt).where(CheckinAttempt.id == attempt_id).values(
            notice_status="sent", notice_error=""))
    return "sent"


def daily_summary(day: str) -> str:
    """Write and send each commune's summary of local ``day``; schedule the next day's."""
    cfg, db = escalation_jobs._context()
    redis, now = _redis(), utcnow()
    ids = summary.write(db, cfg, date.fromisoformat(day), now=now)
    schedule.area_deliveries(redis, cfg, ids)
    schedule.summary_job(redis, cfg, now)
    return f"summaries={len(ids)}"


def deliver_area(notification_id: int) -> str:
    """Send one area notification (a daily summary, a test); an rq retry re-sends it while it fails."""
    cfg, db = escalation_jobs._context()
    with db.session() as s:
        row = s.get(AreaNotification, notification_id)
        if row is None or row.status != NotificationStatus.PENDING:
            return "not pending"
        channel, target, body, key = row.channel, row.target, dict(row.body), row.idempotency_key
    try:
        notify.deliver(cfg, channel, target, body, idempotency_key=key)
    except WebhookError as exc:
        with db.session() as s:
            row = s.get(AreaNotification, notification_id)
            assert row is not None
            row.attempts += 1
            row.last_error = str(exc)
            final = isinstance(exc, InvalidWebhookUrl) or row.attempts >= cfg.webhook_attempts or _last_try()
            if final:
                row.status = NotificationStatus.FAILED
        if final:
            log.error("area notification %d to %s failed: %s", notification_id, target, exc)
            return f"failed: {exc}"
        raise
    with db.session() as s:
        s.execute(update(AreaNotification).where(AreaNotification.id == notification_id,
                                                 AreaNotification.status == NotificationStatus.PENDING)
                  .values(status=NotificationStatus.SENT, sent_at=utcnow(), attempts=AreaNotification.attempts + 1,
                          last_error=""))
    return "sent"


def reconcile_job() -> str:
    cfg, db = escalation_jobs._context()
    report = schedule.reconcile(db, cfg, _redis(), now=utcnow())
    return f"planned={report.planned} pushed={report.pushed} stale={report.stale}"


