"""Session 22b (n62-calls11): calls set 11's confused and foreign-tongued callers, and a patient out for now, by kind.

Whole calls through the real engine, understanding and triage of both flows:

1. a hard-of-hearing caller who answers another question each time: a "rồi" closing a sentence about something
   else ("cơm tui ăn rồi") is no yes, while "dạ rồi", "ừ đúng rồi", "phải rồi" stay yes; the spoken exchanges that
   were not understood (requests to repeat, words that answer no option) count over the whole call, so the third
   reaches a person (the flow's ``max_confused``, through ``on_unclear``) wherever it falls; two do not;
2. a caller who says he speaks little Vietnamese at the greeting: the keys first, slowly (``slow_menu``), his
   words once more (a warning sign there escalates with the 115 advice), then a person after one more miss;
3. a relative at "who answers" saying the patient is out right now ("mạ con không có ở nhà, đi chợ rồi"): offered
   to answer for the patient, else the call ends politely and the attempt is "not_reached" (tried again later in
   the window); a warning sign said with it escalates first; said after somebody answers for the patient, or by a
   caller who has not been following, it is about somebody else.
"""
from __future__ import annotations

import pytest

from ivr import ROOT
from ivr.engine.flow import load_flow
from ivr.engine.simulator import Input
from ivr.engine.understanding import risk_rank
from ivr.nlu.understander import default_understander
from ivr.nlu.whereabouts import out_now, patient_away
from ivr.telephony.dialer import result_status
from tests.ivr.engine.test_default_flow import _setup, call, keys, say, turns_to_human
from tests.ivr.engine.test_node_signs_s18 import OUT_START, outbound
from tests.ivr.engine.test_shapes_s21 import _events, _prompts, _worst

START = (keys("1"),)  # outbound: the start key; the next turn is at "who answers"
SILENCE: Input = ("silence", "")
REST_NO = (say("không"), say("không"), say("không"), say("không"), keys("1"))  # the device questions, then close


def _status(slots: dict[str, object]) -> str:
    return result_status(answered=True, sip_code=200, rang_out=False, slots=slots)


# ------------------------------------------------------------------ kind 1: an answer about something else
@pytest.mark.parametrize(("text", "intent"), [
    ("Cơm tui ăn rồi, ăn hai chén.", "not yes"),
    ("con tui đi làm rồi", "not yes"),
    ("lúa ngoài đồng gặt lúa rồi", "not yes"),
    # twins: a "rồi" that answers
    ("dạ rồi", "yes"),
    ("ừ đúng rồi", "yes"),
    ("phải rồi", "yes"),
    ("đo rồi", "yes"),
    ("tui đo rồi", "yes"),
    ("tiêm rồi, ba mũi", "yes"),
    ("nhà tui có máy rồi", "yes"),
])
def test_a_yes_must_answer_the_question(text: str, intent: str) -> None:
    said = default_understander().understand(text, expect=("yes", "no")).intent
    assert said != "yes" if intent == "not yes" else said == intent


def test_the_elderly_caller_answering_other_questions_reaches_a_person_at_the_third() -> None:
    result = outbound(*START, say("Ai rứa? Nói to lên, tui không nghe chi hết."), say("Cơm tui ăn rồi, ăn hai chén."),
                      say("Hả? Con tui ngoài Vinh rồi."))
    assert turns_to_human(result) == 4
    assert _events(result, "confused") == ["who_answers"]
    assert result.as_json()["escalations"][0]["risk"] == "high"  # on_unclear: the duty doctor, live
    assert "checkin" not in [s["node"] for s in result.steps]


def test_confusion_counts_over_the_whole_call_not_per_question() -> None:
    result = outbound(*OUT_START, say("Hả? Nói chi rứa?"), say("Lúa ngoài đồng gặt xong hết rồi."),
                      say("Không nghe rõ, nói lại coi."))
    assert turns_to_human(result) == 5
    assert _events(result, "confused") == ["warning_signs"]  # one at checkin, two there: three in the call


