"""Calm talk that sounds like a warning sign (session 19, n40-calm-lookalikes; data: ``ivr/nlu/data/everyday.yaml``).

Small predicates over the content tokens, each for one kind of calm talk the general rules read as a sign, each with
urgent twins that keep the sign:

- a chronic or post-COVID baseline said to be unchanged ("ông bị hen lâu năm, vẫn khò khè như mọi khi", "bà lẫn rồi,
  mấy năm nay vẫn vậy"): ``unchanged_baseline``; a word of change anywhere ("nay khò khè nặng hơn mọi khi") keeps it;
- breath idioms about money, work, heat, crowds or a full stomach, with the household said to be fine
  ("nợ ngân hàng nhiều quá thở không nổi, may mà cả nhà vẫn khỏe"): ``breath_idiom``;
- sounds of things and pets ("cái quạt trần kêu khò khè"): ``thing_sound``;
- a colour from food, cold, anger or crying that went back ("khóc tím cả mặt, nín là hồng lại"): ``colour_went_back``;
- a toddler's tantrum ("giận dỗi không chịu dậy, dỗ kẹo là dậy liền"): ``tantrum``;
- a chest muscle sore after an effort, tender when pressed ("tập gym đau cơ ngực, ấn vào thấy ê"): ``sore_muscle``;
- brain fog after COVID ("đầu óc cứ lơ mơ như có sương mù"): ``brain_fog``.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold

_w = lx.LEXICON.words


def everyday_matcher(key: str) -> Matcher:
    """A matcher of the word list ``key`` of everyday.yaml (shared by the calm-guard modules that keep their lists
    there: context, relayed, harmless)."""
    return Matcher(table(*_w("everyday", key)))


_m = everyday_matcher


_BASELINE_SIGNS = frozenset(_w("everyday", "baseline_signs"))
_SAME = _m("same_markers")
_SINCE = Matcher(table(*_w("everyday", "since_markers"), *lx.CHRONIC_MARKERS))
_CHANGES = Matcher(table(*lx.CHRONIC_CHANGES, *_w("everyday", "worse_words")))
_DENIALS = Matcher(table(*lx.CHANGE_DENIALS))
_AT_REST = _w("everyday", "at_rest")
_NEVER_BASELINE = _m("never_baseline")
_IDIOM_SIGNS = frozenset(_w("everyday", "idiom_signs"))
_IDIOM_CAUSES = _m("idiom_causes")
_FINE = _m("fine_words")
_BODY_CAUSES = _m("body_causes")
_FINE_ALL = _m("fine_all")
_JOKES = _m("joke_words")
_SOUND_SIGNS = frozenset(_w("everyday", "sound_signs"))
_THINGS = _m("sound_things")
_OWNERS = _m("owner_words")
_COLOUR_CAUSES = _m("colour_causes")
_COLOUR_BACK = _m("colour_back")
_SULK = _m("sulk_words")
_SULK_OVER = _m("sulk_over")
_TENDER = _m("tender_words")
_STRAIN = _m("strain_words")
_SPREAD = _m("spread_words")
_MIND = _m("mind_words")
_MIND_GAP = _w("everyday", "mind_gap")
_FOG = _m("fog_words")
_PERSONS = Matcher(table(*lx.PERSONS))
_GAP_PERSONS = _m("thing_gap_persons")  # session 20 (n45-benign-cause)
_LINKS = ("vì", "do", "tại", "bởi")
_PERSONS_NOW = Matcher(table("giờ", "bây giờ", "mà giờ", "giờ thì", "tự nhiên", "mà", "nhưng"))  # session 21 (n49)
#: the first words of every construction's cue, folded (``may_be_everyday``: most utterances have none of them)
_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "same_markers", "idiom_causes", "body_causes", "sound_things", "colour_causes", "sulk_words", "tender_words",
    "mind_words") for p in _w("everyday", key))


def everyday_calm(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` one of this module's kinds of calm talk?"""
    return (unchanged_baseline(toks, m) or breath_idiom(toks, m) or thing_sound(toks, m) or colour_went_back(toks, m)
            or tantrum(toks, m) or sore_muscle(toks, m) or brain_fog(toks, m))


def may_be_everyday(toks: Sequence[str]) -> bool:
    """Does any token open one of this module's cues (a cheap test before matching signs again)?"""
    return any(fold(t) in _OPENERS for t in toks)


def _exact(toks: Sequence[str], matcher: Matcher) -> list[Match]:
    """``matcher``'s matches said with their diacritics (folded, "no" is "nó", "tap" "tạp")."""
    return [f for f in matcher.find(toks) if " ".join(t.lower() for t in toks[f.start:f.end]) == f.phrase
            or all(t == fold(t) for t in toks)]


def _negated_before(toks: Sequence[str], i: int, reach: int = 2) -> bool:
    return any(word_in(t, lx.NEGATORS) for t in toks[max(0, i - reach):i])


def _same_said(toks: Sequence[str], at: int) -> list[Match]:
    """The same-as-usual markers at or after ``at`` not said right after a negator ("không như mọi khi")."""
    def denied(s: Match) -> bool:
        # "không như mọi khi" is a change; "nằm yên cũng vậy" is even at rest
        return s.start > 0 and ((word_in(toks[s.start - 1], lx.NEGATORS) and not word_in(toks[s.start], lx.NEGATORS))
                                or word_in(toks[s.start - 1], _AT_REST))

    return [s for s in _SAME.find(toks) if s.start >= at and not denied(s)]


def _changed(toks: Sequence[str], same: Sequence[Match]) -> bool:
    """A word of change or worsening anywhere, not denied ("không phải mới bị", "không nặng hơn") and not followed
    within three words by a same-as-usual marker ("hôm nay vẫn vậy", "nay cũng vậy", "hôm nay không khác")."""
    for c in _CHANGES.find(toks):
        if any(d.end == c.start for d in _DENIALS.find(toks[:c.start])) or _negated_before(toks, c.start, 1):
            continue
        if any(c.end <= s.start <= c.end + 3 and BREAK not in toks[c.end:s.start] for s in same):
            continue
        if any(s.start <= c.start < s.end for s in same):
            continue
        if any(s.end == c.start for s in same):
            continue  # session 19 (n41-set13-calm): "không phải mới hôm nay": the change word denied
        return True
    return False


