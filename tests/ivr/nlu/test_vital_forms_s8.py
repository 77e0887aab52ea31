"""Vital readings by kind, session 10 (issue 12, helper n12-vitals, prompted by tests/data/vitals_s11.jsonl and
utterances_s11_numbers.jsonl): a value cut short at its tens and said again in full, a correction that says who
misread it, a range "twenty, twenty-five" said as one run, "một" and "trăm" both misheard, SpO2 read as "sờ pô hai",
a low blood pressure said by its upper and lower names; each family with calm look-alikes (conventions:
test_vital_forms.py)."""
from __future__ import annotations

import pytest

from ivr.nlu.normalize import content_tokens, tokenize
from ivr.nlu.numbers import find_numbers
from tests.ivr.nlu.test_vital_forms import NLU, B, P, S, T, _check, _check_triage


def _values(text: str) -> list[float]:
    return [n.value for n in find_numbers(content_tokens(tokenize(text)))]


# --- a value cut short at its tens, then said again in full after a hesitation: the full one ------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín mươi… chín mươi hai", S, {S: 92}), ("chín mươi… à chín mốt", S, {S: 91}),
    ("oxy chín mươi… chín mươi… chín mươi sáu", None, {S: 96}), ("chin muoi, chin muoi ba", S, {S: 93}),
    ("dạ em đo ô xi được chín mươi, ờ chín mươi lăm", None, {S: 95}), ("tám mươi… tám mươi chín", S, {S: 89}),
    ("spo2 chín chục… chín mươi tư", None, {S: 94}),
])
def test_a_value_said_again_in_full_is_the_value(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a range or two readings keep the worst: words of a range around them, words between, another tens
    ("chín mươi, chín mốt gì đó", S, {S: 90}), ("khoảng chín mươi, chín hai", S, {S: 90}),
    ("chín mươi rồi chín bảy", S, {S: 90}), ("chín mươi, tám mươi chín", S, {S: 89}),
    ("sáng chín mươi, giờ chín sáu", S, {S: 90}), ("chín mươi hay chín mốt chi đó", S, {S: 90}),
    ("chín lăm, chín bảy", S, {S: 95}),
])
def test_a_range_or_two_readings_are_no_restart(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


# --- a correction that says who misread the value and how: the later value ------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ô xi chín tám, à không, em nhìn lộn, chín tư", None, {S: 94}), ("chín tám, tui đọc nhầm, chín hai", S, {S: 92}),
    ("nhiệt độ ba chín, à con coi lộn, ba tám độ rưỡi", None, {T: 38.5}),
    ("mạch trăm hai, em đọc sai, trăm mốt", None, {P: 110}), ("chín bảy, để coi lại, chín ba", S, {S: 93}),
    ("nhịp thở hai mươi, cháu nói lộn, hai mươi tám", None, {B: 28}),
    ("chín sáu, ông nhìn kỹ lại, chín hai", S, {S: 92}),
])
def test_a_correction_naming_who_misread(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a new measure is no correction (two measures keep the worst), nor is a person alone between two readings
    ("chín hai, em đo lại, chín sáu", S, {S: 92}), ("oxy chín hai, mẹ em chín tám", None, {S: 92}),
    ("chín ba, em nhìn thấy chín bảy", S, {S: 93}), ("ba tám độ, con đo lại ba chín độ", T, {T: 39}),
    ("mạch trăm ba, ông đếm lại trăm mốt", None, {P: 130}),
])
def test_a_new_measure_or_a_person_is_no_correction(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


# --- a range said as one run, "hai mươi hai lăm": twenty, twenty-five (the worse end kept where the ends differ in
# risk, the last value where they do not: session 22b, n60-s19-readings) ----------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("khoảng hai mươi hai lăm", B, {B: 25}), ("nhịp thở ba mươi ba lăm lần một phút", None, {B: 35}),
    ("chín mươi chín mốt gì đó", S, {S: 91}), ("hai mươi hai tư nhịp", B, {B: 24}),
    ("mạch bốn mươi bốn lăm", None, {P: 45}), ("ba mươi ba nhăm", B, {B: 35}),
])
def test_a_range_said_as_one_run(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, values", [
    ("hai mươi hai", [22]), ("ba mươi ba tuổi", [33]), ("hai mươi hai lần", [22]), ("chín mươi chín", [99]),
    ("hai mươi ba lăm", [23]), ("hai mươi hai năm", [22, 5]),
])
def test_whole_numbers_are_no_range(text: str, values: list[float]) -> None:
    """Only the same tens digit then a units-only word ("lăm", "mốt", "tư", "nhăm") is the shorthand of a range."""
    assert _values(text) == values


