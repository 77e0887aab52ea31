"""Session 22 (n57-s18-calm): calm look-alikes of retired set 18, by kind (data: ``everyday.yaml``, ``s22_*`` keys).

- a relayed alarm the caller checked ("chị giúp việc gọi bảo mẹ co giật, về thì thấy mẹ run tay vì đói, ăn bát cháo
  là hết run") or a sign that turned out otherwise ("con bé nói không thở được, hóa ra khẩu trang chật quá, tháo ra
  là thở bình thường"): ``checked_calm``;
- a bruise from a bump said as "bầm tím" ("vết bầm tím nhỏ chỗ va vào cạnh giường"): ``bump_bruise``;
- a colour of a dye ("ngón tay bà tím là do bà nhuộm vải chàm"): ``dyed_colour``;
- the sounds a deaf person makes to call ("con gái tôi điếc, nó kêu ú ớ là nó gọi tôi"): ``deaf_sound``;
- an ambulance asked for later, everyone well now ("xin số xe cấp cứu để dành, chứ giờ bà khỏe"): ``kept_for_later``;
- and a miss: breathlessness only when lying flat, relieved by sitting up or pillows, said as a habit ("tôi hễ nằm
  thẳng ra là tức ngực khó thở, kê cao đầu thì dễ chịu hơn") is orthopnoea, never a supposition: ``orthopnoea``;
- a bedridden patient named in a question of care ("người bệnh nằm một chỗ thì mấy tiếng phải trở mình"):
  ``care_question``.

Each has an urgent twin the predicate keeps: the alarm found true ("về xem thì môi tím thật"), a sign after the check
not passed, a bruise with a second sign, lips blue on top of the dye, the deaf patient unrousable.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.everyday import _negated_before, _persists, everyday_matcher
from ivr.nlu.matcher import BLOCK, Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import fold

_w = lx.LEXICON.words


_m = everyday_matcher


_RELAYS = _m("s22_relay_words")
_CHECKS = _m("s22_check_words")
_TURNED = _m("s22_turned_out")
_CONFIRM = _m("s22_confirm_words")
_FINE = _m("s22_fine_words")
_NEG_OK = _w("everyday", "s22_negator_ok_after")
_BUMPS = _m("s22_bump_words")
_BRUISES = _w("everyday", "s22_bruise_words")
_DYES = _m("s22_dye_words")
_DYE_NOT = _m("s22_dye_not_parts")
_DEAF = _m("s22_deaf_words")
_DEAF_SOUNDS = _w("everyday", "s22_deaf_sounds")
_DEAF_CALLS = ("kêu", "gọi", "la", "nói")
_CARE = _m("s22_care_words")
_CARE_SIGNS = frozenset(_w("everyday", "s22_care_signs"))
_BEDRIDDEN = _m("s22_bedridden")
_GRAVE = _m("s22_grave_after")
_CHECK_SIGNS = frozenset(_w("everyday", "s22_check_signs"))


def set22_kind(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """Is the sign ``m`` one of this module's calm kinds? ``signs``: the symptom matcher, for the signs said after a
    check."""
    if not may_be_set22(toks):
        return False
    return (checked_calm(toks, m, signs) or bump_bruise(toks, m) or dyed_colour(toks, m) or deaf_sound(toks, m)
            or care_question(toks, m))


def may_be_set22(toks: Sequence[str]) -> bool:
    """A cheap test: a token that opens one of this module's cues."""
    return any(fold(t) in _OPENERS for t in toks)


_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "s22_check_words", "s22_turned_out", "s22_bump_words", "s22_dye_words", "s22_deaf_words", "s22_care_words",
    "s22_later_words", "s22_devices")
    for p in _w("everyday", key))


