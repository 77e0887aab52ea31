"""Readings inside sentences, by kind (issue 12, session 21b, helper n52-s17-readings, prompted by the retired set 17):
a trend over days (the reading now; an earlier worse value from another day or read from a discharge paper is no dip
today, a dip said today or last night stays for triage), two devices that disagree (the one trusted last; an oximeter
value in the emergency band stays), two blood pressures "lần đầu ... lần sau ..." (the later), a count of persons after
a tens value, a frozen display, a calm household summary, a threshold quoted or asked about, a value measured in a
clause of its own, a baseline said to be unchanged, fragments (chills then a bare temperature, compact temperatures
before a time word, a pulse read digit by digit, a count after a rate named before). Each family with twins that must
keep their reading. The sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import NLU, B, P, S, T, _check, _check_triage

SYS, DIA = "systolic_bp", "diastolic_bp"


# --- a trend over days --------------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("mạch bà hôm kia một trăm hai chín, hôm nay còn tám ba", None, {P: 83}),
    ("nhịp thở hai lăm hôm qua, bữa nay mười bảy", None, {B: 17}),
    ("bữa qua ô xi ông tui chín hai, bữa nay chín bảy", None, {S: 97}),
    ("hôm qua ba chín độ, nay ba sáu độ năm", None, {T: 36.5}),
    ("lúc nhập viện ô xy tám bảy phần trăm, giờ sáng nay đo chín tám", None, {S: 98}),
    ("hôm qua tám chín, hôm nay chín bảy", S, {S: 97}),
])
def test_a_worse_reading_from_another_day_is_no_dip_today(text: str, vital: str | None,
                                                          want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a dip said today or last night stays for triage; a trend worse now is the reading now
    ("sáng nay ô xi chín hai, giờ chín sáu", None, {S: 92}),
    ("tối qua chín mốt, sáng nay chín bảy", S, {S: 91}),
    ("hôm qua chín tám, hôm nay tụt chín hai", None, {S: 92}),
    ("mạch hôm qua tám mươi, nay một trăm ba mươi", None, {P: 130}),
    ("hôm qua chín sáu, sáng nay chín hai, giờ chín bảy", S, {S: 92}),
])
def test_a_dip_today_or_a_worse_trend_stays(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check_triage(text, vital, want)


# --- devices that disagree, a device error, two blood pressures ---------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("đồng hồ đeo tay báo mạch một trăm năm mươi mà em bắt mạch cổ tay thì tám sáu", {P: 86}),
    ("máy kẹp ngón báo lỗi, thay pin xong đo được chín bảy", {S: 97}),
    ("huyết áp lần đầu tám mươi trên năm mươi, lần sau một trăm mười trên bảy mươi", {SYS: 110, DIA: 70}),
])
def test_the_trusted_or_later_reading_counts(text: str, want: dict[str, float]) -> None:
    _check_triage(text, None, want)


@pytest.mark.parametrize("text, want", [
    # an oximeter value in the emergency band stays whatever device follows; a low later blood pressure is read
    ("máy kẹp báo tám bảy, mượn máy trạm đo thì chín tám", {S: 87}),
    ("huyết áp lần đầu một trăm mười trên bảy mươi, lần sau tám mươi trên năm mươi", {SYS: 80, DIA: 50}),
    ("huyết áp một trăm trên bảy mươi, đo lại tám mươi trên năm mươi", {SYS: 80, DIA: 50}),
])
def test_a_low_reading_after_a_device_stays(text: str, want: dict[str, float]) -> None:
    _check_triage(text, None, want)


@pytest.mark.parametrize("text, want", [
    ("huyết áp bố một trăm ba mươi trên tám mươi, mẹ một trăm mười trên bảy mươi hai vợ chồng khỏe",
     {SYS: 110, DIA: 70}),
    ("huyết áp mẹ tám lăm trên năm mươi hai", {SYS: 85, DIA: 52}),
])
def test_a_count_of_persons_is_no_units_digit(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- numbers that are no reading ----------------------------------------------------------------------------------
@pytest.mark.parametrize("text, want", [
    ("máy đo oxy hết pin đứng hình ở số chín bảy", {}),
    ("máy bị treo ở chín tám hoài, mượn máy khác đo được chín hai", {S: 92}),
    ("cả nhà tuần nay không ai sốt, đo ngày hai lần đều chín bảy chín tám", {}),
    ("cả nhà đo đều chín hai chín ba", {S: 93}),
    ("có cần báo khi con sốt ba tám không hay đợi ba tám rưỡi", {}),
    ("con sốt ba chín rồi, có cần báo không hay đợi bốn mươi", {T: 39}),
    ("trạm dặn ô xi dưới chín sáu thì báo liền, ba đo được chín tám", {S: 98}),
    ("ô xi mẹ dưới chín sáu rồi, gọi giúp em", {S: 95}),
])
def test_frozen_displays_summaries_and_thresholds(text: str, want: dict[str, float]) -> None:
    _check(text, None, want)


# --- a value in a clause of its own, a baseline, fragments --------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("nếu spo2 dưới chín sáu thì gọi, còn mẹ em đo chín chín", None, {S: 99}),
    ("lúc nãy tim đập nhanh, giờ ngồi nghỉ rồi, đo chín ba", None, {S: 93}),
    ("bác sĩ bảo chín lăm là mức của bà, hôm nay bà vẫn chín lăm", None, {S: 95}),
    ("lạnh... run... ba chín", None, {T: 39}),
    ("sáng ba bảy ba chiều lên ba chín hai rồi", None, {T: 39.2}),
    ("máy ghi chín bốn với nhịp tim một hai tám", None, {S: 94, P: 128}),
    ("trường hợp nhịp thở trên hai mươi thì sao, em đếm cho vợ được hai mươi hai", None, {B: 22}),
    ("con thở nhanh tưởng do nóng mà đếm vẫn bốn chục cái", None, {B: 40}),
    ("mạch nhanh, em đếm rồi, nhiệt độ ba tám", None, {T: 38}),
    ("trên hai mươi là nhanh hả chị, em đếm được mười chín", B, {B: 19}),
])
def test_values_in_their_own_clause_and_fragments(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- "115" as the number of a place -------------------------------------------------------------------------------
@pytest.mark.parametrize("text, emergency", [
    ("giấy hẹn ghi khám ở phòng 115 lầu hai, phòng đó khám gì vậy chị", False),
    ("nhà em ở hẻm 115, hỏi chị chỗ lấy thuốc", False),
    ("nhà em số 115, mẹ em tím tái rồi", True),
    ("gọi 115 giúp em với", True),
])
def test_115_of_a_place_is_no_call(text: str, emergency: bool) -> None:
    u = NLU.understand(text)
    assert (u.intent == "emergency" or "cyanosis" in u.symptoms) is emergency, (text, u.intent, u.symptoms)
