"""``ivr flows validate PATH...``: check call flows before they go live."""
from __future__ import annotations

import argparse
import sys

from ivr.config import Config
from ivr.engine.flow import validate_paths
from ivr.engine.prompts import load_catalog


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("flows", help="call flows", parents=[common])
    fsub = p.add_subparsers(dest="flows_command", metavar="ACTION")
    fsub.required = True
    v = fsub.add_parser("validate", help="validate call-flow YAML files", parents=[common])
    v.add_argument("paths", nargs="+", metavar="PATH")
    v.set_defaults(run=run_validate)


def run_validate(args: argparse.Namespace, cfg: Config) -> int:
    catalog = load_catalog(cfg.prompts_catalog)
    problems = validate_paths(args.paths, catalog)
    for line in problems:
        print(line)
    if problems:
        return 2
    for path in args.paths:
        print(f"{path}: ok", file=sys.stderr)
    return 0
