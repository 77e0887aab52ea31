"""Short emergencies said in a word or two (session 18, n34-none-probes; data: ``ivr/nlu/data/neuro.yaml``).

Three kinds that a phrase table alone cannot tell from calm talk, each a small predicate over the content tokens:

- a patient's state said right after the patient ("ông mê", "bà mê rồi", "má tui đờ ra hà", "bé bị lên cơn", "con tui
  nó giựt", "ông không nói gì nữa", "ông đừ"): ``patient_states`` reads them only after a person word at the clause's
  start and with nothing but closing words after them, so that "mê phim", "giật mình", "giựt đồ chơi", "lên cơn sốt"
  and "điện thoại bà bị đơ" stay calm; "me roi" without diacritics after "ba"/"bố" is "ba mẹ rồi";
- a call that fails ("bà nằm đó gọi không được", "gọi bà không được"): ``call_fails`` is a patient not roused when
  someone lies there (emergency), the family's worry when a person is the object and nothing says a phone
  (``caller_concern``), nothing when a phone, a number, the line or staff is named ("gọi điện cho bà không được" is
  left to ``ivr.nlu.urgency``);
- shock ("ông bị sốc sau khi tiêm thuốc"): ``shock`` is the family's worry (``caller_concern``, like "sốc phản vệ")
  unless it is surprise at news or the caller's own ("sốc quá", "nghe tin tui bị sốc luôn", "hết sốc rồi").
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK

_UNCONSCIOUS, _EXHAUSTED = "altered_consciousness", "exhaustion"
_STATES = Matcher({_UNCONSCIOUS: tuple(lx.FRAG_UNCONSCIOUS), _EXHAUSTED: tuple(lx.FRAG_EXHAUSTED)})
_BETWEEN = Matcher(table(*lx.FRAG_BETWEEN))
_CLOSERS = Matcher(table(*lx.FRAG_CLOSERS))
_THINGS = Matcher(table(*lx.FRAG_THINGS))
_SHOCK = Matcher(table(*lx.SHOCK_WORDS))
_NEWS = Matcher(table(*lx.SHOCK_NEWS))
_PEOPLE = (*lx.PERSONS, *lx.VOCATIVE_PERSONS, *lx.FRAG_PERSONS)
_CALLS = ("gọi", "kêu", "réo")
_FAILS = ("được", "nổi")
_LYING = ("nằm", "ngủ", "lịm", "nhắm", "im")
#: a phone, a number, the line or staff named with a failed call: no sign ("gọi số này mãi không được")
_PHONE = Matcher(table("điện", "điện thoại", "máy", "số", "tổng đài", "đường dây", "sóng", "bác sĩ", "trạm", "y tế",
                       "nhắn tin", "tin nhắn", "zalo", "cho", "phường", "xã"))


def _clause(toks: Sequence[str], i: int) -> tuple[int, int]:
    lo = i
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    hi = i
    while hi < len(toks) and toks[hi] != BREAK:
        hi += 1
    return lo, hi


def _closed(toks: Sequence[str], j: int) -> bool:
    """Only closing words (neuro.yaml ``frag_closers``) from ``j`` to the clause's end."""
    while j < len(toks) and toks[j] != BREAK:
        c = _CLOSERS.at(toks, j)
        if c is None:
            return False
        j = c.end
    return True


def _subject(toks: Sequence[str], i: int) -> int | None:
    """The index of the person word the words before ``i`` start with (the clause's first word, only persons and
    neuro.yaml ``frag_between`` after it), or None."""
    k, person = i, None
    while k > 0 and toks[k - 1] != BREAK:
        if word_in(toks[k - 1], _PEOPLE):
            person = k - 1
            k -= 1
            continue
        for n in (3, 2, 1):
            b = _BETWEEN.at(toks, k - n) if k - n >= 0 else None
            if b is not None and b.end == k:
                k -= n
                break
        else:
            return None
    if person is None and k > 1 and toks[k - 1] == BREAK:
        lo, _ = _clause(toks, k - 2)
        if word_in(toks[lo], _PEOPLE):
            return lo  # "ông cứ nằm, không trả lời nữa": the patient of the clause before
    return person


