"""Urgent-sounding talk that is calm, kept apart from real alarm (session 16, n24-urgent-calm).

Three kinds, each a small predicate over the content tokens (data: ``ivr/nlu/data/urgency.yaml``):

- haste about a calm matter ("gấp lắm, giấy xác nhận khỏi bệnh của tôi đâu", "khẩn cấp, phường chưa gửi thuốc"):
  ``haste_only`` says the utterance's emergency phrases are only haste said about papers, results, medicine,
  food or an appointment, with no sign and no reading, so no request for help;
- worry with nothing seen ("con ở xa lo quá, không biết mẹ ở nhà sao", "ối giời ơi, đợi mãi không thấy giấy"):
  ``worry_without_sign`` says the distress words are the caller's feeling about distance or a calm matter;
- the patient unreachable ("mẹ em không bắt máy từ sáng", "gõ cửa cũng không ai mở"): ``unreachable`` is the
  family's worry of decision 261, sign 11 (``caller_concern``), never the caller missing the hotline's call.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK

_HASTE = frozenset(lx.HASTE)
_MATTERS = Matcher(table(*lx.CALM_MATTERS))
_FAR = Matcher(table(*lx.FAR_AWAY))
_UNANSWERED = Matcher(table(*lx.UNANSWERED))
_DOOR = Matcher(table(*lx.DOOR_UNANSWERED))
_KNOCK = Matcher(table(*lx.KNOCK_WORDS))
_OWN_NEWS = Matcher(table(*lx.OWN_NEWS))
_WEAK_THINGS = Matcher(table(*lx.WEAK_THINGS))
_STAFF = Matcher(table(*lx.STAFF))
_HASSLE_CAUSES = Matcher(table(*lx.HASSLE_CAUSES))
_HASSLES = Matcher(table(*lx.HASSLES))
_ENTRY_THINGS = Matcher(table(*lx.ENTRY_THINGS))
_DOSES = Matcher(table(*lx.DOSE_MATTERS))
_NOTHING_ODD = Matcher(table(*lx.NOTHING_ODD))
_ODD_INTENSE = ("lắm", "quá", "ghê", "lắm lắm")
_IDIOM_INTENSE = ("quá", "lắm", "luôn", "thật")
#: How many words after a hassle cause ("vì", "với") its hassle may come ("với đống giấy tờ").
HASSLE_REACH = 4
#: How many words before a bare "không vào" a vehicle, lane or app may be said ("xe phát thuốc không vào được").
ENTRY_REACH = 4
#: How many words before "không ai mở" a knock may be said ("hàng xóm gõ cửa cũng không ai mở"); session 18
#: (n33-helpers): a landlord names the room between ("gõ cửa phòng số 9 mãi không ai mở").
#: Session 19 (n42-set11-miss): 12, the room and its tenant and how long between ("gõ cửa phòng cô bé thuê trọ hai ngày
#: nay không ai mở").
KNOCK_REACH = 12


def haste_only(toks: Sequence[str], emergency: Sequence[Match]) -> bool:
    """Are the emergency phrases ``emergency`` only haste (urgency.yaml ``haste``) in an utterance that names a calm
    matter (``calm_matters``)? The caller checks that no sign and no reading was found."""
    return bool(emergency) and all(m.phrase in _HASTE for m in emergency) and bool(_MATTERS.find(toks))


def worry_without_sign(toks: Sequence[str]) -> bool:
    """Is distress said beside distance ("ở xa", "không về được") or a calm matter, with the patient reachable? The
    caller checks that no sign, reading or request for help was found; a half-understood worry word ("thở", "môi")
    is looked for after it and still raises the concern flag."""
    return bool(_FAR.find(toks) or _MATTERS.find(toks) or _DOSES.find(toks)) and not unreachable(toks)


def missed_call(toks: Sequence[str]) -> set[int]:
    """Session 19 (lead): the tokens of a call the caller missed ("em không bắt máy kịp"): an unanswered-phone phrase
    with a word of ``missed_call`` after it, which ``unreachable`` reads as calm; hidden from the n-gram model too."""
    return {i for m in _UNANSWERED.find(toks) if m.end < len(toks) and word_in(toks[m.end], lx.MISSED_CALL)
            for i in range(m.start, m.end + 1)}


def unreachable(toks: Sequence[str]) -> bool:
    """Does a person of the household not answer the phone or the door ("ba tôi không nghe máy từ tối qua", "gõ cửa
    cũng không ai mở")? The subject is the first person word of the clause before the phrase, and not the caller
    ("em không bắt máy kịp") nor the staff ("bác sĩ cũng không trả lời điện thoại")."""
    for m in _UNANSWERED.find(toks):
        if m.end < len(toks) and word_in(toks[m.end], lx.MISSED_CALL):
            continue
        lo = m.start
        while lo > 0 and toks[lo - 1] != BREAK:  # the clause's start (``ivr.nlu.negation`` imports this module)
            lo -= 1
        if _STAFF.find(toks[lo:m.start]):
            continue  # "bác sĩ cũng không trả lời điện thoại": the staff, not the patient
        who = next((t for t in toks[lo:m.start]
                    if word_in(t, lx.PERSONS) or word_in(t, lx.VOCATIVE_PERSONS)), None)
        if who is not None and not word_in(who, lx.FIRST_PERSONS):
            return True
    return any(_KNOCK.find(toks[min(max(0, m.start - KNOCK_REACH), _clause_start(toks, m.start)):m.start])
               for m in _DOOR.find(toks))


def _clause_start(toks: Sequence[str], i: int) -> int:
    """Session 19 (n42-set11-miss): where the clause of token ``i`` starts: a knock anywhere before in the same clause
    reaches "không ai mở" ("đập cửa nhà ông cụ ở một mình từ sáng tới giờ vẫn không ai mở")."""
    while i > 0 and toks[i - 1] != BREAK:
        i -= 1
    return i


def own_news(toks: Sequence[str], end: int) -> bool:
    """Is what a hearsay phrase ending at ``end`` introduces the caller's own test result ("nghe tin dương tính, bà
    ngất xỉu luôn"): news heard, not a sign heard about?"""
    return _OWN_NEWS.at(toks, end) is not None


def weak_line(toks: Sequence[str], m: Match) -> bool:
    """Is the weakness ``m`` (a caller_concern phrase opening with "yếu") said of the line or a device ("tín hiệu yếu
    quá", "sóng yếu lắm"): one of urgency.yaml ``weak_things`` within three words before it in its clause, and no
    person between?"""
    if not toks[m.start:m.end] or not word_in(toks[m.start], ("yếu",)):
        return False
    lo = max(0, m.start - 4)
    while lo < m.start and BREAK in toks[lo:m.start]:
        lo += 1
    things = _WEAK_THINGS.find(toks[lo:m.start])
    return bool(things) and not any(word_in(t, lx.PERSONS) for t in toks[lo + things[-1].end:m.start])


def hassle_idiom(toks: Sequence[str], m: Match) -> bool:
    """Session 18 (n28-far-calm): is the sign ``m`` an idiom of exasperation ("nghẹt thở vì kẹt xe", "thở không ra hơi
    với đống giấy tờ", "đau đầu vì tiền"): a sign of urgency.yaml ``idiom_signs``, then (past at most two intensifiers)
    a hassle cause ("vì", "với"), then a hassle (``hassles``) within ``HASSLE_REACH`` words, all in one clause?"""
    if m.label not in lx.IDIOM_SIGNS:
        return False
    k = m.end
    while k < len(toks) and k < m.end + 2 and word_in(toks[k], _IDIOM_INTENSE):
        k += 1
    cause = _HASSLE_CAUSES.at(toks, k) if k < len(toks) else None
    if cause is None:
        return False
    hi = cause.end
    while hi < len(toks) and hi < cause.end + HASSLE_REACH + 1 and toks[hi] != BREAK:
        hi += 1
    return any(h.start < HASSLE_REACH for h in _HASSLES.find(toks[cause.end:hi]))


def may_be_hassle(toks: Sequence[str]) -> bool:
    """Session 19 (lead): could a sign in ``toks`` be an idiom of exasperation (``hassle_idiom``): a hassle cause
    and a hassle are both said? A cheap test before the signs are weighed one by one."""
    return bool(_HASSLE_CAUSES.find(toks)) and bool(_HASSLES.find(toks))


def exclaimed(toks: Sequence[str], m: Match) -> bool:
    """Session 18 (n28-far-calm): is the emergency phrase ``m`` an exclamation of panic ("trời ơi chết mất thôi"): one
    of urgency.yaml ``exclamations`` with no person before it in its clause ("ông tôi chết mất" is a plea)?"""
    if m.phrase not in lx.EXCLAMATIONS:
        return False
    lo = m.start
    while lo > 0 and toks[lo - 1] != BREAK:
        lo -= 1
    return not any(word_in(t, lx.PERSONS) or word_in(t, lx.VOCATIVE_PERSONS) for t in toks[lo:m.start])


def thing_not_in(toks: Sequence[str], m: Match) -> bool:
    """Session 18 (n28-far-calm): is the bare inability phrase ``m`` ("không vào") said of a vehicle, a lane or an app
    ("xe phát thuốc không vào được hẻm", "bấm mãi không vào"): one of urgency.yaml ``entry_things`` within
    ``ENTRY_REACH`` words before it, in its clause?"""
    if not toks[m.start:m.end] or not word_in(toks[m.start], lx.PLAIN_NEGATORS):
        return False
    lo = max(0, m.start - ENTRY_REACH)
    while lo < m.start and BREAK in toks[lo:m.start]:
        lo += 1
    return bool(_ENTRY_THINGS.find(toks[lo:m.start]))


def nothing_odd(toks: Sequence[str], at: int) -> bool:
    """Session 18 (n28-far-calm): does "gì lạ"/"gì khác thường" (urgency.yaml ``nothing_odd``) start at ``at`` after a
    negator and a word of perceiving within four words before it in its clause ("không thấy bố nói gì lạ", "không nghe
    mẹ kêu gì khác thường"), with no intensifier after it: nothing strange noticed?"""
    odd = _NOTHING_ODD.at(toks, at) if at < len(toks) else None
    if odd is None or (odd.end < len(toks) and word_in(toks[odd.end], _ODD_INTENSE)):
        return False
    for j in range(at - 1, max(-1, at - 6), -1):
        if toks[j] == BREAK:
            return False
        if j + 1 < at and word_in(toks[j], lx.PLAIN_NEGATORS) and word_in(toks[j + 1], lx.PERCEIVE_WORDS):
            return True
    return False