# --- "một" and "trăm" both misheard ("mọt chăm"), SpO2 read "sờ pô hai" ------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("mọt chăm ba mươi", P, {P: 130}), ("mạch mọt chăm hai tám", None, {P: 128}), ("mọt chăm mốt", P, {P: 110}),
    ("nhịp tim mọt chăm hai lăm", None, {P: 125}), ("mốt chăm hai", P, {P: 120}),
    ("sờ pô hai chín mươi ba", None, {S: 93}), ("xờ pô chín lăm", None, {S: 95}), ("so po hai chin muoi ba", None,
                                                                                   {S: 93}),
    ("ét pô hai tám mươi tám", None, {S: 88}),
])
def test_one_hundred_and_spo2_said_other_ways(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, values", [
    ("mọt sách", []), ("con mọt", []), ("hài chăm ba", []), ("mà chăm hai đứa", [2]), ("một chăm hai", [120]),
])
def test_look_alikes_of_one_hundred(text: str, values: list[float]) -> None:
    """Only a misheard "một" (1) before a misheard "trăm" makes a hundred; "chăm" (to care) stays a word."""
    assert _values(text) == values


# --- a low blood pressure said by its upper and lower names --------------------------------------------------
@pytest.mark.parametrize("text", [
    "tôi đo huyết áp tối đa chín mươi lăm tối thiểu năm mươi lăm", "huyết áp mẹ tối đa tám mươi, tối thiểu năm chục",
    "huyết áp tâm thu tám lăm, tâm trương sáu mươi", "huyet ap toi da tam muoi toi thieu nam muoi",
    "huyết áp tối thiểu năm mươi thôi",
])
def test_a_low_blood_pressure_by_its_names_is_the_sign(text: str) -> None:
    assert "low_blood_pressure" in NLU.understand(text).symptoms, text


@pytest.mark.parametrize("text", [
    "huyết áp tối đa một trăm hai, tối thiểu tám mươi", "huyết áp tâm thu một trăm mười, tâm trương bảy mươi",
    "liều tối đa tám mươi mi li gam một ngày", "uống tối thiểu năm mươi viên",
    "huyết áp tối đa chín mươi, tối thiểu sáu mươi",
])
def test_a_normal_blood_pressure_or_no_blood_pressure_is_no_sign(text: str) -> None:
    assert "low_blood_pressure" not in NLU.understand(text).symptoms, text


