"""Session 20 (n46-others): signs noticed by others, people alone and unreachable, bystanders, routines, folk talk.

Small predicates over the content tokens (data: ``ivr/nlu/data/others.yaml``):

- ``alone_unreachable``: a patient who lives alone and whom nobody has seen or reached ("bà là F0 sống một mình, gọi
  điện không bắt máy", "cửa nhà ông đóng im hai ngày, ông ở một mình") is the family's worry of decision 261, sign 11
  (``caller_concern``), unless an ordinary reason for the absence is said ("ông về quê rồi");
- ``bystander_subject``: a person outside the household who opens a sign's clause ("có người trên xe lên cơn khó
  thở") is that sign's subject, whatever thing was named before it in the clause;
- ``routine_calm``: a change of routine with an ordinary reason ("hai tối nay không gọi vì mẹ đi ăn cưới") or for the
  better ("dậy sớm hơn mọi khi ra đánh cờ") is calm for the n-gram model and the concern net;
- ``folk_tokens``: folk and religious words (a medium, holy water, a dream of an ancestor, a wedding) hidden from the
  n-gram model, which reads them as the words of grave calls; they change no label.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_start

_w = lx.LEXICON.words
_ALONE = Matcher(table(*_w("others", "alone_words")))
_UNSEEN = Matcher(table(*_w("others", "unseen_words")))
_REASONS = Matcher(table(*_w("others", "ordinary_reasons")))
_BYSTANDERS = Matcher(table(*_w("others", "bystanders")))
_ROUTINE = Matcher(table(*_w("others", "routine_markers")))
_LINKS = Matcher(table(*_w("others", "reason_links")))
_BETTER = Matcher(table(*_w("others", "better_words")))
_WORSE = Matcher(table(*_w("others", "worse_changes")))
_FOLK = Matcher(table(*_w("others", "folk_words")))
_LIKENED = _w("others", "likened_words")
_REACHED = Matcher(table(*_w("others", "reached_words")))  # session 21 (n49-calm-context)
#: How many words after a cause word ("vì", "do") its ordinary reason may start ("vì mẹ đi ăn cưới").
REASON_REACH = 3


def alone_unreachable(toks: Sequence[str]) -> bool:
    """Is a patient said to live alone not seen or not reached (an ``unseen_words`` phrase anywhere), with no ordinary
    reason for the absence said (``ordinary_reasons``)?"""
    if not _ALONE.find(toks) or _REASONS.find(toks):
        return False
    # not a call the caller missed ("hồi chiều không bắt máy kịp", urgency.yaml ``missed_call``)
    return any(u.end >= len(toks) or not word_in(toks[u.end], lx.MISSED_CALL) for u in _UNSEEN.find(toks))


def reached_now(toks: Sequence[str], unanswered: Matcher) -> bool:
    """Session 21 (n49-calm-context): is a relative who did not answer (an ``unanswered`` phrase) said to be reached
    now, a ``reached_words`` phrase after it not denied ("gọi hoài hông bắt máy vì đi đám cưới, giờ gọi lại được rồi")?
    A sign said after it is read by the rules as any sign ("giờ gọi được thì bà nói lảm nhảm")."""
    first = min((u.start for u in unanswered.find(toks)), default=None)
    if first is None:
        return False
    return any(r.start > first and not (r.start > 0 and word_in(toks[r.start - 1], lx.NEGATORS))
               for r in _REACHED.find(toks))


def bystander_subject(toks: Sequence[str], m: Match) -> bool:
    """Does a bystander (``bystanders``: "có người", "một bà cụ", "hành khách") stand between the start of the sign
    ``m``'s clause and the sign, so that the person, not a thing named earlier, has the sign?"""
    lo = clause_start(toks, m.start)
    return any(b.end <= m.start - lo and not (b.start > 0 and word_in(toks[lo + b.start - 1], _LIKENED))
               for b in _BYSTANDERS.find(toks[lo:m.start]))


def _reason_given(toks: Sequence[str]) -> bool:
    """An ordinary reason said within ``REASON_REACH`` words after a cause word ("vì mẹ đi ăn cưới trên tỉnh")."""
    for link in _LINKS.find(toks):
        after = toks[link.end:link.end + REASON_REACH + 4]
        if any(r.start <= REASON_REACH for r in _REASONS.find(after)):
            return True
    return False


def routine_calm(toks: Sequence[str], symptoms: Collection[str]) -> bool:
    """Is the utterance a change of routine (``routine_markers``) or an absence (``unseen_words``: "gọi không được")
    with an ordinary reason, or a change of routine for the better (``better_words``), with no word of a change for
    the worse (``worse_changes``) and no sign read by the rules?"""
    if symptoms or _WORSE.find(toks):
        return False
    routine = bool(_ROUTINE.find(toks))
    if (routine or _UNSEEN.find(toks)) and _reason_given(toks):
        return True
    return routine and bool(_BETTER.find(toks))


def folk_tokens(toks: Sequence[str]) -> set[int]:
    """The tokens of folk and religious words (``folk_words``), for ``ivr.nlu.understander.model_text``."""
    return {i for f in _FOLK.find(toks) for i in range(f.start, f.end)}
