"""Persisting a call as it happens: the Call row, its CallSteps, the Assessment, the escalation.

Used by the call loop (``ivr.telephony.callrunner``) on the worker's call threads; each method is
one short transaction so that a crash loses at most the step in flight. ``list_calls``
reads them back for ``ivr calls list``.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from ivr.engine import actions as A
from ivr.errors import StorageError
from ivr.store.database import Database
from ivr.store.models import Assessment, Call, CallStep, Escalation, Patient, utcnow
from ivr.store.phonenumber import lookup_keys
from ivr.telephony.desk import EscalationDesk, HoldCase
from ivr.vocabulary import STORED_CALL_OUTCOMES, CallOutcome, RiskLevel

log = logging.getLogger(__name__)

OUTCOMES = STORED_CALL_OUTCOMES


class CallStore:
    def __init__(self, db: Database, *, desk: EscalationDesk | None = None):
        self.db = db
        self.desk = desk  # the escalation queue (None: cases are stored for the sweeper to enqueue)
        self._synced: dict[int, int] = {}  # call id -> steps stored

    def _patient(self, s: Any, caller: str) -> Patient | None:
        """The patient whose phone matches the caller id (stored as +84…, however the trunk sends it).

        None when no patient or several have that phone (a household's shared phone: the call cannot tell
        which of them is calling, so it is not attached to any of them).
        """
        keys = lookup_keys(caller) if caller else ()
        if not keys:
            return None
        found = list(s.scalars(select(Patient).where(Patient.phone.in_(keys)).order_by(Patient.id).limit(2)))
        return found[0] if len(found) == 1 else None

    def start_call(self, *, sip_call_id: str, caller: str, worker: str, flow_name: str,
                   flow_version_id: int | None = None) -> int:
        with self.db.session() as s:
            patient = self._patient(s, caller)
            call = Call(sip_call_id=sip_call_id[:255], caller=caller[:64], worker=worker[:64],
                        flow_name=flow_name[:100], flow_version_id=flow_version_id,
                        patient_id=patient.id if patient else None)
            s.add(call)
            s.flush()
            call_id = int(call.id)
        self._synced[call_id] = 0
        return call_id

    def caller_profile(self, caller: str) -> tuple[str, tuple[str, ...]]:
        """(care status, risk factors) of a known patient; ('unknown', ()) for a stranger."""
        if not caller:
            return "unknown", ()
        with self.db.session() as s:
            patient = self._patient(s, caller)
            if patient is None:
                return "unknown", ()
            return patient.care_status.value, patient.triage_factors(utcnow().year)

    def set_recording(self, call_id: int, path: str) -> None:
        with self.db.session() as s:
            call = s.get(Call, call_id)
            if call is not None:
                call.recording_path = path[:500]

    def sync_steps(self, call_id: int, steps: Sequence[Any]) -> None:
        """Store the engine's steps not stored yet (they only ever grow)."""
        done = self._synced.get(call_id, 0)
        if len(steps) <= done:
            return
        with self.db.session() as s:
            for seq, step in enumerate(steps[done:], start=done):
                s.add(CallStep(call_id=call_id, seq=seq, node=str(step.node)[:100],
                               prompt_id=str(step.prompt_id or "")[:100], transcript=str(step.transcript or ""),
                               digits=str(step.digits or "")[:64], intent=str(step.intent or "")[:64],
                               confidence=step.confidence, event=str(step.event or "")[:32]))
        self._synced[call_id] = len(steps)

    def save_assessment(self, call_id: int, engine: Any) -> int | None:
        """The engine's current assessment as an Assessment row (None when it has none)."""
        assessment = getattr(engine, "assessment", None)
        if assessment is None:
            return None
        with self.db.session() as s:
            call = s.get(Call, call_id)
            row = Assessment(call_id=call_id, patient_id=call.patient_id if call else None,
                             symptoms=sorted(getattr(engine, "symptoms", ()) or ()),
                             vitals=dict(getattr(engine, "vitals", {}) or {}),
                             risk_factors=sorted(getattr(engine, "risk_factors", ()) or ()),
                             risk=assessment.risk, reasons=list(assessment.reasons),
                             rule_pack=assessment.rule_pack)
            s.add(row)
            s.flush()
            return int(row.id)

    def escalate(self, call_id: int, action: A.Escalate, engine: Any, assessment_id: int | None) -> int:
        """Persist the escalation (then enqueue it); returns the case id (an open case of the same
        patient is re-triaged and its id returned)."""
        with self.db.session() as s:
            call = s.get(Call, call_id)
            caller = call.caller if call else ""
            patient_id = call.patient_id if call else None
            recording = call.recording_path if call else ""
        if self.desk is not None:
            return int(self.desk.create(call_id=call_id, patient_id=patient_id, assessment_id=assessment_id,
                                              caller=caller, risk=action.risk, reason=action.reason,
                                              reasons=tuple(action.reasons), mode=action.mode,
                                              recording_path=recording))
        # No escalation queue wired in this process: persist the row so that nobody is lost;
        # the escalation job worker's sweep picks up waiting rows.
        log.warning("call %s: no escalation queue configured; escalation stored without enqueueing", call_id)
        with self.db.session() as s:
            row = Escalation(call_id=call_id, patient_id=patient_id, assessment_id=assessment_id, caller=caller,
                             risk=action.risk, reason=action.reason[:200], reasons=list(action.reasons),
                             mode=action.mode, recording_path=recording)
            s.add(row)
            s.flush()
            return int(row.id)

    # --- a caller holding for a live doctor (ivr.telephony.callrunner's hold and bridge) -----------------
    def _desk(self) -> EscalationDesk:
        if self.desk is None:
            raise StorageError("no escalation desk configured: a caller cannot hold for a doctor")
        return self.desk

    def hold_case(self, escalation_id: int) -> HoldCase:
        """The case as the database says now (the source of truth), with the picking doctor's phone."""
        return self._desk().hold_case(escalation_id)

    def hold_expired(self, escalation_id: int) -> HoldCase:
        """Nobody picked in time (or the caller left): a live case becomes a callback."""
        return self._desk().hold_expired(escalation_id)

    def bridge_started(self, escalation_id: int, staff_id: int | None) -> None:
        self._desk().bridge_started(escalation_id, staff_id)

    def bridge_failed(self, escalation_id: int, reason: str) -> None:
        """The picking doctor's phone did not answer: the case goes back to waiting for others."""
        self._desk().bridge_failed(escalation_id, reason)

    def caller_left(self, escalation_id: int) -> None:
        """The caller hung up while holding: the case stays in the queue as a callback."""
        self._desk().caller_left(escalation_id)

    def raise_case(self, escalation_id: int, *, risk: str, signs: Sequence[str], reasons: Sequence[str],
                   words: str) -> None:
        """The caller got worse while holding: the case's risk raised (persisted, then the doctors notified)."""
        self._desk().raise_case(escalation_id, risk=risk, signs=signs, reasons=reasons, words=words)

    def close_stale(self, *, worker: str) -> int:
        """Calls this worker left ``in_progress`` when it died: mark them ``failed`` (at start-up)."""
        with self.db.session() as s:
            rows = s.scalars(select(Call).where(Call.worker == worker, Call.outcome == CallOutcome.IN_PROGRESS)).all()
            for call in rows:
                call.outcome = CallOutcome.FAILED
                call.ended_at = call.ended_at or utcnow()
            return len(rows)

    def set_patient(self, call_id: int, patient_id: int) -> None:
        """The patient a call is about, when the call learnt it (a check-in call: who answered)."""
        with self.db.session() as s:
            call = s.get(Call, call_id)
            if call is not None and s.get(Patient, patient_id) is not None:
                call.patient_id = patient_id

    def finish(self, call_id: int, *, outcome: str, slots: dict[str, Any]) -> None:
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown call outcome {outcome!r}")
        with self.db.session() as s:
            call = s.get(Call, call_id)
            if call is not None:
                call.outcome = outcome
                call.ended_at = utcnow()
                call.slots = _jsonable(slots)
        self._synced.pop(call_id, None)


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_jsonable(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


@dataclass(frozen=True, kw_only=True)
class CallSummary:
    id: int
    sip_call_id: str
    caller: str
    worker: str
    started_at: datetime
    duration_s: float | None
    outcome: str
    recording_path: str
    intent: str
    risk: str
    digits: str
    steps: tuple[dict[str, Any], ...]

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "sip_call_id": self.sip_call_id, "caller": self.caller, "worker": self.worker,
                "start": self.started_at.isoformat(timespec="seconds") + "Z",
                "duration_s": None if self.duration_s is None else round(self.duration_s, 1),
                "outcome": self.outcome, "intent": self.intent, "risk": self.risk, "digits": self.digits,
                "recording_path": self.recording_path, "steps": list(self.steps)}


