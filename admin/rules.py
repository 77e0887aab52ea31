"""Triage rules screen (admins, doctors): the rule pack in force, its rules in words, and its source (read-only)."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, abort, render_template

from escalation import triage
from ivr.store.models import Role

from .web import roles_required

bp = Blueprint("rules", __name__, url_prefix="/rules")
_INTENT_LABELS = {"emergency": "xin cấp cứu", "request_doctor": "xin gặp bác sĩ"}
_OPS_VI = {"<": "<", "<=": "≤", ">": ">", ">=": "≥", "==": "="}


def condition_text(rule: triage.Rule) -> str:
    """What must hold for ``rule`` to fire, in Vietnamese."""
    parts = []
    if rule.intents is not None:
        parts.append("người gọi " + " hoặc ".join(_INTENT_LABELS.get(i, i) for i in rule.intents))
    if rule.symptoms is not None:
        parts.append("có " + (" hoặc ".join(triage.SYMPTOM_LABELS.get(s, s) for s in rule.symptoms)
                              if rule.symptoms else "bất kỳ triệu chứng nào"))
    if rule.risk_factors is not None:
        parts.append("có bệnh nền/yếu tố nguy cơ " + (
            " hoặc ".join(triage.RISK_FACTOR_LABELS.get(r, r) for r in rule.risk_factors)
            if rule.risk_factors else "bất kỳ"))
    if rule.vital is not None:
        v = rule.vital
        parts.append(f"{triage.VITAL_LABELS.get(v.name, v.name)} {_OPS_VI.get(v.op, v.op)} {triage._fmt(v.value)}")
    return " và ".join(parts) or "luôn luôn"


@bp.route("/")
@bp.route("/<pack_id>")
@roles_required(Role.ADMIN, Role.DOCTOR)
def index(pack_id: str | None = None):  # type: ignore[no-untyped-def]
    packs = triage.load_packs()
    active = triage.default_triage().pack
    pack = active if pack_id is None else next((p for p in packs if p.id == pack_id), None)
    if pack is None:
        abort(404)
    source = Path(pack.path).read_text(encoding="utf-8") if pack.path else ""
    rules = [{"rule": r, "when": condition_text(r)} for r in pack.rules]
    return render_template("rules/index.html", packs=packs, pack=pack, active=active, rules=rules, source=source,
                           file=Path(pack.path).name)
