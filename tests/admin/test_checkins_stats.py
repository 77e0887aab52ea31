"""Statistics of the check-in calls: reach rate and calls per reached patient (the check-in package's
``reach_stats``), and the time from a worsening reading (trend check or check-in call) to a doctor's pick."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from escalation import queue
from escalation.checkins import campaign
from ivr.store.models import Assessment, Call, CheckinAttempt, Escalation, utcnow
from ivr.vocabulary import CheckinStatus as CS

from .conftest import AREA_A, AREA_B, AuthActions
from .test_checkins import add_patient, attempt, window_of


def _picked(db, esc_id: int, at) -> None:
    with db.session() as s:
        s.execute(update(Escalation).where(Escalation.id == esc_id).values(picked_at=at))


@pytest.fixture
def checkin_period(app, db, patients):
    """A1 reached at the 2nd call, A2 not reached in 3, B1 reached at once; a trend case of A1 picked 20 minutes
    after its reading, a check-in call case of B1 picked after 1 minute, an inbound case (not counted) after 2 h."""
    occ = window_of(app)
    now = utcnow()
    a1 = add_patient(db, "Nguyễn Văn Một", "+84914000001", AREA_A)
    a2 = add_patient(db, "Nguyễn Văn Hai", "+84914000002", AREA_A)
    b1 = add_patient(db, "Trần Thị Ba", "+84914000003", AREA_B)
    attempt(db, occ, a1, "+84914000001", CS.NO_ANSWER)
    attempt(db, occ, a1, "+84914000001", CS.REACHED, n=2, call=True, answered_by="patient")
    attempt(db, occ, a2, "+84914000002", CS.BUSY)
    attempt(db, occ, a2, "+84914000002", CS.NO_ANSWER, n=2)
    attempt(db, occ, a2, "+84914000002", CS.NOT_REACHED, n=3, call=True)
    b1_attempt = attempt(db, occ, b1, "+84914000003", CS.REACHED, call=True, answered_by="patient")
    with db.session() as s:
        reading = Assessment(patient_id=a1, at=now - timedelta(minutes=30), risk="medium", vitals={"spo2": 95})
        s.add(reading)
        s.flush()
        reading_id = reading.id
        b1_call = s.get(CheckinAttempt, b1_attempt).call_id
        inbound = Call(caller="+84912000001", patient_id=patients["a"], flow_name="covid_f0", outcome="escalated")
        s.add(inbound)
        s.flush()
        inbound_id = inbound.id
    trend = queue.create(db, risk="high", reason="SpO2 giảm dần", patient_id=a1, assessment_id=reading_id,
                         now=now - timedelta(minutes=29))
    _picked(db, trend, now - timedelta(minutes=10))
    by_call = queue.create(db, risk="high", reason="Khó thở", patient_id=b1, call_id=b1_call,
                           now=now - timedelta(minutes=5))
    _picked(db, by_call, now - timedelta(minutes=4))
    other = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"], call_id=inbound_id,
                         now=now - timedelta(hours=3))
    _picked(db, other, now - timedelta(hours=1))
    queue.create(db, risk="medium", reason="Sốt 3 ngày", patient_id=a2, assessment_id=reading_id, now=now)  # unpicked
    return occ


def _text(html: str, element_id: str) -> str:
    start = html.index(f'id="{element_id}">') + len(f'id="{element_id}">')
    return html[start:html.index("</div>", start)]


def test_admin_gets_the_check_in_packages_statistics(app, db, checkin_period):
    auth = AuthActions(app.test_client())
    auth.login("admin")
    html = auth.client.get("/stats/?days=1").get_data(as_text=True)
    figures = campaign.stats(db, app.extensions["ivr_cfg"], [checkin_period])
    assert figures == {"called": 3, "reached": 2, "reach_rate": 0.667, "attempts_per_reached": 3.0}
    assert _text(html, "checkin-reach-rate") == "67%"
    assert "(2/3 lượt theo buổi)" in html
    assert _text(html, "checkin-attempts") == "3.00"
    assert _text(html, "worsening-p50") == "1 phút 0 giây"  # the check-in call's case
    assert _text(html, "worsening-p95") == "20 phút 0 giây"  # the trend case, from its reading
    assert _text(html, "worsening-unpicked") == "1"


@pytest.mark.parametrize("username, rate, per_reached, p50, unpicked", [
    ("bs_a", "50%", "5.00", "20 phút 0 giây", "1"),
    ("bs_b", "100%", "1.00", "1 phút 0 giây", "0"),
])
def test_commune_staff_get_their_communes_figures(app, checkin_period, username, rate, per_reached, p50, unpicked):
    auth = AuthActions(app.test_client())
    auth.login(username)
    html = auth.client.get("/stats/?days=1").get_data(as_text=True)
    assert (_text(html, "checkin-reach-rate"), _text(html, "checkin-attempts")) == (rate, per_reached)
    assert (_text(html, "worsening-p50"), _text(html, "worsening-unpicked")) == (p50, unpicked)


def test_no_check_in_calls_shows_dashes(app):
    auth = AuthActions(app.test_client())
    auth.login("admin")
    html = auth.client.get("/stats/?days=7").get_data(as_text=True)
    assert _text(html, "checkin-reach-rate") == "–" and _text(html, "worsening-p50") == "–"
