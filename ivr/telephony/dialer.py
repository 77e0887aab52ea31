"""Check-in calls placed by a SIP worker: claim, pace, dial through the SIP front, run the flow, report.

``Dialer`` runs one thread per worker ("checkin-dialer") that asks the check-in desk
(``ivr.telephony.checkin.CheckinDesk``) for a phone to call only while ``Pacing`` says the worker has
campaign room, and one thread per placed call that dials the patient's phone (``WorkerPhone.dial``:
Kamailio sends a number nobody registered for to the trunk, ``sip_trunk_uri``), waits for an answer
up to ``checkin_ring_s`` (then CANCELs), runs the check-in flow on the answered leg and reports an
``OutboundResult`` with ``desk.finish`` whatever happened: a lost result would leave an attempt in
``dialing`` and the patient unheard from.

Capacity (inbound first): a check-in call starts only while the worker's calls of every kind (inbound,
check-in, doctors' legs) are fewer than ``checkin_capacity_share`` of its ``worker_max_calls`` (and at
least one slot below it), so the rest of its slots are always free for callers; as inbound calls take
slots the campaign starts fewer calls, and it never pre-empts a call in progress. Pacing: the campaign's
``checkin_cps`` is split evenly over the workers (each worker starts at most ``checkin_cps / workers``
calls per second), which needs no coordination between workers.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from ivr.errors import SipError
from ivr.telephony.checkin import CheckinDesk, OutboundCall, OutboundResult
from ivr.vocabulary import CheckinStatus

log = logging.getLogger(__name__)

#: SIP finals that mean the phone was busy or declined the call (486 Busy Here, 600 Busy Everywhere)
BUSY_CODES = frozenset({486, 600})
#: SIP finals that mean nobody answered (408 Request Timeout, 480 Temporarily Unavailable)
NO_ANSWER_CODES = frozenset({408, 480})
#: how long a result is retried when the desk cannot record it (the database or Redis briefly down)
FINISH_ATTEMPTS = 5


class Phone(Protocol):
    """What the dialer needs of the worker's phone (``ivr.telephony.phone.WorkerPhone``)."""

    def dial(self, target: str, *, caller_id: str = "") -> Any: ...
    def active_calls(self) -> int: ...


#: runs the check-in flow on an answered leg; returns (the stored Call id, the call's final slots)
RunCall = Callable[[Any, OutboundCall], tuple[int | None, Mapping[str, Any]]]


@dataclass(frozen=True)
class Pacing:
    """When a worker may start another check-in call (sans-I/O: the caller passes the clock)."""

    max_calls: int
    share: float = 0.5
    cps: float = 1.0
    workers: int = 1

    @property
    def cap(self) -> int:
        """The most calls of any kind the worker may have for a check-in call to start."""
        return max(0, min(math.floor(self.max_calls * self.share), self.max_calls - 1))

    @property
    def interval_s(self) -> float:
        """The least time between two check-in calls started by this worker (its share of ``cps``)."""
        return max(1, self.workers) / self.cps if self.cps > 0 else math.inf

    def room(self, *, active: int) -> bool:
        """Whether a check-in call may start now that the worker has ``active`` calls of every kind."""
        return active < self.cap

    def due(self, *, now: float, last_start: float | None) -> bool:
        return last_start is None or now - last_start >= self.interval_s


def result_status(*, answered: bool, sip_code: int | None, rang_out: bool, slots: Mapping[str, Any]) -> str:
    """The ``CheckinStatus`` of a placed call: what the phone did, then what the flow recorded."""
    if answered:
        if slots.get("opted_out"):
            return CheckinStatus.OPTED_OUT
        if slots.get("patient_out"):
            # session 22b (n62-calls11): a relative said the patient is out right now and nobody answered for him:
            # not reached, so the attempt is tried again later in the window
            return CheckinStatus.NOT_REACHED
        if slots.get("started"):
            return CheckinStatus.REACHED
        return CheckinStatus.NOT_REACHED  # answered, but nobody pressed the key to start
    if rang_out:
        return CheckinStatus.NO_ANSWER
    if sip_code in BUSY_CODES:
        return CheckinStatus.BUSY
    if sip_code in NO_ANSWER_CODES:
        return CheckinStatus.NO_ANSWER
    return CheckinStatus.FAILED


