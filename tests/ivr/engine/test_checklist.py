"""Yes/no checklists (the warning signs asked one by one), a free answer not understood with confidence
leading to one (``unsure``), and a number said with its pair (blood pressure "90 trên 60", keys 90*60#)."""
from __future__ import annotations

import textwrap

import pytest

from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine.flow import load_flow_text
from ivr.engine.prompts import PromptCatalog
from ivr.engine.session import Session
from ivr.errors import FlowError

from .fakes import PhraseUnderstander, ThresholdTriage

CATALOG = PromptCatalog({
    "q": "Ông bà thấy thế nào?", "intro": "Hỏi nhanh vài câu", "s1": "Có khó thở không?", "s2": "Có đau ngực không?",
    "s3": "Gia đình có lo không?", "oops": "Chưa nghe rõ", "nomatch": "Chưa hiểu", "badnum": "Số chưa đúng",
    "human": "Chuyển máy", "bye": "Tạm biệt", "warn": "Gọi 115", "bp": "Đọc huyết áp",
    "bpc": "Huyết áp {value} trên {pair}", "unclear": "Chưa hiểu, gọi 115",
})
FLOW = """\
flow: t
start: q
defaults: {fallback: human, timeout_s: 5, max_failures: 2}
prompts: {no_input: oops, no_match: nomatch, invalid_number: badnum}
global: {emergency: sos}
on_risk: {emergency: sos, high: high}
on_unclear: unclear
nodes:
  q:
    kind: ask
    prompt: q
    capture: true
    unsure: signs
    choices:
      - {dtmf: "2", intent: "no", next: bye}
      - {dtmf: "8", next: bp}
    next: bye
  signs:
    kind: checklist
    prompt: intro
    items:
      - {prompt: s1, symptom: shortness_of_breath}
      - {prompt: s2, symptom: chest_pain, risk: high}
      - {prompt: s3, on_yes: worried}
    on_yes: generic
    fallback: unclear
    next: bye
  bp:
    kind: collect
    prompt: bp
    vital: pulse
    min: 50
    max: 260
    pair: breathing_rate
    pair_min: 20
    pair_max: 160
    confirm: bpc
    next: bye
  sos: {kind: escalate, risk: emergency, mode: live, prompt: warn, next: human}
  high: {kind: escalate, risk: high, mode: live, prompt: warn, next: human}
  generic: {kind: escalate, risk: high, mode: live, reason: a yes, prompt: warn, next: human}
  worried: {kind: escalate, risk: high, mode: live, reason: family worried, prompt: warn, next: human}
  unclear: {kind: escalate, risk: high, mode: live, reason: not understood, prompt: unclear, next: human}
  human: {kind: handoff, prompt: human}
  bye: {kind: hangup, prompt: bye}
"""


def session() -> Session:
    flow = load_flow_text(FLOW, "t.yaml", CATALOG)
    s = Session(flow, catalog=CATALOG, understander=PhraseUnderstander(), triage=ThresholdTriage())
    return s


class Call:
    """Drives a session: prompts finish at once, the clock moves on by a second per event."""

    def __init__(self) -> None:
        self.s = session()
        self.now = 0.0
        self.actions: list[A.Action] = []
        self.send(E.CallStarted(call_id="c", caller="0900000000"))

    def send(self, event: E.Event) -> list[A.Action]:
        self.now += 1.0
        out = self.s.handle(event, self.now)
        self.actions += out
        while self.s.phase == "playing":
            self.now += 1.0
            more = self.s.handle(E.PlaybackDone(), self.now)
            self.actions += more
            out += more
        return out

    def key(self, digits: str) -> None:
        for d in digits:
            self.send(E.Dtmf(digit=d))

    def say(self, text: str, confidence: float = 0.9) -> None:
        self.send(E.Speech(text=text, confidence=confidence))

    def silence(self) -> None:
        self.send(E.Silence())

    @property
    def prompts(self) -> list[str]:
        return [a.prompt_id for a in self.actions if isinstance(a, A.Play)]

    @property
    def escalations(self) -> list[tuple[str, str, str]]:
        return [(a.risk, a.mode, a.reason) for a in self.actions if isinstance(a, A.Escalate)]


def test_an_answer_not_understood_asks_the_checklist_instead_of_the_question_again() -> None:
    call = Call()
    call.say("ừ thì cũng thế")
    assert call.prompts == ["q", "intro", "s1"]
    assert call.s.node is not None and call.s.node.id == "signs"
    listen = [a for a in call.actions if isinstance(a, A.Listen)][-1]
    assert listen.expect == ("yes", "no", "repeat") and listen.max_digits == 1


