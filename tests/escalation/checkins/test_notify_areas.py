"""Notifications per area: each case goes to its commune's targets and follows the case up the tiers;
SMS numbers through the signed SMS gateway; the daily summary per commune; the SMS notice before a call."""
from __future__ import annotations

import hashlib
import hmac
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from escalation import jobs, notify, queue
from escalation.checkins import missed, plan, schedule, summary, windows
from ivr.store.models import (
    AreaLevel,
    AreaNotification,
    CheckinAttempt,
    Escalation,
    EscalationNotification,
    NotifyTarget,
    utcnow,
)
from ivr.vocabulary import CheckinStatus, EscalationKind

from .conftest import add, open_window_cfg, run_jobs

SECRET = "bí-mật"
PROVINCE, DISTRICT = "Hà Nội", "Cầu Giấy"


@pytest.fixture
def ncfg(cfg, redis_url, receiver, monkeypatch):
    monkeypatch.setattr(jobs, "_BOUND", {})
    return open_window_cfg(
        cfg, redis_url=redis_url, webhook_secret=SECRET, webhook_attempts=2, webhook_backoff_s=1,
        sms_gateway_url=receiver.url("/sms-gateway"),
        notify_targets=(f"{PROVINCE}/{DISTRICT}/Dịch Vọng={receiver.url('/xa-dich-vong')}",
                        f"{PROVINCE}/{DISTRICT}/Quan Hoa={receiver.url('/xa-quan-hoa')}",
                        f"{PROVINCE}={receiver.url('/tinh')}"))


def _add_db_targets(db, receiver):
    with db.session() as s:
        s.add(NotifyTarget(level=AreaLevel.COMMUNE, province=PROVINCE, district=DISTRICT, commune="Dịch Vọng",
                           channel="sms", target="+84988000111", label="Trạm trưởng Dịch Vọng"))
        s.add(NotifyTarget(level=AreaLevel.DISTRICT, province=PROVINCE, district=DISTRICT, channel="webhook",
                           target=receiver.url("/huyen"), label="Nhóm TTYT Cầu Giấy"))
        s.add(NotifyTarget(level=AreaLevel.COMMUNE, province=PROVINCE, district=DISTRICT, commune="Dịch Vọng",
                           channel="webhook", target=receiver.url("/tat"), active=False))


def test_targets_follow_the_case_up_the_tiers(db, ncfg, receiver):
    _add_db_targets(db, receiver)
    esc = Escalation(province=PROVINCE, district=DISTRICT, commune="dịch vọng", tier=AreaLevel.COMMUNE)
    with db.session() as s:
        assert notify.case_targets(s, ncfg, esc) == [("webhook", receiver.url("/xa-dich-vong")),
                                                     ("sms", "+84988000111")]
        esc.tier = AreaLevel.DISTRICT
        assert notify.case_targets(s, ncfg, esc)[-1] == ("webhook", receiver.url("/huyen"))
        esc.tier = AreaLevel.PROVINCE
        assert [t for _, t in notify.case_targets(s, ncfg, esc)] == [
            receiver.url("/xa-dich-vong"), "+84988000111", receiver.url("/huyen"), receiver.url("/tinh")]
        other = Escalation(province=PROVINCE, district=DISTRICT, commune="Quan Hoa", tier=AreaLevel.COMMUNE)
        assert notify.case_targets(s, ncfg, other) == [("webhook", receiver.url("/xa-quan-hoa"))]
        # the daily summary: the commune's own targets; a commune without any goes to the nearest tier above
        assert notify.summary_targets(s, ncfg, PROVINCE, DISTRICT, "Nghĩa Đô") == [("webhook", receiver.url("/huyen"))]


def test_a_not_reached_case_reaches_its_communes_chat_group_and_sms_not_the_other_communes(db, ncfg, receiver,
                                                                                            conn):
    _add_db_targets(db, receiver)
    lan = add(db, "+84901000001", "Nguyễn Thị Lan")
    occ = windows.current(ncfg, utcnow())
    before = windows.previous(ncfg, occ)
    with db.session() as s:
        for o in (before, occ):
            s.add(CheckinAttempt(patient_id=lan, patient_ids=[lan], phone="+84901000001", window_date=o.day,
                                 window=o.name, attempt=1, not_before=o.starts_at, status=CheckinStatus.NO_ANSWER))
    (eid,) = missed.consecutive(db, ncfg, occ, now=utcnow(), redis=conn)
    with db.session() as s:  # the case starts at the commune tier (as with a commune doctor on duty)
        s.execute(update(Escalation).where(Escalation.id == eid).values(tier=AreaLevel.COMMUNE))
    run_jobs(conn, ncfg)
    hit = [r for r in receiver.received if r["path"] == "/xa-dich-vong"]
    assert len(hit) == 1 and not receiver.bodies("/xa-quan-hoa") and not receiver.bodies("/huyen")
    body = hit[0]["json"]
    assert (body["kind"], body["kind_label"], body["escalation_id"]) == ("not_reached", "Không liên lạc được", eid)
    assert body["text"].startswith(f"Không liên lạc được với người bệnh #{eid} — Nguy cơ thấp: Không liên lạc được "
                                   "2 buổi liên tiếp")
    assert hit[0]["headers"][notify.SIGNATURE_HEADER] == "sha256=" + hmac.new(
        SECRET.encode(), hit[0]["body"], hashlib.sha256).hexdigest()
    (sms,) = [r for r in receiver.received if r["path"] == "/sms-gateway"]
    assert sms["json"]["to"] == "+84988000111" and sms["json"]["text"] == body["text"][:notify.SMS_MAX_CHARS]
    assert sms["json"]["idempotency_key"] == f"ivr-escalation-{eid}-round-0"
    assert sms["headers"][notify.SIGNATURE_HEADER] == "sha256=" + hmac.new(
        SECRET.encode(), sms["body"], hashlib.sha256).hexdigest()
    with db.session() as s:
        rows = {(r.kind, r.target): r.status.value for r in s.scalars(select(EscalationNotification))}
    assert rows == {("board", ""): "sent", ("webhook", receiver.url("/xa-dich-vong")): "sent",
                    ("sms", "+84988000111"): "sent"}
    # nobody picked it: it moves to the district tier, and the district's group hears of it (the commune again too)
    with db.session() as s:
        esc = s.get(Escalation, eid)
        esc.tier = AreaLevel.DISTRICT
        jobs.enqueue(conn, jobs.planned(notify.add_round(s, esc, ncfg.webhook_urls, now=utcnow()), esc.risk), ncfg)
    run_jobs(conn, ncfg)
    assert [b["round"] for b in receiver.bodies("/huyen")] == [1]
    assert [b["round"] for b in receiver.bodies("/xa-dich-vong")] == [0, 1]
    assert queue.get(db, eid).kind == EscalationKind.NOT_REACHED


