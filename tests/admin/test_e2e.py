"""End to end in real headless Chromium (Debian's), driven by Playwright against the app served by waitress.

Screenshots go to test-artifacts/admin/ for a reviewer to look at.
"""
from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from escalation import queue
from ivr.store.models import Call, CallStep, EscalationStatus, utcnow

from .conftest import PASSWORD, SHOTS

pytestmark = pytest.mark.slow

XSS = '<img src=x onerror="window.__xss=1"><script>window.__xss=2</script>'


def login(page: Any, username: str) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url("**/board/")


def shot(page: Any, name: str, full_page: bool = True) -> Path:
    path = SHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=full_page)
    return path


def paste(page: Any, selector: str, text: str) -> None:
    """Replace a textarea's text as a paste does (one input event); typing 8 KB key by key is slow."""
    page.locator(selector).evaluate("(el, v) => { el.value = v; el.dispatchEvent(new Event('input')); }", text)


def test_board_live_update_pick_and_resolve(page, db, patients):
    login(page, "bs_a")
    page.click("text=Bắt đầu trực")
    page.wait_for_selector("text=Bạn đang trực")
    page.evaluate("window.__same_page = true")
    assert page.locator("#board-rows tr").count() == 0
    with db.session() as s:
        call = Call(caller="+84912000001", patient_id=patients["a"], flow_name="covid_f0", outcome="escalated")
        s.add(call)
        s.flush()
        s.add(CallStep(call_id=call.id, seq=0, node="symptoms", transcript="tôi khó thở lắm, môi hơi tím",
                       event="speech"))
        s.add(CallStep(call_id=call.id, seq=1, node="spo2", transcript=XSS, event="speech"))
        call_id = call.id
    esc = queue.create(db, risk="emergency", reason="Tím tái", reasons=["Tím môi, đầu ngón tay", "SpO2 90% < 94%"],
                       caller="+84912000001", patient_id=patients["a"], call_id=call_id)
    row = page.locator(f'#board-rows tr[data-id="{esc}"]')
    row.wait_for(timeout=10_000)  # appears without a reload
    assert page.evaluate("window.__same_page") is True
    assert "new" in (row.get_attribute("class") or "")  # a new case flashes
    assert "Cấp cứu" in row.inner_text() and "Phạm Văn Hùng" in row.inner_text()
    assert "<img" in row.locator(".said").inner_text()  # the caller's words shown as text
    assert page.evaluate("window.__xss") is None
    assert page.locator("[data-count=emergency]").inner_text() == "1"
    shot(page, "board-new-case")

    row.locator("button", has_text="Nhận – gọi lại").click()
    page.wait_for_selector("text=Đã nhận ca. Hãy gọi lại cho người bệnh.")
    assert "tôi khó thở lắm, môi hơi tím" in page.inner_text(".transcript")
    shot(page, "case-picked")
    page.fill("textarea[name=text]", "Đã gọi lại, bệnh nhân tỉnh, SpO2 đo lại 91%")
    page.click("text=Lưu ghi chú")
    page.wait_for_selector("text=Đã lưu ghi chú.")
    page.check("input[value=ambulance_called]")
    page.fill("textarea[name=notes]", "Đã gọi 115, xe đang đến")
    page.click("button:has-text('Kết thúc ca')")
    page.wait_for_url("**/board/")
    page.wait_for_selector("text=Đã kết thúc ca")
    page.wait_for_selector("#board-empty:not([hidden])")
    shot(page, "board-after-resolve")
    resolved = queue.get(db, esc)
    assert resolved.status == EscalationStatus.RESOLVED and resolved.outcome == "ambulance_called"
    assert page.errors == []  # no script errors, no CSP violations


