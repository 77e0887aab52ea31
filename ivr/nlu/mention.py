"""A sign the caller only mentions, without anyone at home having it now (issue 12, mention.yaml).

Kinds: a sign asked about ("ho ra máu thì có phải là nặng không"), how to know a sign ("làm sao biết con mình
bị tím tái"), a sign read or heard about ("đọc tờ hướng dẫn thấy ghi khó thở, tím tái thì gọi ngay"), a sign of
someone outside the household ("bạn tôi bị ho ra máu phải nhập viện, tôi hỏi ..."), a sign long past ("tôi
từng bị co giật hồi nhỏ, giờ thì không"). Each guard keeps its twin a report: a person of the household before
the sign, a now, still or intensity word, a contrast word, a call for help.
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu import negation
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.normalize import BREAK
from ivr.nlu.urgency import own_news

_w = lx.LEXICON.words
_ASKED_LINKS = _w("mention", "asked_links")
_ASKED_AFTER = Matcher(table(*_w("mention", "asked_after")))
_GENERIC = Matcher(table(*_w("mention", "generic_persons")))
_HOW_TO_KNOW = Matcher(table(*_w("mention", "how_to_know")))
_READING = Matcher(table(*_w("mention", "reading")))
_OUTSIDERS = Matcher(table(*_w("mention", "outsiders")))
_TAKEN_AWAY = Matcher(table(*_w("mention", "taken_away")))
_HOME_FINE = Matcher(table(*lx.REASSURANCE, *lx.OWN_FINE))
_CALL_FOR = Matcher(table(*_w("mention", "call_for")))
_PRESENT = Matcher(table(*_w("mention", "present")))
_PRESENT_EXACT = _w("mention", "present_exact")
_LONG_PAST = Matcher(table(*_w("mention", "long_past")))
_NOW_STILL = Matcher(table(*_w("mention", "now_still")))
_NOW_DENIED = _w("mention", "now_denied")
_HELP_AFTER = Matcher(table(*_w("mention", "help_after")))
_NOT_HELP = Matcher(table(*_w("mention", "not_help")))
_HEAR = _w("mention", "hear_words")
_SAY = _w("mention", "say_words")
_DENIED_AFTER = Matcher(table(*_w("mention", "denied_after")))
_DENIED_CLOSE = _w("mention", "denied_close")
_MEDICINE = Matcher(table(*_w("mention", "medicine_after")))
_INABILITY = _w("mention", "inability_words")
_OTHER_REASONS = Matcher(table(*lx.OTHER_REASONS))
_CAUSE_LINKS = Matcher(table(*lx.CAUSE_LINKS))
_CHORE_CAUSES = Matcher(table(*lx.CHORE_CAUSES))
_REPORTED_LATER = Matcher(table(*_w("mention", "reported_later")))
_YESNO_OPEN = Matcher(table(*_w("mention", "yesno_open")))
_YESNO_CLOSE = _w("mention", "yesno_close")
_YESNO_TAIL = _w("mention", "yesno_tail")
_RELAYED_ASK = Matcher(table(*_w("mention", "relayed_ask")))
_YESNO_OR = _w("mention", "yesno_or")
# session 18 (n37-device-115): callers who already called 115
_RIDE_VERBS = Matcher(table(*_w("mention", "ride_verbs")))
_RIDE_OVER = Matcher(table(*_w("mention", "ride_over")))
_RIDE_WAITING = Matcher(table(*_w("mention", "ride_waiting")))
_SERVICE_ASKS = Matcher(table(*_w("mention", "service_asks")))
# session 21b (n52-s17-readings): "115" as an address or another number
_NUMBER_PLACES_BEFORE = Matcher(table(*_w("mention", "number_places_before")))
_NUMBER_PLACES_AFTER = Matcher(table(*_w("mention", "number_places_after")))
_NUMBER_VITALS_BEFORE = Matcher(table(*_w("mention", "number_vitals_before")))
_NUMBER_VITALS_AFTER = Matcher(table(*_w("mention", "number_vitals_after")))
_NUMBER_CALL_BEFORE = Matcher(table(*_w("mention", "number_call_right_before")))
_WHETHER = Matcher(table(*_w("intents", "whether_words")))
_ECHO_MARKS = _w("mention", "echo_marks")
_ECHO_WORDS = Matcher(table(*_w("mention", "echo_words")))
_ECHO_DENIALS = Matcher(table(*_w("mention", "echo_denials")))
_READ_DEVICES = Matcher(table(*_w("mention", "read_devices")))
_CALM = Matcher(table(*lx.REASSURANCE, *lx.CALM_WORDS))
_PERSONS = Matcher(table(*lx.PERSONS))
_CONTRAST = Matcher(table(*lx.CONTRAST_WORDS))


def negated(toks: Sequence[str], m: Match, spans: Sequence[tuple[Match, bool]]) -> bool:
    """``ivr.nlu.negation.negated``, or the sign only mentioned (``mentioned_only``); but a sign asked about and
    then said of the household ("môi tím là bị gì vậy, mẹ tôi bị từ sáng") is a report."""
    if negation.negated(toks, m, spans) or mentioned_only(toks, m):
        return not (_asked_form(toks, m) and _reported_later(toks, m))
    return False


def _asked_form(toks: Sequence[str], m: Match) -> bool:
    """The sign followed by a link word ("thì", "là") and not denied just before it ("không khó thở thì ...")."""
    lo, hi = _clause(toks, m.start)
    link = any(word_in(t, _ASKED_LINKS) for t in toks[m.end:min(m.end + 2, hi)])
    return link and not any(word_in(t, lx.NEGATORS) for t in toks[max(lo, m.start - 3):m.start])


def _echoed_then_denied(toks: Sequence[str], m: Match, lo: int, hi: int) -> bool:
    """"đau ngực hả chị? không, tôi chỉ đau đầu": the sign opens its clause, only echo words follow it there (an
    echo mark among them), and the next clause is a denial and nothing else."""
    after = toks[m.end:hi]
    covered = {i for e in _ECHO_WORDS.find(after) for i in range(e.start, e.end)}
    if (lo != m.start or not any(word_in(t, _ECHO_MARKS) for t in after) or len(covered) < len(after)
            or hi >= len(toks)):
        return False
    nxt = toks[hi + 1:negation.clause_end(toks, hi + 1)]
    d = _ECHO_DENIALS.at(nxt, 0) if nxt else None
    return d is not None and d.end == len(nxt)


def _reported_later(toks: Sequence[str], m: Match) -> bool:
    """A later clause says a person of the household has it: "..., mẹ tôi bị từ sáng", "..., ba tui cũng vậy"."""
    k = _clause(toks, m.start)[1]
    while k < len(toks):
        lo, hi = k + 1, negation.clause_end(toks, k + 1)
        clause = toks[lo:hi]
        k = hi
        if (not clause or any(word_in(t, lx.NEGATORS) for t in clause) or word_in(clause[-1], lx.QUESTION_ENDINGS)
                or _CALM.find(clause)):
            continue
        generic = {i for g in _GENERIC.find(clause) for i in range(g.start, g.end)}
        for p in _PERSONS.find(clause):
            if p.start not in generic and any(r.start - p.end <= 3 for r in _REPORTED_LATER.find(clause)
                                              if r.start >= p.end):
                return True
    return False


def mentioned_only(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` only mentioned: asked about, how to know it, read or heard, someone else's, long past?"""
    lo, hi = _clause(toks, m.start)
    before, after = toks[lo:m.start], toks[m.end:hi]
    if (_denied_after(toks, m, hi) or _medicine(toks, m) or _yes_no_question(toks, m, lo, hi)
            or _echoed_then_denied(toks, m, lo, hi) or _other_reason(toks, m, hi) or _worn_by_chore(toks, m, hi)):
        return True
    if _long_past(before, after, toks[hi:]):
        return True  # "hồi đó khó thở lắm, giờ hết rồi": intense then, over now
    if _present(before, strict=True) or _present(toks[m.start:m.end], strict=False) or (
            m.end < hi and _PRESENT.at(toks, m.end) is not None):
        return False  # "đang khó thở", "khó thở quá", "tím hết rồi": said of now
    return _asked_after(before, after) or _how_to_know(before) or _read(toks, m) or _outsider(toks, m, hi)


