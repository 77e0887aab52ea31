"""The per-call loop: a phone line on one side, the call-flow engine on the other (no pyVoIP here).

``CallRunner.run(line)`` blocks for the whole call (pyVoIP runs each call in its own
thread). Every 20 ms tick it:

* takes the caller's audio frames (20 ms of 8 kHz PCM16 from the line: the pyVoIP adapter
  converts its 8-bit samples), appends them to the call's recording and, while the engine
  listens, passes them through a voice gate; an utterance that ends is decoded on the
  shared ``DecodePool`` (never on this thread) and becomes a ``Speech`` event;
* turns keys into ``Dtmf`` events and fires ``TimerFired`` at ``session.deadline``;
* plays the engine's ``Play`` actions paced in 20 ms frames with at most ``LEAD_FRAMES``
  queued on the line, so a barge-in (speech onset or a key) stops the prompt within
  ``LEAD_FRAMES * 20 ms`` plus one tick;
* persists the call as it goes (``CallStore``): steps, assessment, escalation (persist
  first, then enqueue), outcome (a caller hang-up is ``abandoned``).

After a ``Transfer`` (the engine hands the caller to a doctor) the call is *held*, never
hung up: the hold / dial / bridge policy is ``ivr.engine.hold.Hold``, a sans-I/O state machine
driven by this loop's clock; this loop carries out its actions (prompts, reading the case,
ringing the doctor's phone, moving the bridge's frames both ways, hanging up). While holding or
ringing the doctor the caller is still heard (the voice gate and decoding stay on, over the hold prompts
too; a prompt's own words heard back as echo are dropped, ``ivr.telephony.echo``): their words are understood
and triaged by the engine (``hear_on_hold``) and handed to the hold machine, which raises the case when the
caller gets worse; bridged, the doctor hears them instead.

Threads: ``run`` is on the call's own thread (pyVoIP's per-call thread) and owns everything in a
``CallRunner``; only decoding leaves it (``Decoding``: utterances go out, ``Future`` results come back).
"""
from __future__ import annotations

import logging
import math
import os
import struct
import time
import wave
from collections import deque
from collections.abc import Callable, Mapping
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ivr import audio
from ivr.audio import endpoint as EP
from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine import hold as H
from ivr.telephony.decoding import (  # noqa: F401 - DecodePool, Transcribe: re-exported for the worker
    BufferedUtterance,
    DecodePool,
    Decoding,
    Transcribe,
    Utterance,
)
from ivr.telephony.echo import is_echo
from ivr.telephony.ports import CallSink, Engine, Leg, Line, PromptAudio
from ivr.vocabulary import CallOutcome, EscalationMode, RiskLevel

log = logging.getLogger(__name__)

RATE = 8000
FRAME_BYTES = 320  # 20 ms of 8 kHz PCM16 on the line
SILENCE = b"\0" * FRAME_BYTES
TICK_S = 0.02
LEAD_FRAMES = 3  # frames queued ahead on the line: 60 ms
BEEP_MS = 300
LAST_WORDS_WAIT_S = 10.0  # how long a hung-up call waits for its last utterance to be decoded
DECODE_GIVE_UP_S = 15.0  # a transcript later than this is never coming (decoder hung): not heard
OVERLOAD_TRANSCRIPT = "[tổng đài quá tải: chưa nhận dạng giọng nói, mời bấm phím]"


HOLD_POLL_S = 1.0


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
    backchannels: int = 0  # murmurs ("dạ", "vâng") heard during a prompt and let pass


def beep_pcm16(ms: int = BEEP_MS, freq: float = 1000.0) -> bytes:
    n = RATE * ms // 1000
    return b"".join(struct.pack("<h", int(8000 * math.sin(2 * math.pi * freq * i / RATE))) for i in range(n))


