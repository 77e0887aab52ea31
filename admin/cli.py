"""``ivr admin create-user`` and ``ivr admin serve``: staff accounts and the web admin."""
from __future__ import annotations

import argparse
import getpass
import logging
import sys
from typing import Any

from ivr.config import Config
from ivr.errors import IvrError
from ivr.store.database import Database, check_schema

log = logging.getLogger(__name__)


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("admin", help="web admin: staff accounts and the server", parents=[common])
    asub = p.add_subparsers(dest="admin_command", metavar="ACTION")
    asub.required = True

    cu = asub.add_parser("create-user", parents=[common],
                         help="create a staff account; the password is read from a prompt or standard input")
    cu.add_argument("username")
    cu.add_argument("--role", required=True, choices=("admin", "doctor", "viewer"))
    cu.add_argument("--full-name", default="")
    cu.add_argument("--area-level", default="province", choices=("commune", "district", "province"))
    cu.add_argument("--province", default="")
    cu.add_argument("--district", default="")
    cu.add_argument("--commune", default="")
    cu.add_argument("--phone", default="", help="number or SIP extension for live bridges")
    cu.set_defaults(run=run_create_user)

    sv = asub.add_parser("serve", parents=[common], help="serve the web admin (waitress) on admin_host:admin_port")
    sv.add_argument("--admin-port", type=int, metavar="N", help="port (default: admin_port from the config)")
    sv.add_argument("--admin-host", metavar="ADDR", help="address (default: admin_host from the config)")
    sv.add_argument("--threads", type=int, default=8, help="worker threads (default 8)")
    sv.set_defaults(run=run_serve, config_overrides=lambda a: {"admin_port": getattr(a, "admin_port", None),
                                                               "admin_host": getattr(a, "admin_host", None)})


def read_password(stdin: Any = None) -> str:
    """From a prompt (typed twice) on a terminal, else the first line of standard input. Never a default."""
    stdin = stdin if stdin is not None else sys.stdin
    if stdin.isatty():
        first = getpass.getpass("Mật khẩu: ")
        if first != getpass.getpass("Nhập lại mật khẩu: "):
            raise IvrError("Hai lần nhập mật khẩu không khớp.")
        return first
    line = stdin.readline()
    return line.removesuffix("\n")


def run_create_user(args: argparse.Namespace, cfg: Config) -> int:
    from admin.accounts import create_user

    password = read_password()
    if not password:
        raise IvrError("Chưa nhập mật khẩu (không có mật khẩu mặc định).")
    db = Database(cfg.db_url)
    try:
        check_schema(db.engine)
        with db.session() as s:
            user = create_user(s, username=args.username, password=password, role=args.role,
                               full_name=args.full_name, area_level=args.area_level, province=args.province,
                               district=args.district, commune=args.commune, phone=args.phone)
            from ivr.store.models import AuditLog, utcnow

            s.add(AuditLog(at=utcnow(), actor="cli", action="user_create", target=user.username,
                           detail={"role": args.role, "area_level": args.area_level}))
            print(f"created {args.role} '{user.username}' (id {user.id})")
    finally:
        db.dispose()
    return 0


def waitress_options(cfg: Config) -> dict[str, Any]:
    """How waitress serves the admin (the tests serve it the same way).

    Forwarded headers pass through to the app, which believes them only from ``admin_trusted_proxies``
    and removes them from everyone else (``admin.proxy``); waitress's own ``trusted_proxy`` takes a
    single address.
    """
    return {"ident": "f0-admin", "max_request_body_size": cfg.max_upload_bytes + 64 * 1024,
            "clear_untrusted_proxy_headers": False}


def run_serve(args: argparse.Namespace, cfg: Config) -> int:
    import waitress

    from admin import create_app

    db = Database(cfg.db_url)
    check_schema(db.engine)
    app = create_app(cfg=cfg, db=db)
    log.info("admin listening on http://%s:%d", cfg.admin_host, cfg.admin_port)
    print(f"admin: http://{cfg.admin_host}:{cfg.admin_port}/", flush=True)
    try:
        waitress.serve(app, host=cfg.admin_host, port=cfg.admin_port, threads=args.threads,
                       **waitress_options(cfg))
    finally:
        renderer = app.extensions.get("ivr_renderer")
        if renderer is not None:
            renderer.close()
        db.dispose()
    return 0
