"""The viet-asr engine on real Vietnamese speech through the telephone path (fixtures from scripts/make-test-audio)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.recognizer import Recognizer, open_recognizer
from ivr.vietasr_engine import OPEN_CONFIDENCE, VietAsrEngine

DATA = Path(__file__).resolve().parent.parent / "data" / "audio"


def fixtures() -> list[tuple[str, str]]:
    rows = []
    for line in (DATA / "fixtures.tsv").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            name, _, text = line.partition("\t")
            rows.append((name, text))
    return rows


@pytest.fixture(scope="module")
def engine(tmp_path_factory: pytest.TempPathFactory) -> VietAsrEngine:
    tmp = tmp_path_factory.mktemp("vietasr")
    cfg = config_mod.load(env={}, data_dir=tmp / "data", asr_models_dir=tmp)
    loaded = open_recognizer(cfg, "vietasr").engine  # the process-wide model, shared with other tests
    assert isinstance(loaded, VietAsrEngine)
    return loaded


@pytest.fixture(scope="module")
def rec(engine: VietAsrEngine) -> Recognizer:
    return Recognizer(engine)


def test_engine_facts(engine: VietAsrEngine) -> None:
    assert engine.sample_rate == 16000
    assert engine.modules == ("vietasr",)
    assert engine.describe().startswith("viet-asr 0.1.0.dev11 (vietasr, embedded model)")
    assert engine.load_s > 0


@pytest.mark.slow
@pytest.mark.parametrize("name,expected", fixtures())
def test_fixture_transcripts_exact(rec: Recognizer, name: str, expected: str) -> None:
    pcm, rate = audio.read_wav(DATA / name)
    stream = rec.stream(rate)
    finals = [r.text for r in stream.accept(pcm) if r.final]
    last = stream.finish()
    assert (" ".join(finals) if finals else last.text) == expected


def test_decoder_is_reused_across_utterances(engine: VietAsrEngine) -> None:
    decoder = engine.decoder(None)
    try:
        for name, expected in (("co.wav", "có"), ("khong.wav", "không")):
            pcm, rate = audio.read_wav(DATA / name)
            decoder.accept(audio.resample(pcm, rate, 16000))
            assert decoder.final() == (expected, OPEN_CONFIDENCE)
        assert decoder.final() == ("", 0.0)
    finally:
        decoder.close()


def test_grammar_snaps_only_whole_answers(engine: VietAsrEngine) -> None:
    grammar = ["có", "không", "mười chín"]
    for name, expected in (("khong.wav", ("không", 1.0)), ("muoi_chin.wav", ("mười chín", 1.0)),
                           ("sentence_ly.wav", ("chúng ta có thể áp dụng logic tương tự với người khác",
                                                OPEN_CONFIDENCE))):
        pcm, rate = audio.read_wav(DATA / name)
        decoder = engine.decoder(grammar)
        decoder.accept(audio.resample(pcm, rate, 16000))
        assert decoder.final() == expected
        decoder.close()
