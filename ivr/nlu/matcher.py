"""Leftmost-longest phrase matching over tokens, and word tests that accept text without diacritics.

A ``fuzzy`` matcher also tolerates recognizer errors in one word of a phrase (see ``near_word``).
"""
from __future__ import annotations

import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

from ivr.nlu import lexicon as lx
from ivr.nlu.normalize import BREAK, fold, has_diacritics, token_matches, tokenize

#: Single words matched only with their exact diacritics (matching.yaml ``strict_words``).
_STRICT = lx.STRICT_WORDS
#: Small words allowed inside a phrase of a ``gaps`` matcher (matching.yaml ``gap_words``).
_GAP_WORDS = lx.GAP_WORDS
#: The label of phrases that look like a match but are not one ("thuốc ho" is no cough).
BLOCK = "_block"


@dataclass(frozen=True)
class Match:
    start: int
    end: int
    label: str
    phrase: str


@lru_cache(maxsize=8192)
def sound_key(word: str) -> str:
    """``word`` folded, with the initial and final consonants that recognizers confuse merged
    (matching.yaml ``confusable_initials``/``confusable_finals``): "xốt" and "sốt" -> "sot",
    "tứt" and "tức" -> "tut"."""
    f = fold(word)
    for a in sorted(lx.CONFUSABLE_INITIALS, key=len, reverse=True):
        if f.startswith(a) and len(f) > len(a):
            f = lx.CONFUSABLE_INITIALS[a] + f[len(a):]
            break
    for a in sorted(lx.CONFUSABLE_FINALS, key=len, reverse=True):
        if f.endswith(a) and len(f) > len(a):
            f = f[: -len(a)] + lx.CONFUSABLE_FINALS[a]
            break
    return f


def _initial_swap(tok: str, word: str) -> bool:
    """Do ``tok`` and ``word`` differ only by a confusable initial consonant ("xốt"/"sốt")?"""
    for a, b in lx.CONFUSABLE_INITIALS.items():
        for x, y in ((a, b), (b, a)):
            if tok.startswith(x) and word.startswith(y) and tok[len(x):] == word[len(y):] and tok[len(x):]:
                return True
    return False


#: The five tone marks (combining): a recognizer that drops one writes "sôt" for "sốt".
_TONE_MARKS = frozenset("\u0300\u0301\u0303\u0309\u0323")


@lru_cache(maxsize=8192)
def _toneless(word: str) -> str:
    return unicodedata.normalize("NFC", "".join(
        ch for ch in unicodedata.normalize("NFD", word) if ch not in _TONE_MARKS))


def _tone_dropped(tok: str, word: str) -> bool:
    """Is ``tok`` ``word`` with its tone mark dropped and its other marks kept ("sôt" for "sốt", "mêt" for
    "mệt")? Such a toneless spelling is no Vietnamese word of its own when ``word`` has a tone."""
    return tok != word and tok == _toneless(tok) and _toneless(word) == tok and has_diacritics(tok)


@lru_cache(maxsize=8192)
def _vowel_key(word: str) -> str:
    """``word`` without its tone mark, the vowels recognizers confuse merged (matching.yaml ``confusable_vowels``)."""
    key = _toneless(word)
    for a in sorted(lx.CONFUSABLE_VOWELS, key=len, reverse=True):
        key = key.replace(a, lx.CONFUSABLE_VOWELS[a])
    return key


@lru_cache(maxsize=65536)
def vowel_slip(tok: str, word: str) -> bool:
    """Could ``tok`` be ``word`` with a vowel a recognizer confuses ("thửa" for "thở")? Only a token written with
    diacritics that is no protected or strict word (the caller decides where: the last word of a phrase)."""
    if tok == word or not has_diacritics(tok) or tok in lx.FUZZY_PROTECTED or tok in _STRICT or word in _STRICT:
        return False
    return _vowel_key(tok) == _vowel_key(word) and _toneless(tok) != _toneless(word)


@lru_cache(maxsize=65536)
def consonant_slip(tok: str, word: str) -> bool:
    """Is ``tok`` ``word`` with a confusable initial or final consonant of as many letters, its vowel and tone the
    same ("tứt" for "tức", "ngựt" for "ngực"; never "lạnh" for "lẫn")? Only a token written with diacritics that is
    no protected or strict word."""
    if tok == word or not has_diacritics(tok) or tok in lx.FUZZY_PROTECTED or tok in _STRICT or word in _STRICT:
        return False
    return (len(fold(word)) >= 3 and len(tok) == len(word) and fold(tok) != fold(word)
            and sound_key(tok) == sound_key(word) and _tone(tok) == _tone(word))


