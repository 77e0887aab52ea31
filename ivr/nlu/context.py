"""Session 21 (n49-calm-context): calm look-alikes read by their context (data: ``everyday.yaml``, ``ctx_*`` keys).

Each predicate reads one way a sign's words can be said of no person now, with urgent twins that keep the sign:

- the subject is no person: a word asked about ("không hiểu chữ tím tái là gì": ``word_asked``), an animal named in
  the clause before ("con cá lóc còn giãy đành đạch, thở ngáp ngáp": ``carried_animal``), a colour said deep
  ("nho tím lịm": ``deep_colour``);
- the time is not now: a nap said as lethargy, then up and well ("ngủ li bì cả buổi trưa, mà dậy ăn cơm, chạy nhảy
  bình thường rồi": ``up_and_well``), cold hands that warmed up ("rét quá tay chân lạnh cóng, đi tất vào là ấm
  ngay": ``warmed_up``), a child's play or crying that is over (``play_over``);
- a habit said as such and the person fine ("ngáy như kéo bễ đêm nào cũng thế, sáng dậy tỉnh táo": ``habit_fine``);
- a fever's "li bì" with the patient awake ("sốt li bì ba ngày nhưng vẫn tỉnh, ăn được cháo": ``fever_lingers``);
- a breath word the caller says is no breathlessness ("ngột ngạt chứ không có khó thở gì": ``said_not_breath``);
- fear after the news ("đọc tin thấy nhiều người trở nặng": ``news_fear``).

None clears a sign with a still or persist word after it, a word of change, or a negated outcome ("gọi không dậy").
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.everyday import (
    _ANIMALS,
    _CAUSE_SEVERITY,
    _NEVER_BASELINE,
    _PERSIST,
    _changed,
    _exact,
    _negated_before,
    _persists,
    _persons_in,
    _same_said,
    everyday_matcher,
    past_episode_over,
)
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold

_w = lx.LEXICON.words


_m = everyday_matcher


_WORD_MARKERS = _m("ctx_word_markers")
_MEANING = Matcher(table(*_w("slang", "meaning_questions")))
_ANIMAL_SIGNS = frozenset(_w("everyday", "ctx_animal_signs"))
_DEEP_COLOURS = _w("everyday", "ctx_deep_colours")
_DEEP_WORDS = _w("everyday", "ctx_deep_words")
_DEEP_NOT_BEFORE = _w("everyday", "ctx_deep_not_before")
_FEVER = _m("ctx_fever_words")
_LINGER = _m("ctx_linger_words")
_AWAKE = _m("ctx_awake")
_AWAKE_NOT = _m("ctx_awake_not_with")
_HABITS = _m("ctx_habits")
_HABIT_FINE = _m("ctx_habit_fine")
_PLAY_SIGNS = frozenset(_w("everyday", "ctx_play_signs"))
_PLAY_CAUSES = _m("ctx_play_causes")
_PLAY_OVER = _m("ctx_play_over")
_COLD = _w("everyday", "ctx_cold_words")
_COLD_CAUSES = _m("ctx_cold_causes")
_WARM = _m("ctx_warm_again")
_NOT_IT = _w("everyday", "ctx_not_it_links")
_BREATH_HEADS = _m("ctx_breath_heads")
_BREATH_WORDS = ("thở", "hơi", "hụt")
_UP = _m("ctx_up_words")
_UP_FINE = _m("ctx_up_fine")
_NEWS = _m("ctx_news")
_NEWS_OTHERS = _m("ctx_news_others")
_SLEEP = Matcher(table(*lx.SLEEP_WORDS))
_PERSONS = Matcher(table(*lx.PERSONS))
_BASELINE = frozenset(_w("everyday", "baseline_signs"))
_STILL = Matcher(table(*lx.STILL_WORDS))
_TURNS = ("mà", "nhưng", "rồi", "giờ", "nhưng mà", "xong")
_CONCERN = "caller_concern"
_FOODS = _m("ctx_food_colours")


def context_calm(toks: Sequence[str], m: Match) -> bool:
    """Is the sign ``m`` one of this module's calm kinds?"""
    return (word_asked(toks, m) or food_colour(toks, m) or carried_animal(toks, m) or deep_colour(toks, m)
            or fever_lingers(toks, m) or habit_fine(toks, m) or play_over(toks, m) or warmed_up(toks, m)
            or said_not_breath(toks, m) or up_and_well(toks, m) or news_fear(toks, m) or set21b_calm(toks, m))


