"""Session 23 (n63-s20-emotion): calm look-alikes of retired set 20's emotion kinds (``everyday.yaml``, ``s23_*``).

Each predicate reads one way an emotion, a story or a stain uses a sign's words, with urgent twins that keep the sign:

- an anger or shame idiom: "giận quá nói không ra hơi", "điên tiết muốn ngất" (``anger_idiom``); "uất quá rồi ông thở
  không ra hơi" (a breath phrase) and "giận xong ôm ngực đau thắt" keep the sign;
- a feared sign asked about: "em sợ nhất là khó thở, nếu khó thở thì phải làm sao?" (``feared_asked``); "sợ quá, thở
  không nổi thật rồi" (no question, a real word) keeps it;
- a figure of speech with the person fine: "nghe tin bạn mất mà muốn xỉu luôn chứ tui không bị gì" (``figure_fine``);
- a panic attack over: "lên cơn hoảng, thở dồn dập mười phút tự hết" (``panic_over``); a still, contrast or "không
  hết" word, or a sign said after the over word, keeps it; a low reading escalates on its own;
- a child's crying spell over: "khóc tím mặt rồi nín, giờ hồng hào" (``crying_over``); limp, not crying, still blue
  keep it;
- a screen, a song, the news or a neighbour's story with the household fine: "thời sự nói có ông cụ tím tái, nhà tôi
  thì bình thường" (``media_story``); a sign said after it or "cũng" keeps it;
- a food, betel or ink stain said as the colour's cause: "tím môi là do ăn dâu tằm" (``stained``); another sign keeps
  it;
- an adult's poor appetite while drinking well: "chán ăn nhưng uống nước được" (``mood_appetite``); a child, a
  vomit or "uống vào là nôn" keep sign 9;
- a sign in a yes/no question the caller put to the patient ("mẹ có mệt hông"), then the patient's no ("mẹ em nói
  hông mệt", ``asked_denied``).
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.context import _DENIAL_NOT_BEFORE, _DENIALS, _YESNO
from ivr.nlu.everyday import _negated_before, everyday_matcher
from ivr.nlu.matcher import BLOCK, Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold

_w = lx.LEXICON.words
_m = everyday_matcher

_ANGER = _m("s23_anger")
_IDIOM_MARKS = _w("everyday", "s23_idiom_marks")
_IDIOM_SIGNS = frozenset(_w("everyday", "s23_idiom_signs"))
_FEARS = _m("s23_fears")
_CONDITIONS = _m("s23_conditions")
_QUESTIONS = _m("s23_questions")
_REAL_AFTER = _w("everyday", "s23_real_after")
_EMOTION_CUES = _m("s23_emotion_cues")
_WISH = _w("everyday", "s23_wish")
_FINE_AFTER = _m("s23_fine_after")
_PANIC = _m("s23_panic")
_PANIC_SIGNS = frozenset(_w("everyday", "s23_panic_signs"))
_OVER = _m("s23_over")
_UNLIKE = _m("s23_unlike")
_CRIES = _m("s23_cries")
_CRY_OVER = _m("s23_cry_over")
_CRY_GRAVE = _m("s23_cry_grave")
_MEDIA = _m("s23_media")
_HOME_FINE = _m("s23_home_fine")
_ALSO = _w("everyday", "s23_also")
_BURSTS = _m("s23_bursts")
_RELAY_YES = _m("s23_relay_yes")
_NODS = frozenset(("gật đầu", "gật", "nói có", "bảo có", "kêu có"))
_STAINS = _m("s23_stains")
_STAIN_LINKS = _w("everyday", "s23_stain_links")
_DRINK_WORDS = _w("everyday", "s23_mood_drink_words")
_DRINKS = _m("s22b_drinks_well")
_GUT_GRAVE = _m("s22b_gut_grave")
_BABIES = _m("s22b_baby_words")
_PERSONS = Matcher(table(*lx.PERSONS))
_TURNS = ("nhưng", "mà", "giờ", "xong", "nay")
_CONCERN = "caller_concern"
_BREATH_OR_COLOUR = frozenset({"shortness_of_breath", "severe_breathlessness", "cyanosis", "altered_consciousness",
                               "chest_pain"})


def set23_kind(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """Is the sign ``m`` one of this module's calm kinds? ``signs``: the symptom matcher, for signs said later."""
    if m.label == BLOCK or not may_be_set23(toks):
        return False
    return (anger_idiom(toks, m) or feared_asked(toks, m, signs) or figure_fine(toks, m, signs)
            or panic_over(toks, m, signs) or crying_over(toks, m) or media_story(toks, m, signs)
            or stained(toks, m, signs) or mood_appetite(toks, m) or asked_denied(toks, m))


