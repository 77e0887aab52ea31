"""Session 23b (n67-s21-child): mothers, babies and children of retired set 21, by kind (``everyday.yaml``,
``s23b_*`` keys).

Each calm kind has urgent twins that keep the sign:

- a mother's breasts full when the milk comes in: "sữa về căng tức ngực hai bên, vắt ra là đỡ" is no chest pain
  (``milk_in``); breathlessness, a stab on a deep breath, a swollen calf, a faint keep it;
- a baby's purr of a stuffy nose: "thở khò khè như mèo kêu mà vẫn bú ngon ngủ ngon" (``baby_purr``); fast
  breathing, a drawn-in chest, a grunt, blue lips, a baby off the breast keep it;
- a toddler who refuses one food: "chỉ là nó không chịu ăn rau thôi" (``picky_eater``); no tears, a dry nappy, a
  sunken soft spot, limp, vomiting keep sign 9;
- a fit long ago: "sốt cao co giật hồi nó lên hai, giờ nó mười tuổi rồi" (``fit_long_ago``); "hôm nay lại co giật"
  keeps it;
- a relative far away in hospital with the household fine: "bà con ở quê bị khó thở nằm viện, còn nhà tôi ai cũng
  khỏe" (``far_relative``); a sign said in another clause keeps it;
- for the n-gram model only (``child_quiet``): a croup cough that settled ("hít gió mát một lúc là hết rít, giờ ngủ
  lại rồi") and a breath held in a tantrum let go at once ("nín thở khi ăn vạ, rồi thở lại ngay");
- MIS-C (``after_covid_inflammation``): a child weeks after COVID with fever for days and one inflammation sign (red
  eyes, red palms, a swelling, a rash, belly pain) is a worry (``caller_concern``).
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.everyday import everyday_matcher
from ivr.nlu.matcher import BLOCK, Match, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import fold

_w = lx.LEXICON.words
_m = everyday_matcher

_MILK = _m("s23b_milk")
_MILK_GRAVE = _m("s23b_milk_grave")
_PURR = _m("s23b_purr_noises")
_PURR_LIKES = _m("s23b_purr_likes")
_FEEDS = _m("s22b_feeds_well")
_SLEEPS = _m("s23b_sleeps_well")
_PURR_GRAVE = _m("s23b_purr_grave")
_BABIES = _m("s22b_baby_words")
_FOODS = _m("s23b_picky_foods")
_CHILDREN = _m("s23b_child_words")
_DRY_GRAVE = _m("s23b_dry_grave")
_CROUP = _m("s23b_croup")
_SETTLED = _m("s23b_settled")
_CROUP_GRAVE = _m("s23b_croup_grave")
_FIT_SIGNS = frozenset(("altered_consciousness", "fever", "caller_concern"))
_FITS = _m("s23b_fit_signs")
_LONG_AGO = _m("s23b_long_ago")
_FIT_NOW = _m("s23b_fit_now")
_FIT_AGAIN = _m("s23b_fit_again")
_FAR = _m("s23b_far")
_FAR_CARED = _m("s23b_far_cared")
_HOME_FINE = _m("s23b_home_fine")
_FAR_SIGNS = frozenset(_w("everyday", "s23b_far_signs"))
_HOLD = _m("s23b_hold")
_TANTRUM = _m("s23b_tantrum")
_HOLD_OVER = _m("s23b_hold_over")
_HOLD_GRAVE = _m("s23b_hold_grave")
_AFTER_COVID = _m("s23b_after_covid")
_MISC = _m("s23b_misc_signs")

_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "s23b_milk", "s23b_purr_noises", "s23b_picky_foods", "s23b_long_ago", "s23b_far", "s23b_croup", "s23b_hold")
    for p in _w("everyday", key))


def may_be_set23b(toks: Sequence[str]) -> bool:
    """A cheap test: a token that opens one of this module's cues."""
    return any(fold(t) in _OPENERS for t in toks)


