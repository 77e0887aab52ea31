"""rq jobs around escalations: module-level functions that take ids, never objects.

The database rows are the source of truth; one job delivers one *round* of notifications
of one escalation (the board message and every webhook) and records each target's result.
A retry (rq ``Retry`` with backoff, run by rq's scheduler) only re-sends the targets still
pending. The Redis connection is the job's own (``get_current_job().connection``) or passed
in; the worker process binds its configuration once with ``bind(cfg)``.

Whoever reaches Redis can write jobs, so the worker trusts none: jobs are JSON (rq's default,
pickle, runs code while loading), and ``HotlineJob`` resolves only the functions in
``ALLOWED_FUNCTIONS``; anything else is refused, logged and recorded as a failed job, never run.
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
from typing import Any

from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry, SimpleWorker
from rq.exceptions import DeserializationError
from rq.job import Job, get_current_job
from rq.queue import EnqueueData
from rq.serializers import JSONSerializer
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import (
    Escalation,
    EscalationNotification,
    NotificationStatus,
    Patient,
    utcnow,
)
from ivr.vocabulary import RiskLevel

from . import groupcommit, keys, notify
from .errors import EscalationError, InvalidWebhookUrl, JobRefused, WebhookError, WebhookUnreachable
from .priority import rank
from .transitions import UNPICKED

log = logging.getLogger(__name__)

MAX_BACKOFF_S = 300
#: room in a round's time limit for the area targets added at delivery (a webhook and an SMS number per tier)
AREA_TARGETS = 6
P = NotificationStatus.PENDING


# Per process and database: any thread that writes cases (a SIP worker's call threads, the job
# worker) takes the thread lock, then flock. Filled without a lock: a race opens a second descriptor,
# and flock on two descriptors of one file still excludes, so it costs a descriptor, never safety.
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


#: How every rq job of the hotline is stored: plain data, so loading one never runs code.
SERIALIZER = JSONSerializer
UNREADABLE = "its data is not the hotline's JSON (a pickled or forged job)"


class UnreadableJob(JobRefused, DeserializationError):
    """A job whose data is not the hotline's JSON (rq handles it as a deserialisation failure)."""


def refusal(job: Job) -> str:
    """Why ``job`` is not one of the hotline's own ("" when it is)."""
    unreadable = getattr(job, "_ivr_unreadable", "")
    if unreadable:
        return unreadable
    try:
        name = job.func_name
        instance = job.instance
    except (DeserializationError, JobRefused):
        return UNREADABLE
    if name not in ALLOWED_FUNCTIONS:
        return f"function {name!r} is not one of the hotline's jobs"
    if instance is not None:
        return "a method call, not one of the hotline's jobs"
    callbacks = [c for c in ("_success_callback_name", "_failure_callback_name", "_stopped_callback_name")
                 if getattr(job, c, None)]
    if callbacks:
        return f"it names callbacks ({', '.join(c.strip('_') for c in callbacks)}), which the hotline never sets"
    return ""


class HotlineJob(Job):
    """An rq job that resolves its function only from ``ALLOWED_FUNCTIONS``.

    ``func`` is where rq turns a name into code, just before running it: a refused job raises
    ``JobRefused`` there (or where its data is loaded), so rq records it as failed, with the reason,
    without importing or unpickling anything.
    """

    def restore(self, raw_data: Any) -> Any:
        try:
            return super().restore(raw_data)
        except ValueError:  # meta or result that is not JSON: a pickled or forged job, refused when it runs
            self._ivr_unreadable = UNREADABLE
            self.meta = {}
            return None

    def _deserialize_data(self) -> None:
        try:
            super()._deserialize_data()
        except DeserializationError:
            raise UnreadableJob(f"refused: {UNREADABLE}") from None

    @property
    def func(self) -> Any:
        reason = refusal(self)
        if reason:
            raise JobRefused(f"refused: {reason}")
        return super().func


class HotlineWorker(SimpleWorker):
    """An rq worker (jobs in the worker process) that runs only ``HotlineJob``s, JSON-serialised."""

    def __init__(self, queues: Sequence[str] = keys.QUEUES, **kwargs: Any) -> None:
        kwargs.setdefault("job_class", HotlineJob)
        kwargs.setdefault("serializer", SERIALIZER)
        super().__init__(list(queues), **kwargs)

    def perform_job(self, job: Job, queue: Queue) -> bool:
        reason = refusal(job)
        if reason:  # rq records it as failed: HotlineJob raises JobRefused instead of running it
            log.error("refused rq job %s from queue %s: %s; not run", job.id, job.origin or "?", reason)
        return bool(super().perform_job(job, queue))


