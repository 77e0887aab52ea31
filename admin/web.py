"""Shared request plumbing: database session, the signed-in staff user, roles, audit, labels."""
from __future__ import annotations

import functools
import hashlib
import hmac
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, TypeVar
from zoneinfo import ZoneInfo

from flask import (
    Flask,
    abort,
    current_app,
    flash,
    g,
    redirect,
    request,
    session,
    url_for,
)
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from escalation import queue, triage
from ivr.config import Config
from ivr.engine import labels
from ivr.store.database import Database
from ivr.store.models import AuditLog, Role, StaffUser, utcnow
from ivr.vocabulary import CALL_OUTCOME_LABELS, MODE_LABELS, RISK_LABELS

F = TypeVar("F", bound=Callable[..., Any])
LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")

STATUS_LABELS = queue.STATUS_LABELS
OUTCOME_LABELS = queue.OUTCOMES
ROLE_LABELS = {"admin": "Quản trị", "doctor": "Bác sĩ", "viewer": "Chỉ xem"}
AREA_LEVEL_LABELS = {"commune": "Xã/phường", "district": "Quận/huyện", "province": "Tỉnh/thành phố"}
CARE_LABELS = {"home": "Điều trị tại nhà", "transferred": "Đã chuyển tầng", "discharged": "Đã khỏi/ra viện"}
SYMPTOM_LABELS = triage.SYMPTOM_LABELS
VITAL_LABELS = triage.VITAL_LABELS
RISK_FACTOR_LABELS = triage.RISK_FACTOR_LABELS
EVENT_LABELS = labels.EVENT_LABELS


#: The largest id a database integer column holds (SQLite and PostgreSQL BIGINT): larger ids do not exist.
MAX_DB_ID = 2**31 - 1  # ids are INTEGER columns: 32-bit on PostgreSQL (a larger one is a DataError there)
#: Pages past this are empty anyway; the bound keeps ``OFFSET`` within a database integer.
MAX_PAGE = 1_000_000


class DatabaseId(IntegerConverter):
    """``<int:...>`` in the admin's routes: a non-negative id a database can hold; larger ones do not match (404)."""

    def __init__(self, map: Any, fixed_digits: int = 0, min: int | None = None, max: int | None = MAX_DB_ID,
                 signed: bool = False) -> None:
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def page_arg() -> int:
    """``?page=`` as a page number from 1 to ``MAX_PAGE``."""
    return max(1, min(request.args.get("page", 1, type=int) or 1, MAX_PAGE))


def id_arg(name: str) -> int | None:
    """``?<name>=`` as a database id, or None when missing, malformed or out of range."""
    value = request.args.get(name, type=int)
    return value if value is not None and 0 <= value <= MAX_DB_ID else None


def cfg() -> Config:
    return current_app.extensions["ivr_cfg"]  # type: ignore[no-any-return]


def database() -> Database:
    return current_app.extensions["ivr_db"]  # type: ignore[no-any-return]


M = TypeVar("M")


def visible(model: type[M], obj_id: int) -> M:
    """Row ``obj_id`` of ``model`` if the signed-in user may see it; 404 otherwise (no existence leak)."""
    from .scope import can_see

    obj = dbs().get(model, obj_id)
    if obj is None or not can_see(g.user, obj):
        abort(404)
    return obj


def dbs() -> Session:
    """The request's database session (closed at teardown; commit explicitly)."""
    if "dbs" not in g:
        g.dbs = database().sessions()
    return g.dbs  # type: ignore[no-any-return]


def _close_session(exc: BaseException | None) -> None:
    s = g.pop("dbs", None)
    if s is not None:
        if exc is not None:
            s.rollback()
        s.close()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _load_user() -> None:
    """Sets ``g.user`` from a bearer token (API) or the session; expires old sessions."""
    g.user = None
    if request.endpoint == "static":
        return
    header = request.headers.get("Authorization", "")
    if header.startswith("Bearer ") and request.blueprint == "api":
        token = header[len("Bearer "):].strip()
        token_uid, _, _secret = token.partition(".")
        if token_uid.isdigit():
            user = dbs().get(StaffUser, int(token_uid))
            if (user is not None and user.active and user.api_token_hash
                    and hmac.compare_digest(user.api_token_hash, token_digest(token))):
                g.user = user
                g.via_token = True
        return
    from . import sessions

    sid = session.get(sessions.SID)
    if not isinstance(sid, str) or not sid:  # not signed in (a cookie from before server-side sessions too)
        return
    login_at = float(session.get("login_at", 0))
    if time.time() - login_at > cfg().session_minutes * 60:
        session.clear()
        g.session_expired = True
        return
    user, expired = sessions.lookup(dbs(), sid)
    if user is None:  # logged out, revoked (password change, deactivation) or expired server-side
        session.clear()
        g.session_expired = expired
        return
    g.user = user


def login_required(view: F) -> F:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None:
            if request.blueprint == "api":
                abort(401)
            if g.get("session_expired"):
                flash("Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.", "warning")
            return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
        return view(*args, **kwargs)
    return wrapped  # type: ignore[return-value]


def roles_required(*roles: Role) -> Callable[[F], F]:
    """Signed in with one of ``roles``, else 403."""
    def decorator(view: F) -> F:
        @functools.wraps(view)
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if g.user is None:
                return login_required(view)(*args, **kwargs)
            if g.user.role not in roles:
                abort(403)
            return view(*args, **kwargs)
        return wrapped  # type: ignore[return-value]
    return decorator


admin_only = roles_required(Role.ADMIN)
can_act = roles_required(Role.ADMIN, Role.DOCTOR)


def actor() -> str:
    return g.user.username if g.get("user") is not None else "anonymous"