def list_calls(db: Database, *, limit: int = 20) -> list[CallSummary]:
    """The most recent calls, newest first, with their steps and highest assessed risk."""
    with db.session() as s:
        calls = s.scalars(select(Call).options(selectinload(Call.steps)).order_by(Call.id.desc()).limit(limit)).all()
        ids = [c.id for c in calls]
        risks: dict[int, str] = {}
        if ids:
            from ivr.engine.understanding import risk_rank

            for a in s.scalars(select(Assessment).where(Assessment.call_id.in_(ids))):
                assert a.call_id is not None
                old = risks.get(a.call_id)
                if old is None or risk_rank(a.risk) < risk_rank(old):
                    risks[a.call_id] = a.risk
            for e in s.scalars(select(Escalation).where(Escalation.call_id.in_(ids))):
                assert e.call_id is not None
                old = risks.get(e.call_id)
                if old is None or risk_rank(e.risk) < risk_rank(old):
                    risks[e.call_id] = e.risk
        out = []
        for c in calls:
            steps = tuple({"node": st.node, "event": st.event, "prompt_id": st.prompt_id,
                           "transcript": st.transcript, "digits": st.digits, "intent": st.intent,
                           "confidence": st.confidence} for st in c.steps)
            intents = [st.intent for st in c.steps if st.intent]
            out.append(CallSummary(
                id=c.id, sip_call_id=c.sip_call_id, caller=c.caller, worker=c.worker, started_at=c.started_at,
                duration_s=c.duration_s, outcome=c.outcome, recording_path=c.recording_path,
                intent=intents[0] if intents else "", risk=risks.get(c.id, RiskLevel.NONE),
                digits="".join(st.digits for st in c.steps if st.digits), steps=steps))
        return out
