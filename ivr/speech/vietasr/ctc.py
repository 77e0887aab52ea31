"""Greedy CTC decoding, streaming, with a per-utterance acoustic confidence.

Tokens are SentencePiece-style pieces: "▁" starts a word. Index 0 is the blank.
Confidence is the mean, over emitted tokens, of each token's best posterior
within its run of frames: near 1.0 for clear speech, lower for mumbled,
noisy or out-of-vocabulary audio.
"""
from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ivr.errors import ModelError

BLANK = 0
WORD_START = "\u2581"


class Vocabulary:
    """Token ids to text; built from ``token id`` lines."""

    def __init__(self, tokens: Sequence[str]):
        self.tokens = list(tokens)

    @classmethod
    def parse(cls, text: str) -> Vocabulary:
        tokens: dict[int, str] = {}
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            token, _, index = line.rpartition(" ")
            if not token or not index.isdigit():
                raise ModelError(f"vocabulary line {number}: expected 'token id', got {line!r}")
            tokens[int(index)] = token
        if sorted(tokens) != list(range(len(tokens))):
            raise ModelError("vocabulary ids are not 0..N-1")
        return cls([tokens[i] for i in range(len(tokens))])

    def text(self, ids: Sequence[int]) -> str:
        return "".join(self.tokens[i] for i in ids).replace(WORD_START, " ").strip()


class GreedyDecoder:
    """Best path through successive blocks of log-probabilities; ``reset`` starts a new utterance."""

    def __init__(self) -> None:
        self.ids: list[int] = []
        self.scores: list[float] = []
        self._previous = BLANK

    def reset(self) -> None:
        self.ids, self.scores, self._previous = [], [], BLANK

    def step(self, logprobs: np.ndarray) -> None:
        """``logprobs``: (frames, tokens) log posteriors."""
        best = logprobs.argmax(axis=1)
        top = np.exp(logprobs[np.arange(len(best)), best])
        for token, p in zip(best.tolist(), top.tolist()):
            if token != BLANK:
                if token != self._previous:
                    self.ids.append(token)
                    self.scores.append(p)
                elif p > self.scores[-1]:
                    self.scores[-1] = p
            self._previous = token

    @property
    def confidence(self) -> float:
        return float(np.mean(self.scores)) if self.scores else 0.0