def patient_states(toks: Sequence[str]) -> list[Match]:
    """States said right after the patient, closing their clause ("bà mê rồi", "bé bị lên cơn"; see the module)."""
    out: list[Match] = []
    for k in range(len(toks)):
        m = _STATES.at(toks, k)
        if m is None or not _closed(toks, m.end):
            continue
        who = _subject(toks, m.start)
        if who is None:
            continue
        lo, hi = _clause(toks, k)
        if _THINGS.find(toks[lo:hi]):
            continue  # "điện thoại bà bị đơ": the device
        if toks[m.start] == "me" and m.start - 1 == who and word_in(toks[who], lx.FRAG_PARENTS):
            continue  # "ba me roi": "ba mẹ rồi"
        out.append(m)
    return out


def call_fails(toks: Sequence[str]) -> list[Match]:
    """A call to a person that fails ("gọi bà không được", "nằm đó gọi không được"; see the module)."""
    out: list[Match] = []
    for k, t in enumerate(toks):
        if not word_in(t, _CALLS):
            continue
        j, obj = k + 1, None
        if j < len(toks) and word_in(toks[j], _PEOPLE) and not word_in(toks[j], lx.FIRST_PERSONS):
            obj, j = j, j + 1
        if _unaware(toks, k, j):
            out.append(Match(k, j + 2, _UNCONSCIOUS, " ".join(toks[k:j + 2])))
            continue
        if j + 1 >= len(toks) or not word_in(toks[j], lx.PLAIN_NEGATORS) or not word_in(toks[j + 1], _FAILS):
            continue
        if _PHONE.find(toks):
            continue
        lying = any(word_in(x, _LYING) for x in toks)
        if obj is None and not lying:
            continue  # "ờ có, không gọi được": no one named (the flow knows what was asked)
        out.append(Match(k, j + 2, _UNCONSCIOUS if lying else "caller_concern", " ".join(toks[k:j + 2])))
    return out


def _unaware(toks: Sequence[str], k: int, j: int) -> bool:
    """Session 19 (n42-set11-miss): a call the patient does not notice ("nằm thở ngáy to, gọi không biết", "gọi ông
    không biết nữa"): a call verb at ``k`` (its person object before ``j``), a negator and "biết" closing the clause,
    with someone lying there or the person called named. "gọi không biết có đúng số không" goes on: no sign. A phone
    named elsewhere does not clear it (a call not noticed is no failed line)."""
    if j + 1 >= len(toks) or not word_in(toks[j], lx.PLAIN_NEGATORS) or not word_in(toks[j + 1], ("biết",)):
        return False
    if not _closed(toks, j + 2):
        return False
    return j > k + 1 or any(word_in(x, _LYING) for x in toks)


def shock(toks: Sequence[str]) -> list[Match]:
    """"bị sốc" said of a patient named in its clause, not surprise at news nor the caller's own (see the module)."""
    if _NEWS.find(toks):
        return []
    out: list[Match] = []
    for m in _SHOCK.find(toks):
        if m.start > 0 and (word_in(toks[m.start - 1], lx.PLAIN_NEGATORS) or word_in(toks[m.start - 1], ("hết",))):
            continue
        lo, _ = _clause(toks, m.start)
        who = next((x for x in toks[lo:m.start] if word_in(x, _PEOPLE)), None)
        if who is None or word_in(who, lx.FIRST_PERSONS):
            continue  # "sốc thiệt chứ", "tôi sốc quá": the caller's surprise
        out.append(Match(m.start, m.end, "caller_concern", m.phrase))
    return out


_STATE_WORDS = frozenset(("mê", "giật", "giựt", "đờ", "đơ", "cơn"))


def fond_of(toks: Sequence[str], w: Match) -> bool:
    """Is the worry word ``w`` one of the state words with an object after it ("ông mê phim chưởng", "ba tui mê câu
    cá", "giựt đồ chơi"): a liking or an act, not a state (the flow's worry net leaves it)?"""
    if w.end - w.start != 1 or toks[w.start] not in _STATE_WORDS:
        return False
    return w.end < len(toks) and toks[w.end] != BREAK and _CLOSERS.at(toks, w.end) is None


def fond_tokens(toks: Sequence[str]) -> set[int]:
    """The state words with an object after them (``fond_of``), which the n-gram model should not weigh."""
    return {i for i in range(len(toks)) if fond_of(toks, Match(i, i + 1, "", toks[i]))}


def fragment_signs(toks: Sequence[str]) -> list[Match]:
    """Every sign of the three kinds (see the module)."""
    return [*patient_states(toks), *call_fails(toks), *shock(toks)]
