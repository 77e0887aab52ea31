"""Leftmost-longest phrase matching over tokens, and word tests that accept text without diacritics."""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from functools import cache

from ivr.nlu import lexicon as lx
from ivr.nlu.normalize import fold, token_matches, tokenize

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


class Matcher:
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

    def at(self, toks: Sequence[str], i: int) -> Match | None:
        """The longest exact phrase starting at token ``i``."""
        size = len(toks)
        for words, label, phrase in self.index.get(fold(toks[i]), ()):
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
                return Match(i, j, label, phrase)
        return None

    def find(self, toks: Sequence[str]) -> list[Match]:
        """Exact phrases leftmost-longest; then, if allowed, phrases with one small word inside
        ("đầu tôi đau") where no exact phrase is ("lúc đầu tôi đau họng" keeps "đau họng")."""
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
        return sorted(out + extra, key=lambda m: m.start) if extra else out


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
