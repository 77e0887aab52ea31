"""A sign the caller only mentions, without anyone at home having it now (issue 12, mention.yaml).

Kinds: a sign asked about ("ho ra máu thì có phải là nặng không"), how to know a sign ("làm sao biết con mình
bị tím tái"), a sign read or heard about ("đọc tờ hướng dẫn thấy ghi khó thở, tím tái thì gọi ngay"), a sign of
someone outside the household ("bạn tôi bị ho ra máu phải nhập viện, tôi hỏi ..."), a sign long past ("tôi
từng bị co giật hồi nhỏ, giờ thì không"). Each guard keeps its twin a report: a person of the household before
the sign, a now, still or intensity word, a contrast word, a call for help.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu import negation
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK

_w = lx.LEXICON.words
_ASKED_LINKS = _w("mention", "asked_links")
_ASKED_AFTER = Matcher(table(*_w("mention", "asked_after")))
_GENERIC = Matcher(table(*_w("mention", "generic_persons")))
_HOW_TO_KNOW = Matcher(table(*_w("mention", "how_to_know")))
_READING = Matcher(table(*_w("mention", "reading")))
_OUTSIDERS = Matcher(table(*_w("mention", "outsiders")))
_CALL_FOR = Matcher(table(*_w("mention", "call_for")))
_PRESENT = Matcher(table(*_w("mention", "present")))
_LONG_PAST = Matcher(table(*_w("mention", "long_past")))
_NOW_STILL = Matcher(table(*_w("mention", "now_still")))
_NOW_DENIED = _w("mention", "now_denied")
_HELP_AFTER = Matcher(table(*_w("mention", "help_after")))
_NOT_HELP = Matcher(table(*_w("mention", "not_help")))
_PERSONS = Matcher(table(*lx.PERSONS))
_CONTRAST = Matcher(table(*lx.CONTRAST_WORDS))


def negated(toks: Sequence[str], m: Match, spans: Sequence[tuple[Match, bool]]) -> bool:
    """``ivr.nlu.negation.negated``, or the sign only mentioned (``mentioned_only``)."""
    return negation.negated(toks, m, spans) or mentioned_only(toks, m)


def mentioned_only(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` only mentioned: asked about, how to know it, read or heard, someone else's, long past?"""
    lo, hi = _clause(toks, m.start)
    before, after = toks[lo:m.start], toks[m.end:hi]
    if _long_past(before, after):
        return True  # "hồi đó khó thở lắm, giờ hết rồi": intense then, over now
    if _present(before, strict=True) or _present(toks[m.start:min(m.end + 2, hi)], strict=False):
        return False  # "đang khó thở", "khó thở quá", "tím hết rồi": said of now
    return _asked_after(before, after) or _how_to_know(before) or _read(toks, m) or _outsider(toks, m, hi)


def _present(words: Sequence[str], *, strict: bool) -> bool:
    """A now or intensity word (mention.yaml ``present``) among ``words``; ``strict``: a one-word one only with its
    diacritics ("lam sao" is "làm sao", not "lắm"; "tối qua" is not "quá"). Right after a sign the words are read
    loosely ("kho tho qua" is "khó thở quá")."""
    return bool(_PRESENT.find(words) if not strict else _strict(_PRESENT, words))


def _strict(matcher: Matcher, words: Sequence[str]) -> list[Match]:
    """``matcher``'s phrases in ``words``, a one-word phrase only with its diacritics ("con" is not "còn")."""
    return [p for p in matcher.find(words) if p.end - p.start > 1 or words[p.start] == p.phrase]


def not_a_call(toks: Sequence[str], m: Match) -> bool:
    """Is the emergency phrase ``m`` no call for help: part of a word for what to do (mention.yaml ``not_help``:
    "sơ cứu"), or said of what was read or of someone outside the household ("đồng nghiệp co giật phải đi cấp
    cứu, chồng tôi có bị lây không")?"""
    if any(n.start < m.end and m.start < n.end for n in _NOT_HELP.find(toks)):
        return True
    return _read(toks, m) or _outsider(toks, m, _clause(toks, m.start)[1])


