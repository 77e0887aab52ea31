"""Statistics are limited to a staff member's area the way the board is (``escalation.area.covers``).

A commune doctor counts the calls and cases of their commune only: not the calls of unknown numbers,
not cases or patients whose area is unknown (those reach province-level staff, as on the board).
"""
from __future__ import annotations

import re
from datetime import timedelta

import pytest

from escalation import queue
from ivr.store.models import AreaLevel, Call, Patient, Role, StaffUser, utcnow

from .conftest import _HASH, AREA_A, AuthActions


def _numbers(html: str) -> dict[str, int]:
    return {k: int(v) for k, v in re.findall(r'<div class="num" id="n-([a-z-]+)">(\d+)</div>', html)}


@pytest.fixture
def hotline_day(db, users, patients):
    """Calls and open cases of commune A, commune B, an unknown area and unknown numbers."""
    now = utcnow()
    with db.session() as s:
        s.add(StaffUser(username="bs_tinh", password_hash=_HASH, active=True, role=Role.DOCTOR,
                        area_level=AreaLevel.PROVINCE, province="Hà Nội", full_name="BS tỉnh"))
        s.add(StaffUser(username="bs_huyen", password_hash=_HASH, active=True, role=Role.DOCTOR,
                        area_level=AreaLevel.DISTRICT, province=AREA_A["province"], district=AREA_A["district"]))
        nowhere = Patient(phone="+84912000003", name="Chưa rõ địa bàn", province="", district="", commune="")
        s.add(nowhere)
        s.flush()
        calls = [(patients["a"], "+84912000001"), (patients["a"], "+84912000001"), (patients["b"], "+84912000002"),
                 (nowhere.id, "+84912000003"), (None, "+84900000001"), (None, "+84900000002")]
        for i, (pid, caller) in enumerate(calls):
            s.add(Call(caller=caller, patient_id=pid, outcome="completed", started_at=now - timedelta(minutes=i)))
        nowhere_id = nowhere.id
    for pid in (patients["a"], patients["b"], nowhere_id):
        queue.create(db, risk="high", reason="Khó thở", patient_id=pid, now=now - timedelta(minutes=1))
    queue.create(db, risk="medium", reason="Sốt", caller="+84900000001", now=now - timedelta(minutes=1))
    return now


@pytest.mark.parametrize("username, calls, escalations", [
    ("bs_a", 2, 1),      # commune A: its patient's two calls and one case
    ("xem_a", 2, 1),
    ("bs_b", 1, 1),
    ("bs_huyen", 3, 2),  # the district of A and B, whatever tier their cases are at now
    ("bs_tinh", 6, 4),   # the province, plus unknown areas and numbers (the board shows them to it too)
    ("admin", 6, 4),
])
def test_stats_count_only_the_staff_members_area(app, hotline_day, username, calls, escalations):
    auth = AuthActions(app.test_client())
    auth.login(username)
    html = auth.client.get("/stats/?days=1").get_data(as_text=True)
    got = _numbers(html)
    assert (got["calls"], got["escalations"]) == (calls, escalations), got


@pytest.mark.parametrize("username", ["bs_a", "bs_b", "xem_a", "admin"])
def test_stats_count_the_cases_the_board_shows(app, hotline_day, username):
    """Every case is open: at the commune tier (and for admins) the statistics count exactly the cases
    the board lists (district and province staff see a case on the board once it reaches their tier)."""
    auth = AuthActions(app.test_client())
    auth.login(username)
    board = auth.client.get("/api/escalations").get_json()["count"]
    got = _numbers(auth.client.get("/stats/?days=1").get_data(as_text=True))
    assert got["escalations"] == board