def queue(name: str, redis: Redis) -> Queue:
    """The rq queue ``name`` as the hotline uses it (JSON jobs, ``HotlineJob``)."""
    return Queue(name, connection=redis, serializer=SERIALIZER, job_class=HotlineJob)


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
    """Enqueue ``deliver_round`` jobs (after their rows were committed), all in one Redis round trip.

    Redis errors propagate (nothing of a failed round trip is enqueued: it is one MULTI/EXEC).
    """
    if not plans:
        return 0
    cfg = cfg or Config()
    retry = retry_for(cfg)
    by_queue: dict[str, list[EnqueueData]] = {}
    for p in plans:
        by_queue.setdefault(p.queue, []).append(Queue.prepare_data(
            deliver_round, (p.escalation_id, p.round), job_id=p.job_id, retry=retry,
            timeout=job_timeout_s(cfg, p.targets + len(cfg.webhook_urls) + AREA_TARGETS), result_ttl=0,
            failure_ttl=7 * 86400,
            description=f"notify escalation {p.escalation_id} round {p.round}"))
    pipe = redis.pipeline()
    for name, datas in by_queue.items():
        queue(name, redis).enqueue_many(datas, pipeline=pipe)
    pipe.execute()
    return len(plans)


@dataclass(eq=False)
class _Enqueue:
    redis: Redis
    plans: Sequence[Planned]
    cfg: Config | None
    ok: bool = False


def _enqueue_group(group: list[_Enqueue]) -> None:
    """The plans of threads that enqueue at the same moment, in one round trip per Redis client."""
    by_client: dict[tuple[int, int], list[_Enqueue]] = {}
    for e in group:
        by_client.setdefault((id(e.redis), id(e.cfg)), []).append(e)
    for same in by_client.values():
        plans = [p for e in same for p in e.plans]
        try:
            enqueue(same[0].redis, plans, same[0].cfg)
        except Exception as exc:  # noqa: BLE001 - ConnectionError, TimeoutError, ...: the rows are safe in the DB
            log.warning("could not enqueue %d notification round(s), the sweeper will retry: %s", len(plans), exc)
        else:
            for e in same:
                e.ok = True


def try_enqueue(redis: Redis | None, plans: Sequence[Planned], cfg: Config | None = None) -> bool:
    """Like ``enqueue`` but a dead Redis is logged, not raised: the sweeper enqueues later.

    Threads of one process enqueueing at the same moment share one Redis round trip.
    """
    if redis is None or not plans:
        return False
    item = _Enqueue(redis, plans, cfg)
    groupcommit.combiner(("enqueue",), _enqueue_group).submit(item)
    return item.ok


# -- worker side ---------------------------------------------------------------------------------------------

# The job worker process's configuration, set once by its main thread before any job runs.
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
    round: int = 0
    error: str = ""
    permanent: bool = False
    deferred: bool = False  # not tried: the job ran out of time for stolen rounds; given back to the queue


#: A job that finds rounds queued after it delivers up to this many of them too (one rq job's
#: overhead for several rounds).
STEAL_MAX = 32
#: the share of its time limit a job may spend on stolen rounds before it gives the rest back to the queue
STOLEN_SHARE = 0.5


