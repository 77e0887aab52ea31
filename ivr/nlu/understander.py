"""Rule-based understanding of what an F0 caller says (``ivr.engine.understanding.Understander``).

Pure and fast: phrase tables (``ivr.nlu.lexicon``) are compiled once into an index
keyed by the first word without diacritics; an utterance is tokenised
(``ivr.nlu.normalize``), numbers are read (``ivr.nlu.numbers``), and phrases are
matched leftmost-longest. Negation ("không sốt", "hết ho", "không còn khó
thở", "sốt thì hết rồi") removes a symptom. Vitals are attached to the number
by its unit ("94 %", "38 độ 5", "20 lần một phút") or by the closest cue word
before it ("spo2", "nhiệt độ", "nhịp thở", "mạch").
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from itertools import pairwise

from ivr.nlu import lexicon as lx
from ivr.nlu.normalize import BREAK, YES_FILLERS, content_tokens, fold, token_matches, tokenize
from ivr.nlu.numbers import NUMBER_WORDS, Number, find_numbers
from ivr.engine.understanding import INTENTS, SYMPTOMS, VITALS, Understanding

#: Single words matched only with their exact diacritics (their no-diacritic
#: form is another common word: "tim" heart vs "tím" blue, "hen" appointment).
_STRICT = frozenset({"tím", "hen", "lú", "ổn", "lịm", "tốt", "ọe", "ụa", "đã", "bị", "khỏi", "oải", "đuối", "cứu",
                     "hả", "đâu", "chào", "họ", "hồ"})

_EMERGENCY_SIGNS = frozenset({"altered_consciousness", "cyanosis", "severe_breathlessness"})
_STRONG_GOODBYE = frozenset({"tạm biệt", "chào nhé", "chào cháu", "chào bác sĩ", "chào em", "chào con", "chào cô",
                             "cúp máy", "bye", "bai bai", "thôi chào", "tắt máy", "gác máy", "chào"})
_AGE_WORDS = ("tuổi",)
_OLD_AGE = ("tuổi cao", "cao tuổi", "lớn tuổi", "người già", "già yếu", "tuổi già", "già rồi", "ông già", "bà già")
_LONG_FEVER = ("mấy ngày", "nhiều ngày", "cả tuần", "mấy hôm", "một tuần", "tuần nay", "nhiều hôm", "mấy bữa",
               "mấy ngày nay", "mấy hôm nay", "hơn tuần", "cả tuần nay", "mấy bữa nay", "liên tục mấy ngày")
_DAYS = ("ngày", "hôm", "bữa")
_LIST_JOIN = (",", "rồi", "xuống", "còn", "lên", "và", "hoặc", "hay", "tới", "đến", "có", "lúc", "khi", "thì")
_LOW_WORDS = ("thấp", "tụt", "giảm", "xuống", "hạ", "yếu")
# Phrases that contain a symptom word but do not report it.
_SYMPTOM_BLOCKERS = ("hạ sốt", "thuốc ho", "siro ho", "thuốc sốt", "thuốc ho", "cắt cơn sốt", "thuốc đau đầu",
                     "thuốc nhức đầu", "thuốc tiêu chảy", "xịt mũi", "thuốc xịt mũi", "nhỏ mũi", "thuốc nhỏ mũi",
                     "đo nhiệt", "nhiệt kế", "họ", "hồ", "nhịp tim", "tim mạch", "tim đập", "thở oxy", "máy thở",
                     "tập thở", "hít thở sâu", "không khó thở", "đo oxy", "sốt ruột", "mệt gì", "nóng ruột",
                     "bình thường", "thuốc ho", "thở bình thường", "thở đều", "thở tốt", "ho gà")
_QUESTION_INTENTS = ("ask_medication", "ask_isolation", "ask_home_care")


@dataclass(frozen=True)
class _Match:
    start: int
    end: int
    label: str
    phrase: str


class _Matcher:
    """Leftmost-longest phrase matching over tokens (see ``token_matches``)."""

    def __init__(self, table: Mapping[str, Iterable[str]], *, gaps: bool = False):
        self.gaps = gaps
        self.index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for label, phrases in table.items():
            for phrase in phrases:
                words = tuple(tokenize(phrase))
                if not words:
                    continue
                self.index.setdefault(fold(words[0]), []).append((words, label, phrase))
        for entries in self.index.values():
            entries.sort(key=lambda e: -len(e[0]))

    @staticmethod
    def _eq(tok: str, word: str, single: bool) -> bool:
        if single and word in _STRICT:
            return tok == word
        return token_matches(tok, word)

    def at(self, toks: Sequence[str], i: int) -> _Match | None:
        """The longest exact phrase starting at token ``i``."""
        size = len(toks)
        for words, label, phrase in self.index.get(fold(toks[i]), ()):
            n = len(words)
            if i + n > size:
                continue
            if n == 1:
                if self._eq(toks[i], words[0], True):
                    return _Match(i, i + 1, label, phrase)
                continue
            for k in range(n):
                t, w = toks[i + k], words[k]
                if t != w and not (t == fold(t) and t == fold(w)):
                    break
            else:
                return _Match(i, i + n, label, phrase)
        return None

    def gapped_at(self, toks: Sequence[str], i: int) -> _Match | None:
        entries = self.index.get(fold(toks[i]), ())
        # one small word inside a phrase: "họng (tôi) rát", "đau (ở) ngực"
        for words, label, phrase in entries:
            n = len(words)
            if n < 2:
                continue
            j = i + 1
            gap_used = False
            for k in range(1, n):
                if j < len(toks) and self._eq(toks[j], words[k], False):
                    j += 1
                elif (not gap_used and j + 1 < len(toks) and toks[j] in _GAP_WORDS
                      and self._eq(toks[j + 1], words[k], False)):
                    gap_used = True
                    j += 2
                else:
                    break
            else:
                return _Match(i, j, label, phrase)
        return None

    def find(self, toks: Sequence[str]) -> list[_Match]:
        """Exact phrases leftmost-longest; then, if allowed, phrases with one small word inside
        ("đầu tôi đau") where no exact phrase is ("lúc đầu tôi đau họng" keeps "đau họng")."""
        out: list[_Match] = []
        i = 0
        while i < len(toks):
            m = self.at(toks, i)
            if m is None:
                i += 1
            else:
                out.append(m)
                i = m.end
        if not self.gaps:
            return out
        covered = {k for m in out for k in range(m.start, m.end)}
        extra: list[_Match] = []
        i = 0
        while i < len(toks):
            m = None if i in covered else self.gapped_at(toks, i)
            if m is None or any(k in covered for k in range(m.start, m.end)):
                i += 1
                continue
            extra.append(m)
            i = m.end
        return sorted(out + extra, key=lambda m: m.start) if extra else out


def _table(*phrases: str, label: str = "x") -> dict[str, tuple[str, ...]]:
    return {label: phrases}


_BLOCK = "_block"
_GAP_WORDS = frozenset({"tôi", "toi", "của", "cua", "em", "nó", "no", "ở", "o", "cũng", "cung", "thấy", "thay",
                        "rất", "rat", "hay", "bị", "bi", "mình", "minh", "giúp", "giup", "cho"})
_SYMPTOMS = _Matcher({_BLOCK: _SYMPTOM_BLOCKERS, **lx.SYMPTOM_PHRASES}, gaps=True)
_RISKS = _Matcher({**lx.RISK_FACTOR_PHRASES, "age_65_plus": _OLD_AGE,
                   _BLOCK: ("huyết áp thấp", "bị huyết áp thấp", "tụt huyết áp", "hạ huyết áp", "bị tụt huyết áp",
                            "huyết áp tụt", "bị huyết áp tụt", "bị hạ huyết áp", "máu thấp")})
_DURATIONS = ("ngày", "hôm", "bữa", "tuần", "tháng", "tiếng", "giờ", "mũi", "viên", "người", "đêm")
_INTENSE = _Matcher(_table("lắm", "quá", "quá trời", "dữ", "dữ lắm", "ghê", "ghê lắm", "kinh khủng", "nhiều lắm",
                           "nặng", "dữ dội", "không chịu nổi"))
_QUESTION = _Matcher(_table("thế nào", "ra sao", "bao lâu", "bao giờ", "làm sao", "được không", "có được", "có nên",
                            "có cần", "khi nào", "mấy ngày", "bao nhiêu"))
# (symptom, body-part words, complaint words) found within three words of each other
_NEAR: tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...] = (
    ("chest_pain", ("ngực",), ("đau", "tức", "nặng", "nhói", "thắt", "đè", "bó")),
    ("sore_throat", ("họng",), ("đau", "rát", "ngứa", "khô", "vướng")),
    ("headache", ("đầu",), ("đau", "nhức", "buốt", "choáng", "váng")),
    ("shortness_of_breath", ("thở",), ("khó", "mệt", "gấp", "dốc", "hụt", "nặng nhọc")),
)
_GREETING = "_greeting"
_INTENTS = _Matcher({**lx.INTENT_PHRASES, _GREETING: ("xin chào", "alo", "chào buổi sáng", "chào buổi chiều")},
                    gaps=True)
_OTHER = _Matcher(_table(*lx.OTHER_COMPLAINTS))
_HEDGES = _Matcher(_table(*lx.HEDGES))
_CUES = _Matcher({**lx.VITAL_CUES, _BLOCK: ("tim mạch", "bệnh tim", "suy tim", "nhồi máu cơ tim", "huyết áp")})
_YES = _Matcher({"yes": lx.YES_WORDS})
_NO = _Matcher({"no": lx.NO_WORDS})
_PER_MIN = _Matcher(_table(*lx.PER_MINUTE))
_LONG = _Matcher(_table(*_LONG_FEVER))
_NEG_AFTER = _Matcher(_table(*lx.NEGATION_AFTER))


@cache
def _word_sets(words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(words), frozenset(fold(w) for w in words)


def _is(tok: str | None, words: Sequence[str]) -> bool:
    """Does ``tok`` match one of ``words`` (``token_matches``)?"""
    if tok is None:
        return False
    exact, folded = _word_sets(tuple(words))
    return tok in exact or (tok in folded and tok == fold(tok))


def _negated(toks: Sequence[str], m: _Match, spans: Sequence[tuple[_Match, bool]]) -> bool:
    """Is the symptom/risk phrase ``m`` negated by the words around it?"""
    # after: "sốt thì hết rồi"
    if m.end < len(toks) and _NEG_AFTER.at(toks, m.end) is not None:
        return True
    j = m.start - 1
    steps = 0
    joined = False
    prev = {s.end: (s, neg) for s, neg in spans}
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
        if _is(tok, lx.NEGATORS) and _is(toks[m.start], ("không", "chưa", "chẳng", "chả")):
            return False  # "nôn hết ra, không uống được": the phrase is itself an inability
        if _is(tok, ("hết",)) and steps and not _is(toks[j + 1], ("bị",)):
            return False  # "nôn hết ra": "hết" after a verb is "all", not "no more"
        if _is(tok, lx.NEGATORS) and not (toks[j] in ("hết", "het") and j + 1 < len(toks) and _is(toks[j + 1], ("sức",))):
            if tok in ("đâu", "dau") and not (j + 1 < len(toks) and _is(toks[j + 1], ("có",))):
                return False
            # "uống gì cho hết ho", "làm sao để khỏi sốt": a purpose, the symptom is there
            purpose = _is(tok, ("hết", "khỏi", "đỡ")) and j > 0 and _is(toks[j - 1], ("cho", "để", "mau", "nhanh", "sớm"))
            return not purpose
        if _is(tok, ("còn",)):
            return j > 0 and _is(toks[j - 1], lx.NEGATORS)
        if _is(tok, lx.NEGATION_SKIP) or _is(tok, lx.NEGATION_JOIN):
            joined = joined or _is(tok, _LIST_JOINERS)
            j -= 1
            steps += 1
            continue
        return False
    return False


_LIST_JOINERS = ("hay", "hoặc", "lẫn", "và", "với", "cũng", "cả")
_LIST_END = ("gì", "cả", "hết", "nào", "chi", "đâu")


def _list_ends(toks: Sequence[str], i: int) -> bool:
    """Does a negated list close after token ``i`` ("... khó thở gì cả", "... hay sốt hết")?"""
    for k in range(i, min(i + 6, len(toks))):
        if toks[k] == BREAK:
            return False
        if _is(toks[k], _LIST_END) or _is(toks[k], _LIST_JOINERS):
            return True
    return False


@dataclass(frozen=True)
class _Analysis:
    tokens: tuple[str, ...]
    numbers: tuple[Number, ...]
    symptoms: tuple[str, ...]
    negated: tuple[str, ...]
    vitals: dict[str, float]
    risk_factors: tuple[str, ...]
    intents: dict[str, list[_Match]]


def _ages(toks: Sequence[str], numbers: Sequence[Number]) -> tuple[set[int], int | None]:
    """Indexes of numbers that are ages, and the largest age."""
    idx: set[int] = set()
    age: int | None = None
    for k, n in enumerate(numbers):
        after = toks[n.end] if n.end < len(toks) else None
        before = toks[max(0, n.start - 4):n.start]
        is_age = _is(after, _AGE_WORDS) or (n.start > 0 and _is(toks[n.start - 1], _AGE_WORDS))
        if not is_age:
            for b in range(len(before) - 1):
                if _is(before[b], ("năm",)) and _is(before[b + 1], ("nay",)):
                    is_age = True
        if not is_age and n.start > 0 and _is(toks[n.start - 1], ("ngoài", "hơn", "gần", "thọ")) and 40 <= n.value <= 110:
            is_age = any(_is(t, ("tôi", "ông", "bà", "mẹ", "bố", "cha", "má", "ba")) for t in before)
        if is_age and 0 < n.value < 120:
            idx.add(k)
            age = max(age or 0, int(n.value))
    return idx, age


def _vitals(toks: Sequence[str], numbers: Sequence[Number], skip: set[int],
            expect_vital: str | None) -> dict[str, float]:
    cues = [m for m in _CUES.find(toks) if m.label != _BLOCK]
    out: dict[str, float] = {}
    assigned: dict[int, str] = {}
    skip = set(skip)
    for k, n in enumerate(numbers):
        if k in skip:
            continue
        vital = None
        after = toks[n.end] if n.end < len(toks) else None
        if _is(after, _DURATIONS) and _PER_MIN.at(toks, n.end) is None:
            continue  # "sốt ba bốn ngày", "tiêm 2 mũi": a count, not a vital
        inside_degree = any(_is(t, ("độ",)) for t in toks[n.start:n.end])
        if after == "%":
            vital = "spo2"
        elif inside_degree or _is(after, ("độ",)):
            vital = "temperature"
        per_min = _PER_MIN.at(toks, n.end) if n.end < len(toks) else None
        if vital is None:
            prev_end = numbers[k - 1].end if k > 0 else 0
            best = None
            for c in cues:
                if prev_end <= c.start and c.end <= n.start and n.start - c.end <= 6:
                    best = c
            if best is None:
                # "99 % spo2" or "94 là spo2": a cue right after
                for c in cues:
                    if c.start >= n.end and c.start - n.end <= 2:
                        best = c
                        break
            if best is not None:
                vital = best.label
                if per_min is not None and vital == "temperature":
                    vital = None
        if vital is None and k - 1 in assigned:
            between = toks[numbers[k - 1].end:n.start]
            if all(_is(t, _LIST_JOIN) for t in between) or (
                    len(between) <= 5 and not any(c.start >= numbers[k - 1].end and c.end <= n.start for c in cues)):
                vital = assigned[k - 1]  # "spo2 chín lăm rồi chín bốn", "96, giờ đo lại 95"
        if vital is None and per_min is not None:
            window = toks[max(0, n.start - 6):n.start]
            if any(_is(t, ("thở",)) for t in window):
                vital = "breathing_rate"
            elif any(_is(t, ("tim", "mạch", "nhịp")) for t in window):
                vital = "pulse"
        if vital is None and expect_vital is not None:
            vital = expect_vital
        if vital is None:
            continue
        lo, hi = lx.VITAL_RANGES[vital]
        nxt = numbers[k + 1] if k + 1 < len(numbers) else None
        if (vital == "temperature" and n.value == int(n.value) and lo <= n.value <= hi and nxt is not None
                and nxt.start == n.end and nxt.end == nxt.start + 1 and nxt.value < 10 and nxt.value == int(nxt.value)
                and not (nxt.end < len(toks) and _is(toks[nxt.end], (*_DAYS, "tuần", "lần", "tuổi")))):
            # "ba tám năm" / "38 5": the tenths spoken without "độ" or "phẩy"
            n = Number(value=n.value + nxt.value / 10, start=n.start, end=nxt.end)
            skip.add(k + 1)
        if lo <= n.value <= hi:
            assigned[k] = vital
            # several values for one vital ("chín lăm rồi chín bốn"): keep the worst
            out[vital] = _worst(vital, out[vital], n.value) if vital in out else n.value
    return out


def _low_bp(toks: Sequence[str], numbers: Sequence[Number]) -> bool:
    """Blood pressure below 90/60 (MoH 261 sign 5): "huyết áp 85 trên 50", "huyết áp 85/55"."""
    for i in range(len(toks) - 1):
        if not (_is(toks[i], ("huyết",)) and _is(toks[i + 1], ("áp",))):
            continue
        after = [n for n in numbers if i + 2 <= n.start <= i + 7]
        for a, b in pairwise(after):
            between = toks[a.end:b.start]
            if len(between) == 1 and _is(between[0], ("trên", "/")) and 50 <= a.value <= 260 and 20 <= b.value <= 160:
                return a.value < 90 or b.value < 60
    return False


def _worst(vital: str, a: float, b: float) -> float:
    if vital == "spo2":
        return min(a, b)
    if vital == "pulse":
        return max(a, b, key=lambda v: abs(v - 80))
    return max(a, b)


def _analyse(text: str, expect_vital: str | None) -> _Analysis:
    toks = content_tokens(tokenize(text))
    numbers = tuple(find_numbers(toks))
    ages, age = _ages(toks, numbers)
    # symptoms with negation
    spans: list[tuple[_Match, bool]] = []
    blocked: set[int] = set()
    for m in _SYMPTOMS.find(toks):
        if m.label == _BLOCK:
            blocked.update(range(m.start, m.end))
            continue
        spans.append((m, _negated(toks, m, spans)))
    pos: list[str] = []
    neg: list[str] = []
    covered_sym = blocked | {i for m, _ in spans for i in range(m.start, m.end)}
    # body part and complaint a few words apart: "ngực trái tôi đau tức", "họng tôi hôm nay rát"
    for label, parts, words in _NEAR:
        for i, t in enumerate(toks):
            if i in covered_sym or not _is(t, parts):
                continue
            lo, hi = max(0, i - 3), min(len(toks), i + 4)
            for j in range(lo, hi):
                if j != i and j not in covered_sym and _is(toks[j], words) and BREAK not in toks[min(i, j):max(i, j)]:
                    m = _Match(min(i, j), max(i, j) + 1, label, f"{t} {toks[j]}")
                    inner_neg = any(_is(x, lx.NEGATORS) for x in toks[m.start + 1:m.end - 1])
                    spans.append((m, inner_neg or _negated(toks, m, spans)))
                    covered_sym.update(range(m.start, m.end))
                    break
    for m, is_neg in spans:
        names = (m.label, *lx.SYMPTOM_IMPLIES.get(m.label, ()), *lx.PHRASE_IMPLIES.get(m.phrase, ()))
        if m.label == "shortness_of_breath" and m.end < len(toks) and _INTENSE.at(toks, m.end) is not None:
            names = (*names, "severe_breathlessness")  # "thở khó lắm", "khó thở quá trời"
        for name in names:
            (neg if is_neg else pos).append(name)
    # "spo2 của tôi thấp": a spo2 cue followed by a "low" word, no number between
    cue_matches = _CUES.find(toks)
    for c in cue_matches:
        if c.label == "spo2":
            for j in range(c.end, min(c.end + 4, len(toks))):
                if toks[j] == BREAK or any(n.start <= j < n.end for n in numbers):
                    break
                if _is(toks[j], _LOW_WORDS):
                    pos.append("low_spo2")
                    break
    vitals = _vitals(toks, numbers, ages, expect_vital)
    if _low_bp(toks, numbers):
        pos.append("low_blood_pressure")
    # fever for three days or more
    if "fever" in pos:
        long = bool(_LONG.find(toks))
        for n in numbers:
            if n.end < len(toks) and _is(toks[n.end], _DAYS) and n.value >= 3:
                long = True
        if any(_is(t, ("tuần",)) for t in toks) and not long:
            long = any(_is(toks[i], ("tuần",)) and i > 0 and _is(toks[i - 1], ("một", "cả", "hơn", "gần"))
                       for i in range(len(toks)))
        if long:
            pos.append("prolonged_fever")
    # risk factors
    rspans: list[tuple[_Match, bool]] = []
    for m in _RISKS.find(toks):
        negd = m.label != "unvaccinated" and _negated(toks, m, rspans)
        rspans.append((m, negd))
    risks = [m.label for m, negd in rspans if not negd and m.label != _BLOCK]
    if age is not None and age >= lx.RISK_AGE:
        risks.append("age_65_plus")
    intents: dict[str, list[_Match]] = {}
    covered = {i for m, _ in spans for i in range(m.start, m.end)}
    for m in _INTENTS.find(toks):
        # "ăn gì cũng nôn" is a symptom, not "ăn gì?" (home care)
        if m.label != "emergency" and any(i in covered for i in range(m.start, m.end)):
            continue
        # "tôi không cần cấp cứu", "chưa phải cấp cứu": not a request for help
        if m.label == "emergency" and m.start >= 2 and _is(toks[m.start - 1], ("cần", "phải", "muốn")) and _is(
                toks[m.start - 2], ("không", "chưa", "chẳng", "chả")):
            continue
        # "không uống gì" is "did not drink anything", not "uống gì?" (what to take)
        if m.label in _QUESTION_INTENTS and any(_is(t, ("gì", "chi")) for t in toks[m.start:m.end]) and any(
                _is(t, ("không", "chẳng", "chưa", "chả")) for t in toks[max(0, m.start - 3):m.start]):
            continue
        intents.setdefault(m.label, []).append(m)
    if not any(k != _GREETING for k in intents) and not positive_any(spans) and _OTHER.find(toks):
        intents["_complaint"] = []
    positive = tuple(dict.fromkeys(pos))
    return _Analysis(
        tokens=toks, numbers=numbers,
        symptoms=positive,
        negated=tuple(s for s in dict.fromkeys(neg) if s not in positive),
        vitals=vitals,
        risk_factors=tuple(dict.fromkeys(risks)),
        intents=intents,
    )


def _is_question(text: str, toks: Sequence[str]) -> bool:
    if "?" in text:
        return True
    return bool(toks) and (_is(toks[-1], ("không", "chưa", "gì", "sao", "nào", "hả", "chứ", "chi"))
                           and len(toks) > 2) or _QUESTION.find(toks) != []


def positive_any(spans: Sequence[tuple[_Match, bool]]) -> bool:
    return any(not neg for _, neg in spans)


def _lead(matcher: _Matcher, toks: Sequence[str]) -> _Match | None:
    i = 0
    while i < len(toks) - 1:
        h = _HEDGES.at(toks, i)
        if h is None or (toks[i] == "chắc" and _is(toks[i + 1], ("chắc",))):
            break
        i = h.end
    m = matcher.at(toks, i) if i < len(toks) else None
    if m is not None and i:
        return _Match(0, m.end, m.label, m.phrase)
    return m


class Nlu:
    """Intents, symptoms, vitals and risk factors from one caller utterance.

    ``expect`` (the intents the question expects, optionally a vital name or
    "number"): with yes/no expected, a leading "có"/"không"/"rồi"/"chưa" is the
    answer (other words in the answer still give symptoms); with a vital expected,
    a bare number is that vital. Confidence: 0.95 emergency or an expected bare
    yes/no, about 0.85-0.9 for a phrase match, 0.5-0.7 for a guess (an answer
    nobody asked for, a care question recognised only by "thế nào"), 0.2 for
    unknown text and 0.0 for empty text. Symptoms may include the MoH warning
    signs the shared taxonomy lacks (``ivr.nlu.lexicon.EXTRA_SIGNS``).
    """

    def understand(self, text: str, *, expect: Sequence[str] | None = None) -> Understanding:
        text = "" if text is None else str(text)
        expect = tuple(expect or ())
        expect_vital = next((e for e in expect if e in VITALS), None)
        a = _analyse(text, expect_vital)
        intent, conf = self._intent(text, a, expect)
        if expect and intent in expect and intent != "unknown":
            conf = min(0.99, conf + 0.05)
        symptoms = tuple(s for s in a.symptoms if s in SYMPTOMS or s in lx.EXTRA_SIGNS)
        return Understanding(text=text, intent=intent, confidence=round(conf, 2), symptoms=symptoms,
                             vitals=dict(a.vitals), risk_factors=a.risk_factors,
                             numbers=tuple(n.value for n in a.numbers))

    def _intent(self, text: str, a: _Analysis, expect: Sequence[str]) -> tuple[str, float]:
        toks = [t for t in a.tokens if t != BREAK]
        yn_expected = "yes" in expect or "no" in expect
        if not toks:
            raw = tokenize(text)
            if yn_expected and any(t in YES_FILLERS or t in ("vâng", "vang", "da") for t in raw):
                return "yes", 0.8
            return "unknown", 0.0
        hits = a.intents
        pos = set(a.symptoms)
        yes = _lead(_YES, toks)
        if yes is not None and not yn_expected and all(t == "ừ" for t in toks):
            yes = None  # a bare "ừ"/"ờ" out of context is a hesitation
        no = _lead(_NO, toks)
        # "không có" vs "có": the longer lead wins
        lead = None
        if yes and (not no or yes.end > no.end):
            lead = ("yes", yes)
        elif no:
            lead = ("no", no)
        raw = tokenize(text)
        if lead is None and raw and raw[0] in ("dạ", "vâng", "ừ") and yn_expected:
            lead = ("yes", _Match(0, 0, "yes", raw[0]))  # "vâng ạ, tôi có sốt" answers yes
        bare = lead is not None and lead[1].end == len(toks)
        if "emergency" in hits or pos & _EMERGENCY_SIGNS:
            return "emergency", 0.95
        content = {k for k in hits if k not in ("goodbye", "repeat", "daily_checkin")}
        if "repeat" in hits and not content and not pos and not (bare and lead and lead[0] == "yes"):
            return "repeat", 0.9 if len(toks) <= 6 else 0.75
        if lead is not None and yn_expected and (not content or (
                not content & {"emergency", "request_doctor"} and not _is_question(text, toks))):
            # "có nhiệt kế" answers the question; "có được uống thuốc không?" asks one
            return lead[0], 0.95 if bare else 0.85
        if lead is None and yn_expected and not content and not pos:
            # "tiêm rồi, ba mũi" / "đo rồi" / "uống chưa có"
            first = toks[:next((i for i, t in enumerate(a.tokens) if t == BREAK), len(toks))][:4]
            if any(_is(t, ("không", "chưa", "chẳng", "chả")) for t in first):
                return "no", 0.7
            if any(_is(t, ("rồi", "có")) for t in first):
                return "yes", 0.7
        if "request_doctor" in hits:
            return "request_doctor", 0.9
        asks = [(len(hits[k]), sum(m.end - m.start for m in hits[k]), -i, k)
                for i, k in enumerate(_QUESTION_INTENTS) if k in hits]
        if asks:
            best = max(asks)[3]
            weak = best == "ask_home_care" and all(m.phrase in lx.WEAK_HOME_CARE for m in hits[best])
            if not (weak and "report_positive_test" in hits):
                return best, 0.85 if len(asks) == 1 else 0.7
        if "report_positive_test" in hits:
            return "report_positive_test", 0.9
        if lead is not None and yn_expected:
            return lead[0], 0.8
        if not pos and _QUESTION.find(toks):
            return "ask_home_care", 0.6  # "nằm nghỉ thế nào cho tốt?": a care question
        strong_bye = any(m.phrase in _STRONG_GOODBYE for m in hits.get("goodbye", ()))
        if pos:
            if strong_bye and not (pos - {"fatigue"}):
                return "goodbye", 0.6
            return "report_symptoms", 0.9 if len(pos) > 0 else 0.7
        if strong_bye:
            return "goodbye", 0.9
        if a.vitals or "daily_checkin" in hits or a.negated:
            return "daily_checkin", 0.85 if (a.vitals or "daily_checkin" in hits) else 0.7
        if "goodbye" in hits:
            return "goodbye", 0.8
        if bare and lead is not None:
            return lead[0], 0.6
        if a.risk_factors or "_complaint" in hits:
            return "report_symptoms", 0.6
        if a.numbers and any(e in ("number", *VITALS) for e in expect):
            return "daily_checkin", 0.6
        if lead is not None:
            return lead[0], 0.5
        return "unknown", 0.2

    def number(self, text: str, *, vital: str | None = None) -> float | None:
        """The value in ``text`` for ``vital`` (range-checked), or the first number."""
        toks = content_tokens(tokenize("" if text is None else str(text)))
        numbers = find_numbers(toks)
        if not numbers:
            return None
        if vital is None:
            return numbers[0].value
        if vital not in VITALS:
            raise ValueError(f"unknown vital {vital!r}; expected one of {', '.join(VITALS)}")
        ages, _ = _ages(toks, numbers)
        found = _vitals(toks, numbers, ages, vital)
        if vital in found:
            return found[vital]
        lo, hi = lx.VITAL_RANGES[vital]
        for k, n in enumerate(numbers):
            if k not in ages and lo <= n.value <= hi:
                return n.value
        return None


@lru_cache(maxsize=1)
def default_understander() -> Nlu:
    """The process-wide shared ``Nlu`` (stateless, safe to share between calls)."""
    return Nlu()


_GRAMMAR: dict[str, tuple[str, ...]] = {
    "yes": ("có", "vâng", "dạ", "dạ có", "đúng", "đúng rồi", "phải", "rồi", "được", "ừ", "có ạ", "vâng ạ"),
    "no": ("không", "không có", "chưa", "không phải", "chưa có", "không ạ", "dạ không", "hết rồi"),
    "repeat": ("nói lại", "nhắc lại", "lặp lại", "không nghe rõ", "gì cơ", "hả"),
    "goodbye": ("tạm biệt", "cảm ơn", "chào", "thôi", "xong rồi"),
    "request_doctor": ("gặp bác sĩ", "bác sĩ", "nhân viên", "tư vấn viên"),
    "emergency": ("cấp cứu", "xe cấp cứu", "cứu với", "không thở được", "khó thở"),
}
_NUMBER_EXTRA = ("phần trăm", "độ", "lần", "phút", "một phút", "nhịp", "tuổi")
#: Intents a caller says in free words: a closed grammar would lose them.
OPEN_INTENTS: tuple[str, ...] = ("report_symptoms", "daily_checkin", "report_positive_test", "ask_medication",
                                 "ask_isolation", "ask_home_care", "unknown")


def expected_phrases(intents: Sequence[str]) -> tuple[str, ...]:
    """Phrases for a closed ASR grammar (Vosk) covering ``intents``.

    ``intents`` may hold intent names (yes, no, repeat, goodbye, request_doctor,
    emergency), vital names (spo2, temperature, breathing_rate, pulse) or
    "number"; vitals and "number" add the number words. Repeat and emergency
    phrases are always included so a caller can still ask for help.

    Raises ValueError for a name that is not an intent or a vital, and for the
    intents callers say in their own words (``OPEN_INTENTS``: symptoms,
    questions...), which need the open vocabulary: listen without a grammar.
    A collect node should pass its vital ("spo2"), else no number words are in
    the grammar.
    """
    out: list[str] = []
    wanted = list(intents) + ["repeat", "emergency"]
    for name in wanted:
        if name in _GRAMMAR:
            out.extend(_GRAMMAR[name])
        elif name == "number" or name in VITALS:
            out.extend(NUMBER_WORDS)
            out.extend(_NUMBER_EXTRA)
        elif name in OPEN_INTENTS:
            raise ValueError(f"intent {name!r} is said in free words: listen with the open vocabulary")
        elif name not in INTENTS:
            raise ValueError(f"unknown intent or vital {name!r}")
    return tuple(dict.fromkeys(out))
