"""The intent of one analysed utterance, and how sure the NLU is of it."""
from __future__ import annotations

from collections.abc import Sequence

from ivr.engine.understanding import VITALS
from ivr.nlu import lexicon as lx
from ivr.nlu.analysis import QUESTION_INTENTS, Analysis
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK, YES_FILLERS, tokenize

_EMERGENCY_SIGNS = frozenset({"altered_consciousness", "cyanosis", "severe_breathlessness"})
_STRONG_GOODBYE = lx.STRONG_GOODBYE
_QUESTION = Matcher(table(*lx.QUESTION_WORDS))
_HEDGES = Matcher(table(*lx.HEDGES))
_YES = Matcher({"yes": lx.YES_WORDS})
_NO = Matcher({"no": lx.NO_WORDS})


def _is_question(text: str, toks: Sequence[str]) -> bool:
    if "?" in text:
        return True
    return bool(toks) and (word_in(toks[-1], lx.QUESTION_ENDINGS)
                           and len(toks) > 2) or _QUESTION.find(toks) != []


def _lead(matcher: Matcher, toks: Sequence[str]) -> Match | None:
    i = 0
    while i < len(toks) - 1:
        h = _HEDGES.at(toks, i)
        if h is None or (toks[i] == "chắc" and word_in(toks[i + 1], ("chắc",))):
            break
        i = h.end
    m = matcher.at(toks, i) if i < len(toks) else None
    if m is not None and i:
        return Match(0, m.end, m.label, m.phrase)
    return m


def decide_intent(text: str, a: Analysis, expect: Sequence[str]) -> tuple[str, float]:
    toks = [t for t in a.tokens if t != BREAK]
    yn_expected = "yes" in expect or "no" in expect
    if not toks:
        raw = tokenize(text)
        if yn_expected and any(t in YES_FILLERS or t in lx.YES_ALONE for t in raw):
            return "yes", 0.8
        return "unknown", 0.0
    hits = a.intents
    pos = set(a.symptoms)
    yes = _lead(_YES, toks)
    if yes is not None and not yn_expected and all(t == "ừ" for t in toks):
        yes = None  # a bare "ừ"/"ờ" out of context is a hesitation
    no = _lead(_NO, toks)
    # "không có" vs "có": the longer lead wins
    lead = None
    if yes and (not no or yes.end > no.end):
        lead = ("yes", yes)
    elif no:
        lead = ("no", no)
    raw = tokenize(text)
    if lead is None and raw and raw[0] in lx.YES_OPENERS and yn_expected:
        lead = ("yes", Match(0, 0, "yes", raw[0]))  # "vâng ạ, tôi có sốt" answers yes
    bare = lead is not None and lead[1].end == len(toks)
    if "emergency" in hits or pos & _EMERGENCY_SIGNS:
        return "emergency", 0.95
    content = {k for k in hits if k not in ("goodbye", "repeat", "daily_checkin")}
    if "repeat" in hits and not content and not pos and not (bare and lead and lead[0] == "yes"):
        return "repeat", 0.9 if len(toks) <= 6 else 0.75
    if lead is not None and yn_expected and (not content or (
            not content & {"emergency", "request_doctor"} and not _is_question(text, toks))):
        # "có nhiệt kế" answers the question; "có được uống thuốc không?" asks one
        return lead[0], 0.95 if bare else 0.85
    if lead is None and yn_expected and not content and not pos:
        # "tiêm rồi, ba mũi" / "đo rồi" / "uống chưa có"
        first = toks[:next((i for i, t in enumerate(a.tokens) if t == BREAK), len(toks))][:4]
        if any(word_in(t, lx.PLAIN_NEGATORS) for t in first):
            return "no", 0.7
        if any(word_in(t, lx.CLAUSE_YES) for t in first):
            return "yes", 0.7
    if "request_doctor" in hits:
        return "request_doctor", 0.9
    asks = [(len(hits[k]), sum(m.end - m.start for m in hits[k]), -i, k)
            for i, k in enumerate(QUESTION_INTENTS) if k in hits]
    if asks:
        best = max(asks)[3]
        weak = best == "ask_home_care" and all(m.phrase in lx.WEAK_HOME_CARE for m in hits[best])
        if not (weak and "report_positive_test" in hits):
            return best, 0.85 if len(asks) == 1 else 0.7
    if "report_positive_test" in hits:
        return "report_positive_test", 0.9
    if lead is not None and yn_expected:
        return lead[0], 0.8
    if not pos and _QUESTION.find(toks):
        return "ask_home_care", 0.6  # "nằm nghỉ thế nào cho tốt?": a care question
    strong_bye = any(m.phrase in _STRONG_GOODBYE for m in hits.get("goodbye", ()))
    if pos:
        if strong_bye and not (pos - {"fatigue"}):
            return "goodbye", 0.6
        return "report_symptoms", 0.9 if len(pos) > 0 else 0.7
    if strong_bye:
        return "goodbye", 0.9
    if a.vitals or "daily_checkin" in hits or a.negated:
        return "daily_checkin", 0.85 if (a.vitals or "daily_checkin" in hits) else 0.7
    if "goodbye" in hits:
        return "goodbye", 0.8
    if bare and lead is not None:
        return lead[0], 0.6
    if a.risk_factors or "_complaint" in hits:
        return "report_symptoms", 0.6
    if a.numbers and any(e in ("number", *VITALS) for e in expect):
        return "daily_checkin", 0.6
    if lead is not None:
        return lead[0], 0.5
    return "unknown", 0.2
