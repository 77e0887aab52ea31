"""Escalation board (doctors' home): the live queue, one case, pick / note / resolve, on-duty toggle."""
from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from sqlalchemy import select

from escalation import queue
from escalation.errors import EscalationError
from ivr.store.models import Assessment, Call, CallStep, Escalation, EscalationEvent, Patient, StaffUser
from ivr.vocabulary import EscalationMode

from . import present
from .findings import findings
from .present import escalation_rows
from .web import (
    OUTCOME_LABELS,
    audit,
    can_act,
    cfg,
    database,
    dbs,
    login_required,
    visible,
)

bp = Blueprint("board", __name__, url_prefix="/board")


def open_rows() -> list[dict[str, Any]]:
    return present.open_rows(dbs(), g.user, gap_s=cfg().priority_gap_s)


def visible_escalation(obj_id: int) -> Escalation:
    return visible(Escalation, obj_id)


def holding_case(esc: Escalation) -> Escalation | None:
    """The case this case's caller holds on the line for now, if it is another one: a live case of the
    same patient (or, without a patient, the same number) that no doctor has picked yet."""
    if esc.patient_id is not None:
        same = Escalation.patient_id == esc.patient_id
    elif esc.caller:
        same = (Escalation.patient_id.is_(None)) & (Escalation.caller == esc.caller)
    else:
        return None
    return dbs().scalars(select(Escalation).where(
        same, Escalation.id != esc.id, Escalation.mode == EscalationMode.LIVE,
        Escalation.status.in_(queue.UNPICKED)).order_by(Escalation.id.desc()).limit(1)).first()


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    rows = open_rows()
    return render_template("board/index.html", rows=rows, me=g.user, counts=Counter(r["risk"] for r in rows))


@bp.route("/duty", methods=["POST"])
@can_act
def duty():  # type: ignore[no-untyped-def]
    on = request.form.get("on") == "1"
    queue.set_on_duty(database(), g.user.id, on)  # audited by the queue
    flash("Bạn đang trực. Ca mới sẽ được báo cho bạn." if on else "Bạn đã kết thúc ca trực.", "success")
    return redirect(url_for("board.index"))


@bp.route("/<int:esc_id>")
@login_required
def case(esc_id: int):  # type: ignore[no-untyped-def]
    esc = visible_escalation(esc_id)
    s = dbs()
    row = escalation_rows(s, [esc])[0]
    patient = s.get(Patient, esc.patient_id) if esc.patient_id is not None else None
    call = s.get(Call, esc.call_id) if esc.call_id is not None else None
    steps = list(s.scalars(select(CallStep).where(CallStep.call_id == call.id).order_by(CallStep.seq))) if call else []
    events = list(s.scalars(select(EscalationEvent).where(EscalationEvent.escalation_id == esc.id)
                            .order_by(EscalationEvent.at, EscalationEvent.id)))
    picker = s.get(StaffUser, esc.picked_by_id) if esc.picked_by_id is not None else None
    assessment = s.get(Assessment, esc.assessment_id) if esc.assessment_id is not None else None
    if assessment is None and call is not None:
        assessment = s.scalars(select(Assessment).where(Assessment.call_id == call.id)
                               .order_by(Assessment.at.desc()).limit(1)).first()
    f = findings(call, steps, assessment, risk=esc.risk, reasons=row["reasons"] or [row["reason"]])
    audit("escalation_view", f"escalation:{esc.id}", patient_id=esc.patient_id)
    s.commit()
    return render_template("board/case.html", esc=esc, row=row, patient=patient, call=call, steps=steps, f=f,
                           events=events, picker=picker, has_audio=_recording_path(esc) is not None,
                           holding=holding_case(esc),
                           outcomes=list(queue.OUTCOMES), OUTCOME_LABELS=OUTCOME_LABELS)


def _act(esc_id: int, fn, ok: str):  # type: ignore[no-untyped-def]
    """Runs one queue move (which writes its own audit row); a conflict is shown, not raised."""
    visible_escalation(esc_id)
    dbs().rollback()  # end the read transaction before the queue writes
    try:
        fn()
    except EscalationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("board.case", esc_id=esc_id))
    flash(ok, "success")
    return None


