"""The answer to a yes/no question when it is no plain "có" or "không" (session 19, n39-signs-yesno).

At the warning-sign questions ("Người bệnh có lơ mơ, khó gọi dậy không?") callers answer with a hum before
the no ("ờ không"), with the state the sign would change ("vẫn tỉnh", "môi hồng", "thở được", "bình
thường"), with presence that comes and goes ("lúc có lúc không", "thỉnh thoảng"), or with no answer at all
("không biết nữa", "để tôi xem", "ừ thì"). Each reader below finds one of these in the tokens of
``ivr.nlu.analysis`` (with their clause breaks, or ``toks`` without them); ``ivr.nlu.intents`` decides
with them. The words are data (answers.yaml, "session 19" entries).
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK

#: The family of a state that says every sign is absent ("bình thường", "ổn").
ANY = "any"
#: How far apart (in words) two "lúc"s of "lúc có lúc không" may stand.
_TWICE_WITHIN = 4

_NO = Matcher({"no": lx.NO_WORDS})
_HEDGES = Matcher(table(*lx.HEDGES))
_STATES = Matcher(dict(lx.ANSWER_STATES))
_NOW_AND_THEN = Matcher(table(*lx.NOW_AND_THEN))
_UNKNOWING = Matcher(table(*lx.UNKNOWING_VERBS))
_LOOK = Matcher(table(*lx.LOOK_VERBS))
_NOT_BEFORE = Matcher(table(*lx.UNKNOWING_NOT_BEFORE))
_STATE_BLOCKERS_BEFORE = (*lx.PLAIN_NEGATORS, *lx.STATE_BLOCKERS_BEFORE)
_QUIET = (*lx.FILLER_YES, *lx.HESITATION_WORDS, *lx.YES_OPENERS)


def no_after_filler(tokens: Sequence[str]) -> Match | None:
    """"ờ không", "vâng, không có", "ừ thì không": after a hum or a polite word (and hedges), a no that closes
    its clause (the end, a clause break or answers.yaml ``no_closers``: "ờ không đâu"). The match spans the
    opening, indexed in ``tokens`` without their clause breaks; None when there is no such no ("ừ, không biết"
    goes on, "ừ có" is a yes)."""
    i, fillers = 0, 0
    while i < len(tokens):
        if tokens[i] == BREAK:
            i += 1
        elif word_in(tokens[i], lx.FILLER_YES):
            i, fillers = i + 1, fillers + 1
        elif fillers and (h := _HEDGES.at(tokens, i)) is not None:
            i = h.end
        else:
            break
    m = _NO.at(tokens, i) if fillers and i < len(tokens) else None
    if m is None:
        return None
    if m.end < len(tokens) and tokens[m.end] != BREAK and not word_in(tokens[m.end], lx.NO_CLOSERS):
        return None
    end = m.end - sum(1 for t in tokens[:m.end] if t == BREAK)
    return Match(0, end, "no", m.phrase)


def state_families(tokens: Sequence[str]) -> tuple[str, ...]:
    """The sign families of the states said ("vẫn tỉnh": altered_consciousness; "bình thường": ``ANY``), each
    once, in order; a state with a negator or a blocker just before it ("không tỉnh", "gọi mãi mới tỉnh"), a
    blocker just after it ("ăn được ít", "thở được không") or a yes anywhere before it ("hôm kia có, giờ bình
    thường") is none."""
    found: list[str] = []
    for m in _STATES.find(tokens):
        before = list(tokens[max(0, m.start - 2):m.start])
        if BREAK in before:
            before = before[before.index(BREAK) + 1:]
        if any(word_in(t, _STATE_BLOCKERS_BEFORE) for t in before):
            continue
        if m.end < len(tokens) and word_in(tokens[m.end], lx.STATE_BLOCKERS_AFTER):
            continue
        if any(word_in(t, lx.CLAUSE_YES) for t in tokens[:m.start]):
            continue  # "hôm kia có, giờ bình thường": a yes of the past over now stays a yes
        if m.label not in found:
            found.append(m.label)
    return tuple(found)


def now_and_then(toks: Sequence[str]) -> bool:
    """Presence that comes and goes: "thỉnh thoảng", "đôi lúc", or a time word twice close together ("lúc có
    lúc không", "hôm có hôm không", "lúc được lúc không")."""
    if _NOW_AND_THEN.find(toks):
        return True
    seen: dict[str, int] = {}
    for i, t in enumerate(toks):
        if word_in(t, lx.NOW_AND_THEN_TWICE):
            if t in seen and i - seen[t] <= _TWICE_WITHIN:
                return True
            seen[t] = i
    return False


def unknowing_start(toks: Sequence[str]) -> int | None:
    """Where the caller says he does not know or has not looked ("không biết nữa", "chưa để ý", "để tôi xem"):
    the index of its negator or its "để", or None; never what he cannot do ("không biết đọc", "không biết đếm")."""
    for i, t in enumerate(toks):
        verb = _UNKNOWING.at(toks, i + 1) if i + 1 < len(toks) and word_in(t, lx.PLAIN_NEGATORS) else None
        if verb is not None and (verb.end >= len(toks) or _NOT_BEFORE.at(toks, verb.end) is None):
            return i
        if word_in(t, ("để",)) and any(_LOOK.at(toks, j) is not None for j in range(i + 1, min(i + 4, len(toks)))):
            return i
    return None


def hesitation(toks: Sequence[str]) -> bool:
    """Only hums and hesitation words ("ừ thì", "ờ mà", "dạ thì"): no answer yet."""
    return bool(toks) and all(word_in(t, _QUIET) for t in toks) and any(word_in(t, lx.HESITATION_WORDS)
                                                                        for t in toks)


# session 23 (n66-calls12): a reply that asks instead of answering (a line check, the question's tag asked back)
#: "nghe" checked by the caller ("a lô, nghe hông?", "nghe rõ không"), with what he checks it by
_HEAR = ("nghe",)
_HEAR_HOW = ("được", "rõ", "thấy", "kịp")
#: the question's tag asked back ("phải hông?", "đúng không?")
_TAG = ("phải", "đúng")
#: the word that makes it a question (the normalizer folds "hông", "hem", "ko" into "không")
_ASKING = ("không", "chưa")
#: what may follow the question word ("nghe không ta", "phải không vậy")
_ASK_TAIL = ("ta", "vậy", "hả", "à", "ạ", "đó", "đấy", "nè", "nhỉ", "chị", "anh", "em", "cô", "chú")


def asked_back(tokens: Sequence[str]) -> bool:
    """The whole reply is a question asked back, no answer: a check of the line on a bad connection ("a lô a lô nghe
    nghe hông", "có nghe không", "nghe rõ không?") or the question's own tag ("phải hông?", "có phải không", "đúng
    không?"). One clause (the analysis' tokens, fillers such as "a lô" gone, clause breaks kept); the question word
    closes it. Never a no: "hông phải", "dạ hông", "không nghe được gì hết" open with the negator."""
    toks = list(tokens)
    while toks and toks[0] == BREAK:
        toks.pop(0)
    while toks and toks[-1] == BREAK:
        toks.pop()
    if BREAK in toks:
        return False
    while toks and word_in(toks[-1], _ASK_TAIL) and len(toks) > 2:
        toks.pop()
    if len(toks) < 2 or not word_in(toks[-1], _ASKING):
        return False
    body = toks[:-1]
    if body and word_in(body[0], ("có",)):
        body = body[1:]
    if len(body) == 1 and word_in(body[0], _TAG):
        return True
    heard = 0
    while heard < len(body) and word_in(body[heard], _HEAR):
        heard += 1
    return 1 <= heard <= 3 and all(word_in(t, _HEAR_HOW) for t in body[heard:]) and len(body) - heard <= 1


# session 23 (n69-calls13): a question asked back to the caller instead of an answer ("ờ bà ăn cơm rồi, con về chưa?")
#: who the caller is to the one who answers, named in the question asked back ("con về chưa", "hả cháu")
_CALLER = ("con", "cháu", "cô", "chú", "anh", "chị", "em", "bây", "mày")
#: the words that make the reply a question when they close it (the normalizer folds "hông" into "không", "chi" into
#: "gì"); "hả", "à" may also stand before the one addressed ("ai đó hả con")
_ASK_BACK = ("chưa", "không", "hả", "à", "hở", "gì", "sao", "nào", "đâu")


def asks_caller_back(tokens: Sequence[str]) -> bool:
    """The whole reply, after an opening hum ("ờ", "dạ"), is a question of the answerer's own put to the caller, whom
    it names ("ờ bà ăn cơm dồi con dề chưa", "ừ con ăn cơm chưa con"): one clause of three words or more that a question
    word closes (the one addressed may follow it). No answer to the question asked (a confused elderly patient), so
    never a yes; an answer said first ("bà khỏe, con hỏi chi": its own clause) or a bare "dạ rồi" stays an answer."""
    toks = [t for t in tokens]
    while toks and (toks[0] == BREAK or word_in(toks[0], lx.FILLER_YES)):
        toks.pop(0)
    while toks and toks[-1] == BREAK:
        toks.pop()
    if BREAK in toks or len(toks) < 3:
        return False
    if toks[-1] in _CALLER:  # with its tones: "co" (có said without them) is no "cô"
        toks.pop()
    if len(toks) < 3 or not word_in(toks[-1], _ASK_BACK):
        return False
    return any(t in _CALLER for t in toks[:-1])
