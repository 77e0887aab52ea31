"""Users screen (admins): create staff accounts, change role/area, deactivate, reset passwords, API tokens,
phone PINs (the studio extension); every signed-in user sets their own phone PIN at ``/users/me/pin``."""
from __future__ import annotations

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ivr.engine.studio import hash_pin, pin_matches
from ivr.store.models import AreaLevel, Role, StaffUser

from . import sessions
from .accounts import AccountError, check_area, create_user, new_api_token, set_password
from .web import admin_only, audit, dbs, login_required

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.route("/")
@admin_only
def index():  # type: ignore[no-untyped-def]
    users = dbs().scalars(select(StaffUser).order_by(StaffUser.username)).all()
    return render_template("users/index.html", users=users, roles=list(Role), levels=list(AreaLevel))


@bp.route("/new", methods=["POST"])
@admin_only
def create():  # type: ignore[no-untyped-def]
    f = request.form
    try:
        user = create_user(dbs(), username=f.get("username", ""), password=f.get("password", ""),
                           role=f.get("role", ""), full_name=f.get("full_name", ""),
                           area_level=f.get("area_level", ""), province=f.get("province", ""),
                           district=f.get("district", ""), commune=f.get("commune", ""), phone=f.get("phone", ""))
    except AccountError as exc:
        dbs().rollback()
        flash(str(exc), "error")
        return redirect(url_for("users.index"))
    audit("user_create", user.username, role=user.role.value, area_level=user.area_level.value,
          province=user.province, district=user.district, commune=user.commune)
    dbs().commit()
    flash(f"Đã tạo tài khoản {user.username}.", "success")
    return redirect(url_for("users.index"))


def _user(user_id: int) -> StaffUser:
    user = dbs().get(StaffUser, user_id)
    if user is None:
        abort(404)
    return user


@bp.route("/<int:user_id>", methods=["GET", "POST"])
@admin_only
def edit(user_id: int):  # type: ignore[no-untyped-def]
    user = _user(user_id)
    token = None
    if request.method == "POST":
        f = request.form
        action = f.get("action", "save")
        try:
            if action == "save":
                role, level = Role(f.get("role", "")), AreaLevel(f.get("area_level", ""))
                province, district = f.get("province", "").strip(), f.get("district", "").strip()
                commune = f.get("commune", "").strip()
                check_area(role, level, province, district, commune)
                if user.id == g.user.id and role != Role.ADMIN:
                    raise AccountError("Không thể tự bỏ quyền quản trị của chính mình.")
                user.full_name = f.get("full_name", "").strip()
                user.role, user.area_level = role, level
                user.province, user.district, user.commune = province, district, commune
                user.phone = f.get("phone", "").strip()
                active = f.get("active") == "on"
                if user.id == g.user.id and not active:
                    raise AccountError("Không thể tự khoá tài khoản của chính mình.")
                user.active = active
                if not active:
                    user.on_duty = False
                    sessions.end_all(dbs(), user.id)
                audit("user_update", user.username, role=role.value, area_level=level.value, province=province,
                      district=district, commune=commune, active=active)
                flash("Đã lưu thay đổi.", "success")
            elif action == "password":
                set_password(user, f.get("password", ""))
                sessions.end_all(dbs(), user.id)  # a saved cookie must not outlive the old password
                audit("user_password", user.username)
                flash("Đã đặt mật khẩu mới.", "success")
            elif action == "pin":  # the PIN this user keys in at the studio extension (admins record prompts)
                _set_pin(user, f.get("pin", ""))
            elif action == "token":
                token = new_api_token(user)
                audit("user_api_token", user.username)
                flash("Đã tạo mã API mới. Mã chỉ hiện một lần.", "success")
            else:
                abort(400)
        except PinError as exc:
            dbs().rollback()
            flash(str(exc), "error")
            return redirect(url_for("users.edit", user_id=user_id))
        except ValueError:
            dbs().rollback()
            flash("Vai trò hoặc cấp địa bàn không hợp lệ.", "error")
            return redirect(url_for("users.edit", user_id=user_id))
        except AccountError as exc:
            dbs().rollback()
            flash(str(exc), "error")
            return redirect(url_for("users.edit", user_id=user_id))
        dbs().commit()
        if token is None:
            return redirect(url_for("users.edit", user_id=user_id))
    return render_template("users/edit.html", user=user, roles=list(Role), levels=list(AreaLevel), token=token)


class PinError(Exception):
    """A PIN the form cannot set (message in Vietnamese, for staff)."""


def _set_pin(user: StaffUser, pin: str) -> None:
    """Set (or with an empty ``pin``, remove) ``user``'s phone PIN; audited, never logged."""
    pin = pin.strip()
    if not pin:
        user.phone_pin_hash = ""
        audit("user_phone_pin", user.username, removed=True)
        flash("Đã xoá mã PIN điện thoại.", "success")
        return
    try:
        stored = hash_pin(pin)
    except ValueError as exc:
        raise PinError(str(exc)) from None
    # the PIN alone names the staff member on the phone: two users with one PIN would be confused
    others = dbs().scalars(select(StaffUser.phone_pin_hash).where(StaffUser.id != user.id,
                                                                  StaffUser.phone_pin_hash != ""))
    if any(pin_matches(pin, other) for other in others):
        raise PinError("Mã PIN này không dùng được. Hãy chọn mã khác.")
    user.phone_pin_hash = stored
    audit("user_phone_pin", user.username)
    flash("Đã đặt mã PIN điện thoại.", "success")


@bp.route("/me/pin", methods=["GET", "POST"])
@login_required
def my_pin():  # type: ignore[no-untyped-def]
    """A user sets their own phone PIN (their password first: a left-open session must not do it)."""
    user = dbs().get(StaffUser, g.user.id)
    if user is None:
        abort(404)
    if request.method == "POST":
        if not check_password_hash(user.password_hash, request.form.get("password", "")):
            flash("Mật khẩu hiện tại không đúng.", "error")
            return redirect(url_for("users.my_pin"))
        try:
            _set_pin(user, request.form.get("pin", ""))
        except PinError as exc:
            dbs().rollback()
            flash(str(exc), "error")
            return redirect(url_for("users.my_pin"))
        dbs().commit()
        return redirect(url_for("users.my_pin"))
    return render_template("users/pin.html", user=user)
