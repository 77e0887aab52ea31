"""Check-in calls screen: each window's counts (those of ``ivr checkins status --json``), a live progress bar,
pause and resume (admins), and the window's patients with their attempt status, within the staff member's area."""
from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    url_for,
)
from redis.exceptions import RedisError
from sqlalchemy import func, select

from escalation import jobs as escalation_jobs
from escalation.checkins import campaign, plan, results, windows
from escalation.checkins.windows import Occurrence
from escalation.errors import EscalationError
from ivr.store.models import CheckinAttempt, CheckinWindow, Escalation, Patient, Role, utcnow
from ivr.vocabulary import CHECKIN_LABELS

from .scope import patient_clause
from .web import admin_only, can_act, cfg, database, dbs, login_required, visible

bp = Blueprint("checkins", __name__, url_prefix="/checkins")
#: What staff read for each of the window's counts (``results.BUCKETS``, the keys of ``ivr checkins status``).
BUCKET_LABELS: dict[str, str] = {
    results.PLANNED: "Chờ gọi", results.IN_PROGRESS: "Đang gọi", results.REACHED: "Đã liên lạc",
    results.NOT_REACHED: "Không liên lạc được", results.ESCALATED: "Chuyển bác sĩ",
    results.OPTED_OUT: "Từ chối cuộc gọi",
}
ANSWERED_LABELS = {"patient": "Người bệnh", "relative": "Người nhà"}
#: Who recorded a patient's wish not to be called (``patients.opt_out_source``).
OPT_OUT_SOURCES = {"call": "người bệnh bấm phím 9 trong cuộc gọi", "staff": "nhân viên ghi nhận",
                   "sms": "qua tin nhắn",
                   # a check-in call heard that the patient is no longer at home (escalation.checkins.outcome)
                   "away_in_hospital": "người nghe máy báo người bệnh đã nhập viện",
                   "away_moved": "người nghe máy báo người bệnh đã chuyển đi nơi khác",
                   "away_died": "người nghe máy báo người bệnh đã mất"}
#: Results after which the window is over for the patient (the progress bar's "done").
DONE: tuple[str, ...] = (results.REACHED, results.NOT_REACHED, results.ESCALATED, results.OPTED_OUT)
RECENT_DAYS = 7
POLL_MS = 3000


def _occurrence(day: str, name: str) -> Occurrence:
    try:
        return windows.occurrence(cfg(), date.fromisoformat(day), name)
    except (ValueError, KeyError):
        abort(404)


def window_list() -> list[tuple[Occurrence, bool]]:
    """Today's configured windows and those planned in the last days, newest first, with their paused flag."""
    now = utcnow()
    today = windows.local_date(cfg(), now)
    occs = set(windows.of_day(cfg(), today))
    rows = dbs().execute(select(CheckinWindow.window_date, CheckinWindow.window, CheckinWindow.paused).where(
        CheckinWindow.window_date >= today - timedelta(days=RECENT_DAYS))).all()
    paused = {}
    for day, name, is_paused in rows:
        try:
            occ = windows.occurrence(cfg(), day, name)
        except KeyError:  # a window no longer configured
            continue
        occs.add(occ)
        paused[occ] = bool(is_paused)
    return [(o, paused.get(o, False)) for o in sorted(occs, reverse=True)]


def _is_paused(occ: Occurrence) -> bool:
    return bool(dbs().scalar(select(CheckinWindow.paused).where(CheckinWindow.window_date == occ.day,
                                                                CheckinWindow.window == occ.name)))