@lru_cache(maxsize=65536)
def final_slip(tok: str, word: str) -> bool:
    """Is ``tok`` ``word`` with its final nasal heard longer or shorter ("mang" for "man", "hổn hểnh" for "hổn
    hển"; matching.yaml ``confusable_finals``: ng/nh for n), the rest and the tone the same? Also a token without
    diacritics for a phrase word without any (a level-tone syllable as a recognizer writes it); the caller decides
    where (beside an exact word in text written with diacritics). Never a protected or strict word."""
    if tok in lx.FUZZY_PROTECTED or tok in _STRICT or word in _STRICT or has_diacritics(word) != has_diacritics(tok):
        return False
    ft, fw = fold(tok), fold(word)
    return (len(fw) >= 3 and ft != fw and _nasal_stem(ft) is not None and _nasal_stem(ft) == _nasal_stem(fw)
            and _tone(tok) == _tone(word))


@lru_cache(maxsize=65536)
def folded_slip(tok: str, word: str) -> bool:
    """In text without any diacritics (a recognizer that drops every mark), is ``tok`` ``word`` folded with a
    confusable initial or final consonant ("nói xang" for "nói sảng", "bat tin" for "bất tỉnh", "me mang" for "mê
    man")? The caller decides where: the last word of a phrase, the others exact. Never a protected or strict word
    folded ("ho", "tim", "co" keep their sense)."""
    if tok != fold(tok) or tok in _folded_guarded():
        return False
    ft, fw = tok, fold(word)
    return len(fw) >= 3 and ft != fw and sound_key(ft) == sound_key(fw)


@cache
def _folded_guarded() -> frozenset[str]:
    return frozenset(fold(w) for w in (*lx.FUZZY_PROTECTED, *_STRICT))


def _nasal_stem(folded: str) -> str | None:
    """A folded syllable ending in n, ng or nh, as its letters before that final ("mang" -> "ma"); else None."""
    for final in ("ng", "nh", "n"):
        if folded.endswith(final) and len(folded) > len(final):
            return folded[: -len(final)]
    return None


def _tone(word: str) -> str:
    """The tone mark of ``word`` ("" for the level tone)."""
    return "".join(ch for ch in unicodedata.normalize("NFD", word) if ch in _TONE_MARKS)


_HOI, _NGA = "\u0309", "\u0303"


def _hoi_nga(tok: str, word: str) -> bool:
    """Is ``tok`` ``word`` with its hỏi and ngã tones swapped ("xĩu" for "xỉu"), the tones southern speakers and
    recognizers merge, the letters the same (an initial swap too: "sĩu")?"""
    if {_tone(tok), _tone(word)} != {_HOI, _NGA}:
        return False
    a, b = _toneless(tok), _toneless(word)
    return a == b or _initial_swap(a, b)


@lru_cache(maxsize=65536)
def short_tone_slip(tok: str, word: str) -> bool:
    """Is ``tok`` the two-letter ``word`` with another tone ("hôn mề" for "hôn mê", "li bỉ" for "li bì")? The caller
    decides where: the last word of a phrase, the others exact. Never a protected or strict word."""
    if tok == word or tok in lx.FUZZY_PROTECTED or tok in _STRICT or word in _STRICT or not has_diacritics(tok):
        return False
    return len(fold(word)) == 2 and _toneless(tok) == _toneless(word)


@lru_cache(maxsize=65536)
def short_initial_slip(tok: str, word: str) -> bool:
    """Is ``tok`` the two-letter ``word`` with a confusable initial, the same tone ("da" for "ra", "dồi" for "rồi":
    northern speech says r, d and gi alike)? The caller decides where: inside a phrase of three words or more, the
    other words exact. Never a strict word."""
    if tok == word or tok in _STRICT or word in _STRICT or len(fold(word)) != 2:
        return False
    return _tone(tok) == _tone(word) and _initial_swap(fold(tok), fold(word))


def _one_edit(a: str, b: str) -> bool:
    """Are ``a`` and ``b`` one substitution, insertion or deletion apart?"""
    if a == b or abs(len(a) - len(b)) > 1:
        return False
    if len(a) > len(b):
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i + (len(a) == len(b)):] == b[i + 1:]


