""""115" is the emergency service only when it is called for, not when it is a reading (session 21, lead).

"huyết áp 115/75" and "mạch 115" are values read off a device (no call for help, risk as the value says); "gọi 115"
is a call for help, and the number called is never taken for the reading said before it ("mạch 130, gọi 115 nhé":
the pulse is 130).
"""
from __future__ import annotations

import pytest

from ivr.nlu.understander import default_understander

NLU = default_understander()


@pytest.mark.parametrize("text, vitals", [
    ("huyết áp 115/75, em khỏe", {"systolic_bp": 115, "diastolic_bp": 75}),
    ("đo huyết áp được 115 trên 70 bình thường", {"systolic_bp": 115, "diastolic_bp": 70}),
    ("mạch 115", {"pulse": 115}),
    ("tim đập 115 lần", {"pulse": 115}),
])
def test_115_read_off_a_device_is_a_value_not_a_call(text: str, vitals: dict[str, float]) -> None:
    u = NLU.understand(text)
    assert u.intent != "emergency", u
    assert {k: float(v) for k, v in u.vitals.items()} == vitals


@pytest.mark.parametrize("text, vitals", [
    ("gọi 115 giúp tôi", {}),
    ("bà tôi khó thở quá gọi 115 đi", {}),
    ("mạch 130, gọi 115 nhé", {"pulse": 130}),
    ("nhịp tim 125 gọi 115 được không", {"pulse": 125}),
    ("huyết áp tụt 80 trên 50 gọi 115 chưa", {"systolic_bp": 80, "diastolic_bp": 50}),
    ("xe 115 tới chưa", {}),
])
def test_115_called_for_is_a_call_and_no_reading(text: str, vitals: dict[str, float]) -> None:
    u = NLU.understand(text)
    assert u.intent == "emergency", u
    assert {k: float(v) for k, v in u.vitals.items()} == vitals
