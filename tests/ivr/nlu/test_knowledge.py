"""The knowledge base (callflows/knowledge) loads, every issue-17 topic is answered from several
phrasings, and a broken entry is refused with exact messages."""
from __future__ import annotations

import datetime as dt
import json
import shutil
from collections import defaultdict
from pathlib import Path

import pytest

from ivr.errors import KnowledgeError
from ivr.nlu.knowledge import (
    DEFAULT_DIR,
    MAX_ANSWER_S,
    REQUIRED_TOPICS,
    load_knowledge,
    parse_entry,
    spoken_seconds,
    syllables,
)
from ivr.nlu.topics import TopicFinder, default_finder

ROOT = Path(__file__).resolve().parents[3]
DEV = ROOT / "tests/data/questions.jsonl"

GOOD = """
topic: sample_topic
title: Chủ đề thử
questions: [câu hỏi một, câu hỏi hai, câu hỏi ba]
answer: Ông bà hãy hỏi bác sĩ.
source: {document: "QĐ 261/QĐ-BYT", part: "thử", basis: general}
effective_from: 2022-01-31
"""


def test_the_base_has_exactly_the_issue_topics_and_more():
    k = load_knowledge()
    assert set(REQUIRED_TOPICS) <= set(k.entries)
    assert len(REQUIRED_TOPICS) == 30
    for e in k:
        assert len(e.questions) >= 3
        assert e.spoken_seconds <= MAX_ANSWER_S
        assert e.source.document and e.source.part
        assert e.effective_from == dt.date(2022, 1, 31)


def test_spoken_length_counts_numbers_as_spoken():
    assert syllables("sốt 38 độ") == 5  # "ba mươi tám" is three syllables
    assert syllables("SpO2 96") == 5
    assert spoken_seconds("một hai ba bốn năm") == 2.0


def _dev_rows() -> list[dict]:
    return [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line.strip()]


def test_each_topic_is_answered_from_several_phrasings():
    finder = default_finder()
    by_topic: dict[str, list[str]] = defaultdict(list)
    for r in _dev_rows():
        if r["topic"]:
            by_topic[r["topic"]].append(r["text"])
    assert set(REQUIRED_TOPICS) <= set(by_topic)
    for topic in REQUIRED_TOPICS:
        found = [finder.find(q).topic for q in by_topic[topic]]
        right = sum(t == topic for t in found)
        assert len(by_topic[topic]) >= 3
        assert right >= len(by_topic[topic]) - 1, (topic, list(zip(by_topic[topic], found, strict=True)))


def test_development_set_scores_and_confident_wrong_stays_rare():
    finder = default_finder()
    rows = _dev_rows()
    top1 = sum(finder.find(r["text"]).topic == r["topic"] for r in rows if r["topic"])
    wrong = sum(1 for r in rows if (a := finder.find(r["text"])).confident and a.topic != r["topic"])
    assert top1 / sum(1 for r in rows if r["topic"]) >= 0.93
    assert wrong / len(rows) <= 0.02


@pytest.mark.parametrize(("text", "topic"), [
    ("sốt thì uống thuốc gì", "fever_medicine"),
    ("sot thi uong thuoc gi", "fever_medicine"),           # no diacritics
    ("khi mô thì hết cách ly rứa", "isolation_end"),        # central
    ("tui bị ho hoài uống thuốc chi", "cough_medicine"),    # southern
])
def test_phrasings_and_spellings(text, topic):
    a = default_finder().find(text)
    assert (a.topic, a.confident) == (topic, True)
    assert a.answer == load_knowledge()[topic].answer


def test_recognizer_spelling_ranks_first_even_when_too_close_to_answer():
    a = default_finder().find("thuốc mon nu pi ra via uống sao")
    assert a.topic == "antiviral"  # ranked first; the margin over the next topic decides confidence


@pytest.mark.parametrize("text", ["thời tiết ngày mai thế nào", "tôi muốn mua bảo hiểm xe máy", "", "ờ"])
def test_questions_outside_the_base_are_not_answered_confidently(text):
    assert not default_finder().find(text).confident


def test_diacritics_guard_separates_words_the_marks_tell_apart():
    f = default_finder()
    # "ho" (cough) with its marks is a cough question; the folded features alone would also match "họ"
    assert f.find("ho nhiều uống thuốc gì").topic == "cough_medicine"
    assert f.scores("họ nhiều uống thuốc gì")[0][1] < f.scores("ho nhiều uống thuốc gì")[0][1]


def _copy_base(tmp_path: Path) -> Path:
    d = tmp_path / "knowledge"
    shutil.copytree(DEFAULT_DIR, d)
    return d


