"""Intents, symptoms, vitals and risk factors from caller utterances (pure, no audio)."""
from __future__ import annotations

import json
import random
import time

import pytest

from ivr import ROOT
from ivr.engine.understanding import INTENTS, SYMPTOMS, Understander, Understanding
from ivr.nlu.lexicon import EXTRA_SIGNS, RISK_FACTORS
from ivr.nlu.understander import Nlu, default_understander, expected_phrases

DATA = ROOT / "tests" / "data" / "utterances.jsonl"


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu()


def test_nlu_implements_the_understander_protocol(nlu: Nlu) -> None:
    u: Understander = nlu
    result = u.understand("tôi bị ho", expect=None)
    assert isinstance(result, Understanding)
    assert default_understander() is default_understander()


@pytest.mark.parametrize("text, intent", [
    ("tôi bị sốt và ho khan", "report_symptoms"),
    ("gọi xe cấp cứu giùm tôi", "emergency"),
    # a sign described is a report (its risk is an emergency); asking for urgent help is the intent "emergency"
    ("mẹ tôi không thở được", "report_symptoms"),
    ("tôi mới test nhanh hai vạch", "report_positive_test"),
    ("uống thuốc hạ sốt gì được", "ask_medication"),
    ("cách ly bao lâu thì được ra ngoài", "ask_isolation"),
    ("ở nhà nên ăn uống thế nào", "ask_home_care"),
    ("cho tôi gặp bác sĩ", "request_doctor"),
    ("báo cáo chỉ số hôm nay, spo2 98", "daily_checkin"),
    ("nói lại giùm tôi", "repeat"),
    ("cảm ơn, tạm biệt", "goodbye"),
    ("con mèo đi đâu mất rồi", "unknown"),
    ("tôi không cần cấp cứu, chỉ hỏi thuốc ho", "ask_medication"),
    ("không gọi được cấp cứu", "emergency"),
])
def test_intents(nlu: Nlu, text: str, intent: str) -> None:
    assert nlu.understand(text).intent == intent


@pytest.mark.parametrize("text, intent", [
    ("có", "yes"), ("dạ có", "yes"), ("vâng ạ", "yes"), ("rồi", "yes"), ("đúng rồi", "yes"),
    ("không", "no"), ("chưa", "no"), ("dạ không", "no"), ("hổng có", "no"), ("khong", "no"),
    ("không nghe rõ", "repeat"),
])
def test_bare_answers_when_yes_no_is_expected(nlu: Nlu, text: str, intent: str) -> None:
    u = nlu.understand(text, expect=["yes", "no"])
    assert u.intent == intent
    assert u.confidence >= 0.9


def test_bare_answer_out_of_context_has_lower_confidence(nlu: Nlu) -> None:
    expected = nlu.understand("có", expect=["yes", "no"])
    unexpected = nlu.understand("có")
    assert unexpected.intent == "yes"
    assert unexpected.confidence < expected.confidence


def test_yes_with_a_symptom_keeps_the_symptom(nlu: Nlu) -> None:
    u = nlu.understand("có, tôi có bị ho", expect=["yes", "no"])
    assert (u.intent, u.symptoms) == ("yes", ("cough",))


@pytest.mark.parametrize("text", [
    "không sốt", "tôi hết ho rồi", "không còn khó thở nữa", "hổng có sốt", "sốt thì hết rồi",
    "không bị đau ngực", "chẳng ho gì cả", "khong sot", "tôi không ho, sốt hay khó thở gì",
])
def test_negated_symptoms_are_not_reported(nlu: Nlu, text: str) -> None:
    assert nlu.understand(text).symptoms == ()


def test_serious_symptoms_keep_unless_the_list_says_no(nlu: Nlu) -> None:
    # ASR text has no commas: "không sốt khó thở" may mean "no fever, breathless"; keep the serious one
    assert nlu.understand("không sốt khó thở").symptoms == ("shortness_of_breath",)
    assert nlu.understand("không sốt ho nhiều").symptoms == ("cough",)
    assert nlu.understand("không ho sốt gì").symptoms == ()
    assert nlu.understand("không ho hay khó thở gì").symptoms == ()
    assert nlu.understand("không có dấu hiệu khó thở").symptoms == ()


