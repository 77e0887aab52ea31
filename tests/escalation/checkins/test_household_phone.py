"""Several patients may share a household phone: inbound calls from it are not pinned on one of them;
staff can record an opt-out, and an opted-out patient is left out of the household's calls."""
from __future__ import annotations

from datetime import date

from sqlalchemy import select

from escalation.checkins import campaign, plan, windows
from ivr.store.models import AuditLog, Call, CheckinAttempt, Patient, utcnow
from ivr.telephony.callstore import CallStore

from .conftest import add


def test_an_inbound_call_from_a_shared_phone_is_not_attached_to_either_patient(db):
    add(db, "+84912345678", "Nguyễn Thị Lan")
    add(db, "+84912345678", "Trần Văn Hùng")
    alone = add(db, "+84912345679", "Lê Minh")
    store = CallStore(db)
    assert store.caller_profile("0912345678") == ("unknown", ())
    shared = store.start_call(sip_call_id="a@b", caller="0912345678", worker="w0", flow_name="covid_f0")
    single = store.start_call(sip_call_id="c@d", caller="0912345679", worker="w0", flow_name="covid_f0")
    with db.session() as s:
        assert s.get(Call, shared).patient_id is None
        assert s.get(Call, single).patient_id == alone


def test_staff_opt_out_leaves_the_patient_out_of_the_households_next_call(db, cfg):
    lan = add(db, "+84912345678", "Nguyễn Thị Lan")
    hung = add(db, "+84912345678", "Trần Văn Hùng")
    now = utcnow()
    campaign.set_opt_out(db, lan, True, actor="bs.an", now=now)
    campaign.set_opt_out(db, lan, True, actor="bs.an", now=now)  # once is enough
    with db.session() as s:
        p = s.get(Patient, lan)
        assert (p.opted_out_at, p.opt_out_source) == (now, "staff")
        assert [a.action for a in s.scalars(select(AuditLog))] == ["patient.opt_out"]
    occ = windows.occurrence(cfg, date(2026, 12, 5), "sang")
    plan.plan_window(db, cfg, occ, now=occ.starts_at)
    with db.session() as s:
        assert s.scalars(select(CheckinAttempt)).one().patient_ids == [hung]
    campaign.set_opt_out(db, lan, False, actor="bs.an", now=now)
    with db.session() as s:
        assert s.get(Patient, lan).opted_out_at is None
