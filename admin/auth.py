"""Sign in and out; failed sign-ins are rate-limited per client address and user name, and per client address."""
from __future__ import annotations

import threading
import time
from collections import deque
from urllib.parse import urlsplit

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from sqlalchemy import select
from werkzeug.security import check_password_hash, generate_password_hash

from ivr.store.models import Role, StaffUser

from . import sessions
from .web import audit, cfg, dbs

bp = Blueprint("auth", __name__)

#: A hash compared against when the user name is unknown, so timing does not reveal which names exist.
_DUMMY_HASH = generate_password_hash("not-a-real-password")


class LoginLimiter:
    """At most ``max_failures`` failed sign-ins per key within ``window_s`` seconds.

    The sign-in form uses two keys: (client address, user name) and (client address,). Nothing is
    counted per user name alone: a stranger must never be able to lock a doctor out.
    """

    #: Above this many keys, a failure first drops the keys whose failures are all older than the window.
    SWEEP_AT = 10_000

    def __init__(self) -> None:
        self._failures: dict[tuple[str, ...], deque[float]] = {}
        self._lock = threading.Lock()  # waitress request threads share the counts; it guards _failures
        self._window_s = 0.0  # the longest window asked for (the sweep keeps keys failing within it)

    def _recent(self, key: tuple[str, ...], now: float, window_s: float) -> deque[float]:
        q = self._failures.setdefault(key, deque())
        while q and q[0] <= now - window_s:
            q.popleft()
        return q

    def blocked_for(self, key: tuple[str, ...], *, max_failures: int, window_s: float,
                    now: float | None = None) -> float:
        """Seconds until ``key`` may try again (0 when allowed)."""
        now = time.monotonic() if now is None else now
        with self._lock:
            self._window_s = max(self._window_s, window_s)
            q = self._recent(key, now, window_s)
            if len(q) < max_failures:
                if not q:
                    del self._failures[key]
                return 0.0
            return q[0] + window_s - now

    def fail(self, key: tuple[str, ...], now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        with self._lock:
            if len(self._failures) >= self.SWEEP_AT:
                self._failures = {k: q for k, q in self._failures.items() if q and q[-1] > now - self._window_s}
            self._failures.setdefault(key, deque()).append(now)

    def clear(self, key: tuple[str, ...]) -> None:
        with self._lock:
            self._failures.pop(key, None)


def limiter() -> LoginLimiter:
    return current_app.extensions.setdefault("ivr_login_limiter", LoginLimiter())  # type: ignore[no-any-return]


def _safe_next(target: str | None) -> str:
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("board.index")


def home_for(user: StaffUser) -> str:
    return url_for("board.index")


@bp.route("/login", methods=["GET", "POST"])
def login():  # type: ignore[no-untyped-def]
    if request.method == "GET" and g.user is not None:
        return redirect(home_for(g.user))
    status = 200
    username = ""
    if request.method == "POST":
        username = request.form.get("username", "").strip()
        password = request.form.get("password", "")
        address = request.remote_addr or ""  # the client's, behind a trusted proxy (admin.proxy)
        key, per_address = (address, username.lower()), (address,)
        window_s = current_app.config["LOGIN_WINDOW_S"]
        wait = max(limiter().blocked_for(key, max_failures=current_app.config["LOGIN_MAX_FAILURES"],
                                         window_s=window_s),
                   limiter().blocked_for(per_address, window_s=window_s,
                                         max_failures=current_app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]))
        if wait > 0:
            minutes = max(1, round(wait / 60))
            flash(f"Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau {minutes} phút.", "error")
            audit("login_blocked", username)
            dbs().commit()
            return render_template("auth/login.html", username=username), 429
        user = dbs().scalar(select(StaffUser).where(StaffUser.username == username))
        ok = check_password_hash(user.password_hash if user else _DUMMY_HASH, password)
        if user is not None and ok and user.active:
            limiter().clear(key)
            session.clear()
            session.permanent = True
            session[sessions.SID] = sessions.start(dbs(), user, minutes=cfg().session_minutes,
                                                   ip=request.remote_addr or "")
            session["login_at"] = time.time()
            g.user = user
            audit("login", username)
            dbs().commit()
            return redirect(_safe_next(request.args.get("next")))
        limiter().fail(key)
        limiter().fail(per_address)
        audit("login_failed", username)
        dbs().commit()
        flash("Sai tên đăng nhập hoặc mật khẩu.", "error")
        status = 401
    return render_template("auth/login.html", username=username), status


@bp.route("/logout", methods=["POST"])
def logout():  # type: ignore[no-untyped-def]
    token = session.get(sessions.SID)
    if isinstance(token, str) and token:
        sessions.end(dbs(), token)  # the cookie, wherever a copy of it is kept, stops working now
    if g.user is not None:
        audit("logout", g.user.username)
    dbs().commit()
    session.clear()
    flash("Bạn đã đăng xuất.", "info")
    return redirect(url_for("auth.login"))


@bp.route("/")
def root():  # type: ignore[no-untyped-def]
    return redirect(url_for("board.index") if g.user is not None else url_for("auth.login"))


def is_admin() -> bool:
    return g.user is not None and g.user.role == Role.ADMIN
