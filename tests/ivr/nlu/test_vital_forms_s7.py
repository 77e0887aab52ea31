"""Vital readings by kind, session 8 (issue 12): recognizer-style number text, readings inside a sentence and vital
names said other ways, each family with calm look-alikes that must stay unread (conventions: test_vital_forms.py)."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.normalize import content_tokens, tokenize
from ivr.nlu.numbers import find_numbers
from tests.ivr.nlu.test_vital_forms import DIA, NLU, SYS, B, P, S, T, _at, _check


def _values(text: str) -> list[float]:
    return [n.value for n in find_numbers(content_tokens(tokenize(text)))]


# --- a figure, then a digit word: the shorthand of its tens, as with two digit words --------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("9 hai", S, {S: 92}), ("oxy 9 hai", None, {S: 92}), ("3 tám độ", T, {T: 38}), ("spo2 8 chín", None, {S: 89}),
    ("9 ba phần trăm", S, {S: 93}), ("mạch 9 sáu", None, {P: 96}), ("sốt 3 chín độ rưỡi", None, {T: 39.5}),
])
def test_a_figure_before_a_digit_word(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, values", [
    ("tôi 2 ba ngày nay bị ho", [23]), ("1 hai", [1, 2]), ("2 ba mươi", [2, 30]), ("5 một trăm", [5, 100]),
    ("0 hai", [0, 2]), ("9 không", [9]),
])
def test_a_figure_and_a_digit_word_that_are_no_shorthand(text: str, values: list[float]) -> None:
    """"1 hai" (one, two), a digit word that starts a number of its own and a "không" (no) stay apart."""
    assert _values(text) == values


def test_a_figure_and_a_digit_word_before_a_count_are_no_reading() -> None:
    assert _at("ho 2 ba ngày nay", None) == {}
    assert _at("uống 2 ba viên", S) == {}


# --- "độ" with a recognizer's other marks as the point before the tenths -------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba chín đô năm", T, {T: 39.5}), ("sốt ba tám dộ hai", None, {T: 38.2}), ("ba tám đọ bảy", T, {T: 38.7}),
    ("nhiệt độ ba chín đồ hai", None, {T: 39.2}), ("ba tám độ ruỗi", T, {T: 38.5}), ("ba chín rữi", T, {T: 39.5}),
])
def test_the_degree_word_and_the_half_misheard(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("chín hai đo hai lần", S, {S: 92}), ("ba tám đo lại ba chín", T, {T: 39}), ("mua chín đô", None, {}),
    ("đồ ăn hai hộp", None, {}), ("ba chín đô la", None, {}),
])
def test_measure_and_other_words_are_no_point(text: str, vital: str | None, want: dict[str, float]) -> None:
    """"đo" (measure) is never a point; "đô", "đồ" away from a number and its tenths are words."""
    _check(text, vital, want)


# --- "sau": six only in text typed without diacritics ---------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("đo oxy hai lần, lần đầu chín lăm, lần sau chín ba", None, {S: 93}),
    ("lúc sau chín hai", S, {S: 92}), ("mạch lúc đầu tám mươi, lát sau một trăm hai", None, {P: 120}),
    ("sau muoi", P, {P: 60}), ("mach sau lam", None, {P: 65}), ("sau mươi", P, {P: 60}),
])
def test_sau_is_after_in_text_with_diacritics(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- vital names typed without diacritics ---------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("so pe o hai chin hai", {S: 92}), ("so pe o chin hai", {S: 92}), ("xo pe o hai tam tam", {S: 88}),
    ("ốc xy chín hai", {S: 92}), ("óc xi tám chín", {S: 89}), ("oc xy chin ba", {S: 93}),
    ("ap huyet tam muoi tren nam muoi", {SYS: 80, DIA: 50}), ("áp huyết tám lăm trên năm lăm", {SYS: 85, DIA: 55}),
])
def test_vital_names_said_and_typed_other_ways(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text", [
    "so pe o hai la gi", "ap huyet cao", "óc xi măng", "tôi ăn ốc", "so sánh hai cái",
])
def test_vital_names_without_a_value_read_nothing(text: str) -> None:
    assert _at(text, None) == {}, text


def test_low_blood_pressure_named_without_diacritics_is_the_warning_sign() -> None:
    assert "low_blood_pressure" in NLU.understand("ap huyet tam muoi tren nam muoi").symptoms
    assert "low_blood_pressure" not in NLU.understand("ap huyet mot tram hai tren tam muoi").symptoms


# --- a clock time or a count between the vital's name and its value -----------------------------------------
@pytest.mark.parametrize("text, want", [
    ("con đo ô xy cho mẹ, lúc chín giờ tối được chín hai", {S: 92}),
    ("oxy của bà, sáng nay lúc sáu giờ rưỡi con đo thì được tám chín", {S: 89}),
    ("nhịp thở ông tôi, đo lúc 7h sáng, đếm được hai tám lần", {B: 28}),
    ("sốt liền ba ngày nay, sáng nay đo lại còn ba tám độ rưỡi", {T: 38.5}),
    ("mạch của mẹ, lúc mười giờ đêm qua con đếm được một trăm ba mươi", {P: 130}),
])
def test_a_time_between_the_name_and_the_value(text: str, want: dict[str, float]) -> None:
    _check(text, want=want, vital=None)


@pytest.mark.parametrize("text", [
    "con đo ô xy cho mẹ lúc chín giờ tối", "sốt ba ngày nay, uống thuốc lúc tám giờ rồi",
    "oxy thì con chưa đo, lúc tám giờ con gọi lại", "mạch thì không biết, bà tám mươi hai tuổi rồi",
])
def test_a_time_alone_is_no_value(text: str) -> None:
    assert _at(text, None) == {}, text


# --- a reading of someone else in the family after the caller's own: the later (and worse) one ---------------
@pytest.mark.parametrize("text, vital, want", [
    ("tui đo oxy chín bảy, còn ba tui thì có chín mốt", None, {S: 91}),
    ("con chín tám, còn mẹ con thì chín hai", S, {S: 92}),
    ("oxy của em chín bảy, còn ông nội em chỉ có tám tám", None, {S: 88}),
    ("tôi sốt ba bảy độ rưỡi, còn bà nhà tôi thì ba chín độ", None, {T: 39}),
    ("mạch tôi tám mươi, còn chồng tôi thì một trăm ba mươi", None, {P: 130}),
])
def test_a_relatives_reading_after_the_callers_own(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, want", [
    ("oxy tôi chín bảy, còn ba tôi thì tám mươi hai tuổi rồi", {S: 97}),
    ("oxy chín tám, nhà con có năm người", {S: 98}),
    ("mạch tám mươi, còn ba tôi thì khỏe", {P: 80}),
])
def test_an_age_or_a_count_of_the_family_is_no_second_reading(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- recognizer slips of number words said only one way (each no other word) -------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("trín lăm", S, {S: 95}), ("oxy trín hai", None, {S: 92}), ("chín bón", S, {S: 94}), ("chín mươi bón", S, {S: 94}),
    ("một trằm hai", P, {P: 120}), ("mạch một trằm ba mươi", None, {P: 130}),
])
def test_more_slips_of_number_words(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital", [
    ("táo bón", None), ("bị táo bón ba ngày", T), ("một trằm", None), ("trín", None), ("ba bọn nó", S),
])
def test_slips_of_number_words_stay_words_elsewhere(text: str, vital: str | None) -> None:
    assert _at(text, vital) == {}, text


# --- a correction typed without diacritics ------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("oxy chin muoi hai a khong chin muoi bon", None, {S: 94}), ("chin hai a nham chin bon", S, {S: 94}),
    ("mot tram hai a lon mot tram muoi", P, {P: 110}), ("ba chin do a khong ba tam do", T, {T: 38}),
    ("spo2 chin bay a khong chin hai", None, {S: 92}),
])
def test_a_correction_typed_without_diacritics(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("oxy chin lam, chin bon", None, {S: 94}), ("chin tam a, chin bon", S, {S: 94}),
    ("chin hai khong sao a", S, {S: 92}),
])
def test_two_readings_without_a_correction_keep_the_worst(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- the risk follows the reading (triage.md: SpO2 < 94 emergency, <= 96 high; breathing >= 20 high, ...) ------
@pytest.mark.parametrize("text, vital, risk", [
    ("oxy 9 hai", None, "emergency"), ("so pe o hai chin tu", None, "high"),
    ("con đo ô xy cho mẹ, lúc chín giờ tối được chín ba", None, "emergency"),
    ("tui đo oxy chín bảy, còn ba tui thì có chín mốt", None, "emergency"),
    ("ap huyet tam muoi tren nam muoi", None, "high"), ("trín lăm", S, "high"), ("9 tám", S, "none"),
    ("oxy chin muoi hai a khong chin muoi tam", None, "none"), ("ba chín đô năm", T, "medium"),
    ("đo oxy hai lần, lần đầu chín lăm, lần sau chín ba", None, "emergency"),
])
def test_the_risk_follows_the_reading(text: str, vital: str | None, risk: str) -> None:
    u = NLU.understand(text, expect=["repeat", vital] if vital else None)
    got = default_triage().assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    assert got.risk == risk, (text, u.vitals, u.symptoms)


# --- a vital's name of two words or more with one word misheard ---------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("nhiêt độ ba chín", {T: 39}), ("nhịp thớ hai tám", {B: 28}), ("nhịp thở hai tám lần", {B: 28}),
    ("huyêt áp tám mươi trên năm mươi", {SYS: 80, DIA: 50}), ("huyết áp tám mươi chên năm mươi", {SYS: 80, DIA: 50}),
    ("ốt xi chín hai", {S: 92}), ("nồng đọ oxy chín ba", {S: 93}), ("nhịp tìm một trăm ba", {P: 130}),
])
def test_a_vital_name_misheard_in_one_word(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text", [
    "bệnh tìm mạch tám năm nay", "nhiệt tình lắm, ba người giúp", "hết áp lực rồi, hai đứa đi học",
    "tim mạc ba năm rồi",
])
def test_words_near_a_vital_name_read_nothing(text: str) -> None:
    assert _at(text, None) == {}, text


def test_a_misheard_blood_pressure_name_makes_a_low_pair_the_warning_sign() -> None:
    assert "low_blood_pressure" in NLU.understand("huyêt áp tám mươi trên năm mươi").symptoms
