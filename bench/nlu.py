"""NLU + triage benchmark on the labelled caller utterances (tests/data/utterances.jsonl).

    .venv/bin/python bench/nlu.py [--errors] [--split NAME] [--data PATH ...] [--slices] [--rules-only]

``--data`` may be given several times (``tests/data/utterances_s5.jsonl``: the issue-12 corpus of
relatives, regional words, indirect signs, recognizer errors, colloquial numbers, kinship words,
questions and worried talk, split dev/holdout by a hash of the text). ``--rules-only`` scores the
lexicon rules without the statistical second opinion (``ivr.nlu.ngram``, trained by
``bench/train_ngram.py`` on the "dev" rows only); the default scores rules + model, the model only
raising risk. "model raised" counts the rows the model alone escalated (right / wrong).

``--data tests/data/heldout/utterances_heldout1.jsonl --slices`` scores the held-out set written
for issue 12 before the lexicon was read (never tune on it), per slice ("slice" field: dialect,
relative, no_diacritics, asr_error, numbers, plain).

Prints, per split and overall: intent accuracy, symptom micro-F1, vitals
exact-match, risk accuracy, escalation recall (every emergency/high label
predicted emergency or high; must be 100%), false-escalation rate (medium/low/
none labels predicted emergency or high) and per-utterance latency.
Targets: intent >= 0.95, symptom F1 >= 0.93, vitals 100%, false escalation <= 5%.

Escalation recall, emergencies as none and false escalation are what the flow does with the
utterance (since session 8): triage's risk, or a live doctor at risk "high" with the 115 advice when
the flow's concern net takes it (``concern_net``: worried words of the rules or the n-gram model's
fear, in words nothing else was understood in). The line under them gives triage alone, the measure
of earlier sessions' notes (whose "with the concern net" counted every concern flag, also where the
flow does not act on it).

How the labelled set was built (so the numbers can be read honestly): 269 "dev"
utterances were written while the rules were written. Then three held-out sets
were written one after the other, each after the fixes prompted by the previous
one, and each was scored once before any change. Their FIRST-RUN numbers:

    set (n)          intent  symptom-F1  vitals  risk   esc.recall  false-esc.
    held-out 1 (105)  0.933    0.981     0.990   0.981   1.000 (24)   0.000  (after fixing 1 wrong label)
    held-out 2 (101)  0.950    0.980     1.000   0.980   0.957 (23)   0.000
    held-out 3 (100)  0.960    0.978     0.990   0.960   0.955 (22)   0.000
    held-out 4 (100)  0.950    0.971     1.000   0.970   0.957 (23)   0.000  (1 wrong label, fixed after)

Held-out sets 1-3 were then merged into "dev" (rows keep an "origin" note); set 4
is the current "holdout" split, but the general fixes made after its first run
("nôn hết ra, không uống được nước", "thở không ra hơi", "được đi chợ chưa")
were prompted by it, so today's holdout numbers are optimistic: on unseen
wording expect about 0.95 intent accuracy, 0.97 symptom F1 and one missed
escalation in twenty-odd. The first-run escalation misses were "ngực trái tôi
đau tức" (words between body part and pain), "nhịp tim một trăm hai lăm" (read
as 120) and "con tôi nôn hết ra không uống được nước" ("hết" read as "no more").

Issue 12 (s5): ``tests/data/utterances_s5.jsonl`` (330 rows, written by the helper who then wrote the
concern words and trained the model, so its concern slice is optimistic; its "holdout" half was never
trained on). First scores of its holdout half (171 rows): main's rules escalation recall 0.759, 4 of
36 emergencies scored none, false escalation 0.011; with the concern words and the n-gram model
0.911 (triage) / 0.962 with the concern net, false escalation 0.022 / 0.033.

Issue 12 (s7): ``tests/data/utterances_s7.jsonl`` (259 rows: every decision-261 sign said indirectly, regionally,
by relatives, without diacritics, with recognizer errors; calm relatives and northern speech; negation traps;
slices indirect, dialect, northern, relative, kinship, negation, no_diacritics, asr_error, numbers, plain,
concern; split by the first byte of the text's SHA-256, odd = holdout). Written by the helper who then wrote the
s7 lexicon entries, so even its holdout half is optimistic. Main before s7 on its holdout half (132 rows):
escalation recall 0.727, 14 of 49 emergencies scored none, false escalation 0.030 (0.121 with the concern net);
after s7: 0.990, 1 of 49 none ("môi tiếm lại"), false escalation 0.000.

Issue 12, session 5: ``tests/data/utterances_s8.jsonl`` (594 rows, written without reading the lexicon; its dev
half trains the lexicon and the model, its holdout half is scored). Independent held-out sets
``tests/data/heldout/utterances_heldout{3,4,5}.jsonl`` and ``vitals_heldout{3,4,5}.jsonl`` were written by three
helpers who never read the lexicon, before the session's understanding work, and scored before and after
(set 2 and later set 3 were retired to dev sets to guide fixes by kind; see tests/data/heldout/README.md).
Score them with ``--data FILE --slices``; never with ``--errors`` for fixing.

Issue 12, session 8: independent held-out set 8 (``utterances_heldout8.jsonl``, ``vitals_heldout8.jsonl``: check-in
answers, households, simple Vietnamese; score only). Dev sets written before their writers read ``ivr/nlu/`` and then
used to fix by kind: ``tests/data/utterances_s11_signs.jsonl`` (signs said indirectly, by relatives, regionally),
``utterances_s11_numbers.jsonl`` and ``vitals_s11.jsonl`` (readings said every way; tests/data/README_s11.md); the
n-gram model trains on every ``tests/data/utterances*.jsonl`` dev row, so their model numbers are optimistic.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from escalation.triage import default_triage
from ivr.nlu.analysis import MODEL_SIGN
from ivr.nlu.understander import Nlu

ESCALATE = {"emergency", "high"}
#: Intents after which the flow acts on the understanding's concern flag: words not understood (a failed
#: answer) and a repeat request said with distress words; see ``concern_net``.
CONCERN_NET_INTENTS = frozenset({"unknown", "repeat"})


def concern_net(u: Any) -> bool:
    """Does the flow escalate on this utterance's concern flag alone, at once, whatever the question?

    ``ivr.engine.session``: worried or distressed words (the rules) or words the n-gram model fears,
    when nothing in them was understood (no intent, sign or reading), fail toward ``on_unclear``: a live
    doctor at risk "high" with the 115 advice. ``test_bench_concern_net`` checks this against the real
    engine and the default flow."""
    return bool(u.concern) and u.intent in CONCERN_NET_INTENTS and not u.symptoms and not u.vitals


def load(path: Path) -> list[dict[str, Any]]:
    rows = []
    with path.open(encoding="utf-8") as f:
        for line in f:
            if line.strip():
                rows.append(json.loads(line))
    return rows


def evaluate(rows: list[dict[str, Any]], nlu: Nlu, triage: Any, errors: bool) -> dict[str, float]:
    tp = fp = fn = 0
    intent_ok = vitals_ok = risk_ok = 0
    esc_total = esc_hit = calm_total = calm_escalated = 0
    emerg_total = emerg_none = 0
    raised_ok = raised_wrong = concern_esc = concern_calm = 0
    tri_hit = tri_calm = tri_none = 0
    times: list[float] = []
    for r in rows:
        t0 = time.perf_counter()
        u = nlu.understand(r["text"], expect=r.get("expect"))
        a = triage.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors, intent=u.intent)
        times.append(time.perf_counter() - t0)
        gold_s, pred_s = set(r["symptoms"]), set(u.symptoms) - {MODEL_SIGN}
        if MODEL_SIGN in u.symptoms and a.risk in ESCALATE:
            by_rules = triage.assess(symptoms=sorted(pred_s), vitals=u.triage_vitals(), risk_factors=u.risk_factors,
                                     intent=u.intent).risk
            if by_rules not in ESCALATE:
                raised_ok += r["risk"] in ESCALATE
                raised_wrong += r["risk"] not in ESCALATE
        if u.concern:
            concern_esc += r["risk"] in ESCALATE
            concern_calm += r["risk"] not in ESCALATE
        # what the flow does: triage's risk, or a live doctor at "high" when its concern net takes the words
        flow_risk = "high" if a.risk not in ESCALATE and concern_net(u) else a.risk
        tp += len(gold_s & pred_s)
        fp += len(pred_s - gold_s)
        fn += len(gold_s - pred_s)
        gold_v = {k: float(v) for k, v in r["vitals"].items()}
        pred_v = {k: float(v) for k, v in u.vitals.items()}
        ok_i, ok_v, ok_r = u.intent == r["intent"], gold_v == pred_v, a.risk == r["risk"]
        intent_ok += ok_i
        vitals_ok += ok_v
        risk_ok += ok_r
        if r["risk"] in ESCALATE:
            esc_total += 1
            esc_hit += flow_risk in ESCALATE
            tri_hit += a.risk in ESCALATE
            if r["risk"] == "emergency":
                emerg_total += 1
                emerg_none += flow_risk == "none"
                tri_none += a.risk == "none"
        else:
            calm_total += 1
            calm_escalated += flow_risk in ESCALATE
            tri_calm += a.risk in ESCALATE
        if errors and not (ok_i and ok_v and ok_r and gold_s == pred_s):
            print(f"  [{r.get('split', '')}] {r['text']!r}")
            if not ok_i:
                print(f"      intent {u.intent} ({u.confidence}) != {r['intent']}")
            if gold_s != pred_s:
                print(f"      symptoms +{sorted(pred_s - gold_s)} -{sorted(gold_s - pred_s)}")
            if not ok_v:
                print(f"      vitals {pred_v} != {gold_v}")
            if not ok_r:
                print(f"      risk {a.risk} != {r['risk']}")
    n = len(rows)
    prec = tp / (tp + fp) if tp + fp else 1.0
    rec = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    times_ms = sorted(t * 1000 for t in times)
    return {
        "n": n,
        "intent_accuracy": intent_ok / n,
        "symptom_precision": prec, "symptom_recall": rec, "symptom_f1": f1,
        "vitals_exact": vitals_ok / n,
        "risk_accuracy": risk_ok / n,
        "escalation_recall": esc_hit / esc_total if esc_total else 1.0,
        "escalation_n": esc_total,
        "false_escalation": calm_escalated / calm_total if calm_total else 0.0,
        "calm_n": calm_total,
        "emergency_n": emerg_total,
        "emergency_scored_none": emerg_none,
        "latency_mean_ms": statistics.fmean(times_ms),
        "latency_p95_ms": times_ms[int(0.95 * (n - 1))],
        "latency_max_ms": times_ms[-1],
        "cpu_ms": _cpu_ms(rows, nlu, triage),
        "raised_ok": raised_ok, "raised_wrong": raised_wrong,
        "concern_esc": concern_esc, "concern_calm": concern_calm,
        # the understanding and triage alone, without the flow's concern net
        "triage_recall": tri_hit / esc_total if esc_total else 1.0,
        "triage_false": tri_calm / calm_total if calm_total else 0.0,
        "triage_emergency_none": tri_none,
        # older names of the flow's numbers (escalation_recall, false_escalation)
        "net_recall": esc_hit / esc_total if esc_total else 1.0,
        "net_false": calm_escalated / calm_total if calm_total else 0.0,
    }


def _cpu_ms(rows: list[dict[str, Any]], nlu: Nlu, triage: Any, rounds: int = 5) -> float:
    """CPU time per utterance (understand + assess), immune to other processes' load."""
    t0 = time.process_time()
    for _ in range(rounds):
        for r in rows:
            u = nlu.understand(r["text"], expect=r.get("expect"))
            triage.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors, intent=u.intent)
    return (time.process_time() - t0) * 1000 / (rounds * len(rows))


