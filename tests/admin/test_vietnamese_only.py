"""Doctor-facing pages speak Vietnamese only: no identifier of the engine, the flow or the store in visible text.

The data is what a busy day leaves: a call through every step of the default flow with every intent and
every kind of step, calls of every outcome, cases of every status (one the phone line opened with its
own reason ``transfer``, moves made by ``system``), patients of every care status. Every doctor-facing
page is rendered and its visible text (what a browser draws: text, not tags or attributes) is searched
for each identifier as a whole word.
"""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
import yaml

from escalation import queue
from escalation.triage import load_packs
from ivr import ROOT
from ivr.engine.labels import REASON_LABELS, RISK_FACTOR_LABELS, SYMPTOM_LABELS
from ivr.engine.understanding import INTENTS, VITALS
from ivr.store.models import (
    AreaLevel,
    Assessment,
    Call,
    CallStep,
    CareStatus,
    Escalation,
    EscalationEvent,
    EscalationStatus,
    Patient,
)
from ivr.vocabulary import (
    STORED_CALL_OUTCOMES,
    CallOutcome,
    CheckinStatus,
    EscalationKind,
    EscalationMode,
    RiskLevel,
)

from .conftest import AREA_A

FLOW = yaml.safe_load((ROOT / "callflows" / "covid_f0.yaml").read_text(encoding="utf-8"))
EVENTS = ("prompt", "speech", "dtmf", "no_input", "no_match", "repeat", "escalate", "handoff", "hangup", "record")


def identifiers() -> set[str]:
    """Every name the engine, the flow and the store use internally."""
    names = {FLOW["flow"], *FLOW["nodes"], *INTENTS, *VITALS, *EVENTS, *REASON_LABELS, "system"}
    names |= {str(v) for e in (CallOutcome, EscalationStatus, EscalationMode, EscalationKind, CheckinStatus, RiskLevel,
                                         CareStatus, AreaLevel)
              for v in (m.value for m in e)}
    names |= set(queue.OUTCOMES) | set(SYMPTOM_LABELS) | set(RISK_FACTOR_LABELS)
    names |= {p.label for p in load_packs()} | {r.id for p in load_packs() for r in p.rules}
    for node in FLOW["nodes"].values():
        names.update(str(v) for k, v in node.items() if k in ("prompt", "kind", "no_input_prompt", "reprompt"))
    return names


