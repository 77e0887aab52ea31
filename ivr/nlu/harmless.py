"""Session 22b (n61-s19-calm): calm look-alikes of retired set 19, by kind (data: ``everyday.yaml``, ``s22b_*`` keys).

- a sign that is over: "đau ngực bên phải từ hôm kia, hôm nay hết rồi" (``over_now``); "hôm nay vẫn còn", "nặng hơn",
  another sign said after the now word keep it;
- cramps with diarrhoea while drinking well: "đau bụng quặn từng cơn, đi ngoài nhiều lần, vẫn uống được nước" is the
  diarrhoea, low (``cramps_drinking``); "uống vào là nôn", "tiểu ít", "dữ dội" keep the worry;
- a baby's ordinary noises asleep and feeding well: "em bé ngủ thở phì phò, giật mình mấy cái, bú tốt"
  (``baby_noise``); a grunt, a drawn-in chest, blue lips, a baby off the breast keep the sign;
- "nói do <cause>": the link "do" after "nói" in a text with diacritics is no slurred speech ("bác sĩ nói do nứt đầu
  ti mẹ", ``said_because``); "ông nói đớ" and the plain "ong noi do" keep it.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.everyday import everyday_matcher
from ivr.nlu.matcher import BLOCK, Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold, has_diacritics

_w = lx.LEXICON.words


_m = everyday_matcher


_OVER = _m("s22b_over_words")
_NOW = _m("s22b_now_words")
_START = _m("s22b_start_words")
_OVER_SIGNS = frozenset(_w("everyday", "s22b_over_signs"))
_WORSE = _m("s22b_worse_words")
_CRAMPS = _m("s22b_cramps")
_LOOSE = _m("s22b_loose")
_DRINKS = _m("s22b_drinks_well")
_GUT_GRAVE = _m("s22b_gut_grave")
_NOISES = _m("s22b_nose_noises")
_BABIES = _m("s22b_baby_words")
_FEEDS = _m("s22b_feeds_well")
_BABY_GRAVE = _m("s22b_baby_grave")
_SLEEP = Matcher(table(*lx.SLEEP_WORDS))
_SAID_LINKS = _w("everyday", "s22b_said_links")
_SAID_SIGNS = frozenset(_w("everyday", "s22b_said_signs"))
_SAID_NOT_AFTER = _w("everyday", "s22b_said_not_after")
_CONCERN = "caller_concern"
_STARTLES = _m("s22b_startles")
_WAKE_CALLS = Matcher(table(*lx.WAKE_CALLS))
_BLEEDS = _m("s22b_bleeds")
_BLEED_CAUSES = _m("s22b_bleed_causes")
_BLEED_GRAVE = _m("s22b_bleed_grave")


def set22b_kind(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """Is the sign ``m`` one of this module's calm kinds? ``signs``: the symptom matcher, for signs said later."""
    if m.label == BLOCK or not may_be_set22b(toks):
        return False
    return (said_because(toks, m) or over_now(toks, m, signs) or cramps_drinking(toks, m)
            or baby_noise(toks, m) or startled_asleep(toks, m) or explained_bleed(toks, m))


def may_be_set22b(toks: Sequence[str]) -> bool:
    """A cheap test: a token that opens one of this module's cues."""
    return any(fold(t) in _OPENERS for t in toks)


_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "s22b_over_words", "s22b_cramps", "s22b_nose_noises", "s22b_said_links", "s22b_startles", "s22b_bleeds")
    for p in _w("everyday", key))


def said_because(toks: Sequence[str], m: Match) -> bool:
    """A slurred-speech match whose last token is the plain link "do" right after a word written with diacritics,
    with a word after it (the cause) that is no degree or time word: "mẹ nói do bé bú vội"; "ông nói do lắm" stays."""
    if m.label not in _SAID_SIGNS or m.end - m.start < 2 or m.end >= len(toks):
        return False
    last, before = toks[m.end - 1], toks[m.end - 2]
    return (last in _SAID_LINKS and has_diacritics(before) and toks[m.end] != BREAK
            and not word_in(toks[m.end], _SAID_NOT_AFTER))


