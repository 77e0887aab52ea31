"""Sessions are revocable server-side: a saved cookie dies at logout, password change and deactivation.

The cookie carries a random token only (nothing derived from the password); the database holds its digest.
"""
from __future__ import annotations

import json
import re
from datetime import timedelta

from flask import Flask
from sqlalchemy import select

from ivr.store.models import AdminSession, StaffUser, utcnow

from .conftest import AuthActions, HttpClient, serve


def _cookie_payload(app: Flask, value: str) -> dict:
    serializer = app.session_interface.get_signing_serializer(app)  # type: ignore[attr-defined]
    return serializer.loads(value)


def test_saved_cookie_is_dead_after_logout_over_http(app, users):
    """A browser at 127.0.0.2 signs in, a copy of its cookie is kept, the browser logs out: the copy is dead."""
    with serve(app) as base:
        browser = HttpClient(base, source="127.0.0.2")
        assert browser.login("bs_a").status_code == 302
        saved = browser.http.cookies.get("f0_admin")
        assert saved
        assert browser.get("/api/me").json()["username"] == "bs_a"
        assert browser.post("/logout").status_code == 302

        thief = HttpClient(base, source="127.0.0.3")
        thief.http.cookies.set("f0_admin", saved)
        assert thief.get("/api/me").status_code == 401
        resp = thief.get("/board/")
        assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
        assert thief.get("/api/escalations").status_code == 401


def test_cookie_carries_nothing_password_derived(app, client, auth, db, users):
    auth.login("bs_a")
    value = client.get_cookie("f0_admin").value
    payload = _cookie_payload(app, value)
    with db.session() as s:
        pw_hash = s.get(StaffUser, users["bs_a"]).password_hash
    text = json.dumps(payload)
    for piece in re.findall(r"[0-9a-f]{8,}", pw_hash):  # any run of the hash's hex digits
        for i in range(0, len(piece) - 7):
            assert piece[i:i + 8] not in text, "the cookie carries part of the password hash"
    assert "pw" not in payload
    assert set(payload) <= {"sid", "login_at", "csrf_token", "_permanent", "_flashes"}


def test_logout_ends_only_that_session(app, client, auth, users):
    auth.login("bs_a")
    other = AuthActions(app.test_client())
    other.login("bs_a")
    auth.logout()
    assert client.get("/board/").status_code == 302
    assert other.client.get("/board/").status_code == 200


def test_password_change_ends_every_session_of_that_user(app, client, auth, db, users):
    auth.login("bs_a")
    saved = client.get_cookie("f0_admin").value
    admin = AuthActions(app.test_client())
    admin.login("admin")
    admin.post(f"/users/{users['bs_a']}", {"action": "password", "password": "mat-khau-moi-99"})
    with db.session() as s:
        assert s.scalars(select(AdminSession).where(AdminSession.user_id == users["bs_a"])).all() == []
    replay = app.test_client()
    replay.set_cookie("f0_admin", saved)
    assert replay.get("/api/me").status_code == 401
    assert admin.client.get("/board/").status_code == 200  # the admin's own session is untouched


def test_disabling_a_user_ends_sessions_for_good(app, client, auth, users):
    """Deactivate then reactivate: a cookie saved before stays dead."""
    auth.login("bs_a")
    saved = client.get_cookie("f0_admin").value
    admin = AuthActions(app.test_client())
    admin.login("admin")
    form = {"action": "save", "role": "doctor", "area_level": "commune", "province": "Hà Nội",
            "district": "Cầu Giấy", "commune": "Dịch Vọng"}
    admin.post(f"/users/{users['bs_a']}", form)
    admin.post(f"/users/{users['bs_a']}", {**form, "active": "on"})
    replay = app.test_client()
    replay.set_cookie("f0_admin", saved)
    assert replay.get("/api/me").status_code == 401


def test_server_side_expiry(app, client, auth, db, users):
    auth.login("bs_a")
    assert client.get("/board/").status_code == 200
    with db.session() as s:
        for row in s.scalars(select(AdminSession)):
            row.expires_at = utcnow() - timedelta(seconds=1)
    resp = client.get("/board/")
    assert resp.status_code == 302 and resp.headers["Location"].startswith("/login")
    assert "Phiên làm việc đã hết hạn" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_login_records_a_session_row(app, client, auth, db, users):
    auth.login("bs_a")
    with db.session() as s:
        rows = s.scalars(select(AdminSession)).all()
        assert [r.user_id for r in rows] == [users["bs_a"]]
        minutes = (rows[0].expires_at - rows[0].created_at).total_seconds() / 60
        assert abs(minutes - app.extensions["ivr_cfg"].session_minutes) < 1
