"""The intent rule table (ivr/nlu/intents.py): one example per rule, and the table's own checks."""
from __future__ import annotations

import pytest

from ivr.nlu.analysis import analyse
from ivr.nlu.intents import FACTS, INTENT_RULES, Rule, _check_rules, first_rule
from ivr.nlu.understander import Nlu

YN = ("yes", "no")

# (rule number, utterance, expect, intent and confidence as Nlu.understand reports them:
# +0.05, at most 0.99, when the intent is one the question expects)
EXAMPLES = [
    (1, "dạ", YN, "yes", 0.85),
    (2, "", (), "unknown", 0.0),
    (3, "cứu với", (), "emergency", 0.95),
    (4, "nói lại giùm tôi", (), "repeat", 0.9),
    (5, "cô nói gì tôi nghe không rõ lắm ạ", (), "repeat", 0.75),
    # session 22 (n58-calls10): a polite close where a goodbye is an answer
    (6, "thôi được rồi, cảm ơn chị", ("yes", "goodbye"), "goodbye", 0.85),
    # session 23 (n66-calls12): a line check asked back
    (7, "a lô a lô nghe nghe hông", YN, "repeat", 0.85),
    # session 19 (n39-signs-yesno): presence that comes and goes, no answer at all, a closing after a hum, a state
    (8, "lúc có lúc không", YN, "yes", 0.85),
    (9, "không biết nữa", YN, "unknown", 0.3),
    (10, "vâng cảm ơn thế thôi ạ", YN, "goodbye", 0.8),
    (11, "vẫn tỉnh", YN, "no", 0.85),
    (12, "có", YN, "yes", 0.99),
    (13, "có, tôi có bị ho", YN, "yes", 0.9),
    (14, "uống chưa có", YN, "no", 0.75),
    (15, "tiêm rồi, ba mũi", YN, "yes", 0.75),
    # session 22 (n58-calls10): a question about when to call a doctor
    (16, "bao nhiêu thì phải gọi bác sĩ, uống thuốc gì?", (), "ask_medication", 0.8),
    (17, "khi nào thì cần gặp bác sĩ?", (), "ask_home_care", 0.75),
    (18, "cho tôi gặp bác sĩ", (), "request_doctor", 0.9),
    (19, "uống thuốc gì", (), "ask_medication", 0.85),
    (20, "cách ly bao lâu, uống thuốc gì", (), "ask_isolation", 0.7),
    (21, "tôi mới test nhanh hai vạch", (), "report_positive_test", 0.9),
    (22, "chưa bao giờ ngứa họng", YN, "no", 0.85),
    (23, "như thế nào", (), "ask_home_care", 0.6),
    (24, "nếu con tôi sốt cao thì sao", (), "ask_home_care", 0.7),
    (25, "mệt, tôi gác máy nhé", (), "goodbye", 0.6),
    (26, "tôi bị ho", (), "report_symptoms", 0.9),
    (27, "tạm biệt", (), "goodbye", 0.9),
    (28, "spo2 98", (), "daily_checkin", 0.85),
    (29, "không sốt", (), "daily_checkin", 0.7),
    (30, "cảm ơn", (), "goodbye", 0.8),
    (31, "không biết nữa", (), "unknown", 0.3),  # session 23 (n69-calls13): unsure at an open question
    (32, "không", (), "no", 0.6),
    (33, "tôi bị tiểu đường", (), "report_symptoms", 0.6),
    (34, "ba", ("spo2",), "daily_checkin", 0.6),
    (35, "có, hôm qua", (), "yes", 0.5),
    (36, "con mèo đi đâu mất rồi", (), "unknown", 0.2),
]


def test_every_rule_has_an_example() -> None:
    assert [n for n, *_ in EXAMPLES] == list(range(1, len(INTENT_RULES) + 1))


@pytest.mark.parametrize("number, text, expect, intent, confidence", EXAMPLES)
def test_the_rule_that_decides(number: int, text: str, expect: tuple[str, ...], intent: str,
                               confidence: float) -> None:
    vital = "spo2" if "spo2" in expect else None
    assert first_rule(text, analyse(text, vital), expect) is INTENT_RULES[number - 1]
    u = Nlu().understand(text, expect=expect)
    assert (u.intent, u.confidence) == (intent, confidence)


@pytest.mark.parametrize("rules, message", [
    ((Rule(("lound",), "yes", 0.9), Rule((), "unknown", 0.2)), "intent rule 1: unknown fact 'lound'"),
    ((Rule(("not lead",), "maybe", 0.9), Rule((), "unknown", 0.2)), "intent rule 1: unknown intent 'maybe'"),
    ((Rule((), "unknown", 1.2),), "intent rule 1: confidence 1.2 is not within 0..1"),
    ((Rule(("lead",), "<lead>", 0.5),), "the last intent rule must have no condition"),
])
def test_a_wrong_rule_table_is_refused(rules: tuple[Rule, ...], message: str) -> None:
    with pytest.raises(ValueError) as err:
        _check_rules(rules)
    assert str(err.value) == message


def test_facts_are_the_yes_no_properties() -> None:
    assert {"lead", "bare", "symptoms", "emergency", "question"} <= FACTS
    assert "lead_match" not in FACTS and "asks" not in FACTS
