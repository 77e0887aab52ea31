"""Vietnamese text normalisation: NFC, case, diacritic folding, fillers, regional variants, ASR confusions."""
from __future__ import annotations

import unicodedata

import pytest

from ivr.nlu.normalize import (
    BREAK,
    content_tokens,
    fold,
    normalize,
    token_matches,
    tokenize,
)


def test_decomposed_and_composed_text_give_the_same_tokens() -> None:
    composed = "Tôi bị sốt và khó thở"
    decomposed = unicodedata.normalize("NFD", composed)
    assert decomposed != composed
    assert tokenize(decomposed) == tokenize(composed) == ("tôi", "bị", "sốt", "và", "khó", "thở")


@pytest.mark.parametrize("text, folded", [
    ("Sốt Đờm", "sot dom"), ("KHÓ THỞ", "kho tho"), ("đường huyết", "duong huyet"), ("ngạt mũi", "ngat mui"),
])
def test_fold_removes_case_and_diacritics(text: str, folded: str) -> None:
    assert fold(text) == folded


def test_a_plain_token_matches_any_diacritics_but_accented_tokens_must_agree() -> None:
    assert token_matches("sot", "sốt")
    assert token_matches("sốt", "sốt")
    assert not token_matches("sót", "sốt")
    assert token_matches("ho", "ho")
    assert not token_matches("họ", "ho")


@pytest.mark.parametrize("text, expected", [
    ("Dạ, tôi bị ho ạ", "tôi bị ho"),
    ("vâng ạ, tôi sốt", "tôi sốt"),
    ("bác sĩ ơi, tôi mệt quá nhé", "bác sĩ , tôi mệt quá"),
    ("a lô, em ơi", "em"),
])
def test_fillers_are_dropped(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("tui bị ói", "tôi bị nôn"),
    ("hổng có ho", "không có ho"),
    ("sốt dzậy có sao hông", "sốt vậy có sao không"),
    ("thuốc chi rứa", "thuốc gì vậy"),
    ("ổng bị tăng xông", "ông bị huyết áp cao"),
    ("ko sot", "không sot"),
    ("bịnh nặng", "bệnh nặng"),
    ("nhứt đầu", "nhức đầu"),
    ("tốt nhứt", "tốt nhất"),
])
def test_regional_variants_and_texting_spellings_are_standardised(text: str, expected: str) -> None:
    assert normalize(text) == expected


@pytest.mark.parametrize("text, expected", [
    ("SpO2 94%", ("spo2", "94", "%")),
    ("sp o2 chín tư", ("spo2", "chín", "tư")),
    ("ét pê ô hai chín lăm", ("spo2", "chín", "lăm")),
    ("nồng độ ô xi", ("nồng", "độ", "oxy")),
    ("tôi test cô vít dương tín", ("tôi", "test", "covid", "dương", "tính")),
    ("tôi là ép không", ("tôi", "là", "f0")),
    ("khó thơ quá", ("khó", "thở", "quá")),
    ("chín mươi sáu phần trăm", ("chín", "mươi", "sáu", "%")),
    ("gọi một một năm", ("gọi", "115")),
])
def test_asr_confusions_are_rewritten(text: str, expected: tuple[str, ...]) -> None:
    assert content_tokens(tokenize(text)) == expected


def test_decimal_numbers_stay_one_token_and_punctuation_becomes_breaks() -> None:
    assert tokenize("sốt 38,5 độ. Ho nhiều!") == ("sốt", "38,5", "độ", BREAK, "ho", "nhiều")
    assert tokenize("38.5") == ("38.5",)


@pytest.mark.parametrize("text", ["", "   ", "...", "\x00\ufffd", "😷😷", "###"])
def test_empty_and_garbage_text_gives_no_tokens(text: str) -> None:
    assert content_tokens(tokenize(text)) == ()
