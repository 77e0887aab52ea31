"""The sans-I/O engine: every node kind, reprompt counts, fallback, barge-in, timers."""
from __future__ import annotations

import pytest

from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine.flow import load_flow_text
from ivr.engine.prompts import PromptCatalog
from ivr.engine.session import Session

from .fakes import PhraseUnderstander, ThresholdTriage

CATALOG = PromptCatalog({
    "q": "Câu hỏi", "oops": "Chưa nghe rõ", "nomatch": "Chưa hiểu", "badnum": "Số chưa đúng",
    "human": "Chuyển máy", "bye": "Tạm biệt", "info": "Thông tin", "num": "Đọc SpO2",
    "confirm": "SpO2 {value} phần trăm, đúng không", "warn": "Gọi 115", "rec": "Để lại lời nhắn",
    "temp": "Nhiệt độ", "tconfirm": "Nhiệt độ {value} độ",
})
FLOW = """\
flow: t
start: q
defaults: {fallback: human, timeout_s: 5, max_failures: 3}
prompts: {no_input: oops, no_match: nomatch, invalid_number: badnum}
global: {emergency: sos}
on_risk: {emergency: sos}
nodes:
  q:
    kind: ask
    prompt: q
    choices:
      - {dtmf: "1", intent: "yes", next: info}
      - {dtmf: "2", intent: "no", next: bye}
      - {dtmf: "3", next: spo2}
      - {dtmf: "4", next: calm}
      - {dtmf: "5", next: temp}
      - {dtmf: "6", next: keys}
      - {dtmf: "7", next: symptoms}
      - {dtmf: "8", next: rec}
      - {phrases: ["thông tin"], next: info}
  keys:
    kind: menu
    prompt: q
    barge_in: false
    choices:
      - {dtmf: "1", next: bye}
  calm:
    kind: say
    prompt: info
    barge_in: false
    next: bye
  info:
    kind: say
    prompt: info
    next: route
  route:
    kind: branch
    cases:
      - {when: {slot: spo2, op: "<=", value: 96}, next: sos}
      - {when: {patient_status: transferred}, next: human}
    else: bye
  symptoms:
    kind: ask
    prompt: q
    capture: true
    choices: [{dtmf: "1", next: bye}]
    next: route
  spo2:
    kind: collect
    prompt: num
    vital: spo2
    min: 50
    max: 100
    confirm: confirm
    next: route
  temp:
    kind: collect
    prompt: temp
    vital: temperature
    min: 34
    max: 43
    scale_down: true
    next: bye
  rec:
    kind: record
    prompt: rec
    max_s: 30
    next: bye
  sos:
    kind: escalate
    risk: emergency
    mode: live
    reason: cấp cứu
    prompt: warn
    next: human
  human:
    kind: handoff
    prompt: human
  bye:
    kind: hangup
    prompt: bye
"""


def make(status: str = "home") -> tuple[Session, list[A.Action]]:
    flow = load_flow_text(FLOW, "t.yaml", CATALOG)
    s = Session(flow, catalog=CATALOG, understander=PhraseUnderstander(), triage=ThresholdTriage())
    return s, s.handle(E.CallStarted(call_id="c1", caller="0901", patient_status=status), 0.0)


def played(actions: list[A.Action]) -> list[str]:
    return [a.prompt_id for a in actions if isinstance(a, A.Play)]


def listen_then(s: Session, now: float = 1.0) -> None:
    assert s.handle(E.PlaybackDone(), now) == []
    assert s.phase in ("listening", "confirming")


def test_start_plays_the_question_and_listens_after_playback() -> None:
    s, out = make()
    assert played(out) == ["q"]
    assert isinstance(out[-1], A.Listen) and out[-1].expect == ("yes", "no", "repeat")
    assert out[-1].grammar == ("thông tin",)
    assert s.deadline is None  # the timer starts when the prompt has been heard
    listen_then(s, 2.0)
    assert s.deadline == 7.0