def may_be_set23(toks: Sequence[str]) -> bool:
    """A cheap test: a token that opens one of this module's cues, said with its diacritics (``_exact``)."""
    return any(t.lower() in _OPENERS for t in toks)


_OPENERS = frozenset(p.split(" ")[0] for key in (
    "s23_anger", "s23_fears", "s23_conditions", "s23_emotion_cues", "s23_panic", "s23_cries", "s23_media",
    "s23_stains", "s23_mood_drink_words", "ctx_relayed_denials") for p in _w("everyday", key))


def _exact(toks: Sequence[str], matcher: Matcher) -> list[Match]:
    """``matcher``'s matches said with their diacritics. Unlike ``ivr.nlu.everyday._exact``, an utterance written
    without diacritics matches nothing ("dau ngon tay tim tai" is no "dâu" stain): its calm reading errs toward the
    sign."""
    return [f for f in matcher.find(toks) if " ".join(t.lower() for t in toks[f.start:f.end]) == f.phrase]


def _later_sign(toks: Sequence[str], at: int, signs: Matcher, skip: Match | None = None) -> bool:
    """A sign said at or after ``at``, not right after a negator (``skip``: the sign itself)."""
    for s in signs.find(toks[at:]):
        k = at + s.start
        if s.label == BLOCK or (skip is not None and k < skip.end and at + s.end > skip.start):
            continue
        if k > 0 and word_in(toks[k - 1], _WISH):
            continue  # a figure of speech ("mà tui muốn ngất theo"), read by ``figure_fine``
        if not _negated_before(toks, k, 2):
            return True
    return False


def anger_idiom(toks: Sequence[str], m: Match) -> bool:
    """A speech or faint idiom ("nói không ra hơi", "muốn ngất", "muốn nổ ngực"): a speech word in the sign or a wish
    word right before it, after an anger or shame word (``s23_anger``) in its clause at most four words before."""
    if m.label not in _IDIOM_SIGNS:
        return False
    said = any(word_in(t, _IDIOM_MARKS) for t in toks[m.start:m.end]) or (
        m.start > 0 and word_in(toks[m.start - 1], _WISH))
    if not said:
        return False
    lo = clause_start(toks, m.start)
    return any(m.start - (lo + a.end) <= 4 and not _negated_before(toks, lo + a.start)
               for a in _exact(toks[lo:m.end], _ANGER) if lo + a.start < m.start)


