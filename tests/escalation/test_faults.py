"""Fault tests: a worker killed mid-job, Redis stopped while calls escalate, the whole hotline restarted.

Afterwards every case is present exactly once, in priority order, and its notifications were
sent at least once (receivers de-duplicate on the idempotency key).
"""
from __future__ import annotations

import os
import signal
import subprocess
import time

import pytest
import redis as redis_lib
from sqlalchemy import func, select

from escalation import queue
from ivr.store.models import Escalation, EscalationNotification, NotificationStatus

from .conftest import add_patient, wait_until

RISKS = ("medium", "emergency", "high", "low", "high", "emergency", "medium", "high")


def _all_sent(db) -> bool:
    with db.session() as s:
        return not s.scalar(select(func.count()).select_from(EscalationNotification)
                            .where(EscalationNotification.status != NotificationStatus.SENT))


def _check_queue(db, created: list[int]) -> None:
    """Every case exactly once, open, in priority order (risk, then age)."""
    with db.session() as s:
        assert s.scalar(select(func.count()).select_from(Escalation)) == len(created)
    listed = queue.list_open(db)
    assert sorted(c.id for c in listed) == sorted(created)
    ranks = [("emergency", "high", "medium", "low").index(c.risk) for c in listed]
    assert ranks == sorted(ranks)
    for a, b in zip(listed, listed[1:]):
        if a.risk == b.risk:
            assert a.created_at <= b.created_at


def _patients(db, n: int) -> list[int]:
    return [add_patient(db, f"+8491{i:07d}", f"Bệnh nhân {i}") for i in range(n)]


@pytest.mark.slow
def test_worker_killed_mid_job_the_notification_is_sent_by_the_next_worker(db, cfg, people, redis_url, receiver,
                                                                          workers):
    receiver.behaviour["/hook"] = "hang"
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),), sweep_interval_s=1,
                      webhook_timeout_s=10)
    conn = redis_lib.Redis.from_url(redis_url)
    first = workers.start(cfg)
    eid = queue.create(db, risk="emergency", reason="Tím tái", patient_id=people.patients["lan"], redis=conn, cfg=cfg)
    wait_until(lambda: receiver.ids() == {eid}, 30, "the first attempt to reach the endpoint")
    workers.kill(first)  # SIGKILL, mid-POST
    receiver.behaviour["/hook"] = "ok"
    with db.session() as s:
        row = s.scalars(select(EscalationNotification).where(EscalationNotification.kind == "webhook")).one()
        assert (row.status.value, row.attempts) == ("pending", 0)  # the attempt is recorded when it ends
    workers.start(cfg)
    wait_until(lambda: _all_sent(db), 60, "the next worker to deliver")
    assert [b["escalation_id"] for b in receiver.bodies()] == [eid, eid]
    assert {b["idempotency_key"] for b in receiver.bodies()} == {f"ivr-escalation-{eid}-round-0"}
    _check_queue(db, [eid])
    conn.close()


@pytest.mark.slow
def test_redis_stopped_while_calls_escalate_nothing_is_lost(db, cfg, people, private_redis, receiver, workers):
    cfg = cfg.replace(redis_url=private_redis.url, escalation_processes=2, webhook_urls=(receiver.url(),),
                      sweep_interval_s=1)
    conn = redis_lib.Redis.from_url(private_redis.url, socket_timeout=2, socket_connect_timeout=2)
    pids = _patients(db, len(RISKS))
    workers.start(cfg)
    created = [queue.create(db, risk=r, reason=f"lý do {i}", patient_id=pids[i], redis=conn, cfg=cfg)
               for i, r in enumerate(RISKS[:4])]
    wait_until(lambda: receiver.ids() == set(created), 30, "notifications before the outage")
    private_redis.stop()
    for i, r in enumerate(RISKS[4:], start=4):
        t = time.monotonic()
        created.append(queue.create(db, risk=r, reason=f"lý do {i}", patient_id=pids[i], redis=conn, cfg=cfg))
        assert time.monotonic() - t < 5, "a dead Redis must not hold up an escalation"
    _check_queue(db, created)  # the board still shows every case
    time.sleep(2)  # the worker and its sweeper run against a dead Redis for a while
    private_redis.start()  # an empty Redis: every job it had is gone
    wait_until(lambda: _all_sent(db), 60, "notifications after Redis came back")
    assert receiver.ids() == set(created)
    _check_queue(db, created)
    conn.close()


