"""Statistics screen: calls per hour and day, outcomes, escalations by risk and area, time to pick,
abandoned calls; CSV export. Limited to the staff member's area by the board's rule (``scope.counts_for``)."""
from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask import Blueprint, Response, g, render_template, request
from sqlalchemy import func, select

from escalation.checkins import results as checkin_results
from ivr.store.models import Assessment, Call, CheckinAttempt, Escalation, Patient, Role, StaffUser, utcnow
from ivr.vocabulary import CALLER_HUNG_UP, RISK_LEVELS, CallOutcome, EscalationKind

from . import charts
from .scope import counts_for
from .web import CALL_OUTCOME_LABELS, LOCAL_TZ, RISK_LABELS, audit, dbs, login_required

bp = Blueprint("stats", __name__, url_prefix="/stats")
PERIODS = (1, 7, 30, 90)
ABANDONED = CALLER_HUNG_UP


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile (p in 0..100) of ``values``; None when empty."""
    if not values:
        return None
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(-(-p * len(ordered) // 100)) - 1))
    return ordered[k]


def _local(dt: datetime) -> datetime:
    return dt.replace(tzinfo=UTC).astimezone(LOCAL_TZ)


@dataclass
class Stats:
    days: int
    since: datetime
    calls: int = 0
    abandoned: int = 0
    per_hour: list[int] = field(default_factory=lambda: [0] * 24)
    per_day: dict[str, int] = field(default_factory=dict)
    outcomes: Counter[str] = field(default_factory=Counter)
    escalations: int = 0
    by_risk: Counter[str] = field(default_factory=Counter)
    by_area: Counter[str] = field(default_factory=Counter)
    pick_s: list[float] = field(default_factory=list)
    pick_by_risk: dict[str, list[float]] = field(default_factory=dict)
    unpicked: int = 0
    daily: dict[str, dict[str, Any]] = field(default_factory=dict)
    #: check-in calls of the period's windows: ``escalation.checkins.results.reach_stats``
    checkin: dict[str, float | int] = field(default_factory=dict)
    #: seconds from a worsening reading (a case raised by the trend check or a check-in call) to a doctor's pick
    worsening_s: list[float] = field(default_factory=list)
    worsening_unpicked: int = 0


def compute(staff: StaffUser, days: int, now: datetime | None = None) -> Stats:
    now = now or utcnow()
    since = now - timedelta(days=days)
    st = Stats(days=days, since=since)
    first_day = _local(since).date()
    for i in range((_local(now).date() - first_day).days + 1):
        key = (first_day + timedelta(days=i)).strftime("%d/%m")
        st.per_day[key] = 0
        st.daily[(first_day + timedelta(days=i)).isoformat()] = {
            "calls": 0, "abandoned": 0, "escalated": 0, "escalations": 0,
            **{r: 0 for r in RISK_LEVELS}, "pick_s": []}
    s = dbs()
    counts = counts_for(staff)
    call_rows = s.execute(
        select(Call.started_at, Call.outcome, Patient.province, Patient.district, Patient.commune)
        .outerjoin(Patient, Call.patient_id == Patient.id)
        .where(Call.started_at >= since))
    for started, outcome, province, district, commune in call_rows:
        if not counts(province, district, commune):
            continue
        local = _local(started)
        st.calls += 1
        st.per_hour[local.hour] += 1
        st.per_day[local.strftime("%d/%m")] = st.per_day.get(local.strftime("%d/%m"), 0) + 1
        st.outcomes[outcome] += 1
        day = st.daily.get(local.date().isoformat())
        if day is not None:
            day["calls"] += 1
            day["abandoned"] += outcome in ABANDONED
            day["escalated"] += outcome == CallOutcome.ESCALATED
        if outcome in ABANDONED:
            st.abandoned += 1
    esc_rows = s.execute(
        select(Escalation.created_at, Escalation.picked_at, Escalation.risk, Escalation.province,
               Escalation.district, Escalation.commune)
        .where(Escalation.created_at >= since))
    for created, picked, risk, province, district, commune in esc_rows:
        if not counts(province, district, commune):
            continue
        st.escalations += 1
        st.by_risk[risk] += 1
        st.by_area[", ".join(x for x in (commune, district, province) if x) or "Chưa rõ địa bàn"] += 1
        day = st.daily.get(_local(created).date().isoformat())
        if day is not None:
            day["escalations"] += 1
            if risk in day:
                day[risk] += 1
        if picked is None:
            st.unpicked += 1
            continue
        wait = max(0.0, (picked - created).total_seconds())
        st.pick_s.append(wait)
        st.pick_by_risk.setdefault(risk, []).append(wait)
        if day is not None:
            day["pick_s"].append(wait)
    _checkins(st, first_day, counts)
    return st


def _checkins(st: Stats, first_day: date, counts: Callable[[str | None, str | None, str | None], bool]) -> None:
    """Reach rate and calls per reached patient (the check-in package's ``reach_stats`` over the attempts of
    the period's windows that call a patient of the area), and the time from a worsening reading to a pick."""
    s = dbs()
    attempts = s.scalars(select(CheckinAttempt).where(CheckinAttempt.window_date >= first_day)).all()
    pids = {pid for a in attempts for pid in checkin_results.covered(a)}
    areas: dict[int, tuple[str, str, str]] = {}
    ids = sorted(pids)
    for i in range(0, len(ids), 500):
        for pid, province, district, commune in s.execute(select(
                Patient.id, Patient.province, Patient.district, Patient.commune).where(Patient.id.in_(ids[i:i + 500]))):
            areas[int(pid)] = (province, district, commune)
    mine = [a for a in attempts if any(pid in areas and counts(*areas[pid]) for pid in checkin_results.covered(a))]
    st.checkin = checkin_results.reach_stats(mine)
    checkin_calls = select(CheckinAttempt.call_id).where(CheckinAttempt.call_id.is_not(None))
    rows = s.execute(
        select(func.coalesce(Assessment.at, Escalation.created_at), Escalation.picked_at, Escalation.province,
               Escalation.district, Escalation.commune)
        .outerjoin(Assessment, Assessment.id == Escalation.assessment_id)
        .where(Escalation.created_at >= st.since, Escalation.kind == EscalationKind.CLINICAL,
               Escalation.call_id.in_(checkin_calls)
               | (Escalation.call_id.is_(None) & Escalation.assessment_id.is_not(None))))
    for reading_at, picked, province, district, commune in rows:
        if not counts(province, district, commune):
            continue
        if picked is None:
            st.worsening_unpicked += 1
        else:
            st.worsening_s.append(max(0.0, (picked - reading_at).total_seconds()))


def _period() -> int:
    days = request.args.get("days", 7, type=int) or 7
    return days if days in PERIODS else 7


@bp.route("/")
@login_required
def index():  # type: ignore[no-untyped-def]
    days = _period()
    st = compute(g.user, days)
    per_day = list(st.per_day.items())
    figs = {
        "hour": charts.columns([(f"{h}h", v, "primary") for h, v in enumerate(st.per_hour)],
                               title="Cuộc gọi theo giờ trong ngày", every=3),
        "day": charts.columns([(d, v, "primary") for d, v in per_day], title="Cuộc gọi theo ngày",
                              every=max(1, len(per_day) // 10)),
        "outcomes": charts.rows([(CALL_OUTCOME_LABELS.get(k, k), v, "bad" if k in ABANDONED else "primary")
                                 for k, v in st.outcomes.most_common()], title="Kết quả cuộc gọi"),
        "risk": charts.rows([(RISK_LABELS.get(r, r), st.by_risk.get(r, 0), r) for r in RISK_LEVELS],
                            title="Ca chuyển bác sĩ theo mức nguy cơ"),
        "area": charts.rows([(k, v, "primary") for k, v in st.by_area.most_common(12)],
                            title="Ca chuyển bác sĩ theo địa bàn (12 nơi nhiều nhất)"),
        "pick": charts.rows([(f"{RISK_LABELS.get(r, r)} – p95", round(percentile(st.pick_by_risk[r], 95) or 0),
                              r) for r in RISK_LEVELS if r in st.pick_by_risk],
                            title="Thời gian chờ bác sĩ nhận ca (giây, p95)"),
    }
    from .prompts import recording_coverage  # the prompts screen owns the recordings

    voice = recording_coverage() if g.user.role == Role.ADMIN else None
    return render_template("stats/index.html", st=st, days=days, periods=PERIODS, figs=figs,
                           p50=percentile(st.pick_s, 50), p95=percentile(st.pick_s, 95), voice=voice,
                           worsening_p50=percentile(st.worsening_s, 50), worsening_p95=percentile(st.worsening_s, 95))


@bp.route("/export.csv")
@login_required
def export():  # type: ignore[no-untyped-def]
    days = _period()
    st = compute(g.user, days)
    out = io.StringIO()
    w = csv.writer(out)
    w.writerow(["ngay", "cuoc_goi", "bo_may", "chuyen_bac_si", "ca", *RISK_LEVELS, "nhan_ca_p50_giay",
                "nhan_ca_p95_giay"])
    for day, d in st.daily.items():
        p50, p95 = percentile(d["pick_s"], 50), percentile(d["pick_s"], 95)
        w.writerow([day, d["calls"], d["abandoned"], d["escalated"], d["escalations"], *(d[r] for r in RISK_LEVELS),
                    "" if p50 is None else round(p50, 1), "" if p95 is None else round(p95, 1)])
    audit("stats_export", f"days:{days}")
    dbs().commit()
    return Response("\ufeff" + out.getvalue(), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="thong-ke-{days}-ngay.csv"'})
