"""Rule-based understanding of what an F0 caller says (``ivr.engine.understanding.Understander``).

Pure and fast. The vocabulary is data (``ivr/nlu/data/*.yaml``, loaded once by
``ivr.nlu.lexicon``); phrase tables are compiled once into an index keyed by the
first word without diacritics (``ivr.nlu.matcher``); an utterance is tokenised
(``ivr.nlu.normalize``), numbers are read (``ivr.nlu.numbers``), and phrases are
matched leftmost-longest (``ivr.nlu.analysis``). Negation ("không sốt", "hết ho",
"không còn khó thở", "sốt thì hết rồi", ``ivr.nlu.negation``) removes a symptom.
Vitals are attached to the number by its unit ("94 %", "38 độ 5", "20 lần một
phút") or by the closest cue word before it ("spo2", "nhiệt độ", "nhịp thở",
"mạch"; ``ivr.nlu.vitals``). The intent is decided by the rule table
``ivr.nlu.intents.INTENT_RULES``; closed ASR grammars come from ``ivr.nlu.grammar``.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence
from functools import lru_cache
from typing import Literal

from ivr.engine.understanding import SYMPTOMS, VITALS, Understanding
from ivr.nlu import lexicon as lx
from ivr.nlu.analysis import MODEL_SIGN, analyse, calm_senses, mild_spans
from ivr.nlu.correction import standing
from ivr.nlu.echo_question import unechoed
from ivr.nlu.fragments import fond_tokens
from ivr.nlu.grammar import OPEN_INTENTS, expected_phrases
from ivr.nlu.habit import fluids_kept
from ivr.nlu.intents import decide_answer
from ivr.nlu.matcher import Matcher, table, word_in
from ivr.nlu.needs import urgent_need
from ivr.nlu.ngram import NgramModel, default_model
from ivr.nlu.normalize import BREAK, content_tokens, tokenize
from ivr.nlu.numbers import find_numbers
from ivr.nlu.others import folk_tokens, routine_calm
from ivr.nlu.urgency import missed_call
from ivr.nlu.vitals import ages, find_vitals
from ivr.nlu.whereabouts import cannot_read, patient_away

__all__ = ["OPEN_INTENTS", "Nlu", "default_understander", "expected_phrases"]


class Nlu:
    """Intents, symptoms, vitals and risk factors from one caller utterance.

    ``expect`` (the intents the question expects, optionally a vital name or
    "number"): with yes/no expected, a leading "có"/"không"/"rồi"/"chưa" is the
    answer (other words in the answer still give symptoms); with a vital expected,
    a bare number is that vital. Confidence: 0.95 emergency or an expected bare
    yes/no, about 0.85-0.9 for a phrase match, 0.5-0.7 for a guess (an answer
    nobody asked for, a care question recognised only by "thế nào"), 0.2 for
    unknown text and 0.0 for empty text. Symptoms may include the MoH warning
    signs the shared taxonomy lacks (``ivr.nlu.lexicon.EXTRA_SIGNS``).

    The statistical second opinion (``ivr.nlu.ngram``) only raises risk: when it says high and the
    rules found no warning sign, an understood utterance gets the sign ``model_warning`` (the triage
    packs make it "high", with a reason naming the model) and an utterance the rules did not
    understand at all (intent "unknown") gets the ``concern`` flag, like worried words ("không ổn",
    "khác thường": also the sign ``caller_concern``) and distress ("trời ơi", "sợ quá"), so that the
    flow fails toward an escalation with 115 advice. When its emergency head says "emergency" at its
    high-confidence threshold, the utterance gets both the sign and the flag, also after a check-in the
    rules read as calm (never after a question or an answer, nor when a warning sign was denied).
    ``sources`` says who found what.
    """

    def __init__(self, model: NgramModel | None | Literal["shipped"] = "shipped"):
        """``model``: the statistical second opinion (``ivr.nlu.ngram``; the shipped one by default,
        None for the rules alone)."""
        self.model: NgramModel | None = default_model() if model == "shipped" else model

    def understand(self, text: str, *, expect: Sequence[str] | None = None) -> Understanding:
        text = "" if text is None else str(text)
        expect = tuple(expect or ())
        expect_vital = next((e for e in expect if e in VITALS), None)
        said = text  # what is understood: without what the caller took back (session 22, ``ivr.nlu.correction``)
        text = unechoed(standing(text))  # session 22b (n59-s19-elderly): an echoed question answered no
        a = analyse(text, expect_vital)
        decision = decide_answer(text, a, expect)
        intent, conf = decision.intent, decision.confidence
        if expect and intent in expect and intent != "unknown":
            conf = min(0.99, conf + 0.05)
        symptoms = tuple(s for s in a.symptoms if s in SYMPTOMS or s in lx.EXTRA_SIGNS)
        sources = dict.fromkeys(symptoms, "rules")
        concern = a.concern
        if concern:
            sources["concern"] = "rules"
        m = self.model
        said_to_model = model_text(text) if m is not None else text
        if (m is not None and not set(a.symptoms) & m.escalating_signs and _model_has_words(text)
                and not calm_hedged(text, a.symptoms) and not _routine_calm(text, a.symptoms)
                and not fluids_kept(a.tokens, a.symptoms)  # session 23b (n68-s21-elderly): "ói mà uống vẫn giữ được"
                and _words_left(text, said_to_model)):
            # the rules found no warning sign, and there are words for the model to weigh
            warning, emergency = m.scores(said_to_model)
            if m.says_emergency(warning, emergency, calm=intent not in MODEL_MAY_RAISE) and model_may_raise(
                    intent, a.symptoms, a.negated, m.escalating_signs, emergency=True):
                # words that sound like an emergency with high confidence (the heads agree), whatever
                # calm-ish thing the rules understood (after a check-in at the stricter threshold): the sign
                # (a doctor now) and the concern flag
                symptoms = (*symptoms, MODEL_SIGN)
                sources[MODEL_SIGN] = "model"
                concern = True
                sources["concern"] = "rules+model" if a.concern else "model"
            elif warning >= m.threshold and model_may_raise(intent, a.symptoms, a.negated, m.escalating_signs):
                if intent == "unknown":
                    # words the rules did not understand at all: the flow's unclear net (escalation with 115
                    # advice) is the place for them, told at once by the concern flag
                    concern = True
                    sources["concern"] = "rules+model" if a.concern else "model"
                else:
                    # understood, but no warning sign found: the second opinion raises the risk itself
                    symptoms = (*symptoms, MODEL_SIGN)
                    sources[MODEL_SIGN] = "model"
        return Understanding(text=said, intent=intent, confidence=round(conf, 2), symptoms=symptoms,
                             vitals=dict(a.vitals), earlier_worse=dict(a.earlier_worse), risk_factors=a.risk_factors,
                             numbers=tuple(n.value for n in a.numbers), concern=concern, sources=sources,
                             state_answer=decision.states, unsure=decision.unsure, away=patient_away(text),
                             cannot_read=cannot_read(text), need=urgent_need(text),
                             denied=tuple(s for s in a.negated if s in SYMPTOMS or s in lx.EXTRA_SIGNS))

    def number(self, text: str, *, vital: str | None = None) -> float | None:
        """The value in ``text`` for ``vital`` (range-checked), or the first number."""
        toks = content_tokens(tokenize("" if text is None else str(text)))
        numbers = find_numbers(toks)
        if not numbers:
            return None
        if vital is None:
            return numbers[0].value
        if vital not in VITALS:
            raise ValueError(f"unknown vital {vital!r}; expected one of {', '.join(VITALS)}")
        age_idx, _ = ages(toks, numbers)
        found = find_vitals(toks, numbers, age_idx, vital)
        if vital in found:
            return found[vital]
        lo, hi = lx.VITAL_RANGES[vital]
        for k, n in enumerate(numbers):
            if k not in age_idx and lo <= n.value <= hi:
                return n.value
        return None


#: Intents after which the second opinion may speak: the rules understood nothing, or a report of
#: symptoms in which they found no warning sign. A question, an answer, a goodbye or a calm check-in
#: the rules did understand is theirs (a bag of n-grams reads "môi không tím" like "môi tím").
MODEL_MAY_RAISE = frozenset({"unknown", "report_symptoms"})
#: Intents after which the emergency head, at its high-confidence threshold, may speak too: a check-in,
#: a request for a doctor or a positive test the rules read as calm may still describe an emergency in
#: words they do not know. Never after an answer, a repeat request, a goodbye or a question ("nếu khó
#: thở thì làm sao" has the n-grams of an emergency).
MODEL_MAY_RAISE_EMERGENCY = MODEL_MAY_RAISE | {"daily_checkin", "request_doctor", "report_positive_test"}


def model_may_raise(intent: str, symptoms: Sequence[str], negated: Sequence[str],
                    escalating: Collection[str] = (), *, emergency: bool = False) -> bool:
    """May the n-gram model raise the risk of an utterance the rules read as ``intent``? Not after a
    question, answer or calm report (``emergency``: the emergency head at its threshold may speak after a
    calm report, ``MODEL_MAY_RAISE_EMERGENCY``), not when the rules found only negated signs ("không khó
    thở"), and not when the caller denied a warning sign (``escalating``, the model's ``escalating_signs``):
    "không khó thở, chỉ hơi mệt" has the n-grams of "khó thở", which the rules read as denied."""
    if escalating and set(negated) & set(escalating):
        return False
    allowed = MODEL_MAY_RAISE_EMERGENCY if emergency else MODEL_MAY_RAISE
    return intent in allowed and not (negated and not symptoms)


#: The fewest words (fillers left out) the n-gram model needs before its opinion counts: on one word
#: ("mmm", a hum while thinking) its character n-grams carry no evidence, only chance likeness.
MODEL_MIN_WORDS = 2


_LOOKALIKES = Matcher(table(*lx.MODEL_LOOKALIKES))


def model_text(text: str) -> str:
    """``text`` for the n-gram model: without the calm senses of sign-like words (symptoms.yaml ``model_lookalikes``:
    "thờ cúng", "áo tím", "tức cười", "trời nóng"), which the rules read; unchanged when there are none."""
    toks = content_tokens(tokenize(text))
    found = _LOOKALIKES.find(toks)
    # session 18 (n34): also a state word with an object ("mê phim", ``ivr.nlu.fragments.fond_tokens``)
    masked = ({i for f in found for i in range(f.start, f.end)} | _panic(toks) | calm_senses(toks)
              | fond_tokens(toks) | missed_call(toks) | folk_tokens(toks))  # session 20 (n46-others): folk words
    if not masked:
        return text
    return " ".join("," if t == BREAK else t for i, t in enumerate(toks) if i not in masked)


_CALM_WORDS = Matcher(table(*lx.MODEL_CALM_WORDS))


def calm_hedged(text: str, symptoms: Collection[str]) -> bool:
    """Session 19 (n38-mild-checkin): a calm hedged answer ("cũng hơi mệt", "dạ bà cũng mệt mệt thôi con ạ", "cũng tạm
    được", "ho hen chút thôi nghen"): the rules read no sign but mild ones (urgency.yaml ``model_calm_signs``) and
    every word is one of ``model_calm_words`` or part of such a complaint, so the n-gram model has no word of its own
    to weigh. A word left over ("mà thở hơi khó", a misheard "lả") and the model weighs the whole text as before."""
    if not set(symptoms) <= lx.MODEL_CALM_SIGNS:
        return False
    toks = content_tokens(tokenize(text))
    covered = {i for f in _CALM_WORDS.find(toks) for i in range(f.start, f.end)} | mild_spans(toks)
    return all(i in covered for i, t in enumerate(toks) if any(c.isalpha() for c in t))


def _routine_calm(text: str, symptoms: Collection[str]) -> bool:
    """Session 20 (n46-others): a change of routine with an ordinary reason or for the better, no sign read ("mọi khi
    mẹ gọi mỗi tối, hai tối nay không gọi vì mẹ đi ăn cưới"): nothing for the n-gram model to weigh
    (``ivr.nlu.others.routine_calm``)."""
    return routine_calm(content_tokens(tokenize(text)), symptoms)


_PANIC = Matcher(table(*lx.PANIC_WORDS))
_PANIC_OPENERS = Matcher(table(*lx.PANIC_OPENERS))


def _panic(toks: Sequence[str]) -> set[int]:
    """Session 18 (n28-far-calm): the tokens of panic in the voice (urgency.yaml ``panic_words``; ``panic_openers`` at a
    clause's start: "trời ơi" without its "ơi"), which the rules read as distress and the model should not weigh."""
    spans = [*_PANIC.find(toks), *(o for o in _PANIC_OPENERS.find(toks) if o.start == 0 or toks[o.start - 1] == BREAK)]
    return {i for f in spans for i in range(f.start, f.end)}


def _model_has_words(text: str) -> bool:
    words = [t for t in content_tokens(tokenize(text)) if any(c.isalpha() for c in t)]
    return len(words) >= MODEL_MIN_WORDS


def _words_left(text: str, said_to_model: str) -> bool:
    """Session 23 (n64-s20-usual): after the calm senses are hidden from the n-gram model, are there words for it to
    weigh besides persons ("mẹ tôi , ..." left of "mẹ tôi lọc thận, chân phù như mọi khi, hôm nay sổ mũi với ho ít"
    reads to it as a grave call)? Unchanged text always has them (``_model_has_words``)."""
    if said_to_model == text:
        return True
    words = [t for t in content_tokens(tokenize(said_to_model))
             if any(c.isalpha() for c in t) and not word_in(t, lx.PERSONS)]
    return len(words) >= MODEL_MIN_WORDS


@lru_cache(maxsize=1)
def default_understander() -> Nlu:
    """The process-wide shared ``Nlu`` (stateless, safe to share between calls)."""
    return Nlu()
