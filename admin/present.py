"""Escalations as plain dicts for the board page and ``GET /api/escalations`` (one shape for both)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from escalation import priority, queue
from ivr.engine.labels import reason_label
from ivr.store.models import CallStep, Escalation, Patient, StaffUser, utcnow

from .web import MODE_LABELS, RISK_LABELS, STATUS_LABELS, duration_vi

#: Characters of the caller's words shown on the board row (the case page shows everything).
SNIPPET = 240


def iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def caller_words(s: Session, call_ids: Iterable[int]) -> dict[int, str]:
    """What each caller said (transcripts, then typed digits), joined, per call id."""
    ids = sorted({i for i in call_ids if i is not None})
    words: dict[int, list[str]] = {}
    for chunk in range(0, len(ids), 500):
        rows = s.connection().execute(  # plain rows, without the ORM's result loading
            select(CallStep.call_id, CallStep.transcript, CallStep.digits)
            .where(CallStep.call_id.in_(ids[chunk:chunk + 500]))
            .where((CallStep.transcript != "") | (CallStep.digits != ""))
            .order_by(CallStep.call_id, CallStep.seq)
        )
        for call_id, transcript, digits in rows:
            words.setdefault(call_id, []).append(transcript or f"[phím {digits}]")
    return {k: " · ".join(v) for k, v in words.items()}


def _area(province: str, district: str, commune: str) -> str:
    return ", ".join(x for x in (commune, district, province) if x)


#: One row per case with its patient and picker, plain columns (no ORM objects: the board may hold thousands).
#: Escalation columns keep their names (``queue.order_open`` reads them); the joined ones are prefixed.
_CASES = (
    select(Escalation.id, Escalation.risk, Escalation.created_at, Escalation.status, Escalation.tier,
           Escalation.province, Escalation.district, Escalation.commune, Escalation.patient_id, Escalation.call_id,
           Escalation.picked_by_id, Escalation.reason, Escalation.reasons, Escalation.mode, Escalation.caller,
           Escalation.recording_path, Patient.name.label("patient_name"), Patient.phone.label("patient_phone"),
           Patient.province.label("patient_province"), Patient.district.label("patient_district"),
           Patient.commune.label("patient_commune"), StaffUser.full_name.label("picker_full_name"),
           StaffUser.username.label("picker_username"))
    .outerjoin(Patient, Patient.id == Escalation.patient_id)
    .outerjoin(StaffUser, StaffUser.id == Escalation.picked_by_id)
)


def open_cases(s: Session, staff: StaffUser | None, *, gap_s: float, now: datetime) -> list[Any]:
    """The open cases ``staff`` may see, in ``queue.list_open``'s order, as plain ``_CASES`` rows (one query)."""
    # through the session's connection (its transaction), without the ORM's result loading: ~30% faster
    cases: list[Any] = list(s.connection().execute(_CASES.where(Escalation.status.in_(queue.OPEN))))
    return queue.order_open(cases, staff=staff, now=now, gap_s=gap_s)


def open_rows(s: Session, staff: StaffUser | None, *, gap_s: float, now: datetime | None = None
              ) -> list[dict[str, Any]]:
    """``open_cases`` as board rows: two queries however many cases are open."""
    now = now or utcnow()
    return case_rows(s, open_cases(s, staff, gap_s=gap_s, now=now), now)


def escalation_rows(s: Session, escalations: Sequence[Escalation], *, now: datetime | None = None
                    ) -> list[dict[str, Any]]:
    """One dict per case, in the given order."""
    ids = [e.id for e in escalations]
    found = {row.id: row for row in s.execute(_CASES.where(Escalation.id.in_(ids)))} if ids else {}
    return case_rows(s, [found[i] for i in ids if i in found], now or utcnow())


