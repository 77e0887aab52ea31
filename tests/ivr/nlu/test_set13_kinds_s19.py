"""Calm kinds of retired held-out set 13, read generally (issue 12, session 19, n41-set13-calm, with
tests/data/utterances_s19_set13kinds.jsonl; ``ivr.nlu.everyday``, ``ivr.nlu.analysis``, ``ivr.nlu.vitals``): a sign the
caller only thought they saw, a sign put on a thing, an everyday cause after the sign, a past episode over now, a
sleeper who wakes at once, nobody of the household counted by kind, a baseline said not new, a baby's small spit-up, a
breath a doctor called usual, a SpO2 floor never crossed. Each kind has escalating twins. Examples are new, not dev
rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates


@pytest.mark.parametrize("text", [
    "chị cứ tưởng ông ngất, hóa ra ông cúi xuống buộc dây giày",
    "nghe tiếng thở khò khè tưởng bà, ai dè là con chó ngủ dưới gầm giường",
    "không phải mẹ tôi thở rít đâu, là cái quạt cây nó kêu",
    "là cái máy giặt nó kêu khò khè, chứ cả nhà ngủ ngon",
    "bà tím mặt vì giận thằng cháu, chứ bà có bệnh gì đâu",
    "chồng tôi than thở không nổi với tiền nhà, chứ người vẫn khỏe",
    "hôm kia ông khó thở một lúc, giờ thở bình thường rồi, ăn ngủ được",
    "tuần trước cháu sốt cao có co giật, đi viện rồi, giờ hết sốt, chơi bình thường",
    "bé ngủ li bì cả trưa nhưng gọi một tiếng là dậy, nói chuyện bình thường",
    "cả nhà bốn người, không đứa nào khó thở",
    "bé ba tháng bú xong trớ ra một chút rồi lại bú tiếp",
    "em có bầu, bình thường cũng hơi khó thở, bác sĩ bảo là do thai to",
])
def test_calm_kinds_are_no_sign(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "tưởng ông ngủ, hóa ra ông lịm đi, lay không dậy",
    "không phải cái quạt kêu đâu, là ông tôi thở khò khè, thở rít",
    "bà giận con cháu xong môi tím tái, thở không nổi",
    "hôm kia ông khó thở, giờ lại thở dốc không ra hơi",
    "hôm qua bà ngất một lần, giờ vẫn còn lơ mơ",
    "bé ngủ li bì, gọi mấy tiếng cũng không dậy",
    "không đứa nào sốt, nhưng đứa út co giật",
    "bà lẫn lâu rồi không phải mới, mà nay gọi không dậy",
    "bé bú xong trớ một chút rồi bỏ bú luôn, li bì",
    "bình thường cũng hơi khó thở, nay khó thở nhiều hơn hẳn, ngồi cũng thở dốc",
    "ô xi của ba tôi chưa bao giờ thấp vậy, sáng nay chỉ còn chín hai",
    "ô xi chưa bao giờ dưới chín sáu, giờ chín hai",
    "ô xi của bà tôi thấp lắm",
])
def test_urgent_twins_stay_escalated(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.vitals, u.sources)


def test_a_floor_never_crossed_is_no_worse_reading() -> None:
    u = NLU.understand("ô xi chưa bao giờ xuống dưới chín sáu, sáng nay đo chín tám")
    assert dict(u.vitals) == {"spo2": 98} and dict(u.triage_vitals()) == {"spo2": 98}
