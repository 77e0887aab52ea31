"""``ivr classify [--jsonl] [TEXT...]``: what the hotline understands from caller utterances.

With ``--jsonl``, one utterance per line is read from standard input and one
JSON object per line is printed (absent vitals omitted). ``topic`` is the knowledge-base
topic id a question utterance asks about (``ivr.nlu.topics``), or null: not a question, a
warning sign (triage comes first), or no entry found with confidence. Without it, each TEXT
(or each line of standard input when no TEXT is given) gets a readable summary.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterator
from typing import Any, TextIO

from ivr.cli import plugins
from ivr.config import Config
from ivr.engine.labels import SYMPTOM_LABELS
from ivr.engine.understanding import VITALS, Triage
from ivr.nlu.topics import TopicFinder, finder_for, is_question
from ivr.nlu.understander import Nlu, default_understander

#: Risk levels that go to triage (an escalation) before any question is answered.
URGENT = ("emergency", "high")
_RISK_VI = {"emergency": "CẤP CỨU", "high": "CAO", "medium": "TRUNG BÌNH", "low": "THẤP", "none": "KHÔNG"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("classify", parents=[common],
                       help="intent, symptoms, vitals and triage risk of caller utterances")
    p.add_argument("--jsonl", action="store_true",
                   help="read one utterance per line on stdin, print one JSON object per line")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, default=None,
                   help="use the triage rule pack in force on this day (default: today)")
    p.add_argument("--expect", metavar="INTENT", action="append", default=None,
                   help="intents (or a vital name) the question expects, e.g. --expect yes --expect no")
    p.add_argument("text", nargs="*", metavar="TEXT", help="utterances to classify")
    p.set_defaults(run=run)


def classify(text: str, nlu: Nlu, triage: Triage, expect: list[str] | None = None,
             finder: TopicFinder | None = None) -> dict[str, Any]:
    u = nlu.understand(text, expect=expect)
    a = triage.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors, intent=u.intent)
    vitals = {k: _num(u.vitals[k]) for k in VITALS if k in u.vitals}
    topic = None
    if finder is not None and a.risk not in URGENT and is_question(u):
        found = finder.find(text)
        topic = found.topic if found.confident else None
    return {"text": text, "intent": u.intent, "confidence": u.confidence, "symptoms": list(u.symptoms),
            "vitals": vitals, "risk_factors": list(u.risk_factors), "risk": a.risk, "reasons": list(a.reasons),
            "topic": topic}


def _num(v: float) -> float | int:
    return int(v) if float(v).is_integer() else float(v)


def _summary(r: dict[str, Any], out: TextIO) -> None:
    out.write(f"« {r['text']} »\n")
    out.write(f"  ý định / intent: {r['intent']} ({r['confidence']:.2f})\n")
    syms = ", ".join(f"{SYMPTOM_LABELS.get(s, s)} ({s})" for s in r["symptoms"]) or "—"
    out.write(f"  triệu chứng / symptoms: {syms}\n")
    vit = ", ".join(f"{k}={v}" for k, v in r["vitals"].items()) or "—"
    out.write(f"  chỉ số / vitals: {vit}\n")
    out.write(f"  yếu tố nguy cơ / risk factors: {', '.join(r['risk_factors']) or '—'}\n")
    out.write(f"  mức nguy cơ / risk: {_RISK_VI[r['risk']]} ({r['risk']})\n")
    out.writelines(f"    - {reason}\n" for reason in r["reasons"])
    out.write(f"  chủ đề hỏi đáp / topic: {r['topic'] or '—'}\n")


def _stdin_lines() -> Iterator[str]:
    """Lines of standard input; bytes that are not UTF-8 become U+FFFD, never an error."""
    for raw in sys.stdin.buffer:
        yield raw.decode("utf-8", errors="replace")


def run(args: argparse.Namespace, cfg: Config) -> int:
    nlu = default_understander()
    triage = plugins.triage(cfg.triage_rules_dir, args.date)
    finder = finder_for(cfg.flows_dir / "knowledge", args.date)
    if args.jsonl:
        source = list(args.text) if args.text else _stdin_lines()
        for raw in source:
            text = raw.rstrip("\r\n")
            result = classify(text, nlu, triage, args.expect, finder)
            sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")
            sys.stdout.flush()
        return 0
    texts = args.text if args.text else [line.rstrip("\r\n") for line in _stdin_lines()]
    for i, text in enumerate(texts):
        if i:
            sys.stdout.write("\n")
        _summary(classify(text, nlu, triage, args.expect, finder), sys.stdout)
    return 0
