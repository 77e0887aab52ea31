"""What a window came to, per patient: planned, in progress, reached, not reached, escalated, opted out.

Derived from the attempts (a household attempt covers several patients: a reached or opted-out result
counts for the patient who answered, or for all of them when the call could not tell).
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from ivr.store.models import CheckinAttempt, Escalation
from ivr.vocabulary import CheckinStatus, EscalationKind

from . import plan
from .windows import Occurrence

CS = CheckinStatus
PLANNED, IN_PROGRESS, REACHED, NOT_REACHED, ESCALATED, OPTED_OUT = (
    "planned", "in_progress", "reached", "not_reached", "escalated", "opted_out")
#: ``ivr checkins status --json``'s keys, in order; every patient of the window is in exactly one.
BUCKETS: tuple[str, ...] = (PLANNED, IN_PROGRESS, REACHED, NOT_REACHED, ESCALATED, OPTED_OUT)
#: Results after which nobody of the attempt was reached.
MISSED: tuple[str, ...] = (CS.NO_ANSWER, CS.BUSY, CS.FAILED, CS.NOT_REACHED, CS.CANCELLED)


def covered(a: CheckinAttempt) -> list[int]:
    return [int(i) for i in (a.patient_ids or [a.patient_id]) if i is not None]


def answered_for(a: CheckinAttempt) -> list[int]:
    """The patients a reached or opted-out attempt counts for."""
    ids = covered(a)
    if a.answered_patient_id is not None and a.answered_patient_id in ids:
        return [int(a.answered_patient_id)]
    return ids


def per_patient(attempts: Sequence[CheckinAttempt], escalated_calls: Iterable[int] = ()) -> dict[int, str]:
    """Each patient of the attempts -> one of ``BUCKETS``."""
    escalated = set(escalated_calls)
    out: dict[int, str] = {}
    rank = {OPTED_OUT: 0, ESCALATED: 1, REACHED: 2, IN_PROGRESS: 3, PLANNED: 4, NOT_REACHED: 5}
    for a in attempts:
        for pid in covered(a):
            if a.status == CS.REACHED and pid in answered_for(a):
                state = ESCALATED if a.call_id is not None and a.call_id in escalated else REACHED
            elif a.status == CS.OPTED_OUT and pid in answered_for(a):
                state = OPTED_OUT
            elif a.status in (CS.QUEUED, CS.DIALING) or (a.status == CS.PLANNED and a.attempt > 1):
                state = IN_PROGRESS
            elif a.status == CS.PLANNED:
                state = PLANNED
            else:
                state = NOT_REACHED
            if pid not in out or rank[state] < rank[out[pid]]:
                out[pid] = state
    return out


def dialled(attempts: Sequence[CheckinAttempt]) -> set[int]:
    """Patients the attempts really called (an attempt claimed by a SIP worker), not merely planned."""
    return {pid for a in attempts if a.claimed_at is not None or a.status in plan.DIALLED for pid in covered(a)}


def called_and_missed(s: Session, occ: Occurrence) -> set[int]:
    """Patients called in ``occ`` (at least once) and not reached: a window the dialler never got to (no SIP
    worker running, the campaign paused or out of capacity) does not count against the patient."""
    attempts = plan.attempts_of(s, occ)
    states = per_patient(attempts, escalated_calls(s, attempts))
    return {pid for pid in dialled(attempts) if states.get(pid) == NOT_REACHED}


def escalated_calls(s: Session, attempts: Sequence[CheckinAttempt]) -> set[int]:
    calls = {a.call_id for a in attempts if a.call_id is not None and a.status == CS.REACHED}
    if not calls:
        return set()
    return {int(c) for c in s.scalars(select(Escalation.call_id).where(
        Escalation.call_id.in_(calls), Escalation.kind == EscalationKind.CLINICAL)) if c is not None}


def window_states(s: Session, occ: Occurrence) -> dict[int, str]:
    attempts = plan.attempts_of(s, occ)
    return per_patient(attempts, escalated_calls(s, attempts))


def counts(s: Session, occ: Occurrence) -> dict[str, int]:
    """The window's patients in each bucket (``ivr checkins status --json``)."""
    out = dict.fromkeys(BUCKETS, 0)
    for state in window_states(s, occ).values():
        out[state] += 1
    return out


def reach_stats(attempts: Sequence[CheckinAttempt]) -> dict[str, float | int]:
    """Statistics of dialled attempts (one or more windows): patients called, patients reached, the reach
    rate, and calls placed per patient reached (``None``-free: 0 when nobody was reached)."""
    placed = [a for a in attempts if a.status in plan.DIALLED and a.status != CS.DIALING]
    called: set[tuple[object, str, int]] = set()
    reached: set[tuple[object, str, int]] = set()
    for a in placed:
        for pid in covered(a):
            called.add((a.window_date, a.window, pid))
        if a.status == CS.REACHED:
            for pid in answered_for(a):
                reached.add((a.window_date, a.window, pid))
    return {"called": len(called), "reached": len(reached),
            "reach_rate": round(len(reached) / len(called), 3) if called else 0.0,
            "attempts_per_reached": round(len(placed) / len(reached), 2) if reached else 0.0}
