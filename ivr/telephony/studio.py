"""The studio extension's call loop: carries out ``ivr.engine.studio.Studio``'s actions on a phone line.

A call to ``sip:<studio_extension>@front`` is answered by a worker like a hotline call, then run here
instead of by ``CallRunner`` (``is_studio_call``): the machine decides, this loop does the I/O. Every
20 ms tick it reads the staff member's audio (recording it and gating it into ``Voice`` events while
recording), turns keys into ``Key`` events, plays queued audio paced in 20 ms frames and reports
``PlaybackDone`` when all of it has played, and runs the machine's timers on its injected clock.

What it touches:

* the database: the PIN check (``StaffUser.phone_pin_hash``; role admin may record), failed PINs as
  audit rows (``studio_pin_failed``, target ``caller:<number>``) that also rate-limit a caller across
  workers (``FAILS_PER_CALLER`` within ``FAIL_WINDOW_S``), and an audit row per saved recording
  (``prompt_upload``, actor the staff member, target ``prompt:<id>``), as the admin's upload writes;
* the data dir: a kept recording is checked and stored by ``ivr.tts.recording.import_recording`` with the
  recognizer as listener, into ``cfg.prompt_recordings_path`` (the admin's folder), written by this
  process: the hotline's service user. The check runs on one thread beside the call (the call loop keeps
  its pace); the recognizer is loaded once per process, on the first check.
"""
from __future__ import annotations

import logging
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from sqlalchemy import func, select

from ivr import audio
from ivr.config import Config
from ivr.engine import studio as st
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.errors import AudioError, IvrError
from ivr.store.database import Database
from ivr.store.models import AuditLog, Prompt, Role, StaffUser, utcnow
from ivr.telephony.callrunner import FRAME_BYTES, LEAD_FRAMES, RATE, SILENCE, TICK_S, beep_pcm16
from ivr.telephony.ports import Line, PromptAudio
from ivr.tts.hearing import Listener
from ivr.tts.recording import coverage, import_recording

log = logging.getLogger(__name__)

#: failed PINs from one caller number within FAIL_WINDOW_S before its calls are refused at once
FAILS_PER_CALLER = 6
FAIL_WINDOW_S = 900
#: the gate closes after this much silence; the machine waits the rest of its 2 s
GATE_END_MS = 300
#: kept around the speech when a recording is trimmed
MARGIN_S = 0.4


def is_studio_call(line: Line, cfg: Config) -> bool:
    """The caller dialled the studio extension (the To user: Kamailio keeps it, the R-URI names the worker)."""
    return str(getattr(line, "called", "") or "") == cfg.studio_extension


@dataclass(frozen=True, kw_only=True)
class StudioOutcome:
    """How a studio call ended, for logs and tests."""

    user: str
    saved: tuple[str, ...]
    skipped: tuple[str, ...]
    pin_failures: int
    state: str