def unchanged_baseline(toks: Sequence[str], m: Match) -> bool:
    """A baseline sign said to be as usual, with a long-standing marker before it, and no word of change anywhere."""
    if m.label not in _BASELINE_SIGNS or _NEVER_BASELINE.find(toks[m.start:m.end]):
        return False
    # nothing said of the sign after it in its clause but the same marker: "thở dốc không ra hơi", "khó thở quá"
    # (severe) keep it
    tail = toks[m.end:clause_end(toks, m.end)]
    # session 19 (n41-set13-calm): a negator opening a same marker ("lâu rồi không phải mới hôm nay") is no severity
    own = {m.end + s.start for s in _SAME.find(tail)}
    if any((word_in(t, lx.NEGATORS) and m.end + k not in own) or word_in(t, lx.INTENSIFIERS)
           for k, t in enumerate(tail)):
        return False
    same = _same_said(toks, clause_start(toks, m.start))
    if not same:
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    # a long-standing marker before the sign, in its clause, or said with the same marker ("mấy năm nay vẫn vậy")
    since = [s for s in _SINCE.find(toks) if s.start < m.start or lo <= s.start < hi
             or any(0 <= x.start - s.end <= 1 for x in same)]
    return bool(since) and not _changed(toks, same)


def _fine_later(toks: Sequence[str], at: int, *, everyone: bool = False) -> bool:
    """A later clause that says someone is fine (``everyone``: the whole household), no negator before the fine word
    in its clause."""
    for f in _FINE.find(toks):
        later = BREAK in toks[at:f.start] or any(word_in(t, ("chứ",)) for t in toks[at:f.start])
        if f.start < at or not later:
            continue
        before = toks[clause_start(toks, f.start):f.start]
        if any(word_in(t, lx.NEGATORS) for t in before) or (everyone and not _FINE_ALL.find(before)):
            continue
        return True
    return False


def breath_idiom(toks: Sequence[str], m: Match) -> bool:
    """A breath idiom: an everyday cause earlier in the sign's clause, no person between, and a later fine clause (a
    cause that can take a body's breath: the whole household fine, or a joke said before)."""
    if m.label not in _IDIOM_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    joke = any(not _negated_before(toks, j.start) for j in _exact(toks[:m.start], _JOKES))
    for matcher, body in ((_IDIOM_CAUSES, False), (_BODY_CAUSES, True)):
        for c in _exact(toks[lo:m.start], matcher):
            if _negated_before(toks, lo + c.start) or _PERSONS.find(toks[lo + c.end:m.start]):
                continue
            if _fine_later(toks, m.end, everyone=body and not joke):
                return True
    return False


def thing_sound(toks: Sequence[str], m: Match) -> bool:
    """A thing or an animal opening the sign's clause (after at most one word: "cái"), no person of the household
    between (its owner aside)."""
    if m.label not in _SOUND_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    things = _exact(toks[lo:m.start], _THINGS)
    if not things or things[0].start > 1:
        return False  # the thing opens the clause ("ông coi ti vi thì thở không nổi": the man is the subject)
    gap = list(toks[lo + things[-1].end:m.start])
    if m.label == "altered_consciousness" and not any(word_in(t, ("như",)) for t in gap):
        return False  # a fit or a faint only likened ("máy giặt rung như lên cơn co giật"), never seen on a screen
    owned = {i for o in _OWNERS.find(gap) for i in range(o.start, o.end)}
    if _PERSONS.find([t for i, t in enumerate(gap) if i not in owned]):
        return False
    # session 20 (n45-benign-cause): someone anywhere after the first thing ("xe khách dừng vì có người trên xe lên
    # cơn khó thở") is the subject, not the thing
    span = toks[lo + things[0].end:m.start]
    like = next((k for k, t in enumerate(span) if word_in(t, _LIKENED)), len(span))  # "rít lên như người thở"
    return not _GAP_PERSONS.find(span[:like])


def colour_went_back(toks: Sequence[str], m: Match) -> bool:
    """A colour with a calm cause in its clause or after a link right after it, and later a word of it gone back."""
    if m.label != "cyanosis":
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    if lo >= 2 and not _PERSONS_NOW.find(toks[lo:m.start]):
        # session 21 (n49-calm-context): a cause in the clause before ("trời lạnh, ông đi tắm về tím tái cả tay chân",
        # "cháu ăn nho tím, môi tím lịm"), unless a now word opens the sign's clause ("..., giờ môi tím tái")
        lo = clause_start(toks, lo - 2)
    causes = [c for c in _exact(toks[lo:hi], _COLOUR_CAUSES) if not _negated_before(toks, lo + c.start)]
    if not causes:
        return False
    # session 21b (n53-s17-calm): a back word not denied ("lay mãi không khóc lại", "không hồng lại")
    return any(not _negated_before(toks, m.end + b.start, 2) for b in _COLOUR_BACK.find(toks[m.end:]))


def tantrum(toks: Sequence[str], m: Match) -> bool:
    """A sulk word before the loss of consciousness sign (not denied) and a word of it over after it."""
    if m.label != "altered_consciousness":
        return False
    sulks = [s for s in _SULK.find(toks[:m.start]) if not _negated_before(toks, s.start)]
    return bool(sulks) and bool(_SULK_OVER.find(toks[m.end:]))


