"""`ivr worker` runs the check-ins by itself: it plans the open window at start-up, rq's scheduler
dispatches the calls, and killed and restarted (with Redis emptied meanwhile) it re-derives the dial
list from the database, so every phone is still called exactly once."""
from __future__ import annotations

from datetime import UTC, datetime

from rq.registry import ScheduledJobRegistry
from sqlalchemy import select

from escalation import jobs, keys
from escalation.checkins import schedule
from escalation.checkins.desk import QueueCheckinDesk
from ivr.store.models import CheckinAttempt, utcnow
from ivr.vocabulary import CheckinStatus

from ..conftest import wait_until
from .conftest import add, open_window_cfg


def _statuses(db):
    with db.session() as s:
        return sorted(a.status for a in s.scalars(select(CheckinAttempt)))


def test_the_worker_plans_dispatches_and_rederives_after_a_crash(db, cfg, redis_url, conn, workers):
    ccfg = open_window_cfg(cfg, redis_url=redis_url, escalation_processes=1, daily_summary_time="20:00")
    phones = [f"+849030000{i:02d}" for i in range(6)]
    for i, phone in enumerate(phones):
        add(db, phone, f"Người {i}")
    proc = workers.start(ccfg)
    wait_until(lambda: conn.llen(keys.CHECKIN_DIAL) == 6, 60, "the six calls on the dial list")
    assert _statuses(db) == [CheckinStatus.QUEUED] * 6
    # the next windows' planning and closing jobs, and the daily summary, wait in rq's scheduler
    scheduled = set(ScheduledJobRegistry(keys.QUEUE_CHECKIN, connection=conn, serializer=jobs.SERIALIZER)
                    .get_job_ids())
    assert any(j.startswith("ivr-checkin-plan-") for j in scheduled)
    assert any(j.startswith("ivr-checkin-close-") for j in scheduled)
    nxt = schedule.summary_at(ccfg, utcnow())
    summary_id = keys.checkin_job_id("summary", nxt[0].isoformat())
    assert summary_id in scheduled
    score = conn.zscore(f"rq:scheduled:{keys.QUEUE_CHECKIN}", summary_id)
    assert datetime.fromtimestamp(score, tz=UTC).replace(tzinfo=None) == nxt[1]
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    first = [desk.claim("sip-1", 1.0) for _ in range(2)]
    workers.kill(proc)
    conn.flushall()  # Redis restarted empty: the dial list and the scheduled jobs are gone
    workers.start(ccfg)
    wait_until(lambda: conn.llen(keys.CHECKIN_DIAL) == 4, 60, "the four unclaimed calls back on the dial list")
    rest = list(iter(lambda: desk.claim("sip-2", 0.5), None))
    assert sorted(c.phone for c in first + rest) == sorted(phones)  # each phone exactly once
    assert _statuses(db) == [CheckinStatus.DIALING] * 6
