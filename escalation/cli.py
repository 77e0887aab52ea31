"""``ivr escalations list [--json]``: open escalations in priority order."""
from __future__ import annotations

import argparse
import json
from datetime import UTC
from typing import Any

from escalation import queue
from escalation.area import TIER_LABELS
from escalation.priority import RISK_LABELS, waiting_s
from ivr.config import Config
from ivr.store.database import Database, check_schema
from ivr.store.models import Patient, utcnow
from ivr.vocabulary import ESCALATION_KIND_LABELS, EscalationKind


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("escalations", help="the escalation queue", parents=[common])
    esub = p.add_subparsers(dest="escalations_command", metavar="ACTION")
    esub.required = True
    ls = esub.add_parser("list", help="open cases, most urgent first", parents=[common])
    ls.add_argument("--json", action="store_true", help="one JSON array instead of a table")
    ls.set_defaults(run=run_list)


def _mmss(seconds: float) -> str:
    s = int(seconds)
    return f"{s // 3600}:{s % 3600 // 60:02d}:{s % 60:02d}" if s >= 3600 else f"{s // 60}:{s % 60:02d}"


def run_list(args: argparse.Namespace, cfg: Config) -> int:
    db = Database(cfg.db_url)
    try:
        check_schema(db.engine)
        now = utcnow()
        cases = queue.list_open(db, now=now, cfg=cfg)
        ids = {c.patient_id for c in cases if c.patient_id is not None}
        with db.session() as s:
            patients = {p.id: p for p in s.query(Patient).filter(Patient.id.in_(ids))} if ids else {}
    finally:
        db.dispose()
    rows: list[dict[str, Any]] = []
    for c in cases:
        p = patients.get(c.patient_id) if c.patient_id is not None else None
        rows.append({
            "id": c.id,
            "risk": c.risk,
            "kind": c.kind,  # clinical | not_reached (the check-in calls could not reach the patient)
            "status": c.status.value,
            "mode": c.mode,
            "waiting_s": int(waiting_s(c.created_at, now)),
            "caller": c.caller,
            "patient_id": c.patient_id,
            "patient": p.name if p else "",
            "area": {"province": c.province, "district": c.district, "commune": c.commune},
            "tier": c.tier.value,
            "reason": c.reason,
            "reasons": list(c.reasons or []),
            "created_at": c.created_at.replace(tzinfo=UTC).isoformat(),
        })
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    if not rows:
        print("Không có ca nào đang mở.")
        return 0
    header = ("#", "nguy cơ", "trạng thái", "đã chờ", "người gọi", "bệnh nhân", "địa bàn", "tuyến", "lý do")
    table: list[tuple[str, ...]] = [header]
    for r in rows:
        area_text = ", ".join(v for v in (r["area"]["commune"], r["area"]["district"], r["area"]["province"]) if v)
        risk = RISK_LABELS.get(r["risk"], r["risk"])
        if r["kind"] != EscalationKind.CLINICAL:
            risk += f" ({ESCALATION_KIND_LABELS.get(r['kind'], r['kind']).lower()})"
        table.append((str(r["id"]), risk,
                      queue.STATUS_LABELS.get(r["status"], r["status"]), _mmss(r["waiting_s"]), r["caller"] or "-",
                      r["patient"] or (f"#{r['patient_id']}" if r["patient_id"] else "-"), area_text or "-",
                      TIER_LABELS.get(r["tier"], r["tier"]), "; ".join(r["reasons"]) or r["reason"]))
    widths = [max(len(row[i]) for row in table) for i in range(len(header) - 1)]
    for row in table:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths)) + "  " + row[-1])
    return 0