def test_two_confused_exchanges_in_a_call_are_no_reason_for_a_doctor() -> None:
    result = outbound(*START, say("Hả? Nói lại coi."), say("ừ đúng rồi, tui đây"), say("khỏe, bình thường"),
                      say("không có máy"), say("hả?"), *REST_NO)
    assert result.outcome == "completed" and result.as_json()["escalations"] == []
    assert _events(result, "confused") == []


def test_a_sign_after_a_repeat_escalates_on_the_sign() -> None:
    result = outbound(*START, say("Hả? Ai rứa?"), say("Mà tui thở mệt lắm, hụt hơi, đi vài bước là phải ngồi."))
    assert turns_to_human(result) == 3 and risk_rank(_worst(result) or "none") <= risk_rank("high")


def test_the_inbound_line_counts_confusion_over_the_call_too() -> None:
    flow, *_ = _setup()
    assert flow.max_confused == 3
    result = call(say("hả?"), keys("5"), say("hả? nói gì?"), say("cái gì? không hiểu"))
    assert turns_to_human(result) == 4 and _events(result, "confused")


def test_max_confused_is_off_unless_the_flow_sets_it() -> None:
    from ivr.engine.flow import load_flow_text
    from tests.ivr.engine.test_flow import CATALOG, GOOD_NODES, HEADER

    assert load_flow_text(HEADER + GOOD_NODES, "f.yaml", CATALOG).max_confused == 0


# ------------------------------------------------------------------ kind 2: little Vietnamese
@pytest.mark.parametrize("text", ["Alo, tui người dân tộc, nói tiếng Kinh không rành.",
                                  "dạ em nói tiếng Việt không giỏi", "tui hổng biết tiếng Việt nhiều"])
def test_little_vietnamese_is_offered_the_keys_first(text: str) -> None:
    result = call(say(text))
    assert _prompts(result)[-1] == "slow_menu"
    assert result.as_json()["escalations"] == []


def test_little_vietnamese_then_a_sign_is_an_emergency_with_115() -> None:
    result = call(say("Alo, tui người dân tộc, nói tiếng Kinh không rành."),
                  say("Ba tui đau ngực dữ lắm, thở không nổi, môi tím rồi."))
    assert turns_to_human(result) == 2 and _worst(result) == "emergency"
    assert "emergency_115" in _prompts(result)


def test_little_vietnamese_then_the_emergency_key() -> None:
    result = call(say("dạ em nói tiếng Việt không giỏi"), keys("1"))
    assert turns_to_human(result) == 2 and _worst(result) == "emergency"


def test_little_vietnamese_then_words_nobody_understands_reach_a_person_at_once() -> None:
    result = call(say("Tôi không biết tiếng Việt nhiều."), say("Mế ơi, pú ơi, bò hòa lỏ."))
    assert turns_to_human(result) == 2
    assert "escalated_unclear" in _prompts(result)


def test_little_vietnamese_then_silence_still_reaches_a_person() -> None:
    result = call(say("Tôi không biết tiếng Việt nhiều."), SILENCE)
    assert turns_to_human(result) == 2


def test_little_vietnamese_then_a_question_is_answered() -> None:
    result = call(say("Tui người Hoa, nói tiếng Việt hổng rành."), say("hỏi cách ly mấy ngày"), keys("9"))
    assert result.outcome == "completed" and result.as_json()["escalations"] == []