def _present(words: Sequence[str], *, strict: bool) -> bool:
    """A now or intensity word (mention.yaml ``present``) among ``words``; ``strict``: "lắm", "quá" only with
    their diacritics (``present_exact``: "lam sao" is "làm sao", not "lắm"; "tối qua" is not "quá"). Right after
    a sign the words are read loosely ("kho tho qua" is "khó thở quá")."""
    if not strict:
        return bool(_PRESENT.find(words))
    return any(p.phrase not in _PRESENT_EXACT or words[p.start] == p.phrase for p in _PRESENT.find(words))


def _strict(matcher: Matcher, words: Sequence[str]) -> list[Match]:
    """``matcher``'s phrases in ``words``, a one-word phrase only with its diacritics ("con" is not "còn")."""
    return [p for p in matcher.find(words) if p.end - p.start > 1 or words[p.start] == p.phrase]


def asked_whether(toks: Sequence[str], m: Match) -> bool:
    """Is the emergency phrase ``m`` asked about, not asked for ("có cần gọi cấp cứu khi bị khó thở không ạ"): one of
    intents.yaml ``whether_words`` within three words before it in its clause, and its clause closed as a yes/no
    question (``yesno_close``, then only ``yesno_tail`` words), no person of the household before it?"""
    lo, hi = _clause(toks, m.start)
    before = toks[lo:m.start]
    # "bà tôi như vậy có cần gọi cấp cứu không": a person of the household before it keeps it a call for help
    if _household(toks[:m.start]) or not any(len(before) - w.end <= 2 for w in _WHETHER.find(before)):
        return False
    after = toks[m.end:hi]
    return any(word_in(t, _YESNO_CLOSE) and all(word_in(x, _YESNO_TAIL) for x in after[k + 1:])
               for k, t in enumerate(after))