def word_asked(toks: Sequence[str], m: Match) -> bool:
    """A word marker right before the sign ("chữ", "từ") and a meaning question within three words after it."""
    lo = max(0, m.start - 2)
    if not any(lo + w.end == m.start for w in _WORD_MARKERS.find(toks[lo:m.start])):
        return False
    return any(q.start <= 3 for q in _MEANING.find(toks[m.end:clause_end(toks, m.end)]))


def food_colour(toks: Sequence[str], m: Match) -> bool:
    """A colour phrase of one word ("tím") right after a food, at most "màu" between ("khoai lang tím luộc", "lá cẩm màu
    tím"); "ăn bánh xong tím tái cả người" keeps it (a word between)."""
    if m.label != "cyanosis" or m.end - m.start != 1:
        return False
    lo = max(0, m.start - 4)
    for f in _exact(toks[lo:m.start], _FOODS):
        gap = toks[lo + f.end:m.start]
        if len(gap) == 0 or (len(gap) == 1 and word_in(gap[0], ("màu",))):
            return True
    return False


def carried_animal(toks: Sequence[str], m: Match) -> bool:
    """A sign opening its clause (at most two words before it, no person) whose subject is an animal opening the clause
    before ("mấy con cá rô trong thau cạn nước, thở ngáp ngáp"), or an animal opening the sign's own clause; no
    person of the household between."""
    if m.label not in _ANIMAL_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    own = next(iter(_exact(toks[lo:m.start], _ANIMALS)), None)
    if own is not None and own.start <= 2:
        gap = [t for t in toks[lo + own.end:m.start] if t != BREAK]
        return not _persons_in(gap) and not any(word_in(g, lx.NEGATORS) for g in gap)
    if m.start - lo > 2 or lo < 2 or _persons_in(toks[lo:m.start]):
        return False
    prev = clause_start(toks, lo - 2)
    a = next(iter(_exact(toks[prev:lo - 1], _ANIMALS)), None)
    return a is not None and a.start <= 2 and not _persons_in(_no_classifier(toks[prev + a.end:lo - 1]))


def _no_classifier(gap: Sequence[str]) -> list[str]:
    """``gap`` without "con" said as the classifier of a thing or an animal ("ăn phải con thằn lằn"): "con" with a
    word after it that is no person ("con bé", "con gái" stay)."""
    def classifier(k: int) -> bool:
        p = _PERSONS.at(list(gap[k:]), 0)
        return k + 1 < len(gap) and gap[k + 1] != BREAK and (p is None or p.end == 1)

    return [t for k, t in enumerate(gap) if not (t.lower() == "con" and classifier(k))]


def deep_colour(toks: Sequence[str], m: Match) -> bool:
    """A loss of consciousness read from "lịm" right after a colour or a taste ("tím lịm", "ngọt lịm"), nothing of
    going limp after it ("tím rồi lịm đi")."""
    if m.label != "altered_consciousness" or m.end - m.start != 1 or not word_in(toks[m.start], _DEEP_WORDS):
        return False
    if m.start == 0 or not word_in(toks[m.start - 1], _DEEP_COLOURS):
        return False
    return m.end >= len(toks) or not word_in(toks[m.end], _DEEP_NOT_BEFORE)


def fever_lingers(toks: Sequence[str], m: Match) -> bool:
    """A "li bì" right after a fever word ("sốt li bì ba ngày") with an awake phrase later not denied ("nhưng vẫn
    tỉnh"), and no word of waking hard or going under anywhere ("lúc tỉnh lúc mê", "gọi không tỉnh")."""
    if m.label != "altered_consciousness" or not _LINGER.find(toks[m.start:m.end]):
        return False
    lo = max(0, m.start - 2)
    if not any(lo + f.end == m.start for f in _FEVER.find(toks[lo:m.start])) and not _FEVER.find(
            toks[m.start:m.end]):
        return False
    if _AWAKE_NOT.find(toks):
        return False
    return any(not _negated_before(toks, m.end + a.start, 2) for a in _AWAKE.find(toks[m.end:]))


