"""Session 21b (n54-calls9): calm calls that were sent to a doctor as "unclear", by kind.

Whole calls through the real engine, understanding and triage of both flows:

1. the patient is no longer at home (already in hospital, moved away, died), said by the one on the phone at any
   question of the outbound check-in: thanked, recorded for the health station (slot ``patient_away``), the call
   ends; a death is a callback case (somebody from the station calls the family back); a warning sign said with it
   still escalates first;
2. "chờ tí, có người gọi cửa" at a question that is no number question: the line holds (no miss counted, a longer
   listen), then asks again; "cho tôi hỏi tí" at the greeting opens the questions menu;
3. an optional reading the caller cannot give: "không biết coi chỗ nào" is no reading (not a repeat); another
   device's reading with a yes to "does the device show the pulse?" is kept and no yes; the no key at a number
   question after a miss there moves on without the reading; a bare "đúng rồi" at a number question is no unclear
   talk. The warning-sign questions keep their unclear escalation.
"""
from __future__ import annotations

import pytest

from ivr import ROOT
from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.session import HOLD_S, Session
from ivr.engine.simulator import Input
from ivr.engine.understanding import risk_rank
from ivr.nlu.whereabouts import cannot_read, patient_away
from tests.ivr.engine.test_default_flow import _setup, call, keys, say
from tests.ivr.engine.test_node_signs_s18 import OUT_START, outbound
from tests.ivr.engine.test_shapes_s21 import _events, _prompts, _worst

RELATIVE = (keys("1"), keys("2"))  # outbound: start, a relative answers
SILENCE: Input = ("silence", "")




# ------------------------------------------------------------------ kind 1: where the patient is (NLU)
@pytest.mark.parametrize(("text", "away"), [
    ("dạ mẹ cháu nhập viện huyện từ hôm qua rồi, bệnh viện lo rồi", "in_hospital"),
    ("ông nhà tôi đang nằm bệnh viện tỉnh", "in_hospital"),
    ("bả vô viện rồi con", "in_hospital"),
    ("ổng đi viện hôm kia rồi", "in_hospital"),
    ("bác ấy chuyển về quê ở với con gái từ tuần trước rồi", "moved"),
    ("ổng dìa quê rồi", "moved"),
    ("ông không còn ở đây nữa", "moved"),
    ("dạ bà tôi mất hôm thứ bảy rồi", "died"),
    ("ông ấy đã qua đời", "died"),
    ("cụ không qua khỏi, mất tối qua", "died"),
    # calm twins: a question, a wish, a fear, a condition, a denial, a stay that is over, a lost sense
    ("tôi có phải nhập viện không", ""),
    ("nếu khó thở thì nhập viện hả", ""),
    ("tôi mới xuất viện về hôm qua", ""),
    ("tôi nằm viện năm ngày, giờ về nhà rồi", ""),
    ("tôi chưa nhập viện", ""),
    ("không phải nằm viện đâu", ""),
    ("tôi muốn về quê", ""),
    ("khi nào tôi được về quê", ""),
    ("tôi mất mùi rồi", ""),
    ("tôi đã mất ngủ mấy hôm", ""),
    ("sợ ổng không qua khỏi", ""),
    ("ông ấy sắp không qua khỏi", ""),
    ("ông đang chờ nhập viện", ""),
    ("chắc phải nhập viện rồi", ""),
    ("ông đã mất tri giác", ""),
    ("ông đã mất hôm qua", "died"),
    ("chết rồi, khó thở quá", ""),
    ("nhà tôi cách bệnh viện xa lắm", ""),
    ("hôm qua tôi đi khám, bác sĩ trong viện nói không sao", ""),
])
def test_where_the_patient_is(text: str, away: str) -> None:
    assert patient_away(text) == away


