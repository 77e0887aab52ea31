"""``ivr calls list``: recent calls with their steps, for an operator or a script."""
from __future__ import annotations

import argparse
import json

from ivr.config import Config
from ivr.errors import ConfigError
from ivr.store.database import Database, check_schema
from ivr.telephony.callstore import CallSummary, list_calls


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("calls", help="calls the hotline answered", parents=[common])
    csub = p.add_subparsers(dest="calls_command", metavar="ACTION")
    csub.required = True
    ls = csub.add_parser("list", help="recent calls, newest first", parents=[common])
    ls.add_argument("--json", action="store_true", help="one JSON array (for scripts)")
    ls.add_argument("--limit", type=int, default=20, metavar="N", help="how many calls (default 20)")
    ls.set_defaults(run=run_list)


def run_list(args: argparse.Namespace, cfg: Config) -> int:
    if args.limit < 1:
        raise ConfigError(f"calls list: --limit must be 1 or more, got {args.limit}")
    db = Database(cfg.db_url)
    try:
        check_schema(db.engine)
        calls = list_calls(db, limit=args.limit)
    finally:
        db.dispose()
    if args.json:
        print(json.dumps([c.as_dict() for c in calls], ensure_ascii=False, indent=2))
        return 0
    if not calls:
        print("no calls yet")
        return 0
    for c in calls:
        print(_line(c))
        for st in c.steps:
            heard = st["transcript"] if st["event"] == "speech" else st["digits"]
            if st["event"] in ("speech", "dtmf", "no_input", "no_match", "escalate", "handoff", "record", "hangup"):
                extra = f" intent={st['intent']}" if st["intent"] else ""
                print(f"    {st['node']:<18} {st['event']:<9} {heard!r}{extra}")
    return 0


def _line(c: CallSummary) -> str:
    dur = "-" if c.duration_s is None else f"{c.duration_s:.0f}s"
    return (f"#{c.id} {c.started_at:%Y-%m-%d %H:%M:%S} caller={c.caller or '-'} duration={dur} "
            f"outcome={c.outcome} intent={c.intent or '-'} risk={c.risk} digits={c.digits or '-'} "
            f"recording={c.recording_path or '-'}")
