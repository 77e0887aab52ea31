"""``ivr classify --jsonl`` gives a ``topic`` for question utterances; ``ivr ask --json`` answers."""
from __future__ import annotations

import json
import subprocess
from typing import Any

from ivr import ROOT

IVR = str(ROOT / ".venv/bin/ivr")


def _run(*args: str, stdin: str | None = None) -> str:
    res = subprocess.run([IVR, *args], input=stdin, capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return res.stdout


def test_classify_jsonl_has_a_topic_for_questions_only() -> None:
    lines = ["sốt thì uống thuốc gì", "tôi bị sốt 39 độ", "giá vàng hôm nay bao nhiêu",
             "con tôi sốt cao co giật thì làm sao", "có"]
    out = [json.loads(line) for line in _run("classify", "--jsonl", stdin="\n".join(lines) + "\n").splitlines()]
    assert [r["topic"] for r in out] == ["fever_medicine", None, None, None, None]
    assert out[3]["risk"] == "emergency"  # a warning sign goes to triage, not to an answer
    assert set(out[0]) == {"text", "intent", "confidence", "symptoms", "vitals", "risk_factors", "risk", "reasons",
                           "topic"}


def _ask(text: str) -> dict[str, Any]:
    out: dict[str, Any] = json.loads(_run("ask", "--json", text))
    return out


def test_ask_json_answers_declines_and_triages() -> None:
    r = _ask("bao giờ thì tôi hết cách ly")
    assert (r["action"], r["topic"], r["confident"]) == ("answer", "isolation_end", True)
    assert r["answer"].startswith("Thời gian cách ly tại nhà ít nhất 7 ngày.")
    assert r["source"].startswith("QĐ 261/QĐ-BYT")
    assert 0.0 < r["score"] <= 1.5 and r["related"] == ["recovery_certificate", "household_contacts"]
    d = _ask("giá vàng hôm nay bao nhiêu")
    assert (d["action"], d["topic"], d["confident"]) == ("decline", None, False)
    assert d["answer"].startswith("Tôi chưa có câu trả lời chắc chắn cho câu hỏi này.")
    t = _ask("bà tôi khó thở thì uống thuốc gì")
    assert (t["action"], t["topic"], t["risk"]) == ("triage", None, "high")
    assert {"text", "action", "topic", "score", "answer"} <= set(r) & set(d) & set(t)
