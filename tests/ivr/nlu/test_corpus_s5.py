"""The issue-12 labelled corpus (tests/data/utterances_s5.jsonl): well formed, its gold risk is what the
rule pack makes of its gold labels, and its "holdout" half (never trained on) meets the clinical floors."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

from . import corpus

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "utterances_s5.jsonl"
SLICES = {"dialect", "relative", "no_diacritics", "asr_error", "numbers", "plain", "kinship", "question", "concern",
          "la_nguoi"}


def _rows() -> list[dict[str, Any]]:
    return corpus.rows(DATA)


def test_the_corpus_is_well_formed_and_its_risk_follows_from_its_labels() -> None:
    rows = _rows()
    assert len(rows) >= 300 and len({r["text"] for r in rows}) == len(rows)
    assert {r["slice"] for r in rows} == SLICES
    assert {r["split"] for r in rows} == {"dev", "holdout"}
    corpus.assert_labels_follow_the_rule_pack(rows)


@pytest.mark.parametrize("split", ["holdout"])
def test_the_unseen_half_meets_the_clinical_floors(split: str) -> None:
    rows = [r for r in _rows() if r["split"] == split]
    m = corpus.bench().evaluate(rows, Nlu(), default_triage(), False)
    rules = corpus.bench().evaluate(rows, Nlu(model=None), default_triage(), False)
    assert m["false_escalation"] <= 0.08 and m["net_false"] <= 0.08
    assert m["escalation_recall"] >= rules["escalation_recall"]  # the model only raises
    assert m["net_recall"] >= 0.95
    assert m["vitals_exact"] >= 0.97
