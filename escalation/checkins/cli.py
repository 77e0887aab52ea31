"""``ivr checkins plan|run|status|pause|resume``: the check-in calls for operators and scripts.

Stable shapes: ``plan --json`` prints a JSON list of {patient_id, phone, window, attempt, not_before}
(one entry per patient an attempt calls for: a household phone appears once per patient); ``status
--json`` prints {"planned", "in_progress", "reached", "not_reached", "escalated", "opted_out"} (each
patient of the window in exactly one).
"""
from __future__ import annotations

import argparse
import json

from redis.exceptions import RedisError

from ivr.config import Config
from ivr.store.database import Database, check_schema
from ivr.store.models import utcnow
from ivr.vocabulary import CheckinStatus

from .. import jobs as escalation_jobs
from ..errors import EscalationError
from . import campaign, plan

CS = CheckinStatus


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("checkins", help="daily check-in calls: plan, start, watch a window", parents=[common])
    csub = p.add_subparsers(dest="checkins_command", metavar="ACTION")
    csub.required = True
    pl = csub.add_parser("plan", parents=[common], help="plan a window (default: the current or next one) "
                                                        "and list its calls")
    pl.add_argument("--window", metavar="NAME", help="a configured window name (checkin_windows)")
    pl.add_argument("--json", action="store_true", help="a JSON list instead of a table")
    pl.set_defaults(run=run_plan)
    rn = csub.add_parser("run", parents=[common], help="start the current window now")
    rn.set_defaults(run=run_run)
    st = csub.add_parser("status", parents=[common], help="counts of a window (default: the current one)")
    st.add_argument("--window", metavar="NAME")
    st.add_argument("--json", action="store_true", help="one JSON object instead of text")
    st.set_defaults(run=run_status)
    for action in ("pause", "resume"):
        pr = csub.add_parser(action, parents=[common], help=f"{action} a window's calls (default: the current one)")
        pr.add_argument("--window", metavar="NAME")
        pr.set_defaults(run=run_pause if action == "pause" else run_resume)


def _db(cfg: Config) -> Database:
    db = Database(cfg.db_url)
    check_schema(db.engine)
    return db


def run_plan(args: argparse.Namespace, cfg: Config) -> int:
    db = _db(cfg)
    try:
        now = utcnow()
        occ = campaign.window_for(cfg, now, args.window)
        plan.plan_window(db, cfg, occ, now=now)
        with db.session() as s:
            rows = plan.plan_rows(s, plan.attempts_of(s, occ), status=[c for c in CS if c is not CS.CANCELLED])
    except EscalationError as exc:
        print(f"ivr checkins plan: {exc}")
        return 2
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(rows, ensure_ascii=False, indent=2))
        return 0
    print(f"Buổi {occ.name} ngày {occ.day:%d/%m/%Y}: {len(rows)} lượt gọi theo kế hoạch.")
    for r in rows:
        print(f"  #{r['patient_id']:<6} {r['phone']:<14} lần {r['attempt']}  từ {r['not_before']}")
    return 0


def run_run(args: argparse.Namespace, cfg: Config) -> int:
    db = _db(cfg)
    try:
        report = campaign.run_now(db, cfg, escalation_jobs.connect(cfg.redis), now=utcnow())
    except EscalationError as exc:
        print(f"ivr checkins run: {exc}")
        return 2
    except RedisError as exc:
        print(f"ivr checkins run: Redis unavailable ({exc}); is the hotline running (ivr up)?")
        return 1
    finally:
        db.dispose()
    print(json.dumps(report, ensure_ascii=False))
    return 0


def run_status(args: argparse.Namespace, cfg: Config) -> int:
    db = _db(cfg)
    try:
        occ = campaign.latest(db, cfg, utcnow(), args.window)
        counts = campaign.counts(db, occ)
    except EscalationError as exc:
        print(f"ivr checkins status: {exc}")
        return 2
    finally:
        db.dispose()
    if args.json:
        print(json.dumps(counts))
        return 0
    labels = {"planned": "chờ gọi", "in_progress": "đang gọi", "reached": "đã liên lạc",
              "not_reached": "không liên lạc được", "escalated": "chuyển bác sĩ", "opted_out": "từ chối cuộc gọi"}
    print(f"Buổi {occ.name} ngày {occ.day:%d/%m/%Y}: " + "; ".join(f"{labels[k]} {v}" for k, v in counts.items()))
    return 0


def _pause(args: argparse.Namespace, cfg: Config, paused: bool) -> int:
    db = _db(cfg)
    try:
        now = utcnow()
        occ = campaign.window_for(cfg, now, args.window)
        if paused:
            campaign.set_paused(db, occ, True, actor="cli", now=now)
        else:
            campaign.resume(db, cfg, occ, escalation_jobs.connect(cfg.redis), actor="cli", now=now)
    except EscalationError as exc:
        print(f"ivr checkins: {exc}")
        return 2
    except RedisError as exc:
        print(f"ivr checkins: Redis unavailable ({exc})")
        return 1
    finally:
        db.dispose()
    print(f"Buổi {occ.name} ngày {occ.day:%d/%m/%Y}: {'tạm dừng' if paused else 'tiếp tục'}.")
    return 0


def run_pause(args: argparse.Namespace, cfg: Config) -> int:
    return _pause(args, cfg, True)


def run_resume(args: argparse.Namespace, cfg: Config) -> int:
    return _pause(args, cfg, False)
