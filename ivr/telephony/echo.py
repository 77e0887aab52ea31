"""Echo: words decoded while a hold prompt played that are the prompt itself, heard back over the line.

A held caller is heard over the hold prompts too (a caller who gets worse must never wait for a prompt to end).
On a line without echo cancellation the prompt can come back in the caller's audio; its words contain warning
signs ("khó thở hơn hoặc mệt lả ... gọi ngay 115") and must not raise the case as if the caller said them.

Only a long run of the prompt's own words, in its order, is taken for echo: a short answer ("khó thở", "cứu
với") is always the caller's, even when the prompt has the same words (fail toward a human).
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from ivr.nlu.normalize import fold
from ivr.tts.verbalize import verbalize

#: Fewer decoded words than this are never taken for echo (a caller may repeat a phrase of the prompt:
#: "khó thở hơn hoặc mệt lả" said back is theirs; a raise on a short echo fails toward a human).
MIN_WORDS = 8
#: The share of the decoded words that must be the prompt's words, in the prompt's order.
SHARE = 0.9

_WORD = re.compile(r"\w+")


def _words(text: str) -> list[str]:
    """The words as spoken ("115" is "một một năm"), lower case without tones."""
    return _WORD.findall(fold(verbalize(text)))


def _in_order(heard: list[str], said: list[str]) -> int:
    """The length of the longest common subsequence of two word lists."""
    prev = [0] * (len(said) + 1)
    for h in heard:
        row = [0]
        for j, s in enumerate(said):
            row.append(prev[j] + 1 if h == s else max(prev[j + 1], row[j]))
        prev = row
    return prev[-1]


def is_echo(heard: str, played: Iterable[str]) -> bool:
    """True when ``heard`` is mostly one of the ``played`` prompt texts, word for word in order."""
    words = _words(heard)
    if len(words) < MIN_WORDS:
        return False
    return any(_in_order(words, _words(text)) >= SHARE * len(words) for text in played)
