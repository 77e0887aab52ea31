"""Habits and usual states (session 23b, n68-s21-elderly): an elder's usual state, a drunk relative roused, food and
drink kept down, a past one-off sign.

Each predicate reads one way a sign is no sign now, with urgent twins that keep the sign:

- confusion of a known dementia at its usual state ("bà lú lẫn rồi, hay cãi, chiều nay còn nói chuyện với ông bà ông
  vải như mọi bữa", "tối nào cũng đòi về nhà dù đang ở nhà": ``dementia_usual``); "từ sáng không nhận ra ai",
  "tự nhiên không nói được", a drowsy or unrousable one (everyday.yaml ``never_baseline``) keep it;
- a sleeper roused by a call who acts ("gọi thì ậm ừ trở mình được", "lay thì dậy chửi": ``roused_action``); a faint
  answer then back to sleep (``ivr.nlu.usual.barely_rousable``), "lay không dậy" keep it;
- a refusal of one food while another is eaten ("không chịu ăn cơm, đòi ăn phở, ăn hết bát phở": ``picky_eater``);
  "không ăn không uống gì" keeps it;
- a sign had once weeks ago and not since ("đau ngực cách đây ba tuần có một lần, từ đó tới giờ không bị lại":
  ``past_one_off``); "... hôm nay bị lại" keeps it;
- a few passes of urine while drinking rehydration salts ("uống được ba cốc oresol, đi tiểu được hai lần":
  ``urine_with_fluids``); "có hai lần", "chỉ được một lần" keep the worry;
- vomiting while drinks stay down ("ói năm lần mà uống nước vẫn giữ được": ``fluids_kept``), for the n-gram model,
  which reads the vomiting count as grave; "uống vô là ói" is sign 9 for the rules.
"""
from __future__ import annotations

from collections.abc import Collection, Sequence

from ivr.nlu import lexicon as lx
from ivr.nlu.matcher import Match, Matcher, table, word_in
from ivr.nlu.negation import clause_end, clause_start
from ivr.nlu.normalize import BREAK, fold

# session 23b (n68-s21-elderly): dementia at its usual state
_DEMENTIA_WORDS = ("lẫn", "lú lẫn", "bị lẫn", "lẫn rồi", "lẫn lẫn", "sa sút trí tuệ", "sa sút trí nhớ",
                   "alzheimer", "lẩn thẩn", "lú rồi", "đãng trí", "lãng trí", "mất trí nhớ")
_DEMENTIA = Matcher(table(*_DEMENTIA_WORDS))
_HABITUAL = Matcher(table("như mọi bữa", "như mọi khi", "như mọi ngày", "như mọi hôm", "như mọi lần", "như thường lệ",
                          "như thường ngày", "như mọi bận", "như hồi giờ", "tối nào cũng", "chiều nào cũng",
                          "ngày nào cũng", "đêm nào cũng", "hôm nào cũng", "bữa nào cũng", "sáng nào cũng",
                          "lúc nào cũng", "cũng vậy", "cũng thế", "vẫn vậy", "vẫn thế", "như vậy hoài", "quen rồi",
                          "lâu rồi", "hoài à", "suốt à", "hay", "thường", "cứ hay"))
_DEMENTIA_CHANGE = Matcher(table("tự nhiên", "đột nhiên", "bỗng", "bỗng dưng", "bỗng nhiên", "tự dưng", "đột ngột",
                                 "khác hẳn", "khác mọi", "khác với mọi", "khác thường", "lạ hơn", "nặng hơn", "hơn mọi",
                                 "hơn trước", "mới bị", "từ sáng", "từ chiều", "từ trưa", "từ tối", "từ đêm",
                                 "từ hôm qua", "sáng giờ", "chiều giờ", "nãy giờ", "hồi nãy", "lúc nãy", "mấy hôm nay",
                                 "hai hôm nay", "mấy bữa nay", "hai bữa nay", "mấy ngày nay", "dạo này",
                                 "không nhận ra", "nhận không ra", "chẳng nhận ra", "không còn nhận ra",
                                 "không biết ai", "không nói được", "không nói được nữa",
                                 "bỏ ăn", "không ăn"))
_NEVER = Matcher(table(*lx.LEXICON.words("everyday", "never_baseline")))
_DAY_WORDS = ("hôm nay", "sáng nay", "chiều nay", "tối nay", "trưa nay", "đêm nay", "đêm qua", "tối qua", "bữa nay")
_DAYS = Matcher(table(*_DAY_WORDS))