def test_dtmf_choice_say_branch_hangup() -> None:
    s, _ = make()
    listen_then(s)
    out = s.handle(E.Dtmf(digit="1"), 2.0)
    assert played(out) == ["info"]
    out = s.handle(E.PlaybackDone(), 3.0)  # say -> branch (else) -> hangup prompt
    assert played(out) == ["bye"]
    out = s.handle(E.PlaybackDone(), 4.0)
    assert out == [A.Hangup(outcome="completed")]
    assert s.done and s.outcome == "completed"
    assert s.handle(E.Dtmf(digit="1"), 5.0) == []


def test_speech_intent_and_phrase_choices() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Speech(text="không"), 2.0)) == ["bye"]
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Speech(text="cho tôi thông tin"), 2.0)) == ["info"]


def test_no_input_reprompts_twice_then_falls_back_to_a_human() -> None:
    s, _ = make()
    listen_then(s, 1.0)
    assert s.handle(E.TimerFired(), 5.9) == []  # before the deadline nothing happens
    out = s.handle(E.TimerFired(), 6.0)
    assert played(out) == ["oops", "q"]
    listen_then(s, 7.0)
    assert played(s.handle(E.Silence(), 8.0)) == ["oops", "q"]
    listen_then(s, 9.0)
    out = s.handle(E.TimerFired(), 20.0)
    assert played(out) == ["human"]
    assert s.handle(E.PlaybackDone(), 21.0) == [A.Transfer(target="doctor")]
    assert s.outcome == "handed_off"
    assert [st.event for st in s.steps].count("no_input") == 3


def test_no_match_uses_its_own_prompt_and_counts_with_no_input() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="9"), 2.0)) == ["nomatch", "q"]
    listen_then(s)
    assert played(s.handle(E.Speech(text="ờ ờ"), 3.0)) == ["nomatch", "q"]
    listen_then(s)
    assert played(s.handle(E.TimerFired(), 60.0)) == ["human"]


def test_low_confidence_speech_is_not_trusted() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Speech(text="có", confidence=0.2), 2.0)) == ["nomatch", "q"]


def test_repeat_by_star_or_speech_within_the_limit_does_not_end_the_question() -> None:
    s, _ = make()
    listen_then(s)
    for i in range(5):
        assert played(s.handle(E.Dtmf(digit="*"), 2.0 + i)) == ["q"]
        listen_then(s)
    assert played(s.handle(E.Speech(text="nói lại"), 9.0)) == ["q"]
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="2"), 10.0)) == ["bye"]


def test_spoken_repeat_requests_count_as_failures_and_reach_a_human() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Speech(text="nói lại"), 2.0)) == ["q"]  # a plain replay, no "not understood" lead
    listen_then(s)
    assert played(s.handle(E.Speech(text="ờ ờ"), 3.0)) == ["nomatch", "q"]
    listen_then(s)
    assert played(s.handle(E.Speech(text="nói lại"), 4.0)) == ["human"]  # third miss: a person
    assert [st.event for st in s.steps].count("repeat") == 2


def test_repeat_key_is_bounded_too() -> None:
    s, _ = make()
    listen_then(s)
    for i in range(5):
        assert played(s.handle(E.Dtmf(digit="*"), 2.0 + i)) == ["q"]
        listen_then(s)
    assert played(s.handle(E.Dtmf(digit="*"), 8.0)) == ["human"]


def test_repeat_while_confirming_counts_as_a_failure() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="3"), 2.0)
    listen_then(s)
    assert played(s.handle(E.Speech(text="chín mươi tám"), 3.0)) == ["confirm"]
    for now in (4.0, 5.0):
        listen_then(s)
        assert played(s.handle(E.Speech(text="nói lại"), now)) == ["confirm"]
    listen_then(s)
    assert played(s.handle(E.Speech(text="nói lại"), 6.0)) == ["human"]