@pytest.mark.parametrize("answer", [("say", "ừ thì"), ("say", "tôi bị sốt"), ("key", "5")])
def test_unsure_answers_words_low_confidence_and_keys(answer: tuple[str, str]) -> None:
    call = Call()
    kind, value = answer
    if kind == "key":
        call.key(value)  # a key the question does not offer
    elif value == "tôi bị sốt":
        call.say(value, confidence=0.5)  # a symptom heard, but the recognizer was unsure of the words
    else:
        call.say(value)
    assert call.prompts[-2:] == ["intro", "s1"]


def test_a_confident_symptom_answer_goes_on_and_silence_is_asked_again() -> None:
    call = Call()
    call.silence()
    assert call.prompts == ["q", "oops", "q"]  # silence is no answer: asked again, as before
    call.say("tôi bị sốt")
    assert call.s.done and call.prompts[-1] == "bye" and call.s.symptoms == {"fever"}


def test_every_no_goes_on_to_next() -> None:
    call = Call()
    call.key("5")
    call.key("2")
    call.say("không")
    call.key("2")
    assert call.prompts[-4:] == ["s1", "s2", "s3", "bye"]
    assert call.escalations == [] and call.s.outcome == "completed"


def test_a_yes_records_the_sign_and_escalates_at_the_triage_level() -> None:
    call = Call()
    call.key("5")
    call.say("có")
    assert "shortness_of_breath" in call.s.symptoms
    assert call.escalations and call.escalations[0][:2] == ("high", "live")
    assert call.s.outcome == "escalated" and isinstance(call.actions[-1], A.Transfer)


def test_a_yes_the_triage_does_not_know_escalates_at_the_item_risk() -> None:
    call = Call()
    call.key("52")
    call.key("1")  # chest pain: the test triage does not know it (low), the item says high
    assert "chest_pain" in call.s.symptoms
    assert [e[:2] for e in call.escalations] == [("high", "live")]
    assert [s.node for s in call.s.steps if s.event == "escalate"] == ["high"]


def test_a_yes_without_a_sign_goes_to_its_own_escalation() -> None:
    call = Call()
    call.key("5221")
    assert call.escalations == [("high", "live", "family worried")]


def test_a_warning_sign_said_at_a_checklist_question_escalates_at_once() -> None:
    call = Call()
    call.key("5")
    call.say("cấp cứu")
    assert [e[:2] for e in call.escalations] == [("emergency", "live")]


def test_unclear_answers_count_as_misses_then_a_doctor_hears_the_caller() -> None:
    call = Call()
    call.key("5")
    call.say("ờ thì")
    assert call.prompts[-2:] == ["nomatch", "s1"]  # the same question again, once
    call.say("để xem nào")
    assert call.escalations == [("high", "live", "not understood")]
    assert "unclear" in call.prompts and isinstance(call.actions[-1], A.Transfer)


def test_a_repeat_request_replays_the_current_question_and_counts() -> None:
    call = Call()
    call.key("52")
    call.say("nói lại")
    assert call.prompts[-2:] == ["s2", "s2"]
    call.say("nói lại")
    assert call.escalations == [("high", "live", "not understood")]


def test_silence_at_a_checklist_reaches_its_fallback() -> None:
    call = Call()
    call.key("5")
    call.silence()
    call.silence()
    assert call.escalations == [("high", "live", "not understood")]


def test_each_question_has_its_own_count_of_misses() -> None:
    call = Call()
    call.key("5")
    call.say("ờ thì")
    call.key("2")
    call.say("ờ thì")
    assert call.escalations == [] and call.prompts[-2:] == ["nomatch", "s2"]


# ------------------------------------------------------------------ a pair of numbers (blood pressure)
def test_a_pair_keyed_with_star_is_read_back_and_stored() -> None:
    call = Call()
    call.key("8")
    call.key("120*80#")
    assert call.prompts[-1] == "bpc"
    assert [a.text for a in call.actions if isinstance(a, A.Play)][-1] == "Huyết áp 120 trên 80"
    call.key("1")
    assert call.s.slots["pulse"] == 120 and call.s.slots["breathing_rate"] == 80
    assert call.s.vitals == {"pulse": 120.0, "breathing_rate": 80.0}


def test_a_pair_finishes_when_its_second_number_has_max_digits() -> None:
    call = Call()
    call.key("8")
    call.key("120*100")
    assert call.prompts[-1] == "bpc"


@pytest.mark.parametrize("digits", ["120#", "120*10#", "40*30#", "*"])
def test_a_pair_missing_or_out_of_range_is_asked_again(digits: str) -> None:
    call = Call()
    call.key("8")
    call.key(digits)
    assert call.prompts[-1] == "bp"
    assert call.s.vitals == {}


def test_a_rejected_pair_is_forgotten() -> None:
    call = Call()
    call.key("8")
    call.key("95*65#")
    call.key("2")
    assert call.s._pending is None and call.s._pending_pair is None and call.s.vitals == {}


# ------------------------------------------------------------------ validation
HEADER = """\
flow: t
start: q
defaults: {fallback: human}
prompts: {no_input: oops, no_match: oops, invalid_number: oops}
nodes:
  human: {kind: handoff, prompt: human}
  bye: {kind: hangup, prompt: bye}
"""


