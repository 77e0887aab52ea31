"""espeak-ng pronunciation entries: the shipped file loads, bad files are refused with a clear error, and
the respellings reach espeak-ng's input only (never the verbalized text, the cache text or the recording check)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from ivr.config import Config
from ivr.errors import PromptError
from ivr.tts.espeak import EspeakSynthesizer
from ivr.tts.hearing import compare
from ivr.tts.pronunciation import (
    DEFAULT_PATH,
    Pronunciations,
    add_tone,
    load_pronunciations,
    move_tone_mark,
    parse_pronunciations,
    split_tone,
)
from ivr.tts.render import PromptRenderer
from ivr.tts.verbalize import verbalize


def _doc(**entries: Any) -> dict[str, Any]:
    return {"entries": entries}


def test_the_shipped_file_loads_and_every_entry_says_why() -> None:
    prons = load_pronunciations()
    assert prons.source == str(DEFAULT_PATH)
    for word, entry in prons.entries.items():
        assert entry.word == word and entry.say and entry.why
        assert entry.say != word


def test_a_missing_default_file_means_no_entries_a_missing_named_file_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(PromptError, match=r"espeak pronunciations .*nope\.yaml: no such file"):
        load_pronunciations(tmp_path / "nope.yaml")
    assert Pronunciations.empty().apply("Ông bà") == "Ông bà"
    assert Pronunciations.empty().digest == ""


@pytest.mark.parametrize(("doc", "message"), [
    ([], "expected a mapping with one key 'entries'"),
    ({"entries": {}, "extra": 1}, "expected a mapping with one key 'entries'"),
    ({"entries": ["bác"]}, "'entries' must map written words to {say, why}"),
    (_doc(**{"bác sĩ": {"say": "bắc", "why": "x"}}), "entry 'bác sĩ': the written form must be one lower-case word"),
    (_doc(Bác={"say": "bắc", "why": "x"}), "entry 'Bác': the written form must be one lower-case word"),
    (_doc(bác="bắc"), "entry 'bác': expected 'say' and 'why'"),
    (_doc(bác={"say": "", "why": "x"}), "entry 'bác': 'say' must be a non-empty text"),
    (_doc(bác={"say": "bắc"}), "entry 'bác': 'why' must say which measurement justified it"),
    (_doc(bác={"say": "bắc", "why": "x", "note": 1}), r"entry 'bác': unknown field\(s\) note"),
    (_doc(bác={"say": "bác", "why": "x"}), "entry 'bác': 'say' is the word itself"),
    (_doc(bác={"say": "b4c!", "why": "x"}), "'say' 'b4c!' must be letters"),
    (_doc(bác={"say": "[[b'a:3c", "why": "x"}), r"'say' \"\[\[b'a:3c\" is not espeak-ng phoneme codes"),
    (_doc(bác={"say": "[[b<a>]]", "why": "x"}), "is not espeak-ng phoneme codes"),
    (_doc(lần={"say": "lồn", "why": "x"}), r"entry 'lần': 'say' contains an offensive word \(lồn\)"),
])
def test_bad_entries_are_refused_with_a_clear_error(doc: Any, message: str) -> None:
    with pytest.raises(PromptError, match=message) as err:
        parse_pronunciations(doc, "p.yaml")
    assert str(err.value).startswith("espeak pronunciations p.yaml: ")


def test_phoneme_codes_keep_espeak_marks_but_not_nested_brackets() -> None:
    prons = parse_pronunciations(_doc(một={"say": "[[m'o2t[]]", "why": "x"}, nhịp={"say": "[[n^'i1p]]", "why": "y"}),
                                 "p.yaml")
    assert prons.apply("bấm một") == "bấm [[m'o2t[]]"
    with pytest.raises(PromptError, match="is not espeak-ng phoneme codes"):
        parse_pronunciations(_doc(một={"say": "[[m'o2t[[x]]", "why": "x"}), "p.yaml")


def test_an_unreadable_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "p.yaml"
    bad.write_text("entries: {bác: [\n", encoding="utf-8")
    with pytest.raises(PromptError, match="unreadable"):
        load_pronunciations(bad)
    # two spellings of one word (composed and decomposed Unicode) are one entry listed twice
    nfd = tmp_path / "nfd.yaml"
    nfd.write_text("entries:\n  khỏe: {say: khoẻ, why: x}\n  kho\u0309e: {say: khoẻ, why: y}\n", encoding="utf-8")
    with pytest.raises(PromptError, match="entry 'khỏe': listed twice"):
        load_pronunciations(nfd)


def test_apply_replaces_whole_words_in_any_case_and_defuses_brackets() -> None:
    prons = parse_pronunciations(_doc(bác={"say": "[[b'a:3k]]", "why": "x"}, khỏe={"say": "khoẻ", "why": "y"}),
                                 "p.yaml")
    assert prons.apply("Bác sĩ bấm phím, sức khỏe. Bách khoa") == "[[b'a:3k]] sĩ bấm phím, sức khoẻ. Bách khoa"
    assert prons.apply("[[x]] bác") == "[ [x] ] [[b'a:3k]]"
    assert prons.digest and prons.digest != parse_pronunciations(_doc(bác={"say": "bắc", "why": "x"}), "p").digest
    # the reasons do not change the sound, so not the cache key either
    same = parse_pronunciations(_doc(bác={"say": "[[b'a:3k]]", "why": "z"}, khỏe={"say": "khoẻ", "why": "w"}), "q")
    assert same.digest == prons.digest


def test_tone_marks() -> None:
    assert split_tone("bác") == ("bac", "\u0301") and split_tone("ông") == ("ông", "")
    assert add_tone("ngươi", "\u0300") == "người" and add_tone("quyên", "\u0300") == "quyền"
    assert add_tone("gia", "\u0303") == "giã" and add_tone("toan", "\u0301") == "toán"
    assert move_tone_mark("khỏe") == "khoẻ" and move_tone_mark("khoẻ") == "khỏe"
    assert move_tone_mark("thủy") == "thuỷ" and move_tone_mark("bác") == "bác"


class _Recorder(EspeakSynthesizer):
    """The real synthesizer's text path, with the espeak-ng request replaced by a record of what it got."""

    def __init__(self, prons: Pronunciations) -> None:
        super().__init__(pronunciations=prons)
        self.requests: list[str] = []

    def _request(self, text: str) -> tuple[bytes, int]:
        self.requests.append(text)
        return b"\x01\x00" * 800, 8000


