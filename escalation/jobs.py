"""rq jobs around escalations: module-level functions that take ids, never objects.

The database rows are the source of truth; one job delivers one *round* of notifications
of one escalation (the board message and every webhook) and records each target's result.
A retry (rq ``Retry`` with backoff, run by rq's scheduler) only re-sends the targets still
pending. The Redis connection is the job's own (``get_current_job().connection``) or passed
in; the worker process binds its configuration once with ``bind(cfg)``.
"""
from __future__ import annotations

import fcntl
import logging
import os
import threading
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from redis import Redis
from rq import Queue, Retry
from rq.job import Job, get_current_job
from sqlalchemy import select, update

from ivr.config import Config
from ivr.errors import EscalationError, WebhookError
from ivr.models import (
    Escalation,
    EscalationNotification,
    NotificationStatus,
    Patient,
    utcnow,
)
from ivr.storage import Database

from . import keys, notify
from .priority import rank

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300
P = NotificationStatus.PENDING


_WRITER_LOCKS: dict[tuple[int, str], tuple[threading.Lock, int]] = {}


@contextmanager
def writer(db: Database) -> Iterator[None]:
    """Take turns with the other writers of new cases and deliveries (all processes) on a SQLite file.

    Waiting on a lock file wakes as soon as it is free, where SQLite's own busy handler sleeps
    up to 100 ms between retries: under a burst of escalations that is the difference between
    a few milliseconds and seconds. Other databases need no such help.
    """
    if not db.url.startswith("sqlite:///"):
        yield
        return
    key = (os.getpid(), db.url)
    entry = _WRITER_LOCKS.get(key)
    if entry is None:
        fd = os.open(db.url[len("sqlite:///"):] + ".writers", os.O_RDWR | os.O_CREAT, 0o600)
        entry = _WRITER_LOCKS[key] = (threading.Lock(), fd)
    thread_lock, fd = entry
    with thread_lock:  # flock does not exclude threads sharing one descriptor
        fcntl.flock(fd, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)


def connect(url: str, *, timeout_s: float = 2.0) -> Redis:
    """A Redis client for producers and the sweeper: short timeouts, so a dead Redis fails fast."""
    return Redis.from_url(url, socket_timeout=timeout_s, socket_connect_timeout=timeout_s)


def queue_for(risk: str) -> str:
    return keys.QUEUE_URGENT if rank(risk) <= 1 else keys.QUEUE_NOTIFY


def job_timeout_s(cfg: Config, targets: int = 1) -> int:
    """No delivery may run longer: connect and read timeouts per target plus the database work."""
    return 2 * cfg.webhook_timeout_s * max(1, targets) + 10


def retry_for(cfg: Config) -> Retry | None:
    if cfg.webhook_attempts <= 1:
        return None
    intervals = [min(MAX_BACKOFF_S, cfg.webhook_backoff_s * 2 ** i) for i in range(cfg.webhook_attempts - 1)]
    return Retry(max=cfg.webhook_attempts - 1, interval=intervals)


@dataclass(frozen=True)
class Planned:
    """A notification round and the rq job id it is (to be) enqueued under."""

    escalation_id: int
    round: int
    job_id: str
    queue: str
    targets: int = 1


def planned(rows: Sequence[EscalationNotification], risk: str) -> list[Planned]:
    """The jobs of freshly added rounds (rows already carry their first job id)."""
    by_round: dict[tuple[int, int], list[EscalationNotification]] = {}
    for r in rows:
        by_round.setdefault((r.escalation_id, r.round), []).append(r)
    return [Planned(escalation_id=e, round=n, job_id=rs[0].job_id, queue=queue_for(risk), targets=len(rs))
            for (e, n), rs in by_round.items()]


def replan(rows: Sequence[EscalationNotification], risk: str, *, now: datetime) -> Planned:
    """Name a new job for the pending ``rows`` of one round (stored with the caller's transaction)."""
    gen = max((r.enqueues or 0) for r in rows) + 1
    job_id = keys.round_job_id(rows[0].escalation_id, rows[0].round, gen)
    for r in rows:
        r.enqueues, r.job_id, r.enqueued_at = gen, job_id, now
    return Planned(escalation_id=rows[0].escalation_id, round=rows[0].round, job_id=job_id, queue=queue_for(risk),
                   targets=len(rows))