def sore_muscle(toks: Sequence[str], m: Match) -> bool:
    """A chest pain tender when pressed or of the muscle, after an effort or a knock not denied, nothing spreading."""
    if m.label != "chest_pain":
        return False
    # session 19 (n43-set14): a spread word denied ("ấn vô thì đau, không khó thở") is none
    # session 21b (n53-s17-calm): "hít thở không sao" is breathing fine, no spread
    if not _TENDER.find(toks) or any(not _negated_before(toks, s.start) and not (
            s.end < len(toks) and word_in(toks[s.end], ("sao",))) for s in _SPREAD.find(toks)):
        return False
    return any(not _negated_before(toks, s.start) for s in _exact(toks, _STRAIN))


def brain_fog(toks: Sequence[str], m: Match) -> bool:
    """A loss of consciousness sign said of the mind ("đầu óc cứ lơ mơ"), with a fog word in the utterance."""
    if m.label != "altered_consciousness" or not _FOG.find(toks):
        return False
    i = m.start
    while i > 0 and word_in(toks[i - 1], _MIND_GAP):
        i -= 1
    lo = max(0, i - 2)
    return any(lo + x.end == i for x in _MIND.find(toks[lo:i]))


def calm_worry(toks: Sequence[str], w: Match) -> bool:
    """Is the worry word ``w`` ("thở", "môi", "tái": ``ivr.nlu.analysis._half_understood_worry``) a thing's sound or a
    colour gone back ("ống nước cứ rít lên như người thở", "trời lạnh tay chân tái đi, hơ lửa là hồng lại")?"""
    return (thing_sound(toks, Match(w.start, w.end, "shortness_of_breath", w.phrase))
            or colour_went_back(toks, Match(w.start, w.end, "cyanosis", w.phrase)))


def everyday_span(toks: Sequence[str], m: Match) -> range:
    """The tokens the n-gram model should not weigh for a sign or worry word ``m`` read as calm here: its clause, and
    on to the end of the clause of the last word that says it is over or fine ("..., nín là hồng hào lại ngay")."""
    after = toks[m.end:]
    # session 19 (n41-set13-calm): also the clause of what was found instead ("..., hóa ra ông cúi xuống nhặt đồ")
    cues = [c.start for matcher in (_COLOUR_BACK, _SULK_OVER, _FINE, _SAME, _REVEAL) for c in matcher.find(after)]
    hi = clause_end(toks, m.end + max(cues)) if cues else clause_end(toks, m.end)
    # a tantrum from its sulk word on ("con bé giận dỗi nằm lăn ra đất, gọi không thưa, ...")
    sulks = [x.start for x in _SULK.find(toks[:m.start])] if m.label == "altered_consciousness" else []
    return range(clause_start(toks, min([m.start, *sulks])), hi)


_WAKE_CALLS = Matcher(table(*lx.WAKE_CALLS))
_WAKE_OUTCOMES = Matcher(table(*lx.WAKE_OUTCOMES))
_SLEEP = Matcher(table(*lx.SLEEP_WORDS))
_WAKE_LINKS = _w("everyday", "wake_links")


def rousable(toks: Sequence[str]) -> set[int]:
    """The tokens of a sleeper who wakes when called ("ông ngủ nhiều, gọi thì ông dậy ăn cơm"): a wake call, then a
    link ("thì", "là"), at most a person, and a wake outcome, no negator or break between; with the sleep words of the
    utterance. The rules read no sign there; the n-gram model should not weigh them (``calm_senses``). "gọi không dậy",
    "gọi thì dậy nhưng lại ngủ ngay, nói lơ mơ" keep their signs (rules)."""
    for c in _WAKE_CALLS.find(toks):
        rest = toks[c.end:c.end + 4]
        # session 19 (n41-set13-calm): "gọi một tiếng là dậy ngay" (at most two call fillers)
        skip = next((k for k in range(3) if k >= len(rest) or not word_in(rest[k], _CALL_FILLERS)), 2)
        rest = toks[c.end + skip:c.end + skip + 4]
        if not rest or not word_in(rest[0], _WAKE_LINKS) or any(word_in(t, lx.NEGATORS) or t == BREAK for t in rest):
            continue
        k = 2 if len(rest) > 1 and word_in(rest[1], lx.PERSONS) else 1
        out = _WAKE_OUTCOMES.at(rest, k) if k < len(rest) else None
        if out is not None:
            sleep = (i for z in _SLEEP.find(toks) for i in range(z.start, z.end))
            return {*range(c.start, c.end + skip + out.end), *sleep}
    return set()


# session 19 (n41-set13-calm): calm kinds of held-out set 13, read more generally than by phrase: a sign the caller
# thought they saw, a sign put on a thing, an everyday cause after the sign, a past episode over now.
_BELIEF = _m("belief_words")
_REVEAL = _m("reveal_words")
_NOT_IT = _m("not_it_words")
_IT_IS = _m("it_is_words")
_FILLERS = _w("everyday", "clause_fillers")
_SOUND_LIKES = _m("sound_likes")
_LIKENED = _w("everyday", "likened")
_LINKS_AFTER = _m("links_after")
_CAUSES_AFTER = _m("causes_after")
_NOT_ILL = _m("not_ill")
_EPISODE_PAST = _m("episode_past")
_EPISODE_TURNS = _w("everyday", "episode_turns")
_EPISODE_NOW = _m("episode_now")
_EPISODE_OVER = _m("episode_over")
_STILL = Matcher(table(*lx.STILL_WORDS))
_ASKED_WHEN = Matcher(table("bao giờ", "khi nào", "lúc nào", "chừng nào", "bao lâu", "cho hỏi", "có sao không"))
_CALL_FILLERS = _w("everyday", "call_fillers")
_WOKE = _m("woke_outcomes")
_SPIT_UP = _m("spit_up")
_SMALL = _m("small_amounts")
_FEEDS_AGAIN = _m("feeds_again")
_SPIT_MUCH = _m("spit_much")
_USUAL_BEFORE = _m("usual_before")
_DOCTOR_SAID = _m("doctor_said")
_DOCTOR_CALM = _m("doctor_calm")
_KIND_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "spit_up", "doctor_said", "belief_words", "not_it_words", "it_is_words", "clause_fillers", "sound_likes",
    "links_after", "episode_past")
    for p in _w("everyday", key)) | frozenset(fold(p.split(" ")[0]) for p in lx.WAKE_CALLS)


