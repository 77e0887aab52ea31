"""Level normalisation before the voice gate (ivr.audio.agc): quiet speech lifted, noise kept down, no clipping."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr.audio.agc import DIGITAL_SILENCE_FLOOR_DBFS, LevelNormalizer
from ivr.errors import AudioError

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"
RATE = 8000
FRAME = audio.frame_bytes(RATE)


def attenuate(pcm16: bytes, db: float) -> bytes:
    x = np.frombuffer(pcm16, dtype="<i2").astype(np.float64) * 10 ** (-db / 20)
    return np.rint(x).astype("<i2").tobytes()


def noise(seconds: float, dbfs: float, seed: int = 7) -> bytes:
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(int(seconds * RATE)) * 32768 * 10 ** (dbfs / 20)
    return np.clip(np.rint(x), -32768, 32767).astype("<i2").tobytes()


def in_frames(agc: LevelNormalizer, pcm16: bytes, size: int = FRAME) -> bytes:
    return b"".join(agc.process(pcm16[i:i + size]) for i in range(0, len(pcm16), size))


def utterances(pcm16: bytes) -> int:
    gate = audio.VoiceGate(RATE)
    events = gate.feed(pcm16) + gate.flush()
    return sum(ev.started for ev in events)


def peak(pcm16: bytes) -> int:
    return int(np.max(np.abs(np.frombuffer(pcm16, dtype="<i2").astype(np.int32))))


def speech_level(pcm16: bytes) -> float:
    """The level of the loud tenth of the frames (the speech, not the pauses)."""
    return float(np.percentile([audio.rms_dbfs(f) for f in audio.iter_frames(pcm16, RATE)], 90))


@pytest.fixture(scope="module")
def word() -> bytes:
    pcm, rate = audio.read_wav(DATA / "co.wav")
    assert rate == RATE
    return pcm


@pytest.fixture(scope="module")
def sentence() -> bytes:
    pcm, rate = audio.read_wav(DATA / "sentence_ly.wav")
    assert rate == RATE
    return pcm


def test_speech_at_a_normal_level_is_left_alone(sentence: bytes, word: bytes) -> None:
    # the recordings' padding noise (-61 dBFS) is at the noise ceiling already; after a quieter gap
    # (-78 dBFS) inside the sentence it may be lifted a little until the floor follows it (1.5 s)
    for pcm in (sentence, word):
        agc = LevelNormalizer(RATE)
        out = in_frames(agc, pcm)
        for a, b in zip(audio.iter_frames(pcm, RATE), audio.iter_frames(out, RATE)):
            lift = audio.rms_dbfs(b) - audio.rms_dbfs(a)
            assert 0.0 <= lift <= 6.0
            if audio.rms_dbfs(a) > -40.0:  # speech
                assert lift <= 0.5
        assert utterances(out) == utterances(pcm) == 1


@pytest.mark.parametrize("db", [20, 25, 30])
def test_attenuated_speech_is_lifted_back_towards_the_target(sentence: bytes, db: int) -> None:
    quiet = attenuate(sentence, db)
    out = in_frames(LevelNormalizer(RATE), quiet)
    assert len(out) == len(quiet)
    assert speech_level(quiet) < -30.0
    assert -26.0 <= speech_level(out) <= -14.0  # target -20 dBFS; the original's is -12.8
    assert peak(out) <= 32767 * 10 ** (-1 / 20) + 1


def test_the_quiet_word_that_the_gate_missed_now_opens_it(word: bytes) -> None:
    quiet = attenuate(word, 30)
    assert utterances(word) == 1
    assert utterances(quiet) == 0  # the bug: a quiet caller was never heard
    assert utterances(in_frames(LevelNormalizer(RATE), quiet)) == 1


def test_quiet_word_after_a_g711_round_trip_opens_the_gate(word: bytes) -> None:
    # faint line noise rounds to digital zero in G.711: the floor is then taken as -80 dBFS
    quiet = audio.ulaw_to_pcm16(audio.pcm16_to_ulaw(attenuate(word, 30)))
    assert audio.rms_dbfs(quiet[:FRAME * 10]) == audio.SILENCE_DBFS
    agc = LevelNormalizer(RATE)
    out = in_frames(agc, quiet)
    assert utterances(quiet) == 0
    assert utterances(out) == 1
    assert agc.noise_dbfs == DIGITAL_SILENCE_FLOOR_DBFS


@pytest.mark.parametrize("dbfs", [-85.0, -75.0, -70.0, -65.0])
def test_steady_noise_stays_below_the_gate(dbfs: float) -> None:
    hiss = noise(6.0, dbfs)
    agc = LevelNormalizer(RATE)
    out = in_frames(agc, hiss)
    assert audio.rms_dbfs(out[FRAME * 5:]) <= agc.noise_ceiling_dbfs + 1.0
    assert utterances(out) == 0
    assert agc.gain_db <= agc.noise_ceiling_dbfs - dbfs + 1.0  # the cap follows the noise


def test_loud_noise_is_not_amplified() -> None:
    hum = noise(3.0, -50.0)
    assert in_frames(LevelNormalizer(RATE), hum) == hum


def test_digital_silence_stays_silent_and_noise_after_it_stays_below_the_gate() -> None:
    zeros = bytes(RATE * 2 * 2)
    agc = LevelNormalizer(RATE)
    assert in_frames(agc, zeros) == zeros
    assert agc.gain_db == pytest.approx(agc.noise_ceiling_dbfs - DIGITAL_SILENCE_FLOOR_DBFS)
    out = in_frames(agc, noise(4.0, -70.0))
    assert utterances(zeros + out) == 0


def test_nothing_ever_clips() -> None:
    # a near-full-scale tone straight after a long quiet stretch (the gain is at its cap then)
    t = np.arange(RATE) / RATE
    tone = (np.sin(2 * np.pi * 440 * t) * 29000).astype("<i2").tobytes()
    quiet_tone = attenuate(tone, 12)
    pcm = noise(2.0, -90.0) + tone + noise(1.0, -90.0) + quiet_tone
    out = in_frames(LevelNormalizer(RATE), pcm)
    assert peak(out) <= 32767 * 10 ** (-1 / 20) + 1
    assert out[len(pcm) - len(quiet_tone) - len(noise(1.0, -90.0)):][:len(tone)] != tone
    # the loud tone itself passes unchanged (never attenuated, not lifted)
    start = len(noise(2.0, -90.0))
    assert out[start + FRAME:start + len(tone)] == tone[FRAME:]


def test_the_gain_rises_slowly_and_falls_at_once(sentence: bytes) -> None:
    agc = LevelNormalizer(RATE, release_db_per_s=6.0)
    gains = []
    pcm = noise(1.0, -90.0) + sentence + attenuate(sentence, 25)
    for i in range(0, len(pcm), FRAME):
        agc.process(pcm[i:i + FRAME])
        gains.append(agc.gain_db)
    rises = [b - a for a, b in zip(gains, gains[1:]) if b > a]
    falls = [a - b for a, b in zip(gains, gains[1:]) if b < a]
    assert max(rises) <= 6.0 * 0.020 + 1e-9  # 6 dB per second, per 20 ms frame
    assert max(falls) > 10.0  # the first loud frame after the quiet start
    assert gains[-1] > 5.0  # the quiet copy is being lifted again


def test_any_chunk_length_comes_back_the_same_length(sentence: bytes) -> None:
    quiet = attenuate(sentence, 25)
    agc = LevelNormalizer(RATE)
    sizes = [2, 160, 322, 998, 4000]
    pos = 0
    out = []
    for size in sizes * 20:
        chunk = quiet[pos:pos + size]
        if not chunk:
            break
        out.append(agc.process(chunk))
        pos += size
    assert [len(o) for o in out] == [len(quiet[p:p + s]) for p, s in _positions(sizes * 20, len(quiet))]
    assert agc.process(b"") == b""


def _positions(sizes: list[int], total: int) -> list[tuple[int, int]]:
    pos, rows = 0, []
    for size in sizes:
        if pos >= total:
            break
        rows.append((pos, size))
        pos += size
    return rows


def test_bad_settings_and_audio_are_clear_errors() -> None:
    with pytest.raises(AudioError, match=r"^frame_ms must be 10, 20, 30 or 40, got 25$"):
        LevelNormalizer(RATE, frame_ms=25)
    with pytest.raises(AudioError,
                       match=r"^gain limits must satisfy 0 <= min_gain_db <= max_gain_db, got 10.0 and 5.0$"):
        LevelNormalizer(RATE, min_gain_db=10.0, max_gain_db=5.0)
    with pytest.raises(AudioError, match=r"^levels must satisfy noise_ceiling_dbfs < target_dbfs < peak_dbfs <= 0, "
                                         r"got -10.0, -20.0 and -1.0$"):
        LevelNormalizer(RATE, noise_ceiling_dbfs=-10.0)
    with pytest.raises(AudioError, match=r"^unsupported sample rate: 12 \(expected 1000 to 384000 Hz\)$"):
        LevelNormalizer(12)
    with pytest.raises(AudioError, match=r"^pcm16 audio must have an even number of bytes, got 3$"):
        LevelNormalizer(RATE).process(b"abc")
