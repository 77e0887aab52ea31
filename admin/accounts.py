"""Staff accounts: creation and password rules, shared by the users screen and ``ivr admin create-user``."""
from __future__ import annotations

import re
import secrets

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from ivr.errors import IvrError
from ivr.store.models import AreaLevel, Role, StaffUser

USERNAME = re.compile(r"^[a-z0-9][a-z0-9._-]{1,63}$")
MIN_PASSWORD = 8


class AccountError(IvrError):
    """A staff account could not be created or changed; the message is shown to the admin (Vietnamese)."""


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD} ký tự.")
    if password.strip() != password:
        raise AccountError("Mật khẩu không được bắt đầu hoặc kết thúc bằng dấu cách.")


def check_area(role: Role, level: AreaLevel, province: str, district: str, commune: str) -> None:
    if role == Role.ADMIN:
        return
    # A province-level account with no province covers the whole hotline (escalation.area.covers).
    if level in (AreaLevel.DISTRICT, AreaLevel.COMMUNE) and not province:
        raise AccountError("Cần nhập tỉnh/thành phố cho tài khoản cấp quận/huyện hoặc xã/phường.")
    if level in (AreaLevel.DISTRICT, AreaLevel.COMMUNE) and not district:
        raise AccountError("Cần nhập quận/huyện cho tài khoản cấp quận/huyện hoặc xã/phường.")
    if level == AreaLevel.COMMUNE and not commune:
        raise AccountError("Cần nhập xã/phường cho tài khoản cấp xã/phường.")


def create_user(s: Session, *, username: str, password: str, role: Role | str, full_name: str = "",
                area_level: AreaLevel | str = AreaLevel.PROVINCE, province: str = "", district: str = "",
                commune: str = "", phone: str = "") -> StaffUser:
    """Adds a staff user to ``s`` (not committed); raises AccountError on bad input."""
    username = username.strip().lower()
    if not USERNAME.match(username):
        raise AccountError("Tên đăng nhập chỉ gồm chữ thường không dấu, số, dấu chấm, gạch ngang, "
                           "gạch dưới (2–64 ký tự).")
    try:
        role = Role(role)
        area_level = AreaLevel(area_level)
    except ValueError:
        raise AccountError("Vai trò hoặc cấp địa bàn không hợp lệ.") from None
    province, district, commune = province.strip(), district.strip(), commune.strip()
    check_password(password)
    check_area(role, area_level, province, district, commune)
    if s.scalar(select(StaffUser.id).where(StaffUser.username == username)) is not None:
        raise AccountError(f"Tên đăng nhập '{username}' đã tồn tại.")
    user = StaffUser(username=username, full_name=full_name.strip(), password_hash=generate_password_hash(password),
                     role=role, area_level=area_level, province=province, district=district, commune=commune,
                     phone=phone.strip(), active=True, on_duty=False)
    s.add(user)
    s.flush()
    return user


def set_password(user: StaffUser, password: str) -> None:
    check_password(password)
    user.password_hash = generate_password_hash(password)


def new_api_token(user: StaffUser) -> str:
    """A fresh bearer token ``<id>.<secret>`` for ``user``; only its digest is stored."""
    from .web import token_digest

    token = f"{user.id}.{secrets.token_urlsafe(32)}"
    user.api_token_hash = token_digest(token)
    return token
