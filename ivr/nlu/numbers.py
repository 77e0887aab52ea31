"""Spoken Vietnamese numbers to values.

Handles what callers say when reading a thermometer or a pulse oximeter:
"chín mươi tư" 94, "chín tư" 94, "chín lăm" 95, "ba mươi tám độ rưỡi" 38.5,
"ba chín độ năm" 39.5, "ba tám phẩy năm" 38.5, "một trăm hai mươi" 120,
"một trăm linh năm" 105, "trăm mốt" 110, and digits as text "94", "38,5",
"38.5", "38 độ 5".

Works on tokens from ``ivr.nlu.normalize.tokenize``; ``find_numbers`` returns the
spans so the NLU can look at the words around each number.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

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
# After "độ N": these words mean N counts something else ("39 độ 3 ngày").
_NOT_DECIMAL_AFTER = lx.NOT_DECIMAL_AFTER
# "năm" is the year in "năm nay", "năm ngoái"...
_YEAR_AFTER = lx.YEAR_AFTER
_YEAR_OR_AGE_AFTER = lx.YEAR_OR_AGE_AFTER
_YEAR_BEFORE = lx.YEAR_BEFORE


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

    def at(self, i: int) -> str | None:
        return self.t[i] if 0 <= i < self.n else None

    def digit(self, i: int, *, initial: bool) -> int | None:
        tok = self.at(i)
        if tok is None:
            return None
        v = _word(tok, _DIGITS)
        if v is None and not initial:
            v = _word(tok, _UNIT_ONLY)
        if v is None:
            return None
        if initial and v == 0:
            return None  # a leading "không" is "no", not zero
        if initial and v == 5 and self.is_year(i):
            return None
        if initial and v == 3 and _is(self.at(i + 1), lx.KINSHIP_AFTER):
            return None  # "ba tui", "ba em": a father, not three
        if initial and v == 3 and _is(self.at(i - 1), lx.KINSHIP_BEFORE) and not self.number_follows(i + 1):
            return None  # "nhịp thở của ba thì...", "đo giùm ba": a father, not three
        if initial and tok == "sau" and not self.number_follows(i + 1):
            return None  # "hit khong duoc sau" (sâu, deep) or "sau do" (after): six only before a number word
        return v

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

    def unit(self, i: int) -> tuple[int, int] | None:
        """A digit in the units place (after "mươi"/"mười"/a tens digit)."""
        tok = self.at(i)
        if tok is None:
            return None
        v = _word(tok, _DIGITS)
        if v is None:
            v = _word(tok, _UNIT_ONLY)
        if v is None or v == 0:
            return None
        if v == 5 and fold(tok) == "nam" and _is(self.at(i + 1), _YEAR_AFTER):
            return None
        return v, i + 1

    def below_100(self, i: int, *, after_hundred: bool = False) -> tuple[int, int] | None:
        tok = self.at(i)
        if tok is None:
            return None
        if _is(tok, _TEN):
            u = self.unit(i + 1)
            return (10 + u[0], u[1]) if u else (10, i + 1)
        d = self.digit(i, initial=not after_hundred)
        if d is None:
            return None
        # "tám mấy", "bảy mươi mấy": some value of those tens, read as its middle (85, 75); "chín mấy"
        # (90-99) spans normal and low SpO2 alike, so it is left unread (numbers.yaml ``some``)
        k = i + 2 if _is(self.at(i + 1), _TENS) else i + 1
        if d >= 2 and not after_hundred and _is(self.at(k), lx.SOME):
            return (d * 10 + 5, k + 1) if d <= lx.SOME_MAX_TENS else None
        # "chín mười tư": ASR often writes "mười" (ten) for "mươi" (-ty) after a digit
        if _is(self.at(i + 1), _TENS) or (d >= 2 and _is(self.at(i + 1), _TEN)):
            u = self.unit(i + 2)
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
        if d is not None and _is(self.at(i + 1), _HUNDRED):
            hundreds, j = d * 100, i + 2
        elif _is(tok, _HUNDRED) and (self.digit(i + 1, initial=False) is not None
                                     or _is(self.at(i + 1), _ZERO_TENS + _HALF)):
            hundreds, j = 100, i + 1
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
            if v is None:
                break
            digits.append(str(v))
            j += 1
        if not digits:
            return None
        return float("0." + "".join(digits)), j

    def fraction(self, value: float, j: int) -> tuple[float, int]:
        """Optional fractional part after an integer at token j."""
        tok = self.at(j)
        if tok is None:
            return value, j
        if _is(tok, _HALF) and value == int(value):
            return value + 0.5, j + 1
        if _is(tok, _POINT):
            d = self.decimals(j + 1)
            if d:
                return value + d[0], d[1]
        if _is(tok, _DEGREE):
            nxt = self.at(j + 1)
            if nxt is not None and not _is(self.at(j + 2), _NOT_DECIMAL_AFTER):
                if _is(nxt, _HALF):
                    return value + 0.5, j + 2
                if nxt.isdigit() and len(nxt) == 1:
                    return value + int(nxt) / 10, j + 2
                v = _word(nxt, _DIGITS)
                if v is None:
                    v = _word(nxt, _UNIT_ONLY)
                if v is not None and not (v == 5 and fold(nxt) == "nam" and _is(self.at(j + 2), _YEAR_AFTER)):
                    return value + v / 10, j + 2
        return value, j

    def number_at(self, i: int) -> tuple[float, int] | None:
        tok = self.t[i]
        dv = _digit_token(tok)
        if dv is not None:
            nxt = self.at(i + 1)
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
        return self.fraction(value, j)


def find_numbers(tokens: Sequence[str]) -> list[Number]:
    """Every number in ``tokens`` (from ``ivr.nlu.normalize.tokenize``), left to right."""
    p = _Parser(tokens)
    out: list[Number] = []
    i = 0
    while i < p.n:
        if tokens[i] == BREAK:
            i += 1
            continue
        got = p.number_at(i)
        if got is None:
            i += 1
            continue
        value, j = got
        out.append(Number(value=round(value, 2), start=i, end=j))
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