def make_unclear() -> tuple[Session, list[A.Action]]:
    flow = load_flow_text(FLOW.replace("on_risk: {emergency: sos}\n", "on_risk: {emergency: sos}\non_unclear: sos\n"),
                          "t.yaml", CATALOG)
    s = Session(flow, catalog=CATALOG, understander=PhraseUnderstander(), triage=ThresholdTriage())
    return s, s.handle(E.CallStarted(call_id="c1", caller="0901"), 0.0)


def test_words_not_understood_fail_toward_the_on_unclear_escalation() -> None:
    s, _ = make_unclear()
    listen_then(s)
    s.handle(E.Speech(text="ờ ờ"), 2.0)
    listen_then(s)
    s.handle(E.Silence(), 3.0)
    listen_then(s)
    out = s.handle(E.Silence(), 4.0)
    assert isinstance(out[0], A.Escalate) and out[0].mode == "live" and played(out) == ["warn"]


def test_a_number_question_answered_with_words_fails_toward_on_unclear() -> None:
    s, _ = make_unclear()
    listen_then(s)
    s.handle(E.Dtmf(digit="3"), 2.0)
    for now in (3.0, 4.0):
        listen_then(s)
        assert played(s.handle(E.Speech(text="ờ thì cũng vậy"), now)) == ["badnum", "num"]
    listen_then(s)
    out = s.handle(E.Speech(text="ờ thì cũng vậy"), 5.0)
    assert isinstance(out[0], A.Escalate) and out[0].risk == "emergency"


def test_unclear_words_then_repeat_requests_also_lead_to_on_unclear() -> None:
    for texts in (["ờ ờ", "nói lại", "nói lại"], ["nói lại", "nói lại", "ờ ờ"]):
        s, _ = make_unclear()
        for i, text in enumerate(texts):
            listen_then(s, 1.5 + i)
            out = s.handle(E.Speech(text=text), 2.0 + i)
        assert isinstance(out[0], A.Escalate), texts


def test_undecoded_speech_is_not_counted_as_unclear_words() -> None:
    s, _ = make_unclear()
    for now in (2.0, 3.0, 4.0):
        listen_then(s, now - 0.5)
        out = s.handle(E.Speech(text="[quá tải]", confidence=0.0), now)
    assert played(out) == ["human"] and not s.escalated
    s, _ = make_unclear()
    for now in (2.0, 3.0, 4.0):
        listen_then(s, now - 0.5)
        out = s.handle(E.Speech(text="ờ ờ", confidence=0.3), now)
    assert isinstance(out[0], A.Escalate)


def test_undecoded_speech_is_never_understood() -> None:
    """Confidence 0 is the runner's "could not decode" (overloaded decoders): its text is the runner's own,
    so whatever it says is not read as the caller's words; the caller is offered the keys again."""
    s, _ = make()
    listen_then(s)
    out = s.handle(E.Speech(text="khó thở", confidence=0.0), 2.0)
    assert not s.escalated and not any(isinstance(a, A.Escalate) for a in out) and not s.symptoms
    i = max(k for k, st in enumerate(s.steps) if st.event == "speech")
    assert s.steps[i].transcript == "khó thở" and s.steps[i + 1].event == "no_match"
    listen_then(s, 3.0)
    out = s.handle(E.Speech(text="khó thở", confidence=0.9), 4.0)  # the same words decoded: a warning sign
    assert "shortness_of_breath" in s.symptoms


def test_silence_and_keys_only_still_fall_back_to_the_routine_handoff() -> None:
    s, _ = make_unclear()
    listen_then(s)
    s.handle(E.Dtmf(digit="9"), 2.0)
    listen_then(s)
    s.handle(E.Silence(), 3.0)
    listen_then(s)
    assert played(s.handle(E.Silence(), 4.0)) == ["human"]
    assert not s.escalated