# --- a correction, then the words of a new look at the device: the later value -------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("nhịp thở mười tám, à không, đếm lại được hai mươi hai", None, {B: 22}),
    ("chín hai, không, đo lại được chín sáu", S, {S: 96}), ("oxy chín tám, nhầm, nhìn lại thấy chín ba", None, {S: 93}),
    ("mạch trăm mốt, à lộn, đếm lại thì trăm hai lăm", None, {P: 125}),
    ("ba chín độ, em nhìn lộn, coi lại là ba tám độ rưỡi", T, {T: 38.5}),
])
def test_a_correction_then_a_new_look(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("chín hai, em đo lại được chín sáu", S, {S: 92}), ("chín hai, không sao, đo lại được chín sáu", S, {S: 92}),
    ("mạch trăm ba, đếm lại thì trăm mốt", None, {P: 130}), ("ba chín độ, đo lại được ba tám độ", T, {T: 39}),
    ("chín hai, không mệt, đo lại được chín bảy", S, {S: 92}),
])
def test_a_new_measure_without_a_correction_keeps_the_worst(text: str, vital: str | None,
                                                            want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


# --- a lone "ba" (dad) between the vital's name and its value keeps the name ----------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("con đo cho ba, ô xi ba được chín bốn", None, {S: 94}), ("ô xi ba chín mươi mốt", None, {S: 91}),
    ("nhịp thở ba hăm tám cái", None, {B: 28}), ("nhiệt độ ba ba chín độ", None, {T: 39}),
    ("mạch ba được một trăm hai lăm", None, {P: 125}),
])
def test_a_father_between_the_name_and_the_value(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("ô xi ba lần đều chín bảy", None, {S: 97}), ("sốt ba ngày, ba tám độ", None, {T: 38}),
    ("ba tui khỏe, không đo", None, {}), ("nhịp thở ba mươi hai", None, {B: 32}),
    ("ô xi ba, mạch tám tám", None, {P: 88}),
])
def test_three_as_a_count_or_a_number_stays(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a blood pressure said in cmHg ("mười hai trên tám": 120/80) ---------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("mười hai trên tám", "systolic_bp", {"systolic_bp": 120, "diastolic_bp": 80}),
    ("huyết áp 12/8", None, {"systolic_bp": 120, "diastolic_bp": 80}),
    ("huyết áp mẹ tui chín trên sáu", None, {"systolic_bp": 90, "diastolic_bp": 60}),
    ("huyet ap muoi hai tren tam", None, {"systolic_bp": 120, "diastolic_bp": 80}),
    ("huyết áp mười bốn trên chín", None, {"systolic_bp": 140, "diastolic_bp": 90}),
    ("dạ tám trên năm", "systolic_bp", {"systolic_bp": 80, "diastolic_bp": 50}),
])
def test_a_blood_pressure_in_cmhg(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("ngày 12/8 em test dương tính", None, {}), ("mười hai trên tám", None, {}), ("tháng 12/8 ngày", None, {}),
    ("huyết áp 120/80", None, {"systolic_bp": 120, "diastolic_bp": 80}), ("tám trên mười hai", "systolic_bp", {}),
])
def test_small_pairs_that_are_no_cmhg_reading(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_a_low_blood_pressure_in_cmhg_is_the_sign() -> None:
    assert "low_blood_pressure" in NLU.understand("huyết áp tụt còn tám trên năm").symptoms
    assert "low_blood_pressure" not in NLU.understand("huyết áp mười hai trên tám").symptoms


# --- at the blood pressure question, a pause before the joining words ----------------------------------------
@pytest.mark.parametrize("text, want", [
    ("trên một trăm mười, dưới bảy mươi", {"systolic_bp": 110, "diastolic_bp": 70}),
    ("số trên một trăm hai, số dưới tám mươi", {"systolic_bp": 120, "diastolic_bp": 80}),
    ("một trăm, với sáu mươi lăm", {"systolic_bp": 100, "diastolic_bp": 65}),
    ("tám lăm, chia năm mươi", {"systolic_bp": 85, "diastolic_bp": 50}),
    ("một trăm ba mươi, tám mươi", {"systolic_bp": 130, "diastolic_bp": 80}),
])
def test_a_pause_before_the_joining_words(text: str, want: dict[str, float]) -> None:
    _check(text, "systolic_bp", want)


# --- after "độ", a digit that starts a number of its own is no tenths ----------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba mươi chín độ hai mươi phút trước", T, {T: 39}), ("sốt ba tám độ hai mươi phút trước", None, {T: 38}),
    ("ba chín độ, mười phút sau đo lại", T, {T: 39}), ("sốt ba tám độ ba mươi phút trước", None, {T: 38}),
    ("ba tám độ một trăm lần", T, {T: 38}),
])
def test_a_number_after_the_degree_word_is_no_tenths(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("ba tám độ hai", T, {T: 38.2}), ("ba chín độ mốt", T, {T: 39.1}), ("sốt ba tám độ tư", None, {T: 38.4}),
    ("ba bảy độ rưỡi", T, {T: 37.5}), ("38 độ 5", T, {T: 38.5}),
])
def test_tenths_after_the_degree_word_stay(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- the percentage of a battery or a discount is no SpO2 ----------------------------------------------------
@pytest.mark.parametrize("text, vital", [
    ("điện thoại em hết pin còn chín mươi hai phần trăm", None), ("pin máy đo còn chín mươi phần trăm", None),
    ("pin máy đo còn chín mươi phần trăm", S), ("giảm giá chín mươi phần trăm", None),
    ("sạc pin được tám mươi lăm phần trăm rồi", None), ("tỉ lệ khỏi bệnh chín mươi chín phần trăm", None),
])
def test_a_percentage_of_something_else_is_no_reading(text: str, vital: str | None) -> None:
    _check(text, vital, {})


@pytest.mark.parametrize("text, vital, want", [
    ("pin còn chín mươi hai phần trăm, ô xi chín lăm phần trăm", None, {S: 95}),
    ("pin yếu mà đo vẫn được chín hai phần trăm", None, {S: 92}), ("ô xi giảm còn chín hai phần trăm", None, {S: 92}),
    ("chắc chắn chín mươi hai phần trăm", S, {S: 92}), ("điện thoại hết pin, ô xi chín hai phần trăm", None, {S: 92}),
])
def test_a_percentage_measured_stays_the_spo2(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("mạch một trâm hai", None, {P: 120}), ("một trâm mốt", P, {P: 110}), ("nhịp tim một trâm ba mươi", None, {P: 130}),
    ("chị trâm đo cho em", None, {}), ("trâm hai", P, {}),
])
def test_a_hundred_heard_as_tram(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- "nhịp" that names the next reading is no per-minute unit of the value before it --------------------------
@pytest.mark.parametrize("text, want", [
    ("ô xi 94 mạch 105 nhiệt độ 37,8 nhịp thở 22", {S: 94, P: 105, T: 37.8, B: 22}),
    ("nhiệt độ ba tám độ hai nhịp tim chín mươi", {T: 38.2, P: 90}),
    ("ba tám độ rưỡi nhịp thở hăm tư", {T: 38.5, B: 24}), ("mạch chín mươi nhịp, nhịp thở hai hai", {P: 90, B: 22}),
    ("nhiệt độ ba bảy nhịp thở hai mươi", {T: 37, B: 20}),
])
def test_the_next_vitals_name_is_no_unit(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, want", [
    ("hai mươi nhịp thở", {B: 20}), ("thở hai mươi nhịp", {B: 20}), ("nhịp thở hai mươi nhịp một phút", {B: 20}),
    ("tim đập một trăm hai mươi nhịp", {P: 120}), ("một trăm hai mươi nhịp tim", {P: 120}),
])
def test_a_rate_and_its_own_name_stay(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- one change "from X to Y": the value it came to ----------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ô xi tăng từ chín mốt lên chín sáu", None, {S: 96}),
    ("nhiệt độ giảm từ ba chín xuống ba bảy rưỡi", None, {T: 37.5}),
    ("ô xi của ông tụt từ chín lăm xuống chín mốt", None, {S: 91}), ("từ chín sáu xuống chín hai", S, {S: 92}),
    ("sốt từ ba chín độ xuống ba bảy độ", None, {T: 37}), ("mạch từ trăm ba xuống còn chín chục", None, {P: 90}),
])
def test_a_change_from_one_value_to_another(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("ô xi chín mốt rồi lên chín sáu", None, {S: 91}), ("từ sáng nay chín mốt, giờ lên chín sáu", S, {S: 91}),
    ("chín mốt, chín sáu", S, {S: 91}), ("ô xi từ sáng chín hai, chiều chín bảy", None, {S: 92}),
    ("sốt ba chín độ, giờ xuống ba bảy độ", None, {T: 39}),
    # session 21b (n52-s17-readings): a worse reading of another day is no dip today (the lead's set-17 convention)
    ("từ hôm qua chín mốt, nay lên chín sáu", S, {S: 96}),
])
def test_two_readings_without_one_change_keep_the_worst(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


# --- a digit word with its vowel misheard ("hay" 2, "sáo" 6, "bốm" 4), "mươi" heard as "mưa" ---------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín mươi hay", S, {S: 92}), ("chín hay", S, {S: 92}), ("chín mươi sáo", S, {S: 96}), ("chín sáo", S, {S: 96}),
    ("chín mươi bốm", S, {S: 94}), ("hay mươi tám", B, {B: 28}), ("một trăm hay mươi", P, {P: 120}),
    ("chín mưa hai", S, {S: 92}), ("ô xi chín mưa sáu phần trăm", None, {S: 96}), ("ba tám độ ruỡi", T, {T: 38.5}),
])
def test_number_words_with_a_vowel_misheard(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, values", [
    ("ba hay ho", [3]), ("mẹ hay sốt", []), ("chín hay mười", [9, 10]), ("chín mươi hay chín mốt", [90, 91]),
    ("hai hay ba ngày", [2, 3]), ("tám hay sao", [8]), ("chín hay không", [9]), ("trời mưa hai ngày", [2]),
    ("ba mưa", [3]), ("năm mưa to", [5]), ("sáo trúc", []),
])
def test_look_alikes_of_misheard_vowels(text: str, values: list[float]) -> None:
    """"hay" (or, often) before a number word, after "ba" or before a question word, and "mưa" (rain) without a
    digit word on both sides, stay words."""
    assert _values(text) == values