def over_now(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A chest pain or breath sign with a start or past marker in its clause, then in a later clause a now word and
    within four words an over word, no still or worse word after the now word (but inside the over word: "không
    còn đau"), no question, and no other sign said after the now word but denied."""
    if m.label not in _OVER_SIGNS:
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    if not _START.find(toks[lo:hi]) or hi >= len(toks) or word_in(toks[-1], lx.QUESTION_ENDINGS):
        return False
    for now in _NOW.find(toks[hi:]):
        at = hi + now.end
        overs = [o for o in _OVER.find(toks[at:at + 5]) if BREAK not in toks[at:at + o.start]]
        if not overs:
            continue
        o = max(overs, key=lambda x: (-x.start, x.end))  # the longest at the first place: "không còn đau nữa"
        rest = [*toks[at:at + o.start], *toks[at + o.end:]]
        if any(word_in(t, lx.STILL_WORDS) for t in rest) or _WORSE.find(toks[hi:]):
            return False
        for later in signs.find(toks[hi:]):
            if later.label == BLOCK or hi + later.start >= at + o.start and hi + later.end <= at + o.end:
                continue
            if not any(word_in(t, lx.NEGATORS) for t in toks[max(hi, hi + later.start - 2):hi + later.start]):
                return False
        return True
    return False


def cramps_drinking(toks: Sequence[str], m: Match) -> bool:
    """A worry of cramps ("đau bụng quặn") with loose stools said and a drinking-well phrase not denied, and no grave
    gut word anywhere ("dữ dội", "tiểu ít", "uống vào là")."""
    if m.label != _CONCERN or not _CRAMPS.find(toks[m.start:m.end]) and not _CRAMPS.find(toks[m.start:m.end + 2]):
        return False
    if not _LOOSE.find(toks) or _GUT_GRAVE.find(toks):
        return False
    return any(not _denied(toks, d.start) for d in _DRINKS.find(toks))


def baby_noise(toks: Sequence[str], m: Match) -> bool:
    """A breath sign said as a nose noise ("thở phì phò", "khụt khịt") of a baby asleep (a baby word and a sleep word
    in the utterance, the sleep word in the sign's clause) feeding well (not denied), with no grave baby word."""
    if m.label != "shortness_of_breath" or not _NOISES.find(toks[m.start:m.end]):
        return False
    if not _BABIES.find(toks) or not _SLEEP.find(toks[:clause_end(toks, m.end)]) or _BABY_GRAVE.find(toks):
        return False
    return any(not _denied(toks, f.start) for f in _FEEDS.find(toks))


def startled_asleep(toks: Sequence[str], m: Match) -> bool:
    """A drowsiness match that is sleep again ("rồi lại ngủ tiếp") after a startle in the same clause ("giật mình
    mấy lần"), a baby word in the utterance, no wake call ("gọi", "lay") and no grave baby word."""
    if m.label != "altered_consciousness" or not _SLEEP.find(toks[m.start:m.end]):
        return False
    lo = clause_start(toks, m.start)
    if not _STARTLES.find(toks[lo:m.start]) or not _BABIES.find(toks):
        return False
    return not _WAKE_CALLS.find(toks) and not _BABY_GRAVE.find(toks)


def explained_bleed(toks: Sequence[str], m: Match) -> bool:
    """A worry of a bleed ("chảy máu mũi", "rớm máu") with a harmless cause or its stop after it ("do trời hanh
    khô", "nhét bông vô là cầm", "do nứt đầu ti") and no grave word anywhere ("không cầm", "chấm đỏ", "sốt")."""
    if m.label != _CONCERN or not _BLEEDS.find(toks[m.start:m.end]):
        return False
    return bool(_BLEED_CAUSES.find(toks[m.end:])) and not _BLEED_GRAVE.find(toks)


def _denied(toks: Sequence[str], i: int) -> bool:
    return any(word_in(t, lx.NEGATORS) for t in toks[max(0, i - 2):i])


def harmless_span(toks: Sequence[str], m: Match) -> range:
    """The tokens the n-gram model and the worry net should not weigh for a sign read as calm here: its clause, and
    for a sign over, to the end."""
    lo = clause_start(toks, m.start)
    if m.label in _OVER_SIGNS and _START.find(toks[lo:clause_end(toks, m.end)]):
        return range(lo, len(toks))
    return range(lo, clause_end(toks, m.end))



def bleed_quiet(toks: Sequence[str]) -> set[int]:
    """The clauses of a small bleed said with a harmless cause or its stop anywhere in the utterance ("môi nẻ nên rớm
    máu, bôi son dưỡng là đỡ"), no grave bleed word: no worry word there, and the n-gram model does not weigh them."""
    bleeds = _BLEEDS.find(toks) if may_be_set22b(toks) else []
    if not bleeds or _BLEED_GRAVE.find(toks) or not _BLEED_CAUSES.find(toks):
        return set()
    return {k for b in bleeds for k in range(clause_start(toks, b.start), clause_end(toks, b.end))}