def _clause(toks: Sequence[str], i: int) -> tuple[int, int]:
    lo = negation.clause_start(toks, i)
    hi = i
    while hi < len(toks) and toks[hi] != BREAK:
        hi += 1
    return lo, hi


def _household(words: Sequence[str]) -> bool:
    """A person of the household among ``words`` (not one inside a generic phrase: "trẻ con", "người già")."""
    generic = {i for g in _GENERIC.find(words) for i in range(g.start, g.end)}
    return any(not any(i in generic for i in range(p.start, p.end)) for p in _PERSONS.find(words))


def _asked_after(before: Sequence[str], after: Sequence[str]) -> bool:
    """"ho ra máu thì có phải là nặng không", "khó thở mức nào thì phải gọi": a link word right after the sign,
    then a question about it in its clause; no person of the household before it."""
    if not after or _household(before):
        return False
    link = next((k for k in range(min(2, len(after))) if word_in(after[k], _ASKED_LINKS)), None)
    return link is not None and bool(_ASKED_AFTER.find(after[link:]))


def _how_to_know(before: Sequence[str]) -> bool:
    """"làm sao biết con mình bị tím tái", "răng biết được là thở nhanh": how to know it, before it in its clause."""
    return bool(_HOW_TO_KNOW.find(before))


def _scope_open(toks: Sequence[str], start: int, end: int) -> bool:
    """Does what is said from ``start`` still hold at ``end``: no contrast word, no clause opening with a person
    of the household or a now word, no now or still word on the way ("..., mẹ em đang khó thở")?"""
    between = toks[start:end]
    if _strict(_CONTRAST, between) or _present(between, strict=True):
        return False
    for k, t in enumerate(between):
        if t == BREAK and k + 1 < len(between):
            opening = between[k + 1:k + 3]
            if _household(opening) or _NOW_STILL.at(between, k + 1) is not None:
                return False
    return True


def _read(toks: Sequence[str], m: Match) -> bool:
    """"em đọc tờ hướng dẫn thấy ghi khó thở, đau ngực, tím tái thì gọi ngay": read or heard, across commas."""
    found = [r for r in _READING.find(toks[:m.end]) if r.start < m.start]
    return bool(found) and _scope_open(toks, min(found[-1].end, m.start), m.start)


def _outsider(toks: Sequence[str], m: Match, hi: int) -> bool:
    """"bạn tôi bị ho ra máu phải nhập viện, tôi hỏi tôi có bị lây không": someone outside the household has it,
    and a later clause turns to the caller's home without asking for help; never when the caller calls for them."""
    # "công ty có người tím tái": the sign's phrase may begin inside the outsider's ("người tím")
    found = [r for r in _OUTSIDERS.find(toks[:m.end]) if r.start < m.start]
    if not found or _CALL_FOR.find(toks) or not _scope_open(toks, min(found[-1].end, m.start), m.start):
        return False
    later = toks[hi:]
    return _household(later) and not _HELP_AFTER.find(later)


def _long_past(before: Sequence[str], after: Sequence[str]) -> bool:
    """"tôi từng bị co giật hồi nhỏ, giờ thì không", "năm ngoái bị khó thở": long past in its clause, with no now or
    still word between ("hồi nhỏ bị, giờ lại co giật") nor after it unless denied ("giờ thì không")."""
    past = _LONG_PAST.find(before)
    if past and _NOW_STILL.find(before[past[-1].end:]):
        return False
    if not past:
        past_after = _LONG_PAST.find(after)
        if not past_after or _NOW_STILL.find(after[:past_after[0].start]):
            return False
    inside = {i for p in _LONG_PAST.find(after) for i in range(p.start, p.end)}
    for n in _NOW_STILL.find(after):
        if n.start in inside:
            continue
        if not any(word_in(t, _NOW_DENIED) for t in after[n.end:n.end + 3]):
            return False
    return True
