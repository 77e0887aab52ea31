"""Events the call-flow engine takes: what happened on the call.

Frozen, keyword-only dataclasses that validate in their constructors.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

DTMF_KEYS = frozenset("0123456789*#ABCD")


@dataclass(frozen=True, kw_only=True)
class CallStarted:
    call_id: str
    caller: str = ""
    patient_status: str = "home"  # home | transferred | discharged | unknown
    risk_factors: tuple[str, ...] = ()
    #: what the call knows before it starts (an outbound call: who is called, by whom), as slots
    slots: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class Speech:
    """A final transcript of one caller utterance."""

    text: str
    confidence: float = 1.0

    def __post_init__(self) -> None:
        if not 0.0 <= self.confidence <= 1.0:
            raise ValueError(f"Speech confidence must be within 0..1, got {self.confidence}")


@dataclass(frozen=True, kw_only=True)
class Dtmf:
    """One key pressed (RFC 2833)."""

    digit: str

    def __post_init__(self) -> None:
        if len(self.digit) != 1 or self.digit not in DTMF_KEYS:
            raise ValueError(f"Dtmf digit must be one of 0-9 * # A-D, got {self.digit!r}")


@dataclass(frozen=True, kw_only=True)
class PlaybackDone:
    """Every queued prompt has finished playing."""


@dataclass(frozen=True, kw_only=True)
class Silence:
    """The recognizer reached its end-point without hearing speech."""


@dataclass(frozen=True, kw_only=True)
class TimerFired:
    """The deadline from ``Session.deadline`` has passed."""


@dataclass(frozen=True, kw_only=True)
class RecordingDone:
    path: str
    duration_s: float


@dataclass(frozen=True, kw_only=True)
class Hangup:
    """The caller hung up."""


Event = CallStarted | Speech | Dtmf | PlaybackDone | Silence | TimerFired | RecordingDone | Hangup
