"""Check-in windows in time: each configured window of each local day, as UTC instants.

Pure functions of the configuration and an injected ``now`` (naive UTC). Local times are turned
into UTC with the configured IANA zone, day by day, so a zone with daylight saving still gets each
window at its local wall-clock time (Asia/Ho_Chi_Minh has none).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from ivr.config import Config, WindowSpec, parse_windows


@dataclass(frozen=True, order=True)
class Occurrence:
    """One window on one local day: ``starts_at``/``ends_at`` naive UTC."""

    starts_at: datetime
    ends_at: datetime
    day: date
    name: str

    def contains(self, now: datetime) -> bool:
        return self.starts_at <= now < self.ends_at


def zone(cfg: Config) -> ZoneInfo:
    return ZoneInfo(cfg.timezone)


def specs(cfg: Config) -> tuple[WindowSpec, ...]:
    return parse_windows(cfg.checkin_windows)


def to_utc(cfg: Config, day: date, at: time) -> datetime:
    """Local wall-clock ``at`` on ``day`` as naive UTC."""
    return datetime.combine(day, at, tzinfo=zone(cfg)).astimezone(UTC).replace(tzinfo=None)


def local_date(cfg: Config, now: datetime) -> date:
    """The local calendar day of ``now`` (naive UTC)."""
    return now.replace(tzinfo=UTC).astimezone(zone(cfg)).date()


def local_time(cfg: Config, now: datetime) -> datetime:
    """``now`` (naive UTC) as a naive local date and time."""
    return now.replace(tzinfo=UTC).astimezone(zone(cfg)).replace(tzinfo=None)


def occurrence(cfg: Config, day: date, name: str) -> Occurrence:
    """Window ``name`` on local ``day``; ``KeyError`` for a window the configuration does not have."""
    for spec in specs(cfg):
        if spec.name == name:
            return Occurrence(to_utc(cfg, day, spec.start), to_utc(cfg, day, spec.end), day, spec.name)
    raise KeyError(name)


def of_day(cfg: Config, day: date) -> list[Occurrence]:
    return [Occurrence(to_utc(cfg, day, s.start), to_utc(cfg, day, s.end), day, s.name) for s in specs(cfg)]


def current(cfg: Config, now: datetime) -> Occurrence | None:
    """The window open at ``now``, if any."""
    today = local_date(cfg, now)
    return next((o for o in of_day(cfg, today) if o.contains(now)), None)


def upcoming(cfg: Config, now: datetime, *, count: int = 1) -> list[Occurrence]:
    """The next ``count`` windows that start after ``now``."""
    day = local_date(cfg, now)
    out: list[Occurrence] = []
    while len(out) < count:
        out += [o for o in of_day(cfg, day) if o.starts_at > now][: count - len(out)]
        day += timedelta(days=1)
    return out


def current_or_next(cfg: Config, now: datetime) -> Occurrence:
    return current(cfg, now) or upcoming(cfg, now)[0]


def named(cfg: Config, name: str, now: datetime) -> Occurrence:
    """Window ``name`` today if it has not ended yet, else tomorrow's."""
    today = local_date(cfg, now)
    occ = occurrence(cfg, today, name)
    return occ if occ.ends_at > now else occurrence(cfg, today + timedelta(days=1), name)


def previous(cfg: Config, occ: Occurrence) -> Occurrence:
    """The window before ``occ`` (the day before's last one for the first window of a day)."""
    day = occ.day
    while True:
        earlier = [o for o in of_day(cfg, day) if o.starts_at < occ.starts_at]
        if earlier:
            return earlier[-1]
        day -= timedelta(days=1)
