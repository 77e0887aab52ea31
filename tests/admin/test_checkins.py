"""The check-in calls screen: the window's counts (the same as ``ivr checkins status --json``), its live
JSON with a version check, pause and resume (admins, CSRF, audited), and the area scope of doctors and viewers."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from escalation.checkins import campaign, windows
from escalation.checkins.windows import Occurrence
from escalation.queue import create as create_case
from ivr.store.database import Database
from ivr.store.models import AuditLog, Call, CheckinAttempt, CheckinWindow, Patient, utcnow
from ivr.vocabulary import CheckinStatus as CS

from .conftest import AREA_A, AREA_B


def window_of(app: Any) -> Occurrence:
    cfg = app.extensions["ivr_cfg"]
    return windows.of_day(cfg, windows.local_date(cfg, utcnow()))[0]


def url(occ: Occurrence, tail: str = "") -> str:
    return f"/checkins/{occ.day.isoformat()}/{occ.name}{tail}"


def add_patient(db: Database, name: str, phone: str, area: dict[str, str]) -> int:
    with db.session() as s:
        p = Patient(phone=phone, name=name, **area)
        s.add(p)
        s.flush()
        return int(p.id)


def attempt(db: Database, occ: Occurrence, pid: int, phone: str, status: str, n: int = 1, *,
            call: bool = False, answered_by: str = "") -> int:
    now = utcnow()
    with db.session() as s:
        call_id = None
        if call:
            c = Call(caller=phone, patient_id=pid, flow_name="checkin_outbound", outcome="completed")
            s.add(c)
            s.flush()
            call_id = c.id
        dialled = status not in (CS.PLANNED, CS.QUEUED)
        a = CheckinAttempt(patient_id=pid, patient_ids=[pid], phone=phone, window_date=occ.day, window=occ.name,
                           attempt=n, not_before=occ.starts_at, status=status, call_id=call_id,
                           answered_by=answered_by, answered_patient_id=pid if answered_by else None,
                           claimed_at=now if dialled else None, finished_at=now if dialled else None)
        s.add(a)
        s.flush()
        return int(a.id)


@pytest.fixture
def campaign_rows(app: Any, db: Database) -> dict[str, int]:
    """Commune A: reached, escalated (a case from its call), retrying, planned; commune B: opted out, no answer."""
    occ = window_of(app)
    ids = {
        "reached": add_patient(db, "Nguyễn Thị Đã Nghe", "+84913000001", AREA_A),
        "escalated": add_patient(db, "Trần Văn Khó Thở", "+84913000002", AREA_A),
        "retrying": add_patient(db, "Lê Văn Chưa Nghe", "+84913000003", AREA_A),
        "planned": add_patient(db, "Phạm Thị Chờ", "+84913000004", AREA_A),
        "opted_out": add_patient(db, "Hoàng Văn Từ Chối", "+84913000005", AREA_B),
        "missed": add_patient(db, "Vũ Thị Vắng", "+84913000006", AREA_B),
    }
    attempt(db, occ, ids["reached"], "+84913000001", CS.REACHED, call=True, answered_by="relative")
    esc_attempt = attempt(db, occ, ids["escalated"], "+84913000002", CS.REACHED, call=True, answered_by="patient")
    with db.session() as s:
        call_id = s.get(CheckinAttempt, esc_attempt).call_id
    create_case(db, risk="high", reason="SpO2 93%", patient_id=ids["escalated"], call_id=call_id)
    attempt(db, occ, ids["retrying"], "+84913000003", CS.NO_ANSWER)
    attempt(db, occ, ids["retrying"], "+84913000003", CS.PLANNED, n=2)
    attempt(db, occ, ids["planned"], "+84913000004", CS.PLANNED)
    attempt(db, occ, ids["opted_out"], "+84913000005", CS.OPTED_OUT, call=True, answered_by="patient")
    attempt(db, occ, ids["missed"], "+84913000006", CS.BUSY)
    return ids


ALL = {"planned": 1, "in_progress": 1, "reached": 1, "not_reached": 1, "escalated": 1, "opted_out": 1}


def test_admin_sees_the_counts_of_ivr_checkins_status(app, client, auth, db, campaign_rows):
    occ = window_of(app)
    auth.login("admin")
    assert campaign.counts(db, occ) == ALL  # what `ivr checkins status --json` prints
    resp = client.get("/checkins/")
    assert resp.status_code == 302 and "/checkins/" in resp.headers["Location"]
    html = client.get(url(occ)).get_data(as_text=True)
    assert "Gọi hỏi thăm" in html and f"buổi {occ.name}" in html
    for name in ("Nguyễn Thị Đã Nghe", "Trần Văn Khó Thở", "Hoàng Văn Từ Chối", "Vũ Thị Vắng"):
        assert name in html
    assert "Người nhà" in html and "Từ chối nhận cuộc gọi" in html and "Máy bận" in html  # CHECKIN_LABELS
    assert '<progress id="checkin-progress" max="6" value="4">' in html
    live = client.get(url(occ, "/live")).get_json()
    assert live["counts"] == campaign.counts(db, occ) == ALL
    assert (live["total"], live["done"], live["paused"]) == (6, 4, False)
    states = {r["patient_id"]: (r["state"], r["status"], r["attempt"]) for r in live["rows"]}
    assert states[campaign_rows["retrying"]] == ("in_progress", "planned", 2)
    assert states[campaign_rows["escalated"]][0] == "escalated"
    row = next(r for r in live["rows"] if r["patient_id"] == campaign_rows["reached"])
    assert row["answered"] == "Người nhà" and row["call_url"].startswith("/calls/")


def test_doctor_and_viewer_see_only_their_commune(app, client, auth, db, campaign_rows):
    occ = window_of(app)
    for user in ("bs_a", "xem_a"):
        auth.login(user)
        live = client.get(url(occ, "/live")).get_json()
        assert live["counts"] == {**ALL, "opted_out": 0, "not_reached": 0}
        assert {r["patient_id"] for r in live["rows"]} == {
            campaign_rows[k] for k in ("reached", "escalated", "retrying", "planned")}
        html = client.get(url(occ)).get_data(as_text=True)
        assert "Hoàng Văn Từ Chối" not in html and "Vũ Thị Vắng" not in html
        assert 'id="pause"' not in html  # pause and resume are for admins
        auth.logout()
    auth.login("bs_b")
    live = client.get(url(occ, "/live")).get_json()
    assert live["counts"] == {"planned": 0, "in_progress": 0, "reached": 0, "not_reached": 1, "escalated": 0,
                              "opted_out": 1}
    assert live["total"] == 2 and live["done"] == 2


def test_live_json_answers_304_until_an_attempt_changes(app, client, auth, db, campaign_rows):
    occ = window_of(app)
    auth.login("admin")
    first = client.get(url(occ, "/live"))
    tag = first.headers["ETag"]
    again = client.get(url(occ, "/live"), headers={"If-None-Match": tag})
    assert again.status_code == 304 and again.get_data() == b""
    with db.session() as s:
        a = s.scalars(select(CheckinAttempt).where(CheckinAttempt.patient_id == campaign_rows["planned"])).one()
        a.status, a.claimed_at = CS.DIALING, utcnow()
    changed = client.get(url(occ, "/live"), headers={"If-None-Match": tag})
    assert changed.status_code == 200 and changed.headers["ETag"] != tag
    assert changed.get_json()["counts"] == {**ALL, "planned": 0, "in_progress": 2}
    assert changed.get_json()["counts"] == campaign.counts(db, occ)


def _paused(db: Database, occ: Occurrence) -> bool | None:
    with db.session() as s:
        return s.scalar(select(CheckinWindow.paused).where(CheckinWindow.window_date == occ.day,
                                                           CheckinWindow.window == occ.name))


def test_pause_and_resume_by_admin_with_csrf_audited(app, client, auth, db, campaign_rows, redis_url):
    app.extensions["ivr_cfg"] = app.extensions["ivr_cfg"].replace(redis_url=redis_url)
    occ = window_of(app)
    auth.login("admin")
    assert client.post(url(occ, "/pause")).status_code == 400  # no CSRF token
    assert not _paused(db, occ)
    resp = auth.post(url(occ, "/pause"))
    assert resp.status_code == 302
    assert _paused(db, occ) is True
    html = client.get(url(occ)).get_data(as_text=True)
    assert "Đã tạm dừng buổi gọi" in html and 'id="resume"' in html and "Đang tạm dừng" in html
    assert client.get(url(occ, "/live")).get_json()["paused"] is True
    assert auth.post(url(occ, "/resume")).status_code == 302
    assert _paused(db, occ) is False
    with db.session() as s:
        rows = s.execute(select(AuditLog.actor, AuditLog.action, AuditLog.target).where(
            AuditLog.action.like("checkin.%")).order_by(AuditLog.id)).all()
    target = f"checkin:{occ.day.isoformat()}:{occ.name}"
    assert [tuple(r) for r in rows] == [("admin", "checkin.pause", target), ("admin", "checkin.resume", target)]


@pytest.mark.parametrize("user", ["bs_a", "xem_a"])
def test_doctors_and_viewers_cannot_pause(app, client, auth, db, campaign_rows, user):
    occ = window_of(app)
    auth.login(user)
    assert auth.post(url(occ, "/pause")).status_code == 403
    assert not _paused(db, occ)


def test_unknown_window_or_day_is_404_and_signed_out_is_redirected(app, client, auth):
    occ = window_of(app)
    assert client.get(url(occ)).status_code == 302  # to the login page
    auth.login("admin")
    assert client.get(f"/checkins/{occ.day.isoformat()}/khong-co").status_code == 404
    assert client.get(f"/checkins/2026-13-45/{occ.name}").status_code == 404
    yesterday = occ.day - timedelta(days=1)
    assert client.get(f"/checkins/{yesterday.isoformat()}/{occ.name}").status_code == 200  # an empty window


def test_patient_page_shows_check_in_history(app, client, auth, db, campaign_rows):
    occ = window_of(app)
    auth.login("bs_a")
    html = client.get(f"/patients/{campaign_rows['retrying']}").get_data(as_text=True)
    assert 'id="checkin-history"' in html
    assert f'data-window="{occ.day.isoformat()}/{occ.name}"' in html
    assert "Lần 1: Không nghe máy" in html and "Lần 2: Đã lên lịch" in html and "Đang gọi" in html
    html = client.get(f"/patients/{campaign_rows['reached']}").get_data(as_text=True)
    assert "Đã liên lạc" in html and "Người nhà" in html and "xem cuộc gọi" in html
    html = client.get(f"/patients/{campaign_rows['escalated']}").get_data(as_text=True)
    assert "Chuyển bác sĩ" in html and "Người bệnh" in html
    # a household phone: the other patient's attempts are not shown as theirs
    other = add_patient(db, "Phạm Văn Không Gọi", "+84913000099", AREA_A)
    assert "Chưa có cuộc gọi hỏi thăm nào." in client.get(f"/patients/{other}").get_data(as_text=True)
    assert client.get(f"/patients/{campaign_rows['missed']}").status_code == 404  # commune B


def test_staff_opt_out_and_opt_in_audited(app, client, auth, db, campaign_rows):
    pid = campaign_rows["planned"]
    auth.login("bs_a")
    assert client.post(f"/checkins/patient/{pid}", data={"action": "opt_out"}).status_code == 400  # no CSRF
    with db.session() as s:
        assert s.get(Patient, pid).opted_out_at is None
    assert auth.post(f"/checkins/patient/{pid}", {"action": "opt_out"}).status_code == 302
    with db.session() as s:
        p = s.get(Patient, pid)
        assert p.opted_out_at is not None and p.opt_out_source == "staff"
    html = client.get(f"/patients/{pid}").get_data(as_text=True)
    assert "Không nhận cuộc gọi hỏi thăm từ" in html and "nhân viên ghi nhận" in html
    assert "Gọi hỏi thăm trở lại" in html
    assert auth.post(f"/checkins/patient/{pid}", {"action": "opt_in"}).status_code == 302
    with db.session() as s:
        p = s.get(Patient, pid)
        assert p.opted_out_at is None and p.opt_out_source == ""
        rows = s.execute(select(AuditLog.actor, AuditLog.action, AuditLog.target).where(
            AuditLog.action.in_(("patient.opt_out", "patient.opt_in"))).order_by(AuditLog.id)).all()
    assert [tuple(r) for r in rows] == [("bs_a", "patient.opt_out", f"patient:{pid}"),
                                        ("bs_a", "patient.opt_in", f"patient:{pid}")]
    assert auth.post(f"/checkins/patient/{pid}", {"action": "other"}).status_code == 400
    assert auth.post(f"/checkins/patient/{campaign_rows['missed']}", {"action": "opt_out"}).status_code == 404
    auth.logout()
    auth.login("xem_a")
    assert auth.post(f"/checkins/patient/{pid}", {"action": "opt_out"}).status_code == 403
    assert "Ngừng gọi hỏi thăm" not in client.get(f"/patients/{pid}").get_data(as_text=True)
    with db.session() as s:
        assert s.get(Patient, pid).opted_out_at is None
