"""Calls screen: searchable call log; one call's path through the flow, words, digits, assessment, audio."""
from __future__ import annotations

from datetime import UTC, datetime, timedelta

from flask import Blueprint, abort, g, render_template, request, send_file
from sqlalchemy import func, or_, select
from sqlalchemy.orm import selectinload

from ivr.store.models import Assessment, Call, CallStep, Escalation, Patient
from ivr.vocabulary import STORED_CALL_OUTCOMES, risk_rank

from . import content
from .board import safe_audio_path
from .findings import findings
from .scope import call_clause
from .search import name_matches, phone_matches
from .web import LOCAL_TZ, audit, cfg, dbs, login_required, page_arg, visible

bp = Blueprint("calls", __name__, url_prefix="/calls")
PAGE = 50


def _day(text: str, *, end: bool = False) -> datetime | None:
    """A local date (YYYY-MM-DD) as naive UTC: its start, or the start of the next day."""
    try:
        d = datetime.strptime(text, "%Y-%m-%d")
    except ValueError:
        return None
    if end:
        d += timedelta(days=1)
    return d.replace(tzinfo=LOCAL_TZ).astimezone(UTC).replace(tzinfo=None)


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    a = request.args
    q, outcome = a.get("q", "").strip(), a.get("outcome", "")
    date_from, date_to = a.get("from", ""), a.get("to", "")
    page = page_arg()
    stmt = select(Call).outerjoin(Patient, Call.patient_id == Patient.id).where(call_clause(g.user))
    if q:
        like = f"%{q}%"
        said = select(CallStep.call_id).where(CallStep.transcript.ilike(like))
        stmt = stmt.where(or_(Call.caller.ilike(like), Patient.name.ilike(like), name_matches(q, Patient.name_folded),
                              phone_matches(q, Call.caller, Patient.phone), Call.id.in_(said)))
    if outcome in STORED_CALL_OUTCOMES:
        stmt = stmt.where(Call.outcome == outcome)
    start, end = _day(date_from), _day(date_to, end=True)
    if start is not None:
        stmt = stmt.where(Call.started_at >= start)
    if end is not None:
        stmt = stmt.where(Call.started_at < end)
    total = dbs().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    calls = dbs().scalars(stmt.options(selectinload(Call.patient)).order_by(Call.started_at.desc(), Call.id.desc())
                          .offset((page - 1) * PAGE).limit(PAGE)).all()
    return render_template("calls/index.html", STORED_CALL_OUTCOMES=STORED_CALL_OUTCOMES, calls=calls, q=q,
                           outcome=outcome, date_from=date_from, date_to=date_to, page=page, total=total, PAGE=PAGE)


def visible_call(obj_id: int) -> Call:
    return visible(Call, obj_id)


@bp.route("/<int:call_id>")
@login_required
def detail(call_id: int):  # type: ignore[no-untyped-def]
    call = visible_call(call_id)
    s = dbs()
    steps = s.scalars(select(CallStep).where(CallStep.call_id == call.id).order_by(CallStep.seq)).all()
    assessments = s.scalars(select(Assessment).where(Assessment.call_id == call.id).order_by(Assessment.at)).all()
    escalations = s.scalars(select(Escalation).where(Escalation.call_id == call.id)).all()
    audit("call_view", f"call:{call.id}", patient_id=call.patient_id)
    s.commit()
    catalog = content.effective_catalog(s, cfg())
    f = findings(call, steps, assessments[-1] if assessments else None,
                 risk=max((e.risk for e in escalations), key=lambda r: -risk_rank(r), default=""))
    return render_template("calls/detail.html", call=call, steps=steps, assessments=assessments, f=f,
                           escalations=escalations, has_audio=safe_audio_path(call.recording_path) is not None,
                           prompt_text=lambda pid: catalog.text(pid) if pid and pid in catalog else "")


@bp.route("/<int:call_id>/recording")
@login_required
def recording(call_id: int):  # type: ignore[no-untyped-def]
    call = visible_call(call_id)
    path = safe_audio_path(call.recording_path)
    if path is None:
        abort(404)
    audit("recording_listen", f"call:{call.id}", patient_id=call.patient_id)
    dbs().commit()
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=0)
