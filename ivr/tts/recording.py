"""Human recordings of prompts: validate an admin's upload, store it for the phone line, revert it.

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
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from ivr import audio
from ivr.config import Config
from ivr.engine.prompts import PROMPT_ID
from ivr.errors import AudioError, PromptError
from ivr.store.atomicfile import write_atomic

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


def import_recording(cfg: Config, prompt_id: str, data: bytes, *, text: str,
                     folder: Path | None = None) -> RecordingInfo:
    """Validate ``data`` (bytes of a WAV file) and store it as the recording of ``prompt_id`` for ``text``
    in ``folder`` (default ``cfg.recordings_dir``; the admin's uploads go to ``cfg.prompt_recordings_path``).

    Nothing on disk changes unless the upload is valid; the WAV and its ``.json``
    are each replaced atomically.
    """
    _check_id(prompt_id)
    if not text.strip():
        raise PromptError(f"prompt '{prompt_id}': empty text")
    pcm, level, source_rate, channels = validate(data)
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
    wav = folder / f"{prompt_id}.wav"
    try:
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        write_atomic(wav, blob, mode=0o600)  # read by the hotline's own processes only
        write_atomic(folder / f"{prompt_id}.json",
                     (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode("utf-8"), mode=0o600)
    except OSError as exc:
        raise AudioError(f"Không lưu được bản ghi âm vào thư mục {folder}: {exc.strerror or exc}") from None
    return RecordingInfo(prompt_id=prompt_id, path=wav, text=spoken, duration_s=duration,
                         level_dbfs=level, source_rate=source_rate, source_channels=channels)


def revert_recording(cfg: Config, prompt_id: str, *, folder: Path | None = None) -> bool:
    """Delete the recording of ``prompt_id`` from ``folder`` (default ``cfg.recordings_dir``): a recording
    in a later folder of ``recording_dirs``, else synthesis, takes over. False when there was none."""
    _check_id(prompt_id)
    folder = Path(folder if folder is not None else cfg.recordings_dir)
    existed = False
    for path in (folder / f"{prompt_id}.wav", folder / f"{prompt_id}.json"):
        try:
            path.unlink()
            existed = existed or path.suffix == ".wav"
        except FileNotFoundError:
            pass
        except OSError as exc:
            raise AudioError(f"Không xoá được bản ghi âm {path}: {exc.strerror or exc}") from None
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
