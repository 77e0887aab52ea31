"""Session 21 (n51-calls8): is a spoken value shaped like the vital asked for?

A caller at the breathing-rate question often reads the thermometer instead ("ba sáu rưỡi", 36.5; "ba sáu
bảy", 36.7) and then confirms the read-back: a breathing rate of 36.5 is no breathing rate, and the call must
not escalate on it. Each vital has a plausible shape: a count (breathing rate, pulse) is a whole number; a
count or a percentage (SpO2) is never a temperature with its tenths, read from the same words. A value
that does not fit is asked for again with the vital explained, never stored nor triaged.

Pure: the caller's words are read by the understander the session already has (``Understander.number``).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Shape:
    """What a plausible spoken value of one vital looks like."""

    whole: bool = False  # a count: never said with a fraction ("rưỡi", "phẩy")
    not_like: tuple[str, ...] = ()  # vitals whose typical reading the same words must not give


#: A reading of these vitals is typical when it falls in this range and carries a fraction (a thermometer's
#: "ba sáu phẩy bảy"); a whole 36 at the breathing question is a plausible (fast) breathing rate.
TYPICAL_FRACTIONAL: Mapping[str, tuple[float, float]] = {"temperature": (34.0, 43.0)}

SHAPES: Mapping[str, Shape] = {
    "breathing_rate": Shape(whole=True, not_like=("temperature",)),
    "pulse": Shape(whole=True, not_like=("temperature",)),
    "spo2": Shape(not_like=("temperature",)),
}


#: Session 23 (n66-calls12): measures the hotline does not ask for, whose numbers a caller with a chronic illness
#: reads out at a question for a vital ("sáng ni tui đo đường huyết được bảy phẩy tám", "đường huyết chín mươi" at
#: the SpO2 question), folded without diacritics, as whole words
OTHER_MEASURES: tuple[str, ...] = ("duong huyet", "duong trong mau", "thu duong", "do duong", "chi so duong",
                                   "tieu duong do duoc")
#: the vitals' own names, which keep a number said with them the vital's ("SpO2 chín bảy, đường huyết bảy phẩy tám")
OWN_NAMES: Mapping[str, tuple[str, ...]] = {
    "spo2": ("spo2", "sp o2", "o xy", "oxy", "oxi", "o xi", "nong do"),
    "pulse": ("nhip tim", "mach", "pr"),
    "breathing_rate": ("nhip tho", "lan tho", "hoi tho"),
}


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    text = "".join(c for c in text if unicodedata.category(c) != "Mn")
    return f" {' '.join(re.sub(r'[^a-z0-9 ]', ' ', text).split())} "


def other_measure(vital: str, text: str) -> bool:
    """Does ``text`` give a measure the hotline does not ask for (blood sugar) and not name ``vital`` itself?"""
    said = _fold(text)
    return (any(f" {m} " in said for m in OTHER_MEASURES)
            and not any(f" {n} " in said for n in OWN_NAMES.get(vital, ())))


def misshapen(vital: str | None, value: float, text: str, *, said_as: Mapping[str, float],
              read_as: Callable[[str, str], float | None]) -> str | None:
    """The reason ``value`` (read from ``text`` at the question for ``vital``) is no plausible reading of it,
    or None when it is. ``said_as``: the vitals the understanding found in ``text`` by their units or cue words
    ("ba bảy độ" is a temperature); ``read_as(text, other)``: the value ``text`` gives as the vital ``other``."""
    shape = SHAPES.get(vital or "")
    if shape is None:
        return None
    if other_measure(vital or "", text):
        return "other_measure"  # session 23 (n66-calls12): "đường huyết chín mươi" at the SpO2 question
    if vital not in said_as and any(k in said_as for k in shape.not_like):
        return "other_vital"  # "ba bảy độ" at the breathing question: its unit names the temperature
    if shape.whole and not float(value).is_integer():
        return "fraction"  # "ba sáu rưỡi" breaths a minute
    for other in shape.not_like:
        low, high = TYPICAL_FRACTIONAL.get(other, (0.0, -1.0))
        as_other = read_as(text, other)
        if as_other is not None and not float(as_other).is_integer() and low <= as_other <= high:
            return f"like_{other}"  # "ba sáu bảy": 36.7 degrees, whatever the count parser made of it
    return None