def dementia_usual(toks: Sequence[str], m: Match) -> bool:
    """Confusion ``m`` of an elder with a known dementia (a word of it in the utterance), said as the usual state: a
    habitual marker in the sign's clause ("hay cãi", "tối nào cũng", "như mọi bữa"; anywhere for the dementia word
    itself: "bà lẫn rồi, ngày nào cũng hỏi ..."), no word of a change anywhere
    ("tự nhiên", "từ sáng", "không nhận ra"), and a day word only in a clause with a habitual marker or a fine word
    ("chiều nay ... như mọi bữa", "đêm qua cũng vậy"). "bà lẫn lộn, nhận không ra con cháu" stays a sign."""
    if m.label != "altered_consciousness" or _NEVER.find(toks[m.start:m.end]):
        return False
    dementia = _DEMENTIA.find(toks)
    if not dementia or _DEMENTIA_CHANGE.find(toks):
        return False
    lo, hi = clause_start(toks, m.start), clause_end(toks, m.end)
    own = any(d.start <= m.start and m.end <= d.end for d in dementia)  # the dementia named: "bà lẫn rồi, ..."
    if not _HABITUAL.find(toks if own else toks[lo:hi]):
        return False
    # a day word opening a clause with no habitual marker: "..., hôm nay lơ mơ" is today's state
    for d in _DAYS.find(toks):
        c_lo, c_hi = clause_start(toks, d.start), clause_end(toks, d.end)
        if not _HABITUAL.find(toks[c_lo:c_hi]) and not _FINE.find(toks[c_lo:c_hi]):
            return False
    return True


_FINE = Matcher(table("vẫn ăn", "ăn được", "ăn hết", "vẫn cười", "vẫn khỏe", "bình thường", "không sốt", "vẫn tỉnh"))

# session 23b (n68-s21-elderly): a sleeper roused who acts
_ROUSED_WORDS = ("trở mình được", "trở mình", "dậy chửi", "dậy mắng", "dậy càu nhàu", "dậy cằn nhằn",
                 "dậy được", "vẫn dậy được", "dậy liền", "chửi", "mắng", "càu nhàu", "cằn nhằn", "quát",
                 "gạt tay", "xua tay", "đuổi", "lồm cồm bò dậy", "tự đi vô", "đi vô nhà", "vô nhà ngủ",
                 "ngồi dậy được")
_ROUSED = Matcher(table(*_ROUSED_WORDS))
_ROUSE_CALLS = Matcher(table(*lx.WAKE_CALLS))
_SLEEP_GRAVE = Matcher(table("không dậy", "không tỉnh", "không thưa", "không biết gì", "ói", "nôn", "mửa",
                             "ngáy ngắt quãng", "thở chậm", "ngưng thở", "thở khò khè", "tím", "lạnh ngắt",
                             "co giật", "không trả lời", "lay không", "gọi không", "li bì", "lì bì", "lịm", "thiếp",
                             "mê man", "hôn mê", "lại ngủ", "lại nhắm", "ngủ lại", "một lúc lại", "nhắm mắt"))


def roused_action(toks: Sequence[str], m: Match) -> bool:
    """An altered consciousness ``m`` read from a wake call, its sleeper then said to act within six words after the
    call in its clause ("gọi thì ậm ừ trở mình được", "lay thì dậy chửi rồi ngủ tiếp"), the call inside ``m``, no
    negator before the action, and nothing grave said anywhere (``_SLEEP_GRAVE``: "lay không dậy", vomiting, slow or
    stopping breath, "li bì", "dậy được một lúc lại lịm đi")."""
    if m.label != "altered_consciousness" or _SLEEP_GRAVE.find(toks):
        return False
    for c in _ROUSE_CALLS.find(toks):
        if not m.start <= c.start < m.end:
            continue  # only the sign read from this call ("ngủ li bì suốt" is a sign of its own)
        hi = min(clause_end(toks, c.end), c.end + 6)
        for a in _ROUSED.find(toks[c.end:hi]):
            before = toks[max(c.end, c.end + a.start - 2):c.end + a.start]
            if not any(word_in(t, lx.NEGATORS) for t in before):
                return True
    return False


