"""Sans-I/O level normalisation (``LevelNormalizer``): slow automatic gain control before the voice gate.

A caller far from the handset, or a weak line, arrives 20-30 dB below normal speech; the voice
gate (-45 dBFS) then never opens and the caller is "not heard". The normaliser brings quiet
speech up towards ``target_dbfs`` without ever:

- attenuating (``min_gain_db`` is 0: speech at a normal level passes byte for byte);
- amplifying more than ``max_gain_db``;
- lifting the line's noise above ``noise_ceiling_dbfs`` (well below the gate's -45 dBFS), so
  silence and steady noise stay below the gate: the gain is capped by ``noise_ceiling_dbfs``
  minus the noise floor (minimum of the recent, smoothed frame levels);
- clipping: a frame's gain is limited so that its peak stays below ``peak_dbfs``.

Gain goes down at once (the frame that would be too loud is already measured before it is
scaled) and up slowly (``release_db_per_s``), so it does not pump within a word. In silence
the gain sits at what the noise allows, so the first syllable of a quiet caller is already
lifted. Frames below ``DIGITAL_SILENCE_DBFS`` (dropouts, zero-filled audio, faint noise that a
G.711 round trip rounded to zero) count as a floor of ``DIGITAL_SILENCE_FLOOR_DBFS``: noise that
starts after them is lifted by 18 dB at most (to -62 dBFS for -80 dBFS noise) until the floor
has followed it (``noise_window_ms``).

``process(pcm16)`` returns audio of the same length at once (no look-ahead, no latency);
the gain is ramped within each frame so that there are no steps.
"""
from __future__ import annotations

import math
from collections import deque

import numpy as np

from ivr.audio.pcm import FRAME_MS, check_rate, rms_dbfs
from ivr.audio.pcm import samples as _samples
from ivr.errors import AudioError

#: Frames quieter than this are digital silence (zero-filled, or noise a G.711 round trip rounded to 0).
DIGITAL_SILENCE_DBFS = -100.0
#: The noise floor digital silence counts as: real line noise may appear after it, so only a
#: moderate gain (``noise_ceiling_dbfs`` - this, 18 dB by default) is trusted from it.
DIGITAL_SILENCE_FLOOR_DBFS = -80.0


class LevelNormalizer:
    """Slow AGC with a gain cap, a noise ceiling and a peak limiter; one per audio stream."""

    def __init__(self, rate: int, *, target_dbfs: float = -20.0, max_gain_db: float = 30.0,
                 min_gain_db: float = 0.0, noise_ceiling_dbfs: float = -62.0, peak_dbfs: float = -1.0,
                 speech_margin_db: float = 12.0, release_db_per_s: float = 6.0,
                 noise_window_ms: int = 1500, frame_ms: int = FRAME_MS):
        check_rate(rate)
        if frame_ms not in (10, 20, 30, 40):
            raise AudioError(f"frame_ms must be 10, 20, 30 or 40, got {frame_ms}")
        if not 0.0 <= min_gain_db <= max_gain_db:
            raise AudioError(f"gain limits must satisfy 0 <= min_gain_db <= max_gain_db, "
                             f"got {min_gain_db} and {max_gain_db}")
        if not noise_ceiling_dbfs < target_dbfs < peak_dbfs <= 0.0:
            raise AudioError("levels must satisfy noise_ceiling_dbfs < target_dbfs < peak_dbfs <= 0, "
                             f"got {noise_ceiling_dbfs}, {target_dbfs} and {peak_dbfs}")
        self.rate = rate
        self.target_dbfs = target_dbfs
        self.max_gain_db = max_gain_db
        self.min_gain_db = min_gain_db
        self.noise_ceiling_dbfs = noise_ceiling_dbfs
        self.speech_margin_db = speech_margin_db
        self._peak = 32767.0 * 10 ** (peak_dbfs / 20)
        self._frame = rate * frame_ms // 1000  # samples
        self._release = release_db_per_s * frame_ms / 1000.0  # dB per frame
        self._recent: deque[float] = deque(maxlen=3)  # mean-square power of the last frames (smoothing)
        self._levels: deque[float] = deque(maxlen=max(1, noise_window_ms // frame_ms))
        self.noise_dbfs: float | None = None  # the noise floor, once a frame was seen
        self.speech_dbfs: float | None = None  # tracked level of the speech heard so far
        self.gain_db = 0.0  # the gain the next frame aims for
        self._applied_db = 0.0  # the gain at the end of the last frame (ramp start)

    def process(self, pcm16: bytes) -> bytes:
        """Normalise pcm16 at ``rate`` (any length); the same number of samples comes back."""
        x = _samples(pcm16)
        if x.size == 0:
            return b""
        out: list[bytes] = []
        changed = False
        for start in range(0, x.size, self._frame):
            block = x[start:start + self._frame]
            scaled = self._step(block)
            changed = changed or scaled is not None
            out.append(block.tobytes() if scaled is None else scaled)
        return b"".join(out) if changed else bytes(pcm16)

    # ------------------------------------------------------------------ per frame
    def _step(self, block: np.ndarray) -> bytes | None:
        level = rms_dbfs(block.tobytes())
        first = self.noise_dbfs is None
        self._track(block, level)
        desired = self._desired()
        # down at once, up slowly (but straight to what the first measured frame allows)
        if desired < self.gain_db or (first and self.noise_dbfs is not None):
            self.gain_db = desired
        else:
            self.gain_db = min(desired, self.gain_db + self._release)
        peak = float(np.max(np.abs(block.astype(np.int32)))) if block.size else 0.0
        limit = 20 * math.log10(self._peak / peak) if peak > 0 else self.max_gain_db
        end_db = max(0.0, min(self.gain_db, limit))
        start_db = max(0.0, min(self._applied_db, limit))
        self._applied_db = end_db
        if start_db == 0.0 and end_db == 0.0:
            return None
        ramp = np.linspace(10 ** (start_db / 20), 10 ** (end_db / 20), block.size, dtype=np.float64)
        y = np.rint(block.astype(np.float64) * ramp)
        return np.clip(y, -32768, 32767).astype("<i2").tobytes()

    def _track(self, block: np.ndarray, level: float) -> None:
        if level < DIGITAL_SILENCE_DBFS:
            self._levels.append(DIGITAL_SILENCE_FLOOR_DBFS)
            self.noise_dbfs = min(self._levels)
            return
        power = float(np.mean(np.square(block, dtype=np.float64)))
        self._recent.append(power)
        smoothed = 10 * math.log10(max(sum(self._recent) / len(self._recent), 1e-12) / (32768.0 * 32768.0))
        self._levels.append(smoothed)
        self.noise_dbfs = min(self._levels)
        if level > self.noise_dbfs + self.speech_margin_db:
            # speech: follow a louder level quickly, a softer one slowly (a peak-ish speech level)
            if self.speech_dbfs is None:
                self.speech_dbfs = level
            else:
                rate = 0.5 if level > self.speech_dbfs else 0.02
                self.speech_dbfs += rate * (level - self.speech_dbfs)

    def _desired(self) -> float:
        if self.noise_dbfs is None:
            return self.min_gain_db
        cap = min(self.max_gain_db, self.noise_ceiling_dbfs - self.noise_dbfs)
        want = cap if self.speech_dbfs is None else min(cap, self.target_dbfs - self.speech_dbfs)
        return max(self.min_gain_db, want)
