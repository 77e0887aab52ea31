"""What a listener hears in a prompt's audio, compared with the prompt's words.

Two uses: a human recording uploaded for a prompt must say the prompt's words
(``ivr.tts.recording.import_recording`` refuses one that does not, showing what
was heard), and the synthesized voice's intelligibility is measured prompt by
prompt (``bench/tts_wer.py``). The listener is the hotline's own recognizer, passed
in as a function so that this module stays free of any speech engine.

The comparison is on words: the prompt text verbalized as the synthesizer reads
it ("115" -> "một một năm"), lower-cased, punctuation dropped. A heard word from
``OFFENSIVE`` that the prompt does not contain is flagged: a caller hearing a
vulgar word instead of "lần" is worse than any word error rate says.
"""
from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

from ivr.tts.verbalize import verbalize

#: ``listen(pcm16, rate) -> text``: what the recognizer hears in a whole recording.
Listener = Callable[[bytes, int], str]

#: Vulgar words a recognizer may hear in badly synthesized speech; flagged when the prompt lacks them.
OFFENSIVE = frozenset({"lồn", "buồi", "cặc", "đụ", "địt", "đéo", "đĩ", "dái", "đù", "lìn"})


def words(text: str) -> list[str]:
    """Lower-case NFC words without punctuation; hyphenated loanwords split ("cô-vít" -> "cô vít")."""
    text = unicodedata.normalize("NFC", text).lower()
    return "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text).split()


def edit_distance(ref: list[str], hyp: list[str]) -> int:
    """Word-level Levenshtein distance (substitutions, insertions and deletions)."""
    row = list(range(len(hyp) + 1))
    for i, r in enumerate(ref, 1):
        prev, row[0] = row[0], i
        for j, h in enumerate(hyp, 1):
            prev, row[j] = row[j], min(row[j] + 1, row[j - 1] + 1, prev + (r != h))
    return row[-1]


@dataclass(frozen=True, kw_only=True)
class Hearing:
    """The prompt's words (verbalized) against what was heard."""
    expected: str
    heard: str
    errors: int
    ref_words: int
    offensive: tuple[str, ...]

    @property
    def wer(self) -> float:
        return self.errors / max(1, self.ref_words)

    def matches(self, max_wer: float) -> bool:
        """The audio says the prompt's words: at most ``max_wer`` word errors and nothing offensive."""
        return self.wer <= max_wer and not self.offensive


def compare(text: str, heard: str) -> Hearing:
    """Compare a prompt's ``text`` (as written in the catalog) with the words ``heard`` in its audio."""
    ref = words(verbalize(text))
    hyp = words(heard)
    bad = tuple(dict.fromkeys(w for w in hyp if w in OFFENSIVE and w not in ref))
    return Hearing(expected=" ".join(ref), heard=" ".join(hyp), errors=edit_distance(ref, hyp),
                   ref_words=len(ref), offensive=bad)
