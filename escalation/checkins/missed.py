"""Missed readings reach a human: "not reached" cases for the commune health station.

A patient not reached in two consecutive windows, or with no reading for 24 hours, gets a case of
kind ``not_reached`` (risk low: below every clinical case) in the escalation queue, notified like
every case (``escalation.notify.case_targets``: the commune's targets first, then up the tiers).
A patient with an open case has it re-triaged instead (``queue.create``); a patient already
flagged since the start of the window (or, for readings, in the last 24 hours) is not flagged again.
"""
from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from redis import Redis
from sqlalchemy import func, select

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import Assessment, Escalation
from ivr.vocabulary import EscalationKind, EscalationMode, RiskLevel

from .. import queue
from . import plan, results, windows
from .windows import Occurrence

log = logging.getLogger(__name__)

#: A patient without any reading for this long is flagged.
NO_READING_H = 24
#: The risk level of a not-reached case (its kind puts it below the clinical cases of that level).
RISK = RiskLevel.LOW


def _label(cfg: Config, occ: Occurrence) -> str:
    return f"buổi {occ.name} {occ.day:%d/%m}"


def _flagged_since(db: Database, patient_ids: Iterable[int], since: datetime) -> set[int]:
    ids = list(patient_ids)
    if not ids:
        return set()
    with db.session() as s:
        return {int(p) for p in s.scalars(select(Escalation.patient_id).where(
            Escalation.patient_id.in_(ids), Escalation.kind == EscalationKind.NOT_REACHED,
            Escalation.created_at >= since)) if p is not None}


def _flag(db: Database, cfg: Config, patient_id: int, *, reason: str, reasons: list[str], now: datetime,
          redis: Redis | None) -> int:
    esc_id = queue.create(db, risk=RISK, reason=reason, reasons=reasons, patient_id=patient_id,
                          mode=EscalationMode.CALLBACK, kind=EscalationKind.NOT_REACHED, redis=redis, now=now, cfg=cfg)
    log.info("patient %d: not-reached case #%d (%s)", patient_id, esc_id, reason)
    return esc_id


def consecutive(db: Database, cfg: Config, occ: Occurrence, patient_ids: Iterable[int] | None = None, *,
                now: datetime, redis: Redis | None = None) -> list[int]:
    """Flag the patients (default: all of ``occ``) called and not reached in ``occ`` and in the window before.

    Returns the case ids. Only patients whose result in ``occ`` is final (not planned or in progress), and
    who were really called in both windows (a window the dialler never got to is the hotline's miss, not
    the patient's: the 24-hour rule, ``no_reading``, still catches them).
    """
    before = windows.previous(cfg, occ)
    with db.session() as s:
        here = results.called_and_missed(s, occ)
        there = results.called_and_missed(s, before)
        eligible = {p.id for p in plan.eligible_patients(s)}
    wanted = here if patient_ids is None else set(patient_ids)
    missed = [pid for pid in sorted(wanted) if pid in here and pid in there and pid in eligible]
    done = _flagged_since(db, missed, occ.starts_at)
    cases = []
    for pid in missed:
        if pid in done:
            continue
        reason = f"Không liên lạc được 2 buổi liên tiếp ({_label(cfg, before)}, {_label(cfg, occ)})"
        cases.append(_flag(db, cfg, pid, reason=reason, reasons=[reason], now=now, redis=redis))
    return cases


def no_reading(db: Database, cfg: Config, *, now: datetime, redis: Redis | None = None) -> list[int]:
    """Flag home-care patients (followed for 24 h or more) without a reading in the last 24 hours."""
    since = now - timedelta(hours=NO_READING_H)
    with db.session() as s:
        last = dict(s.execute(select(Assessment.patient_id, func.max(Assessment.at))
                              .where(Assessment.patient_id.is_not(None)).group_by(Assessment.patient_id))
                    .all())
        patients = [p for p in plan.eligible_patients(s) if p.created_at <= since]
    stale = [p for p in patients if (last.get(p.id) or datetime.min) < since]
    done = _flagged_since(db, [p.id for p in stale], since)
    cases = []
    for p in stale:
        if p.id in done:
            continue
        seen = last.get(p.id)
        when = (f"lần khai báo gần nhất lúc {windows.local_time(cfg, seen):%H:%M %d/%m}" if seen
                else "chưa khai báo lần nào")
        reason = f"Không có chỉ số sức khỏe trong {NO_READING_H} giờ qua ({when})"
        cases.append(_flag(db, cfg, p.id, reason=reason, reasons=[reason], now=now, redis=redis))
    return cases


