"""Calm talk escalated for nothing, by kind (issue 12, session 17, helper n25-chronic), with escalating twins in the
same words: a long-standing state (an old stroke's speech said with "đột quỵ" or a year, dementia, sleeping propped on
pillows for years because of the heart, a state said in the clause after its marker), someone outside the household
(a classmate, the next bed, a cousin or a teacher, already taken to hospital, said without commas) and a number read
or heard about rather than measured ("trên facebook bảo ô xi dưới chín tư..."). The twins: the state changed (a
contrast word or a night of change after the marker, "dạo này"), a household member now, a reading of one's own.
Own wordings, written for the kinds, not copied from a scored set. Scored as the flow does: triage's risk, or the
concern net (the concern flag on an utterance nothing else was understood in)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import ESCALATE as _ESCALATE
from tests.ivr.nlu.flowrisk import flow_risk as _risk

CALM = {
    "long_standing": [
        "ba tui nói đớ từ hồi bị đột quỵ tới giờ",
        "ông nói ngọng sau khi bị đột quỵ, vẫn ăn được",
        "ông bị lẫn từ lâu, hay nói lảm nhảm",
        "bố tôi suy tim nên phải kê gối cao mấy năm nay rồi",
        "bà bị sa sút trí tuệ, con cháu chăm lâu rồi",
    ],
    "outside": [
        "bạn cùng lớp thằng cu nhà tôi bị co giật phải đi viện thằng cu thì vẫn khỏe",
        "giường bên cạnh có bác bị tím tái, bố tôi thì vẫn ổn",
        "anh họ tôi bị khó thở đã được đưa đi bệnh viện, nhà tôi không ai sao",
        "cô giáo của con bị ngất ở trường, con tôi thì bình thường",
    ],
    "heard_numbers": [
        "trên facebook bảo ô xi dưới chín tư là nguy hiểm phải không",
        "đọc báo thấy có người nhịp thở ba mươi lăm mà không biết",
    ],
}

ESCALATE = {
    "long_standing": [
        "cụ nhà tôi nói đớ từ hồi đột quỵ mà nay cụ lơ mơ, gọi không dậy",
        "bố suy tim ngủ kê gối từ lâu nhưng đêm qua phải ngồi dậy mới thở được",
        "dạo này mẹ tôi phải kê gối cao mới thở được",
        "ông lẫn từ lâu mà nay môi tím tái",
        "bà tôi nói ngọng từ năm 2019 nhưng sáng nay méo miệng, tay không nhấc lên được",
        "bà bị lẫn mấy năm nay rồi, hôm nay lơ mơ không nhận ra ai",
        # an onset time in the clause after the marker (the lead's probes): the sign is new
        "mẹ tôi bị lẫn mấy năm nay, từ chiều thì gọi không tỉnh",
        "ông nói ngọng lâu rồi, nãy giờ ông lơ mơ gọi không thưa",
        "bà lú lẫn mấy năm trời, từ tối qua mê man",
    ],
    "outside": [
        "bạn cùng lớp con bị sốt, giờ con tôi co giật",
        "giường bên cạnh có bác bị tím tái, giờ bố tôi cũng tím môi",
        "hàng xóm bị khó thở đi cấp cứu rồi giờ tới lượt vợ tôi cũng khó thở",
    ],
    "heard_numbers": [
        "trên facebook bảo ô xi dưới chín tư là nguy hiểm mà mẹ tôi đo được chín hai",
        "bà tôi chín mươi sáu tuổi giờ gọi không tỉnh",
        "ô xi chín tư",
    ],
}


@pytest.mark.parametrize("text", [t for ts in CALM.values() for t in ts])
def test_calm_kinds_stay_calm(text: str) -> None:
    assert _risk(text) not in _ESCALATE, text


@pytest.mark.parametrize("text", [t for ts in ESCALATE.values() for t in ts])
def test_escalating_twins_escalate(text: str) -> None:
    assert _risk(text) in _ESCALATE, text