def checked_calm(toks: Sequence[str], m: Match, signs: Matcher) -> bool:
    """A sign relayed to the caller (a relay word before it in its clause: "báo", "gọi bảo", "nói") and then checked
    ("về xem thì", "xuống coi thì"), or a sign that turned out otherwise ("hóa ra", "thì ra"), with, after the cue, a
    fine word (``s22_fine_words``: "bình thường", "hồng lại", "là hết"), no confirm word ("thật", "đúng là"), no
    negator but of "không sao"/"không phải", no persist word, and every sign said after the cue passed by a fine word
    after it, and no grave cause found (``s22_grave_after``: "hóa ra bị viêm phổi"). "về xem thì môi tím thật", "hóa ra
    nó sốt cao, co giật từng cơn, giờ vẫn chưa tỉnh" keep it."""
    if m.label not in _CHECK_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    hi = clause_end(toks, m.end)
    after_hi = clause_end(toks, hi + 1) if hi < len(toks) else hi
    cue = next((m.end + t.end for t in _TURNED.find(toks[m.end:after_hi])), None)
    if cue is None and any(r.end <= m.start - lo for r in _RELAYS.find(toks[lo:m.start])):
        cue = next((m.end + c.end for c in _CHECKS.find(toks[m.end:after_hi])), None)
    if cue is None:
        return False
    after = toks[cue:]
    if _CONFIRM.find(after) or _GRAVE.find(after) or _persists(toks, m):
        return False
    fines = [f for f in _FINE.find(after) if not _negated_before(toks, cue + f.start, 2)]
    if not fines:
        return False
    fine = [cue + f.start for f in fines]
    inside = {k for f in fines for k in range(f.start, f.end)}
    for k, t in enumerate(after):
        if (k not in inside and word_in(t, lx.NEGATORS)
                and not (k + 1 < len(after) and word_in(after[k + 1], _NEG_OK))):
            return False
    return all(any(f >= cue + s.end for f in fine) for s in signs.find(after) if s.label != BLOCK)


def bump_bruise(toks: Sequence[str], m: Match) -> bool:
    """A "bầm tím" with a bump word after it in its clause or before it ("do đụng vô thành ghế", "va vào cạnh
    giường", "té"), no lips, face or nails in its clause (``s22_dye_not_parts``)."""
    if m.label != "cyanosis" or not any(word_in(t, _BRUISES) for t in toks[m.start:m.end]):
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    if _DYE_NOT.find(toks[lo:hi]):
        return False
    return any(not _negated_before(toks, lo + b.start, 1) and not _likened(toks, lo + b.start)
               for b in _BUMPS.find(toks[lo:hi]))


#: session 22b (lead): a bump said as a likeness or denied with "đâu" is no cause ("tím bầm như bị kẹp cửa mà có
#: kẹp gì đâu", "đâu có va vào đâu")
_LIKE = frozenset({"như", "giống", "tựa"})


def _likened(toks: Sequence[str], i: int) -> bool:
    """Whether the bump word at ``i`` is a likeness ("như bị kẹp cửa", "giống bị đập vào") or denied ("có kẹp gì
    đâu", "đâu có va"), not what happened."""
    return (any(toks[k] in _LIKE for k in range(max(0, i - 3), i))
            or "đâu" in toks[i + 1:i + 4] or "đâu" in toks[max(0, i - 2):i])


def dyed_colour(toks: Sequence[str], m: Match) -> bool:
    """A colour of the hands or nails with a dye word in its clause ("tím là do bà nhuộm vải chàm", "hay nhuộm lá
    cẩm"), no lips or face in the clause, and no other cyanosis phrase anywhere in the utterance (the twin "... nhưng
    hôm nay môi bà tím tái" keeps the second)."""
    if m.label != "cyanosis":
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    if _DYE_NOT.find(toks[lo:hi]) or not _DYES.find(toks[lo:hi]):
        return False
    return not any(word_in(t, ("tím", "tái")) for k, t in enumerate(toks) if not lo <= k < hi)


def deaf_sound(toks: Sequence[str], m: Match) -> bool:
    """A deaf or mute person's sounds ("ú ớ", "ư ử", at most a calling word before them: "kêu ú ớ") with a deaf word
    said before them (``s22_deaf_words``), no negator after them but of "không phải"/"không sao" and no persist word
    ("nó kêu ú ớ, lay không dậy" keeps the sign)."""
    if m.label != "altered_consciousness" or not word_in(toks[m.end - 1], _DEAF_SOUNDS):
        return False
    if m.end - m.start > 5 or not all(word_in(t, _DEAF_SOUNDS) or word_in(t, _DEAF_CALLS)
                                      for t in toks[m.start:m.end]):
        return False  # "lay mãi cũng chỉ ú ớ" is a call barely answered, deaf or not
    if not any(not _negated_before(toks, d.start, 1) for d in _DEAF.find(toks[:m.start])):
        return False
    after = toks[m.end:]
    if any(word_in(t, lx.NEGATORS) and not (k + 1 < len(after) and word_in(after[k + 1], _NEG_OK))
           for k, t in enumerate(after)):
        return False  # "nó kêu ú ớ, lay không dậy": the outcome of a call, read on its own
    return not _persists(toks, m)


def care_question(toks: Sequence[str], m: Match) -> bool:
    """A bedridden patient ("nằm một chỗ", "nằm liệt giường") named in a question of care ("trở mình", "xoay người",
    "loét") said in the utterance: a standing state asked about, no exhaustion now; another sign is read on its own."""
    if m.label not in _CARE_SIGNS or not any(b.start == 0 for b in _BEDRIDDEN.find(toks[m.start:m.end])):
        return False  # "mẹ tôi trở mình còn không nổi" is no strength, the care word inside the sign
    return any(not m.start <= c.start < m.end for c in _CARE.find(toks)) and not _persists(toks, m)


