"""Leave-one-file-out check of the n-gram second opinion (``bench/train_ngram.py``) on writers it never saw.

    .venv/bin/python bench/ngram_lofo.py fit [--no-retired] [--steps 300] [--variants 1] --out /tmp/lofo.pkl
    .venv/bin/python bench/ngram_lofo.py score /tmp/lofo.pkl [--threshold 0.625 --emergency 0.775,0.85]

``fit``: for each training file F (each ``utterances*.jsonl`` with dev rows and, unless ``--no-retired``, each
retired held-out set of ``train_ngram.RETIRED``), trains the two heads on every other training row (and the
calm questions) and keeps the model. With ``--no-retired`` the retired sets are scored by one model trained on
every dev row (they were not training data then). Cheaper than the shipped training (fewer steps and variants):
the numbers compare procedures, they are not the shipped model's.

``score``: each file F through the understander with its own model at the given thresholds (the shipped
model's by default; the cheaper models are calibrated a little differently), as ``bench/nlu.py`` scores the
flow: the rows the model alone escalated (right / wrong), the flow's escalation recall and false escalation,
and the rules alone for comparison.

Session 20 (n47-model-groups; ``--by-session --steps 150 --variants 0``, 38 files, 20 writer groups): trained on the
dev rows at the shipped thresholds (0.625; emergency 0.775, 0.85) the model alone raised 4 right / 53 wrong
escalations on writers it never saw (flow recall 0.998, false escalation 0.045, rules alone 0.024); with the
retired sets as training rows 4 / 45 (0.043); at 0.70 (emergency 0.85, 0.90) 4 / 20 (0.034, recall 0.998); at
0.75 (0.90, 0.95) 4 / 15 (0.032) but one escalation of set 15 lost (recall 0.997).
"""
from __future__ import annotations

import argparse
import pickle
import re
import sys
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import nlu as bench_nlu  # noqa: E402
import train_ngram as T  # noqa: E402
from nlu import concern_net, evaluate  # noqa: E402

from escalation.triage import default_triage  # noqa: E402
from ivr.nlu.ngram import KINDS, NgramModel  # noqa: E402
from ivr.nlu.understander import MODEL_SIGN, Nlu  # noqa: E402


def fit(args: argparse.Namespace) -> int:
    T.STEPS = args.steps
    triage = default_triage()
    rules = Nlu(model=None)
    rows = T.load_rows(retired=not args.no_retired) + T.calm_questions(rules)
    labelled = [(r, T.target(r, triage)) for r in rows]
    train_rows = [(r, t) for r, t in labelled if t is not None]
    texts = [T.model_text(r["text"]) for r, _ in train_rows]
    y = np.array([t for _, t in train_rows], dtype=float)
    y_em, sw_em = T.emergency_targets([r for r, _ in train_rows], triage)
    files = np.array([r["_file"] for r, _ in train_rows])
    held = sorted({f for f in files if not f.startswith("questions")})
    if args.by_session:  # one writer per session: utterances_s18_*.jsonl together (fewer fits)
        groups: dict[str, list[str]] = {}
        for f in held:
            m = re.match(r"utterances_(s\d+)", f)
            groups.setdefault(m.group(1) if m else f, []).append(f)
        plan = sorted(groups.items())
    else:
        plan = [(f, [f]) for f in held]
    if args.no_retired:
        plan.append(("(all dev)", []))
    out: dict[str, Any] = {"signs": T.escalating_signs(triage), "models": {}, "groups": dict(plan)}
    for name, leave in plan:
        keep = ~np.isin(files, leave)
        targets = {"warning": (y[keep], np.ones(int(keep.sum())), T.L2),
                   "emergency": (y_em[keep], sw_em[keep], T.L2_EMERGENCY)}
        vocab, heads = T.train([t for t, k in zip(texts, keep) if k], targets, KINDS, args.variants)
        out["models"][name] = (vocab, {h: (w.astype(np.float32), b) for h, (w, b) in heads.items()})
        print(f"fitted without {name} ({int(keep.sum())} rows)", flush=True)
    with open(args.out, "wb") as f:
        pickle.dump(out, f)
    return 0


def _model(vocab: dict[str, int], heads: Any, signs: list[str], th: float, em: float, em_calm: float) -> NgramModel:
    (w, b), (we, be) = heads["warning"], heads["emergency"]
    return NgramModel(weights={f: float(w[i]) for f, i in vocab.items()}, bias=float(b), threshold=th,
                      escalating_signs=frozenset(signs), info={}, kinds=KINDS,
                      emergency_weights={f: float(we[i]) for f, i in vocab.items()}, emergency_bias=float(be),
                      emergency_threshold=em, emergency_threshold_calm=em_calm,
                      emergency_min_warning=T.EMERGENCY_MIN_WARNING)


