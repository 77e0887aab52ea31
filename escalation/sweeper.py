"""The sweeper: what must happen even when Redis lost its jobs.

Run every ``cfg.sweep_interval_s`` by ``ivr worker`` (and callable from tests with an injected
``now``). Reading the database, the source of truth, it

1. moves unpicked cases up a tier (commune -> district -> province) when they waited too long
   for their risk level, or when nobody is on duty at their tier, and adds a notification round;
   at the province tier it adds a reminder round every tier period instead;
2. turns live cases nobody picked well past the hold limit into callbacks (the SIP worker
   normally does this itself at the hold limit), counted from ``hold_started_at``: each live call
   holds on its own clock, however old the case it re-triaged;
3. gives every notification round a row for each configured webhook;
4. re-enqueues every pending notification whose rq job is gone (Redis flushed or restarted),
   failed, stuck behind a dead scheduler, or held by a dead worker (killed mid-job).
"""
from __future__ import annotations

import logging
import os
import socket
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from redis import Redis
from redis.exceptions import RedisError
from rq.job import Job, JobStatus
from sqlalchemy import case, func, select
from sqlalchemy.exc import IntegrityError

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import Escalation, EscalationNotification, NotificationStatus, StaffUser
from ivr.vocabulary import EscalationMode, RiskLevel

from . import area, jobs, keys, notify, queue
from .transitions import Action

log = logging.getLogger(__name__)

#: A pending row younger than this may still be between its commit and its enqueue.
GRACE_S = 3.0
#: The SIP worker turns a live case into a callback at ``hold_limit_s``; the sweeper only if it did not.
HOLD_GRACE_S = 15.0
#: A scheduled retry this late means no rq scheduler is running (its lock outlived a killed worker).
SCHEDULE_LATE_S = 10.0


@dataclass
class SweepReport:
    moved: list[int] = field(default_factory=list)  # escalation ids moved up a tier
    reminded: list[int] = field(default_factory=list)  # escalation ids given a reminder round
    held: list[int] = field(default_factory=list)  # live cases turned into callbacks
    expanded: int = 0  # webhook rows added to existing rounds
    enqueued: int = 0  # jobs (re-)enqueued
    redis_ok: bool = True
    locked_out: bool = False  # another sweeper is running


def sweep(db: Database, cfg: Config, redis: Redis | None = None, *, now: datetime | None = None) -> SweepReport:
    now = queue._now(now)
    report = SweepReport(redis_ok=redis is not None)
    token = uuid.uuid4().hex
    if redis is not None:
        try:
            if not redis.set(keys.SWEEPER_LOCK, token, nx=True, px=max(5000, cfg.sweep_interval_s * 3000)):
                report.locked_out = True
                return report
        except RedisError as exc:
            log.warning("sweeper: Redis unavailable (%s); database moves only", exc)
            report.redis_ok = False
    try:
        planned = _tiers_and_rounds(db, cfg, now, report)
        planned += _expand(db, cfg, now, report)
        if report.redis_ok and redis is not None:
            try:
                if planned:
                    jobs.enqueue(redis, planned, cfg)
                    report.enqueued += len(planned)
                report.enqueued += _requeue_lost(db, cfg, redis, now)
                redis.set(keys.SWEEPER_HEARTBEAT, now.replace(tzinfo=UTC).isoformat())
            except RedisError as exc:
                log.warning("sweeper: Redis failed mid-sweep (%s); will retry", exc)
                report.redis_ok = False
    finally:
        if report.redis_ok and redis is not None:
            try:
                if redis.get(keys.SWEEPER_LOCK) == token.encode():
                    redis.delete(keys.SWEEPER_LOCK)
            except RedisError:
                pass
    return report


