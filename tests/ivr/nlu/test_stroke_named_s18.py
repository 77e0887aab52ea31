"""A stroke named by the caller is an emergency (decision 261, sign 7: new stroke signs are altered consciousness);
one had years ago is no new sign (found by n29-node-signs in session 18: 'bố tôi vừa bị tai biến' was risk none at
every question of a call)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import flow_risk

NAMED_NOW = [
    "bà tôi bị đột quỵ",
    "bố tôi vừa bị tai biến",
    "ông tôi mới bị tai biến sáng nay",
    "ba tui bị đột quị rồi",
    "hình như ông tôi bị tai biến rồi",
    "bo toi bi dot quy",
    "cách đây hai tiếng bà bị đột quỵ",
    "mẹ em bị tai biến mạch máu não, đang nằm ở nhà",
    "ông từng bị tai biến, giờ lại lơ mơ",
    "bà bị tai biến cách đây ba năm, từ sáng nay lại nói không rõ",
    "ông bị xuất huyết não hay sao ấy, nói không ra tiếng",
]

OLD_OR_ASKED = [
    "bố tôi bị tai biến từ năm 2019, giờ chỉ ho nhẹ",
    "bà bị tai biến mấy năm nay rồi",
    "mẹ tôi bị đột quỵ hồi năm ngoái",
    "bố bị tai biến cách đây ba năm, nay ổn",
    "ông tôi từng bị tai biến, giờ bị covid ho nhẹ",
    "bà có tiền sử tai biến, giờ sốt nhẹ",
    "ông bị tai biến nằm một chỗ đã lâu, giờ ho",
    "ba tui nói ngọng lâu rồi, hồi bị tai biến tới giờ, hôm nay ăn uống bình thường",
    "sợ bà bị đột quỵ",
    "làm sao biết người bị đột quỵ",
    "nếu bị tai biến thì làm sao",
    "tai biến sau tiêm vắc xin có nguy hiểm không",
]


@pytest.mark.parametrize("text", NAMED_NOW)
def test_a_stroke_named_now_is_an_emergency(text: str) -> None:
    assert flow_risk(text) == "emergency"


@pytest.mark.parametrize("text", OLD_OR_ASKED)
def test_an_old_stroke_a_fear_or_a_question_is_no_warning_sign(text: str) -> None:
    assert flow_risk(text) not in ("high", "emergency")


@pytest.mark.parametrize("text", ["bà thở hắt ra từng cơn", "bà lơ mơ từng lúc"])
def test_tung_as_in_episodes_is_no_history_marker(text: str) -> None:
    assert flow_risk(text) == "emergency"
