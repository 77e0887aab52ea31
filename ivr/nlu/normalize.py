"""Vietnamese text normalisation for caller utterances.

Callers' words reach the NLU from an ASR engine (full diacritics, sometimes a
wrong word) or typed by staff and tests (often without diacritics). Everything
downstream works on *tokens*: lower-case NFC words, numbers ("38,5" stays one
token), ``%`` and ``,`` (a clause break). A pattern word written with
diacritics matches a token that has exactly those diacritics or no diacritics
at all (``token_matches``), so "sốt" matches "sốt" and "sot" but not "sót";
"ho" (cough) matches "ho" but not "họ" (they).

Regional variants ("tui", "hổng", "ói", "dzậy"...) and common ASR confusions
("ô xi", "ét pê ô hai", "cô vít") are rewritten to one standard form; filler
words ("dạ", "ạ", "ơi", "vâng ạ") are dropped by ``content_tokens``.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_FOLD_EXTRA = str.maketrans({"đ": "d", "Đ": "D"})

#: A clause break token (from , . ; ! ? and line breaks).
BREAK = ","


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


@lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Lower case without diacritics: "Sốt Đờm" -> "sot dom"."""
    decomposed = unicodedata.normalize("NFD", text.lower().translate(_FOLD_EXTRA))
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def has_diacritics(token: str) -> bool:
    return fold(token) != token


def token_matches(token: str, word: str) -> bool:
    """True when ``token`` is ``word`` or ``word`` written without diacritics."""
    return token == word or (token == fold(token) and token == fold(word))


def _loose(pattern: str) -> str:
    """A regex that accepts ``pattern`` with or without its diacritics."""
    out = []
    for ch in pattern:
        f = fold(ch)
        out.append(f"[{ch}{f}]" if f != ch else re.escape(ch) if ch not in " " else r"\s+")
    return "".join(out)


# Multi-word rewrites on the lower-cased string: ASR confusions and spellings
# of the same thing. Applied in order; each pattern accepts no-diacritic text.
_PHRASE_REWRITES: tuple[tuple[str, str], ...] = (
    (r"s\s*[\.\-]?\s*p\s*[\.\-]?\s*[o0]\s*[\.\-]?\s*2", " spo2 "),
    ((r"sp\s*o\s*hai|ét\s*pê\s*ô\s*hai|ét\s*pi\s*ô\s*(?:hai|tu|tú)|ếch\s*pê\s*ô\s*hai|sờ\s*pờ\s*ô\s*hai"
     r"|et\s*pe\s*o\s*hai|et\s*pi\s*o\s*(?:hai|tu)|s\s*p\s*o\s*hai"), " spo2 "),
    (r"ô\s*-?\s*x[iy]|o\s*-?\s*x[iy]|ôxy|ô\s*xít|ô\s*xi|o\s*xi", " oxy "),
    (r"cô\s*-?\s*vít|cô\s*-?\s*vi[dt]|co\s*-?\s*vi[dt]|cô\s*-?\s*vy|covi\b|cô\s*vít\s*mười\s*chín", " covid "),
    (r"\bf\s*(?:0|không|khong)\b|\bép\s*(?:không|khong|zê\s*rô|zero)\b|\bep\s*khong\b", " f0 "),
    ((r"pa\s*-?\s*ra\s*-?\s*xê\s*-?\s*ta\s*-?\s*mol|pa\s*ra\s*xe\s*ta\s*mo[nl]|paracetamon|pa\s*ra\s*xê\s*ta\s*môn"
     r"|para\s*cetamol|panadol|pa\s*na\s*đôn|efferalgan|hapacol|ha\s*pa\s*côn"), " paracetamol "),
    (r"mô\s*nu\s*pi\s*ra\s*(?:via|vi|vir)|molnupiravia|mo\s*nu\s*pi\s*ra\s*vi[ar]?|molnupiravir|molnu", " molnupiravir "),
    (r"vắc\s*-?\s*xin|vác\s*-?\s*xin|vaccine|vacxin|vac\s*xin|vắc\s*xinh|vắt\s*xin", " vắcxin "),
    (r"\bmột\s+một\s+năm\b|\bmot\s+mot\s+nam\b|\bmười\s+một\s+năm\b", " 115 "),
    (r"bác\s*sỹ|bác\s*xĩ|bát\s*sĩ", " bác sĩ "),
    (r"\bkhó\s+thơ\b", " khó thở "),
    (r"\bho\s+khang\b", " ho khan "),
    (r"\bdương\s+tín\b|\bdương\s+tín\s+h\b", " dương tính "),
    (r"\bxét\s+nhiệm\b", " xét nghiệm "),
    (r"\bsổ\s+mủi\b|\bxổ\s+mũi\b|\bsổ\s+mủ\b", " sổ mũi "),
    (r"\btiêu\s+trảy\b|\btiêu\s+chẩy\b", " tiêu chảy "),
    (r"\bnhiệt\s+đô\b", " nhiệt độ "),
    (r"\bbuồn\s+lôn\b", " buồn nôn "),
    (r"\btăng\s+xông\b|\btăng\s+sông\b|\btang\s+xong\b", " huyết áp cao "),
    (r"\bbây\s+chừ\b", " bây giờ "),
    (r"\bnhứt\s+(đầu|mình|người|mỏi|xương|óc)\b", r" nhức \1 "),
    (r"\bhộng\b", " họng "),
    (r"^\s*a\s*l[ôo]\b|\ba\s+lô\b", " alo "),
    (r"\bphần\s+trăm\b|\bphan\s+tram\b", " % "),
)
_PHRASE_RE = tuple((re.compile(p), r) for p, r in _PHRASE_REWRITES)