# session 23b (n68-s21-elderly): one food refused, another eaten
_OTHER_FOOD_WORDS = ("đòi ăn", "ăn hết", "ăn được", "kén ăn", "chỉ thích ăn", "chỉ chịu ăn", "thì ăn",
                     "lại ăn", "ăn ngon", "chê cơm", "chê cháo")
_OTHER_FOOD = Matcher(table(*_OTHER_FOOD_WORDS))


_VOMIT = ("ói", "nôn", "mửa", "ọc", "trớ")


def picky_eater(toks: Sequence[str], m: Match) -> bool:
    """A refusal to eat ``m`` ("không chịu ăn cơm") with, in a later clause or after "mà", another food asked for or
    eaten ("đòi ăn phở, ăn hết bát phở", "kén ăn"), no negator before it, no word of drink refused and none of
    vomiting after."""
    if m.label != "cannot_eat_drink" or any(word_in(t, ("uống", "bú", "nước")) for t in toks[m.start:m.end + 2]):
        return False
    if any(word_in(t, _VOMIT) for t in toks[m.end:]):
        return False  # "đòi ăn phở mà ăn được hai miếng là nôn": what is eaten comes back
    for f in _OTHER_FOOD.find(toks[m.end:]):
        at = m.end + f.start
        before = toks[max(m.end, at - 2):at]
        if any(word_in(t, lx.NEGATORS) for t in before):
            continue
        if BREAK in toks[m.end:at] or any(word_in(t, ("mà", "nhưng", "chứ")) for t in toks[m.end:at]):
            return True
    return False


# session 23b (n68-s21-elderly): a sign once, weeks ago, not since
_LONG_AGO = Matcher(table("tuần trước", "tháng trước", "cách đây ba tuần", "cách đây hai tuần", "cách đây một tháng",
                          "cách đây mấy tuần", "cách đây vài tuần", "cách đây cả tháng", "cách đây hơn tuần",
                          "cách đây một tuần", "cách đây bốn tuần", "cách đây hai tháng", "hồi tháng trước",
                          "hồi tuần trước", "bữa trước", "hôm trước"))
_NOT_SINCE_WORDS = ("không bị lại", "không bị nữa", "chưa bị lại", "không thấy lại", "chưa thấy lại",
                    "không đau lại", "chưa đau lại", "không tái lại", "hết luôn", "không còn bị",
                    "không bị gì nữa", "hổng bị lại", "chẳng bị lại")
_NOT_SINCE = Matcher(table(*_NOT_SINCE_WORDS))
_AGAIN_NOW = Matcher(table("hôm nay", "sáng nay", "chiều nay", "tối nay", "bây giờ lại", "giờ lại", "nay lại",
                           "bị lại rồi", "tái lại rồi", "lại bị", "mới bị"))


def past_one_off(toks: Sequence[str], m: Match) -> bool:
    """A sign ``m`` with a long-ago marker (weeks) in the utterance before a denial of any since ("từ đó tới giờ không
    bị lại"), and no word of it now or again ("hôm nay bị lại", "giờ lại đau")."""
    past = [p for p in _LONG_AGO.find(toks) if p.start < m.start + 12]
    if not past or _AGAIN_NOW.find(toks):
        return False
    for n in _NOT_SINCE.find(toks):
        if n.start > m.end and n.start > past[0].start:
            return True
    return False


def past_one_off_span(toks: Sequence[str], m: Match) -> range:
    """The tokens of a past one-off sign's story, from the sign or its long-ago marker to the end of the denial of any
    since ("đau ngực ... cách đây ba tuần có một lần ... từ đó tới giờ không bị lại"), for the n-gram model's text (the
    model reads the story as grave); empty if ``m`` is no such sign."""
    if not past_one_off(toks, m):
        return range(0)
    start = min([m.start, *(p.start for p in _LONG_AGO.find(toks))])
    end = max(n.end for n in _NOT_SINCE.find(toks))
    return range(start, end)


# session 23b (n68-s21-elderly): urine passed while drinking rehydration salts
_FLUIDS_WORDS = ("oresol", "ô rê sôn", "orezol", "nước điện giải", "uống được", "uống nhiều nước",
                 "uống đủ nước", "uống nước được", "uống được nhiều")
_FLUIDS = Matcher(table(*_FLUIDS_WORDS))


