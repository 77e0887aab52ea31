"""Escalations as plain dicts for the board page and ``GET /api/escalations`` (one shape for both)."""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.models import CallStep, Escalation, Patient, StaffUser, utcnow

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
        rows = s.execute(
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


def escalation_rows(s: Session, escalations: Sequence[Escalation], *, now: datetime | None = None
                    ) -> list[dict[str, Any]]:
    """One dict per case, in the given order. Each ORM attribute is read once: the board may hold thousands."""
    now = now or utcnow()
    cases = [(e.id, e.patient_id, e.call_id, e.picked_by_id, e.risk, e.status, e.created_at, e.reason, e.reasons,
              e.mode, e.tier, e.caller, e.province, e.district, e.commune, e.recording_path) for e in escalations]
    patient_ids = sorted({c[1] for c in cases if c[1] is not None})
    patients: dict[int, Any] = {}
    for chunk in range(0, len(patient_ids), 500):  # plain rows, not ORM objects
        for row in s.execute(select(Patient.id, Patient.name, Patient.phone, Patient.province, Patient.district,
                                    Patient.commune).where(Patient.id.in_(patient_ids[chunk:chunk + 500]))):
            patients[row.id] = row
    staff_ids = {c[3] for c in cases if c[3] is not None}
    staff = ({row.id: row for row in s.execute(select(StaffUser.id, StaffUser.username, StaffUser.full_name)
                                                 .where(StaffUser.id.in_(staff_ids)))} if staff_ids else {})
    words = caller_words(s, (c[2] for c in cases if c[2] is not None))
    rows = []
    for position, (esc_id, patient_id, call_id, picked_by_id, risk, status, created_at, reason, reasons, mode, tier,
                   caller, province, district, commune, recording_path) in enumerate(cases, start=1):
        p = patients.get(patient_id) if patient_id is not None else None
        said = words.get(call_id, "") if call_id is not None else ""
        waited = max(0.0, (now - created_at).total_seconds())
        status = getattr(status, "value", status)
        picker = staff.get(picked_by_id) if picked_by_id is not None else None
        if province:
            area = _area(province, district, commune)
        else:
            area = (_area(p.province, p.district, p.commune) if p else "") or "Chưa rõ địa bàn"
        rows.append({
            "id": esc_id,
            "position": position,
            "risk": risk,
            "risk_label": RISK_LABELS.get(risk, risk),
            "reason": reason,
            "reasons": [str(r) for r in (reasons or [])],
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
            "patient_name": p.name if p else "",
            "patient_phone": p.phone if p else "",
            "area": area,
            "said": said[:SNIPPET] + ("…" if len(said) > SNIPPET else ""),
            "call_id": call_id,
            "has_recording": bool(recording_path),
            "picked_by": (picker.full_name or picker.username) if picker else "",
            "picked_by_id": picked_by_id,
        })
    return rows
