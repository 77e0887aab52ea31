"""A check-in call that hears the patient is no longer at home stops that patient's calls.

The outbound flow records ``patient_away`` (already in hospital, moved away, died: session 21b); the dialler
used to keep calling the number twice a day, a robot ringing a bereaved family or the relative of a patient
in hospital. ``outcome.finish`` now stops the answering patient's calls the way a "9" does, with the reason
as the source, and staff resume them on the patient's page (``campaign.set_opt_out``)."""
from __future__ import annotations

import pytest
from sqlalchemy import select

from escalation import jobs
from escalation.checkins import campaign, outcome, plan, summary, windows
from escalation.checkins.desk import QueueCheckinDesk
from ivr import ROOT
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.store.models import AuditLog, Call, CheckinAttempt, Patient, utcnow
from ivr.vocabulary import CheckinStatus
from tests.ivr.engine.test_node_signs_s18 import outbound
from tests.ivr.engine.test_whole_calls_s21b import RELATIVE, SILENCE, say

from .conftest import add, open_window_cfg

CS = CheckinStatus


@pytest.fixture
def ccfg(cfg, redis_url, monkeypatch):
    monkeypatch.setattr(jobs, "_BOUND", {})
    return open_window_cfg(cfg, redis_url=redis_url)


def _call_with(db, slots) -> int:
    with db.session() as s:
        call = Call(caller="hotline", flow_name="checkin_outbound", slots=dict(slots))
        s.add(call)
        s.flush()
        return int(call.id)


def _finish_one(db, ccfg, conn, slots, *, phone="+84901000001", patients=("Lan",)):
    ids = [add(db, phone, name) for name in patients]
    campaign.run_now(db, ccfg, conn, now=utcnow())
    call = QueueCheckinDesk(db, ccfg, redis=conn).claim("w1", 1.0)
    done = outcome.finish(db, ccfg, attempt_id=call.attempt_id, status=CS.REACHED, call_id=_call_with(db, slots),
                          answered_patient_id=ids[0], answered_by="relative", redis=conn, now=utcnow())
    return ids, done


@pytest.mark.parametrize(("words", "away"), [
    ("mẹ tôi đang nằm bệnh viện tỉnh từ hôm qua, tôi báo để trạm biết", "in_hospital"),
    ("bác ấy chuyển về quê ở với con từ tuần trước rồi", "moved"),
    ("dạ bà tôi mất hôm thứ bảy rồi", "died"),
])
def test_a_call_that_hears_the_patient_is_away_stops_their_calls(db, ccfg, conn, words, away):
    result = outbound(*RELATIVE, say(words), SILENCE, SILENCE)  # the real check-in flow, as the worker runs it
    assert result.slots["patient_away"] == away
    (lan,), done = _finish_one(db, ccfg, conn, result.slots)
    assert done.reached == [lan] and done.away == [lan]
    with db.session() as s:
        p = s.get(Patient, lan)
        assert p.opted_out_at is not None and p.opt_out_source == f"away_{away}"
        log = s.scalars(select(AuditLog).where(AuditLog.action == "patient.checkins_stopped")).one()
        assert log.target == f"patient:{lan}" and log.detail["source"] == f"away_{away}"
        assert not plan.eligible(p)
    nxt = windows.upcoming(ccfg, utcnow())[0]  # the next window does not call the number again
    plan.plan_window(db, ccfg, nxt, now=utcnow())
    with db.session() as s:
        assert s.scalars(select(CheckinAttempt).where(CheckinAttempt.window == nxt.name,
                                                      CheckinAttempt.window_date == nxt.day)).all() == []


def test_an_ordinary_check_in_keeps_the_calls(db, ccfg, conn):
    (lan,), done = _finish_one(db, ccfg, conn, {"spo2": 98, "answered_by": "patient"})
    assert done.reached == [lan] and done.away == []
    with db.session() as s:
        assert s.get(Patient, lan).opted_out_at is None


def test_a_household_call_that_could_not_tell_who_stops_nobody(db, ccfg, conn):
    ids = [add(db, "+84901000001", name) for name in ("Lan", "Hùng")]
    campaign.run_now(db, ccfg, conn, now=utcnow())
    call = QueueCheckinDesk(db, ccfg, redis=conn).claim("w1", 1.0)
    done = outcome.finish(db, ccfg, attempt_id=call.attempt_id, status=CS.REACHED,
                          call_id=_call_with(db, {"patient_away": "in_hospital"}), answered_by="relative",
                          redis=conn, now=utcnow())
    assert sorted(done.reached) == sorted(ids) and done.away == []
    with db.session() as s:
        assert all(s.get(Patient, i).opted_out_at is None for i in ids)


def test_staff_resume_the_calls_and_the_summary_counts_them_apart_from_refusals(db, ccfg, conn):
    (lan,), _ = _finish_one(db, ccfg, conn, {"patient_away": "in_hospital"})
    hung = add(db, "+84901000009", "Hùng")
    campaign.set_opt_out(db, hung, True, actor="staff:an", now=utcnow())
    with db.session() as s:
        (row,) = summary.figures(s, ccfg, windows.local_date(ccfg, utcnow())).values()
    assert (row["away"], row["opted_out"]) == (1, 1)
    text = summary.body(windows.local_date(ccfg, utcnow()), ("", "", ""), row)["text"]
    assert "từ chối nhận cuộc gọi 1; dừng gọi vì được báo đã nhập viện, chuyển đi hoặc mất 1." in text
    campaign.set_opt_out(db, lan, False, actor="staff:an", now=utcnow())  # the station checked: back home
    with db.session() as s:
        p = s.get(Patient, lan)
        assert p.opted_out_at is None and p.opt_out_source == "" and plan.eligible(p)


def test_every_away_value_of_the_flow_stops_calls_or_is_retried():
    """Each of the flow's ``on_away`` handlers either stops the calls (``AWAY_STOPS``) or is "out right now"
    (session 22b, n62: the attempt is not reached and the dialler retries it in the window)."""
    flow = load_flow(ROOT / "callflows" / "checkin_outbound.yaml", load_catalog(ROOT / "prompts" / "vi.yaml"))
    assert set(outcome.AWAY_STOPS) <= set(flow.on_away)
    assert set(flow.on_away) - set(outcome.AWAY_STOPS) == {"out_now"}


def test_out_right_now_is_retried_not_stopped(db, ccfg, conn):
    """The relative said the patient is out right now: the worker reports the attempt not reached (retried) and
    nobody's calls stop, even if such a result came back as reached."""
    from ivr.telephony.dialer import result_status
    assert result_status(answered=True, sip_code=200, rang_out=False,
                         slots={"started": True, "patient_out": True}) == CS.NOT_REACHED
    (lan,), done = _finish_one(db, ccfg, conn, {"started": True, "patient_out": True})
    assert done.away == []
    with db.session() as s:
        assert s.get(Patient, lan).opted_out_at is None
