"""Session 23 (n64-s20-usual): the usual state, past episodes and long COVID (data: ``everyday.yaml``, ``s23_*`` keys).

Each function reads one way a sign or a reading is no sign now, or one way a sign is said that the rules missed, each
with urgent twins that keep the sign:

- a reading of a past infection or hospital stay, and a reading now that is not worse ("lần trước bị thì ô xi có
  lúc xuống chín ba, giờ khỏi rồi đo lại chín tám": ``past_reading_turn``); "lần trước chín tám, lần này xuống tám
  tám" keeps today's 88, and "sáng nay đo chín ba, giờ chín sáu" (a dip of today) keeps the 93 for triage;
- breathlessness or chest tightness only on an effort, plain activity said fine ("leo bốn tầng lầu thì thở dốc, đi
  bộ bình thường thì không sao": ``effort_only``); "ngồi không cũng thở dốc" keeps it;
- a patient who answers a call faintly and falls asleep again ("gọi dạ nhỏ xíu rồi ngủ tiếp", "lay mới hé mắt rồi
  nhắm lại": ``barely_rousable``, altered consciousness); "gọi là dậy liền, ngồi ăn cháo" is awake;
- "mua" (buy) read as "mửa" (vomit) in an utterance written with diacritics ("làm sao mua thuốc": ``bought``);
- the name of a chronic disease hidden from the n-gram model when its sign is said as usual ("lọc thận, chân phù
  như mọi khi, hôm nay sổ mũi": ``usual_quiet``): the rules still read the risk factor (medium with a sign).
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.everyday import (
    _EPISODE_NOW,
    _EPISODE_PAST,
    _changed,
    _same_said,
    everyday_matcher,
    unchanged_baseline,
)
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold, has_diacritics
from ivr.nlu.numbers import Number

_w = lx.LEXICON.words
_m = everyday_matcher

_LONG_PAST = _m("s23_long_past")
_NOW = _m("s23_now_words")
_FAINT = _m("s23_faint_answers")
_SLEEP_LINKS = _w("everyday", "s23_sleep_links")
_BACK_TO_SLEEP = _m("s23_back_to_sleep")
_WAKE_CALLS = Matcher(table(*lx.WAKE_CALLS))
_EFFORTS = Matcher(table(*_w("slang", "exertions")))
_EFFORT_LINKS = _m("s23_effort_links")
_PLAIN = _m("s23_plain_activities")
_ACTIVITY_FINE = _m("s23_activity_fine")
_BOUGHT = _w("everyday", "s23_bought")
_STILL = Matcher(table(*lx.STILL_WORDS))
_USUAL_WORSE = _m("s23_usual_worse")
_EFFORT_SIGNS = ("shortness_of_breath", "chest_pain")
_OPENERS = frozenset(fold(p.split(" ")[0]) for key in ("s23_long_past", "s23_faint_answers", "s23_plain_activities")
                     for p in _w("everyday", key))


def may_be_usual(toks: Sequence[str]) -> bool:
    """Does any token open one of this module's cues (a cheap test before the predicates)?"""
    return any(fold(t) in _OPENERS for t in toks)


def past_reading_turn(toks: Sequence[str]) -> int | None:
    """The index of the now word after a past episode ("lần trước", "hồi tháng trước nằm viện"), said in a later
    clause than the past marker: readings before it are the past episode's, after it today's; None if no such turn.
    No day of this week (episode_past not in s23_long_past: "hôm qua", "hồi sáng") or now word between the past marker
    and the turn."""
    for p in _LONG_PAST.find(toks):
        for k in range(p.end, len(toks)):
            if toks[k] == BREAK or word_in(toks[k], ("mà", "nhưng", "còn")):
                now = _NOW.at(toks, k + 1) or _EPISODE_NOW.at(toks, k + 1)
                if now is None and k + 2 < len(toks):
                    now = _NOW.at(toks, k + 2) or _EPISODE_NOW.at(toks, k + 2)  # "..., mà giờ", ", còn bây giờ"
                if now is not None:
                    return now.start
                continue
            recent = _EPISODE_PAST.at(toks, k)
            if (recent is not None and _LONG_PAST.at(toks, k) is None) or _EPISODE_NOW.at(toks, k) is not None:
                break
    return None


