"""Session 22 (n58-calls10): whole calls of retired calls set 10, fixed by kind (flow).

Whole calls through the real engine, understanding, triage and knowledge base of both flows:

1. a need a person must handle now (``on_need``), heard at every question, the closing menu included: the patient
   breathes from home oxygen and is losing it (cylinder nearly empty, concentrator broken or without power) goes to
   the duty doctor at once (needing oxygen at home is itself a mark of severe illness); a spare cylinder, a question
   about buying one or a device nobody needs now stays calm; a warning sign said at the closing menu escalates;
2. at the FAQ decline, a polite close ("thôi được rồi, cảm ơn chị", "không, cảm ơn") makes no callback case; "nhờ
   bác sĩ gọi lại" and key 1 still make it, a doctor asked for now still goes to one;
3. a question about when to call a doctor ("SpO2 bao nhiêu thì phải gọi bác sĩ?") is a question, answered from the
   knowledge base (the question said alone when readings told with it drown it); a worrying reading said in the
   same question still escalates.
"""
from __future__ import annotations

import pytest

from ivr import ROOT
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.session import _asked_part
from ivr.engine.simulator import Input
from ivr.engine.understanding import risk_rank
from ivr.nlu.needs import urgent_need
from ivr.nlu.understander import default_understander
from tests.ivr.engine.test_default_flow import call, keys, say
from tests.ivr.engine.test_node_signs_s18 import OUT_START, outbound
from tests.ivr.engine.test_shapes_s21 import _prompts, _worst

SILENCE: Input = ("silence", "")
#: the outbound check-in to its closing menu: no device at all, no symptom
TO_CLOSING = (*OUT_START, say("khỏe"), say("không có máy"), say("không"), say("không"), say("không"))
#: the inbound line to the FAQ decline: a question the knowledge base has no entry for
TO_DECLINE = (keys("5"), say("cho tôi hỏi nhà tôi nên mua máy lọc không khí loại nào"))


# ------------------------------------------------------------------ kind 1: the need (NLU)
@pytest.mark.parametrize(("text", "need"), [
    ("khỏe mà bình ô xy tui đang thở sắp hết rồi, còn chút xíu", "oxygen_supply"),
    ("máy tạo ôxi nhà tui hư rồi, mạ tui đang thở máy", "oxygen_supply"),
    ("cúp điện từ sáng, máy tạo ô xy không chạy, ba tôi đang thở oxy", "oxygen_supply"),
    ("bình oxy bà tôi đang thở sắp cạn rồi", "oxygen_supply"),
    # calm twins: a spare, a question, a device not needed now, a supposition, a full cylinder, a denial
    ("cho hỏi mua bình ô xy dự phòng ở đâu", ""),
    ("bình oxy nhà tôi sắp hết nhưng mẹ tôi khỏe rồi không cần thở nữa", ""),
    ("nếu bình oxy hết thì làm sao", ""),
    ("máy tạo oxy nhà tôi bị hư, lâu rồi không dùng", ""),
    ("bình oxy còn đầy, mẹ đang thở", ""),
    ("máy tạo oxy không hư, mẹ tôi đang thở bình thường", ""),
    ("mẹ tôi đang thở oxy, đo được chín lăm", ""),
])
def test_oxygen_supply_need(text: str, need: str) -> None:
    assert urgent_need(text) == need
    assert default_understander().understand(text).need == need


# ------------------------------------------------------------------ kind 1: whole calls
def test_oxygen_running_out_at_the_closing_menu_reaches_the_doctor_now() -> None:
    result = outbound(*TO_CLOSING, say("khỏe mà bình ô xy ông tôi đang thở gần hết rồi, còn chút xíu"))
    (escalation,) = result.as_json()["escalations"]
    assert escalation["risk"] == "high" and escalation["mode"] == "live" and "ô xy" in escalation["reason"]
    assert _prompts(result)[-2:] == ["escalated_oxygen", "transfer_doctor"]


