"""Whole calls through the default flow (callflows/covid_f0.yaml) with the real engine, understanding and
triage: the structural safety nets of the flow, and where every branch of it ends."""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ivr import ROOT
from ivr.engine.flow import Flow, load_flow
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.engine.simulator import Input, SimulationResult, simulate


@cache
def _setup() -> tuple[Flow, PromptCatalog, Any, Any]:
    from ivr.cli import plugins
    from ivr.nlu.understander import default_understander

    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    return flow, catalog, default_understander(), plugins.triage(ROOT / "escalation" / "rules")


def call(*inputs: Input, **kw: Any) -> SimulationResult:
    from ivr.nlu.topics import default_finder

    flow, catalog, understander, triage = _setup()
    kw.setdefault("answers", default_finder())  # the knowledge base (callflows/knowledge), as a worker has it
    return simulate(flow, list(inputs), catalog=catalog, understander=understander, triage=triage, **kw)


def say(text: str) -> Input:
    return ("say", text)


def keys(digits: str) -> Input:
    return ("dtmf", digits)


def exchanges(result: SimulationResult) -> int:
    """How many times the caller answered (spoke, pressed keys or stayed silent)."""
    return sum(1 for s in result.steps if s.get("event") in ("speech", "dtmf", "no_input"))


def turns_to_human(result: SimulationResult) -> int | None:
    """How many caller turns came before the first escalation or hand-off (None: never)."""
    turns = 0
    for step in result.steps:
        if step.get("event") in ("speech", "dtmf", "no_input"):
            turns += 1
        elif step.get("event") in ("escalate", "handoff"):
            return turns
    return None


# ------------------------------------------------------------------ a confused caller reaches a person
@pytest.mark.parametrize("confused", [
    ["ơ gì cơ", "gì cơ", "ơ gì cơ", "gì cơ", "gì cơ"],
    ["tôi không nghe rõ", "nói gì thế", "không hiểu", "tôi không nghe rõ"],
    ["hả", "ờ ờ", "hả", "hả"],
])
def test_a_confused_caller_reaches_a_person_within_three_exchanges(confused: list[str]) -> None:
    result = call(*[say(t) for t in confused])
    assert result.outcome in ("handed_off", "escalated")
    assert result.steps[-1]["event"] == "handoff"
    assert exchanges(result) <= 3
    assert [s["prompt_id"] for s in result.steps].count("greeting") <= 3


def test_a_confused_caller_deep_in_the_check_in_reaches_a_person() -> None:
    result = call(keys("3"), keys("2"), keys("1"), say("gì cơ"), say("tôi không nghe rõ"), say("gì cơ"),
                  say("gì cơ"))
    assert result.steps[-1]["event"] == "handoff"
    assert [s["node"] for s in result.steps if s.get("event") == "speech"] == ["spo2"] * 3


# ------------------------------------------------------------------ a warning sign at any question escalates
#: no oximeter, no thermometer, cannot count breaths, no blood pressure monitor
NO_VITALS = (keys("2"), keys("2"), keys("2"), keys("2"))
#: no to each of the six warning-sign questions
NO_SIGNS = (keys("2"),) * 6
CHECKIN_KEYS = (keys("3"), keys("2"))  # daily check-in, nothing to report at first


@pytest.mark.parametrize(("before", "utterance", "risk"), [
    # at a number question (collect): not an invalid number
    ((*CHECKIN_KEYS, keys("1")), "cháu thấy môi bà tím tái cả rồi", "emergency"),
    # at the read-back of a number (confirm)
    ((*CHECKIN_KEYS, keys("1"), say("chín mươi sáu")), "không đúng, mà bà tôi thở không nổi nữa", "emergency"),
    ((*CHECKIN_KEYS, keys("2"), keys("1"), keys("39")), "ông nhà tôi lơ mơ gọi không tỉnh", "emergency"),
    # at a yes/no question (ask)
    ((*CHECKIN_KEYS, keys("2")), "có nhưng mà tức ngực lắm", "high"),
    # at the FAQ menu and at "anything else?"
    ((keys("5"),), "bố tôi thở không nổi", "emergency"),
    ((keys("5"), keys("2")), "mẹ tôi tức ngực lắm", "high"),
])
def test_a_warning_sign_at_any_question_escalates(before: tuple[Input, ...], utterance: str, risk: str) -> None:
    result = call(*before, say(utterance))
    assert result.outcome == "escalated"
    escalations = result.as_json()["escalations"]
    assert escalations[-1]["risk"] == risk and escalations[-1]["mode"] == "live"
    assert result.steps[-1]["event"] == "handoff"
    assert not any(s["prompt_id"] == "invalid_number" for s in result.steps)