# One-word regional variants, spellings and ASR confusions -> standard form.
# Keys are matched with ``token_matches`` semantics only when written here
# without diacritics (texting spellings), else exactly.
_WORD_REWRITES: dict[str, str] = {
    # pronouns
    "tui": "tôi", "tớ": "tôi", "tau": "tôi", "mềnh": "mình",
    # negation (southern/central, texting)
    "hổng": "không", "hông": "không", "hem": "không", "hok": "không", "ko": "không", "k": "không",
    "khg": "không", "kg": "không", "khum": "không", "khôg": "không", "nỏ": "không",
    "hỏng": "không", "kô": "không", "kh": "không",
    # vomiting
    "ói": "nôn", "mửa": "nôn", "oi": "nôn",
    # "so / like that"
    "dzậy": "vậy", "zậy": "vậy", "dzị": "vậy", "vầy": "vậy", "rứa": "vậy", "dị": "vậy",
    # central words
    "chi": "gì", "mô": "đâu", "ni": "này", "nớ": "đó", "chừ": "giờ", "mần": "làm", "cấy": "cái",
    # southern/other spellings
    "bịnh": "bệnh", "nhứt": "nhất", "dô": "vào", "dzô": "vào", "zô": "vào", "hổm": "hôm",
    "ổng": "ông", "bả": "bà", "thiệt": "thật", "lun": "luôn", "dc": "được", "đc": "được", "đươc": "được",
    "đuợc": "được", "ntn": "như thế nào", "bs": "bác sĩ", "bsi": "bác sĩ", "bsĩ": "bác sĩ",
    "sp02": "spo2", "oxi": "oxy", "ôxi": "oxy", "ôxy": "oxy", "oxygen": "oxy",
    "oke": "ok", "okê": "ok", "ô-kê": "ok", "uh": "ừ", "uhm": "ừm", "um": "ừm",
    "ừa": "ừ", "ờ": "ừ", "vâg": "vâng", "vg": "vâng", "uk": "ừ", "ukm": "ừ", "yes": "có",
    "covid19": "covid", "sars": "covid",
}
# "oi" as a texting spelling of "ói" collides with "ơi" written without diacritics;
# keep "ơi"/"oi" a filler and "ói" vomiting.
del _WORD_REWRITES["oi"]

#: Fillers dropped before matching (politeness particles and hesitations).
FILLERS: frozenset[str] = frozenset({
    "dạ", "ạ", "ơi", "à", "ừm", "ờm", "ưm", "ơ", "ớ", "nhé", "nha", "nhá", "thưa", "nghen",
    "alo", "alô", "á",
})
#: Fillers that alone mean "yes" ("dạ", "vâng ạ", "ừ").
YES_FILLERS: frozenset[str] = frozenset({"dạ", "vâng", "ừ", "ờ", "ừm"})

_TOKEN_RE = re.compile(r"spo2|f0|\d+(?:[.,]\d+)?|%|/|[^\W\d_]+|[,.;!?…\n]", re.UNICODE)
_BREAKS = frozenset(",.;!?…\n")


@lru_cache(maxsize=2048)
def _word_rewrite(token: str) -> str:
    if token in _WORD_REWRITES:
        return _WORD_REWRITES[token]
    return token


@lru_cache(maxsize=512)
def tokenize(text: str) -> tuple[str, ...]:
    """Standard tokens of ``text`` (fillers kept; see ``content_tokens``)."""
    if not text:
        return ()
    s = nfc(str(text)).lower().replace("\u00a0", " ")
    s = s.replace("-", " ").replace("/", " / ")
    for rx, repl in _PHRASE_RE:
        s = rx.sub(repl, s)
    out: list[str] = []
    for m in _TOKEN_RE.finditer(s):
        tok = m.group(0)
        if tok in _BREAKS:
            if out and out[-1] != BREAK:
                out.append(BREAK)
            continue
        rep = _word_rewrite(tok)
        out.extend(rep.split(" "))
    while out and out[-1] == BREAK:
        out.pop()
    # "hôn"/"hông" closing a question means "không" (southern)
    if out and out[-1] in ("hôn", "hon"):
        out[-1] = "không"
    return tuple(out)


# Fillers written without diacritics. "a" and "da" are ambiguous ("da" =
# skin), so they are only dropped at the edges of an utterance.
_FOLDED_FILLERS = frozenset({"oi", "nhe", "nha", "alo", "thua", "um", "uhm"})


def content_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``tokens`` without fillers; "vâng ạ"/"dạ" prefixes are dropped too."""
    out = [t for t in tokens if t not in FILLERS and t not in _FOLDED_FILLERS]
    # edge-only fillers written without diacritics
    while out and out[0] in ("da", "a", "vâng", "vang") and len(out) > 1 and out[1] in ("a", "ạ", BREAK):
        out = out[2:]
    while out and out[0] in ("da", "a"):
        out.pop(0)
    while out and out[-1] in ("a", "da"):
        out.pop()
    while out and out[0] == BREAK:
        out.pop(0)
    while out and out[-1] == BREAK:
        out.pop()
    # collapse doubled breaks left by removed fillers
    dedup: list[str] = []
    for t in out:
        if t == BREAK and dedup and dedup[-1] == BREAK:
            continue
        dedup.append(t)
    return tuple(dedup)


def normalize(text: str) -> str:
    """One normalised string: NFC, lower case, variants rewritten, fillers dropped."""
    return " ".join(content_tokens(tokenize(text)))
