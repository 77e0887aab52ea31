"""Patients screen: list and search, CSV import of the F0 list, care status (transfer, discharge), history."""
from __future__ import annotations

from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from sqlalchemy import func, or_, select

from escalation import patients as care
from escalation.errors import EscalationError
from ivr.store.models import Assessment, Call, CareStatus, Escalation, Patient

from .findings import patient_readings, reading_charts
from .patient_import import MAX_BYTES, MAX_COLUMNS, MAX_FIELD, MAX_ROWS, apply_import, parse_csv
from .scope import patient_clause
from .search import name_matches, phone_matches
from .web import audit, can_act, cfg, database, dbs, login_required, page_arg, visible

bp = Blueprint("patients", __name__, url_prefix="/patients")
PAGE = 50


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    a = request.args
    q, status = a.get("q", "").strip(), a.get("status", "")
    page = page_arg()
    stmt = select(Patient).where(patient_clause(g.user))
    if q:
        like = f"%{q}%"
        stmt = stmt.where(or_(name_matches(q, Patient.name_folded), Patient.name.ilike(like),
                              phone_matches(q, Patient.phone), Patient.phone.ilike(like),
                              Patient.commune.ilike(like), Patient.district.ilike(like)))
    if status in {c.value for c in CareStatus}:
        stmt = stmt.where(Patient.care_status == CareStatus(status))
    total = dbs().scalar(select(func.count()).select_from(stmt.subquery())) or 0
    patients = dbs().scalars(stmt.order_by(Patient.name, Patient.id).offset((page - 1) * PAGE).limit(PAGE)).all()
    if q:
        audit("patient_search", q)
        dbs().commit()
    return render_template("patients/index.html", patients=patients, q=q, status=status, page=page, total=total,
                           PAGE=PAGE, statuses=list(CareStatus))


def visible_patient(obj_id: int) -> Patient:
    return visible(Patient, obj_id)


@bp.route("/<int:patient_id>")
@login_required
def detail(patient_id: int):  # type: ignore[no-untyped-def]
    p = visible_patient(patient_id)
    s = dbs()
    calls = s.scalars(select(Call).where(Call.patient_id == p.id).order_by(Call.started_at.desc())).all()
    assessments = s.scalars(select(Assessment).where(Assessment.patient_id == p.id)
                            .order_by(Assessment.at.desc())).all()
    escalations = s.scalars(select(Escalation).where(Escalation.patient_id == p.id)
                            .order_by(Escalation.created_at.desc())).all()
    readings = patient_readings(assessments, calls)
    audit("patient_view", f"patient:{p.id}")
    s.commit()
    return render_template("patients/detail.html", p=p, calls=calls, assessments=assessments,
                           escalations=escalations, readings=readings, charts=reading_charts(readings))


@bp.route("/<int:patient_id>/care", methods=["POST"])
@can_act
def change_care(patient_id: int):  # type: ignore[no-untyped-def]
    p = visible_patient(patient_id)
    action = request.form.get("action", "")
    note = request.form.get("note", "").strip()
    fns = {"transfer": (care.transfer, "Đã chuyển tầng điều trị."),
           "discharge": (care.discharge, "Đã ghi nhận bệnh nhân khỏi bệnh/ra viện."),
           "readmit": (care.readmit, "Bệnh nhân trở lại theo dõi tại nhà.")}
    if action not in fns:
        abort(400)
    fn, ok = fns[action]
    try:
        fn(database(), p.id, staff_id=g.user.id, note=note)
    except EscalationError as exc:
        flash(str(exc), "error")
        return redirect(url_for("patients.detail", patient_id=p.id))
    flash(ok, "success")  # escalation.patients wrote the audit row
    return redirect(url_for("patients.detail", patient_id=p.id))


@bp.context_processor
def _import_limits() -> dict[str, Any]:
    return {"import_limits": {"mb": f"{min(cfg().max_upload_bytes, MAX_BYTES) / 1_000_000:g}",
                              "rows": f"{MAX_ROWS:,}".replace(",", "."), "columns": MAX_COLUMNS,
                              "field": f"{MAX_FIELD:,}".replace(",", ".")}}


@bp.route("/import", methods=["GET", "POST"])
@can_act
def import_csv():  # type: ignore[no-untyped-def]
    if request.method == "GET":
        return render_template("patients/import.html", report=None)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        flash("Hãy chọn tệp CSV danh sách F0.", "error")
        return render_template("patients/import.html", report=None), 400
    if not upload.filename.lower().endswith((".csv", ".txt")):
        flash("Chỉ nhận tệp .csv.", "error")
        return render_template("patients/import.html", report=None), 400
    limit = min(cfg().max_upload_bytes, MAX_BYTES)
    data = upload.read(limit + 1)
    if len(data) > limit:
        flash(f"Tệp quá lớn (tối đa {limit / 1_000_000:g} MB). Hãy chia danh sách thành nhiều tệp.", "error")
        return render_template("patients/import.html", report=None), 413
    report = parse_csv(data)
    if report.ok:
        report = apply_import(dbs(), report, g.user)
    if not report.ok:
        dbs().rollback()
        flash(f"Không nhập dòng nào: {len(report.errors)} lỗi cần sửa trong tệp.", "error")
        return render_template("patients/import.html", report=report), 400
    audit("patient_import", upload.filename, created=report.created, updated=report.updated)
    dbs().commit()
    flash(f"Đã nhập {report.created} bệnh nhân mới, cập nhật {report.updated} bệnh nhân.", "success")
    return redirect(url_for("patients.index"))
