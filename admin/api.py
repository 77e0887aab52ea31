"""JSON API for the live board and other tools: session cookie or ``Authorization: Bearer <token>``.

Read-only (GET), so the CSRF token is not involved; actions go through the board's forms.
"""
from __future__ import annotations

import hashlib
import json
from datetime import UTC

from flask import Blueprint, Response, g, jsonify, request

from ivr.store.models import utcnow

from .board import open_rows, visible_escalation
from .present import escalation_rows
from .web import dbs, login_required

bp = Blueprint("api", __name__, url_prefix="/api")
_VOLATILE = ("waited_s", "waited_text")


@bp.route("/escalations")
@login_required
def escalations():  # type: ignore[no-untyped-def]
    """Open escalations the caller may see, most urgent first.

    Waiting times are left out (``created_at`` and the ``X-Server-Now`` header give them), so the body
    changes only when the queue does: its hash is the ETag, and ``If-None-Match`` gets ``304``.
    """
    rows = open_rows()
    for r in rows:  # the rows are this request's own: drop the volatile keys in place
        for k in _VOLATILE:
            del r[k]
    body = json.dumps({"count": len(rows), "escalations": rows}, ensure_ascii=False, separators=(",", ":"))
    digest = hashlib.sha256(f"{g.user.id}:{body}".encode()).hexdigest()[:32]
    now = utcnow().replace(tzinfo=UTC).isoformat()
    if request.if_none_match.contains(digest):
        resp = Response(status=304)
    else:
        resp = Response(body, mimetype="application/json")
    resp.set_etag(digest)
    resp.headers["X-Server-Now"] = now
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/escalations/<int:esc_id>")
@login_required
def escalation(esc_id: int):  # type: ignore[no-untyped-def]
    esc = visible_escalation(esc_id)
    return jsonify(escalation_rows(dbs(), [esc])[0])


@bp.route("/me")
@login_required
def me():  # type: ignore[no-untyped-def]
    u = g.user
    return jsonify(id=u.id, username=u.username, full_name=u.full_name, role=u.role.value,
                   area_level=u.area_level.value, province=u.province, district=u.district, commune=u.commune,
                   on_duty=u.on_duty)