def not_a_call(toks: Sequence[str], m: Match) -> bool:
    """Is the emergency phrase ``m`` no call for help: part of a word for what to do (mention.yaml ``not_help``:
    "sơ cứu"), or said of what was read or of someone outside the household ("đồng nghiệp co giật phải đi cấp
    cứu, chồng tôi có bị lây không")?"""
    if any(n.start < m.end and m.start < n.end for n in _NOT_HELP.find(toks)):
        return True
    return (_read(toks, m) or _outsider(toks, m, _clause(toks, m.start)[1]) or _number_of_a_place(toks, m)
            or _number_of_a_reading(toks, m))


def _number_of_a_reading(toks: Sequence[str], m: Match) -> bool:
    """Session 21 (lead): is the emergency phrase ``m`` the number "115" read off a device ("huyết áp 115/75", "mạch
    115", "đo được 115 trên 70")? A vital's name or a measuring word (``number_vitals_before``) up to three words
    before it with no call word right before it (``number_call_right_before``: "gọi 115", "xe 115"), or a blood
    pressure's "trên" / "/" right after it (``number_vitals_after``)."""
    if tuple(toks[m.start:m.end]) != ("115",):
        return False
    if m.end < len(toks) and _NUMBER_VITALS_AFTER.at(toks, m.end) is not None:
        return True
    before = toks[max(0, m.start - 3):m.start]
    if any(c.end == len(before) for c in _NUMBER_CALL_BEFORE.find(before)):
        return False
    return bool(_NUMBER_VITALS_BEFORE.find(before))


def _number_of_a_place(toks: Sequence[str], m: Match) -> bool:
    """Session 21b (n52-s17-readings): is the emergency phrase ``m`` the number "115" of a room, a house, a street, a
    bus ("số phòng 115 tầng 2", "nhà số 115 đường ...")? ``number_places_before`` ends right before it or
    ``number_places_after`` starts right after it (mention.yaml)."""
    if tuple(toks[m.start:m.end]) != ("115",):
        return False
    before = toks[max(0, m.start - 2):m.start]
    return any(len(before) - b.end == 0 for b in _NUMBER_PLACES_BEFORE.find(before)) or (
        _NUMBER_PLACES_AFTER.at(toks, m.end) is not None if m.end < len(toks) else False)


