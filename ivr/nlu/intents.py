"""The intent of one analysed utterance, and how sure the NLU is of it.

Every rule of the decision lives in ``INTENT_RULES``: an ordered table of
``when -> intent, confidence`` where ``when`` is a conjunction of named facts
about the utterance (``_Facts``; "not x" negates one). The first rule whose facts
all hold decides; the last rule has no condition, so one always does. The intent
``LEAD`` stands for the yes/no the reply opens with, ``QUESTION`` for the
question intent with the most phrase matches.
"""
from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from ivr.engine.understanding import INTENTS, VITALS
from ivr.nlu import lexicon as lx
from ivr.nlu.analysis import QUESTION_INTENTS, Analysis
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK, YES_FILLERS, tokenize
from ivr.nlu.yesno import (
    asked_back,
    asks_caller_back,
    hesitation,
    no_after_filler,
    now_and_then,
    state_families,
    unknowing_start,
)

#: Signs that make an answer to a yes/no question an emergency, whatever else it says.
EMERGENCY_SIGNS = frozenset({"altered_consciousness", "cyanosis", "severe_breathlessness"})
#: Intent phrases that are not a request of their own (they do not hide a yes/no answer).
_NOT_CONTENT = ("goodbye", "repeat", "daily_checkin")
#: Requests that a yes/no answer does not override.
_HELP = frozenset({"emergency", "request_doctor"})

LEAD = "<lead>"
QUESTION = "<question>"

_QUESTION = Matcher(table(*lx.QUESTION_WORDS))
_HEDGES = Matcher(table(*lx.HEDGES))
_YES = Matcher({"yes": lx.YES_WORDS})
_UNSURE = Matcher(table(*lx.UNSURE_AFTER))
_NO = Matcher({"no": lx.NO_WORDS})
_CONDITIONAL = Matcher({"if": lx.CONDITIONAL_QUESTIONS})
_HYPOTHETICAL = Matcher({"if": lx.HYPOTHETICAL})
_WHETHER = Matcher({"whether": lx.WHETHER_WORDS})
#: session 22 (n58-calls10): the symptoms a when-to-call-a-doctor question may mention and stay a question
_MILD = frozenset({"fever", "cough", "sore_throat", "runny_nose", "loss_of_taste_smell", "headache", "muscle_ache"})
#: session 22 (n58-calls10): words that may stand before the "thôi" of a polite close ("vậy thôi", "thế thôi")
#: session 23 (lead): conditional words that suppose rather than ask ("nếu", "giả sử", "lỡ như")
_SUPPOSING = ("nếu", "giả", "lỡ")
_MODALS = ("phải", "cần", "nên", "mới")
_SETTLING_LEAD = ("vậy", "thế", "dạ", "vâng", "ừ", "à", "ờ", "rứa")


@dataclass(frozen=True)
class Rule:
    when: tuple[str, ...]
    intent: str
    confidence: float

    @property
    def checks(self) -> tuple[tuple[str, bool], ...]:
        """``when`` as (fact, wanted value) pairs: "not lead" is ("lead", False)."""
        return tuple((c[4:], False) if c.startswith("not ") else (c, True) for c in self.when)


def _rule(when: str, intent: str, confidence: float) -> Rule:
    return Rule(tuple(c.strip() for c in when.split(",") if c.strip()), intent, confidence)


