"""The viet-asr speech engine (PyPI ``viet-asr``): the only module importing ``vietasr``.

viet-asr is an offline streaming Vietnamese recognizer (a chunked conformer run by
ONNX Runtime, with CTC beam search); its model is embedded in the wheel, so it
works with no download. One ``vietasr.Pipeline`` is built per process with only
the ``vietasr`` module (the ``transcribe`` preset adds nothing the hotline uses and
loads slower); each decoder owns one pipeline session (``pipeline.stream(16000)``),
and sessions on one pipeline decode concurrently from several threads.

viet-asr has no grammar support and reports no confidence. So:

- closed questions: the transcript is snapped to the closest grammar phrase
  (``ivr.recognizer.snap_to_grammar``); the confidence is the similarity. Text
  that matches no phrase is returned as said, so "tôi khó thở" said to a yes/no
  question still reaches the NLU.
- open questions: the confidence is ``OPEN_CONFIDENCE`` for any non-empty text,
  a fixed stand-in meaning "decoded, not verified" (above the flow's 0.45 floor).
"""
from __future__ import annotations

import time
from collections.abc import Sequence

import vietasr

from .errors import ModelError
from .recognizer import normalize_phrase, snap_to_grammar

#: Stand-in confidence for open-vocabulary text: viet-asr reports none.
OPEN_CONFIDENCE = 0.8
SAMPLE_RATE = 16000
MODULES = ("vietasr",)


class VietAsrDecoder:
    """One viet-asr session; ``final`` resets it for the next utterance."""

    def __init__(self, engine: VietAsrEngine, grammar: Sequence[str] | None):
        self.engine = engine
        self.grammar = [g for g in (normalize_phrase(p) for p in grammar or ()) if g] or None
        try:
            self._session: vietasr.Session | None = engine.pipeline.stream(float(SAMPLE_RATE))
        except vietasr.pipeline.PipelineError as exc:
            raise ModelError(f"viet-asr could not open a session: {exc}") from None

    def accept(self, pcm16: bytes) -> None:
        if pcm16 and self._session is not None:
            self._session.accept(pcm16)

    def partial(self) -> str:
        assert self._session is not None
        return normalize_phrase(self._session.partial().text)

    def final(self) -> tuple[str, float]:
        assert self._session is not None
        text = normalize_phrase(self._session.final().text)
        self._session.reset()
        if not text:
            return "", 0.0
        if self.grammar:
            phrase, score = snap_to_grammar(text, self.grammar)
            if phrase in self.grammar:
                return phrase, round(score, 3)
        return text, OPEN_CONFIDENCE

    def close(self) -> None:
        if self._session is not None:
            self._session.close()
            self._session = None


class VietAsrEngine:
    """The loaded viet-asr pipeline (about 1-2 s to load, ~250 MB resident)."""

    name = "vietasr"
    sample_rate = SAMPLE_RATE

    def __init__(self, modules: Sequence[str] = MODULES):
        started = time.perf_counter()
        try:
            vietasr.ffi.native.lib.vietasr_set_log_level(3)  # warnings and errors only
            pipeline = vietasr.Pipeline.new()
            for module in modules:
                pipeline.add(module)
            self.pipeline = pipeline.build()
        except (vietasr.pipeline.PipelineError, OSError) as exc:
            raise ModelError(f"viet-asr could not load its model ({exc}): reinstall it with "
                             "`pip install viet-asr==0.1.0.dev11`") from None
        self.modules = tuple(modules)
        self.load_s = time.perf_counter() - started

    def describe(self) -> str:
        return f"viet-asr {vietasr.__version__} ({'+'.join(self.modules)}, embedded model)"

    def decoder(self, grammar: Sequence[str] | None) -> VietAsrDecoder:
        return VietAsrDecoder(self, grammar)
