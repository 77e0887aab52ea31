"""Short emergencies that scored "none" (issue 12, session 18, helper n34-none-probes), by kind: a patient's state said
in a word or two after the patient (southern "mê" for unconscious, "đờ ra", a fit said as "lên cơn" or "giựt", "không
nói gì nữa", "đừ"), a call that fails with someone lying there, delirium as talk with the dead, an asthma attack, shock
after a medicine or a fall. Calm twins: "mê" with an object (a liking), "giật mình" at a noise, "giựt" of a toy, "lên
cơn" of a cough or fever, a device that freezes, "ba mẹ rồi" without diacritics, a failed phone call, surprise at news,
a reproach "đừng nói nhảm", sleep-talking, "ngất ngây". Own wordings, not copied from a scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from tests.ivr.nlu.flowrisk import ESCALATE, NLU
from tests.ivr.nlu.flowrisk import flow_risk as _risk

RULES = default_triage()


def _rules_risk(text: str) -> str:
    from ivr.nlu.understander import Nlu
    u = Nlu(model=None).understand(text)
    return str(RULES.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors,
                            intent=u.intent).risk)


@pytest.mark.parametrize("text", [
    # southern "mê": unconscious, after the patient
    "má tôi mê luôn rồi",
    "ông nội mê hẳn",
    "ba nó mê rồi á",
    "ong noi me luon",
    # stupor / collapse after the patient
    "chồng tui đơ ra luôn",
    "cụ gục xuống đất",
    "mẹ em không nói năng gì nữa",
    "ông cứ nằm, không trả lời nữa",
    # a fit said short
    "thằng cu lên cơn nữa",
    "con gái tôi giựt hoài",
    "cháu nó tự nhiên giật tay chân",
    "be len con roi",
    # waking verbs with "không được"
    "lay dậy không được",
    "cụ ngủ từ trưa, đánh thức cũng không được",
    "nằm im trên giường, gọi không được",
    # delirium as talk with the dead
    "bà cụ nói chuyện với người chết cả đêm",
    # a stroke named bare after the patient, a collapse
    "mạ tui đột quỵ rồi",
    "ông ngoại tai biến luôn",
    "cụ bị trụy tim mạch",
    "bà than chóng mặt rồi gục xuống",
])
def test_short_emergency_reaches_emergency_with_rules_alone(text: str) -> None:
    assert _rules_risk(text) == "emergency"
    assert _risk(text) == "emergency"


@pytest.mark.parametrize("text", [
    "ông bị sốc sau khi chích thuốc",      # shock after a medicine
    "bà té cầu thang rồi bị sốc",          # shock after a fall
    "mẹ lên cơn suyễn nặng",               # an asthma attack
    "chị ấy đừ luôn",                      # "đừ" alone of a patient: exhaustion
    "gọi cho ba mấy lần không ai nghe máy", # nobody answers at the patient's home
    "gọi ông không được",                  # a person not answering a call, nothing about a phone
])
def test_short_warning_sign_escalates(text: str) -> None:
    assert _rules_risk(text) in ESCALATE
    assert _risk(text) in ESCALATE


@pytest.mark.parametrize("text", [
    "bà mê coi cải lương",
    "thằng nhỏ giựt cái điều khiển",
    "bé giật mình vì tiếng chó sủa",
    "cái điện thoại của ông đơ rồi",
    "ba me roi, ba me deu khoe",
    "gọi số tổng đài không được",
    "em sốc quá khi biết kết quả",
    "đừng nói nhảm nữa con",
    "cháu hay nói mê khi ngủ",
    "mẹ ngất ngây vì được quà",
    "không gọi được",
    "sốc ghê luôn á",
])
def test_calm_twin_stays_calm(text: str) -> None:
    assert _risk(text) not in ESCALATE


@pytest.mark.parametrize("text", [
    "ông mê đá banh lắm",                                    # a liking
    "mẹ tôi tai biến từ hồi năm kia, giờ tập đi được rồi",   # an old stroke, not closing its clause
])
def test_no_sign_for_the_rules(text: str) -> None:
    # the shipped n-gram model still fears these words (left to the lead's retraining); the rules read no sign
    assert _rules_risk(text) == "none"


@pytest.mark.parametrize("text, sign", [
    ("bé lên cơn sốt", "fever"),
    ("ông lên cơn ho", "cough"),
])
def test_attack_of_cough_or_fever_keeps_its_sign(text: str, sign: str) -> None:
    u = NLU.understand(text)
    assert sign in u.symptoms
    assert "altered_consciousness" not in u.symptoms
