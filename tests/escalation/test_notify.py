"""Notifications through real Redis, a real `ivr worker` and a real HTTP server receiving webhooks."""
from __future__ import annotations

import dataclasses
import hashlib
import hmac
import json
import subprocess

import pytest
import redis as redis_lib
from sqlalchemy import select

from escalation import keys, notify, queue
from escalation.errors import WebhookError
from ivr.store.models import EscalationNotification, NotificationStatus

from .conftest import IVR, wait_until, worker_env

SECRET = "bí-mật-chung"


def _rows(db, eid):
    with db.session() as s:
        return list(s.scalars(select(EscalationNotification).where(EscalationNotification.escalation_id == eid)
                              .order_by(EscalationNotification.id)))


def _settled(db, eid):
    rows = _rows(db, eid)
    return rows if rows and all(r.status != NotificationStatus.PENDING for r in rows) else None


@pytest.fixture
def conn(redis_url):
    c = redis_lib.Redis.from_url(redis_url)
    yield c
    c.close()


def test_new_case_reaches_the_board_and_a_signed_webhook(db, cfg, people, redis_url, receiver, workers, conn):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),),
                      webhook_secret=SECRET, sweep_interval_s=1)
    pubsub = conn.pubsub()
    pubsub.subscribe(keys.BOARD_CHANNEL)
    workers.start(cfg)
    eid = queue.create(db, risk="emergency", reason="SpO2 91%", reasons=["low_spo2"], caller="+84900000001",
                       patient_id=people.patients["lan"], redis=conn, cfg=cfg)
    wait_until(lambda: receiver.ids() == {eid}, 30, "the webhook")
    hit = receiver.received[0]
    body, headers = hit["body"], hit["headers"]
    expected = "sha256=" + hmac.new(SECRET.encode(), body, hashlib.sha256).hexdigest()
    assert headers[notify.SIGNATURE_HEADER] == expected
    assert headers[notify.IDEMPOTENCY_HEADER] == f"ivr-escalation-{eid}-round-0" == hit["json"]["idempotency_key"]
    assert headers[notify.ESCALATION_HEADER] == str(eid)
    data = hit["json"]
    assert (data["event"], data["escalation_id"], data["risk"], data["risk_label"]) == (
        "escalation.created", eid, "emergency", "Cấp cứu")
    assert data["patient"]["name"] == "Nguyễn Thị Lan" and data["area"]["commune"] == "Dịch Vọng"
    assert data["text"].startswith(f"Ca cần bác sĩ mới #{eid} — Cấp cứu: SpO2 91%.")
    rows = wait_until(lambda: _settled(db, eid), 10, "rows recorded")
    assert [(r.kind, r.status.value, r.attempts) for r in rows] == [("board", "sent", 1), ("webhook", "sent", 1)]
    assert queue.get(db, eid).notified_at is not None
    assert notify.board_version(conn) >= 1
    msg = wait_until(lambda: pubsub.get_message(ignore_subscribe_messages=True, timeout=0.1), 10, "board message")
    assert json.loads(msg["data"])["escalation_id"] == eid
    pubsub.close()


def test_case_created_without_the_configuration_still_reaches_the_webhooks(db, cfg, people, redis_url, receiver,
                                                                           workers, conn):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1,
                      webhook_urls=(receiver.url("/a"), receiver.url("/b")), sweep_interval_s=1)
    workers.start(cfg)
    eid = queue.create(db, risk="high", reason="Khó thở", patient_id=people.patients["hoa"], redis=conn)
    wait_until(lambda: receiver.ids("/a") == {eid} and receiver.ids("/b") == {eid}, 30, "both webhooks")
    rows = wait_until(lambda: _settled(db, eid), 10, "rows recorded")
    assert sorted((r.kind, r.target, r.status.value) for r in rows) == [
        ("board", "", "sent"), ("webhook", receiver.url("/a"), "sent"), ("webhook", receiver.url("/b"), "sent")]


