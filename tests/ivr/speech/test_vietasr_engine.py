"""The viet-asr engine on real Vietnamese speech through the telephone path (fixtures from scripts/make-test-audio)."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.errors import ModelError
from ivr.speech.recognizer import Recognizer, open_recognizer
from ivr.speech.vietasr.engine import VietAsrEngine, library_path

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"


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
    assert engine.describe().startswith("viet-asr 0.1.0.dev11 model (embedded in the wheel) on ONNX Runtime ")
    assert engine.load_s > 0
    assert engine.folded == 38  # int8 convolution weights de-quantised once at load
    assert len(engine.vocabulary.tokens) == 4972
    assert engine.vocabulary.tokens[0] == "<blank>"


def test_model_is_read_without_loading_the_library(engine: VietAsrEngine) -> None:
    import sys
    assert "vietasr" not in sys.modules  # the library (and its own ONNX Runtime) stays out of the process
    assert library_path().name == "libvietasr.so"


def test_a_library_without_the_model_is_a_clear_error(tmp_path: Path) -> None:
    from ivr.speech.vietasr.elf import read_symbol
    fake = tmp_path / "libvietasr.so"
    fake.write_bytes(b"not an elf file at all")
    with pytest.raises(ModelError, match="not a 64-bit little-endian ELF file"):
        read_symbol(fake, "vietasr_asr_model_onnx")
    with pytest.raises(ModelError, match="no symbol vietasr_no_such_blob"):
        read_symbol(library_path(), "vietasr_no_such_blob")


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
            text, confidence = decoder.final()
            assert text == expected
            assert 0.9 <= confidence <= 1.0  # clear recorded speech: acoustic confidence near 1
        assert decoder.final() == ("", 0.0)
    finally:
        decoder.close()


def test_grammar_snaps_only_whole_answers(engine: VietAsrEngine) -> None:
    grammar = ["có", "không", "mười chín"]
    for name, expected in (("khong.wav", "không"), ("muoi_chin.wav", "mười chín"),
                           ("sentence_ly.wav", "chúng ta có thể áp dụng logic tương tự với người khác")):
        pcm, rate = audio.read_wav(DATA / name)
        decoder = engine.decoder(grammar)
        decoder.accept(audio.resample(pcm, rate, 16000))
        text, confidence = decoder.final()
        assert text == expected
        assert confidence > 0.9
        decoder.close()


def test_noise_is_not_confident_speech(engine: VietAsrEngine) -> None:
    import numpy as np
    decoder = engine.decoder(None)
    noise = np.random.default_rng(7).normal(0, 3000, 16000 * 2).astype("<i2").tobytes()
    decoder.accept(noise)
    text, confidence = decoder.final()
    assert text == "" or confidence < 0.9
    decoder.close()


def test_batched_runs_give_the_same_transcripts(engine: VietAsrEngine) -> None:
    names = {"sentence_ly.wav": "chúng ta có thể áp dụng logic tương tự với người khác",
             "muoi_chin.wav": "mười chín", "co.wav": "có"}
    clips = {n: audio.resample(*audio.read_wav(DATA / n), 16000) for n in names}
    decoders = {n: engine.decoder(None) for n in names}
    longest = max(len(c) for c in clips.values())
    runs = 0
    for i in range(0, longest, 6400):  # 200 ms of every stream, then one batched step
        for n, d in decoders.items():
            d.push(clips[n][i:i + 6400])
        runs += engine.run_ready(list(decoders.values()))
    chunks = sum(len(c) // 2 // 6400 for c in clips.values())  # 400 ms chunks, roughly
    assert 0 < runs < chunks  # streams shared model runs
    for n, d in decoders.items():
        assert d.final()[0] == names[n]
        d.close()


def test_trailing_chunks_of_ending_utterances_share_one_run_and_are_decoded_once(engine: VietAsrEngine) -> None:
    names = {"sentence_ly.wav": "chúng ta có thể áp dụng logic tương tự với người khác",
             "muoi_chin.wav": "mười chín", "co.wav": "có", "duoc.wav": "được"}
    clips = {n: audio.resample(*audio.read_wav(DATA / n), 16000) for n in names}
    alone = {}
    for n, clip in clips.items():  # one by one: final() runs each trailing chunk itself
        d = engine.decoder(None)
        d.accept(clip)
        alone[n] = d.final()
        d.close()
    decoders = {n: engine.decoder(None) for n in names}
    for n, d in decoders.items():
        d.push(clips[n])
    engine.run_ready(list(decoders.values()))
    assert all(d.pending_frames > 0 and not d.chunk_ready for d in decoders.values())
    assert engine.finish_ready(list(decoders.values())) == 1  # four trailing chunks, one model run
    assert all(d.pending_frames == 0 for d in decoders.values())
    calls = []
    real_run = engine.session.run
    engine.session.run = lambda *a, **k: calls.append(1) or real_run(*a, **k)  # type: ignore[method-assign]
    try:
        results = {n: d.final() for n, d in decoders.items()}
    finally:
        del engine.session.run
    assert calls == []  # nothing left for final() to run
    for n in names:  # (activations are quantised per run: a batch shifts confidences by a hair)
        assert results[n][0] == alone[n][0] == names[n]
        assert results[n][1] == pytest.approx(alone[n][1], abs=0.02)
        decoders[n].close()
