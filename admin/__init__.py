"""The web admin for duty doctors and admins (Vietnamese UI).

``create_app()`` is the factory; each screen is one Blueprint in its own module.
The configuration is read once by the caller (CLI or tests) and passed in.
"""
from __future__ import annotations

import gc
import os
import secrets
from collections.abc import Mapping
from datetime import timedelta
from pathlib import Path
from typing import Any

from flask import Flask
from flask_wtf.csrf import CSRFProtect

from ivr import config as config_mod
from ivr.config import Config
from ivr.store.database import Database

csrf = CSRFProtect()

#: Extra bytes allowed above ``max_upload_bytes`` for the multipart envelope and form fields.
UPLOAD_ENVELOPE = 64 * 1024


def secret_key(cfg: Config) -> str:
    """``cfg.secret_key``, else one generated once into ``<data_dir>/secret_key`` (mode 0600)."""
    if cfg.secret_key:
        return cfg.secret_key
    path = Path(cfg.data_dir) / "secret_key"
    try:
        return path.read_text(encoding="ascii").strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process won the race: use its key
        return path.read_text(encoding="ascii").strip()
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(key + "\n")
    return key


def create_app(test_config: Mapping[str, Any] | None = None, cfg: Config | None = None,
               db: Database | None = None) -> Flask:
    """The admin application for ``cfg`` (default: ``ivr.config.load()``)."""
    cfg = cfg if cfg is not None else config_mod.load()
    app = Flask(__name__)
    app.config.update(
        SECRET_KEY=secret_key(cfg),
        SESSION_COOKIE_NAME="f0_admin",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=cfg.admin_secure_cookies,
        PERMANENT_SESSION_LIFETIME=timedelta(minutes=cfg.session_minutes),
        MAX_CONTENT_LENGTH=cfg.max_upload_bytes + UPLOAD_ENVELOPE,
        WTF_CSRF_TIME_LIMIT=None,  # the token lives as long as the (expiring) session
        WTF_CSRF_SSL_STRICT=cfg.admin_secure_cookies,
        JSON_AS_ASCII=False,
        LOGIN_MAX_FAILURES=5,  # per (client address, user name)
        LOGIN_MAX_FAILURES_PER_ADDRESS=20,  # per client address, over every user name
        LOGIN_WINDOW_S=15 * 60,
        BOARD_POLL_MS=1000,
    )
    if test_config:
        app.config.update(test_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    database = db if db is not None else Database.for_config(cfg)
    app.extensions["ivr_cfg"] = cfg
    app.extensions["ivr_db"] = database
    csrf.init_app(app)
    from .proxy import TrustedProxies

    app.wsgi_app = TrustedProxies(app.wsgi_app, cfg.admin_trusted_proxies)  # type: ignore[method-assign]

    from . import (
        api,
        audit,
        auth,
        board,
        calls,
        checkins,
        flows,
        knowledge,
        notify_targets,
        patients,
        prompts,
        rules,
        stats,
        users,
        web,
    )

    web.init_app(app)
    for module in (auth, board, calls, patients, checkins, flows, knowledge, prompts, rules, stats, audit, users,
                   notify_targets, api):
        app.register_blueprint(module.bp)
    if not app.testing:
        # A full garbage collection walks every tracked object of the process: with the admin loaded that
        # took ~70 ms, every few board requests (1,000 rows allocate enough to trigger one). What exists at
        # start-up (modules, mappers, the app) lives as long as the process: keep it out of those walks.
        gc.freeze()
    return app
