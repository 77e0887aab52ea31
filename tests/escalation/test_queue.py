"""The queue's state machine, audit trail, re-triage and bad input (database only)."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from escalation import patients, queue
from escalation.errors import EscalationConflict, EscalationError, EscalationNotFound
from ivr.store.database import Database
from ivr.store.models import (
    AuditLog,
    CareStatus,
    EscalationNotification,
    Patient,
)

T0 = datetime(2026, 11, 22, 20, 0, 0)  # 03:00 in Vietnam


def _audit(db: Database) -> list[tuple[str, str, str]]:
    with db.session() as s:
        return [(a.actor, a.action, a.target) for a in s.scalars(select(AuditLog).order_by(AuditLog.id))]


def test_full_life_of_a_case_is_stamped_and_audited(db, people):
    eid = queue.create(db, risk="high", reason="Khó thở", reasons=["shortness_of_breath"], caller="+84900000001",
                       patient_id=people.patients["lan"], now=T0)
    esc = queue.get(db, eid)
    assert esc.status.value == "waiting" and esc.tier.value == "commune" and esc.commune == "Dịch Vọng"
    assert queue.offer(db, eid, now=T0 + timedelta(seconds=5)).status.value == "offered"
    esc = queue.pick(db, eid, staff_id=people.staff["an"], mode="live", now=T0 + timedelta(seconds=10, minutes=12))
    assert esc.status.value == "picked" and esc.picked_by_id == people.staff["an"] and esc.mode == "live"
    assert queue.start_call(db, eid, now=T0 + timedelta(minutes=13)).status.value == "in_call"
    queue.add_note(db, eid, staff_id=people.staff["an"], text="SpO2 95%, hướng dẫn nằm sấp",
                   now=T0 + timedelta(minutes=14))
    assert queue.schedule_callback(db, eid, now=T0 + timedelta(minutes=15)).status.value == "callback_scheduled"
    esc = queue.resolve(db, eid, staff_id=people.staff["an"], outcome="advice_given", notes="Ổn định",
                        now=T0 + timedelta(minutes=30))
    assert esc.status.value == "resolved" and esc.outcome == "advice_given"
    assert esc.resolved_at == T0 + timedelta(minutes=30)
    assert "[03:14 Nguyễn Văn An] SpO2 95%, hướng dẫn nằm sấp" in esc.notes and "Ổn định" in esc.notes
    trail = [(e.from_status, e.to_status, e.actor, e.at) for e in queue.events(db, eid)]
    assert trail == [
        ("", "waiting", "system", T0),
        ("waiting", "offered", "system", T0 + timedelta(seconds=5)),
        ("offered", "picked", "an", T0 + timedelta(minutes=12, seconds=10)),
        ("picked", "in_call", "system", T0 + timedelta(minutes=13)),
        ("in_call", "in_call", "an", T0 + timedelta(minutes=14)),
        ("in_call", "callback_scheduled", "system", T0 + timedelta(minutes=15)),
        ("callback_scheduled", "resolved", "an", T0 + timedelta(minutes=30)),
    ]
    assert _audit(db) == [("an", "escalation.pick", f"escalation:{eid}"),
                          ("an", "escalation.note", f"escalation:{eid}"),
                          ("an", "escalation.resolve", f"escalation:{eid}")]
    assert queue.list_open(db, now=T0 + timedelta(hours=1)) == []
    with pytest.raises(EscalationConflict, match=rf"^Ca #{eid} đang ở trạng thái 'Đã xử lý xong', không thể hủy ca\.$"):
        queue.cancel(db, eid, reason="x")


def test_losing_pick_says_who_won_and_when(db, people):
    eid = queue.create(db, risk="emergency", reason="Tím tái", patient_id=people.patients["lan"], now=T0)
    queue.pick(db, eid, staff_id=people.staff["an"], now=T0 + timedelta(minutes=12))
    with pytest.raises(EscalationConflict) as info:
        queue.pick(db, eid, staff_id=people.staff["binh"], now=T0 + timedelta(minutes=13))
    assert str(info.value) == f"Ca #{eid} đã được bác sĩ Nguyễn Văn An nhận lúc 03:12."
    assert [e.to_status for e in queue.events(db, eid)] == ["waiting", "picked"]


def test_bad_input_gets_clear_errors_and_nothing_is_written(db, people):
    with pytest.raises(EscalationNotFound, match=r"^Không tìm thấy bệnh nhân #999\.$"):
        queue.create(db, risk="high", reason="x", patient_id=999)
    with pytest.raises(EscalationError, match=r"^Mức nguy cơ không hợp lệ: 'urgent'"):
        queue.create(db, risk="urgent", reason="x")
    with pytest.raises(EscalationError, match=r"^Cách liên hệ không hợp lệ: 'sms'"):
        queue.create(db, risk="high", reason="x", mode="sms")
    assert queue.list_open(db) == []
    eid = queue.create(db, risk="high", reason="x", caller="+849")
    with pytest.raises(EscalationNotFound, match=r"^Không tìm thấy ca #12345\.$"):
        queue.pick(db, 12345, staff_id=people.staff["an"])
    with pytest.raises(EscalationNotFound, match=r"^Không tìm thấy nhân viên #777\.$"):
        queue.pick(db, eid, staff_id=777)
    with pytest.raises(EscalationError, match=r"^Tài khoản viewer không có quyền nhận ca\.$"):
        queue.pick(db, eid, staff_id=people.staff["viewer"])
    with pytest.raises(EscalationConflict, match=r"không thể kết thúc ca\.$"):
        queue.resolve(db, eid, staff_id=people.staff["dung"], outcome="advice_given")
    queue.pick(db, eid, staff_id=people.staff["dung"])
    with pytest.raises(EscalationError, match=r"^Kết quả xử lý không hợp lệ: 'cured'"):
        queue.resolve(db, eid, staff_id=people.staff["dung"], outcome="cured")
    with pytest.raises(EscalationError, match=r"^Ghi chú không được để trống\.$"):
        queue.add_note(db, eid, staff_id=people.staff["dung"], text="  ")
    assert set(queue.OUTCOMES) == {"advice_given", "transferred", "ambulance_called", "unreachable"}
    assert queue.get(db, eid).status.value == "picked"


def test_calling_again_retriages_the_open_case_instead_of_duplicating(db, people):
    lan = people.patients["lan"]
    eid = queue.create(db, risk="medium", reason="Sốt 3 ngày", reasons=["fever_3_days"], patient_id=lan, now=T0)
    again = queue.create(db, risk="emergency", reason="SpO2 92%", reasons=["low_spo2"], patient_id=lan,
                         mode="live", now=T0 + timedelta(minutes=5))
    assert again == eid
    esc = queue.get(db, eid)
    assert (esc.risk, esc.reason, esc.reasons, esc.mode) == ("emergency", "SpO2 92%", ["fever_3_days", "low_spo2"],
                                                             "live")
    # a milder call later never lowers the risk
    queue.create(db, risk="low", reason="Ho nhẹ", reasons=["cough"], patient_id=lan, now=T0 + timedelta(minutes=6))
    esc = queue.get(db, eid)
    assert (esc.risk, esc.reason) == ("emergency", "SpO2 92%") and esc.reasons[-1] == "cough"
    assert len(queue.list_open(db, now=T0 + timedelta(minutes=7))) == 1
    # the raised risk started a new notification round; the milder call did not
    with db.session() as s:
        rounds = sorted({n.round for n in s.scalars(select(EscalationNotification))})
    assert rounds == [0, 1]
    # without a patient record, the caller's number identifies the open case
    a = queue.create(db, risk="high", reason="Khó thở", caller="+84911111111", now=T0)
    assert queue.create(db, risk="high", reason="Đau ngực", caller="+84911111111", now=T0) == a
    # once closed, a new call opens a new case
    queue.cancel(db, a, reason="Gọi nhầm", actor="dung")
    assert queue.create(db, risk="high", reason="Khó thở", caller="+84911111111", now=T0) != a


def test_hold_expired_turns_a_live_case_into_a_callback(db, people):
    eid = queue.create(db, risk="emergency", reason="Lơ mơ", patient_id=people.patients["lan"], mode="live", now=T0)
    esc = queue.hold_expired(db, eid, now=T0 + timedelta(seconds=90))
    assert (esc.mode, esc.status.value) == ("callback", "waiting")
    assert queue.events(db, eid)[-1].detail == "Hết thời gian giữ máy: bác sĩ sẽ gọi lại"
    picked = queue.create(db, risk="high", reason="x", patient_id=people.patients["hoa"], mode="live", now=T0)
    queue.pick(db, picked, staff_id=people.staff["an"], now=T0)
    assert queue.hold_expired(db, picked).mode == "live"  # already picked: unchanged


def test_live_case_with_nobody_on_duty_becomes_a_callback(db, people):
    for name in ("an", "binh", "cuong", "dung"):
        queue.set_on_duty(db, people.staff[name], False)
    eid = queue.create(db, risk="emergency", reason="Lơ mơ", patient_id=people.patients["lan"], mode="live", now=T0)
    esc = queue.get(db, eid)
    assert (esc.mode, esc.tier.value) == ("callback", "province")
    assert ("an", "staff.off_duty", f"staff:{people.staff['an']}") in _audit(db)


def test_transfer_and_discharge_close_open_cases_with_the_reason(db, people):
    lan, hoa = people.patients["lan"], people.patients["hoa"]
    a = queue.create(db, risk="high", reason="Khó thở", patient_id=lan, now=T0)
    b = queue.create(db, risk="medium", reason="Sốt", patient_id=hoa, now=T0)
    queue.pick(db, b, staff_id=people.staff["an"], now=T0)
    assert patients.transfer(db, lan, staff_id=people.staff["cuong"], note="Bệnh viện Đống Đa") == [a]
    assert patients.discharge(db, hoa, staff_id=people.staff["an"]) == [b]
    for eid, reason in ((a, "Bệnh nhân đã được chuyển tầng điều trị: Bệnh viện Đống Đa"),
                        (b, "Bệnh nhân đã xuất viện (kết thúc theo dõi tại nhà)")):
        esc = queue.get(db, eid)
        assert esc.status.value == "cancelled"
        assert queue.events(db, eid)[-1].detail == reason
    with db.session() as s:
        assert s.get(Patient, lan).care_status == CareStatus.TRANSFERRED
        assert s.get(Patient, lan).care_note == "Bệnh viện Đống Đa"
        assert s.get(Patient, hoa).care_status == CareStatus.DISCHARGED
    actions = [a for _, a, _ in _audit(db)]
    assert "patient.transferred" in actions and "patient.discharged" in actions
    with pytest.raises(EscalationNotFound, match=r"^Không tìm thấy bệnh nhân #999\.$"):
        patients.discharge(db, 999, staff_id=people.staff["an"])
    with pytest.raises(EscalationError, match=r"đã ở trạng thái này rồi\.$"):
        patients.discharge(db, hoa, staff_id=people.staff["an"])


def test_unpick_returns_a_case_whose_live_bridge_failed_to_the_queue(db, people):
    eid = queue.create(db, risk="emergency", reason="Khó thở", patient_id=people.patients["lan"], mode="live", now=T0)
    queue.pick(db, eid, staff_id=people.staff["an"], now=T0 + timedelta(seconds=20))
    esc = queue.unpick(db, eid, reason="bác sĩ không nghe máy", now=T0 + timedelta(seconds=50))
    assert (esc.status.value, esc.picked_by_id, esc.picked_at, esc.mode) == ("waiting", None, None, "live")
    assert queue.events(db, eid)[-1].detail == (
        "Không nối máy được với bác sĩ Nguyễn Văn An: bác sĩ không nghe máy; trả ca về hàng chờ")
    assert queue.pick(db, eid, staff_id=people.staff["binh"], now=T0 + timedelta(seconds=60)).picked_by_id == \
        people.staff["binh"]
    with pytest.raises(EscalationConflict):
        queue.unpick(db, queue.create(db, risk="high", reason="x", caller="+84123"), reason="x")