def feared_asked(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A sign right after a fear word ("sợ nhất là", "lo bị"; at most a person and "bị" between) in its clause, in an
    utterance that asks (a question word or ending), no real word right after it ("thật rồi"), and no sign said
    elsewhere that is neither feared nor supposed ("nếu", "lỡ": those are read by ``ivr.nlu.negation``)."""
    if not _feared_or_supposed(toks, m, conditions=False) or not _asks(toks):
        return False
    if m.end < len(toks) and word_in(toks[m.end], _REAL_AFTER):
        return False
    return all(s.label == BLOCK or _feared_or_supposed(toks, s) or _negated_before(toks, s.start, 2)
               for s in signs.find(toks))


def _feared_or_supposed(toks: Sequence[str], m: Match, *, conditions: bool = True) -> bool:
    """A fear word (or, with ``conditions``, a condition word) before the sign in its clause, at most two persons
    and "bị", "mà", "có" between. A supposed sign ("nếu con tôi sốt cao thì sao") is read by ``ivr.nlu.negation``."""
    lo = clause_start(toks, m.start)
    cues = _exact(toks[lo:m.start], _FEARS) + (_exact(toks[lo:m.start], _CONDITIONS) if conditions else [])
    for f in cues:
        gap = [t for t in toks[lo + f.end:m.start] if not word_in(t, ("bị", "mà", "có"))]
        if len(gap) <= 2 and all(_PERSONS.at([t], 0) is not None for t in gap):
            return True
    return False


def _asks(toks: Sequence[str]) -> bool:
    last = next((t for t in reversed(toks) if t != BREAK), None)
    return word_in(last, lx.QUESTION_ENDINGS) or bool(_QUESTIONS.find(toks))


def figure_fine(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A wish word right before the sign ("muốn xỉu", "muốn nghẹt thở"), an emotion's cue earlier ("nghe tin", "hết
    hồn"), the person said fine later ("chứ tui không bị gì"), and no other sign said after the sign."""
    if m.label not in _BREATH_OR_COLOUR or m.start == 0 or not word_in(toks[m.start - 1], _WISH):
        return False
    if not _exact(toks[:m.start], _EMOTION_CUES):
        return False
    return bool(_exact(toks[m.end:], _FINE_AFTER)) and not _later_sign(toks, m.end, signs)


def panic_over(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A breath sign after a panic word ("lên cơn hoảng", "rối loạn lo âu") earlier in the utterance, then an over word
    ("tự hết", "giờ hết rồi", "ngủ được") not denied, no contrast, still or lasting word ("lần này khác", "vẫn",
    "không hết", "hoài") after the panic word, and no other sign said after the over word."""
    if m.label not in _PANIC_SIGNS:
        return False
    panics = [p for p in _exact(toks[:m.start], _PANIC) if not _negated_before(toks, p.start)]
    if not panics or _UNLIKE.find(toks[panics[0].start:]):
        return False
    for o in _exact(toks[m.end:], _OVER):
        at = m.end + o.start
        if _negated_before(toks, at) or any(word_in(t, lx.STILL_WORDS) for t in toks[m.end:at]):
            continue
        return not _later_sign(toks, m.end + o.end, signs)
    return False


def crying_over(toks: Sequence[str], m: Match) -> bool:
    """A colour right after a cry word in its clause ("khóc tím mặt", "khóc ré lên tím tái"; at most two words between),
    then a word of it passed ("rồi nín", "hồng lại"), not denied, and no grave word anywhere ("mềm nhũn", "lịm",
    "không khóc", "vẫn tím")."""
    if m.label != "cyanosis":
        return False
    lo = clause_start(toks, m.start)
    if not any(m.start - (lo + c.end) <= 2 for c in _exact(toks[lo:m.start], _CRIES)):
        return False
    if _CRY_GRAVE.find(toks):
        return False
    return any(not _negated_before(toks, m.end + o.start) for o in _exact(toks[m.end:], _CRY_OVER))


def media_story(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A sign after a screen, song, news or neighbour's-story word in its clause or the clause before ("thời sự nói có
    ông cụ tím tái", "bên tivi nó hát bài tim em đau"), the household said fine in a later clause ("nhà tôi thì bình
    thường", "ai cũng khỏe"), no "cũng" (the household too) and no other sign said after the sign."""
    if m.label not in _BREATH_OR_COLOUR and m.label != _CONCERN:
        return False
    lo = clause_start(toks, m.start)
    lo = clause_start(toks, lo - 2) if lo >= 2 else lo
    if not _exact(toks[lo:m.start], _MEDIA):
        return False
    if not _exact(toks[m.end:], _HOME_FINE) or any(word_in(t, _ALSO) for t in toks[m.end:]):
        return False
    return not _later_sign(toks, m.end, signs)


def stained(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A colour with a food, betel or ink stain as its cause in its clause ("tím môi là do ăn dâu tằm", "dính mực tím",
    "lưỡi tím ngắt do ăn thanh long"): a link word between (or the stain holds the colour word), no turn word between,
    and no other sign (not denied) anywhere in the utterance."""
    if m.label != "cyanosis":
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    linked = False
    for s in _exact(toks[lo:hi], _STAINS):
        a, b = lo + s.start, lo + s.end
        if a < m.end and b > m.start:
            linked = True
            break
        between = toks[m.end:a] if a >= m.end else toks[b:m.start]
        if any(word_in(t, _TURNS) for t in between):
            continue
        if a >= m.end and any(word_in(t, _STAIN_LINKS) for t in between):
            linked = True
            break
    if not linked:
        return False
    return not any(s.label not in (BLOCK, "cyanosis") and not _negated_before(toks, s.start, 2)
                   for s in signs.find(toks))


def mood_appetite(toks: Sequence[str], m: Match) -> bool:
    """An adult's poor appetite ("chán ăn", "ăn không ngon"; no drink word in the sign) with a drinking-well phrase
    not denied ("nhưng uống nước được"), no child word and no grave gut word ("ói hết", "uống vào là")."""
    if m.label != "cannot_eat_drink" or any(word_in(t, _DRINK_WORDS) for t in toks[m.start:m.end]):
        return False
    if _BABIES.find(toks) or _GUT_GRAVE.find(toks):
        return False
    return any(not _negated_before(toks, d.start) for d in _DRINKS.find(toks))


def asked_denied(toks: Sequence[str], m: Match) -> bool:
    """A sign in a yes/no question put to the patient ("mẹ có mệt hông", "bà có thấy tức ngực không"): a person then
    "có" at most two words before it, a question close within two words after it, then the patient's no within ten
    words ("mẹ em nói hông mệt", "bà em lắc đầu"), not of speech lost ("nói không ra hơi")."""
    close = _asked_close(toks, m)
    if close is None or relayed_yes(toks, m):
        return False
    for d in _DENIALS.find(toks[close + 1:close + 11]):
        at = close + 1 + d.end
        if at < len(toks) and word_in(toks[at], _DENIAL_NOT_BEFORE):
            continue
        return True
    return False


def _asked_close(toks: Sequence[str], m: Match) -> int | None:
    """The question close of a yes/no question put to the patient with the sign ``m`` in it ("mẹ có mệt hông"): a
    person then "có" at most two words before the sign, a close ("không", "hông") within two words after it."""
    k = next((j for j in range(max(1, m.start - 2), m.start) if word_in(toks[j], ("có",))), None)
    if k is None or _PERSONS.at([toks[k - 1]], 0) is None:
        return None
    return next((j for j in range(m.end, min(m.end + 3, len(toks))) if word_in(toks[j], _YESNO)), None)


def relayed_yes(toks: Sequence[str], m: Match) -> bool:
    """A sign in a yes/no question put to the patient, then the patient's yes relayed with a word of the sign ("ba có
    tức ngực không... dạ ba nói tức lắm", "mẹ có mệt hông, mẹ gật đầu"): a relay word (``s23_relay_yes``) within six
    words after the close, then within three words a word of the sign not after a negator, or a nod. The sign is
    then said, not asked (errs toward the sign)."""
    close = _asked_close(toks, m)
    if close is None:
        return False
    words = {fold(t) for t in toks[m.start:m.end]}
    for r in _exact(toks[close + 1:close + 7], _RELAY_YES):
        at = close + 1 + r.end
        if r.phrase in _NODS:
            return True
        ahead = toks[at:at + 3]
        for j, t in enumerate(ahead):
            if fold(t) in words and not any(word_in(x, lx.NEGATORS) for x in ahead[:j]):
                return True
    return False


def set23_span(toks: Sequence[str], m: Match) -> range:
    """The tokens the n-gram model and the worry net should not weigh for a sign read as calm here: from the clause
    before the sign's (its cue) to the end of the sign's clause, or to the end of the utterance for the kinds read by
    what is said after the sign (a story, a stain, a spell or a panic over, the patient's no, the person fine)."""
    lo = clause_start(toks, m.start)
    lo = clause_start(toks, lo - 2) if lo >= 2 else lo
    if anger_idiom(toks, m) or mood_appetite(toks, m):
        return range(lo, clause_end(toks, m.end))
    return range(lo, len(toks))


def anger_quiet(toks: Sequence[str]) -> set[int]:
    """The clauses of an anger or shame word with a wish or speech word within four words after it, no break between
    ("bực thằng chồng quá muốn nổ cả ngực", "giận quá nói không ra hơi"): no worry word there, and the n-gram model
    does not weigh them. The signs said there are read as any sign (``anger_idiom`` clears the idioms)."""
    if not may_be_set23(toks):
        return set()
    out: set[int] = {k for i in range(len(toks)) if wish_tightness(toks, i)
                     for k in range(clause_start(toks, i), clause_end(toks, i + 1))}
    for a in _exact(toks, _ANGER):
        if _negated_before(toks, a.start):
            continue
        ahead = toks[a.end:a.end + 5]
        k = next((j for j, t in enumerate(ahead) if t == BREAK or word_in(t, _IDIOM_MARKS)), None)
        if k is not None and ahead[k] != BREAK:
            out.update(range(clause_start(toks, a.start), clause_end(toks, a.end + k + 1)))
    return out


def wish_tightness(toks: Sequence[str], i: int) -> bool:
    """Is the "tức" at ``i`` anger said as a wish to burst ("tức muốn nổ ngực với thằng con", "tức muốn điên"): a wish
    word right after it, then a burst word (``s23_bursts``)? "tức ngực muốn xỉu" (the chest named first) keeps it."""
    return (word_in(toks[i], ("tức",)) and i + 2 < len(toks) and word_in(toks[i + 1], _WISH)
            and _exact(toks[i + 2:i + 4], _BURSTS) != [])


def anger_speech(toks: Sequence[str]) -> bool:
    """Is a cut speech ("nói không ra hơi", "nói không nên lời") said right after an anger or shame word in its clause
    ("giận quá nói hông ra hơi")? Then it is the idiom, no severe breathlessness (``ivr.nlu.analysis._speech_cut``)."""
    return any(word_in(toks[i], ("nói",)) for i in anger_quiet(toks))