def _tiers_and_rounds(db: Database, cfg: Config, now: datetime, report: SweepReport) -> list[jobs.Planned]:
    planned: list[jobs.Planned] = []
    with db.session() as s:
        cases = list(s.scalars(select(Escalation).where(Escalation.status.in_(queue.UNPICKED))))
        staff = area._on_duty_pickers(s)
        last_round = dict(s.execute(
            select(EscalationNotification.escalation_id, func.max(EscalationNotification.created_at))
            .where(EscalationNotification.kind == notify.BOARD,
                   EscalationNotification.escalation_id.in_([c.id for c in cases]))
            .group_by(EscalationNotification.escalation_id)).all()) if cases else {}
    ids = [c.id for c in cases if _due(c, cfg, now, staff, last_round.get(c.id))]
    for esc_id in ids:
        try:
            with db.session() as s:
                esc = s.get(Escalation, esc_id)
                if esc is None or esc.status not in queue.UNPICKED:
                    continue
                if esc.mode == EscalationMode.LIVE and held_s(esc, now) >= cfg.hold_limit_s + HOLD_GRACE_S:
                    queue._move(s, esc_id, Action.HOLD_EXPIRED, actor="system",
                                detail="Hết thời gian giữ máy: bác sĩ sẽ gọi lại", now=now,
                                mode=EscalationMode.CALLBACK)
                    report.held.append(esc_id)
                    esc = queue._load(s, esc_id)
                limit = area.tier_after_s(cfg, esc.risk)
                waited_here = (now - esc.tier_changed_at).total_seconds()
                target = esc.tier
                why = ""
                nxt = area.next_tier(esc.tier)
                if nxt is not None and limit is not None and waited_here >= limit:
                    target = area.staffed_tier(s, esc, nxt)
                    why = f"chưa có ai nhận sau {int(waited_here // 60)} phút"
                elif nxt is not None and not area.on_duty(s, esc):
                    target = area.staffed_tier(s, esc, nxt)
                    why = "tuyến hiện tại không có ai trực"
                if target != esc.tier:
                    queue._move(s, esc_id, Action.MOVE_TIER, actor="system",
                                detail=f"Chuyển lên tuyến {area.TIER_LABELS[target.value]}: {why}", now=now,
                                tier=target, tier_changed_at=now)
                    esc = queue._load(s, esc_id)
                    planned += jobs.planned(notify.add_round(s, esc, cfg.webhook_urls, now=now), esc.risk)
                    report.moved.append(esc_id)
                    continue
                if nxt is None and limit is not None:
                    last = s.scalar(select(func.max(EscalationNotification.created_at)).where(
                        EscalationNotification.escalation_id == esc_id, EscalationNotification.kind == notify.BOARD))
                    since = (now - (last or esc.created_at)).total_seconds()
                    if since >= limit and (now - esc.tier_changed_at).total_seconds() >= limit:
                        rows = notify.add_round(s, esc, cfg.webhook_urls, now=now)
                        queue._event(s, esc_id, frm=esc.status.value, to=esc.status.value, actor="system", at=now,
                                     detail=f"Nhắc lại lần {rows[0].round}: chưa có bác sĩ nhận ca")
                        planned += jobs.planned(rows, esc.risk)
                        report.reminded.append(esc_id)
        except IntegrityError:
            log.info("sweeper: escalation %d was handled by another sweeper", esc_id)
        except queue.EscalationConflict:
            pass  # picked while we looked at it
    return planned


def held_s(esc: Escalation, now: datetime) -> float:
    """How long the caller of a live case has held: from when this hold started (a returning caller's
    new call starts a new hold), not from the case's creation (cases from before 0003: creation)."""
    return (now - (esc.hold_started_at or esc.created_at)).total_seconds()


def _due(esc: Escalation, cfg: Config, now: datetime, staff: Sequence[StaffUser], last: datetime | None) -> bool:
    """Whether ``esc`` may need a move this sweep (decided again inside its own transaction)."""
    if esc.mode == EscalationMode.LIVE and held_s(esc, now) >= cfg.hold_limit_s + HOLD_GRACE_S:
        return True
    limit = area.tier_after_s(cfg, esc.risk)
    if area.next_tier(esc.tier) is not None:
        if limit is not None and (now - esc.tier_changed_at).total_seconds() >= limit:
            return True
        return not any(area.covers(u, esc) for u in staff)
    return limit is not None and (now - (last or esc.created_at)).total_seconds() >= limit