@pytest.mark.parametrize(("text", "expected"), [
    ("cái đó tui hổng biết coi chỗ nào con", True),
    ("không biết xem ở đâu", True),
    ("tôi không biết đọc", True),
    ("tôi không biết ông nói gì", False),  # about the question: a repeat request
    ("không biết nữa", False),
    ("hả", False),
])
def test_cannot_read(text: str, expected: bool) -> None:
    assert cannot_read(text) is expected


# ------------------------------------------------------------------ kind 1: whole calls
@pytest.mark.parametrize("turns", [
    (keys("1"), say("dạ tôi là con trai, ba tôi nằm viện huyện mấy bữa nay rồi")),  # at who_answers
    (*RELATIVE, say("mẹ tôi đang nằm bệnh viện tỉnh từ hôm qua, tôi báo để trạm biết")),  # at checkin
    (*RELATIVE, keys("2"), say("máy đo bà cháu mang vô viện rồi, bà nhập viện hôm kia")),  # at the device question
    (*OUT_START, keys("2"), say("có"), say("chín tám"), say("à mà tôi đang nằm viện rồi")),  # at the read-back
])
def test_in_hospital_at_any_question_is_thanked_recorded_and_ended(turns: tuple[Input, ...]) -> None:
    result = outbound(*turns, SILENCE, SILENCE, SILENCE)
    assert result.outcome == "completed"
    assert result.as_json()["escalations"] == []
    assert result.slots["patient_away"] == "in_hospital"
    assert _prompts(result)[-2:] == ["checkin_away_hospital", "checkin_away_goodbye"]


def test_moved_away_is_recorded_and_ended() -> None:
    result = outbound(*RELATIVE, say("bác ấy chuyển về quê ở với con từ tuần trước rồi"), SILENCE)
    assert result.outcome == "completed" and result.slots["patient_away"] == "moved"
    assert "checkin_away_moved" in _prompts(result)


def test_a_death_is_a_callback_case_for_the_station() -> None:
    result = outbound(*RELATIVE, say("dạ bà tôi mất hôm thứ bảy rồi"), SILENCE)
    (escalation,) = result.as_json()["escalations"]
    assert escalation["mode"] == "callback" and "đã mất" in escalation["reason"]
    assert result.slots["patient_away"] == "died"
    assert _prompts(result)[-2:] == ["checkin_away_died", "checkin_away_goodbye"]


@pytest.mark.parametrize(("turns", "risk"), [
    ((*RELATIVE, say("mẹ tôi nhập viện rồi, mà giờ tới tôi cũng sốt, thở không nổi")), "high"),
    ((*RELATIVE, keys("2"), say("ba tôi nằm viện rồi, còn tôi đo ô xy có chín mốt")), "emergency"),
])
def test_a_sign_said_with_it_still_escalates_live(turns: tuple[Input, ...], risk: str) -> None:
    result = outbound(*turns)
    assert "patient_away" not in result.slots
    assert risk_rank(_worst(result) or "none") <= risk_rank(risk)
    assert all(e["mode"] == "live" for e in result.as_json()["escalations"])


def test_the_inbound_line_has_no_away_handler() -> None:
    result = call(keys("2"), say("mẹ tôi nhập viện rồi, giờ tôi bị ho"))
    assert "patient_away" not in result.slots


# ------------------------------------------------------------------ kind 2: hold, and a wish to ask
def test_hold_at_the_greeting_waits_then_asks_again_without_a_miss() -> None:
    result = call(say("khoan, đợi tôi một lát, có người bấm chuông"), SILENCE, keys("5"), keys("2"), keys("9"))
    assert _events(result, "wait") == ["greeting"]
    assert "hold_on" in _prompts(result)
    assert result.outcome == "completed" and result.as_json()["escalations"] == []


