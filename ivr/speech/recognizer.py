"""Speech recognition: a small streaming interface over several engines.

One ``Recognizer`` per process and engine: it holds one loaded model, shared
read-only by every call (``open_recognizer`` caches it process-wide). Each call
gets its own ``RecognizerStream``::

    rec = open_recognizer(cfg)                 # engine "auto": Vosk if a Vietnamese model is installed
    stream = rec.stream(8000, grammar=["có", "không"])
    for chunk in audio_chunks:                 # pcm16 at 8000 Hz, any chunk size
        for result in stream.accept(chunk):    # partial and final results
            ...
    last = stream.finish()                     # the final result of the open utterance ("" if none)

The stream normalises the level of its input (``ivr.audio.LevelNormalizer``: quiet speech is
lifted, noise is not) and gates it with ``ivr.audio.VoiceGate``: silence is never sent to
the decoder, and an utterance ends after ``end_silence_ms`` of silence
(endpointing), which yields a final ``Result``. Audio is resampled to the
engine's rate per utterance.

Decoding off the I/O thread (for the SIP adapter):

- whole utterances (the adapter runs its own gate): ``rec.transcriber()`` returns
  ``f(pcm16, rate, listen) -> (text, confidence)`` for ``ivr.telephony.callrunner.DecodePool``;
  it is thread-safe, each call decodes on a fresh engine decoder, so a pool of N
  threads decodes N utterances at once (engines release the GIL while decoding).
- streaming: ``ivr.speech.streampool.StreamPool`` decodes while the caller speaks,
  in child processes beside each SIP worker.

Engines implement the ``Engine`` protocol (``ivr.speech.vosk_engine``, ``ivr.speech.vietasr.engine``);
they are the only modules importing their libraries.
"""
from __future__ import annotations

import importlib
import importlib.util
import logging
import threading
import time
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path
from typing import Any, Protocol

from ivr import audio
from ivr.config import Config
from ivr.errors import AudioError, ModelError

log = logging.getLogger(__name__)

ENGINES = ("auto", "vosk", "vietasr")
#: Silence fed after speech cut off by the end of the audio, so the decoder's last chunk completes.
TAIL_PAD_MS = 300


@dataclass(frozen=True, kw_only=True)
class Result:
    """One recognition result. ``final`` results close an utterance; times are stream seconds."""

    text: str
    confidence: float
    final: bool
    start_s: float = 0.0
    end_s: float = 0.0


class Decoder(Protocol):
    """One utterance at a time on one engine; not thread-safe (one per stream)."""

    def accept(self, pcm16: bytes) -> None: ...  # audio at the engine's rate
    def partial(self) -> str: ...
    def final(self) -> tuple[str, float]: ...  # (text, confidence); resets for the next utterance
    def close(self) -> None: ...


class Engine(Protocol):
    """A loaded model, shared read-only by every stream of the process."""

    name: str
    sample_rate: int
    load_s: float

    def decoder(self, grammar: Sequence[str] | None) -> Decoder: ...
    def describe(self) -> str: ...


# ----------------------------------------------------------------------- grammar


def normalize_phrase(text: str) -> str:
    """Lower-case NFC text with single spaces and no punctuation: what engines emit."""
    text = unicodedata.normalize("NFC", text).lower()
    kept = "".join(ch if ch.isalnum() or ch.isspace() else " " for ch in text)
    return " ".join(kept.split())


def grammar_for(listen: Any) -> list[str] | None:
    """The closed grammar for a ``Listen`` action: its phrases plus the NLU's phrases for ``expect``.

    ``None`` (open vocabulary) when the listen names neither.
    """
    if listen is None:
        return None
    phrases = [p for p in (getattr(listen, "grammar", None) or ())]
    expect = tuple(getattr(listen, "expect", ()) or ())
    if expect:
        try:
            nlu = importlib.import_module("ivr.nlu.understander")
        except ImportError:
            nlu = None
        expected = getattr(nlu, "expected_phrases", None)
        if expected is not None:
            try:
                phrases.extend(expected(expect))
            except ValueError as exc:  # an intent the NLU has no phrases for: listen openly
                log.debug("no closed grammar for %s: %s", expect, exc)
                return None
    cleaned = list(dict.fromkeys(p for p in (normalize_phrase(x) for x in phrases) if p))
    return cleaned or None