def test_malformed_webhook_urls_are_refused_clearly(db, cfg, people, redis_url, receiver, workers, conn, tmp_path):
    with pytest.raises(WebhookError, match=r"^Địa chỉ webhook không hợp lệ: 'htp:/chat\.example'"):
        notify.check_url("htp:/chat.example")
    for bad in ("http://", "http://exa mple.org/", "http://[::1", "ftp://x/"):
        with pytest.raises(WebhookError):
            notify.check_url(bad)
    # the worker refuses to start with one configured
    env = worker_env(cfg.replace(redis_url=redis_url)) | {"IVR_WEBHOOK_URLS": "http//chat.example/hook"}
    out = subprocess.run([str(IVR), "worker"], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert out.returncode == 2
    assert "config: key 'webhook_urls': not an http(s) URL: 'http//chat.example/hook'" in out.stderr
    # a bad target that slipped into a round fails at once, without retries; the good one and the case are fine
    good = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),), sweep_interval_s=1)
    workers.start(good)
    sloppy = dataclasses.replace(good, webhook_urls=(receiver.url(), "http//chat.example/hook"))
    eid = queue.create(db, risk="high", reason="x", patient_id=people.patients["lan"], redis=conn, cfg=sloppy)
    rows = wait_until(lambda: _settled(db, eid), 30, "rows settled")
    bad = [r for r in rows if r.target == "http//chat.example/hook"][0]
    assert (bad.status.value, bad.attempts) == ("failed", 1)
    assert bad.last_error.startswith("Địa chỉ webhook không hợp lệ: 'http//chat.example/hook'")
    assert receiver.ids() == {eid}
    assert [c.id for c in queue.list_open(db)] == [eid]


@pytest.mark.slow
def test_failing_and_hanging_endpoints_get_bounded_retries_then_are_recorded(db, cfg, people, redis_url, receiver,
                                                                              workers, conn):
    receiver.behaviour.update({"/500": "500", "/hang": "hang"})
    urls = (receiver.url("/ok"), receiver.url("/500"), receiver.url("/hang"))
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=urls, webhook_attempts=3,
                      webhook_timeout_s=1, webhook_backoff_s=1, sweep_interval_s=1)
    workers.start(cfg)
    eid = queue.create(db, risk="emergency", reason="Tím tái", patient_id=people.patients["lan"], redis=conn, cfg=cfg)
    rows = wait_until(lambda: _settled(db, eid), 60, "all deliveries settled")
    by_target = {r.target: r for r in rows}
    assert (by_target[urls[0]].status.value, by_target[urls[0]].attempts) == ("sent", 1)
    assert (by_target[urls[1]].status.value, by_target[urls[1]].attempts) == ("failed", 3)
    assert by_target[urls[1]].last_error == f"Webhook {urls[1]} trả về HTTP 500."
    assert (by_target[urls[2]].status.value, by_target[urls[2]].attempts) == ("failed", 3)
    assert by_target[urls[2]].last_error == f"Webhook {urls[2]} không trả lời trong 1 giây."
    assert len(receiver.bodies("/ok")) == 1
    assert len(receiver.bodies("/500")) == 3 and len(receiver.bodies("/hang")) == 3
    # every attempt carried the same idempotency key
    assert {b["idempotency_key"] for b in receiver.bodies()} == {f"ivr-escalation-{eid}-round-0"}
    assert [c.id for c in queue.list_open(db)] == [eid]  # nothing lost


def test_unpicked_case_is_renotified_when_it_moves_up_and_a_picked_one_is_not(db, cfg, people, redis_url, receiver,
                                                                            workers, conn):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),), sweep_interval_s=1,
                      tier_emergency_s=1)
    workers.start(cfg)
    waiting = queue.create(db, risk="emergency", reason="Lơ mơ", patient_id=people.patients["lan"], redis=conn,
                           cfg=cfg)
    picked = queue.create(db, risk="emergency", reason="Tím tái", patient_id=people.patients["hoa"], redis=conn,
                          cfg=cfg)
    queue.pick(db, picked, staff_id=people.staff["an"])
    wait_until(lambda: any(b["event"] == "escalation.reminder" and b["escalation_id"] == waiting
                           for b in receiver.bodies()), 30, "a reminder for the waiting case")
    reminder = [b for b in receiver.bodies() if b["event"] == "escalation.reminder"][0]
    assert reminder["round"] == 1 and reminder["tier"] == "district"
    assert reminder["idempotency_key"] == f"ivr-escalation-{waiting}-round-1"
    assert reminder["text"].startswith(f"Nhắc lại: ca chưa có bác sĩ nhận #{waiting}")
    assert all(b["event"] == "escalation.created" for b in receiver.bodies() if b["escalation_id"] == picked)
    assert queue.get(db, picked).tier.value == "commune"


