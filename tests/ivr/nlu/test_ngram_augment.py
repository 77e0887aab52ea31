"""Training-time augmentation of the n-gram second opinion (bench/train_ngram.py, issue 12): the variants a
phone recognizer or a typist would produce, deterministic, never flipping a row's label."""
from __future__ import annotations

import unicodedata
from typing import Any

import numpy as np
import pytest

from ivr.nlu.ngram import features
from ivr.nlu.normalize import fold

from . import corpus


@pytest.fixture(scope="module")
def tr() -> Any:
    return corpus.script("train_ngram")


TEXTS = ["bà tôi môi tím tái, gọi không dậy", "tôi không khó thở, chỉ hơi mệt",
         "mẹ tôi thở hồng hộc như người vừa chạy", "ông nhà tôi cứ phải ngồi dựa tường mới thở được",
         "hôm nay tôi khỏe", "sốt", "spo2 94"]


def _tones(word: str) -> int:
    return sum(1 for c in unicodedata.normalize("NFD", word) if c in ("\u0300", "\u0301", "\u0303", "\u0309", "\u0323"))


def test_augmentation_is_deterministic_and_seeded(tr: Any) -> None:
    for t in TEXTS:
        assert tr.augment(t) == tr.augment(t)
    assert any(tr.augment(t, seed=1) != tr.augment(t) for t in TEXTS)
    assert all(len(tr.augment(t)) <= tr.VARIANTS for t in TEXTS) and tr.augment("   ") == []


def test_the_variants_are_the_kinds_asked_for(tr: Any) -> None:
    text = "bà tôi môi tím tái, gọi không dậy"
    v = tr.augment(text)
    assert v[0] == "ba toi moi tim tai, goi khong day"  # typed without diacritics
    assert text not in v and len(set(v)) == len(v)
    assert any(x.startswith(p + " ") for x in v for p in tr.PREFIXES)  # a filler or kinship prefix
    # every variant keeps the words' letters: at most one word lost or doubled, sounds swapped, tones slipped
    for x in v:
        assert abs(len(x.split()) - len(text.split())) <= len(max(tr.PREFIXES, key=len).split()) + 1


@pytest.mark.parametrize("word", ["dậy", "người", "thở", "khuya", "ướt", "tím", "ho", "mệt"])
def test_a_tone_slip_keeps_the_letters_and_one_mark(tr: Any, word: str) -> None:
    import random
    rng = random.Random(7)
    seen = {tr._tone_slip(word, rng) for _ in range(40)}
    assert all(fold(s) == fold(word) and _tones(s) <= 1 for s in seen)
    assert all(unicodedata.normalize("NFC", s) == s for s in seen)
    assert len(seen - {word}) >= 3  # several other tones (or none)


@pytest.mark.parametrize("word,options", [
    ("sốt", {"xốt", "sốc"}), ("trời", {"chời"}), ("chạy", {"trạy"}), ("dậy", {"giậy", "rậy"}), ("giờ", {"dờ", "rờ"}),
    ("lạnh", {"nạnh"}), ("ngực", {"ngựt"}), ("tím", {"tím"}), ("khan", {"khang"}), ("hồng", {"hồn"}),
])
def test_near_homophones(tr: Any, word: str, options: set[str]) -> None:
    import random
    rng = random.Random(3)
    seen = {tr._homophone(word, rng) for _ in range(40)}
    assert seen <= options | {word} and (seen - {word} or options == {word})


def test_only_function_words_are_dropped_and_negators_keep_their_sound(tr: Any) -> None:
    for t in ["tôi không khó thở, chỉ hơi mệt", "chưa sốt lại, ho thì hết rồi", "bà không tím môi",
              "mẹ tôi thở hồng hộc"]:
        words = t.split()
        for seed in range(30):
            variants = tr.augment(t, seed=seed)
            for x in variants:  # a negator may get another tone from the recognizer, never another sound
                folded = [fold(w) for w in x.split()]
                for neg in ("không", "chưa", "hết"):
                    assert folded.count(neg if neg == fold(neg) else fold(neg)) >= [fold(w) for w in words].count(
                        fold(neg)), (t, x)
            prefixed = [x for x in variants if any(x.startswith(p + " ") for p in tr.PREFIXES)]
            assert len(prefixed) == 1
            prefix = max((p for p in tr.PREFIXES if prefixed[0].startswith(p + " ")), key=len)
            rest = prefixed[0][len(prefix) + 1:].split()
            if len(rest) == len(words) + 1:  # a word said twice
                assert any(rest[:i + 1] + rest[i + 2:] == words for i in range(len(words)))
            else:  # a function word lost
                assert len(rest) == len(words) - 1
                lost = [w for w in words if rest.count(w) < words.count(w)]
                assert len(lost) == 1 and lost[0] in tr.DROPPABLE, (t, rest)


def test_variants_train_with_their_row_and_count_once_for_the_vocabulary(tr: Any) -> None:
    texts, groups, original = tr.expand(["môi tím tái", "gọi không dậy", "môi tím"], 5)
    assert original.count(True) == 3 and len(texts) > 3 and groups == sorted(groups)
    assert [t for t, o in zip(texts, original) if o] == ["môi tím tái", "gọi không dậy", "môi tím"]
    vocab = tr.build_vocab(texts, groups, ("c", "w", "b"))
    # "w:tái" is in one source row (and its variants): out; "w:môi" is in two: in
    assert "w:môi" in vocab and "w:tái" not in vocab and "b:môi tím" in vocab


def test_the_sparse_design_matches_the_inference_scaling(tr: Any) -> None:
    texts = ["khó thở khó thở", "môi tím"]
    vocab = {f: i for i, f in enumerate(sorted(set(features(texts[0])) | set(features(texts[1]))))}
    x = tr.Design(texts, vocab, ("c", "w", "b"))
    w = np.arange(len(vocab), dtype=float) / 100
    dense = np.zeros((2, len(vocab)))
    for i, t in enumerate(texts):
        for f in features(t):
            dense[i, vocab[f]] += 1
    dense /= np.linalg.norm(dense, axis=1, keepdims=True)
    assert np.allclose(x.dot(w), dense @ w) and np.allclose(x.tdot(np.array([1.0, -2.0])), dense.T @ [1.0, -2.0])