def habit_fine(toks: Sequence[str], m: Match) -> bool:
    """A baseline sign with a habit said in its clause or the next one ("đêm nào cũng thế", "như mọi đêm", "bệnh phổi
    lâu rồi"), later a fine or same phrase ("sáng dậy tỉnh táo", "hôm nay không khác"), no intensifier or negator
    right after the sign and no word of change anywhere."""
    if m.label not in _BASELINE or _NEVER_BASELINE.find(toks[m.start:m.end]):
        return False  # "li bì", "lịm", "gọi không dậy" are never a habit
    hi = clause_end(toks, m.end)
    nxt = clause_end(toks, hi + 1) if hi < len(toks) else hi
    habits = [h for h in _HABITS.find(toks[m.end:nxt]) if not _negated_before(toks, m.end + h.start, 1)]
    at = m.end + habits[0].end if habits else habit_before(toks, m)
    if at is None:
        return False
    tail = toks[m.end:min(m.end + 2, hi)]
    if any(word_in(t, lx.NEGATORS) or word_in(t, lx.INTENSIFIERS) for t in tail):
        return False
    fine = [f for f in _HABIT_FINE.find(toks[at:]) if not _negated_before(toks, at + f.start, 2)]
    return bool(fine) and not _changed(toks, _same_said(toks, clause_start(toks, m.start))) and not _persists(toks, m)


_SLEEP_NOISES = ("khò", "khè", "ngáy", "khọt", "khò khè")


def habit_before(toks: Sequence[str], m: Match) -> int | None:
    """Session 21b (n53-s17-calm): the habit said in the clause before a sign opening its own clause ("chồng em ngáy
    to như mọi đêm, khò khè vậy chứ ngủ ngon"): where to look for the fine phrase (the sign's end), or None."""
    lo = clause_start(toks, m.start)
    if lo < 2 or m.start - lo > 2 or _PERSONS.find(toks[lo:m.start]):
        return None
    if not any(word_in(t, _SLEEP_NOISES) for t in toks[m.start:m.end]):
        return None  # only a noise of sleep goes on from the habit ("..., thở hổn hển" is a sign of its own)
    prev = clause_start(toks, lo - 2)
    found = [h for h in _HABITS.find(toks[prev:lo - 1]) if not _negated_before(toks, prev + h.start, 1)]
    return m.end if found else None


def play_over(toks: Sequence[str], m: Match) -> bool:
    """A breath sign after a child's play or crying in its clause or the one before ("khóc ngằn ngặt tới mức khó
    thở", "chạy dởn ngoài sân dìa thở như cá mắc cạn"), later a word of it over ("dỗ xong thì nín, chơi lại bình
    thường", "uống miếng nước là hết"), no negator or still word between the sign and it, nothing persisting after."""
    if m.label not in _PLAY_SIGNS:
        return False
    lo = clause_start(toks, m.start)
    lo = clause_start(toks, lo - 2) if lo >= 2 else lo
    causes = [c for c in _exact(toks[lo:m.start], _PLAY_CAUSES) if not _negated_before(toks, lo + c.start, 2)]
    if not causes:
        return False
    for over in _PLAY_OVER.find(toks[m.end:]):
        at = m.end + over.start
        between = toks[m.end:at]
        if any(word_in(t, lx.NEGATORS) for t in between) or _STILL.find(between):
            continue
        if not _persists(toks[at:], Match(0, over.end - over.start, m.label, m.phrase)):
            return True
    return False


def warmed_up(toks: Sequence[str], m: Match) -> bool:
    """Cold hands or feet (a worry phrase with "lạnh") with a cold cause in the utterance and later a word of them
    warm again not denied ("rét quá tay chân lạnh cóng, đi tất vào là ấm ngay"); "đắp chăn mãi không ấm" keeps it."""
    if m.label != _CONCERN or not any(word_in(t, _COLD) for t in toks[m.start:m.end]):
        return False
    if not any(not (m.start <= c.start < m.end) for c in _exact(toks, _COLD_CAUSES)):
        return False
    warm = [w for w in _WARM.find(toks[m.end:]) if not _negated_before(toks, m.end + w.start, 2)]
    return bool(warm) and not _exact(toks[m.end:], _PERSIST) and not _exact(toks[m.end:], _CAUSE_SEVERITY)


