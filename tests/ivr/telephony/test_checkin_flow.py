"""The check-in call's flow (callflows/checkin_outbound.yaml) with the real engine, understanding and triage,
and the engine pieces it added (gate, choose, global keys, starting slots). No SIP here: test_checkin_calls.py
runs it over real peers."""
from __future__ import annotations

from functools import cache
from typing import Any

import pytest

from ivr import ROOT
from ivr.engine.flow import Flow, load_flow, load_flow_text
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.engine.simulator import Input, SimulationResult, simulate
from ivr.errors import FlowError
from ivr.telephony.checkin import OutboundCall, OutboundPatient
from ivr.telephony.dialer import Pacing, answered_patient, result_status, start_slots

LAN = OutboundPatient(id=11, name="Nguyễn Thị Lan", address_as="bác Lan")
HUNG = OutboundPatient(id=12, name="Trần Văn Hùng", address_as="bác Hùng")
STATION = "Trạm y tế xã Tân Hòa"


@cache
def _setup() -> tuple[Flow, PromptCatalog, Any, Any]:
    from ivr.cli import plugins
    from ivr.nlu.understander import default_understander

    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "checkin_outbound.yaml", catalog)
    return flow, catalog, default_understander(), plugins.triage(ROOT / "escalation" / "rules")


def outbound(*patients: OutboundPatient) -> OutboundCall:
    return OutboundCall(attempt_id=7, phone="+84912345678", patients=patients, station=STATION,
                        caller_id="02873001234")


def call(*inputs: Input, patients: tuple[OutboundPatient, ...] = (LAN,)) -> SimulationResult:
    flow, catalog, understander, triage = _setup()
    return simulate(flow, list(inputs), catalog=catalog, understander=understander, triage=triage,
                    slots=start_slots(outbound(*patients)))


def keys(digits: str) -> Input:
    return ("dtmf", digits)


def prompts(result: SimulationResult) -> list[str]:
    return [s["prompt_id"] for s in result.steps if s["prompt_id"]]


def texts(result: SimulationResult) -> str:
    return " ".join(s["text"] for s in result.steps if s["text"])


def status(result: SimulationResult) -> str:
    return result_status(answered=True, sip_code=200, rang_out=False, slots=result.slots)


def test_the_gate_says_who_calls_and_nothing_about_the_patient_before_a_key() -> None:
    result = call(("silence", None), ("silence", None), ("silence", None))
    assert prompts(result)[0] == "checkin_start"
    assert STATION in texts(result) and "Lan" not in texts(result)
    assert result.steps[-1]["event"] == "hangup" and "started" not in result.slots
    assert status(result) == "not_reached"
    assert not [a for a in result.actions if type(a).__name__ in ("Escalate", "Transfer")]


def test_words_but_no_key_at_the_gate_is_not_reached_either() -> None:
    result = call(("say", "alo ai đấy"), ("say", "alo"), ("silence", None))
    assert status(result) == "not_reached"


def test_asking_for_a_doctor_at_the_gate_counts_as_reached_and_escalates() -> None:
    result = call(("say", "cho tôi gặp bác sĩ"))
    assert [type(a).__name__ for a in result.actions if type(a).__name__ in ("Escalate", "Transfer")] == [
        "Escalate", "Transfer"]
    assert status(result) == "reached"


def test_a_relative_can_say_so() -> None:
    result = call(keys("1"), ("say", "tôi là con gái bác ấy"))
    assert result.slots["answered_by"] == "relative"


