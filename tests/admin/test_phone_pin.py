"""Phone PINs for the studio extension: an admin sets any user's, every user their own (password first)."""
from __future__ import annotations

from sqlalchemy import select

from ivr.engine.studio import pin_matches
from ivr.store.models import AuditLog, StaffUser

from .conftest import PASSWORD


def _pin_hash(db, username: str) -> str:
    with db.session() as s:
        return s.scalar(select(StaffUser.phone_pin_hash).where(StaffUser.username == username))


def test_admin_sets_and_removes_a_users_pin(client, auth, db, users):
    auth.login("admin")
    page = f"/users/{users['bs_a']}"
    assert "Mã PIN điện thoại" in client.get(page).get_data(as_text=True)
    resp = auth.post(page, {"action": "pin", "pin": "12ab"}, follow_redirects=True)
    assert "Mã PIN phải gồm 6 đến 12 chữ số." in resp.get_data(as_text=True)
    assert _pin_hash(db, "bs_a") == ""
    resp = auth.post(page, {"action": "pin", "pin": "2468013"}, follow_redirects=True)
    assert "Đã đặt mã PIN điện thoại." in resp.get_data(as_text=True)
    stored = _pin_hash(db, "bs_a")
    assert pin_matches("2468013", stored) and "2468013" not in stored
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "user_phone_pin")).all()
        assert [(r.actor, r.target) for r in rows] == [("admin", "bs_a")]
        assert "2468013" not in str(rows[0].detail)
    resp = auth.post(page, {"action": "pin", "pin": ""}, follow_redirects=True)
    assert "Đã xoá mã PIN điện thoại." in resp.get_data(as_text=True)
    assert _pin_hash(db, "bs_a") == ""


def test_a_user_sets_their_own_pin_with_their_password(client, auth, db):
    auth.login("bs_a")
    assert client.get("/users/me/pin").status_code == 200
    resp = auth.post("/users/me/pin", {"password": "sai-mat-khau", "pin": "135790"}, follow_redirects=True)
    assert "Mật khẩu hiện tại không đúng." in resp.get_data(as_text=True)
    assert _pin_hash(db, "bs_a") == ""
    resp = auth.post("/users/me/pin", {"password": PASSWORD, "pin": "1357"}, follow_redirects=True)
    assert "Mã PIN phải gồm 6 đến 12 chữ số." in resp.get_data(as_text=True)
    resp = auth.post("/users/me/pin", {"password": PASSWORD, "pin": "135790"}, follow_redirects=True)
    assert "Đã đặt mã PIN điện thoại." in resp.get_data(as_text=True)
    assert pin_matches("135790", _pin_hash(db, "bs_a"))
    auth.logout()
    auth.login("admin")  # the PIN alone names the staff member on the phone: no two users share one
    resp = auth.post("/users/me/pin", {"password": PASSWORD, "pin": "135790"}, follow_redirects=True)
    assert "Mã PIN này không dùng được. Hãy chọn mã khác." in resp.get_data(as_text=True)
    assert _pin_hash(db, "admin") == ""
    auth.logout()
    auth.login("bs_a")
    resp = auth.post("/users/me/pin", {"password": PASSWORD, "pin": "135790"}, follow_redirects=True)
    assert "Đã đặt mã PIN điện thoại." in resp.get_data(as_text=True)  # one's own PIN again: fine
    assert client.get(f"/users/{1}").status_code == 403  # setting anyone else's stays admin-only


def test_own_pin_page_needs_a_sign_in(client):
    assert client.get("/users/me/pin").status_code in (302, 401)
