"""Call log: search, scoping, one call's path through the flow."""
from __future__ import annotations

from datetime import datetime

from ivr.store.models import Assessment, Call, CallStep


def add_call(db, patient_id, caller, words, started=None):
    with db.session() as s:
        c = Call(caller=caller, patient_id=patient_id, flow_name="covid_f0", outcome="completed",
                 started_at=started or datetime(2026, 11, 20, 3, 0), ended_at=datetime(2026, 11, 20, 3, 2))
        s.add(c)
        s.flush()
        s.add(CallStep(call_id=c.id, seq=0, node="greeting", prompt_id="greeting", event="prompt"))
        s.add(CallStep(call_id=c.id, seq=1, node="greeting", transcript=words, intent="report_symptoms",
                       confidence=0.82, event="speech"))
        s.add(CallStep(call_id=c.id, seq=2, node="ask_spo2", digits="95", event="dtmf"))
        s.add(Assessment(call_id=c.id, patient_id=patient_id, risk="medium", symptoms=["fever"],
                         vitals={"spo2": 95}, reasons=["Sốt 38,5 °C"], rule_pack="moh-261-2022@1"))
        return c.id


def test_call_log_scoped_and_searchable(client, auth, db, patients):
    a = add_call(db, patients["a"], "+84912000001", "tôi bị sốt cao")
    b = add_call(db, patients["b"], "+84912000002", "tôi bị ho")
    unknown = add_call(db, None, "+84900000000", "cho tôi hỏi thuốc")
    auth.login("bs_a")
    html = client.get("/calls/").get_data(as_text=True)
    assert f"/calls/{a}" in html and f"/calls/{b}" not in html and f"/calls/{unknown}" in html
    assert client.get(f"/calls/{b}").status_code == 404
    found = client.get("/calls/", query_string={"q": "sốt cao"}).get_data(as_text=True)
    assert f"/calls/{a}" in found and f"/calls/{unknown}" not in found
    by_date = client.get("/calls/", query_string={"from": "2026-11-21"}).get_data(as_text=True)
    assert "Không có cuộc gọi nào." in by_date


def test_call_detail_shows_path(client, auth, db, patients):
    a = add_call(db, patients["a"], "+84912000001", "tôi bị sốt <b>cao</b>")
    auth.login("bs_a")
    html = client.get(f"/calls/{a}").get_data(as_text=True)
    for text in ("greeting", "ask_spo2", "95", "report_symptoms", "0.82", "Sốt 38,5 °C",
                 "moh-261-2022@1", "tôi bị sốt &lt;b&gt;cao&lt;/b&gt;", "2 phút 0 giây", "SpO2 95", "bấm phím"):
        assert text in html, text
