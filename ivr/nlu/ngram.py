"""A statistical second opinion on one utterance: "does this caller describe a warning sign?"

A logistic regression over character n-grams of the utterance without diacritics (robust to
recognizer tone and spelling errors and to text typed without diacritics) and over words and word
pairs with their diacritics (so that "là người" and "lả người" can differ when the diacritics are
there). It is trained by ``bench/train_ngram.py`` on the labelled corpus (``tests/data/``) and shipped
as data (``ivr/nlu/data/ngram_model.json``: weights, bias, threshold, and how it was trained).

The model only ever raises risk: ``ivr.nlu.analysis`` adds the sign ``model_warning`` (a rule in
each triage pack turns it into "high", with a reason that names the model) when the score reaches
the threshold and the rules found no warning sign themselves. Inference is pure Python (no numpy),
a few dozen dictionary look-ups per utterance.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from ivr.nlu.normalize import fold, nfc

MODEL_PATH = Path(__file__).resolve().parent / "data" / "ngram_model.json"
#: Character n-gram sizes taken from the folded text.
CHAR_SIZES = (2, 3, 4, 5)

_WORD = re.compile(r"[0-9]+|[^\W\d_]+", re.UNICODE)


def features(text: str) -> list[str]:
    """The model's features of ``text``: folded character n-grams ("c:"), words ("w:") and word pairs
    ("b:") with diacritics. Digits are one class ("0"): the model judges words, the rules read numbers."""
    words = [w if not w.isdigit() else "0" for w in _WORD.findall(nfc(str(text)).lower())]
    out: list[str] = []
    folded = " " + " ".join(fold(w) for w in words) + " "
    for n in CHAR_SIZES:
        out.extend("c:" + folded[i:i + n] for i in range(len(folded) - n + 1))
    out.extend("w:" + w for w in words)
    out.extend(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    return out


@dataclass(frozen=True)
class NgramModel:
    weights: Mapping[str, float]
    bias: float
    threshold: float
    #: Signs that already make the rules escalate (the pack's high and emergency signs, at training time).
    escalating_signs: frozenset[str]
    info: Mapping[str, object]

    def score(self, text: str) -> float:
        """Probability that ``text`` describes a warning sign (0..1)."""
        if not text or not text.strip():
            return 0.0
        w = self.weights
        counts: dict[str, int] = {}
        for f in features(text):
            if f in w:
                counts[f] = counts.get(f, 0) + 1
        if not counts:
            return 1.0 / (1.0 + math.exp(-self.bias))
        # as in training: the feature counts of the known features scaled to unit length
        norm = math.sqrt(sum(c * c for c in counts.values()))
        z = self.bias + sum(c * w[f] for f, c in counts.items()) / norm
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))

    def says_high(self, text: str) -> bool:
        return self.score(text) >= self.threshold


def load_model(path: str | Path = MODEL_PATH) -> NgramModel:
    raw = json.loads(Path(path).read_text(encoding="utf-8"))
    for key in ("weights", "bias", "threshold", "escalating_signs"):
        if key not in raw:
            raise ValueError(f"{path}: missing '{key}'")
    threshold = float(raw["threshold"])
    if not 0.0 < threshold < 1.0:
        raise ValueError(f"{path}: threshold {threshold} is not within 0..1")
    return NgramModel(weights={str(k): float(v) for k, v in raw["weights"].items()}, bias=float(raw["bias"]),
                      threshold=threshold, escalating_signs=frozenset(raw["escalating_signs"]),
                      info={k: v for k, v in raw.items() if k not in ("weights", "bias")})


@lru_cache(maxsize=1)
def default_model() -> NgramModel:
    """The shipped model, loaded once."""
    return load_model()
