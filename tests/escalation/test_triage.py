"""Triage rule packs: loading, validation messages, effective dates, risk levels and reasons."""
from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from escalation.errors import RulePackError
from escalation.triage import (
    NONE_REASON,
    RULES_DIR,
    RuleTriage,
    active_pack,
    default_triage,
    load_pack,
    load_pack_text,
    load_packs,
)
from ivr.engine.understanding import Assessment, Triage
from ivr.errors import ConfigError
from ivr.nlu.lexicon import EXTRA_SIGNS

T261 = dt.date(2022, 2, 15)
T4038 = dt.date(2021, 12, 1)


@pytest.fixture(scope="module")
def triage() -> RuleTriage:
    return default_triage(T261)


def test_shipped_packs_load_and_are_versioned() -> None:
    packs = load_packs()
    assert [p.id for p in packs] == ["moh-4038-2021", "moh-261-2022"]
    assert [p.effective_from for p in packs] == [dt.date(2021, 8, 21), dt.date(2022, 1, 31)]
    for p in packs:
        assert p.version and p.source.startswith("Quyết định") and p.cite.startswith("QĐ ")
        assert set(p.signs) == set(EXTRA_SIGNS)


def test_the_pack_in_force_is_chosen_by_date() -> None:
    packs = load_packs()
    assert active_pack(packs, dt.date(2021, 8, 21)).id == "moh-4038-2021"
    assert active_pack(packs, dt.date(2022, 1, 30)).id == "moh-4038-2021"
    assert active_pack(packs, dt.date(2022, 1, 31)).id == "moh-261-2022"
    assert active_pack(packs, dt.date(2026, 1, 1)).id == "moh-261-2022"
    with pytest.raises(RulePackError) as exc:
        active_pack(packs, dt.date(2021, 1, 1))
    assert str(exc.value) == ("no rule pack in force on 2021-01-01; the earliest, moh-4038-2021, "
                              "takes effect on 2021-08-21")
    assert default_triage().pack.id == "moh-261-2022"


def test_rule_triage_implements_the_triage_protocol(triage: RuleTriage) -> None:
    t: Triage = triage
    a = t.assess(symptoms=[], vitals={})
    assert a == Assessment(risk="none", reasons=(NONE_REASON,), rule_pack="moh-261-2022@2")


def test_reason_cites_the_decision_and_sign(triage: RuleTriage) -> None:
    a = triage.assess(symptoms=[], vitals={"spo2": 94})
    assert a.risk == "high"
    assert a.reasons == ("SpO2 94% ≤ 96%: dấu hiệu 3, QĐ 261/QĐ-BYT",)


@pytest.mark.parametrize("kwargs, risk", [
    # emergency
    ({"symptoms": [], "vitals": {}, "intent": "emergency"}, "emergency"),
    ({"symptoms": ["altered_consciousness"], "vitals": {}}, "emergency"),
    ({"symptoms": ["cyanosis"], "vitals": {}}, "emergency"),
    ({"symptoms": ["severe_breathlessness", "shortness_of_breath"], "vitals": {}}, "emergency"),
    ({"symptoms": [], "vitals": {"spo2": 93}}, "emergency"),
    ({"symptoms": [], "vitals": {"breathing_rate": 31}}, "emergency"),
    # high
    ({"symptoms": ["shortness_of_breath"], "vitals": {}}, "high"),
    ({"symptoms": ["chest_pain"], "vitals": {}}, "high"),
    ({"symptoms": ["low_spo2"], "vitals": {}}, "high"),
    ({"symptoms": ["cannot_eat_drink"], "vitals": {}}, "high"),
    ({"symptoms": ["exhaustion", "fatigue"], "vitals": {}}, "high"),
    ({"symptoms": ["low_blood_pressure"], "vitals": {}}, "high"),
    ({"symptoms": [], "vitals": {"spo2": 96}}, "high"),
    ({"symptoms": [], "vitals": {"spo2": 94}}, "high"),
    ({"symptoms": [], "vitals": {"breathing_rate": 20}}, "high"),
    ({"symptoms": [], "vitals": {"pulse": 121}}, "high"),
    ({"symptoms": [], "vitals": {"pulse": 49}}, "high"),
    ({"symptoms": [], "vitals": {"systolic_bp": 89, "diastolic_bp": 70}}, "high"),  # sign 5: below 90/60
    ({"symptoms": [], "vitals": {"systolic_bp": 110, "diastolic_bp": 59}}, "high"),
    # medium
    ({"symptoms": ["fever"], "vitals": {"temperature": 38.5}}, "medium"),
    ({"symptoms": ["fever", "prolonged_fever"], "vitals": {}}, "medium"),
    ({"symptoms": ["cough"], "vitals": {}, "risk_factors": ["age_65_plus"]}, "medium"),
    ({"symptoms": ["runny_nose"], "vitals": {}, "risk_factors": ["pregnancy"]}, "medium"),
    # low
    ({"symptoms": ["cough", "sore_throat", "runny_nose", "headache"], "vitals": {}}, "low"),
    ({"symptoms": ["fever"], "vitals": {"temperature": 38.4}}, "low"),
    ({"symptoms": [], "vitals": {"temperature": 37.5}}, "low"),
    # none
    ({"symptoms": [], "vitals": {"spo2": 97, "breathing_rate": 19, "pulse": 120, "temperature": 37.4}}, "none"),
    ({"symptoms": [], "vitals": {"pulse": 50}}, "none"),
    ({"symptoms": [], "vitals": {"systolic_bp": 90, "diastolic_bp": 60}}, "none"),
    ({"symptoms": [], "vitals": {}, "risk_factors": ["diabetes", "age_65_plus"]}, "none"),
    ({"symptoms": [], "vitals": {}, "intent": "request_doctor"}, "none"),
])
def test_risk_levels_follow_the_hotline_table(triage: RuleTriage, kwargs: dict, risk: str) -> None:
    assert triage.assess(**kwargs).risk == risk


