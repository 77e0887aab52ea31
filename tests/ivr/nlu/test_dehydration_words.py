"""Session 23 (lead): a child's dehydration said by a parent in everyday words: no wee since morning, a dry nappy,
crying with no tears, a sunken soft spot (high), as the recognizer writes them; their calm twins stay calm."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import flow_risk


@pytest.mark.parametrize("text", [
    "từ sáng tới giờ hông có tè",
    "bé không tè được từ sáng",
    "tã vẫn khô từ trưa tới giờ",
    "khóc hông có nước mắt",
    "bé khóc mà không ra nước mắt",
    "thóp lõm xuống",
])
def test_a_sign_of_dehydration_escalates(text: str) -> None:
    assert flow_risk(text) == "high"


@pytest.mark.parametrize("text", [
    "bé vẫn tè bình thường, khóc có nước mắt",
    "thay tã khô cho bé rồi",
    "tã ướt sũng, bé bú tốt",
    "không tè dầm nữa",
    "tôi ở thôn Trung, muốn hỏi chuyện thuốc huyết áp",
])
def test_the_calm_twins_stay_calm(text: str) -> None:
    assert flow_risk(text) in ("none", "low")
