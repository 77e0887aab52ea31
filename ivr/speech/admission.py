"""Which decode process takes a caller's next utterance, if any (sans-I/O).

A decode process (``ivr.speech.streampool``) is loaded when the audio queued for it will
take too long to decode, not when much audio is queued: with batching across streams a
process may clear two seconds of queued audio in 50-100 ms, or need a second for it on a
machine busy with other work. So each process measures its own decode speed (wall seconds
of work per second of audio it ran through the model, an EWMA: ``SpeedMeter``), and the
pool predicts each one's wait as its backlog times that speed, plus what the backlog grows
by while the new utterance is spoken: every open utterance sends a second of audio per
second, so a process with ``open + 1`` streams at ``speed`` is loaded ``(open + 1) * speed``
and, above 1, falls behind by the excess every second (over ``horizon_s``, a typical
utterance). A new utterance goes to the process with the smallest predicted wait; when
every process's wait is above the latency budget (``asr_max_wait_ms``) the pool is
saturated and the caller gets the keys-only answer at once instead of waiting.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ivr.errors import AudioError

#: decode speed assumed before a process has measured its own (RTF of one stream on a busy core)
INITIAL_SPEED = 0.1
#: the EWMA's weight of a new measurement
ALPHA = 0.2
#: measurements are folded in once this much audio was decoded (one 400 ms chunk of viet-asr)
MIN_SAMPLE_AUDIO_S = 0.4
#: how long a new utterance (a gate segment) is spoken, for the growth of the backlog meanwhile
HORIZON_S = 2.0


@dataclass(frozen=True, kw_only=True)
class ChildLoad:
    """One decode process as the pool sees it."""

    backlog_s: float  # audio sent to it that the model has yet to run (seconds of audio)
    speed: float  # its measured decode speed: seconds of work per second of audio
    open: int = 0  # utterances open on it (the tie-break)

    @property
    def wait_s(self) -> float:
        """How long its backlog takes to decode at its measured speed."""
        return max(0.0, self.backlog_s) * max(0.0, self.speed)

    def predicted_wait_s(self, horizon_s: float = HORIZON_S) -> float:
        """The wait at the end of one more utterance spoken for ``horizon_s``: the backlog now, plus
        what it grows by meanwhile when its open streams and the new one need more than real time."""
        load = (max(0, self.open) + 1) * max(0.0, self.speed)
        return self.wait_s + max(0.0, load - 1.0) * horizon_s


@dataclass(frozen=True)
class Admission:
    """``child``: the index of the process to take the utterance, or None (saturated: keys only)."""

    child: int | None
    wait_s: float  # predicted wait of the chosen process (the smallest one when saturated)


def admit(loads: Sequence[ChildLoad], max_wait_s: float, max_backlog_s: float | None = None, *,
          horizon_s: float = HORIZON_S) -> Admission:
    """The process with the smallest predicted wait (then the fewest open utterances), unless
    every one's wait is above ``max_wait_s`` (or its backlog above ``max_backlog_s``, when given)."""
    if not loads:
        raise AudioError("no decode process to admit an utterance to")
    if max_wait_s < 0:
        raise AudioError(f"max_wait_s must not be negative, got {max_wait_s}")
    waits = [load.predicted_wait_s(horizon_s) for load in loads]
    order = sorted(range(len(loads)), key=lambda i: (waits[i], loads[i].open, i))
    for i in order:
        if waits[i] <= max_wait_s and (max_backlog_s is None or loads[i].backlog_s <= max_backlog_s):
            return Admission(i, waits[i])
    return Admission(None, waits[order[0]])


class SpeedMeter:
    """A decode process's speed: wall seconds of work per second of audio decoded, an EWMA.

    ``observe(busy_s, audio_s)`` after each round of work (time measured by the caller);
    rounds are pooled until ``min_audio_s`` of audio was decoded, so that a round that only
    received audio does not count as infinitely slow, nor a tiny one as noise.
    """

    def __init__(self, *, initial: float = INITIAL_SPEED, alpha: float = ALPHA,
                 min_audio_s: float = MIN_SAMPLE_AUDIO_S):
        if not 0 < alpha <= 1:
            raise AudioError(f"alpha must be in (0, 1], got {alpha}")
        self.speed = initial
        self.alpha = alpha
        self.min_audio_s = min_audio_s
        self._busy = 0.0
        self._audio = 0.0

    def observe(self, busy_s: float, audio_s: float) -> float:
        self._busy += max(0.0, busy_s)
        self._audio += max(0.0, audio_s)
        if self._audio >= self.min_audio_s:
            sample = self._busy / self._audio
            self.speed += self.alpha * (sample - self.speed)
            self._busy = self._audio = 0.0
        return self.speed