class _Visible(HTMLParser):
    """The text a browser draws: text nodes outside <script>/<style>/<template>, and the placeholder and
    title attributes (shown in a field and on hover)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "template"):
            self._hidden += 1
        for k, v in attrs:
            if k in ("placeholder", "title", "aria-label") and v:
                self.parts.append(v)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "template") and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = _Visible()
    parser.feed(html)
    return "\n".join(parser.parts)


def leaks(text: str, names: set[str]) -> list[str]:
    return sorted(n for n in names if re.search(rf"(?<![\w@.-]){re.escape(n)}(?![\w@-])", text))


@pytest.fixture
def busy_day(db, users, patients):
    """Calls, assessments and cases covering every identifier a page might show."""
    ids: dict[str, list[int]] = {"calls": [], "cases": [], "patients": [patients["a"]]}
    with db.session() as s:
        for i, care in enumerate(CareStatus):
            p = Patient(phone=f"+8491200010{i}", name=f"Nguyễn Thị Mai {i}", care_status=care, **AREA_A)
            s.add(p)
            s.flush()
            ids["patients"].append(p.id)
        for n, outcome in enumerate(STORED_CALL_OUTCOMES):
            call = Call(caller="+84912000001", patient_id=patients["a"], flow_name=FLOW["flow"], outcome=outcome,
                        recording_path="")
            s.add(call)
            s.flush()
            ids["calls"].append(call.id)
            seq = 0
            for node_id, node in FLOW["nodes"].items():
                for j, event in enumerate(EVENTS):
                    intent = INTENTS[(seq + n) % len(INTENTS)] if event in ("speech", "dtmf") else ""
                    s.add(CallStep(call_id=call.id, seq=seq, node=node_id, event=event,
                                   prompt_id=str(node.get("prompt") or "") if event == "prompt" else "",
                                   transcript="tôi bị sốt, SpO2 95" if event == "speech" else "",
                                   digits="95" if event == "dtmf" else "", intent=intent if j % 2 else "high",
                                   confidence=0.9 if event == "speech" else None))
                    seq += 1
            for risk in RiskLevel:
                s.add(Assessment(call_id=call.id, patient_id=patients["a"], risk=risk, symptoms=list(SYMPTOM_LABELS),
                                 vitals={"spo2": 95, "temperature": 38.5, "breathing_rate": 22, "pulse": 96},
                                 risk_factors=list(RISK_FACTOR_LABELS), reasons=["SpO2 95% < 96%: QĐ 4038/QĐ-BYT"],
                                 rule_pack=load_packs()[-1].label))
    for n, status in enumerate(EscalationStatus):
        with db.session() as s:  # one patient per case: a patient's second open case merges into the first
            p = Patient(phone=f"+8491300010{n}", name=f"Trần Văn Nam {n}", **AREA_A)
            s.add(p)
            s.flush()
            ids["patients"].append(p.id)
        esc = queue.create(db, risk=list(RiskLevel)[n % 4], reason="transfer" if n % 2 else "Khó thở",
                           reasons=["transfer"] if n % 2 else [], caller=f"+8490000001{n}",
                           patient_id=ids["patients"][-1], call_id=ids["calls"][n % 3],
                           mode=EscalationMode.LIVE if n % 2 else EscalationMode.CALLBACK)
        with db.session() as s:
            row = s.get(Escalation, esc)
            row.status = status
            if status is EscalationStatus.RESOLVED:
                row.outcome = list(queue.OUTCOMES)[n % len(queue.OUTCOMES)]
            s.add(EscalationEvent(escalation_id=esc, from_status="waiting", to_status=status.value, actor="system",
                                  detail="Đang mời bác sĩ trực nhận ca"))
        ids["cases"].append(esc)
    return ids


def doctor_pages(ids: dict[str, list[int]]) -> list[str]:
    return (["/board/", "/calls/", "/patients/", "/stats/", "/patients/?q=nguyen", "/calls/?q=0912000001"]
            + [f"/board/{i}" for i in ids["cases"]] + [f"/calls/{i}" for i in ids["calls"]]
            + [f"/patients/{i}" for i in ids["patients"]])


def test_the_data_does_carry_the_identifiers(client, auth, busy_day):
    """The check below can fail: the raw pages (attributes included) carry the identifiers it looks for."""
    auth.login("admin")
    raw = "".join(client.get(p).get_data(as_text=True) for p in doctor_pages(busy_day)[6:])
    names = identifiers()
    present = set(leaks(raw.replace('"', " "), names))
    for must in ("greeting", "ask_has_oximeter", "daily_checkin", "report_symptoms"):
        assert must in present, must  # kept in data-* attributes for tools, never drawn
    assert leaks("Bước: greeting · hành động system", names) == ["greeting", "system"]


@pytest.mark.parametrize("user", ["bs_a", "admin"])
def test_doctor_facing_pages_show_no_internal_identifier(client, auth, busy_day, user):
    auth.login(user)
    names = identifiers() - ({"admin"} if user == "admin" else set())  # the signed-in user's name is shown
    found = {}
    for path in doctor_pages(busy_day):
        resp = client.get(path)
        assert resp.status_code in (200, 404), path  # a commune doctor may not see every case
        if resp.status_code == 200:
            bad = leaks(visible_text(resp.get_data(as_text=True)), names)
            if bad:
                found[path] = bad
    assert found == {}


def test_unknown_identifiers_get_a_generic_vietnamese_label():
    from ivr.engine import labels

    assert labels.node_label("buoc_moi_them") == labels.NODE_GENERIC
    assert labels.intent_label("ask_vaccine") == labels.INTENT_GENERIC
    assert labels.reason_label("bridge_failed") == labels.REASON_GENERIC
    assert labels.reason_label("transfer") == "Người gọi xin chuyển máy gặp bác sĩ"
    assert labels.reason_label("Khó thở, hụt hơi") == "Khó thở, hụt hơi"
    assert labels.actor_label("system") == "Hệ thống" and labels.actor_label("bs_a") == "bs_a"
    assert set(FLOW["nodes"]) <= set(labels.NODE_LABELS)
    assert set(INTENTS) <= set(labels.INTENT_LABELS)


def test_every_validator_problem_has_a_vietnamese_text():
    from admin.flow_messages import untranslated

    assert untranslated() == set()


def test_a_problem_without_a_kind_is_still_shown():
    from admin.flow_messages import vietnamese
    from ivr.engine.flow import _Problems

    problems = _Problems("x.yaml")
    problems.add("greeting", "some new check failed", 3)
    problems.add("greeting", "unknown_prompt", 4, pid="abc")
    err = problems.error()
    assert err.problems == ["x.yaml: node 'greeting': some new check failed",
                            "x.yaml: node 'greeting': unknown prompt id 'abc'"]
    assert vietnamese(err.details[0]) == "Bước “greeting”: (chưa dịch) some new check failed"
    assert vietnamese(err.details[1]) == "Bước “greeting”: không có lời nhắc “abc”"
