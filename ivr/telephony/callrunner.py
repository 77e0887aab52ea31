"""The per-call loop: a phone line on one side, the call-flow engine on the other (no pyVoIP here).

``CallRunner.run(line)`` blocks for the whole call (pyVoIP runs each call in its own
thread). Every 20 ms tick it:

* takes the caller's audio frames (8 kHz unsigned 8-bit from the line), converts them
  to PCM16 (``ivr.audio``), appends them to the call's recording and, while the engine
  listens, passes them through a voice gate; an utterance that ends is decoded on the
  shared ``DecodePool`` (never on this thread) and becomes a ``Speech`` event;
* turns keys into ``Dtmf`` events and fires ``TimerFired`` at ``session.deadline``;
* plays the engine's ``Play`` actions paced in 20 ms frames with at most ``LEAD_FRAMES``
  queued on the line, so a barge-in (speech onset or a key) stops the prompt within
  ``LEAD_FRAMES * 20 ms`` plus one tick;
* persists the call as it goes (``CallStore``): steps, assessment, escalation (persist
  first, then enqueue), outcome (a caller hang-up is ``abandoned``).

After a ``Transfer`` (the engine hands the caller to a doctor) the call is *held*, never
hung up: the runner polls its escalation in the database about once a second, plays a
reassurance every ``reassure_s`` (with the 115 advice for an emergency; * repeats it), and

* the case is a callback (no doctor on duty), or nobody picks within ``hold_limit_s``:
  the caller is told a doctor will call back, the case becomes a callback, the hotline hangs up;
* a doctor picks it for a live call: the caller hears "connecting", the line dials the doctor's
  phone (``Line.dial``); once answered, audio is bridged both ways in 20 ms frames (the caller
  is still recorded) and the case is ``in_call``; either side hanging up ends both legs;
  no answer within ``ring_s``: back to hold and the case goes back to waiting for others;
* the caller hangs up: the case stays in the queue as a callback.
"""
from __future__ import annotations

import logging
import math
import os
import struct
import threading
import time
import wave
from collections import deque
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ivr.engine import actions as A
from ivr import audio
from ivr.engine import events as E

log = logging.getLogger(__name__)

RATE = 8000
FRAME_BYTES_U8 = 160
TICK_S = 0.02
LEAD_FRAMES = 3  # frames queued ahead on the line: 60 ms
BEEP_MS = 300
LAST_WORDS_WAIT_S = 10.0  # how long a hung-up call waits for its last utterance to be decoded
DECODE_GIVE_UP_S = 15.0  # a transcript later than this is never coming (decoder hung): not heard
OVERLOAD_TRANSCRIPT = "[tổng đài quá tải: chưa nhận dạng giọng nói, mời bấm phím]"


class Leg(Protocol):
    """An outbound call to a doctor's phone (``ivr.telephony.phone.DoctorLeg``)."""

    @property
    def state(self) -> str: ...  # "ringing" | "answered" | "ended"
    def read_frame(self) -> bytes | None: ...
    def write_frame(self, frame_u8: bytes) -> None: ...
    def queued_frames(self) -> int: ...
    def hangup(self) -> None: ...  # CANCEL while ringing, BYE once answered


class Line(Protocol):
    sip_call_id: str
    caller: str

    def read_frame(self) -> bytes | None: ...
    def write_frame(self, frame_u8: bytes) -> None: ...
    def queued_frames(self) -> int: ...
    def clear_output(self) -> None: ...
    def get_digit(self) -> str: ...
    @property
    def active(self) -> bool: ...
    def hangup(self) -> None: ...


class Engine(Protocol):
    deadline: float | None
    done: bool
    outcome: str | None
    steps: list[Any]
    slots: dict[str, Any]
    listening: A.Listen | None

    def handle(self, event: E.Event, now: float) -> list[A.Action]: ...


class PromptAudio(Protocol):
    def pcm(self, prompt_id: str, text: str) -> bytes: ...


#: decode one utterance (PCM16 at 8 kHz) for the current Listen -> (text, confidence)
Transcribe = Callable[[bytes, int, "A.Listen | None"], "tuple[str, float]"]