INTENT_RULES: tuple[Rule, ...] = (
    _rule("empty, yes_no_expected, yes_filler", "yes", 0.8),
    _rule("empty", "unknown", 0.0),
    _rule("emergency", "emergency", 0.95),
    # "chắc cũng có, tôi không rõ lắm": unsure after the yes/no, no request to repeat (session 11, n14)
    _rule("repeat_asked, not content, not symptoms, not bare_yes, not unsure_after_lead, short", "repeat", 0.9),
    _rule("repeat_asked, not content, not symptoms, not bare_yes, not unsure_after_lead", "repeat", 0.75),
    # session 19 (n39-signs-yesno), at a yes/no question: presence that comes and goes is a yes ("lúc có lúc
    # không", "thỉnh thoảng"); not knowing or a hesitation is no answer ("không biết nữa", "ừ thì"); a closing after
    # a hum is a goodbye, not the hum's yes ("vâng cảm ơn thế thôi ạ"); a state the sign would change answers no
    # ("vẫn tỉnh", "môi hồng", "bình thường")
    # session 22 (n58-calls10): polite close: "thôi được rồi, cảm ơn chị", "thôi không cần đâu" settles the matter, its
    # "được rồi" no yes to the offer just made
    _rule("yes_no_expected, settling_close", "goodbye", 0.8),
    # session 23 (n66-calls12): a line check or the question's tag asked back ("a lô a lô nghe nghe hông", "phải
    # hông?"): no answer, a request to hear the question again (counted as one)
    _rule("yes_no_expected, asked_back, not symptoms, not content, not now_and_then", "repeat", 0.85),
    _rule("yes_no_expected, now_and_then", "yes", 0.8),
    _rule("yes_no_expected, no_answer", "unknown", 0.3),
    _rule("yes_no_expected, closing_after_filler", "goodbye", 0.8),
    _rule("yes_no_expected, state_no", "no", 0.8),
    # "có nhiệt kế" answers the question; "có được uống thuốc không?" asks one
    _rule("lead, yes_no_expected, lead_answers, bare", LEAD, 0.95),
    _rule("lead, yes_no_expected, lead_answers", LEAD, 0.85),
    # "tiêm rồi, ba mũi" / "đo rồi" / "uống chưa có"
    _rule("not lead, yes_no_expected, not content, not symptoms, first_clause_no", "no", 0.7),
    _rule("not lead, yes_no_expected, not content, not symptoms, first_clause_yes", "yes", 0.7),
    # session 22 (n58-calls10): "SpO2 bao nhiêu thì phải gọi bác sĩ?", "có cần gặp bác sĩ không?": a question about
    # when to call a doctor, answered (a warning sign said in it still escalates through the risk)
    _rule("doctor_question, question", QUESTION, 0.8),
    _rule("doctor_question", "ask_home_care", 0.75),
    _rule("doctor_asked", "request_doctor", 0.9),
    _rule("question, one_question", QUESTION, 0.85),
    _rule("question", QUESTION, 0.7),
    _rule("positive_test", "report_positive_test", 0.9),
    _rule("lead, yes_no_expected", LEAD, 0.8),
    # "nằm nghỉ thế nào cho tốt?": a care question
    _rule("not symptoms, question_words", "ask_home_care", 0.6),
    # "nếu con tôi sốt cao thì sao", "lỡ như bà bị khó thở thì làm sao": a sign only supposed, in a question
    # (session 13, n18): the knowledge base answers it, it is no check-in
    _rule("not symptoms, supposed_question", "ask_home_care", 0.7),
    _rule("symptoms, strong_goodbye, only_fatigue", "goodbye", 0.6),
    _rule("symptoms", "report_symptoms", 0.9),
    _rule("strong_goodbye", "goodbye", 0.9),
    _rule("vitals_or_checkin", "daily_checkin", 0.85),
    _rule("negated_symptoms", "daily_checkin", 0.7),
    _rule("goodbye", "goodbye", 0.8),
    # session 23 (n69-calls13): "không biết nữa" to "how are you today?": no answer (unsure), not the "no" of its
    # negator (a question said with it, "không biết có sao không", was answered above)
    _rule("not yes_no_expected, unsure, not content", "unknown", 0.3),
    _rule("bare", LEAD, 0.6),
    _rule("risk_or_complaint", "report_symptoms", 0.6),
    _rule("number_given", "daily_checkin", 0.6),
    _rule("lead", LEAD, 0.5),
    _rule("", "unknown", 0.2),
)


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


_T = TypeVar("_T")


class _fact(Generic[_T]):
    """A property computed on first use and then stored on the instance.

    Like ``functools.cached_property`` without its per-access lock (Python 3.11),
    which costs more than most facts: ``_Facts`` lives inside one call.
    """

    def __init__(self, func: Callable[[Any], _T]):
        self.func = func
        self.name = func.__name__

    def __get__(self, obj: Any, owner: type | None = None) -> _T:
        value = self.func(obj)
        obj.__dict__[self.name] = value
        return value


