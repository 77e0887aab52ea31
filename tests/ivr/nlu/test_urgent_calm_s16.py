"""Urgent-sounding talk that is calm, kept apart from real alarm (issue 12, session 16, n24-urgent-calm, with
tests/data/utterances_s16_urgent.jsonl): haste about papers, results, medicine or food is no request for help; a
loanword or a watch's reading is no sign; a far relative's worry with nothing seen raises no concern. The twins said
with a sign, a plea for a person or an unreachable patient still reach a doctor. Examples are new, not dev rows."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates


@pytest.mark.parametrize("text", [
    "gấp lắm chị ơi, em cần giấy xác nhận hoàn thành cách ly để nộp công ty",
    "khẩn cấp, phường chưa phát túi thuốc cho nhà tôi",
    "gấp gấp, kết quả xét nghiệm của con tôi có chưa",
    "khan cap lam nha het gao roi bao gio phuong mang do an toi",
    "ôi trời ơi, chờ mãi giấy ra viện chưa có, gấp lắm",
    "gấp quá, mã qr khai báo của tôi không mở được",
])
def test_haste_about_a_calm_matter_is_no_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert u.intent != "emergency" and not escalates(text), (text, u.intent, u.symptoms, u.concern)


@pytest.mark.parametrize("text", [
    "gấp lắm, mẹ tôi khó thở quá", "gấp gấp, đi lấy giấy về thấy ba tím tái",
    "cứu với, nhà hết thuốc mà bà lên cơn co giật", "khẩn cấp, gọi xe cấp cứu giùm tôi",
    "gấp lắm, cho người tới ngay, ông tôi ngất", "khẩn cấp lắm", "gấp lắm, spo2 của bà còn tám chín",
])
def test_haste_with_a_sign_or_a_plea_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text, vitals", [
    ("pờ ri tám mươi tám, spo2 chín chín", {"pulse": 88, "spo2": 99}),
    ("heart rate bảy mươi, em thấy khỏe", {"pulse": 70}),
    ("máy ghi spo2 chín bảy, pê ri sáu lăm", {"spo2": 97, "pulse": 65}),
])
def test_a_loanword_pulse_is_the_pulse(text: str, vitals: dict[str, float]) -> None:
    u = NLU.understand(text)
    assert {k: float(v) for k, v in u.vitals.items()} == vitals and not escalates(text), (text, dict(u.vitals))


@pytest.mark.parametrize("text", [
    "alo, sóng yếu quá, em hỏi chỗ nhận túi thuốc", "tín hiệu yếu lắm, em nói lại nha, em cần giấy xác nhận",
    "em không bắt máy kịp cuộc gọi của trạm sáng nay", "gọi mãi mà trạm y tế không nghe máy, em muốn hỏi thuốc",
])
def test_a_weak_line_or_a_missed_call_is_no_sign(text: str) -> None:
    assert not escalates(text), (text, NLU.understand(text).symptoms)


@pytest.mark.parametrize("text", [
    "heart rate một trăm bốn mươi", "nghe tin dương tính xong ông ngất luôn", "sóng yếu quá mà mẹ tôi yếu lắm rồi",
])
def test_a_loanword_sign_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "cháu ở nước ngoài lo quá, không biết bà ở nhà thế nào",
    "anh đi làm xa, sốt ruột lắm, không biết vợ ở nhà ra sao",
    "sợ quá, mai em đi tiêm mũi nhắc lại",
])
def test_worry_with_nothing_seen_is_calm(text: str) -> None:
    assert not escalates(text), (text, NLU.understand(text).sources)


@pytest.mark.parametrize("text", [
    "bố em không nghe máy cả ngày nay, em ở xa", "hàng xóm đập cửa mãi không ai mở, bà ở một mình",
    "con ở xa lo quá, gọi video thấy mẹ thở hổn hển", "em ở xa, gọi mẹ mãi không được, lo quá",
    "ông ở quê không bắt máy từ hôm qua",
])
def test_a_far_relative_seeing_a_change_still_escalates(text: str) -> None:
    assert escalates(text), text
