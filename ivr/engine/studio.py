"""The recording studio on the phone: an admin records the hotline's prompts by phone, sans-I/O.

A staff member calls the studio extension (config ``studio_extension``), keys their phone PIN and
``#``; for each prompt still synthesized (or recorded for other words) the hotline reads the prompt's
text, beeps and records until ``#`` or ``silence_s`` of silence after speech (at most ``max_record_s``),
plays the recording back and offers 1 keep / 2 redo / 3 skip / * hear again. While a prompt is read,
2 skips it. A kept recording is checked by the recognizer against the prompt's words
(``ivr.tts.recording.import_recording``) and refused with what was heard.

Every rule lives in this file: the states (``StudioState``), the moves (``StudioMove``) and ONE table,
``TRANSITIONS[state][move] -> state``; a move the table does not allow raises ``StudioError``. Nothing
here reads a clock, a socket, the database or audio: every input carries ``now``, ``get_timer()`` returns
the earliest deadline and ``handle_timer(now)`` runs what is due. Inputs are frozen events, outputs frozen
actions that ``ivr.telephony.studio.StudioRunner`` carries out. The PIN hash (``hash_pin``/``pin_matches``)
is here too: pure functions shared with the admin, which sets the PINs.
"""
from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from enum import Enum

from ivr.errors import IvrError

#: a phone PIN: digits only (keyed on a phone), long enough that 3 tries per call and the per-caller
#: limit leave guessing hopeless
PIN_RE = re.compile(r"[0-9]{6,12}")
PIN_ITERATIONS = 120_000
MAX_PIN_TRIES = 3  # wrong PINs in one call: goodbye
MAX_MENU_REPEATS = 3  # a menu left unanswered this many times: goodbye


class StudioState(str, Enum):
    IDLE = "idle"
    PIN = "pin"  # collecting the PIN's keys
    PIN_CHECK = "pin_check"  # the PIN is being checked
    LISTING = "listing"  # the prompts still to record are being read
    ANNOUNCE = "announce"  # the prompt's text is read, then the beep
    RECORDING = "recording"
    PLAYBACK = "playback"  # the recording plays back, then the review menu
    REVIEW = "review"  # waiting for 1 / 2 / 3 / *
    CHECKING = "checking"  # the recognizer checks the kept recording
    REFUSED = "refused"  # refused: waiting for 2 / 3 / *
    CLOSING = "closing"  # the last prompt plays, then the hotline hangs up
    ENDED = "ended"


class StudioMove(str, Enum):
    START = "start"
    BLOCKED = "blocked"  # this caller failed the PIN too often lately
    DIGIT = "digit"  # a PIN key
    SUBMIT = "submit"  # '#' after the PIN
    PIN_WRONG = "pin_wrong"
    PIN_LOCKED = "pin_locked"  # the last wrong PIN of the call
    NOT_ALLOWED = "not_allowed"  # a right PIN of a user who may not record
    PIN_OK = "pin_ok"
    NOTHING_TO_DO = "nothing_to_do"  # every prompt is recorded
    ANNOUNCE = "announce"  # read the (next or same) prompt
    BEEPED = "beeped"  # the announcement and beep played: record
    STOP = "stop"  # '#', silence after speech, or the time limit: play it back
    NO_SPEECH = "no_speech"  # nothing said: read the prompt again
    REVIEW = "review"  # the playback and menu played
    HEAR_AGAIN = "hear_again"
    KEEP = "keep"
    REFUSED = "refused"
    FINISHED = "finished"  # past the last prompt
    TIMEOUT = "timeout"  # nobody answered the PIN or a menu
    HUNG_UP = "hung_up"
    IGNORED = "ignored"


S, M = StudioState, StudioMove
_GONE = {M.HUNG_UP: S.ENDED}
_NEXT = {M.ANNOUNCE: S.ANNOUNCE, M.FINISHED: S.CLOSING}

