"""The espeak-ng engine (pyttsx3) with real espeak-ng output, and the engine factory."""
from __future__ import annotations

import itertools
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr.config import Config
from ivr.errors import ConfigError, ModelError, SynthesisError
from ivr.tts.espeak import EspeakSynthesizer
from ivr.tts.render import PromptRenderer
from ivr.tts.synthesizer import Synthesizer, open_synthesizer

GREETING = "Xin chào, đây là tổng đài hỗ trợ người bệnh cô-vít mười chín tại nhà."


@pytest.fixture(scope="module")
def espeak() -> Iterator[EspeakSynthesizer]:
    synth = EspeakSynthesizer(voice="vi", rate=130)
    yield synth
    synth.close()


def _seconds(pcm: bytes, rate: int) -> float:
    return len(pcm) / 2 / rate


def test_real_espeak_output_is_speech_not_silence(espeak: EspeakSynthesizer) -> None:
    pcm, rate = espeak.synthesize(GREETING)
    assert rate == 22050
    assert 2.0 < _seconds(pcm, rate) < 15.0
    assert audio.rms_dbfs(pcm) > -30.0
    assert espeak.name == "espeak" and espeak.voice_id == "vi@130wpm"


def test_same_audio_as_the_espeak_ng_command_line(espeak: EspeakSynthesizer, tmp_path: Path) -> None:
    # The Vietnamese voice and the rate really reach espeak: the CLI with -v vi -s 130 says the same.
    pcm, rate = espeak.synthesize("Ông bà hãy đọc nhiệt độ")
    wav = tmp_path / "cli.wav"
    subprocess.run(["espeak-ng", "-v", "vi", "-s", "130", "-w", str(wav), "Ông bà hãy đọc nhiệt độ"], check=True)
    cli_pcm, cli_rate = audio.read_wav(wav)
    assert rate == cli_rate
    assert abs(_seconds(pcm, rate) - _seconds(cli_pcm, cli_rate)) < 0.1


def test_slower_rate_gives_longer_audio(espeak: EspeakSynthesizer) -> None:
    with EspeakSynthesizer(voice="vi", rate=200) as fast:
        fast_pcm, rate = fast.synthesize(GREETING)
    slow_pcm, _ = espeak.synthesize(GREETING)
    assert _seconds(slow_pcm, rate) > 1.3 * _seconds(fast_pcm, rate)


def test_one_file_per_run_each_text_gets_its_own_audio(espeak: EspeakSynthesizer) -> None:
    texts = ["Có", "Ông bà hãy nói các triệu chứng đang có, ví dụ sốt, ho, khó thở.", "Không"]
    lengths = [_seconds(*espeak.synthesize(t)) for t in texts]
    assert lengths[1] > 3 * lengths[0] and lengths[1] > 3 * lengths[2]
    again = _seconds(*espeak.synthesize(texts[0]))
    assert again == pytest.approx(lengths[0], abs=0.1)


def test_driver_output_stays_off_our_stdout(espeak: EspeakSynthesizer, capfd: pytest.CaptureFixture[str]) -> None:
    espeak.synthesize("Tạm biệt")
    out, _ = capfd.readouterr()
    assert out == ""  # pyttsx3 prints "Audio saved to ..." in the worker, to /dev/null


def test_concurrent_callers_are_serialised_through_one_worker(espeak: EspeakSynthesizer) -> None:
    texts = ["Một", "Cảm ơn ông bà đã gọi.", "Ông bà có máy đo nồng độ ô xy trong máu không? Có thì bấm phím một.",
             "Tổng đài đang chuyển máy tới bác sĩ trực. Xin ông bà giữ máy, không cúp máy. Bác sĩ sẽ nghe ngay."]
    expected = {t: _seconds(*espeak.synthesize(t)) for t in texts}
    ordered = sorted(expected.values())
    assert min(b - a for a, b in itertools.pairwise(ordered)) > 0.5  # a mix-up would show
    results: dict[str, float] = {}
    errors: list[BaseException] = []

    def work(text: str) -> None:
        try:
            for _ in range(2):
                results[text] = _seconds(*espeak.synthesize(text))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert not errors
    # Each caller got its own text's audio (espeak's output length varies by a few tens of ms).
    assert results == {t: pytest.approx(v, abs=0.1) for t, v in expected.items()}


