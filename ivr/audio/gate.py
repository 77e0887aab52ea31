"""A sans-I/O voice-activity gate (``VoiceGate``) so that silence is never sent to a decoder."""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass

from ivr.audio.pcm import FRAME_MS, check_rate, frame_bytes, rms_dbfs
from ivr.audio.pcm import samples as _samples
from ivr.errors import AudioError


@dataclass(frozen=True, kw_only=True)
class GateEvent:
    """What the gate decided about one frame.

    ``audio`` is what to pass to the decoder now: empty in silence, the frame itself
    inside an utterance, and on the first frame of an utterance the pre-roll too.
    ``started`` marks the frame an utterance began on; ``ended`` the frame where
    ``end_silence_ms`` of silence (or ``max_utterance_ms``) closed it.
    """

    audio: bytes
    speech: bool  # the frame itself sounds like speech
    started: bool = False
    ended: bool = False
    start_s: float = 0.0  # stream time of the utterance start (valid with started/ended)
    time_s: float = 0.0  # stream time at the end of this frame


class VoiceGate:
    """Energy voice-activity gate with an adaptive noise floor, onset confirmation and hangover.

    Sans-I/O: ``feed(pcm16)`` takes audio of any length at ``rate`` and returns one
    ``GateEvent`` per complete frame (a partial frame waits for the next call);
    ``flush()`` closes an open utterance at the end of the stream.

    A frame is speech when its level is above ``threshold_dbfs`` and ``margin_db``
    above the tracked noise floor. An utterance starts after ``start_ms`` of speech
    (the ``pre_roll_ms`` before it is passed along too), keeps passing audio until
    ``hangover_ms`` after the last speech frame, and ends after ``end_silence_ms``
    of silence or ``max_utterance_ms`` in total.
    """

    def __init__(self, rate: int, *, frame_ms: int = FRAME_MS, threshold_dbfs: float = -45.0,
                 margin_db: float = 10.0, start_ms: int = 60, pre_roll_ms: int = 200,
                 hangover_ms: int = 300, end_silence_ms: int = 700, max_utterance_ms: int = 20000):
        check_rate(rate)
        if frame_ms not in (10, 20, 30, 40):
            raise AudioError(f"frame_ms must be 10, 20, 30 or 40, got {frame_ms}")
        if not 0 < hangover_ms <= end_silence_ms:
            raise AudioError("hangover_ms must be positive and at most end_silence_ms")
        self.rate = rate
        self.frame_ms = frame_ms
        self.threshold_dbfs = threshold_dbfs
        self.margin_db = margin_db
        self._frame = frame_bytes(rate, frame_ms)
        self._start_frames = max(1, start_ms // frame_ms)
        self._hang_frames = max(1, hangover_ms // frame_ms)
        self._end_frames = max(1, end_silence_ms // frame_ms)
        self._max_frames = max(1, max_utterance_ms // frame_ms)
        self._pre: deque[bytes] = deque(maxlen=max(1, pre_roll_ms // frame_ms) + self._start_frames)
        self._buf = b""
        self._noise = -60.0
        self._run = 0  # consecutive speech frames before an utterance starts
        self._silence = 0  # consecutive silent frames inside an utterance
        self._length = 0  # frames in the current utterance
        self._frames = 0  # frames seen in total
        self._start_frame = 0
        self.in_utterance = False

    @property
    def time_s(self) -> float:
        return self._frames * self.frame_ms / 1000.0

    def is_speech(self, level: float) -> bool:
        return level > self.threshold_dbfs and level > self._noise + self.margin_db

    def feed(self, pcm16: bytes) -> list[GateEvent]:
        _samples(pcm16)
        data = self._buf + bytes(pcm16)
        n = len(data) - len(data) % self._frame
        self._buf = data[n:]
        return [self._step(data[i:i + self._frame]) for i in range(0, n, self._frame)]

    def flush(self) -> list[GateEvent]:
        """End of stream: pad the partial frame, and close an open utterance."""
        events = []
        if self._buf:
            events.extend(self.feed(b"\0" * (self._frame - len(self._buf))))
        if self.in_utterance:
            events.append(self._end(b"", False))
        return events

    def _step(self, frame: bytes) -> GateEvent:
        self._frames += 1
        level = rms_dbfs(frame)
        speech = self.is_speech(level)
        # Noise floor: falls at once to a quieter frame, rises slowly (3 dB per second), so a
        # steady hum stops counting as speech after a few seconds while pauses reset the floor.
        if level < self._noise:
            self._noise = level
        else:
            self._noise += min(level - self._noise, 0.06 * self.frame_ms / 20)
        if not self.in_utterance:
            self._pre.append(frame)
            self._run = self._run + 1 if speech else 0
            if self._run < self._start_frames:
                return GateEvent(audio=b"", speech=speech, time_s=self.time_s)
            self.in_utterance = True
            self._silence = 0
            self._length = len(self._pre)
            self._start_frame = self._frames - self._start_frames  # onset, not pre-roll
            audio = b"".join(self._pre)
            self._pre.clear()
            return GateEvent(audio=audio, speech=True, started=True, start_s=self._start_s(), time_s=self.time_s)
        self._length += 1
        self._silence = 0 if speech else self._silence + 1
        if self._silence >= self._end_frames or self._length >= self._max_frames:
            return self._end(frame if self._silence <= self._hang_frames else b"", speech)
        audio = frame if self._silence <= self._hang_frames else b""
        return GateEvent(audio=audio, speech=speech, start_s=self._start_s(), time_s=self.time_s)

    def _start_s(self) -> float:
        return self._start_frame * self.frame_ms / 1000.0

    def _end(self, audio: bytes, speech: bool) -> GateEvent:
        self.in_utterance = False
        self._run = 0
        self._silence = 0
        return GateEvent(audio=audio, speech=speech, ended=True, start_s=self._start_s(), time_s=self.time_s)
