"""Warning signs and false alarms by kind (issue 12, session 6: set 3 retired to a dev set). Each test is a
family of phrasings with its guard; the sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()
_ESCALATE = ("high", "emergency")


def _risk(text: str) -> tuple[str, tuple[str, ...], dict[str, float]]:
    u = _NLU.understand(text)
    a = _TRIAGE.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    return a.risk, u.symptoms, dict(u.vitals)


@pytest.mark.parametrize("text", [
    "ba tuần trước tôi bị khó thở một chút bây giờ thì bình thường rồi",
    "hôm kia con bé sốt cao giờ hạ sốt rồi chơi bình thường",
    "đợt trước ông ho ra máu hôm trước bác sĩ bảo không sao giờ hết hẳn",
])
def test_a_past_sign_over_now_in_one_run_of_words(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tuần trước có khó thở giờ vẫn còn khó thở lắm",
    "hôm qua bà sốt cao giờ vẫn chưa hạ",
])
def test_a_past_sign_still_there_stays(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert symptoms, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "nhà tôi không ai bị khó thở hết",
    "chẳng ai trong nhà có môi tím tái gì",
    "không có ai ở nhà bị ho ra máu",
])
def test_nobody_has_the_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


def test_nobody_to_care_is_no_denial_of_the_sign() -> None:
    risk, symptoms, _ = _risk("không ai chăm sóc mẹ tôi mẹ khó thở lắm")
    assert "shortness_of_breath" in symptoms and risk in _ESCALATE


@pytest.mark.parametrize("text", [
    "coi ti vi thấy người ta thở không nổi mà tôi run quá, chứ ba tôi vẫn khỏe",
    "trên facebook có người bị ho ra máu nên tôi hỏi thử",
])
def test_someone_else_seen_or_read_about(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


def test_someone_else_then_the_patient_after_a_contrast() -> None:
    risk, symptoms, _ = _risk("xem ti vi thấy người ta bị tím tái mà giờ môi mẹ tôi cũng tím tái rồi")
    assert "cyanosis" in symptoms and risk == "emergency"


@pytest.mark.parametrize("text", [
    "bác sĩ trạm dặn khi nào thở không nổi thì gọi ngay, giờ ông vẫn ổn",
    "cô y tá hướng dẫn là thấy môi tím thì gọi một một lăm",
])
def test_advice_about_a_sign_is_a_condition(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bác sĩ dặn nằm sấp mà mẹ tôi vẫn khó thở lắm",
    "làm theo hướng dẫn rồi mà bà vẫn khó thở lắm thì phải làm sao",
])
def test_advice_then_a_report_keeps_the_report(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "shortness_of_breath" in symptoms and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "lúc bị khó thở thì có nên nằm sấp không",
    "những người bị ho ra máu thì phải làm sao",
    "khi thấy môi tím thì gọi số nào",
])
def test_a_question_about_a_sign_in_general(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


def test_a_sign_said_with_khi_in_a_report_stays() -> None:
    risk, symptoms, _ = _risk("cứ khi nằm xuống là bà khó thở lắm")
    assert "shortness_of_breath" in symptoms and risk in _ESCALATE


@pytest.mark.parametrize("text", [
    "tôi sợ ông trở nặng nên gọi trước chứ ông vẫn ăn ngủ được",
    "lo là mẹ sẽ bị khó thở nên hỏi trước",
])
def test_a_feared_sign_is_no_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


def test_fear_then_a_report_keeps_the_report() -> None:
    risk, symptoms, _ = _risk("sợ quá mẹ tôi khó thở lắm")
    assert "shortness_of_breath" in symptoms and risk in _ESCALATE


@pytest.mark.parametrize("text", [
    "bà ăn uống ngon miệng không ói mửa gì cả",
    "uống thuốc xong không thấy nôn",
])
def test_a_denied_vomit_after_drinking_is_no_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "cannot_eat_drink" not in symptoms and risk not in _ESCALATE, (text, symptoms, risk)


def test_drinks_that_come_back_still_escalate() -> None:
    risk, symptoms, _ = _risk("uống miếng nước nào là ói ra hết")
    assert "cannot_eat_drink" in symptoms and risk in _ESCALATE


@pytest.mark.parametrize("text", [
    "cái áo màu tím của bà bị bẩn",
    "hộp thuốc màu xanh lè để đâu rồi",
])
def test_a_colour_of_a_thing_is_no_cyanosis(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "cyanosis" not in symptoms, (text, symptoms, risk)


def test_a_colour_of_the_lips_is_still_cyanosis() -> None:
    risk, symptoms, _ = _risk("đo máy xong thấy môi ông màu tím")
    assert "cyanosis" in symptoms and risk == "emergency"


@pytest.mark.parametrize("text", ["nhờ chị đo spo2 dùm mẹ tui được chín tám", "con đo oxy giùm bà chín bảy"])
def test_for_someone_is_never_bent_into_a_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "low_spo2" not in symptoms and risk not in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text, value", [
    ("tôi đếm nhịp thở của ba thì một phút được hai mươi tám lần", 28),
    ("nhịp thở mỗi phút ba mươi hai lần", 32),
])
def test_per_minute_said_before_the_count(text: str, value: float) -> None:
    _, _, vitals = _risk(text)
    assert vitals.get("breathing_rate") == value, (text, vitals)


@pytest.mark.parametrize("text", [
    "con đập cửa hoài mà không nghe ông trả lời",
    "gõ cửa mãi chẳng thấy mẹ lên tiếng gì",
])
def test_no_answer_to_knocking(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mẹ tôi yếu quá không đứng lên được",
    "bố mệt nhiều, đi lại không được nữa",
])
def test_cannot_stand_or_walk_about(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "exhaustion" in symptoms and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text, vital, value", [
    ("đo spo2 ba lần đều chín tư", "spo2", 94),
    ("mạch đo hai bận một trăm hai lăm", "pulse", 125),
    ("ê pê ô hai chín bảy", "spo2", 97),
    ("e pê ô tám chín", "spo2", 89),
])
def test_a_count_of_measurements_and_spo2_spelled_with_a_bare_vowel(text: str, vital: str, value: float) -> None:
    _, _, vitals = _risk(text)
    assert vitals.get(vital) == value, (text, vitals)


def test_a_small_count_per_minute_is_still_no_value() -> None:
    _, _, vitals = _risk("nhịp thở hai lần một phút")
    assert "breathing_rate" not in vitals


@pytest.mark.parametrize("text", [
    "trời ơi tôi lo quá nhưng mẹ tôi vẫn khỏe, ăn uống bình thường",
    "sợ lắm chị ơi mà con đo thì ba vẫn hồng hào, chưa có triệu chứng gì",
])
def test_distress_with_the_patient_said_to_be_fine_raises_no_concern(text: str) -> None:
    assert not _NLU.understand(text).concern, text


@pytest.mark.parametrize("text", [
    "trời ơi bà tôi nằm im không nói gì hôm qua còn bình thường",
    "giời ơi ông cứ nằm im từ sáng",
    "sợ quá ông thở không bình thường",
])
def test_distress_with_fine_only_in_the_past_or_denied_keeps_the_concern(text: str) -> None:
    assert _NLU.understand(text).concern, text


@pytest.mark.parametrize("text", ["bố tôi ho lẫn máu từ tối", "tôi ho ra tia máu", "bà khạc đờm máu"])
def test_blood_brought_up_by_a_cough_is_a_cough_too(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert {"coughing_blood", "cough"} <= set(symptoms) and risk in _ESCALATE, (text, symptoms, risk)
