"""Prompt audio for the phone line: recordings first, else synthesized speech, cached by content hash.

``PromptRenderer.render(prompt_id, text)`` returns an 8 kHz mono 16-bit WAV:

1. A human recording ``<id>.wav`` (uploaded into ``<data_dir>/prompts/recordings``, else shipped in
   ``recordings_dir``) when it was recorded for this
   exact text. ``ivr.tts.recording.import_recording`` stores the text and the WAV's
   hash beside it (``<id>.json``); a recording placed by hand without that file
   counts for the catalog text of its id. A text with slot values filled in ("SpO2 của bác là
   94 phần trăm") differs from the recorded one, so it is synthesized: a
   recording never plays words that are not what the flow meant to say.
2. Otherwise the synthesizer's audio for ``verbalize(text)``, resampled to 8 kHz
   and cached in ``<prompt_cache_dir>/<sha256>.wav``, the hash covering engine,
   voice (with rate) and the verbalized text, so any change renders anew.

Every file is written atomically (temporary file, then rename): a crash never
leaves a half-written prompt that a later call would play.
"""
from __future__ import annotations

import hashlib
import logging
import os
import threading
import time
import unicodedata
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Self

from ivr import audio
from ivr.config import Config
from ivr.engine.prompts import PROMPT_ID, PromptCatalog, load_catalog
from ivr.errors import AudioError, PromptError
from ivr.tts.recording import find_recording, recorded_text
from ivr.tts.synthesizer import Synthesizer, open_synthesizer
from ivr.tts.verbalize import verbalize

log = logging.getLogger(__name__)

RATE = audio.TELEPHONE_RATE
#: Bumped when the rendering pipeline changes in a way that changes the audio.
PIPELINE_VERSION = "1"
#: Bytes of 8 kHz audio ``pcm`` keeps in memory (~17 minutes), least recently used dropped first.
MEMORY_BYTES = 16_000_000


@dataclass(frozen=True, kw_only=True)
class Rendered:
    """One prompt's audio: where it is, where it came from, how long it plays."""

    prompt_id: str
    path: Path
    source: str  # 'recording', 'cache' or 'synthesized'
    duration_s: float
    synth_s: float = 0.0  # seconds spent synthesizing (0 for recordings and cache hits)


@dataclass(frozen=True, kw_only=True)
class RenderReport:
    items: tuple[Rendered, ...] = field(default_factory=tuple)
    dynamic: tuple[str, ...] = ()  # prompts with {slot} placeholders, rendered during calls
    elapsed_s: float = 0.0

    def count(self, source: str) -> int:
        return sum(1 for r in self.items if r.source == source)

    @property
    def audio_s(self) -> float:
        return sum(r.duration_s for r in self.items)

    def summary(self) -> str:
        return (f"{len(self.items)} prompts: {self.count('recording')} recorded, {self.count('cache')} from cache, "
                f"{self.count('synthesized')} synthesized, {len(self.dynamic)} filled in during calls; "
                f"{self.audio_s:.1f} s of audio in {self.elapsed_s:.1f} s")