@bp.route("/<int:esc_id>/pick", methods=["POST"])
@can_act
def pick(esc_id: int):  # type: ignore[no-untyped-def]
    mode = request.form.get("mode", EscalationMode.CALLBACK)
    if mode not in queue.MODES:
        abort(400)
    esc = visible_escalation(esc_id)
    if mode == EscalationMode.LIVE and esc.mode != EscalationMode.LIVE:
        holding = holding_case(esc)
        if holding is not None:  # "connect now" follows the case the caller is holding on
            flash(f"Người bệnh đang giữ máy ở ca #{holding.id}. Bấm «Nối máy ngay» ở ca này.", "error")
            return redirect(url_for("board.case", esc_id=holding.id))
    if mode == EscalationMode.LIVE and esc.mode != EscalationMode.LIVE and esc.status in queue.UNPICKED:
        flash("Người bệnh không còn giữ máy. Hãy chọn «Nhận – gọi lại» và gọi lại cho người bệnh.", "error")
        return redirect(url_for("board.case", esc_id=esc_id))
    msg = ("Đã nhận ca. Hệ thống đang nối máy với người bệnh." if mode == EscalationMode.LIVE
           else "Đã nhận ca. Hãy gọi lại cho người bệnh.")
    failed = _act(esc_id, lambda: queue.pick(database(), esc_id, staff_id=g.user.id, mode=mode), msg)
    return failed or redirect(url_for("board.case", esc_id=esc_id))


@bp.route("/<int:esc_id>/call", methods=["POST"])
@can_act
def call_state(esc_id: int):  # type: ignore[no-untyped-def]
    """The doctor is now on the phone with the patient (``start``), or will call back later (``later``)."""
    moves = {"start": (queue.start_call, "Đã ghi nhận: đang nói chuyện với người bệnh."),
             "later": (queue.schedule_callback, "Đã ghi nhận: hẹn gọi lại sau.")}
    if request.form.get("action") not in moves:
        abort(400)
    fn, ok = moves[request.form["action"]]
    failed = _act(esc_id, lambda: fn(database(), esc_id, staff_id=g.user.id), ok)
    return failed or redirect(url_for("board.case", esc_id=esc_id))


@bp.route("/<int:esc_id>/note", methods=["POST"])
@can_act
def note(esc_id: int):  # type: ignore[no-untyped-def]
    text = request.form.get("text", "").strip()
    if not text:
        flash("Ghi chú đang trống.", "error")
        return redirect(url_for("board.case", esc_id=esc_id))
    failed = _act(esc_id, lambda: queue.add_note(database(), esc_id, staff_id=g.user.id, text=text), "Đã lưu ghi chú.")
    return failed or redirect(url_for("board.case", esc_id=esc_id))


@bp.route("/<int:esc_id>/resolve", methods=["POST"])
@can_act
def resolve(esc_id: int):  # type: ignore[no-untyped-def]
    outcome = request.form.get("outcome", "")
    if outcome not in queue.OUTCOMES:
        flash("Hãy chọn kết quả xử lý trước khi kết thúc ca.", "error")
        return redirect(url_for("board.case", esc_id=esc_id))
    notes = request.form.get("notes", "").strip()
    failed = _act(esc_id, lambda: queue.resolve(database(), esc_id, staff_id=g.user.id, outcome=outcome,
                                                notes=notes),
                  f"Đã kết thúc ca: {OUTCOME_LABELS.get(outcome, outcome)}.")
    return failed or redirect(url_for("board.index"))


def _recording_path(esc: Escalation) -> Path | None:
    """The case's audio (the escalation's own, else its call's), only from inside the data folder."""
    candidates = [esc.recording_path]
    if esc.call_id is not None:
        call = dbs().get(Call, esc.call_id)
        if call is not None:
            candidates.append(call.recording_path)
    return safe_audio_path(*candidates)


def safe_audio_path(*candidates: str) -> Path | None:
    root = Path(cfg().data_dir).resolve()
    for raw in candidates:
        if not raw:
            continue
        path = Path(raw)
        path = (path if path.is_absolute() else root / path).resolve()
        if path.is_relative_to(root) and path.is_file():
            return path
    return None


@bp.route("/<int:esc_id>/recording")
@login_required
def recording(esc_id: int):  # type: ignore[no-untyped-def]
    esc = visible_escalation(esc_id)
    path = _recording_path(esc)
    if path is None:
        abort(404)
    audit("recording_listen", f"escalation:{esc.id}", patient_id=esc.patient_id)
    dbs().commit()
    return send_file(path, mimetype="audio/wav", conditional=True, max_age=0)