def test_hold_listens_longer() -> None:
    flow_session = _session()
    flow_session.handle(E.CallStarted(call_id="t", caller="1"), 0.0)
    flow_session.handle(E.PlaybackDone(), 1.0)
    actions = flow_session.handle(E.Speech(text="chờ tí, có người gọi cửa", confidence=0.9), 2.0)
    assert [a.prompt_id for a in actions if isinstance(a, A.Play)] == ["hold_on"]
    (listen,) = [a for a in actions if isinstance(a, A.Listen)]
    assert listen.timeout_s == HOLD_S


def test_hold_twice_then_words_count_as_a_miss() -> None:
    hold = say("chờ tí nha")
    result = call(hold, hold, hold)
    assert _events(result, "wait") == ["greeting", "greeting"]
    assert _prompts(result)[-2:] == ["no_match", "main_menu"]


def test_hold_at_the_outbound_checkin_then_the_answer() -> None:
    result = outbound(*OUT_START, say("chờ chút nha, có người tới nhà"), say("tôi bình thường"), say("không"),
                      say("không"), say("không"), say("không"), keys("1"))
    assert _events(result, "wait") == ["checkin"]
    assert "warning_signs" not in [s["node"] for s in result.steps]
    assert result.outcome == "completed"


def test_hold_at_a_warning_sign_question_still_needs_an_answer() -> None:
    result = call(keys("3"), say("ờ thì cũng thế thôi"), say("đợi tôi chút"), SILENCE, SILENCE, SILENCE)
    assert _events(result, "wait") == ["warning_signs"]
    assert result.as_json()["escalations"] or result.outcome in ("handed_off", "escalated")


@pytest.mark.parametrize("sign", ["ông nhà tôi gọi không dậy, môi tím rồi", "tôi tức ngực quá, thở không được"])
def test_a_sign_after_the_hold_escalates(sign: str) -> None:
    result = call(say("chờ tí, để tôi lại coi"), say(sign))
    assert _worst(result) in ("high", "emergency")


def test_a_sign_said_with_the_hold_is_no_hold() -> None:
    result = call(say("chờ tí, tôi khó thở quá"))
    assert _events(result, "wait") == [] and _worst(result) in ("high", "emergency")


@pytest.mark.parametrize("text", ["alô, cho tôi hỏi chút", "cho tui hỏi cái này"])
def test_a_wish_to_ask_opens_the_questions_menu(text: str) -> None:
    result = call(say(text))
    assert _prompts(result)[-1] == "faq_menu"


# ------------------------------------------------------------------ kind 3: optional readings
PULSE_SHOWN = (*OUT_START, say("khỏe"), say("có"), say("chín bảy"), say("đúng"))  # at ask_pulse_shown
REST_NO = (say("không"), say("không"), say("không"), keys("1"))


def test_cannot_find_the_pulse_skips_it() -> None:
    result = outbound(*PULSE_SHOWN, say("mạch hả, cái đó tôi không biết xem ở đâu"), *REST_NO)
    assert "pulse" not in [s["node"] for s in result.steps]
    assert _events(result, "repeat") == []
    assert result.outcome == "completed"


def test_a_bare_repeat_request_is_still_a_repeat() -> None:
    result = outbound(*PULSE_SHOWN, say("hả"))
    assert _prompts(result)[-1] == "ask_pulse_shown" and "ask_has_thermometer" not in _prompts(result)


def test_a_temperature_with_a_yes_at_the_pulse_question_is_kept_and_no_yes() -> None:
    result = outbound(*PULSE_SHOWN, say("có nhiệt kế, sáng đo ba sáu tám"), say("không có"), say("đúng"),
                      say("không"), say("không"), keys("1"))
    assert _events(result, "other_reading") == ["ask_pulse_shown"]
    assert "other_reading_noted" in _prompts(result)
    assert "pulse" not in result.slots and result.slots["temperature"] == 36.8
    assert result.outcome == "completed"


def test_a_pulse_with_a_yes_to_the_oximeter_is_a_yes() -> None:
    result = outbound(*OUT_START, say("khỏe"), say("có, mạch tám mươi"))
    assert _events(result, "other_reading") == []
    assert result.steps[-1]["prompt_id"] == "ask_spo2"


