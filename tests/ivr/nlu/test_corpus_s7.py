"""The s7 corpus (tests/data/utterances_s7.jsonl: every decision-261 sign said indirectly, regionally, by
relatives, without diacritics or with recognizer errors; calm relatives; negation traps) and the s7 lexicon
rules: signs described the way a relative sees them escalate, calm or negated talk does not."""
from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

from . import corpus

ROOT = Path(__file__).resolve().parents[3]
DATA = ROOT / "tests" / "data" / "utterances_s7.jsonl"
SLICES = {"indirect", "dialect", "northern", "relative", "kinship", "negation", "no_diacritics", "asr_error",
          "numbers", "plain", "concern"}
ESCALATE = {"emergency", "high"}


def _rows() -> list[dict[str, Any]]:
    return corpus.rows(DATA)


def test_the_corpus_is_well_formed_and_its_risk_follows_from_its_labels() -> None:
    rows = _rows()
    assert len(rows) >= 250 and len({r["text"] for r in rows}) == len(rows)
    others = set()
    for name in ("utterances.jsonl", "utterances_s5.jsonl"):
        others |= {json.loads(x)["text"] for x in (DATA.parent / name).read_text(encoding="utf-8").splitlines()
                   if x.strip()}
    assert not others & {r["text"] for r in rows}
    assert {r["slice"] for r in rows} == SLICES
    assert {r["split"] for r in rows} == {"dev", "holdout"}
    corpus.assert_labels_follow_the_rule_pack(rows)


def test_the_holdout_half_meets_the_clinical_floors() -> None:
    rows = [r for r in _rows() if r["split"] == "holdout"]
    m = corpus.bench().evaluate(rows, Nlu(), default_triage(), False)
    assert m["escalation_recall"] >= 0.98 and m["net_recall"] >= 0.98
    assert m["emergency_scored_none"] <= 1
    assert m["false_escalation"] <= 0.08 and m["net_false"] <= 0.08
    assert m["vitals_exact"] >= 0.97


def _risk(text: str) -> str:
    u = Nlu(model=None).understand(text)
    return str(default_triage().assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors,
                                       intent=u.intent).risk)


@pytest.mark.parametrize("text,sign", [
    ("gọi ông không thưa", "altered_consciousness"),          # "thưa" after a negator is no filler
    ("kêu mãi mà bà không dạ", "altered_consciousness"),
    ("bà nằm li bì từ trưa", "altered_consciousness"),
    ("mẹ tôi nói lảm nhảm", "altered_consciousness"),
    ("ông nằm lì bì", "altered_consciousness"),              # a recognizer's tone slip
    ("môi bà thâm lại rồi", "cyanosis"),
    ("tím hết rồi", "cyanosis"),                             # gone all blue, not "no longer blue"
    ("khó thở hết cả rồi", "severe_breathlessness"),
    ("bà thở phải ngồi dậy", "severe_breathlessness"),
    ("hít sâu vào là đau nhói bên ngực", "chest_pain"),
    ("ăn gì nôn nấy", "cannot_eat_drink"),
    ("ba tui ói hoài, cho uống gì cũng ói", "cannot_eat_drink"),
    ("bà không nuốt được gì", "cannot_eat_drink"),
    ("con em không đi tiểu từ sáng", "cannot_eat_drink"),
    ("ông nằm một chỗ cả ngày", "exhaustion"),
    ("mẹ ho xong nhổ ra thấy có máu", "coughing_blood"),
    ("tay chân lạnh ngắt", "caller_concern"),
    ("con tôi nổi chấm đỏ, chảy máu chân răng", "caller_concern"),  # sign 10: dengue
])
def test_a_sign_said_the_way_a_relative_sees_it_is_found(text: str, sign: str) -> None:
    assert sign in Nlu(model=None).understand(text).symptoms
    assert _risk(text) in ESCALATE


@pytest.mark.parametrize("text", [
    "tôi là người nhà bệnh nhân, hỏi cách ly mấy ngày",
    "la nguoi nha benh nhan, cho hoi cach ly may ngay",       # "lã người" (no diacritics) is no exhaustion
    "me toi 80 tuoi bi tieu duong dang sot",                 # "bi tieu" is not "bí tiểu"
    "bà tôi nôn mấy lần rồi",                                # "lần rồi" is not "lẫn rồi"
    "tôi thấy người lâng lâng chóng mặt",                    # "người lâng" is not "người lạnh"
    "ông tôi ngủ suốt đêm ngon lành, sáng dậy ăn sáng",
    "mẹ tôi không khó thở, chỉ hơi mệt",
    "ông không tím tái gì, môi vẫn hồng",
    "bà không lơ mơ, vẫn tỉnh táo",
    "bà nhà tôi vẫn ăn uống bình thường, chỉ hơi ho",
    "con tôi hỏi bà uống thuốc hạ sốt mấy lần một ngày",
])
def test_calm_or_negated_talk_does_not_escalate(text: str) -> None:
    assert _risk(text) not in ESCALATE


def test_a_blood_pressure_with_words_before_the_reading_is_read() -> None:
    nlu = Nlu(model=None)
    assert "low_blood_pressure" in nlu.understand("huyết áp của mẹ tôi tám mươi trên năm mươi").symptoms
    assert "low_blood_pressure" not in nlu.understand("huyết áp của mẹ tôi một trăm hai mươi trên tám mươi").symptoms
