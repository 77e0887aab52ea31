"""WAV files: any rate, width (8/16/24/32-bit PCM, 32/64-bit float) and channel count.

Includes µ-law and A-law WAVs (format tags 7 and 6, which Python's ``wave`` rejects).
Reads are bounded: ``max_seconds`` refuses long files before reading them and ``iter_wav``
streams a file of any length in fixed-size chunks. Errors name the file and the problem.
"""
from __future__ import annotations

import io
import os
import struct
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import numpy as np

from ivr.audio.g711 import alaw_to_pcm16, pcm16_to_alaw, pcm16_to_ulaw, ulaw_to_pcm16
from ivr.audio.pcm import check_rate
from ivr.audio.pcm import samples as _samples
from ivr.errors import AudioError
from ivr.store.atomicfile import write_atomic

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
        x = np.frombuffer(ulaw_to_pcm16(raw), dtype="<i2")
    elif enc == "alaw":
        x = np.frombuffer(alaw_to_pcm16(raw), dtype="<i2")
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
    for chunk, rate in iter_wav(source, chunk_seconds=60.0, max_seconds=max_seconds):  # noqa: B007 - rate is returned
        chunks.append(chunk)
    if not chunks:
        rate = wav_info(source).rate
    return b"".join(chunks), rate


def wav_bytes(pcm16: bytes, rate: int, encoding: str = "pcm") -> bytes:
    """A complete WAV file in memory: 16-bit PCM, or G.711 with ``encoding='ulaw'|'alaw'``."""
    check_rate(rate)
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
