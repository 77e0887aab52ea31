"""Issue 17, fewer confident wrong answers: anchors, the out-of-domain check, the IDF-weighted coverage,
two topics that fit equally well (ask which), and the f2 development set (tests/data/questions_f2.jsonl,
split "dev" only; the "holdout" rows are scored by bench/faq.py, never asserted on here)."""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from ivr.errors import KnowledgeError
from ivr.nlu import topics
from ivr.nlu.knowledge import load_knowledge, parse_entry
from ivr.nlu.topics import TopicFinder, default_finder

ROOT = Path(__file__).resolve().parents[3]
F2 = ROOT / "tests/data/questions_f2.jsonl"

ENTRY = """
topic: sample_topic
title: Chủ đề thử
questions: [câu hỏi một, câu hỏi hai, câu hỏi ba]
anchors: [câu hỏi, thử]
answer: Ông bà hãy hỏi bác sĩ.
source: {document: "QĐ 261/QĐ-BYT", part: "thử", basis: general}
effective_from: 2022-01-31
"""


def _rows(split: str) -> list[dict]:
    rows = [json.loads(line) for line in F2.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in rows if r["split"] == split]


def test_the_f2_set_is_well_formed_and_split_by_hash():
    import hashlib
    k = load_knowledge()
    rows = [json.loads(line) for line in F2.read_text(encoding="utf-8").splitlines() if line.strip()]
    assert len(rows) >= 150
    assert len({r["text"] for r in rows}) == len(rows)
    for r in rows:
        assert set(r) <= {"text", "topic", "slice", "also", "split"}
        assert r["topic"] is None or r["topic"] in k
        assert all(t in k for t in r.get("also", ()))
        assert r["split"] == ("dev" if int(hashlib.sha1(r["text"].encode()).hexdigest(), 16) % 2 == 0 else "holdout")
    assert sum(r["topic"] is None for r in rows) >= 40


def test_anchors_are_parsed_kept_and_validated():
    e = parse_entry(ENTRY)
    assert e.anchors == ("câu hỏi", "thử")
    assert e.to_data()["anchors"] == ["câu hỏi", "thử"]
    assert parse_entry(ENTRY.replace("anchors: [câu hỏi, thử]", "")).anchors == ()
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(ENTRY.replace("anchors: [câu hỏi, thử]", "anchors: thử"))
    assert exc.value.problems == ["(entry): topic 'sample_topic': 'anchors' must be a list"]
    assert all(e.anchors for e in load_knowledge())


@pytest.mark.parametrize("text", [
    "tôi muốn đăng ký kết hôn",            # the known dev error: shares "đăng ký" with register_f0
    "dang ky ket hon can giay to gi",
    "con chó bị ho uống thuốc gì",          # an animal: out of domain
    "con tôi bị sốt xuất huyết uống nước gì",  # another disease
    "mua khẩu trang ở siêu thị nào rẻ",     # shopping
    "tôi bị mất ngủ uống thuốc gì",
    "bao nhiêu?",                           # too short to know
])
def test_look_alike_questions_outside_the_base_are_declined(text):
    assert not default_finder().find(text).confident


@pytest.mark.parametrize(("text", "topic"), [
    ("đăng ký F0 ở đâu", "register_f0"),
    ("mới test dương tính thì báo cho ai", "register_f0"),
    ("xốt cao uống thuốc hạ xốt nào", "fever_medicine"),     # the anchor "sốt" is matched by sound
    ("bị covid mà con chó nhà tôi ho thì có lây không", "household_contacts"),
])
def test_real_questions_still_answered(text, topic):
    a = default_finder().find(text)
    assert a.topic == topic
    if topic != "household_contacts":
        assert a.confident and a.choices == ()


def test_the_covid_context_overrides_an_out_of_domain_word():
    f = default_finder()
    assert f.out_of_domain("con chó bị ho uống thuốc gì")
    assert not f.out_of_domain("bị covid mà con chó nhà tôi ho thì có lây không")
    # a bare syllable without marks is not taken for an out-of-domain word ("mua" is not "mưa")
    assert f.out_of_domain("mai có mưa không") and not f.out_of_domain("binh oxy mua o dau")


def test_an_anchorless_question_is_declined_even_with_a_high_score():
    f = default_finder()
    assert f.scores("tôi muốn đăng ký kết hôn")[0][0] == "register_f0"
    assert not f.anchored("register_f0", "tôi muốn đăng ký kết hôn")
    assert f.anchored("register_f0", "dang ky f0 o dau")


def test_unknown_words_weigh_most_in_the_weighted_coverage():
    f = default_finder()
    assert f.weighted_covered("cough_medicine", "ho nhiều uống thuốc gì") == 1.0
    text = "tôi bị đau lưng uống thuốc gì"  # "lưng" is a word the base never says
    assert f.covered("cough_medicine", text) == 0.5  # one word in two: enough for the plain share
    assert f.weighted_covered("cough_medicine", text) < topics.WEIGHTED_COVERAGE
    assert not f.find(text).confident
    assert f.weighted_covered("cough_medicine", "") == 0.0


@pytest.mark.parametrize(("text", "choices"), [
    ("bà bầu bị ho uống thuốc gì", ("pregnancy", "cough_medicine")),
    ("hết cách ly thì xin giấy ở đâu", ("isolation_end", "recovery_certificate")),
])
def test_two_topics_that_fit_equally_well_are_offered_as_a_choice(text, choices):
    a = default_finder().find(text)
    assert not a.confident
    assert a.choices == choices


def test_a_close_runner_up_that_does_not_fit_is_no_choice():
    # "children" is close but the question is declined outright: no choice is offered when only one fits
    f = TopicFinder(load_knowledge(), margin=1.0)
    a = f.find("tôi muốn đăng ký kết hôn")
    assert (a.confident, a.choices) == (False, ())


def test_f2_development_rows_score():
    f = default_finder()
    rows = _rows("dev")
    on_topic = [r for r in rows if r["topic"]]
    ok = [(r, f.find(r["text"])) for r in rows]
    right = [a.topic == r["topic"] or a.topic in r.get("also", ()) for r, a in ok]
    top1 = sum(x for x, (r, _) in zip(right, ok, strict=True) if r["topic"]) / len(on_topic)
    wrong = sum(1 for x, (_, a) in zip(right, ok, strict=True) if a.confident and not x)
    declined = sum(1 for r, a in ok if r["topic"] is None and not a.confident)
    assert top1 >= 0.88
    assert wrong / len(rows) <= 0.02
    assert declined >= 0.95 * sum(1 for r in rows if r["topic"] is None)


def test_the_shipped_thresholds_are_what_the_calibration_chooses():
    res = subprocess.run([sys.executable, str(ROOT / "bench/faq.py"), "--calibrate"], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    chosen = res.stdout.strip().splitlines()[-1]
    assert (f"threshold {topics.THRESHOLD:.2f} margin {topics.MARGIN:.2f} coverage {topics.COVERAGE:.1f} "
            f"weighted {topics.WEIGHTED_COVERAGE:.1f}") in chosen, chosen