def _steal(redis: Redis, db: Database, my_id: str) -> int:
    """Take over up to ``STEAL_MAX`` rounds waiting at the head of the queues (the oldest, most urgent first).

    A queued job is taken only if this job removed it from its queue (LREM answered 1): a worker that
    popped it first keeps it, so no round is delivered by two jobs at once. Then its pending rows are
    claimed (their ``job_id`` becomes this job's) and its rq job is deleted. Killed in between, the
    taken job is found lost by the sweeper (queued but in no queue, or started by a dead worker).
    """
    queued: list[tuple[str, str]] = []
    for name in keys.QUEUES:
        for raw in redis.lrange(f"rq:queue:{name}", 0, STEAL_MAX - 1 - len(queued)):
            job_id = raw.decode() if isinstance(raw, bytes) else str(raw)
            if job_id.startswith("ivr-escalation-") and job_id != my_id:
                queued.append((name, job_id))
        if len(queued) >= STEAL_MAX:
            break
    if not queued:
        return 0
    pipe = redis.pipeline()
    for name, job_id in queued:
        pipe.lrem(f"rq:queue:{name}", 1, job_id)
    taken = [job_id for (_, job_id), removed in zip(queued, pipe.execute()) if removed]
    if not taken:
        return 0
    N = EscalationNotification
    with writer(db), db.session() as s:
        claimed = s.execute(update(N).where(N.job_id.in_(taken), N.status == P)
                            .values(job_id=my_id).execution_options(synchronize_session=False)).rowcount  # type: ignore[attr-defined]
    redis.delete(*(f"rq:job:{job_id}" for job_id in taken))
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
            have = {(r.kind, r.target) for r in rows if r.kind != notify.BOARD}
            targets = notify.case_targets(s, cfg, esc)  # global webhooks and the area targets of the case's tier
            if rows and any(t not in have for t in targets):  # the round predates the configuration
                notify.missing_targets(s, escalation_id, round_, targets, now=now, job_id=my_id or "")
        mine = (N.job_id == my_id) if my_id is not None else ((N.escalation_id == escalation_id) & (N.round == round_))
        pending = list(s.scalars(select(N).where(mine, N.status == P).order_by(N.escalation_id, N.round, N.id)))
        # the cases and patients of every claimed round in two queries, not two per round
        ids = {r.escalation_id for r in pending}
        cases = {e.id: e for e in s.scalars(select(Escalation).where(Escalation.id.in_(ids)))} if ids else {}
        pids = {c.patient_id for c in cases.values() if c.patient_id is not None}
        patients = {p.id: p for p in s.scalars(select(Patient).where(Patient.id.in_(pids)))} if pids else {}
        bodies: dict[tuple[int, int], dict[str, object]] = {}
        for r in pending:
            case = cases.get(r.escalation_id)
            if case is None:
                continue
            if r.round > 0 and case.status not in UNPICKED:
                r.status = NotificationStatus.SKIPPED  # a reminder for a case somebody picked meanwhile
                skipped += 1
                continue
            if (r.escalation_id, r.round) not in bodies:
                pid = case.patient_id
                bodies[(r.escalation_id, r.round)] = notify.payload(
                    case, patients.get(pid) if pid is not None else None, r, now=now)
            tries.append(_Try(r.id, r.escalation_id, r.kind, r.target, r.idempotency_key, r.attempts,
                              bodies[(r.escalation_id, r.round)], round=r.round))
    return tries, skipped


#: When each webhook URL last failed in this process: healthy endpoints are tried first, so one that
#: hangs delays only itself. Only the job-running thread uses it (rq runs one job at a time here).
_FAILED_AT: dict[str, float] = {}
_RECENT_S = 300.0


def _order(t: _Try) -> tuple[int, int]:
    """Healthy webhooks first (they reach doctors), then the board, then webhooks that failed lately."""
    if t.kind == notify.BOARD:
        return (1, 0)
    failed = _FAILED_AT.get(t.target)
    return (2 if failed is not None and time.monotonic() - failed < _RECENT_S else 0, 0)


def _publish(job: Job | None, board: list[_Try]) -> None:
    """Publish the board messages ``board``; on failure each of them carries the error (and stays pending)."""
    if not board:
        return
    try:
        if job is None:
            raise WebhookError("board notifications run as rq jobs")
        try:
            notify.publish_board(job.connection, *(t.body for t in board))
        except RedisError as exc:
            raise WebhookError(f"Không gửi được lên bảng trực: {type(exc).__name__}.") from None
    except WebhookError as exc:
        for t in board:
            t.error = str(exc)


def _give_back(s: Session, row_ids: list[int], my_id: str | None, *, now: datetime) -> list[Planned]:
    """New jobs (named in this transaction) for stolen rows this job had no time left to try."""
    if not row_ids:
        return []
    N = EscalationNotification
    rows = list(s.scalars(select(N).where(N.id.in_(row_ids), N.status == P, N.job_id == (my_id or ""))))
    by_round: dict[tuple[int, int], list[EscalationNotification]] = {}
    for r in rows:
        by_round.setdefault((r.escalation_id, r.round), []).append(r)
    risks = {e: risk for e, risk in s.execute(select(Escalation.id, Escalation.risk).where(
        Escalation.id.in_({e for e, _ in by_round})))}
    return [replan(rs, risks.get(e, RiskLevel.HIGH), now=now) for (e, _), rs in by_round.items()]


