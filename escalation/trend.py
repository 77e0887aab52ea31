"""Readings that worsen across days: a triage-side check over a patient's assessment history.

One reading alone is judged by the rule pack (``escalation.triage``); this looks at the series.
SpO2 falling reading after reading across two or more days, or fever on three or more consecutive
days, raise the patient's risk even when every reading alone stays below the pack's thresholds.
Pure functions over (time, vitals) pairs; ``check_patient`` reads the history and queues the case.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, tzinfo

from redis import Redis
from sqlalchemy import select

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import Assessment, Escalation
from ivr.vocabulary import RiskLevel

from . import priority, queue

#: How far back the series is read.
HISTORY_DAYS = 7
#: SpO2 readings falling step by step by this many points in all (over 2+ days) raise the risk to medium ...
SPO2_DROP_MEDIUM = 3
#: ... and by this many to high.
SPO2_DROP_HIGH = 5
#: A temperature at or above this is a fever day.
FEVER_C = 37.5
#: Consecutive fever days that raise the risk to medium.
FEVER_DAYS = 3


@dataclass(frozen=True)
class Reading:
    at: datetime  # naive UTC
    vitals: dict[str, float]


@dataclass(frozen=True)
class Finding:
    risk: str
    reasons: tuple[str, ...]

    @property
    def reason(self) -> str:
        return "; ".join(self.reasons)


def _fmt(value: float) -> str:
    return f"{value:g}".replace(".", ",")


def spo2_falling(readings: Sequence[Reading], tz: tzinfo) -> Finding | None:
    """The SpO2 readings of the last days fall one after another (never rising) across 2+ local days."""
    series = [(r.at, float(r.vitals["spo2"])) for r in sorted(readings, key=lambda r: r.at) if "spo2" in r.vitals]
    # the longest tail of the series that never rises
    tail = series[-1:]
    for at, value in reversed(series[:-1]):
        if value < tail[0][1]:
            break
        tail.insert(0, (at, value))
    if len(tail) < 3:
        return None
    days = {at.replace(tzinfo=UTC).astimezone(tz).date() for at, _ in tail}
    drop = tail[0][1] - tail[-1][1]
    if len(days) < 2 or drop < SPO2_DROP_MEDIUM:
        return None
    risk = RiskLevel.HIGH if drop >= SPO2_DROP_HIGH else RiskLevel.MEDIUM
    shown = " → ".join(f"{_fmt(v)}%" for _, v in tail[-5:])
    return Finding(risk, (f"SpO2 giảm dần qua {len(days)} ngày: {shown}",))


def fever_days(readings: Sequence[Reading], tz: tzinfo, today: date) -> Finding | None:
    """A fever on each of the last ``FEVER_DAYS``+ consecutive local days, the last of them today or yesterday."""
    hottest: dict[date, float] = {}
    for r in readings:
        if "temperature" in r.vitals:
            day = r.at.replace(tzinfo=UTC).astimezone(tz).date()
            hottest[day] = max(hottest.get(day, 0.0), float(r.vitals["temperature"]))
    fever = {d for d, t in hottest.items() if t >= FEVER_C}
    last = today if today in fever else today - timedelta(days=1)
    run = 0
    while last - timedelta(days=run) in fever:
        run += 1
    if run < FEVER_DAYS:
        return None
    temps = ", ".join(f"{_fmt(hottest[last - timedelta(days=i)])} °C" for i in reversed(range(run)))
    return Finding(RiskLevel.MEDIUM, (f"Sốt {run} ngày liên tiếp ({temps})",))


def worsening(readings: Sequence[Reading], tz: tzinfo, today: date) -> Finding | None:
    """The most urgent finding over the series (reasons of both when both hold), or None."""
    found = [f for f in (spo2_falling(readings, tz), fever_days(readings, tz, today)) if f is not None]
    if not found:
        return None
    risk = min((f.risk for f in found), key=priority.rank)
    return Finding(risk, tuple(r for f in found for r in f.reasons))


def check_patient(db: Database, cfg: Config, patient_id: int, *, now: datetime, tz: tzinfo,
                  redis: Redis | None = None) -> int | None:
    """Queue (or raise) a case for ``patient_id`` when the series worsens beyond what the newest reading alone
    says; returns the case id, or None. A series already escalated since its newest reading is not queued again."""
    with db.session() as s:
        rows = list(s.scalars(select(Assessment).where(
            Assessment.patient_id == patient_id, Assessment.at >= now - timedelta(days=HISTORY_DAYS))
            .order_by(Assessment.at)))
        if not rows:
            return None
        newest = rows[-1]
        finding = worsening([Reading(r.at, {k: float(v) for k, v in (r.vitals or {}).items()
                                            if isinstance(v, (int, float))}) for r in rows],
                            tz, now.replace(tzinfo=UTC).astimezone(tz).date())
        if finding is None or priority.rank(finding.risk) >= priority.rank(newest.risk or RiskLevel.NONE):
            return None  # nothing worse than the newest reading alone
        done = s.scalar(select(Escalation.id).where(Escalation.patient_id == patient_id,
                                                    Escalation.created_at >= newest.at,
                                                    Escalation.reason == finding.reason[:200]).limit(1))
        if done is not None:
            return None
    return queue.create(db, risk=finding.risk, reason=finding.reason, reasons=list(finding.reasons),
                        patient_id=patient_id, assessment_id=newest.id, redis=redis, now=now, cfg=cfg)
