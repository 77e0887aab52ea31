"""The statistical second opinion (ivr.nlu.ngram) and the concern signal (issue 12).

The model only raises risk, says so in ``sources`` and in the triage reason; worried words set the
``concern`` flag (and the sign ``caller_concern``, decision 261 sign 11); the shipped weights are what
``bench/train_ngram.py`` produces from the "dev" rows of the labelled corpus.
"""
from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest

from escalation.triage import default_triage
from ivr.nlu.ngram import MODEL_PATH, NgramModel, default_model, features, load_model
from ivr.nlu.understander import Nlu, model_may_raise

ROOT = Path(__file__).resolve().parents[3]
ESCALATE = {"emergency", "high"}


def _model(weights: dict[str, float], bias: float = -4.0, threshold: float = 0.5) -> NgramModel:
    return NgramModel(weights=weights, bias=bias, threshold=threshold,
                      escalating_signs=frozenset({"shortness_of_breath", "altered_consciousness", "cyanosis"}),
                      info={})


@pytest.fixture(scope="module")
def triage():  # type: ignore[no-untyped-def]
    return default_triage()


def test_features_fold_diacritics_for_characters_and_keep_them_for_words() -> None:
    f = features("Lả người 38")
    assert "c:la n" in f and "c: 0 " in f  # folded characters, digits as one class
    assert "w:lả" in f and "b:lả người" in f and "w:la" not in f
    assert features("la nguoi") != features("là người") != features("lả người")


def test_the_score_is_a_length_scaled_logistic_regression() -> None:
    m = _model({"w:ngất": 6.0, "w:thôi": 0.0})
    assert m.score("") == 0.0
    assert m.score("không có từ nào đã biết") == pytest.approx(1 / (1 + math.exp(4)))
    assert m.score("ngất") == pytest.approx(1 / (1 + math.exp(-2))) and m.says_high("ngất")
    # the counts of the known features are scaled to unit length: "thôi" dilutes "ngất"
    assert m.score("ngất thôi") == pytest.approx(1 / (1 + math.exp(4 - 6 / math.sqrt(2))))
    assert m.score("ngất thôi") < m.score("ngất")


#: Session 20 (n47-model-groups): the retired held-out sets (tests/data/heldout/README.md) train the model; no
#: other held-out file may. Session 21: sets 16 and 17 retired too; session 22: sets 18 and 19.
RETIRED = {f"heldout/utterances_heldout{k}.jsonl" for k in (2, 3, 11, 13, 14, 15, 16, 17, 18, 19, 20, 21)}


def _only_retired_heldout(trained_on: list[str]) -> None:
    assert {f for f in trained_on if "heldout" in f} <= RETIRED


def test_the_shipped_model_loads() -> None:
    m = default_model()
    info = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert 0.0 < m.threshold < 1.0 and len(m.weights) > 1000
    assert info["trained_by"] == "bench/train_ngram.py" and info["split"] == "dev"
    _only_retired_heldout(info["trained_on"])
    assert "model_warning" not in m.escalating_signs and "cyanosis" in m.escalating_signs


@pytest.mark.slow
@pytest.mark.timeout(1800)  # its own subprocess limit is 1500 s
def test_the_shipped_model_is_what_the_training_script_makes() -> None:
    # a full retrain with grouped cross-validation: about 8-10 min on two cores for 6837 rows (session 21), more
    # while other tests share the machine; the limit only catches a hang
    res = subprocess.run([sys.executable, str(ROOT / "bench" / "train_ngram.py"), "--check"], capture_output=True,
                         text=True, cwd=ROOT, timeout=1500)
    assert res.returncode == 0, res.stdout + res.stderr


def test_a_broken_model_file_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"weights": {}, "bias": 0, "threshold": 1.5, "escalating_signs": []}', encoding="utf-8")
    with pytest.raises(ValueError, match="threshold 1.5 is not within 0..1"):
        load_model(bad)
    bad.write_text('{"weights": {}, "bias": 0}', encoding="utf-8")
    with pytest.raises(ValueError, match="missing 'threshold'"):
        load_model(bad)


