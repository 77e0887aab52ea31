"""Readings inside sentences and alone, by kind (issue 12, session 22, helper n56-s18-readings, prompted by the retired
set 18): a thermometer in Fahrenheit (converted, rounded to a tenth), a blood-pressure machine's rows (with a middle row
the bottom one is the pulse), a pressure said digit by digit without a separator, an oximeter's two values told apart by
a label or the heart symbol, two bare readings after the day of the illness, a round value after a restart, an
approximate diastolic ("mấy": the systolic only), room numbers and counted objects (no rate), a fever of another day
said over today, a reading on a toe or a cold hand re-measured on a warm finger (a value still low after it stays;
cold with cold sweat stays a sign). Each family with twins that must keep their reading. The sentences are written for
the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import NLU, B, P, S, T, _check, _check_triage

SYS, DIA = "systolic_bp", "diastolic_bp"


@pytest.mark.parametrize("text, vital, want", [
    ("nhiệt kế mua bên Mỹ, độ F, nó chỉ một trăm lẻ một phẩy tám", None, {T: 38.8}),
    ("cai nhiet ke de do ep do duoc chin tam phay sau", None, {T: 37.0}),
    ("một trăm lẻ hai độ F", T, {T: 38.9}),
    # twins: Celsius stays, an SpO2 after the converted value is no temperature
    ("nhiệt kế độ C, ba tám độ hai", None, {T: 38.2}),
    ("nhiệt kế độ F chỉ chín tám phẩy sáu, còn ô xi chín hai", None, {T: 37.0, S: 92}),
])
def test_fahrenheit_is_converted(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("máy huyết áp có ba số, số trên một trăm lẻ năm, số giữa sáu lăm, số dưới tám mươi", None,
     {SYS: 105, DIA: 65, P: 80}),
    ("huyết áp hàng trên tám lăm, hàng giữa năm mươi, hàng dưới một trăm hai mươi", None, {SYS: 85, DIA: 50, P: 120}),
    ("huyết áp dòng trên một trăm bốn mươi, dòng dưới chín mươi", None, {SYS: 140, DIA: 90}),
    ("số trên chín mươi, số giữa sáu mươi, số dưới một trăm", SYS, {SYS: 90, DIA: 60, P: 100}),
    ("huyết áp của bà đo ra một ba sáu tám tám", None, {SYS: 136, DIA: 88}),
    ("một bốn hai chín mươi", SYS, {SYS: 142, DIA: 90}),
    ("tám lăm trên năm mươi mấy", SYS, {SYS: 85}),
    ("huyết áp ông một trăm ba mươi trên tám mươi mấy", None, {SYS: 130}),
    # twins: an oximeter's rows without a blood pressure stay SpO2 and pulse
    ("máy kẹp ngón số trên chín bốn số dưới một trăm mười", None, {S: 94, P: 110}),
])
def test_blood_pressure_machines(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_a_low_machine_row_is_low_blood_pressure() -> None:
    u = NLU.understand("máy huyết áp hiện số trên tám mươi, số giữa năm mươi, số dưới một trăm mười")
    assert "low_blood_pressure" in u.symptoms
    u = NLU.understand("máy huyết áp hiện số trên một trăm hai mươi, số giữa bảy mươi, số dưới tám mươi")
    assert "low_blood_pressure" not in u.symptoms


@pytest.mark.parametrize("text, vital, want", [
    ("chín ba với tám bảy, số chín ba có chữ SpO2", None, {S: 93, P: 87}),
    ("máy hiện chín bảy với chín hai, cái chín hai nằm cạnh hình trái tim", None, {S: 97, P: 92}),
    ("chín tám với một trăm hai mươi, một trăm hai mươi là hình trái tim", S, {S: 98, P: 120}),
    # twin: a label on a value said once names nothing again; the pair is read as before
    ("chín bảy, số có chữ SpO2", None, {S: 97}),
])
def test_oximeter_values_told_apart_by_a_label(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    ("nay ngày thứ bảy chín chín với ba sáu năm", None, {S: 99, T: 36.5}),
    ("ngày thứ tám rồi ạ, chín ba với ba tám hai", None, {S: 93, T: 38.2}),
    ("ba mươi ba mười chẵn", B, {B: 30}),
    ("tám mươi tám chục chẵn", P, {P: 80}),
    # twin: no restart, the value said
    ("hai mươi hai", B, {B: 22}),
])
def test_day_of_illness_and_restarts(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, want", [
    ("ông ở phòng 14 thở dốc lắm", {}),
    ("phải kê hai ba cái gối mới nằm được", {}),
    ("bữa qua báo sốt ba tám rưỡi, nay hết sốt rồi", {}),
    # twins: a rate named with its count, a fever still on today
    ("ông ở phòng 14 nhịp thở đếm được hai mươi tám", {B: 28}),
    ("hôm qua sốt ba tám, nay vẫn sốt ba chín", {T: 39}),
])
def test_counts_and_another_days_fever_are_no_reading(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, want", [
    ("kẹp ngón chân ra tám tư, kẹp lại ngón tay ra chín bảy", {S: 97}),
    ("tay ông lạnh cóng đo tám sáu, hơ tay cho ấm đo lại chín tám", {S: 98}),
    # twins: still low after warming; cold sweat keeps the first value for triage
    ("tay ông lạnh cóng đo tám sáu, hơ tay cho ấm đo lại vẫn chín mốt", {S: 91}),
    ("tay chân lạnh ngắt vã mồ hôi, đo ra tám sáu, đo lại chín bảy", {S: 86}),
])
def test_a_toe_or_a_cold_hand_re_measured(text: str, want: dict[str, float]) -> None:
    _check_triage(text, None, want)


def test_a_cold_hand_warmed_is_no_concern_but_cold_sweat_is() -> None:
    assert "caller_concern" not in NLU.understand("tay bà lạnh ngắt đo ra tám bảy, ủ ấm rồi đo lại chín tám").symptoms
    shock = "tay chân bà lạnh ngắt, vã mồ hôi, đo ra tám bảy, đo lại chín tám"
    assert "caller_concern" in NLU.understand(shock).symptoms
