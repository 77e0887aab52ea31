"""Triage rules screen (admins, doctors): the active rule pack, its rules and its source file (read-only)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from flask import Blueprint, abort, render_template

from ivr.models import Role

from .web import roles_required

bp = Blueprint("rules", __name__, url_prefix="/rules")
RULES_DIR = Path(__file__).resolve().parent.parent / "escalation" / "rules"


def active_pack_id() -> str:
    """The id of the pack the engine uses, as the triage itself reports it on an assessment."""
    from escalation.triage import default_triage

    return default_triage().assess(symptoms=(), vitals={}).rule_pack


def packs() -> list[dict[str, Any]]:
    out = []
    for path in sorted(RULES_DIR.glob("*.yaml")):
        text = path.read_text(encoding="utf-8")
        try:
            data = yaml.safe_load(text) or {}
        except yaml.YAMLError:
            data = {}
        out.append({"file": path.name, "id": str(data.get("id", path.stem)), "title": data.get("title", ""),
                    "source": data.get("source", ""), "version": data.get("version", ""),
                    "effective_from": data.get("effective_from", ""), "rules": data.get("rules") or [],
                    "text": text})
    return out


@bp.route("/")
@bp.route("/<pack_id>")
@roles_required(Role.ADMIN, Role.DOCTOR)
def index(pack_id: str | None = None):  # type: ignore[no-untyped-def]
    all_packs = packs()
    active = active_pack_id()
    chosen = pack_id or active
    pack = next((p for p in all_packs if p["id"] == chosen), None)
    if pack is None:
        if pack_id is not None:
            abort(404)
        pack = all_packs[0] if all_packs else None
    return render_template("rules/index.html", packs=all_packs, pack=pack, active=active)