class CallRunner:
    """Runs one call to the end. Construct one per call; ``run`` blocks."""

    def __init__(self, *, engine: Engine, prompts: PromptAudio, decoder: Decoding, store: CallSink,
                 recordings_dir: Path, worker: str = "", flow_name: str = "", flow_version_id: int | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 stats: TurnStats | None = None, max_call_s: float = 3600.0, hold_limit_s: float = 90.0,
                 reassure_s: float = 20.0, ring_s: float = 30.0, start_slots: Mapping[str, Any] | None = None,
                 patient_of: Callable[[Mapping[str, Any]], int | None] | None = None):
        """``clock`` and ``sleep``: the only time this loop knows (tests pass a virtual clock).
        ``start_slots``: what the call knows before it starts (a check-in call: who is called, by whom);
        ``patient_of``: the patient the call is about, from its slots (a check-in call to a household
        phone: the one who answered), stored on the call before an escalation and at its end."""
        self.start_slots = dict(start_slots or {})
        self.patient_of = patient_of
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
        self._play: deque[bytes] = deque()  # PCM16 frames not yet on the line
        self._playing: A.Play | None = None
        self._plays: deque[tuple[A.Play, int]] = deque()  # (play, frames) queued, for barge-in
        self._said: deque[str] = deque(maxlen=4)  # the last prompts' texts: their echo is not the caller
        # end of turn and barge-in (``ivr.audio.endpoint``): the gate cuts segments, this decides the turn
        self._turns = EP.TurnTaker(policy=EP.EndpointPolicy())
        self._eot: tuple[float, float, str] | None = None  # (end of turn at, last segment decoded in s, kind)
        self._paused: deque[bytes] | None = None  # a prompt held while the caller speaks over it
        self._gate = self._new_gate()
        # level normalisation before the gate, for the whole call: a quiet caller still opens it
        self._agc = audio.LevelNormalizer(RATE)
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
        # hold and bridge (after a Transfer): the policy is the machine, the I/O is here
        self.hold = H.Hold(hold_limit_s=hold_limit_s, reassure_s=reassure_s, ring_s=ring_s, poll_s=HOLD_POLL_S)
        self.escalation_id: int | None = None
        self._saved_reading: tuple[Any, ...] | None = None  # the symptoms and vitals last saved as an Assessment
        self._escalation_risk = ""
        self._leg: Leg | None = None
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
        outcome: str = CallOutcome.FAILED
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
                outcome = CallOutcome.ESCALATED if self._escalated else CallOutcome.FAILED
                raise
            finally:
                self.store.sync_steps(self.call_id, self.engine.steps)
                self._note_patient()
                self._save_reading()
                self.store.finish(self.call_id, outcome=outcome, slots=dict(self.engine.slots))
        return outcome

    def _loop(self, line: Line, rec: wave.Wave_write) -> str:
        started = self.clock()
        status, risks = self.store.caller_profile(line.caller)
        self._apply(line, self.engine.handle(
            E.CallStarted(call_id=str(self.call_id), caller=line.caller, patient_status=status,
                          risk_factors=risks, slots=self.start_slots), started))
        next_tick = started
        while True:
            now = self.clock()
            if not line.active:
                self._hear_last_words(line)
                self.engine.handle(E.Hangup(), self.clock())
                self._carry_out(line, self.hold.handle(H.CallerHungUp(), self.clock()), self.clock())
                return self._outcome(caller_hung_up=True)
            if now - started > self.max_call_s:
                log.warning("call %s reached the %.0f s limit", self.call_id, self.max_call_s)
                self._carry_out(line, self.hold.handle(H.CallLimit(), now), now)
                return self._finish_call(line, CallOutcome.ESCALATED if self._escalated else CallOutcome.FAILED)
            self._take_audio(line, rec, now)
            self._take_digits(line, now)
            self._take_transcripts(line, now)
            self._pump(line, now)
            if self._hangup_after_playback and self._quiet(line):
                self.sleep(2 * TICK_S)  # let the transmitter send the last frames
                return self._finish_call(line, self._outcome(caller_hung_up=False))
            if self.hold.state is not H.HoldState.IDLE and not self._hangup_after_playback:
                self._hold_tick(line, now)
            elif self.engine.done and not self._play and not self._decoding and line.queued_frames() == 0 \
                    and self._recording is None:
                return self._finish_call(line, self._outcome(caller_hung_up=False))
            deadline = self.engine.deadline
            if deadline is not None and now >= deadline and not self._busy_hearing():
                self._turn += 1
                self._turns.reset()
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
        if self._decoding:  # bounded in real time: the decoders are real threads or processes
            wait([fut for _, fut, _ in self._decoding], timeout=LAST_WORDS_WAIT_S)
            self._take_transcripts(line, self.clock())
        self._turn_actions(line, self._turns.flush(self.clock()), self.clock())
        if self._decoding:
            log.error("call %s: %d utterances still decoding after the hang-up: not heard",
                      self.call_id, len(self._decoding))

    def _reading(self) -> tuple[Any, ...]:
        return (tuple(sorted(getattr(self.engine, "symptoms", ()) or ())),
                tuple(sorted((getattr(self.engine, "vitals", {}) or {}).items())))

    def _save_reading(self) -> None:
        """Every call that assessed the caller leaves an Assessment row (the patient's reading of the day,
        which the missed-reading and worsening-trend checks read), also when it was not escalated; one
        saved at the escalation is saved again only when the call learned more after it."""
        if getattr(self.engine, "assessment", None) is None or self._reading() == self._saved_reading:
            return
        try:
            self.store.save_assessment(self.call_id, self.engine)
            self._saved_reading = self._reading()
        except Exception:
            log.exception("call %s: the assessment could not be saved", self.call_id)

    def _finish_call(self, line: Line, outcome: str) -> str:
        line.hangup()
        return outcome

    def _outcome(self, *, caller_hung_up: bool) -> str:
        engine_outcome = self.engine.outcome
        if self._escalated and engine_outcome in (None, CallOutcome.HUNG_UP, CallOutcome.ESCALATED):
            return CallOutcome.ESCALATED
        if caller_hung_up and engine_outcome in (None, CallOutcome.HUNG_UP):
            return CallOutcome.ABANDONED
        if not engine_outcome:
            return CallOutcome.COMPLETED
        return CallOutcome.ABANDONED if engine_outcome == CallOutcome.HUNG_UP else CallOutcome(engine_outcome)

    def _busy_hearing(self) -> bool:
        """The caller is mid-utterance or being decoded, or recording: no no-input timer now."""
        return self._gate.in_utterance or bool(self._decoding) or self._recording is not None \
            or self._record_max_s is not None or self._turns.busy

    # ------------------------------------------------------------------ input
    def _new_gate(self) -> audio.VoiceGate:
        # segments end at short pauses and are decoded at once; the turn taker decides the end of turn
        segment_ms = self._turns.policy.segment_ms
        return audio.VoiceGate(RATE, start_ms=60, end_silence_ms=segment_ms, hangover_ms=min(300, segment_ms),
                               pre_roll_ms=300, max_utterance_ms=15000)

    def _hearing(self) -> bool:
        if self.hold.state in H.LISTENING:
            # held for a doctor: a caller who gets worse must be heard, over the hold prompts too (the
            # prompt plays on; its own words heard back as echo are dropped in ``_hold_words``)
            return True
        if self._playing is not None or self._play:
            return bool(self._playing and self._playing.barge_in)
        listen = self.engine.listening
        return listen is not None and not listen.dtmf_only and not self.engine.done

    def _take_audio(self, line: Line, rec: wave.Wave_write, now: float) -> None:
        while (pcm := line.read_frame()) is not None:
            rec.writeframesraw(pcm)
            if self.hold.state is H.HoldState.BRIDGED and self._leg is not None:
                self._leg.write_frame(pcm)
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
            for ev in self._gate.feed(self._agc.process(pcm)):
                self._gate_event(ev, line, now)
        if self._recording is not None:
            self._check_recording(line, now)

    _utterance: Utterance | None = None  # being decoded while spoken; None when overloaded
    _utterance_bytes = 0

    def _gate_event(self, ev: audio.GateEvent, line: Line | None, now: float) -> None:
        if ev.started:
            if not self._turns.busy:
                self._turns.reset(self._grammar())
            # during a question's prompt: held at once, dropped when the turn taker says the caller is
            # answering (long speech, or words that are not a backchannel such as "dạ"), resumed otherwise
            during_prompt = line is not None and self._interruptible()
            if during_prompt and line is not None:
                self._pause_prompt(line)
            self._turns.handle(EP.SegmentStarted(at=now, during_prompt=during_prompt))
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

    _grammar_of: tuple[A.Listen | None, list[str] | None] | None = None

    def _grammar(self) -> list[str] | None:
        """The closed grammar of the question being asked (computed once per ``Listen``)."""
        listen = self.engine.listening
        if self._grammar_of is None or self._grammar_of[0] is not listen:
            from ivr.speech.recognizer import grammar_for

            self._grammar_of = (listen, grammar_for(listen))
        return self._grammar_of[1]

    def _drop_utterance(self) -> None:
        if self._utterance is not None:
            self._utterance.cancel()
            self._utterance = None

    def _end_utterance(self, now: float) -> None:
        speech_end = now - self._turns.policy.segment_ms / 1000.0 + TICK_S  # the gate waited segment_ms of silence
        self._turns.handle(EP.SegmentEnded(at=now, speech_end=speech_end))
        if self._utterance_bytes < RATE * 2 * 0.2:  # under 200 ms: a click, not speech
            self._drop_utterance()
            self._turns.handle(EP.Transcript(at=now, text="", confidence=0.0))
            return
        utterance, self._utterance = self._utterance, None
        if utterance is None:
            log.warning("call %s: decoders saturated (%d waiting): keys only", self.call_id,
                        self.decoder.pending)
            self.overloaded += 1
            self._speech_end = speech_end
            self._turns.reset()
            self._apply_later.append(E.Speech(text=OVERLOAD_TRANSCRIPT, confidence=0.0))
            return
        self._decoding.append((self._turn, utterance.finish(), self.clock()))

    def _take_transcripts(self, line: Line, now: float) -> None:
        while self._apply_later:
            self._turn += 1
            self._turns.reset()
            self._apply(line, self.engine.handle(self._apply_later.pop(0), now))
        while self._decoding and not self._decoding[0][1].done() \
                and self._decoding[0][2] + DECODE_GIVE_UP_S < now:
            log.error("call %s: no transcript after %.0f s: not heard", self.call_id, DECODE_GIVE_UP_S)
            self._decoding.pop(0)[1].cancel()
            self._turn_actions(line, self._turns.handle(EP.Transcript(at=now, text="", confidence=0.0)), now)
        while self._decoding and self._decoding[0][1].done():
            turn, fut, _ = self._decoding.pop(0)
            try:
                text, confidence = fut.result()
            except Exception as exc:  # noqa: BLE001 - a decoder failure must not drop the caller: not heard
                log.error("call %s: decoding failed: %s", self.call_id, exc)
                text, confidence = "", 0.0
            if turn != self._turn:
                if text.strip():
                    # the caller pressed a key (or a timer fired) while this was decoded: the answer
                    # belongs to a question that is no longer asked
                    log.info("call %s: late transcript dropped: %r", self.call_id, text)
                    self.stale += 1
                continue
            self._turn_actions(line, self._turns.handle(
                EP.Transcript(at=self.clock(), text=text.strip(), confidence=max(0.0, min(1.0, confidence)))),
                self.clock())
        self._turn_actions(line, self._turns.handle(EP.Tick(at=now)), now)

    def _turn_actions(self, line: Line, actions: list[EP.Action], now: float) -> None:
        for action in actions:
            if isinstance(action, EP.BargeIn):
                if self._interruptible():
                    self._barge_in(line, now, action.why)
            elif isinstance(action, EP.Backchannel):
                if action.text:
                    self.stats.backchannels += 1
                    log.info("call %s: backchannel %r during the prompt: the prompt goes on", self.call_id,
                             action.text)
                self._resume_prompt()
            elif self.hold.state is not H.HoldState.IDLE:
                self._hold_words(line, action.text, action.confidence, now)
            else:
                self._speech_end = action.speech_end
                segment_s = self._turns.policy.segment_ms / 1000.0
                self._eot = (now, max(0.0, action.decoded_at - action.speech_end - segment_s), action.kind)
                self._turn += 1
                self._apply(line, self.engine.handle(E.Speech(text=action.text, confidence=action.confidence), now))

    def _take_digits(self, line: Line, now: float) -> None:
        while digit := line.get_digit():
            if digit not in E.DTMF_KEYS:
                continue
            if self.hold.state is not H.HoldState.IDLE:
                event: H.HoldEvent = H.EmergencyKey(digit=digit) if digit == self.engine.emergency_key \
                    else H.Key(digit=digit)
                self._carry_out(line, self.hold.handle(event, now), now)
                continue
            if self._recording is not None and digit == "#":
                self._end_recording(line, now)
                continue
            if self._interruptible():
                self._barge_in(line, now, "key")
            self._speech_end = now
            self._eot = None
            self._turn += 1
            self._turns.reset()
            self._apply(line, self.engine.handle(E.Dtmf(digit=digit), now))

    def _interruptible(self) -> bool:
        """A question's prompt with barge-in is playing (statements play on; the engine decides)."""
        return self._playing is not None and self._playing.barge_in and self.engine.listening is not None

    def _barge_in(self, line: Line, now: float, why: str) -> None:
        """Stop the prompt at once; the engine's StopPlayback follows the event we forward."""
        log.debug("call %s: barge-in by %s", self.call_id, why)
        self._stop_playback(line)
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
                if self._eot is not None:  # where the turn's time went: end-of-turn wait, last chunk, reply start
                    at, decode_s, kind = self._eot
                    log.info("call %s turn_latency_ms=%.0f eot_wait_ms=%.0f last_chunk_ms=%.0f reply_ms=%.0f eot=%s",
                             self.call_id, latency_ms, (at - self._speech_end) * 1000, decode_s * 1000,
                             (now - at) * 1000, kind)
                else:
                    log.info("call %s turn_latency_ms=%.0f", self.call_id, latency_ms)
                self._speech_end = None
                self._eot = None
            line.write_frame(self._play.popleft())
            if self._plays:
                play, left = self._plays[0]
                self._playing = play
                if left <= 1:
                    self._plays.popleft()
                else:
                    self._plays[0] = (play, left - 1)
        if self._playing is not None and not self._play and self._paused is None and line.queued_frames() == 0:
            self._playing = None
            if self._record_max_s is not None:
                self._recording = bytearray()
                self._record_started = now
                return
            if not self._hangup_after_playback:
                self._apply(line, self.engine.handle(E.PlaybackDone(), now))

    def _queue_pcm(self, play: A.Play, pcm16: bytes) -> None:
        frames = [pcm16[i:i + FRAME_BYTES] for i in range(0, len(pcm16), FRAME_BYTES)]
        if frames and len(frames[-1]) < FRAME_BYTES:
            frames[-1] = frames[-1] + b"\0" * (FRAME_BYTES - len(frames[-1]))
        if not frames:
            frames = [SILENCE]
        self._play.extend(frames)
        self._plays.append((play, len(frames)))
        if play.text:
            self._said.append(play.text)
        if self._playing is None:
            self._playing = play

    def _pause_prompt(self, line: Line) -> None:
        """Hold the prompt (the caller speaks over it): nothing more is sent until resumed or dropped."""
        if self._paused is None:
            self._paused = deque(self._play)
            self._play.clear()
            line.clear_output()  # at most LEAD_FRAMES (60 ms) of the prompt are lost

    def _resume_prompt(self) -> None:
        if self._paused is not None:
            self._play.extendleft(reversed(self._paused))
            self._paused = None

    def _stop_playback(self, line: Line) -> None:
        """Drop the prompt playing and everything queued, here and on the line."""
        self._paused = None
        self._play.clear()
        self._plays.clear()
        self._playing = None
        line.clear_output()

    def _quiet(self, line: Line) -> bool:
        return not self._play and self._paused is None and line.queued_frames() == 0

    # ------------------------------------------------------------------ actions
    def _apply(self, line: Line, actions: list[A.Action]) -> None:
        for action in actions:
            if isinstance(action, A.Play):
                if self._line_gone:
                    continue  # nobody to play it to
                self._queue_pcm(action, self.prompts.pcm(action.prompt_id, action.text))
            elif isinstance(action, A.StopPlayback):
                self._stop_playback(line)
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
                    self._escalate(A.Escalate(risk=self._risk(), reason="transfer", mode=EscalationMode.LIVE))
                if self.hold.state is H.HoldState.IDLE:
                    now = self.clock()
                    log.info("call %s holding for escalation %s", self.call_id, self.escalation_id)
                    self._carry_out(line, self.hold.handle(
                        H.Start(risk=self._escalation_risk, has_case=self.escalation_id is not None), now), now)
            elif isinstance(action, A.Hangup):
                self._hangup_after_playback = True
        self.store.sync_steps(self.call_id, self.engine.steps)

    def _risk(self) -> str:
        assessment = self.engine.assessment
        return (assessment.risk if assessment is not None else "") or RiskLevel.HIGH

    def _escalate(self, action: A.Escalate) -> None:
        """Persist first (steps, assessment), then hand to the escalation queue."""
        self.store.sync_steps(self.call_id, self.engine.steps)
        self._note_patient()
        assessment_id = self.store.save_assessment(self.call_id, self.engine)
        self._saved_reading = self._reading()
        self.escalation_id = self.store.escalate(self.call_id, action, self.engine, assessment_id)
        self._escalation_risk = action.risk
        self._escalated = True

    def _note_patient(self) -> None:
        """Store which patient the call is about, when the call says so (``patient_of``)."""
        if self.patient_of is None:
            return
        patient_id = self.patient_of(self.engine.slots)
        if patient_id is not None:
            self.store.set_patient(self.call_id, patient_id)

    # ------------------------------------------------------------------ hold and bridge (I/O side)
    def _hold_tick(self, line: Line, now: float) -> None:
        """One tick of a held call: the doctor's leg as it is now, then the machine's timers."""
        state = self.hold.state
        if state is H.HoldState.BRIDGED:
            assert self._leg is not None
            if self._leg.state != "answered":
                log.info("call %s: the doctor hung up: ending the call", self.call_id)
                self._carry_out(line, self.hold.handle(H.LegEnded(), now), now)
                return
            while (frame := self._leg.read_frame()) is not None:
                if line.queued_frames() < 2 * LEAD_FRAMES:  # never let the doctor's voice lag behind
                    line.write_frame(frame)
                self.bridge.to_caller += 1
            return
        if state is H.HoldState.DIALLING:
            assert self._leg is not None
            leg_state = self._leg.state
            if leg_state == "answered":
                self._carry_out(line, self.hold.handle(H.LegAnswered(), now), now)
                return
            if leg_state == "ended":
                self._carry_out(line, self.hold.handle(H.LegEnded(failure=self._leg.failure or ""), now), now)
                return
        while (deadline := self.hold.get_timer()) is not None and now >= deadline:
            actions = self.hold.handle_timer(now, quiet=self._quiet(line) and not self._gate.in_utterance)
            if not actions:
                break
            self._carry_out(line, actions, now)

    def _carry_out(self, line: Line, actions: list[H.HoldAction], now: float) -> None:
        """Do what the hold machine decided; what comes back (the case, a failed dial) goes back to it."""
        for action in actions:
            if isinstance(action, H.PlayPrompt):
                self._prompt(line, action.prompt_id, clear=action.clear)
            elif isinstance(action, H.PollCase):
                self._poll_case(line, now)
            elif isinstance(action, H.Dial):
                self._dial(line, action, now)
            elif isinstance(action, H.Bridge):
                log.info("call %s: doctor %s answered: bridging", self.call_id, self.bridge.dialled)
                self.bridge.answered = True
                self._stop_playback(line)
                if self.escalation_id is not None:
                    try:
                        self.store.bridge_started(self.escalation_id, action.staff_id)
                    except Exception as exc:  # noqa: BLE001 - the call goes on; the doctor sees the case picked
                        log.error("call %s: escalation %s not marked in_call: %s", self.call_id,
                                  self.escalation_id, exc)
            elif isinstance(action, H.EndLeg):
                if self._leg is not None and action.ended_by:
                    self.bridge.ended_by = self.bridge.ended_by or action.ended_by
                self._end_leg()
            elif isinstance(action, H.GiveBack):
                log.info("call %s: doctor %s did not answer (%s): back to hold", self.call_id, self.bridge.dialled,
                         action.reason)
                if self.escalation_id is not None:
                    self.store.bridge_failed(self.escalation_id, action.reason)
            elif isinstance(action, H.MakeCallback):
                log.info("call %s: escalation %s becomes a callback (%s)", self.call_id, self.escalation_id,
                         action.why)
                if self.escalation_id is not None:
                    self.store.hold_expired(self.escalation_id)
            elif isinstance(action, H.CallerLeft):
                if self.escalation_id is not None:
                    try:
                        self.store.caller_left(self.escalation_id)
                    except Exception as exc:  # noqa: BLE001 - the case is persisted and stays open regardless
                        log.error("call %s: escalation %s not moved to callback: %s", self.call_id,
                                  self.escalation_id, exc)
            elif isinstance(action, H.HangUpAfterPrompts):
                self._hangup_after_playback = True
            elif isinstance(action, H.RaiseCase):
                self._raise_case(action)

    def _hold_words(self, line: Line, text: str, confidence: float, now: float) -> None:
        """The caller spoke while held: the engine understands and triages the words with what the call
        knows, the hold machine decides (raise the case, advise, reassure)."""
        if not text.strip() or confidence <= 0.0 or self.hold.state not in H.LISTENING:
            return  # nothing heard, or the overload placeholder, or nobody listening now
        if is_echo(text, self._said):
            log.info("call %s: heard on hold %r: the prompt's own words (echo), not the caller's", self.call_id, text)
            return
        try:
            u, assessment = self.engine.hear_on_hold(text, confidence)
        except Exception:  # noqa: BLE001 - the caller keeps holding; a doctor still comes
            log.exception("call %s: words on hold not understood: %r", self.call_id, text)
            heard = H.Heard(text=text)
        else:
            signs = tuple(u.symptoms) or (("emergency",) if u.intent == "emergency" else ())
            heard = H.Heard(text=text, intent=u.intent, risk=assessment.risk if assessment is not None else "",
                            signs=signs, reasons=tuple(assessment.reasons) if assessment is not None else ())
        log.info("call %s: heard on hold %r: intent=%s risk=%s signs=%s", self.call_id, text, heard.intent,
                 heard.risk, ",".join(heard.signs))
        self._carry_out(line, self.hold.handle(heard, now), now)

    def _raise_case(self, action: H.RaiseCase) -> None:
        """Persist the raise (the caller got worse while holding) before the advice is played."""
        log.warning("call %s: worse while holding (%s): escalation %s raised to %s", self.call_id,
                    ",".join(action.signs), self.escalation_id, action.risk)
        self._escalation_risk = action.risk
        if self.escalation_id is None:
            return
        try:
            self.store.raise_case(self.escalation_id, risk=action.risk, signs=action.signs, reasons=action.reasons,
                                  words=action.words)
        except Exception as exc:  # noqa: BLE001 - the advice still plays; the machine retries at the next poll
            log.error("call %s: escalation %s not raised: %s", self.call_id, self.escalation_id, exc)

    def _prompt(self, line: Line, prompt_id: str, *, clear: bool = False) -> None:
        """Play one of the hold prompts (catalog text, admin edits included)."""
        if self._line_gone:
            return
        if clear:
            self._stop_playback(line)
        text = self.engine.catalog.text(prompt_id)
        self.hold_prompts.append(prompt_id)
        log.info("call %s: hold prompt %s", self.call_id, prompt_id)
        self._queue_pcm(A.Play(prompt_id=prompt_id, text=text, barge_in=False), self.prompts.pcm(prompt_id, text))

    def _poll_case(self, line: Line, now: float) -> None:
        assert self.escalation_id is not None  # the machine holds only with a case
        try:
            case = self.store.hold_case(self.escalation_id)
        except Exception as exc:  # noqa: BLE001 - the database is down: keep holding, retry next poll
            log.error("call %s: escalation %s not readable: %s", self.call_id, self.escalation_id, exc)
            return
        if case is None:
            return
        seen = H.CaseSeen(status=str(case.status), mode=str(case.mode), risk=str(case.risk or ""),
                          staff_phone=str(case.staff_phone or ""), staff_id=case.staff_id)
        self._carry_out(line, self.hold.handle(seen, now), now)

    def _dial(self, line: Line, action: H.Dial, now: float) -> None:
        self.bridge.dialled = action.phone
        leg: Leg | None = None
        try:
            leg = line.dial(action.phone)
        except Exception as exc:  # noqa: BLE001 - a failed dial must never drop the caller
            log.error("call %s: dialling %s failed: %s", self.call_id, action.phone, exc)
        if leg is None:
            self._carry_out(line, self.hold.handle(H.DialFailed(), now), now)
            return
        log.info("call %s: dialling doctor %s for escalation %s", self.call_id, action.phone, self.escalation_id)
        self._leg = leg

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
