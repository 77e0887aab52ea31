"""The pure audio front end: G.711, pyVoIP 8-bit, resampling, WAV I/O, framing, voice gate."""
from __future__ import annotations

import math
import shutil
import struct
import subprocess
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr.errors import AudioError

with warnings.catch_warnings():
    warnings.simplefilter("ignore", DeprecationWarning)
    import audioop  # the C reference pyVoIP itself uses (Python <= 3.12)

ALL_CODES = bytes(range(256))
ALL_PCM = np.arange(-32768, 32768, dtype="<i2").tobytes()
DATA = Path(__file__).resolve().parents[2] / "data" / "audio"


def tone(freq: float, seconds: float, rate: int, amp: float = 8000.0) -> bytes:
    t = np.arange(int(seconds * rate)) / rate
    return (np.sin(2 * np.pi * freq * t) * amp).astype("<i2").tobytes()


# ------------------------------------------------------------------ G.711


def test_ulaw_decode_matches_g711_table() -> None:
    dec = np.frombuffer(audio.ulaw_to_pcm16(ALL_CODES), dtype="<i2")
    assert dec[0x00] == -32124 and dec[0x80] == 32124  # the segment ends of ITU-T G.711 Table 2
    assert dec[0xFF] == 0 and dec[0x7F] == 0
    assert audio.ulaw_to_pcm16(ALL_CODES) == audioop.ulaw2lin(ALL_CODES, 2)


def test_alaw_decode_matches_g711_table() -> None:
    dec = np.frombuffer(audio.alaw_to_pcm16(ALL_CODES), dtype="<i2")
    assert dec[0xD5] == 8 and dec[0x55] == -8  # the smallest A-law steps
    assert dec[0xAA] == 32256 and dec[0x2A] == -32256
    assert audio.alaw_to_pcm16(ALL_CODES) == audioop.alaw2lin(ALL_CODES, 2)


def test_alaw_encode_matches_reference_for_every_sample() -> None:
    assert audio.pcm16_to_alaw(ALL_PCM) == audioop.lin2alaw(ALL_PCM, 2)


def test_ulaw_encode_matches_reference_for_non_negative_samples() -> None:
    # audioop rounds negative samples with two's complement; ITU G.191 uses one's complement.
    positive = np.arange(0, 32768, dtype="<i2").tobytes()
    assert audio.pcm16_to_ulaw(positive) == audioop.lin2ulaw(positive, 2)
    # ITU G.191 for negative values: -1 and -4 still encode as the smallest negative step
    assert audio.pcm16_to_ulaw(struct.pack("<2h", -1, -4)) == bytes([0x7F, 0x7F])


@pytest.mark.parametrize("encode,decode", [(audio.pcm16_to_ulaw, audio.ulaw_to_pcm16),
                                           (audio.pcm16_to_alaw, audio.alaw_to_pcm16)])
def test_g711_round_trip_is_exact_on_codes(encode, decode) -> None:
    again = encode(decode(ALL_CODES))
    differ = [c for c in range(256) if again[c] != c]
    assert differ in ([], [0x7F])  # µ-law has +0 and -0; both decode to 0 and 0 encodes as +0


def test_g711_error_is_bounded_by_the_segment_step() -> None:
    x = np.frombuffer(ALL_PCM, dtype="<i2").astype(np.int32)
    for encode, decode in ((audio.pcm16_to_ulaw, audio.ulaw_to_pcm16), (audio.pcm16_to_alaw, audio.alaw_to_pcm16)):
        y = np.frombuffer(decode(encode(ALL_PCM)), dtype="<i2").astype(np.int32)
        err = np.abs(x - y)
        assert err.max() <= 1100  # half the largest segment step plus clipping at the ends
        assert err[np.abs(x) < 256].max() <= 16


def test_odd_length_pcm_is_an_error() -> None:
    with pytest.raises(AudioError, match="pcm16 audio must have an even number of bytes, got 3"):
        audio.pcm16_to_ulaw(b"\0\0\0")


# ------------------------------------------------------------------ pyVoIP 8-bit


