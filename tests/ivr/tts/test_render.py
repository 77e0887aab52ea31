"""PromptRenderer: content-hash cache, recording override, atomic writes, clear errors (real espeak-ng)."""
from __future__ import annotations

import io
import math
import threading
import wave
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from ivr import audio
from ivr.config import Config
from ivr.engine.prompts import PromptCatalog
from ivr.errors import PromptError
from ivr.tts.espeak import EspeakSynthesizer
from ivr.tts.recording import import_recording
from ivr.tts.render import PromptRenderer

CATALOG = PromptCatalog({
    "greeting": "Xin chào, đây là tổng đài hỗ trợ người mắc Covid-19.",
    "confirm_spo2": "Ông bà vừa báo SpO2 là {value} phần trăm.",
    "goodbye": "Cảm ơn ông bà đã gọi. Tạm biệt.",
})


@pytest.fixture(scope="module")
def espeak() -> Iterator[EspeakSynthesizer]:
    synth = EspeakSynthesizer(voice="vi", rate=130)
    yield synth
    synth.close()


@pytest.fixture
def rcfg(cfg: Config, tmp_path: Path) -> Config:
    return cfg.replace(recordings_dir=tmp_path / "recordings", prompts_catalog=tmp_path / "none.yaml")


@pytest.fixture
def renderer(rcfg: Config, espeak: EspeakSynthesizer) -> PromptRenderer:
    return PromptRenderer(rcfg, espeak, catalog=CATALOG)


def tone(seconds: float, rate: int = 8000, amplitude: float = 8000.0, channels: int = 1) -> bytes:
    """A WAV of a 440 Hz tone (stands in for a human recording)."""
    n = int(seconds * rate)
    x = (amplitude * np.sin(2 * math.pi * 440 * np.arange(n) / rate)).astype("<i2")
    if channels == 1:
        return audio.wav_bytes(x.tobytes(), rate)
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(channels)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(np.repeat(x, channels).tobytes())
    return buf.getvalue()


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


def test_cache_miss_then_hit_by_content_hash(renderer: PromptRenderer, rcfg: Config) -> None:
    first = renderer.render_info("greeting", CATALOG.texts["greeting"])
    assert first.source == "synthesized" and first.synth_s > 0
    assert first.path.parent == rcfg.prompt_cache_dir and len(first.path.stem) == 64
    info = audio.wav_info(first.path)
    assert (info.rate, info.channels, info.sample_bytes) == (8000, 1, 2) and info.duration_s > 2
    stamp = first.path.stat().st_mtime_ns
    second = renderer.render_info("greeting", CATALOG.texts["greeting"])
    assert (second.source, second.path) == ("cache", first.path)
    assert second.path.stat().st_mtime_ns == stamp  # not rewritten
    assert second.duration_s == pytest.approx(first.duration_s)
    forced = renderer.render_info("greeting", CATALOG.texts["greeting"], force=True)
    assert (forced.source, forced.path) == ("synthesized", first.path)
    assert leftovers(rcfg.prompt_cache_dir) == []


def test_key_covers_engine_voice_rate_and_the_verbalized_text(renderer: PromptRenderer, rcfg: Config,
                                                              espeak: EspeakSynthesizer) -> None:
    a = renderer.render("greeting", "Bệnh nhân Covid-19")
    # The same words written differently verbalize the same: one cache entry, under any prompt id.
    assert renderer.render("goodbye", "Bệnh nhân cô-vít mười chín") == a
    assert renderer.render("greeting", "Bệnh nhân cúm") != a
    with EspeakSynthesizer(voice="vi", rate=170) as faster:
        other = PromptRenderer(rcfg, faster).render("greeting", "Bệnh nhân Covid-19")
    assert other != a and other.parent == a.parent
    assert audio.wav_info(other).duration_s < audio.wav_info(a).duration_s
    assert renderer.cache_key("x", espeak) != PromptRenderer(rcfg, faster).cache_key("x", faster)


def test_pcm_is_8khz_pcm16_of_the_rendered_file(renderer: PromptRenderer) -> None:
    pcm = renderer.pcm("goodbye", CATALOG.texts["goodbye"])
    path = renderer.render("goodbye", CATALOG.texts["goodbye"])
    assert pcm == audio.read_wav(path)[0]
    assert len(pcm) % 2 == 0 and audio.rms_dbfs(pcm) > -30
    assert renderer.pcm("goodbye", CATALOG.texts["goodbye"]) is pcm  # served from memory


def test_hand_placed_recording_overrides_only_its_catalog_text(renderer: PromptRenderer, rcfg: Config) -> None:
    rcfg.recordings_dir.mkdir(parents=True)
    recording = rcfg.recordings_dir / "confirm_spo2.wav"
    recording.write_bytes(tone(1.0))
    template = CATALOG.texts["confirm_spo2"]
    got = renderer.render_info("confirm_spo2", template)
    assert (got.source, got.path) == ("recording", recording)
    # With a slot value filled in the words differ from the recording: synthesized, never the recording.
    filled = CATALOG.text("confirm_spo2", {"value": 94})
    got = renderer.render_info("confirm_spo2", filled)
    assert got.source == "synthesized" and got.path != recording
    # Whitespace differences do not matter.
    assert renderer.render("confirm_spo2", "  " + template.replace(" ", "  ")) == recording