def start_slots(call: OutboundCall) -> dict[str, Any]:
    """What the check-in flow knows when the phone is answered (``callflows/checkin_outbound.yaml``)."""
    names = [p.spoken for p in call.patients]
    slots: dict[str, Any] = {"direction": "outbound", "attempt_id": call.attempt_id, "station": call.station,
                             "patients": names, "patient_ids": [p.id for p in call.patients],
                             # parallel to "patients": the engine adds the chosen one's to the call's risk factors
                             "patients_risk_factors": [list(p.risk_factors) for p in call.patients]}
    if len(names) == 1:
        slots["patient_name"] = names[0]
    return slots


def answered_patient(call: OutboundCall, slots: Mapping[str, Any]) -> int | None:
    """The patient the call was about: the one chosen on a household phone, the only one otherwise."""
    if len(call.patients) == 1:
        return call.patients[0].id
    picked = slots.get("patient")
    if isinstance(picked, int) and 1 <= picked <= len(call.patients):
        return call.patients[picked - 1].id
    return None


class Dialer:
    """The worker's check-in calls (see the module's doc). ``start`` once; ``stop`` hangs up and reports."""

    def __init__(self, *, phone: Phone, desk: CheckinDesk, worker: str, run_call: RunCall, pacing: Pacing,
                 ring_s: float = 30.0, claim_timeout_s: float = 1.0, clock: Callable[[], float] = time.monotonic):
        self.phone = phone
        self.desk = desk
        self.worker = worker
        self.run_call = run_call
        self.pacing = pacing
        self.ring_s = ring_s
        self.claim_timeout_s = claim_timeout_s
        self.clock = clock
        self.placed = 0
        self.results: list[OutboundResult] = []  # reported, in order (logs and tests)
        self._stop = threading.Event()
        self._lock = threading.Lock()  # guards _legs, _threads and results (dialer thread vs. call threads)
        self._legs: dict[int, Any] = {}  # attempt id -> the leg being rung or talked on
        self._threads: list[threading.Thread] = []
        self._last_start: float | None = None
        self._thread = threading.Thread(target=self._run, name="checkin-dialer", daemon=True)

    # ------------------------------------------------------------------ life cycle
    def start(self) -> None:
        log.info("%s: check-in calls on: at most %d calls of any kind to start one, one every %.1f s",
                 self.worker, self.pacing.cap, self.pacing.interval_s)
        self._thread.start()

    def stop(self, timeout_s: float = 15.0) -> None:
        """Claim no more; hang up the calls in progress and wait until each has been reported."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=self.claim_timeout_s + 2)
        with self._lock:
            legs = list(self._legs.values())
            threads = list(self._threads)
        for leg in legs:
            try:
                leg.hangup()
            except Exception as exc:  # noqa: BLE001 - stopping: the call thread reports it anyway
                log.warning("%s: hanging up a check-in call failed: %s", self.worker, exc)
        deadline = time.monotonic() + timeout_s
        for thread in threads:
            thread.join(timeout=max(0.1, deadline - time.monotonic()))

    @property
    def in_progress(self) -> int:
        with self._lock:
            return sum(1 for t in self._threads if t.is_alive())

    # ------------------------------------------------------------------ claiming
    def _run(self) -> None:
        while not self._stop.is_set():
            now = self.clock()
            if not self.pacing.room(active=self.phone.active_calls() + self._unregistered()) \
                    or not self.pacing.due(now=now, last_start=self._last_start):
                self._stop.wait(0.1)
                continue
            try:
                call = self.desk.claim(self.worker, self.claim_timeout_s)
            except Exception as exc:  # noqa: BLE001 - the queue down: inbound calls go on, retry later
                log.error("%s: claiming a check-in call failed: %s", self.worker, exc)
                self._stop.wait(2.0)
                continue
            if call is None:
                continue
            if self._stop.is_set():  # claimed while stopping: give it back as not placed
                self._finish(OutboundResult(attempt_id=call.attempt_id, status=CheckinStatus.FAILED, sip_code=None,
                                            call_id=None, answered_patient_id=None, answered_by=""))
                break
            self._last_start = self.clock()
            self.placed += 1
            thread = threading.Thread(target=self._place, args=(call,), name=f"checkin-{call.attempt_id}",
                                      daemon=True)
            with self._lock:
                self._threads = [t for t in self._threads if t.is_alive()] + [thread]
            thread.start()

    def _unregistered(self) -> int:
        """Check-in calls in progress that the phone does not count: claimed but not dialled yet, or whose leg
        has ended while its thread still reports (a new call must wait for that report: its share holds)."""
        with self._lock:
            counted = sum(1 for leg in self._legs.values() if leg.holds_slot)
            return sum(1 for t in self._threads if t.is_alive()) - counted

    # ------------------------------------------------------------------ one call
    def _place(self, call: OutboundCall) -> None:
        result = OutboundResult(attempt_id=call.attempt_id, status=CheckinStatus.FAILED, sip_code=None, call_id=None,
                                answered_patient_id=None, answered_by="")
        try:
            result = self._dial_and_run(call)
        except Exception:
            log.exception("%s: check-in call for attempt %d failed", self.worker, call.attempt_id)
        finally:
            with self._lock:
                self._legs.pop(call.attempt_id, None)
            self._finish(result)

    def _dial_and_run(self, call: OutboundCall) -> OutboundResult:
        def done(status: str, sip_code: int | None, call_id: int | None = None, patient_id: int | None = None,
                 answered_by: str = "") -> OutboundResult:
            return OutboundResult(attempt_id=call.attempt_id, status=status, sip_code=sip_code, call_id=call_id,
                                  answered_patient_id=patient_id, answered_by=answered_by)

        try:
            leg = self.phone.dial(call.phone, caller_id=call.caller_id)
        except SipError as exc:
            log.error("%s: check-in call to %s not placed: %s", self.worker, call.phone, exc)
            return done(CheckinStatus.FAILED, None)
        with self._lock:
            self._legs[call.attempt_id] = leg
        started = self.clock()
        rang_out = False
        while leg.state == "ringing":
            if self._stop.is_set():
                leg.hangup()
                break
            if self.clock() - started >= self.ring_s:
                log.info("%s: check-in call to %s not answered in %.0f s: CANCEL", self.worker, call.phone,
                         self.ring_s)
                rang_out = True
                leg.hangup()
                break
            time.sleep(0.05)
        ended_wait = time.monotonic() + 5.0  # the CANCEL's 487 (or a 200 that crossed it)
        while leg.state == "ringing" and time.monotonic() < ended_wait:
            time.sleep(0.05)
        code = int(getattr(leg, "final_status", 0) or 0) or None
        if leg.state != "answered":
            status = result_status(answered=False, sip_code=code, rang_out=rang_out, slots={})
            log.info("%s: check-in call to %s (attempt %d): %s (SIP %s)", self.worker, call.phone, call.attempt_id,
                     status, code or "-")
            return done(status, code)
        log.info("%s: check-in call to %s (attempt %d) answered", self.worker, call.phone, call.attempt_id)
        call_id, slots = self.run_call(leg, call)
        status = result_status(answered=True, sip_code=code, rang_out=False, slots=slots)
        answered_by = str(slots.get("answered_by") or "")
        patient_id = answered_patient(call, slots) if status in (CheckinStatus.REACHED, CheckinStatus.OPTED_OUT) \
            else None
        log.info("%s: check-in call %s to %s (attempt %d): %s", self.worker, call_id, call.phone, call.attempt_id,
                 status)
        return done(status, code, call_id, patient_id, answered_by if answered_by in ("patient", "relative") else "")

    def _finish(self, result: OutboundResult) -> None:
        """Report ``result`` to the desk, retried a few times: a lost result is an attempt stuck in dialing."""
        for attempt in range(1, FINISH_ATTEMPTS + 1):
            try:
                self.desk.finish(result)
                break
            except Exception as exc:  # noqa: BLE001 - the database or Redis briefly down: retry
                log.error("%s: recording the result of attempt %d failed (%d of %d): %s", self.worker,
                          result.attempt_id, attempt, FINISH_ATTEMPTS, exc)
                if attempt == FINISH_ATTEMPTS:
                    log.error("%s: check-in result LOST, record it by hand: %r", self.worker, result)
                    return
                time.sleep(min(8.0, 0.5 * 2 ** attempt))
        with self._lock:
            self.results.append(result)
