"""Shared by the labelled-corpus tests: reading a JSONL corpus, checking its labels against the rule pack,
and loading bench/nlu.py (the scorer the closing notes quote) as a module."""
from __future__ import annotations

import importlib.util
import json
from pathlib import Path
from typing import Any

from escalation.triage import default_triage
from ivr import ROOT
from ivr.engine.understanding import INTENTS, SYMPTOMS
from ivr.nlu.lexicon import EXTRA_SIGNS, RISK_FACTORS


def rows(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def assert_labels_follow_the_rule_pack(corpus: list[dict[str, Any]]) -> None:
    """Every row's labels are known names, and its gold risk is what the rule pack makes of its labels."""
    triage = default_triage()
    for r in corpus:
        assert r["intent"] in INTENTS, r
        assert set(r["symptoms"]) <= (set(SYMPTOMS) | set(EXTRA_SIGNS)) - {"model_warning"}, r
        assert set(r["risk_factors"]) <= set(RISK_FACTORS), r
        a = triage.assess(symptoms=r["symptoms"], vitals=r["vitals"], risk_factors=r["risk_factors"],
                          intent=r["intent"])
        assert a.risk == r["risk"], r


def script(name: str) -> Any:
    """``bench/<name>.py`` as a module (the bench scripts are scripts, not a package)."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def bench() -> Any:
    """bench/nlu.py as a module (the scorer the closing notes quote)."""
    return script("nlu")
