"""The shared vocabularies: each member is its string everywhere, and staff read a label for each."""
from __future__ import annotations

import json
import subprocess
import sys

from ivr.vocabulary import (
    CALL_OUTCOME_LABELS,
    MODE_LABELS,
    RISK_LABELS,
    RISK_LEVELS,
    STORED_CALL_OUTCOMES,
    CallOutcome,
    EscalationMode,
    RiskLevel,
    risk_rank,
)


def test_members_are_their_strings_in_comparisons_formatting_and_json() -> None:
    for member in (*CallOutcome, *EscalationMode, *RiskLevel):
        assert member == member.value and str(member) == member.value and f"{member}" == member.value
        assert {member.value: 1}[member] == 1 and json.dumps(member) == f'"{member.value}"'


def test_every_member_has_a_label() -> None:
    assert set(CALL_OUTCOME_LABELS) == set(CallOutcome)
    assert set(MODE_LABELS) == set(EscalationMode)
    assert set(RISK_LABELS) == set(RiskLevel)


def test_risk_levels_most_urgent_first_and_stored_outcomes() -> None:
    assert RISK_LEVELS == ("emergency", "high", "medium", "low", "none")
    assert [risk_rank(r) for r in RISK_LEVELS] == [0, 1, 2, 3, 4]
    assert set(STORED_CALL_OUTCOMES) == {"completed", "escalated", "handed_off", "abandoned", "no_input", "failed",
                                         "in_progress"}


def test_the_vocabulary_module_imports_nothing_of_the_project_or_any_library() -> None:
    code = ("import sys; before = set(sys.modules); import ivr.vocabulary; "
            "print(sorted(m for m in set(sys.modules) - before if m.split('.')[0] not in sys.stdlib_module_names))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "['ivr', 'ivr.vocabulary']"