@lru_cache(maxsize=16384)
def near_word(tok: str, word: str, *, single: bool) -> bool:
    """Could ``tok`` be ``word`` misheard by a recognizer?

    Only a token written with diacritics that is not itself a word the matcher knows and not a
    common word whose variant is another common word (matching.yaml ``fuzzy_protected``: "là" is
    never "lả"). Inside a longer phrase: the same letters with another tone ("thợ" for "thở"), a
    confusable initial or final ("tứt" for "tức"), or one letter replaced ("đao" for "đau"). A
    one-word phrase is riskier: only a confusable initial, the rest identical ("xốt" for "sốt",
    never "sóc").
    """
    if tok == word or not has_diacritics(tok) or tok in lx.FUZZY_PROTECTED or tok in _STRICT:
        return False
    if word in _STRICT or len(fold(word)) < 3:
        return False
    if single:
        return _initial_swap(tok, word) or _tone_dropped(tok, word) or _hoi_nga(tok, word)
    ft, fw = fold(tok), fold(word)
    if ft == fw or sound_key(tok) == sound_key(word):
        return True
    return ft[0] == fw[0] and len(ft) == len(fw) >= 3 and _one_edit(ft, fw)


def _listed_slips(entries: Sequence[tuple[tuple[str, ...], str, str]]) -> frozenset[tuple[str, str]]:
    """(slip, word) pairs the tables list as a recognizer's slip: two phrases of one label that differ only in one
    word, the two words the same letters with other tones or a confusable consonant ("khó thỡ" beside "khó thở"),
    the slip in at most a third as many phrases as the word. A slip listed once is the same slip in every phrase
    ("thỡ dốc" is "thở dốc"), although the matcher knows it; two words both common in the tables ("lơ mơ", "mở
    mắt") are two words, never bent, nor the words matching.yaml ``listed_slips_excluded`` names."""
    uses: dict[str, int] = {}
    groups: dict[tuple[str, int, tuple[str, ...]], set[str]] = {}
    for words, label, _ in entries:
        for w in words:
            uses[w] = uses.get(w, 0) + 1
        if len(words) < 2:
            continue
        for k, w in enumerate(words):
            groups.setdefault((label, k, words[:k] + words[k + 1:]), set()).add(w)
    pairs: set[tuple[str, str]] = set()
    for found in groups.values():
        for a in found:
            for b in found:
                if (a != b and has_diacritics(a) and a not in lx.FUZZY_PROTECTED and a not in _STRICT
                        and a not in lx.LISTED_SLIPS_EXCLUDED
                        and 3 * uses[a] <= uses[b] and (fold(a) == fold(b) or sound_key(a) == sound_key(b))):
                    pairs.add((a, b))
    return frozenset(pairs)


#: how many token sequences each matcher remembers its matches for (the readers of one utterance ask again; the
#: memory is emptied when full)
_FOUND_KEPT = 64