def test_the_model_raises_an_understood_report_and_says_so(triage) -> None:  # type: ignore[no-untyped-def]
    text = "mẹ tôi nôn, giờ ngồi im nhìn xa xăm"  # (s7: "thở phì phò" is now the rules' breathlessness)
    rules = Nlu(model=None).understand(text)
    both = Nlu(model=_model({"w:xăm": 30.0})).understand(text)
    assert "model_warning" not in rules.symptoms and rules.intent == "report_symptoms"
    assert both.symptoms == (*rules.symptoms, "model_warning") and both.intent == rules.intent
    assert both.sources["model_warning"] == "model" and both.sources["vomiting"] == "rules"
    a = triage.assess(symptoms=both.symptoms, vitals=both.vitals, risk_factors=both.risk_factors, intent=both.intent)
    assert a.risk == "high" and any("mô hình thống kê" in r for r in a.reasons)


def test_the_model_never_lowers_and_stays_quiet_when_the_rules_already_escalate() -> None:
    never = Nlu(model=_model({}, bias=-30.0))
    for text in ("bà tôi môi tím tái", "khó thở quá", "bố tôi gọi không dậy"):
        assert never.understand(text).symptoms == Nlu(model=None).understand(text).symptoms
    always = Nlu(model=_model({}, bias=30.0))
    u = always.understand("tôi khó thở")
    assert "model_warning" not in u.symptoms and u.sources == {"shortness_of_breath": "rules"}


@pytest.mark.parametrize("text", [
    "cho hỏi cách ly bao lâu",  # a question
    "có",  # an answer
    "hôm nay tôi khỏe",  # a calm check-in
    "tôi không khó thở, không tím môi",  # only negated signs
    "thôi chào nhé",
])
def test_the_model_does_not_overrule_what_the_rules_understood_as_calm(text: str) -> None:
    always = Nlu(model=_model({}, bias=30.0))
    u = always.understand(text, expect=["yes", "no"] if text == "có" else None)
    assert "model_warning" not in u.symptoms and not u.concern


def test_unparsed_words_the_model_fears_raise_the_concern_flag_not_a_sign() -> None:
    """Words the rules do not understand at all go to the flow's unclear net (escalation with 115 advice)."""
    text = "ông cứ khật khừ từ sáng"  # words the rules do not know ("ú ớ" they learnt)
    assert Nlu(model=None).understand(text).intent == "unknown"
    u = Nlu(model=_model({"w:khật": 30.0})).understand(text)
    assert u.concern and u.sources == {"concern": "model"} and u.symptoms == ()
    assert not Nlu(model=_model({}, bias=-30.0)).understand(text).concern


@pytest.mark.parametrize("text", ["mmm", "ừm...", "dạ, mmm"])
def test_one_word_gives_the_model_nothing_to_weigh(text: str) -> None:
    """A hum or a single word while thinking: the model's character n-grams are chance likeness there, and
    the flow would send the caller to a doctor at once on its concern."""
    always = Nlu(model=_model({}, bias=30.0))
    u = always.understand(text)
    assert not u.concern and "model_warning" not in u.symptoms
    assert always.understand("ông cứ khật khừ").concern  # two words: the model's opinion counts


def test_model_may_raise() -> None:
    assert model_may_raise("unknown", (), ())
    assert model_may_raise("report_symptoms", ("vomiting",), ("fever",))
    assert not model_may_raise("report_symptoms", (), ("shortness_of_breath",))
    assert not model_may_raise("ask_isolation", (), ())
    assert not model_may_raise("daily_checkin", (), ())


# ------------------------------------------------------------------ the concern signal
@pytest.mark.parametrize("text", [
    "mẹ tôi hôm nay có vẻ không được ổn",
    "ba tui coi bộ khác thường lắm",
    "bà cháu yếu hẳn đi từ hôm qua",
    "tình trạng ông nhà tôi xấu đi",
    "chồng tôi nhìn sợ lắm, không như mọi ngày",
])
def test_worried_words_set_the_concern_flag_and_escalate(nlu_rules: Nlu, triage, text: str) -> None:  # type: ignore[no-untyped-def]
    u = nlu_rules.understand(text)
    assert u.concern and "caller_concern" in u.symptoms and u.sources["concern"] == "rules"
    a = triage.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    assert a.risk in ESCALATE and any("dấu hiệu 11" in r for r in a.reasons)


@pytest.mark.parametrize("text", ["trời ơi tôi sợ quá", "ối giời ơi làm sao bây giờ"])
def test_distress_alone_sets_the_flag_without_a_sign(nlu_rules: Nlu, text: str) -> None:
    u = nlu_rules.understand(text)
    assert u.concern and "caller_concern" not in u.symptoms


