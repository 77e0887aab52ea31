"""The daily summary per commune: patients followed, reached, not reached, escalated, opted out.

One ``AreaNotification`` row per commune and target (the commune's targets, else the nearest tier
above with targets, else the global webhooks), written before any job; receivers de-duplicate on
the idempotency key (one per day and commune).
"""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import AreaNotification, CareStatus, Escalation, NotificationStatus, Patient
from ivr.vocabulary import EscalationKind

from .. import jobs as escalation_jobs
from .. import notify
from . import plan, results, windows

Area = tuple[str, str, str]  # province, district, commune


def _area_key(area: Area) -> str:
    return hashlib.sha256("\x1f".join(area).encode("utf-8")).hexdigest()[:16]


def idempotency_key(day: date, area: Area) -> str:
    return f"ivr-summary-{day.isoformat()}-{_area_key(area)}"


def day_states(s: Session, cfg: Config, day: date) -> dict[int, set[str]]:
    """Each patient called on ``day`` -> the results of their windows that day."""
    out: dict[int, set[str]] = {}
    for occ in windows.of_day(cfg, day):
        for pid, state in results.window_states(s, occ).items():
            out.setdefault(pid, set()).add(state)
    return out


def figures(s: Session, cfg: Config, day: date) -> dict[Area, dict[str, int]]:
    """Per commune (of every home-care patient): followed, reached, not_reached, escalated, opted_out, away."""
    start = windows.to_utc(cfg, day, datetime.min.time())
    end = windows.to_utc(cfg, day + timedelta(days=1), datetime.min.time())
    states = day_states(s, cfg, day)
    patients = list(s.scalars(select(Patient).where(Patient.care_status == CareStatus.HOME)))
    cases = {int(pid) for pid in s.scalars(select(Escalation.patient_id).where(
        Escalation.created_at >= start, Escalation.created_at < end, Escalation.kind == EscalationKind.CLINICAL,
        Escalation.patient_id.is_not(None))) if pid is not None}
    out: dict[Area, dict[str, int]] = {}
    for p in patients:
        area = (p.province, p.district, p.commune)
        row = out.setdefault(area, {"followed": 0, "reached": 0, "not_reached": 0, "escalated": 0, "opted_out": 0,
                                    "away": 0})
        row["followed"] += 1
        mine = states.get(p.id, set())
        if mine & {results.REACHED, results.ESCALATED}:
            row["reached"] += 1
        elif results.NOT_REACHED in mine:
            row["not_reached"] += 1
        if p.id in cases:
            row["escalated"] += 1
        if p.opted_out_at is not None:
            # calls stopped because a call heard the patient is in hospital, moved or died: not a refusal
            row["away" if (p.opt_out_source or "").startswith("away_") else "opted_out"] += 1
    return out


def body(day: date, area: Area, row: dict[str, int]) -> dict[str, Any]:
    place = plan.station(Patient(commune=area[2])) if area[2] else "Chưa rõ xã/phường"
    text = (f"Tổng kết ngày {day:%d/%m/%Y} — {place}: theo dõi {row['followed']} người bệnh; "
            f"đã liên lạc {row['reached']}; không liên lạc được {row['not_reached']}; "
            f"chuyển bác sĩ {row['escalated']}; từ chối nhận cuộc gọi {row['opted_out']}"
            + (f"; dừng gọi vì được báo đã nhập viện, chuyển đi hoặc mất {row['away']}" if row.get("away") else "")
            + ".")
    return {"event": "checkin.daily_summary", "day": day.isoformat(),
            "area": {"province": area[0], "district": area[1], "commune": area[2]}, **row, "text": text}


def write(db: Database, cfg: Config, day: date, *, now: datetime) -> list[int]:
    """The day's summary rows (pending); returns the ids of rows not yet sent (new or left pending)."""
    with escalation_jobs.writer(db), db.session() as s:
        for area, row in sorted(figures(s, cfg, day).items()):
            key = idempotency_key(day, area)
            have = {(r.channel, r.target) for r in s.scalars(select(AreaNotification).where(
                AreaNotification.idempotency_key == key))}
            for channel, target in notify.summary_targets(s, cfg, *area):
                if (channel, target) in have:
                    continue
                s.add(AreaNotification(kind="daily_summary", channel=channel, target=target, province=area[0],
                                       district=area[1], commune=area[2], idempotency_key=key,
                                       body=body(day, area, row), status=NotificationStatus.PENDING, attempts=0,
                                       last_error="", created_at=now))
        s.flush()
        return [int(i) for i in s.scalars(select(AreaNotification.id).where(
            AreaNotification.kind == "daily_summary", AreaNotification.status == NotificationStatus.PENDING,
            AreaNotification.idempotency_key.like(f"ivr-summary-{day.isoformat()}-%")))]


def pending_ids(db: Database) -> Sequence[int]:
    with db.session() as s:
        return [int(i) for i in s.scalars(select(AreaNotification.id).where(
            AreaNotification.status == NotificationStatus.PENDING))]
