"""A question that fits two knowledge-base topics about equally well is not guessed nor declined: the
default flow asks which topic the caller means (a key per topic, or its title said) and answers that one."""
from __future__ import annotations

import pytest

from ivr import ROOT
from ivr.engine.flow import load_flow_text
from ivr.engine.prompts import load_catalog
from ivr.errors import FlowError
from ivr.nlu.knowledge import load_knowledge
from tests.ivr.nlu.test_knowledge_flow import answers_of, call, keys, played, say

QUESTION = "bà bầu bị ho uống thuốc gì"  # pregnancy or cough_medicine


def _which(r) -> str:
    return next(s["text"] for s in r.steps if s.get("prompt_id") == "faq_which")


@pytest.mark.parametrize(("key", "topic"), [("1", "pregnancy"), ("2", "cough_medicine")])
def test_two_fitting_topics_are_offered_and_the_key_picks_one(key: str, topic: str) -> None:
    r = call(keys("5"), say(QUESTION), keys(key), keys("9"))
    assert played(r)[2] == ("faq_which", "faq_which")
    assert _which(r) == ("Câu hỏi này có thể thuộc hai chủ đề. Ông bà chọn chủ đề Phụ nữ mang thai thì bấm 1, "
                         "chủ đề Thuốc ho thì bấm 2. Không phải cả hai, bấm phím 0 để gặp bác sĩ.")
    assert played(r)[3] == ("faq_chosen", f"kb_{topic}")
    assert next(s["text"] for s in r.steps if s.get("prompt_id") == f"kb_{topic}") == load_knowledge()[topic].answer
    assert played(r)[4] == ("faq_after", "faq_after")
    # the question is recorded unanswered at faq_answer, then answered with the topic picked
    assert [(a["node"], a["intent"]) for a in answers_of(r)] == [("faq_answer", ""), ("faq_chosen", topic)]
    assert r.outcome == "completed"


def test_the_title_can_be_said_instead_of_a_key() -> None:
    r = call(keys("5"), say(QUESTION), say("thuốc ho"), keys("9"))
    assert played(r)[3] == ("faq_chosen", "kb_cough_medicine")


def test_neither_topic_a_doctor_at_once() -> None:
    r = call(keys("5"), say(QUESTION), keys("0"))
    assert not any(p.startswith("kb_") for _, p in played(r))
    assert r.outcome == "escalated" and r.steps[-1]["event"] == "handoff"


def test_a_question_at_the_greeting_that_fits_two_topics_is_asked_too() -> None:
    r = call(say("hết cách ly thì xin giấy ở đâu"), keys("2"), keys("9"))
    assert played(r)[1] == ("faq_which", "faq_which")
    assert played(r)[2] == ("faq_chosen", "kb_recovery_certificate")


def test_a_confident_question_and_an_unknown_one_are_not_asked() -> None:
    r = call(keys("5"), say("đo SpO2 như thế nào"), keys("9"))
    assert "faq_which" not in [p for _, p in played(r)]
    r = call(keys("5"), say("tôi muốn đăng ký kết hôn"), keys("0"))
    assert ("faq_decline", "faq_decline") in played(r)
    assert "faq_which" not in [p for _, p in played(r)]


def test_choose_is_validated_on_answer_nodes() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    text = """
flow: t
start: a
prompts: {no_input: no_input, no_match: no_match, invalid_number: invalid_number}
nodes:
  a: {kind: answer, source: last, next: c, else: c, choose: c}
  b: {kind: answer, source: question, next: c, else: c, choose: nowhere}
  c: {kind: hangup, prompt: goodbye}
  d: {kind: choose, prompt: faq_which, options: x, option_prompt: faq_which_option, slot: faq_choice, next: c,
      fallback: c, choices: [{dtmf: "2", next: c}]}
"""
    with pytest.raises(FlowError) as exc:
        load_flow_text(text, "t.yaml", catalog)
    assert exc.value.problems == [
        "t.yaml: node 'a': 'choose' is a node id, and only for an answer to the caller's question (source: question)",
        "t.yaml: node 'd': choice key 2 is an option key of a choose node (1-8); use 0, 9 or #",
        "t.yaml: node 'b': transition 'choose' points to unknown node 'nowhere'",
        "t.yaml: node 'd': fallback 'c' hangs up: a failing caller must reach a human",
        "t.yaml: node 'b': unreachable from start node 'a'",
        "t.yaml: node 'd': unreachable from start node 'a'",
    ]
