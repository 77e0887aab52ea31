"""Topic-answering benchmark (issue 17) on labelled caller questions.

    .venv/bin/python bench/faq.py [--data PATH ...] [--errors] [--measure-tts]

Scores each set (default: the development set tests/data/questions.jsonl and the held-out set
tests/data/heldout/questions_heldout.jsonl) with the hotline's topic matcher (``ivr.nlu.topics``):

* top-1 accuracy: rows with a topic whose best-scoring entry is that topic (confident or not);
* answered accuracy: rows with a topic answered confidently with the right entry;
* confident-wrong rate: rows (any, including those that must be declined) answered confidently
  with a wrong entry — the failure the hotline must avoid (goal ≤ 0.03);
* decline rate on rows labelled null (questions outside the base) and per-slice top-1.

A row may name a second acceptable topic (``"also": [..]``, a question on two topics) and a
``"split"`` (``dev`` or ``holdout``, by hash of the text: tests/data/questions_f2.jsonl); ``--split``
scores one split only.

Goal: top-1 ≥ 0.90, confident wrong ≤ 0.03. Thresholds were set on the development set only; the
held-out set was written before any entry existed and is never tuned on (tests/data/heldout/README_faq.md).

Numbers at the commit that added them (knowledge base of 31 topics, THRESHOLD 0.30, MARGIN 0.04,
COVERAGE 0.60)::

    set                      rows  top-1  answered  confident-wrong  null declined
    dev (tuned on)            133  0.968   0.864     0.008 (1)        7/8
    held-out (first run)      108  0.931   0.814     0.046 (5)        4/6

The held-out confident-wrong rate misses the 0.03 goal: expect about one confident wrong answer in
twenty questions on unseen wording (on the held-out set, 2 of the 5 were questions outside the base,
3 were questions on one topic answered with another).

After the f2 work (issue 17, "fewer confident wrong answers": anchors, IDF-weighted coverage, the
out-of-domain check, two fitting topics asked; THRESHOLD 0.25, MARGIN 0.04, COVERAGE 0.5,
WEIGHTED_COVERAGE 0.5 chosen by ``--calibrate`` on dev rows only)::

    set                           rows  top-1  answered  confident-wrong  null declined
    questions.jsonl before         133  0.968   0.864     0.008 (1)        7/8
    questions.jsonl after          133  0.968   0.880     0.000 (0)        8/8
    questions_f2 holdout before     64  0.919   0.730     0.047 (3)        24/27
    questions_f2 holdout after      64  0.919   0.757     0.031 (2)        25/27
    questions_f2 dev before         86  0.900   0.850     0.081 (7)        20/26
    questions_f2 dev after (tuned)  86  0.917   0.883     0.000 (0)        26/26

The f2 set was written by the same engineer who wrote the anchors and the out-of-domain words (its
holdout half was never tuned on, but its wording is not independent): the lead's held-out set is the
real measure.

``--calibrate`` replays the decision over a grid of the four numbers on the development rows
(tests/data/questions.jsonl and the "dev" half of questions_f2.jsonl), picks the setting with the most
right answers at ≤ 1 % confident wrong, and reports a 5-fold cross-validated estimate.

``--measure-tts`` synthesizes every answer with espeak-ng (Vietnamese, 130 wpm, the hotline's
default voice), numbers spelled out by ``ivr.tts.verbalize``, and prints the measured syllables
per second and the longest answer in seconds (the basis of ``ivr.nlu.knowledge.SYLLABLES_PER_SECOND``).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import wave
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ivr.nlu.knowledge import load_knowledge, syllables  # noqa: E402
from ivr.nlu.topics import TopicFinder  # noqa: E402

DEFAULT_SETS = (ROOT / "tests/data/questions.jsonl", ROOT / "tests/data/heldout/questions_heldout.jsonl")


def score(path: Path, finder: TopicFinder, errors: bool, split: str | None = None) -> dict[str, float]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if split is not None:  # rows without a "split" field belong to every split
        rows = [r for r in rows if r.get("split", split) == split]
    on_topic = [r for r in rows if r["topic"] is not None]
    off_topic = [r for r in rows if r["topic"] is None]
    top1 = answered = confident_wrong = declined_null = asked = asked_right = 0
    per_slice: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    times: list[float] = []
    for r in rows:
        t0 = time.perf_counter()
        a = finder.find(r["text"])
        times.append(time.perf_counter() - t0)
        # a question on two topics ("also") is right with either of them
        right = a.topic == r["topic"] or (a.topic is not None and a.topic in r.get("also", ()))
        if r["topic"] is not None:
            top1 += right
            answered += right and a.confident
            per_slice[r.get("slice", "?")][0] += right
            per_slice[r.get("slice", "?")][1] += 1
        else:
            declined_null += not a.confident
        if a.confident and not right:
            confident_wrong += 1
        if a.choices:  # the hotline asks which of two topics; right when the row's topic is one of them
            asked += 1
            asked_right += bool({r["topic"], *r.get("also", ())} & set(a.choices))
        if errors and (not right or not a.confident):
            tag = "CONFIDENT-WRONG" if a.confident and not right else (
                "asked which" if a.choices else "declined" if not a.confident else "")
            print(f"  {tag:15} {r['topic']!s:22} -> {a.topic!s:22} {a.score:.3f}  {r['text']}")
    n, m = len(on_topic), len(off_topic)
    out = {"rows": len(rows), "top1": top1 / n if n else 0.0, "answered": answered / n if n else 0.0,
           "confident_wrong": confident_wrong / len(rows), "null_declined": declined_null / m if m else 1.0,
           "ms_median": statistics.median(times) * 1000}
    name = path.relative_to(ROOT) if path.is_relative_to(ROOT) else path
    print(f"{name}{f' [{split}]' if split else ''}: {len(rows)} questions "
          f"({n} on a topic, {m} to decline)")
    print(f"  top-1 accuracy      {out['top1']:.3f}  (goal ≥ 0.90)")
    print(f"  answered correctly  {out['answered']:.3f}  (confident and right)")
    print(f"  confident wrong     {out['confident_wrong']:.3f}  ({confident_wrong} of {len(rows)}; goal ≤ 0.03)")
    print(f"  null declined       {out['null_declined']:.3f}  ({declined_null} of {m})")
    print(f"  asked which topic   {asked} ({asked_right} offering the right one)")
    print(f"  latency median      {out['ms_median']:.2f} ms")
    print("  top-1 per slice:    " + ", ".join(f"{k} {v[0]}/{v[1]}" for k, v in sorted(per_slice.items())))
    return out


def _features(rows: list[dict], finder: TopicFinder) -> list[tuple]:
    """What the decision needs per row, computed once: the calibration replays it for each setting."""
    out = []
    for r in rows:
        t = r["text"]
        ranked = finder.scores(t)
        (top, s1), s2 = ranked[0], ranked[1][1]
        ok = {r["topic"], *r.get("also", ())} - {None}
        out.append((top in ok, r["topic"] is None, s1, s1 - s2, finder.covered(top, t), finder.weighted_covered(top, t),
                    finder.anchored(top, t), finder.out_of_domain(t)))
    return out


def _outcome(feats: list[tuple], th: float, mg: float, cov: float, wcov: float) -> tuple[int, int]:
    """(answered right, confident wrong) of a setting."""
    right = wrong = 0
    for ok, _null, s1, lead, c, w, anchored, ood in feats:
        if s1 >= th and lead >= mg and c >= cov and w >= wcov and anchored and not ood:
            right += ok
            wrong += not ok
    return right, wrong


GRID = [(th, mg, cov, wcov) for th in (0.25, 0.30, 0.35, 0.40) for mg in (0.02, 0.04, 0.06, 0.08, 0.10)
        for cov in (0.0, 0.3, 0.4, 0.5, 0.6) for wcov in (0.0, 0.3, 0.4, 0.5, 0.6)]


def _best(feats: list[tuple]) -> tuple[float, float, float, float]:
    # the most right answers with confident wrong ≤ 1 %; ties: the stricter setting (higher values)
    def key(p: tuple[float, float, float, float]) -> tuple[float, float, tuple]:
        right, wrong = _outcome(feats, *p)
        return (wrong / len(feats) <= 0.01, right - 3 * wrong, p)
    return max(GRID, key=key)


def calibrate(paths: list[Path], finder: TopicFinder, folds: int = 5) -> int:
    """Choose THRESHOLD, MARGIN, COVERAGE, WEIGHTED_COVERAGE on development rows only, and estimate by
    k-fold cross-validation how the choice does on rows it did not see."""
    rows = []
    for path in paths:
        rows += [r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
                 if r.get("split", "dev") == "dev"]
    feats = _features(rows, finder)
    right = wrong = 0
    for k in range(folds):
        train = [f for i, f in enumerate(feats) if i % folds != k]
        test = [f for i, f in enumerate(feats) if i % folds == k]
        p = _best(train)
        r, w = _outcome(test, *p)
        right, wrong = right + r, wrong + w
        print(f"  fold {k + 1}: threshold {p[0]:.2f} margin {p[1]:.2f} coverage {p[2]:.1f} weighted {p[3]:.1f} "
              f"-> on the fold: {r} right, {w} confident wrong of {len(test)}")
    on_topic = sum(1 for f in feats if not f[1])
    print(f"cross-validated: answered correctly {right / on_topic:.3f}, confident wrong {wrong / len(feats):.3f} "
          f"({wrong} of {len(feats)})")
    p = _best(feats)
    r, w = _outcome(feats, *p)
    print(f"chosen on all {len(feats)} development rows: threshold {p[0]:.2f} margin {p[1]:.2f} coverage {p[2]:.1f} "
          f"weighted {p[3]:.1f} ({r} right, {w} confident wrong)")
    return 0


def measure_tts() -> int:
    from ivr.tts.verbalize import verbalize
    if shutil.which("espeak-ng") is None:
        print("espeak-ng is not installed", file=sys.stderr)
        return 2
    rates: list[tuple[float, float, str]] = []
    with tempfile.TemporaryDirectory() as tmp:
        wav = Path(tmp) / "a.wav"
        for e in load_knowledge():
            subprocess.run(["espeak-ng", "-v", "vi", "-s", "130", "-w", str(wav), verbalize(e.answer)], check=True)
            with wave.open(str(wav)) as w:
                seconds = w.getnframes() / w.getframerate()
            rates.append((syllables(e.answer) / seconds, seconds, e.topic))
    rates.sort()
    print(f"{len(rates)} answers: {rates[0][0]:.2f} to {rates[-1][0]:.2f} syllables/s; "
          f"longest {max(r[1] for r in rates):.1f} s ({max(rates, key=lambda r: r[1])[2]})")
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, action="append", help="a JSONL set (repeatable)")
    ap.add_argument("--errors", action="store_true", help="print every miss and decline")
    ap.add_argument("--split", choices=("dev", "holdout"),
                    help="only the rows of this split (rows with a 'split' field)")
    ap.add_argument("--calibrate", action="store_true",
                    help="choose the thresholds on the development rows (cross-validated); never the held-out set")
    ap.add_argument("--measure-tts", action="store_true", help="measure the spoken length of every answer")
    args = ap.parse_args()
    if args.measure_tts:
        return measure_tts()
    finder = TopicFinder(load_knowledge())
    if args.calibrate:
        return calibrate(args.data or [DEFAULT_SETS[0], ROOT / "tests/data/questions_f2.jsonl"], finder)
    for path in args.data or DEFAULT_SETS:
        score(path, finder, args.errors, args.split)
    return 0


if __name__ == "__main__":
    sys.exit(main())
