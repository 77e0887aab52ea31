"""``ivr patients import FILE.csv``: the admin's F0 list import from the command line.

The same format, per-row checks and messages as the admin's import screen (``admin.patient_import``),
all or nothing: with any error nothing is written, every error is printed with its line, and the
exit status is 1. Run as an operator with the whole hotline's scope (the admin role).
"""
from __future__ import annotations

import argparse
import json
from pathlib import Path

from ivr.config import Config
from ivr.store.database import Database, check_schema
from ivr.store.models import AuditLog, Role, StaffUser, utcnow

from .patient_import import MAX_BYTES, ImportReport, apply_import, parse_csv


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("patients", help="the F0 list", parents=[common])
    psub = p.add_subparsers(dest="patients_command", metavar="ACTION")
    psub.required = True
    im = psub.add_parser("import", parents=[common], help="import an F0 list (CSV, the admin's format); "
                                                          "all rows or none")
    im.add_argument("file", metavar="FILE.csv")
    im.add_argument("--json", action="store_true", help='one JSON object: {"created", "updated", "errors"}')
    im.set_defaults(run=run_import)


def import_file(db: Database, data: bytes, *, actor: str = "cli") -> ImportReport:
    """Parse, check and (only when every row is right) write the list; returns the report."""
    if len(data) > MAX_BYTES:
        report = ImportReport()
        report.errors.append((0, f"Tệp quá lớn (tối đa {MAX_BYTES // 1_000_000} MB)."))
        return report
    report = parse_csv(data)
    if not report.ok:
        return report
    operator = StaffUser(username=actor, role=Role.ADMIN, province="", password_hash="")  # never stored
    with db.sessions() as s:
        report = apply_import(s, report, operator)
        if not report.ok:
            s.rollback()
            return report
        s.add(AuditLog(at=utcnow(), actor=actor, action="patient_import", target="cli",
                       detail={"created": report.created, "updated": report.updated}))
        s.commit()
    return report


def run_import(args: argparse.Namespace, cfg: Config) -> int:
    path = Path(args.file)
    try:
        data = path.read_bytes()
    except OSError as exc:
        print(f"ivr patients import: không đọc được tệp {path}: {exc.strerror or exc}")
        return 2
    db = Database(cfg.db_url)
    try:
        check_schema(db.engine)
        report = import_file(db, data)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps({"created": report.created, "updated": report.updated,
                          "errors": [{"line": line, "message": msg} for line, msg in report.errors]},
                         ensure_ascii=False, indent=2))
    elif report.ok:
        print(f"Đã nhập {report.created + report.updated} bệnh nhân: {report.created} mới, {report.updated} cập nhật.")
    else:
        print(f"Không nhập dòng nào: {len(report.errors)} lỗi cần sửa trong tệp.")
        for line, msg in report.errors:
            print(f"  dòng {line}: {msg}" if line else f"  {msg}")
    return 0 if report.ok else 1
