"""Scripted whole calls through the real engine, checked against what a real caller needs.

    .venv/bin/python bench/calls.py [--data PATH ...] [--verbose] [--json]

Each row of the data file (default ``tests/data/heldout/calls_heldout4.jsonl``, written for issue 12
without reading the flow or the lexicon; never tune on it) is one call::

    {"id": "...", "caller_turns": [{"say": "..."} | {"dtmf": "1"} | {"silence": true}, ...],
     "expect": {...}, "note": "..."}

The turns go through the same code path as ``ivr simulate`` (``ivr.engine.simulator.simulate`` with the
configured flow, prompt catalog, understander, triage plugin and knowledge base) and the result's JSON is
checked against ``expect``:

* ``reaches_human`` (bool): the call escalates (live or callback case) or is handed to a person;
* ``max_exchanges_to_human`` (int): at most this many caller turns (speech, key, silence) before the
  first escalation or hand-off;
* ``escalation_risk_at_least`` ("high"/"emergency"): the highest escalation's risk is at least this;
* ``advice_115`` (bool): true, the caller hears 115 named (told to call it now, or if a sign gets worse);
  false, the caller is never told to call 115 now. A sentence that tells the caller to call 115 *if* a sign
  appears ("Nếu thấy khó thở ..., hãy gọi ngay 115": the safety reminder of goodbyes, answers and callback
  promises) is advice to an escalated caller and no alarm to a calm one; the output shows it as "115
  reminder";
* ``callback_case`` (bool): an escalation in callback mode is made (true) / none is (false).

An optional ``"flow"`` field names the flow the call runs through (a YAML in the configured flows
folder, e.g. ``"checkin_outbound"`` for the outbound check-in); without it the call runs through ``--flow``
or the configured flow.

Prints one line per call (PASS/FAIL and the failed checks) and the totals. Exit status 0 whatever the
pass rate (it is a measurement); 2 when a script cannot be parsed.
"""
from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ivr import config as config_mod
from ivr.cli import plugins
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.simulator import Input, simulate
from ivr.engine.understanding import risk_rank

DEFAULT_DATA = ROOT / "tests" / "data" / "heldout" / "calls_heldout4.jsonl"
EXPECT_KEYS = ("reaches_human", "max_exchanges_to_human", "escalation_risk_at_least", "advice_115",
               "callback_case")
CALLER_EVENTS = ("speech", "dtmf", "no_input")
HUMAN_EVENTS = ("escalate", "handoff")
HUMAN_OUTCOMES = ("escalated", "handed_off")


class ScriptError(ValueError):
    """A call script that cannot be run or checked."""


@dataclass(frozen=True)
class Script:
    id: str
    inputs: tuple[Input, ...]
    expect: dict[str, Any]
    note: str = ""
    flow: str = ""


def parse_turn(turn: Any, where: str) -> Input:
    if not isinstance(turn, dict) or len(turn) != 1:
        raise ScriptError(f"{where}: a turn is one of {{'say'}}, {{'dtmf'}}, {{'silence'}}, got {turn!r}")
    (kind, value), = turn.items()
    if kind == "say":
        if not isinstance(value, str) or not value.strip():
            raise ScriptError(f"{where}: 'say' needs a non-empty text, got {value!r}")
        return ("say", value)
    if kind == "dtmf":
        if not isinstance(value, str) or not value or any(c not in "0123456789*#ABCD" for c in value):
            raise ScriptError(f"{where}: 'dtmf' takes keys 0-9 * # A-D, got {value!r}")
        return ("dtmf", value)
    if kind == "silence":
        if value is not True:
            raise ScriptError(f"{where}: 'silence' must be true, got {value!r}")
        return ("silence", None)
    raise ScriptError(f"{where}: unknown turn kind {kind!r}")