class DecodePool:
    """Speech decoding off the call threads, shared by every call of a worker.

    ``saturated`` is true when more utterances wait than there are decoder threads times
    ``backlog``: the call loop then asks the engine for keys-only menus (overload).
    """

    def __init__(self, transcribe: Transcribe, *, threads: int = 2, backlog: int = 2,
                 executor: Executor | None = None):
        """``executor``: where ``transcribe`` runs (default: ``threads`` threads of this process;
        the worker passes a process pool so that decoding never holds this process's GIL
        while RTP is being paced)."""
        self.transcribe = transcribe
        self.threads = threads
        self.backlog = backlog
        self._pool = executor or ThreadPoolExecutor(max_workers=threads, thread_name_prefix="decode")
        self._pending = 0
        self._lock = threading.Lock()

    def open(self, listen: A.Listen | None) -> BufferedUtterance:
        """An utterance fed as it is spoken, decoded whole once finished."""
        return BufferedUtterance(self, listen)

    def submit(self, pcm16: bytes, listen: A.Listen | None) -> Future[tuple[str, float]]:
        with self._lock:
            self._pending += 1
        fut = self._pool.submit(self.transcribe, pcm16, RATE, listen)
        started = time.monotonic()
        audio_s = len(pcm16) / (2 * RATE)
        fut.add_done_callback(lambda f: self._done(f, started, audio_s))
        return fut

    def _done(self, _fut: Future[tuple[str, float]], started: float, audio_s: float) -> None:
        with self._lock:
            self._pending -= 1
        log.info("decode_ms=%.0f audio_ms=%.0f", (time.monotonic() - started) * 1000, audio_s * 1000)

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def saturated(self) -> bool:
        return self._pending > self.threads * self.backlog

    def shutdown(self) -> None:
        self._pool.shutdown(wait=not isinstance(self._pool, ThreadPoolExecutor), cancel_futures=True)


class BufferedUtterance:
    """``DecodePool``'s utterance: the audio is kept and decoded in one piece at ``finish``."""

    def __init__(self, pool: DecodePool, listen: A.Listen | None):
        self._pool = pool
        self._listen = listen
        self._audio = bytearray()

    def feed(self, pcm16: bytes) -> None:
        self._audio += pcm16

    def finish(self) -> Future[tuple[str, float]]:
        return self._pool.submit(bytes(self._audio), self._listen)

    def cancel(self) -> None:
        self._audio.clear()


class Utterance(Protocol):
    """An utterance on its way to the decoder (``BufferedUtterance``, ``ivr.speech.streampool.Utterance``)."""

    def feed(self, pcm16: bytes) -> None: ...
    def finish(self) -> Future[tuple[str, float]]: ...
    def cancel(self) -> None: ...


class Decoding(Protocol):
    """Where utterances are decoded: ``DecodePool`` (threads, whole utterances) or
    ``ivr.speech.streampool.StreamPool`` (child processes, decoded while spoken)."""

    threads: int

    def open(self, listen: A.Listen | None) -> Utterance: ...
    @property
    def saturated(self) -> bool: ...
    @property
    def pending(self) -> int: ...
    def shutdown(self) -> None: ...


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
    def finish(self, call_id: int, *, outcome: str, slots: dict[str, Any]) -> None: ...


#: prompts of the hold and the bridge (prompts/vi.yaml)
HOLD_PROMPTS = ("hold_reassure", "hold_115", "hold_callback", "bridge_connecting", "bridge_no_answer",
                "bridge_ended")
HOLD_POLL_S = 1.0
CALLBACK_STATUSES = ("callback_scheduled", "resolved", "expired", "cancelled")


@dataclass
class BridgeStats:
    """One call's bridge, for logs and tests: 20 ms frames moved each way."""

    dialled: str = ""
    answered: bool = False
    to_doctor: int = 0
    to_caller: int = 0
    ended_by: str = ""  # caller | doctor | limit


@dataclass
class TurnStats:
    """Measured on this worker: end of caller speech -> first frame of the reply, in ms."""

    latencies_ms: list[float] = field(default_factory=list)
    barge_in_ms: list[float] = field(default_factory=list)


