"""The prompt catalog: ids, Vietnamese texts, placeholders, errors."""
from __future__ import annotations

import unicodedata
from pathlib import Path

import pytest

from ivr import ROOT
from ivr.engine.prompts import load_catalog
from ivr.errors import PromptError


def test_catalog_is_vietnamese_nfc_text() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    assert catalog.language == "vi"
    assert "greeting" in catalog and "goodbye" in catalog
    for pid, text in catalog.texts.items():
        assert unicodedata.is_normalized("NFC", text), pid
        assert any(ch in text for ch in "ăâđêôơưáàảãạ"), f"{pid} has no Vietnamese letters"
    assert "115" in catalog.text("emergency_115")


def test_placeholders_are_filled_as_spoken_numbers() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    assert catalog.placeholders("confirm_temperature") == {"value"}
    assert "38,5 độ" in catalog.text("confirm_temperature", {"value": 38.5})
    assert "94 phần trăm" in catalog.text("confirm_spo2", {"value": 94.0})
    assert "{value}" not in catalog.text("confirm_spo2", {})


def test_unknown_prompt_id() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    with pytest.raises(PromptError) as info:
        catalog.text("greting")
    assert str(info.value) == "unknown prompt id 'greting'"


@pytest.mark.parametrize(("content", "message"), [
    ("prompts: [a, b]\n", "expected a mapping with a 'prompts' table"),
    ("prompts:\n  Bad-Id: xin chào\n", "prompt id 'Bad-Id' must be lower_snake_case"),
    ("prompts:\n  empty: ''\n", "prompt 'empty': text must be a non-empty string"),
    ("prompts:\n  a: [\n", "invalid YAML at line 3"),
])
def test_bad_catalogs(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "vi.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(PromptError) as info:
        load_catalog(path)
    assert str(info.value) == f"{path}: {message}"


def test_overrides_replace_texts() -> None:
    catalog = load_catalog(ROOT / "prompts" / "vi.yaml").with_overrides({"goodbye": "Chào ông bà."})
    assert catalog.text("goodbye") == "Chào ông bà."
