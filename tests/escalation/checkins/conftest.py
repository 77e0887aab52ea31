"""Fixtures of the check-in tests: a configuration whose window is open now, patients, a Redis client."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import redis as redis_lib

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import CareStatus, Patient, utcnow

#: Zones tried, in order, for one where the local time is far from midnight now (a window must fit in one day).
ZONES = ("Asia/Ho_Chi_Minh", "Europe/London", "America/New_York", "Asia/Tokyo", "Pacific/Auckland")


def open_window_cfg(cfg: Config, **changes: object) -> Config:
    """``cfg`` with one window "ngay" open now (from 2 hours ago to 2 hours ahead, local) and a later one."""
    now = datetime.now(UTC)
    for name in ZONES:
        local = now.astimezone(ZoneInfo(name))
        if 3 <= local.hour <= 17:
            break
    else:  # pragma: no cover - one of the zones is always in its day
        raise AssertionError("no zone in daytime")
    start = (local - timedelta(hours=2)).strftime("%H:%M")
    end = (local + timedelta(hours=2)).strftime("%H:%M")
    late = (local + timedelta(hours=3)).strftime("%H:%M")
    later = (local + timedelta(hours=4)).strftime("%H:%M")
    base: dict[str, object] = {"timezone": name, "checkin_windows": (f"ngay={start}-{end}", f"toi={late}-{later}"),
                               "sms_gateway_url": "", "daily_summary_time": ""}
    base.update(changes)
    return cfg.replace(**base)


def add(db: Database, phone: str, name: str, *, birth_year: int | None = None, commune: str = "Dịch Vọng",
        district: str = "Cầu Giấy", province: str = "Hà Nội", care: CareStatus = CareStatus.HOME,
        opted_out: bool = False, created_days_ago: float = 0) -> int:
    with db.session() as s:
        p = Patient(phone=phone, name=name, birth_year=birth_year, province=province, district=district,
                    commune=commune, care_status=care, opted_out_at=utcnow() if opted_out else None,
                    created_at=utcnow() - timedelta(days=created_days_ago))
        s.add(p)
        s.flush()
        return int(p.id)


@pytest.fixture
def conn(redis_url: str) -> Iterator[redis_lib.Redis]:
    c = redis_lib.Redis.from_url(redis_url)
    yield c
    c.close()


def run_jobs(conn: redis_lib.Redis, cfg: Config) -> None:
    """What `ivr worker` does, once: rq's scheduler moves the due jobs onto their queues, a burst worker runs them."""
    from rq.scheduler import RQScheduler

    from escalation import jobs, keys

    jobs.bind(cfg)
    scheduler = RQScheduler(list(keys.QUEUES), connection=conn, serializer=jobs.SERIALIZER)
    scheduler.acquire_locks()
    scheduler.enqueue_scheduled_jobs()
    scheduler.release_locks()
    jobs.HotlineWorker(keys.QUEUES, connection=conn).work(burst=True)
