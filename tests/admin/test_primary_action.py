"""Clear labels, and the primary action that fits the case: a caller holding the line is connected now; a
callback case is taken to call back."""
from __future__ import annotations

import re

from escalation import queue
from ivr.vocabulary import CALL_OUTCOME_LABELS, STORED_CALL_OUTCOMES, CallOutcome, EscalationMode


def primary_buttons(html: str) -> list[tuple[str, str]]:
    return re.findall(r'<button class="btn primary[^"]*"[^>]*value="(\w+)"[^>]*>([^<]+)</button>', html)


def test_outcome_labels_are_distinct_and_the_filter_lists_each_once(client, auth):
    escalated, handed_off = CALL_OUTCOME_LABELS[CallOutcome.ESCALATED], CALL_OUTCOME_LABELS[CallOutcome.HANDED_OFF]
    assert escalated != handed_off and escalated not in handed_off and handed_off not in escalated
    auth.login("bs_a")
    html = client.get("/calls/").get_data(as_text=True)
    select = html[html.index('<select name="outcome">'):html.index("</select>")]
    options = re.findall(r"<option[^>]*>([^<]+)</option>", select)
    assert len(options) == len(set(options)) == len(STORED_CALL_OUTCOMES) + 1
    assert options.count("Người gọi bỏ máy") == 1


def test_live_caller_holding_gets_connect_now_first(client, auth, db, patients, users):
    queue.set_on_duty(db, users["bs_a"], True)  # with nobody on duty a live case turns into a callback
    live = queue.create(db, risk="emergency", reason="Tím tái", patient_id=patients["a"], mode=EscalationMode.LIVE,
                        caller="+84912000001")
    assert queue.get(db, live).mode == EscalationMode.LIVE
    auth.login("bs_a")
    board = client.get("/board/").get_data(as_text=True)
    row = board[board.index(f'data-id="{live}"'):]
    row = row[:row.index("</tr>")]
    assert primary_buttons(row) == [("live", "Nối máy ngay")]
    assert "Nhận – gọi lại sau" in row and "Đang giữ máy" in row
    case = client.get(f"/board/{live}").get_data(as_text=True)
    assert re.search(r'id="primary-action">Nối máy ngay<', case)
    assert "Người bệnh đang giữ máy chờ bác sĩ." in case


def test_callback_case_gets_call_back_first(client, auth, db, patients, users):
    cb = queue.create(db, risk="high", reason="Khó thở", patient_id=patients["a"])
    auth.login("bs_a")
    board = client.get("/board/").get_data(as_text=True)
    row = board[board.index(f'data-id="{cb}"'):]
    row = row[:row.index("</tr>")]
    assert primary_buttons(row) == [("callback", "Nhận – gọi lại")] and "Nối máy ngay" not in row
    case = client.get(f"/board/{cb}").get_data(as_text=True)
    assert re.search(r'id="primary-action">Nhận ca – gọi lại<', case) and "Nối máy ngay" not in case
    queue.pick(db, cb, staff_id=users["bs_a"])
    case = client.get(f"/board/{cb}").get_data(as_text=True)
    assert re.search(r'id="primary-action">Gọi lại ngay: đang gọi cho người bệnh<', case)