class _Facts:
    """Named facts about one utterance, each computed when a rule first asks for it."""

    def __init__(self, text: str, a: Analysis, expect: Sequence[str]):
        self.text, self.a, self.expect = text, a, expect
        self.toks = [t for t in a.tokens if t != BREAK]
        self.hits = a.intents
        self.pos = set(a.symptoms)

    @_fact
    def empty(self) -> bool:
        return not self.toks

    @_fact
    def yes_no_expected(self) -> bool:
        return "yes" in self.expect or "no" in self.expect

    @_fact
    def yes_filler(self) -> bool:
        return any(t in YES_FILLERS or t in lx.YES_ALONE for t in tokenize(self.text))

    @_fact
    def lead_match(self) -> tuple[str, Match] | None:
        """The yes/no the reply opens with ("không có" vs "có": the longer opening wins)."""
        toks = self.toks
        after_filler = no_after_filler(self.a.tokens)  # session 19 (n39): "ờ không", "vâng, không có"
        if after_filler is not None:
            return ("no", after_filler)
        yes = _lead(_YES, toks)
        if yes is not None and not self.yes_no_expected and all(t == "ừ" for t in toks):
            yes = None  # a bare "ừ"/"ờ" out of context is a hesitation
        no = _lead(_NO, toks)
        if yes and (not no or yes.end > no.end):
            return ("yes", yes)
        if no:
            return ("no", no)
        raw = tokenize(self.text)
        if raw and raw[0] in lx.YES_OPENERS and self.yes_no_expected:
            return ("yes", Match(0, 0, "yes", raw[0]))  # "vâng ạ, tôi có sốt" answers yes
        return None

    @_fact
    def lead(self) -> bool:
        return self.lead_match is not None

    @_fact
    def filler_lead(self) -> bool:
        """Session 19 (n39): the reply opens with a hum or a polite word only ("ừ", "dạ", "vâng"), which
        answers yes alone but not before words that are no answer ("vâng cảm ơn", "dạ bình thường")."""
        lm = self.lead_match
        return lm is not None and lm[0] == "yes" and (lm[1].end == 0 or word_in(lm[1].phrase, lx.FILLER_YES))

    @_fact
    def asked_back(self) -> bool:
        """Session 23 (n66-calls12): the whole reply asks back (``ivr.nlu.yesno.asked_back``)."""
        return asked_back(self.a.tokens) or asks_caller_back(self.a.tokens)  # session 23 (n69-calls13)

    @_fact
    def now_and_then(self) -> bool:
        """Session 19 (n39): "lúc có lúc không", "thỉnh thoảng" with no symptom named or denied."""
        return not self.pos and not self.a.negated and now_and_then(self.toks)

    @_fact
    def no_answer(self) -> bool:
        """Session 19 (n39): no answer to the question: not knowing or not having looked (``unsure``), or a
        hesitation ("ừ thì")."""
        return self.unsure or (not self.pos and (not self.lead or self.filler_lead) and hesitation(self.toks))

    @_fact
    def unsure(self) -> bool:
        """Session 19 (n39): the caller does not know or has not looked ("không biết nữa", "tôi cũng không
        biết", "để tôi xem"), with no symptom and no yes/no of its own before it ("không, để tôi xem lại máy"
        answers no)."""
        if self.pos:
            return False
        lm = self.lead_match
        start = unknowing_start(self.toks)
        if lm is not None and not self.filler_lead:
            return lm[0] == "no" and start is not None and start < lm[1].end
        return start is not None

    @_fact
    def closing_after_filler(self) -> bool:
        """Session 19 (n39): a closing after a hum or a polite word ("vâng cảm ơn thế thôi ạ"): the goodbye,
        not the yes of its "vâng"."""
        return self.filler_lead and not self.pos and "goodbye" in self.hits

    @_fact
    def doctor_question(self) -> bool:
        """Session 22 (n58-calls10): every doctor phrase is asked about, not asked for: the utterance is a question and
        each doctor phrase follows, in its clause, a conditional word ("SpO2 bao nhiêu thì phải gọi bác sĩ?", "khi nào
        thì cần gặp bác sĩ?"; mild symptoms only may be said with it) or a whether word up to three words before it
        ("có cần gặp bác sĩ không?"; no symptom said with it: "mẹ mệt quá, có cần gặp bác sĩ không" stays a request)."""
        if not self.doctor_asked or self.pos - _MILD:
            return False
        question = _is_question(self.text, self.toks)
        toks = self.a.tokens
        conditionals = _CONDITIONAL.find(toks)
        if not question:
            # session 23 (lead): the recognizer writes no "?": a "when" or "how much" word asks by itself ("sốt mấy độ
            # thì phải gọi bác sĩ"), with a "must" before the doctor ("khi nào bác sĩ gọi lại" asks for the doctor); an
            # "if" does not ("nếu không đỡ thì phải gọi bác sĩ" is a plan)
            conditionals = [c for c in conditionals if not word_in(toks[c.start], _SUPPOSING)]
        whethers = _WHETHER.find(toks) if question else []
        if not conditionals and not whethers:
            return False
        for m in self.hits["request_doctor"]:
            start = max((k + 1 for k in range(m.start) if toks[k] == BREAK), default=0)
            if any(start <= c.start and c.end <= m.start and (question or any(
                    word_in(t, _MODALS) for t in toks[c.start:m.start])) for c in conditionals):
                continue
            if not self.pos and any(start <= w.start and m.start - w.end <= 3 and w.end <= m.start for w in whethers):
                continue
            return False
        return True

    @_fact
    def settling_close(self) -> bool:
        """Session 22 (n58-calls10): the reply opens with "thôi" (after a hum: "dạ thôi", "vậy thôi"), then a yes or a
        no, or a thanks or a goodbye ("thôi được rồi, cảm ơn chị", "thôi không cần đâu", "thôi cảm ơn"): the caller
        settles the matter, with no symptom and no request of his own in the words. Only where a goodbye is one of the
        answers (a menu, not a warning-sign question, where "thôi không có đâu" answers no)."""
        if "goodbye" not in self.expect or self.pos or self.doctor_asked or self.content:
            return False
        toks = [t for t in self.toks if t not in lx.FILLER_YES]
        i = next((k for k, t in enumerate(toks[:3]) if word_in(t, ("thôi",))), None)
        if i is None or not all(word_in(t, _SETTLING_LEAD) for t in toks[:i]) or i + 1 >= len(toks):
            return False
        rest = toks[i + 1:]
        return ("goodbye" in self.hits or _YES.at(rest, 0) is not None or _NO.at(rest, 0) is not None)

    @_fact
    def states(self) -> tuple[str, ...]:
        """Session 19 (n39): the sign families of the states the reply is ("vẫn tỉnh", "bình thường"):
        none when it names a symptom, asks something or answers yes/no itself (a hum or "dạ" aside)."""
        if self.pos or self.content or _is_question(self.text, self.toks):
            return ()
        if self.lead and not self.filler_lead:
            return ()
        return state_families(self.a.tokens)

    @_fact
    def state_no(self) -> bool:
        return bool(self.states)

    @_fact
    def unsure_after_lead(self) -> bool:
        """After the opening yes/no, words of doubt (answers.yaml ``unsure_after``: "không rõ lắm")."""
        return self.lead_match is not None and bool(_UNSURE.find(self.toks[self.lead_match[1].end:]))

    @_fact
    def bare(self) -> bool:
        """The reply is only a yes/no (with hedges)."""
        return self.lead_match is not None and self.lead_match[1].end == len(self.toks)

    @_fact
    def bare_yes(self) -> bool:
        return self.bare and self.lead_match is not None and self.lead_match[0] == "yes"

    @_fact
    def emergency(self) -> bool:
        """The caller asks for urgent help ("cấp cứu", "cứu", "gấp"); a sign of an emergency only described is a
        report of symptoms whose risk is an emergency (the held-out sets' convention, session 20), except as the
        answer to a yes/no question, where the sign outranks the yes or no it opens with ("không thở được")."""
        return "emergency" in self.hits or bool(self.pos & EMERGENCY_SIGNS and self.yes_no_expected)

    @_fact
    def content_intents(self) -> set[str]:
        return {k for k in self.hits if k not in _NOT_CONTENT}

    @_fact
    def content(self) -> bool:
        return bool(self.content_intents)

    @_fact
    def symptoms(self) -> bool:
        return bool(self.pos)

    @_fact
    def repeat_asked(self) -> bool:
        return "repeat" in self.hits

    @_fact
    def short(self) -> bool:
        return len(self.toks) <= 6

    @_fact
    def lead_answers(self) -> bool:
        """The yes/no is the answer: nothing else asked, or no help asked and no question."""
        return not self.content_intents or (not self.content_intents & _HELP
                                            and not _is_question(self.text, self.toks))

    @_fact
    def first_clause(self) -> list[str]:
        a = self.a
        return self.toks[:next((i for i, t in enumerate(a.tokens) if t == BREAK), len(self.toks))][:4]

    @_fact
    def first_clause_no(self) -> bool:
        """A negator in the first four words. A yes of the past said over now ("tuần trước thì có, mấy bữa nay hết
        hẳn rồi") stays a yes: at a warning-sign question the flow cannot tell how serious the past episode was, so
        a doctor hears it (fail toward a human)."""
        return any(word_in(t, lx.PLAIN_NEGATORS) for t in self.first_clause)

    @_fact
    def first_clause_yes(self) -> bool:
        clause = self.first_clause
        return any(word_in(t, lx.CLAUSE_YES) and not _done_of_another_topic(clause, i) for i, t in enumerate(clause))

    @_fact
    def doctor_asked(self) -> bool:
        return "request_doctor" in self.hits

    @_fact
    def asks(self) -> list[tuple[int, int, int, str]]:
        """Question intents ranked: most matches, then most words, then QUESTION_INTENTS order."""
        asked = "?" in self.text or bool(self.toks) and word_in(self.toks[-1], lx.QUESTION_ENDINGS)
        hits = {k: [m for m in v if asked or not _whatever(self.a.tokens, m)] for k, v in self.hits.items()}
        hits = {k: v for k, v in hits.items() if v}
        return [(len(hits[k]), sum(m.end - m.start for m in hits[k]), -i, k)
                for i, k in enumerate(QUESTION_INTENTS) if k in hits]

    @_fact
    def best_question(self) -> str:
        return max(self.asks)[3]

    @_fact
    def question(self) -> bool:
        """A question intent, unless only generic "what do I do" phrases beside a positive test."""
        if not self.asks:
            return False
        best = self.best_question
        weak = best == "ask_home_care" and all(m.phrase in lx.WEAK_HOME_CARE for m in self.hits[best])
        return not (weak and self.positive_test)

    @_fact
    def one_question(self) -> bool:
        return len(self.asks) == 1

    @_fact
    def positive_test(self) -> bool:
        return "report_positive_test" in self.hits

    @_fact
    def question_words(self) -> bool:
        # session 23 (n69-calls13): within a clause: "uống sữa được, không có khó thở" is no "được không?"
        return bool(_QUESTION.find(self.a.tokens))

    @_fact
    def strong_goodbye(self) -> bool:
        return any(m.phrase in lx.STRONG_GOODBYE for m in self.hits.get("goodbye", ()))

    @_fact
    def only_fatigue(self) -> bool:
        return not (self.pos - {"fatigue"})

    @_fact
    def vitals_or_checkin(self) -> bool:
        return bool(self.a.vitals) or "daily_checkin" in self.hits

    @_fact
    def negated_symptoms(self) -> bool:
        return bool(self.a.negated)

    @_fact
    def supposed_question(self) -> bool:
        """A question about a sign only supposed: a conditional word ("nếu", "lỡ như", "khi nào", "giả sử"),
        a sign the analysis read as not present (supposed or denied), and the utterance closed as a question."""
        return (bool(self.a.negated) and _is_question(self.text, self.toks)
                and bool(_CONDITIONAL.find(self.toks) or _HYPOTHETICAL.find(self.toks)))

    @_fact
    def goodbye(self) -> bool:
        return "goodbye" in self.hits

    @_fact
    def risk_or_complaint(self) -> bool:
        return bool(self.a.risk_factors) or "_complaint" in self.hits

    @_fact
    def number_given(self) -> bool:
        """A number said where a number or a vital is expected."""
        return bool(self.a.numbers) and any(e in ("number", *VITALS) for e in self.expect)

    def intent(self, rule: Rule) -> str:
        if rule.intent == LEAD:
            assert self.lead_match is not None
            return self.lead_match[0]
        if rule.intent == QUESTION:
            return self.best_question
        return rule.intent