def normalize_text(text: str) -> str:
    """The form texts are compared in: NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", text).split())


class PromptRenderer:
    """Renders prompts to 8 kHz WAV files. Thread-safe; the synthesizer opens on first use."""

    def __init__(self, cfg: Config, synthesizer: Synthesizer | None = None, *,
                 catalog: PromptCatalog | None = None, engine: str | None = None):
        self.cfg = cfg
        self.cache_dir = Path(cfg.prompt_cache_dir)
        self.recordings_dir = Path(cfg.recordings_dir)
        self.engine = synthesizer.name if synthesizer is not None else (engine or cfg.tts_engine)
        self._synth = synthesizer
        self._owns_synth = synthesizer is None
        self._catalog = catalog
        self._catalog_loaded = catalog is not None
        # call threads and the admin share the renderer; the lock guards the in-memory cache
        self._lock = threading.Lock()
        self._memory: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._memory_bytes = 0

    # -- public API -------------------------------------------------------

    def render(self, prompt_id: str, text: str) -> Path:
        """Path of an 8 kHz mono 16-bit WAV saying ``text`` (recording, cached or freshly synthesized)."""
        return self.render_info(prompt_id, text).path

    def pcm(self, prompt_id: str, text: str) -> bytes:
        """8 kHz PCM16 mono audio of the prompt (for the SIP adapter)."""
        path = self.render(prompt_id, text)
        key = (str(path), path.stat().st_mtime_ns)
        with self._lock:
            cached = self._memory.get(key)
            if cached is not None:
                self._memory.move_to_end(key)
                return cached
        pcm, rate = audio.read_wav(path)
        if rate != RATE:  # a recording placed by hand at another rate
            pcm = audio.resample(pcm, rate, RATE)
        with self._lock:
            if key not in self._memory:
                self._memory[key] = pcm
                self._memory_bytes += len(pcm)
            while self._memory_bytes > MEMORY_BYTES and len(self._memory) > 1:
                self._memory_bytes -= len(self._memory.popitem(last=False)[1])
        return pcm

    def render_info(self, prompt_id: str, text: str, *, force: bool = False) -> Rendered:
        """Like ``render``, also saying where the audio came from. ``force`` re-synthesizes cached audio."""
        self._check_id(prompt_id)
        if not text.strip():
            raise PromptError(f"prompt '{prompt_id}': empty text")
        recording = self.recording_for(prompt_id, text)
        if recording is not None:
            return self._from_recording(prompt_id, recording)
        spoken = verbalize(text)
        synth = self.synthesizer()
        path = self.cache_dir / f"{self.cache_key(spoken, synth)}.wav"
        if path.is_file() and not force:
            return Rendered(prompt_id=prompt_id, path=path, source="cache", duration_s=_duration(path))
        self._ensure_cache_dir()
        started = time.monotonic()
        pcm, rate = synth.synthesize(spoken)
        pcm = audio.resample(pcm, rate, RATE)
        elapsed = time.monotonic() - started
        self._write(path, pcm)
        return Rendered(prompt_id=prompt_id, path=path, source="synthesized",
                        duration_s=len(pcm) / 2 / RATE, synth_s=elapsed)

    def render_catalog(self, catalog: PromptCatalog, *, force: bool = False,
                       ids: list[str] | None = None) -> RenderReport:
        """Render every prompt of ``catalog`` (or only ``ids``), as ``ivr prompts render`` does.

        Prompts with ``{slot}`` placeholders are not rendered (their words are known
        only during a call, where ``render`` synthesizes and caches them); they are
        listed in ``RenderReport.dynamic``.
        """
        chosen = list(catalog.texts) if ids is None else list(ids)
        unknown = [i for i in chosen if i not in catalog]
        if unknown:
            raise PromptError(f"unknown prompt id '{unknown[0]}'")
        self._catalog, self._catalog_loaded = catalog, True
        self._ensure_cache_dir()
        started = time.monotonic()
        dynamic = tuple(pid for pid in chosen if catalog.placeholders(pid))
        items = [self.render_info(pid, catalog.texts[pid], force=force) for pid in chosen if pid not in dynamic]
        return RenderReport(items=tuple(items), dynamic=dynamic, elapsed_s=time.monotonic() - started)

    def cache_key(self, spoken: str, synth: Synthesizer | None = None) -> str:
        """SHA-256 over pipeline version, engine, voice (with rate) and the verbalized text."""
        synth = synth or self.synthesizer()
        voice = synth.voice_id
        lexicon = getattr(synth, "pronunciation_id", "")  # espeak's respellings (prompts/espeak_pronunciations.yaml)
        if lexicon:
            voice = f"{voice}+{lexicon}"
        material = "\0".join((PIPELINE_VERSION, synth.name, voice, str(RATE), normalize_text(spoken)))
        return hashlib.sha256(material.encode("utf-8")).hexdigest()

    def recording_for(self, prompt_id: str, text: str) -> Path | None:
        """The human recording to play for this text, or None when it was recorded for other words."""
        self._check_id(prompt_id)
        folder = find_recording(self.cfg, prompt_id)  # the data dir's upload, else the shipped one
        if folder is None:
            return None
        wav = folder / f"{prompt_id}.wav"
        has_meta, recorded = recorded_text(folder, prompt_id)
        if not has_meta:  # placed by hand: it says the catalog text of its id
            catalog = self.catalog()
            recorded = catalog.texts.get(prompt_id) if catalog is not None else None
        if recorded is None:
            log.warning("recording %s: no matching metadata; synthesizing instead", wav)
            return None
        if normalize_text(recorded) != normalize_text(text):
            return None
        return wav

    def synthesizer(self) -> Synthesizer:
        with self._lock:
            if self._synth is None:
                self._synth = open_synthesizer(self.cfg, self.engine)
            return self._synth

    def catalog(self) -> PromptCatalog | None:
        if not self._catalog_loaded:
            self._catalog_loaded = True
            if Path(self.cfg.prompts_catalog).is_file():
                self._catalog = load_catalog(self.cfg.prompts_catalog)
        return self._catalog

    def close(self) -> None:
        if self._owns_synth and self._synth is not None:
            self._synth.close()
            self._synth = None

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- internals ----------------------------------------------------------

    @staticmethod
    def _check_id(prompt_id: str) -> None:
        if not isinstance(prompt_id, str) or not PROMPT_ID.fullmatch(prompt_id):
            raise PromptError(f"invalid prompt id {prompt_id!r}: expected lower_snake_case")

    def _from_recording(self, prompt_id: str, wav: Path) -> Rendered:
        try:
            info = audio.wav_info(wav)
        except AudioError as exc:
            raise PromptError(f"recording for prompt '{prompt_id}' is unusable: {exc}") from None
        if info.rate == RATE and info.channels == 1 and info.sample_bytes == 2 and info.encoding == "pcm":
            return Rendered(prompt_id=prompt_id, path=wav, source="recording", duration_s=info.duration_s)
        # A recording placed by hand in another format: converted once, cached by its content.
        data = wav.read_bytes()
        path = self.cache_dir / f"rec-{hashlib.sha256(data).hexdigest()}.wav"
        if not path.is_file():
            self._ensure_cache_dir()
            try:
                pcm, rate = audio.read_wav(data)
            except AudioError as exc:
                raise PromptError(f"recording for prompt '{prompt_id}' is unusable: {exc}") from None
            self._write(path, audio.resample(pcm, rate, RATE))
        return Rendered(prompt_id=prompt_id, path=path, source="recording", duration_s=_duration(path))

    def _ensure_cache_dir(self) -> None:
        folder = self.cache_dir
        try:
            folder.mkdir(parents=True, exist_ok=True)
            probe = folder / f".probe-{os.getpid()}-{threading.get_ident()}"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as exc:
            raise PromptError(
                f"prompt cache folder '{folder}' is not writable: {exc.strerror or exc}"
            ) from None

    def _write(self, path: Path, pcm: bytes) -> None:
        try:
            audio.write_wav(path, pcm, RATE)
        except AudioError as exc:
            raise PromptError(f"prompt cache folder '{path.parent}' is not writable: {exc}") from None


def _duration(path: Path) -> float:
    return audio.wav_info(path).duration_s
