"""Calm words that look like a warning sign once their tones are gone or a recognizer bends them (issue 12, session 9
of the lead, with tests/data/utterances_s14_lookalikes.jsonl): a dim display is no drowsy patient, looking for the
device is no blue lip; the sign said of the patient in the same words still escalates."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import Nlu

NLU = Nlu()
S = ["repeat", "spo2"]


@pytest.mark.parametrize("text, expect", [
    ("màn hình lờ mờ quá, để tôi lau kính", S), ("số nó lờ mờ, tôi nhìn không rõ", S),
    ("chữ trên máy lờ mờ", None), ("đèn trong phòng lờ mờ nên tôi đọc không ra", None),
    ("cái điện thoại sóng lờ mờ, nghe không rõ", None), ("trời lờ mờ sáng thì tôi đo", None),
])
def test_a_dim_thing_is_no_drowsy_patient(text: str, expect: list[str] | None) -> None:
    u = NLU.understand(text, expect=expect)
    assert "altered_consciousness" not in u.symptoms, (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "bà tôi lờ mờ từ sáng", "cái máy kêu mà bà lờ mờ", "ba toi lo mo", "đo xong máy báo chín hai, ông lờ mờ",
    "ông nằm lờ mờ, gọi không dậy", "mẹ tôi cứ lơ mơ, màn hình máy đo thì chín hai",
])
def test_the_patient_drowsy_in_the_same_words_still_is(text: str) -> None:
    assert "altered_consciousness" in NLU.understand(text).symptoms, text


@pytest.mark.parametrize("text, expect", [
    ("để tôi tìm cái máy đã", S), ("để tôi tìm cái kẹp", S), ("tìm hoài không thấy cái máy đâu", S),
    ("máy bị ngắt, để tôi bật lại", S), ("tôi tìm mãi không thấy số điện thoại trạm y tế", None),
])
def test_looking_for_the_device_raises_no_worry(text: str, expect: list[str] | None) -> None:
    """"tìm" (look for) is "tím" (blue) without its tone: the model's folded features learnt it is calm."""
    u = NLU.understand(text, expect=expect)
    assert not u.concern and not u.symptoms, (text, u.symptoms, dict(u.sources))
