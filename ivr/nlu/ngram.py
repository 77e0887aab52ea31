"""A statistical second opinion on one utterance: "does this caller describe a warning sign, an emergency?"

A logistic regression over character n-grams of the utterance without diacritics (robust to
recognizer tone and spelling errors and to text typed without diacritics) and over words and word
pairs with their diacritics (so that "là người" and "lả người" can differ when the diacritics are
there). Two heads share the features: "warning" (emergency or high) and "emergency" (against the rest).
It is trained by ``bench/train_ngram.py`` on the labelled corpus (``tests/data/``, each row also as
variants a recognizer or a typist would produce) and shipped as data (``ivr/nlu/data/ngram_model.json``:
weights, biases, thresholds, and how it was trained).

The model only ever raises risk (``ivr.nlu.understander``): the sign ``model_warning`` (a rule in each
triage pack turns it into "high", with a reason that names the model) or the ``concern`` flag, when the
rules found no warning sign themselves. Inference is pure Python (no numpy), a few hundred dictionary
look-ups per utterance.
"""
from __future__ import annotations

import json
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from ivr.nlu.normalize import fold, nfc

MODEL_PATH = Path(__file__).resolve().parent / "data" / "ngram_model.json"
#: Character n-gram sizes taken from the folded text.
CHAR_SIZES = (2, 3, 4, 5)

_WORD = re.compile(r"[0-9]+|[^\W\d_]+", re.UNICODE)


#: Feature kinds: "c" folded character n-grams, "w" words, "b" word pairs (with diacritics), "f" word pairs
#: without diacritics, "s" skip pairs without diacritics (a word and the one after next: "kho _ tho").
ALL_KINDS = ("c", "w", "b", "f", "s")
#: The kinds of a model file that does not name its own.
KINDS = ("c", "w", "b")


def features(text: str, kinds: tuple[str, ...] = KINDS) -> list[str]:
    """The model's features of ``text`` (``kinds``): folded character n-grams ("c:"), words ("w:") and word
    pairs ("b:") with diacritics, folded word pairs ("f:") and folded skip pairs ("s:"). Digits are one class
    ("0"): the model judges words, the rules read numbers."""
    words = [w if not w.isdigit() else "0" for w in _WORD.findall(nfc(str(text)).lower())]
    out: list[str] = []
    folded_words = [fold(w) for w in words]
    if "c" in kinds:
        folded = " " + " ".join(folded_words) + " "
        for n in CHAR_SIZES:
            out.extend("c:" + folded[i:i + n] for i in range(len(folded) - n + 1))
    if "w" in kinds:
        out.extend("w:" + w for w in words)
    if "b" in kinds:
        out.extend(f"b:{a} {b}" for a, b in zip(words, words[1:]))
    if "f" in kinds:
        out.extend(f"f:{a} {b}" for a, b in zip(folded_words, folded_words[1:]))
    if "s" in kinds:
        out.extend(f"s:{a} _ {b}" for a, b in zip(folded_words, folded_words[2:]))
    return out


def _sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, z))))


@dataclass(frozen=True)
class NgramModel:
    """Two logistic heads over one feature set: "warning" (the words describe a warning sign, emergency or
    high) and "emergency" (the words describe an emergency, against everything else). Without emergency
    weights the model has the warning head only."""
    weights: Mapping[str, float]
    bias: float
    threshold: float
    #: Signs that already make the rules escalate (the pack's high and emergency signs, at training time).
    escalating_signs: frozenset[str]
    info: Mapping[str, object]
    kinds: tuple[str, ...] = KINDS
    emergency_weights: Mapping[str, float] = field(default_factory=dict)
    emergency_bias: float = 0.0
    #: The emergency head's threshold (chosen for a very low false-alarm rate): at or above it the words
    #: sound like an emergency with high confidence.
    emergency_threshold: float = 1.0
    #: The same after an intent the rules read as calm-ish (a check-in): stricter.
    emergency_threshold_calm: float = 1.0
    #: The emergency head speaks only when the warning score is at least this (the heads do not disagree).
    emergency_min_warning: float = 0.5

    @property
    def has_emergency(self) -> bool:
        return bool(self.emergency_weights)

    def scores(self, text: str) -> tuple[float, float]:
        """(warning, emergency) probabilities of ``text`` (0..1; emergency 0.0 without that head)."""
        if not text or not text.strip():
            return 0.0, 0.0
        w = self.weights
        counts: dict[str, int] = {}
        for f in features(text, self.kinds):
            if f in w:
                counts[f] = counts.get(f, 0) + 1
        if not counts:
            return _sigmoid(self.bias), (_sigmoid(self.emergency_bias) if self.emergency_weights else 0.0)
        # as in training: the feature counts of the known features scaled to unit length
        norm = math.sqrt(sum(c * c for c in counts.values()))
        warning = _sigmoid(self.bias + sum(c * w[f] for f, c in counts.items()) / norm)
        if not self.emergency_weights:
            return warning, 0.0
        e = self.emergency_weights
        return warning, _sigmoid(self.emergency_bias + sum(c * e.get(f, 0.0) for f, c in counts.items()) / norm)

    def says_emergency(self, warning: float, emergency: float, *, calm: bool = False) -> bool:
        """Do the scores say "emergency" with high confidence? ``calm``: after an intent the rules read as
        calm-ish (the stricter threshold)."""
        threshold = self.emergency_threshold_calm if calm else self.emergency_threshold
        return bool(self.emergency_weights) and emergency >= threshold and warning >= self.emergency_min_warning

    def score(self, text: str) -> float:
        """Probability that ``text`` describes a warning sign (0..1)."""
        return self.scores(text)[0]

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
    kinds = tuple(raw.get("features", KINDS))
    if not set(kinds) <= set(ALL_KINDS):
        raise ValueError(f"{path}: unknown feature kinds {sorted(set(kinds) - set(ALL_KINDS))}")
    em = raw.get("emergency") or {}
    if em:
        for key in ("weights", "bias", "threshold"):
            if key not in em:
                raise ValueError(f"{path}: missing 'emergency.{key}'")
        for key in ("threshold", "threshold_calm"):
            if not 0.0 < float(em.get(key, 1.0)) <= 1.0:
                raise ValueError(f"{path}: emergency {key} {em[key]} is not within 0..1")
    return NgramModel(weights={str(k): float(v) for k, v in raw["weights"].items()}, bias=float(raw["bias"]),
                      threshold=threshold, escalating_signs=frozenset(raw["escalating_signs"]),
                      info={k: v for k, v in raw.items() if k not in ("weights", "bias", "emergency")},
                      kinds=kinds,
                      emergency_weights={str(k): float(v) for k, v in (em.get("weights") or {}).items()},
                      emergency_bias=float(em.get("bias", 0.0)),
                      emergency_threshold=float(em.get("threshold", 1.0)),
                      emergency_threshold_calm=float(em.get("threshold_calm", em.get("threshold", 1.0))),
                      emergency_min_warning=float(em.get("min_warning", 0.5)))


@lru_cache(maxsize=1)
def default_model() -> NgramModel:
    """The shipped model, loaded once."""
    return load_model()