def test_a_miss_or_a_repeat_replays_the_shorter_reprompt() -> None:
    flow = load_flow_text(FLOW.replace("  q:\n    kind: ask\n    prompt: q\n",
                                       "  q:\n    kind: ask\n    prompt: q\n    reprompt: info\n"), "t.yaml", CATALOG)
    s = Session(flow, catalog=CATALOG, understander=PhraseUnderstander(), triage=ThresholdTriage())
    assert played(s.handle(E.CallStarted(call_id="c1"), 0.0)) == ["q"]
    listen_then(s)
    assert played(s.handle(E.Silence(), 2.0)) == ["oops", "info"]
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="*"), 3.0)) == ["info"]
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="1"), 4.0)) == ["info"]  # the answer still works


def test_barge_in_stops_the_prompt() -> None:
    s, _ = make()
    out = s.handle(E.Dtmf(digit="2"), 0.5)  # pressed while the question is still playing
    assert out[0] == A.StopPlayback()
    assert played(out) == ["bye"]


def test_no_barge_in_node_ignores_keys_while_playing() -> None:
    s, _ = make()
    listen_then(s)
    out = s.handle(E.Dtmf(digit="6"), 2.0)
    assert [a.barge_in for a in out if isinstance(a, A.Play)] == [False]
    assert s.handle(E.Dtmf(digit="1"), 2.1) == []  # ignored: the prompt must be heard
    listen_then(s, 3.0)
    assert played(s.handle(E.Dtmf(digit="1"), 3.5)) == ["bye"]


def test_statement_prompt_can_only_be_interrupted_by_an_emergency() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="1"), 2.0)  # info (say, barge-in allowed)
    assert s.handle(E.Dtmf(digit="5"), 2.5) == []
    out = s.handle(E.Speech(text="cấp cứu"), 2.6)
    assert out[0] == A.StopPlayback()
    assert isinstance(out[1], A.Escalate) and out[1].risk == "emergency" and out[1].mode == "live"


def test_a_prompt_that_cannot_be_interrupted_still_hears_a_warning_sign() -> None:
    for key in ("4", "6"):  # a statement and a key-only menu, both without barge-in
        s, _ = make()
        listen_then(s)
        s.handle(E.Dtmf(digit=key), 2.0)
        assert s.handle(E.Dtmf(digit="1"), 2.5) == []
        assert s.handle(E.Speech(text="có"), 2.6) == []
        out = s.handle(E.Speech(text="cấp cứu"), 2.7)
        assert out[0] == A.StopPlayback()
        assert isinstance(out[1], A.Escalate) and out[1].risk == "emergency" and out[1].mode == "live"


def test_collect_by_keys_with_confirmation_and_risk_jump() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="3"), 2.0)) == ["num"]
    listen_then(s)
    assert s.handle(E.Dtmf(digit="9"), 3.0) == []
    assert s.deadline == 6.0  # inter-digit timeout
    out = s.handle(E.Dtmf(digit="#"), 3.2)
    assert played(out) == ["badnum", "num"]  # 9 is out of range
    listen_then(s)
    s.handle(E.Dtmf(digit="9"), 4.0)
    s.handle(E.Dtmf(digit="2"), 4.1)
    out = s.handle(E.Dtmf(digit="#"), 4.2)
    assert [a.text for a in out if isinstance(a, A.Play)] == ["SpO2 92 phần trăm, đúng không"]
    listen_then(s)
    out = s.handle(E.Dtmf(digit="1"), 5.0)
    assert s.slots["spo2"] == 92 and s.vitals == {"spo2": 92.0}
    assert s.assessment is not None and s.assessment.risk == "emergency"
    assert isinstance(out[0], A.Escalate) and out[0].risk == "emergency"
    assert out[0].reasons == ("test: emergency",)


def test_collect_by_speech_rejected_confirmation_reasks() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="3"), 2.0)
    listen_then(s)
    out = s.handle(E.Speech(text="chín mươi tám"), 3.0)
    assert played(out) == ["confirm"]
    listen_then(s)
    assert played(s.handle(E.Speech(text="không"), 4.0)) == ["num"]
    listen_then(s)
    s.handle(E.Speech(text="chín mươi tám"), 5.0)
    listen_then(s)
    out = s.handle(E.Speech(text="có"), 6.0)
    assert s.slots["spo2"] == 98
    assert played(out) == ["bye"]


