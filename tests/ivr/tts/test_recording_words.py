"""A recording must say its prompt's words: checked by the hotline's own recognizer (real viet-asr model).

The recordings are real human speech (tests/data/audio, transcripts in fixtures.tsv).
"""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from ivr import ROOT, audio
from ivr.config import Config
from ivr.errors import AudioError
from ivr.speech.recognizer import open_recognizer
from ivr.tts.hearing import compare
from ivr.tts.recording import (
    coverage,
    coverage_summary,
    history,
    import_recording,
    prompt_source,
    recorded_text,
)

AUDIO = ROOT / "tests" / "data" / "audio"
SAID = "chúng ta có thể áp dụng logic tương tự với người khác"  # what sentence_ly.wav says
OTHER = "nuôi con theo phong cách do thái không chỉ tốt cho đứa trẻ mà còn tốt cho cả các bậc cha mẹ"


@pytest.fixture(scope="module")
def listen():
    rec = open_recognizer(Config(), "vietasr")
    return rec.transcribe_all


@pytest.fixture
def rcfg(cfg: Config, tmp_path: Path) -> Config:
    return cfg.replace(recordings_dir=tmp_path / "recordings")


def test_a_recording_that_says_the_prompt_is_stored_with_what_was_heard(rcfg, listen) -> None:
    data = (AUDIO / "sentence_ly.wav").read_bytes()
    info = import_recording(rcfg, "goodbye", data, text=SAID.capitalize() + ".", listen=listen)
    meta = json.loads(info.path.with_suffix(".json").read_text(encoding="utf-8"))
    assert meta["heard"] == SAID
    assert recorded_text(rcfg.recordings_dir, "goodbye") == (True, SAID.capitalize() + ".")


def test_a_recording_of_other_words_is_refused_and_says_what_was_heard(rcfg, listen) -> None:
    data = (AUDIO / "sentence_doan.wav").read_bytes()
    with pytest.raises(AudioError) as err:
        import_recording(rcfg, "goodbye", data, text=SAID, listen=listen)
    msg = str(err.value)
    assert msg.startswith("Bản ghi âm không khớp với lời nhắc: hệ thống nghe được «nuôi con theo phong cách")
    assert f"lời cần đọc «{SAID}»" in msg and msg.endswith("Hãy đọc đúng lời nhắc và ghi lại.")
    assert not (rcfg.recordings_dir / "goodbye.wav").exists()


def test_a_recording_cut_short_is_refused(rcfg, listen) -> None:
    pcm, rate = audio.read_wav((AUDIO / "sentence_ly.wav").read_bytes())
    half = len(pcm) // 4 * 2
    with pytest.raises(AudioError, match=r"không khớp với lời nhắc: hệ thống nghe được «chúng ta .*», sai \d+ trên 12"):
        import_recording(rcfg, "goodbye", audio.wav_bytes(pcm[:half], rate), text=SAID, listen=listen)


def test_a_replaced_recording_is_kept_in_history_with_its_text(rcfg, listen) -> None:
    import_recording(rcfg, "goodbye", (AUDIO / "sentence_ly.wav").read_bytes(), text=SAID, listen=listen)
    import_recording(rcfg, "goodbye", (AUDIO / "sentence_doan.wav").read_bytes(), text=OTHER, listen=listen)
    assert recorded_text(rcfg.recordings_dir, "goodbye") == (True, OTHER)
    (old,) = history(rcfg.recordings_dir, "goodbye")
    assert old["text"] == SAID and old["heard"] == SAID


def test_a_prompt_with_slots_cannot_take_a_fixed_recording(rcfg) -> None:
    with pytest.raises(AudioError, match="chỗ điền số liệu"):
        import_recording(rcfg, "confirm_spo2", (AUDIO / "sentence_ly.wav").read_bytes(), text="SpO2 {value} phần trăm")


def test_offensive_words_heard_are_flagged_even_when_the_rest_matches() -> None:
    h = compare("Ông bà đo lại hai lần.", "ông bà đo lại hai lồn")
    assert h.offensive == ("lồn",) and h.errors == 1 and not h.matches(0.5)
    assert compare("Đo hai lần.", "đo hai lần").matches(0.0)
    assert compare("Gọi 115 ngay.", "gọi một một năm ngay").errors == 0  # compared as the voice reads it


def test_coverage_counts_fixed_prompts_and_names_what_is_missing(rcfg, listen) -> None:
    import_recording(rcfg, "goodbye", (AUDIO / "sentence_ly.wav").read_bytes(), text=SAID, listen=listen)
    import_recording(rcfg, "greeting", (AUDIO / "sentence_doan.wav").read_bytes(), text=OTHER, listen=listen)
    texts = [("goodbye", SAID), ("greeting", "Lời chào đã sửa."), ("menu", "Bấm phím 1."),
             ("confirm_spo2", "SpO2 {value}.")]
    items = coverage(rcfg, texts)
    assert [i.source for i in items] == ["recording", "stale", "synthesis", "synthesis"]
    summary = coverage_summary(items)
    assert summary == {"prompts": 4, "recordable": 3, "recorded": 1, "synthesized": 1, "stale": 1, "dynamic": 1,
                       "coverage": 0.333, "complete": False, "missing": ["greeting", "menu"]}
    assert prompt_source(rcfg, "goodbye", "  " + SAID) == "recording"
