"""Audio front end: pure conversions on 16-bit signed mono PCM ("pcm16"), no I/O but WAV files.

Canonical audio inside the process is little-endian 16-bit signed mono PCM with an
explicit sample rate. This module converts to and from it:

- G.711 µ-law / A-law (``ulaw_to_pcm16``, ``pcm16_to_ulaw``, ``alaw_to_pcm16``,
  ``pcm16_to_alaw``): table based, bit-exact with the ITU-T G.711 reference
  implementation (ITU-T G.191 STL ``g711.c``).
- pyVoIP 1.6.8's 8-bit unsigned linear audio (``u8_to_pcm16``, ``pcm16_to_u8``):
  pyVoIP hands the application 8 kHz unsigned 8-bit samples, 160 bytes per 20 ms.
- Resampling (``resample`` for whole buffers, ``Resampler`` for streams) with soxr.
- WAV files (``read_wav``, ``iter_wav``, ``wav_info``, ``write_wav``): any rate,
  width (8/16/24/32-bit PCM, 32/64-bit float) and channel count, including
  µ-law and A-law WAVs (format tags 7 and 6, which Python's ``wave`` rejects).
  Reads are bounded: ``max_seconds`` refuses long files before reading them and
  ``iter_wav`` streams a file of any length in fixed-size chunks.
- Framing and levels (``iter_frames``, ``rms_dbfs``) and a sans-I/O voice-activity
  gate (``VoiceGate``) so that silence is never sent to a decoder.

Errors are ``AudioError`` with exact messages that name the file and the problem.
"""
from __future__ import annotations

import io
import math
import os
import struct
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np
import soxr

from .atomicfile import write_atomic
from .errors import AudioError

SAMPLE_WIDTH = 2  # bytes per canonical sample
TELEPHONE_RATE = 8000
FRAME_MS = 20
#: ``rms_dbfs`` of digital silence (and of an empty buffer): a finite floor, not -inf.
SILENCE_DBFS = -120.0

# --------------------------------------------------------------------------- G.711


