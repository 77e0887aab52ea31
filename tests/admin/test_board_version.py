"""The board's change check: an unchanged queue answers 304 before any row is built; every change that shows
on a board row (a new case, a move, a case closing, a patient's details, a caller's new words, the doctor's
own duty) is seen at once; and waiting, which reorders cases, is taken into account."""
from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from sqlalchemy import event

from admin.present import order_stable_until
from escalation import priority, queue
from ivr.store.models import Call, CallStep, Patient

from .test_board import make_call


@pytest.fixture
def statements(db):
    seen: list[str] = []
    event.listen(db.engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    return seen


def poll(client, etag):
    resp = client.get("/api/escalations", headers={"If-None-Match": etag} if etag else {})
    return resp, resp.headers.get("ETag", "").strip('"')


def test_unchanged_queue_is_answered_before_any_row_is_built(client, auth, db, patients, statements):
    for i in range(30):
        queue.create(db, risk=("emergency", "high", "medium", "low")[i % 4], reason="Sốt", caller=f"+849000000{i:02d}")
    auth.login("admin")
    first, etag = poll(client, None)
    assert first.status_code == 200 and first.get_json()["count"] == 30
    statements.clear()
    again, etag2 = poll(client, etag)
    assert again.status_code == 304 and etag2 == etag
    # the session lookup and the queue's version: no case, patient, call step or word is read
    assert not any("FROM call_steps" in s and "transcript" in s for s in statements), statements
    assert len(statements) <= 4, statements
    assert again.headers["X-Server-Now"]


def test_every_change_a_row_shows_is_seen(client, auth, db, patients, users):
    call = make_call(db, patients["a"])
    esc = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"], call_id=call)
    auth.login("admin")
    _, etag = poll(client, None)

    def changed(what):
        nonlocal etag
        resp, new = poll(client, etag)
        assert resp.status_code == 200, what
        assert new != etag, what
        etag = new
        assert poll(client, etag)[0].status_code == 304, what  # and then quiet again
        return resp.get_json()

    other = queue.create(db, risk="emergency", reason="Tím tái", patient_id=patients["b"])
    assert [e["id"] for e in changed("a new case")["escalations"]] == [other, esc]
    queue.pick(db, esc, staff_id=users["bs_a"])
    assert changed("a pick")["escalations"][1]["status"] == "picked"
    with db.session() as s:
        s.get(Patient, patients["a"]).name = "Phạm Văn Hưng"
    assert changed("a patient renamed")["escalations"][1]["patient_name"] == "Phạm Văn Hưng"
    with db.session() as s:
        s.add(CallStep(call_id=call, seq=10, node="anything_else", transcript="cho tôi gặp bác sĩ", event="speech"))
    assert "cho tôi gặp bác sĩ" in changed("the caller's new words")["escalations"][1]["said"]
    queue.pick(db, other, staff_id=users["admin"])
    changed("the other case picked")
    queue.resolve(db, other, staff_id=users["admin"], outcome="advice_given")
    assert [e["id"] for e in changed("a case closed")["escalations"]] == [esc]
    with db.session() as s:  # words in a call of no open case do not touch the board
        c = Call(caller="+84900000999", flow_name="covid_f0", outcome="completed")
        s.add(c)
        s.flush()
        s.add(CallStep(call_id=c.id, seq=0, node="greeting", transcript="alo", event="speech"))
    assert poll(client, etag)[0].status_code == 304


def test_own_duty_changes_the_answer(client, auth, db, patients):
    queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"])
    auth.login("bs_a")
    _, etag = poll(client, None)
    assert poll(client, etag)[0].status_code == 304
    auth.post("/board/duty", {"on": "1"})
    resp, _ = poll(client, etag)
    assert resp.status_code in (200, 304)  # rebuilt: the same cases may give the same body (then 304 again)
    resp2, etag2 = poll(client, None)
    assert resp2.status_code == 200 and etag2 == etag  # same cases, same order: the body did not change


@dataclass
class Case:
    id: int
    risk: str
    created_at: datetime


@pytest.mark.parametrize("seed", range(30))
def test_order_cannot_change_before_stable_until(seed):
    rng = random.Random(seed)
    gap = rng.choice([30.0, 120.0, 600.0])
    now = datetime(2026, 12, 5, 8, 0)
    cases = [Case(i, rng.choice(("emergency", "high", "medium", "low")),
                  now - timedelta(seconds=rng.uniform(0, 3 * gap))) for i in range(rng.randint(1, 25))]
    until = order_stable_until(cases, now, gap)
    assert until > now
    ids = [c.id for c in priority.order(cases, now=now, gap_s=gap)]
    span = (until - now).total_seconds()
    for k in range(1, 40):
        t = now + timedelta(seconds=span * k / 40 - 1e-3)
        assert [c.id for c in priority.order(cases, now=t, gap_s=gap)] == ids
    later = [now + timedelta(seconds=x) for x in range(0, int(4 * gap))]
    changes = [t for t in later if [c.id for c in priority.order(cases, now=t, gap_s=gap)] != ids]
    if changes:  # the bound is not idle: the first real change comes at or after it
        assert changes[0] >= until - timedelta(seconds=1)


def test_boards_share_one_build_but_each_sees_only_its_area(app, db, patients, users):
    from .conftest import AuthActions

    a = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"])
    b = queue.create(db, risk="emergency", reason="Tím tái", patient_id=patients["b"])
    boards = {}
    for name in ("admin", "bs_a", "bs_b"):
        client = app.test_client()
        AuthActions(client).login(name)
        boards[name] = client
    seen = {name: [e["id"] for e in c.get("/api/escalations").get_json()["escalations"]] for name, c in boards.items()}
    assert seen == {"admin": [b, a], "bs_a": [a], "bs_b": [b]}
    shared = app.extensions["board_shared"][1]["base"]
    assert set(shared.rows) == {a, b}  # built once, for everyone
    assert queue.create(db, risk="medium", reason="Sốt", reasons=["Sốt 38,6 °C"], patient_id=patients["a"]) == a
    seen = {name: c.get("/api/escalations").get_json()["escalations"] for name, c in boards.items()}
    assert [e["id"] for e in seen["bs_b"]] == [b] and [e["id"] for e in seen["bs_a"]] == [a]
    assert "Sốt 38,6 °C" in seen["bs_a"][0]["reasons"]  # the case re-triaged: every board has it
    assert app.extensions["board_shared"][1]["base"] is not shared  # rebuilt after the change