#: Every allowed move. Not listed: refused with ``StudioError``.
TRANSITIONS: dict[StudioState, dict[StudioMove, StudioState]] = {
    S.IDLE: {M.START: S.PIN, M.BLOCKED: S.CLOSING, M.IGNORED: S.IDLE, **_GONE},
    S.PIN: {M.DIGIT: S.PIN, M.SUBMIT: S.PIN_CHECK, M.TIMEOUT: S.CLOSING, M.IGNORED: S.PIN, **_GONE},
    S.PIN_CHECK: {M.PIN_WRONG: S.PIN, M.PIN_LOCKED: S.CLOSING, M.NOT_ALLOWED: S.CLOSING, M.PIN_OK: S.LISTING,
                  M.IGNORED: S.PIN_CHECK, **_GONE},
    S.LISTING: {M.NOTHING_TO_DO: S.CLOSING, M.ANNOUNCE: S.ANNOUNCE, M.IGNORED: S.LISTING, **_GONE},
    S.ANNOUNCE: {M.BEEPED: S.RECORDING, **_NEXT, M.IGNORED: S.ANNOUNCE, **_GONE},
    S.RECORDING: {M.STOP: S.PLAYBACK, M.NO_SPEECH: S.ANNOUNCE, M.IGNORED: S.RECORDING, **_GONE},
    S.PLAYBACK: {M.REVIEW: S.REVIEW, M.KEEP: S.CHECKING, M.HEAR_AGAIN: S.PLAYBACK, **_NEXT,
                 M.IGNORED: S.PLAYBACK, **_GONE},
    S.REVIEW: {M.KEEP: S.CHECKING, M.HEAR_AGAIN: S.PLAYBACK, M.TIMEOUT: S.REVIEW, **_NEXT,
               M.IGNORED: S.REVIEW, **_GONE},
    S.CHECKING: {**_NEXT, M.REFUSED: S.REFUSED, M.IGNORED: S.CHECKING, **_GONE},
    S.REFUSED: {M.HEAR_AGAIN: S.PLAYBACK, M.TIMEOUT: S.REFUSED, **_NEXT, M.IGNORED: S.REFUSED, **_GONE},
    S.CLOSING: {M.IGNORED: S.CLOSING, **_GONE},
    S.ENDED: {M.IGNORED: S.ENDED, M.HUNG_UP: S.ENDED},
}


class StudioError(IvrError):
    """A move the studio table does not allow (a bug in the runner, not the caller's doing)."""

    def __init__(self, state: StudioState, move: StudioMove):
        allowed = ", ".join(m.value for m in TRANSITIONS[state])
        super().__init__(f"studio: cannot {move.value} while {state.value} (allowed: {allowed})")
        self.state = state
        self.move = move


# ------------------------------------------------------------------------------------ PIN hash
def hash_pin(pin: str, *, salt: bytes | None = None, iterations: int = PIN_ITERATIONS) -> str:
    """``pbkdf2_sha256$<iterations>$<salt hex>$<hash hex>`` of a phone PIN; ValueError (Vietnamese,
    for staff) unless it is 6 to 12 digits."""
    if not PIN_RE.fullmatch(pin):
        raise ValueError("Mã PIN phải gồm 6 đến 12 chữ số.")
    salt = salt if salt is not None else secrets.token_bytes(16)
    digest = hashlib.pbkdf2_hmac("sha256", pin.encode(), salt, iterations)
    return f"pbkdf2_sha256${iterations}${salt.hex()}${digest.hex()}"


def pin_matches(pin: str, stored: str) -> bool:
    """``pin`` is the PIN ``stored`` (from ``hash_pin``) was made of; False for anything malformed."""
    try:
        scheme, iterations, salt, digest = stored.split("$")
        if scheme != "pbkdf2_sha256" or not PIN_RE.fullmatch(pin):
            return False
        again = hashlib.pbkdf2_hmac("sha256", pin.encode(), bytes.fromhex(salt), int(iterations))
    except ValueError:
        return False
    return hmac.compare_digest(again.hex(), digest)


# -------------------------------------------------------------------------------------- events
@dataclass(frozen=True, kw_only=True)
class Start:
    """The call is answered; ``blocked``: this caller failed the PIN too often lately."""

    blocked: bool = False


@dataclass(frozen=True, kw_only=True)
class Key:
    digit: str


@dataclass(frozen=True, kw_only=True)
class PinChecked:
    """Answer to ``CheckPin``: ``user`` is the staff member the PIN belongs to ('' for none)."""

    user: str = ""
    may_record: bool = False


