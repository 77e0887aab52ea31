"""Streaming decoding in child processes (real viet-asr model, real spawned processes)."""
from __future__ import annotations

import os
import signal
import time
from pathlib import Path

import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.engine import actions as A
from ivr.errors import AudioError
from ivr.speech.streampool import StreamPool

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"
pytestmark = pytest.mark.slow


def pcm(name: str) -> bytes:
    data, rate = audio.read_wav(DATA / name)
    return audio.resample(data, rate, 8000)


@pytest.fixture(scope="module")
def pool(tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("streampool")
    cfg = config_mod.load(env={}, data_dir=tmp / "data", asr_models_dir=tmp, asr_engine="vietasr")
    p = StreamPool(cfg, 1, max_backlog_s=2.0)
    yield p
    p.shutdown()


def test_an_utterance_fed_as_spoken_is_transcribed(pool: StreamPool) -> None:
    pool.wait_ready(timeout=120)
    utt = pool.open(None)
    for frame in audio.iter_frames(pcm("sentence_ly.wav"), 8000, 20):
        utt.feed(frame)
    text, confidence = utt.finish().result(timeout=60)
    assert text == "chúng ta có thể áp dụng logic tương tự với người khác"
    assert confidence > 0.9
    assert pool.pending == 0


def test_a_closed_question_uses_its_grammar(pool: StreamPool) -> None:
    text, confidence = pool.submit(pcm("khong.wav"), A.Listen(timeout_s=5, expect=("yes", "no"))).result(timeout=60)
    assert text == "không" and confidence > 0.9


def test_utterances_interleave_on_one_child(pool: StreamPool) -> None:
    a, b = pool.open(None), pool.open(None)
    frames_a = list(audio.iter_frames(pcm("co.wav"), 8000, 20))
    frames_b = list(audio.iter_frames(pcm("duoc.wav"), 8000, 20))
    for i in range(max(len(frames_a), len(frames_b))):
        if i < len(frames_a):
            a.feed(frames_a[i])
        if i < len(frames_b):
            b.feed(frames_b[i])
    assert b.finish().result(timeout=60)[0] == "được"
    assert a.finish().result(timeout=60)[0] == "có"


def test_a_cancelled_utterance_resolves_empty(pool: StreamPool) -> None:
    utt = pool.open(None)
    utt.feed(pcm("co.wav"))
    utt.cancel()
    assert utt.future.result(timeout=1) == ("", 0.0)
    assert pool.submit(pcm("co.wav"), None).result(timeout=60)[0] == "có"  # the child carries on


def test_backlog_marks_the_pool_saturated(tmp_path: Path) -> None:
    cfg = config_mod.load(env={}, data_dir=tmp_path / "data", asr_models_dir=tmp_path, asr_engine="vietasr")
    p = StreamPool(cfg, 1, max_backlog_s=2.0)
    try:
        speech = pcm("sentence_doan.wav")
        futures = [p.submit(speech, None) for _ in range(3)]  # ~17 s of audio before the model is even loaded
        assert p.backlog_s > 2.0 and p.saturated
        assert all(f.result(timeout=120)[0].startswith("nuôi con") for f in futures)
        assert p.backlog_s == 0.0 and not p.saturated
    finally:
        p.shutdown()


def test_a_dead_child_fails_its_utterances_and_is_replaced(tmp_path: Path) -> None:
    cfg = config_mod.load(env={}, data_dir=tmp_path / "data", asr_models_dir=tmp_path, asr_engine="vietasr")
    p = StreamPool(cfg, 1)
    try:
        p.wait_ready(timeout=120)
        utt = p.open(None)
        utt.feed(pcm("co.wav"))
        pid = p._children[0].process.pid
        assert pid is not None
        os.kill(pid, signal.SIGKILL)
        with pytest.raises(AudioError, match="decode process 0 died"):
            utt.finish().result(timeout=30)
        deadline = time.monotonic() + 120
        while p._children[0].process.pid == pid and time.monotonic() < deadline:
            time.sleep(0.2)
        assert p.submit(pcm("co.wav"), None).result(timeout=120)[0] == "có"
    finally:
        p.shutdown()
