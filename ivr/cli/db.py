"""``ivr db upgrade``: create or upgrade the database schema."""
from __future__ import annotations

import argparse

from ivr.config import Config
from ivr.store.database import upgrade


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("db", help="database schema", parents=[common])
    dsub = p.add_subparsers(dest="db_command", metavar="ACTION")
    dsub.required = True
    up = dsub.add_parser("upgrade", help="create or upgrade the schema to the newest migration", parents=[common])
    up.set_defaults(run=run_upgrade)


def run_upgrade(args: argparse.Namespace, cfg: Config) -> int:
    upgrade(cfg.db_url)
    print(f"database at {cfg.db_url} is up to date")
    return 0