@dataclass(frozen=True, kw_only=True)
class ToRecord:
    """Answer to ``ListPrompts``: (prompt id, text) of every prompt still to record, in coverage order."""

    prompts: tuple[tuple[str, str], ...]


@dataclass(frozen=True, kw_only=True)
class PlaybackDone:
    """Everything queued has played."""


@dataclass(frozen=True, kw_only=True)
class Voice:
    """While recording: the staff member started (``active``) or stopped speaking."""

    active: bool


@dataclass(frozen=True, kw_only=True)
class Saved:
    """Answer to ``Save``: the recording is stored."""


@dataclass(frozen=True, kw_only=True)
class Refused:
    """Answer to ``Save``: not stored. ``heard``: the recognizer's words when they did not match the
    prompt (None when the audio itself was refused: too short, silent, distorted); ``message``: why."""

    heard: str | None
    message: str


@dataclass(frozen=True, kw_only=True)
class HungUp:
    pass


StudioEvent = Start | Key | PinChecked | ToRecord | PlaybackDone | Voice | Saved | Refused | HungUp


# ------------------------------------------------------------------------------------- actions
@dataclass(frozen=True, kw_only=True)
class Say:
    """Play a ``studio_*`` prompt of the catalog, ``{count}``/``{heard}`` filled from ``values``."""

    prompt_id: str
    values: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, kw_only=True)
class ReadPrompt:
    """Read the text of the prompt to record (as the hotline says it today)."""

    prompt_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class Beep:
    pass


@dataclass(frozen=True, kw_only=True)
class StopPlayback:
    """Drop what plays and everything queued."""


@dataclass(frozen=True, kw_only=True)
class StartRecording:
    pass


@dataclass(frozen=True, kw_only=True)
class StopRecording:
    """Stop recording; ``keep``: keep the audio for playback (else it is discarded)."""

    keep: bool


@dataclass(frozen=True, kw_only=True)
class PlayRecording:
    pass


@dataclass(frozen=True, kw_only=True)
class CheckPin:
    """Find the staff member whose phone PIN this is; answer with ``PinChecked``."""

    pin: str


@dataclass(frozen=True, kw_only=True)
class PinFailed:
    """A wrong PIN (for the log and the per-caller limit); ``attempt`` of this call."""

    attempt: int
    locked: bool


@dataclass(frozen=True, kw_only=True)
class ListPrompts:
    """Which prompts are still synthesized or stale; answer with ``ToRecord``."""


@dataclass(frozen=True, kw_only=True)
class Save:
    """Check and store the recording as ``prompt_id``'s for ``text``; answer with ``Saved`` or ``Refused``."""

    prompt_id: str
    text: str


@dataclass(frozen=True, kw_only=True)
class HangUpAfterPrompts:
    pass


StudioAction = (Say | ReadPrompt | Beep | StopPlayback | StartRecording | StopRecording | PlayRecording
                | CheckPin | PinFailed | ListPrompts | Save | HangUpAfterPrompts)


