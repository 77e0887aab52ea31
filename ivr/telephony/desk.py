"""The escalation queue as a call sees it: a narrow interface the telephony depends on.

``escalation.desk.QueueDesk`` implements it (the worker loads it through the ``ivr.escalation_desk``
entry point), so the phone line never imports the escalation package: persist first, then enqueue,
and a holding caller follows the case the database holds.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, kw_only=True)
class HoldCase:
    """What a holding call needs to know about its escalation."""

    id: int
    status: str  # escalation status: waiting, offered, picked, in_call, callback_scheduled, ...
    mode: str  # live | callback
    risk: str
    staff_id: int | None  # the doctor who picked it
    staff_phone: str  # their SIP extension or number ('' when none)


class EscalationDesk(Protocol):
    """Creating a case and following it while the caller holds (each call is one short transaction)."""

    def create(self, **case: Any) -> int:
        """Persist the case, then enqueue it; returns its id (an open case of the same patient is
        re-triaged and its id returned). With the queue down the case is still saved."""
        ...

    def hold_case(self, escalation_id: int) -> HoldCase: ...

    def hold_expired(self, escalation_id: int) -> HoldCase:
        """Nobody picked in time: a live case becomes a callback."""
        ...

    def bridge_started(self, escalation_id: int, staff_id: int | None) -> None: ...

    def bridge_failed(self, escalation_id: int, reason: str) -> None:
        """The picking doctor's phone did not answer: the case goes back to waiting for others."""
        ...

    def caller_left(self, escalation_id: int) -> None:
        """The caller hung up while holding: the case stays in the queue as a callback."""
        ...

    def raise_case(self, escalation_id: int, *, risk: str, signs: Sequence[str], reasons: Sequence[str],
                   words: str) -> None:
        """The caller got worse while holding: raise the open case's risk (persisted first, then the doctors
        are notified as for any raise); a doctor who picked it keeps it."""
        ...