def said_not_breath(toks: Sequence[str], m: Match) -> bool:
    """A stuffy word with no breath word in it ("ngột ngạt", "bí bách") followed within three words by "chứ" and a
    negator then a breath word ("ngột ngạt chứ không có khó thở gì", "ngột ngạt lắm chứ không phải khó thở đâu")."""
    if m.label not in ("shortness_of_breath", "severe_breathlessness"):
        return False
    if any(word_in(t, _BREATH_WORDS) for t in toks[m.start:m.end]):
        return False  # "khó thở chứ không phải mệt", "thở dốc chứ không phải hụt hơi": the breath word is said
    for k in range(m.end, min(m.end + 3, len(toks))):
        if toks[k] == BREAK:
            return False
        if word_in(toks[k], _NOT_IT) and k + 1 < len(toks) and word_in(toks[k + 1], lx.NEGATORS):
            rest = toks[k + 2:k + 5]
            return any(b.start <= 1 for b in _BREATH_HEADS.find(rest))
    return False


def up_and_well(toks: Sequence[str], m: Match) -> bool:
    """A sleep sign ("ngủ li bì cả buổi trưa") and in a later clause after a turn "dậy" and within four words a well
    activity ("mà dậy ăn cơm, chạy nhảy bình thường rồi"), no negator between nor any still word after."""
    if m.label != "altered_consciousness":
        return False
    lo = max(0, m.start - 3)
    if not _SLEEP.find(toks[lo:m.end]):
        return False
    for up in _UP.find(toks[m.end:]):
        at = m.end + up.start
        if not any(t == BREAK or word_in(t, _TURNS) for t in toks[m.end:at]) or _negated_before(toks, at, 2):
            continue
        after = toks[at + up.end - up.start:at + up.end - up.start + 5]
        if any(word_in(t, lx.NEGATORS) for t in after) or _STILL.find(toks[at:]):
            continue
        if any(f.start <= 3 for f in _UP_FINE.find(after)):
            return True
    return False


def news_fear(toks: Sequence[str], m: Match) -> bool:
    """A worry sign ("trở nặng") after a news word in its clause ("đọc tin thấy nhiều người trở nặng"), with others
    ("người ta", "nhiều người") and no person of the household between."""
    if m.label != _CONCERN:
        return False
    lo = clause_start(toks, m.start)
    news = _NEWS.find(toks[lo:m.start])
    if not news:
        return False
    gap = toks[lo + news[0].end:m.start]
    others = {i for o in _NEWS_OTHERS.find(gap) for i in range(o.start, o.end)}
    return bool(others) and not _PERSONS.find([t for i, t in enumerate(gap) if i not in others])


def may_be_context(toks: Sequence[str]) -> bool:
    """A cheap test: a token that opens one of this module's cues."""
    return any(fold(t) in _OPENERS for t in toks)


_OPENERS = frozenset(fold(p.split(" ")[0]) for key in (
    "ctx_word_markers", "ctx_deep_words", "ctx_linger_words", "ctx_habits", "ctx_play_causes", "ctx_cold_causes",
    "ctx_not_it_links", "ctx_up_words", "ctx_news", "ctx_screens", "episode_past", "animals", "ctx_food_colours",
    # session 21b (n53-s17-calm)
    "ctx_folk_care", "ctx_ask_words", "ctx_now_links")
    for p in _w("everyday", key))


_CUES = (_PLAY_OVER, _WARM, _UP_FINE, _HABIT_FINE, _AWAKE, _MEANING)


def context_span(toks: Sequence[str], m: Match) -> range:
    """The tokens the n-gram model should not weigh for a sign read as calm here: from the clause before the sign's
    (its animal, its play, its cause) to the end of the clause of the last cue after it ("..., mà dậy uống trà nói
    chuyện tỉnh rụi rồi")."""
    lo = clause_start(toks, m.start)
    lo = clause_start(toks, lo - 2) if lo >= 2 else lo
    cues = [c.start for matcher in (*_CUES, *_CUES_21B) for c in matcher.find(toks[m.end:])]
    return range(lo, clause_end(toks, m.end + max(cues)) if cues else clause_end(toks, m.end))


