"""Timelines, households and medicine talk, by kind (issue 12, session 18, helper n32-timeline), each with twins in
the same words that must go the other way. Own wordings, written for the kinds, not copied from a scored set.

- timelines: a SpO2 said day after day with no vital named, the last one low ("hôm kia chín bảy, hôm qua chín lăm,
  nay còn chín hai"); a sign earlier today or during the illness, over now ("lúc sáng hơi khó thở, giờ hết rồi",
  "hồi bị covid thì khó thở dữ lắm, giờ khỏi rồi"), never an emergency sign earlier today, nor a sign whose "hết" is
  said of another ("hôm qua bà lơ mơ, giờ hết sốt rồi"); a meal back after days without; "chỉ còn" naming what is
  left;
- households said without tones: "con bo" is "còn bố", so the father's sign is his;
- medicine talk: "không ngừng" is no denial of the breath after it; nausea after a medicine is no drink brought back
  up; a home remedy asked about with a mild sign is a question; a vaccine shot's number counts no days of fever.

Scored as the flow does (``tests/ivr/nlu/flowrisk.py``): triage's risk, or the concern net."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import ESCALATE as _ESCALATE
from tests.ivr.nlu.flowrisk import NLU
from tests.ivr.nlu.flowrisk import flow_risk as _risk

ESCALATE = {
    "timeline": [
        # none before session 18: readings with no vital named
        "hôm kia chín bảy, hôm qua chín lăm, nay còn chín hai",
        "bữa qua chín sáu bữa nay chín ba",
        # twins of the calm ones below: not over, or over then back
        "lúc sáng hơi khó thở, giờ nặng hơn",
        "hồi chiều có tức ngực, giờ vẫn còn tức",
        "mấy hôm trước ông bỏ ăn, giờ vẫn không ăn được gì",
        "hồi bị covid tôi khó thở, giờ lại khó thở",
        "hôm qua môi tím, giờ đỡ, chỉ còn ho",
        # none before session 18: the resolved word is said of another sign
        "hôm qua bà lơ mơ, giờ hết sốt rồi",
        "hôm qua khó thở, giờ hết sốt rồi",
        # earlier today never clears an emergency sign, over or not
        "lúc trưa ông co giật, giờ hết rồi",
        "chiều nay môi bé tím, giờ hết tím rồi",
        "sáng khó thở, giờ hết sốt rồi",
    ],
    "household": [
        # low before session 18: "con bo" read as an animal
        "toi thi sot nhe con bo thi tho khong ra hoi",
        "me thi chi met thoi con bo thi ho ra mau",
        "me em ho it con bo em thi tim moi",
    ],
    "medicine": [
        # low before session 18: "không ngừng" read as "không" + "ngưng thở"
        "ba ho khong ngung tho khong noi",
        "uống chanh gừng mật ong mà vẫn ho, giờ thở không nổi",
        "uống thuốc vào là nôn ra hết, không giữ được gì",
        "uống thuốc chống đông mà giờ ho ra máu",
    ],
}

CALM = {
    "timeline": [
        # high before session 18: over now
        "lúc sáng hơi khó thở, giờ hết rồi",
        "hồi chiều có tức ngực, giờ hết hẳn rồi",
        "lúc nãy có hơi tức ngực, giờ hết rồi",
        "hồi bị covid thì khó thở dữ lắm, giờ khỏi rồi, hỏi chừng nào được đi làm",
        "mấy hôm trước ông bỏ ăn, giờ ăn uống được rồi",
        "lúc trưa bé không chịu bú, giờ bú lại được rồi",
        "hôm qua khó thở, giờ hết, chỉ còn sổ mũi",
        # a series that ends well
        "hôm kia chín ba, hôm qua chín lăm, nay chín bảy",
    ],
    "household": [
        "con bò nhà em tự nhiên thở khò khè",
    ],
    "medicine": [
        # high before session 18: nausea read as a drink brought back up, or the model on a question
        "uống thuốc vô hơi buồn nôn",
        "uống thuốc xong buồn nôn quá có sao không",
        "mật ong chanh gừng uống ngày mấy lần, bà ho khan",
        "thuốc chống đông uống ngày mấy lần, mẹ tôi hơi mệt",
    ],
}


@pytest.mark.parametrize("text", [t for ts in ESCALATE.values() for t in ts])
def test_escalates(text: str) -> None:
    assert _risk(text) in _ESCALATE, text


@pytest.mark.parametrize("text", [t for ts in CALM.values() for t in ts])
def test_calm(text: str) -> None:
    assert _risk(text) not in _ESCALATE, text


@pytest.mark.parametrize("text, want", [
    ("hôm kia chín bảy, hôm qua chín lăm, nay còn chín hai", {"spo2": 92}),
    ("lúc chiều đo chín lăm, giờ đo lại còn chín hai", {"spo2": 92}),
    ("hôm kia chín ba, hôm qua chín lăm, nay chín bảy", {"spo2": 97}),
    # a temperature series is out of the SpO2 range; ages are no readings
    ("hôm qua ba tám độ, nay ba chín độ", {"temperature": 39}),
])
def test_day_series_reads_the_last(text: str, want: dict[str, float]) -> None:
    assert NLU.understand(text).vitals == want


def test_an_age_is_no_series() -> None:
    assert "spo2" not in NLU.understand("bà tôi tám mươi tuổi, hôm qua với hôm nay đều khỏe").vitals


@pytest.mark.parametrize("text, want", [
    ("tiêm mũi bốn hôm qua, nay sốt nhẹ ba bảy rưỡi", "low"),
    ("ba hôm đầu sốt, hôm qua hết sốt rồi, giờ chỉ còn ho", "low"),
    ("tiêm mũi hai xong tới nay sốt ba hôm rồi", "medium"),
])
def test_fever_days(text: str, want: str) -> None:
    assert _risk(text) == want