@pytest.mark.parametrize("text", [
    "không có gì bất thường cả",
    "huyết áp ổn định",
    "tôi vẫn ổn, cảm ơn",
    "không thấy gì lạ",
    "bé nhà tôi lạ nhà nên quấy khóc",
    "tôi là người nhà bệnh nhân, hỏi về cách ly",
])
def test_calm_words_are_no_concern(nlu_rules: Nlu, text: str) -> None:
    u = nlu_rules.understand(text)
    assert not u.concern and "caller_concern" not in u.symptoms


@pytest.fixture(scope="module")
def nlu_rules() -> Nlu:
    return Nlu(model=None)


# ------------------------------------------------------------------ the emergency head
def _two_heads(warning: dict[str, float], emergency: dict[str, float], *, threshold: float = 0.9,
               calm_threshold: float = 0.99) -> NgramModel:
    return NgramModel(weights={**dict.fromkeys(emergency, 0.0), **warning}, bias=-4.0, threshold=0.5,
                      escalating_signs=frozenset({"shortness_of_breath", "altered_consciousness", "cyanosis"}),
                      info={}, emergency_weights=emergency, emergency_bias=-4.0, emergency_threshold=threshold,
                      emergency_threshold_calm=calm_threshold)


def test_both_heads_share_the_features_and_their_length_scaling() -> None:
    m = _two_heads({"w:ngất": 6.0}, {"w:ngất": 10.0, "w:lịm": 10.0})
    w, e = m.scores("ngất lịm")
    assert w == pytest.approx(1 / (1 + math.exp(4 - 6 / math.sqrt(2))))
    assert e == pytest.approx(1 / (1 + math.exp(4 - 20 / math.sqrt(2))))
    assert m.scores("") == (0.0, 0.0) and _model({"w:ngất": 6.0}).scores("ngất")[1] == 0.0
    assert m.has_emergency and not _model({}).has_emergency


def test_an_emergency_the_rules_do_not_understand_gets_the_sign_and_the_flag(triage) -> None:  # type: ignore[no-untyped-def]
    text = "ông cứ khật khừ từ sáng"  # words the rules do not know ("ú ớ" they learnt)
    assert Nlu(model=None).understand(text).intent == "unknown"
    u = Nlu(model=_two_heads({"w:khật": 30.0}, {"w:khật": 30.0})).understand(text)
    assert u.concern and u.symptoms == ("model_warning",)
    assert u.sources == {"model_warning": "model", "concern": "model"}
    a = triage.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    assert a.risk == "high"
    # the heads must agree: the emergency head alone does not speak
    u = Nlu(model=_two_heads({}, {"w:khật": 30.0})).understand(text)
    assert not u.concern and u.symptoms == ()
    u = Nlu(model=_two_heads({"w:khật": 3.9}, {"w:khật": 30.0})).understand(text)  # warning 0.475 < 0.5
    assert not u.concern and u.symptoms == ()
    # below the emergency threshold it is the warning head's concern flag only, as before
    u = Nlu(model=_two_heads({"w:khật": 30.0}, {"w:khật": 5.0})).understand(text)
    assert u.concern and u.symptoms == ()


def test_after_a_calm_check_in_the_emergency_head_needs_its_stricter_threshold() -> None:
    text = "hôm nay bà tôi ngủ li bì"
    rules = Nlu(model=None).understand(text)
    if rules.intent != "daily_checkin" or rules.symptoms:  # the rules may learn these words: then a stand-in
        text = "hôm nay tôi khỏe, bà khật khừ"  # ("ú ớ" the rules learnt too)
        rules = Nlu(model=None).understand(text)
    assert rules.intent == "daily_checkin"
    word = "w:" + text.split()[-1]
    # 5.6 / sqrt(#features) is not enough for the calm threshold, 60 is
    loud = Nlu(model=_two_heads({word: 60.0}, {word: 60.0}, threshold=0.5, calm_threshold=0.999)).understand(text)
    assert "model_warning" in loud.symptoms and loud.concern
    mild = Nlu(model=_two_heads({word: 60.0}, {word: 9.0}, threshold=0.5, calm_threshold=0.999)).understand(text)
    assert "model_warning" not in mild.symptoms and not mild.concern  # nor the warning head after a check-in


