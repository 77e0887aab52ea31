"""The dial list: attempts move planned -> queued (pushed on a Redis list) -> dialing (claimed by a SIP worker).

Every move is a conditional UPDATE on the attempt's status, so an attempt pushed twice (a restart
re-deriving the list, a dispatch job run twice) is still claimed, and called, once.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from redis import Redis
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import CheckinAttempt, CheckinWindow, Patient
from ivr.vocabulary import CheckinStatus

from .. import jobs as escalation_jobs
from .. import keys
from . import plan, windows

log = logging.getLogger(__name__)
CS = CheckinStatus


@dataclass(frozen=True)
class Due:
    """What became of an attempt when it was due."""

    attempt_id: int
    status: str  # queued, planned (not yet: paused or early), cancelled, or its unchanged status
    why: str = ""


def _window(s: Session, a: CheckinAttempt) -> CheckinWindow | None:
    return s.scalars(select(CheckinWindow).where(CheckinWindow.window_date == a.window_date,
                                                 CheckinWindow.window == a.window)).first()


def _set(s: Session, attempt_id: int, frm: tuple[str, ...], **values: Any) -> bool:
    res = s.execute(update(CheckinAttempt).where(CheckinAttempt.id == attempt_id, CheckinAttempt.status.in_(frm))
                    .values(**values).execution_options(synchronize_session=False))
    return bool(res.rowcount)  # type: ignore[attr-defined]


def still_callable(s: Session, a: CheckinAttempt) -> list[Patient]:
    """The attempt's patients who may still be called (home care, not opted out, same phone)."""
    ids = [int(i) for i in (a.patient_ids or [a.patient_id]) if i is not None]
    rows = list(s.scalars(select(Patient).where(Patient.id.in_(ids)))) if ids else []
    order = {pid: i for i, pid in enumerate(ids)}
    return sorted((p for p in rows if plan.eligible(p) and p.phone == a.phone), key=lambda p: order[p.id])


def _check(s: Session, cfg: Config, a: CheckinAttempt, now: datetime, frm: tuple[str, ...]) -> Due | None:
    """Why ``a`` may not go now (it is moved accordingly), or None when it may."""
    if not cfg.checkin_enabled:
        return Due(a.id, a.status, "check-in calls disabled")
    occ = windows.occurrence(cfg, a.window_date, a.window) if a.window in {w.name for w in windows.specs(cfg)} \
        else None
    win = _window(s, a)
    ends_at = occ.ends_at if occ is not None else (win.ends_at if win is not None else now)
    if now >= ends_at:
        _set(s, a.id, frm, status=CS.CANCELLED, finished_at=now, updated_at=now)
        return Due(a.id, CS.CANCELLED, "the window has ended")
    if win is not None and win.paused:
        _set(s, a.id, frm, status=CS.PLANNED, updated_at=now)
        return Due(a.id, CS.PLANNED, "the window is paused")
    people = still_callable(s, a)
    if not people:
        _set(s, a.id, frm, status=CS.CANCELLED, finished_at=now, updated_at=now)
        return Due(a.id, CS.CANCELLED, "no patient of this phone may be called any more")
    ids = [p.id for p in people]
    if ids != [int(i) for i in (a.patient_ids or [])]:
        _set(s, a.id, frm, patient_ids=ids, patient_id=ids[0], updated_at=now)
    return None


def make_due(db: Database, cfg: Config, attempt_id: int, *, now: datetime) -> Due:
    """Move a planned attempt whose time has come to queued (the caller then pushes it on the dial list)."""
    with escalation_jobs.writer(db), db.session() as s:
        a = s.get(CheckinAttempt, attempt_id)
        if a is None:
            return Due(attempt_id, "", "no such attempt")
        if a.status != CS.PLANNED:
            return Due(attempt_id, a.status, "not planned")
        if a.not_before > now:
            return Due(attempt_id, CS.PLANNED, "not yet")
        why = _check(s, cfg, a, now, (CS.PLANNED,))
        if why is not None:
            return why
        if not _set(s, attempt_id, (CS.PLANNED,), status=CS.QUEUED, queued_at=now, updated_at=now):
            return Due(attempt_id, "", "moved meanwhile")
    return Due(attempt_id, CS.QUEUED)


def push(redis: Redis, attempt_ids: list[int]) -> None:
    if attempt_ids:
        redis.rpush(keys.CHECKIN_DIAL, *attempt_ids)


def claim_row(db: Database, cfg: Config, attempt_id: int, worker: str, *, now: datetime) -> CheckinAttempt | None:
    """Atomically move a queued attempt to dialing for ``worker``; None if it may not be called (any more)."""
    with escalation_jobs.writer(db), db.session() as s:
        a = s.get(CheckinAttempt, attempt_id)
        if a is None or a.status != CS.QUEUED:
            return None  # claimed by another worker, cancelled, or a stale copy on the list
        if _check(s, cfg, a, now, (CS.QUEUED,)) is not None:
            return None
        if not _set(s, attempt_id, (CS.QUEUED,), status=CS.DIALING, worker=worker[:100], claimed_at=now,
                    updated_at=now):
            return None
        return s.get(CheckinAttempt, attempt_id, populate_existing=True)


def queued_missing(db: Database, redis: Redis) -> list[int]:
    """Queued attempts that are not on the dial list (Redis lost them, or a claim died between pop and update)."""
    with db.session() as s:
        queued = [int(i) for i in s.scalars(select(CheckinAttempt.id).where(CheckinAttempt.status == CS.QUEUED))]
    if not queued:
        return []
    on_list = {int(x) for x in redis.lrange(keys.CHECKIN_DIAL, 0, -1)}
    return [i for i in queued if i not in on_list]