def parse_script(row: Any, where: str) -> Script:
    if not isinstance(row, dict):
        raise ScriptError(f"{where}: a call is a JSON object")
    unknown = set(row) - {"id", "caller_turns", "expect", "note", "flow"}
    if unknown:
        raise ScriptError(f"{where}: unknown fields {sorted(unknown)}")
    cid, turns, expect = row.get("id"), row.get("caller_turns"), row.get("expect")
    if not isinstance(cid, str) or not cid:
        raise ScriptError(f"{where}: 'id' must be a non-empty string")
    if not isinstance(turns, list) or not turns:
        raise ScriptError(f"{where} ({cid}): 'caller_turns' must be a non-empty list")
    if not isinstance(expect, dict) or not expect:
        raise ScriptError(f"{where} ({cid}): 'expect' must be a non-empty object")
    bad = set(expect) - set(EXPECT_KEYS)
    if bad:
        raise ScriptError(f"{where} ({cid}): unknown expectations {sorted(bad)}")
    for key in ("reaches_human", "advice_115", "callback_case"):
        if key in expect and not isinstance(expect[key], bool):
            raise ScriptError(f"{where} ({cid}): {key} must be true or false")
    if "max_exchanges_to_human" in expect:
        n = expect["max_exchanges_to_human"]
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ScriptError(f"{where} ({cid}): max_exchanges_to_human must be a positive integer")
    if "escalation_risk_at_least" in expect and expect["escalation_risk_at_least"] not in ("high", "emergency"):
        raise ScriptError(f"{where} ({cid}): escalation_risk_at_least must be 'high' or 'emergency'")
    inputs = tuple(parse_turn(t, f"{where} ({cid}) turn {i + 1}") for i, t in enumerate(turns))
    note = row.get("note", "")
    flow = row.get("flow", "")
    if not isinstance(flow, str) or not re.fullmatch(r"[a-z0-9_]*", flow):
        raise ScriptError(f"{where} ({cid}): 'flow' must be a flow name such as 'checkin_outbound'")
    return Script(id=cid, inputs=inputs, expect=dict(expect), note=note if isinstance(note, str) else "",
                  flow=flow)


def load_scripts(path: Path) -> list[Script]:
    scripts: list[Script] = []
    with path.open(encoding="utf-8") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue
            where = f"{path.name}:{lineno}"
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ScriptError(f"{where}: not JSON ({exc.msg})") from exc
            scripts.append(parse_script(row, where))
    ids = [s.id for s in scripts]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise ScriptError(f"{path.name}: duplicate call ids {dupes}")
    return scripts


def observe(result: dict[str, Any]) -> dict[str, Any]:
    """What the call did, read from ``ivr simulate --json`` output."""
    exchanges = 0
    exchanges_to_human: int | None = None
    for step in result["steps"]:
        if step.get("event") in CALLER_EVENTS:
            exchanges += 1
        elif step.get("event") in HUMAN_EVENTS and exchanges_to_human is None:
            exchanges_to_human = exchanges
    mentions = [conditional for step in result["steps"] for conditional in _mentions_115(step.get("text") or "")]
    escalations = result.get("escalations", [])
    top = min((e["risk"] for e in escalations), key=risk_rank, default=None)  # rank 0 = emergency
    reached = exchanges_to_human is not None or result["outcome"] in HUMAN_OUTCOMES or bool(escalations)
    return {
        "reaches_human": reached,
        "exchanges_to_human": exchanges_to_human,
        "escalation_risk": top,
        "advice_115": any(not conditional for conditional in mentions),
        "reminder_115": any(mentions),
        "callback_case": any(e.get("mode") == "callback" for e in escalations),
        "outcome": result["outcome"],
        "risk": result["risk"],
        "exchanges": exchanges,
    }


def _mentions_115(text: str) -> list[bool]:
    """For each sentence of a prompt that names 115: whether it is conditional ("Nếu ..., hãy gọi 115")."""
    sentences = (s.strip() for s in re.split(r"(?<=[.!?])\s+", text))
    return [s.lower().startswith("nếu ") for s in sentences if "115" in s]


def check(expect: dict[str, Any], seen: dict[str, Any]) -> list[str]:
    """The failed expectations, each as a short explanation (empty: the call passed)."""
    failed = []
    for key in ("reaches_human", "callback_case"):
        if key in expect and seen[key] != expect[key]:
            failed.append(f"{key}: expected {expect[key]}, got {seen[key]}")
    if expect.get("advice_115") is True and not (seen["advice_115"] or seen["reminder_115"]):
        failed.append("advice_115: expected True, 115 never named")
    if expect.get("advice_115") is False and seen["advice_115"]:
        failed.append("advice_115: expected False, told to call 115 now")
    if "max_exchanges_to_human" in expect:
        n, got = expect["max_exchanges_to_human"], seen["exchanges_to_human"]
        if got is None or got > n:
            failed.append(f"max_exchanges_to_human: expected <= {n}, got {'never' if got is None else got}")
    if "escalation_risk_at_least" in expect:
        want, got = expect["escalation_risk_at_least"], seen["escalation_risk"]
        if got is None or risk_rank(got) > risk_rank(want):  # a lower rank is more urgent
            failed.append(f"escalation_risk_at_least: expected {want}, got {got or 'no escalation'}")
    return failed