def test_collect_digits_end_by_timeout_and_scale_down() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="5"), 2.0)
    listen_then(s)
    for i, d in enumerate("38"):
        s.handle(E.Dtmf(digit=d), 3.0 + i / 10)
    s.handle(E.Dtmf(digit="5"), 3.3)  # max_digits=3 ends entry: 385 -> 38.5
    assert s.slots["temperature"] == 38.5
    s2, _ = make()
    listen_then(s2)
    s2.handle(E.Dtmf(digit="5"), 2.0)
    listen_then(s2)
    s2.handle(E.Dtmf(digit="3"), 3.0)
    s2.handle(E.Dtmf(digit="9"), 3.1)
    s2.handle(E.TimerFired(), 6.1)
    assert s2.slots["temperature"] == 39


def test_capture_accumulates_symptoms_and_on_risk_jumps() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="7"), 2.0)
    listen_then(s)
    out = s.handle(E.Speech(text="tôi bị sốt"), 3.0)
    assert s.symptoms == {"fever"} and s.assessment is not None and s.assessment.risk == "low"
    assert played(out) == ["bye"]  # captured, then branch else -> bye


def test_global_emergency_intent_from_any_question() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="3"), 2.0)
    listen_then(s)
    out = s.handle(E.Speech(text="cấp cứu"), 3.0)
    assert isinstance(out[0], A.Escalate)
    assert played(out) == ["warn"]
    s.handle(E.PlaybackDone(), 4.0)
    out = s.handle(E.PlaybackDone(), 5.0)
    assert out == [A.Transfer(target="doctor")]
    assert s.outcome == "escalated"


def test_branch_on_patient_status() -> None:
    s, _ = make(status="transferred")
    listen_then(s)
    s.handle(E.Dtmf(digit="1"), 2.0)
    assert played(s.handle(E.PlaybackDone(), 3.0)) == ["human"]


def test_record_node() -> None:
    s, _ = make()
    listen_then(s)
    assert played(s.handle(E.Dtmf(digit="8"), 2.0)) == ["rec"]
    assert s.handle(E.PlaybackDone(), 3.0) == [A.Record(max_s=30.0)]
    out = s.handle(E.RecordingDone(path="/tmp/m.wav", duration_s=4.0), 7.0)
    assert s.slots["recording"] == "/tmp/m.wav"
    assert played(out) == ["bye"]


def test_a_warning_sign_said_while_recording_escalates() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="8"), 2.0)
    s.handle(E.PlaybackDone(), 3.0)
    assert s.handle(E.Speech(text="tôi bị sốt"), 5.0) == []  # an ordinary message goes on recording
    assert s.phase == "recording"
    out = s.handle(E.Speech(text="cấp cứu"), 6.0)
    assert isinstance(out[0], A.Escalate) and out[0].risk == "emergency"
    assert s.symptoms == {"fever"}


def test_record_without_result_moves_on_after_its_deadline() -> None:
    s, _ = make()
    listen_then(s)
    s.handle(E.Dtmf(digit="8"), 2.0)
    s.handle(E.PlaybackDone(), 3.0)
    assert s.handle(E.TimerFired(), 10.0) == []
    assert played(s.handle(E.TimerFired(), 38.0)) == ["bye"]


def test_caller_hangup_mid_prompt() -> None:
    s, _ = make()
    assert s.handle(E.Hangup(), 0.3) == []
    assert s.done and s.outcome == "hung_up"


def test_events_validate() -> None:
    with pytest.raises(ValueError, match="Dtmf digit must be one of"):
        E.Dtmf(digit="12")
    with pytest.raises(ValueError, match="Speech confidence must be within 0..1"):
        E.Speech(text="x", confidence=2.0)
    with pytest.raises(ValueError, match="Escalate mode must be"):
        A.Escalate(risk="high", reason="x", mode="maybe")

