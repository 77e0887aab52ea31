"""Spoken Vietnamese numbers to values."""
from __future__ import annotations

import pytest

from ivr.nlu.normalize import tokenize
from ivr.nlu.numbers import Number, find_numbers, parse_number


@pytest.mark.parametrize("text, value", [
    ("chín mươi tư", 94), ("chín tư", 94), ("chín lăm", 95), ("chín mươi lăm", 95), ("chín bốn", 94),
    ("chin muoi tu", 94), ("hai mươi mốt", 21), ("hai mốt", 21), ("mười lăm", 15), ("mười", 10),
    ("hai mươi", 20), ("tám mươi lăm", 85), ("năm mươi", 50),
    ("ba mươi tám độ rưỡi", 38.5), ("ba chín độ năm", 39.5), ("ba tám phẩy năm", 38.5),
    ("ba tám độ hai", 38.2), ("ba mươi tám rưỡi", 38.5), ("ba muoi tam do ruoi", 38.5), ("ba bảy độ tám", 37.8),
    ("một trăm hai mươi", 120), ("một trăm linh năm", 105), ("một trăm lẻ hai", 102), ("trăm mốt", 110),
    ("một trăm hai", 120), ("một trăm rưỡi", 150), ("một trăm ba", 130), ("một trăm hai lăm", 125),
    ("một trăm hai ba", 123), ("một trăm hai mươi lăm", 125), ("9 4", 94),
    ("hai chục", 20), ("chín mười tư", 94), ("ba mười tám độ rưỡi", 38.5), ("ba bảy rưỡi", 37.5),
    ("94", 94), ("38,5", 38.5), ("38.5", 38.5), ("38 độ 5", 38.5), ("38 phẩy 5", 38.5), ("94%", 94),
    ("năm nay bảy mươi", 70), ("bảy lăm tuổi", 75),
])
def test_spoken_and_written_numbers(text: str, value: float) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "không có", "trạm y tế", "tram y te", "năm nay", "khó thở", "???"])
def test_no_number(text: str) -> None:
    assert parse_number(text) is None


def test_degree_followed_by_a_duration_is_not_a_decimal() -> None:
    toks = tokenize("sốt 39 độ 3 ngày")
    assert [n.value for n in find_numbers(toks)] == [39, 3]


def test_find_numbers_gives_token_spans() -> None:
    toks = tokenize("spo2 chín lăm, mạch một trăm hai mươi")
    assert find_numbers(toks) == [Number(value=95, start=1, end=3), Number(value=120, start=5, end=9)]


def test_a_leading_khong_is_no_not_zero() -> None:
    assert find_numbers(tokenize("không ho")) == []