_SCREENS = _m("ctx_screens")
_SCREEN_PERSONS = _m("ctx_screen_persons")


def plea_not_now(toks: Sequence[str], m: Match) -> bool:
    """Is the plea for help ``m`` ("cứu", "cấp cứu") heard on a screen earlier in its clause, no person of the household
    between ("là cái tivi đang chiếu phim người ta kêu cứu"), or part of a past episode over now ("lần nhiễm trước
    con bé tím môi phải đi cấp cứu, lần này thì không")? The signs said with it are read as any sign."""
    lo = clause_start(toks, m.start)
    for sc in _exact(toks[lo:m.start], _SCREENS):
        gap = toks[lo + sc.end:m.start]
        film = {i for p in _SCREEN_PERSONS.find(gap) for i in range(p.start, p.end)}
        rest = [t for i, t in enumerate(gap) if i not in film]
        if not _PERSONS.find(rest) and not any(word_in(t, _TURNS) for t in rest):
            return True  # "ti vi đang chiếu phim mà nhà em cần cấp cứu gấp" keeps the plea
    return past_episode_over(toks, m) is not None


# --- session 21b (n53-s17-calm): folk care's marks, a denial the patient gave, a sign feared for later
_FOLK = _m("ctx_folk_care")
_FOLK_PARTS = _m("ctx_folk_parts")
_FOLK_NOT_PARTS = _m("ctx_folk_not_parts")
_ASK = _m("ctx_ask_words")
_YESNO = ("không", "hông", "hôn", "ko", "hem", "chưa", "khong", "hong")
_DENIALS = _m("ctx_relayed_denials")
_DENIAL_NOT_BEFORE = _w("everyday", "ctx_denial_not_before")
_FEAR = Matcher(table(*lx.FEARED))
_NOW_LINKS = _m("ctx_now_links")
_NOW_FINE = _m("ctx_now_fine")
_FEAR_TURNS = ("mà", "nhưng", "chứ", "giờ", "đang", "bây giờ")
#: the cues after a sign of this session's kinds, to the end of whose clause the n-gram model is not to weigh
_CUES_21B = (_DENIALS, _NOW_FINE)


def set21b_calm(toks: Sequence[str], m: Match) -> bool:
    """Session 21b (n53-s17-calm): is the sign ``m`` a mark of folk care, in a question the patient said no to, or
    feared for later with the patient fine now?"""
    return folk_mark(toks, m) or relayed_denial(toks, m) or feared_fine_now(toks, m) or pale_not_blue(toks, m)


_PALE_CONDITIONS = _m("ctx_pale_conditions")
_BLUE = ("tím",)


def pale_not_blue(toks: Sequence[str], m: Match) -> bool:
    """A pale colour of a known pale condition, the blue denied right after it ("mẹ em thiếu máu nên da xanh xao sẵn,
    môi nhợt nhạt chứ không tím"): a colour phrase with no "tím" in it, a negator then "tím" within four words after
    it in its clause, and a pale condition (``ctx_pale_conditions``: "thiếu máu") said, not denied. "thiếu máu sẵn mà
    hôm nay môi tím ngắt" keeps its own sign."""
    if m.label != "cyanosis" or any(word_in(t, _BLUE) for t in toks[m.start:m.end]):
        return False
    hi = min(clause_end(toks, m.end), m.end + 5)
    denied = any(word_in(toks[k], lx.NEGATORS) and k + 1 < hi and word_in(toks[k + 1], _BLUE)
                 for k in range(m.end, hi))
    if not denied:
        return False
    return any(not _negated_before(toks, c.start, 2) for c in _PALE_CONDITIONS.find(toks))