def test_u8_round_trip_and_pyvoip_convention() -> None:
    assert audio.pcm16_to_u8(audio.u8_to_pcm16(ALL_CODES)) == ALL_CODES
    # pyVoIP: ulaw2lin(payload, 1) then bias(+128); our path goes through 16 bit and agrees.
    payload = bytes(range(256))
    pyvoip = audioop.bias(audioop.ulaw2lin(payload, 1), 1, 128)
    ours = audio.pcm16_to_u8(audio.ulaw_to_pcm16(payload))
    diff = np.abs(np.frombuffer(pyvoip, np.uint8).astype(int) - np.frombuffer(ours, np.uint8).astype(int))
    assert diff.max() <= 1  # we round, audioop truncates
    assert audio.u8_to_pcm16(b"\x80") == b"\0\0"


# ------------------------------------------------------------------ resampling


def _peak_hz(pcm: bytes, rate: int) -> float:
    x = np.frombuffer(pcm, dtype="<i2").astype(float)
    spectrum = np.abs(np.fft.rfft(x * np.hanning(len(x))))
    return float(np.argmax(spectrum) * rate / len(x))


def test_resample_8k_to_16k_is_clean() -> None:
    src = tone(1000, 1.0, 8000)
    out = audio.resample(src, 8000, 16000)
    assert abs(len(out) - 2 * len(src)) <= 4
    assert abs(_peak_hz(out, 16000) - 1000) < 5
    ideal = np.frombuffer(tone(1000, 1.0, 16000), dtype="<i2").astype(float)
    got = np.frombuffer(out, dtype="<i2").astype(float)[: len(ideal)]
    core = slice(800, len(ideal) - 800)
    snr = 10 * math.log10(np.sum(ideal[core] ** 2) / np.sum((ideal[core] - got[core]) ** 2))
    assert snr > 40


def test_resample_removes_what_the_target_rate_cannot_carry() -> None:
    high = tone(6000, 0.5, 16000)  # above the 4 kHz Nyquist limit of 8 kHz
    down = audio.resample(high, 16000, 8000)
    assert audio.rms_dbfs(down) < -50


def test_streaming_resampler_matches_whole_buffer() -> None:
    src = tone(440, 1.0, 8000)
    r = audio.Resampler(8000, 16000)
    parts = [r.process(chunk) for chunk in audio.iter_frames(src, 8000, 20)] + [r.flush()]
    streamed = np.frombuffer(b"".join(parts), dtype="<i2").astype(float)
    whole = np.frombuffer(audio.resample(src, 8000, 16000), dtype="<i2").astype(float)
    n = min(len(streamed), len(whole))
    assert abs(len(streamed) - len(whole)) <= 4
    assert np.max(np.abs(streamed[:n] - whole[:n])) < 200


def test_resample_same_rate_and_bad_rates() -> None:
    assert audio.resample(b"\1\0\2\0", 8000, 8000) == b"\1\0\2\0"
    with pytest.raises(AudioError, match=r"unsupported sample rate: 0 \(expected 1000 to 384000 Hz\)"):
        audio.resample(b"", 0, 8000)


# ------------------------------------------------------------------ WAV files


def test_write_and_read_pcm_wav(tmp_path: Path) -> None:
    pcm = tone(300, 0.5, 16000)
    path = audio.write_wav(tmp_path / "a.wav", pcm, 16000)
    assert audio.read_wav(path) == (pcm, 16000)
    assert [p.name for p in tmp_path.iterdir()] == ["a.wav"]  # no temporary file left


@pytest.mark.parametrize("encoding", ["ulaw", "alaw"])
def test_g711_wav_round_trip(tmp_path: Path, encoding: str) -> None:
    pcm = tone(300, 0.5, 8000)
    path = audio.write_wav(tmp_path / "g.wav", pcm, 8000, encoding=encoding)
    info = audio.wav_info(path)
    assert (info.encoding, info.rate, info.sample_bytes, info.frames) == (encoding, 8000, 1, 4000)
    back, rate = audio.read_wav(path)
    assert rate == 8000 and len(back) == len(pcm)
    assert audio.rms_dbfs(back) == pytest.approx(audio.rms_dbfs(pcm), abs=0.2)


needs_sox = pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")


