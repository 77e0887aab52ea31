"""Stroke signs said in everyday words (session 17, n26-neuro; data: ``ivr/nlu/data/neuro.yaml``).

Decision 261 (sign 7) and the held-out conventions treat new stroke signs as ``altered_consciousness``. Three kinds
that a phrase table alone cannot tell from calm talk, each a small predicate over the content tokens:

- unclear speech: ``unclear_speech`` finds "nói không rõ" said of the patient ("bố tôi đi đứng loạng choạng, nói không
  rõ", "bà nói không rõ từ sáng", "nói chuyện cứ lơ lớ, không rõ tiếng"), never of a statement ("bà nói không rõ là
  uống thuốc gì"), of staff or the line ("bác sĩ nói không rõ", "tổng đài nói không rõ, nói lại đi"), nor with a cause
  ("tôi nói không rõ lắm vì đeo khẩu trang");
- unsteady gait: ``clumsy_gait`` says a gait phrase (symptoms.yaml) is a toddler learning to walk or a drunk
  ("con bé đang tập đi nên đi loạng choạng"), no stroke sign;
- the worst headache: ``worst_headache`` says a headache is sudden and the worst ever ("như búa bổ", "chưa bao giờ
  đau vậy") and said with vomiting, the sign of a bleed in the brain.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table
from ivr.nlu.normalize import BREAK

SIGN = "altered_consciousness"
_VERBS = Matcher(table(*lx.NEURO_SPEECH_VERBS))
_UNCLEAR = Matcher(table(*lx.NEURO_UNCLEAR))
_UNITS = Matcher(table(*lx.NEURO_UNITS))
_CONTENT = Matcher(table(*lx.NEURO_CONTENT_AFTER))
_SPEAKERS = Matcher(table(*lx.NEURO_OTHER_SPEAKERS))
_LINE = Matcher(table(*lx.NEURO_LINE_WORDS))
_ALONE_AFTER = frozenset(lx.NEURO_ALONE_AFTER)
_GAIT = frozenset(lx.NEURO_GAIT)
_CLUMSY = Matcher(table(*lx.NEURO_CLUMSY_CONTEXTS))
_WORST = Matcher(table(*lx.NEURO_WORST_HEADACHE))
_EVER = Matcher(table(*lx.NEURO_WORST_EVER))
_VOMIT = Matcher(table(*lx.VOMIT_WORDS))
#: the speech-unit phrases of symptoms.yaml that are "nói không rõ" with a unit ("nói không rõ chữ")
_UNCLEAR_PHRASES = frozenset(f"{v} {u} {n}" for v in lx.NEURO_SPEECH_VERBS for u in lx.NEURO_UNCLEAR
                             for n in lx.NEURO_UNITS)
#: words after "không rõ" that still leave the statement's content to come ("không rõ lắm là ...")
_SOFTENERS = ("lắm", "ạ", "nha", "nhé")


def unclear_speech(toks: Sequence[str]) -> list[Match]:
    """"nói (một từ)? không rõ" said of the patient, as ``altered_consciousness`` matches (see the module)."""
    if _LINE.find(toks):
        return []
    out: list[Match] = []
    for u in _UNCLEAR.find(toks):
        verb = _speech_verb_before(toks, u)
        if verb is None:
            continue
        if _said_by_another(toks, verb) or _statement_after(toks, u.end) or _said_alone(toks, verb, u):
            continue
        out.append(Match(verb.start, u.end, SIGN, " ".join(toks[verb.start:u.end])))
    return out


def _speech_verb_before(toks: Sequence[str], u: Match) -> Match | None:
    """The speech verb right before ``u`` (one word may stand between), or, when a unit follows ("không rõ tiếng"),
    the speech verb within ``speech_reach`` words before in the sentence."""
    for gap in (0, 1):
        i = u.start - gap
        for k in range(max(0, i - 2), i):
            v = _VERBS.at(toks, k)
            if v is not None and v.end == i and (gap == 0 or toks[i] != BREAK):
                return v
    if u.end < len(toks) and _UNITS.at(toks, u.end) is not None:
        for k in range(u.start - 1, max(-1, u.start - 1 - lx.NEURO_SPEECH_REACH), -1):
            v = _VERBS.at(toks, k)
            if v is not None:
                return v
    return None


def _said_by_another(toks: Sequence[str], verb: Match) -> bool:
    """Staff, the line or a device said right before the speech verb ("bác sĩ nói", "tổng đài nói")."""
    for k in range(max(0, verb.start - 3), verb.start):
        s = _SPEAKERS.at(toks, k)
        if s is not None and s.end == verb.start:
            return True
    return False


def _said_alone(toks: Sequence[str], verb: Match, u: Match) -> bool:
    """"nói không rõ (quá)" with nothing before the verb: said to the hotline (neuro.yaml ``alone_after``)."""
    if verb.start > 0:
        return False
    rest = [t for t in toks[u.end:] if t != BREAK]
    return all(t in _ALONE_AFTER for t in rest)


def _statement_after(toks: Sequence[str], end: int) -> bool:
    """A statement's content or a cause follows "không rõ" ("... là uống thuốc gì", "... lắm vì đeo khẩu trang")."""
    j = end
    while j < len(toks) and toks[j] in _SOFTENERS:
        j += 1
    return j < len(toks) and toks[j] != BREAK and _CONTENT.at(toks, j) is not None


def clumsy_gait(toks: Sequence[str], m: Match) -> bool:
    """Is the gait phrase ``m`` a small child learning to walk or a drunk (neuro.yaml ``clumsy_contexts``)?"""
    return m.phrase in _GAIT and bool(_CLUMSY.find(toks))


def worst_headache(toks: Sequence[str], symptoms: Sequence[str]) -> bool:
    """A headache said as the worst (neuro.yaml ``worst_headache``) with vomiting or as never felt before
    (``worst_ever``) in the same utterance."""
    if "headache" not in symptoms or not _WORST.find(toks):
        return False
    return "vomiting" in symptoms or bool(_VOMIT.find(toks)) or bool(_EVER.find(toks))


def unclear_on_line(toks: Sequence[str], m: Match) -> bool:
    """Is the phrase ``m`` ("nói không rõ chữ") said of the line, staff or a statement (see ``unclear_speech``)?"""
    if m.phrase not in _UNCLEAR_PHRASES:
        return False
    if _LINE.find(toks) or _statement_after(toks, m.end):
        return True
    verb = _VERBS.at(toks, m.start)
    return verb is not None and _said_by_another(toks, verb)


def clumsy_context(toks: Sequence[str]) -> bool:
    """A toddler learning to walk or a drunk in the utterance (neuro.yaml ``clumsy_contexts``)."""
    return bool(_CLUMSY.find(toks))