def test_oxygen_running_out_at_the_greeting_reaches_the_doctor_now() -> None:
    result = call(say("bình ô xy bà tôi đang thở sắp cạn rồi, nhà chỉ có mỗi bình này"))
    assert _worst(result) == "high"
    assert "escalated_oxygen" in _prompts(result)


def test_a_sign_with_the_need_goes_to_the_sign_first() -> None:
    result = call(say("máy tạo ô xy hư rồi, mẹ tôi đang thở máy mà giờ môi tím tái"))
    assert _worst(result) == "emergency"
    assert "escalated_oxygen" not in _prompts(result)


@pytest.mark.parametrize("text", [
    "à cho tôi hỏi, nhà tôi có để sẵn một bình ô xy dự phòng, có cần mua thêm không",
    "dạ cảm ơn cô nhiều, chào cô",
])
def test_calm_words_at_the_closing_menu_end_without_a_case(text: str) -> None:
    result = outbound(*TO_CLOSING, say(text), keys("1"))
    assert result.as_json()["escalations"] == []
    assert result.outcome == "completed"


@pytest.mark.parametrize("text", ["dạ cảm ơn cô nhiều, chào cô", "không, vậy thôi"])
def test_a_goodbye_at_the_closing_menu_ends_the_call_at_once(text: str) -> None:
    result = outbound(*TO_CLOSING, say(text))
    assert result.outcome == "completed" and result.as_json()["escalations"] == []
    assert _prompts(result)[-2:] == ["checkin_closing", "checkin_goodbye"]


def test_a_sign_said_at_the_closing_menu_escalates() -> None:
    result = outbound(*TO_CLOSING, say("à mà quên, từ tối qua tôi hơi tức ngực, thở hụt hơi"))
    assert risk_rank(_worst(result) or "none") <= risk_rank("high")


def test_both_flows_name_the_need_node() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    for name in ("checkin_outbound", "covid_f0"):
        flow = load_flow(ROOT / "callflows" / f"{name}.yaml", catalog)
        assert dict(flow.on_need) == {"oxygen_supply": "escalate_oxygen"}
        node = flow.nodes["escalate_oxygen"]
        assert node.risk == "high" and node.mode == "live"
    text = catalog.text("escalated_oxygen", {})
    assert "ô xy" in text and "115" in text and "{" not in text


def test_on_need_is_validated_and_makes_its_nodes_reachable() -> None:
    from ivr.engine.flow import load_flow_text
    from tests.ivr.engine.test_flow import CATALOG, GOOD_NODES, HEADER, problems

    nodes = GOOD_NODES + "  oxygen:\n    kind: hangup\n    prompt: bye\n"
    flow = load_flow_text(HEADER.replace("nodes:\n", "on_need: {oxygen_supply: oxygen}\nnodes:\n") + nodes, "f.yaml",
                          CATALOG)
    assert flow.on_need == {"oxygen_supply": "oxygen"}  # reachable through on_need alone
    assert problems(GOOD_NODES, HEADER.replace("nodes:\n", "on_need: {water: bye}\nnodes:\n")) == [
        "f.yaml: node '(file)': on_need: unknown need 'water' (one of oxygen_supply)"]
    assert problems(GOOD_NODES, HEADER.replace("nodes:\n", "on_need: {oxygen_supply: ghost}\nnodes:\n")) == [
        "f.yaml: node '(file)': transition 'need:oxygen_supply' points to unknown node 'ghost'"]


# ------------------------------------------------------------------ kind 2: the FAQ decline
@pytest.mark.parametrize(("text", "intent"), [
    ("Thôi được rồi, cảm ơn chị", "goodbye"),
    ("thôi không cần đâu, để mai tôi hỏi trạm", "goodbye"),
    ("dạ thôi cảm ơn", "goodbye"),
    ("vậy thôi, cảm ơn em", "goodbye"),
    ("ừ thôi", "yes"),  # a yes, then the "thôi" that ends it
    ("thôi chết, mẹ tôi khó thở", "report_symptoms"),
    ("thôi được, nhờ bác sĩ gọi lại giúp", "request_doctor"),
])
def test_a_polite_close_is_no_yes(text: str, intent: str) -> None:
    assert default_understander().understand(text, expect=["yes", "goodbye", "repeat"]).intent == intent