def test_negation_stops_at_but(nlu: Nlu) -> None:
    assert nlu.understand("không sốt nhưng ho nhiều").symptoms == ("cough",)
    assert nlu.understand("sốt thì hết rồi nhưng còn ho").symptoms == ("cough",)


def test_cannot_breathe_is_not_a_negation(nlu: Nlu) -> None:
    u = nlu.understand("bà tôi không thở được")
    assert set(u.symptoms) == {"shortness_of_breath", "severe_breathlessness"}
    assert u.intent == "report_symptoms"


@pytest.mark.parametrize("text, symptoms", [
    ("tôi bị sổ mũi, đau họng", {"runny_nose", "sore_throat"}),
    ("toi bi dau hong, so mui", {"runny_nose", "sore_throat"}),
    ("mất vị giác, không ngửi được gì", {"loss_of_taste_smell"}),
    ("tui ói quá trời", {"vomiting"}),
    ("đi ngoài phân lỏng, đau nhức mình mẩy", {"diarrhea", "muscle_ache"}),
    ("đau đầu, mệt mỏi", {"headache", "fatigue"}),
    ("tức ngực, hụt hơi", {"chest_pain", "shortness_of_breath"}),
    ("ông tôi lơ mơ, môi tím tái", {"altered_consciousness", "cyanosis"}),
    ("spo2 của tôi bị tụt", {"low_spo2"}),
    ("mệt lả, không ăn uống được", {"exhaustion", "fatigue", "cannot_eat_drink"}),
    ("sốt ba ngày rồi", {"fever", "prolonged_fever"}),
    ("họ bảo tôi gọi tổng đài", set()),
    ("ngực trái tôi đau tức", {"chest_pain"}),
    ("lúc đầu tôi đau họng", {"sore_throat"}),
    ("ngực không đau", set()),
    ("thở khó lắm", {"shortness_of_breath", "severe_breathlessness"}),
    ("tôi bị huyết áp thấp", {"low_blood_pressure"}),
    ("huyết áp 85/55", {"low_blood_pressure"}),
    ("huyết áp 120 trên 80", set()),
    ("sốt ba bốn ngày nay", {"fever", "prolonged_fever"}),
    ("con tôi nôn hết ra không uống được nước", {"vomiting", "cannot_eat_drink"}),
    ("chị thở không ra hơi", {"shortness_of_breath", "severe_breathlessness"}),
    ("hết sức mệt", {"fatigue"}),
])
def test_symptoms(nlu: Nlu, text: str, symptoms: set[str]) -> None:
    assert set(nlu.understand(text).symptoms) == symptoms


@pytest.mark.parametrize("text, vitals", [
    ("spo2 của tôi chín mươi tư phần trăm", {"spo2": 94}),
    ("ô xy chín lăm", {"spo2": 95}),
    ("nồng độ oxy 97%", {"spo2": 97}),
    ("nhiệt độ ba mươi tám độ rưỡi", {"temperature": 38.5}),
    ("sốt ba chín độ năm", {"temperature": 39.5}),
    ("sốt 38,5 độ", {"temperature": 38.5}),
    ("nhịp thở hai mươi hai", {"breathing_rate": 22}),
    ("thở 24 lần một phút", {"breathing_rate": 24}),
    ("mạch một trăm hai mươi lăm", {"pulse": 125}),
    ("nhịp tim tám mươi, spo2 chín chín, nhiệt độ 36,7", {"pulse": 80, "spo2": 99, "temperature": 36.7}),
    ("spo2 tụt dần, chín lăm rồi chín bốn", {"spo2": 94}),
    ("sốt 3 ngày nay", {}),
    ("sốt ba bốn ngày nay", {}),
    ("spo2 chỉ có 9 4", {"spo2": 94}),
    ("nhịp tim một trăm hai lăm", {"pulse": 125}),
    ("huyết áp 85 trên 50", {"systolic_bp": 85, "diastolic_bp": 50}),  # named: the reading (session 6)
    ("đo được 85 trên 50", {}),  # a bare pair outside the blood-pressure question: no reading
    ("tôi 70 tuổi", {}),
    ("năm nay bảy mươi, spo2 chín tám", {"spo2": 98}),
])
def test_vitals_attach_to_the_right_vital(nlu: Nlu, text: str, vitals: dict[str, float]) -> None:
    assert dict(nlu.understand(text).vitals) == vitals