# ------------------------------------------------------------------------------------- machine
class Studio:
    """One studio call. ``handle(event, now)`` and ``handle_timer(now)`` return the actions to carry out."""

    def __init__(self, *, silence_s: float = 2.0, max_record_s: float = 60.0, no_speech_s: float = 10.0,
                 pin_timeout_s: float = 30.0, menu_timeout_s: float = 15.0):
        self.silence_s = silence_s
        self.max_record_s = max_record_s
        self.no_speech_s = no_speech_s
        self.pin_timeout_s = pin_timeout_s
        self.menu_timeout_s = menu_timeout_s
        self.state = StudioState.IDLE
        self.user = ""  # the staff member, once the PIN is right
        self.prompts: tuple[tuple[str, str], ...] = ()
        self.index = 0  # the prompt being recorded
        self.saved: list[str] = []
        self.skipped: list[str] = []
        self.pin_failures = 0
        self._pin = ""
        self._deadline: float | None = None
        self._record_started = 0.0
        self._speaking = False
        self._heard_voice = False
        self._silent_since: float | None = None
        self._menu_repeats = 0

    def _move(self, move: StudioMove) -> None:
        try:
            self.state = TRANSITIONS[self.state][move]
        except KeyError:
            raise StudioError(self.state, move) from None

    @property
    def current(self) -> tuple[str, str]:
        return self.prompts[self.index]

    # --- timers -----------------------------------------------------------------------------
    def get_timer(self) -> float | None:
        """The earliest deadline, or None when nothing is timed."""
        if self.state is StudioState.RECORDING:
            limit = self._record_started + self.max_record_s
            if not self._heard_voice:
                return min(limit, self._record_started + self.no_speech_s)
            if self._silent_since is not None:
                return min(limit, self._silent_since + self.silence_s)
            return limit
        if self.state in (StudioState.PIN, StudioState.REVIEW, StudioState.REFUSED):
            return self._deadline
        return None

    def handle_timer(self, now: float) -> list[StudioAction]:
        deadline = self.get_timer()
        if deadline is None or now < deadline:
            return []
        if self.state is StudioState.RECORDING:
            if not self._heard_voice:
                return self._no_speech()
            return self._stop_recording()
        if self.state is StudioState.PIN:
            self._move(M.TIMEOUT)
            return [StopPlayback(), Say(prompt_id="studio_goodbye"), HangUpAfterPrompts()]
        # an unanswered menu: again, then goodbye
        self._menu_repeats += 1
        if self._menu_repeats >= MAX_MENU_REPEATS:
            self._move(M.FINISHED)
            return [StopPlayback(), *self._finish()]
        self._move(M.TIMEOUT)
        self._deadline = None  # set again when the menu has played
        menu = "studio_review" if self.state is StudioState.REVIEW else "studio_refused_menu"
        return [Say(prompt_id=menu)]

    # --- events -----------------------------------------------------------------------------
    def handle(self, event: StudioEvent, now: float) -> list[StudioAction]:
        if isinstance(event, Start):
            if event.blocked:
                self._move(M.BLOCKED)
                return [Say(prompt_id="studio_blocked"), HangUpAfterPrompts()]
            self._move(M.START)
            self._deadline = now + self.pin_timeout_s
            return [Say(prompt_id="studio_pin")]
        if isinstance(event, Key):
            return self._key(event.digit, now)
        if isinstance(event, PinChecked):
            return self._pin_checked(event)
        if isinstance(event, ToRecord):
            self.prompts = event.prompts
            self.index = 0
            if not self.prompts:
                self._move(M.NOTHING_TO_DO)
                return [Say(prompt_id="studio_done"), HangUpAfterPrompts()]
            return [Say(prompt_id="studio_welcome", values=(("count", str(len(self.prompts))),)),
                    *self._announce()]
        if isinstance(event, PlaybackDone):
            return self._played(now)
        if isinstance(event, Voice):
            if self.state is not StudioState.RECORDING:
                self._move(M.IGNORED)
                return []
            self._speaking = event.active
            if event.active:
                self._heard_voice = True
                self._silent_since = None
            else:
                self._silent_since = now
            return []
        if isinstance(event, Saved):
            self.saved.append(self.current[0])
            return [Say(prompt_id="studio_saved"), *self._next()]
        if isinstance(event, Refused):
            self._move(M.REFUSED)
            self._menu_repeats = 0
            self._deadline = None
            said: list[StudioAction]
            if event.heard is not None:
                heard = _brief(event.heard)
                said = [Say(prompt_id="studio_refused_words", values=(("heard", heard),))] if heard \
                    else [Say(prompt_id="studio_refused_nothing")]
            else:
                said = [Say(prompt_id="studio_refused_audio")]
            return [*said, Say(prompt_id="studio_refused_menu")]
        if isinstance(event, HungUp):
            state = self.state
            self._move(M.HUNG_UP)
            return [StopRecording(keep=False)] if state is StudioState.RECORDING else []
        raise TypeError(f"not a studio event: {event!r}")

    # --- policy -----------------------------------------------------------------------------
    def _key(self, digit: str, now: float) -> list[StudioAction]:
        state = self.state
        if state is StudioState.PIN:
            if digit == "#":
                pin, self._pin = self._pin, ""
                self._move(M.SUBMIT)
                return [StopPlayback(), CheckPin(pin=pin)]
            if digit.isdigit() and len(self._pin) < 12:
                first = not self._pin
                self._pin += digit
                self._move(M.DIGIT)
                self._deadline = now + self.pin_timeout_s
                return [StopPlayback()] if first else []  # keying in cuts the PIN prompt short
            if digit == "*":  # start the PIN again
                self._pin = ""
                self._move(M.DIGIT)
                return []
        elif state is StudioState.ANNOUNCE and digit == "2":
            self.skipped.append(self.current[0])
            return [StopPlayback(), *self._next()]
        elif state is StudioState.RECORDING and digit == "#":
            if not self._heard_voice:
                return self._no_speech()
            return self._stop_recording()
        elif state in (StudioState.PLAYBACK, StudioState.REVIEW, StudioState.REFUSED):
            if digit == "1" and state is not StudioState.REFUSED:
                self._move(M.KEEP)
                pid, text = self.current
                return [StopPlayback(), Say(prompt_id="studio_checking"), Save(prompt_id=pid, text=text)]
            if digit == "2":
                return [StopPlayback(), *self._announce()]
            if digit == "3":
                self.skipped.append(self.current[0])
                return [StopPlayback(), *self._next()]
            if digit == "*":
                self._move(M.HEAR_AGAIN)
                self._menu_repeats = 0
                return [StopPlayback(), PlayRecording(), Say(prompt_id="studio_review")]
        self._move(M.IGNORED)
        return []

    def _pin_checked(self, result: PinChecked) -> list[StudioAction]:
        if not result.user:
            self.pin_failures += 1
            locked = self.pin_failures >= MAX_PIN_TRIES
            self._move(M.PIN_LOCKED if locked else M.PIN_WRONG)
            failed = PinFailed(attempt=self.pin_failures, locked=locked)
            if locked:
                return [failed, Say(prompt_id="studio_pin_locked"), HangUpAfterPrompts()]
            return [failed, Say(prompt_id="studio_pin_wrong")]
        self.user = result.user
        if not result.may_record:
            self._move(M.NOT_ALLOWED)
            return [Say(prompt_id="studio_not_allowed"), HangUpAfterPrompts()]
        self._move(M.PIN_OK)
        return [ListPrompts()]

    def _played(self, now: float) -> list[StudioAction]:
        if self.state is StudioState.ANNOUNCE:
            self._move(M.BEEPED)
            self._record_started = now
            self._speaking = self._heard_voice = False
            self._silent_since = None
            return [StartRecording()]
        if self.state is StudioState.PLAYBACK:
            self._move(M.REVIEW)
            self._deadline = now + self.menu_timeout_s
            return []
        if self.state in (StudioState.REVIEW, StudioState.REFUSED) and self._deadline is None:
            self._move(M.IGNORED)
            self._deadline = now + self.menu_timeout_s  # the menu has played: wait for a key
            return []
        self._move(M.IGNORED)
        return []

    def _announce(self) -> list[StudioAction]:
        """Read the current prompt, then the instructions and the beep (recording starts when they played)."""
        self._move(M.ANNOUNCE)
        self._menu_repeats = 0
        pid, text = self.current
        return [Say(prompt_id="studio_next"), ReadPrompt(prompt_id=pid, text=text), Say(prompt_id="studio_record"),
                Beep()]

    def _no_speech(self) -> list[StudioAction]:
        self._move(M.NO_SPEECH)
        pid, text = self.current
        return [StopRecording(keep=False), Say(prompt_id="studio_no_speech"), ReadPrompt(prompt_id=pid, text=text),
                Say(prompt_id="studio_record"), Beep()]

    def _stop_recording(self) -> list[StudioAction]:
        self._move(M.STOP)
        self._menu_repeats = 0
        return [StopRecording(keep=True), PlayRecording(), Say(prompt_id="studio_review")]

    def _next(self) -> list[StudioAction]:
        self.index += 1
        if self.index < len(self.prompts):
            return self._announce()
        self._move(M.FINISHED)
        return self._finish()

    def _finish(self) -> list[StudioAction]:
        left = len(self.prompts) - len(self.saved)
        if left <= 0:
            return [Say(prompt_id="studio_done"), HangUpAfterPrompts()]
        return [Say(prompt_id="studio_left", values=(("count", str(left)),)), HangUpAfterPrompts()]


def _brief(heard: str, words: int = 12) -> str:
    """At most ``words`` of what the recognizer heard (read back to the staff member)."""
    parts = heard.split()
    return " ".join(parts[:words]) + (" ..." if len(parts) > words else "")