def ride_over_or_service(toks: Sequence[str], m: Match) -> bool:
    """Is the emergency phrase ``m`` ("115", "cấp cứu") a ride that is over ("xe 115 chở bà đi rồi", "được 115 đưa
    đi cấp cứu tuần trước": mention.yaml ``ride_verbs`` and ``ride_over`` in its clause, no ``ride_waiting`` word:
    "gọi 115 rồi mà chưa thấy xe" stays a call) or a question about the service ("số 115 gọi có mất tiền không":
    ``service_asks``)? Signs said with it are still signs (session 18, n37-device-115)."""
    lo, hi = _clause(toks, m.start)
    clause = toks[lo:hi]
    if _SERVICE_ASKS.find(clause):
        return True
    return bool(_RIDE_VERBS.find(clause)) and bool(_RIDE_OVER.find(clause)) and not _RIDE_WAITING.find(clause)


def _clause(toks: Sequence[str], i: int) -> tuple[int, int]:
    return negation.clause_start(toks, i), negation.clause_end(toks, i)


def _household(words: Sequence[str], *, strict: bool = False) -> bool:
    """A person of the household among ``words`` (not one inside a generic phrase: "trẻ con", "người già");
    ``strict``: a one-word person only with its diacritics (between a reading and a sign, "co giật" holds no "cô")."""
    generic = {i for g in _GENERIC.find(words) for i in range(g.start, g.end)}
    persons = _strict(_PERSONS, words) if strict else _PERSONS.find(words)
    return any(not any(i in generic for i in range(p.start, p.end)) for p in persons)


def _asked_after(before: Sequence[str], after: Sequence[str]) -> bool:
    """"ho ra máu thì có phải là nặng không", "khó thở mức nào thì phải gọi": a link word right after the sign,
    then a question about it in its clause; no person of the household before it (after the last ask word: "chú tôi
    hỏi ho ra máu thì có sao không" is a question relayed, mention.yaml ``relayed_ask``)."""
    asks = _RELAYED_ASK.find(before)
    if asks:
        before = before[asks[-1].end:]
    if not after or _household(before):
        return False
    link = next((k for k in range(min(2, len(after))) if word_in(after[k], _ASKED_LINKS)), None)
    return link is not None and bool(_ASKED_AFTER.find(after[link:]))


def _how_to_know(before: Sequence[str]) -> bool:
    """"làm sao biết con mình bị tím tái", "răng biết được là thở nhanh": how to know it, before it in its clause."""
    return bool(_HOW_TO_KNOW.find(before))


def _scope_open(toks: Sequence[str], start: int, end: int) -> bool:
    """Does what is said from ``start`` still hold at ``end``: no contrast word, no clause opening with a person
    of the household or a now word, no now or still word on the way ("..., mẹ em đang khó thở")?"""
    between = toks[start:end]
    if _strict(_CONTRAST, between) or _present(between, strict=True):
        return False
    for k, t in enumerate(between):
        if t == BREAK and k + 1 < len(between):
            opening = between[k + 1:k + 3]
            if _household(opening) or _NOW_STILL.at(between, k + 1) is not None:
                return False
    return True


def _read(toks: Sequence[str], m: Match) -> bool:
    """"em đọc tờ hướng dẫn thấy ghi khó thở, đau ngực, tím tái thì gọi ngay": read or heard, across commas."""
    found = [r.end for r in _READING.find(toks[:m.end]) if r.start < m.start and not _device_or_unread(toks, r)]
    lo = negation.clause_start(toks, m.start)
    for i in range(lo, m.start):  # "nghe mấy bà trong xóm nói": a hear word, a say word within four words
        if word_in(toks[i], _HEAR) and not _device_or_unread(toks, Match(i, i + 1, "x", toks[i])):
            say = [j for j in range(i + 1, min(i + 6, m.start)) if toks[j] != BREAK and word_in(toks[j], _SAY)]
            if say and not _household(toks[i + 1:say[0]]):
                found.append(say[0] + 1)
    if not found:
        return False
    start = min(max(found), m.start)
    return _scope_open(toks, start, m.start) and not _household(toks[start:m.start], strict=True)


def _device_or_unread(toks: Sequence[str], r: Match) -> bool:
    """Session 18 (n33-helpers): is the read phrase ``r`` no reading about a sign: denied (a negator within two words
    before it: "tôi không đọc được máy", "không biết đọc") or said of the device (mention.yaml ``read_devices`` right
    after it: "đọc được số", "đọc máy")?"""
    if any(word_in(t, lx.NEGATORS) for t in toks[max(0, r.start - 2):r.start]):
        return True
    return r.end < len(toks) and (_READ_DEVICES.at(toks, r.end) is not None or news_struck(toks, r))


