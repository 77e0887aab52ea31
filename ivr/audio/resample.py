"""Resampling pcm16 with soxr: ``resample`` for whole buffers, ``Resampler`` for streams."""
from __future__ import annotations

import numpy as np
import soxr

from ivr.audio.pcm import check_rate
from ivr.audio.pcm import samples as _samples


def resample(pcm16: bytes, src_rate: int, dst_rate: int) -> bytes:
    """Resample a whole pcm16 buffer with soxr (high quality). Same rate: returned unchanged."""
    check_rate(src_rate)
    check_rate(dst_rate)
    x = _samples(pcm16)
    if src_rate == dst_rate or x.size == 0:
        return bytes(pcm16)
    y = soxr.resample(x, src_rate, dst_rate, quality="HQ")
    return np.asarray(y, dtype="<i2").tobytes()


class Resampler:
    """Streaming resampler: feed chunks of any size, get resampled chunks; ``flush`` at the end."""

    def __init__(self, src_rate: int, dst_rate: int):
        check_rate(src_rate)
        check_rate(dst_rate)
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        self._stream = None if src_rate == dst_rate else soxr.ResampleStream(
            src_rate, dst_rate, 1, dtype="int16", quality="HQ")

    def process(self, pcm16: bytes, last: bool = False) -> bytes:
        x = _samples(pcm16)
        if self._stream is None:
            return bytes(pcm16)
        return np.asarray(self._stream.resample_chunk(x, last=last), dtype="<i2").tobytes()

    def flush(self) -> bytes:
        return self.process(b"", last=True)
