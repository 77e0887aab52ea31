"""The Vosk (Kaldi) speech engine: the only module importing ``vosk``.

A model folder (``am/final.mdl``, ``conf/``, ``graph/``...) is loaded once into a
``vosk.Model`` shared read-only by every decoder; each decoder owns one
``KaldiRecognizer``. Closed questions use Vosk grammars (a JSON list of phrases
plus ``[unk]``): phrases with words missing from the model's vocabulary are
dropped with a warning. Confidence is the mean of the words' ``conf``. Audio
must be at the model's rate (``sample_rate``, read from ``conf/mfcc.conf``);
``ivr.speech.recognizer`` resamples to it.
"""
from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Sequence
from pathlib import Path

import vosk

from ivr.errors import ModelError

log = logging.getLogger(__name__)
vosk.SetLogLevel(-1)

FETCH_HINT = "run `ivr models fetch vosk-vn` (or set vosk_model to a Vosk model folder)"
UNKNOWN = "[unk]"


def model_rate(path: Path) -> int:
    """The sample rate a Vosk model was trained on (``--sample-frequency`` in conf/mfcc.conf; 16000 if absent)."""
    conf = path / "conf" / "mfcc.conf"
    if conf.is_file():
        match = re.search(r"--sample-frequency=(\d+)", conf.read_text(encoding="utf-8", errors="replace"))
        if match:
            return int(match.group(1))
    return 16000


class VoskDecoder:
    """One ``KaldiRecognizer``; ``final`` resets it for the next utterance."""

    def __init__(self, engine: VoskEngine, grammar: Sequence[str] | None):
        self.engine = engine
        phrases = engine.usable_phrases(grammar) if grammar else None
        if phrases:
            extra = [UNKNOWN] if engine.knows(UNKNOWN) else []  # out-of-grammar speech -> [unk]
            self._rec = vosk.KaldiRecognizer(engine.model, engine.sample_rate,
                                             json.dumps(phrases + extra, ensure_ascii=False))
        else:
            self._rec = vosk.KaldiRecognizer(engine.model, engine.sample_rate)
        self._rec.SetWords(True)
        self.grammar = phrases

    def accept(self, pcm16: bytes) -> None:
        if pcm16:
            self._rec.AcceptWaveform(pcm16)

    def partial(self) -> str:
        text = json.loads(self._rec.PartialResult()).get("partial", "")
        return _clean(text)

    def final(self) -> tuple[str, float]:
        payload = json.loads(self._rec.FinalResult())
        words = [w for w in payload.get("result", []) if w.get("word") != UNKNOWN]
        text = _clean(payload.get("text", ""))
        if not text:
            return "", 0.0
        confidence = sum(float(w.get("conf", 0.0)) for w in words) / len(words) if words else 0.0
        return text, round(confidence, 3)

    def close(self) -> None:
        self._rec = None


def _clean(text: str) -> str:
    return " ".join(w for w in text.split() if w != UNKNOWN)


class VoskEngine:
    """A loaded Vosk model. Raises ``ModelError`` (with how to get one) when the folder is missing or bad."""

    name = "vosk"

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise ModelError(f"Vosk model not found at {self.path}: {FETCH_HINT}")
        if not (self.path / "am" / "final.mdl").is_file() or not (self.path / "conf").is_dir():
            raise ModelError(f"not a Vosk model folder (no am/final.mdl or conf/): {self.path}: {FETCH_HINT}")
        self.sample_rate = model_rate(self.path)
        started = time.perf_counter()
        try:
            self.model = vosk.Model(model_path=str(self.path))
        except Exception as exc:  # noqa: BLE001 - vosk raises a bare Exception("Failed to create a model")
            raise ModelError(f"Vosk could not load the model at {self.path} ({exc}): {FETCH_HINT}") from None
        self.load_s = time.perf_counter() - started
        self._missing_logged: set[str] = set()

    def describe(self) -> str:
        return f"vosk model {self.path.name} ({self.sample_rate} Hz)"

    def knows(self, word: str) -> bool:
        return bool(self.model.vosk_model_find_word(word) >= 0)

    def usable_phrases(self, grammar: Sequence[str]) -> list[str]:
        """The grammar phrases whose words are all in the model's vocabulary."""
        usable = []
        for phrase in grammar:
            words = phrase.lower().split()
            missing = [w for w in words if not self.knows(w)]
            if not words:
                continue
            if missing:
                if phrase not in self._missing_logged:
                    self._missing_logged.add(phrase)
                    log.warning("vosk: grammar phrase %r dropped: not in the model's vocabulary: %s",
                                phrase, " ".join(missing))
                continue
            usable.append(" ".join(words))
        return list(dict.fromkeys(usable))

    def decoder(self, grammar: Sequence[str] | None) -> VoskDecoder:
        return VoskDecoder(self, grammar)
