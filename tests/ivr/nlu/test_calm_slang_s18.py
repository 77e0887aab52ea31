"""Calm callers whose words sound like signs (issue 12, session 18, n36-calm-slang, with
tests/data/utterances_s18_slang.jsonl): young adults' slang and exaggeration, breath short after an ordinary effort
and over after a rest, a patient already taken away by the ambulance, a sign asked about, readings said in English.
Each kind has escalating twins (a sign now, said in the same frame). Examples are new, not dev rows; scored the way
the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import model_text
from tests.ivr.nlu.flowrisk import NLU, escalates


def _calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "học online chán muốn xỉu, em covid ngày ba chỉ hơi nghẹt mũi",
    "trời nực muốn xỉu luôn mà em không sốt gì",
    "xem clip hài cười muốn ngất, em khỏe rồi",
    "ôn thi áp lực muốn tắt thở luôn chứ covid thì nhẹ",
    "tắc đường muốn đứt hơi mới về tới nhà, em vẫn khỏe",
    "kpi dí ngộp thở mà covid thì chỉ ho khan",
    "xiu up xiu down vi gia xang chu em on",
])
def test_slang_and_exaggeration_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "chán thì chán nhưng giờ em thở không nổi, môi tím",
    "mệt muốn xỉu, vừa đứng lên là xỉu luôn",
    "chóng mặt muốn xỉu, nằm không dậy nổi",
    "bà tôi thở muốn đứt hơi",
    "ông tôi sốt nóng muốn xỉu",
    "deadline thì kệ, từ trưa tới giờ tức ngực lắm",
])
def test_a_sign_in_the_same_frame_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "em vừa đá bóng về thở hổn hển, ngồi nghỉ một lát là hết",
    "leo cầu thang năm tầng thì hụt hơi, nghỉ một chút là thở lại bình thường",
    "tập gym xong thở dốc nghỉ chút xíu thì ổn",
])
def test_breath_short_after_an_effort_that_a_rest_ended_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "đá bóng về nghỉ cả tiếng rồi mà vẫn thở dốc",
    "leo có hai bậc thang đã hụt hơi, nghỉ mãi chưa hết",
    "đi vệ sinh về thở hổn hển, nghỉ chút là hết",
    "tập thể dục xong thở dốc, nói vài câu là hết hơi",
])
def test_breath_that_does_not_pass_or_a_small_effort_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "xe cấp cứu đã đưa ông đi rồi, giờ phòng ông có cần xịt khử khuẩn không",
    "115 chở chị tôi vào viện hồi chiều rồi, tôi có phải cách ly không",
    "mẹ được đưa đi cấp cứu hồi tối rồi, con ở nhà cần mua thuốc gì không",
])
def test_a_patient_already_taken_away_is_no_request_for_help(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "đã gọi 115 rồi mà xe chưa tới chở, cứu với",
    "tôi đã gọi xe cấp cứu để chở ông đi rồi",
    "đang chờ xe 115 tới chở mẹ đi rồi",
    "xe cấp cứu chở ông đi rồi, giờ bà ở nhà cũng tím tái",
    "xe cấp cứu vừa đưa bố đi, mẹ em giờ lơ mơ gọi không dậy",
])
def test_a_wait_or_another_patient_with_a_sign_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "thở co kéo lồng ngực là như thế nào vậy chị",
    "lơ mơ là sao, em hỏi để theo dõi ba",
])
def test_a_sign_asked_about_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", ["ba tôi thở rút lõm lồng ngực", "khó thở thế nào ấy, thở không nổi"])
def test_a_sign_reported_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text,vital,value", [
    ("spo2 ninety seven", "spo2", 97.0), ("oxygen ninety six", "spo2", 96.0), ("heart rate eighty two", "pulse", 82.0),
])
def test_readings_said_in_english(text: str, vital: str, value: float) -> None:
    assert NLU.understand(text).vitals.get(vital) == value, text


@pytest.mark.parametrize("text", ["oxygen ninety one", "sp o2 ninety four thôi", "heart rate one hundred thirty"])
def test_a_low_or_fast_reading_in_english_escalates(text: str) -> None:
    assert escalates(text), text


def test_the_model_does_not_weigh_a_calm_sense() -> None:
    assert "xỉu" not in model_text("chán muốn xỉu luôn, em chỉ hơi ho")
    assert "xỉu" in model_text("mệt muốn xỉu")