def past_readings(toks: Sequence[str], numbers: Sequence[Number], vitals: dict[str, float],
                  earlier_worse: dict[str, float]) -> tuple[dict[str, float], int | None]:
    """``earlier_worse`` without the readings of a past episode (said only before ``past_reading_turn``) when the
    reading now of the same vital is said after the turn; and the turn (None if none)."""
    turn = past_reading_turn(toks) if may_be_usual(toks) else None
    if turn is None or not earlier_worse:
        return earlier_worse, turn
    kept: dict[str, float] = {}
    for vital, value in earlier_worse.items():
        at = [n for n in numbers if n.value == value]
        now = [n for n in numbers if n.value == vitals.get(vital)]
        if at and now and all(n.end <= turn for n in at) and any(n.start >= turn for n in now):
            continue
        kept[vital] = value
    return kept, turn


#: decision 261: SpO2 <= 96% is a warning sign; a reading now above it is well
_SPO2_WELL = 96.0


def past_low(turn: int | None, lows: Sequence[int], vitals: dict[str, float]) -> bool:
    """Was every low SpO2 said in words (at ``lows``) before the turn to today, with today's reading well ("lần trước
    ô xi có lúc xuống ..., giờ đo lại chín tám")?"""
    return turn is not None and bool(lows) and all(k < turn for k in lows) and vitals.get("spo2", 0.0) > _SPO2_WELL


def bought(toks: Sequence[str], j: int) -> bool:
    """Is the vomit-like token ``toks[j]`` "mua" (buy), written without diacritics in an utterance with them, before a
    thing bought or a place ("mua thuốc", "mua ở đâu")?"""
    return (toks[j] == "mua" and j + 1 < len(toks) and word_in(toks[j + 1], _BOUGHT)
            and has_diacritics(" ".join(toks)))


def barely_rousable(toks: Sequence[str]) -> Match | None:
    """A wake call, a faint answer within four words in its clause, then within five words a link and a return to
    sleep ("gọi dạ nhỏ xíu rồi ngủ tiếp", "lay thì ư một tiếng rồi thiếp đi"): altered consciousness; None otherwise.
    No negator before the sleep ("rồi không ngủ nữa"), and not when the sleeper is said up and well later ("..., tới
    chiều dậy chơi bình thường": a nap)."""
    for c in _WAKE_CALLS.find(toks):
        for f in _FAINT.find(toks[c.end:c.end + 6]):
            if f.start > 4 or BREAK in toks[c.end:c.end + f.start]:
                continue
            at = c.end + f.end
            for s in _BACK_TO_SLEEP.find(toks[at:at + 5]):
                gap = toks[at:at + s.start]
                if not any(word_in(t, _SLEEP_LINKS) for t in gap) or BREAK in gap:
                    continue
                if any(word_in(t, lx.NEGATORS) for t in gap):
                    continue
                if up_and_well_later(toks, at + s.end):
                    return None
                return Match(c.start, at + s.end, "altered_consciousness", " ".join(toks[c.start:at + s.end]))
    return None


def up_and_well_later(toks: Sequence[str], at: int) -> bool:
    """After ``at``, "dậy" then within four words a fine word or play, eating ("dậy chơi bình thường", "dậy ăn"): a
    nap's sleeper up and well (also for ``ivr.nlu.analysis``'s "gọi mới tỉnh rồi lại ngủ")."""
    for k in range(at, len(toks)):
        if word_in(toks[k], ("dậy",)) and not any(word_in(t, lx.NEGATORS) for t in toks[max(at, k - 2):k]):
            tail = toks[k + 1:k + 5]
            if _ACTIVITY_FINE.find(tail) or any(word_in(t, ("chơi", "ăn", "tỉnh", "tỉnh táo")) for t in tail):
                return True
    return False