#: Words callers wrap answers in ("dạ có ạ"); ignored when matching a grammar phrase.
FILLERS = frozenset(["dạ", "ạ", "vâng", "ừ", "ừm", "ờ", "à", "ơi", "thì", "là", "này", "nhé", "nha", "đó", "ấy",
                     "em", "con", "cháu"])


def snap_to_grammar(text: str, grammar: Sequence[str], *, threshold: float = 0.85) -> tuple[str, float]:
    """Map free text onto the closest grammar phrase: (phrase, similarity), or (text, similarity) below threshold.

    Used by engines without native grammars. Filler words are ignored and the whole
    answer must match the phrase, so "tôi không thở được" or "không có" are never
    taken for a bare "có"/"không": such text goes to the NLU as said.
    """
    said = normalize_phrase(text)
    if not said:
        return "", 0.0
    core = " ".join(w for w in said.split() if w not in FILLERS) or said
    best, score = said, 0.0
    for phrase in grammar:
        target = normalize_phrase(phrase)
        if target:
            s = SequenceMatcher(None, core, target).ratio()
            if s > score:
                best, score = target, s
    return (best, score) if score >= threshold else (said, score)


# ------------------------------------------------------------------------ stream


class RecognizerStream:
    """One call's recognition: VAD-gated, endpointed, resampled, partial and final results."""

    def __init__(self, recognizer: Recognizer, sample_rate: int, grammar: Sequence[str] | None, *,
                 end_silence_ms: int = 700, partial_every_ms: int = 300, max_utterance_ms: int = 20000,
                 threshold_dbfs: float = -45.0):
        self.recognizer = recognizer
        self.sample_rate = sample_rate
        self.grammar = list(grammar) if grammar else None
        # 300 ms of pre-roll: a soft onset ("ch" of "chúng") starts up to ~300 ms before the gate opens
        self._gate = audio.VoiceGate(sample_rate, end_silence_ms=end_silence_ms, pre_roll_ms=300,
                                     hangover_ms=min(300, end_silence_ms), max_utterance_ms=max_utterance_ms,
                                     threshold_dbfs=threshold_dbfs)
        # quiet speech is lifted before the gate (and the decoder hears it lifted too)
        self._agc = audio.LevelNormalizer(sample_rate)
        self._decoder = recognizer.engine.decoder(self.grammar)
        self._resampler: audio.Resampler | None = None
        self._partial_every = partial_every_ms / 1000.0
        self._since_partial = 0.0
        self._last_partial = ""
        self._start_s = 0.0
        self._closed = False
        self._cut_off = False
        self.decoded_s = 0.0  # seconds of audio actually sent to the decoder (speech only)

    def accept(self, pcm16: bytes) -> list[Result]:
        """Feed pcm16 at the stream's rate (any length); returns new partial and final results."""
        if self._closed:
            raise AudioError("recognizer stream is finished")
        results: list[Result] = []
        for ev in self._gate.feed(self._agc.process(pcm16)):
            self._handle(ev, results)
        return results

    def finish(self) -> Result:
        """End of audio: close the open utterance; its final result, or an empty final result."""
        if self._closed:
            raise AudioError("recognizer stream is finished")
        results: list[Result] = []
        self._cut_off = True  # speech may run to the very end: give the decoder some trailing silence
        for ev in self._gate.flush():
            self._handle(ev, results)
        self._closed = True
        self._decoder.close()
        finals = [r for r in results if r.final]
        if finals:
            return finals[-1]
        end = self._gate.time_s
        return Result(text="", confidence=0.0, final=True, start_s=end, end_s=end)

    def _handle(self, ev: audio.GateEvent, results: list[Result]) -> None:
        if ev.started:
            self._start_s = ev.start_s
            self._resampler = audio.Resampler(self.sample_rate, self.recognizer.engine.sample_rate)
            self._last_partial = ""
            self._since_partial = 0.0
        if ev.audio and self._resampler is not None:
            self._feed(self._resampler.process(ev.audio))
            self._since_partial += len(ev.audio) / (2 * self.sample_rate)
            if self._since_partial >= self._partial_every and not ev.ended:
                self._since_partial = 0.0
                text = self._decoder.partial()
                if text and text != self._last_partial:
                    self._last_partial = text
                    results.append(Result(text=text, confidence=0.0, final=False,
                                          start_s=self._start_s, end_s=ev.time_s))
        if ev.ended:
            if self._resampler is not None:
                self._feed(self._resampler.flush())
                self._resampler = None
            if self._cut_off:
                self._feed(bytes(self.recognizer.engine.sample_rate * 2 * TAIL_PAD_MS // 1000))
            text, confidence = self._decoder.final()
            if text:
                results.append(Result(text=text, confidence=confidence, final=True,
                                      start_s=self._start_s, end_s=ev.time_s))

    def _feed(self, pcm16: bytes) -> None:
        if pcm16:
            self.decoded_s += len(pcm16) / (2 * self.recognizer.engine.sample_rate)
            self._decoder.accept(pcm16)


class Recognizer:
    """One loaded engine; thread-safe to share; make one ``stream`` per call."""

    def __init__(self, engine: Engine, reason: str = ""):
        self.engine = engine
        self.reason = reason

    @property
    def name(self) -> str:
        return self.engine.name

    def stream(self, sample_rate: int, grammar: Sequence[str] | None = None, *,
               end_silence_ms: int = 700, partial_every_ms: int = 300,
               max_utterance_ms: int = 20000) -> RecognizerStream:
        return RecognizerStream(self, sample_rate, grammar, end_silence_ms=end_silence_ms,
                                partial_every_ms=partial_every_ms, max_utterance_ms=max_utterance_ms)

    def transcribe(self, pcm16: bytes, sample_rate: int, grammar: Sequence[str] | None = None) -> Result:
        """Decode one already-gated utterance whole (no VAD): the final result."""
        resampled = audio.resample(pcm16, sample_rate, self.engine.sample_rate)
        decoder = self.engine.decoder(list(grammar) if grammar else None)
        try:
            decoder.accept(resampled)
            text, confidence = decoder.final()
        finally:
            decoder.close()
        return Result(text=text, confidence=confidence, final=True, start_s=0.0,
                      end_s=len(pcm16) / (2 * sample_rate))

    def transcribe_all(self, pcm16: bytes, sample_rate: int, *, end_silence_ms: int = 500) -> str:
        """What a whole recording says, heard as a call hears it: the gated stream, utterances ended by
        pauses, their final texts joined ("" when nothing was said)."""
        stream = self.stream(sample_rate, end_silence_ms=end_silence_ms)
        texts: list[str] = []
        for frame in audio.iter_frames(pcm16, sample_rate, 100):
            texts += [r.text for r in stream.accept(frame) if r.final and r.text]
        last = stream.finish()
        if last.text:
            texts.append(last.text)
        return " ".join(texts)

    def transcriber(self) -> Callable[[bytes, int, Any], tuple[str, float]]:
        """``f(pcm16, rate, listen) -> (text, confidence)`` for ``ivr.telephony.callrunner.DecodePool``."""

        def transcribe(pcm16: bytes, rate: int, listen: Any) -> tuple[str, float]:
            result = self.transcribe(pcm16, rate, grammar_for(listen))
            return result.text, result.confidence

        return transcribe


# ------------------------------------------------------------------ engine choice

# one loaded recognizer per (engine, model) per process, shared read-only by every thread;
# the lock only guards loading
_CACHE: dict[tuple[str, str], Recognizer] = {}
_CACHE_LOCK = threading.Lock()


def vosk_model_path(cfg: Config) -> Path:
    """Where the configured Vosk model lives: a path, or a name under ``cfg.asr_models_dir``."""
    value = cfg.vosk_model
    as_path = Path(value).expanduser()
    if as_path.is_absolute() or value.startswith((".", "~")) or "/" in value:
        return as_path
    return cfg.asr_models_dir / value


def _is_vosk_model(path: Path) -> bool:
    return path.is_dir() and (path / "am" / "final.mdl").is_file() and (path / "conf").is_dir()


def find_vietnamese_vosk_model(cfg: Config) -> tuple[Path | None, str]:
    """(model folder, why) for ``auto``: the configured model, else any ``vosk-model*-vn*`` in asr_models."""
    configured = vosk_model_path(cfg)
    if _is_vosk_model(configured):
        return configured, f"Vosk model found at {configured}"
    if cfg.asr_models_dir.is_dir():
        for candidate in sorted(cfg.asr_models_dir.glob("vosk-model*-vn*")):
            if _is_vosk_model(candidate):
                return candidate, f"Vietnamese Vosk model found at {candidate}"
    return None, f"no Vietnamese Vosk model at {configured}"


def _names_a_path(value: str) -> bool:
    return Path(value).expanduser().is_absolute() or value.startswith((".", "~")) or "/" in value


def check_model(cfg: Config) -> str:
    """Before the hotline starts: the engine its workers will load (``vosk`` or ``vietasr``), or
    ``ModelError`` with one line naming the key and how to get a model.

    Without this a missing model is a silent outage: the decode processes die while loading,
    again and again, and the worker never registers. ``auto`` with ``vosk_model`` set to a
    path (not the default name) counts that path as wanted: a path that does not exist is a
    mistake, not a reason to fall back to viet-asr.
    """
    if cfg.asr_engine in ("auto", "vosk"):
        found, _why = find_vietnamese_vosk_model(cfg)
        if found is not None:
            if importlib.util.find_spec("vosk") is None:
                raise ModelError("config: key 'asr_engine': the vosk package is not installed: "
                                 "`pip install vosk`, or set asr_engine = \"vietasr\"")
            return "vosk"
        if cfg.asr_engine == "vosk" or _names_a_path(cfg.vosk_model):
            raise ModelError(f"config: key 'vosk_model': no Vosk model at {vosk_model_path(cfg)} "
                             "(a folder with am/final.mdl and conf/): run `ivr models fetch vosk-vn` "
                             "(or set vosk_model to a Vosk model folder, or asr_engine = \"vietasr\" for viet-asr)")
    from ivr.speech.vietasr.engine import library_path

    try:
        library_path()
    except ModelError as exc:
        raise ModelError(f"config: key 'asr_engine': {exc} (or install a Vosk model: "
                         "`ivr models fetch vosk-vn`)") from None
    return "vietasr"


def open_recognizer(cfg: Config, engine: str = "auto") -> Recognizer:
    """The process-wide recognizer for ``engine`` (loaded once, then shared).

    ``auto`` picks Vosk when a Vietnamese Vosk model is installed (``cfg.vosk_model``
    as a path, or in ``cfg.asr_models_dir``), else viet-asr; it logs which and why.
    """
    if engine not in ENGINES:
        raise ModelError(f"unknown speech engine {engine!r} (expected one of {', '.join(ENGINES)})")
    reason = f"engine {engine!r} requested"
    model_path: Path | None = None
    if engine in ("auto", "vosk"):
        found, why = find_vietnamese_vosk_model(cfg)
        if engine == "auto":
            if found is not None:
                engine, model_path, reason = "vosk", found, f"auto: {why}"
            else:
                engine, reason = "vietasr", f"auto: {why}; using viet-asr (model embedded in its wheel)"
        else:
            model_path = found or vosk_model_path(cfg)
    key = (engine, str(model_path or ""))
    with _CACHE_LOCK:
        rec = _CACHE.get(key)
        if rec is None:
            started = time.perf_counter()
            if engine == "vosk":
                from ivr.speech.vosk_engine import VoskEngine
                assert model_path is not None
                loaded: Engine = VoskEngine(model_path)
            else:
                from ivr.speech.vietasr.engine import VietAsrEngine
                loaded = VietAsrEngine()
            rec = Recognizer(loaded, reason)
            _CACHE[key] = rec
            log.info("speech recognition: %s (%s); loaded in %.2f s", loaded.describe(), reason,
                     time.perf_counter() - started)
        else:
            log.debug("speech recognition: reusing %s", rec.engine.describe())
    return rec