def deliver_round(escalation_id: int, round_: int) -> str:
    """Send the pending notifications of one round (and of up to ``STEAL_MAX`` rounds waiting in the queues).

    Raises ``WebhookError`` (for an rq retry with backoff) while a target failed and has attempts
    left; a retry re-sends only what is still pending. Returns a summary such as
    ``sent=2 failed=0 pending=0 skipped=0``.
    """
    cfg, db = _context()
    started = time.monotonic()
    now = utcnow()
    job = get_current_job()
    my_id = job.id if job is not None else None
    if job is not None:
        try:
            _steal(job.connection, db, job.id)
        except Exception as exc:  # noqa: BLE001 - stealing is an optimisation; the round's own delivery must go on
            log.warning("could not take over queued rounds: %s", exc)
    tries, skipped = _load(db, escalation_id, round_, my_id, cfg, now)
    encoded: dict[int, bytes] = {}
    down: dict[str, str] = {}  # endpoints that did not answer in this job (their error): not tried again until a retry
    board = [t for t in tries if t.kind == notify.BOARD]
    # stolen rounds get a share of the time limit (slow endpoints): the rest are given back, not timed out
    budget_s = (job.timeout or job_timeout_s(cfg)) * STOLEN_SHARE if job is not None else float("inf")

    def out_of_time(t: _Try) -> bool:
        return (t.escalation_id, t.round) != (escalation_id, round_) and time.monotonic() - started > budget_s

    for t in sorted(tries, key=_order):
        if t.deferred or out_of_time(t):
            t.deferred = True
            continue
        try:
            if t.kind == notify.WEBHOOK and t.target in down:
                raise WebhookUnreachable(down[t.target])
            if t.kind == notify.BOARD:
                if board:  # every board message of this job in one round trip
                    for b in board:
                        b.deferred = out_of_time(b)
                    _publish(job, [b for b in board if not b.deferred])
                    board = []
            elif t.kind == notify.SMS:  # an area's SMS number, through the SMS gateway
                notify.send_sms(cfg, t.target, str(t.body.get("text", "")), idempotency_key=t.key,
                                escalation_id=t.escalation_id)
            else:
                notify.check_url(t.target)
                body = encoded.setdefault(id(t.body), notify.encode(t.body))
                notify.post(t.target, body, secret=cfg.webhook_secret, idempotency_key=t.key,
                            escalation_id=t.escalation_id, timeout_s=cfg.webhook_timeout_s)
        except WebhookError as exc:
            t.error = str(exc)
            t.permanent = isinstance(exc, InvalidWebhookUrl)  # no retry can fix the URL
            if t.kind == notify.WEBHOOK and not t.permanent:
                _FAILED_AT[t.target] = time.monotonic()
                if isinstance(exc, WebhookUnreachable):
                    down.setdefault(t.target, t.error)
        else:
            if t.kind == notify.WEBHOOK:
                _FAILED_AT.pop(t.target, None)
    done = utcnow()
    counts = {"sent": 0, "failed": 0, "pending": 0, "skipped": skipped}
    N = EscalationNotification
    later: list[Planned] = []
    with writer(db), db.session() as s:  # one short write; rows another copy of this job recorded are left alone
        sent = [t.id for t in tries if not t.error and not t.deferred]
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
        reached = {t.escalation_id for t in tries if t.kind != notify.BOARD and not t.error and not t.deferred}
        if reached:
            s.execute(update(Escalation).where(Escalation.id.in_(reached), Escalation.notified_at.is_(None))
                      .values(notified_at=done).execution_options(synchronize_session=False))
        later = _give_back(s, [t.id for t in tries if t.deferred], my_id, now=done)
    if later and job is not None:
        counts["later"] = sum(p.targets for p in later)
        try_enqueue(job.connection, later, cfg)  # after the commit; if Redis fails the sweeper enqueues them
    summary = " ".join(f"{k}={v}" for k, v in counts.items())
    if counts["pending"]:
        raise WebhookError(f"escalation {escalation_id} round {round_}: {summary}; "
                           + "; ".join(t.error for t in tries if t.error))
    return summary


#: The only functions a worker runs (``refusal``): the hotline's own jobs.
ALLOWED_FUNCTIONS: frozenset[str] = frozenset({f"{__name__}.{deliver_round.__name__}", *(
    # the check-in calls' timed jobs (escalation.checkins.jobs imports this module, so they are named here)
    f"escalation.checkins.jobs.{name}" for name in ("plan_window", "dispatch", "close_window", "send_notice",
                                                     "daily_summary", "deliver_area", "reconcile_job"))})


def fetch_jobs(redis: Redis, job_ids: Iterable[str]) -> dict[str, Job | None]:
    """The jobs ``job_ids`` (None: gone). A job that cannot be read as the hotline's counts as gone."""
    ids = list(dict.fromkeys(job_ids))
    return dict(zip(ids, HotlineJob.fetch_many(ids, connection=redis, serializer=SERIALIZER))) if ids else {}