def may_be_kind(toks: Sequence[str]) -> bool:
    """Does any token open one of the session-19 (n41) cues?"""
    return any(fold(t) in _KIND_OPENERS for t in toks)


def kind_calm(toks: Sequence[str], m: Match) -> bool:
    """Session 19 (n41-set13-calm): a mistaken belief, a sign put on a thing, an everyday cause said after the sign
    (``past_episode_over`` needs the caller's sign matcher: ``ivr.nlu.analysis``)."""
    return (mistaken_belief(toks, m) or put_on_thing(toks, m) or cause_after(toks, m) or small_spit_up(toks, m)
            or doctor_usual(toks, m))


def small_spit_up(toks: Sequence[str], m: Match) -> bool:
    """A baby's small spit-up ("trớ ra một chút") then feeding again ("lại bú tiếp"), nothing of much or often."""
    if m.label != "vomiting" or not any(s.start == m.start for s in _SPIT_UP.find(toks)):
        return False
    small = [a for a in _SMALL.find(toks[m.end:m.end + 4]) if a.start <= 2]
    return bool(small) and bool(_FEEDS_AGAIN.find(toks[m.end:])) and not _SPIT_MUCH.find(toks)


def doctor_usual(toks: Sequence[str], m: Match) -> bool:
    """A shortness of breath said usual in its clause ("bình thường cũng hơi khó thở") that a doctor called usual or
    put on a known cause later ("bác sĩ sản nói vậy là bình thường")."""
    if m.label != "shortness_of_breath":
        return False
    lo = clause_start(toks, m.start)
    if not _USUAL_BEFORE.find(toks[lo:m.start]):
        return False
    for d in _DOCTOR_SAID.find(toks[m.end:]):
        at = m.end + d.end
        if any(c.start <= 6 for c in _DOCTOR_CALM.find(toks[at:at + 7])):
            return True
    return False


def mistaken_belief(toks: Sequence[str], m: Match) -> bool:
    """A belief word in the sign's clause (either side) and a reveal word after the sign, none between belief and
    sign: "em tưởng con bé co giật, hóa ra nó nhảy theo nhạc"."""
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    beliefs = [b for b in _BELIEF.find(toks[lo:hi]) if not _negated_before(toks, lo + b.start)]
    if not beliefs:
        return False
    first = lo + min(b.start for b in beliefs)
    if any(first <= r.start < m.start for r in _REVEAL.find(toks)):
        return False  # "tưởng bà ngủ, hóa ra bà lịm đi": the sign is what was found
    return any(r.start >= m.end for r in _REVEAL.find(toks))


def _opens_with_thing(toks: Sequence[str], lo: int) -> Match | None:
    """A thing (``sound_things``) opening the clause at ``lo`` after fillers ("à cái tủ lạnh", "là cái tivi")."""
    i = lo
    while i < len(toks) and i - lo < 3 and word_in(toks[i], _FILLERS):
        i += 1
    for t in _exact(toks[i:clause_end(toks, i)], _THINGS):
        if t.start <= 1:  # "cái" may come before
            return Match(i + t.start, i + t.end, t.label, t.phrase)
        break
    return None


def put_on_thing(toks: Sequence[str], m: Match) -> bool:
    """A breath or fit sign said of a thing: the thing opens its clause after fillers with only a likened person
    between ("à cái tủ lạnh nó kêu rè rè như người thở dốc"); the sign in a "không phải ..." clause and a later clause
    "là <thing>"; or the sign right after "nghe như" in an utterance where a thing opens a clause."""
    if m.label not in _SOUND_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    thing = _opens_with_thing(toks, lo)
    if thing is not None and thing.end <= m.start and m.label != "altered_consciousness":
        gap = [t for t in toks[thing.end:m.start] if t != "nó"]  # "nó" is the thing ("cái tivi nó kêu")
        like = next((k for k, t in enumerate(gap) if word_in(t, _LIKENED)), len(gap))
        # session 20 (n45-benign-cause): nor a person ("có người trên xe lên cơn khó thở")
        if not _PERSONS.find(gap[:like]) and not _GAP_PERSONS.find(gap[:like]) and not any(
                word_in(t, lx.NEGATORS) for t in gap):
            return True
    starts = [i + 1 for i, t in enumerate(toks) if t == BREAK]
    # "..., là cái máy lạnh nó kêu"; unpunctuated "... đâu chỉ là cái máy quạt nó kêu"
    thing_clauses = [i.start for i in _IT_IS.find(toks[m.end:]) if _opens_with_thing(toks, m.end + i.start)]
    if thing_clauses and any(n.start <= 1 for n in _NOT_IT.find(toks[lo:m.start])):
        return True
    if any(lo + s.end == m.start or lo + s.end + 1 == m.start for s in _SOUND_LIKES.find(toks[lo:m.start])):
        return any(_opens_with_thing(toks, s) is not None for s in [0, *starts] if s < lo)
    return False


def _not_ill_later(toks: Sequence[str], at: int) -> bool:
    """A later clause or "chứ" part saying the person is fine or not ill, no negator in that part before it."""
    if any(n.start >= at for n in _NOT_ILL.find(toks)):
        return True
    for f in _FINE.find(toks[at:]):
        cuts = [i for i in range(at, at + f.start) if toks[i] == BREAK or word_in(toks[i], ("chứ",))]
        if cuts and not any(word_in(t, lx.NEGATORS) for t in toks[cuts[-1] + 1:at + f.start]):
            return True
    return False


