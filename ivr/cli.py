"""The ``ivr`` command line. Each sub-command lives in ``ivr/commands/<noun>.py``.

A command module exposes ``register(subparsers, common)``: it adds its parsers
with ``parents=[common]`` and ``set_defaults(run=FUNC)``, where
``FUNC(args, cfg) -> int`` gets the configuration read once here.
"""
from __future__ import annotations

import argparse
import importlib
import logging
import sys
from typing import Sequence

from . import config as config_mod
from .errors import IvrError

#: command name -> the module that registers it. Only the module of the command
#: being run is imported, so `ivr calls list` does not load speech models or Flask.
COMMANDS: dict[str, str] = {
    "db": "ivr.commands.db",
    "flows": "ivr.commands.flows",
    "simulate": "ivr.commands.simulate",
    "prompts": "ivr.commands.prompts",
    "models": "ivr.commands.models",
    "transcribe": "ivr.commands.transcribe",
    "classify": "ivr.commands.classify",
    "up": "ivr.commands.up",
    "sip-worker": "ivr.commands.sipworker",
    "calls": "ivr.commands.calls",
    "escalations": "ivr.commands.escalations",
    "worker": "ivr.commands.worker",
    "admin": "ivr.commands.admin",
}
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


if __name__ == "__main__":
    sys.exit(main())
