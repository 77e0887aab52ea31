"""Session 23 (n66-calls12): calls set 12's kinds, whole calls through the real engine, understanding and triage.

1. a caller who complains of the service first ("gọi ba bốn lần không ai nghe, bấm phím với máy móc bực cả mình"):
   the second opinion's concern alone sent him to a doctor on his first words, before he could say what was wrong;
   now an apology and the question again (``complaint_phrases``), counted toward the whole call's ``max_confused``;
   a sign said inside the complaint still escalates at once;
2. a bad line: "a lô a lô nghe nghe hông" at a yes/no question is a line check, a request to repeat (not a no), and
   the question's tag asked back ("phải hông?") is no yes; the caller who presses the breathless key and then, while
   holding for the doctor, says he cannot get a word out is heard on hold (``ivr.engine.hold``, as the call runner
   does): the case is raised to an emergency with the 115 advice, and the hand-off itself comes no later;
3. a calm check-in answer that denies symptoms ("dạ cũng thường thôi, tui bị tiểu đường ..., không ho không sốt chi
   nữa") goes on to the readings instead of the warning-sign round (kept for answers that say nothing of health); a
   blood-sugar number at the SpO2 question is no SpO2 and the question is asked again.
"""
from __future__ import annotations

import textwrap

import pytest

from ivr.engine.flow import load_flow_text
from ivr.engine.prompts import PromptCatalog
from ivr.engine.shapes import other_measure
from ivr.engine.simulator import HOLD_NODE, Input
from ivr.errors import FlowError
from ivr.nlu.understander import default_understander
from tests.ivr.engine.test_default_flow import call, keys, say, turns_to_human
from tests.ivr.engine.test_node_signs_s18 import outbound
from tests.ivr.engine.test_shapes_s21 import _events, _prompts, _worst

START = (keys("1"),)  # outbound: the start key; the next turn is at "who answers"
PATIENT = (keys("1"), keys("1"))  # outbound: started, the patient answers; the next turn is at the check-in question
NO_DEVICES = (keys("2"), keys("2"), keys("2"))
COMPLAINT = "tổng đài gì mà gọi mấy lần không ai nghe, bấm phím với máy móc bực cả mình"


# ------------------------------------------------------------------ kind 1: a complaint of the service first
def test_a_complaint_first_is_answered_with_an_apology_and_the_question_again() -> None:
    result = call(say(COMPLAINT), say("mà ông nhà tôi thở dốc, môi tím tái, nói không ra hơi"))
    assert _events(result, "complaint") == ["greeting"]
    assert "complaint_sorry" in _prompts(result) and "escalated_unclear" not in _prompts(result)
    assert turns_to_human(result) == 2 and _worst(result) == "emergency"
    assert "emergency_115" in _prompts(result)


def test_a_calm_caller_who_complains_first_is_not_sent_to_a_doctor() -> None:
    result = call(say("gọi hoài máy bận, chờ lâu quá"), say("cho tui hỏi bao lâu thì hết cách ly"),
                  say("thôi cảm ơn, chào nha"))
    assert result.as_json()["escalations"] == [] and result.outcome == "completed"


def test_a_complaint_that_goes_on_reaches_a_person_at_the_whole_call_count() -> None:
    result = call(say(COMPLAINT), say("làm ăn kiểu gì mà chờ hoài không ai trả lời"), say("bực mình quá đi mất"))
    assert turns_to_human(result) == 3
    assert _events(result, "confused") == ["greeting"]
    assert _worst(result) == "high"  # on_unclear: the duty doctor, live, with the 115 advice


def test_two_complaints_and_then_an_answer_go_on() -> None:
    result = call(say(COMPLAINT), say("chờ lâu quá trời"), keys("5"))
    assert turns_to_human(result) is None and "faq_menu" in [s["node"] for s in result.steps]


@pytest.mark.parametrize("text", [
    "gọi mãi không ai nghe máy, mẹ tôi khó thở lắm rồi",
    "chờ lâu quá, ba tôi lơ mơ gọi không dậy",
])
def test_a_sign_said_inside_a_complaint_escalates_at_once(text: str) -> None:
    result = call(say(text))
    assert turns_to_human(result) == 1 and _worst(result) in ("high", "emergency")
    assert _events(result, "complaint") == []


