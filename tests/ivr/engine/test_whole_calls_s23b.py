"""Session 23 (n69-calls13): calls set 13's flow kinds, whole calls through the real engine, understanding and triage.

1. a confused elderly patient who asks back ("ờ bà ăn cơm rồi con về chưa") is no yes at "who answers": a request to
   hear the question again, counted toward the whole call's ``max_confused``, as is "bà hổng biết, hỏi con Lan" at a
   question that is no device question, and silence from a caller who has already not followed; the calm twins ("dạ
   rồi", "ừ bà đây", "bà khỏe, con hỏi chi") stay answers;
2. "ăn chi cũng không ngon" is a statement (whatever she eats), not a question: the calm check-in that denies the signs
   goes on to the readings; "ăn chi cho mau khỏe?" stays a question;
3. the breathless key at the symptom and check-in questions records shortness of breath (the case's risk high, its
   reason named); "không biết nữa" at the how-are-you question is unsure and leads to the warning-sign questions.
"""
from __future__ import annotations

import textwrap

import pytest

from ivr.engine.flow import load_flow_text
from ivr.engine.prompts import PromptCatalog
from ivr.errors import FlowError
from ivr.nlu.understander import default_understander
from tests.ivr.engine.test_default_flow import call, keys, say, turns_to_human
from tests.ivr.engine.test_node_signs_s18 import outbound
from tests.ivr.engine.test_shapes_s21 import _events, _prompts

SILENCE = ("silence", None)
NO_DEVICES = (keys("2"), keys("2"), keys("2"), keys("2"))


def _nodes(result) -> list[str]:  # type: ignore[no-untyped-def]
    return [s["node"] for s in result.steps]


# ------------------------------------------------------------------ kind 1: a confused patient asks back
@pytest.mark.parametrize("text", ["ờ bà ăn cơm dồi con dề chưa", "ừ con ăn cơm chưa con",
                                  "ừ mạ ăn cơm rồi con đi làm về chưa"])
def test_a_question_asked_back_is_no_yes_but_a_repeat(text: str) -> None:
    u = default_understander().understand(text, expect=("yes", "no", "repeat"))
    assert u.intent == "repeat"


@pytest.mark.parametrize("text", ["dạ rồi", "ừ bà đây", "dạ phải, con hỏi chi", "lúc có lúc không cô",
                                  "luc co luc khong"])
def test_an_answer_or_a_come_and_go_stays_an_answer(text: str) -> None:
    u = default_understander().understand(text, expect=("yes", "no", "repeat"))
    assert u.intent == "yes"


def test_a_confused_grandmother_reaches_a_person_at_the_fourth_turn() -> None:
    result = outbound(keys("1"), say("hả ai gọi đó con"), say("ờ bà ăn cơm rồi con về chưa"),
                      say("bà hổng biết đâu, hỏi con Lan đi"))
    assert turns_to_human(result) == 4
    assert _events(result, "confused") == ["who_answers"]
    assert "answered_by" not in result.as_json()["slots"]  # not knowing is no relative answering


def test_silence_after_confusion_counts() -> None:
    result = outbound(keys("1"), say("ờ con về chưa con"), say("bà hổng biết, hỏi con út nghe"), SILENCE)
    assert turns_to_human(result) == 4 and _events(result, "confused")


def test_silence_alone_is_no_confusion() -> None:
    result = outbound(keys("1"), SILENCE, keys("1"), keys("2"), *NO_DEVICES, keys("1"))
    assert turns_to_human(result) is None and not _events(result, "confused")


def test_a_grandmother_who_answers_goes_on_to_the_readings() -> None:
    result = outbound(keys("1"), say("ừ bà đây"), say("bà khỏe, con hỏi chi"), *NO_DEVICES, keys("1"))
    assert turns_to_human(result) is None and result.outcome == "completed"
    assert "warning_signs" not in _nodes(result)


def test_not_knowing_at_a_device_question_still_moves_on() -> None:
    result = outbound(keys("1"), keys("1"), keys("2"), say("không biết nữa"))
    assert "ask_has_thermometer" in _nodes(result) and not _events(result, "confused")


# ------------------------------------------------------------------ kind 2: "ăn chi cũng không ngon" is no question
@pytest.mark.parametrize("text", [
    "mấy bữa ni ăn ít, miệng đắng, ăn chi cũng không ngon, nhưng uống nước được, không có khó thở chi hết",
    "dạo này ăn gì cũng thấy nhạt, không sốt không ho",
])
def test_whatever_she_eats_is_a_statement(text: str) -> None:
    assert default_understander().understand(text).intent == "daily_checkin"


@pytest.mark.parametrize("text", ["ăn chi cho mau khỏe?", "bà ăn gì cũng được không", "uống được không"])
def test_a_question_about_eating_stays_a_question(text: str) -> None:
    assert default_understander().understand(text).intent in ("ask_home_care", "ask_medication")