def problems(nodes: str) -> list[str]:
    with pytest.raises(FlowError) as info:
        load_flow_text(HEADER + textwrap.indent(textwrap.dedent(nodes), "  "), "f.yaml", CATALOG)
    return list(info.value.problems)


def test_a_checklist_needs_items_an_escalation_for_yes_and_a_next() -> None:
    assert problems("""\
        q: {kind: checklist, items: [], fallback: human}
    """) == [
        "f.yaml: node 'q': missing 'next'",
        "f.yaml: node 'q': missing 'on_yes' (the escalation a yes leads to)",
        "f.yaml: node 'q': 'items' must be a non-empty list of yes/no questions",
        "f.yaml: node 'bye': unreachable from start node 'q'",
    ]


def test_checklist_items_are_checked() -> None:
    assert problems("""\
        q:
          kind: checklist
          items:
            - {prompt: s1, symptom: dizzy, colour: red}
            - {prompt: nope, risk: dire}
            - {symptom: cough}
            - {prompt: s2, on_yes: bye}
          on_yes: human
          next: bye
    """) == [
        "f.yaml: node 'q': item 1: unknown field 'colour'",
        "f.yaml: node 'q': item 1: unknown symptom or sign 'dizzy' (expected one of fever, cough, sore_throat, "
        "runny_nose, shortness_of_breath, chest_pain, loss_of_taste_smell, fatigue, headache, muscle_ache, diarrhea, "
        "vomiting, altered_consciousness, cyanosis, low_spo2, coughing_blood, severe_breathlessness, cannot_eat_drink, "
        "exhaustion, prolonged_fever, low_blood_pressure)",
        "f.yaml: node 'q': item 2: unknown prompt id 'nope'",
        "f.yaml: node 'q': item 2: unknown risk level 'dire'",
        "f.yaml: node 'q': item 3 needs 'prompt' (the yes/no question)",
        "f.yaml: node 'q': on_yes 'human' must be an 'escalate' node (a yes to a warning sign escalates), "
        "got kind 'handoff'",
        "f.yaml: node 'q': item 4: on_yes 'bye' must be an 'escalate' node (a yes to a warning sign escalates), "
        "got kind 'hangup'",
    ]


def test_a_checklist_failing_toward_a_hang_up_is_refused() -> None:
    assert problems("""\
        q:
          kind: checklist
          items: [{prompt: s1}]
          on_yes: esc
          fallback: bye
          next: bye
        esc: {kind: escalate, risk: high, prompt: warn, next: human}
    """) == ["f.yaml: node 'q': fallback 'bye' hangs up: a failing caller must reach a human"]


def test_unsure_needs_a_capture_question_leading_to_a_question() -> None:
    assert problems("""\
        q: {kind: ask, prompt: q, choices: [{dtmf: "1", next: bye}], unsure: bye, unsure_below: 2}
    """) == [
        "f.yaml: node 'q': 'unsure' needs 'capture: true' (it is where a free answer not understood with confidence "
        "goes)",
        "f.yaml: node 'q': 'unsure_below' must be a confidence from 0 to 1, got 2",
        "f.yaml: node 'q': unsure 'bye' must be a question (a 'checklist' or an 'ask'), got kind 'hangup'",
    ]


def test_unsure_leading_away_from_a_human_is_refused() -> None:
    """The validator follows an unsure answer too: a checklist whose failures hang up is no safety net."""
    assert problems("""\
        q: {kind: ask, prompt: q, capture: true, unsure: c, choices: [{dtmf: "1", next: bye}], next: bye}
        c: {kind: checklist, items: [{prompt: s1}], on_yes: esc, fallback: loop, next: bye}
        loop: {kind: ask, prompt: q, choices: [{dtmf: "1", next: bye}], fallback: c}
        esc: {kind: escalate, risk: high, prompt: warn, next: human}
    """) == [
        "f.yaml: node 'c': fallback 'loop' never reaches a human: loop -> c -> loop loops (a failing caller must "
        "reach an escalate or handoff node, or a question whose fallback does)",
        "f.yaml: node 'loop': fallback 'c' never reaches a human: c -> loop -> c loops (a failing caller must "
        "reach an escalate or handoff node, or a question whose fallback does)",
    ]


def test_a_pair_must_be_another_vital_with_a_range() -> None:
    assert problems("""\
        q: {kind: collect, prompt: bp, vital: pulse, pair: pulse, pair_min: 100, pair_max: 10, next: bye}
    """) == [
        "f.yaml: node 'q': 'pair' must be another vital (one of spo2, temperature, breathing_rate, pulse, "
        "systolic_bp, diastolic_bp), got 'pulse'",
        "f.yaml: node 'q': 'pair_min' 100 must be below 'pair_max' 10",
    ]