def test_missing_required_topic_is_refused(tmp_path):
    d = _copy_base(tmp_path)
    text = (d / "care.yaml").read_text(encoding="utf-8").replace("topic: smoking_alcohol", "topic: smoking")
    (d / "care.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(d)
    assert exc.value.problems == [f"{d}: topic 'smoking_alcohol': required topic is missing"]


def test_bad_yaml_and_duplicate_topic_are_refused(tmp_path):
    d = _copy_base(tmp_path)
    (d / "zz.yaml").write_text("group: zz\nentries: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(d)
    assert exc.value.problems[0].startswith(f"{d / 'zz.yaml'}: topic '(file)': invalid YAML at line 3")
    (d / "zz.yaml").write_text("group: zz\nentries:\n" + "\n".join("  " + line for line in GOOD.replace(
        "sample_topic", "pregnancy").replace("câu hỏi", "câu").strip().splitlines()).replace("  topic", "- topic", 1),
        encoding="utf-8")
    with pytest.raises(KnowledgeError) as exc:
        load_knowledge(d)
    assert exc.value.problems == [f"{d / 'zz.yaml'}: topic 'pregnancy': already defined in {d / 'care.yaml'}"]


def test_one_entry_validated_with_exact_messages():
    assert parse_entry(GOOD).topic == "sample_topic"
    long_answer = "Ông bà hãy hỏi bác sĩ. " + " ".join(["Uống nước ấm mỗi ngày."] * 16)
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD.replace("Ông bà hãy hỏi bác sĩ.", long_answer))
    assert exc.value.problems == ["(entry): topic 'sample_topic': 'answer' takes 34.4 s to say "
                                  "(86 syllables at 2.5/s), over 30 s"]
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD.replace("Ông bà hãy hỏi bác sĩ.", "Uống 4 viên mỗi ngày, hỏi bác sĩ."))
    assert exc.value.problems == ["(entry): topic 'sample_topic': 'answer' says the number 4 but source.basis is "
                                  "'general' (the reference does not give it): cite the reference, or say less and "
                                  "offer a doctor"]
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD.replace("questions: [câu hỏi một, câu hỏi hai, câu hỏi ba]", "questions: [một]")
                    .replace("basis: general", "basis: rumour"))
    assert exc.value.problems == [
        "(entry): topic 'sample_topic': 'questions' needs at least 3 distinct entries, got 1",
        "(entry): topic 'sample_topic': 'source.basis' must be one of reference, project, general, got 'rumour'",
    ]
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD.replace("Ông bà hãy hỏi bác sĩ.", "Ong ba hay hoi bac si."))
    assert exc.value.problems == [
        "(entry): topic 'sample_topic': 'answer' must be Vietnamese with diacritics",
        "(entry): topic 'sample_topic': source.basis 'general': the answer must send the caller to a doctor, "
        "the health station or 115",
    ]
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD + "related: [nowhere]\nextra: 1\n", known=["pregnancy"])
    assert exc.value.problems == [
        "(entry): topic 'sample_topic': unknown field 'extra'",
    ]
    with pytest.raises(KnowledgeError) as exc:
        parse_entry(GOOD + "related: [nowhere]\n", known=["pregnancy"])
    assert exc.value.problems == ["(entry): topic 'sample_topic': related topic 'nowhere' is not in the knowledge base"]


def test_in_force_filters_by_effective_dates():
    k = load_knowledge()
    assert len(k.in_force(dt.date(2022, 1, 30))) == 0
    assert len(k.in_force(dt.date(2022, 2, 1))) == len(k)


def test_finder_on_a_tiny_base_declines_what_it_does_not_know(tmp_path):
    k = load_knowledge()
    f = TopicFinder(k.in_force(dt.date(2022, 2, 1)))
    assert f.get("pregnancy") is not None and f.get("nothing") is None


def test_question_sets_are_well_formed() -> None:
    """Both topic sets carry text, topic (an id of the base or null) and slice; several phrasings per topic."""
    known = set(load_knowledge().entries)
    for path in (DEV, ROOT / "tests/data/heldout/questions_heldout.jsonl"):
        rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
        assert len(rows) >= 100
        per_topic: dict[str, int] = defaultdict(int)
        for r in rows:
            assert set(r) == {"text", "topic", "slice"}, r
            assert r["topic"] is None or r["topic"] in known, r
            per_topic[r["topic"]] += 1
        assert all(per_topic[t] >= 3 for t in REQUIRED_TOPICS), path
        assert per_topic[None] >= 5
