"""The escalation board, one case, pick / note / resolve, on-duty, recordings, and the JSON API."""
from __future__ import annotations

import re
import wave
from datetime import timedelta
from urllib.parse import urljoin

import pytest
from sqlalchemy import event, select

from escalation import queue, sweeper
from ivr.store.models import (
    AreaLevel,
    AuditLog,
    Call,
    CallStep,
    Escalation,
    EscalationStatus,
    Patient,
    StaffUser,
    utcnow,
)

from .conftest import AREA_A, AREA_B

RISKS = ("emergency", "high", "medium", "low")
XSS = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def make_call(db, patient_id, words=("tôi bị khó thở", XSS), recording=""):
    with db.session() as s:
        call = Call(caller="+84912000001", patient_id=patient_id, flow_name="covid_f0", outcome="escalated",
                    recording_path=recording)
        s.add(call)
        s.flush()
        for i, w in enumerate(words):
            s.add(CallStep(call_id=call.id, seq=i, node=f"hoi_{i}", transcript=w, event="speech"))
        s.add(CallStep(call_id=call.id, seq=len(words), node="spo2", digits="92", event="dtmf"))
        return call.id


@pytest.fixture
def case_a(db, patients):
    call_id = make_call(db, patients["a"])
    return queue.create(db, risk="high", reason="SpO2 thấp", reasons=["SpO2 92% ≤ 93%", "Khó thở"],
                        caller="+84912000001", patient_id=patients["a"], call_id=call_id)


@pytest.fixture
def case_b(db, patients):
    return queue.create(db, risk="emergency", reason="Tím tái", reasons=["Tím môi"], caller="+84912000002",
                        patient_id=patients["b"])


def test_board_lists_only_own_area(client, auth, case_a, case_b):
    auth.login("bs_a")
    html = client.get("/board/").get_data(as_text=True)
    assert "Phạm Văn Hùng" in html and "Đỗ Thị Lan" not in html
    assert "SpO2 92% ≤ 93%" in html and "Nguy cơ cao" in html
    data = client.get("/api/escalations").get_json()
    assert [e["id"] for e in data["escalations"]] == [case_a]
    auth.logout()
    auth.login("bs_b")
    assert [e["id"] for e in client.get("/api/escalations").get_json()["escalations"]] == [case_b]
    auth.logout()
    auth.login("admin")
    ids = [e["id"] for e in client.get("/api/escalations").get_json()["escalations"]]
    assert ids == [case_b, case_a]  # emergency first