class StudioRunner:
    """Runs one studio call to the end. Construct one per call; ``run`` blocks (on the call's thread)."""

    def __init__(self, *, cfg: Config, db: Database, prompts: PromptAudio, catalog: PromptCatalog,
                 listener: Callable[[], Listener], worker: str = "", machine: st.Studio | None = None,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep,
                 executor: Executor | None = None):
        """``listener()``: the recognizer's ``transcribe_all`` (called on the check thread, loaded on first use);
        ``catalog``: the prompts as the hotline says them now (admin edits included); ``executor``: where a
        recording is checked (default: one thread of this call's own)."""
        self.cfg = cfg
        self.db = db
        self.prompts = prompts
        self.catalog = catalog
        self.listener = listener
        self.worker = worker
        self.machine = machine or st.Studio(silence_s=2.0 - GATE_END_MS / 1000)
        self.clock = clock
        self.sleep = sleep
        self.caller = ""
        self._play: deque[bytes] = deque()
        self._playing = False
        self._hangup_after_playback = False
        self._recording: bytearray | None = None
        self._gate: audio.VoiceGate | None = None
        self._agc = audio.LevelNormalizer(RATE)
        self._voice_start: int | None = None  # byte offsets of the first and last speech in the recording
        self._voice_end: int | None = None
        self._take: bytes = b""  # the last recording kept for playback
        self._saving: Future[st.StudioEvent] | None = None
        self._pool: Executor | None = executor
        self._own_pool = executor is None

    # ------------------------------------------------------------------ loop
    def run(self, line: Line) -> StudioOutcome:
        self.caller = line.caller
        log.info("studio call %s from %s on %s", line.sip_call_id, self.caller, self.worker)
        try:
            self._loop(line)
        finally:
            if self._pool is not None and self._own_pool:
                self._pool.shutdown(wait=False, cancel_futures=True)
        m = self.machine
        outcome = StudioOutcome(user=m.user, saved=tuple(m.saved), skipped=tuple(m.skipped),
                                pin_failures=m.pin_failures, state=m.state.value)
        log.info("studio call %s ended: user=%s saved=%s skipped=%d pin_failures=%d", line.sip_call_id,
                 outcome.user or "-", ",".join(outcome.saved) or "-", len(outcome.skipped), outcome.pin_failures)
        return outcome

    def _loop(self, line: Line) -> None:
        now = self.clock()
        self._do(line, self.machine.handle(st.Start(blocked=self._blocked()), now))
        next_tick = now
        while True:
            now = self.clock()
            if not line.active:
                self._do(line, self.machine.handle(st.HungUp(), now))
                return
            self._take_audio(line, now)
            while digit := line.get_digit():
                self._do(line, self.machine.handle(st.Key(digit=digit), now))
            if self._saving is not None and self._saving.done():
                future, self._saving = self._saving, None
                self._do(line, self.machine.handle(future.result(), now))
            self._pump(line, now)
            if self._hangup_after_playback and self._quiet(line):
                self.sleep(2 * TICK_S)  # let the transmitter send the last frames
                line.hangup()
                return
            while (deadline := self.machine.get_timer()) is not None and now >= deadline:
                actions = self.machine.handle_timer(now)
                if not actions:
                    break
                self._do(line, actions)
            next_tick += TICK_S
            delay = next_tick - self.clock()
            if delay > 0:
                self.sleep(delay)
            elif delay < -0.2:
                next_tick = self.clock()

    # ------------------------------------------------------------------ input
    def _take_audio(self, line: Line, now: float) -> None:
        while (pcm := line.read_frame()) is not None:
            if self._recording is None or self._gate is None:
                continue
            self._recording += pcm
            for ev in self._gate.feed(self._agc.process(pcm)):
                if ev.started:
                    if self._voice_start is None:
                        self._voice_start = len(self._recording)
                    self._do(line, self.machine.handle(st.Voice(active=True), now))
                if ev.ended:
                    self._voice_end = len(self._recording)
                    self._do(line, self.machine.handle(st.Voice(active=False), now))
                if self._recording is None:  # the machine stopped the recording
                    return

    # ------------------------------------------------------------------ output
    def _queue(self, pcm16: bytes) -> None:
        frames = [pcm16[i:i + FRAME_BYTES] for i in range(0, len(pcm16), FRAME_BYTES)] or [SILENCE]
        if len(frames[-1]) < FRAME_BYTES:
            frames[-1] += b"\0" * (FRAME_BYTES - len(frames[-1]))
        self._play.extend(frames)
        self._playing = True

    def _pump(self, line: Line, now: float) -> None:
        while self._play and line.queued_frames() < LEAD_FRAMES:
            line.write_frame(self._play.popleft())
        if self._playing and self._quiet(line):
            self._playing = False
            if not self._hangup_after_playback:
                self._do(line, self.machine.handle(st.PlaybackDone(), now))

    def _quiet(self, line: Line) -> bool:
        return not self._play and line.queued_frames() == 0

    # ------------------------------------------------------------------ actions
    def _do(self, line: Line, actions: list[st.StudioAction]) -> None:
        for action in actions:
            if isinstance(action, st.Say):
                text = self.catalog.text(action.prompt_id, dict(action.values))
                self._queue(self.prompts.pcm(action.prompt_id, text))
            elif isinstance(action, st.ReadPrompt):
                self._queue(self.prompts.pcm(action.prompt_id, action.text))
            elif isinstance(action, st.Beep):
                self._queue(beep_pcm16())
            elif isinstance(action, st.StopPlayback):
                self._play.clear()
                self._playing = False
                line.clear_output()
            elif isinstance(action, st.StartRecording):
                self._recording = bytearray()
                self._gate = audio.VoiceGate(RATE, start_ms=60, end_silence_ms=GATE_END_MS, hangover_ms=200,
                                             max_utterance_ms=int(self.machine.max_record_s * 1000) + 5000)
                self._voice_start = self._voice_end = None
            elif isinstance(action, st.StopRecording):
                if action.keep and self._recording is not None:
                    self._take = self._trimmed(bytes(self._recording))
                self._recording = self._gate = None
            elif isinstance(action, st.PlayRecording):
                self._queue(self._take)
            elif isinstance(action, st.CheckPin):
                self._do(line, self.machine.handle(self._check_pin(action.pin), self.clock()))
            elif isinstance(action, st.PinFailed):
                self._pin_failed(action)
            elif isinstance(action, st.ListPrompts):
                self._do(line, self.machine.handle(st.ToRecord(prompts=self._to_record()), self.clock()))
            elif isinstance(action, st.Save):
                if self._pool is None:
                    self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="studio-check")
                self._saving = self._pool.submit(self._save, action.prompt_id, action.text, self._take,
                                                 line.sip_call_id)
            elif isinstance(action, st.HangUpAfterPrompts):
                self._hangup_after_playback = True

    def _trimmed(self, pcm: bytes) -> bytes:
        """The recording from just before the first speech to just after the last (whole if none was gated)."""
        if self._voice_start is None:
            return pcm
        margin = int(MARGIN_S * RATE) * 2
        pre_roll = int(0.26 * RATE) * 2  # the gate confirmed speech 60 ms in and passed 200 ms of pre-roll
        start = max(0, self._voice_start - pre_roll - margin)
        end = len(pcm) if self._voice_end is None or self._voice_end < self._voice_start \
            else min(len(pcm), self._voice_end + margin)
        return pcm[start:end]

    # ------------------------------------------------------------------ the database and the data dir
    def _blocked(self) -> bool:
        """This caller failed the PIN ``FAILS_PER_CALLER`` times within ``FAIL_WINDOW_S`` (any worker)."""
        since = utcnow() - timedelta(seconds=FAIL_WINDOW_S)
        with self.db.session() as s:
            fails = s.scalar(select(func.count()).select_from(AuditLog).where(
                AuditLog.action == "studio_pin_failed", AuditLog.target == f"caller:{self.caller}",
                AuditLog.at >= since)) or 0
        if fails >= FAILS_PER_CALLER:
            log.warning("studio: caller %s refused: %d failed PINs within %d s", self.caller, fails, FAIL_WINDOW_S)
            return True
        return False

    def _check_pin(self, pin: str) -> st.PinChecked:
        with self.db.session() as s:
            users = s.scalars(select(StaffUser).where(StaffUser.active.is_(True), StaffUser.phone_pin_hash != ""))
            for user in users:
                if st.pin_matches(pin, user.phone_pin_hash):
                    may = user.role == Role.ADMIN
                    s.add(AuditLog(actor=user.username, action="studio_login" if may else "studio_refused",
                                   target=f"caller:{self.caller}", detail={"worker": self.worker}))
                    log.info("studio: %s signed in from %s%s", user.username, self.caller,
                             "" if may else " (not an admin: may not record)")
                    return st.PinChecked(user=user.username, may_record=may)
        return st.PinChecked()

    def _pin_failed(self, action: st.PinFailed) -> None:
        log.warning("studio: wrong PIN from %s (attempt %d of this call%s)", self.caller, action.attempt,
                    ", hanging up" if action.locked else "")
        with self.db.session() as s:
            s.add(AuditLog(actor=f"phone:{self.caller}"[:64], action="studio_pin_failed",
                           target=f"caller:{self.caller}"[:200],
                           detail={"attempt": action.attempt, "locked": action.locked, "worker": self.worker}))

    def _to_record(self) -> tuple[tuple[str, str], ...]:
        """Prompts still synthesized or recorded for other words, in the catalog's (coverage) order."""
        base = load_catalog(self.cfg.prompts_catalog).texts
        items = coverage(self.cfg, self.catalog.texts.items(), defaults=dict(base))
        return tuple((i.prompt_id, i.text) for i in items if not i.dynamic and i.source != "recording")

    def _save(self, prompt_id: str, text: str, pcm: bytes, call_id: str) -> st.StudioEvent:
        """On the check thread: check and store the recording, then its audit row. Never raises."""
        heard: list[str] = []

        def listen(pcm16: bytes, rate: int) -> str:
            words = self.listener()(pcm16, rate)
            heard.append(words)
            return words

        try:
            info = import_recording(self.cfg, prompt_id, audio.wav_bytes(pcm, RATE), text=text,
                                    folder=self.cfg.prompt_recordings_path, listen=listen,
                                    max_wer=self.cfg.prompt_recording_max_wer)
        except (AudioError, IvrError) as exc:
            log.info("studio: recording of %s by %s refused: %s", prompt_id, self.machine.user, exc)
            return st.Refused(heard=heard[-1] if heard else None, message=str(exc))
        except Exception as exc:  # noqa: BLE001 - a broken check must not drop the staff member's call
            log.exception("studio: checking the recording of %s failed", prompt_id)
            return st.Refused(heard=None, message=str(exc))
        try:
            with self.db.session() as s:
                row = s.get(Prompt, prompt_id)
                if row is not None:
                    row.recording_path, row.updated_by, row.updated_at = str(info.path), self.machine.user, utcnow()
                s.add(AuditLog(actor=self.machine.user, action="prompt_upload", target=f"prompt:{prompt_id}",
                               detail={"duration_s": info.duration_s, "level_dbfs": round(info.level_dbfs, 1),
                                       "via": "phone", "sip_call_id": call_id, "heard": heard[-1] if heard else ""}))
        except Exception:  # noqa: BLE001 - the recording is stored; the audit row is logged instead
            log.exception("studio: audit row for %s by %s not written", prompt_id, self.machine.user)
        log.info("studio: %s recorded %s (%.1f s) from %s", self.machine.user, prompt_id, info.duration_s,
                 self.caller)
        return st.Saved()


def run_studio_call(runtime: Any, line: Line, *, worker: str) -> StudioOutcome:
    """Run a studio call with a worker's shared runtime (``ivr.cli.sipworker.Runtime``)."""
    from ivr.speech.recognizer import open_recognizer

    cfg = runtime.cfg

    def listener() -> Listener:
        return open_recognizer(cfg, cfg.asr_engine).transcribe_all

    runner = StudioRunner(cfg=cfg, db=runtime.db, prompts=runtime.prompts, catalog=runtime.flows.current().catalog,
                          listener=listener, worker=worker)
    return runner.run(line)