def test_a_job_delivers_the_rounds_queued_behind_it_once(db, cfg, people, redis_url, receiver, workers, conn):
    cfg = cfg.replace(redis_url=redis_url, webhook_urls=(receiver.url(),), escalation_processes=1)
    ids = [queue.create(db, risk="high", reason=f"ca {i}", caller=f"+8497000000{i}", redis=conn, cfg=cfg)
           for i in range(6)]
    assert conn.llen(f"rq:queue:{keys.QUEUE_URGENT}") == 6
    proc = workers.start(cfg, "--burst")
    assert proc.wait(timeout=120) == 0
    assert sorted(b["escalation_id"] for b in receiver.bodies()) == ids  # each exactly once
    with db.session() as s:
        rows = list(s.scalars(select(EscalationNotification)))
    assert {r.status.value for r in rows} == {"sent"} and len(rows) == 12
    # the first job took over the others: their rows carry its job id, their queued jobs are gone
    assert len({r.job_id for r in rows}) < 6
    assert conn.llen(f"rq:queue:{keys.QUEUE_URGENT}") == 0


def test_a_hanging_endpoint_costs_one_timeout_per_job_and_goes_last(db, cfg, people, redis_url, receiver, workers,
                                                                     conn):
    receiver.behaviour["/hang"] = "hang"
    urls = (receiver.url("/hang"), receiver.url("/ok"))
    cfg = cfg.replace(redis_url=redis_url, webhook_urls=urls, escalation_processes=1, webhook_timeout_s=1,
                      webhook_attempts=1)
    ids = [queue.create(db, risk="high", reason=f"ca {i}", caller=f"+8496000000{i}", redis=conn, cfg=cfg)
           for i in range(4)]
    proc = workers.start(cfg, "--burst")
    assert proc.wait(timeout=120) == 0
    assert sorted(receiver.ids("/ok")) == ids
    assert len(receiver.bodies("/hang")) == 1  # tried once; the other rounds in that job were not sent there
    with db.session() as s:
        hung = [r for r in s.scalars(select(EscalationNotification)) if r.target == urls[0]]
    assert [(r.status.value, r.attempts) for r in hung] == [("failed", 1)] * 4
    assert {r.last_error for r in hung} == {f"Webhook {urls[0]} không trả lời trong 1 giây."}


def test_rounds_a_job_has_no_time_left_for_are_given_back_and_sent_once(db, cfg, people, redis_url, receiver, conn,
                                                                        monkeypatch):
    from escalation import jobs

    cfg = cfg.replace(redis_url=redis_url, webhook_urls=(receiver.url(),))
    ids = [queue.create(db, risk="high", reason=f"ca {i}", caller=f"+8495000000{i}", redis=conn, cfg=cfg)
           for i in range(5)]
    monkeypatch.setattr(jobs, "_BOUND", {})
    monkeypatch.setattr(jobs, "STOLEN_SHARE", 0.0)  # as if a slow endpoint had used up the job's time
    jobs.bind(cfg)
    worker = jobs.HotlineWorker(keys.QUEUES, connection=conn)
    worker.work(burst=True, max_jobs=1)
    # the first job sent its own round, took over the four others and, out of time, queued them again
    assert receiver.ids() == {ids[0]}
    assert conn.llen(f"rq:queue:{keys.QUEUE_URGENT}") == 4
    later = [r for eid in ids[1:] for r in _rows(db, eid)]
    assert {(r.status.value, r.enqueues, r.attempts) for r in later} == {("pending", 2, 0)}
    assert {r.job_id for r in later} == {keys.round_job_id(eid, 0, 2) for eid in ids[1:]}
    monkeypatch.setattr(jobs, "STOLEN_SHARE", 0.5)
    jobs.HotlineWorker(keys.QUEUES, connection=conn).work(burst=True)
    assert sorted(b["escalation_id"] for b in receiver.bodies()) == ids  # each exactly once
    assert all(r.status.value == "sent" for eid in ids for r in _rows(db, eid))