@pytest.mark.parametrize(("later", "risk"), [
    ("mẹ tôi tức ngực lắm", "high"),  # a warning sign, not a request for help: on_risk must fire
    ("bà tôi thở không nổi nữa rồi", "emergency"),
])
def test_a_warning_sign_after_a_callback_case_still_reaches_a_doctor_live(later: str, risk: str) -> None:
    result = call(keys("2"), say("sốt cao ba ngày không hạ, ho nhiều"), *NO_VITALS, say(later))
    escalations = result.as_json()["escalations"]
    assert [(e["risk"], e["mode"]) for e in escalations] == [("medium", "callback"), (risk, "live")]
    assert result.outcome == "escalated" and result.steps[-1]["event"] == "handoff"


# ------------------------------------------------------------------ worrying but unparsed: escalation with 115 advice
@pytest.mark.parametrize("inputs", [
    (say("ối giời ơi khổ quá"), say("thôi chết rồi"), say("ôi trời ơi")),
    (say("ông cứ khật khừ từ sáng"), ("silence", None), ("silence", None)),
    (keys("3"), keys("2"), keys("1"), say("ối giời ơi khổ quá"), say("thôi chết rồi"), say("ôi trời ơi")),
])
def test_words_not_understood_escalate_with_115_advice(inputs: tuple[Input, ...]) -> None:
    result = call(*inputs)
    assert result.outcome == "escalated"
    assert [(e["risk"], e["mode"]) for e in result.as_json()["escalations"]] == [("high", "live")]
    assert "escalated_unclear" in [s["prompt_id"] for s in result.steps]
    assert result.steps[-1]["event"] == "handoff"


@pytest.mark.parametrize("inputs", [
    (say("trời ơi sợ quá"),),  # at the greeting
    (keys("3"), keys("2"), keys("1"), say("ôi giời ơi khổ quá")),  # at the symptom question
    (keys("3"), say("bình thường"), keys("1"), say("trời ơi sợ quá")),  # at the SpO2 question
])
def test_distress_not_understood_goes_to_a_doctor_at_once_with_115_advice(inputs: tuple[Input, ...]) -> None:
    """Words that sound distressed (understanding's concern flag) but name nothing: no second try, no
    checklist first: a live doctor and the 115 advice, at the first such answer."""
    result = call(*inputs)
    assert [(e["risk"], e["mode"]) for e in result.as_json()["escalations"]] == [("high", "live")]
    prompts = [s["prompt_id"] for s in result.steps]
    assert "escalated_unclear" in prompts and prompts.count("no_match") == 0
    assert result.outcome == "escalated" and result.steps[-1]["event"] == "handoff"


def test_a_relative_describing_someone_who_cannot_be_roused_escalates_at_once() -> None:
    """Once understanding knows these words, the first utterance escalates (no need for the unclear net)."""
    result = call(say("bà tôi nằm im không nhúc nhích"), say("lay mãi không thấy phản ứng"))
    escalations = result.as_json()["escalations"]
    assert escalations and escalations[0]["risk"] == "emergency" and escalations[0]["mode"] == "live"
    assert result.outcome == "escalated"