def test_api_row_shape_and_etag(client, auth, case_a):
    auth.login("bs_a")
    resp = client.get("/api/escalations")
    assert resp.headers["X-Server-Now"].endswith("+00:00")
    row = resp.get_json()["escalations"][0]
    assert "waited_s" not in row and row["created_at"].endswith("+00:00")
    assert row["risk"] == "high" and row["risk_label"] == "Nguy cơ cao"
    assert row["patient_name"] == "Phạm Văn Hùng" and row["area"] == "Dịch Vọng, Cầu Giấy, Hà Nội"
    assert row["said"].startswith("tôi bị khó thở · ") and "[phím 92]" in row["said"]
    assert XSS in row["said"]  # raw in JSON: the board inserts it as text, never as HTML
    etag = resp.headers["ETag"]
    again = client.get("/api/escalations", headers={"If-None-Match": etag})
    assert again.status_code == 304
    auth.refresh_token("/board/")
    auth.post(f"/board/{case_a}/pick", {"mode": "callback"})
    changed = client.get("/api/escalations", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.get_json()["escalations"][0]["status"] == "picked"


def test_transcript_is_escaped(client, auth, case_a):
    auth.login("bs_a")
    for path in ("/board/", f"/board/{case_a}"):
        html = client.get(path).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;alert(" in html, path


def test_pick_note_resolve(client, auth, db, users, case_a):
    auth.login("bs_a")
    resp = auth.post(f"/board/{case_a}/pick", {"mode": "callback"}, follow_redirects=True)
    assert "Đã nhận ca. Hãy gọi lại cho người bệnh." in resp.get_data(as_text=True)
    resp = auth.post(f"/board/{case_a}/note", {"text": "Đã gọi, bệnh nhân tỉnh"}, follow_redirects=True)
    assert "Đã lưu ghi chú." in resp.get_data(as_text=True)
    resp = auth.post(f"/board/{case_a}/resolve", {"outcome": ""}, follow_redirects=True)
    assert "Hãy chọn kết quả xử lý trước khi kết thúc ca." in resp.get_data(as_text=True)
    resp = auth.post(f"/board/{case_a}/resolve", {"outcome": "advice_given", "notes": "Dặn theo dõi SpO2"})
    assert resp.status_code == 302 and resp.headers["Location"] == "/board/"
    esc = queue.get(db, case_a)
    assert esc.status == EscalationStatus.RESOLVED and esc.outcome == "advice_given"
    assert esc.picked_by_id == users["bs_a"]
    assert "Đã gọi, bệnh nhân tỉnh" in esc.notes and "Dặn theo dõi SpO2" in esc.notes
    assert client.get("/api/escalations").get_json()["escalations"] == []
    with db.session() as s:
        actions = set(s.scalars(select(AuditLog.action).where(AuditLog.actor == "bs_a")))
    assert {"escalation.pick", "escalation.note", "escalation.resolve", "escalation_view"} <= actions


def test_second_pick_gets_the_winners_name(client, auth, db, users, case_a):
    queue.pick(db, case_a, staff_id=users["admin"])
    auth.login("bs_a")
    resp = auth.post(f"/board/{case_a}/pick", {"mode": "live"}, follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert f"Ca #{case_a} đã được bác sĩ admin nhận lúc" in html


def test_viewer_cannot_act(client, auth, db, case_a):
    auth.login("xem_a")
    html = client.get("/board/").get_data(as_text=True)
    assert "Phạm Văn Hùng" in html and "Nhận – gọi lại" not in html and "Bắt đầu trực" not in html
    assert "Kết thúc ca" not in client.get(f"/board/{case_a}").get_data(as_text=True)
    for path, data in ((f"/board/{case_a}/pick", {"mode": "callback"}), (f"/board/{case_a}/note", {"text": "x"}),
                       (f"/board/{case_a}/resolve", {"outcome": "advice_given"}), ("/board/duty", {"on": "1"})):
        assert auth.post(path, data).status_code == 403, path
    assert queue.get(db, case_a).status == EscalationStatus.WAITING


def test_other_commune_cannot_open_or_act(client, auth, db, case_a):
    auth.login("bs_b")
    assert client.get(f"/board/{case_a}").status_code == 404
    assert client.get(f"/api/escalations/{case_a}").status_code == 404
    assert auth.post(f"/board/{case_a}/pick", {"mode": "callback"}).status_code == 404
    assert auth.post(f"/board/{case_a}/resolve", {"outcome": "unreachable"}).status_code == 404
    assert queue.get(db, case_a).status == EscalationStatus.WAITING


def test_on_duty_toggle(client, auth, db, users):
    auth.login("bs_a")
    assert "Bạn không trực" in client.get("/board/").get_data(as_text=True)
    resp = auth.post("/board/duty", {"on": "1"}, follow_redirects=True)
    assert "Bạn đang trực" in resp.get_data(as_text=True)
    with db.session() as s:
        assert s.get(StaffUser, users["bs_a"]).on_duty is True
    auth.post("/board/duty", {"on": "0"})
    with db.session() as s:
        assert s.get(StaffUser, users["bs_a"]).on_duty is False


def _wav(path, seconds=0.5):
    path.parent.mkdir(parents=True, exist_ok=True)
    with wave.open(str(path), "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(b"\x10\x00" * int(8000 * seconds))


def test_recording_needs_permission(client, auth, db, admin_cfg, patients):
    rec = admin_cfg.data_dir / "recordings" / "call-1.wav"
    _wav(rec)
    call_id = make_call(db, patients["a"], recording=str(rec))
    esc = queue.create(db, risk="medium", reason="Sốt cao", caller="+84912000001", patient_id=patients["a"],
                       call_id=call_id)
    auth.login("bs_a")
    assert '<audio controls' in client.get(f"/board/{esc}").get_data(as_text=True)
    resp = client.get(f"/board/{esc}/recording")
    assert resp.status_code == 200 and resp.mimetype == "audio/wav" and resp.data[:4] == b"RIFF"
    assert client.get(f"/calls/{call_id}/recording").status_code == 200
    auth.logout()
    auth.login("bs_b")
    assert client.get(f"/board/{esc}/recording").status_code == 404
    assert client.get(f"/calls/{call_id}/recording").status_code == 404


def test_recording_outside_data_dir_is_refused(client, auth, db, patients, tmp_path):
    outside = tmp_path / "elsewhere.wav"
    _wav(outside)
    call_id = make_call(db, patients["a"], recording=str(outside))
    esc = queue.create(db, risk="low", reason="Ho", caller="+84912000001", patient_id=patients["a"],
                       call_id=call_id)
    auth.login("admin")
    assert client.get(f"/board/{esc}/recording").status_code == 404


def test_bearer_token(client, auth, db, users, case_a):
    from admin.accounts import new_api_token

    with db.session() as s:
        token = new_api_token(s.get(StaffUser, users["bs_a"]))
    resp = client.get("/api/escalations", headers={"Authorization": f"Bearer {token}"})
    assert resp.status_code == 200 and [e["id"] for e in resp.get_json()["escalations"]] == [case_a]
    assert client.get("/api/me", headers={"Authorization": f"Bearer {token}"}).get_json()["username"] == "bs_a"
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    assert client.get("/api/escalations", headers={"Authorization": f"Bearer {bad}"}).status_code == 401
    # a token is for the API only, not for the pages
    assert client.get("/board/", headers={"Authorization": f"Bearer {token}"}).status_code == 302


def test_unknown_caller_case_goes_to_hotline_wide_staff(client, auth, db):
    esc = queue.create(db, risk="emergency", reason="Xin cấp cứu", caller="+84999999999")
    auth.login("admin")  # province level, no province: covers every case (escalation.area.covers)
    assert esc in [e["id"] for e in client.get("/api/escalations").get_json()["escalations"]]
    html = client.get(f"/board/{esc}").get_data(as_text=True)
    assert "Chưa rõ tên" in html and "+84999999999" in html


def test_call_states(client, auth, db, case_a):
    auth.login("bs_a")
    auth.post(f"/board/{case_a}/pick", {"mode": "callback"})
    resp = auth.post(f"/board/{case_a}/call", {"action": "start"}, follow_redirects=True)
    assert "đang nói chuyện với người bệnh" in resp.get_data(as_text=True)
    assert queue.get(db, case_a).status == EscalationStatus.IN_CALL
    auth.post(f"/board/{case_a}/call", {"action": "later"})
    assert queue.get(db, case_a).status == EscalationStatus.CALLBACK_SCHEDULED
    assert auth.post(f"/board/{case_a}/call", {"action": "nope"}).status_code == 400
    auth.post(f"/board/{case_a}/resolve", {"outcome": "unreachable"})
    assert queue.get(db, case_a).status == EscalationStatus.RESOLVED


def test_live_pick_is_offered_only_while_the_caller_holds(client, auth, db, users, case_a):
    """A callback case (the caller is no longer on the line) cannot be 'connected now'."""
    auth.login("bs_a")
    assert queue.get(db, case_a).mode == "callback"
    assert "Nối máy ngay" not in client.get(f"/board/{case_a}").get_data(as_text=True)
    resp = auth.post(f"/board/{case_a}/pick", {"mode": "live"}, follow_redirects=True)
    assert "Người bệnh không còn giữ máy" in resp.get_data(as_text=True)
    assert queue.get(db, case_a).status == EscalationStatus.WAITING


def _seed_open(db, users, n, first=0):
    """``n`` open cases in commune A (every third picked by bs_a), each with a patient and a call of two steps."""
    now = utcnow()
    with db.session() as s:
        for i in range(first, first + n):
            p = Patient(phone=f"+8491{i:08d}", name=f"Bệnh nhân {i}", **AREA_A)
            s.add(p)
            s.flush()
            call = Call(caller=p.phone, patient_id=p.id, flow_name="covid_f0", outcome="escalated")
            s.add(call)
            s.flush()
            s.add(CallStep(call_id=call.id, seq=0, node="n0", transcript=f"lời {i}", event="speech"))
            s.add(CallStep(call_id=call.id, seq=1, node="n1", digits="93", event="dtmf"))
            picked = i % 3 == 0
            s.add(Escalation(patient_id=p.id, call_id=call.id, caller=p.phone, risk=RISKS[i % 4], reasons=["Khó thở"],
                             reason="Khó thở", status=EscalationStatus.PICKED if picked else EscalationStatus.WAITING,
                             picked_by_id=users["bs_a"] if picked else None, tier=AreaLevel.COMMUNE,
                             created_at=now - timedelta(seconds=i * 37), **AREA_A))


def _statements(db, fn):
    seen = []

    def count(conn, cursor, statement, *args):
        seen.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        fn()
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    return len(seen)


def test_board_queries_do_not_grow_with_the_queue(client, auth, db, users, patients):
    """The board and its API run a fixed number of SQL statements however many cases are open (no N+1)."""
    auth.login("bs_a")
    _seed_open(db, users, 2)
    small = {path: _statements(db, lambda path=path: client.get(path)) for path in ("/board/", "/api/escalations")}
    _seed_open(db, users, 60, first=2)
    large = {path: _statements(db, lambda path=path: client.get(path)) for path in ("/board/", "/api/escalations")}
    assert large == small and max(large.values()) <= 4, (small, large)
    html = client.get("/board/").get_data(as_text=True)
    assert html.count("<tr class=\"risk-row-") == 62 and "Bệnh nhân 61" in html and "BS Nguyễn Văn An" in html


def test_board_order_and_scope_are_list_opens(client, auth, db, users, patients, case_a, case_b):
    """The board's own column query shows exactly ``queue.list_open``'s cases, in its order, with patient and picker."""
    _seed_open(db, users, 30)
    with db.session() as s:  # a case filed in commune B for a patient registered in commune A: the case's area counts
        moved = Escalation(patient_id=patients["a"], caller="+84912000001", risk="low", reason="Ho", **AREA_B,
                           tier=AreaLevel.COMMUNE)
        s.add(moved)
        s.flush()
        moved_id = moved.id
    with db.session() as s:
        staff = {u.username: u for u in s.scalars(select(StaffUser))}
    for name in ("bs_a", "bs_b", "admin"):
        auth.login(name)
        rows = client.get("/api/escalations").get_json()["escalations"]
        assert [r["id"] for r in rows] == [c.id for c in queue.list_open(db, staff=staff[name])], name
        assert [r["position"] for r in rows] == list(range(1, len(rows) + 1))
        auth.logout()
    auth.login("bs_b")
    row = next(r for r in client.get("/api/escalations").get_json()["escalations"] if r["id"] == moved_id)
    assert row["area"] == "Nghĩa Đô, Cầu Giấy, Hà Nội" and row["patient_name"] == "Phạm Văn Hùng"
    auth.logout()
    auth.login("bs_a")
    listed = client.get("/api/escalations").get_json()["escalations"]
    assert moved_id not in {r["id"] for r in listed}
    rows = {r["patient_name"]: r for r in listed}
    assert rows["Bệnh nhân 3"]["picked_by"] == "BS Nguyễn Văn An" and rows["Bệnh nhân 3"]["status"] == "picked"
    assert rows["Bệnh nhân 4"]["said"] == "lời 4 · [phím 93]" and rows["Bệnh nhân 4"]["picked_by"] == ""
    assert rows["Bệnh nhân 4"]["area"] == "Dịch Vọng, Cầu Giấy, Hà Nội"


def test_board_row_reasons_and_long_wait(client, auth, db, case_a):
    """Reasons as a list (else the one-line reason); a wait over 5 minutes is marked ``long``."""
    with db.session() as s:
        s.add(Escalation(caller="+84912000009", risk="medium", reasons=[], reason="Sốt cao", tier=AreaLevel.COMMUNE,
                         created_at=utcnow() - timedelta(minutes=6), **AREA_A))
    auth.login("bs_a")
    html = client.get("/board/").get_data(as_text=True)
    rows = {tr.split('"', 1)[0]: tr for tr in html.split('data-id="')[1:]}
    fresh, old = rows[str(case_a)], next(tr for key, tr in rows.items() if key != str(case_a))
    assert '<li>SpO2 92% ≤ 93%</li><li>Khó thở</li>' in fresh and '<td class="wait" ' in fresh
    assert '<ul class="reasons"><li>Sốt cao</li></ul>' in old and '<td class="wait long" ' in old


def test_board_row_links_resolve_from_the_board_page(client, auth, case_a):
    """Row links are relative to /board/: the case link opens the case, the pick button picks it."""
    auth.login("bs_a")
    html = client.get("/board/").get_data(as_text=True)
    row = html.split(f'data-id="{case_a}"', 1)[1].split("</tr>", 1)[0]
    href = re.search(r'<a class="btn small" href="([^"]+)"', row).group(1)
    action = re.search(r'formaction="([^"]+)" name="mode" value="callback"', row).group(1)
    assert client.get(urljoin("http://localhost/board/", href)).status_code == 200
    auth.post(urljoin("http://localhost/board/", action), {"mode": "callback"})
    assert client.get("/api/escalations").get_json()["escalations"][0]["status"] == "picked"


def test_connect_now_is_offered_while_a_returning_caller_holds(client, auth, db, cfg, users, patients):
    """An old open case of 8 minutes, then a new emergency call: the board offers "connect now" while
    she holds (sweeps included), and the doctor's live pick is taken."""
    queue.set_on_duty(db, users["bs_a"], True)
    now = utcnow()
    old = queue.create(db, risk="medium", reason="Sốt", reasons=["Sốt"], patient_id=patients["a"],
                       now=now - timedelta(minutes=8))
    eid = queue.create(db, risk="emergency", reason="Gọi không dậy", reasons=["Gọi không tỉnh"],
                       patient_id=patients["a"], mode="live", now=now)
    assert eid == old
    for s in (2, 30, 60):
        sweeper.sweep(db, cfg, now=now + timedelta(seconds=s))
    assert queue.get(db, eid).mode == "live"
    auth.login("bs_a")
    assert "Nối máy ngay" in client.get("/board/").get_data(as_text=True)
    html = client.get(f"/board/{eid}").get_data(as_text=True)
    assert "Nối máy ngay" in html and "đang giữ máy từ" in html
    resp = auth.post(f"/board/{eid}/pick", {"mode": "live"}, follow_redirects=True)
    assert "Hệ thống đang nối máy với người bệnh" in resp.get_data(as_text=True)
    esc = queue.get(db, eid)
    assert (esc.status, esc.mode, esc.picked_by_id) == (EscalationStatus.PICKED, "live", users["bs_a"])


def test_connect_now_follows_the_case_the_caller_holds_on(client, auth, db, users, patients):
    """Her older case was picked for a callback; her new emergency call holds on a new case: "connect now"
    on the old case's page points to it and connects that one, never says she is no longer holding."""
    queue.set_on_duty(db, users["bs_a"], True)
    now = utcnow()
    old = queue.create(db, risk="high", reason="Sốt cao", patient_id=patients["a"], now=now - timedelta(minutes=8))
    queue.pick(db, old, staff_id=users["bs_a"], now=now - timedelta(minutes=6))
    new = queue.create(db, risk="emergency", reason="Thở phải ngồi dậy", patient_id=patients["a"], mode="live",
                       now=now)
    assert new != old
    auth.login("bs_a")
    html = client.get(f"/board/{old}").get_data(as_text=True)
    assert f"Người bệnh đang giữ máy ở ca #{new}" in html and "Nối máy ngay" in html
    resp = auth.post(f"/board/{old}/pick", {"mode": "live"})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/board/{new}")
    page = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert f"Người bệnh đang giữ máy ở ca #{new}" in page and "không còn giữ máy" not in page
    assert queue.get(db, old).status == EscalationStatus.PICKED
    auth.post(f"/board/{new}/pick", {"mode": "live"})
    esc = queue.get(db, new)
    assert (esc.status, esc.mode, esc.picked_by_id) == (EscalationStatus.PICKED, "live", users["bs_a"])