class Matcher:
    """Leftmost-longest phrase matching over tokens (see ``token_matches``)."""

    def __init__(self, table: Mapping[str, Iterable[str]], *, gaps: bool = False, fuzzy: bool = False):
        self.gaps = gaps
        self.fuzzy = fuzzy
        self.index: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for label, phrases in table.items():
            for phrase in phrases:
                words = tuple(tokenize(phrase))
                if not words:
                    continue
                self.index.setdefault(fold(words[0]), []).append((words, label, phrase))
        for entries in self.index.values():
            entries.sort(key=lambda e: -len(e[0]))
        # the phrases of two words or more by their first two words folded, with their place in ``index`` (a word of
        # a phrase matches a caller token only when both fold alike, ``token_matches``): ``at`` and ``gapped_at`` try
        # only those whose second word the caller said next (or after one gap word), in ``index`` order. Same matches
        # as trying every phrase of the first word ("không" starts hundreds), a few times faster (session 12, n16).
        self._pairs: dict[tuple[str, str], list[tuple[int, tuple[tuple[str, ...], str, str]]]] = {}
        self._singles: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
        for first, entries in self.index.items():
            for place, e in enumerate(entries):
                if len(e[0]) > 1:
                    self._pairs.setdefault((first, fold(e[0][1])), []).append((place, e))
                else:
                    self._singles.setdefault(first, []).append(e)
        self.entries = sorted((e for es in self.index.values() for e in es), key=lambda e: -len(e[0]))
        #: every word of every phrase, with and without diacritics: a known word is never bent
        self.vocabulary = frozenset(w for words, _, _ in self.entries for w in words)
        # the fuzzy pass bends at most one word of a phrase of two words or more, or only by consonant slips (same
        # ``sound_key``), keeping the others exact: such a phrase is a candidate at a position only when one of its
        # words has the ``sound_key`` of the caller's word at its place ((place, key) -> entry numbers, in entry
        # order); one-word phrases always are. Same matches as trying every phrase, a few times faster.
        # a one-word phrase matches only a token ``near_word`` (single) to it: a confusable initial, a dropped tone or
        # hỏi/ngã, each of which keeps the ``sound_key``, so only the one-word phrases of the caller's word's key are
        # tried (same matches as trying every one, which cost most of the understanding's time; session 20, lead)
        self._fuzzy_singles: dict[str, tuple[int, ...]] = {}
        for n, (words, _, _) in enumerate(self.entries):
            if len(words) == 1:
                key = sound_key(words[0])
                self._fuzzy_singles[key] = (*self._fuzzy_singles.get(key, ()), n)
        self._fuzzy_index: dict[tuple[int, str], list[int]] = {}
        for n, (words, _, _) in enumerate(self.entries):
            if len(words) > 1:
                for k, w in enumerate(words):
                    self._fuzzy_index.setdefault((k, sound_key(w)), []).append(n)
        self._longest = max((len(e[0]) for e in self.entries), default=0)
        self._sizes = tuple(len(e[0]) for e in self.entries)
        # the same tokens are looked up again by several readers of one utterance: the last few answers are kept
        self._found: dict[tuple[str, ...], tuple[Match, ...]] = {}
        self.listed_slips = _listed_slips(self.entries)

    @staticmethod
    def _eq(tok: str, word: str, single: bool) -> bool:
        if single and word in _STRICT:
            return tok == word
        return token_matches(tok, word)

    def _candidates(self, toks: Sequence[str], i: int, gap: bool) -> list[tuple[tuple[str, ...], str, str]]:
        """The phrases of two words or more that may start at ``i``: their second word folds like the next token (or,
        ``gap``, like the one after a gap word), in ``index`` order."""
        first = fold(toks[i])
        found = list(self._pairs.get((first, fold(toks[i + 1])), ())) if i + 1 < len(toks) else []
        if gap and i + 2 < len(toks) and toks[i + 1] in _GAP_WORDS and fold(toks[i + 2]) != fold(toks[i + 1]):
            more = self._pairs.get((first, fold(toks[i + 2])), ())
            if more:
                found = sorted((*found, *more), key=lambda p: p[0])
        return [e for _, e in found]

    def at(self, toks: Sequence[str], i: int) -> Match | None:
        """The longest exact phrase starting at token ``i``."""
        size = len(toks)
        for words, label, phrase in (*self._candidates(toks, i, False), *self._singles.get(fold(toks[i]), ())):
            n = len(words)
            if i + n > size:
                continue
            if n == 1:
                if self._eq(toks[i], words[0], True):
                    return Match(i, i + 1, label, phrase)
                continue
            for k in range(n):
                t, w = toks[i + k], words[k]
                if t != w and not (t == fold(t) and t == fold(w)):
                    break
            else:
                return Match(i, i + n, label, phrase)
        return None

    def gapped_at(self, toks: Sequence[str], i: int) -> Match | None:
        entries = self._candidates(toks, i, True)
        # one small word inside a phrase: "họng (tôi) rát", "đau (ở) ngực"
        for words, label, phrase in entries:
            n = len(words)
            if n < 2 or not self._eq(toks[i], words[0], False):
                continue  # the first word must match too: "là (người)" is not "lả người"
            j = i + 1
            gap_used = False
            for k in range(1, n):
                if j < len(toks) and self._eq(toks[j], words[k], False):
                    j += 1
                elif (not gap_used and j + 1 < len(toks) and toks[j] in _GAP_WORDS
                      and self._eq(toks[j + 1], words[k], False)
                      and not (j == i + 1 and toks[i] in lx.GAP_KIN and toks[j] in lx.GAP_POSSESSIVE)):
                    # "me toi di" is "mẹ tôi đi", no "mê (tôi) đi" (matching.yaml ``gap_kin``)
                    gap_used = True
                    j += 2
                else:
                    break
            else:
                return Match(i, j, label, phrase)
        return None

    def find(self, toks: Sequence[str]) -> list[Match]:
        """Exact phrases leftmost-longest; then, if allowed, phrases with one small word inside
        ("đầu tôi đau") where no exact phrase is ("lúc đầu tôi đau họng" keeps "đau họng")."""
        key = tuple(toks)
        found = self._found.get(key)
        if found is None:
            found = tuple(self._find(key))
            if len(self._found) >= _FOUND_KEPT:
                self._found.clear()  # atomic: calls on several threads share a matcher
            self._found[key] = found
        return list(found)

    def _find(self, toks: Sequence[str]) -> list[Match]:
        out: list[Match] = []
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
        extra: list[Match] = []
        i = 0
        while i < len(toks):
            m = None if i in covered else self.gapped_at(toks, i)
            if m is None or any(k in covered for k in range(m.start, m.end)):
                i += 1
                continue
            extra.append(m)
            i = m.end
        out = sorted(out + extra, key=lambda m: m.start) if extra else out
        if self.fuzzy:
            out = self._fuzzy(toks, out)
        return out

    def fuzzy_at(self, toks: Sequence[str], i: int) -> Match | None:
        """The longest phrase at ``i`` with one word misheard (``near_word``), the others exact; or, in a phrase of
        three words or more, two words misheard only by confusable consonants ("đau tứt ngựt" for "đau tức ngực",
        ``consonant_slip``), one word exact. A word the matcher knows is bent only by such a consonant slip ("tứt",
        listed in "tứt ngực", is "tức" in "tứt thở")."""
        size = len(toks)
        accented = any(has_diacritics(t) for t in toks)
        # a phrase of n words matches with at most one word whose ``sound_key`` is not the caller's (the others are
        # exact or consonant slips, which keep it): a candidate only when n - 1 of its places are hit (session 12, n16)
        hits: dict[int, int] = dict.fromkeys(self._fuzzy_singles.get(sound_key(toks[i]), ()), 1)
        for k in range(min(self._longest, size - i)):
            for number in self._fuzzy_index.get((k, sound_key(toks[i + k])), ()):
                hits[number] = hits.get(number, 0) + 1
        sizes = self._sizes
        for number in sorted(number for number, hit in hits.items()
                             if hit >= sizes[number] - 1 and i + sizes[number] <= size):
            words, label, phrase = self.entries[number]
            n = len(words)
            if BREAK in toks[i:i + n]:
                continue
            bent = consonant_only = 0
            for k in range(n):
                t, w = toks[i + k], words[k]
                if self._eq(t, w, n == 1):
                    continue
                consonant = n > 1 and (consonant_slip(t, w) or (accented and final_slip(t, w))
                                       or (not accented and k == n - 1 and folded_slip(t, w)))
                if not consonant and not bent and n >= 3 and accented and short_initial_slip(t, w):
                    # "thở không da hơi": a two-letter word with the initial northern speech merges, inside a
                    # phrase of three words or more whose other words are exact (session 19, lead)
                    bent += 1
                    continue
                known = t in self.vocabulary and (t, w) not in self.listed_slips
                if not consonant and (bent or known or not (
                        near_word(t, w, single=n == 1)
                        or (n > 1 and k == n - 1 and (vowel_slip(t, w) or short_tone_slip(t, w))))):
                    break
                bent += 1
                consonant_only += consonant
                if bent > 1 and (consonant_only < bent or n < 3):
                    break
            else:
                if bent:
                    return Match(i, i + n, label, phrase)
        return None

    def _fuzzy(self, toks: Sequence[str], found: list[Match]) -> list[Match]:
        covered = {k for m in found for k in range(m.start, m.end)}
        extra: list[Match] = []
        i = 0
        while i < len(toks):
            if i in covered or toks[i] == BREAK:
                i += 1
                continue
            m = self.fuzzy_at(toks, i)
            if m is None or any(k in covered for k in range(m.start, m.end)):
                i += 1
                continue
            extra.append(m)
            i = m.end
        return sorted(found + extra, key=lambda m: m.start) if extra else found


def table(*phrases: str, label: str = "x") -> dict[str, tuple[str, ...]]:
    return {label: phrases}


@cache
def _word_sets(words: tuple[str, ...]) -> tuple[frozenset[str], frozenset[str]]:
    return frozenset(words), frozenset(fold(w) for w in words)


def word_in(tok: str | None, words: Sequence[str]) -> bool:
    """Does ``tok`` match one of ``words`` (``token_matches``)?"""
    if tok is None:
        return False
    exact, folded = _word_sets(tuple(words))
    return tok in exact or (tok in folded and tok == fold(tok))