def enqueue(redis: Redis, plans: Sequence[Planned], cfg: Config | None = None) -> int:
    """Enqueue ``deliver_round`` jobs (after their rows were committed). Redis errors propagate."""
    cfg = cfg or Config()
    queues: dict[str, Queue] = {}
    retry = retry_for(cfg)
    for p in plans:
        q = queues.setdefault(p.queue, Queue(p.queue, connection=redis))
        q.enqueue(deliver_round, p.escalation_id, p.round, job_id=p.job_id, retry=retry,
                  job_timeout=job_timeout_s(cfg, p.targets + len(cfg.webhook_urls)), result_ttl=0,
                  failure_ttl=7 * 86400, description=f"notify escalation {p.escalation_id} round {p.round}")
    return len(plans)


def try_enqueue(redis: Redis | None, plans: Sequence[Planned], cfg: Config | None = None) -> bool:
    """Like ``enqueue`` but a dead Redis is logged, not raised: the sweeper enqueues later."""
    if redis is None or not plans:
        return False
    try:
        enqueue(redis, plans, cfg)
        return True
    except Exception as exc:  # redis.ConnectionError, TimeoutError, ...: the rows are safe in the DB
        log.warning("could not enqueue %d notification round(s), the sweeper will retry: %s", len(plans), exc)
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


@dataclass
class _Try:
    id: int
    escalation_id: int
    kind: str
    target: str
    key: str
    attempts: int
    body: dict[str, object]
    error: str = ""
    permanent: bool = False


#: A job that finds rounds queued behind it delivers up to this many of them too (one rq job's
#: overhead for several rounds); their own jobs, if a worker already took them, find nothing to do.
STEAL_MAX = 8


