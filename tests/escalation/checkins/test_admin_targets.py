"""The notification targets screen: add a target, test-send it for real, the delivery history, the SMS text."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from werkzeug.security import generate_password_hash

from admin import create_app
from escalation import jobs
from escalation.checkins.jobs import SMS_PROMPT
from ivr.store.models import AreaLevel, AreaNotification, NotifyTarget, Prompt, Role, StaffUser

from .conftest import run_jobs

PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture
def client(db, cfg, redis_url, receiver, monkeypatch):
    monkeypatch.setattr(jobs, "_BOUND", {})
    acfg = cfg.replace(redis_url=redis_url, sms_gateway_url=receiver.url("/sms-gateway"))
    with db.session() as s:
        for name, role in (("admin", Role.ADMIN), ("bs_a", Role.DOCTOR)):
            s.add(StaffUser(username=name, password_hash=generate_password_hash(PASSWORD, "pbkdf2:sha256:1000"),
                            role=role, area_level=AreaLevel.PROVINCE, active=True))
    app = create_app({"TESTING": True}, cfg=acfg, db=db)
    c = app.test_client()
    c.acfg = acfg
    return c


def _login(c, user):
    token = re.search(r'name="csrf-token" content="([^"]+)"', c.get("/login").get_data(as_text=True)).group(1)
    assert c.post("/login", data={"username": user, "password": PASSWORD, "csrf_token": token}).status_code == 302
    page = c.get("/board/").get_data(as_text=True)
    return re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)


def test_only_admins(client):
    _login(client, "bs_a")
    assert client.get("/notify-targets/").status_code == 403


def test_add_a_commune_chat_group_test_send_it_and_see_the_history(client, db, receiver, conn):
    token = _login(client, "admin")
    form = {"level": "commune", "province": "Hà Nội", "district": "Cầu Giấy", "commune": "Dịch Vọng",
            "channel": "webhook", "target": receiver.url("/xa"), "label": "Nhóm Zalo trạm y tế", "csrf_token": token}
    page = client.post("/notify-targets/new", data=form, follow_redirects=True).get_data(as_text=True)
    assert "Đã thêm nơi nhận thông báo." in page and "Nhóm Zalo trạm y tế" in page
    bad = client.post("/notify-targets/new", data={**form, "commune": ""}, follow_redirects=True)
    assert "Cần ghi đủ tỉnh, huyện và xã theo cấp địa bàn đã chọn." in bad.get_data(as_text=True)
    dup = client.post("/notify-targets/new", data=form, follow_redirects=True)
    assert "Địa bàn này đã có nơi nhận này rồi." in dup.get_data(as_text=True)
    sms = client.post("/notify-targets/new", data={**form, "channel": "sms", "target": "0988 000 111"},
                      follow_redirects=True)
    assert "+84988000111" in sms.get_data(as_text=True)
    with db.session() as s:
        hook = s.scalars(select(NotifyTarget).where(NotifyTarget.channel == "webhook")).one()
    page = client.post(f"/notify-targets/{hook.id}/test", data={"csrf_token": token}, follow_redirects=True)
    assert "Đã gửi tin thử" in page.get_data(as_text=True)
    run_jobs(conn, client.acfg)
    (body,) = receiver.bodies("/xa")
    assert body["event"] == "notify.test" and "tới nơi nhận của Dịch Vọng, Cầu Giấy, Hà Nội" in body["text"]
    with db.session() as s:
        assert s.scalars(select(AreaNotification)).one().status.value == "sent"
    page = client.get("/notify-targets/").get_data(as_text=True)
    assert "Gửi thử" in page and "Đã gửi" in page
    client.post(f"/notify-targets/{hook.id}/toggle", data={"csrf_token": token})
    with db.session() as s:
        assert s.get(NotifyTarget, hook.id).active is False


def test_the_sms_notice_text_is_edited_and_reverted(client, db):
    token = _login(client, "admin")
    bad = client.post("/notify-targets/sms-text", data={"text": "Chào {ten}", "csrf_token": token},
                      follow_redirects=True)
    assert "Nội dung chỉ được dùng các chỗ điền {station}, {name} và {caller_id}." in bad.get_data(as_text=True)
    client.post("/notify-targets/sms-text", data={"text": "{station} sắp gọi {name}.", "action": "save",
                                                  "csrf_token": token})
    with db.session() as s:
        assert s.get(Prompt, SMS_PROMPT).text == "{station} sắp gọi {name}."
    client.post("/notify-targets/sms-text", data={"text": "", "action": "revert", "csrf_token": token})
    with db.session() as s:
        assert s.get(Prompt, SMS_PROMPT) is None