def window_view(occ: Occurrence) -> dict[str, Any]:
    """The window as the signed-in staff member sees it: counts, progress and patient rows of their area.

    The states come from ``results.window_states`` (what ``ivr checkins status --json`` counts); an admin
    sees every patient, so their counts are exactly ``results.counts``.
    """
    s = dbs()
    attempts = plan.attempts_of(s, occ)
    states = results.per_patient(attempts, results.escalated_calls(s, attempts))
    if g.user.role == Role.ADMIN:
        counts = results.counts(s, occ)
    else:
        counts = dict.fromkeys(results.BUCKETS, 0)
    patients: dict[int, Patient] = {}
    if states:
        ids = list(states)
        for i in range(0, len(ids), 500):
            for p in s.scalars(select(Patient).where(Patient.id.in_(ids[i:i + 500]), patient_clause(g.user))):
                patients[p.id] = p
    if g.user.role != Role.ADMIN:
        for pid in patients:
            counts[states[pid]] += 1
    latest: dict[int, CheckinAttempt] = {}
    for a in attempts:
        for pid in results.covered(a):
            if pid in patients:
                if pid not in latest or a.attempt >= latest[pid].attempt:
                    latest[pid] = a
    rows = []
    for pid, p in sorted(patients.items(), key=lambda kv: (kv[1].name, kv[0])):
        a = latest[pid]
        answered = ""
        if a.answered_by and pid in results.answered_for(a):
            answered = ANSWERED_LABELS.get(a.answered_by, "")
        rows.append({"patient_id": pid, "name": p.name, "phone": p.phone,
                     "url": url_for("patients.detail", patient_id=pid),
                     "state": states[pid], "state_label": BUCKET_LABELS[states[pid]],
                     "attempt": a.attempt, "status": a.status, "status_label": CHECKIN_LABELS.get(a.status, a.status),
                     "answered": answered,
                     "call_url": url_for("calls.detail", call_id=a.call_id) if a.call_id is not None else ""})
    total = sum(counts.values())
    done = sum(counts[k] for k in DONE)
    return {"window": occ.name, "day": occ.day.isoformat(), "counts": counts, "total": total, "done": done,
            "paused": _is_paused(occ), "labels": BUCKET_LABELS, "rows": rows}


def version(occ: Occurrence) -> str:
    """Changes whenever the window's view can: its attempts (count, last update), their cases, the paused flag
    and the viewer. A cheap aggregate query; the states are only worked out when it changed."""
    s = dbs()
    n, last = s.execute(select(func.count(), func.max(CheckinAttempt.updated_at)).where(
        CheckinAttempt.window_date == occ.day, CheckinAttempt.window == occ.name)).one()
    calls = select(CheckinAttempt.call_id).where(CheckinAttempt.window_date == occ.day,
                                                 CheckinAttempt.window == occ.name,
                                                 CheckinAttempt.call_id.is_not(None)).scalar_subquery()
    cases = s.scalar(select(func.count()).select_from(Escalation).where(Escalation.call_id.in_(calls))) or 0
    raw = f"{occ.day}|{occ.name}|{n}|{last}|{cases}|{_is_paused(occ)}|{g.user.id}|{g.user.role}"
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    occ = campaign.latest(database(), cfg(), utcnow())
    return redirect(url_for("checkins.window", day=occ.day.isoformat(), name=occ.name))


@bp.route("/<day>/<name>")
@login_required
def window(day: str, name: str):  # type: ignore[no-untyped-def]
    occ = _occurrence(day, name)
    view = window_view(occ)
    return render_template("checkins/window.html", occ=occ, view=view, windows=window_list(), etag=version(occ),
                           poll_ms=current_app.config.get("CHECKINS_POLL_MS", POLL_MS), CHECKIN_LABELS=CHECKIN_LABELS,
                           BUCKETS=results.BUCKETS, is_admin=g.user.role == Role.ADMIN)


@bp.route("/<day>/<name>/live")
@login_required
def live(day: str, name: str):  # type: ignore[no-untyped-def]
    """The window's view as JSON for the page's poll; ``If-None-Match`` with the current version gets 304."""
    occ = _occurrence(day, name)
    tag = version(occ)
    if tag in request.if_none_match:
        resp = Response(status=304)
    else:
        resp = jsonify(window_view(occ))
    resp.set_etag(tag)
    return resp


