"""Readings by kind (issue 12, session 23, helper n65-s20-readings, prompted by the retired set 20): a usual value said
before today's (today's counts, of the vital named before the usual one, both ways: usual normal and now low, usual low
and now normal), several people's bare oximeter values in one breath (the later one is the reading, a worse one before
it kept for triage), a SpO2 named and spelled before the person it is of ("sp o2 của bố 89": no age), a blood pressure
with pauses around its "trên", a stuttered digit before a value restarted, a bare value right after "đo" with "giờ"
(now) after it, a value said to be unchanged today after a device named in an earlier clause, and a later value
measured today in the next clause. Each family with calm twins and look-alikes (clock times, blood sugar, weights,
prices, ages). The sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from tests.ivr.nlu.test_vital_forms import NLU, B, P, S, T, _check, _check_triage

SYS, DIA = "systolic_bp", "diastolic_bp"
TRIAGE = default_triage()


def _risk(text: str, vital: str | None = None) -> str:
    u = NLU.understand(text, expect=["repeat", vital] if vital else None)
    return TRIAGE.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors,
                         intent=u.intent).risk


@pytest.mark.parametrize("text, vital, want, risk", [
    ("bà bị phổi tắc nghẽn, ô xi mọi khi chín hai chín ba, sáng nay chỉ còn tám sáu", None, {S: 86}, "emergency"),
    ("nhịp tim ông thường bảy mươi mấy, tối nay máy báo một trăm ba mươi hai", None, {P: 132}, "high"),
    ("thường chín tám mà giờ chín mốt", S, {S: 91}, "emergency"),
    ("nhịp thở mọi khi mười sáu, bây giờ đếm được ba mươi tư", None, {B: 34}, "emergency"),
    # calm twins: a usual low value, today's normal; the same value as usual
    ("mạch bố thường năm mấy vì thuốc huyết áp, hôm nay sáu mươi hai", None, {P: 62}, "none"),
    ("ô xi mọi khi chín bảy, hôm nay cũng chín bảy", None, {S: 97}, "none"),
    ("ông bị phổi, thường chỉ chín hai, nay lên được chín tám", None, {S: 98}, "none"),
    ("huyết áp thường tám lăm trên năm lăm mà nay trăm mười trên bảy mươi", None, {SYS: 110, DIA: 70}, "none"),
    # look-alikes: a clock time, blood sugar, a weight, a price said as usual
    ("mọi khi ông ngủ dậy lúc sáu giờ, nay tám giờ mới dậy", None, {}, "none"),
    ("đường huyết mọi khi sáu tám, nay lên mười một", None, {}, "none"),
    ("cân nặng thường bảy mươi ký mà giờ còn sáu lăm", None, {}, "none"),
    ("hộp thuốc mọi khi chín mươi nghìn, giờ lên trăm hai", None, {}, "none"),
])
def test_a_usual_value_said_before_todays(text: str, vital: str | None, want: dict[str, float], risk: str) -> None:
    _check(text, vital, want)
    assert _risk(text, vital) == risk, text


def test_a_usual_blood_pressure_before_a_low_one_today() -> None:
    text = "huyết áp ba thường trăm sáu chục trên chín chục, mà nay đo còn tám mươi trên năm mươi"
    _check(text, None, {SYS: 80, DIA: 50})
    assert "low_blood_pressure" in NLU.understand(text).symptoms


@pytest.mark.parametrize("text, want, risk", [
    ("vợ tui chín bảy, thằng út chín tám, còn tui chín hai", {S: 92}, "emergency"),
    ("anh chín chín chị chín tám cháu chín sáu", {S: 96}, "high"),
    ("chồng em chín tám con gái chín chín", {S: 99}, "none"),
    # look-alikes: elders' ages
    ("ông nội chín hai bà nội chín mươi", {}, "none"),
    ("ông chín ba bà chín mốt, hai ông bà vẫn khỏe", {}, "none"),
])
def test_several_peoples_bare_values_in_one_breath(text: str, want: dict[str, float], risk: str) -> None:
    _check(text, None, want)
    assert _risk(text) == risk, text


@pytest.mark.parametrize("text, want", [
    ("sp o2 của mẹ 87 mạch 104", {S: 87, P: 104}),
    ("ét pê ô hai của ông chín mốt", {S: 91}),
    ("spo 2 cho bà nội 96 nhiệt 37 độ 1", {S: 96, T: 37.1}),
    # look-alikes: a house number of the father; an age before the next vital named
    ("nhà số 89 của bố, mạch bảy tám", {P: 78}),
    ("ông tám mươi ô xi chín tám", {S: 98}),
])
def test_a_spo2_named_before_the_person_it_is_of(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, vital, want", [
    ("huyết áp... tám lăm... trên... năm lăm", None, {SYS: 85, DIA: 55}),
    ("huyết áp, ờ, một trăm hai... trên... tám mươi", None, {SYS: 120, DIA: 80}),
    ("chín mươi... trên... sáu mươi", SYS, {SYS: 90, DIA: 60}),
    ("mạch chín chín mươi chín mươi sáu", None, {P: 96}),
    ("chín chín mươi chín mươi hai", S, {S: 92}),
    ("nhịp thở hai hai mươi hai mươi tám", None, {B: 28}),
    # look-alikes: an age stuttered; a bare pair with pauses and no blood pressure named
    ("bà tám tám mươi tuổi rồi", None, {}),
])
def test_pauses_and_stutters_inside_a_reading(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_a_paused_low_blood_pressure_is_a_sign() -> None:
    assert "low_blood_pressure" in NLU.understand("huyết áp... bảy lăm... trên... bốn lăm").symptoms


@pytest.mark.parametrize("text, want", [
    ("hoảng quá khóc cả buổi, chồng đo chín sáu giờ đỡ rồi", {S: 96}),
    ("nửa tiếng sau đo chín tám giờ ngủ ngon rồi", {S: 98}),
    ("hỏi giá bình ô xi bao nhiêu, giờ ba em vẫn chín bảy", {S: 97}),
    ("mạ em ô xi chín bảy, bữa ni đo chỉ được chín mốt", {S: 91}),
    # look-alikes: a clock time after "đo"; a count of hours
    ("đo chín giờ sáng rồi", {}),
    ("sốt bảy hai giờ rồi", {}),
])
def test_a_bare_reading_after_a_measure_or_today(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


@pytest.mark.parametrize("text, vital, want", [
    ("đường huyết bảy phẩy tám, cân nặng sáu lăm ký", None, {}),
    ("đường máu mười một còn ô xi chín sáu", None, {S: 96}),
    ("đường huyết mười hai", S, {}),
    ("cân nặng bảy lăm ký, ô xi chín ba", S, {S: 93}),
])
def test_blood_sugar_and_weight_are_no_vital(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_the_worse_value_of_a_household_stays_for_triage() -> None:
    _check_triage("con chín ba vợ con chín tám", None, {S: 93})
