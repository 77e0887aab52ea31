"""JSON API for the live board and other tools: session cookie or ``Authorization: Bearer <token>``.

Read-only (GET), so the CSRF token is not involved; actions go through the board's forms.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from flask import Blueprint, Response, current_app, g, jsonify, request

from escalation import queue
from ivr.store.models import utcnow

from . import present
from .board import visible_escalation
from .present import escalation_rows
from .web import MAX_DB_ID, cfg, dbs, login_required

bp = Blueprint("api", __name__, url_prefix="/api")
_VOLATILE = ("waited_s", "waited_text")


@dataclass
class _Answered:
    """What a user's board was last sent, and what it was built from: the queue's version, the user's scope,
    the cases (plain rows, for re-ordering) and their board rows, and until when waiting cannot reorder them."""

    etag: str
    version: tuple[Any, ...]
    steps_seen: int  # the newest call step when it was built (or last found unchanged)
    scope: tuple[Any, ...]
    stable_until: datetime
    cases: list[Any]
    rows: dict[int, dict[str, Any]]
    order: list[int]


def _answers() -> tuple[threading.Lock, dict[int, _Answered]]:
    store = current_app.extensions.setdefault("board_answers", (threading.Lock(), {}))
    return store  # type: ignore[no-any-return]


def _scope(user: Any) -> tuple[Any, ...]:
    """What decides which cases a user sees and in which order, besides the queue itself."""
    return (user.id, str(user.role), str(user.area_level), user.province, user.district, user.commune, user.on_duty)


def _body(user_id: int, rows: list[dict[str, Any]]) -> tuple[str, str]:
    """The JSON body of ``rows`` in this order, each with its position, and its ETag. Each row's JSON is made
    once and kept in the row (``_json``, rows are shared and immutable once built): a body is then joined,
    not serialized, which is most of the cost of re-sending 1,000 rows."""
    parts = []
    for position, r in enumerate(rows, start=1):
        text = r.get("_json")
        if text is None:
            text = r["_json"] = json.dumps({k: v for k, v in r.items() if k not in ("position", "_json")},
                                           ensure_ascii=False, separators=(",", ":"))
        parts.append(f'{{"position":{position},{text[1:]}' if len(text) > 2 else f'{{"position":{position}}}')
    body = f'{{"count":{len(rows)},"escalations":[{",".join(parts)}]}}'
    return body, hashlib.sha256(f"{user_id}:{body}".encode()).hexdigest()[:32]


def _answer(body: str | None, etag: str, now: str) -> Response:
    resp = Response(status=304) if body is None or request.if_none_match.contains(etag) else \
        Response(body, mimetype="application/json")
    resp.set_etag(etag)
    resp.headers["X-Server-Now"] = now
    resp.headers["Cache-Control"] = "no-store"
    return resp


@bp.route("/escalations")
@login_required
def escalations():  # type: ignore[no-untyped-def]
    """Open escalations the caller may see, most urgent first.

    Waiting times are left out (``created_at`` and the ``X-Server-Now`` header give them), so the body
    changes only when the queue does: its hash is the ETag, and ``If-None-Match`` gets ``304``.

    Nothing is built while nothing changed: the queue's version (``present.queue_version``, one indexed
    query) is compared with the one the user's last answer was built from. Same version and scope, before
    the moment waiting could reorder the cases: ``304`` at once. Same version later: the cases already loaded
    are re-ordered (no query); the same order is a ``304`` too, another order re-sends the rows kept. After a
    change, every open case's row is built once (``_shared``) and each board takes its own cases from it.
    """
    now_dt = utcnow()
    now = now_dt.replace(tzinfo=UTC).isoformat()
    s = dbs()
    scope = _scope(g.user)
    gap_s = cfg().priority_gap_s
    lock, answered = _answers()
    with lock:
        last = answered.get(g.user.id)
    # no answer kept: everything is built anyway, the newest step is all that is needed
    version, newest_step, new_words = present.queue_version(s, last.steps_seen if last is not None else MAX_DB_ID)
    if last is not None and last.version == version and last.scope == scope and not new_words:
        last.steps_seen = newest_step  # steps of other calls: not looked at again
        if now_dt < last.stable_until:
            return _answer(None, last.etag, now) if request.if_none_match.contains(last.etag) else \
                _answer(_body(g.user.id, [last.rows[i] for i in last.order])[0], last.etag, now)
        cases = queue.order_open(last.cases, staff=g.user, now=now_dt, gap_s=gap_s)
        order = [c.id for c in cases]
        body, etag = (None, last.etag) if order == last.order else _body(g.user.id, [last.rows[i] for i in order])
        with lock:
            answered[g.user.id] = _Answered(etag=etag, version=version, steps_seen=newest_step, scope=scope,
                                            cases=cases, rows=last.rows, order=order,
                                            stable_until=present.order_stable_until(cases, now_dt, gap_s))
        if body is None and not request.if_none_match.contains(etag):
            body = _body(g.user.id, [last.rows[i] for i in order])[0]
        return _answer(body, etag, now)
    base = _shared(s, version, newest_step, now_dt, gap_s)
    cases = queue.order_open(base.cases, staff=g.user, now=now_dt, gap_s=gap_s)
    order = [c.id for c in cases]
    body, etag = _body(g.user.id, [base.rows[i] for i in order])
    with lock:
        answered[g.user.id] = _Answered(etag=etag, version=version, steps_seen=newest_step, scope=scope, cases=cases,
                                        rows=base.rows, order=order,
                                        stable_until=present.order_stable_until(cases, now_dt, gap_s))
    return _answer(body, etag, now)


@dataclass
class _Shared:
    """Every open case and its board row at one version of the queue, shared by every user's answer: after
    a change the first poll builds it, the other boards only pick their cases from it."""

    version: tuple[Any, ...]
    steps_seen: int
    cases: list[Any]
    rows: dict[int, dict[str, Any]]


def _shared(s: Any, version: tuple[Any, ...], newest_step: int, now: datetime, gap_s: float) -> _Shared:
    lock, holder = current_app.extensions.setdefault("board_shared", (threading.Lock(), {}))
    with lock:
        base = holder.get("base")
    if base is not None and base.version == version and not present.queue_version(s, base.steps_seen)[2]:
        base.steps_seen = max(base.steps_seen, newest_step)  # steps of other calls: not looked at again
        return base  # type: ignore[no-any-return]
    cases = present.open_cases(s, None, gap_s=gap_s, now=now)
    rows = present.case_rows(s, cases, now)
    for r in rows:  # the rows are this build's own: drop the volatile keys in place
        for k in _VOLATILE:
            del r[k]
    base = _Shared(version=version, steps_seen=newest_step, cases=cases, rows={r["id"]: r for r in rows})
    with lock:
        holder["base"] = base
    return base


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