def news_struck(toks: Sequence[str], r: Match) -> bool:
    """Session 21b (n53-s17-calm): is the hear phrase ``r`` news that struck the patient ("má nghe tin dữ xong gục
    xuống", "nghe tin dương tính, bà ngất"): urgency.yaml ``own_news`` right after it? What follows is the patient's
    own sign, not a sign read or heard about."""
    return own_news(toks, r.end)


def _outsider(toks: Sequence[str], m: Match, hi: int) -> bool:
    """"bạn tôi bị ho ra máu phải nhập viện, tôi hỏi tôi có bị lây không": someone outside the household has it,
    and a later clause turns to the caller's home without asking for help; never when the caller calls for them."""
    # "công ty có người tím tái": the sign's phrase may begin inside the outsider's ("người tím")
    found = [r for r in _OUTSIDERS.find(toks[:m.end]) if r.start < m.start]
    if not found or _CALL_FOR.find(toks) or not _scope_open(toks, min(found[-1].end, m.start), m.start):
        return False
    later = toks[hi:]
    # "bà hàng xóm bị ngất nhưng nhà tôi không ai sao cả": a contrast word after the sign turns to the home too
    turn = _strict(_CONTRAST, toks[m.end:hi])
    if turn:
        later = toks[m.end + turn[0].start:]
    elif not _household(later):
        later = _home_fine_inside(toks[m.end:hi])
    return _household(later) and not _help_asked(later) and not _alarmed_by(m, later)


_ALARMED = Matcher(table(*lx.PANIC_WORDS))
#: signs a caller who sees them in an outsider must hand to a human at once (session 19, n42-set11-miss)
_GRAVE = ("altered_consciousness", "cyanosis", "severe_breathlessness")


def _alarmed_by(m: Match, later: Sequence[str]) -> bool:
    """Session 19 (n42-set11-miss): the later clause is the caller's own alarm at a grave sign just seen in the
    outsider ("cậu phòng bên nằm dưới sàn, gọi cậu không biết, tôi sợ quá"), not a turn to the caller's own home;
    "bạn tôi bị ho ra máu, tôi lo quá không biết có bị lây không" keeps the turn (no grave sign)."""
    return m.label in _GRAVE and bool(_ALARMED.find(later))


def _home_fine_inside(after: Sequence[str]) -> Sequence[str]:
    """Session 17 (n25): in a run of words with no comma, as a recognizer writes it ("ban cung lop con em bi tim moi
    phai nhap vien con em thi van khoe"), the words from a person of the household after the outsider's sign, when
    a reassurance (symptoms.yaml ``reassurance``, negation.yaml ``own_fine``) follows that person; else nothing."""
    for p in _PERSONS.find(after):
        rest = after[p.start:]
        if _HOME_FINE.find(rest[p.end - p.start:]):
            return rest
    return ()


def _help_asked(later: Sequence[str]) -> bool:
    """A help word (mention.yaml ``help_after``) in ``later`` that is not inside a transport already done (session 17,
    n25: ``taken_away``, "xe cấp cứu chở đi rồi, nhà tôi không ai sao")."""
    done = {i for t in _TAKEN_AWAY.find(later) for i in range(t.start, t.end)}
    return any(not any(i in done for i in range(h.start, h.end)) for h in _HELP_AFTER.find(later))


def _long_past(before: Sequence[str], after: Sequence[str], later: Sequence[str]) -> bool:
    """"tôi từng bị co giật hồi nhỏ, giờ thì không", "năm ngoái bị khó thở": long past in its clause, with no now or
    still word between ("hồi nhỏ bị, giờ lại co giật") nor after it unless denied ("giờ thì không")."""
    past = _LONG_PAST.find(before)
    if past and _NOW_STILL.find(before[past[-1].end:]):
        return False
    if not past:
        past_after = _LONG_PAST.find(after)
        if not past_after or _NOW_STILL.find(after[:past_after[0].start]):
            return False
    # "..., giờ thì không nhưng hôm nay lại bị": a still word in a later clause, not denied ("không còn")
    if any(word_in(t, lx.STILL_WORDS) and not any(word_in(x, lx.NEGATORS) for x in later[max(0, i - 2):i])
           for i, t in enumerate(later)):
        return False
    inside = {i for p in _LONG_PAST.find(after) for i in range(p.start, p.end)}
    for n in _NOW_STILL.find(after):
        if n.start in inside:
            continue
        if not any(word_in(t, _NOW_DENIED) for t in after[n.end:n.end + 3]):
            return False
    return True