def test_the_daily_summary_goes_to_each_communes_target(db, ncfg, receiver, conn):
    lan = add(db, "+84901000001", "Lan")
    add(db, "+84901000002", "Minh")
    add(db, "+84901000003", "Hoa", commune="Quan Hoa")
    now = utcnow()
    occ = windows.current(ncfg, now)
    plan.plan_window(db, ncfg, occ, now=now)
    with db.session() as s:
        s.execute(update(CheckinAttempt).where(CheckinAttempt.phone == "+84901000001").values(
            status=CheckinStatus.REACHED))
        s.execute(update(CheckinAttempt).where(CheckinAttempt.phone == "+84901000002").values(
            status=CheckinStatus.NO_ANSWER))
    queue.create(db, risk="high", reason="Khó thở", patient_id=lan, now=now)
    ids = summary.write(db, ncfg, occ.day, now=now)
    assert summary.write(db, ncfg, occ.day, now=now) == ids  # written once
    schedule.area_deliveries(conn, ncfg, ids)
    run_jobs(conn, ncfg)
    (dv,) = receiver.bodies("/xa-dich-vong")
    assert {k: dv[k] for k in ("followed", "reached", "not_reached", "escalated", "opted_out")} == {
        "followed": 2, "reached": 1, "not_reached": 1, "escalated": 1, "opted_out": 0}
    assert dv["text"] == (f"Tổng kết ngày {occ.day:%d/%m/%Y} — Trạm y tế Dịch Vọng: theo dõi 2 người bệnh; "
                          "đã liên lạc 1; không liên lạc được 1; chuyển bác sĩ 1; từ chối nhận cuộc gọi 0.")
    (qh,) = receiver.bodies("/xa-quan-hoa")
    assert qh["followed"] == 1 and qh["area"]["commune"] == "Quan Hoa"
    with db.session() as s:
        assert {r.status.value for r in s.scalars(select(AreaNotification))} == {"sent"}


def test_a_failing_summary_target_is_retried_then_recorded_failed(db, ncfg, receiver, conn):
    receiver.behaviour["/xa-dich-vong"] = "500"
    add(db, "+84901000001", "Lan")
    ids = summary.write(db, ncfg, windows.local_date(ncfg, utcnow()), now=utcnow())
    schedule.area_deliveries(conn, ncfg, ids)
    run_jobs(conn, ncfg)
    import time
    time.sleep(1.5)  # the retry's backoff (webhook_backoff_s = 1)
    run_jobs(conn, ncfg)
    with db.session() as s:
        (row,) = s.scalars(select(AreaNotification))
        assert (row.status.value, row.attempts) == ("failed", 2)
        assert row.last_error == f"Webhook {receiver.url('/xa-dich-vong')} trả về HTTP 500."
    assert len(receiver.bodies("/xa-dich-vong")) == 2


def test_the_sms_notice_goes_before_the_first_call_of_the_day(db, ncfg, receiver, conn):
    ncfg = ncfg.replace(checkin_caller_id="02438001234", sms_notice_minutes=15)
    add(db, "+84901000001", "Nguyễn Thị Lan", birth_year=1950)
    now = utcnow()
    occ = windows.current(ncfg, now)
    plan.plan_window(db, ncfg, occ, now=now)
    with db.session() as s:
        a = s.scalars(select(CheckinAttempt)).one()
        assert a.notice_status == "pending" and a.not_before == now + timedelta(minutes=15)
        s.execute(update(CheckinAttempt).values(not_before=utcnow()))  # as if 15 minutes had passed
    schedule.reconcile(db, ncfg, conn, now=utcnow())
    run_jobs(conn, ncfg)
    (sms,) = receiver.bodies("/sms-gateway")
    assert sms["to"] == "+84901000001"
    assert sms["text"] == ("Trạm y tế Dịch Vọng sẽ gọi điện hỏi thăm sức khỏe bác Lan trong ít phút nữa từ số "
                           "02438001234. Xin vui lòng nghe máy.")
    with db.session() as s:
        assert s.scalars(select(CheckinAttempt)).one().notice_status == "sent"
