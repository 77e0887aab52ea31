"""Actions the call-flow engine returns: what the adapter must do on the call."""
from __future__ import annotations

from dataclasses import dataclass

from ivr.vocabulary import CallOutcome, EscalationMode


@dataclass(frozen=True, kw_only=True)
class Play:
    """Play a prompt. ``text`` is the final Vietnamese text (slots filled in).

    When ``barge_in`` is true the caller may interrupt it with speech or a key.
    """

    prompt_id: str
    text: str
    barge_in: bool = True


@dataclass(frozen=True, kw_only=True)
class StopPlayback:
    """Stop the prompt now (barge-in) and drop anything queued."""


@dataclass(frozen=True, kw_only=True)
class Listen:
    """Listen for the caller once playback is done.

    ``expect`` names the intents the question expects (the recognizer may turn
    them into a closed grammar); ``grammar`` adds the flow's own phrases;
    ``dtmf_only`` asks for keys only (a menu under overload, say).
    """

    timeout_s: float
    expect: tuple[str, ...] = ()
    grammar: tuple[str, ...] | None = None
    max_digits: int = 1
    dtmf_only: bool = False


@dataclass(frozen=True, kw_only=True)
class Record:
    """Record a voice message of at most ``max_s`` seconds after a beep."""

    max_s: float


@dataclass(frozen=True, kw_only=True)
class Escalate:
    """Put the caller in the escalation queue (persist first, then enqueue)."""

    risk: str
    reason: str
    reasons: tuple[str, ...] = ()
    #: an ``EscalationMode`` once constructed (a plain "live" or "callback" is accepted):
    #: live: hold the caller for a doctor; callback: a doctor calls back
    mode: str = EscalationMode.CALLBACK

    def __post_init__(self) -> None:
        if self.mode not in tuple(EscalationMode):
            raise ValueError(f"Escalate mode must be 'live' or 'callback', got {self.mode!r}")
        object.__setattr__(self, "mode", EscalationMode(self.mode))


@dataclass(frozen=True, kw_only=True)
class Transfer:
    """Hand the call to a human (the duty doctor queue or a configured number)."""

    target: str = "doctor"


@dataclass(frozen=True, kw_only=True)
class Hangup:
    outcome: CallOutcome


Action = Play | StopPlayback | Listen | Record | Escalate | Transfer | Hangup