def test_flow_publish_and_validation(page, admin_cfg):
    login(page, "admin")
    page.goto("/flows/covid_f0")
    text = page.input_value("#yaml")
    assert "flow: covid_f0" in text
    broken = text.replace("prompt: greeting", "prompt: loi_nhac_khong_ton_tai", 1)
    paste(page, "#yaml", broken)
    page.click("button[value=publish]")
    page.wait_for_selector("#problems")
    page.errors.clear()  # the browser logs the 400 answer of a refused save; that is expected here
    assert "loi_nhac_khong_ton_tai" in page.inner_text("#problems")
    assert page.locator("#gutter .bad").count() >= 1
    page.click("#problems [data-line]")
    shot(page, "flow-validation-error", full_page=False)
    assert (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8") == text

    paste(page, "#yaml", text.replace("timeout_s: 7", "timeout_s: 8", 1))
    page.fill("#sim-inputs", "phím: 2\nnói: tôi bị sốt và ho\n")
    page.click("button[formaction]")
    page.wait_for_selector("#sim-result")
    page.locator("#sim-result").scroll_into_view_if_needed()
    shot(page, "flow-test-panel", full_page=False)
    page.click("button[value=publish]")
    page.wait_for_selector("#change-summary")  # publishing asks first, with what changes
    page.click("#confirm-publish")
    page.wait_for_selector("text=Đã xuất bản phiên bản 2")
    assert "timeout_s: 8" in (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8")
    page.goto("/flows/covid_f0/diff?a=1&b=2")
    assert "+  timeout_s: 8" in page.inner_text("pre.diff")
    shot(page, "flow-diff")
    assert page.errors == []


def test_prompt_upload_recording(page, admin_cfg, tmp_path):
    from ivr import ROOT

    login(page, "admin")
    page.goto("/prompts/goodbye")
    assert page.inner_text("#audio-source") == "giọng tổng hợp"
    synthesized = page.request.get("/prompts/goodbye/audio")
    assert synthesized.ok and synthesized.body()[:4] == b"RIFF"
    # a recording must say the prompt's words (the recognizer checks it): give the prompt the words a real
    # voice recording says, then upload that recording
    page.fill("#prompt-text", "Chúng ta có thể áp dụng logic tương tự với người khác.")
    page.click("text=Lưu lời nhắc")
    page.wait_for_selector("text=Đã lưu")
    wav = ROOT / "tests" / "data" / "audio" / "sentence_ly.wav"
    page.set_input_files("input[type=file]", str(wav))
    page.click("button:has-text('Tải lên')")
    page.wait_for_selector("text=Đã nhận bản ghi âm")
    assert page.inner_text("#audio-source") == "bản ghi âm giọng người"
    recorded = page.request.get("/prompts/goodbye/audio")
    assert recorded.body() == (admin_cfg.prompt_recordings_path / "goodbye.wav").read_bytes()  # the data dir
    assert not (admin_cfg.recordings_dir / "goodbye.wav").exists()  # never the code checkout
    shot(page, "prompt-recording")
    assert page.errors == []


def seed_history(db, users, patients) -> None:
    """A few days of calls and cases so the statistics have something to draw."""
    now = utcnow()
    outcomes = ("completed", "completed", "completed", "escalated", "abandoned", "no_input", "handed_off")
    with db.session() as s:
        for i in range(60):
            s.add(Call(caller=f"+849120{i:05d}", patient_id=patients["a" if i % 3 else "b"],
                       flow_name="covid_f0", outcome=outcomes[i % len(outcomes)],
                       started_at=now - timedelta(hours=(i * 7) % 150, minutes=i)))
    for i, risk in enumerate(("emergency", "high", "high", "medium", "low")):
        created = now - timedelta(hours=30 + i)
        esc = queue.create(db, risk=risk, reason="Lý do", caller=f"+8490000000{i}", now=created)
        queue.pick(db, esc, staff_id=users["admin"], now=created + timedelta(seconds=40 + 70 * i))
        queue.resolve(db, esc, staff_id=users["admin"], outcome="advice_given", now=created + timedelta(minutes=20))


def test_every_screen_renders(page, db, users, patients):
    seed_history(db, users, patients)
    queue.create(db, risk="medium", reason="Sốt cao", reasons=["Sốt 39 °C"], patient_id=patients["a"])
    queue.create(db, risk="low", reason="Ho", patient_id=patients["b"])
    login(page, "admin")
    for path, name, expect in (("/board/", "board", "Hàng chờ bác sĩ"), ("/calls/", "calls", "Nhật ký cuộc gọi"),
                               ("/patients/", "patients", "Bệnh nhân F0"), ("/stats/", "stats", "Thống kê"),
                               ("/rules/", "rules", "Quy tắc phân loại"), ("/prompts/", "prompts", "Lời nhắc"),
                               ("/users/", "users", "Tài khoản nhân viên"), ("/audit/", "audit", "Nhật ký thao tác"),
                               ("/patients/import", "patients-import", "Nhập danh sách F0")):
        page.goto(path)
        assert expect in page.inner_text("h1"), path
        shot(page, name)
    page.goto("/login")
    assert page.errors == []


def test_saved_browser_cookie_is_dead_after_logout(browser, live, page):
    """A doctor signs out in Chromium; cookies copied from that browser before (a shared ward computer,
    a stolen profile) open nothing afterwards."""
    login(page, "bs_a")
    saved = page.context.cookies()
    assert any(c["name"] == "f0_admin" for c in saved)
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")
    other = browser.new_context(base_url=live)
    try:
        other.add_cookies(saved)
        replay = other.new_page()
        replay.goto("/board/")
        assert "/login" in replay.url
        assert other.request.get("/api/me").status == 401
    finally:
        other.close()
    assert page.errors == []
