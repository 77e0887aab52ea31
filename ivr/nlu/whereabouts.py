"""Session 21b (n54-calls9): where the patient is, and readings the caller cannot give.

Two small facts an outbound check-in needs besides symptoms and readings:

* ``patient_away``: the one on the phone says the patient is no longer at home: already in hospital ("mạ con nhập
  viện tỉnh từ hôm kia rồi", "ổng đang nằm viện"), moved away ("về quê rồi", "không còn ở đây nữa") or dead ("bà
  mất hôm qua rồi", "đã qua đời"). Only a state said as a fact counts: a question, a wish, a fear or a condition
  ("có phải nhập viện không", "muốn về quê", "sợ phải nằm viện", "nếu khó thở thì nhập viện") and a denial ("chưa
  nhập viện", "không phải nằm viện") say nothing about where the patient is, nor does a stay that is over ("mới
  xuất viện", "nằm viện về rồi").
* ``cannot_read``: the caller does not know where to look for a reading or how to read it ("cái đó tui hổng biết
  coi chỗ nào", "không biết xem ở đâu", "không biết đọc"), said about the device, not about the question ("không
  biết ông nói gì" asks for a repeat).

Pure token patterns over ``ivr.nlu.normalize.tokenize`` (regional words already rewritten, a word written without
diacritics matches one with them).
"""
from __future__ import annotations

from collections.abc import Sequence

from ivr.nlu.normalize import BREAK, fold, token_matches, tokenize

# session 21b (n54-calls9): patient already in hospital, moved away or died
#: a stay in hospital: a verb then "viện" / "bệnh viện" ("nhập viện", "nằm viện", "vô viện", "chuyển viện")
_HOSPITAL_VERBS = ("nhập", "nằm", "vô", "vào", "chuyển", "đưa", "chở", "đi", "ở", "trong")
#: moved: a verb of leaving (then, within two words, a place: "về quê", "chuyển đi", "dọn đi", "dìa quê")
_MOVED = (("về", "quê"), ("dìa", "quê"), ("chuyển", "đi"), ("dọn", "đi"), ("chuyển", "nhà"), ("dọn", "nhà"),
          ("chuyển", "về"), ("đi", "tỉnh", "khác"), ("đi", "nơi", "khác"), ("không", "còn", "ở", "đây"),
          ("không", "ở", "đây", "nữa"), ("không", "còn", "ở", "nhà"))
#: died: said of a person ("bà mất hôm qua rồi", "ông đã mất"), or words that mean nothing else
_DIED = (("qua", "đời"), ("từ", "trần"), ("không", "qua", "khỏi"), ("ra", "đi", "rồi"), ("đã", "mất"))
_DIED_AFTER = ("rồi", "hôm", "từ", "tối", "sáng", "chiều", "đêm", "hồi", "bữa", "tuần", "tháng", "năm", "ngày",
               "lúc", "trưa", "khuya", "mấy", "được", "cách")
_PERSON = ("ông", "bà", "cụ", "mạ", "má", "mẹ", "ba", "bố", "cha", "tía", "u", "bầm", "anh", "chị", "em", "cô", "chú",
           "bác", "dì", "cậu", "mợ", "thím", "dượng", "nội", "ngoại", "ấy", "nhà", "tôi", "con", "cháu", "chồng", "vợ")
#: not mất (lost) a person but a sense, sleep, strength... ("mất mùi rồi", "mất ngủ hôm qua")
_LOST_THING = ("mùi", "vị", "ngủ", "sức", "ngon", "tiếng", "giọng", "điện", "sóng", "nước", "máu", "tiền", "việc",
               "cảm", "khứu", "vị", "trí", "ý", "thức", "hết", "công")
#: a fact said as done or now ("rồi", "đã", "đang", "từ hôm kia", "mấy bữa nay")
_DONE = ("rồi", "đã", "đang", "từ", "hôm", "bữa", "hồi", "mấy", "tuần", "vừa", "mới")
#: a question, a wish, a fear or a condition: nothing said about where the patient is now
_NOT_A_FACT = (("có", "phải"), ("phải", "không"), ("có", "nên"), ("nên", "không"), ("có", "cần"), ("muốn",),
               ("định",), ("sợ",), ("nếu",), ("có", "được"), ("được", "không"), ("khi", "nào"),
               ("bao", "giờ"), ("làm", "sao"), ("thì", "sao"), ("sao", "không"), ("chừng", "nào"), ("hay", "không"),
               ("có", "khi"),
               # not yet, nor for sure: about to, waiting for, needing it, a guess ("sắp không qua khỏi", "đang chờ
               # nhập viện", "chắc phải nhập viện rồi"): the patient is at home, maybe gravely ill
               ("sắp",), ("chờ",), ("đợi",), ("cần",), ("xin",), ("chắc",), ("có", "lẽ"), ("hình", "như"), ("e", "là"))
