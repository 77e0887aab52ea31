"""Session 23 (lead): the recognizer writes no "?". A question about when to call a doctor or an ambulance, asked
with a "when" or "how much" word, is a question without it; an "if" plan, a request for the doctor, and a sign said
with the question are not calmed by it."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import Nlu
from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return NLU


@pytest.mark.parametrize("text", [
    "sốt mấy độ thì phải gọi bác sĩ",
    "khi mô thì phải gọi bác sĩ",
    "bao nhiêu độ thì cần gặp bác sĩ vậy",
])
def test_a_when_to_call_the_doctor_question_is_answered(nlu: Nlu, text: str) -> None:
    assert nlu.understand(text).intent == "ask_home_care"


@pytest.mark.parametrize("text", [
    "nếu không đỡ thì phải gọi bác sĩ",      # a plan, not a question
    "cho tui gặp bác sĩ liền",
    "mẹ mệt quá có cần gặp bác sĩ không",    # a symptom with it: a request
])
def test_a_request_for_the_doctor_stays_a_request(nlu: Nlu, text: str) -> None:
    assert nlu.understand(text).intent == "request_doctor"


@pytest.mark.parametrize("text", ["bao giờ phải gọi cấp cứu", "chừng nào cần đi cấp cứu vậy cô"])
def test_a_when_to_call_an_ambulance_question_is_no_emergency(nlu: Nlu, text: str) -> None:
    assert nlu.understand(text).intent != "emergency" and not escalates(text)


@pytest.mark.parametrize("text", [
    "gọi cấp cứu giùm tui",
    "bà tôi khó thở quá bao giờ xe cấp cứu tới",
    "chưa bao giờ thấy ổng thở dốc vậy, gọi cấp cứu giùm",
])
def test_an_emergency_asked_for_stays_an_emergency(nlu: Nlu, text: str) -> None:
    assert flow_risk(text) == "emergency"
