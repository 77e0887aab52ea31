"""A caller held for a doctor after a ``Transfer``: the hold / dial / bridge policy, sans-I/O.

Every rule of this state machine lives in this file: the states (``HoldState``), the moves
(``HoldMove``) and ONE table, ``TRANSITIONS[state][move] -> state``; a move the table does not
allow raises ``HoldError``. Nothing here reads a clock, a socket or the database: every input
carries ``now`` (the call runner's injected clock), ``get_timer()`` returns the earliest
deadline and ``handle_timer(now)`` runs what is due (aioquic's model). Inputs are frozen
events; outputs are frozen actions that ``ivr.telephony.callrunner.CallRunner`` carries out
(play a hold prompt, read the case, ring the doctor, bridge, hang up...).

The policy:

* holding: the case is read at once, then every ``poll_s``; a reassurance plays every
  ``reassure_s`` of quiet (with the 115 advice for an emergency; ``*`` repeats it at once);
* a callback case (no doctor on duty, or closed), a case picked or in a call without a phone to
  ring, or nobody picking within ``hold_limit_s``: the caller is told a doctor will call back,
  the case becomes a callback, the hotline hangs up after the prompt;
* a doctor picks it live with a phone: "connecting", the doctor's phone is rung; answered within
  ``ring_s``: bridged; not answered, refused or not diallable: the case goes back to the other
  doctors and the caller back on hold;
* bridged: the doctor hanging up ends the call ("bridge ended" prompt, then hang-up);
* heard while holding or dialling (``Heard``: the caller's words as the call's understanding reads them;
  ``EmergencyKey``: the flow's emergency key): a warning sign that makes the risk worse than the case's
  raises the case (``RaiseCase``, persisted first), plays the advice with 115 at once and holds on with the
  reassurance of the new level; other words (a question, "alo") get the reassurance, a request for a person
  "a doctor is being found", at most once every ``reply_gap_s``. Bridged, the doctor hears the caller: never
  listened to;
* the caller hanging up (or the call's time limit) ends the doctor's leg; an unbridged case
  stays in the queue as a callback.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from ivr.errors import IvrError
from ivr.vocabulary import RISK_LEVELS, EscalationMode, RiskLevel, risk_rank
from ivr.vocabulary import EscalationStatus as ES


class HoldState(str, Enum):
    IDLE = "idle"  # no Transfer yet
    HOLDING = "holding"  # waiting for a doctor to pick the case
    DIALLING = "dialling"  # the doctor's phone is ringing
    BRIDGED = "bridged"  # the doctor answered: audio both ways
    CLOSING = "closing"  # the last prompt plays, then the hotline hangs up
    ENDED = "ended"  # the call is over


class HoldMove(str, Enum):
    START = "start"  # the engine handed the caller to a doctor (Transfer)
    POLL = "poll"  # time to read the case again
    WAITING = "waiting"  # the case read: still waiting for a doctor
    CALLBACK = "callback"  # the case read: a callback, or picked without a phone to ring
    PICKED = "picked"  # the case read: picked live, with a phone to ring
    REASSURE = "reassure"  # quiet for reassure_s, or the caller pressed *
    HOLD_LIMIT = "hold_limit"  # nobody picked within hold_limit_s
    DIAL_FAILED = "dial_failed"  # the doctor's phone could not be rung at all
    ANSWERED = "answered"  # the doctor answered
    NOT_ANSWERED = "not_answered"  # refused, or still ringing after ring_s
    DOCTOR_HUNG_UP = "doctor_hung_up"
    CALLER_HUNG_UP = "caller_hung_up"
    CALL_LIMIT = "call_limit"  # the call reached its time limit
    IGNORED = "ignored"  # a key that means nothing in this state
    WORSE = "worse"  # heard a warning sign (or the emergency key) worse than the case's risk: raise it
    HEARD = "heard"  # heard words that raise nothing: answered (reassurance, "finding a doctor") or let pass


S, M = HoldState, HoldMove

#: Every allowed move. Not listed: refused with ``HoldError``.
TRANSITIONS: dict[HoldState, dict[HoldMove, HoldState]] = {
    S.IDLE: {M.START: S.HOLDING, M.CALLER_HUNG_UP: S.ENDED, M.CALL_LIMIT: S.ENDED, M.IGNORED: S.IDLE},
    S.HOLDING: {
        M.POLL: S.HOLDING, M.WAITING: S.HOLDING, M.REASSURE: S.HOLDING, M.IGNORED: S.HOLDING,
        M.PICKED: S.DIALLING, M.CALLBACK: S.CLOSING, M.HOLD_LIMIT: S.CLOSING,
        M.WORSE: S.HOLDING, M.HEARD: S.HOLDING,
        M.CALLER_HUNG_UP: S.ENDED, M.CALL_LIMIT: S.ENDED,
    },
    S.DIALLING: {
        M.ANSWERED: S.BRIDGED, M.NOT_ANSWERED: S.HOLDING, M.DIAL_FAILED: S.HOLDING, M.IGNORED: S.DIALLING,
        M.WORSE: S.DIALLING, M.HEARD: S.DIALLING,
        M.CALLER_HUNG_UP: S.ENDED, M.CALL_LIMIT: S.ENDED,
    },
    S.BRIDGED: {M.DOCTOR_HUNG_UP: S.CLOSING, M.IGNORED: S.BRIDGED, M.CALLER_HUNG_UP: S.ENDED,
                M.CALL_LIMIT: S.ENDED},
    S.CLOSING: {M.IGNORED: S.CLOSING, M.CALLER_HUNG_UP: S.ENDED, M.CALL_LIMIT: S.ENDED},
    S.ENDED: {M.IGNORED: S.ENDED},
}

#: the states in which the caller is listened to (bridged: the doctor hears them)
LISTENING: tuple[HoldState, ...] = (S.HOLDING, S.DIALLING)

#: a raise to emergency plays this (the 115 advice at once); a raise to a lower level plays ``RAISED_PROMPT``
EMERGENCY_PROMPT = "hold_emergency_115"
RAISED_PROMPT = "hold_raised"
#: a request for a person while holding ("cho tôi gặp bác sĩ")
FINDING_PROMPT = "hold_finding_doctor"

#: a case in one of these statuses is not waiting for a live doctor any more: a callback
CALLBACK_STATUSES = (ES.CALLBACK_SCHEDULED, ES.RESOLVED, ES.EXPIRED, ES.CANCELLED)


def _rank(risk: str) -> int:
    """``risk_rank``, with no level (or an unknown one) ranked below every level."""
    return risk_rank(risk) if risk in RISK_LEVELS else len(RISK_LEVELS)


class HoldError(IvrError):
    """A move the hold table does not allow (a bug in the call runner, not the caller's doing)."""

    def __init__(self, state: HoldState, move: HoldMove):
        allowed = ", ".join(m.value for m in TRANSITIONS[state])
        super().__init__(f"hold: cannot {move.value} while {state.value} (allowed: {allowed})")
        self.state = state
        self.move = move


# ---------------------------------------------------------------------------------------- events
@dataclass(frozen=True, kw_only=True)
class Start:
    """The caller is handed to a doctor; ``has_case``: the escalation was persisted."""

    risk: str
    has_case: bool = True


@dataclass(frozen=True, kw_only=True)
class CaseSeen:
    """The case as read from the database (answer to ``PollCase``)."""

    status: str
    mode: str
    risk: str = ""
    staff_phone: str = ""
    staff_id: int | None = None


@dataclass(frozen=True, kw_only=True)
class Key:
    digit: str


@dataclass(frozen=True, kw_only=True)
class DialFailed:
    """``Dial`` could not place the call (no line to dial on, a number the front refuses...)."""


@dataclass(frozen=True, kw_only=True)
class LegAnswered:
    pass


@dataclass(frozen=True, kw_only=True)
class LegEnded:
    """The doctor's leg ended: while ringing (refused: ``failure`` is the SIP answer) or bridged."""

    failure: str = ""


@dataclass(frozen=True, kw_only=True)
class CallerHungUp:
    pass


@dataclass(frozen=True, kw_only=True)
class CallLimit:
    pass


@dataclass(frozen=True, kw_only=True)
class Heard:
    """The caller's words while holding, as the call's understanding reads them (the runner understands and
    triages them with everything the call knows, so this machine stays pure).

    ``risk``: the call's triage with these words; ``signs``: the warning signs and symptoms in these words
    (an "emergency" intent counts as one); empty: nothing clinical was said (a question, "alo")."""

    text: str
    intent: str = "unknown"
    risk: str = ""
    signs: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, kw_only=True)