def set23b_kind(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` one of this module's calm kinds?"""
    if m.label == BLOCK or not may_be_set23b(toks):
        return False
    return (milk_in(toks, m) or baby_purr(toks, m) or picky_eater(toks, m) or fit_long_ago(toks, m)
            or far_relative(toks, m))


def set23b_span(toks: Sequence[str], m: Match) -> range:
    """The tokens no worry word and the n-gram model should weigh for a sign read as calm here: its clause; for a
    picky eater, the whole utterance (the tears and the wet nappy said around it deny a dry child)."""
    if picky_eater(toks, m):
        return range(len(toks))
    return range(clause_start(toks, m.start), clause_end(toks, m.end))


def _denied(toks: Sequence[str], i: int) -> bool:
    return any(word_in(t, lx.NEGATORS) for t in toks[max(0, i - 2):i])


def milk_in(toks: Sequence[str], m: Match) -> bool:
    """A chest pain with a milk or breast word in its clause or the clause before ("sữa về căng tức ngực"), and no
    grave word anywhere (breathless, a stab on breathing, a calf, a faint)."""
    if m.label != "chest_pain":
        return False
    lo = clause_start(toks, m.start)
    before = clause_start(toks, lo - 2) if lo >= 2 else lo
    if not _MILK.find(toks[before:clause_end(toks, m.end)]):
        return False
    return not _MILK_GRAVE.find(toks)


def baby_purr(toks: Sequence[str], m: Match) -> bool:
    """A breath sign said as a purr or nose noise with a nose or purr likeness after it in its clause ("khò khè như
    mèo kêu"), a baby word, feeding and sleeping well both said (not denied), and no grave baby word (a fever among
    them) said and not denied."""
    if m.label != "shortness_of_breath" or not _PURR.find(toks[m.start:m.end]):
        return False
    if not _PURR_LIKES.find(toks[m.end:clause_end(toks, m.end) + 1]):
        return False
    if not (_BABIES.find(toks) or _CHILDREN.find(toks)):
        return False
    if any(not _denied(toks, g.start) for g in _PURR_GRAVE.find(toks)):
        return False  # a fever said is grave here ("mà sốt ba tám rưỡi"), "không sốt" is not
    return (any(not _denied(toks, f.start) for f in _FEEDS.find(toks))
            and any(not _denied(toks, s.start) for s in _SLEEPS.find(toks)))


def picky_eater(toks: Sequence[str], m: Match) -> bool:
    """A child's refusal to eat with one food right after it ("không chịu ăn rau"), no drink word in its clause, and
    no word of dehydration or of a graver illness anywhere ("khóc không ra nước mắt", "tã khô", "nôn")."""
    if m.label != "cannot_eat_drink" or m.end >= len(toks) or _FOODS.at(toks, m.end) is None:
        return False
    if not _CHILDREN.find(toks):
        return False
    clause = toks[clause_start(toks, m.start):clause_end(toks, m.end)]
    if any(word_in(t, ("uống", "bú")) for t in clause):
        return False
    return not _DRY_GRAVE.find(toks)


def fit_long_ago(toks: Sequence[str], m: Match) -> bool:
    """A seizure or its fever with a long-ago marker in its clause ("co giật hồi nó lên hai"), a now word in a later
    clause, and no fit said again anywhere ("hôm nay lại co giật", "mắt trợn")."""
    if m.label not in _FIT_SIGNS or not _FITS.find(toks[m.start:m.end]):
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    clause = toks[lo:hi]
    if not (_LONG_AGO.find(clause) or _at_age(clause)) or not any(word_in(t, ("co", "giật", "kinh")) for t in clause):
        return False
    if not _FIT_NOW.find(toks[hi:]) or any(not _denied(toks, a.start) for a in _FIT_AGAIN.find(toks)):
        return False
    # a fit said in a later clause is today's, and so is an "again" not denied ("hôm nay lại bị"; "không bị lại" is
    # no again)
    return not any(word_in(t, ("giật",)) or (word_in(t, ("lại",)) and not _denied(toks, hi + k))
                   for k, t in enumerate(toks[hi:]))


_AGE_OPENERS = ("hồi", "lúc", "khi", "năm")
_AGE_UNITS = ("tuổi", "tháng")


def _at_age(clause: Sequence[str]) -> bool:
    """An age said as a time: "hồi 2 tuổi", "hồi mười tám tháng", "năm nó lên ba tuổi"."""
    return any(word_in(t, _AGE_OPENERS) and any(word_in(u, _AGE_UNITS) for u in clause[i + 1:i + 5])
               for i, t in enumerate(clause))


def far_relative(toks: Sequence[str], m: Match) -> bool:
    """A sign in a clause that places its person far away and in care ("bà con ở quê bị khó thở nằm viện"), with the
    caller's household said fine in another clause ("còn nhà tôi ai cũng khỏe")."""
    return m.label in _FAR_SIGNS and far_clause(toks, m.start, m.end)


def far_clause(toks: Sequence[str], start: int, end: int) -> bool:
    """Is the clause of the tokens ``start:end`` about a person far away and in care: a far place and a care word in
    it, or in the clause before when it opens with no person ("chị gái em bên mỹ phải nhập viện, ô xi tụt"), with
    the caller's household said fine in another clause ("còn nhà tôi ai cũng khỏe")?"""
    if not may_be_set23b(toks):
        return False
    lo, hi = clause_start(toks, start), clause_end(toks, end)
    if not (_FAR.find(toks[lo:hi]) and _FAR_CARED.find(toks[lo:hi])):
        if lo < 2 or any(word_in(t, lx.PERSONS) for t in toks[lo:start]):
            return False
        lo = clause_start(toks, lo - 2)
        if not (_FAR.find(toks[lo:hi]) and _FAR_CARED.find(toks[lo:hi])):
            return False
    return any(not lo <= h.start < hi for h in _HOME_FINE.find(toks))


def child_quiet(toks: Sequence[str]) -> set[int]:
    """The tokens the n-gram model should not weigh: a croup cough that settled (a croup word, then a settle word, no
    grave word) and a breath held in a tantrum let go at once (a hold word and a tantrum word, then a let-go word, no
    grave word): the clauses from the first cue to the end."""
    if not may_be_set23b(toks):
        return set()
    quiet: set[int] = set()
    croup = _CROUP.find(toks)
    if croup and not _CROUP_GRAVE.find(toks):
        settled = _SETTLED.find(toks[croup[0].end:])
        if settled:
            quiet.update(range(clause_start(toks, croup[0].start), len(toks)))
    holds = _HOLD.find(toks)
    if holds and _TANTRUM.find(toks) and not _HOLD_GRAVE.find(toks) and _HOLD_OVER.find(toks[holds[0].end:]):
        quiet.update(range(clause_start(toks, holds[0].start), len(toks)))
    return quiet


def after_covid_inflammation(toks: Sequence[str], pos: Sequence[str], age: float | None) -> bool:
    """MIS-C: a child (a child word or an age below ``child_age_below``) weeks after COVID ("hết covid được bốn
    tuần") with fever for days (``prolonged_fever``) and one inflammation sign said, not denied."""
    if "fever" not in pos or "prolonged_fever" not in pos or not _AFTER_COVID.find(toks):
        return False
    if not (_CHILDREN.find(toks) or (age is not None and age < lx.CHILD_AGE_BELOW)):
        return False
    return any(not _denied(toks, s.start) for s in _MISC.find(toks))
