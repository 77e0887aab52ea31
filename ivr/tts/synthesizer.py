"""Text-to-speech behind one small interface, with a factory that picks the engine from config.

Engines: ``espeak`` (pyttsx3 + espeak-ng, ivr/tts/espeak.py) and ``piper``
(neural ONNX voice, ivr/tts/piper.py). Each engine module is the only one that
imports its library; this module imports them lazily so that a missing optional
engine never breaks the other.
"""
from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path
from typing import Self

from ivr.config import Config
from ivr.errors import ConfigError

ENGINES: tuple[str, ...] = ("espeak", "piper")
#: Where ``ivr models fetch piper-vi`` installs the Vietnamese Piper voice, under cfg.asr_models_dir.
PIPER_VI_VOICE = "vi_VN-vais1000-medium"


class Synthesizer(ABC):
    """Turns text into 16-bit signed mono PCM at the engine's native sample rate.

    ``name`` is the engine ("espeak", "piper"); ``voice_id`` identifies everything
    that changes the sound for a given text (voice, rate, model file), so that
    the prompt cache key ``(name, voice_id, text)`` is exact.
    """

    name: str = ""

    @property
    @abstractmethod
    def voice_id(self) -> str:
        """The voice and its settings, e.g. ``vi@130wpm`` or ``vi_VN-vais1000-medium.onnx#<sha>``."""

    @abstractmethod
    def synthesize(self, text: str) -> tuple[bytes, int]:
        """PCM16 mono bytes and their sample rate. Raises SynthesisError on failure."""

    def close(self) -> None:  # noqa: B027 - an optional hook, not abstract
        """Release workers and models. Safe to call twice.

        A no-op by default: engines that hold workers or models override it.
        """

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def default_piper_voice(cfg: Config) -> Path:
    """The Vietnamese Piper voice that ``ivr models fetch piper-vi`` installs."""
    return cfg.asr_models_dir / PIPER_VI_VOICE / f"{PIPER_VI_VOICE}.onnx"


def open_synthesizer(cfg: Config, engine: str | None = None) -> Synthesizer:
    """The synthesizer named by ``engine`` (default ``cfg.tts_engine``), configured from ``cfg``."""
    engine = engine or cfg.tts_engine
    if engine == "espeak":
        from ivr.tts.espeak import EspeakSynthesizer

        return EspeakSynthesizer(voice=cfg.tts_voice, rate=cfg.tts_rate)
    if engine == "piper":
        from ivr.tts.piper import PiperSynthesizer

        model = Path(cfg.piper_voice) if cfg.piper_voice else default_piper_voice(cfg)
        return PiperSynthesizer(model, rate=cfg.tts_rate)
    raise ConfigError(f"config: key 'tts_engine': expected one of {', '.join(ENGINES)}, got {engine!r}")