def test_at_a_warning_sign_question_thoi_still_answers() -> None:
    understand = default_understander().understand
    assert understand("thôi không có đâu", expect=["yes", "no", "repeat"]).intent == "no"


@pytest.mark.parametrize("turn", [say("thôi được rồi, cảm ơn em"), say("không, cảm ơn chị"),
                                  say("thôi không cần đâu, để mai tôi hỏi trạm")])
def test_a_polite_close_at_the_decline_makes_no_case(turn: Input) -> None:
    result = call(*TO_DECLINE, turn, say("tạm biệt"))
    assert result.as_json()["escalations"] == []
    assert result.outcome == "completed"
    assert "no_match" not in _prompts(result)


@pytest.mark.parametrize("turn", [say("dạ, nhờ bác sĩ gọi lại giúp tôi"), keys("1")])
def test_a_callback_asked_for_at_the_decline_is_a_case(turn: Input) -> None:
    result = call(*TO_DECLINE, turn, keys("9"))
    (escalation,) = result.as_json()["escalations"]
    assert escalation["mode"] == "callback"
    assert "faq_callback" in _prompts(result)


@pytest.mark.parametrize("turn", [say("cho tôi gặp bác sĩ ngay"), keys("0")])
def test_a_doctor_asked_for_now_at_the_decline_is_put_through(turn: Input) -> None:
    result = call(*TO_DECLINE, turn)
    (escalation,) = result.as_json()["escalations"]
    assert escalation["mode"] == "live"
    assert _prompts(result)[-1] == "transfer_doctor"


# ------------------------------------------------------------------ kind 3: when to call a doctor
@pytest.mark.parametrize(("text", "intent"), [
    ("Cho tôi hỏi SpO2 bao nhiêu thì phải gọi bác sĩ? Mẹ tôi đo chín tám, sốt nhẹ ba bảy độ rưỡi", "ask_home_care"),
    ("sốt mấy độ thì phải gọi bác sĩ?", "ask_home_care"),
    ("khi nào thì cần gặp bác sĩ?", "ask_home_care"),
    ("có cần gặp bác sĩ không ạ?", "ask_home_care"),
    # twins: a request, a request with a sign, a whether question with a sign
    ("cho tôi gặp bác sĩ", "request_doctor"),
    ("tôi sốt ba tám độ, cho tôi gặp bác sĩ được không?", "request_doctor"),
    ("mẹ tôi mệt quá, có cần gặp bác sĩ không", "request_doctor"),
])
def test_a_question_about_when_to_call_a_doctor_is_a_question(text: str, intent: str) -> None:
    assert default_understander().understand(text).intent == intent


def test_the_question_is_answered_and_the_calm_readings_kept() -> None:
    result = call(keys("5"), say("Cho tôi hỏi SpO2 bao nhiêu thì phải gọi bác sĩ? Mẹ tôi đo chín tám, sốt nhẹ ba bảy "
                                 "độ rưỡi, vẫn ăn được."), keys("9"))
    assert result.as_json()["escalations"] == []
    assert {"kb_when_emergency", "kb_measure_spo2"} & set(_prompts(result))  # answered: the SpO2 to report
    assert result.vitals == {"spo2": 98.0, "temperature": 37.5}


def test_a_worrying_reading_in_the_same_question_escalates() -> None:
    result = call(keys("5"), say("cho hỏi SpO2 dưới bao nhiêu thì phải gặp bác sĩ? ba tôi đo có chín mươi thôi"))
    assert _worst(result) == "emergency"


def test_the_question_alone_is_looked_up_beside_the_story() -> None:
    assert _asked_part("SpO2 bao nhiêu thì phải gọi bác sĩ? Mẹ tôi đo chín tám.") == (
        "SpO2 bao nhiêu thì phải gọi bác sĩ?")
    assert _asked_part("SpO2 bao nhiêu thì phải gọi bác sĩ?") == ""  # nothing else said
    assert _asked_part("mẹ tôi đo chín tám. vẫn ăn được") == ""  # no question mark
