"""Regional negators and inabilities typed or recognized without diacritics, and the last kinds of missed signs
(issue 12, session 7): "hong"/"hông"/"hem" for "không", "mô" for "đâu" after a sign, "noi" for "nổi", an inability
said with "có" ("thở hông có được"), lying on and on without waking, pain on a deep breath, blood pressure said low
in other words, a patient strange today. Each family with its calm look-alikes ("hồng" pink, "mô" tissue, "noi"
to say, "không dậy nổi" is no strength). Sentences written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()
_ESCALATED = ("high", "emergency")


def _risk(text: str) -> tuple[str, tuple[str, ...]]:
    u = _NLU.understand(text)
    a = _TRIAGE.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    return a.risk, u.symptoms


@pytest.mark.parametrize("text", [
    "ba tho hong noi",
    "ma tui tho hong duoc nua",
    "ong tho hem noi",
    "me em tho hong co duoc",
    "thở hông có được",
    "bà thở hổng có nổi",
    "chong toi tho khong co duoc",
    "ba tho hong ra hoi",
])
def test_cannot_breathe_without_diacritics_or_with_co(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "severe_breathlessness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text, absent", [
    ("con hong co co giat", "altered_consciousness"),
    ("ba toi hong bi kho tho", "shortness_of_breath"),
    ("me hong co sot", "fever"),
    ("ong hong thay tim moi", "cyanosis"),
    ("co kho tho mo", "shortness_of_breath"),
    ("ba tui co sot mo, binh thuong", "fever"),
])
def test_regional_negators_without_diacritics_deny(text: str, absent: str) -> None:
    risk, symptoms = _risk(text)
    assert absent not in symptoms and risk not in _ESCALATED, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "moi be hong hao",
    "da ba hong lai roi",
    "mau hong",
    "ba tui noi chuyen binh thuong",
    "me toi noi la khoe",
    "hoa hong nha tui no roi",
])
def test_pink_and_to_say_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATED, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "có, bả nằm hoài hổng dậy",
    "ông ngủ miết không tỉnh",
    "ong ngu miet khong tinh",
    "bà ngủ mãi chẳng dậy",
    "bé ngủ luôn không dậy nữa",
    "mẹ nằm lì không mở mắt",
])
def test_lying_on_without_waking(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mẹ nằm suốt không dậy nổi",
    "ông nằm hoài không dậy được",
    "con ngủ say, không dậy đi học",
    "bà nằm nghỉ, không dậy nổi vì mệt",
])
def test_lying_on_unable_is_no_coma(text: str) -> None:
    _, symptoms = _risk(text)
    assert "altered_consciousness" not in symptoms, (text, symptoms)


@pytest.mark.parametrize("text, sign", [
    ("thở sâu là nhói bên trái", "chest_pain"),
    ("bà hít sâu thì đau", "chest_pain"),
    ("ngực tôi như có vật nặng đè", "chest_pain"),
    ("hit sau la nhoi", "chest_pain"),
    ("huyết áp bố tôi thấp lắm", "low_blood_pressure"),
    ("huyet ap ba toi tut", "low_blood_pressure"),
    ("huyết áp mẹ tụt quá", "low_blood_pressure"),
    ("hôm nay ông nhìn xa xăm, gọi không để ý", "caller_concern"),
    ("mạ em nay kỳ lắm, mắt vô hồn", "caller_concern"),
])
def test_high_kinds(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk in _ESCALATED, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "hít sâu không thấy đau",
    "huyết áp không thấp, bình thường",
    "huyết áp bình thường, nhịp tim thấp",
    "áp lực công việc hạ",
    "ông kỳ lắm, không chịu đi khám",
    "nhà tôi đi tới đi lui mua đồ",
])
def test_high_kinds_look_alikes_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATED, (text, symptoms, risk)


@pytest.mark.parametrize("text, vital, value", [
    # a reading after a temperature said with its tenths is read too (the worst of the two kept)
    ("nhiệt độ sáng ba sáu tám, chiều ba tám", "temperature", 38.0),
    ("nhiệt độ ba sáu tám, sau đó ba tám rưỡi", "temperature", 38.5),
    ("thân nhiệt trưa ba bảy hai, tối ba chín", "temperature", 39.0),
    ("nhiệt độ sáng ba sáu năm, chiều ba bảy", "temperature", 37.0),
    ("nhiệt độ ba sáu tám, mạch tám mươi", "temperature", 36.8),
    # a past reading, then one now: the reading now
    ("hôm kia sốt ba chín độ, nay hết sốt rồi, đo ba sáu độ bảy", "temperature", 36.7),
    ("tuần trước oxy chín hai, nay khỏe lại rồi, oxy chín tám", "spo2", 98.0),
    ("hôm qua nhiệt độ ba tám độ, bây giờ hạ sốt rồi, ba sáu độ rưỡi", "temperature", 36.5),
    # ... also without a word that it is over, when the earlier one was another day (session 21b, n52-s17-readings:
    # the lead's convention from the retired set 17: a worse reading of another day is no dip measured today)
    ("tuần trước oxy chín hai, nay chín tám", "spo2", 98.0),
    ("hôm qua ba tám độ, nay ba sáu độ rưỡi", "temperature", 36.5),
    # ... a worse one said today stays for triage
    ("sáng nay oxy chín hai, giờ chín tám", "spo2", 92.0),
    # ... but a worse reading now is the reading, and two readings of today keep the worst
    ("hôm qua spo2 chín tám, giờ còn chín hai", "spo2", 92.0),
    ("sáng spo2 chín tám, giờ chín tư", "spo2", 94.0),
    ("spo2 chín lăm rồi chín bốn", "spo2", 94.0),
])
def test_later_readings(text: str, vital: str, value: float) -> None:
    u = _NLU.understand(text)
    assert u.triage_vitals().get(vital) == value, (text, dict(u.vitals), dict(u.earlier_worse))


@pytest.mark.parametrize("text, sign", [
    ("ma tui dung hong vung", "exhaustion"),
    ("bé hong chịu bú", "cannot_eat_drink"),
    ("me toi tho hong deu", "shortness_of_breath"),
    ("ba hem an duoc", "cannot_eat_drink"),
    ("ong hong nhan ra ai", "altered_consciousness"),
])
def test_inabilities_with_hong_without_diacritics(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk in _ESCALATED, (text, symptoms, risk)


@pytest.mark.parametrize("text", ["moi hong deu", "da hồng đều", "hoa hong ra bong", "môi hong có tím"])
def test_hong_pink_before_those_words_stays_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATED, (text, symptoms, risk)
