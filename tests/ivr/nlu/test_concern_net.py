"""bench/nlu.py's clinical numbers are what the flow does: its ``concern_net`` (the flow escalates on the
concern flag alone) checked against the real engine, default flow, understanding and rule pack, on the rows
of the labelled corpora."""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from escalation.triage import default_triage
from ivr import ROOT
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.simulator import Input, simulate
from ivr.engine.understanding import Understanding
from ivr.nlu.understander import default_understander

from . import corpus

ESCALATE = {"emergency", "high"}
CORPORA = ("utterances.jsonl", "utterances_s5.jsonl", "utterances_s7.jsonl", "utterances_s8.jsonl",
           "utterances_s9.jsonl", "utterances_s10_asr.jsonl", "utterances_s11_signs.jsonl", "utterances_s12.jsonl",
           "utterances_s13_emerg.jsonl", "utterances_s14_lookalikes.jsonl", "utterances_s16_emerg.jsonl")
SYMPTOM_QUESTION: tuple[Input, ...] = (("dtmf", "2"),)  # the greeting's "symptoms" key: a capture question
SPO2_QUESTION: tuple[Input, ...] = (("dtmf", "3"), ("say", "bình thường"), ("dtmf", "1"))  # a number question


class Recording:
    """The shared understander, remembering what it made of each text (as the session asked it)."""

    def __init__(self) -> None:
        self.inner = default_understander()
        self.seen: dict[str, Understanding] = {}

    def understand(self, text: str, *, expect: Any = None) -> Understanding:
        u = self.inner.understand(text, expect=expect)
        self.seen.setdefault(text, u)  # the first: what the session decided on (later calls re-read it)
        return u

    def number(self, text: str, *, vital: str | None = None) -> float | None:
        return self.inner.number(text, vital=vital)


@cache
def _setup() -> tuple[Any, Any, Any, Any]:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    return load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog), catalog, default_triage(), corpus.bench()


def _after(text: str, lead: tuple[Input, ...]) -> tuple[Understanding, str | None, str]:
    """What understanding made of ``text`` said after ``lead``, the prompt the caller heard next, and triage's
    risk of the utterance alone."""
    flow, catalog, triage, _ = _setup()
    understander = Recording()
    result = simulate(flow, [*lead, ("say", text)], catalog=catalog, understander=understander, triage=triage)
    u = understander.seen[text]
    at = max(i for i, s in enumerate(result.steps) if s.get("input") == text)
    nxt = next((s["prompt_id"] for s in result.steps[at + 1:] if s.get("prompt_id")), None)
    risk = triage.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent).risk
    return u, nxt, str(risk)


# distress or worry with nothing else understood (the concern net's side), and calm talk beside them
OWN = ("trời ơi sợ quá", "ôi giời ơi khổ quá", "ông cứ ú ớ từ sáng", "ông cứ khật khừ từ sáng",
       "hả, trời ơi sợ quá, nói lại đi", "ờ thì cũng vậy vậy thôi", "hả, nói lại đi", "dạ", "để tôi nghĩ đã")


def _texts() -> list[str]:
    texts: dict[str, None] = dict.fromkeys(OWN)
    for name in CORPORA:
        for r in corpus.rows(ROOT / "tests" / "data" / name):  # both halves: this checks the engine, not a score
            texts[r["text"]] = None
    return list(texts)


def test_at_the_symptom_question_the_flow_escalates_on_concern_exactly_when_the_bench_says() -> None:
    net = _setup()[3].concern_net
    texts = _texts()
    assert len(texts) >= 1500
    taken = left = 0
    for text in texts:
        u, nxt, risk = _after(text, SYMPTOM_QUESTION)
        if risk in ESCALATE:
            continue  # triage escalates it (its own tests); the net is for what triage leaves calm
        if net(u):
            taken += 1
            assert nxt == "escalated_unclear", (text, u)
        else:
            left += 1
            assert nxt != "escalated_unclear", (text, u)
    assert taken >= 8 and left >= 300  # both sides are exercised


@pytest.mark.parametrize("lead", [(), SPO2_QUESTION], ids=["greeting", "spo2"])
def test_at_a_menu_and_a_number_question_the_concern_net_escalates_too(lead: tuple[Input, ...]) -> None:
    net = _setup()[3].concern_net
    texts = [t for t in _texts() if net(default_understander().understand(t))][:40]
    assert len(texts) >= 10
    taken = 0
    for text in texts:
        u, nxt, risk = _after(text, lead)  # u: what the session understood at that question (its expect)
        if risk not in ESCALATE and net(u):
            taken += 1
            assert nxt == "escalated_unclear", (text, u)
    assert taken >= 5  # the net is exercised at that question, not only at the symptom question


def test_the_model_alone_fearing_unparsed_words_is_enough() -> None:
    """Either opinion saying "high" escalates: a concern raised by the n-gram model alone, on words the
    rules did not understand, takes the caller to a live doctor with the 115 advice at once."""
    net = _setup()[3].concern_net
    by_model = []
    for text in _texts():
        u = default_understander().understand(text)
        if net(u) and u.sources.get("concern") == "model":
            by_model.append(text)
    assert by_model
    for text in by_model[:10]:
        u, nxt, risk = _after(text, SYMPTOM_QUESTION)
        assert risk not in ESCALATE and nxt == "escalated_unclear", (text, u)


def test_a_repeat_request_said_in_distress_goes_to_a_doctor() -> None:
    u, nxt, _ = _after("hả, trời ơi sợ quá, nói lại đi", SYMPTOM_QUESTION)
    assert u.intent == "repeat" and u.concern
    assert nxt == "escalated_unclear"
    u, nxt, _ = _after("hả, nói lại đi", SYMPTOM_QUESTION)
    assert u.intent == "repeat" and not u.concern
    assert nxt != "escalated_unclear"
