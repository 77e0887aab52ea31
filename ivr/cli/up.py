"""``ivr up``: start and supervise everything one hotline instance needs on this machine.

Order: ``ivr db upgrade``; render and check the Kamailio config; check that no
port is taken; then hand over to supervisord (exec, same pid), which starts
Redis, Kamailio, the IVR workers, the job worker and the admin, restarts what
crashes and stops everything on SIGTERM or Ctrl-C. supervisord also runs
``ivr up --wait-ready`` once: it prints one line to stdout, the SIP URI to call
and the admin URL, when Kamailio, every worker (registered) and the admin answer.
"""
from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from ivr.ops import kamailio
from ivr.ops import supervisor
from ivr.config import Config
from ivr.store.database import upgrade


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("up", parents=[common],
                       help="start and supervise Redis, Kamailio, the IVR workers, the job worker and the admin")
    p.add_argument("--sip-port", type=int, metavar="N", help="Kamailio's SIP port (UDP; $IVR_SIP_PORT)")
    p.add_argument("--sip-host", metavar="IP", help="address Kamailio listens on ($IVR_SIP_HOST, default 0.0.0.0)")
    p.add_argument("--admin-port", type=int, metavar="N", help="the admin web port ($IVR_ADMIN_PORT)")
    p.add_argument("--workers", type=int, metavar="N", help="number of IVR worker processes ($IVR_WORKERS)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the configs, check ports, print the process list and exit")
    # run by supervisord inside the instance: wait until it takes calls, print the ready line, exit
    p.add_argument("--wait-ready", action="store_true", help=argparse.SUPPRESS)
    # `ivr up` takes its settings from flags, IVR_* and ivr.toml, not from a previous run's instance file
    p.set_defaults(run=run, config_overrides=overrides, read_instance=False)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {"sip_port": args.sip_port, "sip_host": args.sip_host, "admin_port": args.admin_port,
            "workers": args.workers}


def run(args: argparse.Namespace, cfg: Config) -> int:
    if args.wait_ready:
        progs, _ = supervisor.programs(cfg, available_commands())
        supervisor.wait_ready(cfg, [p.name for p in progs])
        return 0
    os.umask(0o077)  # what `ivr up` writes (database, configs, secrets) is private
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    account = supervisor.service_account(cfg)
    if account is not None:
        supervisor.check_service_account(account)
    cfg = supervisor.ensure_redis_password(cfg)
    progs, skipped = supervisor.programs(cfg, available_commands())
    supervisor.check_ports(supervisor.port_plan(cfg, progs))
    supervisor.check_other_instances(cfg)
    upgrade(cfg.db_url)
    print(f"ivr up: database at {cfg.db_url} is up to date", file=sys.stderr)
    kfiles = kamailio.write(cfg)
    print(f"ivr up: kamailio config {kfiles.config} passes 'kamailio -c'", file=sys.stderr)
    for name in skipped:
        print(f"ivr up: 'ivr {name}' is not available in this build: skipped", file=sys.stderr)
    progs.append(supervisor.ready_program(cfg))
    files = supervisor.write_config(cfg, progs, user=account.name if account else None)
    supervisor.secure_files(cfg, account)
    if account is not None:
        print(f"ivr up: every process runs as the service user '{account.name}' (uid {account.uid}); "
              f"{cfg.data_dir} is its own, mode 0700", file=sys.stderr)
    for p in progs:
        print(f"ivr up: {p.name}: {' '.join(p.argv)}", file=sys.stderr)
    print(f"ivr up: SIP on {cfg.sip_host}:{cfg.sip_port}/udp, admin on http://{cfg.admin_host}:{cfg.admin_port}/, "
          f"logs in {files.log_dir}; status: {' '.join(supervisor.supervisorctl_argv(files, 'status'))}",
          file=sys.stderr)
    if args.dry_run:
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    supervisor.record_instance(cfg)
    supervisor.write_instance_file(cfg)
    supervisor.secure_files(cfg, account)  # the instance file too
    argv = supervisor.supervisord_argv(files)
    os.execve(argv[0], argv, supervisor.child_environment(cfg, os.environ))
    return 0  # not reached


def available_commands() -> set[str]:
    """Which of ``supervisor.OPTIONAL_COMMANDS`` the CLI has right now (other engineers' commands may be missing)."""
    import importlib
    import importlib.util
    import logging

    from ivr.cli import COMMANDS, common_parser

    found: set[str] = set()
    for name in ("sip-worker", "worker", "admin"):
        module = COMMANDS.get(name)
        if module is None or importlib.util.find_spec(module) is None:
            continue
        parser = argparse.ArgumentParser(add_help=False)
        sub = parser.add_subparsers()
        try:
            importlib.import_module(module).register(sub, common_parser())
        except Exception:  # a broken command must not keep the rest of the instance down
            logging.getLogger("ivr.up").exception("ivr %s cannot be loaded", name)
            continue
        for cmd, cmd_parser in sub.choices.items():
            found.add(cmd)
            for action in cmd_parser._actions:
                if isinstance(action, argparse._SubParsersAction):
                    found.update(f"{cmd} {child}" for child in action.choices)
    return found & set(supervisor.OPTIONAL_COMMANDS)
