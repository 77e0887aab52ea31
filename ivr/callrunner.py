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
"""
from __future__ import annotations

import logging
import math
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

from . import actions as A
from . import audio
from . import events as E

log = logging.getLogger(__name__)

RATE = 8000
FRAME_BYTES_U8 = 160
TICK_S = 0.02
LEAD_FRAMES = 3  # frames queued ahead on the line: 60 ms
BEEP_MS = 300
LAST_WORDS_WAIT_S = 10.0  # how long a hung-up call waits for its last utterance to be decoded
OVERLOAD_TRANSCRIPT = "[tổng đài quá tải: chưa nhận dạng giọng nói, mời bấm phím]"


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


class CallSink(Protocol):
    """Where the call is persisted (``ivr.callstore.CallStore``)."""

    def start_call(self, *, sip_call_id: str, caller: str, worker: str, flow_name: str,
                   flow_version_id: int | None = None) -> int: ...
    def caller_profile(self, caller: str) -> tuple[str, tuple[str, ...]]: ...
    def set_recording(self, call_id: int, path: str) -> None: ...
    def sync_steps(self, call_id: int, steps: Sequence[Any]) -> None: ...
    def save_assessment(self, call_id: int, engine: Any) -> int | None: ...
    def escalate(self, call_id: int, action: A.Escalate, engine: Any, assessment_id: int | None) -> None: ...
    def finish(self, call_id: int, *, outcome: str, slots: dict[str, Any]) -> None: ...


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

    def __init__(self, *, engine: Engine, prompts: PromptAudio, decoder: DecodePool, store: CallSink,
                 recordings_dir: Path, worker: str = "", flow_name: str = "", flow_version_id: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 stats: TurnStats | None = None, max_call_s: float = 3600.0):
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
        self._decoding: list[tuple[int, Future[tuple[str, float]]]] = []  # (turn submitted in, result)
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

    # ------------------------------------------------------------------ loop
    def run(self, line: Line) -> str:
        """Run the call; returns the stored outcome."""
        self.recordings_dir.mkdir(parents=True, exist_ok=True)
        self.call_id = self.store.start_call(sip_call_id=line.sip_call_id, caller=line.caller,
                                             worker=self.worker, flow_name=self.flow_name,
                                             flow_version_id=self.flow_version_id)
        rec_path = self.recordings_dir / f"{self.call_id}.wav"
        self.store.set_recording(self.call_id, str(rec_path))
        outcome = "failed"
        with wave.open(str(rec_path), "wb") as rec:
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
                return self._outcome(caller_hung_up=True)
            if now - started > self.max_call_s:
                log.warning("call %s reached the %.0f s limit", self.call_id, self.max_call_s)
                return self._finish_call(line, "escalated" if self._escalated else "failed")
            self._take_audio(line, rec, now)
            self._take_digits(line, now)
            self._take_transcripts(line, now)
            self._pump(line, now)
            if self._hangup_after_playback and not self._play and line.queued_frames() == 0:
                self.sleep(2 * TICK_S)  # let the transmitter send the last frames
                return self._finish_call(line, self._outcome(caller_hung_up=False))
            if self.engine.done and not self._play and not self._decoding and line.queued_frames() == 0 \
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
                if ev.audio:
                    self._utterance += ev.audio
                if ev.ended:
                    self._end_utterance(self.clock())
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
        return audio.VoiceGate(RATE, start_ms=60, end_silence_ms=500, hangover_ms=300, pre_roll_ms=200,
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
            if self._recording is not None:
                self._recording += pcm
                continue
            if not self._hearing():
                if self._gate.in_utterance:
                    self._gate = self._new_gate()
                continue
            for ev in self._gate.feed(pcm):
                if ev.started and self._interruptible():
                    self._barge_in(line, now, "speech")
                if ev.audio:
                    self._utterance += ev.audio
                if ev.ended:
                    self._end_utterance(now)
        if self._recording is not None:
            self._check_recording(line, now)

    _utterance = b""

    def _end_utterance(self, now: float) -> None:
        pcm, self._utterance = self._utterance, b""
        if len(pcm) < RATE * 2 * 0.2:  # under 200 ms: a click, not speech
            return
        self._speech_end = now - 0.5 + TICK_S  # the gate waited 500 ms of silence
        if self.decoder.saturated:
            # Overload: keys only. The engine hears "not understood" and offers the keys (after
            # repeated failures it hands the caller to a human) instead of everyone waiting on ASR.
            log.warning("call %s: decode pool saturated (%d waiting): keys only", self.call_id,
                        self.decoder.pending)
            self.overloaded += 1
            self._apply_later.append(E.Speech(text=OVERLOAD_TRANSCRIPT, confidence=0.0))
            return
        self._decoding.append((self._turn, self.decoder.submit(pcm, self.engine.listening)))

    def _take_transcripts(self, line: Line, now: float) -> None:
        while self._apply_later:
            self._turn += 1
            self._apply(line, self.engine.handle(self._apply_later.pop(0), now))
        while self._decoding and self._decoding[0][1].done():
            turn, fut = self._decoding.pop(0)
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
                self._utterance = b""
            elif isinstance(action, A.Record):
                self._record_max_s = action.max_s
                self._queue_pcm(A.Play(prompt_id="beep", text="", barge_in=False), beep_pcm16())
            elif isinstance(action, A.Escalate):
                self._escalate(action)
            elif isinstance(action, A.Transfer):
                # Live bridging of a doctor's leg comes with issue 5; for now the hand-off is a live
                # escalation (the duty doctor calls back at once) while the engine plays the hold prompt.
                if not self._escalated:
                    self._escalate(A.Escalate(risk=self._risk(), reason="transfer", mode="live"))
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
        self.store.escalate(self.call_id, action, self.engine, assessment_id)
        self._escalated = True
