"""A caller who gets worse while holding for a doctor (session 20, n48-hold-listen): ``queue.raise_on_hold``
raises the open case's risk, persisted first, with its history and audit, then a notification round; the doctors'
queue orders it as an emergency; a doctor who picked it keeps it; the raise survives a restart of the worker."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import redis as redis_lib
from sqlalchemy import func, select

from escalation import queue
from escalation.errors import EscalationConflict
from ivr.store.database import Database
from ivr.store.models import AuditLog, EscalationNotification, NotificationStatus

from .conftest import wait_until

T0 = datetime(2026, 11, 22, 20, 0, 0)


def _rounds(db: Database, eid: int) -> list[int]:
    with db.session() as s:
        return sorted({n.round for n in s.scalars(select(EscalationNotification)
                                                   .where(EscalationNotification.escalation_id == eid))})


def test_raise_on_hold_is_persisted_with_history_audit_and_a_new_round(db, people):
    eid = queue.create(db, risk="high", reason="Khó thở", reasons=["Khó thở, hụt hơi"],
                       patient_id=people.patients["lan"], mode="live", now=T0)
    esc = queue.raise_on_hold(db, eid, risk="emergency", signs=("altered_consciousness", "emergency"),
                              reasons=("Rối loạn ý thức: dấu hiệu 7",), words="ơ bà lịm đi rồi",
                              now=T0 + timedelta(seconds=30))
    assert (esc.risk, esc.status.value, esc.mode) == ("emergency", "waiting", "live")
    again = queue.get(db, eid)  # read back from the database
    assert again.risk == "emergency" and again.reason == "Nặng lên khi đang giữ máy: rối loạn ý thức, xin cấp cứu"
    # what the doctors' board lists: the raise first, then the new sign, then what was known
    assert again.reasons == [again.reason, "Rối loạn ý thức: dấu hiệu 7", "Khó thở, hụt hơi"]
    last = queue.events(db, eid)[-1]
    assert (last.from_status, last.to_status, last.actor) == ("waiting", "waiting", "system")
    assert last.detail == ("Nặng lên khi đang giữ máy: rối loạn ý thức, xin cấp cứu — nâng từ Nguy cơ cao lên Cấp cứu "
                           "(người gọi nói: “ơ bà lịm đi rồi”)"), last.detail
    with db.session() as s:
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "escalation.raise_on_hold")).one()
        assert audit.target == f"escalation:{eid}" and audit.actor == "system"
        assert audit.detail["risk_from"] == "high" and audit.detail["signs"] == ["altered_consciousness", "emergency"]
    assert _rounds(db, eid) == [0, 1]  # the doctors are told again, at the new level
    # never lowers, never raises twice: an emergency stays an emergency, no new round
    assert queue.raise_on_hold(db, eid, risk="high", signs=("cough",)).risk == "emergency"
    assert queue.raise_on_hold(db, eid, risk="emergency", signs=("cyanosis",)).risk == "emergency"
    assert len(queue.events(db, eid)) == 2 and _rounds(db, eid) == [0, 1]


def test_the_queue_orders_a_raised_case_as_an_emergency(db, people):
    first = queue.create(db, risk="high", reason="Khó thở", patient_id=people.patients["lan"], mode="live", now=T0)
    second = queue.create(db, risk="high", reason="Đau ngực", patient_id=people.patients["hoa"], mode="live",
                          now=T0 + timedelta(seconds=20))
    now = T0 + timedelta(seconds=40)
    assert [c.id for c in queue.list_open(db, now=now)] == [first, second]
    queue.raise_on_hold(db, second, risk="emergency", signs=("cyanosis",), now=now)
    assert [c.id for c in queue.list_open(db, now=now)] == [second, first]


def test_a_picked_case_keeps_its_doctor_and_a_closed_one_is_refused(db, people):
    eid = queue.create(db, risk="high", reason="Khó thở", patient_id=people.patients["lan"], mode="live", now=T0)
    queue.pick(db, eid, staff_id=people.staff["an"], mode="live", now=T0)
    esc = queue.raise_on_hold(db, eid, risk="emergency", signs=("severe_breathlessness",), now=T0)
    assert (esc.risk, esc.status.value, esc.picked_by_id) == ("emergency", "picked", people.staff["an"])
    assert _rounds(db, eid) == [0]  # the doctor who has it is on the way: no round to the others
    other = queue.create(db, risk="low", reason="x", patient_id=people.patients["hoa"], now=T0)
    queue.cancel(db, other, reason="Gọi nhầm", actor="dung")
    with pytest.raises(EscalationConflict, match="không thể nâng mức nguy cơ"):
        queue.raise_on_hold(db, other, risk="emergency", signs=("cyanosis",))


@pytest.mark.slow
def test_a_raise_made_while_redis_is_down_is_notified_after_the_worker_restarts(db, cfg, people, redis_url,
                                                                               receiver, workers):
    cfg = cfg.replace(redis_url=redis_url, escalation_processes=1, webhook_urls=(receiver.url(),),
                      sweep_interval_s=1)
    eid = queue.create(db, risk="high", reason="Khó thở", patient_id=people.patients["lan"], mode="live", cfg=cfg)
    # no Redis reachable for the raise (the worker is down too): persisted only
    queue.raise_on_hold(db, eid, risk="emergency", signs=("cyanosis",), words="môi tím rồi", cfg=cfg,
                        redis=redis_lib.Redis(port=1, socket_connect_timeout=0.2, socket_timeout=0.2))
    workers.start(cfg)  # the worker (re)starts: its sweep enqueues what the database holds
    wait_until(lambda: {b["round"] for b in receiver.bodies() if b["escalation_id"] == eid} >= {0, 1}, 60,
               "both rounds delivered after the restart")
    raised = [b for b in receiver.bodies() if b["round"] == 1]
    assert raised and all(b["risk"] == "emergency" for b in raised)
    assert "Nặng lên khi đang giữ máy: tím tái" in raised[0]["text"]

    def all_sent() -> bool:
        with db.session() as s:
            return not s.scalar(select(func.count()).select_from(EscalationNotification)
                                .where(EscalationNotification.status != NotificationStatus.SENT))

    wait_until(all_sent, 60, "every notification row marked sent")
    assert queue.get(db, eid).risk == "emergency"