@needs_sox
@pytest.mark.parametrize("args,encoding,rate,width", [
    (["-e", "u-law", "-r", "8000"], "ulaw", 8000, 1),
    (["-e", "a-law", "-r", "8000"], "alaw", 8000, 1),
    (["-b", "8", "-e", "unsigned", "-r", "11025"], "pcm", 11025, 1),
    (["-b", "24", "-r", "44100", "-c", "2"], "pcm", 44100, 3),  # sox writes WAVE_FORMAT_EXTENSIBLE here
    (["-b", "32", "-e", "floating-point", "-r", "22050"], "float", 22050, 4),
    (["-b", "32", "-e", "signed", "-r", "48000"], "pcm", 48000, 4),
])
def test_reads_wavs_written_by_sox(tmp_path: Path, args: list[str], encoding: str, rate: int, width: int) -> None:
    src = audio.write_wav(tmp_path / "src.wav", tone(500, 0.4, 16000), 16000)
    out = tmp_path / "out.wav"
    subprocess.run(["sox", str(src), *args, str(out)], check=True)
    info = audio.wav_info(out)
    assert (info.encoding, info.rate, info.sample_bytes) == (encoding, rate, width)
    pcm, got_rate = audio.read_wav(out)
    assert got_rate == rate
    assert abs(len(pcm) / 2 / rate - 0.4) < 0.01
    assert abs(_peak_hz(pcm, rate) - 500) < 10
    assert audio.rms_dbfs(pcm) == pytest.approx(audio.rms_dbfs(tone(500, 0.4, 16000)), abs=1.0)


def test_stereo_is_mixed_to_mono() -> None:
    left = np.full(100, 1000, dtype="<i2")
    right = np.full(100, 3000, dtype="<i2")
    stereo = np.stack([left, right], axis=1).tobytes()
    fmt = struct.pack("<4sIHHIIHH", b"fmt ", 16, 1, 2, 8000, 32000, 4, 16)
    body = b"WAVE" + fmt + struct.pack("<4sI", b"data", len(stereo)) + stereo
    pcm, _ = audio.read_wav(b"RIFF" + struct.pack("<I", len(body)) + body)
    assert set(np.frombuffer(pcm, dtype="<i2").tolist()) == {2000}


def test_streaming_writer_size_reads_to_end() -> None:
    blob = bytearray(audio.wav_bytes(tone(300, 0.1, 8000), 8000))
    blob[40:44] = struct.pack("<I", 0x7FFFF000)  # what espeak-ng --stdout writes
    pcm, _ = audio.read_wav(bytes(blob))
    assert len(pcm) == 1600


def test_bad_wavs_have_clear_errors(tmp_path: Path) -> None:
    good = audio.wav_bytes(tone(300, 0.5, 8000), 8000)
    cases = {
        b"": "<bytes>: empty file, not a WAV file",
        b"ID3\x03" + b"\0" * 40: r"<bytes>: not a WAV file \(no RIFF/WAVE header\)",
        good[:30]: "<bytes>: truncated WAV: 'fmt ' chunk is cut short",
        good[:36]: "<bytes>: truncated WAV: no 'data' chunk",
        good[:1000]: "<bytes>: truncated WAV: the data chunk declares 8000 bytes but only 956 are present",
        good[:12]: "<bytes>: truncated WAV: no 'fmt ' chunk",
    }
    for blob, message in cases.items():
        with pytest.raises(AudioError, match=f"^{message}$"):
            audio.read_wav(blob)
    adpcm = bytearray(good)
    adpcm[20:22] = struct.pack("<H", 0x11)
    with pytest.raises(AudioError, match=r"unsupported WAV encoding \(format tag 17\)"):
        audio.read_wav(bytes(adpcm))
    with pytest.raises(AudioError, match=r"no-such\.wav: no such file"):
        audio.read_wav(tmp_path / "no-such.wav")
    with pytest.raises(AudioError, match="is a directory, not a WAV file"):
        audio.read_wav(tmp_path)


def test_truncated_real_fixture_names_the_file(tmp_path: Path) -> None:
    data = (DATA / "co.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(AudioError, match=rf"^{cut}: truncated WAV: the data chunk declares"):
        audio.read_wav(cut)


def _eight_hour_wav(path: Path) -> int:
    """A sparse 8-hour 8 kHz 16-bit WAV: the header is real, the data is a hole in the file."""
    data_bytes = 8 * 3600 * 8000 * 2
    header = audio.wav_bytes(b"", 8000)[:-8] + struct.pack("<4sI", b"data", data_bytes)
    header = header[:4] + struct.pack("<I", len(header) - 8 + data_bytes) + header[8:]
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + data_bytes)
    return data_bytes


