"""Greedy CTC decoding over word pieces."""
from __future__ import annotations

import numpy as np
import pytest

from ivr.errors import ModelError
from ivr.speech.vietasr.ctc import GreedyDecoder, Vocabulary

VOCAB = Vocabulary(["<blank>", "<unk>", "▁có", "▁khó", "▁th", "ở"])


def frames(*tokens: int, p: float = 0.9) -> np.ndarray:
    out = np.full((len(tokens), len(VOCAB.tokens)), np.log((1 - p) / (len(VOCAB.tokens) - 1)))
    out[np.arange(len(tokens)), tokens] = np.log(p)
    return out


def test_repeats_collapse_and_blanks_separate() -> None:
    d = GreedyDecoder()
    d.step(frames(0, 3, 3, 0, 4, 4, 5, 0))
    assert VOCAB.text(d.ids) == "khó thở"
    d.reset()
    d.step(frames(2, 0, 2))  # a blank between two equal tokens: said twice
    assert VOCAB.text(d.ids) == "có có"


def test_runs_continue_across_chunks() -> None:
    d = GreedyDecoder()
    d.step(frames(3, 3))
    d.step(frames(3, 0))  # same token at the chunk boundary: one token
    assert d.ids == [3]


def test_confidence_is_the_mean_best_posterior() -> None:
    d = GreedyDecoder()
    d.step(frames(2, p=0.5))
    d.step(frames(2, 0, 3, p=0.9))
    assert d.confidence == pytest.approx(0.9)  # the run's best frame counts
    assert GreedyDecoder().confidence == 0.0


def test_vocabulary_file_is_validated() -> None:
    assert Vocabulary.parse("<blank> 0\n▁a 1\n").tokens == ["<blank>", "▁a"]
    with pytest.raises(ModelError, match="vocabulary line 2: expected 'token id'"):
        Vocabulary.parse("<blank> 0\nbroken\n")
    with pytest.raises(ModelError, match="not 0..N-1"):
        Vocabulary.parse("<blank> 0\n▁a 5\n")