def test_imported_recording_plays_for_the_text_it_was_recorded_for(renderer: PromptRenderer,
                                                                   rcfg: Config) -> None:
    import_recording(rcfg, "goodbye", tone(1.5, rate=44100, channels=2), text="Tạm biệt ông bà.")
    assert renderer.render_info("goodbye", "Tạm biệt ông bà.").source == "recording"
    # The catalog text changed since: the recording no longer says it.
    assert renderer.render_info("goodbye", CATALOG.texts["goodbye"]).source == "synthesized"
    # A WAV replaced behind the metadata's back (hash mismatch) is not trusted either.
    (rcfg.recordings_dir / "goodbye.wav").write_bytes(tone(2.0))
    assert renderer.render_info("goodbye", "Tạm biệt ông bà.").source == "synthesized"


def test_recording_in_another_format_is_converted_once(renderer: PromptRenderer, rcfg: Config) -> None:
    rcfg.recordings_dir.mkdir(parents=True)
    (rcfg.recordings_dir / "greeting.wav").write_bytes(tone(2.0, rate=44100, channels=2))
    got = renderer.render_info("greeting", CATALOG.texts["greeting"])
    assert got.source == "recording" and got.path.parent == rcfg.prompt_cache_dir
    info = audio.wav_info(got.path)
    assert (info.rate, info.channels) == (8000, 1) and info.duration_s == pytest.approx(2.0, abs=0.01)
    assert renderer.render("greeting", CATALOG.texts["greeting"]) == got.path


def test_unwritable_cache_dir_gives_one_clear_error(rcfg: Config, espeak: EspeakSynthesizer,
                                                    tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    bad = rcfg.replace(prompt_cache_dir=blocker / "cache")
    with pytest.raises(PromptError) as err:
        PromptRenderer(bad, espeak).render("greeting", "Xin chào")
    assert str(err.value) == f"prompt cache folder '{blocker / 'cache'}' is not writable: Not a directory"
    with pytest.raises(PromptError, match="is not writable"):
        PromptRenderer(bad, espeak).render_catalog(CATALOG)


def test_a_failed_write_leaves_nothing_half_written(renderer: PromptRenderer, rcfg: Config,
                                                    espeak: EspeakSynthesizer) -> None:
    text = "Xin ông bà giữ máy."
    target = rcfg.prompt_cache_dir / f"{renderer.cache_key(text, espeak)}.wav"
    target.mkdir(parents=True)  # the final rename cannot replace a folder: the write fails at the end
    with pytest.raises(PromptError, match=r"^prompt cache folder '.*' is not writable"):
        renderer.render("goodbye", text)
    assert leftovers(rcfg.prompt_cache_dir) == []
    assert sorted(p.name for p in rcfg.prompt_cache_dir.iterdir()) == [target.name]
    target.rmdir()
    assert renderer.render_info("goodbye", text).source == "synthesized"


def test_concurrent_renders_of_one_prompt(renderer: PromptRenderer, rcfg: Config) -> None:
    paths: list[Path] = []
    threads = [threading.Thread(target=lambda: paths.append(renderer.render("greeting", "Một hai ba")))
               for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(set(paths)) == 1 and len(paths) == 4
    assert audio.wav_info(paths[0]).duration_s > 0.5
    assert leftovers(rcfg.prompt_cache_dir) == []


def test_render_catalog_reports_each_prompt(renderer: PromptRenderer, rcfg: Config) -> None:
    report = renderer.render_catalog(CATALOG)
    assert [r.prompt_id for r in report.items] == ["greeting", "goodbye"]
    assert report.dynamic == ("confirm_spo2",)
    assert report.count("synthesized") == 2
    again = renderer.render_catalog(CATALOG)
    assert again.count("cache") == 2
    assert again.summary().startswith("2 prompts: 0 recorded, 2 from cache, 0 synthesized, 1 filled in during calls;")
    with pytest.raises(PromptError, match=r"^unknown prompt id 'nope'$"):
        renderer.render_catalog(CATALOG, ids=["greeting", "nope"])


def test_bad_prompt_ids_and_empty_text(renderer: PromptRenderer) -> None:
    for bad in ("../etc/passwd", "Greeting", "greeting\n", ""):
        with pytest.raises(PromptError, match="invalid prompt id"):
            renderer.render(bad, "Xin chào")
    with pytest.raises(PromptError, match=r"^prompt 'greeting': empty text$"):
        renderer.render("greeting", "   ")


def test_pcm_memory_is_bounded_in_bytes(renderer: PromptRenderer, monkeypatch: pytest.MonkeyPatch) -> None:
    from ivr.tts import render

    monkeypatch.setattr(render, "MEMORY_BYTES", 1)
    first = renderer.pcm("greeting", "Một")
    second = renderer.pcm("goodbye", "Hai")
    assert list(renderer._memory.values()) == [second]  # the older entry was dropped
    assert renderer._memory_bytes == len(second)
    assert renderer.pcm("greeting", "Một") == first  # read again from its file
