"""Missed readings reach a human: not reached twice in a row, no reading in 24 h, readings worsening over days."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from escalation import jobs, queue, trend
from escalation.checkins import campaign, missed, outcome, results, windows
from escalation.checkins.desk import QueueCheckinDesk
from ivr.store.models import Assessment, Call, CheckinAttempt, Escalation, utcnow
from ivr.vocabulary import CheckinStatus, EscalationKind, RiskLevel

from .conftest import add, open_window_cfg

CS = CheckinStatus
VN = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.fixture(autouse=True)
def _unbound(monkeypatch):
    monkeypatch.setattr(jobs, "_BOUND", {})


def _attempt(db, occ, phone, pids, status, attempt=1):
    with db.session() as s:
        s.add(CheckinAttempt(patient_id=pids[0], patient_ids=pids, phone=phone, window_date=occ.day, window=occ.name,
                             attempt=attempt, not_before=occ.starts_at, status=status))


def _cases(db):
    with db.session() as s:
        return list(s.scalars(select(Escalation).order_by(Escalation.id)))


def test_not_reached_in_two_consecutive_windows_is_a_case_for_the_commune(db, cfg):
    lan = add(db, "+84901000001", "Lan")
    minh = add(db, "+84901000002", "Minh")
    hoa = add(db, "+84901000003", "Hoa")
    sang = windows.occurrence(cfg, date(2026, 12, 5), "sang")
    chieu_before = windows.previous(cfg, sang)
    for occ in (chieu_before, sang):
        _attempt(db, occ, "+84901000001", [lan], CS.NO_ANSWER)
        _attempt(db, occ, "+84901000001", [lan], CS.BUSY, attempt=2)
    _attempt(db, chieu_before, "+84901000002", [minh], CS.REACHED)  # reached yesterday afternoon
    _attempt(db, sang, "+84901000002", [minh], CS.NO_ANSWER)
    _attempt(db, chieu_before, "+84901000003", [hoa], CS.NO_ANSWER)
    _attempt(db, sang, "+84901000003", [hoa], CS.QUEUED)  # still in progress
    now = sang.ends_at
    ids = missed.consecutive(db, cfg, sang, now=now)
    (case,) = _cases(db)
    assert ids == [case.id]
    assert (case.patient_id, case.kind, case.risk, case.mode, case.commune) == (
        lan, EscalationKind.NOT_REACHED, RiskLevel.LOW, "callback", "Dịch Vọng")
    assert case.reason == "Không liên lạc được 2 buổi liên tiếp (buổi chieu 04/12, buổi sang 05/12)"
    assert missed.consecutive(db, cfg, sang, now=now) == []  # flagged once
    # a clinical escalation of the same patient merges into the case and makes it clinical, raising the risk
    queue.create(db, risk="high", reason="SpO2 93%", patient_id=lan, now=now)
    (case,) = _cases(db)
    assert (case.kind, case.risk) == (EscalationKind.CLINICAL, RiskLevel.HIGH)


def test_no_reading_in_24_hours_is_a_case(db, cfg):
    now = utcnow()
    quiet = add(db, "+84901000001", "Im Lặng", created_days_ago=3)
    fresh = add(db, "+84901000002", "Mới Khai", created_days_ago=3)
    add(db, "+84901000003", "Mới Nhập", created_days_ago=0.5)  # followed for less than a day
    with db.session() as s:
        s.add(Assessment(patient_id=quiet, at=now - timedelta(hours=30), vitals={"spo2": 97}, risk="none"))
        s.add(Assessment(patient_id=fresh, at=now - timedelta(hours=3), vitals={"spo2": 98}, risk="none"))
    ids = missed.no_reading(db, cfg, now=now)
    (case,) = _cases(db)
    assert ids == [case.id] and case.patient_id == quiet and case.kind == EscalationKind.NOT_REACHED
    assert case.reason.startswith("Không có chỉ số sức khỏe trong 24 giờ qua (lần khai báo gần nhất lúc ")
    assert missed.no_reading(db, cfg, now=now + timedelta(hours=1)) == []


def _r(day, hour, **vitals):
    return trend.Reading(datetime(2026, 12, day, hour, tzinfo=VN).astimezone(UTC).replace(tzinfo=None), vitals)


def test_spo2_falling_over_days_raises_the_risk_though_each_reading_is_fine():
    today = date(2026, 12, 5)
    series = [_r(3, 8, spo2=100), _r(3, 17, spo2=99), _r(4, 8, spo2=98), _r(5, 8, spo2=97)]
    f = trend.worsening(series, VN, today)
    assert f is not None and f.risk == RiskLevel.MEDIUM
    assert f.reasons == ("SpO2 giảm dần qua 3 ngày: 100% → 99% → 98% → 97%",)
    assert trend.worsening([*series, _r(5, 17, spo2=95)], VN, today).risk == RiskLevel.HIGH
    assert trend.worsening([_r(4, 8, spo2=99), _r(4, 17, spo2=98), _r(5, 8, spo2=96)], VN, today) is not None
    assert trend.worsening([_r(5, 8, spo2=99), _r(5, 12, spo2=97), _r(5, 17, spo2=96)], VN, today) is None  # 1 day
    assert trend.worsening([_r(3, 8, spo2=99), _r(4, 8, spo2=97), _r(5, 8, spo2=98)], VN, today) is None  # rose
    assert trend.worsening([_r(3, 8, spo2=98), _r(4, 8, spo2=97), _r(5, 8, spo2=97)], VN, today) is None  # drop 1


def test_fever_three_days_running_raises_the_risk():
    today = date(2026, 12, 5)
    f = trend.worsening([_r(3, 8, temperature=37.8), _r(4, 20, temperature=38.0), _r(5, 8, temperature=37.6)],
                        VN, today)
    assert f is not None and f.risk == RiskLevel.MEDIUM
    assert f.reasons == ("Sốt 3 ngày liên tiếp (37,8 °C, 38 °C, 37,6 °C)",)
    assert trend.worsening([_r(2, 8, temperature=38), _r(4, 8, temperature=38), _r(5, 8, temperature=38)],
                           VN, today) is None  # a day without fever between
    assert trend.worsening([_r(1, 8, temperature=38), _r(2, 8, temperature=38), _r(3, 8, temperature=38)],
                           VN, today) is None  # over two days ago


def test_the_trend_check_queues_a_case_once(db, cfg):
    lan = add(db, "+84901000001", "Lan")
    now = utcnow()
    with db.session() as s:
        for days, spo2 in ((2, 100), (1, 98), (0, 97)):
            s.add(Assessment(patient_id=lan, at=now - timedelta(days=days, minutes=5), vitals={"spo2": spo2},
                             risk="none"))
    case = trend.check_patient(db, cfg, lan, now=now, tz=VN)
    assert case is not None
    esc = queue.get(db, case)
    assert (esc.risk, esc.kind, esc.patient_id) == (RiskLevel.MEDIUM, EscalationKind.CLINICAL, lan)
    assert esc.reason.startswith("SpO2 giảm dần qua 3 ngày")
    assert trend.check_patient(db, cfg, lan, now=now, tz=VN) is None


def test_a_reached_check_in_runs_the_trend_check_on_the_answering_patients_readings(db, cfg, redis_url, conn):
    ccfg = open_window_cfg(cfg, redis_url=redis_url)
    lan = add(db, "+84901000001", "Lan")
    hung = add(db, "+84901000001", "Hùng")
    now = utcnow()
    with db.session() as s:
        for days, spo2 in ((2, 99), (1, 97)):
            s.add(Assessment(patient_id=lan, at=now - timedelta(days=days), vitals={"spo2": spo2}, risk="none"))
        call = Call(caller="+84901000001", flow_name="checkin_outbound")
        s.add(call)
        s.flush()
        s.add(Assessment(call_id=call.id, patient_id=None, at=now, vitals={"spo2": 96}, risk="low"))
        call_id = call.id
    campaign.run_now(db, ccfg, conn, now=now)
    desk = QueueCheckinDesk(db, ccfg, redis=conn)
    c = desk.claim("w1", 1.0)
    done = outcome.finish(db, ccfg, attempt_id=c.attempt_id, status=CS.REACHED, call_id=call_id,
                          answered_patient_id=lan, answered_by="relative", redis=conn, now=now)
    assert done.reached == [lan] and done.retry is not None  # Hùng still to be asked
    with db.session() as s:
        assert s.get(CheckinAttempt, done.retry[0]).patient_ids == [hung]
    (case,) = _cases(db)
    assert (case.patient_id, case.risk) == (lan, RiskLevel.MEDIUM)
    with db.session() as s:
        assert s.get(Call, call_id).patient_id == lan  # the call's reading is Lan's


def test_windows_the_dialler_never_got_to_do_not_count_against_the_patient(db, cfg):
    """No SIP worker claimed the calls (none running, paused, out of capacity): no not-reached case from it."""
    lan = add(db, "+84901000001", "Lan")
    sang = windows.occurrence(cfg, date(2026, 12, 5), "sang")
    before = windows.previous(cfg, sang)
    for occ in (before, sang):
        _attempt(db, occ, "+84901000001", [lan], CS.CANCELLED)  # planned, never dialled, cancelled at the end
    assert missed.consecutive(db, cfg, sang, now=sang.ends_at) == []
    with db.session() as s:  # staff still see them as not reached in the window's counts
        assert results.counts(s, sang)["not_reached"] == 1


def test_reach_statistics_count_patients_per_window_and_calls_per_reached_patient(db, cfg):
    lan, minh, hoa = (add(db, f"+8490100000{i}", n) for i, n in enumerate(("Lan", "Minh", "Hoa")))
    sang = windows.occurrence(cfg, date(2026, 12, 5), "sang")
    _attempt(db, sang, "+84901000000", [lan], CS.NO_ANSWER)
    _attempt(db, sang, "+84901000000", [lan], CS.REACHED, attempt=2)
    _attempt(db, sang, "+84901000001", [minh], CS.REACHED)
    _attempt(db, sang, "+84901000002", [hoa], CS.BUSY)
    _attempt(db, sang, "+84901000002", [hoa], CS.PLANNED, attempt=2)  # not placed yet: not counted
    assert campaign.stats(db, cfg, [sang]) == {"called": 3, "reached": 2, "reach_rate": 0.667,
                                               "attempts_per_reached": 2.0}
