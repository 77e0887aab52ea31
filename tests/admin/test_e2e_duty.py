"""Issue 16 end to end in real headless Chromium: a duty doctor, a health-station nurse and an admin at work.

Screenshots go to test-artifacts/admin/ (``duty-*``, ``nurse-*``, ``admin-*``, ``patient-chart``).
"""
from __future__ import annotations

from datetime import timedelta

import pytest
import yaml

from escalation import queue
from ivr.store.models import Assessment, Call, CallStep, EscalationStatus, utcnow
from ivr.vocabulary import EscalationMode

from .test_e2e import login, paste, shot

pytestmark = pytest.mark.slow


def escalated_call(db, patient_id, words, vitals, symptoms, risk, reasons):
    with db.session() as s:
        call = Call(caller="+84912000001", patient_id=patient_id, flow_name="covid_f0", outcome="escalated",
                    slots=vitals)
        s.add(call)
        s.flush()
        for i, (node, said) in enumerate(words):
            s.add(CallStep(call_id=call.id, seq=i, node=node, transcript=said, event="speech",
                           intent="report_symptoms"))
        a = Assessment(call_id=call.id, patient_id=patient_id, risk=risk, symptoms=symptoms, vitals=vitals,
                       reasons=reasons, rule_pack="moh-261-2022@1")
        s.add(a)
        s.flush()
        return call.id, a.id


def test_doctor_handles_a_live_emergency_then_a_callback(page, db, users, patients):
    login(page, "bs_a")
    page.click("text=Bắt đầu trực")
    page.wait_for_selector("text=Bạn đang trực")
    call, assessment = escalated_call(
        db, patients["a"], [("greeting", "tôi khó thở quá, môi tím"), ("spo2", "chín mươi mốt")],
        {"spo2": 91, "breathing_rate": 28}, ["shortness_of_breath", "cyanosis"], "emergency",
        ["Tím môi, đầu ngón tay, ngón chân: dấu hiệu 8, QĐ 261/QĐ-BYT", "SpO2 91% < 94%"])
    live_case = queue.create(db, risk="emergency", reason="Tím tái", reasons=["Tím môi", "SpO2 91% < 94%"],
                             caller="+84912000001", patient_id=patients["a"], call_id=call, assessment_id=assessment,
                             mode=EscalationMode.LIVE)
    row = page.locator(f'#board-rows tr[data-id="{live_case}"]')
    row.wait_for(timeout=10_000)  # board.js draws it, with the live case's buttons
    buttons = row.locator("button")
    assert buttons.first.inner_text() == "Nối máy ngay" and "primary" in (buttons.first.get_attribute("class") or "")
    assert "Đang giữ máy" in row.inner_text()
    shot(page, "duty-live-emergency-on-board")
    buttons.first.click()
    page.wait_for_selector("text=Đã nhận ca. Hệ thống đang nối máy với người bệnh.")
    findings = page.inner_text("#findings")
    assert "tôi khó thở quá, môi tím" in findings and "tím tái" in findings
    assert "SpO2 91 %" in findings and "SpO2 91% < 94%" in findings and "Cấp cứu" in findings
    assert "greeting" not in page.inner_text("main") and "shortness_of_breath" not in page.inner_text("main")
    shot(page, "duty-live-emergency-case")
    page.click("#primary-action")  # "Đã nối máy, đang nói chuyện"
    page.wait_for_selector("text=Đã ghi nhận: đang nói chuyện với người bệnh.")
    page.check("input[value=ambulance_called]")
    page.fill("textarea[name=notes]", "Đã gọi 115")
    page.click("button:has-text('Kết thúc ca')")
    page.wait_for_url("**/board/")
    assert queue.get(db, live_case).status == EscalationStatus.RESOLVED

    callback = queue.create(db, risk="medium", reason="Sốt", reasons=["Sốt 38,6 °C"], patient_id=patients["a"],
                            caller="+84912000001")
    row = page.locator(f'#board-rows tr[data-id="{callback}"]')
    row.wait_for(timeout=10_000)
    assert row.locator("button").count() == 1 and row.locator("button").inner_text() == "Nhận – gọi lại"
    assert "Nối máy ngay" not in row.inner_text()
    shot(page, "duty-callback-on-board")
    row.locator("button").click()
    page.wait_for_selector("text=Đã nhận ca. Hãy gọi lại cho người bệnh.")
    assert page.inner_text("#primary-action") == "Gọi lại ngay: đang gọi cho người bệnh"
    shot(page, "duty-callback-case")
    page.click("#primary-action")
    page.wait_for_selector("text=Đã ghi nhận: đang nói chuyện với người bệnh.")
    page.check("input[value=advice_given]")
    page.click("button:has-text('Kết thúc ca')")
    page.wait_for_url("**/board/")
    assert queue.get(db, callback).status == EscalationStatus.RESOLVED
    assert page.errors == []