@pytest.mark.parametrize("text,expect", [
    ("cho hỏi nếu khó thở thì làm sao", None),  # a question
    ("có", ["yes", "no"]),  # an answer
    ("tôi không khó thở, không tím môi", None),  # denied signs
    ("không khó thở, chỉ hơi mệt", None),
    ("thôi chào nhé", None),
])
def test_the_emergency_head_never_speaks_after_a_question_an_answer_or_a_denial(text: str, expect) -> None:  # type: ignore[no-untyped-def]
    always = Nlu(model=_two_heads({}, {}, threshold=0.01, calm_threshold=0.01))
    always = Nlu(model=NgramModel(weights={}, bias=30.0, threshold=0.5, escalating_signs=always.model.escalating_signs,  # type: ignore[union-attr]
                                  info={}, emergency_weights={"w:x": 0.0}, emergency_bias=30.0,
                                  emergency_threshold=0.5, emergency_threshold_calm=0.5))
    u = always.understand(text, expect=expect)
    assert "model_warning" not in u.symptoms and not u.concern


def test_model_may_raise_for_the_emergency_head() -> None:
    assert model_may_raise("daily_checkin", (), (), emergency=True)
    assert model_may_raise("request_doctor", (), (), emergency=True)
    assert not model_may_raise("daily_checkin", (), ())
    for intent in ("ask_isolation", "ask_medication", "yes", "no", "repeat", "goodbye"):
        assert not model_may_raise(intent, (), (), emergency=True)
    assert not model_may_raise("daily_checkin", (), ("cyanosis",), ("cyanosis",), emergency=True)


def test_the_shipped_model_has_an_emergency_head_trained_with_augmentation() -> None:
    m = default_model()
    info = json.loads(MODEL_PATH.read_text(encoding="utf-8"))
    assert m.has_emergency and m.threshold <= 0.95 and m.emergency_threshold <= m.emergency_threshold_calm <= 1.0
    assert info["augmentation"]["variants_per_row"] > 0 and info["augmentation"]["n_variants"] > info["n_train"]
    assert info["emergency"]["max_cv_false"] <= 0.01 and info["emergency"]["max_cv_false_calm"] == 0.0
    _only_retired_heldout(info["trained_on"])
    # the words of an emergency the rules once missed (s5 holdout) are a warning sign to the model
    assert m.scores("chồng tôi nằm ngủ từ chiều, lay vai mấy lần mà anh không mở mắt")[0] >= m.threshold
    # the emergency head ranks the emergencies of a half it never trained on (s5 holdout) above its calm rows:
    # its threshold moves with the training rows (cross-validated false alarms), its ranking must not fail
    rows = [json.loads(line) for line in (ROOT / "tests" / "data" / "utterances_s5.jsonl").read_text(
        encoding="utf-8").splitlines() if line.strip()]
    unseen = [r for r in rows if r["split"] == "holdout"]
    emergencies = [m.scores(r["text"])[1] for r in unseen if r["risk"] == "emergency"]
    calm = [m.scores(r["text"])[1] for r in unseen if r["risk"] in ("none", "low", "medium")]
    assert len(emergencies) >= 20 and len(calm) >= 50
    auc = sum((e > c) + 0.5 * (e == c) for e in emergencies for c in calm) / (len(emergencies) * len(calm))
    assert auc >= 0.9, auc


def test_a_model_file_with_a_broken_emergency_head_is_refused(tmp_path: Path) -> None:
    bad = tmp_path / "m.json"
    bad.write_text('{"weights": {}, "bias": 0, "threshold": 0.5, "escalating_signs": [], '
                   '"emergency": {"weights": {}, "bias": 0}}', encoding="utf-8")
    with pytest.raises(ValueError, match="missing 'emergency.threshold'"):
        load_model(bad)
    bad.write_text('{"weights": {}, "bias": 0, "threshold": 0.5, "escalating_signs": [], "features": ["c", "q"]}',
                   encoding="utf-8")
    with pytest.raises(ValueError, match=r"unknown feature kinds \['q'\]"):
        load_model(bad)


def test_folded_pairs_and_skip_pairs() -> None:
    f = features("Khó   thở quá", ("f", "s"))
    assert f == ["f:kho tho", "f:tho qua", "s:kho _ qua"]
    assert features("khó thở") == features("khó thở", ("c", "w", "b"))
