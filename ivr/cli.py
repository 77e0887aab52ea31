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

COMMAND_MODULES: tuple[str, ...] = (
    "ivr.commands.db",
    "ivr.commands.flows",
    "ivr.commands.simulate",
    "ivr.commands.prompts",
    "ivr.commands.models",
    "ivr.commands.transcribe",
    "ivr.commands.classify",
    "ivr.commands.up",
    "ivr.commands.sipworker",
    "ivr.commands.calls",
    "ivr.commands.escalations",
    "ivr.commands.worker",
    "ivr.commands.admin",
)


def common_parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--config", metavar="PATH", default=argparse.SUPPRESS,
                        help="configuration file (default: ./ivr.toml or $IVR_CONFIG)")
    common.add_argument("--data-dir", metavar="DIR", default=argparse.SUPPRESS,
                        help="the instance's data folder (default: var/ or $IVR_DATA_DIR)")
    return common


def build_parser() -> argparse.ArgumentParser:
    common = common_parser()
    parser = argparse.ArgumentParser(prog="ivr", description="F0 voice hotline", parents=[common])
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    sub.required = True
    for name in COMMAND_MODULES:
        if importlib.util.find_spec(name) is None:
            continue
        importlib.import_module(name).register(sub, common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
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
