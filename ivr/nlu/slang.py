"""Calm callers whose words sound like warning signs (session 18, n36-calm-slang; data: ``ivr/nlu/data/slang.yaml``).

Small predicates over the content tokens, each for one kind of calm talk the general rules read as a sign:

- young adults' exaggeration ("chán muốn xỉu", "kẹt xe muốn đứt hơi", "deadline dí ngộp thở", "xỉu up xỉu down vì giá
  vàng"): ``slang_sign`` says the sign word is the caller's mood; "mệt muốn xỉu, đứng dậy là xỉu" keeps its sign;
- breath short after an ordinary effort and over after a rest ("vừa chạy bộ về thở dốc, nghỉ chút là hết"):
  ``rested_off``; "nghỉ rồi mà vẫn thở dốc" and an effort that is no exertion ("đi vệ sinh về") keep the sign;
- the patient already taken away ("xe cấp cứu đã chở bà đi rồi, nhà tôi có cần test không"): ``already_taken`` says
  the emergency words name a transport done, no request for help (a sign said for another person still counts);
- a sign asked about ("thở rút lõm lồng ngực là như thế nào"): ``meaning_asked``.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold

_w = lx.LEXICON.words
_WISH = Matcher(table(*_w("slang", "wish_words")))
_FEELINGS = Matcher(table(*_w("slang", "feelings")))
_CAUSES = Matcher(table(*_w("slang", "causes")))
_BODY = Matcher(table(*_w("slang", "body_words")))
_TAILS = _w("slang", "slang_tails")
_CAUSE_REACH: int = lx.LEXICON.number("slang", "cause_reach")
_EXERTIONS = Matcher(table(*_w("slang", "exertions")))
_EXERTION_REACH: int = lx.LEXICON.number("slang", "exertion_reach")
_REST = Matcher(table(*_w("slang", "rest_words")))
_REST_REACH: int = lx.LEXICON.number("slang", "rest_reach")
_REST_LINKS = _w("slang", "rest_links")
_REST_OVER = Matcher(table(*_w("slang", "rest_over")))
_OVER_NOT_BEFORE = _w("slang", "rest_over_not_before")
_TRANSPORTS = Matcher(table(*_w("slang", "transports")))
_DONE = _w("slang", "done_words")
_WAITING = _w("slang", "waiting_words")
_MEANING = Matcher(table(*_w("slang", "meaning_questions")))
_MEANING_NOT_BEFORE = _w("slang", "meaning_not_before")
_PERSONS = Matcher(table(*lx.PERSONS))
#: the first words of every construction here, folded (``may_be_calm``: most utterances have none of them)
_OPENERS = frozenset(fold(p.split(" ")[0]) for key in ("wish_words", "causes", "slang_tails", "exertions",
                                                       "meaning_questions") for p in _w("slang", key))
#: signs an exaggeration may borrow (never cyanosis, a seizure or a reading)
SLANG_SIGNS = ("altered_consciousness", "shortness_of_breath", "severe_breathlessness", "chest_pain", "fatigue",
               "exhaustion")


def slang_sign(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` young adults' exaggeration: right after a wish word ("muốn") with a feeling or an everyday
    cause earlier in its clause and no body word; an everyday cause at most ``cause_reach`` words before it with no
    person between ("deadline dí ngộp thở"); or fixed slang ("xỉu up xỉu down")?"""
    if m.label not in SLANG_SIGNS:
        return False
    if m.end < len(toks) and word_in(toks[m.end], _TAILS):
        return True
    lo = clause_start(toks, m.start)
    before = toks[lo:m.start]
    wishes = [w for w in _WISH.find(before) if w.end == len(before)]
    if wishes:
        head = before[:wishes[-1].start]
        triggers = _exact(head, _FEELINGS) + _exact(head, _CAUSES)
        if triggers:
            return not _BODY.find(head)  # "ông sốt nóng muốn xỉu" keeps the sign
    near = toks[max(lo, m.start - _CAUSE_REACH - 2):m.start]
    for c in _exact(near, _CAUSES):
        gap = near[c.end:]
        if len(gap) <= _CAUSE_REACH and not _PERSONS.find(gap) and not _BODY.find(gap):
            return True
    return False