# session 22b (n62-calls11): an answer about something else at a yes/no question
#: the most words (hums aside) a "rồi" of the answer may follow in its clause ("đo rồi", "tui đo rồi")
_MAX_BEFORE_DONE = 2


# session 23 (n69-calls13): "ăn chi cũng không ngon", "uống gì cũng được": the question word of "ăn gì" with "cũng"
# right after it is an indefinite ("whatever I eat"), a statement about eating, not a question ("ăn chi cho mau
# khỏe?" still asks)
_WH_WORDS = ("gì", "chi", "nào", "đâu")
_WHATEVER_AFTER = ("cũng",)


def _whatever(tokens: Sequence[str], m: Match) -> bool:
    """Is the question phrase ``m`` (over ``tokens``, clause breaks kept) an indefinite: its last word a question
    word, "cũng" right after it or one word later in the same clause ("ăn gì vô cũng ói")?"""
    if m.end < 1 or not word_in(tokens[m.end - 1], _WH_WORDS):
        return False
    after = [t for t in tokens[m.end:m.end + 2]]
    if BREAK in after:
        after = after[:after.index(BREAK)]
    return any(word_in(t, _WHATEVER_AFTER) for t in after)


def _done_of_another_topic(clause: Sequence[str], i: int) -> bool:
    """Session 22b (n62-calls11): is the "rồi" at ``i`` the end of a sentence of its own rather than an answer? A
    "rồi" that answers follows the verb alone, or a yes word ("đo rồi", "tui đo rồi", "dạ rồi", "phải rồi"); after a
    longer clause with no yes word it closes a statement about something else ("cơm tui ăn rồi", "con tui đi làm
    rồi": a hard-of-hearing caller answering another question), which is no yes to the question asked."""
    if not word_in(clause[i], ("rồi",)):
        return False
    before = [t for t in clause[:i] if not word_in(t, lx.FILLER_YES)]
    return len(before) > _MAX_BEFORE_DONE and not any(word_in(t, lx.YES_WORDS) for t in before)


