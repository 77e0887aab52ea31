"""Sign-in, session expiry, rate limiting, CSRF, cookie flags, secret key."""
from __future__ import annotations

import time

from sqlalchemy import select

from admin import create_app, secret_key
from ivr.store.models import AuditLog

from .conftest import PASSWORD


def test_login_page_is_vietnamese(client):
    html = client.get("/login").get_data(as_text=True)
    assert "Đăng nhập" in html and "Mật khẩu" in html


def test_pages_need_login(client):
    for path in ("/board/", "/calls/", "/patients/", "/stats/", "/flows/", "/prompts/", "/users/", "/audit/",
                 "/rules/"):
        resp = client.get(path)
        assert resp.status_code == 302, path
        assert resp.headers["Location"].startswith("/login"), path
    assert client.get("/api/escalations").status_code == 401


def test_login_and_logout(client, auth, db):
    resp = auth.login("bs_a")
    assert resp.status_code == 302 and resp.headers["Location"] == "/board/"
    assert "Hàng chờ bác sĩ" in client.get("/board/").get_data(as_text=True)
    auth.logout()
    assert client.get("/board/").status_code == 302
    with db.session() as s:
        actions = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.actor == "bs_a"))]
    assert actions == ["login", "logout"]


def test_wrong_password_is_refused(auth):
    resp = auth.login("bs_a", "sai-mat-khau-roi")
    assert resp.status_code == 401
    assert "Sai tên đăng nhập hoặc mật khẩu." in resp.get_data(as_text=True)
    assert auth.login("khong_co_ai", PASSWORD).status_code == 401


def test_login_is_rate_limited_per_address_and_user(app, client, auth):
    for _ in range(app.config["LOGIN_MAX_FAILURES"]):
        assert auth.login("bs_a", "sai-mat-khau-roi").status_code == 401
    resp = auth.login("bs_a", PASSWORD)  # even the right password waits out the window
    assert resp.status_code == 429
    assert "Đăng nhập sai quá nhiều lần" in resp.get_data(as_text=True)
    assert auth.login("bs_b", PASSWORD).status_code == 302  # another user from the same address is not blocked


def test_login_limiter_window_expires():
    from admin.auth import LoginLimiter

    lim = LoginLimiter()
    key = ("127.0.0.1", "bs_a")
    for t in range(5):
        lim.fail(key, now=100.0 + t)
    assert lim.blocked_for(key, max_failures=5, window_s=60, now=110.0) == 50.0
    assert lim.blocked_for(key, max_failures=5, window_s=60, now=160.5) == 0.0


def test_next_parameter_cannot_leave_the_site(client, auth):
    auth.refresh_token("/login")
    resp = client.post("/login?next=//evil.example/x", data={"username": "bs_a", "password": PASSWORD,
                                                              "csrf_token": auth.token})
    assert resp.headers["Location"] == "/board/"


def test_session_expires(admin_cfg, db, users):
    app = create_app({"TESTING": True}, cfg=admin_cfg.replace(session_minutes=1), db=db)
    client = app.test_client()
    from .conftest import AuthActions

    auth = AuthActions(client)
    auth.login("bs_a")
    assert client.get("/board/").status_code == 200
    with client.session_transaction() as sess:
        sess["login_at"] = time.time() - 61
    resp = client.get("/board/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert "Phiên làm việc đã hết hạn" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_csrf_is_enforced(client, auth):
    auth.login("bs_a")
    resp = client.post("/board/duty", data={"on": "1"})
    assert resp.status_code == 400
    assert "Biểu mẫu đã hết hạn hoặc không hợp lệ" in resp.get_data(as_text=True)
    resp = client.post("/login", data={"username": "bs_a", "password": PASSWORD})
    assert resp.status_code == 400


def test_cookie_flags(admin_cfg, db, users, client, auth):
    auth.refresh_token("/login")
    resp = client.post("/login", data={"username": "bs_a", "password": PASSWORD, "csrf_token": auth.token})
    cookie = next(v for k, v in resp.headers.items() if k == "Set-Cookie" and v.startswith("f0_admin="))
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = create_app({"TESTING": True}, cfg=admin_cfg.replace(admin_secure_cookies=True), db=db)
    assert secure.config["SESSION_COOKIE_SECURE"] is True


def test_security_headers(client):
    resp = client.get("/login")
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert resp.headers["X-Frame-Options"] == "DENY"


def test_secret_key_generated_once_into_data_dir(admin_cfg):
    path = admin_cfg.data_dir / "secret_key"
    assert not path.exists()
    first = secret_key(admin_cfg)
    assert path.read_text().strip() == first and len(first) == 64
    assert (path.stat().st_mode & 0o777) == 0o600
    assert secret_key(admin_cfg) == first
    assert secret_key(admin_cfg.replace(secret_key="tu-cau-hinh")) == "tu-cau-hinh"


def test_deactivated_user_is_signed_out(client, auth, db, users):
    from ivr.store.models import StaffUser

    auth.login("bs_a")
    with db.session() as s:
        s.get(StaffUser, users["bs_a"]).active = False
    assert client.get("/board/").status_code == 302