def effort_only(toks: Sequence[str], m: Match) -> bool:
    """A breath sign or chest tightness ``m`` after an effort in its clause (an exertion within eight words before it,
    or after "mỗi khi" / "hễ" within three words after it), and in a later clause a plain activity said fine ("đi bộ
    bình thường thì không sao", "ngồi nghỉ thì thở bình thường"), no still word or intensifier with the sign."""
    if m.label not in _EFFORT_SIGNS:
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    before = _EFFORTS.find(toks[max(lo, m.start - 8):m.start])
    after = [e for e in _EFFORTS.find(toks[m.end:hi])
             if e.start <= 3 and _EFFORT_LINKS.find(toks[m.end:m.end + e.start])]
    if not before and not after:
        return False
    own = toks[m.end:m.end + after[0].start] if after else toks[m.end:hi]  # not the effort's own words ("đồ nặng")
    if _STILL.find(own) or any(word_in(t, lx.INTENSIFIERS) for t in own):
        return False
    for p in _PLAIN.find(toks[hi:]):
        at = hi + p.end
        fine = next((f for f in _ACTIVITY_FINE.find(toks[at:at + 7]) if f.start <= 3), None)
        if fine is None or BREAK in toks[at:at + fine.start]:
            continue
        gap = toks[at:at + fine.start]
        if _STILL.find(gap) or any(word_in(t, ("cũng",)) for t in gap):
            continue  # "ngồi không cũng thở dốc"
        return True
    return False


def usual_quiet(toks: Sequence[str], risks: Sequence[Match], signs: Matcher, *, effort_calm: bool = False) -> set[int]:
    """The tokens of the chronic diseases named (``risks``) when a sign is said as usual (a same-as-usual marker, not
    denied: "lọc thận, chân phù như mọi khi, hôm nay sổ mũi"; or ``effort_calm``: a sign the rules read as only on an
    effort, "suy tim, hay tức ngực mỗi khi leo cầu thang, ngồi nghỉ là hết"), and no word of change but a plain day
    word ("hôm nay" opens the new mild sign) nor one of ``s23_usual_worse`` ("phù lên tới đùi", "bỏ lọc hai buổi"):
    for the n-gram model's text, since a disease's name alone is no emergency word. The rules still read the risk
    factor (medium with any sign). The disease's whole clause is hidden when no sign is said in it: its person and
    "lâu năm" sound grave to the model too."""
    if not risks or _USUAL_WORSE.find(toks):
        return set()
    same = _same_said(toks, 0)
    if not effort_calm and (not same or not [x for x in signs.find(toks) if not x.label.startswith("_")]):
        return set()  # "bị hen, xịt một nhát như mọi ngày là êm": no sign said, nothing to hide
    if _changed(_without_days(toks), same):
        return set()
    out: set[int] = set()
    for r in risks:
        # the clause that names the disease ("ba em bị phổi tắc nghẽn lâu năm"), or only the name if a sign is there
        lo, hi = clause_start(toks, r.start), clause_end(toks, r.end)
        bare = not [x for x in signs.find(toks[lo:hi]) if not x.label.startswith("_")]
        out.update(range(lo, hi) if bare else range(r.start, r.end))
    return out


def _without_days(toks: Sequence[str]) -> list[str]:
    """``toks`` with each plain day word ("hôm nay", "giờ") blanked, unless a change word follows it ("nay lại")."""
    out = list(toks)
    for d in _NOW.find(toks):
        if d.end < len(toks) and word_in(toks[d.end], ("lại", "phải", "mới", "tự", "bỗng", "đột")):
            continue
        for k in range(d.start, d.end):
            out[k] = "_"
    return out


def usual_baseline(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A baseline sign said as usual (``ivr.nlu.everyday.unchanged_baseline``) where the only word of change is a plain
    day word opening a later clause of mild new signs ("hen suyễn lâu năm, khò khè nhẹ như mọi khi, hôm nay hắt hơi sổ
    mũi"): that day is the new cold's, not the usual sign's. "..., hôm nay khó thở" or "hôm nay khò khè nặng hơn"
    keep it."""
    blanked = list(toks)
    for d in _NOW.find(toks):
        if d.start <= m.end or BREAK not in toks[m.end:d.start]:
            continue
        hi = clause_end(toks, d.end)
        found = [x for x in signs.find(toks[d.end:hi]) if not x.label.startswith("_")]
        if found and all(x.label in lx.MODEL_CALM_SIGNS for x in found):
            blanked[d.start:d.end] = ["_"] * (d.end - d.start)
    return blanked != list(toks) and unchanged_baseline(blanked, m)
