"""The check-in window screen in real headless Chromium: the progress bar and counts move while attempts finish
(rows changed in the database with the page open, no reload), and an admin pauses the window.

The screenshot goes to test-artifacts/admin/ for a reviewer to look at.
"""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from admin import create_app
from escalation import queue
from escalation.checkins import campaign
from ivr.store.models import CheckinAttempt, utcnow
from ivr.vocabulary import CheckinStatus as CS

from ..conftest import ARTIFACTS
from .conftest import AREA_A, PASSWORD, serve
from .test_checkins import add_patient, attempt, window_of

pytestmark = pytest.mark.slow

SHOTS = ARTIFACTS / "admin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture
def chromium(request: pytest.FixtureRequest) -> Iterator[Any]:
    """The session's shared Chromium when tests/admin/conftest.py provides one (``browser``); else one of its
    own, closed after the test (one sync Playwright at a time in a process)."""
    try:
        shared = request.getfixturevalue("browser")
    except pytest.FixtureLookupError:
        shared = None
    if shared is not None:
        yield shared
        return
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


def _finish(db: Any, attempt_id: int, status: str, **values: Any) -> None:
    with db.session() as s:
        a = s.get(CheckinAttempt, attempt_id)
        a.status, a.claimed_at = status, a.claimed_at or utcnow()
        for k, v in values.items():
            setattr(a, k, v)


def test_progress_bar_moves_as_attempts_finish_and_admin_pauses(chromium, admin_cfg, db, users):
    SHOTS.mkdir(parents=True, exist_ok=True)
    app = create_app({"CHECKINS_POLL_MS": 400}, cfg=admin_cfg, db=db)
    occ = window_of(app)
    names = ["Nguyễn Văn Sáng", "Trần Thị Chiều", "Lê Văn Tối", "Phạm Thị Khuya"]
    pids = [add_patient(db, n, f"+8491500000{i}", AREA_A) for i, n in enumerate(names)]
    first = [attempt(db, occ, pid, f"+8491500000{i}", CS.PLANNED) for i, pid in enumerate(pids)]
    with serve(app) as base:
        context = chromium.new_context(base_url=base, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                       viewport={"width": 1366, "height": 900})
        page = context.new_page()
        errors: list[str] = []
        page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: errors.append(str(e)))
        page.set_default_timeout(15_000)
        try:
            page.goto("/login")
            page.fill("input[name=username]", "admin")
            page.fill("input[name=password]", PASSWORD)
            page.click("button[type=submit]")
            page.wait_for_url("**/board/")
            page.click("nav >> text=Gọi hỏi thăm")  # the current, last or next window
            page.wait_for_url("**/checkins/*/*")
            page.goto(f"/checkins/{occ.day.isoformat()}/{occ.name}")
            page.evaluate("window.__same_page = true")
            bar = page.locator("#checkin-progress")
            assert (bar.get_attribute("value"), bar.get_attribute("max")) == ("0", "4")
            assert page.locator("[data-count=planned]").inner_text() == "4"

            def progress_is(done: int) -> None:  # the page's own poll moves it (the CSP forbids eval'd waits)
                expect(bar).to_have_js_property("value", done, timeout=10_000)

            _finish(db, first[0], CS.DIALING)
            expect(page.locator("[data-count=in_progress]")).to_have_text("1", timeout=10_000)
            _finish(db, first[0], CS.REACHED, answered_by="relative", answered_patient_id=pids[0],
                    finished_at=utcnow())
            _finish(db, first[1], CS.NO_ANSWER, finished_at=utcnow())
            attempt(db, occ, pids[1], "+84915000001", CS.PLANNED, n=2)
            _finish(db, first[2], CS.OPTED_OUT, answered_by="patient", answered_patient_id=pids[2],
                    finished_at=utcnow())
            progress_is(2)
            row = page.locator(f'#checkin-rows tr[data-id="{pids[0]}"]')
            assert row.get_attribute("data-state") == "reached" and "Người nhà" in row.inner_text()
            assert page.locator(f'#checkin-rows tr[data-id="{pids[1]}"]').get_attribute("data-state") == "in_progress"
            shot_mid = SHOTS / "checkins-window-progress.png"
            page.screenshot(path=str(shot_mid), full_page=True)

            with db.session() as s:
                retry = s.scalars(select(CheckinAttempt.id).where(CheckinAttempt.patient_id == pids[1],
                                                                  CheckinAttempt.attempt == 2)).one()
            _finish(db, retry, CS.NOT_REACHED, finished_at=utcnow())
            attempt(db, occ, pids[3], "+84915000099", CS.REACHED, n=1, call=True, answered_by="patient")
            with db.session() as s:
                call_id = s.scalars(select(CheckinAttempt.call_id).where(
                    CheckinAttempt.patient_id == pids[3], CheckinAttempt.call_id.is_not(None))).one()
            _finish(db, first[3], CS.CANCELLED, finished_at=utcnow())
            queue.create(db, risk="high", reason="SpO2 93%", patient_id=pids[3], call_id=call_id)
            progress_is(4)
            counts = {k: int(page.locator(f"[data-count={k}]").inner_text()) for k in campaign.counts(db, occ)}
            assert counts == campaign.counts(db, occ) == {"planned": 0, "in_progress": 0, "reached": 1,
                                                           "not_reached": 1, "escalated": 1, "opted_out": 1}
            assert page.locator("#checkin-done").inner_text() == "4"
            assert page.evaluate("window.__same_page") is True  # no reload
            page.screenshot(path=str(SHOTS / "checkins-window-done.png"), full_page=True)

            page.click("#pause")
            page.wait_for_selector("#paused-pill")
            assert "Đã tạm dừng buổi gọi" in page.inner_text("main")
            assert page.locator("#resume").is_visible()
            assert errors == []
        finally:
            context.close()
    assert shot_mid.stat().st_size > 10_000