def test_a_patient_who_answers_and_is_well_is_reached_and_recorded_as_the_patient() -> None:
    # start, it is the patient, well, no oximeter, no thermometer, cannot count breaths, no BP monitor, goodbye
    result = call(keys("1"), keys("1"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"), keys("1"))
    assert "Xin chào bác Lan. Trạm y tế xã Tân Hòa gọi hỏi thăm" in texts(result)
    assert "checkin_household" not in prompts(result)  # one patient: nobody is asked to choose
    assert result.slots["answered_by"] == "patient" and result.slots["started"] is True
    assert prompts(result)[-1] == "checkin_goodbye" and result.outcome == "completed"
    assert status(result) == "reached"
    assert answered_patient(outbound(LAN), result.slots) == 11


def test_silence_after_the_advice_ends_the_call_politely_without_a_case() -> None:
    """The check-in is complete once the advice is given: a patient who says nothing more at the closing
    question has finished, and is not handed to a doctor as a high-risk case."""
    result = call(keys("1"), keys("1"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"),
                  ("silence", None), ("silence", None), ("silence", None))
    assert prompts(result)[-1] == "checkin_goodbye" and result.outcome == "completed"
    assert not [a for a in result.actions if type(a).__name__ == "Escalate"]
    assert status(result) == "reached"


def test_a_doctor_can_still_be_asked_for_at_the_closing_question() -> None:
    result = call(keys("1"), keys("1"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"), keys("0"))
    assert [a.reason for a in result.actions if type(a).__name__ == "Escalate"] == [
        "Người nghe máy muốn gặp bác sĩ (cuộc gọi hỏi thăm)"]


def test_a_household_phone_asks_who_is_answering_and_a_relative_can_answer() -> None:
    result = call(keys("1"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"), keys("2"), keys("1"),
                  patients=(LAN, HUNG))
    assert "Số máy này có nhiều người đang được theo dõi. Xin cho biết tổng đài đang hỏi thăm ai. " \
           "là bác Lan thì bấm 1, là bác Hùng thì bấm 2." in texts(result)
    assert "Xin chào bác Hùng." in texts(result)
    assert result.slots["patient"] == 2 and result.slots["answered_by"] == "relative"
    assert answered_patient(outbound(LAN, HUNG), result.slots) == 12
    assert status(result) == "reached"


def test_a_household_member_can_be_chosen_by_name() -> None:
    result = call(keys("1"), ("say", "bác Hùng"), patients=(LAN, HUNG))
    assert result.slots["patient"] == 2


def test_a_key_for_nobody_on_the_household_list_is_asked_again() -> None:
    result = call(keys("1"), keys("5"), keys("1"), patients=(LAN, HUNG))
    assert prompts(result).count("checkin_household") == 2 and result.slots["patient"] == 1


def test_a_warning_sign_escalates_live_as_on_the_inbound_line() -> None:
    result = call(keys("1"), keys("1"), ("say", "tôi khó thở lắm"))
    escalations = [a for a in result.actions if type(a).__name__ == "Escalate"]
    assert escalations and escalations[0].risk in ("high", "emergency") and escalations[0].mode == "live"
    assert result.steps[-1]["event"] == "handoff" and status(result) == "reached"


def test_an_answer_not_understood_asks_the_warning_signs_one_by_one() -> None:
    result = call(keys("1"), keys("1"), ("say", "ờ thì cũng vậy vậy thôi"), keys("2"), keys("2"), keys("1"))
    assert "warning_signs_intro" in prompts(result)
    assert [a.risk for a in result.actions if type(a).__name__ == "Escalate"][:1] == ["high"]


def test_a_low_spo2_read_in_keys_escalates() -> None:
    result = call(keys("1"), keys("1"), keys("2"), keys("1"), keys("93#"), keys("1"))
    assert [a.risk for a in result.actions if type(a).__name__ == "Escalate"][:1] in (["high"], ["emergency"])


@pytest.mark.parametrize("where", [["1"], ["1", "1"], ["1", "1", "2"]])
def test_zero_reaches_a_doctor_at_any_question(where: list[str]) -> None:
    result = call(*[keys(k) for k in where], keys("0"))
    assert [a.reason for a in result.actions if type(a).__name__ == "Escalate"] == [
        "Người nghe máy muốn gặp bác sĩ (cuộc gọi hỏi thăm)"]
    assert result.steps[-1]["event"] == "handoff"


def test_nine_opts_out_after_a_confirmation_and_says_so() -> None:
    result = call(keys("1"), keys("9"), keys("1"))
    assert result.slots["opted_out"] is True and prompts(result)[-1] == "checkin_opted_out"
    assert status(result) == "opted_out"


def test_nine_then_changing_ones_mind_goes_on_with_the_check_in() -> None:
    result = call(keys("1"), keys("9"), keys("2"), keys("1"))
    assert "opted_out" not in result.slots and result.slots["answered_by"] == "patient"


def test_the_flow_validator_still_demands_a_human_at_every_fallback() -> None:
    _, catalog, _, _ = _setup()
    text = (ROOT / "callflows" / "checkin_outbound.yaml").read_text(encoding="utf-8")
    broken = text.replace("fallback: handoff_doctor", "fallback: goodbye")
    with pytest.raises(FlowError) as exc:
        load_flow_text(broken, "broken.yaml", catalog)
    assert any("fallback 'goodbye' hangs up" in p for p in exc.value.problems)
    no_unanswered = text.replace("    unanswered: not_reached\n", "")
    with pytest.raises(FlowError) as exc:
        load_flow_text(no_unanswered, "gate.yaml", catalog)
    assert any("node 'start_gate': missing 'unanswered'" in p for p in exc.value.problems)


def test_outcomes_of_a_phone_that_did_not_answer() -> None:
    assert result_status(answered=False, sip_code=486, rang_out=False, slots={}) == "busy"
    assert result_status(answered=False, sip_code=600, rang_out=False, slots={}) == "busy"
    assert result_status(answered=False, sip_code=480, rang_out=False, slots={}) == "no_answer"
    assert result_status(answered=False, sip_code=408, rang_out=False, slots={}) == "no_answer"
    assert result_status(answered=False, sip_code=487, rang_out=True, slots={}) == "no_answer"
    assert result_status(answered=False, sip_code=503, rang_out=False, slots={}) == "failed"
    assert result_status(answered=False, sip_code=None, rang_out=False, slots={}) == "failed"


def test_pacing_leaves_inbound_its_slots_and_splits_the_rate_over_workers() -> None:
    p = Pacing(max_calls=10, share=0.5, cps=1.0, workers=2)
    assert p.cap == 5 and p.interval_s == 2.0
    assert p.room(active=4) and not p.room(active=5)
    assert not p.due(now=10.0, last_start=9.0) and p.due(now=11.0, last_start=9.0)
    assert Pacing(max_calls=4, share=1.0).cap == 3  # one slot always stays free for a caller


def test_on_a_household_phone_the_chosen_patients_risk_factors_reach_triage() -> None:
    """A cough is mild for bác Lan, but medium for bác Hùng, who has diabetes and is over 65: once the
    relative says the call is about bác Hùng, triage weighs his risk factors, not nobody's."""
    hung = OutboundPatient(id=12, name="Trần Văn Hùng", address_as="bác Hùng",
                           risk_factors=("age_65_plus", "diabetes"))
    about_hung = call(keys("1"), keys("2"), keys("2"), ("say", "ông bị ho với sổ mũi"), patients=(LAN, hung))
    assert about_hung.slots["patient"] == 2
    assert about_hung.risk == "medium"
    about_lan = call(keys("1"), keys("1"), keys("2"), ("say", "bà bị ho với sổ mũi"), patients=(LAN, hung))
    assert about_lan.slots["patient"] == 1
    assert about_lan.risk == "low"


def test_the_only_patient_on_the_phone_brings_risk_factors_too() -> None:
    lan = OutboundPatient(id=11, name="Nguyễn Thị Lan", address_as="bác Lan", risk_factors=("hypertension",))
    result = call(keys("1"), keys("1"), ("say", "tôi hơi ho"), patients=(lan,))
    assert result.risk == "medium"
    assert call(keys("1"), keys("1"), ("say", "tôi hơi ho")).risk == "low"