def _build_ulaw_tables() -> tuple[np.ndarray, np.ndarray]:
    # Encoder, vectorised from ITU-T G.191 STL g711.c ulaw_compress, for every int16 value.
    lin = np.arange(-32768, 32768, dtype=np.int32)
    absno = np.where(lin < 0, ((~lin) >> 2) + 33, (lin >> 2) + 33)
    absno = np.minimum(absno, 0x1FFF)
    segno = np.ones_like(absno)
    i = absno >> 6
    while np.any(i):
        segno += (i != 0)
        i >>= 1
    high = 8 - segno
    low = 0xF - ((absno >> segno) & 0xF)
    code = (high << 4) | low
    code = np.where(lin >= 0, code | 0x80, code)
    encode = np.empty(65536, dtype=np.uint8)
    encode[lin.astype(np.uint16)] = code.astype(np.uint8)  # index by the sample's uint16 bit pattern
    # Decoder, from ulaw_expand.
    log = np.arange(256, dtype=np.int32)
    sign = np.where(log < 0x80, -1, 1)
    mantissa = ~log
    exponent = (mantissa >> 4) & 0x7
    segment = exponent + 1
    mantissa = mantissa & 0xF
    step = 4 << segment
    decode = sign * ((0x80 << exponent) + step * mantissa + step // 2 - 4 * 33)
    return encode, decode.astype("<i2")


def _build_alaw_tables() -> tuple[np.ndarray, np.ndarray]:
    # Encoder, from ITU-T G.191 STL g711.c alaw_compress.
    lin = np.arange(-32768, 32768, dtype=np.int32)
    ix = np.where(lin < 0, (~lin) >> 4, lin >> 4)
    code = ix.copy()
    big = ix > 15
    iexp = np.ones_like(ix)
    work = ix.copy()
    while True:
        shift = big & (work > 16 + 15)
        if not np.any(shift):
            break
        work = np.where(shift, work >> 1, work)
        iexp = iexp + shift
    code = np.where(big, (work - 16) + (iexp << 4), ix)
    code = np.where(lin >= 0, code | 0x80, code) ^ 0x55
    encode = np.empty(65536, dtype=np.uint8)
    encode[lin.astype(np.uint16)] = code.astype(np.uint8)
    # Decoder, from alaw_expand.
    log = np.arange(256, dtype=np.int32)
    ix = (log ^ 0x55) & 0x7F
    iexp = ix >> 4
    mant = ix & 0xF
    mant = np.where(iexp > 0, mant + 16, mant)
    mant = (mant << 4) + 8
    mant = np.where(iexp > 1, mant << np.maximum(iexp - 1, 0), mant)
    decode = np.where(log > 127, mant, -mant)
    return encode, decode.astype("<i2")


_ULAW_ENCODE, _ULAW_DECODE = _build_ulaw_tables()
_ALAW_ENCODE, _ALAW_DECODE = _build_alaw_tables()


def _samples(pcm16: bytes) -> np.ndarray:
    if len(pcm16) % 2:
        raise AudioError(f"pcm16 audio must have an even number of bytes, got {len(pcm16)}")
    return np.frombuffer(pcm16, dtype="<i2")


def ulaw_to_pcm16(data: bytes) -> bytes:
    """G.711 µ-law bytes -> pcm16 (one sample per byte)."""
    return _ULAW_DECODE[np.frombuffer(data, dtype=np.uint8)].tobytes()


def pcm16_to_ulaw(pcm16: bytes) -> bytes:
    """pcm16 -> G.711 µ-law bytes."""
    return _ULAW_ENCODE[_samples(pcm16).view(np.uint16)].tobytes()


def alaw_to_pcm16(data: bytes) -> bytes:
    """G.711 A-law bytes -> pcm16."""
    return _ALAW_DECODE[np.frombuffer(data, dtype=np.uint8)].tobytes()


def pcm16_to_alaw(pcm16: bytes) -> bytes:
    """pcm16 -> G.711 A-law bytes."""
    return _ALAW_ENCODE[_samples(pcm16).view(np.uint16)].tobytes()


# ------------------------------------------------------------------ pyVoIP 8-bit


def u8_to_pcm16(data: bytes) -> bytes:
    """pyVoIP's unsigned 8-bit linear samples (128 = zero) -> pcm16."""
    u8 = np.frombuffer(data, dtype=np.uint8).astype(np.int16)
    return ((u8 - 128) << 8).astype("<i2").tobytes()


def pcm16_to_u8(pcm16: bytes) -> bytes:
    """pcm16 -> pyVoIP's unsigned 8-bit linear samples (rounded, clipped)."""
    s = _samples(pcm16).astype(np.int32)
    return (np.clip((s + 128) >> 8, -128, 127) + 128).astype(np.uint8).tobytes()


# --------------------------------------------------------------------- resampling


def resample(pcm16: bytes, src_rate: int, dst_rate: int) -> bytes:
    """Resample a whole pcm16 buffer with soxr (high quality). Same rate: returned unchanged."""
    _check_rate(src_rate)
    _check_rate(dst_rate)
    x = _samples(pcm16)
    if src_rate == dst_rate or x.size == 0:
        return bytes(pcm16)
    y = soxr.resample(x, src_rate, dst_rate, quality="HQ")
    return np.asarray(y, dtype="<i2").tobytes()


class Resampler:
    """Streaming resampler: feed chunks of any size, get resampled chunks; ``flush`` at the end."""

    def __init__(self, src_rate: int, dst_rate: int):
        _check_rate(src_rate)
        _check_rate(dst_rate)
        self.src_rate = src_rate
        self.dst_rate = dst_rate
        self._stream = None if src_rate == dst_rate else soxr.ResampleStream(
            src_rate, dst_rate, 1, dtype="int16", quality="HQ")

    def process(self, pcm16: bytes, last: bool = False) -> bytes:
        x = _samples(pcm16)
        if self._stream is None:
            return bytes(pcm16)
        return np.asarray(self._stream.resample_chunk(x, last=last), dtype="<i2").tobytes()

    def flush(self) -> bytes:
        return self.process(b"", last=True)


def _check_rate(rate: int) -> None:
    if not isinstance(rate, int) or isinstance(rate, bool) or not 1000 <= rate <= 384000:
        raise AudioError(f"unsupported sample rate: {rate!r} (expected 1000 to 384000 Hz)")


# ----------------------------------------------------------------------------- WAV

WAVE_FORMAT_PCM = 1
WAVE_FORMAT_IEEE_FLOAT = 3
WAVE_FORMAT_ALAW = 6
WAVE_FORMAT_MULAW = 7
WAVE_FORMAT_EXTENSIBLE = 0xFFFE
_FORMAT_NAMES = {WAVE_FORMAT_PCM: "pcm", WAVE_FORMAT_IEEE_FLOAT: "float",
                 WAVE_FORMAT_ALAW: "alaw", WAVE_FORMAT_MULAW: "ulaw"}
#: data sizes written by streaming writers (espeak-ng --stdout, sox/ffmpeg to a pipe): read to end of file
_STREAMING_SIZES = (0, 0x7FFFF000, 0x7FFFFFFF, 0xFFFFFFFF)


@dataclass(frozen=True, kw_only=True)
class WavInfo:
    """What a WAV header says. ``frames`` counts samples per channel actually present."""

    name: str
    encoding: str  # 'pcm', 'float', 'alaw' or 'ulaw'
    rate: int
    channels: int
    sample_bytes: int
    frames: int
    data_offset: int

    @property
    def duration_s(self) -> float:
        return self.frames / self.rate

    @property
    def frame_bytes(self) -> int:
        return self.sample_bytes * self.channels


def _open(source: str | os.PathLike[str] | bytes) -> tuple[BinaryIO, str, int]:
    if isinstance(source, (bytes, bytearray, memoryview)):
        data = bytes(source)
        return io.BytesIO(data), "<bytes>", len(data)
    path = Path(source)
    try:
        f = open(path, "rb")  # noqa: SIM115 - returned to the caller, who closes it
    except FileNotFoundError:
        raise AudioError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise AudioError(f"{path}: is a directory, not a WAV file") from None
    except OSError as exc:
        raise AudioError(f"{path}: cannot read: {exc.strerror}") from None
    return f, str(path), os.fstat(f.fileno()).st_size


def _parse_header(f: BinaryIO, name: str, size: int) -> WavInfo:
    head = f.read(12)
    if len(head) < 12 or head[:4] not in (b"RIFF", b"RF64") or head[8:12] != b"WAVE":
        if len(head) == 0:
            raise AudioError(f"{name}: empty file, not a WAV file")
        raise AudioError(f"{name}: not a WAV file (no RIFF/WAVE header)")
    fmt: tuple[int, int, int, int] | None = None
    while True:
        chunk = f.read(8)
        if len(chunk) < 8:
            if fmt is None:
                raise AudioError(f"{name}: truncated WAV: no 'fmt ' chunk")
            raise AudioError(f"{name}: truncated WAV: no 'data' chunk")
        cid, csize = chunk[:4], struct.unpack("<I", chunk[4:])[0]
        if cid == b"fmt ":
            if csize < 16:
                raise AudioError(f"{name}: corrupt WAV: 'fmt ' chunk is {csize} bytes, expected at least 16")
            body = f.read(csize)
            if len(body) < csize:
                raise AudioError(f"{name}: truncated WAV: 'fmt ' chunk is cut short")
            tag, channels, rate, _, _, bits = struct.unpack("<HHIIHH", body[:16])
            if tag == WAVE_FORMAT_EXTENSIBLE and csize >= 40:
                tag = struct.unpack("<H", body[24:26])[0]  # first two bytes of the sub-format GUID
            fmt = (tag, channels, rate, bits)
            if csize % 2:
                f.read(1)
        elif cid == b"data":
            if fmt is None:
                raise AudioError(f"{name}: corrupt WAV: 'data' chunk before 'fmt ' chunk")
            offset = f.tell()
            present = max(0, size - offset)
            if csize in _STREAMING_SIZES or head[:4] == b"RF64":
                csize = present
            elif csize > present:
                raise AudioError(
                    f"{name}: truncated WAV: the data chunk declares {csize} bytes but only {present} are present")
            return _info(name, fmt, csize, offset)
        else:
            skip = csize + (csize % 2)
            if f.tell() + skip > size:
                raise AudioError(f"{name}: truncated WAV: chunk {cid!r} runs past the end of the file")
            f.seek(skip, io.SEEK_CUR)


def _info(name: str, fmt: tuple[int, int, int, int], data_bytes: int, offset: int) -> WavInfo:
    tag, channels, rate, bits = fmt
    if tag not in _FORMAT_NAMES:
        raise AudioError(f"{name}: unsupported WAV encoding (format tag {tag})")
    encoding = _FORMAT_NAMES[tag]
    allowed = {"pcm": (8, 16, 24, 32), "float": (32, 64), "alaw": (8,), "ulaw": (8,)}[encoding]
    if bits not in allowed:
        raise AudioError(f"{name}: unsupported WAV sample width: {bits}-bit {encoding}")
    if channels < 1:
        raise AudioError(f"{name}: corrupt WAV: {channels} channels")
    if not 1000 <= rate <= 384000:
        raise AudioError(f"{name}: unsupported sample rate: {rate} Hz")
    sample_bytes = bits // 8
    return WavInfo(name=name, encoding=encoding, rate=rate, channels=channels, sample_bytes=sample_bytes,
                   frames=data_bytes // (sample_bytes * channels), data_offset=offset)


def wav_info(source: str | os.PathLike[str] | bytes) -> WavInfo:
    """Parse only the header of a WAV file (or WAV bytes)."""
    f, name, size = _open(source)
    with f:
        return _parse_header(f, name, size)


def _to_pcm16(raw: bytes, info: WavInfo) -> bytes:
    enc, width = info.encoding, info.sample_bytes
    if enc == "ulaw":
        x = _ULAW_DECODE[np.frombuffer(raw, dtype=np.uint8)]
    elif enc == "alaw":
        x = _ALAW_DECODE[np.frombuffer(raw, dtype=np.uint8)]
    elif enc == "float":
        f = np.frombuffer(raw, dtype="<f4" if width == 4 else "<f8")
        x = np.clip(np.nan_to_num(f) * 32768.0, -32768, 32767).astype("<i2")
    elif width == 1:
        x = ((np.frombuffer(raw, dtype=np.uint8).astype(np.int16) - 128) << 8).astype("<i2")
    elif width == 2:
        x = np.frombuffer(raw, dtype="<i2")
    elif width == 3:
        b = np.frombuffer(raw, dtype=np.uint8).reshape(-1, 3)
        x = (b[:, 1].astype(np.int16) | (b[:, 2].astype(np.int16) << 8)).astype("<i2")  # top 16 bits
    else:
        x = (np.frombuffer(raw, dtype="<i4") >> 16).astype("<i2")
    if info.channels > 1:
        x = x.reshape(-1, info.channels).astype(np.int32).mean(axis=1).round().astype("<i2")
    return x.tobytes()


def iter_wav(source: str | os.PathLike[str] | bytes, chunk_seconds: float = 1.0,
             max_seconds: float | None = None) -> Iterator[tuple[bytes, int]]:
    """Stream a WAV file as (pcm16 mono chunk, rate) pairs; memory stays bounded for any length."""
    if chunk_seconds <= 0:
        raise AudioError(f"chunk_seconds must be positive, got {chunk_seconds}")
    f, name, size = _open(source)
    with f:
        info = _parse_header(f, name, size)
        _check_length(info, max_seconds)
        f.seek(info.data_offset)
        per_chunk = max(1, int(info.rate * chunk_seconds)) * info.frame_bytes
        remaining = info.frames * info.frame_bytes
        while remaining > 0:
            raw = f.read(min(per_chunk, remaining))
            if not raw:
                raise AudioError(f"{name}: truncated WAV: the file ended while reading")
            raw = raw[: len(raw) - len(raw) % info.frame_bytes]
            remaining -= len(raw)
            if raw:
                yield _to_pcm16(raw, info), info.rate


def _check_length(info: WavInfo, max_seconds: float | None) -> None:
    if max_seconds is not None and info.duration_s > max_seconds:
        raise AudioError(f"{info.name}: {info.duration_s:.1f} s of audio is longer than the limit of "
                         f"{max_seconds:g} s")


def read_wav(source: str | os.PathLike[str] | bytes, max_seconds: float | None = None) -> tuple[bytes, int]:
    """Read a whole WAV file (path or bytes) as (pcm16 mono bytes, rate).

    Multi-channel audio is averaged to mono; other widths and G.711 are converted.
    With ``max_seconds`` a longer file is refused from its header, before any audio is read.
    """
    chunks: list[bytes] = []
    rate = 0
    for chunk, rate in iter_wav(source, chunk_seconds=60.0, max_seconds=max_seconds):
        chunks.append(chunk)
    if not chunks:
        rate = wav_info(source).rate
    return b"".join(chunks), rate


def wav_bytes(pcm16: bytes, rate: int, encoding: str = "pcm") -> bytes:
    """A complete WAV file in memory: 16-bit PCM, or G.711 with ``encoding='ulaw'|'alaw'``."""
    _check_rate(rate)
    if encoding == "pcm":
        data, tag, bits = bytes(pcm16), WAVE_FORMAT_PCM, 16
    elif encoding == "ulaw":
        data, tag, bits = pcm16_to_ulaw(pcm16), WAVE_FORMAT_MULAW, 8
    elif encoding == "alaw":
        data, tag, bits = pcm16_to_alaw(pcm16), WAVE_FORMAT_ALAW, 8
    else:
        raise AudioError(f"unknown WAV encoding {encoding!r} (expected pcm, ulaw or alaw)")
    _samples(pcm16)
    block = bits // 8
    if tag == WAVE_FORMAT_PCM:
        fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, tag, 1, rate, rate * block, block, bits)
        extra = b""
    else:  # non-PCM formats carry cbSize and a 'fact' chunk
        fmt = struct.pack("<4sIHHIIHHH", b"fmt ", 18, tag, 1, rate, rate * block, block, bits, 0)
        extra = struct.pack("<4sII", b"fact", 4, len(data))
    pad = b"\0" if len(data) % 2 else b""
    body = b"WAVE" + fmt + extra + struct.pack("<4sI", b"data", len(data)) + data + pad
    return b"RIFF" + struct.pack("<I", len(body)) + body


def write_wav(path: str | os.PathLike[str], pcm16: bytes, rate: int, encoding: str = "pcm") -> Path:
    """Write a mono WAV atomically (temporary file in the same folder, then rename)."""
    target = Path(path)
    try:
        write_atomic(target, wav_bytes(pcm16, rate, encoding))
    except OSError as exc:
        raise AudioError(f"{target}: cannot write: {exc.strerror}") from None
    return target


# -------------------------------------------------------------------- frames, levels


def frame_bytes(rate: int, frame_ms: int = FRAME_MS) -> int:
    """Bytes of pcm16 in one frame of ``frame_ms`` at ``rate``."""
    return rate * frame_ms // 1000 * SAMPLE_WIDTH


def iter_frames(pcm16: bytes, rate: int, frame_ms: int = FRAME_MS, *, pad: bool = True) -> Iterator[bytes]:
    """Split pcm16 into frames of ``frame_ms``; the last partial frame is zero-padded (or dropped)."""
    size = frame_bytes(rate, frame_ms)
    if size <= 0:
        raise AudioError(f"frame of {frame_ms} ms at {rate} Hz holds no samples")
    _samples(pcm16)
    for start in range(0, len(pcm16), size):
        frame = pcm16[start:start + size]
        if len(frame) < size:
            if not pad:
                return
            frame = frame + b"\0" * (size - len(frame))
        yield frame


def rms_dbfs(pcm16: bytes) -> float:
    """Root-mean-square level in dB relative to full scale; ``SILENCE_DBFS`` for silence or nothing."""
    x = _samples(pcm16)
    if x.size == 0:
        return SILENCE_DBFS
    ms = float(np.mean(np.square(x, dtype=np.float64)))
    if ms <= 0.0:
        return SILENCE_DBFS
    return max(SILENCE_DBFS, 10.0 * math.log10(ms / (32768.0 * 32768.0)))


# ------------------------------------------------------------------ voice activity


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
        _check_rate(rate)
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

    @property
    def noise_dbfs(self) -> float:
        return self._noise

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