#: The facts a rule may name: the yes/no properties of ``_Facts``.
FACTS: frozenset[str] = frozenset(n for n, v in vars(_Facts).items()
                                  if isinstance(v, _fact) and v.func.__annotations__.get("return") == "bool")


def _check_rules(rules: Sequence[Rule]) -> None:
    """Every rule names known facts and intents; the last one always applies."""
    for i, rule in enumerate(rules):
        for name, _ in rule.checks:
            if name not in FACTS:
                raise ValueError(f"intent rule {i + 1}: unknown fact {name!r}")
        if rule.intent not in (*INTENTS, LEAD, QUESTION):
            raise ValueError(f"intent rule {i + 1}: unknown intent {rule.intent!r}")
        if not 0.0 <= rule.confidence <= 1.0:
            raise ValueError(f"intent rule {i + 1}: confidence {rule.confidence} is not within 0..1")
    if not rules or rules[-1].when:
        raise ValueError("the last intent rule must have no condition")


_check_rules(INTENT_RULES)


#: INTENT_RULES with their checks unpacked once (the table is read on every utterance).
_TABLE = tuple((rule, rule.checks) for rule in INTENT_RULES)


def _first(facts: _Facts) -> Rule:
    for rule, checks in _TABLE:
        for name, wanted in checks:
            if getattr(facts, name) is not wanted:
                break
        else:
            return rule
    raise AssertionError("unreachable: the last intent rule has no condition")


