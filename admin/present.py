"""Escalations as plain dicts for the board page and ``GET /api/escalations`` (one shape for both)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models import CallStep, Escalation, Patient, StaffUser, utcnow

from .web import MODE_LABELS, RISK_LABELS, STATUS_LABELS, area_text, duration_vi

#: Characters of the caller's words shown on the board row (the case page shows everything).
SNIPPET = 240


def iso(value: datetime | None) -> str | None:
    return value.replace(tzinfo=UTC).isoformat() if value is not None else None


def caller_words(s: Session, call_ids: Iterable[int]) -> dict[int, str]:
    """What each caller said (transcripts, then typed digits), joined, per call id."""
    ids = sorted({i for i in call_ids if i is not None})
    words: dict[int, list[str]] = {}
    for chunk in range(0, len(ids), 500):
        rows = s.execute(
            select(CallStep.call_id, CallStep.transcript, CallStep.digits)
            .where(CallStep.call_id.in_(ids[chunk:chunk + 500]))
            .where((CallStep.transcript != "") | (CallStep.digits != ""))
            .order_by(CallStep.call_id, CallStep.seq)
        )
        for call_id, transcript, digits in rows:
            words.setdefault(call_id, []).append(transcript or f"[phím {digits}]")
    return {k: " · ".join(v) for k, v in words.items()}


def escalation_rows(s: Session, escalations: Sequence[Escalation], *, now: datetime | None = None
                    ) -> list[dict[str, Any]]:
    now = now or utcnow()
    patient_ids = sorted({e.patient_id for e in escalations if e.patient_id is not None})
    patients: dict[int, Any] = {}
    for chunk in range(0, len(patient_ids), 500):  # plain rows, not ORM objects: the board may hold thousands
        for row in s.execute(select(Patient.id, Patient.name, Patient.phone, Patient.province, Patient.district,
                                    Patient.commune).where(Patient.id.in_(patient_ids[chunk:chunk + 500]))):
            patients[row.id] = row
    staff_ids = {e.picked_by_id for e in escalations if e.picked_by_id is not None}
    staff = ({row.id: row for row in s.execute(select(StaffUser.id, StaffUser.username, StaffUser.full_name)
                                                 .where(StaffUser.id.in_(staff_ids)))} if staff_ids else {})
    words = caller_words(s, (e.call_id for e in escalations if e.call_id is not None))
    rows = []
    for position, e in enumerate(escalations, start=1):
        p = patients.get(e.patient_id) if e.patient_id is not None else None
        said = words.get(e.call_id, "") if e.call_id is not None else ""
        waited = max(0.0, (now - e.created_at).total_seconds())
        status = getattr(e.status, "value", e.status)
        picker = staff.get(e.picked_by_id) if e.picked_by_id is not None else None
        rows.append({
            "id": e.id,
            "position": position,
            "risk": e.risk,
            "risk_label": RISK_LABELS.get(e.risk, e.risk),
            "reason": e.reason,
            "reasons": [str(r) for r in (e.reasons or [])],
            "status": status,
            "status_label": STATUS_LABELS.get(status, status),
            "mode": e.mode,
            "mode_label": MODE_LABELS.get(e.mode, e.mode),
            "tier": getattr(e.tier, "value", e.tier),
            "created_at": iso(e.created_at),
            "waited_s": round(waited, 1),
            "waited_text": duration_vi(waited),
            "caller": e.caller,
            "patient_id": e.patient_id,
            "patient_name": p.name if p else "",
            "patient_phone": p.phone if p else "",
            "area": area_text(e) if e.province else (area_text(p) if p else "Chưa rõ địa bàn"),
            "said": said[:SNIPPET] + ("…" if len(said) > SNIPPET else ""),
            "call_id": e.call_id,
            "has_recording": bool(e.recording_path),
            "picked_by": (picker.full_name or picker.username) if picker else "",
            "picked_by_id": e.picked_by_id,
        })
    return rows