@pytest.mark.parametrize("text", [
    "trời ơi sợ quá, gọi mãi không ai nghe",  # distress the rules hear: a doctor now, as before
    "gọi mãi mà ổng không dậy",  # "gọi" a patient who does not wake: no complaint phrase
])
def test_worry_or_a_patient_who_does_not_wake_is_no_complaint(text: str) -> None:
    result = call(say(text))
    assert _events(result, "complaint") == []
    assert turns_to_human(result) == 1


def test_a_complaint_at_the_outbound_check_in_question() -> None:
    result = outbound(*PATIENT, say("bữa trước gọi lên tổng đài chờ lâu quá mà không ai trả lời, bực mình lắm"),
                      say("dạ giờ bình thường rồi, không sốt không ho"), *NO_DEVICES)
    assert _events(result, "complaint") == ["checkin"]
    assert result.as_json()["escalations"] == []


# ------------------------------------------------------------------ kind 2: a bad line, a key, words on hold
@pytest.mark.parametrize(("text", "intent"), [
    ("a lô a lô nghe nghe hông", "repeat"),
    ("alo alo có nghe không", "repeat"),
    ("nghe rõ không?", "repeat"),
    ("phải hông?", "repeat"),
    ("có phải không", "repeat"),
    ("đúng không ta", "repeat"),
    # twins: answers
    ("hông phải", "no"),
    ("dạ hông", "no"),
    ("không phải", "no"),
    ("dạ phải, tui đây", "yes"),
    ("có, nghe rõ", "yes"),
    ("đúng rồi", "yes"),
])
def test_a_line_check_or_a_tag_asked_back_is_no_answer(text: str, intent: str) -> None:
    assert default_understander().understand(text, expect=("yes", "no", "repeat")).intent == intent


def test_a_line_check_at_who_answers_is_asked_again_not_taken_as_a_relative() -> None:
    result = outbound(*START, say("a lô a lô nghe nghe hông"), keys("1"), say("tui khó thở quá, thở hông được"))
    assert "answered_by_relative" not in [s["node"] for s in result.steps]
    assert result.slots.get("answered_by") == "patient"
    assert turns_to_human(result) == 4 and _worst(result) == "emergency"


def test_the_breathless_key_then_words_on_hold_raise_the_case_to_an_emergency() -> None:
    result = outbound(*PATIENT, keys("1"), say("khó thở quá thở hông được nói hông ra hơi"), on_hold=True)
    assert turns_to_human(result) == 3  # the hand-off comes at once, as before
    escalations = result.as_json()["escalations"]
    assert [e["risk"] for e in escalations] == ["high", "emergency"]
    assert any(s["node"] == HOLD_NODE and s.get("prompt_id") == "hold_emergency_115" for s in result.steps)


@pytest.mark.parametrize("then", [say("dạ tui chờ"), ("silence", None)])
def test_the_breathless_key_then_quiet_stays_high_and_handed_off_at_once(then: Input) -> None:
    result = outbound(*PATIENT, keys("1"), then, on_hold=True)
    assert turns_to_human(result) == 3 and _worst(result) == "high"
    assert result.outcome == "escalated"


def test_without_on_hold_the_call_ends_at_the_hand_off() -> None:
    result = outbound(*PATIENT, keys("1"), say("khó thở quá thở hông được nói hông ra hơi"))
    assert result.steps[-1].get("event") == "handoff" and _worst(result) == "high"


def test_a_calm_hand_off_hears_a_question_on_hold_with_the_reassurance() -> None:
    result = call(keys("0"), say("alo"), on_hold=True)
    assert _worst(result) != "emergency"
    assert any(s["node"] == HOLD_NODE and s.get("prompt_id") == "hold_reassure" for s in result.steps)


# ------------------------------------------------------------------ kind 3: a calm check-in, a blood sugar
CALM_DIABETIC = "dạ cũng thường thôi, tui bị tiểu đường lâu rồi, còn covid thì đỡ rồi, không ho không sốt chi nữa"