def cause_after(toks: Sequence[str], m: Match) -> bool:
    """A colour or breath sign with an everyday cause after a link in its clause ("tím mặt vì cãi nhau", "thở không
    nổi với tiền học"), or a colour with a calm cause before it, and later the person fine or not ill."""
    if m.label not in ("cyanosis", *_IDIOM_SIGNS):
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    cause = None
    for link in _LINKS_AFTER.find(toks[m.end:hi]):
        at = m.end + link.end
        if link.start <= 4 and not any(word_in(t, lx.NEGATORS) for t in toks[m.end:m.end + link.start]):
            cause = next((c for c in _exact(toks[at:hi], _CAUSES_AFTER) if c.start <= 2), None)
            if cause is not None:
                break
    if cause is None and m.label == "cyanosis":
        cause = next((c for c in _exact(toks[lo:hi], _COLOUR_CAUSES)
                      if not _negated_before(toks, lo + c.start, 3)), None)
    return cause is not None and _not_ill_later(toks, m.end)


def past_episode_over(toks: Sequence[str], m: Match) -> int | None:
    """A sign with a past marker in its clause and a later clause (after a break or a contrast word) with a now word
    and within five words a word of it over, no negator or still word between: the index after which the caller
    must say no other sign for the episode to be over (``ivr.nlu.analysis``); None if not such an episode."""
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    lo = _past_scope(toks, lo)  # session 19 (n43-set14)
    # "từ hôm qua tức ngực": a start, not a past episode
    if not [p for p in _EPISODE_PAST.find(toks[lo:hi]) if not _negated_before(toks, lo + p.start, 1)
            and not (lo + p.start > 0 and word_in(toks[lo + p.start - 1], lx.SINCE_WORDS))]:
        return None
    if (any(word_in(t, lx.QUESTION_ENDINGS) for t in toks[-1:]) and not _not_once(toks)) or _ASKED_WHEN.find(
            toks[m.end:]):
        return None  # "cho hỏi bao giờ thì khỏi": over asked about, not said
    turns = [i for i in range(m.end, len(toks)) if toks[i] == BREAK or word_in(toks[i], _EPISODE_TURNS)]
    turns = sorted({*turns, *(m.end + n.start for n in _EPISODE_NOW.find(toks[m.end:]))})  # session 19 (n43-set14)
    if not turns:
        return None
    for now in _EPISODE_NOW.find(toks[turns[0]:]):
        at = turns[0] + now.end
        for over in _EPISODE_OVER.find(toks[at:at + 6]):
            between = _without_again(toks[at:at + over.start])
            if any(word_in(t, lx.NEGATORS) or t == BREAK for t in between) or _STILL.find(between):
                continue
            return turns[0] + now.start
    return None


_ONCE_HEADS = ("lần", "bữa", "hôm", "cái", "chút")
_AGAIN = _m("episode_again")  # session 23 (n64-s20-usual)


def _without_again(between: Sequence[str]) -> list[str]:
    """Session 23 (n64-s20-usual): the words between a now word and a word of the episode over, without a
    reinfection said ("lần này mắc lại chỉ hắt hơi": its "lại" is caught again, no sign still there)."""
    out = list(between)
    for a in reversed(_AGAIN.find(out)):
        del out[a.start:a.end]
    return out



def _not_once(toks: Sequence[str]) -> bool:
    """Session 21b (n53-s17-calm): "... không đau lại lần nào": a closing "nào" after a count word with a negator in
    its clause is "not once", no question."""
    if len(toks) < 2 or not word_in(toks[-1], ("nào",)) or not word_in(toks[-2], _ONCE_HEADS):
        return False
    return any(word_in(t, lx.NEGATORS) for t in toks[clause_start(toks, len(toks) - 1):-2])


def woke_when_called(toks: Sequence[str], m: Match) -> int | None:
    """A sleep sign ``m`` before a wake call that woke the sleeper at once ("gọi một cái là dậy"): the index after the
    wake outcome, after which no other sign may be said (``ivr.nlu.analysis``); None otherwise."""
    if m.label != "altered_consciousness" or not _SLEEP.find(toks[m.start:m.end]):
        return None
    for c in _WAKE_CALLS.find(toks[m.end:]):
        i = m.end + c.end
        k = 0
        while k < 2 and i < len(toks) and word_in(toks[i], _CALL_FILLERS):
            i, k = i + 1, k + 1
        if i >= len(toks) or not word_in(toks[i], _WAKE_LINKS):
            continue
        i += 1
        if i < len(toks) and word_in(toks[i], lx.PERSONS):
            i += 1
        out = _WOKE.at(toks, i) if i < len(toks) else None
        if out is not None and not any(word_in(t, lx.NEGATORS) or t == BREAK for t in toks[m.end + c.start:i]):
            return out.end
    return None


# session 19 (n43-set14): a breath sign gone when the caller leaves a place; a sign of a thing or an animal
_LEAVE = _m("leave_words")
_LEAVE_OVER = _m("leave_over")
_ANIMALS = _m("animals")
_ANIMAL_PARTS = _w("everyday", "animal_parts")
_THING_SIGNS = frozenset({*_SOUND_SIGNS, "cyanosis"})
_N43_OPENERS = frozenset(fold(p.split(" ")[0]) for key in ("leave_words", "sound_things", "animals")
                         for p in _w("everyday", key))


def set14_kind(toks: Sequence[str], m: Match) -> bool:
    """Session 19 (n43-set14): a breath sign gone on leaving a place, a sign said of a thing right before it or of an
    animal opening an earlier clause."""
    if not any(fold(t) in _N43_OPENERS for t in toks):
        return False
    return left_place(toks, m) or thing_before(toks, m) or animal_sign(toks, m)


