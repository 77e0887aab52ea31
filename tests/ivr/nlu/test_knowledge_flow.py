"""Questions through the default flow (callflows/covid_f0.yaml) with the real engine, understanding,
triage and knowledge base: answers from free speech and keys, "nghe lại", related topics, an honest
decline with a doctor offered, and warning signs that go to triage before any answer."""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ivr import ROOT
from ivr.engine.flow import Flow, load_flow, load_flow_text
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.engine.simulator import Input, SimulationResult, simulate
from ivr.errors import FlowError
from ivr.nlu.knowledge import load_knowledge
from ivr.nlu.topics import default_finder


@cache
def _setup() -> tuple[Flow, PromptCatalog, Any, Any]:
    from ivr.cli import plugins
    from ivr.nlu.understander import default_understander

    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    return flow, catalog, default_understander(), plugins.triage(ROOT / "escalation" / "rules")


def call(*inputs: Input, answers: Any = "default") -> SimulationResult:
    flow, catalog, understander, triage = _setup()
    return simulate(flow, list(inputs), catalog=catalog, understander=understander, triage=triage,
                    answers=default_finder() if answers == "default" else answers)


def say(text: str) -> Input:
    return ("say", text)


def keys(digits: str) -> Input:
    return ("dtmf", digits)


def played(result: SimulationResult) -> list[tuple[str, str]]:
    return [(s["node"], s["prompt_id"]) for s in result.steps if s.get("prompt_id")]


def answers_of(result: SimulationResult) -> list[dict[str, Any]]:
    return [s for s in result.steps if s.get("event") == "answer"]


@pytest.mark.parametrize(("question", "topic"), [
    ("bao giờ thì tôi hết cách ly", "isolation_end"),
    ("cach ly bao nhieu ngay", "isolation_end"),
    ("đo SpO2 như thế nào", "measure_spo2"),
    ("xông hơi lá bưởi có chữa được covid không", "folk_remedies"),
    ("bà bầu bị covid uống thuốc được không", "pregnancy"),
    ("tui hút thuốc lá được hông", "smoking_alcohol"),
])
def test_a_spoken_question_is_answered_from_the_knowledge_base(question: str, topic: str) -> None:
    r = call(keys("5"), say(question), keys("9"))
    assert played(r)[2] == ("faq_answer", f"kb_{topic}")
    text = next(s["text"] for s in r.steps if s.get("prompt_id") == f"kb_{topic}")
    assert text == load_knowledge()[topic].answer
    assert played(r)[3] == ("faq_after", "faq_after")
    assert r.outcome == "completed"
    assert [a["intent"] for a in answers_of(r)] == [topic]


def test_keys_repeat_and_related_topic() -> None:
    r = call(keys("5"), keys("1"), keys("2"), keys("3"), keys("9"))
    assert [p for _, p in played(r)][2:8] == [
        "kb_fever_medicine", "faq_after", "kb_fever_medicine", "faq_after",
        "kb_children_faq_related_lead", "faq_after"]
    related = next(s["text"] for s in r.steps if s.get("prompt_id") == "kb_children_faq_related_lead")
    assert related.startswith("Chủ đề liên quan: Trẻ em mắc covid. ")


def test_spoken_choices_after_an_answer() -> None:
    r = call(keys("5"), say("đo SpO2 như thế nào"), say("cho tôi nghe lại"), say("nói lại đi"),
             say("chủ đề liên quan"), say("tôi hỏi câu khác"), keys("0"))
    assert [n for n, p in played(r) if p.startswith("kb_") or p.startswith("faq_")] == [
        "faq_menu", "faq_answer", "faq_after", "faq_again", "faq_after", "faq_again", "faq_after", "faq_related",
        "faq_after", "faq_menu"]


def test_a_question_without_entry_is_declined_and_a_doctor_offered() -> None:
    r = call(keys("5"), say("giá vàng hôm nay bao nhiêu"), keys("0"))
    assert ("faq_decline", "faq_decline") in played(r)
    decline = next(s["text"] for s in r.steps if s.get("prompt_id") == "faq_decline")
    assert decline.startswith("Tôi chưa có câu trả lời chắc chắn cho câu hỏi này.")
    assert "bác sĩ" in decline
    assert not any(p.startswith("kb_") for _, p in played(r))  # no answer read
    assert [(a["intent"], a["question"]) for a in answers_of(r)] == [("", "giá vàng hôm nay bao nhiêu")]
    assert r.slots["faq_question"] == "giá vàng hôm nay bao nhiêu"  # for the doctor who calls back
    assert r.outcome == "escalated" and r.steps[-1]["event"] == "handoff"


def test_a_declined_question_can_ask_for_a_callback() -> None:
    r = call(keys("5"), say("con chó nhà tôi bị ốm"), keys("1"), keys("9"))
    assert r.as_json()["escalations"] == [{"risk": "low", "mode": "callback", "reasons": [],
                                           "reason": "Câu hỏi chưa có câu trả lời trong cơ sở hỏi đáp, cần bác sĩ "
                                                     "gọi lại"}]


@pytest.mark.parametrize("question", [
    "con tôi sốt cao co giật thì làm sao",
    "bà tôi khó thở quá thì uống thuốc gì",
    "spo2 của tôi 91 thì có sao không",
])
def test_a_warning_sign_in_a_question_goes_to_triage_first(question: str) -> None:
    for inputs in ([keys("5"), say(question)], [say(question)]):
        r = call(*inputs)
        assert r.as_json()["escalations"], question
        assert r.as_json()["escalations"][0]["risk"] in ("emergency", "high")
        assert not any(p.startswith("kb_") for _, p in played(r))


def test_a_question_at_the_greeting_is_answered_from_the_callers_words() -> None:
    r = call(say("khi nào thì tôi được hết cách ly"), keys("9"))
    assert played(r)[1] == ("faq_isolation", "kb_isolation_end")
    assert played(r)[2] == ("anything_else", "anything_else")


def test_without_a_knowledge_base_an_answer_node_declines_rather_than_staying_silent() -> None:
    r = call(keys("5"), say("bao giờ hết cách ly"), keys("0"), answers=None)
    assert ("faq_decline", "faq_decline") in played(r)


def test_answer_nodes_are_validated() -> None:
    _, catalog, _, _ = _setup()
    text = """
flow: t
start: a
prompts: {no_input: no_input, no_match: no_match, invalid_number: invalid_number}
nodes:
  a: {kind: answer, source: topic, next: b}
  b: {kind: answer, topic: Bad-Id, source: last, next: c, else: c}
  c: {kind: hangup, prompt: goodbye}
"""
    with pytest.raises(FlowError) as exc:
        load_flow_text(text, "t.yaml", catalog)
    assert exc.value.problems == [
        "t.yaml: node 'a': 'topic' is needed exactly when 'source' is 'topic'",
        "t.yaml: node 'a': missing 'else' (where the caller goes when no entry fits with confidence)",
        "t.yaml: node 'b': 'topic' is needed exactly when 'source' is 'topic'",
        "t.yaml: node 'b': 'topic' must be a lower_snake_case topic id, got 'Bad-Id'",
    ]
