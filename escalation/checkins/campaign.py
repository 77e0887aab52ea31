"""A window's campaign as staff and operators drive it: start now, pause, resume, and its counts."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from redis import Redis
from sqlalchemy import select, update

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import AuditLog, CheckinAttempt, CheckinWindow, Patient
from ivr.vocabulary import CheckinStatus

from .. import jobs as escalation_jobs
from ..errors import EscalationError
from . import dial, plan, results, schedule, windows
from .windows import Occurrence

CS = CheckinStatus


def window_for(cfg: Config, now: datetime, name: str | None = None) -> Occurrence:
    """Window ``name`` (today's unless it has ended, then tomorrow's), or the current or next one."""
    if name is None:
        return windows.current_or_next(cfg, now)
    try:
        return windows.named(cfg, name, now)
    except KeyError:
        known = ", ".join(w.name for w in windows.specs(cfg))
        raise EscalationError(f"Không có buổi gọi tên {name!r} (các buổi: {known}).") from None


def latest(db: Database, cfg: Config, now: datetime, name: str | None = None) -> Occurrence:
    """For status: the current window, else the last one that started (planned), else the next one."""
    if name is not None:
        return window_for(cfg, now, name)
    occ = windows.current(cfg, now)
    if occ is not None:
        return occ
    known = {w.name for w in windows.specs(cfg)}
    with db.session() as s:
        rows = s.execute(select(CheckinWindow.window_date, CheckinWindow.window).where(
            CheckinWindow.starts_at <= now).order_by(CheckinWindow.starts_at.desc()).limit(5)).all()
    for day, window in rows:
        if window in known:
            return windows.occurrence(cfg, day, window)
    return windows.current_or_next(cfg, now)


def counts(db: Database, occ: Occurrence) -> dict[str, int]:
    with db.session() as s:
        return results.counts(s, occ)


def run_now(db: Database, cfg: Config, redis: Redis, *, now: datetime) -> dict[str, Any]:
    """Start the current window now: plan it (unpaused) and put every attempt already due on the dial list."""
    if not cfg.checkin_enabled:
        raise EscalationError("Cuộc gọi hỏi thăm đang tắt (checkin_enabled = false).")
    occ = windows.current(cfg, now)
    if occ is None:
        shown = ", ".join(f"{w.name} {w.start:%H:%M}-{w.end:%H:%M}" for w in windows.specs(cfg))
        raise EscalationError(f"Bây giờ không nằm trong buổi gọi nào ({shown}); không gọi ngoài các buổi.")
    set_paused(db, occ, False, actor="cli", now=now)
    made = plan.plan_window(db, cfg, occ, now=now)
    with db.session() as s:
        due = [int(i) for i in s.scalars(select(CheckinAttempt.id).where(
            CheckinAttempt.window_date == occ.day, CheckinAttempt.window == occ.name,
            CheckinAttempt.status == CS.PLANNED, CheckinAttempt.not_before <= now))]
    queued = [i for i in due if dial.make_due(db, cfg, i, now=now).status == CS.QUEUED]
    dial.push(redis, queued)
    schedule.reconcile(db, cfg, redis, now=now)
    return {"window": occ.name, "date": occ.day.isoformat(), "planned": len(made), "queued": len(queued)}


def set_paused(db: Database, occ: Occurrence, paused: bool, *, actor: str, now: datetime) -> None:
    """Pause or resume ``occ``: a paused window's due attempts stay planned (and dialled on resume)."""
    with escalation_jobs.writer(db), db.session() as s:
        row = plan.ensure_window(s, occ, now=now)
        if row.paused == paused:
            return
        s.execute(update(CheckinWindow).where(CheckinWindow.id == row.id).values(paused=paused))
        s.add(AuditLog(at=now, actor=actor, action="checkin.pause" if paused else "checkin.resume",
                       target=f"checkin:{occ.day.isoformat()}:{occ.name}", detail={}))


def resume(db: Database, cfg: Config, occ: Occurrence, redis: Redis, *, actor: str, now: datetime) -> None:
    set_paused(db, occ, False, actor=actor, now=now)
    schedule.reconcile(db, cfg, redis, now=now)


def set_opt_out(db: Database, patient_id: int, opted_out: bool, *, actor: str, source: str = "staff",
                now: datetime) -> None:
    """Record (or withdraw) a patient's wish not to be called; planned calls skip them from now on."""
    with escalation_jobs.writer(db), db.session() as s:
        p = s.get(Patient, patient_id)
        if p is None:
            raise EscalationError(f"Không tìm thấy bệnh nhân #{patient_id}.")
        if (p.opted_out_at is not None) == opted_out:
            return
        p.opted_out_at, p.opt_out_source = (now, source) if opted_out else (None, "")
        s.add(AuditLog(at=now, actor=actor, action="patient.opt_out" if opted_out else "patient.opt_in",
                       target=f"patient:{patient_id}", detail={"source": source}))


def stats(db: Database, cfg: Config, occs: list[Occurrence]) -> dict[str, float | int]:
    """Reach rate and calls per reached patient over the windows ``occs`` (per patient and window)."""
    with db.session() as s:
        attempts = [a for occ in occs for a in plan.attempts_of(s, occ)]
    return results.reach_stats(attempts)
