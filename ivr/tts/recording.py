"""Human recordings of prompts: validate an admin's upload, store it for the phone line, revert it.

An upload is checked for its words too when a listener (the recognizer) is given:
a recording that does not say the prompt's text is refused with what was heard.
The recording it replaces is kept under ``<folder>/history/<id>/`` with the text it
was recorded for, so that every version stays findable.

A recording is stored as ``<recordings_dir>/<id>.wav`` (8 kHz mono 16-bit) with
``<id>.json`` beside it naming the text it was recorded for and the SHA-256 of
the WAV. The renderer plays the recording only for that exact text and only when
the hash matches, so a half-finished replacement or a later text edit falls back
to synthesis instead of playing words the flow no longer says.

Messages of ``AudioError`` raised here are in Vietnamese: staff read them.
"""
from __future__ import annotations

import hashlib
import json
import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from ivr import audio
from ivr.config import Config
from ivr.engine.prompts import PROMPT_ID
from ivr.errors import AudioError, PromptError
from ivr.store.atomicfile import write_atomic
from ivr.tts.hearing import Listener, compare

RATE = audio.TELEPHONE_RATE
MIN_SECONDS = 0.3
MAX_SECONDS = 60.0
#: Below this RMS level (dBFS, over the whole recording) it is treated as silence.
SILENT_DBFS = -50.0
#: Samples at or above this magnitude count as clipped ...
CLIP_LEVEL = 32700
#: ... and a recording with more than this fraction of them is rejected as distorted.
CLIP_FRACTION = 0.005

CORRUPT = "Tệp ghi âm bị hỏng hoặc không phải WAV"
#: Default share of the prompt's words a recording may get wrong (as heard by the recognizer).
MAX_WER = 0.25


@dataclass(frozen=True, kw_only=True)
class RecordingInfo:
    prompt_id: str
    path: Path
    text: str
    duration_s: float
    level_dbfs: float
    source_rate: int
    source_channels: int


def _check_id(prompt_id: str) -> None:
    if not isinstance(prompt_id, str) or not PROMPT_ID.fullmatch(prompt_id):
        raise PromptError(f"invalid prompt id {prompt_id!r}: expected lower_snake_case")


def _seconds(value: float) -> str:
    return f"{value:.1f}".replace(".", ",")


def validate(data: bytes) -> tuple[bytes, float, int, int]:
    """Check an uploaded WAV; return (8 kHz mono pcm16, level dBFS, source rate, source channels)."""
    try:
        info = audio.wav_info(data)
    except AudioError:
        raise AudioError(f"{CORRUPT}.") from None
    if info.duration_s > MAX_SECONDS:
        raise AudioError(f"Bản ghi âm dài {_seconds(info.duration_s)} giây, vượt quá giới hạn "
                         f"{MAX_SECONDS:g} giây. Hãy ghi ngắn hơn.")
    try:
        pcm, rate = audio.read_wav(data, max_seconds=MAX_SECONDS)
    except AudioError:
        raise AudioError(f"{CORRUPT}.") from None
    seconds = len(pcm) / 2 / rate
    if seconds < MIN_SECONDS:
        raise AudioError(f"Bản ghi âm quá ngắn ({_seconds(seconds)} giây); cần dài ít nhất "
                         f"{_seconds(MIN_SECONDS)} giây.")
    level = audio.rms_dbfs(pcm)
    if level < SILENT_DBFS:
        raise AudioError("Bản ghi âm gần như im lặng. Hãy kiểm tra micrô và ghi lại, nói gần micrô hơn.")
    x = np.frombuffer(pcm, dtype="<i2").astype(np.int32)
    if np.count_nonzero(np.abs(x) >= CLIP_LEVEL) > CLIP_FRACTION * x.size:
        raise AudioError("Bản ghi âm bị méo tiếng vì quá to. Hãy ghi lại nhỏ hơn hoặc xa micrô hơn.")
    return audio.resample(pcm, rate, RATE), level, info.rate, info.channels


def recording_dirs(cfg: Config) -> tuple[Path, ...]:
    """Where a prompt's recording is looked for, the first found winning: the data dir's uploads,
    then the recordings shipped with the code."""
    dirs = (Path(cfg.prompt_recordings_path), Path(cfg.recordings_dir))
    return dirs if dirs[0] != dirs[1] else dirs[:1]


def find_recording(cfg: Config, prompt_id: str) -> Path | None:
    """The folder whose ``<prompt_id>.wav`` is the prompt's recording, or None."""
    _check_id(prompt_id)
    return next((d for d in recording_dirs(cfg) if (d / f"{prompt_id}.wav").is_file()), None)


