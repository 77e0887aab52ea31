"""Quiet callers are heard: the real viet-asr recognizer on recordings 20-30 dB down (issue 12).

``RecognizerStream`` normalises the level before its voice gate (``ivr.audio.LevelNormalizer``);
without it the gate (-45 dBFS) stays shut on these recordings and the result is empty.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.speech.recognizer import Recognizer, open_recognizer

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"


def expected() -> dict[str, str]:
    rows = {}
    for line in (DATA / "fixtures.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, text = line.partition("\t")
            rows[name] = text
    return rows


def attenuate(pcm16: bytes, db: float) -> bytes:
    x = np.frombuffer(pcm16, dtype="<i2").astype(np.float64) * 10 ** (-db / 20)
    return np.rint(x).astype("<i2").tobytes()


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    tmp = tmp_path_factory.mktemp("vietasr")
    cfg = config_mod.load(env={}, data_dir=tmp / "data", asr_models_dir=tmp)
    return Recognizer(open_recognizer(cfg, "vietasr").engine)  # the process-wide model


def recognize(rec: Recognizer, pcm16: bytes, rate: int) -> str:
    stream = rec.stream(rate)
    finals = []
    for i in range(0, len(pcm16), 320):  # 20 ms at a time, as the line delivers it
        finals += [r.text for r in stream.accept(pcm16[i:i + 320]) if r.final]
    last = stream.finish()
    return " ".join(finals) if finals else last.text


def gate_opens(pcm16: bytes, rate: int) -> bool:
    gate = audio.VoiceGate(rate)
    return any(ev.started for ev in gate.feed(pcm16) + gate.flush())


@pytest.mark.parametrize("name", ["co.wav", "khong.wav"])
def test_a_word_30_db_down_is_recognized_as_the_original(rec: Recognizer, name: str) -> None:
    pcm, rate = audio.read_wav(DATA / name)
    quiet = attenuate(pcm, 30)
    assert not gate_opens(quiet, rate)  # what the recognizer heard before: nothing
    assert recognize(rec, quiet, rate) == recognize(rec, pcm, rate) == expected()[name]


def test_a_quiet_word_through_g711_is_recognized(rec: Recognizer) -> None:
    pcm, rate = audio.read_wav(DATA / "duoc.wav")
    line = audio.ulaw_to_pcm16(audio.pcm16_to_ulaw(attenuate(pcm, 30)))
    assert recognize(rec, line, rate) == "được"


@pytest.mark.slow
@pytest.mark.parametrize("db", [20, 25, 30])
@pytest.mark.parametrize("name", sorted(expected()))
def test_every_fixture_attenuated_is_recognized_the_same(rec: Recognizer, name: str, db: int) -> None:
    pcm, rate = audio.read_wav(DATA / name)
    assert recognize(rec, attenuate(pcm, db), rate) == expected()[name]


def test_silence_and_line_noise_stay_silent(rec: Recognizer) -> None:
    pcm, rate = audio.read_wav(DATA / "silence.wav")
    rng = np.random.default_rng(3)
    hiss = np.clip(np.rint(rng.standard_normal(rate * 3) * 32768 * 10 ** (-70 / 20)), -32768, 32767)
    for quiet in (pcm, attenuate(pcm, 25), hiss.astype("<i2").tobytes(), bytes(rate * 2 * 2)):
        stream = rec.stream(rate)
        assert [r for r in stream.accept(quiet) if r.final] == []
        assert stream.finish().text == ""
        assert stream.decoded_s == 0.0  # the gate never opened: nothing reached the decoder
