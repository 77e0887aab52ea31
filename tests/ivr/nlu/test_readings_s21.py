"""Readings inside sentences, by kind (issue 12, session 21, helper n50-readings, prompted by the retired set 16):
recognizer-spelled digits ("tắm lăm", "ba chính rưỡi", "mạch chăm mốt"), a ripe "chín", numbers that are not the
patient's (weather degrees, a device tried on an animal, what everybody around shows), a range said with its ends and
a series of equal measures (the last value), a low value measured again at once, a bare body temperature, a value said
twice. Each family with look-alikes that must keep their reading (conventions: test_vital_forms.py). The sentences
are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import B, P, S, T, _check, _check_triage

SYS, DIA = "systolic_bp", "diastolic_bp"


# --- recognizer-spelled digits ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("huyết áp ông tắm lăm chên năm mươi", None, {SYS: 85, DIA: 50}),
    ("tắm mốt chên sáu mươi", SYS, {SYS: 81, DIA: 60}),
    ("sốt ba chính rưỡi từ trưa", None, {T: 39.5}), ("ba chính độ tư", T, {T: 39.4}),
    ("nhịp tim chăm mốt", None, {P: 110}), ("mạch chăm hai lăm", P, {P: 125}), ("mạch chăm lẻ tám", P, {P: 108}),
])
def test_recognizer_spelled_digits_are_read(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, want", [
    # a bath counted, caring for dad, "chính" as "exactly" or "dad himself" stay words
    ("tắm lăm phút rồi đo ô xi chín tám", {S: 98}), ("con ở nhà chăm ba, ô xi ba chín bảy", {S: 97}),
    ("là chính ba đo ô xi chín sáu", {S: 96}),
])
def test_spelled_digit_look_alikes(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- "chín" ripe after a fruit or food word -----------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("môi thâm như trái mận chín", {}), ("ăn xoài chín rồi đo ô xi chín sáu", {S: 96}),
    ("nấu chín cháo cho ông, nhịp thở hai hai", {B: 22}),
])
def test_a_ripe_chin_is_no_number(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- numbers that are not the patient's ---------------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("trời nắng bốn mươi mốt độ, bà tôi ngồi quạt vẫn khỏe", {}),
    ("ngoài trời ba chín độ mà con sốt ba tám độ rưỡi", {T: 38.5}),
    ("trời nóng ba tám độ, nhưng ông sốt ba chín độ", {T: 39}),
    ("đo thử cho con mèo ra bảy lăm, còn mẹ em chín bảy", {S: 97}),
    ("trong xóm ai cũng đo chín tám, riêng ông tôi chín hai", {S: 92}),
    ("cả nhà đo rồi, ai cũng chín bảy", {S: 97}),
])
def test_readings_of_something_else_are_not_the_patients(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- a range with its ends, a series of equal measures: the last value --------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chừng chín hai tới chín ba", S, {S: 93}), ("mười tám đến hai mươi cái", B, {B: 20}),
    ("đo mấy lần đều chín sáu chín bảy", S, {S: 97}),
])
def test_a_range_or_a_series_gives_the_last_value(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_a_range_keeps_its_worse_end_for_triage() -> None:
    _check_triage("chừng chín ba đến chín lăm", S, {S: 93})


# --- a low value measured again at once is no dip; over hours it stays for triage ---------------------------------
@pytest.mark.parametrize("text, want", [
    ("chín lăm, đo lại liền được chín tám", {S: 98}), ("tưởng máy hỏng, chín tư, đo lại thì chín bảy", {S: 97}),
    ("chín bốn, đo lại ngay chín chín", {S: 99}),
])
def test_a_recheck_at_once_replaces_the_low_value(text: str, want: dict[str, float]) -> None:
    _check_triage(text, S, want)


@pytest.mark.parametrize("text, want", [
    ("sáng chín ba, chiều đo lại chín bảy", {S: 93}), ("chín hai, đo lại liền vẫn chín hai", {S: 92}),
    # an emergency-band value is not cleared by a recheck (decision 261 re-measures the 94-96 band)
    ("chín ba, đo lại liền được chín tám", {S: 93}),
])
def test_a_recheck_apart_still_low_or_from_the_emergency_band_escalates(text: str, want: dict[str, float]) -> None:
    _check_triage(text, S, want)


# --- a bare body temperature; a value said twice -------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba bảy rưỡi", None, {T: 37.5}), ("ba sáu tám", B, {T: 36.8}),
    ("người hầm hập như lửa, giờ hạ rồi, ba bảy hai", None, {T: 37.2}),
    ("ba tám tư ba tám tư", T, {T: 38.4}), ("ba sáu năm ba sáu năm", T, {T: 36.5}),
    ("hai hai", B, {B: 22}),
])
def test_bare_temperature_and_a_value_said_twice(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)
