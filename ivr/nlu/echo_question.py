"""Session 22b (n59-s19-elderly): an elderly caller who echoes the question before answering it.

A hard-of-hearing caller repeats the hotline's question, then answers it: "Hả? Cô hỏi cái gì? Khó thở à? Không, tôi
không khó thở, tôi chỉ ho thôi"; "tôi nói lại nhé: khó thở không, đau ngực không, sốt không. Không có gì hết";
"Tức ngực? Dạ không, chỉ đau rát cổ thôi"; a recognizer's "tức ngực hả dạ không chỉ đau rát cổ thôi". The sign
inside the repeated question is no report; the answer stands. ``unechoed(text)`` is ``text`` without such echoes
(data: ``ivr/nlu/data/elderly.yaml``), or ``text`` itself.

An echo is a clause of only ``echo_leads`` ("hả", "cô hỏi", "có phải"), one sign phrase and ``echo_particles`` ("à",
"hả", "không", "phải không"), with a particle or a "?" after it; a run of echoes ("khó thở không, đau ngực không") is
one. It goes only when the clause after it opens with one of ``echo_denials`` ("không", "dạ không", "không có gì hết",
after ``echo_fillers``); the answer itself is kept and read as said ("không thở được luôn" stays a sign). In a text
without punctuation the echo must end in one of ``echo_marks`` ("à", "hả") right before the denial. Urgent twins keep
the sign: "Khó thở à? Dạ có, khó thở lắm", "tức ngực hả ừ tức lắm", an echo with no answer. Cheap: texts without a
particle or a "?" are returned at once.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table
from ivr.nlu.normalize import tokenize

_w = lx.LEXICON.words
_LEADS = Matcher(table(*_w("elderly", "echo_leads")))
_PARTICLES = Matcher(table(*_w("elderly", "echo_particles")))
_MARKS = Matcher(table(*_w("elderly", "echo_marks")))
_FILLERS = Matcher(table(*_w("elderly", "echo_fillers")))
_DENIALS = Matcher(table(*_w("elderly", "echo_denials")))
_UNSURE = Matcher(table(*_w("elderly", "echo_unsure")))
_KEEP = Matcher(table(*_w("elderly", "echo_keep")))
_PERSONS = frozenset(lx.PERSONS) | {"tui", "tao", "ôn", "mệ", "o"}
_SIGNS = Matcher(dict(lx.SYMPTOM_PHRASES))
_KEYS = frozenset(w for p in _w("elderly", "echo_particles") for w in p.split())
#: a clause and the punctuation after it
_CLAUSES = re.compile(r"([^,.;:!?…]*)([,.;:!?…]*)")


def unechoed(text: str) -> str:
    """``text`` without the questions the caller echoed and then answered with a denial (see the module)."""
    if "?" not in text and not _KEYS.intersection(text.lower().split()):
        return text
    parts = [(c, d) for c, d in _CLAUSES.findall(text) if c.strip() or d]
    toks = [list(tokenize(c)) for c, _ in parts]
    keep = [True] * len(parts)
    changed = False
    i = 0
    while i < len(parts):
        j = i
        while j < len(parts) and _echo_clause(toks[j], "?" in parts[j][1]):
            j += 1
        if j > i and j < len(parts) and _denial_opens(toks[j]):
            if not _corrects(toks[j:]):
                for k in range(i, j):
                    keep[k] = False
                changed = True
            elif _only_denial(toks[j]):
                keep[j], changed = False, True  # "Tức ngực hả? Không, đau dữ lắm chứ không phải tức": the sign stays
            i = j
            continue
        cut = _echo_inside(toks[i])
        if cut:
            parts[i] = (" " + " ".join(toks[i][cut:]), parts[i][1])
            changed = True
        i = max(j, i + 1)
    if not changed:
        return text
    return "".join(c + d for (c, d), k in zip(parts, keep, strict=True) if k).strip(" ,")


def _at(m: Matcher, toks: Sequence[str], i: int) -> Match | None:
    return m.at(toks, i) if i < len(toks) else None


def _strip_leads(toks: Sequence[str], i: int) -> int:
    while i < len(toks):
        m = _at(_LEADS, toks, i)
        if m is None or _at(_SIGNS, toks, i) is not None:  # "có" of "có đờm" is the sign's
            break
        i = m.end
    return i


def _echo_clause(toks: Sequence[str], asked: bool) -> bool:
    """Is the clause only leads, one sign phrase and particles, asked by a particle or a "?"?"""
    i = _strip_leads(toks, 0)
    sign = _at(_SIGNS, toks, i)
    if sign is None:
        return False
    k = sign.end
    particle = False
    while k < len(toks):
        m = _at(_PARTICLES, toks, k)
        if m is None:
            return False
        k, particle = m.end, True
    return particle or asked


def _denial_opens(toks: Sequence[str]) -> bool:
    i = 0
    while i < len(toks):
        m = _at(_FILLERS, toks, i)
        if m is None:
            break
        i = m.end
    if i < len(toks) - 1 and toks[i] in _PERSONS:
        i += 1  # "Bà không bị gì hết": the answer's subject before its denial
    d = _at(_DENIALS, toks, i)
    return d is not None and _at(_UNSURE, toks, d.end) is None


def _only_denial(toks: Sequence[str]) -> bool:
    """Is the clause only fillers and a denial ("Không", "Dạ không")?"""
    i = 0
    while (m := _at(_FILLERS, toks, i)) is not None:
        i = m.end
    d = _at(_DENIALS, toks, i)
    return d is not None and d.end == len(toks)


def _corrects(clauses: Sequence[Sequence[str]]) -> bool:
    """Does the answer correct the word rather than deny the sign ("chứ không phải tức, đau như dao đâm")?"""
    return any(_KEEP.find(c) for c in clauses)


def _echo_inside(toks: Sequence[str]) -> int:
    """In a clause without punctuation: where the answer starts after leads, a sign, an echo mark and a denial
    ("tức ngực hả dạ không chỉ đau rát cổ"), or 0."""
    i = _strip_leads(toks, 0)
    sign = _at(_SIGNS, toks, i)
    if sign is None or sign.end >= len(toks):
        return 0
    mark = _at(_MARKS, toks, sign.end)
    if mark is None or not _denial_opens(toks[mark.end:]) or _corrects([toks[mark.end:]]):
        return 0
    return mark.end
