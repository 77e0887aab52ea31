"""Calm twins of decision-261 signs said indirectly (session 18, n35-indirect261): what sounds like a warning sign but
is the ordinary course of a day, said so in the same utterance (negation.yaml, the session-18 n35 section).

- breath short only with an effort the caller calls usual ("leo ba tầng thì thở hơi mệt như mọi khi");
- a nosebleed that stopped ("chảy máu cam, bóp mũi một lúc là cầm rồi");
- sweating as a fever breaks after a fever reducer ("uống hạ sốt xong thì vã mồ hôi, sốt lui rồi");
- eating less while drinking well ("ông ăn ít hơn vì răng yếu chứ uống nước uống sữa vẫn đều").

Each is narrow on purpose: an emergency sign is never cleared here, nor a sign said with a word of it going on.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK

_EXERTION = Matcher(table(*lx.EXERTION_WORDS))
_USUAL = Matcher(table(*lx.USUAL_MARKERS))
_REST = Matcher(table(*lx.REST_WORDS))
_REST_OVER = Matcher(table(*lx.REST_OVER))
_BLED = Matcher(table(*lx.BLED_WORDS))
_STOPPED = Matcher(table(*lx.BLEEDING_STOPPED))
_AGAIN = Matcher(table(*lx.BLEEDING_AGAIN))
_SWEAT = Matcher(table(*lx.SWEAT_WORDS))
_FEVER_BROKE = Matcher(table(*lx.FEVER_BROKE))
_DRINK_ENDS = Matcher(table(*lx.DRINK_WELL_ENDS))
_CONTRAST = Matcher(table(*lx.CONTRAST_WORDS))


def ordinary(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` the ordinary course of a day, said so in the utterance ``toks``?"""
    if m.label == "shortness_of_breath":
        return _usual_exertion(toks)
    if m.label == "caller_concern":
        return _stopped_bleeding(toks, m) or _fever_sweat(toks, m)
    if m.label == "cannot_eat_drink":
        return _drinks_well(toks, m)
    return False


def _negated_at(toks: Sequence[str], i: int) -> bool:
    return i > 0 and word_in(toks[i - 1], lx.NEGATORS)


def _usual_exertion(toks: Sequence[str]) -> bool:
    """An effort (``exertion_words``) and the caller calling the breath usual (``usual_markers``, not "không như
    mọi khi") or over with rest ("nghỉ một lát là bình thường")."""
    if not _EXERTION.find(toks):
        return False
    # "không leo được như mọi khi": a negator in the three words before the marker says the effort is no longer usual
    if any(not any(word_in(t, lx.NEGATORS) for t in toks[max(0, u.start - 3):u.start]) for u in _USUAL.find(toks)):
        return True
    for r in _REST.find(toks):
        over = [o for o in _REST_OVER.find(toks[r.end:r.end + 6]) if o.start <= 4]
        if over and BREAK not in toks[r.end:r.end + over[0].start]:
            return True
    return False


def _stopped_bleeding(toks: Sequence[str], m: Match) -> bool:
    """A bleeding phrase, then a word of it stopped (not after a negator), and no word of it running again."""
    if not any(b.start <= m.start < b.end or m.start <= b.start < m.end for b in _BLED.find(toks)):
        return False
    rest = toks[m.end:]
    stopped = [s for s in _STOPPED.find(rest) if not _negated_at(rest, s.start)]
    return bool(stopped) and not _AGAIN.find(rest[stopped[0].end:])


def _fever_sweat(toks: Sequence[str], m: Match) -> bool:
    """A sweat phrase without cold in it (``sweat_cold``), in an utterance that says the fever broke."""
    if not any(s.start == m.start for s in _SWEAT.find(toks)):
        return False
    if any(word_in(t, lx.SWEAT_COLD) for t in toks[m.start:m.end + 1]):
        return False
    return bool(_FEVER_BROKE.find(toks))


def _drinks_well(toks: Sequence[str], m: Match) -> bool:
    """An eating sign with no drink in it, then a contrast word, a drink word and within four words a word of it
    going well, no negator between."""
    if any(word_in(t, lx.DRINK_WELL_WORDS) or word_in(t, lx.DRINK_WORDS) for t in toks[m.start:m.end]):
        return False
    rest = toks[m.end:]
    for c in _CONTRAST.find(rest):
        for i in range(c.end, min(c.end + 3, len(rest))):
            if not word_in(rest[i], lx.DRINK_WELL_WORDS):
                continue
            window = rest[i + 1:i + 7]
            ends = [e for e in _DRINK_ENDS.find(window) if e.start <= 5]
            if ends and not any(word_in(t, lx.NEGATORS) or t == BREAK for t in window[:ends[0].start]):
                return True
    return False