def test_empty_audio_is_retried_then_reported(espeak: EspeakSynthesizer) -> None:
    # espeak-ng writes a WAV with no samples for punctuation alone: the real "empty WAV" case.
    with pytest.raises(SynthesisError) as err:
        espeak.synthesize("...")
    assert str(err.value) == "espeak: no audio for '...' after 3 attempts (empty audio; empty audio; empty audio)"
    assert _seconds(*espeak.synthesize("Vâng")) > 0.2  # the worker still serves


def test_a_killed_worker_is_replaced(espeak: EspeakSynthesizer) -> None:
    espeak.synthesize("Một")
    assert espeak._proc is not None
    espeak._proc.kill()
    espeak._proc.wait()
    pcm, rate = espeak.synthesize("Hai")
    assert _seconds(pcm, rate) > 0.2


def test_a_hung_worker_times_out_and_fails_with_a_clear_error() -> None:
    with EspeakSynthesizer(timeout_s=0.0001, attempts=2) as synth, pytest.raises(SynthesisError) as err:
        synth.synthesize("Xin chào")
    assert str(err.value) == (
        "espeak: no audio for 'Xin chào' after 2 attempts (worker timed out; worker timed out)")
    assert synth._proc is None


def test_unknown_voice_and_empty_text() -> None:
    with EspeakSynthesizer(voice="xx-nope") as synth:
        with pytest.raises(SynthesisError, match=r"^espeak: unknown espeak-ng voice 'xx-nope'$"):
            synth.synthesize("Xin chào")
        with pytest.raises(SynthesisError, match=r"^espeak: nothing to say \(empty text\)$"):
            synth.synthesize("  ")


def test_rendered_prompt_is_non_silent_8khz_mono(cfg: Config, espeak: EspeakSynthesizer) -> None:
    with PromptRenderer(cfg, espeak) as renderer:
        path = renderer.render("greeting", "Xin chào. Gọi 115 khi khó thở, SpO2 dưới 94%.")
    info = audio.wav_info(path)
    assert (info.rate, info.channels, info.sample_bytes, info.encoding) == (8000, 1, 2, "pcm")
    pcm, _ = audio.read_wav(path)
    assert info.duration_s > 3.0
    assert audio.rms_dbfs(pcm) > -30.0
    # The power is in the voice band; nothing piles up at the Nyquist edge (proper anti-aliasing).
    power = np.abs(np.fft.rfft(np.frombuffer(pcm, dtype="<i2").astype(np.float64))) ** 2
    freqs = np.fft.rfftfreq(len(pcm) // 2, 1 / 8000)
    assert power[(freqs > 80) & (freqs < 3800)].sum() > 0.95 * power.sum()
    assert power[freqs > 3900].sum() < 0.01 * power.sum()


def test_factory_opens_the_configured_engine(cfg: Config, tmp_path: Path) -> None:
    synth = open_synthesizer(cfg.replace(tts_rate=110))
    try:
        assert isinstance(synth, Synthesizer) and synth.name == "espeak" and synth.voice_id == "vi@110wpm"
    finally:
        synth.close()
    missing = tmp_path / "vi_VN-vais1000-medium.onnx"
    with pytest.raises(ModelError) as err:
        open_synthesizer(cfg.replace(piper_voice=str(missing)), "piper")
    assert str(err.value) == (f"Piper voice not found: {missing}; run `ivr models fetch piper-vi` "
                              "(or set piper_voice to a Piper .onnx file)")
    with pytest.raises(ModelError, match="run `ivr models fetch piper-vi`"):
        open_synthesizer(cfg, "piper")  # default location under asr_models_dir, not installed here
    with pytest.raises(ConfigError):
        open_synthesizer(cfg, "festival")
