"""rq jobs around escalations: module-level functions that take ids, never objects.

The database row is the source of truth; a job only delivers one notification row and
records the result. The Redis connection is the job's own (``get_current_job().connection``)
or passed in; the worker process binds its configuration once with ``bind(cfg)``.
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable, Sequence

from redis import Redis
from rq import Queue, Retry
from rq.job import Job, get_current_job

from ivr.config import Config
from ivr.errors import EscalationError, WebhookError
from ivr.models import Escalation, EscalationNotification, NotificationStatus, Patient, utcnow
from ivr.storage import Database

from . import keys, notify
from .priority import rank

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300


def connect(url: str, *, timeout_s: float = 2.0) -> Redis:
    """A Redis client for producers and the sweeper: short timeouts, so a dead Redis fails fast."""
    return Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)


def queue_for(risk: str) -> str:
    return keys.QUEUE_URGENT if rank(risk) <= 1 else keys.QUEUE_NOTIFY


def job_timeout_s(cfg: Config) -> int:
    """No delivery may run longer: connect and read timeouts plus the database work."""
    return 2 * cfg.webhook_timeout_s + 10


def retry_for(cfg: Config) -> Retry | None:
    if cfg.webhook_attempts <= 1:
        return None
    intervals = [min(MAX_BACKOFF_S, cfg.webhook_backoff_s * 2 ** i) for i in range(cfg.webhook_attempts - 1)]
    return Retry(max=cfg.webhook_attempts - 1, interval=intervals)


@dataclass(frozen=True)
class Planned:
    """A notification row and the rq job id it is (to be) enqueued under."""

    notification_id: int
    job_id: str
    queue: str


def plan(row: EscalationNotification, risk: str, *, now: datetime) -> Planned:
    """Give ``row`` its next job id (stored in the same transaction as the caller's change)."""
    row.enqueues = (row.enqueues or 0) + 1
    row.job_id = keys.notification_job_id(row.id, row.enqueues)
    row.enqueued_at = now
    return Planned(notification_id=row.id, job_id=row.job_id, queue=queue_for(risk))


def enqueue(redis: Redis, planned: Sequence[Planned], cfg: Config | None = None) -> int:
    """Enqueue ``deliver`` jobs (after the rows were committed). Redis errors propagate."""
    cfg = cfg or Config()
    queues: dict[str, Queue] = {}
    retry = retry_for(cfg)
    for p in planned:
        q = queues.setdefault(p.queue, Queue(p.queue, connection=redis))
        q.enqueue(deliver, p.notification_id, job_id=p.job_id, retry=retry, job_timeout=job_timeout_s(cfg),
                  result_ttl=3600, failure_ttl=7 * 86400, description=f"deliver notification {p.notification_id}")
    return len(planned)


def try_enqueue(redis: Redis | None, planned: Sequence[Planned], cfg: Config | None = None) -> bool:
    """Like ``enqueue`` but a dead Redis is logged, not raised: the sweeper enqueues later."""
    if redis is None or not planned:
        return False
    try:
        enqueue(redis, planned, cfg)
        return True
    except Exception as exc:  # redis.ConnectionError, TimeoutError, ...: the rows are safe in the DB
        log.warning("could not enqueue %d notification(s), the sweeper will retry: %s", len(planned), exc)
        return False


# -- worker side ---------------------------------------------------------------------------------------------

_BOUND: dict[str, object] = {}


def bind(cfg: Config) -> None:
    """Give this worker process its configuration (read once by the CLI)."""
    _BOUND.clear()
    _BOUND["cfg"] = cfg


def _context() -> tuple[Config, Database]:
    cfg = _BOUND.get("cfg")
    if not isinstance(cfg, Config):
        raise EscalationError("escalation jobs need the worker configuration: call escalation.jobs.bind(cfg)")
    pid = os.getpid()
    db = _BOUND.get(f"db:{pid}")
    if not isinstance(db, Database):
        db = Database(cfg.db_url)  # one engine per process: rq workers may fork
        _BOUND[f"db:{pid}"] = db
    return cfg, db


def deliver(notification_id: int) -> str:
    """Send one notification row; returns its final status. Raises ``WebhookError`` to get an rq retry."""
    cfg, db = _context()
    now = utcnow()
    with db.session() as s:
        row = s.get(EscalationNotification, notification_id)
        if row is None:
            return "missing"
        if row.status != NotificationStatus.PENDING:
            return row.status.value  # already delivered by an earlier copy of this job
        esc = s.get(Escalation, row.escalation_id)
        assert esc is not None
        if row.round > 0 and esc.status.value not in ("waiting", "offered"):
            row.status = NotificationStatus.SKIPPED
            return row.status.value
        patient = s.get(Patient, esc.patient_id) if esc.patient_id is not None else None
        body = notify.payload(esc, patient, row, now=now)
        row.attempts += 1
        attempts, kind, target, key, esc_id, round_, risk = (row.attempts, row.kind, row.target, row.idempotency_key,
                                                              esc.id, row.round, esc.risk)
        extra: list[Planned] = []
        if kind == notify.BOARD:  # the round may predate the webhook configuration
            extra = [plan(r, risk, now=now) for r in notify.missing_targets(s, esc_id, round_, cfg.webhook_urls,
                                                                            now=now)]
    job = get_current_job()
    error = ""
    permanent = False
    try:
        if kind == notify.BOARD:
            if job is None:
                raise EscalationError("board notifications run as rq jobs")
            notify.publish_board(job.connection, body)
            if extra:
                enqueue(job.connection, extra, cfg)
        else:
            try:
                notify.check_url(target)
            except WebhookError:
                permanent = True
                raise
            notify.post(target, notify.encode(body), secret=cfg.webhook_secret, idempotency_key=key,
                        escalation_id=esc_id, timeout_s=cfg.webhook_timeout_s)
    except WebhookError as exc:
        error = str(exc)
    done = utcnow()
    with db.session() as s:
        row = s.get(EscalationNotification, notification_id)
        assert row is not None
        if row.status != NotificationStatus.PENDING:
            return row.status.value
        if not error:
            row.status = NotificationStatus.SENT
            row.sent_at = done
            row.last_error = ""
            esc = s.get(Escalation, esc_id)
            if esc is not None and kind == notify.WEBHOOK and esc.notified_at is None:
                esc.notified_at = done
            return row.status.value
        row.last_error = error
        if permanent or attempts >= cfg.webhook_attempts:
            row.status = NotificationStatus.FAILED
            log.error("notification %d of escalation %d failed after %d attempt(s): %s",
                      notification_id, esc_id, attempts, error)
            return row.status.value
    raise WebhookError(error)  # rq retries with backoff


def fetch_jobs(redis: Redis, job_ids: Iterable[str]) -> dict[str, Job | None]:
    ids = list(job_ids)
    return dict(zip(ids, Job.fetch_many(ids, connection=redis))) if ids else {}