class Runner:
    """The components ``ivr simulate`` builds (ivr/cli/simulate.py ``run``), loaded once."""

    def __init__(self, cfg: config_mod.Config, flow_path: Path | None = None) -> None:
        from ivr.nlu.topics import finder_for
        from ivr.nlu.understander import default_understander

        self.catalog = load_catalog(cfg.prompts_catalog)
        self.flow = load_flow(flow_path or cfg.flows_dir / f"{cfg.flow}.yaml", self.catalog)
        self.flows_dir = cfg.flows_dir
        self.named_flows: dict[str, Any] = {}
        self.understander = default_understander()
        self.triage = plugins.triage(cfg.triage_rules_dir)
        self.answers = finder_for(cfg.flows_dir / "knowledge")

    def run(self, script: Script, caller: str = "0900000000") -> dict[str, Any]:
        flow = self.flow
        if script.flow:
            if script.flow not in self.named_flows:
                self.named_flows[script.flow] = load_flow(self.flows_dir / f"{script.flow}.yaml", self.catalog)
            flow = self.named_flows[script.flow]
        result = simulate(flow, list(script.inputs), catalog=self.catalog, understander=self.understander,
                          triage=self.triage, caller=caller, patient_status="home", answers=self.answers,
                          on_hold=True)
        data: dict[str, Any] = json.loads(json.dumps(result.as_json(), ensure_ascii=False))
        return data


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, action="append", help=f"a calls JSONL file (repeatable; default "
                    f"{DEFAULT_DATA.relative_to(ROOT)})")
    ap.add_argument("--config", default=None, help="configuration file (as for ivr)")
    ap.add_argument("--flow", type=Path, default=None, help="flow YAML (default: the configured flow)")
    ap.add_argument("--verbose", action="store_true", help="also print each call's turns and prompts")
    ap.add_argument("--json", action="store_true", help="print one JSON object with every call's result")
    args = ap.parse_args(argv)
    try:
        scripts = [s for path in (args.data or [DEFAULT_DATA]) for s in load_scripts(path)]
    except (OSError, ScriptError) as exc:
        print(f"calls: {exc}", file=sys.stderr)
        return 2
    cfg = config_mod.load(args.config)
    runner = Runner(cfg, args.flow)
    rows = []
    for script in scripts:
        data = runner.run(script)
        seen = observe(data)
        failed = check(script.expect, seen)
        rows.append({"id": script.id, "passed": not failed, "failed": failed, "seen": seen,
                     "expect": script.expect, "note": script.note})
        if args.json:
            continue
        print(f"{'PASS' if not failed else 'FAIL'}  {script.id}  (outcome {seen['outcome']}, risk {seen['risk']}, "
              f"to human after {seen['exchanges_to_human'] if seen['exchanges_to_human'] is not None else '-'}"
              f" of {seen['exchanges']} turns, 115 "
              f"{'yes' if seen['advice_115'] else 'reminder' if seen['reminder_115'] else 'no'})")
        for reason in failed:
            print(f"      {reason}")
        if args.verbose:
            for step in data["steps"]:
                if step.get("text"):
                    print(f"      [{step['node']}] {step['text']}")
                if step.get("event"):
                    print(f"        > {step['event']} {step.get('input') or ''} {step.get('intent') or ''}"
                          f"{' risk=' + step['risk'] if 'risk' in step else ''}")
    passed = sum(r["passed"] for r in rows)
    checks = sum(len(r["expect"]) for r in rows)
    checks_failed = sum(len(r["failed"]) for r in rows)
    if args.json:
        print(json.dumps({"calls": rows, "passed": passed, "total": len(rows), "checks": checks,
                          "checks_failed": checks_failed}, ensure_ascii=False))
    else:
        print(f"calls passed {passed} of {len(rows)}; checks passed {checks - checks_failed} of {checks}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
