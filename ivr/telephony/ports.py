"""What the call loop (``ivr.telephony.callrunner``) talks to, as small interfaces: the caller's line and
the doctor's leg (``ivr.telephony.phone``), the call-flow engine (``ivr.engine.session.Session``), the
prompt audio (``ivr.tts.render.PromptRenderer``) and the call's store (``ivr.telephony.callstore.CallStore``).

Audio on a ``Line`` or a ``Leg`` is 20 ms frames of 8 kHz PCM16 (the adapter converts pyVoIP's 8-bit).
"""
from __future__ import annotations

from collections.abc import Sequence
from typing import Any, Protocol

from ivr.engine import actions as A
from ivr.engine import events as E


class Leg(Protocol):
    """An outbound call to a doctor's phone (``ivr.telephony.phone.DoctorLeg``)."""

    @property
    def state(self) -> str: ...  # "ringing" | "answered" | "ended"
    @property
    def failure(self) -> str: ...  # a refused INVITE's status line ("486 Busy Here: ..."), or ""
    def read_frame(self) -> bytes | None: ...  # 20 ms of PCM16, or None
    def write_frame(self, frame: bytes) -> None: ...  # 20 ms of PCM16
    def queued_frames(self) -> int: ...
    def hangup(self) -> None: ...  # CANCEL while ringing, BYE once answered


class Line(Protocol):
    """The caller's line (``ivr.telephony.phone.PhoneLine``): 20 ms frames of 8 kHz PCM16 both ways."""

    sip_call_id: str
    caller: str

    def read_frame(self) -> bytes | None: ...
    def write_frame(self, frame: bytes) -> None: ...
    def queued_frames(self) -> int: ...
    def clear_output(self) -> None: ...
    def get_digit(self) -> str: ...
    @property
    def active(self) -> bool: ...
    def hangup(self) -> None: ...
    def dial(self, target: str) -> Leg: ...  # a doctor's phone, for a live bridge (raises if it cannot)


class PromptText(Protocol):
    def text(self, prompt_id: str) -> str: ...


class Risk(Protocol):
    @property
    def risk(self) -> str: ...


class Heard(Protocol):
    """What an utterance means, as far as a holding call reads it (``ivr.engine.understanding.Understanding``)."""

    @property
    def intent(self) -> str: ...
    @property
    def symptoms(self) -> tuple[str, ...]: ...


class Assessed(Risk, Protocol):
    @property
    def reasons(self) -> tuple[str, ...]: ...


class Engine(Protocol):
    """The call-flow engine (``ivr.engine.session.Session``), as far as this loop reads it."""

    deadline: float | None
    done: bool
    outcome: str | None
    steps: list[Any]
    slots: dict[str, Any]
    listening: A.Listen | None
    catalog: PromptText  # the hold prompts' texts (admin edits included)
    assessment: Risk | None  # the caller's triage so far

    def handle(self, event: E.Event, now: float) -> list[A.Action]: ...

    @property
    def emergency_key(self) -> str | None: ...  # the flow's emergency key, also heard while holding

    def hear_on_hold(self, text: str, confidence: float = 1.0) -> tuple[Heard, Assessed | None]:
        """The caller's words while held for a doctor: understood and triaged with what the call knows."""
        ...


class PromptAudio(Protocol):
    def pcm(self, prompt_id: str, text: str) -> bytes: ...


class CallSink(Protocol):
    """Where the call is persisted (``ivr.telephony.callstore.CallStore``)."""

    def start_call(self, *, sip_call_id: str, caller: str, worker: str, flow_name: str,
                   flow_version_id: int | None = None) -> int: ...
    def caller_profile(self, caller: str) -> tuple[str, tuple[str, ...]]: ...
    def set_recording(self, call_id: int, path: str) -> None: ...
    def sync_steps(self, call_id: int, steps: Sequence[Any]) -> None: ...
    def save_assessment(self, call_id: int, engine: Any) -> int | None: ...
    def escalate(self, call_id: int, action: A.Escalate, engine: Any, assessment_id: int | None) -> int: ...
    def hold_case(self, escalation_id: int) -> Any: ...
    def hold_expired(self, escalation_id: int) -> Any: ...
    def bridge_started(self, escalation_id: int, staff_id: int | None) -> None: ...
    def bridge_failed(self, escalation_id: int, reason: str) -> None: ...
    def caller_left(self, escalation_id: int) -> None: ...
    def raise_case(self, escalation_id: int, *, risk: str, signs: Sequence[str], reasons: Sequence[str],
                   words: str) -> None: ...
    def finish(self, call_id: int, *, outcome: str, slots: dict[str, Any]) -> None: ...
    def set_patient(self, call_id: int, patient_id: int) -> None: ...
