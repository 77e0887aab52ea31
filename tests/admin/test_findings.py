"""Call, case and patient pages show what matters first: words, warning signs, vitals with their rule and
source, risk, recording; a patient's readings over time as a chart."""
from __future__ import annotations

import re
from datetime import datetime, timedelta

from escalation import queue
from ivr.store.models import Assessment, Call, CallStep


def checkin(db, patient_id, at, slots, *, assess=None, words="tôi thấy bình thường"):
    """A call like a check-in: a few answers; ``assess`` adds the Assessment row an escalation writes."""
    with db.session() as s:
        c = Call(caller="+84912000001", patient_id=patient_id, flow_name="covid_f0", outcome="completed",
                 started_at=at, ended_at=at + timedelta(minutes=2), slots=slots)
        s.add(c)
        s.flush()
        s.add(CallStep(call_id=c.id, seq=0, node="checkin", prompt_id="checkin", event="prompt", at=at))
        s.add(CallStep(call_id=c.id, seq=1, node="checkin", transcript=words, intent="no", event="speech", at=at))
        s.add(CallStep(call_id=c.id, seq=2, node="spo2", digits=str(slots.get("spo2", "")), event="dtmf", at=at))
        if assess is not None:
            s.add(Assessment(call_id=c.id, patient_id=patient_id, at=at + timedelta(minutes=1), **assess))
        return c.id


def test_a_checkin_never_escalated_still_shows_its_vitals_against_the_rules(client, auth, db, patients):
    call = checkin(db, patients["a"], datetime(2026, 11, 20, 2, 0), {"spo2": 97, "breathing_rate": 19})
    auth.login("bs_a")
    html = client.get(f"/calls/{call}").get_data(as_text=True)
    findings = html[html.index('id="findings"'):html.index("Diễn biến cuộc gọi")]
    assert "SpO2 97 %" in findings and "nhịp thở 19 lần/phút" in findings
    assert findings.count("Trong ngưỡng an toàn") == 2 and "QĐ 261/QĐ-BYT" in findings
    assert "tôi thấy bình thường" in findings and "Báo cáo sức khỏe hằng ngày" in findings  # the words, by step
    assert "Không nguy cơ" not in findings and "Không có nguy cơ" in findings


def test_case_page_puts_words_signs_vitals_rule_and_risk_before_everything(client, auth, db, patients):
    at = datetime(2026, 11, 20, 3, 0)
    call = checkin(db, patients["a"], at, {"spo2": 92}, words="tôi khó thở, môi tím", assess={
        "risk": "emergency", "symptoms": ["shortness_of_breath", "cyanosis"], "vitals": {"spo2": 92, "pulse": 88},
        "reasons": ["Tím môi, đầu ngón tay, ngón chân: dấu hiệu 8, QĐ 261/QĐ-BYT"], "rule_pack": "moh-261-2022@1"})
    esc = queue.create(db, risk="emergency", reason="Tím tái", reasons=["Tím môi, đầu ngón tay, ngón chân"],
                       caller="+84912000001", patient_id=patients["a"], call_id=call)
    auth.login("bs_a")
    html = client.get(f"/board/{esc}").get_data(as_text=True)
    order = [html.index(x) for x in ('id="findings"', "tôi khó thở, môi tím", "khó thở", "tím tái", "SpO2 92 %",
                                     "Thông tin</h2>", "Ghi chú và diễn biến")]
    assert order == sorted(order)
    vitals = html[html.index('id="finding-vitals"'):]
    vitals = vitals[:vitals.index("</table>")]
    assert re.search(r"SpO2 92 %.*Cấp cứu.*SpO2 92% &lt; 94%", vitals, re.S)  # the rule that fired
    assert "WHO" in vitals  # and its source
    assert "mạch 88 lần/phút" in vitals and "Trong ngưỡng an toàn" in vitals
    assert "Quản lý người mắc COVID-19 tại nhà (QĐ 261/QĐ-BYT)" in html


def test_patient_page_charts_readings_over_time_and_lists_every_call_and_case(client, auth, db, patients):
    day = datetime(2026, 11, 18, 2, 0)
    checkin(db, patients["a"], day, {"spo2": 97, "temperature": 37.2, "breathing_rate": 18, "pulse": 80})
    checkin(db, patients["a"], day + timedelta(days=1), {"spo2": 95},
            assess={"risk": "high", "vitals": {"spo2": 95, "temperature": 38.6, "breathing_rate": 21, "pulse": 96},
                    "rule_pack": "moh-261-2022@1"})
    for i in range(3):
        checkin(db, patients["a"], day + timedelta(days=2, hours=i), {})
    queue.create(db, risk="high", reason="SpO2 thấp", patient_id=patients["a"])
    auth.login("bs_a")
    html = client.get(f"/patients/{patients['a']}").get_data(as_text=True)
    assert "2 lần đo" in html
    for name in ("spo2", "temperature", "pulse", "breathing_rate"):
        chart = html[html.index(f'id="chart-{name}"'):]
        chart = chart[:chart.index("</svg>")]
        assert chart.count('class="reading"') == 2, name
        assert "stroke-dasharray" in chart, name  # the warning thresholds
    spo2 = html[html.index('id="chart-spo2"'):]
    assert ">97<" in spo2[:spo2.index("</svg>")] and ">95<" in spo2[:spo2.index("</svg>")]
    assert "Cuộc gọi (5)" in html and "Các lần chuyển bác sĩ (1)" in html