def _file_rows(name: str) -> list[dict[str, Any]]:
    rows = T._read(T.DATA / name, name)
    return rows if name.startswith("heldout/") else [r for r in rows if r.get("split", "dev") == "dev"]


def score(args: argparse.Namespace) -> int:
    with open(args.pickle, "rb") as f:
        data = pickle.load(f)
    bench_nlu._cpu_ms = lambda *a, **k: 0.0  # no timing rounds here
    triage = default_triage()
    em, em_calm = (float(x) for x in args.emergency.split(","))
    groups = data.get("groups") or {n: [n] for n in data["models"]}
    files = [(f, n) for n, fs in groups.items() if n != "(all dev)" for f in fs]
    if "(all dev)" in data["models"]:
        files += [(f, "(all dev)") for f in T.RETIRED]
    total = {"ok": 0, "wrong": 0, "calm": 0, "fe": 0, "esc": 0, "hit": 0, "fe_rules": 0, "none": 0}
    print(f"threshold {args.threshold}, emergency {em} (after a calm-ish intent {em_calm})")
    print(f"{'file':42s} {'n':>4s} {'model right/wrong':>17s} {'recall':>7s} {'none':>4s} {'FE':>6s} {'FE rules':>8s}")
    rules = Nlu(model=None)
    kinds: dict[tuple[str, str, bool], int] = {}
    for name, group in files:
        vocab, heads = data["models"][group]
        nlu = Nlu(model=_model(vocab, heads, data["signs"], args.threshold, em, em_calm))
        rows = _file_rows(name)
        m = evaluate(rows, nlu, triage, False)
        if args.detail:
            _detail(rows, nlu, rules, triage, kinds)
        r = evaluate(rows, rules, triage, False)
        print(f"{name:42s} {m['n']:4d} {m['raised_ok']:8d}/{m['raised_wrong']:<8d} {m['escalation_recall']:7.3f} "
              f"{m['emergency_scored_none']:4d} {m['false_escalation']:6.3f} {r['false_escalation']:8.3f}", flush=True)
        total["ok"] += m["raised_ok"]
        total["wrong"] += m["raised_wrong"]
        total["calm"] += m["calm_n"]
        total["fe"] += round(m["false_escalation"] * m["calm_n"])
        total["fe_rules"] += round(r["false_escalation"] * r["calm_n"])
        total["esc"] += m["escalation_n"]
        total["hit"] += round(m["escalation_recall"] * m["escalation_n"])
        total["none"] += m["emergency_scored_none"]
    print(f"{'all':42s} {'':4s} {total['ok']:8d}/{total['wrong']:<8d} {total['hit'] / total['esc']:7.3f} "
          f"{total['none']:4d} {total['fe'] / total['calm']:6.3f} {total['fe_rules'] / total['calm']:8.3f}")
    for k in sorted(kinds, key=lambda k: -kinds[k]):
        print(f"  {kinds[k]:4d} {k}")
    return 0


def _detail(rows: list[dict[str, Any]], nlu: Nlu, rules: Nlu, triage: Any,
            kinds: dict[tuple[str, str, bool], int]) -> None:
    """Count the rows the model alone escalated by (how: sign or concern net, rules' intent + found signs, right)."""
    esc = {"emergency", "high"}
    for r in rows:
        u, ur = nlu.understand(r["text"], expect=r.get("expect")), rules.understand(r["text"], expect=r.get("expect"))
        a = triage.assess(symptoms=ur.symptoms, vitals=ur.triage_vitals(), risk_factors=ur.risk_factors,
                          intent=ur.intent)
        if a.risk in esc or (concern_net(ur)):
            continue
        how = "sign" if MODEL_SIGN in u.symptoms else "concern" if concern_net(u) else ""
        if not how:
            continue
        found = ",".join(sorted(ur.symptoms)) or "-"
        key = (how, f"{u.intent} [{'signs' if ur.symptoms else 'none'}]", r["risk"] in esc)
        kinds[key] = kinds.get(key, 0) + 1
        print(f"      {'RIGHT' if key[2] else 'WRONG'} {how} {u.intent} {found} {r['risk']}: {r['text']}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("fit")
    f.add_argument("--no-retired", action="store_true")
    f.add_argument("--by-session", action="store_true", help="leave one session's files out at a time")
    f.add_argument("--steps", type=int, default=300)
    f.add_argument("--variants", type=int, default=1)
    f.add_argument("--out", type=Path, required=True)
    s = sub.add_parser("score")
    s.add_argument("pickle", type=Path)
    s.add_argument("--threshold", type=float, default=0.625)
    s.add_argument("--emergency", default="0.775,0.85")
    s.add_argument("--detail", action="store_true", help="print the rows the model alone escalated")
    args = ap.parse_args()
    return fit(args) if args.cmd == "fit" else score(args)


if __name__ == "__main__":
    sys.exit(main())