def _expand(db: Database, cfg: Config, now: datetime, report: SweepReport) -> list[jobs.Planned]:
    """Webhook rows for rounds created without the configuration; their round gets a new job."""
    if not cfg.webhook_urls:
        return []
    planned: list[jobs.Planned] = []
    with db.session() as s:
        N = EscalationNotification
        hooks = func.sum(case((N.kind == notify.WEBHOOK, 1), else_=0))
        rounds = s.execute(  # rounds of open cases with fewer webhook rows than configured URLs
            select(N.escalation_id, N.round, Escalation.risk)
            .join(Escalation, Escalation.id == N.escalation_id)
            .where(Escalation.status.in_(queue.OPEN))
            .group_by(N.escalation_id, N.round, Escalation.risk)
            .having(hooks < len(set(cfg.webhook_urls)))
        ).all()
        for esc_id, round_, risk in rounds:
            added = notify.missing_targets(s, esc_id, round_, cfg.webhook_urls, now=now)
            if not added:
                continue
            report.expanded += len(added)
            pending = list(s.scalars(select(EscalationNotification).where(
                EscalationNotification.escalation_id == esc_id, EscalationNotification.round == round_,
                EscalationNotification.status == NotificationStatus.PENDING)))
            planned.append(jobs.replan(pending, risk, now=now))
    return planned


def _worker_dead(redis: Redis, name: str | None) -> bool:
    if not name:
        return True
    host, pid = redis.hmget(f"rq:worker:{name}", "hostname", "pid")
    if host is None or pid is None:
        return True  # the worker's key expired or was never written
    if (host.decode() if isinstance(host, bytes) else host) == socket.gethostname():
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            return True
        except PermissionError:
            return False
    return False


def _lost(redis: Redis, job: Job | None, cfg: Config, now: datetime) -> bool:
    if job is None:
        return True
    status = job.get_status(refresh=False)
    if status in (JobStatus.FAILED, JobStatus.STOPPED, JobStatus.CANCELED, JobStatus.FINISHED, None):
        return True  # finished while the row is still pending: the worker died before recording it
    if status == JobStatus.STARTED:
        started = job.started_at.replace(tzinfo=None) if job.started_at else None
        stale = started is not None and (now - started).total_seconds() > jobs.job_timeout_s(cfg) + 10
        return stale or _worker_dead(redis, job.worker_name)
    if status == JobStatus.SCHEDULED:
        for name in keys.QUEUES:
            score = redis.zscore(f"rq:scheduled:{name}", job.id)
            if score is not None:
                due = datetime.fromtimestamp(score, tz=UTC).replace(tzinfo=None)
                return (now - due).total_seconds() > SCHEDULE_LATE_S
        return True
    if status == JobStatus.QUEUED:  # popped by a worker a moment ago, or its queue list was lost
        if any(redis.lpos(f"rq:queue:{name}", job.id) is not None for name in keys.QUEUES):
            return False
        queued = job.enqueued_at.replace(tzinfo=None) if job.enqueued_at else None
        return queued is None or (now - queued).total_seconds() > SCHEDULE_LATE_S
    return False


def _requeue_lost(db: Database, cfg: Config, redis: Redis, now: datetime) -> int:
    cutoff = now - timedelta(seconds=GRACE_S)
    with db.session() as s:
        rows = list(s.scalars(select(EscalationNotification).where(
            EscalationNotification.status == NotificationStatus.PENDING)))
        rounds: dict[tuple[int, int], list[EscalationNotification]] = {}
        for r in rows:
            rounds.setdefault((r.escalation_id, r.round), []).append(r)
        # rounds whose newest job was enqueued long enough ago to be visible in Redis
        rounds = {k: rs for k, rs in rounds.items()
                  if all(r.enqueued_at is None or r.enqueued_at <= cutoff for r in rs)}
        if not rounds:
            return 0
        newest = {k: max(rs, key=lambda r: r.enqueues or 0).job_id for k, rs in rounds.items()}
        found = jobs.fetch_jobs(redis, [j for j in newest.values() if j])
        planned = []
        for k, rs in rounds.items():
            old = found.get(newest[k])
            if not _lost(redis, old, cfg, now):
                continue
            if old is not None:
                old.delete(remove_from_queue=True)
            esc = s.get(Escalation, k[0])
            planned.append(jobs.replan(rs, esc.risk if esc else RiskLevel.HIGH, now=now))
        if planned:
            log.warning("sweeper: re-enqueueing %d notification round(s) whose job was lost", len(planned))
    jobs.enqueue(redis, planned, cfg)
    return len(planned)