# --- a number word cut in two inside the word by a recognizer ("chí n", "mươ i") ---------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ô xi chín mươ i hai", None, {S: 92}), ("ô xi chí n mươi hai", None, {S: 92}), ("tră m hai", P, {P: 120}),
    ("mạch một tră m ba mươi", None, {P: 130}), ("nhiệt độ ba mươ i tá m độ", None, {T: 38}),
    ("nhịp thở hai mươ i bố n", None, {B: 24}),
])
def test_a_number_word_cut_in_two(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, values", [
    ("ba i", [3]), ("mẹ i", []), ("ở nhà i", []), ("hai i", [2]), ("chín mươi hai", [92]), ("lă m", []),
])
def test_words_and_letters_that_are_no_cut_number_word(text: str, values: list[float]) -> None:
    """A number word followed by a letter keeps its value alone; other words with a letter are no number."""
    assert _values(text) == values


# --- a vague value of some tens, every one of them calm for its vital: no reading ------------------------------
@pytest.mark.parametrize("text, vital", [
    ("tám mươi mấy", P), ("mạch bảy mấy", None), ("sáu mươi mấy", P), ("nhịp thở mười mấy", None),
    ("mười mấy lần", B), ("nhịp tim chín mươi mấy", None),
])
def test_a_vague_calm_value_is_no_reading(text: str, vital: str | None) -> None:
    _check(text, vital, {})


