"""Session 22 (n55-correction): a caller who corrects himself mid-sentence, and the words that stand.

``standing(text)`` is ``text`` without what the caller took back (data: ``ivr/nlu/data/correction.yaml``), or ``text``
itself when nothing was clearly taken back. A correction is a marker ("à không", "à nhầm", "nói nhầm", "ý tôi là",
"em nhìn lộn", "xin lỗi nói lại"; "không phải", "nhầm" as a clause of their own) after the clause it takes back:

- a reading taken back: the number said just before the marker and its restatement after it go ("oxy chín tám à
  không chín tám là hôm qua, hôm nay chín hai" reads 92; "đếm được mười hai à không mười hai là ba mươi giây vậy là
  hai mươi bốn" reads 24, the caller's own arithmetic after a ``result_words`` word is the reading), when another
  number is said after the marker;
- a clause taken back: the clause before the marker and the marker go. A clause with no warning sign always may ("không
  sao, à mà không, bà thở dốc lắm": the sign said after it stands); a clause with a warning sign only when a
  replacement is said and the words that stand carry no warning sign, read with and without the marker's negator
  ("tức ngực, à không phải tức ngực, nó kêu tức bụng vì ăn no"; "khó thở, à không, nói nhầm, ý tui là nghẹt mũi").
  When the replacement is itself a sign, or nothing follows the marker, the sign stays (safety first).

A marker ending in a negator followed by a word that takes the negator ("à không sao", "à không phải lo", "à không
được rồi") is no correction. Sans-I/O and cheap: texts without a marker word are returned at once.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import BLOCK, Matcher, table, word_in
from ivr.nlu.normalize import BREAK, fold, tokenize
from ivr.nlu.numbers import find_numbers
from ivr.nlu.vitals import CUES

_w = lx.LEXICON.words
_MARKERS = Matcher(table(*_w("correction", "markers")))
_CLAUSE_MARKERS = Matcher(table(*_w("correction", "clause_markers")))
_FILLERS = Matcher(table(*_w("correction", "marker_fillers")))
_NOT_BEFORE = Matcher(table(*_w("correction", "not_before")))
_RESULTS = Matcher(table(*_w("correction", "result_words")))
#: folded words one of which a text must hold to be looked at further: each marker's last word ("không", "nhầm",
#: "phải"), or "ý" for "ý tôi là" ("là" and "rồi" would let every text through)
_KEYS = frozenset({fold(p.split()[-1]) for p in (*_w("correction", "markers"), *_w("correction", "clause_markers"))}
                  - {"la", "roi"} | {"y"})
_PARTICLES = _w("correction", "particles")
_WARNING_SIGNS = frozenset(_w("correction", "warning_signs"))
_BACK_FILLERS = ("à", "ờ", "á", "ừ", "ủa", "mà")
_TRAILING = ("à", "á", "ạ", "ha", "hả", "nha", "đó", "đấy")
_NEGATORS = ("không", "hông", "hổng", "khum", "phải")
#: How many corrections one utterance may have undone.
MAX_CORRECTIONS = 3


def standing(text: str) -> str:
    """``text`` without what the caller clearly took back (see the module), or ``text`` unchanged."""
    if not _KEYS.intersection(re.findall(r"\w+", fold(text.lower()))):
        return text
    toks = list(tokenize(text))
    changed = False
    for _ in range(MAX_CORRECTIONS):
        new = _undo_one(toks)
        if new is None:
            break
        toks, changed = new, True
    if not changed:
        return text
    said = " ".join(toks).replace(f" {BREAK} ", ", ").strip(" ,")
    return f"{said} ?" if "?" in text else said


def _undo_one(toks: list[str]) -> list[str] | None:
    """The tokens after undoing the first correction that clearly takes something back, or None."""
    for s, e in _markers(toks):
        k = s
        while k > 0 and (toks[k - 1] == BREAK or word_in(toks[k - 1], _TRAILING)):
            k -= 1  # "chín chín á, ủa không": the reading ends before its particle
        xs = k
        while xs > 0 and toks[xs - 1] != BREAK:
            xs -= 1
        if not any(any(c.isalpha() or c.isdigit() for c in t) for t in toks[xs:k]):
            continue  # "à không, ..." first: a cry, nothing taken back
        if _bare_reading(toks, xs, k):
            continue  # bare display readings corrected ("chín chín á, ủa không, tám chín"): the vitals read the pair
        rest = toks[e:]
        reading = _reading(toks, xs, k, e)
        if reading is not None:
            return reading
        new = _clause(toks, xs, s, e)
        if new is not None and rest:
            return new
    return None


def _markers(toks: Sequence[str]) -> list[tuple[int, int]]:
    """The spans of correction markers (chains merged: "à không, nói nhầm, ý tui là"), left to right."""
    spans: list[tuple[int, int]] = []
    for m in _MARKERS.find(toks):
        if _negator_taken(toks, m.start, m.end):
            continue
        spans.append((m.start, m.end))
    for m in _CLAUSE_MARKERS.find(toks):
        before = m.start == 0 or toks[m.start - 1] == BREAK
        after = m.end == len(toks) or toks[m.end] == BREAK
        if before and after and m.start > 0:
            spans.append((m.start, m.end))
    spans.sort()
    merged: list[tuple[int, int]] = []
    for s, e in spans:
        s = _fillers_back(toks, s)
        if merged and s <= _fillers_on(toks, merged[-1][1]):
            merged[-1] = (merged[-1][0], max(e, merged[-1][1]))
        else:
            merged.append((s, e))
    return [(s, _fillers_on(toks, e, breaks=False)) for s, e in merged]


def _negator_taken(toks: Sequence[str], start: int, end: int) -> bool:
    """Does the word after a marker ending in a negator take that negator ("à không sao", "à không phải lo")?"""
    return word_in(toks[end - 1], _NEGATORS) and end < len(toks) and _NOT_BEFORE.at(toks, end) is not None


def _fillers_back(toks: Sequence[str], s: int) -> int:
    """``s`` moved back over the fillers and persons said before a marker ("à em nói nhầm")."""
    said = {j for n in find_numbers(toks[:s]) for j in range(n.start, n.end)}  # "một trăm ba à không": no father
    while s > 0 and toks[s - 1] != BREAK and s - 1 not in said and (word_in(toks[s - 1], lx.PERSONS)
                                                                    or word_in(toks[s - 1], _BACK_FILLERS)):
        s -= 1
    return s


def _fillers_on(toks: Sequence[str], e: int, *, breaks: bool = True) -> int:
    """``e`` moved on over the fillers (and breaks) said after a marker."""
    while e < len(toks):
        if breaks and toks[e] == BREAK:
            e += 1
            continue
        f = _FILLERS.at(toks, e)
        if f is None:
            break
        e = f.end
    return e


def _bare_reading(toks: Sequence[str], xs: int, k: int) -> bool:
    """Is a number said last before the marker with no vital named before it?"""
    before = [n for n in find_numbers(toks) if xs <= n.start and n.end == k]
    return bool(before) and not any(c.label != BLOCK and c.end <= before[-1].start for c in CUES.find(toks))


def _same_words(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and all(fold(x) == fold(y) for x, y in zip(a, b, strict=True))


def _reading(toks: list[str], xs: int, k: int, e: int) -> list[str] | None:
    """A number said last before the marker and another after it: the first and its restatement go."""
    numbers = find_numbers(toks)
    before = [n for n in numbers if xs <= n.start and n.end == k]
    after = [n for n in numbers if n.start >= e]
    if not before or not after:
        return None
    n = before[-1]
    first = n
    for x in reversed(numbers[:numbers.index(n)]):
        if x.end != first.start or x.start < xs:
            break
        first = x  # "ba bảy năm" (37.5) is two numbers said together
    said = toks[first.start:n.end]
    j = e
    while j < len(toks) and toks[j] == BREAK:
        j += 1
    if _same_words(toks[j:j + len(said)], said) and any(x.end == j + len(said) for x in after):
        j += len(said)  # "chín tám à không chín tám là hôm qua": the restatement goes too
        results = [r for r in _RESULTS.find(toks[j:]) if any(x.start >= j + r.end for x in after)]
        if results:
            j += results[0].end  # "mười hai là ba mươi giây vậy là hai mươi bốn": the caller's arithmetic
        if not any(x.start >= j for x in after):
            return None
    else:
        j = e
    return [*toks[:first.start], *toks[j:]]


def _clause(toks: list[str], xs: int, s: int, e: int) -> list[str] | None:
    """The clause before the marker taken back, when that is clearly safe (see the module), else None."""
    taken = toks[xs:s]
    rest = list(toks[e:])
    if word_in(toks[e - 1], ("phải",)):
        j = 0
        while j < len(rest) and rest[j] != BREAK and any(fold(rest[j]) == fold(t) for t in taken):
            j += 1
        if j and (j == len(rest) or rest[j] == BREAK):
            rest = rest[j:]  # "tức ngực, à không phải tức ngực, ...": the sign restated with its denial goes too
    if not any(any(c.isalpha() for c in t) and not word_in(t, (*_PARTICLES, *lx.PERSONS)) for t in rest):
        return None  # nothing said in its place
    if find_numbers(taken) and (not find_numbers(rest) or not any(c.label != BLOCK for c in CUES.find(toks))):
        # "chín tám em đọc nhầm số mạch": a reading with no other said in its place stays; bare display readings
        # ("em nói chín bốn đó hả, nói lộn, chín chín mới đúng") are the vitals' pair to read
        return None
    kept = [*toks[:xs], *rest]
    negators = [t for t in toks[s:e] if word_in(t, _NEGATORS)]
    negated = negators and _warns([*toks[:xs], *negators, *rest])
    if not _warns(taken):
        # nothing grave taken back; a sign made by the marker's negator stays ("bà tỉnh, à không nói được")
        return [*toks[:xs], *negators, *rest] if negated and not _warns(kept) else kept
    if _warns(kept):
        # the replacement is itself a sign: the sign stays, and the marker's negator reads no sign after it away
        # ("thở dốc à không thở không nổi luôn")
        return [*toks[:s], BREAK, *toks[e:]] if negators else None
    return None if negated else kept


def _warns(toks: Sequence[str]) -> bool:
    """Do ``toks`` (read alone) carry a warning sign or a worry?"""
    from ivr.nlu.analysis import analyse  # the understanding reads the words that stand (no import cycle at load)

    a = analyse(" ".join(toks).replace(f" {BREAK} ", ", "), None)
    return a.concern or bool(set(a.symptoms) & _WARNING_SIGNS)
