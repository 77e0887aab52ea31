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

from ivr.nlu import lexicon as lx

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


# Multi-word rewrites (ASR confusions, spellings of the same thing) and one-word regional
# variants: ivr/nlu/data/normalize.yaml.
_PHRASE_RE = tuple((re.compile(p), r) for p, r in lx.PHRASE_REWRITES)
_WORD_REWRITES = lx.WORD_REWRITES

#: Fillers dropped before matching (politeness particles and hesitations).
FILLERS: frozenset[str] = lx.FILLERS
#: Fillers that alone mean "yes" ("dạ", "vâng ạ", "ừ").
YES_FILLERS: frozenset[str] = lx.YES_FILLERS

_TOKEN_RE = re.compile(r"spo2|f0|\d+(?:[.,]\d+)?|%|/|[^\W\d_]+|[,.;!?…\n]", re.UNICODE)
_BREAKS = frozenset(",.;!?…\n")


@lru_cache(maxsize=2048)
def _word_rewrite(token: str) -> str:
    if token in _WORD_REWRITES:
        return _WORD_REWRITES[token]
    return _split_merged(token)


_VOWELS = frozenset("aăâeêioôơuưy")
#: The first letter of a syllable without an initial consonant, with any marks ("ín", "ó", "ười").
_VOWEL_LETTERS = frozenset(ch for ch in (
    "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵ"))


@lru_cache(maxsize=1)
def _phrase_words() -> frozenset[str]:
    """Every word of a symptom phrase (the words a merged token is split into)."""
    tables = (lx.SYMPTOM_PHRASES,)
    return frozenset(w for t in tables for phrases in t.values() for p in phrases for w in p.lower().split())


def _split_merged(token: str) -> str:
    """Two phrase words a recognizer or a typist ran together ("khóthở" -> "khó thở"): split when the
    token is no phrase word itself and both halves are (each two letters or more, the second starting
    with a consonant, as a Vietnamese syllable after another one does)."""
    if len(token) < 4 or not token.isalpha():  # "lơmơ" (session 9) as "khóthở"
        return token
    words = _phrase_words()
    if token in words:
        return token
    for k in range(2, len(token) - 1):
        left, right = token[:k], token[k:]
        if fold(right[0]) not in _VOWELS and left in words and right in words and len(fold(left)) >= 2:
            return f"{left} {right}"
    return token


#: Number words a recognizer may write twice in a row for one ("chín mươi mươi hai" 92, "một trăm trăm hai" 120);
#: never a digit ("chín chín" is 99).
_DOUBLED_ONCE = frozenset((*lx.TENS, *lx.HUNDRED, *lx.DEGREE))


#: Initial consonants a recognizer may cut off a syllable as a token of their own ("ch ín" for "chín").
_ONSETS = frozenset(("b", "c", "ch", "d", "đ", "g", "gh", "gi", "h", "kh", "l", "m", "n", "ng", "ngh", "nh", "ph",
                     "qu", "r", "s", "t", "th", "tr", "v", "x"))


@lru_cache(maxsize=1)
def _joinable_words() -> frozenset[str]:
    """The words a cut-off onset is joined back into: symptom phrase words and number words."""
    numbers = (*lx.DIGITS, *lx.UNIT_ONLY, *lx.TEN, *lx.TENS, *lx.HUNDRED, *lx.HALF, *lx.DEGREE)
    return _phrase_words() | frozenset(numbers)


def _join_split_onsets(toks: list[str]) -> list[str]:
    """A syllable a recognizer cut after its initial consonant ("ch ín mươi", "kh ó thở") joined back, only when the
    rhyme is written with its diacritics and the join is a number word or a symptom phrase word ("kh ăn" stays
    "không ăn" as texted; "k" alone is never an onset here)."""
    if len(toks) < 2:
        return toks
    words = _joinable_words()
    out: list[str] = []
    k = 0
    while k < len(toks):
        tok = toks[k]
        if (k + 1 < len(toks) and tok in _ONSETS
                and toks[k + 1][:1] in _VOWEL_LETTERS and (tok + toks[k + 1]) in words and has_diacritics(toks[k + 1])):
            out.append(tok + toks[k + 1])
            k += 2
            continue
        out.append(tok)
        k += 1
    return out


#: A word or two said again after a trailing-off ("gọi không... không dậy", "bà tôi… bà tôi không thở được"): a
#: stutter of panic, said once (session 16, n21). Only across an ellipsis: "không, không" stays an answer and a no.
_STUTTER_RE = re.compile(r"\b(\w+(?: \w+)?) ?(?:\.{2,}|…) ?\1\b")


@lru_cache(maxsize=512)
def tokenize(text: str) -> tuple[str, ...]:
    """Standard tokens of ``text`` (fillers kept; see ``content_tokens``)."""
    if not text:
        return ()
    s = nfc(str(text)).lower().replace("\u00a0", " ")
    s = _STUTTER_RE.sub(r"\1", s)
    s = s.replace("-", " ").replace("/", " / ")
    for rx, repl in _PHRASE_RE:
        s = rx.sub(repl, s)
    out: list[str] = []
    for tok in _join_split_onsets([m.group(0) for m in _TOKEN_RE.finditer(s)]):
        if tok in _BREAKS:
            if out and out[-1] != BREAK:
                out.append(BREAK)
            continue
        rep = _word_rewrite(tok)
        for part in rep.split(" "):
            if out and part == out[-1] and part in _DOUBLED_ONCE:
                continue  # "chín mươi mươi hai": a recognizer's doubled syllable (session 9)
            out.append(part)
    while out and out[-1] == BREAK:
        out.pop()
    # "hôn"/"hông" closing a question means "không" (southern)
    if out and out[-1] in ("hôn", "hon"):
        out[-1] = "không"
    return tuple(out)


# Fillers written without diacritics. "a" and "da" are ambiguous ("da" =
# skin), so they are only dropped at the edges of an utterance.
_FOLDED_FILLERS = lx.FOLDED_FILLERS


def content_tokens(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """``tokens`` without fillers; "vâng ạ"/"dạ" prefixes are dropped too."""
    # "gọi không thưa" (no answer to a call) keeps its "thưa": a filler after a negator is a word
    out = [t for k, t in enumerate(tokens) if (t not in FILLERS and t not in _FOLDED_FILLERS)
           or (k > 0 and tokens[k - 1] in lx.FILLERS_KEPT_AFTER)
           # "gọi chẳng buồn thưa": after a negator and a word of will or perception, the answer not given
           or (k > 1 and tokens[k - 1] in lx.FILLERS_KEPT_AFTER_GAP and tokens[k - 2] in lx.FILLERS_KEPT_AFTER)
           # "ú ớ": a mumble, one word with the filler
           or (k > 0 and lx.FILLERS_KEPT_IN.get(tokens[k - 1]) == t)
           # "uong vo la oi": "oi" after "là", "thì", "cũng" (typed without diacritics) is "ói", no vocative
           or (t == "oi" and k > 0 and tokens[k - 1] in lx.VOMIT_OI_AFTER)]
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
