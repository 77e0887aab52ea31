"""``ivr simulate``: run one call through the real engine from the command line."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from ivr.cli import plugins
from ivr.config import Config
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.simulator import simulate


class _AppendInput(argparse.Action):
    """Keeps --say/--dtmf/--silence in the order they were given."""

    def __call__(self, parser: argparse.ArgumentParser, ns: argparse.Namespace, values: Any,
                 option_string: str | None = None) -> None:
        kind = {"--say": "say", "--dtmf": "dtmf", "--silence": "silence"}[str(option_string)]
        if kind == "dtmf":
            bad = [c for c in str(values) if c not in "0123456789*#ABCD"]
            if not values or bad:
                parser.error(f"--dtmf takes keys 0-9 * # A-D, got {values!r}")
        ns.inputs = [*getattr(ns, "inputs", []), (kind, values)]


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("simulate", help="run one simulated call through a flow", parents=[common])
    p.add_argument("--flow", metavar="PATH", help="flow YAML (default: the configured flow)")
    p.add_argument("--say", metavar="TEXT", action=_AppendInput, help="the caller says TEXT")
    p.add_argument("--dtmf", metavar="DIGITS", action=_AppendInput, help="the caller presses DIGITS")
    p.add_argument("--silence", nargs=0, action=_AppendInput, help="the caller says nothing")
    p.add_argument("--caller", default="0900000000")
    p.add_argument("--patient-status", default="home", choices=("home", "transferred", "discharged", "unknown"))
    p.add_argument("--json", action="store_true", help="print one JSON object")
    p.set_defaults(run=run, inputs=[])


def run(args: argparse.Namespace, cfg: Config) -> int:
    from ivr.nlu.topics import finder_for
    from ivr.nlu.understander import default_understander

    catalog = load_catalog(cfg.prompts_catalog)
    flow = load_flow(Path(args.flow) if args.flow else cfg.flows_dir / f"{cfg.flow}.yaml", catalog)
    result = simulate(flow, args.inputs, catalog=catalog, understander=default_understander(),
                      triage=plugins.triage(cfg.triage_rules_dir), caller=args.caller,
                      patient_status=args.patient_status, answers=finder_for(cfg.flows_dir / "knowledge"))
    if args.json:
        print(json.dumps(result.as_json(), ensure_ascii=False))
        return 0
    _print_human(result.as_json())
    return 0


def _print_human(data: dict[str, Any]) -> None:
    for step in data["steps"]:
        if step.get("text"):
            print(f"[{step['node']}] {step['prompt_id']}: {step['text']}")
        if step.get("event") in ("speech", "dtmf", "no_input"):
            shown = step["input"] if step["input"] else "(im lặng)"
            intent = f"  intent={step['intent']}" if step.get("intent") else ""
            print(f"    caller> {shown}{intent}")
        elif step.get("event") in ("escalate", "handoff", "hangup", "record"):
            extra = f" risk={step['risk']}" if "risk" in step else ""
            print(f"    ** {step['event']}{extra}")
    print(f"outcome: {data['outcome']}  risk: {data['risk']}  slots: {json.dumps(data['slots'], ensure_ascii=False)}")