@pytest.mark.parametrize("text, vital, want", [
    ("tám mấy", S, {S: 85}), ("con gắn máy vô thì nó chỉ có tám mấy", None, {S: 85}),
    ("hai mươi mấy", B, {B: 25}), ("bốn mươi mấy", P, {P: 45}), ("thở ba mươi mấy lần một phút", None, {B: 35}),
    ("mạch tám mươi mấy, ô xi chín hai", None, {S: 92}),
])
def test_a_vague_value_that_may_be_alarming_stays(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, want", [
    ("mười hai tám", {"systolic_bp": 120, "diastolic_bp": 80}),
    ("mười hai với tám", {"systolic_bp": 120, "diastolic_bp": 80}),
    ("dạ mười một bảy", {"systolic_bp": 110, "diastolic_bp": 70}),
    ("chín, sáu", {"systolic_bp": 90, "diastolic_bp": 60}),
    ("mười bốn chia chín", {"systolic_bp": 140, "diastolic_bp": 90}),
])
def test_a_blood_pressure_in_cmhg_at_its_question_without_a_separator(text: str, want: dict[str, float]) -> None:
    _check(text, "systolic_bp", want)


@pytest.mark.parametrize("text, vital, want", [
    ("mười hai tám", S, {}), ("huyết áp mười hai tám", None, {}), ("một trăm hai tám mươi", "systolic_bp",
                                                                   {"systolic_bp": 120, "diastolic_bp": 80}),
    ("chín sáu", "systolic_bp", {"systolic_bp": 96}), ("tám, mười hai", "systolic_bp", {}),
])
def test_small_pairs_elsewhere_stay_as_they_were(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- which measure ("lần một", "lần thứ hai") is no value and no first digit of the value after it ---------------
@pytest.mark.parametrize("text, vital, want", [
    ("ô xi đo hai lần, lần một chín tư, lần hai chín sáu", None, {S: 94}),
    ("ô xi lần một chín bảy lần hai chín ba", None, {S: 93}), ("lần thứ hai chín sáu", S, {S: 96}),
    ("đo lần thứ hai thì chín sáu", None, {S: 96}), ("thở hai mươi lần, lần hai hai mươi hai", None, {B: 22}),
    ("ô xi lần thứ nhất chín tư lần thứ hai chín sáu", None, {S: 94}),
])
def test_which_measure_is_no_value(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("hai mươi lần một phút", B, {B: 20}), ("lần hai mươi lăm", B, {B: 25}), ("lần thở hai mươi", None, {B: 20}),
    ("đếm lần thở được hai mươi hai", None, {B: 22}), ("đo lần hai mươi", S, {}),
])
def test_numbers_after_a_times_word_that_are_values(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a value after "còn/xuống/lên" with no vital named since the last value: that vital again ----------------------
@pytest.mark.parametrize("text, want", [
    ("ô xi của em lúc đầu chín tám, đi lại một chút thì còn chín tư", {S: 94}),
    ("ô xi ngồi nghỉ chín bảy, đi vệ sinh về thì tụt chín hai", {S: 92}),
    ("nhịp thở lúc nằm mười tám, ngồi dậy đi lại một hồi thì lên hai mươi tư", {B: 24}),
    ("mạch lúc nghỉ tám mươi, leo cầu thang xong lên một trăm ba mươi", {P: 130}),
    ("sốt ba tám độ, uống thuốc hạ sốt xong một tiếng thì xuống ba bảy độ rưỡi", {T: 38}),
])
def test_the_same_vital_after_what_was_done(text: str, want: dict[str, float]) -> None:
    _check_triage(text, None, want)


@pytest.mark.parametrize("text, want", [
    ("ô xi chín tám, còn hai ngày nữa hết cách ly", {S: 98}),
    ("ô xi chín bảy, mạch tám mươi, nay còn mệt", {S: 97, P: 80}),
    ("ô xi chín tám, con còn ba tuổi", {S: 98}), ("nhiệt độ ba tám, lên chín giờ", {T: 38}),
    ("ô xi chín bảy, giờ nhịp thở còn hai mươi hai", {S: 97, B: 22}),
])
def test_other_numbers_after_a_change_word(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)