def audit(action: str, target: str = "", **detail: Any) -> None:
    """Adds an audit row to the request session (committed with the change it records)."""
    dbs().add(AuditLog(at=utcnow(), actor=actor(), action=action, target=target, detail=detail,
                       ip=request.remote_addr or ""))


def local_time(value: datetime | None, fmt: str = "%d/%m/%Y %H:%M") -> str:
    if value is None:
        return ""
    return value.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime(fmt)


def duration_vi(seconds: float | None) -> str:
    if seconds is None:
        return ""
    seconds = max(0, int(seconds))
    h, rem = divmod(seconds, 3600)
    m, s = divmod(rem, 60)
    if h:
        return f"{h} giờ {m} phút"
    if m:
        return f"{m} phút {s} giây"
    return f"{s} giây"


def waited_s(created_at: datetime, now: datetime | None = None) -> float:
    return ((now or utcnow()) - created_at).total_seconds()


def area_text(obj: Any) -> str:
    parts = [getattr(obj, k, "") for k in ("commune", "district", "province")]
    return ", ".join(p for p in parts if p) or "Chưa rõ địa bàn"


@functools.cache
def _pack_titles() -> dict[str, str]:
    try:
        packs = triage.load_packs()
    except Exception:  # noqa: BLE001 - a page must render even if the packs on disk are broken
        return {}
    return {p.label: f"{p.title} ({p.source})" for p in packs}


def pack_title(label: str) -> str:
    """A rule pack (``moh-261-2022@1``) as staff read it: its title and source decision."""
    return _pack_titles().get(label, "Bộ quy tắc khác") if label else ""


def _security_headers(response: Any) -> Any:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; media-src 'self' blob:; style-src 'self'; "
        "script-src 'self'; frame-ancestors 'none'; form-action 'self'",
    )
    if g.get("user") is not None:
        response.headers.setdefault("Cache-Control", "no-store")
    return response


def _error_page(code: int, title: str, text: str) -> Callable[[Any], Any]:
    def handler(_exc: Any) -> Any:
        from flask import jsonify, render_template
        if request.blueprint == "api" or request.accept_mimetypes.best == "application/json":
            return jsonify(error=text), code
        return render_template("error.html", code=code, title=title, text=text), code
    return handler


def init_app(app: Flask) -> None:
    app.url_map.converters["int"] = DatabaseId  # before the blueprints' rules are added
    app.before_request(_load_user)
    app.teardown_appcontext(_close_session)
    app.after_request(_security_headers)
    app.register_error_handler(403, _error_page(403, "Không có quyền",
                                                "Tài khoản của bạn không có quyền làm việc này."))
    app.register_error_handler(404, _error_page(404, "Không tìm thấy", "Trang hoặc hồ sơ này không tồn tại "
                                                "hoặc không thuộc địa bàn của bạn."))
    app.register_error_handler(401, _error_page(401, "Chưa đăng nhập", "Vui lòng đăng nhập."))
    app.register_error_handler(413, _error_page(413, "Tệp quá lớn", "Tệp tải lên vượt quá dung lượng cho phép."))
    from flask_wtf.csrf import CSRFError
    app.register_error_handler(CSRFError, _error_page(
        400, "Phiên biểu mẫu không hợp lệ",
        "Biểu mẫu đã hết hạn hoặc không hợp lệ. Vui lòng tải lại trang rồi thử lại."))
    app.jinja_env.filters.update(
        vntime=local_time, duration=duration_vi, area=area_text,
        symptoms_vi=lambda xs: ", ".join(SYMPTOM_LABELS.get(x, x) for x in xs or ()),
        factors_vi=lambda xs: ", ".join(RISK_FACTOR_LABELS.get(x, x) for x in xs or ()),
        vitals_vi=lambda d: ", ".join(f"{VITAL_LABELS.get(k, k)} {v:g}" if isinstance(v, (int, float)) else
                                      f"{VITAL_LABELS.get(k, k)} {v}" for k, v in (d or {}).items()),
    )
    app.jinja_env.filters.update(
        node_vi=labels.node_label, intent_vi=labels.intent_label, event_vi=labels.event_label,
        actor_vi=labels.actor_label, reason_vi=labels.reason_label, detail_vi=labels.event_detail_label,
        flow_vi=labels.flow_label,
        risk_vi=lambda r: RISK_LABELS.get(str(getattr(r, "value", r) or ""), "Chưa đánh giá"),
        status_vi=lambda st: STATUS_LABELS.get(str(getattr(st, "value", st) or ""), "Trạng thái khác"),
        outcome_vi=lambda o: OUTCOME_LABELS.get(str(o or ""), "Kết quả khác") if o else "",
        call_outcome_vi=lambda o: CALL_OUTCOME_LABELS.get(str(o or ""), "Kết quả khác"),
        mode_vi=lambda m: MODE_LABELS.get(str(getattr(m, "value", m) or ""), "Hình thức khác"),
    )
    app.jinja_env.globals.update(
        RISK_LABELS=RISK_LABELS, STATUS_LABELS=STATUS_LABELS, OUTCOME_LABELS=OUTCOME_LABELS,
        CALL_OUTCOME_LABELS=CALL_OUTCOME_LABELS, ROLE_LABELS=ROLE_LABELS, AREA_LEVEL_LABELS=AREA_LEVEL_LABELS,
        CARE_LABELS=CARE_LABELS, MODE_LABELS=MODE_LABELS, enum_value=lambda v: getattr(v, "value", v),
        SYMPTOM_LABELS=SYMPTOM_LABELS, VITAL_LABELS=VITAL_LABELS, RISK_FACTOR_LABELS=RISK_FACTOR_LABELS,
        EVENT_LABELS=EVENT_LABELS, pack_title=pack_title,
    )
