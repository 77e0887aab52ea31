"""Priority order, area visibility and tier moves with injected time (database only)."""
from __future__ import annotations

from datetime import datetime, timedelta

from escalation import priority, queue, sweeper
from escalation.area import tier_after_s
from ivr.store.models import AreaLevel

from .conftest import add_patient, add_staff

T0 = datetime(2026, 11, 22, 8, 0, 0)


def test_score_risk_first_then_waiting_time():
    gap = 900
    assert priority.score("emergency", 0, gap_s=gap) > priority.score("high", 899, gap_s=gap)
    assert priority.score("high", 901, gap_s=gap) > priority.score("emergency", 0, gap_s=gap)
    assert priority.score("medium", 10, gap_s=gap) > priority.score("medium", 5, gap_s=gap)
    # a case climbs one level at most
    assert priority.score("emergency", 0, gap_s=gap) > priority.score("medium", 10 * 3600, gap_s=gap)
    assert priority.more_urgent("medium", "high") == "high"
    assert priority.merge_reasons(["a", "b"], ["b", "c"]) == ["a", "b", "c"]


def test_list_open_orders_by_priority_and_old_high_overtakes_only_after_the_gap(db, cfg, people):
    cfg = cfg.replace(priority_gap_s=600)
    now = T0 + timedelta(hours=1)
    waited = {"emergency": 0, "high_9min": 9, "high_11min": 11, "medium_50min": 50, "low": 2, "picked": 3}
    ids = {name: queue.create(db, risk=name.split("_")[0] if name != "picked" else "emergency", reason=name,
                              caller=name, now=now - timedelta(minutes=m)) for name, m in waited.items()}
    queue.pick(db, ids["picked"], staff_id=people.staff["dung"], now=now)
    name = {v: k for k, v in ids.items()}
    order = [name[c.id] for c in queue.list_open(db, now=now, cfg=cfg)]
    # the high case that waited 11 min (> gap) overtakes the fresh emergency; the one at 9 min does not;
    # the medium case waited long enough to pass the 9-min high case but never the emergency; picked cases last
    assert order == ["high_11min", "emergency", "medium_50min", "high_9min", "low", "picked"]
    # with the default gap (15 min) the emergency stays first
    assert [name[c.id] for c in queue.list_open(db, now=now)][0] == "emergency"


def test_staff_see_cases_of_their_area_at_their_tier(db, cfg, people):
    add_staff(db, "other", AreaLevel.COMMUNE, province="Hà Nội", district="Cầu Giấy", commune="Nghĩa Đô")
    eid = queue.create(db, risk="high", reason="Khó thở", patient_id=people.patients["lan"], now=T0)
    assert queue.get(db, eid).tier == AreaLevel.COMMUNE
    seen = {name: [c.id for c in queue.list_open(db, staff=people.staff[name], now=T0)]
            for name in ("an", "cuong", "dung")}
    assert seen == {"an": [eid], "cuong": [], "dung": []}
    sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=cfg.tier_high_s))
    assert queue.get(db, eid).tier == AreaLevel.DISTRICT
    assert [c.id for c in queue.list_open(db, staff=people.staff["cuong"], now=T0)] == [eid]
    assert [c.id for c in queue.list_open(db, staff=people.staff["an"], now=T0)] == [eid]  # still theirs too
    assert queue.list_open(db, staff=people.staff["dung"], now=T0) == []


def test_tiers_move_up_per_risk_level_and_remind_at_the_top(db, cfg, people):
    assert (tier_after_s(cfg, "emergency"), tier_after_s(cfg, "high"), tier_after_s(cfg, "medium")) == (120, 600, 7200)
    e = queue.create(db, risk="emergency", reason="Tím tái", patient_id=people.patients["lan"], now=T0)
    m = queue.create(db, risk="medium", reason="Sốt", patient_id=people.patients["hoa"], now=T0)
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=119))
    assert (r.moved, r.reminded) == ([], [])
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=120))
    assert r.moved == [e] and queue.get(db, e).tier == AreaLevel.DISTRICT
    assert queue.get(db, m).tier == AreaLevel.COMMUNE
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=240))
    assert r.moved == [e] and queue.get(db, e).tier == AreaLevel.PROVINCE
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=300))
    assert (r.moved, r.reminded) == ([], [])
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=360))
    assert r.reminded == [e]
    details = [ev.detail for ev in queue.events(db, e)]
    assert details[1:] == ["Chuyển lên tuyến Quận/huyện: chưa có ai nhận sau 2 phút",
                           "Chuyển lên tuyến Tỉnh/thành phố: chưa có ai nhận sau 2 phút",
                           "Nhắc lại lần 3: chưa có bác sĩ nhận ca"]
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(hours=2))
    assert queue.get(db, m).tier == AreaLevel.DISTRICT and m in r.moved
    # a picked case stays where it is
    queue.pick(db, m, staff_id=people.staff["cuong"], now=T0 + timedelta(hours=2))
    sweeper.sweep(db, cfg, now=T0 + timedelta(hours=5))
    assert queue.get(db, m).tier == AreaLevel.DISTRICT


def test_a_tier_with_nobody_on_duty_is_skipped(db, cfg, people):
    queue.set_on_duty(db, people.staff["an"], False)
    queue.set_on_duty(db, people.staff["binh"], False)
    eid = queue.create(db, risk="high", reason="x", patient_id=people.patients["lan"], now=T0)
    assert queue.get(db, eid).tier == AreaLevel.DISTRICT
    # the district doctor goes off duty while the case waits: the sweeper moves it on at once
    queue.set_on_duty(db, people.staff["cuong"], False)
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=1))
    assert r.moved == [eid] and queue.get(db, eid).tier == AreaLevel.PROVINCE
    assert [s.username for s in queue.on_duty_staff(db, eid)] == ["dung"]


def test_case_without_a_known_area_goes_to_the_province(db, people):
    pid = add_patient(db, "+84900000009", "Không địa chỉ", province="", district="", commune="")
    eid = queue.create(db, risk="high", reason="x", patient_id=pid, now=T0)
    assert queue.get(db, eid).tier == AreaLevel.PROVINCE
    assert [c.id for c in queue.list_open(db, staff=people.staff["dung"], now=T0)] == [eid]


def test_sweeper_turns_forgotten_live_holds_into_callbacks(db, cfg, people):
    eid = queue.create(db, risk="emergency", reason="x", patient_id=people.patients["lan"], mode="live", now=T0)
    sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=cfg.hold_limit_s))
    assert queue.get(db, eid).mode == "live"  # the SIP worker's own timer comes first
    r = sweeper.sweep(db, cfg, now=T0 + timedelta(seconds=cfg.hold_limit_s + sweeper.HOLD_GRACE_S))
    assert r.held == [eid] and queue.get(db, eid).mode == "callback"
