"""Planning a window: who is called, households, the time of attempt 1, idempotence, the day's limit."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from escalation.checkins import plan, windows
from ivr.store.models import CareStatus, CheckinAttempt, CheckinWindow, Patient
from ivr.vocabulary import CheckinStatus

from .conftest import add

DAY = date(2026, 12, 5)


def _attempts(db):
    with db.session() as s:
        return list(s.scalars(select(CheckinAttempt).order_by(CheckinAttempt.id)))


def test_every_home_care_patient_is_planned_once_per_window_households_share_one_call(db, cfg):
    lan = add(db, "+84901000001", "Nguyễn Thị Lan", birth_year=1950)
    hung = add(db, "+84901000001", "Trần Văn Hùng", birth_year=1948)  # the same household phone
    minh = add(db, "+84901000002", "Lê Minh")
    add(db, "+84901000003", "Đã Chuyển", care=CareStatus.TRANSFERRED)
    add(db, "+84901000004", "Đã Khỏi", care=CareStatus.DISCHARGED)
    add(db, "+84901000005", "Không Muốn", opted_out=True)
    occ = windows.occurrence(cfg, DAY, "sang")
    before = occ.starts_at - timedelta(minutes=5)
    made = plan.plan_window(db, cfg, occ, now=before)
    rows = _attempts(db)
    assert len(made) == 2 == len(rows)
    assert {(a.phone, tuple(a.patient_ids), a.attempt, a.status) for a in rows} == {
        ("+84901000001", (lan, hung), 1, CheckinStatus.PLANNED), ("+84901000002", (minh,), 1, CheckinStatus.PLANNED)}
    assert {a.not_before for a in rows} == {occ.starts_at}  # never before the window opens
    assert all(a.window_date == DAY and a.window == "sang" for a in rows)
    # planning again (a restart, a second planner) adds nothing
    assert plan.plan_window(db, cfg, occ, now=before) == [] and len(_attempts(db)) == 2
    with db.session() as s:
        w = s.scalars(select(CheckinWindow)).one()
        assert (w.window_date, w.window, w.starts_at, w.ends_at, w.paused) == (DAY, "sang", occ.starts_at,
                                                                               occ.ends_at, False)
        rows = plan.plan_rows(s, plan.attempts_of(s, occ))
    assert rows[0] == {"patient_id": lan, "phone": "+84901000001", "window": "sang", "attempt": 1,
                       "not_before": "2026-12-05T01:00:00Z"}
    assert sorted(r["patient_id"] for r in rows) == sorted([lan, hung, minh])


def test_planned_late_the_first_call_goes_now_and_never_after_the_window(db, cfg):
    add(db, "+84901000001", "Lan")
    occ = windows.occurrence(cfg, DAY, "sang")
    late = occ.starts_at + timedelta(minutes=30)
    plan.plan_window(db, cfg, occ, now=late)
    assert [a.not_before for a in _attempts(db)] == [late]
    add(db, "+84901000002", "Minh")
    assert plan.plan_window(db, cfg, occ, now=occ.ends_at) == []  # over: nothing more
    assert len(_attempts(db)) == 1


def test_an_sms_notice_goes_before_the_days_first_call_only(db, cfg):
    cfg = cfg.replace(sms_gateway_url="http://127.0.0.1:9/sms", sms_notice_minutes=15)
    add(db, "+84901000001", "Lan")
    sang, chieu = windows.occurrence(cfg, DAY, "sang"), windows.occurrence(cfg, DAY, "chieu")
    plan.plan_window(db, cfg, sang, now=sang.starts_at)  # planned at the opening: the call waits for the notice
    plan.plan_window(db, cfg, chieu, now=chieu.starts_at - timedelta(hours=1))
    first, second = _attempts(db)
    assert (first.notice_status, first.not_before) == ("pending", sang.starts_at + timedelta(minutes=15))
    assert (second.notice_status, second.not_before) == ("", chieu.starts_at)


def test_the_days_call_limit_per_number_is_kept_across_windows(db, cfg):
    cfg = cfg.replace(checkin_max_calls_per_day=2)
    add(db, "+84901000001", "Lan")
    sang, chieu = windows.occurrence(cfg, DAY, "sang"), windows.occurrence(cfg, DAY, "chieu")
    with db.session() as s:
        for n, status in ((1, CheckinStatus.NO_ANSWER), (2, CheckinStatus.BUSY)):
            s.add(CheckinAttempt(patient_id=None, patient_ids=[], phone="+84901000001", window_date=DAY, window="sang",
                                 attempt=n, not_before=sang.starts_at, status=status))
    assert plan.plan_window(db, cfg, chieu, now=chieu.starts_at) == []


def test_address_and_station_as_the_call_says_them(db):
    today = date(2026, 12, 5)
    assert plan.address_as(Patient(name="Nguyễn Thị Lan", birth_year=1950), today) == "bác Lan"
    assert plan.address_as(Patient(name="Lê Minh", birth_year=1995), today) == ""
    assert plan.address_as(Patient(name="Lê Minh", birth_year=None), today) == ""
    assert plan.station(Patient(commune="xã Tân Hòa")) == "Trạm y tế xã Tân Hòa"
    assert plan.station(Patient(commune="")) == "Đường dây hỗ trợ người bệnh COVID-19"


def test_local_date_of_a_window_planned_the_evening_before_in_utc(db, cfg):
    cfg = cfg.replace(checkin_windows=("som=06:00-07:00",))
    add(db, "+84901000001", "Lan")
    now = datetime(2026, 12, 4, 22, 0)  # 05:00 on 5 December in Vietnam
    occ = windows.current_or_next(cfg, now)
    plan.plan_window(db, cfg, occ, now=now)
    (a,) = _attempts(db)
    assert (a.window_date, a.not_before) == (DAY, datetime(2026, 12, 4, 23, 0))