class EmergencyKey:
    """The flow's emergency key ("bấm phím 1 nếu cần cấp cứu") pressed while holding."""

    digit: str


HoldEvent = Start | CaseSeen | Key | DialFailed | LegAnswered | LegEnded | CallerHungUp | CallLimit | Heard \
    | EmergencyKey


# --------------------------------------------------------------------------------------- actions
@dataclass(frozen=True, kw_only=True)
class PlayPrompt:
    """Play a hold prompt from the catalog; ``clear``: stop what plays first."""

    prompt_id: str
    clear: bool = False


@dataclass(frozen=True, kw_only=True)
class PollCase:
    """Read the case; answer with ``CaseSeen`` (nothing if it cannot be read: retried next poll)."""


@dataclass(frozen=True, kw_only=True)
class Dial:
    """Ring the doctor's phone; answer with ``DialFailed`` if it cannot be placed."""

    phone: str
    staff_id: int | None


@dataclass(frozen=True, kw_only=True)
class Bridge:
    """The doctor answered: stop what plays, connect the audio, mark the case in a call."""

    staff_id: int | None


@dataclass(frozen=True, kw_only=True)
class EndLeg:
    """Hang up the doctor's leg (CANCEL or BYE); ``ended_by``: who ended a bridge (caller, doctor, limit)."""

    ended_by: str = ""