def test_nurse_finds_a_patient_by_unaccented_name_and_local_number(page, patients):
    login(page, "xem_a")  # a health-station nurse: sees her commune, changes nothing
    page.goto("/patients/")
    page.fill("input[name=q]", "pham van hung")
    page.click("button:has-text('Tìm')")
    page.wait_for_selector("text=1 bệnh nhân")
    assert "Phạm Văn Hùng" in page.inner_text("table")
    shot(page, "nurse-search-unaccented-name")
    page.fill("input[name=q]", "0912 000 001")
    page.click("button:has-text('Tìm')")
    page.wait_for_selector("text=1 bệnh nhân")
    assert "Phạm Văn Hùng" in page.inner_text("table") and "+84912000001" in page.inner_text("table")
    shot(page, "nurse-search-local-number")
    page.fill("input[name=q]", "do thi lan")  # commune B's patient: not hers
    page.click("button:has-text('Tìm')")
    page.wait_for_selector("text=0 bệnh nhân")
    assert page.errors == []


def test_admin_publishes_with_confirmation_and_rolls_back(page, admin_cfg):
    login(page, "admin")
    page.goto("/flows/covid_f0")
    original = page.input_value("#yaml")
    assert page.locator("#flow-diagram g.node").count() == len(yaml.safe_load(original)["nodes"])
    shot(page, "admin-flow-diagram")
    edited = original.replace("timeout_s: 7", "timeout_s: 9", 1) + (
        "\n  hoi_them:\n    kind: say\n    prompt: goodbye\n    next: goodbye\n")
    # the new F0's callback step now leads to hoi_them (so that it is reachable)
    assert edited.count("next: ask_has_oximeter\n\n  advice_home_care") == 1
    edited = edited.replace("next: ask_has_oximeter\n\n  advice_home_care", "next: hoi_them\n\n  advice_home_care", 1)
    paste(page, "#yaml", edited)
    page.click("button[value=publish]")
    page.wait_for_selector("#change-summary")
    summary = page.inner_text("#change-summary")
    assert "Thêm 1 bước" in summary and "hoi_them" in summary and "Sửa thiết lập chung" in summary
    shot(page, "admin-publish-confirm")
    assert (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8") == original  # not yet
    page.click("#confirm-publish")
    page.wait_for_selector("text=Đã xuất bản phiên bản 2")
    assert "hoi_them" in (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8")
    page.goto("/flows/covid_f0/history")
    page.click("button:has-text('Khôi phục phiên bản này')")
    page.wait_for_selector("text=Khôi phục phiên bản 1")
    assert "Bỏ 1 bước" in page.inner_text("#change-summary") and "hoi_them" in page.inner_text("#change-summary")
    shot(page, "admin-rollback-confirm")
    page.click("#confirm-publish")
    page.wait_for_selector("text=Đã xuất bản phiên bản 3 (nội dung của phiên bản 1).")
    assert (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8") == original
    assert page.errors == []


def test_patient_chart_after_two_checkins(page, db, patients):
    day = utcnow() - timedelta(days=2)
    with db.session() as s:
        for i, vitals in enumerate(({"spo2": 97, "temperature": 37.4, "pulse": 84, "breathing_rate": 18},
                                    {"spo2": 95, "temperature": 38.2, "pulse": 96, "breathing_rate": 21})):
            at = day + timedelta(days=i)
            call = Call(caller="+84912000001", patient_id=patients["a"], flow_name="covid_f0", outcome="completed",
                        started_at=at, ended_at=at + timedelta(minutes=2), slots=vitals)
            s.add(call)
            s.flush()
            s.add(CallStep(call_id=call.id, seq=0, node="checkin", transcript="tôi vẫn ổn", event="speech", at=at))
    login(page, "bs_a")
    page.goto(f"/patients/{patients['a']}")
    page.locator("#readings").scroll_into_view_if_needed()
    for name in ("spo2", "temperature", "pulse", "breathing_rate"):
        assert page.locator(f"#chart-{name} circle.reading").count() == 2, name
    spo2 = page.text_content("#chart-spo2") or ""
    assert "97" in spo2 and "95" in spo2
    assert "2 lần đo" in page.inner_text("#readings")
    shot(page, "patient-chart")
    assert page.errors == []