def check_words(pcm: bytes, text: str, listen: Listener, *, max_wer: float = MAX_WER) -> str:
    """What ``listen`` hears in ``pcm`` (8 kHz); AudioError (Vietnamese, for staff) unless it says ``text``."""
    heard = listen(pcm, RATE)
    hearing = compare(text, heard)
    shown = f"«{hearing.heard}»" if hearing.heard else "không nghe được lời nào"
    if hearing.offensive:
        raise AudioError(f"Bản ghi âm bị nghe thành từ không phù hợp ({', '.join(hearing.offensive)}): "
                         f"hệ thống nghe được {shown}. Hãy đọc rõ hơn và ghi lại.")
    if not hearing.matches(max_wer):
        raise AudioError(f"Bản ghi âm không khớp với lời nhắc: hệ thống nghe được {shown}, sai "
                         f"{hearing.errors} trên {hearing.ref_words} từ so với lời cần đọc «{hearing.expected}». "
                         "Hãy đọc đúng lời nhắc và ghi lại.")
    return hearing.heard


def import_recording(cfg: Config, prompt_id: str, data: bytes, *, text: str,
                     folder: Path | None = None, listen: Listener | None = None,
                     max_wer: float = MAX_WER) -> RecordingInfo:
    """Validate ``data`` (bytes of a WAV file) and store it as the recording of ``prompt_id`` for ``text``
    in ``folder`` (default ``cfg.recordings_dir``; the admin's uploads go to ``cfg.prompt_recordings_path``).

    With ``listen``, the recording must also say ``text`` (see ``check_words``).
    Nothing on disk changes unless the upload is valid; the recording it replaces
    moves to ``history/``; the WAV and its ``.json`` are each replaced atomically.
    """
    _check_id(prompt_id)
    if not text.strip():
        raise PromptError(f"prompt '{prompt_id}': empty text")
    if "{" in text and "}" in text:
        raise AudioError("Lời nhắc này có chỗ điền số liệu trong lúc gọi, nên không dùng bản ghi âm cố định được.")
    pcm, level, source_rate, channels = validate(data)
    heard = check_words(pcm, text, listen, max_wer=max_wer) if listen is not None else None
    folder = Path(folder if folder is not None else cfg.recordings_dir)
    blob = audio.wav_bytes(pcm, RATE)
    spoken = " ".join(text.split())
    duration = round(len(pcm) / 2 / RATE, 3)
    meta = {
        "prompt_id": prompt_id,
        "text": spoken,
        "sha256": hashlib.sha256(blob).hexdigest(),
        "duration_s": duration,
        "level_dbfs": round(level, 1),
        "source_rate": source_rate,
        "source_channels": channels,
        "imported_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if heard is not None:
        meta["heard"] = heard
    wav = folder / f"{prompt_id}.wav"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        _keep_previous(folder, prompt_id)
        write_atomic(wav, blob, mode=0o600)  # read by the hotline's own processes only
        write_atomic(folder / f"{prompt_id}.json",
                     (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise AudioError(f"Không lưu được bản ghi âm vào thư mục {folder}: {exc.strerror or exc}") from None
    return RecordingInfo(prompt_id=prompt_id, path=wav, text=spoken, duration_s=duration,
                         level_dbfs=level, source_rate=source_rate, source_channels=channels)


def _keep_previous(folder: Path, prompt_id: str) -> None:
    """Move the current ``<id>.wav``/``.json`` (if any) to ``history/<id>/<when>.*``, named by import time."""
    wav = folder / f"{prompt_id}.wav"
    if not wav.is_file():
        return
    stamp = datetime.fromtimestamp(wav.stat().st_mtime, UTC).strftime("%Y%m%dT%H%M%S%fZ")
    dest = folder / "history" / prompt_id
    dest.mkdir(parents=True, exist_ok=True, mode=0o700)
    for suffix in (".json", ".wav"):  # the WAV last: a crash in between leaves a stale-text WAV, never a lie
        src = folder / f"{prompt_id}{suffix}"
        if src.exists():
            src.replace(dest / f"{stamp}{suffix}")


def history(folder: Path, prompt_id: str) -> list[dict[str, object]]:
    """Earlier recordings of ``prompt_id`` in ``folder``, newest first: their metadata plus ``path``."""
    _check_id(prompt_id)
    out: list[dict[str, object]] = []
    for wav in sorted((Path(folder) / "history" / prompt_id).glob("*.wav"), reverse=True):
        try:
            meta = json.loads(wav.with_suffix(".json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            meta = {}
        out.append({**(meta if isinstance(meta, dict) else {}), "path": str(wav)})
    return out


def revert_recording(cfg: Config, prompt_id: str, *, folder: Path | None = None) -> bool:
    """Withdraw the recording of ``prompt_id`` from ``folder`` (default ``cfg.recordings_dir``) into its
    ``history/``: a recording in a later folder of ``recording_dirs``, else synthesis, takes over.
    False when there was none."""
    _check_id(prompt_id)
    folder = Path(folder if folder is not None else cfg.recordings_dir)
    existed = (folder / f"{prompt_id}.wav").is_file()
    try:
        _keep_previous(folder, prompt_id)
        (folder / f"{prompt_id}.json").unlink(missing_ok=True)  # metadata without its WAV
    except OSError as exc:
        raise AudioError(f"Không gỡ được bản ghi âm {prompt_id} trong {folder}: {exc.strerror or exc}") from None
    return existed


# process-wide digest cache (path -> ((size, mtime), digest)), read and filled by any thread under the lock
_hash_cache: dict[str, tuple[tuple[int, int], str]] = {}
_hash_lock = threading.Lock()


def recorded_text(recordings_dir: Path, prompt_id: str) -> tuple[bool, str | None]:
    """(has metadata, text): the text ``<id>.wav`` was imported for, when its ``.json`` matches the WAV.

    ``(False, None)``: no metadata (a recording placed by hand). ``(True, None)``:
    metadata that does not describe this WAV (unreadable, or the WAV changed).
    """
    folder = Path(recordings_dir)
    try:
        data = json.loads((folder / f"{prompt_id}.json").read_text(encoding="utf-8"))
    except FileNotFoundError:
        return False, None
    except (OSError, ValueError):
        return True, None
    if not isinstance(data, dict) or not isinstance(data.get("text"), str):
        return True, None
    if data.get("sha256") != _file_sha256(folder / f"{prompt_id}.wav"):
        return True, None
    return True, data["text"]


def _file_sha256(path: Path) -> str | None:
    try:
        st = path.stat()
    except OSError:
        return None
    stamp = (st.st_mtime_ns, st.st_size)
    with _hash_lock:
        hit = _hash_cache.get(str(path))
    if hit is not None and hit[0] == stamp:
        return hit[1]
    try:
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None
    with _hash_lock:
        _hash_cache[str(path)] = (stamp, digest)
    return digest


# ------------------------------------------------------------------ coverage

@dataclass(frozen=True, kw_only=True)
class PromptSource:
    """Where a prompt's audio comes from: ``recording``, ``synthesis`` or ``stale`` (recorded for other
    words, so synthesis plays); ``dynamic`` prompts are filled in during a call and always synthesized."""
    prompt_id: str
    source: str
    dynamic: bool
    text: str


def prompt_source(cfg: Config, prompt_id: str, text: str, *, default_text: str | None = None) -> str:
    """``recording``, ``synthesis`` or ``stale`` for ``prompt_id`` spoken as ``text``.

    A recording placed by hand (no metadata) counts as recorded for ``default_text`` (the catalog's).
    """
    folder = find_recording(cfg, prompt_id)  # the data dir's upload, else the one shipped with the code
    if folder is None:
        return "synthesis"
    has_meta, recorded = recorded_text(folder, prompt_id)
    if not has_meta:
        recorded = default_text if default_text is not None else text
    if recorded is not None and _same_text(recorded, text):
        return "recording"
    return "stale"


def _same_text(a: str, b: str) -> bool:
    """Compared as the renderer compares them (``ivr.tts.render.normalize_text``): NFC, single spaces."""
    return " ".join(unicodedata.normalize("NFC", a).split()) == " ".join(unicodedata.normalize("NFC", b).split())


#: Prompts staff hear (the recording studio extension), not callers: synthesis is fine, never "missing".
STAFF_PROMPT_PREFIX = "studio_"


def coverage(cfg: Config, texts: Iterable[tuple[str, str]], *,
             defaults: dict[str, str] | None = None) -> list[PromptSource]:
    """The audio source of every ``(prompt_id, text)`` callers hear (staff prompts left out); ``defaults``: the
    catalog's texts (see prompt_source)."""
    out = []
    for pid, text in texts:
        if pid.startswith(STAFF_PROMPT_PREFIX):
            continue
        dynamic = "{" in text and "}" in text
        source = "synthesis" if dynamic else prompt_source(cfg, pid, text, default_text=(defaults or {}).get(pid))
        out.append(PromptSource(prompt_id=pid, source=source, dynamic=dynamic, text=text))
    return out


def coverage_summary(items: list[PromptSource]) -> dict[str, Any]:
    """Counts for ``ivr prompts status --json`` and the admin's dashboard; dynamic prompts are not counted
    as missing (they cannot be recorded whole)."""
    fixed = [i for i in items if not i.dynamic]
    recorded = sum(1 for i in fixed if i.source == "recording")
    return {
        "prompts": len(items),
        "recordable": len(fixed),
        "recorded": recorded,
        "synthesized": sum(1 for i in fixed if i.source == "synthesis"),
        "stale": sum(1 for i in fixed if i.source == "stale"),
        "dynamic": len(items) - len(fixed),
        "coverage": round(recorded / len(fixed), 3) if fixed else 1.0,
        "complete": recorded == len(fixed),
        "missing": [i.prompt_id for i in fixed if i.source != "recording"],
    }