def left_place(toks: Sequence[str], m: Match) -> bool:
    """A breath sign with later a leave word then within four words a word of it over, no negator or still word
    between ("mùi sơn nồng ngạt thở, ra ngoài hít không khí là hết")."""
    if m.label not in _IDIOM_SIGNS:
        return False
    for lv in _LEAVE.find(toks[m.end:]):
        at = m.end + lv.end
        for over in _LEAVE_OVER.find(toks[at:at + 6]):
            between = [t for k, t in enumerate(toks[at:at + over.start])
                       if not (k + 1 < over.start and word_in(toks[at + k + 1], ("khí",)))]  # "không khí": air
            if over.start <= 4 and not any(word_in(t, lx.NEGATORS) for t in between) and not _STILL.find(between):
                return True
    return False


def _persons_in(gap: Sequence[str]) -> bool:
    """A person in ``gap`` other than an owner ("nhà tôi") or "nó" (the thing or animal itself)."""
    owned = {i for o in _OWNERS.find(gap) for i in range(o.start, o.end)}
    return bool(_PERSONS.find([t for i, t in enumerate(gap) if i not in owned and t != "nó"]))


_THING_REACH = 6


def thing_before(toks: Sequence[str], m: Match) -> bool:
    """A breath, colour or fit sign after a thing in its clause, at most six words and no person (its owner aside)
    between ("lên dốc xe hụt hơi", "cây lúa nhà tôi vàng úa tím tái"), and a later fine or not-ill clause ("chứ anh
    ấy vẫn khỏe", "chứ người thì không ai sốt")."""
    if m.label not in _THING_SIGNS or not _not_ill_later(toks, m.end):
        return False
    lo = clause_start(toks, m.start)
    for t in _exact(toks[lo:m.start], _THINGS):
        gap = toks[lo + t.end:m.start]
        if len(gap) <= _THING_REACH and not _persons_in(gap) and not any(word_in(g, lx.NEGATORS) for g in gap):
            return True
    return False


def animal_sign(toks: Sequence[str], m: Match) -> bool:
    """A breath, colour or fit sign of an animal: an animal opens its clause, or an earlier clause when the sign's
    clause opens with a body part ("con gà nó rù, mắt lờ đờ"), no person between."""
    if m.label not in _THING_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    start = lo
    if lo < len(toks) and word_in(toks[lo], _ANIMAL_PARTS) and lo > 0:
        start = clause_start(toks, lo - 1)
    a = next(iter(_exact(toks[start:m.start], _ANIMALS)), None)
    if a is None or a.start > 2:
        return False
    gap = [t for t in toks[start + a.end:m.start] if t != BREAK]
    return not _persons_in(gap) and not any(word_in(g, lx.NEGATORS) for g in gap)


def _past_scope(toks: Sequence[str], lo: int) -> int:
    """Session 19 (n43-set14): the start of a list of signs said after a past marker ("năm ngoái bố tôi nằm viện vì
    khó thở, tím môi, còn năm nay..."): back over earlier clauses to the one with a past marker, no now or turn word
    between (else ``lo``)."""
    k = lo
    for _ in range(3):
        if k <= 1:
            return lo
        prev = clause_start(toks, k - 2)
        part = toks[prev:k - 1]
        if _EPISODE_NOW.find(part) or any(word_in(t, _EPISODE_TURNS) for t in part):
            return lo
        if _EPISODE_PAST.find(part):
            return prev
        k = prev
    return lo


# session 20 (n45-benign-cause): a mild sign whose ordinary cause the caller states, and which has passed
# (everyday.yaml)
_CAUSE_CLEAR = frozenset(_w("everyday", "cause_clear_signs"))
_CAUSE_MASK = frozenset(_w("everyday", "cause_mask_signs"))
_CAUSE_LINKS = _m("cause_links")
_CAUSE_LINK_REACH: int = lx.LEXICON.number("everyday", "cause_link_reach")
_CAUSE_BEFORE_REACH: int = lx.LEXICON.number("everyday", "cause_before_reach")
_ORDINARY = _m("ordinary_causes")
_PASSED = _m("passed_words")
_PASSED_NOT_BEFORE = _w("everyday", "passed_not_before")
_USUAL_CAUSES = _m("usual_causes")
_CAUSE_NOT_ILL = _m("cause_not_ill")
_PERSIST = _m("persist_words")
_CAUSE_TURNS = _w("everyday", "cause_turns")
_CAUSE_BODY = _w("everyday", "cause_body_before")
_CAUSE_SEVERITY = _m("cause_severity")
_ANGER_BEFORE = _w("everyday", "anger_before")
_ANGER_WITH = _w("everyday", "anger_with")
_ANGER_TARGETS = _m("anger_targets")
_DRAW = _m("draw_words")
_DRAW_TOOLS = _m("draw_tools")
_PASSED_PAST = _m("passed_past")
_EFFORTS = frozenset(_w("everyday", "effort_causes"))
_STILL_HEADS = _w("everyday", "still_sign_heads")
_CAUSE_OPENERS = frozenset(p.split(" ")[0] for key in ("cause_links", "ordinary_causes") for p in _w("everyday", key))
_PASSED_HEADS = frozenset(_w("everyday", "passed_heads"))
_ANGER_OPENERS = frozenset((*_ANGER_BEFORE, *_ANGER_WITH,
                            # session 21 (n49-calm-context): "tức ... vì đội nhà thua" (``emotion_cause_after``)
                            *(p.split(" ")[0] for p in _w("everyday", "ctx_emotion_links"))))
_DRAW_OPENERS = frozenset(p.split(" ")[0] for p in _w("everyday", "draw_words"))
_FOLDED_GATES = tuple(frozenset(fold(w) for w in g) for g in (_CAUSE_OPENERS, _PASSED_HEADS, _ANGER_OPENERS,
                                                              _DRAW_OPENERS, ("tức", "tím")))