#: a stay that is over: the patient is home again
_BACK_HOME = (("xuất", "viện"), ("ra", "viện"), ("về", "nhà"), ("dìa", "nhà"), ("về", "rồi"), ("về", "lại"),
              ("lên", "lại"))
_NEGATORS = ("không", "chưa", "chẳng", "chả", "khỏi")

# session 21b (n54-calls9): a reading the caller cannot give
_KNOW = ("biết", "rành", "rõ")
#: after "không biết": where or how to look at the device ("coi chỗ nào", "xem ở đâu", "đọc", "nó hiện đâu")
_LOOK = ("coi", "xem", "nhìn", "đọc", "dò", "kiếm", "tìm", "thấy")
_WHERE = (("chỗ", "nào"), ("ở", "đâu"), ("đâu",), ("chỗ", "đâu"), ("số", "nào"), ("cái", "nào"), ("nằm", "đâu"))


def _at(toks: Sequence[str], i: int, words: Sequence[str]) -> bool:
    return i + len(words) <= len(toks) and all(token_matches(toks[i + k], w) for k, w in enumerate(words))


def _find(toks: Sequence[str], words: Sequence[str]) -> int | None:
    return next((i for i in range(len(toks)) if _at(toks, i, words)), None)


def _word_in(tok: str, words: Sequence[str]) -> bool:
    return any(token_matches(tok, w) for w in words)


def _clauses(toks: Sequence[str]) -> list[tuple[str, ...]]:
    out: list[tuple[str, ...]] = [()]
    for t in toks:
        if t == BREAK:
            out.append(())
        else:
            out[-1] += (t,)
    return [c for c in out if c]


def _negated(clause: Sequence[str], i: int) -> bool:
    """Is the word at ``i`` denied ("chưa nhập viện", "không phải nằm viện", "hổng có nằm viện")?"""
    before = clause[max(0, i - 3):i]
    return any(_word_in(t, _NEGATORS) for t in before)


def _in_hospital(clause: Sequence[str]) -> bool:
    for i, t in enumerate(clause):
        if not token_matches(t, "viện") or i == 0:
            continue
        j = i - 1 if not token_matches(clause[i - 1], "bệnh") else i - 2
        if j < 0 or not _word_in(clause[j], _HOSPITAL_VERBS) or _negated(clause, j):
            continue
        if any(_word_in(x, _DONE) for x in clause):
            return True
    return False


def _moved(clause: Sequence[str]) -> bool:
    for words in _MOVED:
        i = _find(clause, words)
        if i is None:
            continue
        denial = words[0] == "không"
        if denial or (not _negated(clause, i) and any(_word_in(x, _DONE) for x in clause)):
            return True
    return False


def _died(clause: Sequence[str]) -> bool:
    for words in _DIED:
        i = _find(clause, words)
        if i is not None and not _negated(clause, i) and not (
                words == ("đã", "mất") and i + 2 < len(clause) and not _word_in(clause[i + 2], _DIED_AFTER)):
            return True
    for i, t in enumerate(clause):
        if not token_matches(t, "mất") or i == 0 or i + 1 >= len(clause):
            continue
        if (_word_in(clause[i - 1], _PERSON) and _word_in(clause[i + 1], _DIED_AFTER)
                and not _word_in(clause[i + 1], _LOST_THING) and not _negated(clause, i)):
            return True
    return False


#: a cheap first look (folded text): without one of these no pattern can match, so nothing is tokenised
_AWAY_CUES = ("vien", "que", "mat", "doi", "tran", "khoi", "ra di", "chuyen", "don", " o day", " o nha")
_READ_CUES = ("biet", "ranh", " ro")
_OUT_CUES = (" nha", "vang", " ve", " dia", " di ", " ra ", " len ", " xuong ", " dau")