def urine_with_fluids(toks: Sequence[str], m: Match) -> bool:
    """A scant-urine worry ``m`` said as "được N lần" (no "chỉ", "có", "mới" before it, nothing scant in it) while
    drinking is said ("uống được ba cốc oresol, đi tiểu được hai lần"), with no word of vomiting or refusing."""
    if m.label != "caller_concern" or not any(word_in(t, ("được",)) for t in toks[m.start:m.end]):
        return False
    if any(word_in(t, ("chỉ", "có", "mới", "giọt", "tí", "xíu", "ít")) for t in toks[max(0, m.start - 2):m.end]):
        return False
    drinks = [f for f in _FLUIDS.find(toks) if not any(word_in(t, lx.NEGATORS) for t in toks[max(0, f.start - 2):
                                                                                               f.start])]
    return bool(drinks) and not any(word_in(t, _VOMIT) for t in toks)


# session 23b (n68-s21-elderly): vomiting while drinks stay down (for the n-gram model)
_KEPT = Matcher(table("vẫn giữ được", "giữ được nước", "giữ lại được", "uống vẫn được", "uống nước vẫn được",
                      "uống vô không ói", "uống vào không nôn", "uống vô không nôn", "uống vào không ói",
                      "uống nước không ói", "uống nước không nôn", "uống vẫn không nôn", "uống vẫn không ói"))
_KEPT_SIGNS = frozenset({"vomiting", "diarrhea", "fever", "headache", "fatigue", "sore_throat", "cough"})


def fluids_kept(toks: Sequence[str], symptoms: Collection[str]) -> bool:
    """Vomiting read with only mild signs, and drinks said to stay down ("uống nước lọc vẫn giữ được"), no negator
    right before: sign 9 is not there, and the n-gram model is not to weigh the vomiting count as grave."""
    if "vomiting" not in symptoms or not set(symptoms) <= _KEPT_SIGNS:
        return False
    return any(not any(word_in(t, lx.PLAIN_NEGATORS) for t in toks[max(0, k.start - 2):k.start])
               for k in _KEPT.find(toks))


# session 23b (n68-s21-elderly): a poor appetite of an elder still alert
_POOR_INTAKE = ("ăn uống kém", "ăn kém", "ăn uống ít", "ăn ít", "ăn uống hơi kém", "ăn không ngon")
_STILL_ALERT_WORDS = ("vẫn tỉnh", "vẫn tỉnh táo", "còn tỉnh", "còn tỉnh táo", "vẫn uống được", "vẫn uống nước",
                      "uống nước vẫn được", "vẫn đi lại được", "vẫn nói chuyện được", "vẫn đi lại",
                      "vẫn nói chuyện")
_STILL_ALERT = Matcher(table(*_STILL_ALERT_WORDS))
_INTAKE_GRAVE = Matcher(table("nằm suốt", "nằm li bì", "lừ đừ", "li bì", "mệt lả", "không dậy", "lả đi",
                              "không uống", "bỏ uống", "nằm một chỗ", "nằm liệt", "lơ mơ"))


def poor_intake_alert(toks: Sequence[str], m: Match) -> bool:
    """A poor appetite ``m`` ("ăn uống kém") then, after a contrast word, the patient said still alert or drinking
    ("nhưng vẫn tỉnh", "mà vẫn uống được nước"): no sign 9; "ăn uống kém, nằm suốt" keeps it."""
    if m.label != "cannot_eat_drink" or m.phrase not in _POOR_INTAKE or _INTAKE_GRAVE.find(toks):
        return False
    for a in _STILL_ALERT.find(toks[m.end:]):
        gap = toks[m.end:m.end + a.start]
        if any(word_in(t, ("nhưng", "mà", "chứ", "song")) for t in gap):
            return True
    return False


_OPENERS = frozenset(fold(p.split(" ")[0]) for words in (_DEMENTIA_WORDS, _ROUSED_WORDS, _OTHER_FOOD_WORDS,
                                                           _NOT_SINCE_WORDS, _FLUIDS_WORDS, _STILL_ALERT_WORDS)
                     for p in words)


def may_be_habit(toks: Sequence[str]) -> bool:
    """Does any token open one of this module's calm cues (a cheap test before the predicates, for
    ``ivr.nlu.analysis.calm_senses``)?"""
    return any(fold(t) in _OPENERS for t in toks)