def test_blood_pressure_and_pulse_reasons_cite_decision_261(triage: RuleTriage) -> None:
    a = triage.assess(symptoms=[], vitals={"systolic_bp": 85, "diastolic_bp": 55, "pulse": 130})
    assert a.risk == "high"
    assert a.reasons == (
        "Mạch 130 lần/phút > 120: dấu hiệu 4, QĐ 261/QĐ-BYT",
        "Huyết áp tâm thu 85 mmHg < 90: dấu hiệu 5, QĐ 261/QĐ-BYT (huyết áp dưới 90/60 mmHg)",
        "Huyết áp tâm trương 55 mmHg < 60: dấu hiệu 5, QĐ 261/QĐ-BYT (huyết áp dưới 90/60 mmHg)",
    )


def test_most_urgent_reason_first_and_low_reasons_dropped_when_escalating(triage: RuleTriage) -> None:
    a = triage.assess(symptoms=["cough", "fever"], vitals={"spo2": 92, "temperature": 39},
                      risk_factors=["diabetes"])
    assert a.risk == "emergency"
    assert a.reasons == (
        "SpO2 92% < 94%: mức nặng theo hướng dẫn điều trị của Bộ Y tế; WHO",
        "SpO2 92% ≤ 96%: dấu hiệu 3, QĐ 261/QĐ-BYT",
        "Sốt 39°C ≥ 38,5°C: mức theo dõi của tổng đài (sốt cao)",
        "Có triệu chứng (ho, sốt) ở người có yếu tố nguy cơ (tiểu đường): yếu tố nguy cơ theo hướng dẫn của Bộ Y tế",
    )


def test_low_reason_names_the_symptoms(triage: RuleTriage) -> None:
    a = triage.assess(symptoms=["cough", "loss_of_taste_smell"], vitals={})
    assert a.reasons == ("Triệu chứng nhẹ (ho, mất vị giác/khứu giác): tư vấn chăm sóc tại nhà, QĐ 261/QĐ-BYT",)


def test_4038_thresholds_differ_from_261() -> None:
    old, new = default_triage(T4038), default_triage(T261)
    assert old.pack.id == "moh-4038-2021"
    for vitals in ({"spo2": 96}, {"breathing_rate": 20}):
        assert old.assess(symptoms=[], vitals=vitals).risk == "none"
        assert new.assess(symptoms=[], vitals=vitals).risk == "high"
    a = old.assess(symptoms=[], vitals={"spo2": 95})
    assert a.reasons == ("SpO2 95% < 96%: dấu hiệu cần báo ngay, QĐ 4038/QĐ-BYT",)
    assert a.rule_pack == "moh-4038-2021@1"


def test_bad_inputs_are_ignored_not_fatal(triage: RuleTriage) -> None:
    a = triage.assess(symptoms=["cough", None, 3], vitals={"spo2": float("nan"), "bp": 80, "pulse": True},  # type: ignore[list-item]
                      risk_factors=[None])  # type: ignore[list-item]
    assert a.risk == "low"


def test_changing_a_threshold_is_a_data_change(tmp_path: Path) -> None:
    src = (RULES_DIR / "moh-261-2022.yaml").read_text(encoding="utf-8")
    changed = src.replace('when: {vital: {name: spo2, op: "<=", value: 96}}',
                          'when: {vital: {name: spo2, op: "<=", value: 95}}')
    assert changed != src
    (tmp_path / "local.yaml").write_text(changed.replace("id: moh-261-2022", "id: local-2022")
                                         .replace("effective_from: 2022-01-31", "effective_from: 2022-06-01"),
                                         encoding="utf-8")
    shutil.copy(RULES_DIR / "moh-261-2022.yaml", tmp_path)
    t = default_triage(dt.date(2022, 7, 1), directory=tmp_path)
    assert t.pack.id == "local-2022"
    assert t.assess(symptoms=[], vitals={"spo2": 96}).risk == "none"
    assert t.assess(symptoms=[], vitals={"spo2": 95}).reasons == ("SpO2 95% ≤ 95%: dấu hiệu 3, QĐ 261/QĐ-BYT",)


