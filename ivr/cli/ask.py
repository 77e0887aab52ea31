"""``ivr ask [--json] [--date YYYY-MM-DD] TEXT``: what the hotline answers to a caller's question.

The question is first understood and assessed like any utterance: a warning sign goes to triage
(``action: triage``, no answer read). Otherwise the knowledge base (``callflows/knowledge``) is
searched: a confident entry is answered (``action: answer``); below the matcher's threshold the
hotline declines honestly and offers a doctor or a callback (``action: decline``, the prompt
``faq_decline``). With ``--json`` one JSON object is printed::

    {"text", "action", "topic", "score", "confident", "title", "answer", "follow_up", "related",
     "source", "alternatives", "risk", "reasons"}
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from typing import Any

from ivr.cli import plugins
from ivr.cli.classify import URGENT
from ivr.config import Config
from ivr.engine.prompts import load_catalog
from ivr.nlu.topics import TopicFinder, finder_for
from ivr.nlu.understander import default_understander


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("ask", parents=[common], help="the knowledge-base answer to a caller's question")
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.add_argument("--date", metavar="YYYY-MM-DD", type=dt.date.fromisoformat, default=None,
                   help="the triage rules and knowledge entries in force on this day (default: today / all)")
    p.add_argument("text", nargs="+", metavar="TEXT", help="the question, as the caller said it")
    p.set_defaults(run=run)


def ask(text: str, finder: TopicFinder, triage: Any, decline_text: str) -> dict[str, Any]:
    u = default_understander().understand(text)
    a = triage.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors, intent=u.intent)
    out: dict[str, Any] = {"text": text, "risk": a.risk, "reasons": list(a.reasons)}
    if a.risk in URGENT:
        return {**out, "action": "triage", "topic": None, "score": 0.0, "confident": False, "title": "",
                "answer": "", "follow_up": "", "related": [], "source": "", "alternatives": []}
    found = finder.find(text)
    alternatives = [{"topic": t, "score": s} for t, s in found.alternatives]
    if not found.confident:
        return {**out, "action": "decline", "topic": None, "score": found.score, "confident": False,
                "title": "", "answer": decline_text, "follow_up": "", "related": [], "source": "",
                "best": found.topic, "alternatives": alternatives}
    return {**out, "action": "answer", "topic": found.topic, "score": found.score, "confident": True,
            "title": found.title, "answer": found.answer, "follow_up": found.follow_up,
            "related": list(found.related), "source": found.source, "alternatives": alternatives}


def run(args: argparse.Namespace, cfg: Config) -> int:
    text = " ".join(args.text)
    finder = finder_for(cfg.flows_dir / "knowledge", args.date)
    triage = plugins.triage(cfg.triage_rules_dir, args.date)
    decline = load_catalog(cfg.prompts_catalog).text("faq_decline")
    r = ask(text, finder, triage, decline)
    if args.json:
        sys.stdout.write(json.dumps(r, ensure_ascii=False) + "\n")
        return 0
    sys.stdout.write(f"« {text} »\n")
    if r["action"] == "triage":
        sys.stdout.write(f"  dấu hiệu cảnh báo: chuyển phân loại (risk {r['risk']}), không đọc câu trả lời\n")
    elif r["action"] == "decline":
        sys.stdout.write(f"  không chắc chắn (điểm {r['score']:.2f}, gần nhất: {r.get('best')}): {r['answer']}\n")
    else:
        sys.stdout.write(f"  chủ đề: {r['topic']} — {r['title']} (điểm {r['score']:.2f})\n  {r['answer']}\n"
                         f"  nguồn: {r['source']}\n")
    return 0