def may_be_cause(toks: Sequence[str]) -> bool:
    """Session 20 (n45-benign-cause): could a sign in ``toks`` have an ordinary cause that passed (a cause word and a
    passed word), be a "tức" of anger, or a colour drawn on (a cheap test: most utterances have none of them)? Words
    with their diacritics ("đỡ" is no "do"), unless the whole text came without them."""
    words = {t.lower() for t in toks}
    if all(w == fold(w) for w in words):
        causes, heads, anger, draw, signs = _FOLDED_GATES
        words = {fold(w) for w in words}
    else:
        causes, heads, anger, draw, signs = (_CAUSE_OPENERS, _PASSED_HEADS, _ANGER_OPENERS, _DRAW_OPENERS,
                                             frozenset(("tức", "tím")))
    if words & causes and words & heads:
        return True
    return bool(words & signs) and bool(words & anger or words & draw)


def _ordinary_cause(toks: Sequence[str], m: Match) -> Match | None:
    """An ordinary cause of the sign ``m``: after a link in its clause ("thở dốc vì mới đi chợ về", "hụt hơi lúc hát
    karaoke"), or earlier in its clause with no turn word between ("trời nóng mất điện thở không nổi"); not denied,
    and "nóng" not of the body ("người nóng quá")."""
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    if lo > 0:
        lo = clause_start(toks, lo - 1)  # "trời oi bức, ông ngồi trong nhà thở không nổi": the clause before too

    def calm(c: Match, at: int) -> bool:
        return (not _negated_before(toks, at, 2)
                and not (at > 0 and word_in(toks[at - 1], _CAUSE_BODY)))

    for link in _CAUSE_LINKS.find(toks[m.end:hi]):
        if link.start > _CAUSE_LINK_REACH or any(word_in(t, lx.NEGATORS) for t in toks[m.end:m.end + link.start]):
            continue
        at = m.end + link.end
        for c in _exact(toks[at:min(hi, at + 5)], _ORDINARY):
            if c.start <= 2 and calm(c, at + c.start):
                return Match(at + c.start, at + c.end, c.label, c.phrase)
    start = max(lo, m.start - _CAUSE_BEFORE_REACH - 3)
    for c in _exact(toks[start:m.start], _ORDINARY):
        gap = [t for t in toks[start + c.end:m.start] if t != BREAK]
        if len(gap) <= _CAUSE_BEFORE_REACH and not any(word_in(t, _CAUSE_TURNS) for t in gap) and calm(
                c, start + c.start):
            return Match(start + c.start, start + c.end, c.label, c.phrase)
    return None


def _persists(toks: Sequence[str], m: Match) -> bool:
    """A persist or severity word after the sign ("mà giờ", "không đỡ", "vẫn còn", "ngồi yên cũng"), or a still word
    not followed by a fine word ("vẫn thở dốc"; "vẫn khỏe" is fine)."""
    after = toks[m.end:]
    if _exact(after, _PERSIST) or _exact(after, _CAUSE_SEVERITY):
        return True
    return any(word_in(t, lx.STILL_WORDS) and any(word_in(x, _STILL_HEADS) for x in after[k + 1:k + 3])
               for k, t in enumerate(after))


def _passed_at(toks: Sequence[str], m: Match, *, effort: bool = False, relief: bool = False) -> Match | None:
    """A word of the sign passed outside it ("..., ngồi một chút là êm"), not after a negator nor before "hơi"
    ("là hết hơi"); a not-ill clause ("có bệnh gì đâu"), not after an effort (``effort``); or an as-always marker
    ("ổng nói vậy hoài")."""
    # session 21b (n53-s17-calm): a known condition's cause ("hen", "có bầu") only by a word of relief (``relief``)
    matchers = (_PASSED,) if relief else (_PASSED, _USUAL_CAUSES) if effort else (
        _PASSED, _CAUSE_NOT_ILL, _NOT_ILL, _USUAL_CAUSES)
    for matcher in matchers:
        for p in matcher.find(toks):
            if m.start <= p.start < m.end or _negated_before(toks, p.start, 2):
                continue
            if _PASSED_PAST.find(toks[clause_start(toks, p.start):p.start]):
                continue  # "hồi trước leo năm tầng vẫn bình thường": the past, not the sign passed
            if matcher is not _PASSED and _someone_else(toks, m, p):
                continue  # "nóng quá thở không nổi, con thì vẫn khỏe": another person is the one fine
            if p.end < len(toks) and word_in(toks[p.end], _PASSED_NOT_BEFORE):
                continue
            return p
    return None


def _someone_else(toks: Sequence[str], m: Match, p: Match) -> bool:
    """A person before the not-ill phrase ``p`` in its clause whom the sign's clause does not name."""
    named = {t.lower() for t in toks[clause_start(toks, m.start):clause_end(toks, m.end)]}
    before = toks[clause_start(toks, p.start):p.start]
    return any(" ".join(before[x.start:x.end]).lower() not in named for x in _PERSONS.find(before))


def cause_passed(toks: Sequence[str], m: Match, *, mask: bool = False) -> Match | None:
    """Session 20 (n45-benign-cause): the passed-word match when the mild sign ``m`` has an ordinary cause and has
    passed ("tức ngực vì áo chật, thay áo rộng là hết", "thở dốc vì mới đi chợ về, ngồi một chút là êm"); None when
    it persists, is worse than its cause, or is a sign no cause clears. ``mask``: also the mild signs the rules keep
    but the n-gram model should not weigh ("ho mấy tiếng do bụi rơm, ổng nói vậy hoài")."""
    if m.label not in _CAUSE_CLEAR and not (mask and m.label in _CAUSE_MASK) and not _clearable_concern(m):
        return None
    cause = _ordinary_cause(toks, m) or named_attack(toks, m)
    if cause is None or _persists(toks, m) or lying_flat(toks, cause):
        return None
    return _passed_at(toks, m, effort=cause.phrase in _EFFORTS,
                      relief=cause.phrase in _RELIEF_ONLY or cause is m)


# session 22 (n57-s18-calm): orthopnoea: lying flat is an ordinary cause of a breath sign only in a pregnancy
_LYING_FLAT = frozenset(_w("everyday", "lying_flat_causes"))
_PREGNANT = _m("lying_flat_needs")