def beep_pcm16(ms: int = BEEP_MS, freq: float = 1000.0) -> bytes:
    n = RATE * ms // 1000
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / RATE))) for i in range(n))


class CallRunner:
    """Runs one call to the end. Construct one per call; ``run`` blocks."""

    def __init__(self, *, engine: Engine, prompts: PromptAudio, decoder: Decoding, store: CallSink,
                 recordings_dir: Path, worker: str = "", flow_name: str = "", flow_version_id: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 stats: TurnStats | None = None, max_call_s: float = 3600.0, hold_limit_s: float = 90.0,
                 reassure_s: float = 20.0, ring_s: float = 30.0):
        self.engine = engine
        self.prompts = prompts
        self.decoder = decoder
        self.store = store
        self.recordings_dir = Path(recordings_dir)
        self.worker = worker
        self.flow_name = flow_name
        self.flow_version_id = flow_version_id
        self.clock = clock
        self.sleep = sleep
        self.stats = stats if stats is not None else TurnStats()
        self.max_call_s = max_call_s
        self.call_id = 0
        self._play: deque[bytes] = deque()
        self._playing: A.Play | None = None
        self._plays: deque[tuple[A.Play, int]] = deque()  # (play, frames) queued, for barge-in
        self._gate = self._new_gate()
        # (turn submitted in, result, when submitted)
        self._decoding: list[tuple[int, Future[tuple[str, float]], float]] = []
        self._turn = 0  # bumped by every event that moves the dialogue on: late transcripts are dropped
        self.stale = 0
        self._speech_end: float | None = None  # when the last utterance ended (turn latency)
        self._hangup_after_playback = False
        self._record_max_s: float | None = None  # a Record waiting for the beep to finish
        self._recording: bytearray | None = None
        self._record_started = 0.0
        self._record_count = 0
        self._escalated = False
        self._barge_at: float | None = None
        self._apply_later: list[E.Event] = []
        self._line_gone = False
        self.overloaded = 0  # utterances not decoded because the decode pool was saturated
        # hold and bridge (after a Transfer)
        self.hold_limit_s = hold_limit_s
        self.reassure_s = reassure_s
        self.ring_s = ring_s
        self.escalation_id: int | None = None
        self._escalation_risk = ""
        self._holding = False
        self._hold_started = 0.0
        self._hold_phase = ""  # hold | dialling | bridged | closing
        self._next_poll = 0.0
        self._next_reassure = 0.0
        self._leg: Leg | None = None
        self._leg_started = 0.0
        self._leg_staff: int | None = None
        self.bridge = BridgeStats()
        self.hold_prompts: list[str] = []  # prompt ids played while holding, in order

    # ------------------------------------------------------------------ loop
    def run(self, line: Line) -> str:
        """Run the call; returns the stored outcome."""
        self.recordings_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
        self.call_id = self.store.start_call(sip_call_id=line.sip_call_id, caller=line.caller,
                                             worker=self.worker, flow_name=self.flow_name,
                                             flow_version_id=self.flow_version_id)
        rec_path = self.recordings_dir / f"{self.call_id}.wav"
        self.store.set_recording(self.call_id, str(rec_path))
        outcome = "failed"
        # a caller's voice: readable by the hotline's user alone, whatever the process umask
        with os.fdopen(os.open(rec_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600), "wb") as raw, \
                wave.open(raw, "wb") as rec:
            rec.setnchannels(1)
            rec.setsampwidth(2)
            rec.setframerate(RATE)
            try:
                outcome = self._loop(line, rec)
            except Exception:
                log.exception("call %s failed", self.call_id)
                outcome = "escalated" if self._escalated else "failed"
                raise
            finally:
                self.store.sync_steps(self.call_id, self.engine.steps)
                self.store.finish(self.call_id, outcome=outcome, slots=dict(self.engine.slots))
        return outcome

    def _loop(self, line: Line, rec: wave.Wave_write) -> str:
        started = self.clock()
        status, risks = self.store.caller_profile(line.caller)
        self._apply(line, self.engine.handle(
            E.CallStarted(call_id=str(self.call_id), caller=line.caller, patient_status=status,
                          risk_factors=risks), started))
        next_tick = started
        while True:
            now = self.clock()
            if not line.active:
                self._hear_last_words(line)
                self.engine.handle(E.Hangup(), self.clock())
                self._caller_left()
                return self._outcome(caller_hung_up=True)
            if now - started > self.max_call_s:
                log.warning("call %s reached the %.0f s limit", self.call_id, self.max_call_s)
                if self._leg is not None:
                    self.bridge.ended_by = self.bridge.ended_by or "limit"
                    self._end_leg()
                return self._finish_call(line, "escalated" if self._escalated else "failed")
            self._take_audio(line, rec, now)
            self._take_digits(line, now)
            self._take_transcripts(line, now)
            self._pump(line, now)
            if self._hangup_after_playback and not self._play and line.queued_frames() == 0:
                self.sleep(2 * TICK_S)  # let the transmitter send the last frames
                return self._finish_call(line, self._outcome(caller_hung_up=False))
            if self._holding and not self._hangup_after_playback:
                if self._hold_tick(line, now) == "ended":
                    return self._finish_call(line, self._outcome(caller_hung_up=False))
            elif self.engine.done and not self._play and not self._decoding and line.queued_frames() == 0 \
                    and self._recording is None:
                return self._finish_call(line, self._outcome(caller_hung_up=False))
            deadline = self.engine.deadline
            if deadline is not None and now >= deadline and not self._busy_hearing():
                self._turn += 1
                self._apply(line, self.engine.handle(E.TimerFired(), now))
            self.store.sync_steps(self.call_id, self.engine.steps)
            next_tick += TICK_S
            delay = next_tick - self.clock()
            if delay > 0:
                self.sleep(delay)
            elif delay < -0.2:
                next_tick = self.clock()  # fell behind (overload): do not spin to catch up

    def _hear_last_words(self, line: Line) -> None:
        """The caller hung up: what they said last still counts (a caller who says "khó thở" and
        hangs up must reach a doctor). Close the open utterance, wait for its decoding (bounded)
        and give the engine the transcripts before the hang-up, so that it can escalate."""
        self._line_gone = True
        if self._gate.in_utterance and self._hearing():
            for ev in self._gate.flush():
                self._gate_event(ev, None, self.clock())
        self._drop_utterance()
        deadline = time.monotonic() + LAST_WORDS_WAIT_S
        while self._decoding and time.monotonic() < deadline:
            wait([self._decoding[0][1]], timeout=max(0.0, deadline - time.monotonic()))
            self._take_transcripts(line, self.clock())
        if self._decoding:
            log.error("call %s: %d utterances still decoding after the hang-up: not heard",
                      self.call_id, len(self._decoding))

    def _finish_call(self, line: Line, outcome: str) -> str:
        line.hangup()
        return outcome

    def _outcome(self, *, caller_hung_up: bool) -> str:
        engine_outcome = self.engine.outcome
        if self._escalated and engine_outcome in (None, "hung_up", "escalated"):
            return "escalated"
        if caller_hung_up and engine_outcome in (None, "hung_up"):
            return "abandoned"
        return {"hung_up": "abandoned", None: "completed"}.get(engine_outcome, engine_outcome or "completed")

    def _busy_hearing(self) -> bool:
        """The caller is mid-utterance or being decoded, or recording: no no-input timer now."""
        return self._gate.in_utterance or bool(self._decoding) or self._recording is not None \
            or self._record_max_s is not None

    # ------------------------------------------------------------------ input
    def _new_gate(self) -> audio.VoiceGate:
        return audio.VoiceGate(RATE, start_ms=60, end_silence_ms=500, hangover_ms=300, pre_roll_ms=300,
                               max_utterance_ms=15000)

    def _hearing(self) -> bool:
        if self._playing is not None or self._play:
            return bool(self._playing and self._playing.barge_in)
        listen = self.engine.listening
        return listen is not None and not listen.dtmf_only and not self.engine.done

    def _take_audio(self, line: Line, rec: wave.Wave_write, now: float) -> None:
        while (frame := line.read_frame()) is not None:
            pcm = audio.u8_to_pcm16(frame)
            rec.writeframesraw(pcm)
            if self._hold_phase == "bridged" and self._leg is not None:
                self._leg.write_frame(frame)
                self.bridge.to_doctor += 1
                continue
            if self._recording is not None:
                self._recording += pcm
                continue
            if not self._hearing():
                if self._gate.in_utterance:
                    self._gate = self._new_gate()
                    self._drop_utterance()
                continue
            for ev in self._gate.feed(pcm):
                self._gate_event(ev, line, now)
        if self._recording is not None:
            self._check_recording(line, now)

    _utterance: Utterance | None = None  # being decoded while spoken; None when overloaded
    _utterance_bytes = 0

    def _gate_event(self, ev: audio.GateEvent, line: Line | None, now: float) -> None:
        if ev.started:
            if line is not None and self._interruptible():
                self._barge_in(line, now, "speech")
            self._drop_utterance()
            # Overload: keys only. The engine will hear "not understood" and offer the keys (after
            # repeated failures it hands the caller to a human) instead of everyone waiting on ASR.
            self._utterance = None if self.decoder.saturated else self.decoder.open(self.engine.listening)
            self._utterance_bytes = 0
        if ev.audio:
            self._utterance_bytes += len(ev.audio)
            if self._utterance is not None:
                self._utterance.feed(ev.audio)
        if ev.ended:
            self._end_utterance(now)

    def _drop_utterance(self) -> None:
        if self._utterance is not None:
            self._utterance.cancel()
            self._utterance = None

    def _end_utterance(self, now: float) -> None:
        if self._utterance_bytes < RATE * 2 * 0.2:  # under 200 ms: a click, not speech
            self._drop_utterance()
            return
        self._speech_end = now - 0.5 + TICK_S  # the gate waited 500 ms of silence
        utterance, self._utterance = self._utterance, None
        if utterance is None:
            log.warning("call %s: decoders saturated (%d waiting): keys only", self.call_id,
                        self.decoder.pending)
            self.overloaded += 1
            self._apply_later.append(E.Speech(text=OVERLOAD_TRANSCRIPT, confidence=0.0))
            return
        self._decoding.append((self._turn, utterance.finish(), time.monotonic()))

    def _take_transcripts(self, line: Line, now: float) -> None:
        while self._apply_later:
            self._turn += 1
            self._apply(line, self.engine.handle(self._apply_later.pop(0), now))
        while self._decoding and not self._decoding[0][1].done() \
                and self._decoding[0][2] + DECODE_GIVE_UP_S < time.monotonic():
            log.error("call %s: no transcript after %.0f s: not heard", self.call_id, DECODE_GIVE_UP_S)
            self._decoding.pop(0)[1].cancel()
        while self._decoding and self._decoding[0][1].done():
            turn, fut, _ = self._decoding.pop(0)
            try:
                text, confidence = fut.result()
            except Exception as exc:  # noqa: BLE001 - a decoder failure must not drop the caller: not heard
                log.error("call %s: decoding failed: %s", self.call_id, exc)
                text, confidence = "", 0.0
            if not text.strip():
                continue
            if turn != self._turn:
                # the caller pressed a key (or a timer fired) while this was decoded: the answer
                # belongs to a question that is no longer asked
                log.info("call %s: late transcript dropped: %r", self.call_id, text)
                self.stale += 1
                continue
            event = E.Speech(text=text.strip(), confidence=max(0.0, min(1.0, confidence)))
            self._turn += 1
            self._apply(line, self.engine.handle(event, self.clock()))

    def _take_digits(self, line: Line, now: float) -> None:
        while digit := line.get_digit():
            if digit not in E.DTMF_KEYS:
                continue
            if self._holding:
                self._hold_key(line, digit, now)
                continue
            if self._recording is not None and digit == "#":
                self._end_recording(line, now)
                continue
            if self._interruptible():
                self._barge_in(line, now, "key")
            self._speech_end = now
            self._turn += 1
            self._apply(line, self.engine.handle(E.Dtmf(digit=digit), now))

    def _interruptible(self) -> bool:
        """A question's prompt with barge-in is playing (statements play on; the engine decides)."""
        return self._playing is not None and self._playing.barge_in and self.engine.listening is not None

    def _barge_in(self, line: Line, now: float, why: str) -> None:
        """Stop the prompt at once; the engine's StopPlayback follows the event we forward."""
        log.debug("call %s: barge-in by %s", self.call_id, why)
        self._play.clear()
        self._plays.clear()
        self._playing = None
        line.clear_output()
        self._barge_at = now

    # ------------------------------------------------------------------ recording (Record action)
    def _check_recording(self, line: Line, now: float) -> None:
        assert self._recording is not None and self._record_max_s is not None
        if now - self._record_started >= self._record_max_s:
            self._end_recording(line, now)

    def _end_recording(self, line: Line, now: float) -> None:
        if self._recording is None:
            return
        pcm, self._recording = bytes(self._recording), None
        self._record_max_s = None
        self._record_count += 1
        path = self.recordings_dir / f"{self.call_id}-message-{self._record_count}.wav"
        audio.write_wav(path, pcm, RATE)
        self._apply(line, self.engine.handle(
            E.RecordingDone(path=str(path), duration_s=len(pcm) / (2 * RATE)), now))

    # ------------------------------------------------------------------ output
    def _pump(self, line: Line, now: float) -> None:
        while self._play and line.queued_frames() < LEAD_FRAMES:
            if self._speech_end is not None:
                latency_ms = (now - self._speech_end) * 1000.0
                self.stats.latencies_ms.append(latency_ms)
                log.info("call %s turn_latency_ms=%.0f", self.call_id, latency_ms)
                self._speech_end = None
            line.write_frame(self._play.popleft())
            if self._plays:
                play, left = self._plays[0]
                self._playing = play
                if left <= 1:
                    self._plays.popleft()
                else:
                    self._plays[0] = (play, left - 1)
        if self._playing is not None and not self._play and line.queued_frames() == 0:
            self._playing = None
            if self._record_max_s is not None:
                self._recording = bytearray()
                self._record_started = now
                return
            if not self._hangup_after_playback:
                self._apply(line, self.engine.handle(E.PlaybackDone(), now))

    def _queue_pcm(self, play: A.Play, pcm16: bytes) -> None:
        u8 = audio.pcm16_to_u8(pcm16)
        frames = [u8[i:i + FRAME_BYTES_U8] for i in range(0, len(u8), FRAME_BYTES_U8)]
        if frames and len(frames[-1]) < FRAME_BYTES_U8:
            frames[-1] = frames[-1] + b"\x80" * (FRAME_BYTES_U8 - len(frames[-1]))
        if not frames:
            frames = [b"\x80" * FRAME_BYTES_U8]
        self._play.extend(frames)
        self._plays.append((play, len(frames)))
        if self._playing is None:
            self._playing = play

    # ------------------------------------------------------------------ actions
    def _apply(self, line: Line, actions: list[A.Action]) -> None:
        for action in actions:
            if isinstance(action, A.Play):
                if self._line_gone:
                    continue  # nobody to play it to
                self._queue_pcm(action, self.prompts.pcm(action.prompt_id, action.text))
            elif isinstance(action, A.StopPlayback):
                self._play.clear()
                self._plays.clear()
                self._playing = None
                line.clear_output()
            elif isinstance(action, A.Listen):
                self._gate = self._new_gate()
                self._drop_utterance()
            elif isinstance(action, A.Record):
                self._record_max_s = action.max_s
                self._queue_pcm(A.Play(prompt_id="beep", text="", barge_in=False), beep_pcm16())
            elif isinstance(action, A.Escalate):
                self._escalate(action)
            elif isinstance(action, A.Transfer):
                # The caller is handed to a doctor: a live escalation (if the flow did not escalate
                # already), and the call is held until a doctor is bridged or a callback is promised.
                if not self._escalated:
                    self._escalate(A.Escalate(risk=self._risk(), reason="transfer", mode="live"))
                self._start_hold()
            elif isinstance(action, A.Hangup):
                self._hangup_after_playback = True
        self.store.sync_steps(self.call_id, self.engine.steps)

    def _risk(self) -> str:
        assessment = getattr(self.engine, "assessment", None)
        return getattr(assessment, "risk", None) or "high"

    def _escalate(self, action: A.Escalate) -> None:
        """Persist first (steps, assessment), then hand to the escalation queue."""
        self.store.sync_steps(self.call_id, self.engine.steps)
        assessment_id = self.store.save_assessment(self.call_id, self.engine)
        self.escalation_id = self.store.escalate(self.call_id, action, self.engine, assessment_id)
        self._escalation_risk = action.risk
        self._escalated = True

    # ------------------------------------------------------------------ hold and bridge
    def _prompt(self, line: Line, prompt_id: str, *, clear: bool = False) -> None:
        """Play one of the hold prompts (catalog text, admin edits included)."""
        if self._line_gone:
            return
        if clear:
            self._play.clear()
            self._plays.clear()
            self._playing = None
            line.clear_output()
        catalog = getattr(self.engine, "catalog", None)
        text = catalog.text(prompt_id) if catalog is not None else ""
        self.hold_prompts.append(prompt_id)
        log.info("call %s: hold prompt %s", self.call_id, prompt_id)
        self._queue_pcm(A.Play(prompt_id=prompt_id, text=text, barge_in=False), self.prompts.pcm(prompt_id, text))

    def _start_hold(self) -> None:
        if self._holding:
            return
        now = self.clock()
        self._holding = True
        self._hold_phase = "hold"
        self._hold_started = now
        self._next_poll = now  # at once: a callback case is told so without waiting
        self._next_reassure = now + self.reassure_s
        log.info("call %s holding for escalation %s", self.call_id, self.escalation_id)

    def _quiet(self, line: Line) -> bool:
        return not self._play and line.queued_frames() == 0

    def _reassure(self, line: Line, now: float) -> None:
        self._prompt(line, "hold_reassure")
        if self._escalation_risk == "emergency":
            self._prompt(line, "hold_115")
        self._next_reassure = now + self.reassure_s

    def _hold_key(self, line: Line, digit: str, now: float) -> None:
        if digit == "*" and self._hold_phase == "hold":
            self._prompt(line, "hold_reassure", clear=True)
            if self._escalation_risk == "emergency":
                self._prompt(line, "hold_115")
            self._next_reassure = now + self.reassure_s

    def _callback(self, line: Line, why: str) -> str:
        """Tell the caller a doctor will call back, make the case a callback, hang up after the prompt."""
        log.info("call %s: escalation %s becomes a callback (%s)", self.call_id, self.escalation_id, why)
        if self.escalation_id is not None:
            self.store.hold_expired(self.escalation_id)
        self._hold_phase = "closing"
        self._prompt(line, "hold_callback", clear=True)
        self._hangup_after_playback = True
        return "closing"

    def _hold_tick(self, line: Line, now: float) -> str:
        """One tick of a held call; returns the hold phase, or "ended" when the call is over."""
        if self._hold_phase == "bridged":
            return self._bridge_tick(line, now)
        if self._hold_phase == "dialling":
            return self._dial_tick(line, now)
        if self.escalation_id is None:  # cannot happen: a Transfer always escalates first
            return self._callback(line, "no escalation")
        if now >= self._next_poll:
            self._next_poll = now + HOLD_POLL_S
            try:
                case = self.store.hold_case(self.escalation_id)
            except Exception as exc:  # noqa: BLE001 - the database is down: keep holding, retry next second
                log.error("call %s: escalation %s not readable: %s", self.call_id, self.escalation_id, exc)
                case = None
            if case is not None:
                self._escalation_risk = case.risk or self._escalation_risk
                if case.mode == "callback" or case.status in CALLBACK_STATUSES:
                    return self._callback(line, f"case {case.status}/{case.mode}")
                if case.status == "picked" and case.staff_phone:
                    return self._dial(line, case, now)
                if case.status in ("in_call", "picked"):
                    # picked live without a phone to ring, or in a call elsewhere: the doctor calls back
                    return self._callback(line, f"case {case.status} without a phone to bridge")
        if now - self._hold_started >= self.hold_limit_s:
            return self._callback(line, f"nobody picked within {self.hold_limit_s:.0f} s")
        if now >= self._next_reassure and self._quiet(line):
            self._reassure(line, now)
        return self._hold_phase

    def _dial(self, line: Line, case: Any, now: float) -> str:
        assert self.escalation_id is not None
        self._prompt(line, "bridge_connecting", clear=True)
        self.bridge.dialled = case.staff_phone
        dial = getattr(line, "dial", None)
        leg: Leg | None = None
        if dial is not None:
            try:
                leg = dial(case.staff_phone)
            except Exception as exc:  # noqa: BLE001 - a failed dial must never drop the caller
                log.error("call %s: dialling %s failed: %s", self.call_id, case.staff_phone, exc)
        if leg is None:
            self.store.bridge_failed(self.escalation_id, f"không gọi được số {case.staff_phone}")
            self._prompt(line, "bridge_no_answer")
            self._next_reassure = now + self.reassure_s
            return self._hold_phase
        log.info("call %s: dialling doctor %s for escalation %s", self.call_id, case.staff_phone,
                 self.escalation_id)
        self._leg = leg
        self._leg_started = now
        self._leg_staff = case.staff_id
        self._hold_phase = "dialling"
        return self._hold_phase

    def _dial_tick(self, line: Line, now: float) -> str:
        assert self._leg is not None and self.escalation_id is not None
        state = self._leg.state
        if state == "answered":
            log.info("call %s: doctor %s answered: bridging", self.call_id, self.bridge.dialled)
            self.bridge.answered = True
            self._hold_phase = "bridged"
            self._play.clear()
            self._plays.clear()
            self._playing = None
            line.clear_output()
            try:
                self.store.bridge_started(self.escalation_id, self._leg_staff)
            except Exception as exc:  # noqa: BLE001 - the call goes on; the doctor sees the case picked
                log.error("call %s: escalation %s not marked in_call: %s", self.call_id, self.escalation_id, exc)
            return self._hold_phase
        if state == "ended" or now - self._leg_started >= self.ring_s:
            why = "không nghe máy" if state != "ended" else "máy bận hoặc không liên lạc được"
            refused = str(getattr(self._leg, "failure", "") or "").split(":")[0].strip()
            if refused:  # the SIP answer, for whoever checks the doctor's phone or the trunk
                why += f" ({refused})"
            log.info("call %s: doctor %s did not answer (%s): back to hold", self.call_id, self.bridge.dialled,
                     state)
            self._end_leg()
            self.store.bridge_failed(self.escalation_id, why)
            self._hold_phase = "hold"
            self._prompt(line, "bridge_no_answer", clear=True)
            self._next_reassure = now + self.reassure_s
            self._next_poll = now + HOLD_POLL_S
        return self._hold_phase

    def _bridge_tick(self, line: Line, now: float) -> str:
        assert self._leg is not None
        if self._leg.state != "answered":
            log.info("call %s: the doctor hung up: ending the call", self.call_id)
            self.bridge.ended_by = "doctor"
            self._end_leg()
            self._hold_phase = "closing"
            self._prompt(line, "bridge_ended")
            self._hangup_after_playback = True
            return self._hold_phase
        while (frame := self._leg.read_frame()) is not None:
            if line.queued_frames() < 2 * LEAD_FRAMES:  # never let the doctor's voice lag behind
                line.write_frame(frame)
            self.bridge.to_caller += 1
        return self._hold_phase

    def _end_leg(self) -> None:
        leg, self._leg = self._leg, None
        if leg is None:
            return
        try:
            leg.hangup()
        except Exception as exc:  # noqa: BLE001
            log.warning("call %s: ending the doctor's leg failed: %s", self.call_id, exc)
        if self.bridge.answered:
            log.info("call %s bridge ended by %s: to_doctor_frames=%d to_caller_frames=%d", self.call_id,
                     self.bridge.ended_by, self.bridge.to_doctor, self.bridge.to_caller)

    def _caller_left(self) -> None:
        """The caller hung up: end the doctor's leg; an unbridged case stays as a callback."""
        if not self._holding:
            return
        if self._leg is not None:
            self.bridge.ended_by = "caller"
            self._end_leg()
        if self.escalation_id is not None and not self.bridge.answered:
            try:
                self.store.caller_left(self.escalation_id)
            except Exception as exc:  # noqa: BLE001 - the case is persisted and stays open regardless
                log.error("call %s: escalation %s not moved to callback: %s", self.call_id, self.escalation_id,
                          exc)