GOOD_RULE = """
  - id: r1
    risk: high
    when: {symptoms: [cough]}
    reason: "Ho"
"""
HEAD = """id: p
version: 1
source: "Quyết định X"
cite: "QĐ X"
effective_from: 2022-01-01
rules:
"""


@pytest.mark.parametrize("rules, problem", [
    ("  - id: r1\n    risk: urgent\n    when: {symptoms: [cough]}\n    reason: Ho\n",
     "pack.yaml: rule 'r1': 'risk' must be one of emergency, high, medium, low, not 'urgent'"),
    ("  - id: r1\n    risk: high\n    when: {symptoms: [sneezing]}\n    reason: Ho\n",
     "pack.yaml: rule 'r1': unknown symptoms 'sneezing'"),
    ("  - id: r1\n    risk: high\n    when: {vital: {name: spo2, op: '=<', value: 96}}\n    reason: x\n",
     "pack.yaml: rule 'r1': unknown operator '=<'; expected one of < <= > >= =="),
    ("  - id: r1\n    risk: high\n    when: {vital: {name: bp, op: '<', value: 90}}\n    reason: x\n",
     "pack.yaml: rule 'r1': unknown vital 'bp'; expected one of spo2, temperature, breathing_rate, pulse, "
    "systolic_bp, diastolic_bp"),
    ("  - id: r1\n    risk: high\n    when: {vital: {name: spo2, op: '<', value: high}}\n    reason: x\n",
     "pack.yaml: rule 'r1': vital value must be a number, not 'high'"),
    ("  - id: r1\n    risk: high\n    when: {colour: blue}\n    reason: x\n",
     "pack.yaml: rule 'r1': unknown condition 'colour'"),
    ("  - id: r1\n    risk: high\n    when: {symptoms: [cough]}\n",
     "pack.yaml: rule 'r1': missing 'reason'"),
    ("  - id: r1\n    risk: high\n    when: {symptoms: [cough]}\n    reason: 'SpO2 {value}'\n",
     "pack.yaml: rule 'r1': reason uses {value}/{threshold} but the rule has no 'vital' condition"),
    ("  - id: r1\n    risk: high\n    when: {symptoms: [cough]}\n    reason: 'Ho {colour}'\n",
     "pack.yaml: rule 'r1': unknown placeholder {colour} in reason"),
    ("  - id: r1\n    risk: high\n    when: {intent: [panic]}\n    reason: x\n",
     "pack.yaml: rule 'r1': unknown intent 'panic'"),
    ("  - id: r1\n    risk: high\n    when: {risk_factors: [smoking]}\n    reason: x\n",
     "pack.yaml: rule 'r1': unknown risk_factors 'smoking'"),
    ("  - risk: high\n    when: {symptoms: [cough]}\n    reason: x\n",
     "pack.yaml: rule #1: missing 'id'"),
    (GOOD_RULE + GOOD_RULE, "pack.yaml: rule 'r1': duplicate id"),
])
def test_validation_names_the_file_and_rule(rules: str, problem: str) -> None:
    with pytest.raises(RulePackError) as exc:
        load_pack_text(HEAD + rules, "pack.yaml")
    assert problem in exc.value.problems
    assert isinstance(exc.value, ConfigError)


@pytest.mark.parametrize("text, problem", [
    ("id: [", "pack.yaml: not valid YAML:"),
    ("- a\n- b\n", "pack.yaml: a rule pack must be a mapping"),
    (HEAD.replace("effective_from: 2022-01-01", "effective_from: soon") + GOOD_RULE,
     "pack.yaml: 'effective_from' must be a date YYYY-MM-DD, not 'soon'"),
    (HEAD.replace("cite: \"QĐ X\"\n", "") + GOOD_RULE, "pack.yaml: missing 'cite'"),
    (HEAD + GOOD_RULE + "extra: 1\n", "pack.yaml: unknown key 'extra'"),
    (HEAD + "  []\n", "pack.yaml: 'rules' must be a non-empty list"),
    ("signs: {cough: x}\n" + HEAD + GOOD_RULE, "pack.yaml: signs cough are already symptom names"),
])
def test_pack_level_validation(text: str, problem: str) -> None:
    with pytest.raises(RulePackError) as exc:
        load_pack_text(text, "pack.yaml")
    assert any(p.startswith(problem) for p in exc.value.problems), exc.value.problems


def test_directory_problems(tmp_path: Path) -> None:
    with pytest.raises(RulePackError, match="no rule packs"):
        load_packs(tmp_path)
    (tmp_path / "a.yaml").write_text(HEAD + GOOD_RULE, encoding="utf-8")
    (tmp_path / "b.yaml").write_text(HEAD + GOOD_RULE, encoding="utf-8")
    with pytest.raises(RulePackError) as exc:
        load_packs(tmp_path)
    assert f"{tmp_path / 'b.yaml'}: pack id 'p' also used by {tmp_path / 'a.yaml'}" in exc.value.problems
    with pytest.raises(RulePackError, match="cannot read rule pack"):
        load_pack(tmp_path / "missing.yaml")
