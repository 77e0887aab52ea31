"""Number answers as a poor line and a recognizer deliver them, by kind (issue 12, session 12, helper n19-vitals-alone,
prompted by tests/data/vitals_s14_asr.jsonl): a hesitation inside a value, a filler glued to a number word, "tư" heard
as "từ", a first digit said twice, "mươi" heard as "mưa" where the value ends, a decimal point bent into another word,
a tenths digit misheard, "lẻ" after tens or degrees, a first digit misheard before a tens word, southern tens with
another tone, a number word cut short. Each family with calm look-alikes that must not read (conventions:
test_vital_forms.py). The sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import B, P, S, T, _check

SYS, DIA = "systolic_bp", "diastolic_bp"


# --- a hesitation between two number words of one value is no break in it -------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín ờ bảy", S, {S: 97}), ("chín ừ sáu phần trăm", S, {S: 96}), ("ba ờ tám độ", T, {T: 38}),
    ("hai ờ hai lần", B, {B: 22}), ("một trăm ờ hai mươi", P, {P: 120}), ("ba tám độ ờ năm", T, {T: 38.5}),
    ("mạch tám ừ tám", None, {P: 88}),
])
def test_a_hesitation_inside_a_value_is_skipped(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a hesitation after a whole value, before "không" (no) or a clause break, is no part of it
    ("chín sáu ừ", S, {S: 96}), ("chín ừ", S, {}), ("hai ừ không", B, {}), ("chín sáu, ừ, chín sáu", S, {S: 96}),
    ("ừ", S, {}), ("ừ chín bảy", S, {S: 97}),
])
def test_hesitation_calm_twins(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a filler glued to a number word: the number word -----------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ờchín tám", S, {S: 98}), ("dạchín bảy", S, {S: 97}), ("chín sáuạ", S, {S: 96}), ("ừba bảy độ", T, {T: 37}),
    ("àchín lăm", S, {S: 95}), ("ờhai hai lần", B, {B: 22}), ("ừmchín bảy", S, {S: 97}),
    ("dạmột trăm hai mươi", P, {P: 120}),
])
def test_a_filler_glued_to_a_number_word_is_dropped(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital", [
    # words that begin or end like a filler are words of their own (one syllable), never a filler and a number
    ("dạy", S), ("dạo này", S), ("ơi", S), ("ánh sáng", S), ("ảnh", S), ("ớt", T), ("ạ", S), ("dạ", B),
])
def test_glued_filler_calm_twins(text: str, vital: str) -> None:
    _check(text, vital, {})


# --- "tư" heard as "từ" where the value ends ----------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("hai mươi từ lần", B, {B: 24}), ("chín mươi từ", S, {S: 94}), ("chín từ", S, {S: 94}),
    ("một trăm hai mươi từ", P, {P: 124}), ("ba mươi từ lần một phút", B, {B: 34}), ("chín từ phần trăm", S, {S: 94}),
    ("mười từ nhịp", B, {B: 14}),
])
def test_tu_heard_as_tu_from_at_the_value_end_is_four(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # "from" before what it starts at, after "ba" (dad), or at the start stays a word
    ("tám mươi từ sáng", P, {P: 80}), ("chín mươi từ hôm qua tới giờ", S, {S: 90}), ("ba từ", B, {}),
    ("hai mươi từ lúc sáng", B, {B: 20}), ("từ chín lăm", S, {S: 95}), ("ba từ sáng", B, {}),
])
def test_tu_slip_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a first digit said twice before the digit that ends the value ----------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín chín sáu", S, {S: 96}), ("chín chín bảy phần trăm", S, {S: 97}), ("chín chín lăm", S, {S: 95}),
    ("hai hai lăm lần", B, {B: 25}), ("tám tám hai nhịp", P, {P: 82}), ("ba ba chín độ", T, {T: 39}),
])
def test_a_doubled_first_digit_is_said_once(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # two same digits alone or before a break are that value; a third digit after a break or before another word
    # is no part of it
    ("chín chín", S, {S: 99}), ("chín chín phần trăm", S, {S: 99}), ("chín chín chín", S, {S: 99}),
    ("chín chín, sáu giờ đo lại cũng vậy", S, {S: 99}), ("tám tám", P, {P: 88}),
])
def test_doubled_digit_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- "mươi" heard as "mưa" where the value ends ------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("hai mưa lần", B, {B: 20}), ("tám mưa", P, {P: 80}), ("chín mưa phần trăm", S, {S: 90}),
    ("bảy mưa nhịp", P, {P: 70}), ("hai mưa, đếm hai lần rồi", B, {B: 20}),
])
def test_tens_heard_as_rain_at_the_value_end(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital", [
    ("trời mưa hai ngày", B), ("hai hôm mưa", B), ("mưa", B), ("mưa to quá", P), ("hôm qua mưa lớn", T), ("ba mưa", B),
    ("ba mưa lần", B),
])
def test_rain_calm_twins(text: str, vital: str) -> None:
    _check(text, vital, {})


# --- a decimal point word bent into another word, in the body-temperature range -----------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba tám phải hai", T, {T: 38.2}), ("ba tám phây hai", T, {T: 38.2}), ("ba tám trấm năm", T, {T: 38.5}),
    ("ba tám chắm năm", T, {T: 38.5}), ("ba tám đỗ năm", T, {T: 38.5}), ("ba chín phải bảy độ", T, {T: 39.7}),
])
def test_a_bent_point_word_is_a_point(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # "phải không" is a question, a count after it or a break before it is no tenths; outside 34-42 no point
    ("ba tám phải không", T, {T: 38}), ("ba sáu phải hai lần", T, {T: 36}), ("ba tám, phải hai ngày rồi", T, {T: 38}),
    ("chín tám phải hai", S, {S: 98}), ("chín sáu phải không", S, {S: 96}),
])
def test_point_slip_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a tenths digit misheard after "độ" or a point, and "lẻ" after degrees or tens ---------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba sáu độ tắm", T, {T: 36.8}), ("ba tám phẩy bải", T, {T: 38.7}), ("ba bảy độ xáu", T, {T: 37.6}),
    ("ba tám độ lẻ năm", T, {T: 38.5}), ("ba mươi bảy độ lẻ năm", T, {T: 37.5}), ("ba chín độ linh hai", T, {T: 39.2}),
    ("hai chục lẻ hai", B, {B: 22}), ("chín chục lẻ sáu", S, {S: 96}), ("hai chục linh bốn lần", B, {B: 24}),
])
def test_tenths_slips_and_odd_after_tens_or_degrees(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a bath after the reading, a count of days after "lẻ", "chục lẻ" alone (twenty-odd) stay what they were
    ("ba tám độ tắm nước ấm", T, {T: 38}), ("ba tám độ, tắm rồi", T, {T: 38}), ("ba tám độ lẻ năm ngày", T, {T: 38}),
    ("hai chục lẻ", B, {B: 20}), ("đi tắm", T, {}), ("tắm xong", T, {}),
])
def test_tenths_slip_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a first digit misheard before a tens word; southern tens with another tone ----------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("xáu mươi hai", P, {P: 62}), ("bón mươi tám nhịp", P, {P: 48}), ("tắm mươi", P, {P: 80}),
    ("bải mươi lăm", P, {P: 75}), ("hâm tư", B, {B: 24}), ("hằm hai lần", B, {B: 22}), ("bằm tám độ", T, {T: 38}),
    ("hẳm lăm cái", B, {B: 25}), ("bâm chín", T, {T: 39}),
])
def test_first_digit_and_southern_tens_slips(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital", [
    ("hâm nóng lại", T), ("bằm nhỏ", T), ("hâm lại hai lần", B), ("bấm hai", B), ("bón phân", S),
    ("hâm hâm dở dở", B),
])
def test_first_digit_and_southern_tens_calm_twins(text: str, vital: str) -> None:
    _check(text, vital, {})


# --- a number word the line cut short inside a value --------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba mư tám độ", T, {T: 38}), ("một tră hai mươi", P, {P: 120}), ("chín mư sáu", S, {S: 96}),
    ("hai chụ lần", B, {B: 20}), ("hai mư hai lần", B, {B: 22}),
    ("một tră hai mươi trên tám mươi", SYS, {SYS: 120, DIA: 80}),
])
def test_a_number_word_cut_short_is_whole(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("mư", S, {}), ("tră", P, {}), ("chụ", B, {}), ("tră ơi", P, {}), ("ba mư", B, {B: 30}),
])
def test_cut_short_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a pause inside one value, written as a comma or "..." --------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín, bảy phần trăm", S, {S: 97}), ("chín... sáu %", S, {S: 96}), ("ba, tám độ", T, {T: 38}),
    ("hai, hai lần", B, {B: 22}), ("tám... hai nhịp", P, {P: 82}),
    ("một trăm, hai mươi", P, {P: 120}), ("ba tám... độ rưỡi", T, {T: 38.5}), ("ba tám, rưỡi", T, {T: 38.5}),
    ("một trăm... hai lăm", P, {P: 125}),
])
def test_a_pause_inside_a_value_is_no_break(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a count said as a range ("hai, ba lần"), two whole values (a range: its worse end), a father, a count of days
    ("hai, ba lần", B, {}), ("ba, năm lần", B, {}), ("chín sáu, chín bảy", S, {S: 96}), ("ba, bốn ngày nay", T, {}),
    ("chín, chín bảy", S, {S: 97}), ("ba, đo giùm ba", T, {}), ("một trăm, hai lần", P, {P: 100}),
    # two lone digits without a unit: at the blood pressure question a pair in cmHg, elsewhere no reading
    ("chín, sáu", "systolic_bp", {"systolic_bp": 90, "diastolic_bp": 60}), ("chín, bảy", S, {}),
])
def test_pause_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a unit run into the number before it --------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín bảyphần trăm", S, {S: 97}), ("chín sáuphầntrăm", S, {S: 96}), ("hai hailần", B, {B: 22}),
    ("ba támđộ", T, {T: 38}), ("tám mươinhịp", P, {P: 80}), ("chínlămphần trăm", S, {S: 95}),
])
def test_a_unit_run_into_the_number_is_split(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a unit alone or run into a word that is no number stays what it was ("nhiệtđộ" names the vital)
    ("phầntrăm", S, {}), ("mấylần", B, {}), ("bảyphần trăm", S, {}), ("nhiệtđộ ba tám", T, {T: 38}),
    ("támđộ", T, {}),
])
def test_unit_run_in_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- "rưỡi" right after a tens word is half a ten -------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("hai chục rưỡi", B, {B: 25}), ("tám chục rưỡi", P, {P: 85}), ("chín chục rưỡi", S, {S: 95}),
    ("hai chục rưỡi lần một phút", B, {B: 25}), ("bảy chục rưỡi nhịp", P, {P: 75}),
])
def test_half_after_a_tens_word_is_five(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # after a units digit or "độ" it is a half degree; after a hundred fifty
    ("ba tám rưỡi", T, {T: 38.5}), ("ba mươi tám rưỡi", T, {T: 38.5}), ("ba tám độ rưỡi", T, {T: 38.5}),
    ("trăm rưỡi", "systolic_bp", {"systolic_bp": 150}), ("ba bảy rưỡi", T, {T: 37.5}),
])
def test_half_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)