def test_entries_reach_espeak_input_only(cfg: Config, tmp_path: Path) -> None:
    prons = parse_pronunciations(_doc(bác={"say": "[[b'a:3k]]", "why": "x"}), "p.yaml")
    synth = _Recorder(prons)
    text = "Gặp bác sĩ bấm 0."
    renderer = PromptRenderer(cfg.replace(prompt_cache_dir=tmp_path / "c", recordings_dir=tmp_path / "none"), synth)
    renderer.render("request_doctor", text)
    assert synth.requests == ["Gặp [[b'a:3k]] sĩ bấm không."]
    # the verbalized text and the recording check keep the written words
    assert "bác" in verbalize(text) and "[[" not in verbalize(text)
    assert compare(text, "gặp bác sĩ bấm không").errors == 0
    # the cache key sees the entries: changing them renders anew
    plain = _Recorder(Pronunciations.empty())
    key = renderer.cache_key(verbalize(text))
    assert key != PromptRenderer(cfg, plain).cache_key(verbalize(text))
    assert plain.voice_id == synth.voice_id == "vi@130wpm"


def test_the_shipped_entries_are_used_by_default() -> None:
    synth = EspeakSynthesizer()
    try:
        assert synth.pronunciations.entries == load_pronunciations().entries
        assert synth.pronunciation_id == load_pronunciations().digest
    finally:
        synth.close()
