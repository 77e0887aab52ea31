"""Vital readings by kind, session 11 (issue 12, helper n15-vitals, prompted by tests/data/vitals_s12.jsonl): "mười"
(ten) misheard at the start of a value, a first digit with another tone before the digit that ends the value, a lone
upper blood pressure in cmHg at its question; each family with calm look-alikes (conventions: test_vital_forms.py)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import B, P, S, T, _check


# --- "mười" heard as "mươi" or with another tone where it starts a value: ten -----------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("mươi chín", B, {B: 19}), ("mưới bảy lần", B, {B: 17}), ("dạ đếm được mượi lăm cái", B, {B: 15}),
    ("nhịp thở mươi tám lần một phút", None, {B: 18}), ("mưởi sáu", B, {B: 16}), ("ờ… mưỡi tư ạ", B, {B: 14}),
    # right after a hundred: "một trăm mười lăm" misheard
    ("một trăm mươi lăm", P, {P: 115}), ("trăm mươi tám", P, {P: 118}), ("mạch một trăm mưới hai", None, {P: 112}),
    ("một trăm mươi lăm trên bảy mươi", "systolic_bp", {"systolic_bp": 115, "diastolic_bp": 70}),
])
def test_ten_misheard_at_the_start_is_ten(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # after a digit word "mươi" stays the tens; alone, or after a word of quantity, it is no value
    ("hai mươi tám", B, {B: 28}), ("ba mươi tám độ", T, {T: 38}), ("bảy mươi hai", P, {P: 72}),
    ("mươi", B, {}), ("mấy mươi", B, {}), ("vài mươi lần", B, {}), ("hàng mươi cái", B, {}),
    ("chín mươi bảy", S, {S: 97}), ("tám mươi mốt", P, {P: 81}),
    # after a hundred with a digit before "mươi" it is the tens; "trăm mươi" with no digit after is no 110
    ("một trăm hai mươi", P, {P: 120}), ("một trăm hai mươi lăm", P, {P: 125}), ("trăm mươi", P, {}),
    ("trăm mốt", P, {P: 110}),
])
def test_ten_slips_calm_twins(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a first digit with another tone before the digit that ends the value: that digit ----------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chịn tám", S, {S: 98}), ("dạ chỉn lăm", S, {S: 95}), ("chĩn bảy phần trăm", S, {S: 97}),
    ("bấy tám", P, {P: 78}), ("hài hai lần", B, {B: 22}), ("chịn mốt ạ", S, {S: 91}),
])
def test_a_first_digit_with_another_tone_is_that_digit(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # words of their own there (a person, lying down), after "là" (dad himself); before a tens the slip is no digit
    ("bà tám", S, {}), ("nằm ba", S, {}), ("là chịn ba", S, {}), ("hải hai", P, {}),
    ("bà ba tám độ", T, {T: 38}), ("chịn tám mươi", S, {S: 80}),
])
def test_tone_slips_of_a_first_digit_calm_twins(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- at the blood pressure question the only value, in the cmHg range: the upper number in cmHg --------------------
SYS, DIA = "systolic_bp", "diastolic_bp"


@pytest.mark.parametrize("text, want", [
    ("huyết áp cao mười sáu", {SYS: 160}), ("có chín thôi", {SYS: 90}), ("dạ mười bốn", {SYS: 140}),
    ("máy báo mười hai à", {SYS: 120}), ("tám", {SYS: 80}), ("chừng mười lăm", {SYS: 150}),
])
def test_a_lone_upper_number_in_cmhg_at_the_question(text: str, want: dict[str, float]) -> None:
    _check(text, SYS, want)


@pytest.mark.parametrize("text, vital, want", [
    # a person by birth order, a count or a clock time, a whole pair, a value in mmHg, another question
    ("hỏi thằng sáu coi", SYS, {}), ("con bảy nó đo", SYS, {}), ("đo hai lần rồi", SYS, {}),
    ("lúc chín giờ chưa đo", SYS, {}), ("chờ mười phút", SYS, {}), ("mười hai tám", SYS, {SYS: 120, DIA: 80}),
    ("một trăm hai mươi", SYS, {SYS: 120}), ("mười sáu", P, {}), ("tui bảy mươi tuổi rồi", SYS, {}),
])
def test_a_lone_cmhg_value_calm_twins(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)
