"""Areas and tiers: a case goes to its commune's on-duty staff, then the district, then the province.

Visibility is cumulative: at the district tier the commune's staff still see the case, and
province staff see it once it reaches the province tier. A staff member with an empty
province (a hotline-wide doctor) covers every province; a case with an unknown area
starts at the lowest tier whose area is known (the province tier if none is).
"""
from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.store.models import AreaLevel, Escalation, Role, StaffUser
from ivr.vocabulary import RiskLevel

TIERS: tuple[AreaLevel, ...] = (AreaLevel.COMMUNE, AreaLevel.DISTRICT, AreaLevel.PROVINCE)

TIER_LABELS: dict[str, str] = {"commune": "Xã/phường", "district": "Quận/huyện", "province": "Tỉnh/thành phố"}

#: Roles that may pick a case.
PICKERS: tuple[Role, ...] = (Role.DOCTOR, Role.ADMIN)


def tier_index(tier: AreaLevel | str) -> int:
    return TIERS.index(AreaLevel(tier))


def next_tier(tier: AreaLevel | str) -> AreaLevel | None:
    i = tier_index(tier)
    return TIERS[i + 1] if i + 1 < len(TIERS) else None


def tier_after_s(cfg: Config, risk: str) -> int | None:
    """How long a case of ``risk`` may wait unpicked at one tier; None: it never moves up."""
    limits: dict[str, int] = {RiskLevel.EMERGENCY: cfg.tier_emergency_s, RiskLevel.HIGH: cfg.tier_high_s,
                              RiskLevel.MEDIUM: cfg.tier_medium_s, RiskLevel.LOW: cfg.tier_low_s}
    return limits.get(risk)


def _same(a: str, b: str) -> bool:
    return a.strip().casefold() == b.strip().casefold()


def start_tier(esc: Escalation) -> AreaLevel:
    if esc.commune.strip():
        return AreaLevel.COMMUNE
    if esc.district.strip():
        return AreaLevel.DISTRICT
    return AreaLevel.PROVINCE


def covers(staff: StaffUser, esc: Escalation, tier: AreaLevel | str | None = None) -> bool:
    """Whether ``staff`` sees ``esc`` when the case is at ``tier`` (default: its current tier)."""
    tier = AreaLevel(tier if tier is not None else esc.tier)
    level = AreaLevel(staff.area_level)
    if tier_index(level) > tier_index(tier):
        return False
    if level == AreaLevel.PROVINCE:
        return not staff.province.strip() or not esc.province.strip() or _same(staff.province, esc.province)
    if not _same(staff.province, esc.province) or not _same(staff.district, esc.district):
        return False
    return level == AreaLevel.DISTRICT or _same(staff.commune, esc.commune)


def _on_duty_pickers(s: Session) -> Sequence[StaffUser]:
    return s.scalars(select(StaffUser).where(StaffUser.on_duty.is_(True), StaffUser.active.is_(True),
                                             StaffUser.role.in_(PICKERS))).all()


def on_duty(s: Session, esc: Escalation, tier: AreaLevel | str | None = None) -> list[StaffUser]:
    """Active, on-duty staff who may pick ``esc`` at ``tier``."""
    return [u for u in _on_duty_pickers(s) if covers(u, esc, tier)]


def staffed_tier(s: Session, esc: Escalation, tier: AreaLevel) -> AreaLevel:
    """``tier`` or the first tier above it with someone on duty (the province tier if nobody is)."""
    return first_staffed(_on_duty_pickers(s), esc, tier)


def first_staffed(staff: Sequence[StaffUser], esc: Escalation, tier: AreaLevel) -> AreaLevel:
    """Like ``staffed_tier`` for an already loaded list of on-duty staff."""
    current: AreaLevel | None = tier
    while current is not None:
        if any(covers(u, esc, current) for u in staff):
            return current
        current = next_tier(current)
    return AreaLevel.PROVINCE
