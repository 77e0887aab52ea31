"""Readings by kind (issue 12, session 22b, helper n60-s19-readings, prompted by the retired set 19, whose second-
language and elderly callers read numbers their own way): a display read digit by digit with each digit's position, a
breath count described by the belly or chest that rises and falls, a bare oximeter value right after the person it is
of, a neighbour's or borrowed device's reading measured again on one's own device, and a range (its last value where
both ends carry one risk, its worse end where they do not; the worse end always weighed by triage). Each family with
calm and urgent twins and with look-alikes that must stay what they were (ages, digits without positions, the own
device's low value before a borrowed one's). The sentences are written for the families, not copied from any scored
set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from tests.ivr.nlu.test_vital_forms import NLU, B, P, S, T, _check, _check_triage

TRIAGE = default_triage()


def _risk(text: str, vital: str | None = None) -> str:
    u = NLU.understand(text, expect=["repeat", vital] if vital else None)
    return TRIAGE.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors,
                         intent=u.intent).risk


@pytest.mark.parametrize("text, vital, want", [
    ("cháu không đọc được số, số đầu là chín, số sau là bốn", None, {S: 94}),
    ("máy kẹp ngón của ông, số thứ nhất tám, số thứ hai bảy", None, {S: 87}),
    ("số đầu tiên chín, số kế là chín", S, {S: 99}),
    ("số thứ nhất chín, số thứ hai ba", S, {S: 93}),  # "hai ba" read 23 by the position's own word: the 3 split off
    ("cái nhiệt kế số đầu là ba, số sau là tám", None, {T: 38}),
    ("nhiệt kế chữ số đầu ba, chữ số thứ hai sáu, số thứ ba chín", None, {T: 36.9}),
    ("so dau la chin so thu hai la bay", S, {S: 97}),
    ("số đầu là hai, số sau là sáu", B, {B: 26}),
    # twins: digits without positions are not joined; a first position alone is no reading
    ("nhà có chín người, hai đứa nhỏ", None, {}),
    ("số đầu là chín thì sao chị", None, {}),
])
def test_a_display_read_digit_by_digit_with_positions(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, want", [
    ("em không rành chữ nhịp thở, em đếm cái bụng lên xuống một phút được hai mươi lăm", {B: 25}),
    ("ngực ba phồng lên xẹp xuống một phút mười sáu lần", {B: 16}),
    ("tui coi cái ngực mạ nhấp nhô được ba mươi bốn cái trong một phút", {B: 34}),
    ("bụng phập phồng một phút mười tám cái", {B: 18}),
    ("dem bung len xuong duoc hai muoi hai", {B: 22}),
    # twins: a flickering display and a belly ache are no breath count
    ("ô xi nhảy lên xuống chín bảy chín tám", {S: 98}),
    ("bụng đau lâm râm từ hôm qua", {}),
])
def test_a_breath_count_described(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, want", [
    ("hôm nay mẹ em chín bảy nhiệt ba sáu tám", {S: 97, T: 36.8}),
    ("sáng nay ông nội chín mốt, nhiệt độ ba bảy", {S: 91, T: 37}),
    ("bố chín sáu mạch tám mươi", {S: 96, P: 80}),
    ("máy kẹp tay đo cho bà rồi, bà chín hai", {S: 92}),
    # twins: an age stays an age
    ("bà chín hai tuổi, nhiệt độ ba sáu rưỡi", {T: 36.5}),
    ("ông chín mươi, nhiệt độ ba bảy", {T: 37}),
    ("ông chín ba ô xi chín tám", {S: 98}),
    ("bà năm nay chín tư, nhiệt ba sáu bảy", {T: 36.7}),
])
def test_a_bare_reading_after_a_person(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, want, risk", [
    ("máy hàng xóm báo tám sáu, con đo lại bằng máy nhà mình hai lần đều chín bảy", {S: 97}, "none"),
    ("mượn máy của người ta đo ra chín mốt, về lấy máy của em đo lại được chín tám", {S: 98}, "none"),
    # urgent twins: re-measured and still low; the own device low before a borrowed one's
    ("máy hàng xóm báo tám sáu, đo lại bằng máy nhà mình vẫn tám bảy", {S: 87}, "emergency"),
    ("máy nhà mình báo chín mốt, qua mượn máy hàng xóm đo lại chín tám", {S: 91}, "emergency"),
    ("máy mượn báo tám tám, máy nhà em cũng chín mốt", {S: 91}, "emergency"),
])
def test_a_borrowed_device_remeasured_on_ones_own(text: str, want: dict[str, float], risk: str) -> None:
    _check_triage(text, None, want)
    assert _risk(text) == risk, text


@pytest.mark.parametrize("text, vital, now, triage", [
    ("chín mốt chín hai gì đó", S, {S: 92}, {S: 91}),  # both below 94: the last value
    ("ô xi khoảng chín bảy chín tám", None, {S: 98}, {S: 97}),  # both calm
    ("nhịp thở tầm hai mươi bốn hai mươi lăm", None, {B: 25}, {B: 25}),
    # ends in different risk bands: the worse end recorded and weighed
    ("chín ba chín bốn gì đó", S, {S: 93}, {S: 93}),
    ("chín sáu chín bảy chi đó", S, {S: 96}, {S: 96}),
    ("nhịp thở khoảng mười chín hai mươi", None, {B: 20}, {B: 20}),
])
def test_a_range_by_risk(text: str, vital: str | None, now: dict[str, float], triage: dict[str, float]) -> None:
    _check(text, vital, now)
    _check_triage(text, vital, triage)
