"""Who is called in a window: every home-care patient not opted out, one attempt per phone.

``plan_window`` writes attempt 1 of each phone for one window occurrence (idempotent: the unique
(window_date, window, phone, attempt) means planning twice, or after a restart, adds nothing).
A household phone gets one attempt listing its patients. Eligibility is checked again when an
attempt is dispatched and claimed, so a patient discharged, transferred or opted out after planning
is never called.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import CareStatus, CheckinAttempt, CheckinWindow, Patient
from ivr.vocabulary import HOTLINE_STATION, CheckinStatus

from .. import jobs as escalation_jobs
from .windows import Occurrence

CS = CheckinStatus
#: Attempts that were dialled or are being dialled: they count against the calls-per-day limit.
DIALLED: tuple[str, ...] = (CS.DIALING, CS.REACHED, CS.NO_ANSWER, CS.BUSY, CS.FAILED, CS.NOT_REACHED, CS.OPTED_OUT)
#: Attempts not yet dialled that will be (unless cancelled).
WAITING: tuple[str, ...] = (CS.PLANNED, CS.QUEUED)
#: An elderly patient is addressed "bác <given name>" from this age.
ELDER_AGE = 50


def eligible(p: Patient) -> bool:
    """Whether ``p`` may be called now: home care, not opted out, with a phone."""
    return p.care_status == CareStatus.HOME and p.opted_out_at is None and bool(p.phone)


def eligible_patients(s: Session) -> list[Patient]:
    return list(s.scalars(select(Patient).where(Patient.care_status == CareStatus.HOME,
                                                Patient.opted_out_at.is_(None), Patient.phone != "")
                          .order_by(Patient.id)))


def households(patients: Iterable[Patient]) -> dict[str, list[Patient]]:
    """Patients by phone (a household's shared phone lists several), in patient id order."""
    by_phone: dict[str, list[Patient]] = {}
    for p in sorted(patients, key=lambda p: p.id):
        by_phone.setdefault(p.phone, []).append(p)
    return by_phone


def address_as(p: Patient, today: date) -> str:
    """How the call addresses ``p``: "bác <given name>" for an elder; "" (the full name) otherwise."""
    words = p.name.split()
    if words and p.birth_year is not None and today.year - p.birth_year >= ELDER_AGE:
        return f"bác {words[-1]}"
    return ""


def station(p: Patient | None) -> str:
    """Who is calling, as the call says it: the patient's commune health station."""
    commune = " ".join((p.commune if p is not None else "").split())
    return f"Trạm y tế {commune}" if commune else HOTLINE_STATION


def calls_on_day(s: Session, phone: str, day: date) -> int:
    """Attempts to ``phone`` on local ``day`` that were or are being dialled, or are still to be dialled."""
    return int(s.scalar(select(func.count()).select_from(CheckinAttempt).where(
        CheckinAttempt.phone == phone, CheckinAttempt.window_date == day,
        CheckinAttempt.status.in_(DIALLED + WAITING))) or 0)


def ensure_window(s: Session, occ: Occurrence, *, now: datetime) -> CheckinWindow:
    row = s.scalars(select(CheckinWindow).where(CheckinWindow.window_date == occ.day,
                                                CheckinWindow.window == occ.name)).first()
    if row is None:
        row = CheckinWindow(window_date=occ.day, window=occ.name, starts_at=occ.starts_at, ends_at=occ.ends_at,
                            paused=False, created_at=now)
        s.add(row)
        s.flush()
    return row


def notice_wanted(cfg: Config) -> bool:
    return bool(cfg.sms_gateway_url) and cfg.sms_notice_minutes > 0


def first_not_before(cfg: Config, occ: Occurrence, now: datetime, *, notice: bool) -> datetime:
    """When attempt 1 may go: the window's start, not before now, and after the SMS notice's lead time."""
    at = max(occ.starts_at, now)
    if notice:
        at = max(at, now + timedelta(minutes=cfg.sms_notice_minutes))
    return at


def plan_window(db: Database, cfg: Config, occ: Occurrence, *, now: datetime) -> list[int]:
    """Write attempt 1 for every eligible phone of ``occ`` that has none yet; returns the new attempts' ids.

    Nothing is planned for a window that has ended, for a phone that reached the day's call limit, or
    when attempt 1 could not start before the window ends.
    """
    if now >= occ.ends_at:
        return []
    for _ in range(3):  # another planner raced us (unique constraint): plan again, it adds only what is missing
        try:
            with escalation_jobs.writer(db), db.session() as s:
                return _plan(s, cfg, occ, now)
        except IntegrityError:
            continue
    return []


def _plan(s: Session, cfg: Config, occ: Occurrence, now: datetime) -> list[int]:
    window = ensure_window(s, occ, now=now)
    have = set(s.scalars(select(CheckinAttempt.phone).where(CheckinAttempt.window_date == occ.day,
                                                            CheckinAttempt.window == occ.name)))
    day_counts: dict[str, int] = {phone: int(n) for phone, n in s.execute(
        select(CheckinAttempt.phone, func.count()).where(CheckinAttempt.window_date == occ.day,
                                                         CheckinAttempt.status.in_(DIALLED + WAITING))
        .group_by(CheckinAttempt.phone))}
    # phones with any attempt that day (a cancelled one too: its notice may have gone out)
    called_today = set(s.scalars(select(CheckinAttempt.phone).where(CheckinAttempt.window_date == occ.day)))
    notice = notice_wanted(cfg)
    new: list[CheckinAttempt] = []
    for phone, members in households(eligible_patients(s)).items():
        if phone in have or day_counts.get(phone, 0) >= cfg.checkin_max_calls_per_day:
            continue
        first_of_day = phone not in called_today
        not_before = first_not_before(cfg, occ, now, notice=notice and first_of_day)
        if not_before >= occ.ends_at:
            continue
        new.append(CheckinAttempt(
            patient_id=members[0].id, patient_ids=[p.id for p in members], phone=phone, window_date=occ.day,
            window=occ.name, attempt=1, not_before=not_before, status=CS.PLANNED,
            notice_status="pending" if notice and first_of_day else "", created_at=now, updated_at=now))
    s.add_all(new)
    if window.planned_at is None:
        window.planned_at = now
    s.flush()
    return [int(a.id) for a in new]


def attempts_of(s: Session, occ: Occurrence) -> list[CheckinAttempt]:
    return list(s.scalars(select(CheckinAttempt).where(CheckinAttempt.window_date == occ.day,
                                                       CheckinAttempt.window == occ.name)
                          .order_by(CheckinAttempt.not_before, CheckinAttempt.id)))


def plan_rows(s: Session, attempts: Sequence[CheckinAttempt], *, status: Iterable[str] | None = None
              ) -> list[dict[str, Any]]:
    """``ivr checkins plan --json``'s shape: one entry per patient an attempt calls for (a household
    phone's attempt appears once per patient, with the same phone, attempt and time)."""
    wanted = set(status) if status is not None else None
    out: list[dict[str, Any]] = []
    for a in attempts:
        if wanted is not None and a.status not in wanted:
            continue
        for pid in a.patient_ids or [a.patient_id]:
            out.append({"patient_id": int(pid), "phone": a.phone, "window": a.window, "attempt": int(a.attempt),
                        "not_before": a.not_before.replace(microsecond=0).isoformat() + "Z"})
    return out
