"""``ivr transcribe``: real WAVs of any format through the real default engine; bad input."""
from __future__ import annotations

import json
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from ivr import audio, cli

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"


@pytest.fixture
def base(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """No Vietnamese Vosk model anywhere: auto means viet-asr."""
    monkeypatch.setenv("IVR_ASR_MODELS_DIR", str(tmp_path / "asr_models"))
    monkeypatch.delenv("IVR_VOSK_MODEL", raising=False)
    return ["--data-dir", str(tmp_path / "data")]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_telephone_ulaw_wav(base: list[str], capsys) -> None:
    code, out, _ = run(capsys, "transcribe", str(DATA / "co.wav"), *base)
    assert (code, out) == (0, "có\n")


def test_json_output(base: list[str], capsys) -> None:
    code, out, _ = run(capsys, "transcribe", str(DATA / "muoi_chin.wav"), "--json", *base)
    assert code == 0
    doc = json.loads(out)
    assert doc["text"] == "mười chín" and doc["engine"] == "vietasr"
    assert doc["format"] == "ulaw 8000 Hz 8-bit x1"
    assert len(doc["utterances"]) == 1 and doc["utterances"][0]["start_s"] >= 0.4
    assert 0 < doc["speech_s"] < doc["duration_s"]


@pytest.mark.skipif(shutil.which("sox") is None, reason="sox is not installed")
@pytest.mark.parametrize("args", [["-r", "16000", "-b", "16"], ["-r", "44100", "-b", "24", "-c", "2"],
                                  ["-r", "8000", "-e", "a-law"]])
def test_other_rates_and_widths(base: list[str], capsys, tmp_path: Path, args: list[str]) -> None:
    out_wav = tmp_path / "converted.wav"
    subprocess.run(["sox", str(DATA / "khong.wav"), *args, str(out_wav)], check=True)
    assert run(capsys, "transcribe", str(out_wav), *base)[:2] == (0, "không\n")


def test_silent_and_empty_audio_give_an_empty_transcript(base: list[str], capsys, tmp_path: Path) -> None:
    assert run(capsys, "transcribe", str(DATA / "silence.wav"), *base)[:2] == (0, "\n")
    empty = audio.write_wav(tmp_path / "empty.wav", b"", 8000)
    code, out, _ = run(capsys, "transcribe", str(empty), "--json", *base)
    assert code == 0 and json.loads(out)["text"] == "" and json.loads(out)["utterances"] == []


def test_wrong_sample_rate_does_not_crash(base: list[str], capsys, tmp_path: Path) -> None:
    pcm, _ = audio.read_wav(DATA / "co.wav")
    mislabeled = audio.write_wav(tmp_path / "fast.wav", pcm, 16000)  # 8 kHz audio labelled 16 kHz
    code, _, _ = run(capsys, "transcribe", str(mislabeled), *base)
    assert code == 0
    odd = bytearray(audio.wav_bytes(pcm, 8000))
    odd[24:28] = struct.pack("<I", 500)
    (tmp_path / "odd.wav").write_bytes(bytes(odd))
    code, _, err = run(capsys, "transcribe", str(tmp_path / "odd.wav"), *base)
    assert code == 2 and err.strip().endswith("odd.wav: unsupported sample rate: 500 Hz")


def test_truncated_wav_is_a_clear_error(base: list[str], capsys, tmp_path: Path) -> None:
    data = (DATA / "co.wav").read_bytes()
    cut = tmp_path / "cut.wav"
    cut.write_bytes(data[:5000])
    code, out, err = run(capsys, "transcribe", str(cut), *base)
    assert (code, out) == (2, "")
    assert err.strip() == f"ivr: {cut}: truncated WAV: the data chunk declares {len(data) - 58} bytes " \
                          f"but only {5000 - 58} are present"


def test_eight_hour_file_is_refused_quickly(base: list[str], capsys, tmp_path: Path) -> None:
    path = tmp_path / "shift.wav"
    data_bytes = 8 * 3600 * 8000 * 2
    header = bytearray(audio.wav_bytes(b"", 8000))
    header[40:44] = struct.pack("<I", data_bytes)
    with open(path, "wb") as f:
        f.write(header)
        f.truncate(len(header) + data_bytes)  # sparse: nothing is really written
    code, _, err = run(capsys, "transcribe", str(path), *base)
    assert code == 2
    assert err.strip() == f"ivr: {path}: 28800.0 s of audio is longer than the limit of 3600 s"


def test_missing_vosk_model_is_one_line_and_non_zero(tmp_path: Path) -> None:
    env = {"PATH": "/usr/bin:/bin", "IVR_ASR_MODELS_DIR": str(tmp_path / "none"), "IVR_LOG_LEVEL": "WARNING",
           "HOME": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-m", "ivr.cli", "transcribe", str(DATA / "co.wav"), "--engine", "vosk",
                           "--data-dir", str(tmp_path / "data")],
                          check=False, capture_output=True, text=True, env=env, cwd=tmp_path, timeout=120)
    assert proc.returncode == 2 and proc.stdout == ""
    expected = (f"ivr: Vosk model not found at {tmp_path / 'none' / 'vosk-model-small-vn-0.4'}: "
                "run `ivr models fetch vosk-vn` (or set vosk_model to a Vosk model folder)")
    assert proc.stderr.splitlines() == [expected]