def test_a_bare_number_is_accepted_when_a_vital_is_expected(nlu: Nlu) -> None:
    assert dict(nlu.understand("chín tư", expect=["spo2"]).vitals) == {"spo2": 94}
    assert dict(nlu.understand("chín tư").vitals) == {}
    assert dict(nlu.understand("ba", expect=["spo2"]).vitals) == {}  # out of range


@pytest.mark.parametrize("text, vital, value", [
    ("chín mươi tư", "spo2", 94), ("dạ, chín lăm ạ", "spo2", 95), ("ba mươi tám độ rưỡi", "temperature", 38.5),
    ("ba tám phẩy năm", "temperature", 38.5), ("hai mươi", "breathing_rate", 20), ("một trăm hai", "pulse", 120),
    ("tôi 70 tuổi, spo2 chín sáu", "spo2", 96), ("sáng nay đo được 97", "spo2", 97),
    ("chưa đo", "spo2", None), ("ba", "spo2", None), ("", "temperature", None),
    ("chín tư", None, 94),
])
def test_number_for_collect_nodes(nlu: Nlu, text: str, vital: str | None, value: float | None) -> None:
    assert nlu.number(text, vital=vital) == value


def test_number_rejects_an_unknown_vital(nlu: Nlu) -> None:
    with pytest.raises(ValueError, match="unknown vital 'bp'"):
        nlu.number("120", vital="bp")


@pytest.mark.parametrize("text, factors", [
    ("tôi 70 tuổi", {"age_65_plus"}), ("năm nay bảy mươi lăm", {"age_65_plus"}), ("tôi 45 tuổi", set()),
    ("bị tiểu đường với cao huyết áp", {"diabetes", "hypertension"}),
    ("bệnh tim, suy thận, xơ gan", {"heart_disease", "kidney_disease", "liver_disease"}),
    ("hen suyễn", {"lung_disease"}), ("tôi bị hen phế quản", {"lung_disease"}),
    ("tôi bị huyết áp thấp", set()), ("ung thư đang xạ trị", {"cancer"}), ("béo phì", {"obesity"}),
    ("suy giảm miễn dịch", {"immunosuppression"}), ("đang mang thai", {"pregnancy"}),
    ("chưa tiêm vắc xin", {"unvaccinated"}), ("không bị tiểu đường", set()), ("đã tiêm ba mũi", set()),
])
def test_risk_factors(nlu: Nlu, text: str, factors: set[str]) -> None:
    assert set(nlu.understand(text).risk_factors) == factors
    assert factors <= set(RISK_FACTORS)


def test_garbage_never_crashes_and_is_unknown(nlu: Nlu) -> None:
    rng = random.Random(3)
    alphabet = "abcđêôơưáàảãạ0123456789 ,.%?!\x00\ufffd😷"
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 40)))
        u = nlu.understand(text)
        assert u.intent in INTENTS
        assert set(u.symptoms) <= set(SYMPTOMS) | set(EXTRA_SIGNS)
    for text in ("", "   ", "\x00\x01", "asdkjh qwe", "1234567"):
        u = nlu.understand(text)
        assert (u.intent, u.symptoms, dict(u.vitals)) == ("unknown", (), {})


def test_expected_phrases_cover_yes_no_numbers_and_help(nlu: Nlu) -> None:
    phrases = expected_phrases(["yes", "no"])
    assert {"có", "không", "rồi", "chưa", "nói lại", "cấp cứu"} <= set(phrases)
    numbers = expected_phrases(["spo2"])
    assert {"chín", "mươi", "tư", "lăm", "phẩy", "rưỡi", "độ", "phần trăm"} <= set(numbers)
    assert len(phrases) == len(set(phrases))
    # every yes/no grammar phrase is understood as the answer it stands for
    for intent in ("yes", "no"):
        for p in expected_phrases([intent]):
            u = nlu.understand(p, expect=["yes", "no"])
            assert u.intent in (intent, "repeat", "emergency", "report_symptoms"), p
            if p in ("có", "vâng", "dạ có", "đúng rồi", "không", "chưa", "không có"):
                assert u.intent == intent
    with pytest.raises(ValueError, match="unknown intent or vital 'maybe'"):
        expected_phrases(["maybe"])
    # the greeting expects free answers ("tôi bị sốt"): no closed grammar may be built for it
    with pytest.raises(ValueError, match="intent 'report_symptoms' is said in free words"):
        expected_phrases(["emergency", "report_symptoms", "repeat"])


