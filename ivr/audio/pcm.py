"""Canonical audio inside the process: little-endian 16-bit signed mono PCM ("pcm16").

Constants, sample access, framing and levels (``iter_frames``, ``rms_dbfs``).
"""
from __future__ import annotations

import math
from collections.abc import Iterator

import numpy as np

from ivr.errors import AudioError

SAMPLE_WIDTH = 2  # bytes per canonical sample
TELEPHONE_RATE = 8000
FRAME_MS = 20
#: ``rms_dbfs`` of digital silence (and of an empty buffer): a finite floor, not -inf.
SILENCE_DBFS = -120.0


def samples(pcm16: bytes) -> np.ndarray:
    """pcm16 bytes as an int16 array (no copy); odd lengths are refused."""
    if len(pcm16) % 2:
        raise AudioError(f"pcm16 audio must have an even number of bytes, got {len(pcm16)}")
    return np.frombuffer(pcm16, dtype="<i2")


def check_rate(rate: int) -> None:
    if not isinstance(rate, int) or isinstance(rate, bool) or not 1000 <= rate <= 384000:
        raise AudioError(f"unsupported sample rate: {rate!r} (expected 1000 to 384000 Hz)")


def frame_bytes(rate: int, frame_ms: int = FRAME_MS) -> int:
    """Bytes of pcm16 in one frame of ``frame_ms`` at ``rate``."""
    return rate * frame_ms // 1000 * SAMPLE_WIDTH


def iter_frames(pcm16: bytes, rate: int, frame_ms: int = FRAME_MS, *, pad: bool = True) -> Iterator[bytes]:
    """Split pcm16 into frames of ``frame_ms``; the last partial frame is zero-padded (or dropped)."""
    size = frame_bytes(rate, frame_ms)
    if size <= 0:
        raise AudioError(f"frame of {frame_ms} ms at {rate} Hz holds no samples")
    samples(pcm16)
    for start in range(0, len(pcm16), size):
        frame = pcm16[start:start + size]
        if len(frame) < size:
            if not pad:
                return
            frame = frame + b"\0" * (size - len(frame))
        yield frame


def rms_dbfs(pcm16: bytes) -> float:
    """Root-mean-square level in dB relative to full scale; ``SILENCE_DBFS`` for silence or nothing."""
    x = samples(pcm16)
    if x.size == 0:
        return SILENCE_DBFS
    ms = float(np.mean(np.square(x, dtype=np.float64)))
    if ms <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 10.0 * math.log10(ms / (32768.0 * 32768.0)))