@pytest.mark.slow
def test_restart_everything_with_cases_waiting(db, cfg, people, private_redis, receiver, workers):
    cfg = cfg.replace(redis_url=private_redis.url, escalation_processes=2, webhook_urls=(receiver.url(),),
                      sweep_interval_s=1)
    pids = _patients(db, len(RISKS))
    conn = redis_lib.Redis.from_url(private_redis.url, socket_timeout=2, socket_connect_timeout=2)
    first = workers.start(cfg)
    created = [queue.create(db, risk=r, reason=f"lý do {i}", patient_id=pids[i], redis=conn, cfg=cfg)
               for i, r in enumerate(RISKS[:3])]
    # more calls escalate while nobody runs jobs yet
    workers.kill(first)
    created += [queue.create(db, risk=r, reason=f"lý do {i}", patient_id=pids[i], redis=conn, cfg=cfg)
                for i, r in enumerate(RISKS[3:6], start=3)]
    # the whole machine goes down: Redis (no persistence) and the worker; calls still escalate meanwhile
    private_redis.stop()
    created += [queue.create(db, risk=r, reason=f"lý do {i}", patient_id=pids[i], redis=conn, cfg=cfg)
                for i, r in enumerate(RISKS[6:], start=6)]
    # a caller with an open case calls again during the outage: re-triaged, not duplicated
    assert queue.create(db, risk="emergency", reason="gọi lại", patient_id=pids[0], redis=conn, cfg=cfg) == created[0]
    private_redis.start()
    workers.start(cfg)
    wait_until(lambda: _all_sent(db), 60, "every notification after the restart")
    _check_queue(db, created)
    got = receiver.bodies()
    assert {b["escalation_id"] for b in got} == set(created)
    keys = {(b["escalation_id"], b["idempotency_key"]) for b in got}
    with db.session() as s:
        rounds = {(n.escalation_id, n.idempotency_key) for n in s.scalars(
            select(EscalationNotification).where(EscalationNotification.kind == "webhook"))}
    assert keys == rounds  # every round of every case was received (duplicates allowed, de-duplicated by key)
    conn.close()


@pytest.mark.slow
def test_sigterm_stops_the_worker_and_its_processes(db, cfg, redis_url, workers):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=2)
    conn = redis_lib.Redis.from_url(redis_url)
    leader = workers.start(cfg)
    wait_until(lambda: conn.scard("rq:workers") == 2, 60, "two rq workers registered")
    children = [int(p) for p in subprocess.run(["pgrep", "-P", str(leader.pid)], capture_output=True, text=True,
                                               check=False).stdout.split()]
    assert children
    leader.send_signal(signal.SIGTERM)
    assert leader.wait(timeout=30) == 0
    for pid in children:
        wait_until(lambda pid=pid: not os.path.exists(f"/proc/{pid}") or _zombie(pid), 30, f"child {pid} to exit")
    wait_until(lambda: conn.scard("rq:workers") == 0, 10, "workers to deregister")
    conn.close()


def _zombie(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as f:
            return f.read().split(") ", 1)[1].startswith("Z")
    except OSError:
        return True


@pytest.mark.slow
def test_worker_processes_stop_when_their_parent_is_killed(db, cfg, redis_url, workers):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=2)
    conn = redis_lib.Redis.from_url(redis_url)
    leader = workers.start(cfg)
    wait_until(lambda: conn.scard("rq:workers") == 2, 60, "two rq workers registered")
    child = int(subprocess.run(["pgrep", "-f", "--", f"--parent-pid {leader.pid}"], capture_output=True, text=True,
                               check=False).stdout.split()[0])
    workers.kill(leader, group=False)  # SIGKILL the parent only
    wait_until(lambda: not os.path.exists(f"/proc/{child}") or _zombie(child), 30, "the orphaned worker to stop")
    conn.close()