def _set(day: str, name: str, paused: bool):  # type: ignore[no-untyped-def]
    occ = _occurrence(day, name)
    now = utcnow()
    back = redirect(url_for("checkins.window", day=occ.day.isoformat(), name=occ.name))
    try:
        if paused:
            campaign.set_paused(database(), occ, True, actor=g.user.username, now=now)
        else:
            campaign.resume(database(), cfg(), occ, escalation_jobs.connect(cfg().redis), actor=g.user.username,
                            now=now)
    except EscalationError as exc:
        flash(str(exc), "error")
        return back
    except (RedisError, OSError):  # resumed in the database; the worker's reconcile puts the calls back
        flash("Đã tiếp tục buổi gọi; hàng đợi cuộc gọi chưa chạy nên các cuộc gọi sẽ bắt đầu khi hệ thống "
              "hoạt động lại.", "warning")
        return back
    flash(f"Đã tạm dừng buổi gọi {occ.name} ngày {occ.day:%d/%m/%Y}." if paused
          else f"Đã tiếp tục buổi gọi {occ.name} ngày {occ.day:%d/%m/%Y}.", "success")
    return back


@bp.route("/<day>/<name>/pause", methods=["POST"])
@admin_only
def pause(day: str, name: str):  # type: ignore[no-untyped-def]
    return _set(day, name, True)


@bp.route("/<day>/<name>/resume", methods=["POST"])
@admin_only
def resume(day: str, name: str):  # type: ignore[no-untyped-def]
    return _set(day, name, False)


def patient_history(s: Any, p: Patient, limit: int = 30) -> list[dict[str, Any]]:
    """``p``'s check-in windows, newest first: attempts placed, the result, who answered, the calls."""
    attempts: Sequence[CheckinAttempt] = s.scalars(select(CheckinAttempt).where(CheckinAttempt.phone == p.phone)
                                                   .order_by(CheckinAttempt.window_date.desc(),
                                                             CheckinAttempt.attempt)).all()
    by_window: dict[tuple[date, str], list[CheckinAttempt]] = {}
    for a in attempts:
        if p.id in results.covered(a):
            by_window.setdefault((a.window_date, a.window), []).append(a)
    out = []
    newest_first = sorted(by_window.items(), key=lambda kv: min(a.not_before for a in kv[1]), reverse=True)
    for (day, name), mine in newest_first[:limit]:
        state = results.per_patient(mine, results.escalated_calls(s, mine)).get(p.id, results.PLANNED)
        answered = next((ANSWERED_LABELS.get(a.answered_by, "") for a in mine
                         if a.answered_by and p.id in results.answered_for(a)), "")
        out.append({"day": day, "window": name, "state": state, "state_label": BUCKET_LABELS[state],
                    "placed": sum(1 for a in mine if a.status in plan.DIALLED),
                    "attempts": [{"attempt": a.attempt, "status_label": CHECKIN_LABELS.get(a.status, a.status),
                                  "at": a.finished_at or a.claimed_at or a.not_before, "call_id": a.call_id}
                                 for a in mine],
                    "answered": answered})
    return out


# -- the patient page's check-in section (patients/_checkins.html): a template global and one form ------------


@bp.app_template_global("checkin_history")
def _checkin_history(p: Patient) -> list[dict[str, Any]]:
    return patient_history(dbs(), p)


@bp.app_template_global("checkin_opt_out_source")
def _opt_out_source(p: Patient) -> str:
    return OPT_OUT_SOURCES.get(p.opt_out_source, "")


@bp.route("/patient/<int:patient_id>", methods=["POST"])
@can_act
def patient_opt(patient_id: int):  # type: ignore[no-untyped-def]
    """Staff record (or withdraw) a patient's wish not to get check-in calls; ``campaign.set_opt_out`` audits it."""
    p = visible(Patient, patient_id)
    action = request.form.get("action", "")
    if action not in ("opt_out", "opt_in"):
        abort(400)
    try:
        campaign.set_opt_out(database(), p.id, action == "opt_out", actor=g.user.username, source="staff",
                             now=utcnow())
    except EscalationError as exc:
        flash(str(exc), "error")
    else:
        flash("Đã ngừng gọi hỏi thăm bệnh nhân này." if action == "opt_out"
              else "Bệnh nhân sẽ được gọi hỏi thăm trở lại từ buổi gọi tới.", "success")
    return redirect(url_for("patients.detail", patient_id=p.id))