@pytest.mark.parametrize("text", [
    CALM_DIABETIC,
    "cũng bình thường, tôi bị phổi tắc nghẽn mấy năm nay, covid thì hết sốt hết ho rồi",
    "không ho không sốt gì nữa",
])
def test_a_calm_check_in_that_denies_symptoms_goes_on_to_the_readings(text: str) -> None:
    result = outbound(*PATIENT, say(text), say("có"), say("chín tám"), say("đúng"), *NO_DEVICES)
    assert "warning_signs" not in [s["node"] for s in result.steps]
    assert result.as_json()["escalations"] == [] and result.vitals.get("spo2") == 98


@pytest.mark.parametrize("text", ["ờ thì cũng vậy thôi", "dạ cũng thường thôi", "thì cũng như hôm qua"])
def test_an_answer_that_says_nothing_of_health_still_gets_the_warning_signs(text: str) -> None:
    result = outbound(*PATIENT, say(text))
    assert "warning_signs" in [s["node"] for s in result.steps]


def test_a_sign_said_with_the_calm_words_escalates() -> None:
    result = outbound(*PATIENT, say("cũng thường thôi, tui bị tiểu đường, không sốt mà thở mệt hơn hôm qua"))
    assert turns_to_human(result) == 3 and _worst(result) in ("high", "emergency")


@pytest.mark.parametrize("sugar", ["sáng ni tui đo đường huyết được bảy phẩy tám", "đường huyết chín mươi"])
def test_a_blood_sugar_at_the_spo2_question_is_asked_again(sugar: str) -> None:
    result = outbound(*PATIENT, say("bình thường"), say("có"), say(sugar), say("chín bảy"), say("đúng"),
                      *NO_DEVICES)
    assert _events(result, "misshapen") == ["spo2"]
    assert "other_measure_said" in _prompts(result)
    assert result.vitals.get("spo2") == 97 and result.as_json()["escalations"] == []


def test_a_reading_after_a_doubt_is_the_reading_not_a_repeat() -> None:
    result = outbound(*PATIENT, say("bình thường"), say("có"),
                      say("à không phải cái đó hả, để tui kẹp cái máy vô ngón tay... chín mươi bảy"), say("đúng"),
                      *NO_DEVICES)
    assert result.vitals.get("spo2") == 97 and result.as_json()["escalations"] == []


@pytest.mark.parametrize(("vital", "text", "other"), [
    ("spo2", "đường huyết chín mươi", True),
    ("spo2", "đo đường được tám phẩy hai", True),
    ("spo2", "SpO2 chín bảy, đường huyết bảy phẩy tám", False),  # the vital named: its number stays
    ("spo2", "chín bảy", False),
    ("pulse", "mạch tám mươi, đường huyết sáu phẩy năm", False),
])
def test_other_measure(vital: str, text: str, other: bool) -> None:
    assert other_measure(vital, text) is other


# ------------------------------------------------------------------ the flow key
CATALOG = PromptCatalog({"menu": "Bấm 1", "oops": "Xin lỗi", "human": "Chuyển máy", "sorry": "Xin lỗi ông bà"})
HEADER = """\
flow: t
start: menu
defaults: {fallback: human}
prompts: {no_input: oops, no_match: oops, invalid_number: oops%s}
%s
nodes:
  menu:
    kind: ask
    prompt: menu
    choices:
      - {dtmf: "1", next: human}
  human:
    kind: handoff
    prompt: human
"""


def test_complaint_phrases_load_with_their_prompt_role() -> None:
    flow = load_flow_text(HEADER % (", complaint: sorry", "complaint_phrases: [bực  mình, chờ lâu]"), "f.yaml",
                          CATALOG)
    assert flow.complaint_phrases == ("bực mình", "chờ lâu")


@pytest.mark.parametrize(("role", "phrases", "problem"), [
    ("", "complaint_phrases: [bực mình]", "complaint_phrases' needs the prompt role 'complaint'"),
    (", complaint: sorry", "complaint_phrases: bực mình", "'complaint_phrases' must be a list of words"),
])
def test_complaint_phrases_problems(role: str, phrases: str, problem: str) -> None:
    with pytest.raises(FlowError) as info:
        load_flow_text(textwrap.dedent(HEADER % (role, phrases)), "f.yaml", CATALOG)
    assert any(problem in p for p in info.value.problems)