def patient_away(text: str) -> str:
    """"in_hospital", "moved" or "died" when the words say the patient is no longer at home, "out_now" when out
    only for now (``out_now``), else ""."""
    folded = f" {fold(text or '')}"
    if not any(cue in folded for cue in _AWAY_CUES):
        return "out_now" if any(cue in folded for cue in _OUT_CUES) and out_now(text) else ""
    toks = tokenize(text or "")
    if not toks or any(_find(toks, w) is not None for w in _NOT_A_FACT) or any(
            _find(toks, w) is not None for w in _BACK_HOME):
        return ""
    clauses = _clauses(toks)
    if any(_died(c) for c in clauses):
        return "died"
    if any(_in_hospital(c) for c in clauses):
        return "in_hospital"
    if any(_moved(c) for c in clauses):
        return "moved"
    return "out_now" if out_now(text) else ""


# session 22b (n62-calls11): the patient is out right now (at the market, at work), back later today
#: not at home now: "không có ở nhà", "không ở nhà", "đi vắng", "vắng nhà", "chưa về" (a denial that is the fact)
_OUT_ABSENT = (("không", "có", "ở", "nhà"), ("không", "có", "nhà"), ("không", "ở", "nhà"), ("không", "có", "đây"),
               ("đi", "vắng"), ("vắng", "nhà"), ("chưa", "về"), ("chưa", "dìa"), ("đi", "đâu", "rồi"))
#: gone on an errand of the day: "đi" then where ("đi chợ rồi", "đang đi làm", "ra đồng rồi")
_OUT_GO = ("đi", "ra", "lên", "xuống")
_ERRANDS = ("chợ", "làm", "rẫy", "ruộng", "đồng", "nương", "học", "câu", "chùa", "đám", "công", "buôn", "bán", "biển",
            "ghe", "xưởng", "ca", "lễ", "thăm", "chơi", "hàng", "vườn", "núi")
_OUT_NOW = ("rồi", "đang", "mới", "vừa", "từ")
#: back home already: "đi chợ về rồi", "mới đi làm về" (not "chưa về", nor later today: "tối mới về")
_OUT_BACK = ("về", "dìa")
_LATER = ("tối", "chiều", "trưa", "sáng", "mai", "lát", "chút", "xíu", "tí")


def _out_now_clause(clause: Sequence[str]) -> bool:
    if any(_at(clause, i, words) for words in _OUT_ABSENT for i in range(len(clause))):
        return True
    for i, t in enumerate(clause[:-1]):
        able = i + 2 < len(clause) and _word_in(clause[i + 2], ("được",))  # "đi chợ được rồi": able to, not gone
        if (_word_in(t, _OUT_GO) and _word_in(clause[i + 1], _ERRANDS) and not _negated(clause, i) and not able
                and any(_word_in(x, _OUT_NOW) for x in clause)):
            return True
    return False


def _back_later(toks: Sequence[str], i: int) -> bool:
    """Is the "về" at ``i`` a return still to come ("chưa về", "tối mới về", "lát về")?"""
    before = toks[max(0, i - 2):i]
    return bool(before) and (_word_in(before[-1], ("chưa", *_LATER))
                             or (len(before) == 2 and _word_in(before[-1], ("mới",)) and _word_in(before[0], _LATER)))


def out_now(text: str) -> bool:
    """Session 22b (n62-calls11): does the one on the phone say the patient is out right now, back later ("mạ con
    không có ở nhà, đi chợ rồi", "ổng đi làm chưa về")? Not "away" (hospital, moved, died: the calls stop): the
    patient is at home today, so the call can be placed again later. A question, a wish or a condition ("có đi chợ
    được không", "muốn đi làm"), a denial of going ("không đi làm, ở nhà suốt") and a return ("đi chợ về rồi") say
    nothing of the kind."""
    toks = tokenize(text or "")
    if not toks or any(_find(toks, w) is not None for w in _NOT_A_FACT):
        return False
    if any(_word_in(t, _OUT_BACK) and not _back_later(toks, i) for i, t in enumerate(toks)):
        return False
    return any(_out_now_clause(c) for c in _clauses(toks))


def cannot_read(text: str) -> bool:
    """Does the caller say he does not know where to look for a reading or how to read it?"""
    folded = f" {fold(text or '')}"
    if not any(cue in folded for cue in _READ_CUES):
        return False
    toks = [t for t in tokenize(text or "") if t != BREAK]
    for i, t in enumerate(toks[:-1]):
        if not _word_in(t, _NEGATORS[:4]) or not _word_in(toks[i + 1], _KNOW):
            continue
        rest = toks[i + 2:i + 6]
        if rest and _word_in(rest[0], _LOOK):
            return True
        if any(_at(rest, k, w) for k in range(len(rest)) for w in _WHERE):
            return True
    return False