_LATER = _m("s22_later_words")
_WELL_NOW = _m("s22_well_now")


def kept_for_later(toks: Sequence[str]) -> bool:
    """An ambulance or a ride asked for later (``s22_later_words``: "để dành", "phòng khi cần", "lỡ cần", "ghi sẵn")
    with everyone said well now (``s22_well_now``: "ai cũng khỏe", "giờ bà khỏe"), not denied. The caller of
    ``ivr.nlu.analysis`` reads it only when no sign is said ("..., mà giờ ba em thở dốc lắm" stays a plea)."""
    if not _LATER.find(toks):
        return False
    return any(not _negated_before(toks, w.start, 2) for w in _WELL_NOW.find(toks))


def set22_span(toks: Sequence[str], m: Match, signs: Matcher) -> range:
    """The tokens the n-gram model should not weigh for a sign this module reads as calm: from the sign's clause to
    the end for a relayed alarm checked (the check and its fine words: "tôi về xem thì ông ngáy lúc ngủ trưa, giờ dậy
    uống trà rồi"), else the sign's clause."""
    lo = clause_start(toks, m.start)
    if checked_calm(toks, m, signs):
        return range(lo, len(toks))
    return range(lo, clause_end(toks, m.end))


_DEVICES = _m("s22_devices")
_FAULTS = _m("s22_device_faults")
_WAKE_CALLS = Matcher(table(*lx.WAKE_CALLS))


def model_quiet(toks: Sequence[str]) -> set[int]:
    """The tokens of a broken device's clause ("máy đo oxy cứ nháy đỏ, pin cũng yếu", "máy tạo oxy kêu tít tít báo
    lỗi") and of a hard-of-hearing sleeper woken late and lucid ("gọi hai tiếng mới dậy vì ông nặng tai, dậy rồi nói
    chuyện tỉnh táo"), for ``ivr.nlu.understander.model_text``: the n-gram model reads them as grave calls. The rules
    still read every sign said with them ("máy hư mà bà thở dốc")."""
    out: set[int] = set()
    if not may_be_set22(toks):
        return out
    for d in _DEVICES.find(toks):
        lo = clause_start(toks, d.start)
        hi = clause_end(toks, d.end)
        fault_hi = max((d.end + f.end for f in _FAULTS.find(toks[d.end:hi])), default=None)
        if fault_hi is not None:
            out.update(range(lo, hi))
            nxt = clause_end(toks, hi + 1) if hi < len(toks) else hi
            if _FAULTS.find(toks[hi:nxt]):
                out.update(range(hi, nxt))  # "..., pin cũng yếu": a second fault of the same device
    deaf = [d for d in _DEAF.find(toks) if not _negated_before(toks, d.start, 1)]
    calls = _WAKE_CALLS.find(toks)
    if deaf and calls:
        after = toks[deaf[0].end:]
        fines = _FINE.find(after)
        inside = {k for f in fines for k in range(f.start, f.end)}
        if fines and not any(k not in inside and word_in(t, lx.NEGATORS) for k, t in enumerate(after)):
            out.update(range(min(calls[0].start, deaf[0].start), deaf[0].end + fines[-1].end))
    return out


_LYING = _m("s22_lying_flat")
_PROPPED = _m("s22_propped_up")
_PREGNANT = _m("lying_flat_needs")
_BREATH_SIGNS = ("shortness_of_breath", "severe_breathlessness")


def orthopnoea(toks: Sequence[str], signs: Matcher) -> bool:
    """A lying-flat word (``s22_lying_flat``: "nằm thẳng ra", "nằm xuống") then within six words in its clause a breath
    sign with no negator right before it, and after the sign a relief by posture (``s22_propped_up``: "kê cao đầu",
    "ngồi dậy", "nằm nghiêng"); no pregnancy said (``ivr.nlu.everyday.lying_flat``). Read even after "hễ" (a habit
    here, no supposition)."""
    if _PREGNANT.find(toks):
        return False
    for lie in _LYING.find(toks):
        hi = clause_end(toks, lie.end)
        window = toks[lie.end:min(hi, lie.end + 6)]
        for s in signs.find(window):
            at = lie.end + s.start
            if s.label not in _BREATH_SIGNS or _negated_before(toks, at, 1):
                continue
            if _PROPPED.find(toks[lie.end + s.end:]):
                return True
    return False
