"""Readings said approximately or as the device shows them (issue 12, session 18, helper n31-approx-vitals), by kind:
a strict bound on a vital's alarming side ("dưới chín mươi", "chưa tới 90", "hơn trăm hai", "hơn ba mươi" breaths) is
read one step past it, so the words' nearest value decides the risk; the oximeter's display rows said by their size
("số to", "số nhỏ"); its continuing alarm ("cứ kêu bíp bíp", "máy báo động") is a low SpO2; a reading the device
shows before the first vital named ("máy báo chín mốt mạch trăm hai lăm"). Calm twins: an inclusive bound ("không
lên quá"), the calm side of a bound ("hơn chín bảy"), a bound that is a place or a display row ("số dưới"), "dưới"
that is no bound, a single beep when the measure is done, other things that beep, a yesterday ("tối qua") before a
value. Own wordings, written for the kinds, not copied from a scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU
from tests.ivr.nlu.flowrisk import flow_risk as _risk

S, P, B = "spo2", "pulse", "breathing_rate"


@pytest.mark.parametrize("text, expect, vitals", [
    # strict bounds on the alarming side (89, 121, 31, 49: the risk of the words' nearest value)
    ("ô xi của ông tôi dưới chín mươi rồi", None, {S: 89}),
    ("chưa tới chín tư", S, {S: 93}),
    ("chua toi chin tu", S, {S: 93}),
    ("spo2 không tới 94", None, {S: 93}),
    ("tim đập hơn một trăm hai mươi", None, {P: 121}),
    ("trên trăm hai", P, {P: 121}),
    ("nhịp thở của bà hơn ba mươi cái một phút", None, {B: 31}),
    ("vượt quá ba mươi", B, {B: 31}),
    ("mạch chậm, dưới năm mươi", None, {P: 49}),
    # the display rows by size
    ("máy hiện số to là chín ba, số nhỏ là một trăm hai lăm", None, {S: 93, P: 125}),
    ("số lớn chín mốt số bé tám tám", S, {S: 91, P: 88}),
    # a reading the device shows before the first vital named
    ("máy hiện chín hai nhịp tim một trăm", None, {S: 92, P: 100}),
])
def test_approximate_reading_read_at_its_alarming_value(text: str, expect: str | None, vitals: dict) -> None:
    u = NLU.understand(text, expect=("repeat", expect) if expect else None)
    assert {k: float(v) for k, v in u.vitals.items()} == vitals
    assert _risk(text, ("repeat", expect) if expect else None) in ("high", "emergency")


@pytest.mark.parametrize("text, expect, vitals", [
    ("ô xi không lên quá chín tám", None, {S: 98}),   # at most 98
    ("hơn chín bảy một chút", S, {S: 97}),            # over, on the SpO2's calm side: the value said
    ("mạch không hơn tám mươi", None, {P: 80}),
    ("số trên chín tám, số dưới bảy hai", None, {S: 98, P: 72}),  # display rows, no bound
    ("đỡ hơn chín bảy rồi", S, {S: 97}),
    ("ô xi tối qua chín tám, sáng nay chín bảy", None, {S: 97}),  # "qua" is no "quá"
    ("số to chín tám số nhỏ bảy sáu", S, {S: 98, P: 76}),
])
def test_calm_twins_keep_the_value_said(text: str, expect: str | None, vitals: dict) -> None:
    u = NLU.understand(text, expect=("repeat", expect) if expect else None)
    assert {k: float(v) for k, v in u.vitals.items()} == vitals
    assert _risk(text, ("repeat", expect) if expect else None) == "none"


@pytest.mark.parametrize("text", [
    "cái máy kẹp ngón tay của bà cứ kêu tít tít",
    "máy đo oxy kêu bíp bíp liên tục từ nãy",
    "may kep tay cu keu bip bip hoai",
    "máy đo nó báo động hoài, ông thì ngủ li bì",
])
def test_oximeter_alarm_is_low_spo2(text: str) -> None:
    assert "low_spo2" in NLU.understand(text).symptoms
    assert _risk(text) in ("high", "emergency")


@pytest.mark.parametrize("text", [
    "máy bíp một cái rồi hiện số, bà vẫn khỏe",
    "chuông cửa kêu bíp bíp, chắc shipper tới",
    "máy đo oxy không kêu bíp bíp gì hết, bình thường",
])
def test_a_beep_that_is_no_alarm_is_calm(text: str) -> None:
    assert "low_spo2" not in NLU.understand(text).symptoms
    assert _risk(text) == "none"