def test_understanding_is_fast(nlu: Nlu) -> None:
    texts = [json.loads(line)["text"] for line in DATA.read_text(encoding="utf-8").splitlines()]
    t0 = time.process_time()
    for t in texts:
        nlu.understand(t)
    per = (time.process_time() - t0) / len(texts)
    assert per < 0.005  # generous under CI load; the bench measures ~0.3 ms


def _metrics(rows: list[dict]) -> dict[str, float]:
    """The numbers bench/nlu.py prints, computed by its own code."""
    import importlib.util

    from escalation.triage import default_triage
    spec = importlib.util.spec_from_file_location("bench_nlu", ROOT / "bench" / "nlu.py")
    assert spec and spec.loader
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    return bench.evaluate(rows, Nlu(), default_triage(), False)


@pytest.mark.parametrize("split", ["dev", "holdout"])
def test_labelled_set_meets_the_targets(split: str) -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    part = [r for r in rows if r["split"] == split]
    assert len(part) >= 100
    m = _metrics(part)
    assert m["intent_accuracy"] >= 0.95
    assert m["symptom_f1"] >= 0.93
    assert m["vitals_exact"] == 1.0
    assert m["escalation_recall"] == 1.0
    assert m["false_escalation"] <= 0.05


def test_labelled_set_is_well_formed() -> None:
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 350
    assert {r["intent"] for r in rows} == set(INTENTS)
    for r in rows:
        assert set(r["symptoms"]) <= set(SYMPTOMS) | set(EXTRA_SIGNS), r
        assert r["split"] in ("dev", "holdout")
        assert r["risk"] in ("emergency", "high", "medium", "low", "none")


@pytest.mark.parametrize("text, value", [("ba tám năm", 38.5), ("38 5", 38.5), ("sốt ba chín hai", 39.2)])
def test_temperature_tenths_without_a_decimal_word(nlu: Nlu, text: str, value: float) -> None:
    assert nlu.number(text, vital="temperature") == value


def test_a_tenths_digit_before_a_duration_is_not_a_decimal(nlu: Nlu) -> None:
    assert dict(nlu.understand("sốt 38, 5 ngày rồi").vitals) == {"temperature": 38}


# --- through the real engine, flow and prompts (ivr.engine.simulator), with the real rule pack
@pytest.fixture(scope="module")
def call() -> object:
    from escalation.triage import default_triage
    from ivr.engine.flow import load_flow
    from ivr.engine.prompts import load_catalog
    from ivr.engine.simulator import simulate

    catalog = load_catalog(ROOT / "prompts" / "vi.yaml")
    flow = load_flow(ROOT / "callflows" / "covid_f0.yaml", catalog)

    def run(*said: str) -> object:
        return simulate(flow, [("say", s) for s in said], catalog=catalog, understander=default_understander(),
                        triage=default_triage())
    return run


def test_call_spoken_spo2_in_words_escalates(call) -> None:  # type: ignore[no-untyped-def]
    r = call("hôm nay tôi khai báo", "không có gì", "có", "chín mươi hai", "vâng")
    assert (r.outcome, r.risk, r.vitals) == ("escalated", "emergency", {"spo2": 92.0})
    esc = [a for a in r.actions if type(a).__name__ == "Escalate"]
    assert esc and "SpO2 92% < 94%" in esc[0].reasons[0]


def test_call_mild_symptoms_with_fever_in_words(call) -> None:  # type: ignore[no-untyped-def]
    # the check-in asks for the pulse after SpO2 and for blood pressure at the end: "không" to both
    r = call("dạ tôi bị sốt với ho", "sốt với ho khan ạ", "có", "chín mươi tám", "đúng rồi", "không", "có",
             "ba mươi tám độ rưỡi", "đúng", "không", "không", "không, cảm ơn")
    assert (r.risk, r.symptoms, r.vitals) == ("medium", ["cough", "fever"], {"spo2": 98.0, "temperature": 38.5})


def test_call_emergency_at_the_greeting(call) -> None:  # type: ignore[no-untyped-def]
    r = call("cứu với, mẹ tôi không thở được")
    assert (r.outcome, r.risk) == ("escalated", "emergency")