def folk_mark(toks: Sequence[str], m: Match) -> bool:
    """A dark colour on the skin where folk care was done ("cạo gió cho ổng lưng tím bầm hết trơn", "giác hơi xong
    lưng bầm tím từng vòng"): a folk-care word (``ctx_folk_care``) earlier in its clause or the clause before, not
    denied; a skin part (``ctx_folk_parts``: "lưng", "vai", "gáy") at most three words before the sign in its clause;
    no lips, face, nails or fingers in the sign or between; no severity word after. "cạo gió xong môi tím tái" and
    "..., lưng bầm tím mà môi cũng tím" (a second sign) keep it."""
    if m.label != "cyanosis":
        return False
    lo = clause_start(toks, m.start)
    near = max(lo, m.start - 3)
    if _FOLK_NOT_PARTS.find(toks[near:m.end]) or not _FOLK_PARTS.find(toks[near:m.start]):
        return False
    prev = clause_start(toks, lo - 2) if lo >= 2 else lo
    folk = [f for f in _exact(toks[prev:m.start], _FOLK) if not _negated_before(toks, prev + f.start, 2)]
    return bool(folk) and not _exact(toks[m.end:], _CAUSE_SEVERITY)


def relayed_denial(toks: Sequence[str], m: Match) -> bool:
    """A sign inside a yes/no question the caller put to the patient, and the patient's no after it ("tui hỏi thở mệt
    hông ổng nói hông", "hỏi bả có tức ngực hông thì bả nói hổng có"): an ask word at most four words before the sign
    in its clause, a question close ("không", "hông") within two words after it, then a denial (``ctx_relayed_denials``:
    "nói không", "lắc đầu") within eight words, not of speech lost ("ổng nói không được", "nói không ra hơi"). A sign
    said after the denial ("..., mà ổng thở hổn hển") is read on its own."""
    lo = clause_start(toks, m.start)
    if not any(m.start - (max(lo, m.start - 5) + a.end) <= 4 for a in _ASK.find(toks[max(lo, m.start - 5):m.start])):
        return False
    close = next((k for k in range(m.end, min(m.end + 3, len(toks))) if word_in(toks[k], _YESNO)), None)
    if close is None:
        return False
    window = toks[close + 1:close + 9]
    for d in _DENIALS.find(window):
        at = close + 1 + d.end
        if at < len(toks) and word_in(toks[at], _DENIAL_NOT_BEFORE):
            continue
        return True
    return False


def feared_fine_now(toks: Sequence[str], m: Match) -> bool:
    """A sign feared for later ("sợ là sợ đêm nay ba em thở không nổi thôi", "chỉ lo tối nay bé sốt cao rồi co giật
    thôi"): a fear word earlier in its clause with no turn word between, and later a contrast with a now word
    (``ctx_now_links``: "chứ giờ", "mà giờ") followed within six words by the patient fine (``ctx_now_fine``: "thở đều",
    "đang chơi"), with no negator, still-sign, persist or severity word after the now word. "sợ tối nay thở không nổi,
    mà giờ đã thở dốc rồi" keeps it."""
    lo = clause_start(toks, m.start)
    fears = [f for f in _FEAR.find(toks[lo:m.start]) if not _negated_before(toks, lo + f.start, 2)]
    if not fears or any(word_in(t, _FEAR_TURNS) or t == BREAK for t in toks[lo + fears[0].end:m.start]):
        return False
    for link in _NOW_LINKS.find(toks[m.end:]):
        at = m.end + link.end
        after = toks[at:]
        fine = [f for f in _NOW_FINE.find(after[:8]) if f.start <= 5]
        if not fine:
            continue
        inside = {i for f in _NOW_FINE.find(after) for i in range(f.start, f.end)}
        if any(word_in(t, lx.NEGATORS) for i, t in enumerate(after) if i not in inside):
            return False
        return not _exact(after, _PERSIST) and not _exact(after, _CAUSE_SEVERITY)
    return False


def answered_no(toks: Sequence[str], j: int) -> bool:
    """Session 21b (n53-s17-calm): is the negator at ``j`` the close of a yes/no question the caller asked, then the
    patient's no ("tui hỏi thở mệt hông ổng nói hông": ``ivr.nlu.analysis`` reads no unanswered call there)? At most
    two persons after it, then a denial (``ctx_relayed_denials``) not of speech lost ("ổng nói không được")."""
    k = j + 1
    while k < min(j + 3, len(toks)) and _PERSONS.at(list(toks[k:k + 2]), 0) is not None:
        k += 1
    d = _DENIALS.at(toks, k) if k < len(toks) else None
    return d is not None and not (d.end < len(toks) and word_in(toks[d.end], _DENIAL_NOT_BEFORE))
