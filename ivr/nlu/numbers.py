"""Spoken Vietnamese numbers to values.

Handles what callers say when reading a thermometer or a pulse oximeter:
"chín mươi tư" 94, "chín tư" 94, "chín lăm" 95, "ba mươi tám độ rưỡi" 38.5,
"ba chín độ năm" 39.5, "ba tám phẩy năm" 38.5, "một trăm hai mươi" 120,
"một trăm linh năm" 105, "trăm mốt" 110, and digits as text "94", "38,5",
"38.5", "38 độ 5"; figures mixed with words ("1 trăm 2" 120, "9 lăm" 95, "chín mươi 5" 95); number words
run together ("chínlăm" 95) and a recognizer's slips on them ("chín lắm" 95, "một chăm hai" 120:
numbers.yaml ``digit_slips``, ``unit_slips``...), each only where the slip cannot be another word; and what a poor line
leaves of a value (session 12): a hesitation or a pause inside it ("chín ừ bảy", "một trăm, hai mươi"), a filler or a
unit glued to it ("ờchín tám", "chín bảyphần trăm"), a first digit said twice ("chín chín sáu" 96), a word cut short
("ba mư tám độ"), "từ" for "tư" and "mưa" for "mươi" where the value ends, a point word bent ("ba tám phải hai");
and (session 13) line noise inside a value ("chín rè rè sáu"), a digit word clipped ("chí tám", "ba tá độ", "ín sáu"),
a temperature said again after its unit ("ba tám độ ba tám độ" 38).

Works on tokens from ``ivr.nlu.normalize.tokenize``; ``find_numbers`` returns the
spans so the NLU can look at the words around each number.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ivr.nlu import lexicon as lx
from ivr.nlu.normalize import BREAK, content_tokens, fold, token_matches, tokenize

# The words: ivr/nlu/data/numbers.yaml.
_DIGITS = lx.DIGITS
# Only after another number word: "hai mốt" 21, "chín tư" 94, "chín lăm" 95.
_UNIT_ONLY = lx.UNIT_ONLY
_TEN = lx.TEN
_TENS = lx.TENS
_HUNDRED = lx.HUNDRED
_THOUSAND = lx.THOUSAND
_ZERO_TENS = lx.ZERO_TENS
_HALF = lx.HALF
_POINT = lx.POINT
_DEGREE = lx.DEGREE
# session 23b (n68-s21-elderly): a state a father said again after "độ" is in ("ba chín độ ba lạnh run": 39.0)
_FATHER_STATES = ("lạnh", "run", "rét", "mệt", "nóng", "ho", "khó", "thở", "đau", "kêu", "than", "nằm", "ngủ", "vã",
                  "co", "lừ", "li", "yếu", "ói", "nôn", "mửa", "lơ", "rên", "nhức")
# After "độ N": these words mean N counts something else ("39 độ 3 ngày").
_NOT_DECIMAL_AFTER = lx.NOT_DECIMAL_AFTER
# "năm" is the year in "năm nay", "năm ngoái"...
_YEAR_AFTER = lx.YEAR_AFTER
_YEAR_OR_AGE_AFTER = lx.YEAR_OR_AGE_AFTER
_YEAR_BEFORE = lx.YEAR_BEFORE
# A digit word with its vowel misheard ("hay" 2, "sáo" 6), and "mươi" heard as "mưa": numbers.yaml (session 10).
_VOWEL_SLIPS = lx.LEXICON.values("numbers", "vowel_slips")
_TENS_SLIPS_BETWEEN = lx.LEXICON.words("numbers", "tens_slips_between")
_VOWEL_SLIPS_NOT_BEFORE = lx.LEXICON.words("numbers", "vowel_slips_not_before")
_ORDINAL_BEFORE = lx.LEXICON.words("numbers", "ordinal_before")
# "mười" heard as "mươi" or with another tone at the start of a number ("mươi tám" 18): numbers.yaml (session 11).
_TEN_SLIPS = lx.LEXICON.words("numbers", "ten_slips")
_TEN_SLIPS_NOT_AFTER = lx.LEXICON.words("numbers", "ten_slips_not_after")
# Of the southern tens typed without diacritics, those that are also a key pressed ("bam hai"): session 12.
_SOUTHERN_TENS_GUARDED = lx.LEXICON.words("numbers", "southern_tens_guarded")
# "hăm" and "băm" with another tone from a recognizer ("hằm tư", "bằm tám"): session 12.
_SOUTHERN_TENS_SLIPS = lx.LEXICON.values("numbers", "southern_tens_slips")
# A number answer as a poor line and a recognizer deliver it (session 12, n19): numbers.yaml.
_HESITATIONS = frozenset(lx.LEXICON.words("numbers", "hesitations"))
_GLUED_FILLERS = tuple(sorted(lx.LEXICON.words("numbers", "glued_fillers"), key=len, reverse=True))
_TU_SLIPS = frozenset(lx.LEXICON.words("numbers", "tu_slips"))
_VALUE_END_UNITS = lx.LEXICON.words("numbers", "value_end_units")
_DOUBLED_DIGIT_NOT = lx.LEXICON.words("numbers", "doubled_digit_not")
_POINT_SLIPS = frozenset(lx.LEXICON.words("numbers", "point_slips"))
_POINT_SLIP_MIN = lx.LEXICON.number("numbers", "point_slip_min")
_POINT_SLIP_MAX = lx.LEXICON.number("numbers", "point_slip_max")
_TENTHS_SLIPS = lx.LEXICON.values("numbers", "tenths_slips")
_FIRST_DIGIT_SLIPS = lx.LEXICON.values("numbers", "first_digit_slips")
#: session 20 (n44-numbers): a digit misheard beside another digit word ("ba tắm tư", "còn tắm tám"): numbers.yaml.
_BESIDE_DIGIT_SLIPS = lx.LEXICON.values("numbers", "beside_digit_slips")
_CUT_SHORT = lx.LEXICON.rewrites("numbers", "cut_short")
# session 21 (n50-readings): recognizer-spelled digits inside readings, and a ripe "chín": numbers.yaml.
_FIRST_DIGIT_SLIPS_BEFORE_UNITS = lx.LEXICON.values("numbers", "first_digit_slips_before_units")
_FIRST_DIGIT_UNITS_AFTER = lx.LEXICON.words("numbers", "first_digit_units_after")
_SLIP_UNITS_BEFORE = lx.LEXICON.words("numbers", "slip_units_before")
_HUNDRED_SLIP_AFTER = lx.LEXICON.words("numbers", "hundred_slip_after")
_HUNDRED_SLIP_UNITS = lx.LEXICON.words("numbers", "hundred_slip_units")
_RIPE_AFTER = lx.LEXICON.words("numbers", "ripe_after")
_PERSONS_COUNTED_AFTER = lx.LEXICON.words("numbers", "persons_counted_after")  # session 21b (n52-s17-readings)
# Words of line noise a recognizer writes inside a value ("chín rè rè sáu"): numbers.yaml (session 13, n20).
_LINE_NOISE = frozenset(lx.LEXICON.words("numbers", "line_noise"))
# A digit word with its final sound lost ("chí" chín, "tá" tám), or its first ("ín" chín): numbers.yaml (session 13).
_CLIPPED = lx.LEXICON.rewrites("numbers", "clipped")
_CUT_START = lx.LEXICON.rewrites("numbers", "cut_start")
# An answer said alone at a number question (session 14, n22): numbers.yaml alone_slips and the words around them.
_ALONE_SLIPS = lx.LEXICON.rewrites("numbers", "alone_slips")
_ALONE_FIRST_SLIPS = lx.LEXICON.rewrites("numbers", "alone_first_slips")
_ALONE_FIRST_BEFORE = lx.LEXICON.words("numbers", "alone_first_before")
_ALONE_FILLERS = lx.LEXICON.words("numbers", "alone_fillers")
_ALONE_FILLERS = (*_ALONE_FILLERS, *lx.FILLERS)
_ALONE_WORDS = (*_ALONE_FILLERS, *lx.LEXICON.words("numbers", "alone_words"))
_ALONE_VOCATIVES = lx.LEXICON.words("numbers", "alone_vocatives")
_ALONE_NOT = frozenset(lx.LEXICON.words("numbers", "alone_not"))


@dataclass(frozen=True)
class Number:
    """A number found in a token sequence: tokens[start:end] say ``value``."""

    value: float
    start: int
    end: int


def _word(tok: str, table: Mapping[str, int]) -> int | None:
    if tok in table:
        return table[tok]
    if tok == fold(tok):
        for w, v in table.items():
            if fold(w) == tok:
                return v
    return None


def _is(tok: str | None, words: Sequence[str]) -> bool:
    return tok is not None and any(token_matches(tok, w) for w in words)


#: The five tone marks (combining): a recognizer often gets a number word's tone wrong ("chín bấy", "chỉn mươi").
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@lru_cache(maxsize=4096)
def _toneless(word: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", word) if ch not in _TONE_MARKS))


def _tone_slip(tok: str | None, table: Mapping[str, int], protected: Sequence[str], *,
               marks: bool = False) -> int | None:
    """The value of the number word ``tok`` is with another tone ("bấy" for "bẩy", "sàu" for "sáu"), or with
    ``marks`` with any other diacritics ("bón mươi" for "bốn mươi"): only a token written with diacritics, none
    of ``protected`` (numbers.yaml ``tone_slips_protected``: "bà", "nằm")."""
    if tok is None or tok in protected or not tok.isalpha():
        return None
    key = fold if marks else _toneless
    bare = key(tok)
    if bare == tok:
        return None
    for w, v in table.items():
        if w != tok and key(w) == bare:
            return v
    return None


def _final_slip(tok: str | None, table: Mapping[str, int]) -> int | None:
    """The value of the number word ``tok`` is with its final consonant misheard, its tone the same ("mộc" for
    "một", "mốc" for "mốt", "bống" for "bốn", "năng" for "năm" is not: m is no confusable final): matching.yaml
    ``confusable_finals`` (c/t, ng/nh/n). Only a token written with diacritics; the caller decides where (a units
    place)."""
    if tok is None or not tok.isalpha() or fold(tok) == tok:
        return None
    for w, v in table.items():
        if w != tok and fold(w) != fold(tok) and _stem(tok) == _stem(w) and _toneless(tok) != tok \
                and _tone_of(tok) == _tone_of(w):
            return v
    return None


@lru_cache(maxsize=4096)
def _stem(word: str) -> str:
    """``word`` folded without a final consonant a recognizer confuses (c, t, ch; n, ng, nh)."""
    f = fold(word)
    for final in ("ng", "nh", "ch", "n", "c", "t"):
        if f.endswith(final) and len(f) > len(final):
            return f[: -len(final)] + ("n" if "n" in final else "t")
    return f


def _tone_of(word: str) -> str:
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if ch in _TONE_MARKS)


def _figure(tok: str | None) -> int | None:
    """A one-figure digit token said inside spoken words ("1 trăm 2", "chín mươi 5"): 1-9, else None."""
    if tok is not None and len(tok) == 1 and tok.isdigit() and tok != "0":
        return int(tok)
    return None


def _unit_word(tok: str | None) -> bool:
    """Is ``tok`` a units word that only follows another number word ("lăm", "mốt", "tư") or its slip ("lắm")?"""
    return tok is not None and (_word(tok, _UNIT_ONLY) is not None or _word(tok, lx.UNIT_SLIPS) is not None)


#: Every word that can be part of a spoken number (what a token run together from number words is split into).
_PARTS: tuple[str, ...] = (*lx.DIGITS, *lx.UNIT_ONLY, *lx.TEN, *lx.TENS, *lx.HUNDRED, *lx.HALF, *lx.POINT,
                           *lx.DEGREE, *lx.DIGIT_SLIPS, *lx.UNIT_SLIPS)


@lru_cache(maxsize=4096)
def split_run_together(tok: str) -> tuple[str, ...] | None:
    """A token that is two or three number words run together by a recognizer or a typist ("chínlăm",
    "bamươi", "chinlam"), as those words; None for any other token (a number word itself included). Only
    whole number words of two letters or more count, so no ordinary word is split into a number."""
    if len(tok) < 4 or not tok.isalpha() or any(token_matches(tok, w) for w in _PARTS):
        return None

    def parts(rest: str, left: int) -> tuple[str, ...] | None:
        for w in _PARTS:
            for k in range(2, len(rest) + 1):
                head = rest[:k]
                if not token_matches(head, w):
                    continue
                if k == len(rest):
                    return (head,)
                if left > 1:
                    tail = parts(rest[k:], left - 1)
                    if tail is not None:
                        return (head, *tail)
        return None

    got = parts(tok, 3)
    return got if got is not None and len(got) > 1 else None


def _digit_token(tok: str) -> float | None:
    if tok and tok[0].isdigit():
        try:
            return float(tok.replace(",", "."))
        except ValueError:
            return None
    return None


class _Parser:
    def __init__(self, toks: Sequence[str]):
        self.t = list(toks)
        self.n = len(toks)
        #: typed or recognized with diacritics: a "sau" without them there is "after", never six
        self.marked = any(fold(t) != t for t in toks)

    def at(self, i: int) -> str | None:
        return self.t[i] if 0 <= i < self.n else None

    def digit(self, i: int, *, initial: bool) -> int | None:
        tok = self.at(i)
        if tok is None:
            return None
        v = _word(tok, _DIGITS)
        if v is None:
            v = _word(tok, lx.DIGIT_SLIPS)
        if v is None and (_unit_word(self.at(i + 1)) or self.last_digit_follows(i + 1)
                          or self.slip_after_measure(i)):
            v = _word(tok, lx.DIGIT_SLIPS_BEFORE_UNIT)  # "chính lăm": 95, "được chính ba": 93
        if v is None:
            v = _figure(tok)
        if v is None and not initial:
            v = _word(tok, _UNIT_ONLY)
        if v is None and not initial:
            v = _tone_slip(tok, _DIGITS, lx.TONE_SLIPS_PROTECTED)
        if v is None and _is(self.at(i - 1), _HUNDRED) and _is(self.at(i + 1), _TENS):
            v = _tone_slip(tok, _DIGITS, (), marks=True)  # "một trăm bà mươi" 130: between hundred and tens, a digit
        if v is None and (_is(self.at(i + 1), _TENS) or self.tens_slip(i + 1)):
            v = _word(tok, _VOWEL_SLIPS)  # "hay mươi tám" 28, "một trăm hay mươi" 120 (session 10)
        if v is None and tok in _BESIDE_DIGIT_SLIPS and self.beside_digit(i, initial=initial):
            v = _BESIDE_DIGIT_SLIPS[tok]  # session 20 (n44-numbers): "ba tắm tư" 38.4, "còn tắm tám" 88
        if v is None and initial and tok in _FIRST_DIGIT_SLIPS_BEFORE_UNITS and _is(
                self.at(i + 1), _FIRST_DIGIT_UNITS_AFTER) and not _is(self.at(i + 2), lx.COUNT_UNITS):
            v = _FIRST_DIGIT_SLIPS_BEFORE_UNITS[tok]  # session 21 (n50-readings): "tắm lăm" 85, "tắm mốt" 81
        if v is None and _is(self.at(i + 1), _TENS) and tok in _FIRST_DIGIT_SLIPS:
            v = _FIRST_DIGIT_SLIPS[tok]  # "xáu mươi hai" 62, "bón mươi tám" 48 (session 12, n19)
        if v is None and initial and _is(self.at(i + 1), lx.HUNDRED_AFTER_ONE) and _tone_slip(
                tok, _DIGITS, lx.TONE_SLIPS_PROTECTED, marks=True) == 1:
            v = 1  # "mọt chăm ba mươi" 130: "một" with other marks before a misheard "trăm" (session 10, n12)
        if v is None and initial and not _is(self.at(i - 1), lx.SLIP_NOT_AFTER) and (
                _word(self.at(i + 1) or "", _UNIT_ONLY) is not None or self.last_digit_follows(i + 1)):
            # "chịn tám" 98, "chỉn lăm" 95, "bấy tám" 78: a first digit with another tone before the digit that ends
            # the value (session 11, n15); never a word of its own there (tone_slips_protected: "bà tám", "nằm ba")
            v = _tone_slip(tok, _DIGITS, lx.TONE_SLIPS_PROTECTED)
        if v is None and initial and _is(self.at(i + 1), (*_TENS, *_HUNDRED, *_DEGREE)):
            # "chỉn mươi lăm", "bạ mươi tám độ", "bón mươi": at the start only before a tens, hundred or degree word
            v = _tone_slip(tok, _DIGITS, lx.TONE_SLIPS_PROTECTED, marks=True)
        if v is None:
            return None
        if initial and v == 9 and self.ripe(i):
            return None  # session 21 (n50-readings): "quả sim chín", "chuối chín": ripe, no nine
        if initial and v == 0:
            return None  # a leading "không" is "no", not zero
        if initial and v == 5 and self.is_year(i):
            return None
        if initial and v == 3 and _is(self.at(i + 1), lx.KINSHIP_AFTER):
            return None  # "ba tui", "ba em": a father, not three
        if initial and v == 3 and _is(self.at(i - 1), lx.KINSHIP_BEFORE) and not self.number_follows(i + 1):
            return None  # "nhịp thở của ba thì...", "đo giùm ba": a father, not three
        if initial and tok == "sau" and (
                not self.number_follows(i + 1) or self.accented_near(i)
                or (self.marked and not _is(self.at(i + 1), _TENS))) and not (
                _is(self.at(i - 1), lx.BLOOD_PRESSURE_SEPARATORS) and self.number_ends_at(i - 1)):
            # "hit khong duoc sau" (sâu, deep) or "sau do" (after): six only before a number word, and only in text
            # typed without diacritics ("lần sau chín ba" is "next time 93": "sáu" would carry its accent there, as in
            # any text with diacritics but before a tens word: "nhiệt độ lúc sau ba tám độ rưỡi" is later 38.5, "sau
            # mươi" 60, session 12);
            # after a number and a blood pressure separator it is the lower number ("chin tren sau" 90/60, session 12)
            return None
        return v

    def ripe(self, i: int) -> bool:
        """Session 21 (n50-readings): is the lone "chín" at ``i`` ripe or cooked (numbers.yaml ``ripe_after``: a fruit
        or food word or a cooking verb right before it, no number word after it)?"""
        return _is(self.at(i - 1), _RIPE_AFTER) and not self.number_word(i + 1) and _digit_token(
            self.at(i + 1) or "") is None

    def hundred_slip(self, i: int) -> bool:
        """Session 21 (n50-readings): is ``i`` "trăm" heard as "chăm" with no "một" before it ("mạch chăm mốt" 110):
        right after a pulse word and before a units word (numbers.yaml ``hundred_slip_after``,
        ``hundred_slip_units``)?"""
        return (_is(self.at(i), lx.HUNDRED_AFTER_ONE) and _is(self.at(i - 1), _HUNDRED_SLIP_AFTER)
                and _is(self.at(i + 1), _HUNDRED_SLIP_UNITS))

    def count_before(self, i: int) -> bool:
        """Is token ``i`` right after a count, a lone digit word or figure two to five ("ba lần", "2 lần"; not the end
        of a value: "chín bảy lần hai")?"""
        prev = self.at(i - 1)
        v = None if prev is None else (_word(prev, _DIGITS) if _figure(prev) is None else _figure(prev))
        return v is not None and 2 <= v <= 5 and not self.number_ends_at(i - 1)

    def number_ends_at(self, i: int) -> bool:
        """Does a number end right before token ``i`` (a number word, a figure or digits)?"""
        prev = self.at(i - 1)
        return prev is not None and (self.number_word(i - 1) or _digit_token(prev) is not None)

    def number_word(self, i: int) -> bool:
        """Is token ``i`` a digit, units-only, ten, tens or hundred word?"""
        tok = self.at(i)
        return tok is not None and (_word(tok, _DIGITS) is not None or _word(tok, _UNIT_ONLY) is not None
                                    or _is(tok, (*_TEN, *_TENS, *_HUNDRED)))

    def starts_number(self, i: int) -> bool:
        """Does token ``i`` start a number: no number word, figure or ``ten_slips_not_after`` word before it ("hai
        mươi tám" is 28, "mấy mươi" no number)?"""
        prev = self.at(i - 1)
        return prev is None or not (self.number_word(i - 1) or _figure(prev) is not None
                                    or _digit_token(prev) is not None or _is(prev, _TEN_SLIPS_NOT_AFTER))

    def tens_slip(self, i: int) -> bool:
        """Is token ``i`` "mươi" misheard (numbers.yaml ``tens_slips_between``: "mưa") between a digit word and a
        units or digit word ("chín mưa hai" 92)?"""
        nxt = self.at(i + 1)
        return (_is(self.at(i), _TENS_SLIPS_BETWEEN) and nxt is not None
                and (_word(nxt, _DIGITS) is not None or _word(nxt, _UNIT_ONLY) is not None))

    def ends_value(self, j: int) -> bool:
        """Does a value end before token ``j``: the clause ends or a unit of a reading follows (numbers.yaml
        ``value_end_units``)?"""
        tok = self.at(j)
        return tok is None or tok == BREAK or _is(tok, _VALUE_END_UNITS)

    def tens_slip_at_end(self, i: int) -> bool:
        """Is token ``i`` "mươi" heard as "mưa" (``tens_slips_between``) where the value ends right after it ("hai
        mưa lần" 20, "tám mưa" 80), never after "ba" ("ba mưa": dad, rain) (session 12, n19)?"""
        return (_is(self.at(i), _TENS_SLIPS_BETWEEN) and self.ends_value(i + 1)
                and not _is(self.at(i - 1), lx.UNIT_SLIPS_NOT_AFTER))

    def tu_slip(self, i: int) -> bool:
        """Is token ``i`` "tư" (four) heard as "từ" (from) in the units place where the value ends: after a tens or
        ten word, or after a digit word but "ba" (dad), and before the clause end or a unit ("hai mươi từ lần" 24,
        "chín từ" 94; "tám mươi từ sáng" stays 80) (session 12, n19)?"""
        prev = self.at(i - 1)
        return (self.at(i) in _TU_SLIPS and self.ends_value(i + 1)
                and (_is(prev, (*_TEN, *_TENS)) or (_word(prev or "", _DIGITS) not in (None, 0)
                                                    and not _is(prev, lx.UNIT_SLIPS_NOT_AFTER))))

    def point_slip(self, value: float, j: int) -> tuple[float, int] | None:
        """A decimal point word bent into another word (numbers.yaml ``point_slips``: "ba tám phải hai" 38.2, "ba
        tám trấm năm" 38.5) after a whole value in the body-temperature range, before one digit (one to nine, or a
        ``tenths_slips`` word) that ends the value: the clause ends or "độ" follows (session 12, n19)."""
        if self.at(j) not in _POINT_SLIPS or value != int(value) or not _POINT_SLIP_MIN <= value <= _POINT_SLIP_MAX:
            return None
        v = self.tenth(j + 1)
        if v is None or not (self.clause_end(j + 2) or _is(self.at(j + 2), _DEGREE)):
            return None
        return value + v / 10, j + 2

    def beside_digit(self, i: int, *, initial: bool) -> bool:
        """Session 20 (n44-numbers): is the slip at ``i`` a digit of a reading: after a digit word inside the value
        (``initial`` false: "ba tắm tư", "chín tắm"), or first before a digit word that ends the value (the clause
        ends, or "độ"/"%"/"thôi" follows: "còn tắm tám thôi"; "tắm hai lần" is a bath counted)?"""
        def ends(j: int) -> bool:
            tok = self.at(j)
            return tok is None or tok in (BREAK, "%") or _is(tok, (*_DEGREE, "thôi"))

        nxt = self.at(i + 1)
        if not initial:  # "ba tắm tư", "chín tắm"; "ba tắm rồi" is dad's bath
            return _word(self.at(i - 1) or "", _DIGITS) is not None and (
                ends(i + 1) or _word(nxt or "", _DIGITS) is not None or nxt in ("tư", *_TU_SLIPS))
        return nxt is not None and _word(nxt, _DIGITS) is not None and ends(i + 2)

    def clause_end(self, j: int) -> bool:
        return self.at(j) in (None, BREAK)

    def tenth(self, i: int) -> int | None:
        """A tenths digit at ``i``: a digit or units word (one to nine), or a ``tenths_slips`` word ("tắm" 8) where
        the clause ends after it ("ba tám độ tắm nước ấm" is a bath)."""
        tok = self.at(i)
        if tok is None:
            return None
        v = _word(tok, _DIGITS)
        if v is None:
            v = _word(tok, _UNIT_ONLY)
        if v is None and tok in _TENTHS_SLIPS and self.clause_end(i + 1):
            v = _TENTHS_SLIPS[tok]
        return v if v else None

    def last_digit_follows(self, i: int) -> bool:
        """Is token ``i`` a digit word (one to eight) that ends the number: the clause ends after it or a unit
        follows ("được chính ba", "chính hai phần trăm")? Not after "là"/"của" ("người đo là chính ba": dad himself)
        nor before a kinship word ("chính ba tôi đo")."""
        v = _word(self.at(i) or "", _DIGITS)
        after = self.at(i + 1)
        return (v is not None and 1 <= v <= 8 and not _is(self.at(i - 2), lx.SLIP_NOT_AFTER)
                and (after is None or after in (BREAK, "%") or _is(after, lx.NUMBER_UNITS)))

    def slip_after_measure(self, i: int) -> bool:
        """Session 19 (n42-set11-miss): is token ``i`` ("chính") right after a measuring word or the SpO2's name
        (numbers.yaml ``slip_after_measure``) and before a digit word of one to eight that is not followed by a word
        of slip_not_before or a first person ("đo được chính hai chị kêu" 92, "oxy chính tám hai mươi" 98)?"""
        v = _word(self.at(i + 1) or "", _DIGITS)
        after = self.at(i + 2)
        return (_is(self.at(i - 1), lx.SLIP_AFTER_MEASURE) and v is not None and 1 <= v <= 8
                and not _is(after, lx.SLIP_NOT_BEFORE) and not _is(after, lx.FIRST_PERSONS))

    def accented_near(self, i: int) -> bool:
        """Is token ``i`` followed by a digit word written with its diacritics ("lần sau chín ba", "một lát sau một
        trăm hai": typed so, "sáu" would carry its accent too)? A tens word after it ("sau mươi") makes it six."""
        nxt = self.at(i + 1)
        return nxt is not None and nxt in _DIGITS and fold(nxt) != nxt

    def number_follows(self, i: int) -> bool:
        """Does token ``i`` continue a number or give it a unit ("sau muoi", "sau lan", "sau do")?"""
        nxt = self.at(i)
        if nxt is None:
            return False
        return (_word(nxt, _DIGITS) is not None or _word(nxt, _UNIT_ONLY) is not None
                or _is(nxt, (*_TEN, *_TENS, *_HUNDRED, *_THOUSAND, *_HALF, *_POINT, *lx.NUMBER_UNITS)) or nxt == "%")

    def is_year(self, i: int) -> bool:
        return _is(self.at(i + 1), _YEAR_OR_AGE_AFTER) or (
            _is(self.at(i - 1), _YEAR_BEFORE) and not _is(self.at(i - 1), ("hai", "ba")))

    def persons_counted(self, i: int) -> bool:
        """Session 21b (n52-s17-readings): is the digit word at ``i``, after a tens word, a count of the persons named
        right after it ("sáu mươi hai ông bà": 60, then the two of them; numbers.yaml ``persons_counted_after``)?"""
        if not _is(self.at(i - 1), _TENS) or _word(self.t[i], _DIGITS) not in (2, 3, 4):
            return False
        two = " ".join(t for t in (self.at(i + 1), self.at(i + 2)) if t is not None)
        return _is(self.at(i + 1), _PERSONS_COUNTED_AFTER) or any(
            " " in w and (two == w or two.startswith(w + " ")) for w in _PERSONS_COUNTED_AFTER)

    def unit(self, i: int) -> tuple[int, int] | None:
        """A digit in the units place (after "mươi"/"mười"/a tens digit)."""
        tok = self.at(i)
        if tok is None or self.persons_counted(i):
            return None
        v = _word(tok, _DIGITS)
        if v is None:
            v = _word(tok, _UNIT_ONLY)
        if v is None:
            v = _word(tok, lx.DIGIT_SLIPS)
        if v is None and tok in _BESIDE_DIGIT_SLIPS and self.beside_digit(i, initial=False):
            v = _BESIDE_DIGIT_SLIPS[tok]  # session 20 (n44-numbers): "ba tắm tư" 38.4, "chín tắm" 98
        if v is None:
            v = _figure(tok)
        if v is None and not _is(self.at(i - 1), lx.UNIT_SLIPS_NOT_AFTER):
            v = _word(tok, lx.UNIT_SLIPS)  # "chín lắm" 95, but "nhớ ba lắm" is no number
        if v is None and _is(self.at(i - 1), (*_TEN, *_TENS)) and not _is(self.at(i + 1), lx.SLIP_NOT_BEFORE):
            v = _word(tok, lx.DIGIT_SLIPS_BEFORE_UNIT)  # "mười chính" 19; "hai mươi chính xác" is 20
        free = not _is(self.at(i + 1), lx.SLIP_NOT_BEFORE)  # "hai mươi chính xác" is 20
        if v is None and free and not _is(self.at(i - 1), lx.UNIT_SLIPS_NOT_AFTER):
            v = _final_slip(tok, {**_DIGITS, **_UNIT_ONLY})  # "chín mươi mộc" 91, "chín mốc" 91, "chín bống" 94
        if v is None and free and _is(self.at(i - 1), _TENS):
            # right after a tens word a digit with other marks is a digit ("chín mươi sấu" 96, "chín mươi hải" 92),
            # never a person there ("tám mươi bà" stays 80)
            v = _tone_slip(tok, {**_DIGITS, **_UNIT_ONLY}, lx.TENS_SLIPS_PROTECTED, marks=True)
        if v is None and not _is(self.at(i - 1), lx.UNIT_SLIPS_NOT_AFTER):
            v = _tone_slip(tok, {**_DIGITS, **_UNIT_ONLY}, lx.TONE_SLIPS_PROTECTED)  # "chín bấy" 97
        if v is None and not _is(self.at(i - 1), lx.UNIT_SLIPS_NOT_AFTER) and not self.number_word(i + 1) \
                and not _is(self.at(i + 1), _VOWEL_SLIPS_NOT_BEFORE):
            v = _word(tok, _VOWEL_SLIPS)  # "chín mươi hay" 92, "chín sáo" 96; "chín mươi hay chín mốt" is "or"
        if v is None and _word(self.at(i - 1) or "", _DIGITS) is not None and _is(self.at(i + 1), _SLIP_UNITS_BEFORE) \
                and not _is(self.at(i - 2), lx.SLIP_NOT_AFTER):
            v = _word(tok, lx.DIGIT_SLIPS_BEFORE_UNIT)  # session 21 (n50-readings): "ba chính rưỡi" 39.5
        if v is None and self.tu_slip(i):
            v = 4  # "hai mươi từ lần" 24, "chín từ" 94 (session 12, n19)
        if v is None or v == 0:
            return None
        if _is(self.at(i + 1), _TENS):
            return None  # "tám chục năm chục", "một trăm hai tám mươi": the tens of the next number, no unit
        if v == 5 and fold(tok) == "nam" and _is(self.at(i + 1), _YEAR_AFTER):
            return None
        return v, i + 1

    def below_100(self, i: int, *, after_hundred: bool = False) -> tuple[int, int] | None:
        tok = self.at(i)
        if tok is None:
            return None
        if _is(tok, _TEN):
            if not after_hundred and _is(self.at(i + 1), lx.SOME):
                return 15, i + 2  # "mười mấy" (10-19), read as its middle like "tám mấy" (session 10)
            u = self.unit(i + 1)
            return (10 + u[0], u[1]) if u else (10, i + 1)
        if tok != fold(tok) and _is(tok, _TEN_SLIPS) and (after_hundred or self.starts_number(i)):
            u = self.unit(i + 1)
            if u:
                # "mươi tám" 18, "mưới sáu" 16, "một trăm mươi lăm" 115: "mười" misheard (session 11, n15)
                return 10 + u[0], u[1]
        south = _word(tok, lx.SOUTHERN_TENS_FOLDED) if tok == fold(tok) and not after_hundred else None
        if south is None and not after_hundred:
            # "hằm tư" 24, "bằm tám" 38: "hăm"/"băm" with another tone from a recognizer (session 12, n17)
            south = _SOUTHERN_TENS_SLIPS.get(tok)
        if south is not None and _is(self.at(i + 1), lx.SOUTHERN_TENS_NOT_BEFORE) and (
                fold(tok) in _SOUTHERN_TENS_GUARDED or not self.last_digit_follows(i + 1)):
            # "bam hai" is a key pressed; "ham hai" is 22 only where the value ends there ("tho ham hai", "ham ba lan";
            # "dau ham hai ben" is the jaw) (session 12, n17)
            south = None
        if south is not None:
            u = self.unit(i + 1)
            if u:
                return south * 10 + u[0], u[1]  # "ham tu" 24, "bam tam" 38 (typed without diacritics)
        d = self.digit(i, initial=not after_hundred)
        if d is None:
            return None
        # "tám mấy", "bảy mươi mấy": some value of those tens, read as its middle (85, 75); "chín mấy"
        # (90-99) spans normal and low SpO2 alike, so it is left unread (numbers.yaml ``some``)
        k = i + 2 if _is(self.at(i + 1), _TENS) else i + 1
        if d >= 2 and not after_hundred and _is(self.at(k), lx.SOME):
            return (d * 10 + 5, k + 1) if d <= lx.SOME_MAX_TENS else None
        # "chín mười tư": ASR often writes "mười" (ten) for "mươi" (-ty) after a digit
        if _is(self.at(i + 1), _TENS) or (d >= 2 and _is(self.at(i + 1), _TEN)) or (d >= 2 and self.tens_slip(i + 1)) \
                or (d >= 2 and self.tens_slip_at_end(i + 1)):
            u = self.unit(i + 2)
            if u is None and _is(self.at(i + 1), _TENS) and _is(self.at(i + 2), _ZERO_TENS):
                u = self.unit(i + 3)  # "hai chục lẻ hai" 22, "chín chục linh sáu" 96 (session 12, n19)
            if u and u[0] == d and _word(self.at(u[1]) or "", _UNIT_ONLY) is not None:
                # "hai mươi hai lăm", "ba mươi ba lăm": a range said "twenty, twenty-five", the tens alone then the
                # shorthand of the same tens (a units-only word never follows a whole "hai mươi hai") (session 10)
                return d * 10, i + 2
            return (d * 10 + u[0], u[1]) if u else (d * 10, i + 2)
        if d >= 1:
            # spoken shorthand: "chín tư" 94, "ba tám" 38, "hai hai" 22, "một trăm hai lăm" 125
            u = self.unit(i + 1)
            if u and (d >= 2 or after_hundred) and not _is(self.at(i + 1), _HUNDRED):
                return d * 10 + u[0], u[1]
        return d, i + 1

    def integer(self, i: int) -> tuple[int, int] | None:
        tok = self.at(i)
        if tok is None:
            return None
        hundreds = None
        j = i
        d = self.digit(i, initial=True)
        if d is not None and (_is(self.at(i + 1), _HUNDRED)
                              or (d == 1 and _is(self.at(i + 1), lx.HUNDRED_AFTER_ONE))):
            hundreds, j = d * 100, i + 2
        elif _is(tok, _HUNDRED) and (self.digit(i + 1, initial=False) is not None
                                     or _is(self.at(i + 1), _ZERO_TENS + _HALF + _TEN) or self.at(i + 1) == "%"
                                     or (_is(self.at(i + 1), _TEN_SLIPS) and self.unit(i + 2) is not None)):
            hundreds, j = 100, i + 1  # "trăm mốt" 110, "trăm mười" 110, "trăm phần trăm" 100
        elif self.hundred_slip(i):
            hundreds, j = 100, i + 1  # session 21 (n50-readings): "mạch chăm mốt" 110
        if hundreds is None:
            return self.below_100(i)
        nxt = self.at(j)
        if _is(nxt, _ZERO_TENS):
            u = self.unit(j + 1)
            if u:
                return hundreds + u[0], u[1]
            return hundreds, j
        if _is(nxt, _HALF):
            return hundreds + 50, j + 1
        if nxt is not None and len(nxt) == 2 and nxt.isdigit() and nxt[0] != "0":
            return hundreds + int(nxt), j + 1  # "1 trăm 25"
        rest = self.below_100(j, after_hundred=True)
        if rest is None:
            return hundreds, j
        value, k = rest
        if value < 10 and k == j + 1:
            # "một trăm hai" is 120, "trăm mốt" 110
            return hundreds + value * 10, k
        return hundreds + value, k

    def decimals(self, i: int) -> tuple[float, int] | None:
        """Digits after a decimal word: "năm" .5, "hai lăm" .25, "rưỡi" .5."""
        if _is(self.at(i), _HALF):
            return 0.5, i + 1
        tok = self.at(i)
        if tok is not None and tok.isdigit():
            return float("0." + tok), i + 1
        digits: list[str] = []
        j = i
        while j < self.n and len(digits) < 2:
            v = _word(self.t[j], _DIGITS)
            if v is None:
                v = _word(self.t[j], _UNIT_ONLY)
            if v is None and self.t[j] in _TENTHS_SLIPS and self.clause_end(j + 1):
                v = _TENTHS_SLIPS[self.t[j]]  # "ba tám phẩy bải" 38.7 (session 12, n19)
            if v is None:
                break
            digits.append(str(v))
            j += 1
        if not digits:
            return None
        return float("0." + "".join(digits)), j

    def fraction(self, value: float, j: int, start: int | None = None) -> tuple[float, int]:
        """Optional fractional part after an integer at token j (said from token ``start``)."""
        tok = self.at(j)
        if tok is None:
            return value, j
        if (_is(tok, _DEGREE) or tok == "do") and self.father_after_degree(j + 1):
            return value, j  # session 23b (n68-s21-elderly): "ba con sốt ba chín độ ba lạnh run" 39.0
        if _is(tok, _HALF) and 20 <= value < 100 and value % 10 == 0 and _is(self.at(j - 1), _TENS):
            return value + 5, j + 1  # "hai chục rưỡi" 25, "tám chục rưỡi" 85: half a ten (session 12, n19)
        if _is(tok, _HALF) and value == int(value):
            return value + 0.5, j + 1
        if _is(tok, _POINT):
            d = self.decimals(j + 1)
            if d:
                return value + d[0], d[1]
        slip = self.point_slip(value, j)
        if slip is not None:
            return slip
        if _is(tok, _DEGREE) and _is(self.at(j + 1), _ZERO_TENS) and _POINT_SLIP_MIN <= value <= _POINT_SLIP_MAX \
                and not _is(self.at(j + 3), (*_NOT_DECIMAL_AFTER, *_TENS, *_TEN, *_HUNDRED)):
            v = self.tenth(j + 2)
            if v is not None:
                return value + v / 10, j + 3  # "ba tám độ lẻ năm" 38.5 (session 12, n19)
        if _is(tok, _DEGREE) and start is not None and j - start >= 2 and self.t[j + 1:2 * j + 1 - start] == \
                self.t[start:j]:
            return value, j + 1  # "ba tám độ ba tám độ": the value said again after its unit, no tenths (session 13)
        if _is(tok, _DEGREE):
            nxt = self.at(j + 1)
            # "ba mươi chín độ hai mươi phút trước": a digit before a tens or hundred word starts a number of its own
            if nxt is not None and not _is(self.at(j + 2), (*_NOT_DECIMAL_AFTER, *_TENS, *_TEN, *_HUNDRED)):
                if _is(nxt, _HALF):
                    return value + 0.5, j + 2
                if nxt.isdigit() and len(nxt) == 1:
                    return value + int(nxt) / 10, j + 2
                v = _word(nxt, _DIGITS)
                if v is None:
                    v = _word(nxt, _UNIT_ONLY)
                if v is None:
                    v = _tone_slip(nxt, {**_DIGITS, **_UNIT_ONLY}, lx.TONE_SLIPS_PROTECTED)  # "ba tám độ bấy"
                if v is None and nxt in _TENTHS_SLIPS and self.clause_end(j + 2):
                    v = _TENTHS_SLIPS[nxt]  # "ba sáu độ tắm" 36.8; "ba tám độ tắm nước ấm": a bath (session 12, n19)
                if v is not None and not (v == 5 and fold(nxt) == "nam" and _is(self.at(j + 2), _YEAR_AFTER)):
                    return value + v / 10, j + 2
        return value, j

    def father_after_degree(self, i: int) -> bool:
        """Session 23b (n68-s21-elderly): is the "ba" at ``i`` (right after "độ") the father said again as the subject
        of a state ("ba con sốt ba chín độ ba lạnh run": 39.0, the father shivers)? A state word of ``_FATHER_STATES``
        right after it, and "ba" said earlier as a person (one of numbers.yaml ``kinship_after`` after it: "ba con",
        "ba tôi"). "ba chín độ ba" alone, or "..., ba chín độ ba, lạnh run" (a pause) keep the tenths: 39.3."""
        if not _is(self.at(i), lx.KINSHIP_NUMBER_WORDS) or not _is(self.at(i + 1), _FATHER_STATES):
            return False
        return any(_is(self.t[k], lx.KINSHIP_NUMBER_WORDS) and _is(self.at(k + 1), lx.KINSHIP_AFTER)
                   for k in range(i - 1))

    def digit_word_after(self, i: int) -> bool:
        """Is the figure at ``i`` (2-9) followed by a digit word that makes the shorthand of its tens ("9 hai" 92,
        "3 tám độ" 38, like "chín hai", "ba tám")? Not "không" (no), nor a digit word starting a number of its own
        ("2 ba mươi", "5 một trăm")."""
        tok, nxt = self.at(i), self.at(i + 1)
        if tok is None or nxt is None or tok in ("0", "1") or _word(nxt, _DIGITS) in (None, 0):
            return False
        return not _is(self.at(i + 2), (*_TENS, *_TEN, *_HUNDRED))

    def number_at(self, i: int) -> tuple[float, int] | None:
        tok = self.t[i]
        if _is(self.at(i - 1), _ORDINAL_BEFORE) and not self.count_before(i - 1) and _word(
                tok, _DIGITS) is not None and not _is(
                self.at(i + 1), (*_TENS, *_TEN, *_HUNDRED)) and _word(self.at(i + 1) or "", _UNIT_ONLY) is None:
            # ("ba lần chín sáu": after a count "lần" is its unit, the value after it whole; session 12, n17)
            d = self.digit(i, initial=True)  # "lần sau chín ba" is "next time" ("sau" six only typed so)
            return (float(d), i + 1) if d is not None else None  # "lần hai chín sáu": the second measure, then 96
        dv = _digit_token(tok)
        nxt = self.at(i + 1)
        if dv is not None and _figure(tok) is not None and (_is(nxt, (*_HUNDRED, *_TENS, *lx.SOME))
                                                           or _unit_word(nxt) or self.digit_word_after(i)):
            dv = None  # a figure inside spoken words: "1 trăm 2" 120, "9 mươi 5" 95, "9 lăm" 95, "9 hai" 92
        elif dv is not None and tok.isdigit() and len(tok) == 2 and tok[1] == "0" and tok[0] != "1":
            if _is(nxt, lx.SOME):
                # "80 mấy" like "tám mấy" (85); "90 mấy" left unread like "chín mấy"
                return (dv + 5, i + 2) if dv // 10 <= lx.SOME_MAX_TENS else None
            u = self.unit(i + 1) if _unit_word(nxt) else None
            if u is not None:
                return self.fraction(dv + u[0], u[1])  # "90 lăm" 95
        if dv is not None and _is(nxt, _THOUSAND) and dv == int(dv):
            return dv * 1000, i + 2  # "200 nghìn", "1 ngàn": a price, as "hai trăm nghìn" (session 12, n17)
        if dv is not None:
            if (len(tok) == 1 and nxt is not None and len(nxt) == 1 and nxt.isdigit() and tok != "0"
                    and not _is(self.at(i + 2), _NOT_DECIMAL_AFTER)):
                # digits read one by one: "9 4" is 94
                return self.fraction(float(int(tok) * 10 + int(nxt)), i + 2)
            return self.fraction(dv, i + 1)
        got = self.integer(i)
        if got is None:
            return None
        value, j = got
        if _is(self.at(j), _THOUSAND):
            rest = self.integer(j + 1)
            if rest:
                return value * 1000 + rest[0], rest[1]
            return value * 1000, j + 1
        return self.fraction(value, j, i)


#: The number words a recognizer may cut in two inside the word ("chí n", "mươ i"): digits, tens and hundreds.
_CUT_WORDS: tuple[str, ...] = (*lx.DIGITS, *lx.UNIT_ONLY, *lx.TEN, *lx.TENS, *lx.HUNDRED)


def _cut_in_two(tok: str, nxt: str | None) -> str | None:
    """The number word ``tok`` and ``nxt`` are once cut in two by a recognizer after its vowel ("chí n" chín, "mươ i"
    mươi, "tră m" trăm), or None: ``nxt`` one or two letters that are no word here ("i", "n", "m", "ng"), ``tok``
    itself no number word, the two together one (session 10, n12)."""
    if nxt is None or not nxt.isalpha() or len(nxt) > 2 or nxt not in _CUT_TAILS or not tok.isalpha():
        return None
    if any(token_matches(tok, w) for w in _PARTS):
        return None
    whole = unicodedata.normalize("NFC", tok + nxt)
    return whole if any(token_matches(whole, w) for w in _CUT_WORDS) else None


#: What a cut leaves after the vowel: a final consonant or the last vowel of a number word.
_CUT_TAILS = frozenset({"i", "m", "n", "t", "c", "u", "y", "o", "ng", "nh", "ch"})


def _unglued(tok: str) -> tuple[str, ...] | None:
    """A number word (or number words run together) with a filler glued before or after it by the recognizer
    ("ờchín" chín, "dạchín" chín, "sáuạ" sáu: numbers.yaml ``glued_fillers``), as those number words; None for any
    other token. The filler and the number word are two syllables, so no word of its own is taken apart."""
    if not tok.isalpha() or len(tok) < 3:
        return None
    for f in _GLUED_FILLERS:
        for rest in ((tok[len(f):],) if tok.startswith(f) else ()) + ((tok[: -len(f)],) if tok.endswith(f) else ()):
            if len(rest) >= 2 and any(token_matches(rest, w) for w in _PARTS):
                return (rest,)
            parts = split_run_together(rest) if len(rest) >= 4 else None
            if parts is not None:
                return parts
    return None


def _pause_inside(before: str | None, prev: str | None, nxt: str | None, after: str | None, unit_after: bool) -> bool:
    """Is a clause break between ``prev`` and ``nxt`` a pause inside one value (a recognizer writes a comma or "..."
    where the caller paused): a lone first digit (two to nine, never "năm") and the digit the value's unit follows
    ("chín, bảy phần trăm" 97, "ba, tám độ" 38; a bare "chín, sáu" is a blood pressure in cmHg at its question), but
    not the next one or two ("hai, ba lần", "ba, năm lần": a count said as a range);
    a hundred and its tens ("một trăm, hai mươi" 120); a value and its "độ" or "rưỡi" ("ba tám... độ rưỡi")
    (session 12, n19)?"""
    if prev is None or nxt is None:
        return False
    first, last = _word(prev, _DIGITS), _digit_of(nxt)
    if (first is not None and first >= 2 and not _is(prev, _DOUBLED_DIGIT_NOT) and not _number_word(before)
            and last not in (None, 0) and last - first not in (1, 2) and unit_after):
        return True
    if _is(prev, _HUNDRED) and _word(nxt, _DIGITS) not in (None, 0) and (
            _is(after, (*_TENS, *_TEN)) or _digit_of(after) not in (None, 0)):
        return True
    return _number_word(prev) and _is(nxt, (*_DEGREE, *_HALF))


def _digit_of(tok: str | None) -> int | None:
    """The digit ``tok`` says (a digit word, or a units-only one: "mốt", "tư", "lăm"), or None."""
    if tok is None:
        return None
    v = _word(tok, _DIGITS)
    return v if v is not None else _word(tok, _UNIT_ONLY)


def _number_word(tok: str | None, *more: tuple[str, ...]) -> bool:
    """Is ``tok`` a digit word, "mười", a tens word or "trăm" (or a word of ``more``: "độ", "phẩy")?"""
    return tok is not None and (_digit_of(tok) is not None
                                or _is(tok, (*_TEN, *_TENS, *_HUNDRED, *(w for ws in more for w in ws))))


def _unit_glued(tok: str, nxt: str | None) -> tuple[tuple[str, ...], bool] | None:
    """Number words with the unit after them run together ("bảyphần" + "trăm", "sáuphầntrăm", "hailần", "támđộ"), as
    those words and the unit ("%" for "phần trăm"), and whether ``nxt`` ("trăm" after "...phần") was part of it; None
    for any other token (session 12, n19)."""
    if len(tok) < 4 or not tok.isalpha():
        return None
    for unit in _GLUED_UNITS:
        if not tok.endswith(unit) or len(tok) == len(unit):
            continue
        head = tok[: -len(unit)]
        parts = (head,) if len(head) >= 2 and any(token_matches(head, w) for w in _PARTS) else (
            split_run_together(head) if len(head) >= 4 else None)
        if parts is None:
            continue
        if unit == "phầntrăm":
            return (*parts, "%"), False
        if unit == "phần" and nxt is not None and token_matches(nxt, "trăm"):
            return (*parts, "%"), True
        return (*parts, unit), False
    return None


#: The units a recognizer runs into the number before them (numbers.yaml ``value_end_units``, and "phần trăm").
_GLUED_UNITS: tuple[str, ...] = tuple(sorted(("phầntrăm", *(u for u in _VALUE_END_UNITS if u.isalpha())),
                                             key=len, reverse=True))


def _poor_line_keep(words: list[str]) -> list[bool]:
    """Which of ``words`` (number words run together already split) a number is read from, and ``words`` made whole
    in place where the line cut a number word short ("ba mư tám độ": numbers.yaml ``cut_short``). Dropped: a
    hesitation between two number words of one value ("chín ừ bảy" 97; ``hesitations``) and the first of a digit
    word said twice before the digit that ends the value ("chín chín sáu" 96; ``doubled_digit_not``) (session 12,
    n19)."""
    n = len(words)
    keep = [True] * n

    def at(i: int) -> str | None:
        return words[i] if 0 <= i < n else None

    digit = _digit_of

    def number_word(tok: str | None) -> bool:
        return _number_word(tok, _DEGREE, _POINT)

    def ends(j: int) -> bool:
        tok = at(j)
        return tok is None or tok == BREAK or _is(tok, _VALUE_END_UNITS)

    for i, tok in enumerate(words):
        whole = _CUT_SHORT.get(tok)
        nxt = at(i + 1)
        if whole is not None and _word(at(i - 1) or "", _DIGITS) not in (None, 0) and (
                digit(nxt) not in (None, 0) or (whole != "trăm" and ends(i + 1))):
            words[i] = whole  # "ba mư tám độ" 38, "một tră hai mươi" 120, "hai chụ lần" 20
        clipped = _CLIPPED.get(tok)
        if clipped is not None and digit(nxt) not in (None, 0) and ends(i + 2) and not number_word(at(i - 1)):
            words[i] = clipped  # "chí tám" 98, "chí bảy phần trăm" 97: a first digit word's final lost (session 13)
        elif clipped is not None and _word(at(i - 1) or "", _DIGITS) not in (None, 0) and at(i + 1) != BREAK \
                and _is(nxt, _VALUE_END_UNITS) and not number_word(at(i - 2)):
            words[i] = clipped  # "ba tá độ" 38, "ba chí độ tư" 39.4: the units digit's final lost, its unit after it
        start = _CUT_START.get(tok)
        if start is not None and at(i - 1) in (None, BREAK) and digit(nxt) not in (None, 0) and ends(i + 2):
            words[i] = start  # "ín sáu" 96: the line cut the first sound of the value (session 13, n20)
    i = 0
    while i < n:
        j = i
        while j < n and (words[j] in _HESITATIONS or words[j] in _LINE_NOISE):
            j += 1  # a run of hesitations and line noise ("chín ờ rè rè sáu")
        if j > i and number_word(at(i - 1)) and (
                digit(at(j)) not in (None, 0) or _is(at(j), (*_TEN, *_TENS, *_HUNDRED, *_HALF))):
            for k in range(i, j):
                keep[k] = False  # "chín ừ bảy" 97, "một trăm ừ hai mươi" 120, "chín rè rè sáu" 96 (session 13, n20)
        i = max(j, i + 1)
    for i, tok in enumerate(words):
        if tok == BREAK and _pause_inside(at(i - 2), at(i - 1), at(i + 1), at(i + 2), _is(at(i + 2), _VALUE_END_UNITS)):
            keep[i] = False  # "chín, bảy phần trăm" 97, "một trăm, hai mươi" 120, "ba tám... độ rưỡi" 38.5
    live = [i for i in range(n) if keep[i]]
    for a, b, c, d in zip(live, live[1:], live[2:], [*live[3:], n]):
        v = _word(words[a], _DIGITS)
        before = [k for k in live if k < a]
        if (v is not None and v >= 2 and words[a] == words[b] and not _is(words[a], _DOUBLED_DIGIT_NOT)
                and digit(words[c]) not in (None, 0) and ends(d) and not (before and number_word(words[before[-1]]))):
            keep[a] = False  # "chín chín sáu" 96, "hai hai lăm lần" 25
    _said_twice(words, keep, number_word, ends)
    return keep


def _said_twice(words: list[str], keep: list[bool], number_word: Callable[[str | None], bool],
                ends: Callable[[int], bool]) -> None:
    """Session 21 (n50-readings): a value of three digit words said twice back to back over a poor line ("ba bảy ba ba
    bảy ba" 37.3): the second copy is dropped, where no number word comes before the first and the value ends after
    the second."""
    n = len(words)
    for i in range(n - 5):
        run = words[i:i + 3]
        if (all(keep[i:i + 6]) and run == words[i + 3:i + 6] and all(_digit_of(w) is not None for w in run[:2])
                and (_digit_of(run[2]) is not None or _word(run[2], _UNIT_ONLY) is not None)
                and ends(i + 6) and not (i > 0 and number_word(words[i - 1]))):
            for k in range(i + 3, i + 6):
                keep[k] = False


def _slip_to(tok: str, targets: Mapping[str, int], table: Mapping[str, str]) -> str | None:
    """The number word of ``targets`` that ``tok`` is in an answer said alone: ``tok`` in ``table``
    (numbers.yaml ``alone_slips``), or written with other diacritics than it ("bà" ba, "tấm" tám, "sấu" sáu); never
    "không" (zero)."""
    got = table.get(tok)
    if got is not None:
        return got if got in targets else None
    if not tok.isalpha() or fold(tok) == tok or tok in targets:
        return None
    return next((w for w, v in targets.items() if v and fold(w) == fold(tok)), None)


_DIGITS_AND_UNITS: Mapping[str, int] = {**_DIGITS, **_UNIT_ONLY}
#: The first digit slips (numbers.yaml ``first_digit_slips``: "xáu" sáu) as the digit words they are.
_FIRST_DIGIT_NAMES: Mapping[str, str] = {
    tok: next(w for w, v in _DIGITS.items() if v == value) for tok, value in _FIRST_DIGIT_SLIPS.items()}


#: The vowel slips (numbers.yaml ``vowel_slips``: "sáo" sáu) as the digit words they are.
_VOWEL_SLIP_NAMES: Mapping[str, str] = {
    tok: next(w for w, v in _DIGITS.items() if v == value) for tok, value in _VOWEL_SLIPS.items()}


#: What a first digit word may be written as in an answer said alone.
_ALONE_FIRST: Mapping[str, str] = {**_ALONE_SLIPS, **_FIRST_DIGIT_NAMES, **_VOWEL_SLIP_NAMES}


#: Every word a number is read from or a slip of one (numbers.yaml), folded: an answer said alone holds only these,
#: units, a vital's name and alone_words.
_NUMBERISH: frozenset[str] = frozenset(fold(w) for w in (
    *_PARTS, *lx.HUNDRED_AFTER_ONE, *lx.DIGIT_SLIPS_BEFORE_UNIT, *_ZERO_TENS, *_TEN_SLIPS, *_TENTHS_SLIPS,
    *_POINT_SLIPS, *_FIRST_DIGIT_SLIPS, *_VOWEL_SLIPS, *lx.SOUTHERN_TENS_FOLDED, *_SOUTHERN_TENS_SLIPS, *_HESITATIONS,
    *_LINE_NOISE, *_CLIPPED, *_CUT_SHORT, *_CUT_START, *_TU_SLIPS, *_TENS_SLIPS_BETWEEN, *lx.SOME, *_ALONE_SLIPS,
    *_ALONE_FIRST_SLIPS, *_VALUE_END_UNITS, *lx.BLOOD_PRESSURE_SEPARATORS))


def answer_alone(toks: Sequence[str], named: Collection[int] = (), *, pair: bool = False) -> tuple[str, ...]:
    """``toks`` (fillers kept) of an answer said alone at a number question, with the slips a recognizer makes of its
    number words that are words of their own elsewhere written as those number words (numbers.yaml ``alone_slips``):
    "chín bà" 93, "ba tắm" 38, "bà mươi hai" 32, "chăm hai lăm" 125, "chín mộ" 91, "trăm sáu trên trăm" 160/100,
    "20 2" 22. Only when every token is a number word, a slip of one, a unit, a filler, a vital's name (``named``: the
    indexes of a vital cue's tokens) or one of ``alone_words``; otherwise ``toks`` as they are ("bà chín sáu", "chăm
    bà", "để đo đã"); a person said to ("tám mươi bà ạ") is no digit. Unless the answer is a pair (``pair``: the blood
    pressure question), a value cut short by a pause is read whole ("tám... mươi lăm", "tám mươi... lăm" 85) and a tens
    said again after a hesitation is a restart ("chín mươi ờ chín bảy", "chín mươi chín mươi bảy": 97) (session 14,
    n22)."""
    def numberish(i: int, tok: str) -> bool:
        return (tok == BREAK or i in named or fold(tok) in _NUMBERISH or _digit_token(tok) is not None
                or tok in ("%", "/") or _is(tok, _ALONE_WORDS) or split_run_together(tok) is not None
                or _unglued(tok) is not None or _slip_to(tok, _DIGITS_AND_UNITS, _ALONE_SLIPS) is not None)

    if not toks or not all(numberish(i, t) for i, t in enumerate(toks)):
        return tuple(toks)
    words: list[str] = []
    names: list[bool] = []  # a vital's name
    for i, tok in enumerate(toks):
        if words and words[-1].isdigit() and len(words[-1]) == 2 and words[-1][1] == "0" and words[-1][0] != "1" \
                and _figure(tok) is not None:
            words[-1] = str(int(words[-1]) + int(tok))  # "20 2" 22, "90 6" 96: a tens figure, then its units figure
        else:
            words.append(tok)
            names.append(i in named)
    hundreds = dict.fromkeys(_HUNDRED, 1)

    def number_word(tok: str | None) -> bool:
        return tok is not None and (_number_word(tok) or _figure(tok) is not None)

    def at(j: int) -> str | None:
        return words[j] if j < len(words) else None

    def value_ends(j: int) -> bool:
        tok = at(j)
        return tok is None or tok in (BREAK, "%") or _is(tok, (*_VALUE_END_UNITS, *_DEGREE, *_HALF, *_POINT,
                                                                *lx.BLOOD_PRESSURE_SEPARATORS, *_ALONE_FILLERS))

    out: list[str] = []
    for i, tok in enumerate(words):
        prev = out[-1] if out else None
        nxt = words[i + 1] if i + 1 < len(words) else None
        new = None
        if (_is(tok, lx.PERSONS) and _is(nxt, _ALONE_VOCATIVES)) or tok in _ALONE_NOT:
            pass  # "tám mươi bà ạ": said to a person, no digit; "chín tạm", "trâm hai": words (``alone_not``)
        elif tok in _ALONE_FIRST_SLIPS and not number_word(prev) and _is(nxt, _TENS):
            new = _ALONE_FIRST_SLIPS[tok]  # "lăm mươi lăm" 55, "nhăm mươi" 50
        elif not number_word(tok):
            if prev is not None and (_digit_of(prev) or _is(prev, (*_TEN, *_TENS, *_HUNDRED, *_DEGREE, *_POINT))
                                     or _figure(prev)) and value_ends(i + 1):
                # "chín bà" 93, "ba tắm" 38, "chín mộ" 91, "ba chín độ mộ" 39.1
                new = _slip_to(tok, _DIGITS_AND_UNITS, _ALONE_SLIPS)
            elif not number_word(prev) and (_is(nxt, (*_TENS, *_HUNDRED)) or (
                    _is(nxt, _ALONE_FIRST_BEFORE) and value_ends(i + 2))):
                new = _slip_to(tok, _DIGITS, _ALONE_FIRST)  # "bà mươi hai" 32, "xáu lăm" 65
            elif not number_word(prev) and not _is(prev, lx.SLIP_NOT_AFTER) and not _is(
                    tok, (*lx.PERSONS, *lx.TONE_SLIPS_PROTECTED)) and _digit_of(nxt) and value_ends(i + 2) and (
                    (_digit_of(nxt) or 0) > 5 or not _is(at(i + 2), _VALUE_END_UNITS)):
                # "bổn chín" 49, "tắm chín" 89, "sáo lăm" 65: a first digit before the digit that ends the value, never
                # a person or a word of its own there ("bà hai", "nằm ba", "là chịn ba": tone_slips_protected,
                # slip_not_after) nor before a count ("tắm hai lần": bathed twice)
                new = _slip_to(tok, _DIGITS, _ALONE_FIRST)
            if new is None and (not number_word(prev) or _digit_of(prev) == 1) and (
                    number_word(nxt) or _is(nxt, (*_ZERO_TENS, *_HALF))):
                new = _slip_to(tok, hundreds, _ALONE_SLIPS)  # "chăm hai lăm" 125, "chăm mốt" 110
        tok = new or tok
        starts = prev in (None, BREAK) or _is(prev, (*lx.BLOOD_PRESSURE_SEPARATORS, *_ALONE_FILLERS)) or names[i - 1]
        if _is(tok, _HUNDRED) and starts and not (number_word(nxt) or _is(nxt, (*_ZERO_TENS, *_HALF)) or nxt == "%"):
            # "trăm sáu trên trăm" 160/100, "trăm trên bẩy chục" 100/70, "mạch trăm" 100: a bare hundred
            out.append("một")
        out.append(tok)
    return tuple(out) if pair else _restarts_and_pauses(out)


def _restarts_and_pauses(words: list[str]) -> tuple[str, ...]:
    """``words`` of an answer said alone (``answer_alone``) with a pause inside one value taken out before its tens
    word or after it before a units-only word or a half ("tám... mươi lăm", "tám mươi... lăm" 85, "ba bảy độ... rưỡi"
    37.5; two lone digits are left to ``_pause_inside``: "chín, bảy" alone is no reading) and a pause put where a
    whole tens is said again after a hesitation or with its tens word ("chín mươi ờ chín bảy", "chín mươi chín mươi
    bảy": a restart, 97; vitals.py ``_restarted``; "chín mươi chín bảy" stays as it is)."""
    def at(j: int) -> str | None:
        return words[j] if 0 <= j < len(words) else None

    def ends(j: int) -> bool:
        tok = at(j)
        return tok is None or tok in (BREAK, "%") or _is(tok, (*_VALUE_END_UNITS, *_DEGREE, *_ALONE_FILLERS))

    out: list[str] = []
    for i, tok in enumerate(words):
        prev, nxt = at(i - 1), at(i + 1)
        if tok == BREAK and prev is not None and nxt is not None:
            if (_digit_of(prev) not in (None, 0) and _is(nxt, _TENS)) or (
                    _is(prev, (*_TEN, *_TENS, *_DEGREE)) and (_word(nxt, _UNIT_ONLY) is not None or _is(nxt, _HALF))):
                continue  # "tám... mươi lăm", "tám mươi... lăm", "ba bảy độ... rưỡi"
        out.append(tok)
        if _digit_of(prev) not in (None, 0) and _is(tok, _TENS) and not _number_word(at(i - 2)):
            j = i + 1
            while at(j) in _HESITATIONS or at(j) in _GLUED_FILLERS:
                j += 1
            again = at(j) == prev and (_is(at(j + 1), _TENS) or (
                j > i + 1 and _digit_of(at(j + 1)) not in (None, 0) and ends(j + 2)))
            if again:
                out.append(BREAK)  # "chín mươi ờ chín bảy", "chín mươi chín mươi bảy": said again in full
    return tuple(out)


def find_numbers(tokens: Sequence[str]) -> list[Number]:
    """Every number in ``tokens`` (from ``ivr.nlu.normalize.tokenize``), left to right. Spans are indexes of
    ``tokens``: a token of number words run together ("chínlăm") is read as its words, within its own span."""
    expanded: list[str] = []
    origin: list[int] = []
    last: list[int] = []  # the last token of each expanded word (a word cut in two spans both halves)
    k = 0
    while k < len(tokens):
        tok = tokens[k]
        whole = _cut_in_two(tok, tokens[k + 1] if k + 1 < len(tokens) else None)
        if whole is not None:
            expanded.append(whole)
            origin.append(k)
            last.append(k + 1)
            k += 2
            continue
        glued = _unit_glued(tok, tokens[k + 1] if k + 1 < len(tokens) else None)
        if glued is not None:
            expanded.extend(glued[0])
            origin.extend([k] * len(glued[0]))
            last.extend([k] * (len(glued[0]) - 1) + [k + 1 if glued[1] else k])
            k += 2 if glued[1] else 1
            continue
        parts = split_run_together(tok) or _unglued(tok)
        expanded.extend(parts or (tok,))
        origin.extend([k] * (len(parts) if parts else 1))
        last.extend([k] * (len(parts) if parts else 1))
        k += 1
    keep = _poor_line_keep(expanded)
    if not all(keep):
        expanded = [w for w, ok in zip(expanded, keep) if ok]
        origin = [o for o, ok in zip(origin, keep) if ok]
        last = [o for o, ok in zip(last, keep) if ok]
    p = _Parser(expanded)
    out: list[Number] = []
    i = 0
    while i < p.n:
        if expanded[i] == BREAK:
            i += 1
            continue
        got = p.number_at(i)
        if got is None:
            i += 1
            continue
        value, j = got
        out.append(Number(value=round(value, 2), start=origin[i], end=last[j - 1] + 1))
        i = j
    return out


def parse_number(text: str) -> float | None:
    """The first number spoken or written in ``text``, or None."""
    nums = find_numbers(content_tokens(tokenize(text)))
    return nums[0].value if nums else None


# Words a closed ASR grammar needs for numbers (used by ivr.nlu.understander.expected_phrases).
NUMBER_WORDS: tuple[str, ...] = (
    *_DIGITS, *_UNIT_ONLY, *_TEN, *_TENS, *_HUNDRED, *_ZERO_TENS, *_HALF, *_POINT, *_DEGREE,
)
