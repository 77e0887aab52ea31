"""Vital answers said alone as an offline recognizer writes them on a poor line, by kind (issue 12, session 14, helper
n22-vitals-asr, prompted by tests/data/vitals_s16_asr.jsonl): at a number question, an answer made only of number
words whose digit word the recognizer wrote as a word of its own ("chín bà", "ba tắm", "bà mươi hai", "chín mộ",
"chăm hai lăm"), a bare hundred ("trên trăm"), a tens figure and its units figure ("20 2"); anywhere, "linh" heard as
"lin", "chấm" without its tone, "tám"/"tư" as "tấm"/"từ" in the tenths where the value ends, and the low blood pressure
said "thấp nhất". Each family with look-alikes that must not read (conventions: test_vital_forms.py). The sentences are
written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import B, P, S, T, _check

SYS, DIA = "systolic_bp", "diastolic_bp"


# --- a digit word written as a word of its own in the units place of an answer said alone ----------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("tám bà", S, {S: 83}), ("chín hải", S, {S: 92}), ("chín nằm", S, {S: 95}), ("chín mươi mộ", S, {S: 91}),
    ("chín tấm ạ", S, {S: 98}), ("chín rằm thôi", S, {S: 95}), ("ba chính", T, {T: 39}), ("ba lắm", B, {B: 35}),
    ("mười sấu lần", B, {B: 16}), ("hai mươi mộ", B, {B: 21}), ("tám xấu", P, {P: 86}),
    ("một trăm hai mươi bà", P, {P: 123}),
    # a vital named before it: that vital's value, whatever was asked
    ("nhịp tim chín bà", S, {P: 93}),
])
def test_units_digit_as_a_word_of_its_own(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- ... as the first digit before a tens word or a units-only word --------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("hải mươi lần", B, {B: 20}), ("bả mươi tám độ", T, {T: 38}), ("bà mươi mốt", B, {B: 31}), ("bà lăm", B, {B: 35}),
    ("lăm mươi lăm", P, {P: 55}), ("nhăm mươi hai", P, {P: 52}), ("xáu lăm", P, {P: 65}),
])
def test_first_digit_as_a_word_of_its_own(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- ... as the first digit before the digit word that ends the value, and before a half or in the tenths ------------
@pytest.mark.parametrize("text, vital, want", [
    ("bón chín", P, {P: 49}), ("hài chín lần", B, {B: 29}), ("tắm chín", S, {S: 89}), ("chính chín", S, {S: 99}),
    ("sáo lăm", P, {P: 65}), ("ba tắm rưỡi", T, {T: 38.5}), ("ba chính rưỡi", T, {T: 39.5}),
    ("ba chín độ mộ", T, {T: 39.1}),
])
def test_first_digit_before_the_last_and_tenths(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # persons by birth order, a count of days, a bath: no value
    ("bà hai", B, {}), ("bà chín", S, {}), ("nằm ba ngày", P, {}), ("tắm hai lần", P, {}),
    ("hay ba lần", B, {}), ("là chính chín", S, {}),
])
def test_first_digit_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- "trăm" misheard at the start of the value, and a bare hundred ---------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chăm mốt", P, {P: 110}), ("chăm ba mươi lần", P, {P: 130}), ("chằm linh năm", P, {P: 105}),
    ("trăm tám trên trăm", SYS, {SYS: 180, DIA: 100}), ("trăm trên bẩy chục", SYS, {SYS: 100, DIA: 70}),
    ("mạch trăm", P, {P: 100}), ("chăm hai trên tám mươi", SYS, {SYS: 120, DIA: 80}),
])
def test_hundred_misheard_or_bare(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a tens figure then its units figure -----------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("90 7", S, {S: 97}), ("20 4 lần", B, {B: 24}), ("dạ 80 8", P, {P: 88}),
])
def test_tens_figure_then_units_figure(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- anywhere: "lin", "châm", "tấm"/"từ" in the tenths, "thấp nhất" --------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("một trăm lin hai", P, {P: 102}), ("ba tám châm hai", T, {T: 38.2}), ("ba bảy độ tấm", T, {T: 37.8}),
    ("ba tám phẩy từ", T, {T: 38.4}), ("nhiệt độ ba tám châm năm", None, {T: 38.5}),
    ("cao nhất trăm bốn mươi thấp nhất chín mươi", SYS, {SYS: 140, DIA: 90}),
])
def test_slips_read_anywhere(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- guards: no answer alone, or the word is no number word there ----------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    # a person then her value, a person, care, a bath, a grave: no value or the value said
    ("bà chín sáu", S, {S: 96}), ("bà tư", P, {}), ("chăm bà", S, {}), ("tắm rồi", T, {}), ("ba tắm rồi", T, {}),
    ("mộ", S, {}), ("bà", P, {}), ("để bà đo đã", S, {}), ("chín mấy", S, {}), ("bà ba tám độ", T, {T: 38}),
    # other words in the answer: not read so
    ("chín bà cháu", S, {}), ("ba tắm xong rồi", T, {}), ("đi thăm mộ", S, {}),
    # said freely (no question): the slips stay words
    ("nhà có hai bà", None, {}), ("mua mười tấm khẩu trang", None, {}), ("chăm ba mấy hôm nay", None, {}),
    # the units and percent stay as they were read
    ("trăm phần trăm", S, {S: 100}), ("chín sáu phần tram", S, {S: 96}),
    ("ba tám độ từ sáng", T, {T: 38}), ("ngày 20 2", S, {}),
])
def test_alone_look_alikes(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a restart without punctuation, a pause inside one value, "linh"/"lẻ" and "trên" with other tones ---------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín mươi ờ chín bảy", S, {S: 97}), ("chín mươi chín mươi tám", S, {S: 98}), ("ba mươi à ba chín độ", T, {T: 39}),
    ("tám mươi... mốt", P, {P: 81}),
    ("bảy... mươi hai", P, {P: 72}), ("ba tám độ... rưỡi", T, {T: 38.5}), ("một trăm lĩnh tám", P, {P: 108}),
    ("trăm lẹ sáu", P, {P: 106}), ("một trăm ba tên chín mươi", SYS, {SYS: 130, DIA: 90}),
])
def test_restarts_pauses_and_tones(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # no hesitation: "chín mươi chín" is 99; a count said as a range; one digit said again on a cut line
    ("chín mươi chín", S, {S: 99}), ("hai, ba lần", B, {}), ("chín... chín", S, {}), ("chín, bảy", S, {}),
    # at the blood pressure question two numbers after a pause are the pair ("chín, sáu": 90/60 in cmHg)
    ("chín, sáu", SYS, {SYS: 90, DIA: 60}), ("một trăm lễ", P, {P: 100}),
])
def test_restart_and_pause_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)