# ------------------------------------------------------------------ every branch of the default flow
BRANCHES: list[tuple[str, tuple[Input, ...], str, list[tuple[str, str]], str]] = [
    # (name, inputs, outcome, escalations (risk, mode), last node)
    ("emergency key", (keys("1"),), "escalated", [("emergency", "live")], "handoff_doctor"),
    ("doctor key", (keys("0"),), "escalated", [("low", "live")], "handoff_doctor"),
    ("silent line", (("silence", None),) * 3, "handed_off", [], "handoff_doctor"),
    ("unknown keys, then silence", (keys("7"), ("silence", None), ("silence", None)), "handed_off", [],
     "handoff_doctor"),
    ("words not understood", (say("ừ thì"), say("cũng không biết nữa"), say("ừ thì")), "escalated",
     [("high", "live")], "handoff_doctor"),
    ("symptoms: warning sign key", (keys("2"), keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    ("check-in: warning sign key", (keys("3"), keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    ("symptoms: none, no vitals", (keys("2"), keys("2"), *NO_VITALS, keys("9")), "completed", [], "goodbye"),
    ("symptoms: mild, low risk", (keys("2"), say("con bị ho khan"), *NO_VITALS, keys("9")), "completed", [],
     "goodbye"),
    ("symptoms: medium, callback and message",
     (keys("2"), say("sốt cao ba ngày không hạ, ho nhiều"), *NO_VITALS, keys("9")),
     "escalated", [("medium", "callback")], "goodbye"),
    ("check-in: SpO2 emergency", (keys("3"), keys("2"), keys("1"), keys("91#"), keys("1")), "escalated",
     [("emergency", "live")], "handoff_doctor"),
    ("check-in: SpO2 high", (keys("3"), keys("2"), keys("1"), keys("95#"), keys("1")), "escalated",
     [("high", "live")], "handoff_doctor"),
    ("check-in: fever by keys, breaths high",
     (keys("3"), keys("2"), keys("1"), keys("97#"), keys("1"), keys("2"), keys("1"), keys("385"), keys("1"),
      keys("1"), keys("26"), keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    ("check-in: all normal", (keys("3"), keys("2"), keys("1"), keys("98#"), keys("1"), keys("1"), keys("78#"),
                              keys("1"), keys("1"), keys("366"), keys("1"), keys("1"), keys("16"), keys("1"),
                              keys("1"), keys("125*82#"), keys("1"), keys("9")), "completed", [], "goodbye"),
    ("positive test, no symptoms", (keys("4"), keys("2"), *NO_VITALS, keys("9")), "escalated",
     [("low", "callback")], "goodbye"),
    ("positive test, mild symptoms", (keys("4"), say("hơi đau họng"), *NO_VITALS, keys("9")), "escalated",
     [("low", "callback")], "goodbye"),
    ("positive test, warning sign", (keys("4"), keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    # an answer not understood with confidence: the decision-261 warning signs as yes/no questions
    ("symptoms: not understood, every warning sign no",
     (keys("2"), say("ờ thì cũng thế thôi"), *NO_SIGNS, *NO_VITALS, keys("9")), "completed", [], "goodbye"),
    ("check-in: not understood, yes to blue lips", (keys("3"), say("ờ thì cũng thế thôi"), keys("2"), keys("1")),
     "escalated", [("emergency", "live")], "handoff_doctor"),
    ("symptoms: a key not offered, yes to chest pain",
     (keys("2"), keys("5"), keys("2"), keys("2"), keys("2"), keys("1")), "escalated", [("high", "live")],
     "handoff_doctor"),
    ("check-in: a bare yes, then yes by voice to not drinking",
     (keys("3"), say("có"), say("không"), say("không ạ"), say("dạ không"), say("không có"), say("có")),
     "escalated", [("high", "live")], "handoff_doctor"),
    ("check-in: not understood, the family is worried", (keys("3"), say("ờ thì cũng thế thôi"), *NO_SIGNS[:5],
                                                         keys("1")), "escalated", [("high", "live")],
     "handoff_doctor"),
    ("warning signs: answers not understood",
     (keys("3"), say("ờ thì cũng thế thôi"), say("ừm để xem"), say("ai mà biết"), say("để tôi nghĩ đã")),
     "escalated", [("high", "live")], "handoff_doctor"),
    ("warning signs: a confused caller", (keys("3"), say("ừm để xem"), say("hả"), say("gì cơ"), say("hả")),
     "escalated", [("high", "live")], "handoff_doctor"),
    ("warning signs: silence", (keys("3"), say("ờ thì cũng thế thôi"), ("silence", None), ("silence", None),
                                ("silence", None)), "escalated", [("high", "live")], "handoff_doctor"),
    # pulse (the oximeter shows it) and blood pressure: decision 261 sign 4 and 5
    ("check-in: fast pulse said", (keys("3"), keys("2"), keys("1"), keys("97#"), keys("1"), keys("1"),
                                   say("mạch một trăm ba mươi"), keys("1")), "escalated", [("high", "live")],
     "handoff_doctor"),
    ("check-in: slow pulse keyed", (keys("3"), keys("2"), keys("1"), keys("98#"), keys("1"), keys("1"), keys("45#"),
                                    keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    # asked whether they have an oximeter, the caller reads it out at once: a yes, and the value read back
    ("check-in: SpO2 read out at the oximeter question", (keys("3"), keys("2"), say("có, đo được chín tám"),
                                                         keys("1"), keys("2"), *NO_VITALS[1:], keys("9")),
     "completed", [], "goodbye"),
    ("check-in: low SpO2 read out at the oximeter question", (keys("3"), keys("2"), say("máy đo chín hai")),
     "escalated", [("emergency", "live")], "handoff_doctor"),
    ("check-in: a temperature read out at the thermometer question",
     (keys("3"), keys("2"), keys("2"), say("ba tám độ rưỡi"), keys("1"), *NO_VITALS[2:], keys("9")),
     "escalated", [("medium", "callback")], "goodbye"),
    ("check-in: pulse not shown", (keys("3"), keys("2"), keys("1"), keys("98#"), keys("1"), keys("2"),
                                   *NO_VITALS[1:], keys("9")), "completed", [], "goodbye"),
    ("check-in: low blood pressure said", (keys("3"), keys("2"), *NO_VITALS[:3], keys("1"),
                                           say("huyết áp tám lăm trên năm lăm"), keys("1")), "escalated",
     [("high", "live")], "handoff_doctor"),
    ("check-in: low blood pressure keyed", (keys("3"), keys("2"), *NO_VITALS[:3], keys("1"), keys("120*55#"),
                                            keys("1")), "escalated", [("high", "live")], "handoff_doctor"),
    ("check-in: blood pressure 90/60 is not low", (keys("3"), keys("2"), *NO_VITALS[:3], keys("1"),
                                                   say("chín mươi trên sáu mươi"), say("đúng rồi"), keys("9")),
     "completed", [], "goodbye"),
    ("FAQ medication then goodbye", (keys("5"), keys("1"), keys("9")), "completed", [], "goodbye"),
    ("FAQ isolation then the doctor", (keys("5"), keys("2"), keys("0")), "escalated", [("low", "live")],
     "handoff_doctor"),
    ("FAQ home care, main menu, emergency", (keys("5"), keys("3"), keys("1"), keys("1")), "escalated",
     [("emergency", "live")], "handoff_doctor"),
    ("FAQ by speech at the greeting", (say("cho hỏi cách ly mấy ngày"), keys("9")), "completed", [], "goodbye"),
    ("FAQ spoken question, again, related", (keys("5"), say("bao giờ thì hết cách ly"), keys("2"), keys("3"),
                                             keys("9")), "completed", [], "goodbye"),
    ("FAQ keys: warning signs, children, medicine package", (keys("5"), keys("4"), keys("4"), keys("5"), keys("4"),
                                                             keys("6"), keys("9")), "completed", [], "goodbye"),
    ("FAQ question on two topics, the second picked", (keys("5"), say("bà bầu bị ho uống thuốc gì"), keys("2"),
                                                       keys("9")), "completed", [], "goodbye"),
    ("FAQ question without an entry, callback", (keys("5"), say("giá vàng hôm nay bao nhiêu"), keys("1"), keys("9")),
     "escalated", [("low", "callback")], "goodbye"),
    ("FAQ medication by speech at the greeting", (say("sốt thì uống thuốc gì"), keys("9")), "completed", [],
     "goodbye"),
    ("FAQ home care by speech at the greeting", (say("đo SpO2 như thế nào"), keys("9")), "completed", [], "goodbye"),
    ("goodbye at the greeting", (say("thôi chào nhé"),), "completed", [], "goodbye"),
    # session 22 (n58-calls10): home oxygen running out (on_need); a polite close and a spoken callback at the decline
    ("home oxygen running out", (say("bình ô xy mẹ tôi đang thở sắp hết rồi"),), "escalated", [("high", "live")],
     "handoff_doctor"),
    ("FAQ without an entry, no thanks", (keys("5"), say("giá vàng hôm nay bao nhiêu"), say("không, cảm ơn"),
                                         keys("9")), "completed", [], "goodbye"),
    ("FAQ without an entry, callback said", (keys("5"), say("giá vàng hôm nay bao nhiêu"),
                                             say("nhờ bác sĩ gọi lại giúp tôi"), keys("9")),
     "escalated", [("low", "callback")], "goodbye"),
    # session 22b (n62-calls11): a caller who speaks little Vietnamese: the keys first (slow_menu)
    ("little Vietnamese, then the emergency key", (say("dạ em nói tiếng Việt không giỏi"), keys("1")), "escalated",
     [("emergency", "live")], "handoff_doctor"),
]


@pytest.mark.parametrize(("inputs", "outcome", "escalations", "last"), [b[1:] for b in BRANCHES],
                         ids=[b[0] for b in BRANCHES])
def test_every_branch_of_the_default_flow(inputs: tuple[Input, ...], outcome: str,
                                          escalations: list[tuple[str, str]], last: str) -> None:
    result = call(*inputs)
    assert result.outcome == outcome, result.steps
    assert [(e["risk"], e["mode"]) for e in result.as_json()["escalations"]] == escalations
    assert result.steps[-1]["node"] == last


def test_the_positive_test_caller_gets_a_health_station_callback() -> None:
    result = call(keys("4"), say("không có triệu chứng gì"), *NO_VITALS, keys("9"))
    escalation = result.as_json()["escalations"]
    assert [(e["risk"], e["mode"], e["reason"]) for e in escalation] == [
        ("low", "callback", "F0 mới tự báo test nhanh dương tính")]
    assert "escalated_new_f0" in [s["prompt_id"] for s in result.steps]


def test_every_node_of_the_default_flow_is_visited_by_the_branch_table() -> None:
    visited = {s["node"] for b in BRANCHES for s in call(*b[1]).steps}
    flow = _setup()[0]
    branches = {n.id for n in flow.nodes.values() if n.kind == "branch"}  # branches play nothing
    assert set(flow.nodes) - branches - visited == set()


# ------------------------------------------------------------------ a short greeting, the emergency option first
def test_the_greeting_is_short_and_offers_the_emergency_first() -> None:
    flow, catalog, _, _ = _setup()
    greeting = catalog.text(flow.nodes[flow.start].prompt or "", {})
    # about 3 syllables a second at the slow voice: 40 syllables stay under 15 s (measured 14.8 s)
    assert len(greeting.split()) <= 40
    offers = [key for key in "1234567890" if f"bấm {key}" in greeting]
    assert offers and greeting.index("bấm 1") == min(greeting.index(f"bấm {k}") for k in offers)
    assert "cấp cứu" in greeting[:greeting.index("bấm 1")].lower()


def test_after_a_miss_only_the_short_menu_is_replayed() -> None:
    result = call(("silence", None), say("ờ ờ"), keys("2"))
    prompts = [s["prompt_id"] for s in result.steps if s["prompt_id"]]
    assert prompts[:5] == ["greeting", "no_input", "main_menu", "no_match", "main_menu"]
    assert prompts.count("greeting") == 1
    assert result.steps[-1]["node"] == "symptoms"


# ------------------------------------------------------------------ the warning-sign questions take under a minute
ANSWER_S = 2.0  # a generous time to press a key or say "có"/"không" after each question


def test_the_warning_sign_questions_take_under_a_minute(cfg: Any) -> None:
    """Measured, not estimated: every prompt of the checklist synthesized with the hotline's voice (espeak-ng
    at its default 130 words a minute), plus an answer to each question."""
    from ivr.tts.espeak import EspeakSynthesizer
    from ivr.tts.render import PromptRenderer

    flow, catalog, _, _ = _setup()
    node = flow.nodes["warning_signs"]
    prompt_ids = [node.prompt or "", *(item.prompt for item in node.items)]
    synth = EspeakSynthesizer(voice=cfg.tts_voice, rate=cfg.tts_rate)
    try:
        renderer = PromptRenderer(cfg.replace(recordings_dir=cfg.data_dir / "none"), synth, catalog=catalog)
        spoken = {pid: renderer.render_info(pid, catalog.text(pid)).duration_s for pid in prompt_ids}
    finally:
        synth.close()
    total = sum(spoken.values()) + ANSWER_S * len(node.items)
    print(f"warning-sign checklist: prompts {sum(spoken.values()):.1f} s, with answers {total:.1f} s: {spoken}")
    assert total < 60.0, spoken
    assert max(spoken[item.prompt] for item in node.items) < 7.0  # each question short
    assert len(node.items) >= 6  # decision 261 signs 1, 6, 7, 8, 9 and 10/11 (the measured ones come after)


def test_each_warning_sign_question_offers_both_keys() -> None:
    flow, catalog, _, _ = _setup()
    for item in flow.nodes["warning_signs"].items:
        text = catalog.text(item.prompt)
        assert text.endswith("Có bấm 1, không bấm 2."), text
        assert text.count("?") == 1


@pytest.mark.parametrize(("position", "risk", "advice", "reason"), [
    (0, "emergency", "emergency_115", "Rối loạn ý thức"),  # drowsy, hard to wake: sign 7
    (1, "emergency", "emergency_115", "Tím môi"),  # blue lips or fingertips: sign 8
    (2, "high", "escalated_high", "Khó thở"),  # sign 1
    (3, "high", "escalated_high", "Đau, tức ngực"),  # sign 6
    (4, "high", "escalated_high", "Không ăn uống được"),  # sign 9
    (5, "high", "escalated_high", ""),  # the family is worried: signs 10 and 11, the escalation says why
])
def test_a_yes_to_any_warning_sign_escalates_live_at_its_level(position: int, risk: str, advice: str,
                                                               reason: str) -> None:
    for answer in (keys("1"), say("có")):
        result = call(keys("2"), say("ừm để xem"), *NO_SIGNS[:position], answer)
        escalation = result.as_json()["escalations"]
        assert [(e["risk"], e["mode"]) for e in escalation] == [(risk, "live")]
        assert reason in " ".join(escalation[0]["reasons"]) if reason else "dấu hiệu 11" in escalation[0]["reason"]
        prompts = [s["prompt_id"] for s in result.steps if s["prompt_id"]]
        assert prompts[-2:] == [advice, "transfer_doctor"]
        assert "115" in next(s["text"] for s in result.steps if s["prompt_id"] == advice)
        assert result.outcome == "escalated"


def test_pulse_and_blood_pressure_add_little_to_a_check_in(cfg: Any) -> None:
    """The six prompts pulse and blood pressure add to a check-in, measured with the hotline's voice: a caller
    without the devices hears one short question more (no blood pressure monitor), one with them under 40 s."""
    from ivr.tts.espeak import EspeakSynthesizer
    from ivr.tts.render import PromptRenderer

    _, catalog, _, _ = _setup()
    added = ["ask_pulse_shown", "ask_pulse", "confirm_pulse", "ask_has_bp_monitor", "ask_blood_pressure",
             "confirm_blood_pressure"]
    synth = EspeakSynthesizer(voice=cfg.tts_voice, rate=cfg.tts_rate)
    try:
        renderer = PromptRenderer(cfg.replace(recordings_dir=cfg.data_dir / "none"), synth, catalog=catalog)
        spoken = {pid: renderer.render_info(pid, catalog.text(pid, {"value": 120, "pair": 80})).duration_s
                  for pid in added}
    finally:
        synth.close()
    print(f"pulse and blood pressure prompts: {sum(spoken.values()):.1f} s: {spoken}")
    assert spoken["ask_has_bp_monitor"] < 6.0
    assert sum(spoken.values()) < 40.0, spoken
