"""Timelines, households and medicine talk (session 18, n32-timeline; data: ``ivr/nlu/data/timeline.yaml``).

Small predicates over the content tokens, each for one kind the general rules misread:

- a reading said day after day with no vital named ("hôm kia chín sáu, hôm qua chín bốn, nay chín mốt"):
  ``day_series_spo2`` gives the last value as the SpO2 (the later of several readings is the gold one);
- a meal back after days without ("mấy bữa trước bà bỏ ăn, giờ ăn được hai chén cơm rồi"): ``appetite_back`` finds
  the words that say a past cannot-eat-or-drink is over (``ivr.nlu.negation`` reads them like its resolved words);
- nausea after a medicine ("uống thuốc xong hơi buồn nôn"): ``nausea`` says a vomit word is only "buồn nôn", no
  drink brought back up;
- earlier today ("sáng khó thở, giờ hết rồi"): ``earlier_today`` opens a past sign like the past markers of
  ``ivr.nlu.negation``, never for an emergency sign; a resolved word said of another sign ("..., giờ hết sốt rồi")
  resolves only that one (``other_sign_after``);
- what is left ("..., giờ chỉ còn mất mùi"): ``only_left`` says a still word names another sign, not the past one;
- a dose's or a shot's number ("tiêm mũi ba hôm qua"): ``dose_number`` says it counts no days of fever;
- a household said without tones ("me thi met thoi con bo thi ho ra mau"): ``kin_not_animal`` says "con bo" is "còn
  bố" (whereas father), not an animal of the house, so the father's sign is his.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK
from ivr.nlu.numbers import Number

_w = lx.LEXICON.words
_TIMES = Matcher(table(*_w("timeline", "series_times")))
_GAP = tuple(dict.fromkeys(w for p in _w("timeline", "series_gap") for w in p.split(" ")))
_SERIES_MIN: int = lx.LEXICON.number("timeline", "series_min")
_APPETITE = Matcher(table(*_w("timeline", "appetite_back")))
_NAUSEA = _w("timeline", "nausea_before")
_KIN_CONTRAST = _w("timeline", "kin_contrast")
_ONLY = _w("timeline", "only_before")
_DOSE = _w("timeline", "dose_before")
_EARLIER = Matcher(table(*_w("timeline", "earlier_today")))
_OTHER_HEADS = _w("timeline", "other_sign_heads")
#: The most gap words between a time word and its reading ("hôm qua đo lại chỉ còn chín hai").
_GAP_REACH = 4


def day_series_spo2(toks: Sequence[str], numbers: Sequence[Number], skip: set[int]) -> float | None:
    """The last value of a series of readings, each said right after a time word ("hôm kia chín sáu, hôm qua chín
    bốn, nay chín mốt": 91), when every number said (but the ages in ``skip``) is such a reading and a whole number
    SpO2 could be (``series_min`` to 100), at least two of them; else None. The caller reads it only when no vital
    was read otherwise."""
    said = [n for k, n in enumerate(numbers) if k not in skip]
    if len(said) < 2:
        return None
    for n in said:
        if not (_SERIES_MIN <= n.value <= 100 and n.value == int(n.value)) or not _after_time(toks, n.start):
            return None
    return said[-1].value


def _after_time(toks: Sequence[str], start: int) -> bool:
    """Does a time word (``series_times``) end right before ``start``, only ``series_gap`` words between, in its
    clause?"""
    j = start
    for _ in range(_GAP_REACH + 1):
        if _time_ends_at(toks, j):
            return True
        if j == 0 or toks[j - 1] == BREAK or not word_in(toks[j - 1], _GAP):
            return False
        j -= 1
    return False


def _time_ends_at(toks: Sequence[str], j: int) -> bool:
    lo = j
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    return any(lo + m.end == j for m in _TIMES.find(toks[lo:j]))


def appetite_back(later: Sequence[str]) -> list[Match]:
    """The words of a meal back ("ăn được", "chịu ăn", "bú lại") in ``later``, the clauses after a past sign."""
    return _APPETITE.find(later)


def nausea(toks: Sequence[str], j: int) -> bool:
    """Is the vomit word at ``j`` only nausea ("buồn nôn", "nhợn ói"): one of ``nausea_before`` right before it?"""
    return j > 0 and word_in(toks[j - 1], _NAUSEA)


def kin_not_animal(words: Sequence[str], m: Match) -> bool:
    """Is the animal phrase ``m`` ("con bò") a contrast word before a member of the family said without tones ("con
    bo" for "còn bố"): two words, the first one of ``kin_contrast``, the second a member (negation.yaml
    ``patients_after_others``) as written? "con bò" with its tones does not fold to "bố" and stays an animal."""
    return (m.end - m.start == 2 and word_in(words[m.start], _KIN_CONTRAST)
            and word_in(words[m.start + 1], lx.PATIENTS_AFTER_OTHERS))


def only_left(words: Sequence[str], i: int) -> bool:
    """Is the still word at ``i`` "chỉ còn" (only ... is left, ``only_before`` right before it)?"""
    return i > 0 and word_in(words[i - 1], _ONLY)


def dose_number(toks: Sequence[str], n: Number) -> bool:
    """Is the number ``n`` a dose's or a shot's number ("mũi ba", "liều hai"): one of ``dose_before`` right before?"""
    return n.start > 0 and word_in(toks[n.start - 1], _DOSE)


def earlier_today(before: Sequence[str], rest: Sequence[str], label: str) -> bool:
    """Is the sign ``label`` said earlier today ("sáng khó thở", "tức ngực lúc nãy"): one of ``earlier_today`` in its
    clause before it (``before``), or after it (``rest``) not as a start ("từ sáng": since then)? Never an emergency
    sign (negation.yaml ``back_to_kept``, altered consciousness): over or not, it goes to a doctor."""
    if label in lx.BACK_TO_KEPT or label == "altered_consciousness":
        return False
    if _EARLIER.find(before):
        return True
    return any(not (p.start > 0 and word_in(rest[p.start - 1], lx.SINCE_WORDS)) for p in _EARLIER.find(rest))


def other_sign_after(later: Sequence[str], r: Match, own: Sequence[str]) -> bool:
    """Is the resolved word ``r`` in ``later`` said of another sign ("hết sốt"): one of ``other_sign_heads`` right after
    it that is no word of the past sign's own words ``own`` ("hết khó thở", "hết tím" stay its end)?"""
    if r.end >= len(later):
        return False
    nxt = later[r.end]
    return word_in(nxt, _OTHER_HEADS) and not any(word_in(nxt, (w,)) for w in own)