def test_eight_hour_file_is_refused_from_its_header(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    _eight_hour_wav(path)
    assert audio.wav_info(path).duration_s == 28800.0
    with pytest.raises(AudioError, match=r"long\.wav: 28800\.0 s of audio is longer than the limit of 600 s"):
        audio.read_wav(path, max_seconds=600)


def test_eight_hour_file_streams_in_bounded_memory(tmp_path: Path) -> None:
    path = tmp_path / "long.wav"
    _eight_hour_wav(path)
    tracemalloc.start()
    try:
        seen = 0
        for i, (chunk, rate) in enumerate(audio.iter_wav(path, chunk_seconds=1.0)):  # noqa: B007 - rate is read below
            seen += len(chunk)
            if i == 199:
                break
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert rate == 8000 and seen == 200 * 16000
    assert peak < 2_000_000  # a few chunks, not 460 MB


def test_write_wav_into_a_missing_folder_fails_cleanly(tmp_path: Path) -> None:
    with pytest.raises(AudioError, match=r"missing/x\.wav: cannot write: No such file or directory"):
        audio.write_wav(tmp_path / "missing" / "x.wav", b"\0\0", 8000)


# ------------------------------------------------------------------ frames and levels


def test_iter_frames_pads_the_last_frame() -> None:
    frames = list(audio.iter_frames(b"\1\0" * 170, 8000, 20))
    assert [len(f) for f in frames] == [320, 320]
    assert frames[1].endswith(b"\0\0" * 150)
    assert len(list(audio.iter_frames(b"\1\0" * 170, 8000, 20, pad=False))) == 1


def test_rms_dbfs() -> None:
    assert audio.rms_dbfs(b"") == audio.SILENCE_DBFS
    assert audio.rms_dbfs(bytes(320)) == audio.SILENCE_DBFS
    assert audio.rms_dbfs(struct.pack("<2h", 32767, -32767)) == pytest.approx(0.0, abs=0.01)
    assert audio.rms_dbfs(tone(1000, 1.0, 8000, amp=32767)) == pytest.approx(-3.01, abs=0.05)


# ------------------------------------------------------------------ voice gate


def _events(gate: audio.VoiceGate, pcm: bytes, chunk: int = 333) -> list[audio.GateEvent]:
    out: list[audio.GateEvent] = []
    for i in range(0, len(pcm), chunk * 2):  # odd chunk sizes: frames straddle feeds
        out.extend(gate.feed(pcm[i:i + chunk * 2]))
    return out + gate.flush()


def test_gate_passes_no_silence() -> None:
    gate = audio.VoiceGate(8000)
    events = _events(gate, bytes(8000 * 2 * 3))
    assert len(events) == 150
    assert not any(e.audio or e.started or e.ended for e in events)


def test_gate_finds_an_utterance_with_pre_roll_and_endpoint() -> None:
    rate = 8000
    pcm = bytes(rate * 2) + tone(300, 1.0, rate) + bytes(rate * 2 * 2)
    gate = audio.VoiceGate(rate, start_ms=60, pre_roll_ms=200, hangover_ms=300, end_silence_ms=700)
    events = _events(gate, pcm)
    started = [e for e in events if e.started]
    ended = [e for e in events if e.ended]
    assert len(started) == 1 and len(ended) == 1
    assert started[0].start_s == pytest.approx(1.0, abs=0.021)
    assert started[0].time_s == pytest.approx(1.06, abs=0.021)  # confirmed after 60 ms of speech
    assert len(started[0].audio) == (10 + 3) * 320  # 200 ms pre-roll + the 3 onset frames
    assert ended[0].time_s == pytest.approx(2.7, abs=0.021)  # 700 ms after the tone
    passed = sum(len(e.audio) for e in events) / 2 / rate
    assert passed == pytest.approx(0.2 + 1.0 + 0.3, abs=0.03)  # pre-roll, speech, hangover: never the rest


def test_gate_ends_long_speech_at_max_utterance() -> None:
    gate = audio.VoiceGate(8000, max_utterance_ms=2000)
    events = _events(gate, tone(300, 5.0, 8000))
    assert sum(e.ended for e in events) >= 2


def test_gate_flush_closes_an_open_utterance() -> None:
    gate = audio.VoiceGate(8000)
    events = gate.feed(tone(300, 0.5, 8000))
    assert gate.in_utterance and not any(e.ended for e in events)
    assert gate.flush()[-1].ended


def test_gate_stops_treating_a_steady_hum_as_speech() -> None:
    gate = audio.VoiceGate(8000, max_utterance_ms=60000)
    hum = tone(100, 12.0, 8000, amp=1500)  # about -30 dBFS, constant
    events = _events(gate, hum)
    assert events[-1].speech is False
    assert any(e.ended for e in events)