def lying_flat(toks: Sequence[str], cause: Match) -> bool:
    """Session 22 (n57-s18-calm): is the cause lying flat ("nằm ngửa", "nằm thẳng") with no pregnancy said? Then the
    breath sign is orthopnoea (decision 261, sign 1: "chỉ khi nằm ngửa mới khó thở, nằm nghiêng thì đỡ"), never
    passed by a word of relief; "bầu tháng tám, nằm ngửa thì hơi khó thở, nghiêng trái là dễ thở" stays calm."""
    return cause.phrase in _LYING_FLAT and not _PREGNANT.find(toks)


# session 21b (n53-s17-calm): a sweat or a tremor of a low sugar ("tụt đường huyết hay run tay vã mồ hôi, ăn miếng kẹo
# là hết"): the only worry phrases an ordinary cause that passed clears
_CONCERN_CLEAR = frozenset(_w("everyday", "cause_clear_concern"))


def _clearable_concern(m: Match) -> bool:
    return m.label == "caller_concern" and m.phrase in _CONCERN_CLEAR


# session 21b (n53-s17-calm): the causes that are a known condition, passed only by a word of relief ("hen lâu năm,
# khó thở quá như mọi khi" is no attack over)
_RELIEF_ONLY = frozenset(_w("everyday", "relief_only_causes"))

# session 21b (n53-s17-calm): a known condition's attack named as the sign ("lên cơn hen", "lên cơn suyễn")
_ATTACK_WORDS = _w("everyday", "attack_in_sign")


def named_attack(toks: Sequence[str], m: Match) -> Match | None:
    """Session 21b (n53-s17-calm): the sign ``m`` when it names a known condition's attack ("bố em lên cơn hen, xịt là
    đỡ, giờ thở êm rồi"): its own ordinary cause, cleared only by a passed word and never with a persist or severity
    word after it (``cause_passed``)."""
    return m if any(word_in(t, _ATTACK_WORDS) for t in toks[m.start:m.end]) else None


def angry_tightness(toks: Sequence[str], i: int) -> bool:
    """Session 20 (n45-benign-cause): is the "tức" at ``i`` anger: after an anger word ("bực tức muốn nổ ngực"), or
    its sign followed by "với" and a person ("tức thở với cái ông tổ trưởng"); "tức ngực với khó thở" keeps it."""
    if not word_in(toks[i], ("tức",)):
        return False
    if i > 0 and word_in(toks[i - 1], _ANGER_BEFORE):
        return True
    if emotion_cause_after(toks, i):
        return True  # session 21 (n49-calm-context): "tức muốn vỡ ngực vì đội nhà thua"
    for k in range(i + 1, min(i + 3, len(toks))):
        if word_in(toks[k], _ANGER_WITH):
            rest = list(toks[k + 1:k + 5])
            while rest and word_in(rest[0], ("cái", "mấy", "đứa", "mấy đứa")):
                rest.pop(0)
            return bool(rest) and (_PERSONS.at(rest, 0) is not None or _ANGER_TARGETS.at(rest, 0) is not None)
    return False


# session 21 (n49-calm-context): "tức" of an emotion with its cause said after a link
_EMOTION_LINKS = _m("ctx_emotion_links")
_EMOTION_CAUSES = _m("ctx_emotion_causes")
_EMOTION_LINK_REACH = 6


def emotion_cause_after(toks: Sequence[str], i: int) -> bool:
    """Session 21 (n49-calm-context): is the "tức" at ``i`` an emotion whose cause follows a link within six words
    ("ông xem bóng đá tức muốn vỡ ngực vì đội nhà thua", "ngực em tức anh ách vì nợ"), no negator or break between,
    and no spread or persist word in the utterance ("tức ngực vì nợ, mà giờ đau lan ra tay trái")?"""
    hi = min(len(toks), i + 1 + _EMOTION_LINK_REACH)
    for link in _EMOTION_LINKS.find(toks[i + 1:hi]):
        between = toks[i + 1:i + 1 + link.start]
        if BREAK in between or any(word_in(t, lx.NEGATORS) for t in between):
            continue
        at = i + 1 + link.end
        if not any(c.start <= 2 for c in _exact(toks[at:at + 5], _EMOTION_CAUSES)):
            continue
        spread = [s for s in _SPREAD.find(toks) if not _negated_before(toks, s.start)]
        return not spread and not _exact(toks, _PERSIST) and not _exact(toks, _CAUSE_SEVERITY)
    return False


def drawn_colour(toks: Sequence[str], m: Match) -> bool:
    """Session 20 (n45-benign-cause): a colour drawn or put on ("vẽ môi tím bằng bút sáp"): a drawing word at most
    two words before it in its clause, or a drawing tool right after it, no negator."""
    if m.label != "cyanosis":
        return False
    lo = max(clause_start(toks, m.start), m.start - 3)
    if any(m.start - (lo + d.end) <= 2 for d in _exact(toks[lo:m.start], _DRAW)):
        return True
    return any(t.start <= 1 for t in _DRAW_TOOLS.find(toks[m.end:clause_end(toks, m.end)]))


def cause_span(toks: Sequence[str], m: Match, passed: Match) -> range:
    """The tokens the n-gram model should not weigh for a sign read as passed: from its clause (or its cause's, earlier)
    to the end of the clause of the passed word."""
    cause = _ordinary_cause(toks, m)
    lo = clause_start(toks, min(m.start, passed.start, cause.start if cause else m.start))
    return range(lo, clause_end(toks, max(m.end, passed.end)))


def set20_kind(toks: Sequence[str], m: Match) -> bool:
    """Session 20 (n45-benign-cause): a mild sign with an ordinary cause that has passed, a "tức" of anger, a colour
    drawn on."""
    if not may_be_cause(toks):
        return False
    if cause_passed(toks, m) is not None or drawn_colour(toks, m):
        return True
    return m.label in ("chest_pain", "shortness_of_breath") and any(
        angry_tightness(toks, i) for i in range(m.start, m.end))
