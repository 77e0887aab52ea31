"""Which patients, calls and escalations a staff user may see, by area.

Statistics (``counts_for``) follow the board's rule, ``escalation.area.covers``, at the province tier:
a staff member counts the calls and cases of their own area, and province-level staff also those of
unknown area (unknown numbers, patients without an area), which the board shows them too.

Admins see everything. Escalations follow ``escalation.area.covers`` (the case's
tier decides who sees it). Patients and calls: a doctor or viewer sees rows of their
own area at their level: a commune doctor one commune, a district doctor every
commune of the district, a province doctor the whole province (a province-level
account with no province: every province). Patients with no known area are visible
to every staff member, so nobody is lost.
"""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import and_, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from escalation import area
from ivr.store.models import AreaLevel, Call, Escalation, Patient, Role, StaffUser


def _level_fields(staff: StaffUser) -> tuple[str, ...]:
    level = AreaLevel(staff.area_level)
    if level == AreaLevel.COMMUNE:
        return ("province", "district", "commune")
    if level == AreaLevel.DISTRICT:
        return ("province", "district")
    return ("province",)


def area_clause(staff: StaffUser, model: Any) -> ColumnElement[bool]:
    """A WHERE clause limiting ``model`` (with province/district/commune columns) to ``staff``'s area."""
    if staff.role == Role.ADMIN:
        return true()
    fields = _level_fields(staff)
    if not staff.province.strip():
        return true() if fields == ("province",) else false()
    own = and_(*(getattr(model, f) == getattr(staff, f) for f in fields))
    return or_(own, model.province == "")


def patient_clause(staff: StaffUser) -> ColumnElement[bool]:
    return area_clause(staff, Patient)


def call_clause(staff: StaffUser) -> ColumnElement[bool]:
    """Calls of patients in the area, plus calls from unknown numbers."""
    if staff.role == Role.ADMIN:
        return true()
    return or_(Call.patient_id.is_(None), Call.patient.has(patient_clause(staff)))


def can_see(staff: StaffUser, obj: Any) -> bool:
    """The same rule as ``area_clause`` for one loaded row; escalations by ``escalation.area.covers``."""
    if staff.role == Role.ADMIN:
        return True
    if isinstance(obj, Escalation):
        return area.covers(staff, obj)
    if isinstance(obj, Call):  # a call is seen with its patient; unknown callers by everyone
        return obj.patient is None or can_see(staff, obj.patient)
    if not getattr(obj, "province", ""):
        return True
    fields = _level_fields(staff)
    if not staff.province.strip():
        return fields == ("province",)
    return all(getattr(obj, f) == getattr(staff, f) for f in fields)


class _Area:
    __slots__ = ("province", "district", "commune")

    def __init__(self, province: str | None, district: str | None, commune: str | None):
        self.province, self.district, self.commune = province or "", district or "", commune or ""


def counts_for(staff: StaffUser) -> Callable[[str | None, str | None, str | None], bool]:
    """Whether a call or case with this (province, district, commune) counts in ``staff``'s statistics.

    ``area.covers`` once the case has reached the province tier: every case the staff member's area
    holds, whatever its tier now; an unknown area (None or empty) only for province-level staff.
    """
    if staff.role == Role.ADMIN or (AreaLevel(staff.area_level) == AreaLevel.PROVINCE
                                    and not staff.province.strip()):
        return lambda _p, _d, _c: True
    return lambda p, d, c: area.covers(staff, _Area(p, d, c), AreaLevel.PROVINCE)  # type: ignore[arg-type]