def test_a_calm_checkin_that_says_whatever_she_eats_goes_on_to_the_readings() -> None:
    result = outbound(keys("1"), say("dạ đúng rồi"),
                      say("mấy bữa ni ăn ít lắm, ăn chi cũng không ngon, nhưng uống nước được, không khó thở chi hết"),
                      *NO_DEVICES, keys("1"))
    assert turns_to_human(result) is None and "warning_signs" not in _nodes(result)
    assert "emergency_115" not in _prompts(result)


# ------------------------------------------------------------------ kind 3: the breathless key; "không biết nữa"
def test_the_breathless_key_at_the_checkin_records_the_sign() -> None:
    result = outbound(keys("1"), keys("1"), keys("1"))
    record = result.as_json()
    assert turns_to_human(result) == 3
    assert record["symptoms"] == ["shortness_of_breath"] and record["risk"] == "high"
    assert record["escalations"][0]["reasons"]


@pytest.mark.parametrize("menu", ["2", "3"])  # the inbound symptom and check-in questions
def test_the_breathless_key_inbound_records_the_sign(menu: str) -> None:
    result = call(keys(menu), keys("1"))
    record = result.as_json()
    assert turns_to_human(result) == 2
    assert "shortness_of_breath" in record["symptoms"] and record["risk"] == "high"


def test_the_calm_key_records_nothing() -> None:
    result = outbound(keys("1"), keys("1"), keys("2"), *NO_DEVICES, keys("1"))
    assert result.as_json()["symptoms"] == [] and turns_to_human(result) is None


def test_a_key_symptom_must_be_a_known_sign() -> None:
    text = textwrap.dedent("""\
        flow: t
        start: q
        defaults: {fallback: human}
        prompts: {no_input: oops, no_match: oops, invalid_number: oops}
        nodes:
          q:
            kind: ask
            prompt: ask
            choices:
              - {dtmf: "1", symptom: %s, next: bye}
            next: bye
          human:
            kind: handoff
            prompt: bye
          bye:
            kind: hangup
            prompt: bye
    """)
    catalog = PromptCatalog({"ask": "Ông bà thế nào?", "bye": "Tạm biệt", "oops": "Xin lỗi"})
    flow = load_flow_text(text % "shortness_of_breath", "f.yaml", catalog)
    assert flow.nodes["q"].choices[0].symptom == "shortness_of_breath"
    with pytest.raises(FlowError, match="unknown symptom"):
        load_flow_text(text % "breathless_ish", "f.yaml", catalog)


@pytest.mark.parametrize("text", ["không biết nữa", "tui cũng hổng biết nữa", "bà không biết"])
def test_not_knowing_at_the_checkin_is_unsure(text: str) -> None:
    u = default_understander().understand(text)
    assert u.intent == "unknown" and u.unsure


def test_not_knowing_at_the_checkin_leads_to_the_warning_signs() -> None:
    result = outbound(keys("1"), keys("1"), say("không biết nữa"), say("không"), say("không"), say("có"))
    assert "warning_signs" in _nodes(result) and turns_to_human(result) == 6
    assert "shortness_of_breath" in result.as_json()["symptoms"]


def test_a_question_said_with_not_knowing_is_still_a_question() -> None:
    u = default_understander().understand("alo, tôi lo quá, không biết có sao không")
    assert u.intent != "no"


# ------------------------------------------------------------------ the patient herself is asked of herself
def test_the_patient_herself_hears_the_sign_asked_of_herself() -> None:
    result = outbound(keys("1"), keys("1"), say("không biết nữa"), say("có"))
    assert "sign_consciousness_self" in _prompts(result) and "sign_consciousness" not in _prompts(result)
    assert turns_to_human(result) == 4 and "altered_consciousness" in result.as_json()["symptoms"]  # a yes escalates


def test_a_relative_hears_the_sign_asked_of_the_patient() -> None:
    result = outbound(keys("1"), keys("2"), say("không biết nữa"), say("không"))
    assert "sign_consciousness" in _prompts(result) and "sign_consciousness_self" not in _prompts(result)


def test_an_unknown_self_prompt_is_refused() -> None:
    text = textwrap.dedent("""\
        flow: t
        start: c
        defaults: {fallback: human}
        prompts: {no_input: oops, no_match: oops, invalid_number: oops}
        nodes:
          c:
            kind: checklist
            items:
              - {prompt: ask, self_prompt: %s, symptom: altered_consciousness}
            on_yes: human_now
            next: bye
          human_now:
            kind: escalate
            prompt: bye
            risk: high
            next: human
          human:
            kind: handoff
            prompt: bye
          bye:
            kind: hangup
            prompt: bye
    """)
    catalog = PromptCatalog({"ask": "Có lơ mơ không?", "self": "Ông bà có lơ mơ không?", "bye": "Tạm biệt",
                             "oops": "Xin lỗi"})
    assert load_flow_text(text % "self", "f.yaml", catalog).nodes["c"].items[0].self_prompt == "self"
    with pytest.raises(FlowError, match="unknown prompt"):
        load_flow_text(text % "nope", "f.yaml", catalog)