# ------------------------------------------------------------------ kind 3: out right now
@pytest.mark.parametrize(("text", "away"), [
    ("mạ con không có ở nhà, đi chợ rồi", "out_now"),
    ("ổng đi làm chưa về", "out_now"),
    ("dạ bà con đi ra đồng rồi chị", "out_now"),
    ("ba cháu đang đi làm, tối mới về", "out_now"),
    ("ông tôi đi vắng rồi", "out_now"),
    # calm twins: staying home, back already, able to go, a question, a wish, a condition
    ("tui không đi làm, ở nhà suốt", ""),
    ("ông đi chợ về rồi", ""),
    ("tôi mới đi làm về", ""),
    ("tôi khỏe, đi chợ được rồi", ""),
    ("có đi chợ được không", ""),
    ("tôi muốn đi làm", ""),
    ("nếu đi chợ thì có sao không", ""),
    ("đi lại trong nhà là mệt", ""),
    # away for good still wins
    ("ổng dìa quê rồi", "moved"),
])
def test_out_right_now(text: str, away: str) -> None:
    assert patient_away(text) == away
    assert out_now(text) is (away == "out_now")


def test_out_now_ends_politely_and_is_tried_again() -> None:
    result = outbound(*START, say("Dạ mẹ con không có ở nhà, mẹ đi chợ rồi."), keys("2"))
    assert _prompts(result)[-2:] == ["checkin_out_now", "checkin_out_now_goodbye"]
    assert result.outcome == "completed" and result.as_json()["escalations"] == []
    assert "checkin" not in [s["node"] for s in result.steps]
    assert _status(result.slots) == "not_reached"  # CHECKIN_RETRY: the dialer calls again later in the window


def test_out_now_then_a_hang_up_is_tried_again_too() -> None:
    result = outbound(*START, say("ổng đi làm chưa về"))
    assert result.slots["patient_out"] is True and _status(result.slots) == "not_reached"


def test_out_now_the_relative_may_answer_for_the_patient() -> None:
    result = outbound(*START, say("ổng đi làm chưa về"), say("được, để tui trả lời"), say("ổng khỏe, bình thường"),
                      *REST_NO)
    assert result.slots["answered_by"] == "relative" and result.slots["patient_out"] is False
    assert "checkin" in [s["node"] for s in result.steps]
    assert _status(result.slots) == "reached"


def test_out_now_with_a_sign_escalates_first() -> None:
    result = outbound(*START, say("Bà đi chợ rồi, mà sáng giờ bả kêu tức ngực, thở hụt hơi."))
    assert turns_to_human(result) == 2 and risk_rank(_worst(result) or "none") <= risk_rank("high")
    assert "checkin_out_now" not in _prompts(result)


def test_out_now_then_a_sign_at_the_offer_escalates() -> None:
    result = outbound(*START, say("ba con đi ra đồng rồi"), say("mà tối qua ổng ho nhiều, khó thở lắm"))
    assert turns_to_human(result) == 3 and _worst(result) in ("high", "emergency")


def test_out_now_silence_at_the_offer_reaches_a_person() -> None:
    result = outbound(*START, say("ổng đi làm chưa về"), SILENCE, SILENCE)
    assert turns_to_human(result) == 4  # two silences at the offer (max_failures 2): the fallback, a doctor


@pytest.mark.parametrize("turns", [
    (*OUT_START, say("con tui đi làm rồi, không có nhà")),  # the patient is answering: about somebody else
    (*START, say("Hả? Ai rứa?"), say("con tui đi chợ rồi")),  # a caller who has not been following
])
def test_out_now_is_heard_only_from_the_one_who_picked_up_for_the_patient(turns: tuple[Input, ...]) -> None:
    result = outbound(*turns, SILENCE, SILENCE, SILENCE)
    assert "checkin_out_now" not in _prompts(result)


def test_the_new_nodes_are_in_the_flows() -> None:
    _, catalog, *_ = _setup()
    outbound_flow = load_flow(ROOT / "callflows" / "checkin_outbound.yaml", catalog)
    assert outbound_flow.on_away["out_now"] == "away_out_now" and outbound_flow.max_confused == 3
    assert {"away_out_now", "out_now_goodbye"} <= set(outbound_flow.nodes)
    inbound_flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)
    assert "slow_menu" in inbound_flow.nodes