def rested_off(toks: Sequence[str], m: Match) -> bool:
    """Is the breathlessness ``m`` said after an ordinary effort (``exertions`` within ``exertion_reach`` words before)
    and over after a rest ("nghỉ chút là hết"), with no still word or negator between?"""
    return rest_end(toks, m) is not None


def rest_end(toks: Sequence[str], m: Match) -> int | None:
    """The end of the rest that ended the effort's breathlessness ``m`` ("..., nghỉ chút là hết"), or None
    (``rested_off``); the n-gram model reads neither the sign nor the rest ("ngồi nghỉ" sounds like "ngồi dậy mới
    thở được" to it)."""
    if m.label != "shortness_of_breath":
        return None
    if not _exact(toks[max(0, m.start - _EXERTION_REACH):m.start], _EXERTIONS):
        return None
    after = toks[m.end:clause_end(toks, clause_end(toks, m.end) + 1)]
    for r in _REST.find(after):
        window = after[r.end:r.end + _REST_REACH + 1]
        for k, t in enumerate(window[:-1]):
            if t == BREAK:
                break
            if not word_in(t, _REST_LINKS):
                continue
            over = _REST_OVER.at(window, k + 1)
            if over is None or (over.end < len(window) and word_in(window[over.end], _OVER_NOT_BEFORE)):
                continue
            between = after[:r.end + k + 1]
            if any(word_in(x, lx.STILL_WORDS) or word_in(x, lx.PLAIN_NEGATORS) for x in between):
                return None
            return m.end + r.end + over.end
    return None


def already_taken(toks: Sequence[str], m: Match) -> bool:
    """Is the emergency phrase ``m`` ("xe cấp cứu", "115") said of a patient already taken away: a transport and a
    done word in its clause ("xe cấp cứu đã chở bà đi rồi", "ông đã lên xe 115 rồi"), no plain negator?"""
    clause = toks[clause_start(toks, m.start):clause_end(toks, m.end)]
    # a question's closing "không" ("... có cần giặt riêng không") is no negator
    done = [k for k, t in enumerate(clause) if word_in(t, _DONE)]
    # waiting words count up to the last done word ("... rồi, giờ em lau dọn sao cho đúng": "cho" is no "chờ")
    return (bool(_TRANSPORTS.find(clause)) and bool(done)
            and not any(word_in(t, lx.PLAIN_NEGATORS) for t in clause[:-1])
            and not any(word_in(t, _WAITING) for t in clause[:done[-1]]))


def meaning_asked(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` asked about: it opens its clause and a meaning question follows it there, not closed by
    "ấy" ("khó thở thế nào ấy" is a report)?"""
    if clause_start(toks, m.start) != m.start:
        return False
    rest = toks[m.end:clause_end(toks, m.end)]
    for q in _MEANING.find(rest):
        if not _PERSONS.find(rest[:q.start]) and not (q.end < len(rest) and word_in(rest[q.end], _MEANING_NOT_BEFORE)):
            return True
    return False


def _exact(toks: Sequence[str], matcher: Matcher) -> list[Match]:
    """``matcher``'s matches in ``toks`` said exactly (with their diacritics): folded, a feeling, a cause or an effort
    is another word too often ("thì" is no "thi", "mẹ" no "mê", "bé" no "bê")."""
    return [f for f in matcher.find(toks) if " ".join(t.lower() for t in toks[f.start:f.end]) == f.phrase]


def may_be_calm(toks: Sequence[str]) -> bool:
    """Does any token open one of this module's constructions (a cheap test before matching signs again)?"""
    return any(fold(t) in _OPENERS for t in toks)
