"""Mild and so-so answers to the check-in question (issue 12, session 19, n38-mild-checkin, with
tests/data/utterances_s19_mild.jsonl): hedged mild complaints ("cũng hơi mệt", "mệt mệt thôi con ạ"), so-so answers
("cũng tạm được", "như hôm qua"), the idiom "ho hen" (coughing a bit, not asthma) and "chút xíu" without diacritics
(a tiny bit, no faint). Each kind has escalating twins (the same hedge with a warning sign, worried relatives).
Examples are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import calm_hedged
from tests.ivr.nlu.flowrisk import NLU, escalates


def _calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "dạ ông cũng hơi mệt thôi ạ", "tui thì cũng mệt mệt chút à", "bà cũng mỏi mỏi, mệt tí thôi nghen",
    "mạ cũng hơi nhức đầu chút thôi", "cung met met ti thoi", "con cũng sổ mũi chút thôi nha",
    "dạ cũng đau họng tí thôi bác", "ba tui vẫn còn ho chút chút",
])
def test_a_hedged_mild_complaint_is_not_escalated(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "dạ cũng tạm được ạ", "tàm tạm thôi nghen", "bà vẫn như hôm qua thôi", "cung tam duoc a",
    "ông cũng thường thôi, ăn hơi kém", "dạ như mọi ngày", "cũng tạm, ngủ không ngon lắm",
])
def test_a_so_so_answer_is_not_escalated(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "bà cũng ho hen tí thôi", "ổng ho hen chút đỉnh", "cung ho hen chut xiu",
])
def test_ho_hen_is_a_cough_not_asthma(text: str) -> None:
    u = NLU.understand(text)
    assert "cough" in u.symptoms and "lung_disease" not in u.risk_factors, (text, u.symptoms, u.risk_factors)
    _calm(text)


@pytest.mark.parametrize("text", ["bà tôi bị hen", "ông có hen suyễn", "bà bị ho hen suyễn lâu năm",
                                  "ông bị hen phế quản"])
def test_asthma_stays_a_risk_factor(text: str) -> None:
    assert "lung_disease" in NLU.understand(text).risk_factors, text


@pytest.mark.parametrize("text", ["dau hong chut xiu", "so mui ti xiu thoi", "ho it xiu"])
def test_a_tiny_bit_without_diacritics_is_no_faint(text: str) -> None:
    assert "altered_consciousness" not in NLU.understand(text).symptoms, text
    _calm(text)


@pytest.mark.parametrize("text", [
    "dạ ông cũng hơi mệt, mà thở hơi khó", "tui cũng mệt mệt, môi hơi tím", "cũng tàm tạm, nhưng bà lơ mơ từ sáng",
    "cũng ho hen chút, mà ho ra máu", "mệt lả, không dậy nổi", "cũng mệt tí, mà thở không ra hơi",
    "cũng tạm, mà nhà tui thấy bả không ổn", "mệt lắm, khác hẳn mọi ngày", "ngất xỉu chút xíu rồi tỉnh",
    "met xiu luon", "cũng hơi mệt, tức ngực chút", "hơi mệt mà môi tái",
    "ba cung met moi hoi tim", "met met moi hoi tai",
])
def test_the_same_hedges_with_a_warning_sign_still_escalate(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text, calm", [
    ("cũng hơi mệt", True), ("dạ bà cũng tạm được con ạ", True), ("ho hen chút thôi nghen", True),
    ("cũng hơi mệt, lả cả người", False), ("ông cũng mệt, cứ ngáp ngáp", False), ("cũng mệt, thở khó", False),
])
def test_the_model_is_silent_only_when_every_word_is_a_calm_hedge(text: str, calm: bool) -> None:
    u = NLU.understand(text)
    assert calm_hedged(text, [s for s in u.symptoms if s != "model_warning"]) is calm, (text, u.symptoms)
