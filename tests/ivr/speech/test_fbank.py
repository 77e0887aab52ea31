"""Streaming log mel features (Kaldi compute-fbank defaults)."""
from __future__ import annotations

import numpy as np

from ivr.speech.vietasr.fbank import Fbank, mel_banks


def tone(hz: float, seconds: float = 1.0, rate: int = 16000) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (8000 * np.sin(2 * np.pi * hz * t)).astype(np.int16)


def test_frame_count_follows_snip_edges() -> None:
    fb = Fbank()
    assert fb.accept(np.zeros(399)).shape == (0, 80)  # not one full 25 ms window yet
    assert fb.accept(np.zeros(1)).shape == (1, 80)
    assert fb.accept(np.zeros(160 * 5)).shape == (5, 80)


def test_streaming_equals_whole() -> None:
    x = tone(440) + tone(1700)
    whole = Fbank().accept(x)
    fb = Fbank()
    pieces = np.concatenate([fb.accept(x[i:i + 321]) for i in range(0, len(x), 321)])
    assert pieces.shape == whole.shape == (98, 80)
    assert np.allclose(pieces, whole, atol=1e-4)


def test_a_tone_lands_in_its_mel_bin() -> None:
    banks = mel_banks(80, 16000)
    for hz in (300.0, 1000.0, 3000.0):
        feats = Fbank().accept(tone(hz))
        peak = int(np.median(feats.argmax(axis=1)))
        assert banks[peak, round(hz * 512 / 16000)] > 0  # the loudest bin covers the tone's FFT bin


def test_silence_is_the_floor_not_nan() -> None:
    feats = Fbank().accept(np.zeros(1600))
    assert np.isfinite(feats).all()
    assert np.allclose(feats, np.log(np.finfo(np.float32).eps))
