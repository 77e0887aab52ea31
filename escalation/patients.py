"""Patient care status: transfer to a higher care tier ("chuyển tầng") and discharge.

Both are recorded on the patient and audited; the patient's open escalations are closed
(cancelled) with that reason, in the same transaction.
"""
from __future__ import annotations

from datetime import datetime

from ivr.store.database import Database
from ivr.store.models import AuditLog, CareStatus, Patient, StaffUser

from . import queue
from .errors import EscalationError, EscalationNotFound

REASONS: dict[CareStatus, str] = {
    CareStatus.TRANSFERRED: "Bệnh nhân đã được chuyển tầng điều trị",
    CareStatus.DISCHARGED: "Bệnh nhân đã xuất viện (kết thúc theo dõi tại nhà)",
    CareStatus.HOME: "Bệnh nhân trở lại theo dõi tại nhà",
}


def _set(db: Database, patient_id: int, status: CareStatus, *, staff_id: int, note: str,
         now: datetime | None) -> list[int]:
    at = queue._now(now)
    with db.session() as s:
        staff = s.get(StaffUser, staff_id)
        if staff is None:
            raise EscalationNotFound(f"Không tìm thấy nhân viên #{staff_id}.")
        patient = s.get(Patient, patient_id)
        if patient is None:
            raise EscalationNotFound(f"Không tìm thấy bệnh nhân #{patient_id}.")
        if patient.care_status == status:
            raise EscalationError(f"Bệnh nhân #{patient_id} đã ở trạng thái này rồi.")
        old = patient.care_status
        patient.care_status = status
        patient.care_note = note.strip()
        patient.updated_at = at
        reason = REASONS[status] + (f": {note.strip()}" if note.strip() else "")
        closed = queue.close_for_patient(s, patient_id, reason=reason, actor=staff.username, now=at)
        s.add(AuditLog(at=at, actor=staff.username, action=f"patient.{status.value}", target=f"patient:{patient_id}",
                       detail={"from": old.value, "to": status.value, "note": note.strip(), "closed": closed}))
        return closed


def transfer(db: Database, patient_id: int, *, staff_id: int, note: str = "",
             now: datetime | None = None) -> list[int]:
    """Record a transfer to a higher care tier; returns the ids of the cases it closed."""
    return _set(db, patient_id, CareStatus.TRANSFERRED, staff_id=staff_id, note=note, now=now)


def discharge(db: Database, patient_id: int, *, staff_id: int, note: str = "",
              now: datetime | None = None) -> list[int]:
    """Record the end of home care; returns the ids of the cases it closed."""
    return _set(db, patient_id, CareStatus.DISCHARGED, staff_id=staff_id, note=note, now=now)


def readmit(db: Database, patient_id: int, *, staff_id: int, note: str = "",
            now: datetime | None = None) -> list[int]:
    """Back to home care (a discharged patient who fell ill again)."""
    return _set(db, patient_id, CareStatus.HOME, staff_id=staff_id, note=note, now=now)