def _yes_no_question(toks: Sequence[str], m: Match, lo: int, hi: int) -> bool:
    """"bà có khó thở không", "môi ông có tím không vậy", "mạ có bị co giật không hè": a yes/no question about the
    sign, "có" right before it (or before the complaint of a body-part match), "không" right after it closing its
    clause with only small words (mention.yaml ``yesno_tail``); "có khó thở không ngủ được" is a report."""
    close = m.end + (m.end + 1 < hi and word_in(toks[m.end], _YESNO_OR))  # "có khó thở hay không"
    if close >= hi or not word_in(toks[close], _YESNO_CLOSE):
        return False
    if not all(word_in(t, _YESNO_TAIL) for t in toks[close + 1:hi]):
        return False
    opens = [o for o in _YESNO_OPEN.find(toks[lo:m.end - 1]) if lo + o.end == m.start
             or (lo + o.start > m.start and lo + o.end == m.end - 1)]
    return bool(opens)


def _denied_after(toks: Sequence[str], m: Match, hi: int) -> bool:
    """"có khó thở mô", "khó thở mô có", "khó thở có đâu": denied right after, closing its clause."""
    d = _DENIED_AFTER.at(toks, m.end) if m.end < hi else None
    if d is None:
        return False
    rest = toks[d.end:hi]
    return not rest or (len(rest) <= 2 and all(word_in(t, _DENIED_CLOSE) for t in rest))


def _medicine(toks: Sequence[str], m: Match) -> bool:
    """"quên không uống thuốc": a drink not taken that is a medicine, said with no inability word."""
    if m.label != "cannot_eat_drink" or m.end >= len(toks) or _MEDICINE.at(toks, m.end) is None:
        return False
    return not any(word_in(t, _INABILITY) for t in toks[m.start:min(m.end + 4, len(toks))])


def _other_reason(toks: Sequence[str], m: Match, hi: int) -> bool:
    """"không ăn được đồ cứng vì mới niềng răng", "không uống được sữa bò vì dị ứng": an inability to eat or drink with
    a reason that is no illness (mention.yaml ``other_reasons``) after it in its clause or the next, and not said of
    everything ("không ăn được gì", "uống vào là nôn": one of ``everything_words`` right after the sign)."""
    if m.label != "cannot_eat_drink" or any(word_in(t, ("bú",)) for t in toks[m.start:m.end]):
        return False  # a baby's feeding is decision-261 sign 9 whatever the reason
    # a food or drink named right after it ("... đồ cứng", "... sữa bò"), not everything ("... gì") nor a bare reason
    if m.end >= len(toks) or toks[m.end] == BREAK or word_in(toks[m.end], (*lx.EVERYTHING_WORDS, "vì", "do", "tại")):
        return False
    if any(word_in(t, lx.EVERYTHING_WORDS) for t in toks[m.start:m.end]):
        return False
    end = negation.clause_end(toks, hi + 1) if hi < len(toks) else hi
    return bool(_OTHER_REASONS.find(toks[m.end:end]))


def _worn_by_chore(toks: Sequence[str], m: Match, hi: int) -> bool:
    """"tôi mệt xỉu vì dọn nhà cả ngày": exhaustion with a chore or play as its reason right after it (mention.yaml
    ``cause_links`` then ``chore_causes``), in its clause. Session 18 (n30-hedged-emerg)."""
    if m.label != "exhaustion":
        return False
    link = _CAUSE_LINKS.at(toks, m.end) if m.end < hi else None
    if link is not None and link.end < hi and _CHORE_CAUSES.at(toks, link.end) is not None:
        return True
    # "con bé chơi mệt xỉu", "đá bóng mệt lả": the chore right before it ("dọn nhà cũng mệt xỉu": an everyday effort
    # that wears the patient out, a sign, has a word between)
    lo = max(0, m.start - 4)
    return any(lo + c.end == m.start for c in _CHORE_CAUSES.find(toks[lo:m.start]))