@dataclass(frozen=True, kw_only=True)
class GiveBack:
    """The doctor was not reached: the case goes back to the other doctors (``reason`` for them)."""

    reason: str


@dataclass(frozen=True, kw_only=True)
class MakeCallback:
    """The case becomes a callback (``why`` for the log)."""

    why: str


@dataclass(frozen=True, kw_only=True)
class CallerLeft:
    """The caller hung up before a doctor was bridged: the case stays as a callback."""


@dataclass(frozen=True, kw_only=True)
class HangUpAfterPrompts:
    """Hang up once the queued prompts have played."""


@dataclass(frozen=True, kw_only=True)
class RaiseCase:
    """The caller got worse while holding: persist the case's new ``risk`` (with ``signs`` and ``reasons`` in its
    history) before anything else is done about it."""

    risk: str
    signs: tuple[str, ...]
    reasons: tuple[str, ...] = ()
    words: str = ""


HoldAction = PlayPrompt | PollCase | Dial | Bridge | EndLeg | GiveBack | MakeCallback | CallerLeft \
    | HangUpAfterPrompts | RaiseCase


# ------------------------------------------------------------------------------------- machine
class Hold:
    """One call's hold. ``handle(event, now)`` and ``handle_timer(now)`` return the actions to carry out."""

    def __init__(self, *, hold_limit_s: float = 90.0, reassure_s: float = 20.0, ring_s: float = 30.0,
                 poll_s: float = 1.0, reply_gap_s: float = 8.0):
        self.hold_limit_s = hold_limit_s
        self.reply_gap_s = reply_gap_s  # words are answered at most this often
        self.reassure_s = reassure_s
        self.ring_s = ring_s
        self.poll_s = poll_s
        self.state = HoldState.IDLE
        self.risk = ""
        self.answered = False  # a doctor was bridged at some point
        self._hold_started = 0.0
        self._next_poll = 0.0
        self._next_reassure = 0.0
        self._ring_deadline = 0.0
        self._last_reply: float | None = None
        self._raised: RaiseCase | None = None  # the last raise, sent again while the case reads less urgent

    def _move(self, move: HoldMove) -> None:
        try:
            self.state = TRANSITIONS[self.state][move]
        except KeyError:
            raise HoldError(self.state, move) from None

    # --- timers -----------------------------------------------------------------------------
    def get_timer(self) -> float | None:
        """The earliest deadline, or None when nothing is timed."""
        if self.state is HoldState.HOLDING:
            return min(self._next_poll, self._next_reassure, self._hold_started + self.hold_limit_s)
        if self.state is HoldState.DIALLING:
            return self._ring_deadline
        return None

    def handle_timer(self, now: float, *, quiet: bool = True) -> list[HoldAction]:
        """Run the first thing due (call again while it returns actions). ``quiet``: nothing is playing
        (a reassurance waits for quiet)."""
        if self.state is HoldState.HOLDING:
            if now >= self._next_poll:
                self._move(M.POLL)
                self._next_poll = now + self.poll_s
                return [PollCase()]
            if now - self._hold_started >= self.hold_limit_s:
                return self._callback(M.HOLD_LIMIT, f"nobody picked within {self.hold_limit_s:.0f} s")
            if now >= self._next_reassure and quiet:
                return self._reassure(now, clear=False)
        elif self.state is HoldState.DIALLING and now >= self._ring_deadline:
            return self._not_answered(now, "không nghe máy")
        return []

    # --- events -----------------------------------------------------------------------------
    def handle(self, event: HoldEvent, now: float) -> list[HoldAction]:
        if isinstance(event, Start):
            self._move(M.START)
            self.risk = event.risk
            self._hold_started = now
            self._next_poll = now  # at once: a callback case is told so without waiting
            self._next_reassure = now + self.reassure_s
            if not event.has_case:  # cannot happen: a Transfer always escalates first
                return self._callback(M.CALLBACK, "no escalation")
            return []
        if isinstance(event, CaseSeen):
            retry: list[HoldAction] = []
            if self._raised is not None and event.risk and _rank(self._raised.risk) < _rank(event.risk):
                retry = [self._raised]  # the raise did not reach the database: persist it again, first
            return retry + self._case(event, now)
        if isinstance(event, Key):
            if event.digit == "*" and self.state is HoldState.HOLDING:
                return self._reassure(now, clear=True)
            self._move(M.IGNORED)
            return []
        if isinstance(event, DialFailed):
            self._move(M.DIAL_FAILED)
            self._next_reassure = now + self.reassure_s
            return [GiveBack(reason=self._dialled_reason), PlayPrompt(prompt_id="bridge_no_answer")]
        if isinstance(event, LegAnswered):
            self._move(M.ANSWERED)
            self.answered = True
            return [Bridge(staff_id=self._staff_id)]
        if isinstance(event, LegEnded):
            if self.state is HoldState.BRIDGED:
                self._move(M.DOCTOR_HUNG_UP)
                return [EndLeg(ended_by="doctor"), PlayPrompt(prompt_id="bridge_ended"), HangUpAfterPrompts()]
            why = "máy bận hoặc không liên lạc được"
            refused = event.failure.split(":")[0].strip()
            if refused:  # the SIP answer, for whoever checks the doctor's phone or the trunk
                why += f" ({refused})"
            return self._not_answered(now, why)
        if isinstance(event, CallerHungUp):
            state = self.state
            self._move(M.CALLER_HUNG_UP)
            actions: list[HoldAction] = []
            if state in (HoldState.DIALLING, HoldState.BRIDGED):
                actions.append(EndLeg(ended_by="caller"))
            if state is not HoldState.IDLE and not self.answered:
                actions.append(CallerLeft())
            return actions
        if isinstance(event, Heard):
            return self._heard(event, now)
        if isinstance(event, EmergencyKey):
            return self._heard(Heard(text=f"phím {event.digit}", intent="emergency", risk=RiskLevel.EMERGENCY,
                                     signs=("emergency_key",)), now)
        if isinstance(event, CallLimit):
            state = self.state
            self._move(M.CALL_LIMIT)
            return [EndLeg(ended_by="limit")] if state in (HoldState.DIALLING, HoldState.BRIDGED) else []
        raise TypeError(f"not a hold event: {event!r}")

    # --- policy -----------------------------------------------------------------------------
    _staff_id: int | None = None
    _dialled_reason = ""

    def _case(self, case: CaseSeen, now: float) -> list[HoldAction]:
        # the more urgent of the two: a raise this call made stays, even if the database missed it
        if _rank(case.risk) < _rank(self.risk):
            self.risk = case.risk
        if case.mode == EscalationMode.CALLBACK or case.status in CALLBACK_STATUSES:
            return self._callback(M.CALLBACK, f"case {case.status}/{case.mode}")
        if case.status == ES.PICKED and case.staff_phone:
            self._move(M.PICKED)
            self._staff_id = case.staff_id
            self._dialled_reason = f"không gọi được số {case.staff_phone}"
            self._ring_deadline = now + self.ring_s
            return [PlayPrompt(prompt_id="bridge_connecting", clear=True),
                    Dial(phone=case.staff_phone, staff_id=case.staff_id)]
        if case.status in (ES.IN_CALL, ES.PICKED):
            # picked live without a phone to ring, or in a call elsewhere: the doctor calls back
            return self._callback(M.CALLBACK, f"case {case.status} without a phone to bridge")
        self._move(M.WAITING)
        return []

    def _reassure(self, now: float, *, clear: bool) -> list[HoldAction]:
        self._move(M.REASSURE)
        self._next_reassure = now + self.reassure_s
        actions: list[HoldAction] = [PlayPrompt(prompt_id="hold_reassure", clear=clear)]
        if self.risk == RiskLevel.EMERGENCY:
            actions.append(PlayPrompt(prompt_id="hold_115"))
        return actions

    def _heard(self, heard: Heard, now: float) -> list[HoldAction]:
        """Words (or the emergency key) while holding or dialling; anywhere else not listened to."""
        if self.state not in LISTENING:
            self._move(M.IGNORED)
            return []
        if heard.signs and _rank(heard.risk) < _rank(self.risk):
            self._move(M.WORSE)
            self.risk = heard.risk
            self._last_reply = now
            self._next_reassure = now + self.reassure_s
            emergency = self.risk == RiskLevel.EMERGENCY
            self._raised = RaiseCase(risk=heard.risk, signs=heard.signs, reasons=heard.reasons, words=heard.text)
            return [self._raised, PlayPrompt(prompt_id=EMERGENCY_PROMPT if emergency else RAISED_PROMPT, clear=True)]
        self._move(M.HEARD)
        if self._last_reply is not None and now - self._last_reply < self.reply_gap_s:
            return []  # answered a moment ago: a caller talking on is not talked over
        self._last_reply = now
        self._next_reassure = now + self.reassure_s
        if heard.signs and self.risk == RiskLevel.EMERGENCY:
            # an emergency says a sign again: the 115 advice again, at once
            return [PlayPrompt(prompt_id=EMERGENCY_PROMPT)]
        if heard.intent == "request_doctor":
            return [PlayPrompt(prompt_id=FINDING_PROMPT)]
        actions: list[HoldAction] = [PlayPrompt(prompt_id="hold_reassure")]
        if self.risk == RiskLevel.EMERGENCY:
            actions.append(PlayPrompt(prompt_id="hold_115"))
        return actions

    def _callback(self, move: HoldMove, why: str) -> list[HoldAction]:
        self._move(move)
        return [MakeCallback(why=why), PlayPrompt(prompt_id="hold_callback", clear=True), HangUpAfterPrompts()]

    def _not_answered(self, now: float, why: str) -> list[HoldAction]:
        self._move(M.NOT_ANSWERED)
        self._next_reassure = now + self.reassure_s
        self._next_poll = now + self.poll_s
        return [EndLeg(), GiveBack(reason=why), PlayPrompt(prompt_id="bridge_no_answer", clear=True)]