def test_the_no_key_after_a_miss_moves_on_without_the_reading() -> None:
    result = call(keys("3"), say("bình thường"), keys("1"), say("chín tám"), keys("1"), keys("1"), say("vâng đúng"),
                  keys("2"), keys("2"), keys("2"), keys("2"), keys("9"))
    assert _events(result, "no_reading") == ["pulse"]
    assert "pulse" not in result.slots
    assert result.outcome == "completed" and result.as_json()["escalations"] == []


def test_the_no_key_without_a_miss_is_asked_again() -> None:
    result = call(keys("3"), say("bình thường"), keys("1"), keys("2"))
    assert _events(result, "no_reading") == []
    assert result.steps[-1]["prompt_id"] == "ask_spo2"


def test_bare_yes_at_a_number_question_is_no_unclear_talk() -> None:
    result = outbound(*PULSE_SHOWN, say("có"), say("đúng rồi"), say("đúng rồi"), say("đúng rồi"))
    assert "escalate_unclear" not in [s["node"] for s in result.steps]
    assert result.steps[-1]["node"] == "handoff_doctor"  # still a person after three misses


def test_unclear_answers_to_the_warning_signs_still_escalate_with_115() -> None:
    result = call(keys("3"), say("ờ thì cũng thế thôi"), say("bà con ơi nó cứ làm sao ấy"), say("ơ kìa"),
                  say("ơ kìa"))
    assert "escalate_unclear" in [s["node"] for s in result.steps]


# ------------------------------------------------------------------ flow and prompt data
def _session() -> Session:
    _, catalog, understander, triage = _setup()
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    return Session(flow, catalog=catalog, understander=understander, triage=triage)


def test_the_new_prompts_render_in_vietnamese() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    for pid in ("hold_on", "other_reading_noted", "checkin_away_hospital", "checkin_away_moved",
                "checkin_away_died", "checkin_away_goodbye"):
        text = catalog.text(pid, {})
        assert text and "{" not in text and any(ch in text for ch in "ạảãàáâầấậẩẫăằắặẳẵđêềếệểễôồốộổỗơờớợởỡưừứựửữ")


def test_both_flows_name_the_roles_and_the_away_nodes() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    outbound_flow = load_flow(ROOT / "callflows" / "checkin_outbound.yaml", catalog)
    inbound_flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    assert dict(outbound_flow.on_away) == {"in_hospital": "away_in_hospital", "moved": "away_moved",
                                           "died": "away_died", "out_now": "away_out_now"}  # session 22b
    for flow in (outbound_flow, inbound_flow):
        assert flow.prompts["hold"] == "hold_on" and flow.prompts["other_reading"] == "other_reading_noted"


def test_on_away_is_validated_and_makes_its_nodes_reachable() -> None:
    from ivr.engine.flow import load_flow_text
    from tests.ivr.engine.test_flow import CATALOG, GOOD_NODES, HEADER, problems

    nodes = GOOD_NODES + "  away:\n    kind: hangup\n    prompt: bye\n"
    flow = load_flow_text(HEADER.replace("nodes:\n", "on_away: {in_hospital: away}\nnodes:\n") + nodes, "f.yaml",
                          CATALOG)
    assert flow.on_away == {"in_hospital": "away"}  # reachable through on_away alone
    assert problems(GOOD_NODES, HEADER.replace("nodes:\n", "on_away: {abroad: bye}\nnodes:\n")) == [
        "f.yaml: node '(file)': on_away: unknown whereabouts 'abroad' (one of in_hospital, moved, died, out_now)"]
    assert problems(GOOD_NODES, HEADER.replace("nodes:\n", "on_away: {died: ghost}\nnodes:\n")) == [
        "f.yaml: node '(file)': transition 'away:died' points to unknown node 'ghost'"]
