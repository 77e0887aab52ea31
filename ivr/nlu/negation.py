"""Is a symptom or risk phrase negated by the words around it ("không sốt", "sốt thì hết rồi")?"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.elderly import someone_supposed
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK, fold, has_diacritics
from ivr.nlu.ordinary import ordinary
from ivr.nlu.timeline import appetite_back, earlier_today, kin_not_animal, only_left, other_sign_after
from ivr.nlu.urgency import own_news

_NEG_AFTER = Matcher(table(*lx.NEGATION_AFTER))
_HYPOTHETICAL = Matcher(table(*lx.HYPOTHETICAL))
_SUPPOSED = Matcher(table(*lx.SUPPOSED_THEN))
_SUPPOSED_THEN = Matcher(table(*lx.SUPPOSED_THEN_WORDS))
_IN_HOSPITAL = Matcher(table(*lx.IN_HOSPITAL))
_HOSPITAL_FINE = Matcher(table(*lx.OWN_FINE, *lx.ONLY_ASKING))
_SUPPOSED_NOT_BETWEEN = Matcher(table(*lx.SUPPOSED_NOT_BETWEEN))


_PAST = Matcher(table(*lx.PAST_MARKERS))
_SINCE = Matcher(table(*lx.SINCE_WORDS))
_RESOLVED = Matcher(table(*lx.RESOLVED_WORDS, *lx.RELIEVED_WORDS))
_RESOLVED_KEPT = Matcher(table(*lx.RESOLVED_WORDS))
_LUCID = Matcher(table(*lx.RESOLVED_WORDS, *lx.LUCID_WORDS))
_HEARSAY = Matcher(table(*lx.HEARSAY))
_ASKED = Matcher(table(*lx.ASKED_ABOUT))
_PERSONS = Matcher(table(*lx.PERSONS))
_NOW = Matcher(table(*lx.NOW_WORDS))
_PAST_RESOLVED = Matcher(table(*lx.RESOLVED_WORDS, *lx.PAST_RESOLVED_WORDS, *lx.RELIEVED_WORDS))
_PAST_RESOLVED_KEPT = Matcher(table(*lx.RESOLVED_WORDS, *lx.PAST_RESOLVED_WORDS))
_RESOLVED_ASKED = Matcher(table(*lx.RESOLVED_ASKED))
_RESOLVED_OBJECTS = Matcher(table(*lx.RESOLVED_OBJECTS))
_NOBODY = Matcher(table(*lx.NOBODY))
_ALONE = Matcher(table(*lx.ALONE_WORDS))
_OTHERS = Matcher(table(*lx.OTHERS))
_WATCHING_THEN = Matcher(table(*lx.WATCHING_THEN))
_CONTRAST = Matcher(table(*lx.CONTRAST_WORDS))
_ADVICE = Matcher(table(*lx.ADVICE))
_ADVICE_THEN = Matcher(table(*lx.ADVICE_THEN))
_GENERAL_Q = Matcher(table(*lx.GENERAL_QUESTION))
_GENERAL_BARE = Matcher(table(*lx.GENERAL_QUESTION_BARE))
_ASK_WORDS = ("hỏi",)
_QUESTION_WORDS = Matcher(table(*lx.QUESTION_WORDS))
_FEARED = Matcher(table(*lx.FEARED))
_CHRONIC = Matcher(table(*lx.CHRONIC_MARKERS))
_CHANGES = Matcher(table(*lx.CHRONIC_CHANGES))
_CHANGE_DENIALS = Matcher(table(*lx.CHANGE_DENIALS))
_BYSTANDERS = Matcher(table(*lx.BYSTANDERS))
_OWN_FINE = Matcher(table(*lx.OWN_FINE))
_HOW_TO_TELL = Matcher(table(*lx.HOW_TO_TELL))
_BACK_TO = Matcher(table(*lx.BACK_TO))
_PATIENTS = lx.PATIENTS_AFTER_OTHERS


def clause_start(toks: Sequence[str], i: int) -> int:
    """The first token of the clause holding token ``i`` (clauses end at ``BREAK``)."""
    while i > 0 and toks[i - 1] != BREAK:
        i -= 1
    return i


def clause_end(toks: Sequence[str], i: int) -> int:
    """The end (the ``BREAK`` or ``len(toks)``) of the clause holding token ``i``."""
    while i < len(toks) and toks[i] != BREAK:
        i += 1
    return i


def hypothetical(toks: Sequence[str], m: Match) -> bool:
    """Is ``m`` said as a supposition ("nếu khó thở thì gọi ai?"): a hypothetical word earlier in its clause, or one of
    ``supposed_then`` with "thì" after the sign ("lỡ khó thở ban đêm thì gọi ai"); not past a question's closing word
    with more said after it, nor a sign asked to end ("khi nào thì hết khó thở vậy, tôi khó thở ba hôm nay rồi")."""
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    before = toks[lo:m.start]
    found = _HYPOTHETICAL.find(before)
    then = _SUPPOSED_THEN.find(toks[m.end:hi])
    supposed = [s for s in _SUPPOSED.find(before)
                if (s.end - s.start > 1 or before[s.start] in lx.SUPPOSED_THEN) and then
                and not (s.end < len(before) and word_in(before[s.end], lx.SUPPOSED_NOT_AFTER))
                and not _SUPPOSED_NOT_BETWEEN.find(before[s.end:])
                and not _SUPPOSED_NOT_BETWEEN.find(toks[m.end:m.end + then[0].start])]
    last = max((*found, *supposed), key=lambda h: h.end, default=None)
    if last is None:
        # session 22b (n59-s19-elderly): "ở rẫy xa, có người bệnh thở mệt thì gọi số nào" (``ivr.nlu.elderly``)
        return someone_supposed(before, toks[m.start:m.end], toks[m.end:hi])
    between = before[last.end:]
    if between and word_in(between[-1], lx.PURPOSE_NEGATORS):
        return False  # "khi nào thì hết khó thở", "bao giờ thì khỏi ho": asked to end, so it is there
    if _reported_after(before[last.start:last.end], between):
        return False  # "bao giờ thì phải đi viện bố tôi đang tức ngực" (session 18, n28)
    return not any(word_in(t, lx.SUPPOSITION_CLOSERS) for t in between[:-1])


def _reported_after(question: Sequence[str], between: Sequence[str]) -> bool:
    """Session 18 (n28-far-calm): after a question of time ending in "thì" (``question``: "bao giờ thì"), a person and
    then a word of now (urgency.yaml ``now_reports``, negation.yaml ``now_words``) before the sign: the sign is
    reported now ("bao giờ thì phải đi viện bố tôi đang tức ngực"), not supposed."""
    if not question or not word_in(question[-1], lx.SUPPOSED_THEN_WORDS):
        return False
    who = next((i for i, t in enumerate(between) if word_in(t, lx.PERSONS)), None)
    if who is None:
        return False
    rest = between[who + 1:]
    return any(word_in(t, lx.NOW_REPORTS) for t in rest) or bool(_NOW.find(rest))


def asked_to_end(toks: Sequence[str], j: int) -> bool:
    """Is the negator at ``j`` a sign asked to end ("khi nào thì hết khó thở", "bao giờ thì khỏi ho"): a purpose
    negator right after a hypothetical word of time ("khi nào thì", "bao giờ thì")?"""
    return word_in(toks[j], lx.PURPOSE_NEGATORS) and any(h.end == j - clause_start(toks, j)
                                                          for h in _HYPOTHETICAL.find(toks[clause_start(toks, j):j]))


def hearsay(toks: Sequence[str], start: int) -> bool:
    """Is what starts at ``start`` hearsay ("nghe tin hàng xóm đi cấp cứu"): a hearsay phrase earlier in its clause?"""
    lo = clause_start(toks, start)
    found = _HEARSAY.find(toks[lo:start])
    found = [f for f in found if not own_news(toks, lo + f.end)]  # "nghe tin dương tính, bà ngất" (session 16)
    # up to a contrast word: "nghe nói co giật là nặng mà con tôi cũng co giật" reports the second one (a one-word
    # contrast written without diacritics, "ma", only before a person: "ma con toi")
    rest = toks[lo + found[-1].end:start] if found else ()
    return bool(found) and not any(c.end - c.start > 1 or rest[c.start] == c.phrase
                                   or (c.end < len(rest) and _PERSONS.at(rest, c.end) is not None)
                                   for c in _CONTRAST.find(rest))


def advised(toks: Sequence[str], start: int) -> bool:
    """Is what starts at ``start`` what to do in a condition someone advised ("y tá dặn thấy môi tím thì gọi
    115"): an advice word earlier in its clause, then "thì" (negation.yaml ``advice_then``), no contrast or still
    word between ("... mà vẫn khó thở, gọi 115"; "bác sĩ dặn gọi cấp cứu ngay" is a request)?"""
    before = toks[clause_start(toks, start):start]
    advice = _ADVICE.find(before)
    if not advice:
        return False
    between = before[advice[-1].end:]
    return bool(_ADVICE_THEN.find(between)) and not (
        _CONTRAST.find(between) or any(word_in(t, lx.STILL_WORDS) for t in between))


def not_now(toks: Sequence[str], m: Match) -> bool:
    """Is ``m`` not a sign the patient has now? Supposed ("nếu khó thở thì..."), hearsay ("nghe nói môi tím
    là..."), asked about ("môi tím là dấu hiệu gì?") or past and over ("tuần trước có khó thở, giờ hết rồi")."""
    lo = clause_start(toks, m.start)
    before = toks[lo:m.start]
    if hypothetical(toks, m) or hearsay(toks, m.start):
        return True
    if m.end < len(toks) and _ASKED.at(toks, m.end) is not None and not _PERSONS.find(before):
        return True
    k = clause_end(toks, m.end)
    past_after = _past_after(toks[m.end:k])
    if _PAST.find(before) or past_after or earlier_today(before, toks[m.end:k], m.label):
        # over: a later clause says it is gone, without "vẫn"/"còn"/"lại" (still, again)
        later = toks[k:]
        kept = m.label in lx.BACK_TO_KEPT
        resolved = (_LUCID if m.label == "altered_consciousness" else _RESOLVED_KEPT if kept else _RESOLVED).find(later)
        if m.label == "cannot_eat_drink":
            resolved += appetite_back(later)  # "..., giờ ăn được hai chén cơm rồi" (session 18, ``ivr.nlu.timeline``)
        # "ngực tức hôm trước, giờ hết hẳn": never "..., giờ không hết" (session 17: whatever the marker's place)
        resolved = [r for r in resolved if not (r.start > 0 and word_in(later[r.start - 1], lx.NEGATORS))
                    and not _asked_resolved(later, r)
                    and not other_sign_after(later, r, toks[m.start:m.end])]  # "giờ hết sốt" (session 18)
        if resolved and not _still_said(later, resolved, kept):
            return True
        if _over_now(toks[m.end:k], kept or m.label == "altered_consciousness"):
            return True
    return (_nobody(before) or _others(before) or _advice(toks, m, before) or _general_question(toks, before)
            or _bare_general_question(toks, before) or _elsewhere_in_hospital(toks, m)
            or _feared(before) or _chronic(toks, m) or _bystander(toks, m, before) or bool(_HOW_TO_TELL.find(before))
            or ordinary(toks, m))  # session 18 (n35-indirect261): the ordinary course of a day


def _bystander(toks: Sequence[str], m: Match, before: Sequence[str]) -> bool:
    """"hàng xóm nhà tôi bị khó thở, nhà tôi thì không ai bị gì": a bystander earlier in the sign's clause (no
    contrast word between), and a later clause saying the caller's household has nothing (``own_fine``)."""
    found = _BYSTANDERS.find(before)
    if not found or _CONTRAST.find(before[found[-1].end:]):
        return False
    # session 16 (n23): also later in the same run of words, as a recognizer writes it ("... bên này nhà tôi ổn")
    return bool(_OWN_FINE.find(toks[m.end:]))


def _chronic(toks: Sequence[str], m: Match) -> bool:
    """"ông nói ngọng từ nhỏ", "bà vốn lẫn lẫn": a sign (negation.yaml ``chronic_signs``) had all along, a chronic
    marker in its clause and no word of a change ("tự nhiên", "nay lại") there."""
    if m.label not in lx.CHRONIC_SIGNS or (m.label == "severe_breathlessness" and not _on_pillows(toks, m)):
        return False
    lo = clause_start(toks, m.start)
    clause = toks[lo:clause_end(toks, m.end)]
    markers = _CHRONIC.find(clause) + _since_year(clause)
    if not markers and lo > 1 and not (_PERSONS.find(toks[lo:m.start]) or _NOW.find(clause) or _CONTRAST.find(clause)
                                       or _never_continued(toks, m)):
        # session 17 (n25): the clause goes on from the one before ("bà bị lẫn mấy năm nay rồi, hay nói lung tung")
        prev = toks[clause_start(toks, lo - 1):lo - 1]
        if (_CHRONIC.find(prev) or _since_year(prev)) and not _changed(prev):
            return not _changed(clause)
    return bool(markers) and not _changed(clause) and not _turned_since(clause, markers, m.start - lo)


_NEVER_BASELINE = Matcher(table(*lx.LEXICON.words("everyday", "never_baseline")))


def _never_continued(toks: Sequence[str], m: Match) -> bool:
    """Session 19 (n40-calm-lookalikes): a sign no clause before can make long-standing by going on from it: anything
    but confusion, speech and sleeping on pillows ("ông hút thuốc lâu năm, môi tím tái", "bị hen lâu năm, mệt lả không
    dậy nổi"), or a drowsy, unrousable, fitting or fainting patient (everyday.yaml ``never_baseline``: "bà lẫn mấy năm
    nay, li bì")."""
    if m.label == "severe_breathlessness":
        return False  # only on pillows gets here (``_chronic``: "suy tim mấy năm nay, phải kê gối cao")
    return m.label != "altered_consciousness" or bool(_NEVER_BASELINE.find(toks[m.start:m.end]))


def _changed(clause: Sequence[str]) -> bool:
    """Session 18 (n33-helpers): a word of a change in ``clause`` (``chronic_changes``), not one denied right before
    it (``change_denials``: "chân yếu đi lại khó lâu rồi, không phải mới bị" is long-standing)."""
    return any(not any(d.end == c.start for d in _CHANGE_DENIALS.find(clause[:c.start])) for c in _CHANGES.find(clause))


def _on_pillows(toks: Sequence[str], m: Match) -> bool:
    """Session 17 (n25): the only breathlessness a relative knows as a baseline: sleeping propped on pillows."""
    return any(word_in(t, ("gối", "goi")) for t in toks[m.start:m.end])


def _since_year(clause: Sequence[str]) -> list[Match]:
    """Session 17 (n25): "từ năm 2019", "năm 2018": a year before this one said as digits is a chronic marker."""
    return [Match(i - 1, i + 1, "year", "năm") for i in range(1, len(clause))
            if word_in(clause[i - 1], ("năm", "nam")) and clause[i].isdigit() and 1950 <= int(clause[i]) <= 2025]


def _turned_since(clause: Sequence[str], markers: Sequence[Match], at: int) -> bool:
    """Session 17 (n25): a contrast word between a chronic marker and the sign ("lãng tai từ lâu mà nay môi ông tím
    tái lại", "lẫn từ lâu nhưng hôm nay li bì"): the sign is what changed, not the old state."""
    first = min(c.start for c in markers)
    return first < at and (bool(_CONTRAST.find(clause[first:at])) or _now_onset(clause, markers, at))


# session 21b (n53-s17-calm): a now word between an old condition and the sign ("tai biến năm kia nay méo miệng")
_NOW_ONSET = ("nay", "giờ")
_NOW_ONSET_NOT_AFTER = ("tới", "đến", "lâu", "xưa", "trước", "mấy", "năm", "từ", "bữa", "hồi")
_NOW_ONSET_NOT_BEFORE = ("vẫn", "cũng", "vậy", "thế", "như", "còn", "y")


def _now_onset(clause: Sequence[str], markers: Sequence[Match], at: int) -> bool:
    """Session 21b (n53-s17-calm): a bare now word ("nay", "giờ") after the last chronic marker before the sign ``at``
    and before it, not closing a span of time ("tới giờ", "lâu nay") nor opening a same-as-ever ("nay vẫn", "giờ cũng
    vậy"): the sign is new today on top of the old condition ("ông tai biến năm kia tay yếu nay méo miệng")."""
    ends = [c.end for c in markers if c.end <= at]
    if not ends:
        return False
    for k in range(max(ends), at):
        if not word_in(clause[k], _NOW_ONSET) or (k > 0 and word_in(clause[k - 1], _NOW_ONSET_NOT_AFTER)):
            continue
        if k + 1 < len(clause) and word_in(clause[k + 1], _NOW_ONSET_NOT_BEFORE):
            continue
        return True
    return False


def _still_said(later: Sequence[str], resolved: Sequence[Match], kept: bool) -> bool:
    """A still word ("vẫn", "còn", "lại") in the clauses after a past sign, other than inside a resolved word ("hồng
    lại"), in a compound ("đi lại", "trở lại"; negation.yaml ``still_compounds``) or a return ("ăn uống lại bình
    thường": ``back_to`` right before a resolved word); ``kept`` (an emergency sign, ``back_to_kept``): only the first.
    """
    inside = {i for r in resolved for i in range(r.start, r.end)}
    if kept:
        return any(word_in(t, lx.STILL_WORDS) for i, t in enumerate(later) if i not in inside)
    for b in _BACK_TO.find(later):
        if any(r.start == b.end for r in resolved):
            inside.update(range(b.start, b.end))
    # "..., giờ chỉ còn mất mùi": what is left is another sign (session 18, ``ivr.nlu.timeline``)
    return any(word_in(t, lx.STILL_WORDS) and not (i > 0 and word_in(later[i - 1], lx.STILL_COMPOUNDS))
               and not _left_over(later, i) and not only_left(later, i)
               for i, t in enumerate(later) if i not in inside)


def _left_over(later: Sequence[str], i: int) -> bool:
    """Session 18 (n28-far-calm): is the still word at ``i`` what is left of the illness ("giờ hết hẳn rồi, chỉ còn hơi
    ho"): one of urgency.yaml ``only_left`` right before it?"""
    return i > 0 and word_in(later[i - 1], lx.ONLY_LEFT)


def _past_after(rest: Sequence[str]) -> bool:
    """A past marker after the sign in its clause ("ngực tức nhẹ hôm trước"), not a start ("từ hôm qua")."""
    return any(not (p.start > 0 and word_in(rest[p.start - 1], lx.SINCE_WORDS)) and not any(
        s.end == p.start for s in _SINCE.find(rest)) for p in _PAST.find(rest))


def _over_now(rest: Sequence[str], kept: bool = False) -> bool:
    """After a past sign, in the same clause: "giờ hết rồi", "bây giờ bình thường", "giờ hạ sốt rồi" (a now word,
    then within three words a resolved word), with no still word ("giờ vẫn còn") or negator ("giờ chưa hết") between;
    ``kept`` (an emergency sign): not "giờ đỡ hẳn" (``relieved_words``)."""
    for now in _NOW.find(rest):
        for r in (_PAST_RESOLVED_KEPT if kept else _PAST_RESOLVED).find(rest[now.end:now.end + 4]):
            between = rest[now.end:now.end + r.start]
            # session 17 (n27): nor a negator ("hôm qua khó thở giờ không hết", "giờ chưa đỡ hẳn": not over)
            if r.start <= 3 and not any(word_in(t, lx.STILL_WORDS) or word_in(t, lx.NEGATORS) for t in between) \
                    and not _asked_resolved(rest[now.end:], r):
                return True
    return False


def _asked_resolved(toks: Sequence[str], r: Match) -> bool:
    """"cho hỏi khi nào hết cách ly": the resolved word ``r`` asked about (``resolved_asked`` within three words
    before it) or about something else (``resolved_objects`` right after it), not the sign said to be over."""
    asked = _RESOLVED_ASKED.find(toks[max(0, r.start - 3):r.start])
    return bool(asked) or (r.end < len(toks) and _RESOLVED_OBJECTS.at(toks, r.end) is not None)


def _nobody(before: Sequence[str]) -> bool:
    """"không ai trong nhà bị khó thở": nobody, then the sign within four words, linked by "bị"/"có"/"thấy"."""
    for nb in _NOBODY.find(before):
        if _ALONE.find(before[:nb.start]):
            continue  # "tôi ở một mình không có ai bị khó thở": nobody with the caller (session 18, n33-helpers)
        gap = len(before) - nb.end
        if gap == 0 or (gap <= 4 and word_in(before[-1], lx.NOBODY_LINKS)):
            return True
    return False


def _others(before: Sequence[str]) -> bool:
    """"xem ti vi thấy người ta bị tím tái", "con mèo nhà tôi thở khò khè": someone else's sign, unless a contrast
    word ("... mà mẹ tôi cũng tím tái rồi") or a member of the family (``patients_after_others``) comes in between."""
    # "me thi met thoi con bo thi ho ra mau": "còn bố" without tones, no animal (session 18, ``ivr.nlu.timeline``)
    found = [f for f in _OTHERS.find(before) if not kin_not_animal(before, f) and not _bare_lookalike(before, f)]
    if not found:
        return False
    # a person after it is the subject of the sign ("đi cho con gà ăn về thì thấy mẹ môi tím"; session 12, n16)
    rest = before[found[-1].end:]
    if _watcher_taken_ill(before, found[-1]):
        return False
    # ... but not right after an owner word: "con chó nhà em nó thở hồng hộc" (session 16, n21)
    return not _CONTRAST.find(rest) and not any(
        word_in(t, _PATIENTS) and not (i > 0 and word_in(rest[i - 1], lx.OWNER_WORDS)) for i, t in enumerate(rest))


def _watcher_taken_ill(before: Sequence[str], found: Match) -> bool:
    """"ông coi ti vi thì thở không nổi", "bà đang xem phim thì lịm đi": a person of the household watching the screen
    (right before the watching words, ``watching_words`` between) is taken ill after it (a ``watching_then`` word
    follows), unless what was seen follows ("mẹ tôi xem ti vi thấy người ta tím tái"). Session 18 (n30-hedged-emerg)."""
    if fold(before[found.start]) not in ("xem", "coi"):
        return False
    i = found.start - 1
    while i >= 0 and word_in(before[i], lx.WATCHING_WORDS) and i > found.start - 3:
        i -= 1
    if i < 0 or not word_in(before[i], _PATIENTS):
        return False
    rest = before[found.end:]
    then = _WATCHING_THEN.find(rest)
    return bool(then) and not any(word_in(t, lx.WATCHING_SEEN) for t in rest[:then[0].start])


def _bare_lookalike(words: Sequence[str], f: Match) -> bool:
    """Session 18 (n33-helpers): one of ``others_with_diacritics`` written without its diacritics ("con tho": "còn
    thở", no "con thỏ")."""
    return f.phrase in lx.OTHERS_WITH_DIACRITICS and " ".join(words[f.start:f.end]) != f.phrase


def _advice(toks: Sequence[str], m: Match, before: Sequence[str]) -> bool:
    """"chị tôi dặn là thấy khó thở thì gọi": advice, the sign a condition followed by "thì" in its clause."""
    advice = _ADVICE.find(before)
    if not advice:
        return False
    between = before[advice[-1].end:]
    if _CONTRAST.find(between) or any(word_in(t, lx.STILL_WORDS) for t in between):
        return False  # "làm theo hướng dẫn mà vẫn khó thở thì...": a report after the advice
    k = m.end
    while k < len(toks) and toks[k] != BREAK and k < m.end + 4:
        if _ADVICE_THEN.at(toks, k) is not None:
            return True
        k += 1
    return False


def _general_question(toks: Sequence[str], before: Sequence[str]) -> bool:
    """"có cần đi viện khi bị khó thở không": a sign in general, in an utterance that asks."""
    return bool(_GENERAL_Q.find(before)) and _asks(toks)


def _asks(toks: Sequence[str]) -> bool:
    """Does the utterance ask (a question ending, or question words)?"""
    last = next((t for t in reversed(toks) if t != BREAK), None)
    return word_in(last, lx.QUESTION_ENDINGS) or bool(_QUESTION_WORDS.find(toks))


def _bare_general_question(toks: Sequence[str], before: Sequence[str]) -> bool:
    """"có cần đi viện khi khó thở không": "khi" right before the sign (only ``skip`` words between), not "từ khi"
    (since), in an utterance that asks."""
    k = len(before)
    while k > 0 and word_in(before[k - 1], lx.NEGATION_SKIP) and not word_in(before[k - 1], lx.PERSONS):
        k -= 1
    bare = [b for b in _GENERAL_BARE.find(before[:k]) if b.end == k]
    if not bare or (bare[-1].start > 0 and word_in(before[bare[-1].start - 1], lx.SINCE_WORDS)):
        return False
    # "bà tôi khi khó thở thì làm sao": a person before it (after the last ask word, "cho tôi hỏi ...") may have it
    head = before[:bare[-1].start]
    asks = [i for i, t in enumerate(head) if word_in(t, _ASK_WORDS)]
    head = head[asks[-1] + 1:] if asks else head
    return not _PERSONS.find(head) and _asks(toks)


def _elsewhere_in_hospital(toks: Sequence[str], m: Match) -> bool:
    """"chị tôi ở Hà Nội bị tím tái, đang nằm viện rồi, tôi ở nhà vẫn ổn": someone already in a hospital (one of
    ``in_hospital`` after the sign), then the caller's home said fine (``own_fine`` after that)."""
    rest = toks[m.end:]
    found = _IN_HOSPITAL.find(rest)
    return bool(found) and bool(_HOSPITAL_FINE.find(rest[found[0].end:]))


def _feared(before: Sequence[str]) -> bool:
    """"con sợ bà trở nặng", "lo là ông bị khó thở": a fear word right before the sign, only persons and small
    words (negation.yaml ``feared_gap``) between."""
    tail = before[-6:]
    for f in _FEARED.find(tail):
        gap = tail[f.end:]
        if len(gap) <= 3 and all(word_in(t, lx.FEARED_GAP) or word_in(t, lx.PERSONS)
                                 or word_in(t, ("tôi", "nhà", "mình")) for t in gap):
            return True
    return False


def negated(toks: Sequence[str], m: Match, spans: Sequence[tuple[Match, bool]]) -> bool:
    """Is the symptom/risk phrase ``m`` negated by the words around it (or only supposed: ``hypothetical``)?"""
    if not_now(toks, m):
        return True
    # after: "sốt thì hết rồi"; but "môi tím hết rồi" is gone all blue (negation.yaml intensified_signs)
    after = _NEG_AFTER.at(toks, m.end) if m.end < len(toks) else None
    if after is not None and not (m.label in lx.INTENSIFIED_SIGNS and after.phrase in lx.INTENSIFYING_AFTER):
        return True
    j = m.start - 1
    steps = 0
    joined = False
    prev = {s.end: (s, neg) for s, neg in spans}
    if j >= 1 and word_in(toks[j], lx.NEED_WORDS) and word_in(toks[j - 1], lx.PLAIN_NEGATORS):
        return True  # "không phải dừng lấy hơi": no need to (negation.yaml ``need_words``)
    while j >= 0 and steps < 5:
        tok = toks[j]
        if j + 1 in prev and prev[j + 1][0].end == j + 1:
            # another phrase right before: negation continues through a list, but only a
            # list that says so ("không ho hay sốt", "không ho sốt gì"): "không sốt khó thở"
            # from an ASR without punctuation keeps the breathlessness
            return prev[j + 1][1] and steps <= 2 and (joined or _list_ends(toks, m.end))
        if tok == BREAK:
            # "không ho, sốt hay khó thở gì": a list continues across commas
            if j in prev and prev[j][1]:
                return steps <= 1 and (joined or _list_ends(toks, m.end))
            return False
        if word_in(tok, lx.NEGATORS) and word_in(toks[m.start], lx.PLAIN_NEGATORS):
            return False  # "nôn hết ra, không uống được": the phrase is itself an inability
        if word_in(tok, ("hết",)) and steps and not word_in(toks[j + 1], ("bị",)):
            return False  # "nôn hết ra": "hết" after a verb is "all", not "no more"
        if word_in(tok, ("hết",)) and j in prev and prev[j][0].label == "vomiting" and not prev[j][1]:
            return False  # "nôn hết, uống gì nôn nấy": vomits it all (session 18, n28)
        if _father_word(toks, j):
            return False  # "cha tôi khó thở": the father, no "chả" (session 19, n42-set11-miss)
        if word_in(tok, lx.PLAIN_NEGATORS) and _inability_closed(toks, j):
            return False  # "ngồi dậy không được hỏi chi cũng không trả lời" (session 21, n51-calls8)
        if word_in(tok, lx.NEGATORS) and _alone_nobody(toks, j):
            return False  # "tôi ở một mình không có ai khó thở quá" (session 18, n33-helpers)
        if word_in(tok, lx.NEGATORS) and not (toks[j] in ("hết", "het") and j + 1 < len(toks)
                                               and word_in(toks[j + 1], ("sức",))):
            if tok in ("đâu", "dau") and not (j + 1 < len(toks) and word_in(toks[j + 1], ("có",))):
                return False
            # "uống gì cho hết ho", "làm sao để khỏi sốt": a purpose, the symptom is there
            purpose = word_in(tok, lx.PURPOSE_NEGATORS) and j > 0 and word_in(toks[j - 1], lx.PURPOSE_WORDS)
            return not (purpose or asked_to_end(toks, j))
        if word_in(tok, ("còn",)):
            return j > 0 and word_in(toks[j - 1], lx.NEGATORS)
        if word_in(tok, lx.NEGATION_SKIP) or word_in(tok, lx.NEGATION_JOIN):
            joined = joined or word_in(tok, lx.LIST_JOINERS)
            j -= 1
            steps += 1
            continue
        return False
    return False


_INABILITY_VERBS = tuple(sorted(lx.INABILITY_VERBS))  # session 21 (n51-calls8)


def _inability_closed(toks: Sequence[str], j: int) -> bool:
    """Session 21 (n51-calls8): does the negator at ``j`` close an inability of its own, "<verb> không được/nổi"
    (symptoms.yaml ``inability_verbs``, ``unable_ends``), said before the phrase without a pause ("ngồi dậy không
    được hỏi chi cũng không trả lời" from a recognizer without punctuation)? Then it denies nothing after it."""
    return (j >= 1 and j + 1 < len(toks) and word_in(toks[j - 1], _INABILITY_VERBS)
            and word_in(toks[j + 1], lx.UNABLE_ENDS))


def _father_word(toks: Sequence[str], j: int) -> bool:
    """Session 19 (n42-set11-miss): is the token at ``j`` a bare "cha" in an utterance typed with diacritics ("cha tôi
    khó thở", "cha tui lơ mơ")? There a "chả" (not) would carry its mark: "cha" is the father. Without any diacritics
    ("cha ho cha sot") it stays the negator."""
    return toks[j] == "cha" and any(has_diacritics(t) for t in toks)


def _alone_nobody(toks: Sequence[str], j: int) -> bool:
    """Session 18 (n33-helpers): the negator at ``j`` opens "không có ai" said after one of ``alone_words`` in its
    clause ("ở một mình không có ai ..."): the caller has nobody with them, no sign is denied."""
    return _NOBODY.at(toks, j) is not None and bool(_ALONE.find(toks[clause_start(toks, j):j]))


def _list_ends(toks: Sequence[str], i: int) -> bool:
    """Does a negated list close after token ``i`` ("... khó thở gì cả", "... hay sốt hết")?"""
    for k in range(i, min(i + 6, len(toks))):
        if toks[k] == BREAK:
            return False
        if word_in(toks[k], lx.LIST_ENDS) or word_in(toks[k], lx.LIST_JOINERS):
            return True
    return False
