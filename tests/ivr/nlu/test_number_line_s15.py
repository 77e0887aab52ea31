"""Vital answers on a broken line and colloquial limits and swings, by kind (issue 12, session 13, helper
n20-vitals-line, prompted by tests/data/vitals_s15_line.jsonl): a limit said after a reading ("chưa tới hai chục"), a
swing between two values ("lúc chín sáu lúc chín bảy": one reading, its worse end), a blood pressure with the upper
number in mmHg and the lower one in cmHg ("trăm bốn trên chín"), line noise inside a value ("chín rè rè sáu"), a
temperature said twice with its unit ("ba tám độ ba tám độ"). Each family with look-alikes that must not read
(conventions: test_vital_forms.py). The sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_vital_forms import B, P, S, T, _check, _check_triage

SYS, DIA = "systolic_bp", "diastolic_bp"


# --- a limit after a reading of the same vital is no second reading ---------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("hai mươi mốt cái, chưa tới hai lăm", B, {B: 21}), ("chín sáu, gần chín bảy", S, {S: 96}),
    ("ba tám độ hai, chưa đến ba tám rưỡi", T, {T: 38.2}), ("tám mươi lăm, không tới chín chục", P, {P: 85}),
    ("chín tư chưa tới chín lăm", S, {S: 94}), ("ba bảy độ rưỡi gần ba tám độ", T, {T: 37.5}),
    ("mười tám cái không quá hai chục", B, {B: 18}), ("ô xi chín hai, gần chín ba", None, {S: 92}),
])
def test_a_limit_after_a_reading_keeps_the_reading(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a correction or a new measure is still the later value; "gần đây" (lately) is no limit
    ("chín hai à không chín bốn", S, {S: 94}), ("chín lăm, đo lại chín bảy", S, {S: 97}),
    ("gần đây chín sáu", S, {S: 96}), ("chín bảy, không phải, chín tám", S, {S: 98}),
    ("sáng chín tư, giờ chín sáu", S, {S: 96}),
])
def test_limit_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a swing between two values is one reading at its worse end -------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("lúc chín bảy lúc chín lăm", S, {S: 95}), ("khi chín tư khi chín sáu", S, {S: 94}),
    ("có lúc ba bảy độ có lúc ba tám độ rưỡi", T, {T: 38.5}), ("lúc thì tám mươi lúc thì một trăm", P, {P: 100}),
    ("khi hai hai khi hai tám cái", B, {B: 28}), ("lúc chín sáu, lúc chín ba", S, {S: 93}),
])
def test_a_swing_is_read_at_its_worse_end(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # two measures at two times are two readings (the later one, a worse earlier one for triage); a clock time is none
    ("sáng chín ba, chiều chín sáu", S, {S: 96}), ("lúc bảy giờ đo được chín bảy", S, {S: 97}),
    ("lúc tám rưỡi chín sáu", S, {S: 96}), ("chín lăm rồi chín tám", S, {S: 98}),
    ("hồi sáng chín hai giờ chín bảy", S, {S: 97}),
])
def test_swing_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


def test_two_measures_still_keep_the_worse_earlier_one_for_triage() -> None:
    _check_triage("sáng chín ba, chiều chín sáu", S, {S: 93})
    _check_triage("lúc chín sáu lúc chín ba", S, {S: 93})


# --- blood pressure: the upper number in mmHg, the lower one in cmHg -----------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("trăm ba trên tám", SYS, {SYS: 130, DIA: 80}), ("một trăm sáu mươi trên mười", SYS, {SYS: 160, DIA: 100}),
    ("chín mươi trên sáu", SYS, {SYS: 90, DIA: 60}), ("trăm mốt trên bảy", SYS, {SYS: 110, DIA: 70}),
    ("huyết áp trăm tư trên chín", None, {SYS: 140, DIA: 90}), ("tám chục trên năm", SYS, {SYS: 80, DIA: 50}),
])
def test_an_upper_number_in_mmhg_and_a_lower_in_cmhg(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # both in mmHg or both in cmHg stay as they were; a lower number too large times ten is no cmHg; not named: none
    ("trăm hai trên tám mươi", SYS, {SYS: 120, DIA: 80}), ("mười hai trên tám", SYS, {SYS: 120, DIA: 80}),
    ("chín mươi trên chín", SYS, {SYS: 90}), ("trăm rưỡi trên chín lăm", SYS, {SYS: 150, DIA: 95}),
    ("một trăm trên chín", S, {S: 100}),
])
def test_mixed_units_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- line noise inside a value ------------------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chín rè rè bảy", S, {S: 97}), ("chín ờ xè xè tám", S, {S: 98}), ("ba rẹt tám độ", T, {T: 38}),
    ("tám rè mươi hai", P, {P: 82}), ("hai rè rè mươi lăm cái", B, {B: 25}), ("một trăm tút tút hai mươi", P, {P: 120}),
])
def test_line_noise_inside_a_value_is_skipped(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # noise before or after a value, or with no number word before it, is nothing; a hoarse voice is a word
    ("rè rè chín sáu", S, {S: 96}), ("chín sáu rè rè", S, {S: 96}), ("giọng rè rè", S, {}), ("rè rè", T, {}),
    ("máy rè rè không nghe", P, {}),
])
def test_line_noise_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a temperature said twice with its unit --------------------------------------------------------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("ba tám độ ba tám độ", T, {T: 38}), ("ba chín độ ba chín độ", T, {T: 39}), ("ba bảy độ ba bảy", T, {T: 37}),
    ("ba mươi tám độ ba mươi tám độ", T, {T: 38}), ("nhiệt độ ba tám độ ba tám", None, {T: 38}),
])
def test_a_temperature_said_again_after_its_unit(text: str, vital: str | None, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a tenths digit after "độ" is still a tenths digit, also before the value said again
    ("ba tám độ ba", T, {T: 38.3}), ("ba tám độ năm", T, {T: 38.5}), ("ba tám độ ba, ba tám độ ba", T, {T: 38.3}),
    ("ba bảy độ hai", T, {T: 37.2}), ("ba tám độ tám", T, {T: 38.8}),
])
def test_said_again_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a digit word the line clipped: its final sound lost ("chí", "tá") or its first ("ín") --------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("chí sáu", S, {S: 96}), ("chí bảy phần trăm", S, {S: 97}), ("ba tá độ", T, {T: 38}),
    ("ba chí độ", T, {T: 39}), ("ba tá độ rưỡi", T, {T: 38.5}), ("ín bảy", S, {S: 97}),
    ("ín tám phần trăm", S, {S: 98}), ("chí hai", S, {S: 92}),
])
def test_a_clipped_digit_word_is_the_digit(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # words of their own stay words: a dozen, will, "at least"; a clipped word with nothing number-like after it
    ("hai tá trứng", T, {}), ("mua ba tá", T, {}), ("ý chí", S, {}), ("chí ít chín sáu", S, {S: 96}),
    ("một tá hai", S, {}), ("ín", S, {}), ("chí", S, {}), ("tin ín sáu", S, {}),
])
def test_clipped_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- at the pulse question, the oximeter named only as the device gives the pulse asked for ---------------------------
@pytest.mark.parametrize("text, vital, want", [
    ("máy kẹp tay hiện tám tư", P, {P: 84}), ("cái máy kẹp nó báo... chín mươi", P, {P: 90}),
    ("kẹp ngón tay thì ra một trăm mười", P, {P: 110}), ("máy kẹp ngón được bảy sáu", P, {P: 76}),
    ("coi máy kẹp tay thấy tám tám", P, {P: 88}),
])
def test_the_device_alone_at_the_pulse_question_gives_the_pulse(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # the SpO2 named, another question, or two values the device shows: as before
    ("ô xi chín sáu", P, {S: 96}), ("máy kẹp tay hiện chín sáu", S, {S: 96}), ("máy đo oxy chín bảy", P, {S: 97}),
    ("máy kẹp tay chín sáu, mạch tám hai", P, {S: 96, P: 82}),
    ("máy kẹp tay hiện chín sáu với một trăm hai", P, {S: 96, P: 120}),
])
def test_device_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


# --- a digit word cut in two by the recognizer, "bảy" too (its first half "bả" is a word the normaliser rewrites) ----
@pytest.mark.parametrize("text, vital, want", [
    ("hai bả y", B, {B: 27}), ("chín bả y", S, {S: 97}), ("bả y mươi lăm", P, {P: 75}), ("ba bả y độ", T, {T: 37}),
    ("chín bố n", S, {S: 94}), ("ba sá u độ", T, {T: 36}), ("hai mươ i hai", B, {B: 22}), ("ba tá m độ", T, {T: 38}),
])
def test_a_digit_word_cut_in_two_is_mended(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # "y" as the start of a word ("y tá", "y tế") and "bả" alone stay words
    ("hai bả y tá", P, {}), ("bả y tá nói", P, {}), ("bả ý", S, {}), ("bả nói chín sáu", S, {S: 96}),
    ("hai bả y tế", B, {}),
])
def test_cut_in_two_look_alikes(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)


@pytest.mark.parametrize("text, vital, want", [
    # a limit with more between it and the reading than fillers is a reading of its own (today's "nearly 39")
    ("chín lăm thôi, vẫn chưa tới chín sáu", S, {S: 95}), ("hai mốt cái thôi, chưa tới hai hai", B, {B: 21}),
    ("hôm qua ba tám, hôm nay gần ba chín", T, {T: 39}), ("sáng chín bảy, chiều gần chín tư", S, {S: 94}),
    ("tám mươi, đo lại chưa tới tám lăm", P, {P: 85}),
])
def test_a_limit_only_right_after_its_reading(text: str, vital: str, want: dict[str, float]) -> None:
    _check(text, vital, want)