def show(name: str, m: dict[str, float]) -> None:
    print(f"{name}: n={m['n']}")
    print(f"  intent accuracy      {m['intent_accuracy']:.3f}   (target >= 0.95)")
    print(f"  symptom micro-F1     {m['symptom_f1']:.3f}   (P {m['symptom_precision']:.3f}, "
          f"R {m['symptom_recall']:.3f}; target >= 0.93)")
    print(f"  vitals exact-match   {m['vitals_exact']:.3f}   (target 1.000)")
    print(f"  risk accuracy        {m['risk_accuracy']:.3f}")
    print(f"  escalation recall    {m['escalation_recall']:.3f}   ({m['escalation_n']} emergency/high; must be 1.000)")
    print(f"  emergencies as none  {m['emergency_scored_none']} of {m['emergency_n']}   (must be 0)")
    print(f"  false escalation     {m['false_escalation']:.3f}   ({m['calm_n']} medium/low/none; target <= 0.05)")
    print(f"  (the three above are the flow's: triage, or its concern net; triage alone: recall "
          f"{m['triage_recall']:.3f}, {m['triage_emergency_none']} emergencies as none, false escalation "
          f"{m['triage_false']:.3f})")
    print(f"  model raised         {m['raised_ok']} right, {m['raised_wrong']} wrong   "
          f"(escalated by the n-gram model alone)")
    print(f"  concern flag         {m['concern_esc']} on emergency/high rows, {m['concern_calm']} on others")
    print(f"  latency per utt.     mean {m['latency_mean_ms']:.3f} ms, p95 {m['latency_p95_ms']:.3f} ms, "
          f"max {m['latency_max_ms']:.3f} ms (wall clock); CPU {m['cpu_ms']:.3f} ms")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, action="append", help="a labelled JSONL file (repeatable; default "
                    "tests/data/utterances.jsonl)")
    ap.add_argument("--rules-only", action="store_true", help="the lexicon rules without the n-gram model")
    ap.add_argument("--split", default=None, help="one split only (dev, holdout, heldout)")
    ap.add_argument("--slices", action="store_true", help="also score each slice (the rows' \"slice\" field)")
    ap.add_argument("--errors", action="store_true", help="print every utterance with a wrong label")
    args = ap.parse_args()
    rows = [r for path in (args.data or [ROOT / "tests" / "data" / "utterances.jsonl"]) for r in load(path)]
    nlu, triage = (Nlu(model=None) if args.rules_only else Nlu()), default_triage()
    print(f"rule pack {triage.pack.label} ({triage.pack.source})")
    nlu.understand("khởi động")  # warm caches
    splits = [args.split] if args.split else sorted({r.get("split", "dev") for r in rows})
    for split in splits:
        part = [r for r in rows if r.get("split", "dev") == split]
        show(split, evaluate(part, nlu, triage, args.errors))
        if args.slices:
            for name in sorted({r["slice"] for r in part if r.get("slice")}):
                show(f"{split}/{name}", evaluate([r for r in part if r.get("slice") == name], nlu, triage, False))
    if not args.split and len(splits) > 1:
        show("all", evaluate(rows, nlu, triage, False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