def first_rule(text: str, a: Analysis, expect: Sequence[str]) -> Rule:
    """The rule of ``INTENT_RULES`` that decides the intent of ``text`` (for tests and debugging)."""
    return _first(_Facts(text, a, expect))


def decide_intent(text: str, a: Analysis, expect: Sequence[str]) -> tuple[str, float]:
    """The intent and confidence of the first rule of ``INTENT_RULES`` whose facts all hold."""
    d = decide_answer(text, a, expect)
    return d.intent, d.confidence


@dataclass(frozen=True)
class Decision:
    """The intent decided, and what a yes/no question learns besides (session 19, n39)."""

    intent: str
    confidence: float
    #: A "no" decided by a state said instead ("vẫn tỉnh"): the sign families it answers for
    #: (``ivr.nlu.yesno.state_families``); empty otherwise.
    states: tuple[str, ...] = ()
    #: The caller said he does not know or has not looked ("không biết nữa"), at a yes/no question.
    unsure: bool = False


def decide_answer(text: str, a: Analysis, expect: Sequence[str]) -> Decision:
    """``decide_intent`` with the yes/no question's extras (``Decision``)."""
    facts = _Facts(text, a, expect)
    rule = _first(facts)
    return Decision(facts.intent(rule), rule.confidence, facts.states if "state_no" in rule.when else (),
                    ("no_answer" in rule.when or "unsure" in rule.when) and facts.unsure)
