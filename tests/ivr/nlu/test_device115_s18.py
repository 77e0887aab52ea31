"""Device talk and callers who already called 115 (issue 12, session 18, helper n37-device-115), by kind:
a first reading blamed on how it was taken (a cold finger, nail polish, a shaking hand, exercise, coffee, a weak
battery, the wrong finger) and measured again to a normal value is no dip for triage; a watch or a measure written
without diacritics ("dong ho", "do ra") is no cough and no dazed patient; a ride with 115 that is over ("xe 115 chở đi
rồi") or a question about the service's cost is no call for help. Escalating twins: a re-measure still low, a
re-measure without a cause for the first value, a sign with a normal number, a reading said now after the doctor's
threshold ("bác sĩ dặn dưới 94 thì gọi lại, giờ chín hai"), a caller still waiting for the ambulance. Own wordings,
written for the kinds, not copied from a scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import ESCALATE, NLU
from tests.ivr.nlu.flowrisk import flow_risk as _risk


@pytest.mark.parametrize("text, spo2", [
    ("mới kẹp máy ra tám sáu, tay lạnh quá, xoa tay cho ấm đo lại chín chín", 99),
    ("ngon tay lanh do ra tam bay, u am roi do lai chin tam", 98),
    ("vợ tôi còn sơn móng tay nên máy chỉ tám tư, lau sơn rồi đo lại chín bảy", 97),
    ("lần đầu đo được chín hai do tay run, để yên tay đo lại thì chín tám", 98),
    ("ngón cái có sơn móng nên máy ra tám tám, đổi sang ngón giữa ra chín chín", 99),
])
def test_remeasured_after_an_artifact_is_calm(text: str, spo2: float) -> None:
    u = NLU.understand(text)
    assert u.vitals.get("spo2") == spo2
    assert _risk(text) not in ESCALATE


def test_pulse_after_exercise_then_rest_is_calm() -> None:
    text = "leo cầu thang xong mạch một trăm ba mươi, ngồi nghỉ một lát đo lại còn bảy tám"
    assert NLU.understand(text).vitals.get("pulse") == 78
    assert _risk(text) not in ESCALATE


@pytest.mark.parametrize("text", [
    "dong ho thong minh do ra chin tam phan tram",
    "dong ho bao nhip tim bay muoi",
])
def test_watch_without_diacritics_is_calm(text: str) -> None:
    assert _risk(text) not in ESCALATE


@pytest.mark.parametrize("text, worst", [
    # still low after the fix, or no cause for the first value: the worse reading still counts
    ("ủ ấm tay rồi đo lại vẫn chín hai", "emergency"),
    ("tay lạnh, ủ ấm đo lại cũng chỉ chín lăm", "high"),
    ("sáng đo chín hai, giờ đo lại chín bảy", "emergency"),
    ("lúc nãy đo tám chín, ngồi nghỉ rồi đổi ngón khác đo lại chín bảy", "emergency"),  # a rest is no cause
    ("đồng hồ đeo tay báo oxy tám bảy", "emergency"),
    ("nguoi ong do ra khong noi gi", "emergency"),  # dazed ("đờ ra"), no number after it
    ("máy tạo oxy mở bốn lít mà đo vẫn chín mươi", "emergency"),
    ("máy báo chín chín mà môi thâm tím", "emergency"),
])
def test_device_talk_with_a_sign_escalates(text: str, worst: str) -> None:
    assert _risk(text) == worst


@pytest.mark.parametrize("text", [
    "bác sĩ dặn dưới 94 thì gọi lại, giờ chín hai",
    "trạm y tế dặn dưới chín lăm thì báo, bây giờ chín mốt",
])
def test_reading_now_after_the_doctors_threshold_escalates(text: str) -> None:
    assert NLU.understand(text).vitals.get("spo2") is not None
    assert _risk(text) == "emergency"


def test_threshold_alone_is_no_reading() -> None:
    assert not NLU.understand("bác sĩ dặn dưới 94 thì gọi lại").vitals


@pytest.mark.parametrize("text", [
    "hôm kia xe 115 chở chồng tôi đi rồi, giờ tôi muốn hỏi cách ly ở nhà",
    "bố em được 115 đưa vào viện tuần trước, giờ nhà em phải khử khuẩn thế nào",
    "gọi 115 có tốn tiền không chị",
])
def test_ride_over_or_service_question_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert u.intent != "emergency"
    assert _risk(text) not in ESCALATE


@pytest.mark.parametrize("text", [
    "gọi 115 rồi mà đợi hoài chưa thấy xe",
    "đang chờ xe 115 chở đi, ông thở không nổi",
    "xe 115 chở bà đi rồi mà giờ ông cũng tím môi",
    "gọi 115 có tốn tiền không, mẹ tôi lơ mơ rồi",
    "115 không nghe máy, cứu tôi với",
])
def test_waiting_for_115_or_a_sign_escalates(text: str) -> None:
    assert _risk(text) == "emergency"
