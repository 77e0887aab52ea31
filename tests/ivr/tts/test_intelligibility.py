"""The fallback voice never says a vulgar word by mistake: every prompt of the catalog and every answer of
the knowledge base, synthesized by espeak-ng exactly as the phone line plays it, is heard by the real
Vietnamese recognizer and checked.

(espeak-ng's "lần" was heard as a vulgar word in 5 prompts; they were rephrased. The overall word error
rate of espeak-ng is measured by bench/tts_wer.py, not asserted here.)
"""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr import audio
from ivr.config import Config
from ivr.engine.prompts import load_catalog
from ivr.speech.recognizer import open_recognizer
from ivr.tts.hearing import compare
from ivr.tts.render import PromptRenderer

pytestmark = pytest.mark.slow


def test_no_prompt_is_heard_with_an_offensive_word(cfg: Config, tmp_path: Path) -> None:
    from ivr.nlu.knowledge import load_knowledge

    catalog = load_catalog(cfg.prompts_catalog)
    texts = {pid: catalog.text(pid, {name: 38 for name in catalog.placeholders(pid)}) for pid in catalog.texts}
    for entry in load_knowledge().entries.values():
        texts[f"kb_{entry.topic}"] = entry.answer
    rec = open_recognizer(cfg, "vietasr")
    rcfg = cfg.replace(prompt_cache_dir=tmp_path / "cache", recordings_dir=tmp_path / "none")
    flagged = {}
    with PromptRenderer(rcfg, engine="espeak") as renderer:
        for pid, text in texts.items():
            heard = compare(text, rec.transcribe_all(renderer.pcm(pid, text), audio.TELEPHONE_RATE))
            if heard.offensive:
                flagged[pid] = heard.heard
    assert flagged == {}
