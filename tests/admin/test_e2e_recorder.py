"""Recording a prompt from the browser's microphone, in real headless Chromium.

Chromium's fake capture device plays a real recording (tests/data/audio) into the
microphone, so the page records real speech, the admin checks its words with the
recognizer, and the phone line then plays it. Screenshots go to test-artifacts/admin/.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from ivr import ROOT, audio
from ivr.tts.recording import recorded_text
from ivr.tts.render import PromptRenderer

from .conftest import CHROMIUM, CHROMIUM_ARGS, SHOTS
from .test_e2e import login, shot

pytestmark = pytest.mark.slow

SPEECH = ROOT / "tests" / "data" / "audio" / "sentence_ly.wav"
SAID = "Chúng ta có thể áp dụng logic tương tự với người khác."
OTHER = ROOT / "tests" / "data" / "audio" / "sentence_doan.wav"


def microphone_file(src: Path, dest: Path) -> tuple[Path, float]:
    """The recording as 16-bit PCM at 16 kHz (what Chromium's fake capture reads), with a second of silence
    before and after, as a person pauses around what they say."""
    pcm, rate = audio.read_wav(src.read_bytes())
    pcm = audio.resample(pcm, rate, 16000)
    pad = b"\0\0" * 16000
    dest.write_bytes(audio.wav_bytes(pad + pcm + pad, 16000))
    return dest, len(pcm) / 2 / 16000 + 2.0


@contextmanager
def browser_with_microphone(path: Path, browser: Any) -> Iterator[Any]:
    """A second Chromium, whose microphone plays ``path``, from the session's Playwright (``browser``'s: a
    second sync Playwright cannot start while the session's runs)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    args = CHROMIUM_ARGS + ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
                            f"--use-file-for-fake-audio-capture={path}%noloop",
                            "--autoplay-policy=no-user-gesture-required"]
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=args, headless=True)
    try:
        yield b
    finally:
        b.close()


@pytest.fixture
def mic_page(live: str, browser: Any, tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[tuple[Any, float]]:
    wav, seconds = microphone_file(request.param, tmp_path / "mic.wav")
    with browser_with_microphone(wav, browser) as b:
        context = b.new_context(base_url=live, locale="vi-VN", viewport={"width": 1366, "height": 900})
        context.grant_permissions(["microphone"], origin=live)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        page.set_default_timeout(30_000)
        yield page, seconds
        context.close()


def open_goodbye_saying(page: Any, text: str) -> None:
    """An admin on the prompt page of ``goodbye``, its words set to ``text`` (recordings are checked against
    them)."""
    login(page, "admin")
    page.goto("/prompts/goodbye")
    page.fill("#prompt-text", text)
    page.click("text=Lưu lời nhắc")
    page.wait_for_selector("text=Đã lưu")


def record(page: Any, seconds: float) -> None:
    assert page.locator("#mic-keep").is_hidden() and page.locator("#mic-stop").is_hidden()
    page.click("#mic-start")
    page.wait_for_selector("#mic-stop", state="visible")
    assert page.locator("#mic-start").is_hidden()
    page.wait_for_timeout(int(seconds * 1000) + 500)
    page.click("#mic-stop")
    page.wait_for_selector("#mic-keep", state="visible")
    assert page.locator("#mic-stop").is_hidden() and page.locator("#mic-redo").is_visible()
    assert page.locator("#mic-preview").get_attribute("src").startswith("blob:")  # listen back before keeping


@pytest.mark.parametrize("mic_page", [SPEECH], indirect=True)
def test_admin_records_a_prompt_in_the_browser_and_the_phone_line_plays_it(mic_page, admin_cfg) -> None:
    page, seconds = mic_page
    open_goodbye_saying(page, SAID)
    record(page, seconds)
    shot(page, "prompt-recorded-in-browser")
    page.click("#mic-keep")
    page.wait_for_selector("text=Đã nhận bản ghi âm")
    assert page.inner_text("#audio-source") == "bản ghi âm giọng người"
    shot(page, "prompt-recording-kept")
    folder = admin_cfg.prompt_recordings_path
    assert recorded_text(folder, "goodbye") == (True, SAID)
    with PromptRenderer(admin_cfg) as line:  # what a SIP worker plays to callers
        assert line.render("goodbye", SAID) == folder / "goodbye.wav"
    assert page.errors == []


@pytest.mark.parametrize("mic_page", [OTHER], indirect=True)
def test_a_browser_recording_of_other_words_is_refused_with_what_was_heard(mic_page, admin_cfg) -> None:
    page, seconds = mic_page
    open_goodbye_saying(page, SAID)
    record(page, seconds)
    page.click("#mic-keep")
    page.wait_for_selector("text=Bản ghi âm không khớp với lời nhắc")
    assert "nuôi con" in page.inner_text(".flash.error")
    shot(page, "prompt-recording-refused")
    assert not (admin_cfg.prompt_recordings_path / "goodbye.wav").exists()