def case_rows(s: Session, cases: Sequence[Any], now: datetime) -> list[dict[str, Any]]:
    """Rows of ``_CASES`` (in their order) as the dicts the board template and the API show."""
    words = caller_words(s, (c.call_id for c in cases))
    rows = []
    for position, (esc_id, risk, created_at, status, tier, province, district, commune, patient_id, call_id,
                   picked_by_id, reason, reasons, mode, caller, recording_path, p_name, p_phone, p_province,
                   p_district, p_commune, picker_full_name, picker_username) in enumerate(cases, start=1):
        said = words.get(call_id, "") if call_id is not None else ""
        waited = max(0.0, (now - created_at).total_seconds())
        status = getattr(status, "value", status)
        if province:
            area = _area(province, district, commune)
        else:
            area = (_area(p_province, p_district, p_commune) if patient_id is not None else "") or "Chưa rõ địa bàn"
        rows.append({
            "id": esc_id,
            "position": position,
            "risk": risk,
            "risk_label": RISK_LABELS.get(risk, risk),
            "reason": reason_label(reason),
            "reasons": [reason_label(r) for r in (reasons or [])],
            "status": status,
            "status_label": STATUS_LABELS.get(status, status),
            "mode": mode,
            "mode_label": MODE_LABELS.get(mode, mode),
            "tier": getattr(tier, "value", tier),
            "created_at": iso(created_at),
            "waited_s": round(waited, 1),
            "waited_text": duration_vi(waited),
            "caller": caller,
            "patient_id": patient_id,
            "patient_name": p_name or "",
            "patient_phone": p_phone or "",
            "area": area,
            "said": said[:SNIPPET] + ("…" if len(said) > SNIPPET else ""),
            "call_id": call_id,
            "has_recording": bool(recording_path),
            "picked_by": (picker_full_name or picker_username or "") if picked_by_id is not None else "",
            "picked_by_id": picked_by_id,
        })
    return rows


# -- the board's change check ---------------------------------------------------------------------------------

#: ``queue_version``'s query: plain SQL both SQLite and PostgreSQL run, built once from the model's names
#: (building a Core statement each time costs ~100 times more than running it).
_VERSION = text(
    "SELECT (SELECT max(updated_at) FROM escalations), (SELECT max(updated_at) FROM patients), "
    "(SELECT max(id) FROM call_steps), "
    "(SELECT s.id FROM call_steps s WHERE s.id > :after AND EXISTS (SELECT 1 FROM escalations e "
    "WHERE e.call_id = s.call_id AND e.status IN (" + ", ".join(f"'{st.value}'" for st in queue.OPEN) + ")) LIMIT 1)"
).columns()


def queue_version(s: Session, steps_after: int) -> tuple[tuple[Any, ...], int, bool]:
    """Whether anything a board row shows may have changed, in one query on indexes (no rows loaded).

    Returns the version of the cases and patients (their newest change: a case that opens, moves or closes,
    a patient edited), the newest call step id, and whether a step newer than ``steps_after`` belongs to the
    call of an open case (a caller's words after the case opened). Steps of other calls do not count, and
    only the steps since ``steps_after`` are looked at, so the check costs the same however long the queue.
    """
    cases_at, patients_at, newest_step, relevant = s.connection().execute(_VERSION, {"after": steps_after}).one()
    return (cases_at, patients_at), newest_step or 0, relevant is not None


def order_stable_until(cases: Sequence[Any], now: datetime, gap_s: float) -> datetime:
    """Until when the board's order of ``cases`` cannot change without a change in the database.

    A case's score (``escalation.priority``) grows with its waiting time until it is capped at its level's
    final score. Two growing scores keep their order, and a growing case that reaches the final score of
    capped cases of its own level stays behind them (ties go to the earlier arrival); so the order changes
    only when a growing case reaches the final score of another level, which it can while that final score
    is above its current score and not above its own final.
    """
    cap = 2 * gap_s - 1
    base: dict[str, float] = {}  # each level's score at arrival (``priority.score`` with no waiting)
    for c in cases:
        if c.risk not in base:
            base[c.risk] = priority.score(c.risk, 0.0, gap_s=gap_s)
    finals = sorted({b + cap for b in base.values()})  # one per level: levels differ by whole gaps
    soonest = 24 * 3600.0
    for c in cases:
        start = base[c.risk]
        current = start + min(max(0.0, (now - c.created_at).total_seconds()), cap)
        own = start + cap
        for final in finals:
            if current < final < own:  # another level's final score, still ahead of this growing case
                soonest = min(soonest, final - current)
    return now + timedelta(seconds=soonest)
