"""Vietnamese text normalisation before speech synthesis.

A synthesizer reads what it is given: "Covid-19" comes out as a spelled jumble,
"115" as "một trăm mười lăm" (wrong for the emergency number), "38,5" as two
numbers. ``verbalize`` rewrites a prompt into words a Vietnamese voice reads
correctly. Pure: no I/O, deterministic, safe to use in cache keys.
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

DIGITS = ("không", "một", "hai", "ba", "bốn", "năm", "sáu", "bảy", "tám", "chín")
_SCALES = ("", "nghìn", "triệu")
#: Short service numbers that are dialled, so always read digit by digit.
SERVICE_NUMBERS = frozenset({"111", "112", "113", "114", "115"})
#: Words that make a following number a measurement, not a phone number.
_UNITS_AFTER = re.compile(
    r"\s*(?:%|phần trăm|lần|nhịp|độ|°|mmhg|kg|mg|ml|ngày|giờ|phút|tuổi|người|ca\b)", re.IGNORECASE
)

#: Terms that must be rewritten before numbers are read (case-insensitive, whole words).
TERMS: tuple[tuple[str, str], ...] = (
    (r"covid[\s-]*19", "cô-vít mười chín"),
    (r"covid", "cô-vít"),
    (r"sars[\s-]*cov[\s-]*2", "sát cô-vi hai"),
    (r"spo2", "ét-pê-ô-hai"),
    (r"sp02", "ét-pê-ô-hai"),
    (r"mmhg", "mi-li-mét thủy ngân"),
    (r"rt[\s-]*pcr", "rờ tê pê xê e rờ"),
    (r"pcr", "pê xê e rờ"),
    (r"tp\.?\s*hcm", "thành phố Hồ Chí Minh"),
    (r"hcm", "Hồ Chí Minh"),
    (r"byt", "Bộ Y tế"),
    (r"bv", "bệnh viện"),
    (r"tyt", "trạm y tế"),
    (r"ttyt", "trung tâm y tế"),
    (r"ubnd", "ủy ban nhân dân"),
    (r"sđt", "số điện thoại"),
    (r"cdc", "xê đê xê"),
    (r"who", "tổ chức y tế thế giới"),
    (r"v\.v\.?", "vân vân"),
    # Loanwords espeak-ng would read with its English rules.
    (r"test", "tét"),
    (r"paracetamol", "pa-ra-xê-ta-mon"),
    (r"oresol", "ô-rê-dôn"),
    (r"oxy", "ô-xy"),
    (r"vaccine", "vắc-xin"),
    (r"hotline", "hót-lai"),
    (r"online", "on-lai"),
    (r"kg", "ki-lô-gam"),
    (r"mg", "mi-li-gam"),
    (r"ml", "mi-li-lít"),
)
_F_LEVEL = re.compile(r"(?<![\w])F([0-9])(?![\w])", re.IGNORECASE)
_TERM_RES = tuple((re.compile(rf"(?<![\w]){pattern}(?![\w])", re.IGNORECASE), words) for pattern, words in TERMS)

# Phone numbers: grouped (0912 345 678, 1900 9095, 0912.345.678), long runs, leading zero.
_PHONE_GROUPED = re.compile(r"(?<![\d,.])(?:0\d{2,4}|1[89]00)(?:[ .]\d{3,4}){1,3}(?![\d])")
_PHONE_PLAIN = re.compile(r"(?<![\d,.])(?:0\d{2,}|1[89]00\d{4,6}|\d{8,})(?![\d,.]?\d)")
_SERVICE = re.compile(r"(?<![\d,.])(\d{3})(?![\d]|[,.]\d)")
_TIME = re.compile(r"(?<![\w])(\d{1,2})\s?(?:h|giờ)\s?(\d{2})(?![\w])|(?<![\w])(\d{1,2})h(?![\w])")
_DATE = re.compile(r"(?<![\w/])(?:(ngày)\s+)?(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/])", re.IGNORECASE)
_RANGE = re.compile(r"(?<![\w,.])(\d+(?:,\d+)?)\s?[-–]\s?(\d+(?:,\d+)?)(?![\w])")
_RATIO = re.compile(r"(?<![\w,.])(\d+)\s?/\s?(\d+)(?![\w,.])")
_DECIMAL = re.compile(r"(?<![\w,.])(\d+)[,.](\d+)(?![\d])(?![.,]\d)")
_THOUSANDS = re.compile(r"(?<![\w,.])(\d{1,3}(?:\.\d{3})+)(?![\d]|[.,]\d)")
_INTEGER = re.compile(r"\d+")
_SYMBOLS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\s?°\s?C\b"), " độ C"),
    (re.compile(r"\s?°"), " độ"),
    (re.compile(r"\s?%"), " phần trăm"),
    (re.compile(r"\s?/\s?(phút|ngày|giờ|lần)\b"), r" mỗi \1"),
    (re.compile(r"(?<=phím)\s*\*"), " sao"),
    (re.compile(r"(?<=phím)\s*#"), " thăng"),
    (re.compile(r"\*"), " sao "),
    (re.compile(r"#"), " thăng "),
    (re.compile(r"\s?&\s?"), " và "),
    (re.compile(r"\s?\+\s?"), " cộng "),
)


def read_digits(digits: str) -> str:
    """'115' -> 'một một năm' (phone numbers, codes)."""
    return " ".join(DIGITS[int(d)] for d in digits if d.isdigit())


def _triple(n: int, full: bool) -> list[str]:
    """Words for 0 <= n < 1000; ``full`` reads leading zeros ('không trăm lẻ năm')."""
    h, t, u = n // 100, n // 10 % 10, n % 10
    words: list[str] = []
    if full or h:
        words += [DIGITS[h], "trăm"]
    if t == 0:
        if u and words:
            words += ["lẻ", DIGITS[u]]
        elif u:
            words.append(DIGITS[u])
    elif t == 1:
        words.append("mười")
        if u:
            words.append("lăm" if u == 5 else DIGITS[u])
    else:
        words += [DIGITS[t], "mươi"]
        if u:
            words.append({1: "mốt", 4: "tư", 5: "lăm"}.get(u, DIGITS[u]))
    return words


def read_number(n: int) -> str:
    """A whole number in Vietnamese words: 38 -> 'ba mươi tám', 1005 -> 'một nghìn không trăm lẻ năm'."""
    if n < 0:
        return "âm " + read_number(-n)
    if n == 0:
        return "không"
    if n >= 1_000_000_000:
        billions, rest = divmod(n, 1_000_000_000)
        words = f"{read_number(billions)} tỷ"
        return f"{words} {_below_billion(rest, full=True)}" if rest else words
    return _below_billion(n, full=False)


def _below_billion(n: int, full: bool) -> str:
    groups = [(n // 1000**i) % 1000 for i in range(3)]
    top = max((i for i, g in enumerate(groups) if g), default=0)
    words: list[str] = []
    for i in range(top, -1, -1):
        if groups[i] == 0:
            continue
        words += _triple(groups[i], full=full or i < top)
        if _SCALES[i]:
            words.append(_SCALES[i])
    return " ".join(words)


def read_decimal(whole: str, fraction: str) -> str:
    """'38', '5' -> 'ba mươi tám phẩy năm'; a fraction with a leading zero is read digit by digit."""
    frac = read_digits(fraction) if fraction.startswith("0") or len(fraction) > 2 else read_number(int(fraction))
    return f"{read_number(int(whole))} phẩy {frac}"


def _sub(pattern: re.Pattern[str], fn: Callable[[re.Match[str]], str], text: str) -> str:
    return pattern.sub(lambda m: f" {fn(m)} ", text)


def _service(m: re.Match[str]) -> str:
    number = m.group(1)
    if number in SERVICE_NUMBERS and not _UNITS_AFTER.match(m.string, m.end()):
        return f" {read_digits(number)} "
    return number


def _time(m: re.Match[str]) -> str:
    if m.group(3) is not None:
        return f"{read_number(int(m.group(3)))} giờ"
    minutes = int(m.group(2))
    return f"{read_number(int(m.group(1)))} giờ" + (f" {read_number(minutes)}" if minutes else "")


def _date(m: re.Match[str]) -> str:
    """'ngày 22/11', '22/11/2026' -> 'ngày hai mươi hai tháng mười một (năm ...)'; else left for ratios."""
    day, month, year = int(m.group(2)), int(m.group(3)), m.group(4)
    if not (1 <= day <= 31 and 1 <= month <= 12) or (m.group(1) is None and year is None):
        return m.group(0)
    words = f" ngày {read_number(day)} tháng {read_number(month)}"
    return words + (f" năm {read_number(int(year))} " if year else " ")


def verbalize(text: str) -> str:
    """Rewrite ``text`` into words for a Vietnamese voice (numbers, units, abbreviations, symbols)."""
    out = unicodedata.normalize("NFC", text)
    for pattern, words in _TERM_RES:
        out = pattern.sub(words, out)
    out = _F_LEVEL.sub(lambda m: f"ép {DIGITS[int(m.group(1))]}", out)
    out = _sub(_PHONE_GROUPED, lambda m: read_digits(m.group(0)), out)
    out = _sub(_PHONE_PLAIN, lambda m: read_digits(m.group(0)), out)
    out = _SERVICE.sub(_service, out)
    out = _sub(_TIME, _time, out)
    out = _DATE.sub(_date, out)
    out = _sub(_RANGE, lambda m: f"{_num(m.group(1))} đến {_num(m.group(2))}", out)
    out = _sub(_RATIO, lambda m: f"{read_number(int(m.group(1)))} trên {read_number(int(m.group(2)))}", out)
    out = _sub(_DECIMAL, lambda m: read_decimal(m.group(1), m.group(2)), out)
    out = _sub(_THOUSANDS, lambda m: read_number(int(m.group(1).replace(".", ""))), out)
    out = _sub(_INTEGER, lambda m: read_number(int(m.group(0))), out)
    for pattern, words in _SYMBOLS:
        out = pattern.sub(words, out)
    out = re.sub(r"\s+([,.;:!?])", r"\1", out)
    return " ".join(out.split())


def _num(token: str) -> str:
    if "," in token:
        whole, fraction = token.split(",", 1)
        return read_decimal(whole, fraction)
    return read_number(int(token))