def _steal(redis: Redis, db: Database, my_id: str) -> int:
    """Claim the pending rows of up to ``STEAL_MAX`` rounds waiting at the tail of the queues."""
    queued: list[tuple[str, str]] = []
    for name in keys.QUEUES:
        for raw in redis.lrange(f"rq:queue:{name}", -STEAL_MAX, -1):
            job_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            if job_id.startswith("ivr-escalation-") and job_id != my_id:
                queued.append((name, job_id))
        if len(queued) >= STEAL_MAX:
            break
    queued = queued[-STEAL_MAX:] if len(queued) > STEAL_MAX else queued
    if not queued:
        return 0
    N = EscalationNotification
    with writer(db), db.session() as s:
        claimed = s.execute(update(N).where(N.job_id.in_([j for _, j in queued]), N.status == P)
                            .values(job_id=my_id).execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    pipe = redis.pipeline()
    for name, job_id in queued:  # a worker that popped one meanwhile finds its rows claimed and skips them
        pipe.lrem(f"rq:queue:{name}", 0, job_id)
        pipe.delete(f"rq:job:{job_id}")
    pipe.execute()
    return int(claimed or 0)


def _load(db: Database, escalation_id: int, round_: int, my_id: str | None, cfg: Config,
          now: datetime) -> tuple[list[_Try], int]:
    """The pending rows this job owns, with their payloads; and how many reminders it skipped."""
    N = EscalationNotification
    tries: list[_Try] = []
    skipped = 0
    with db.session() as s:
        esc = s.get(Escalation, escalation_id)
        if esc is not None:
            rows = list(s.scalars(select(N).where(N.escalation_id == escalation_id, N.round == round_)))
            have = {r.target for r in rows if r.kind == notify.WEBHOOK}
            if rows and any(url not in have for url in cfg.webhook_urls):  # the round predates the configuration
                notify.missing_targets(s, escalation_id, round_, cfg.webhook_urls, now=now, job_id=my_id or "")
        mine = (N.job_id == my_id) if my_id is not None else ((N.escalation_id == escalation_id) & (N.round == round_))
        pending = list(s.scalars(select(N).where(mine, N.status == P).order_by(N.escalation_id, N.round, N.id)))
        cases: dict[int, Escalation | None] = {}
        patients: dict[int, Patient | None] = {}
        bodies: dict[tuple[int, int], dict[str, object]] = {}
        for r in pending:
            if r.escalation_id not in cases:
                cases[r.escalation_id] = s.get(Escalation, r.escalation_id)
            case = cases[r.escalation_id]
            if case is None:
                continue
            if r.round > 0 and case.status.value not in ("waiting", "offered"):
                r.status = NotificationStatus.SKIPPED  # a reminder for a case somebody picked meanwhile
                skipped += 1
                continue
            if (r.escalation_id, r.round) not in bodies:
                pid = case.patient_id
                if pid is not None and pid not in patients:
                    patients[pid] = s.get(Patient, pid)
                bodies[(r.escalation_id, r.round)] = notify.payload(
                    case, patients.get(pid) if pid is not None else None, r, now=now)
            tries.append(_Try(r.id, r.escalation_id, r.kind, r.target, r.idempotency_key, r.attempts,
                              bodies[(r.escalation_id, r.round)]))
    return tries, skipped


#: When each webhook URL last failed in this process: healthy endpoints are tried first, so one that
#: hangs delays only itself.
_FAILED_AT: dict[str, float] = {}
_RECENT_S = 300.0


def _order(t: _Try) -> tuple[int, int]:
    """Healthy webhooks first (they reach doctors), then the board, then webhooks that failed lately."""
    if t.kind == notify.BOARD:
        return (1, 0)
    failed = _FAILED_AT.get(t.target)
    return (2 if failed is not None and time.monotonic() - failed < _RECENT_S else 0, 0)


def deliver_round(escalation_id: int, round_: int) -> str:
    """Send the pending notifications of one round (and of up to ``STEAL_MAX`` rounds queued behind it).

    Raises ``WebhookError`` (for an rq retry with backoff) while a target failed and has attempts
    left; a retry re-sends only what is still pending. Returns a summary such as
    ``sent=2 failed=0 pending=0 skipped=0``.
    """
    cfg, db = _context()
    now = utcnow()
    job = get_current_job()
    my_id = job.id if job is not None else None
    if job is not None:
        try:
            _steal(job.connection, db, job.id)
        except Exception as exc:  # stealing is an optimisation; the round's own delivery must go on
            log.warning("could not take over queued rounds: %s", exc)
    tries, skipped = _load(db, escalation_id, round_, my_id, cfg, now)
    encoded: dict[int, bytes] = {}
    down: dict[str, str] = {}  # endpoints that failed to answer in this job: not tried again until a retry
    for t in sorted(tries, key=_order):
        try:
            if t.kind == notify.WEBHOOK and t.target in down:
                raise WebhookError(down[t.target])
            if t.kind == notify.BOARD:
                if job is None:
                    raise WebhookError("board notifications run as rq jobs")
                notify.publish_board(job.connection, t.body)
            else:
                try:
                    notify.check_url(t.target)
                except WebhookError:
                    t.permanent = True
                    raise
                body = encoded.setdefault(id(t.body), notify.encode(t.body))
                notify.post(t.target, body, secret=cfg.webhook_secret, idempotency_key=t.key,
                            escalation_id=t.escalation_id, timeout_s=cfg.webhook_timeout_s)
        except WebhookError as exc:
            t.error = str(exc)
            if t.kind == notify.WEBHOOK and not t.permanent:
                _FAILED_AT[t.target] = time.monotonic()
                if "không trả lời" in t.error or "Không gửi được" in t.error:
                    down.setdefault(t.target, t.error)
        else:
            if t.kind == notify.WEBHOOK:
                _FAILED_AT.pop(t.target, None)
    done = utcnow()
    counts = {"sent": 0, "failed": 0, "pending": 0, "skipped": skipped}
    N = EscalationNotification
    with writer(db), db.session() as s:  # one short write; rows another copy of this job recorded are left alone
        sent = [t.id for t in tries if not t.error]
        if sent:
            counts["sent"] = s.execute(update(N).where(N.id.in_(sent), N.status == P).values(
                status=NotificationStatus.SENT, sent_at=done, last_error="", attempts=N.attempts + 1)
                .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
        for t in tries:
            if not t.error:
                continue
            final = t.permanent or t.attempts + 1 >= cfg.webhook_attempts
            changed = s.execute(update(N).where(N.id == t.id, N.status == P).values(
                status=NotificationStatus.FAILED if final else P, last_error=t.error, attempts=N.attempts + 1)
                .execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
            if changed:
                counts["failed" if final else "pending"] += 1
                if final:
                    log.error("notification %d of escalation %d failed after %d attempt(s): %s", t.id,
                              t.escalation_id, t.attempts + 1, t.error)
        reached = {t.escalation_id for t in tries if t.kind == notify.WEBHOOK and not t.error}
        if reached:
            s.execute(update(Escalation).where(Escalation.id.in_(reached), Escalation.notified_at.is_(None))
                      .values(notified_at=done).execution_options(synchronize_session=False))
    summary = " ".join(f"{k}={v}" for k, v in counts.items())
    if counts["pending"]:
        raise WebhookError(f"escalation {escalation_id} round {round_}: {summary}; "
                           + "; ".join(t.error for t in tries if t.error))
    return summary


def fetch_jobs(redis: Redis, job_ids: Iterable[str]) -> dict[str, Job | None]:
    ids = list(dict.fromkeys(job_ids))
    return dict(zip(ids, Job.fetch_many(ids, connection=redis))) if ids else {}
