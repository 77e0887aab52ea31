"""Importing a human recording uploaded by an admin: validation, conversion, atomic storage, revert."""
from __future__ import annotations

import io
import json
import math
import wave
from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr.config import Config
from ivr.errors import AudioError, PromptError
from ivr.tts.espeak import EspeakSynthesizer
from ivr.tts.recording import (
    CORRUPT,
    history,
    import_recording,
    recorded_text,
    revert_recording,
    validate,
)

TEXT = "Xin chào, đây là tổng đài hỗ trợ người mắc Covid-19 điều trị tại nhà."


@pytest.fixture
def rcfg(cfg: Config, tmp_path: Path) -> Config:
    return cfg.replace(recordings_dir=tmp_path / "recordings")


def wav(samples: np.ndarray, rate: int, channels: int = 1) -> bytes:
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.asarray(samples, dtype="<i2").tobytes())
    return buf.getvalue()


def voice_like(seconds: float, rate: int, channels: int = 1, amplitude: float = 6000.0) -> bytes:
    """A 44.1 kHz-style upload: a tone with a syllable-rate envelope, interleaved over ``channels``."""
    t = np.arange(int(seconds * rate)) / rate
    x = amplitude * np.sin(2 * math.pi * 220 * t) * (0.6 + 0.4 * np.sin(2 * math.pi * 4 * t))
    return wav(np.repeat(np.clip(x, -32768, 32767).astype("<i2"), channels), rate, channels)


def test_stereo_44khz_upload_is_stored_as_8khz_mono(rcfg: Config) -> None:
    info = import_recording(rcfg, "greeting", voice_like(2.5, 44100, channels=2), text=TEXT)
    stored = rcfg.recordings_dir / "greeting.wav"
    assert info.path == stored and (info.source_rate, info.source_channels) == (44100, 2)
    header = audio.wav_info(stored)
    assert (header.rate, header.channels, header.sample_bytes, header.encoding) == (8000, 1, 2, "pcm")
    assert header.duration_s == pytest.approx(2.5, abs=0.01) and info.duration_s == pytest.approx(2.5, abs=0.01)
    pcm, _ = audio.read_wav(stored)
    assert audio.rms_dbfs(pcm) == pytest.approx(info.level_dbfs, abs=0.5)
    meta = json.loads((rcfg.recordings_dir / "greeting.json").read_text(encoding="utf-8"))
    assert meta["text"] == TEXT and meta["source_rate"] == 44100
    assert recorded_text(rcfg.recordings_dir, "greeting") == (True, TEXT)
    assert sorted(p.name for p in rcfg.recordings_dir.iterdir()) == ["greeting.json", "greeting.wav"]


def test_real_speech_recording_is_accepted(rcfg: Config) -> None:
    with EspeakSynthesizer() as synth:
        pcm, rate = synth.synthesize(TEXT)
    info = import_recording(rcfg, "greeting", audio.wav_bytes(pcm, rate), text=TEXT)
    assert info.duration_s == pytest.approx(len(pcm) / 2 / rate, abs=0.01)


@pytest.mark.parametrize(("upload", "message"), [
    (b"", f"{CORRUPT}."),
    (b"this is not audio at all, just text pretending" * 10, f"{CORRUPT}."),
    (voice_like(2.0, 16000)[:1000], f"{CORRUPT}."),  # truncated: the data chunk is cut short
    (voice_like(2.0, 16000)[:30], f"{CORRUPT}."),  # truncated inside the header
    (b"RIFF\x00\x00\x00\x00WAVEfmt \x02\x00\x00\x00", f"{CORRUPT}."),
    (wav(np.zeros(16000), 16000), "Bản ghi âm gần như im lặng. Hãy kiểm tra micrô và ghi lại, nói gần micrô hơn."),
    (voice_like(0.1, 16000), "Bản ghi âm quá ngắn (0,1 giây); cần dài ít nhất 0,3 giây."),
    (voice_like(61.0, 8000), "Bản ghi âm dài 61,0 giây, vượt quá giới hạn 60 giây. Hãy ghi ngắn hơn."),
    (voice_like(2.0, 16000, amplitude=60000.0),
     "Bản ghi âm bị méo tiếng vì quá to. Hãy ghi lại nhỏ hơn hoặc xa micrô hơn."),
], ids=["empty", "text", "truncated-data", "truncated-header", "bad-fmt", "silent", "too-short", "too-long",
        "clipped"])
def test_bad_uploads_are_rejected_in_vietnamese_and_change_nothing(rcfg: Config, upload: bytes,
                                                                   message: str) -> None:
    import_recording(rcfg, "greeting", voice_like(1.0, 8000), text=TEXT)
    before = (rcfg.recordings_dir / "greeting.wav").read_bytes()
    with pytest.raises(AudioError) as err:
        import_recording(rcfg, "greeting", upload, text=TEXT)
    assert str(err.value) == message
    assert (rcfg.recordings_dir / "greeting.wav").read_bytes() == before
    assert sorted(p.name for p in rcfg.recordings_dir.iterdir()) == ["greeting.json", "greeting.wav"]


def test_validate_keeps_a_quiet_but_real_voice() -> None:
    pcm, level, rate, channels = validate(voice_like(1.0, 16000, amplitude=300.0))
    assert -50 < level < -45 and (rate, channels) == (16000, 1) and len(pcm) == 16000


def test_revert_withdraws_the_recording_into_its_history(rcfg: Config) -> None:
    assert revert_recording(rcfg, "greeting") is False
    import_recording(rcfg, "greeting", voice_like(1.0, 8000), text=TEXT)
    assert revert_recording(rcfg, "greeting") is True
    assert sorted(p.name for p in rcfg.recordings_dir.iterdir()) == ["history"]  # nothing plays any more
    assert recorded_text(rcfg.recordings_dir, "greeting") == (False, None)
    (old,) = history(rcfg.recordings_dir, "greeting")
    assert old["text"] == TEXT and Path(str(old["path"])).is_file()


def test_unsafe_prompt_id_and_unwritable_folder(rcfg: Config, tmp_path: Path) -> None:
    with pytest.raises(PromptError, match="invalid prompt id"):
        import_recording(rcfg, "../../etc/x", voice_like(1.0, 8000), text=TEXT)
    with pytest.raises(PromptError, match="invalid prompt id"):
        revert_recording(rcfg, "../x")
    blocker = tmp_path / "file"
    blocker.write_text("")
    with pytest.raises(AudioError, match=r"^Không lưu được bản ghi âm vào thư mục .*file/rec: Not a directory$"):
        import_recording(rcfg.replace(recordings_dir=blocker / "rec"), "greeting", voice_like(1.0, 8000), text=TEXT)


def test_a_stored_recording_is_private(rcfg: Config) -> None:
    info = import_recording(rcfg, "greeting", voice_like(1.0, 8000), text=TEXT)
    for path in (info.path, info.path.with_suffix(".json")):
        assert path.stat().st_mode & 0o777 == 0o600, path
