"""The ``ivr`` command line. Each of the hotline's sub-commands lives in ``ivr/cli/<noun>.py``;
the escalation queue's (``escalation/cli.py``, ``escalation/worker.py``) and the admin's
(``admin/cli.py``) plug in through entry points.

A command module exposes ``register(subparsers, common)``: it adds its parsers
with ``parents=[common]`` and ``set_defaults(run=FUNC)``, where
``FUNC(args, cfg) -> int`` gets the configuration read once here.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from collections.abc import Sequence

from ivr import config as config_mod
from ivr.cli import plugins
from ivr.errors import IvrError

#: command name -> the module that registers it: the hotline's own commands. The escalation
#: queue's and the admin's commands plug in through the ``ivr.commands`` entry points
#: (``ivr.cli.plugins``). Only the module of the command being run is imported, so
#: `ivr calls list` does not load speech models or Flask.
OWN_COMMANDS: dict[str, str] = {
    "db": "ivr.cli.db",
    "flows": "ivr.cli.flows",
    "simulate": "ivr.cli.simulate",
    "prompts": "ivr.cli.prompts",
    "models": "ivr.cli.models",
    "transcribe": "ivr.cli.transcribe",
    "classify": "ivr.cli.classify",
    "ask": "ivr.cli.ask",
    "up": "ivr.cli.up",
    "sip-worker": "ivr.cli.sipworker",
    "calls": "ivr.cli.calls",
}
COMMANDS: dict[str, str] = {**OWN_COMMANDS, **{k: v for k, v in plugins.commands().items() if k not in OWN_COMMANDS}}
COMMAND_MODULES: tuple[str, ...] = tuple(dict.fromkeys(COMMANDS.values()))


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="configuration file (default: ./ivr.toml or $IVR_CONFIG)")
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="the instance's data folder (default: var/ or $IVR_DATA_DIR)")
    return common


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """The parser; with ``argv`` naming a command, only that command's module is imported."""
    common = common_parser()
    parser = argparse.ArgumentParser(prog="ivr", description="F0 voice hotline", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    wanted = next((a for a in argv or () if not a.startswith("-")), None)
    modules = [COMMANDS[wanted]] if wanted in COMMANDS else list(COMMAND_MODULES)
    for name in modules:
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(argv)
    args = parser.parse_args(argv)
    try:
        cfg = config_mod.load(getattr(args, "config", None), data_dir=getattr(args, "data_dir", None),
                              read_instance=getattr(args, "read_instance", True),
                              **getattr(args, "config_overrides", lambda a: {})(args))
    except IvrError as exc:
        print(f"ivr: {exc}", file=sys.stderr)
        return 2
    logging.basicConfig(level=cfg.log_level, stream=sys.stderr,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        return int(args.run(args, cfg) or 0)
    except IvrError as exc:
        print(f"ivr: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130

