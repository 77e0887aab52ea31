"""Users, audit log, statistics (with CSV export) and triage rules screens."""
from __future__ import annotations

import csv
import io
from datetime import timedelta

from sqlalchemy import select
from werkzeug.security import check_password_hash

from admin.stats import percentile
from escalation import queue
from ivr.store.models import AuditLog, Call, Role, StaffUser, utcnow

from .conftest import PASSWORD


def test_admin_only_screens(client, auth):
    auth.login("bs_a")
    for path in ("/users/", "/audit/", "/flows/", "/prompts/"):
        assert client.get(path).status_code == 403, path
    assert "Không có quyền" in client.get("/users/").get_data(as_text=True)
    auth.logout()
    auth.login("xem_a")
    assert client.get("/rules/").status_code == 403


def test_create_user_and_edit(client, auth, db):
    auth.login("admin")
    resp = auth.post("/users/new", {"username": "bs_c", "password": "mat-khau-moi-12", "role": "doctor",
                                    "area_level": "district", "province": "Hà Nội", "district": "Đống Đa",
                                    "full_name": "BS Cường"}, follow_redirects=True)
    assert "Đã tạo tài khoản bs_c." in resp.get_data(as_text=True)
    with db.session() as s:
        u = s.scalar(select(StaffUser).where(StaffUser.username == "bs_c"))
        assert u.role == Role.DOCTOR and check_password_hash(u.password_hash, "mat-khau-moi-12")
        uid = u.id
    for bad, message in (({"username": "bs_c"}, "đã tồn tại"), ({"password": "ngan"}, "ít nhất 8 ký tự"),
                         ({"username": "Bác Sĩ"}, "chữ thường không dấu"),
                         ({"area_level": "commune", "commune": ""}, "Cần nhập xã/phường")):
        data = {"username": "bs_d", "password": "mat-khau-moi-12", "role": "doctor", "area_level": "district",
                "province": "Hà Nội", "district": "Đống Đa", **bad}
        assert message in auth.post("/users/new", data, follow_redirects=True).get_data(as_text=True)
    resp = auth.post(f"/users/{uid}", {"action": "save", "role": "viewer", "area_level": "district",
                                       "province": "Hà Nội", "district": "Đống Đa", "active": "on"},
                     follow_redirects=True)
    assert "Đã lưu thay đổi." in resp.get_data(as_text=True)
    resp = auth.post(f"/users/{uid}", {"action": "token"})
    assert 'id="api-token"' in resp.get_data(as_text=True)
    auth.post(f"/users/{uid}", {"action": "password", "password": "mat-khau-khac-34"})
    with db.session() as s:
        u = s.get(StaffUser, uid)
        assert u.role == Role.VIEWER and u.api_token_hash and check_password_hash(u.password_hash, "mat-khau-khac-34")


def test_admin_cannot_lock_self_out(client, auth, users):
    auth.login("admin")
    resp = auth.post(f"/users/{users['admin']}", {"action": "save", "role": "doctor", "area_level": "province",
                                                  "active": "on"}, follow_redirects=True)
    assert "Không thể tự bỏ quyền quản trị" in resp.get_data(as_text=True)


def test_password_change_ends_other_sessions(app, client, auth, db, users):
    auth.login("bs_a")
    other = app.test_client()
    from .conftest import AuthActions

    admin = AuthActions(other)
    admin.login("admin")
    admin.post(f"/users/{users['bs_a']}", {"action": "password", "password": "mat-khau-moi-99"})
    assert client.get("/board/").status_code == 302


def test_audit_log_lists_patient_actions(client, auth, patients):
    auth.login("bs_a")
    client.get(f"/patients/{patients['a']}")
    auth.logout()
    auth.login("admin")
    html = client.get("/audit/").get_data(as_text=True)
    assert "Xem bệnh nhân" in html and f"patient:{patients['a']}" in html
    assert "bs_a" in client.get("/audit/?q=patient_view").get_data(as_text=True)


def test_percentile():
    assert percentile([], 50) is None
    assert percentile([5.0], 95) == 5.0
    assert percentile(list(map(float, range(1, 101))), 50) == 50.0
    assert percentile(list(map(float, range(1, 101))), 95) == 95.0


def test_stats_page_and_csv(client, auth, db, users, patients):
    now = utcnow()
    with db.session() as s:
        for i, outcome in enumerate(("completed", "completed", "escalated", "abandoned")):
            s.add(Call(caller="+8491200000" + str(i), patient_id=patients["a"], outcome=outcome,
                       started_at=now - timedelta(hours=i)))
        s.add(Call(caller="+84912000002", patient_id=patients["b"], outcome="completed", started_at=now))
    esc = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"], now=now - timedelta(minutes=5))
    queue.pick(db, esc, staff_id=users["bs_a"], now=now - timedelta(minutes=3))
    auth.login("bs_a")
    html = client.get("/stats/?days=7").get_data(as_text=True)
    assert '<div class="num" id="n-calls">4</div>' in html  # commune B's call is not counted
    assert '<div class="num" id="n-escalations">1</div>' in html
    assert html.count("<svg") == 6 and "2 phút 0 giây" in html
    resp = client.get("/stats/export.csv?days=7")
    assert resp.mimetype == "text/csv" and "attachment" in resp.headers["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(resp.get_data(as_text=True).lstrip("\ufeff"))))
    assert sum(int(r["cuoc_goi"]) for r in rows) == 4 and sum(int(r["bo_may"]) for r in rows) == 1
    assert sum(int(r["high"]) for r in rows) == 1
    assert [r["nhan_ca_p95_giay"] for r in rows if r["nhan_ca_p95_giay"]] == ["120.0"]


def test_rules_screen(client, auth):
    from escalation.triage import default_triage

    active = default_triage().pack
    auth.login("bs_a")
    html = client.get("/rules/").get_data(as_text=True)
    assert active.label in html and "Đang áp dụng" in html and "SpO2" in html
    assert "Nội dung tệp quy tắc" in html
    assert client.get("/rules/khong-co").status_code == 404


def test_login_audited(client, auth, db):
    auth.login("bs_a", "sai-mat-khau-roi")
    auth.login("bs_a", PASSWORD)
    with db.session() as s:
        assert list(s.scalars(select(AuditLog.action).where(AuditLog.target == "bs_a").order_by(AuditLog.id))) == [
            "login_failed", "login"]
