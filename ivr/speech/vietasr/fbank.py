"""Log mel filterbank features, streaming, in pure numpy (Kaldi's ``compute-fbank`` defaults).

80 triangular mel bins (20 Hz to Nyquist), 25 ms Povey windows every 10 ms, DC removal,
pre-emphasis 0.97, power spectrum, no dither, ``snip_edges``: what speech models trained
with Kaldi-style front ends (WeNet, viet-asr) expect. Input is 16-bit PCM values as
floats (not scaled to ±1).
"""
from __future__ import annotations

import numpy as np

FFT = 512
_EPS = float(np.finfo(np.float32).eps)


def mel_banks(bins: int, rate: int, fft: int = FFT, low_hz: float = 20.0) -> np.ndarray:
    """(bins, fft/2 + 1) triangular weights on Kaldi's mel scale (1127 ln(1 + f/700))."""
    def mel(f: np.ndarray | float) -> np.ndarray:
        return 1127.0 * np.log(1.0 + np.asarray(f) / 700.0)

    low, high = float(mel(low_hz)), float(mel(rate / 2))
    step = (high - low) / (bins + 1)
    fft_mel = mel(np.arange(fft // 2) * rate / fft)
    banks = np.zeros((bins, fft // 2 + 1), np.float32)
    for m in range(bins):
        left, centre, right = low + m * step, low + (m + 1) * step, low + (m + 2) * step
        up = (fft_mel - left) / (centre - left)
        down = (right - fft_mel) / (right - centre)
        banks[m, : fft // 2] = np.maximum(0.0, np.minimum(up, down))
    return banks


class Fbank:
    """Streaming features: ``accept`` returns the frames that the new samples complete."""

    def __init__(self, rate: int = 16000, bins: int = 80, frame_ms: int = 25, shift_ms: int = 10):
        self.bins = bins
        self.length = rate * frame_ms // 1000
        self.shift = rate * shift_ms // 1000
        self._banks = mel_banks(bins, rate).T.copy()
        n = np.arange(self.length)
        self._window = (0.5 - 0.5 * np.cos(2 * np.pi * n / (self.length - 1))) ** 0.85
        self._pending = np.zeros(0, np.float64)

    def reset(self) -> None:
        self._pending = np.zeros(0, np.float64)

    def accept(self, samples: np.ndarray) -> np.ndarray:
        """Samples (any numeric dtype, PCM16 scale) in; (frames, bins) float32 out."""
        buf = np.concatenate([self._pending, np.asarray(samples, np.float64)])
        count = 1 + (len(buf) - self.length) // self.shift if len(buf) >= self.length else 0
        self._pending = buf[count * self.shift:]
        if count == 0:
            return np.zeros((0, self.bins), np.float32)
        index = np.arange(self.length)[None, :] + self.shift * np.arange(count)[:, None]
        frames = buf[index]
        frames -= frames.mean(axis=1, keepdims=True)
        frames[:, 1:] -= 0.97 * frames[:, :-1].copy()
        frames[:, 0] *= 1.0 - 0.97
        frames *= self._window
        power = np.abs(np.fft.rfft(frames, FFT)) ** 2
        energies = power.astype(np.float32) @ self._banks
        return np.log(np.maximum(energies, _EPS)).astype(np.float32)
