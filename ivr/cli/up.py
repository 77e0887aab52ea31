"""``ivr up``: start and supervise everything one hotline instance needs on this machine.

Order: check that no port is taken; ``ivr db upgrade``; the pre-flight (every
configured path, the speech model, the call flow: one line naming the key when
something is missing); render and check the Kamailio config; then hand over to
supervisord (exec, same pid), which starts
Redis, Kamailio, the IVR workers, the job worker and the admin, restarts what
crashes and stops everything on SIGTERM or Ctrl-C. supervisord also runs
``ivr up --wait-ready`` once: it prints one line to stdout, the SIP URI to call
and the admin URL, when Kamailio, every worker (registered) and the admin answer.
"""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from ivr import config as config_mod
from ivr.config import Config
from ivr.errors import ConfigError, StorageError, SupervisorError
from ivr.ops import kamailio, supervisor
from ivr.ops.priority import allow_nice
from ivr.store.database import upgrade


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("up", parents=[common],
                       help="start and supervise Redis, Kamailio, the IVR workers, the job worker and the admin")
    p.add_argument("--sip-port", type=int, metavar="N", help="Kamailio's SIP port (UDP; $IVR_SIP_PORT)")
    p.add_argument("--sip-host", metavar="IP", help="address Kamailio listens on ($IVR_SIP_HOST, default 0.0.0.0)")
    p.add_argument("--admin-port", type=int, metavar="N", help="the admin web port ($IVR_ADMIN_PORT)")
    p.add_argument("--workers", type=int, metavar="N", help="number of IVR worker processes ($IVR_WORKERS)")
    p.add_argument("--role", choices=("all", "front", "worker"),
                   help="what this box runs: all (default), front (Kamailio, admin, job worker, local Redis) or "
                        "worker (SIP workers registered to sip_front) ($IVR_ROLE; docs/scaling.md)")
    p.add_argument("--dry-run", action="store_true",
                   help="write the configs, check ports, print the process list and exit")
    # run by supervisord inside the instance: wait until it takes calls, print the ready line, exit
    p.add_argument("--wait-ready", action="store_true", help=argparse.SUPPRESS)
    # `ivr up` takes its settings from flags, IVR_* and ivr.toml, not from a previous run's instance file
    p.set_defaults(run=run, config_overrides=overrides, read_instance=False)


def overrides(args: argparse.Namespace) -> dict[str, Any]:
    return {"sip_port": args.sip_port, "sip_host": args.sip_host, "admin_port": args.admin_port,
            "workers": args.workers, "role": args.role}


def run(args: argparse.Namespace, cfg: Config) -> int:
    if args.wait_ready:
        progs, _ = supervisor.programs(cfg, available_commands())
        supervisor.wait_ready(cfg, [p.name for p in progs])
        return 0
    os.umask(0o077)  # what `ivr up` writes (database, configs, secrets) is private
    cfg.data_dir.mkdir(parents=True, exist_ok=True)
    account = _service_account(cfg)
    check_role(cfg)
    cfg = supervisor.ensure_redis_password(cfg)
    engine = preflight(cfg)
    progs, skipped = supervisor.programs(cfg, available_commands())
    supervisor.check_ports(supervisor.port_plan(cfg, progs))
    supervisor.check_other_instances(cfg)
    if cfg.role == "worker":  # the front upgrades the shared database; a worker box only checks it
        check_database(cfg)
    else:
        upgrade_database(cfg)
    print(f"ivr up: database at {config_mod.shown_url(cfg.db_url)[1:-1]} is up to date", file=sys.stderr)
    check_flow(cfg)
    print(f"ivr up: flow {cfg.flow!r} and prompts load; speech recognition: {engine}", file=sys.stderr)
    if cfg.role != "worker":
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
    if cfg.role == "worker":
        nums = supervisor.worker_numbers(cfg)
        where = (f"role worker: worker{nums.start}-worker{nums.stop - 1} register to the SIP front {cfg.sip_front}, "
                 f"SIP and RTP on {cfg.sip_advertise} (RTP {cfg.rtp_port_low}-{cfg.rtp_port_high}/udp)")
    else:
        where = (f"role {cfg.role}: SIP on {cfg.sip_host}:{cfg.sip_port}/udp, "
                 f"admin on http://{cfg.admin_host}:{cfg.admin_port}/")
    print(f"ivr up: {where}, logs in {files.log_dir}; status: "
          f"{' '.join(supervisor.supervisorctl_argv(files, 'status'))}", file=sys.stderr)
    if args.dry_run:
        return 0
    sys.stdout.flush()
    sys.stderr.flush()
    supervisor.record_instance(cfg)
    supervisor.write_instance_file(cfg)
    supervisor.secure_files(cfg, account)  # the instance file too
    if cfg.worker_nice < 0 and allow_nice(cfg.worker_nice):  # root: the workers may raise their priority
        print(f"ivr up: SIP workers may lower their nice value to {cfg.worker_nice} (RLIMIT_NICE)", file=sys.stderr)
    argv = supervisor.supervisord_argv(files)
    os.execve(argv[0], argv, supervisor.child_environment(cfg, os.environ))
    return 0  # not reached


def check_role(cfg: Config) -> None:
    """Boxes of one hotline share its database and Redis: a front or worker box needs them on the network."""
    if cfg.role == "all":
        return
    if not cfg.db_url.startswith("postgresql"):
        raise ConfigError(f"config: key 'database_url': role {cfg.role!r} shares the database with the other "
                          "boxes: set a PostgreSQL URL (postgresql+psycopg://USER:PASSWORD@HOST/DB)")
    if cfg.role == "worker" and not cfg.redis_url:
        raise ConfigError("config: key 'redis_url': role 'worker' uses the front's Redis: set its URL "
                          "(redis://:PASSWORD@HOST:PORT/0)")


def check_database(cfg: Config) -> None:
    """A worker box: the shared database must answer and be at the newest migration (the front upgrades it)."""
    from sqlalchemy.exc import SQLAlchemyError

    from ivr.store.database import is_current

    try:
        current = is_current(cfg.db_url)
    except (SQLAlchemyError, ImportError, OSError) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StorageError(f"config: key 'database_url': cannot open {config_mod.shown_url(cfg.db_url)}: "
                           f"{detail}") from None
    if not current:
        raise StorageError(f"database {config_mod.shown_url(cfg.db_url)} is not at the newest migration: start the "
                           "front first (`ivr up --role front` upgrades it) or run 'ivr db upgrade'")


def upgrade_database(cfg: Config) -> None:
    """``ivr db upgrade``; a database that cannot be opened (no driver, unreachable) is one line, not a traceback."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        upgrade(cfg.db_url)
    except (SQLAlchemyError, ImportError, OSError) as exc:
        detail = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
        raise StorageError(f"config: key 'database_url': cannot open {config_mod.shown_url(cfg.db_url)}: "
                           f"{detail}") from None


def preflight(cfg: Config) -> str:
    """What the workers need that the configuration names, checked before anything starts; returns
    the speech engine they will load.

    Every configured path, the speech model (``ivr.speech.recognizer.check_model``) and the Piper
    voice when ``tts_engine = "piper"``. Raises an ``IvrError`` of one line naming the key and the fix.
    (The call flow is checked by ``check_flow`` once the database is up to date.)
    """
    from ivr.speech.recognizer import check_model

    config_mod.check_paths(cfg, flow_published=True)  # the flow may live in the database: check_flow
    engine = check_model(cfg)
    if cfg.tts_engine == "piper":
        from ivr.tts.synthesizer import default_piper_voice

        voice = Path(cfg.piper_voice) if cfg.piper_voice else default_piper_voice(cfg)
        if not voice.is_file():
            raise ConfigError(f"config: key 'piper_voice': no Piper voice at {voice}: run `ivr models fetch "
                              "piper-vi` (or set piper_voice to a Piper .onnx file, or tts_engine = \"espeak\")")
    return engine


def check_flow(cfg: Config) -> None:
    """The call flow: a file in flows_dir or a version published in the admin, loaded and validated
    with the prompt catalog as a worker loads it."""
    from ivr.store.database import Database
    from ivr.telephony.flowsource import FlowSource

    db = Database.for_config(cfg)
    try:
        config_mod.check_paths(cfg, flow_published=_published(db, cfg.flow))
        FlowSource(cfg, db).current()
    finally:
        db.dispose()


def _published(db: Any, flow: str) -> bool:
    """Whether the admin's flow editor published a version of ``flow`` (then it needs no file)."""
    from sqlalchemy import select

    from ivr.store.models import FlowVersion

    with db.session() as s:
        return s.scalars(select(FlowVersion.id).where(FlowVersion.name == flow,
                                                      FlowVersion.status == "published")).first() is not None


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


def _service_account(cfg: Config) -> supervisor.ServiceAccount | None:
    """Who runs the processes when started as root. A ``service_user`` the operator set is used or the start
    refused; unset, the default user is used where it can run the hotline, else every process stays root
    with one warning (a newcomer's checkout under /root or in a private temporary folder)."""
    try:
        account = supervisor.service_account(cfg)
        if account is not None:
            supervisor.check_service_account(account)
        return account
    except SupervisorError as exc:
        if cfg.service_user:
            raise
        print(f"ivr up: warning: every process runs as root: {exc}", file=sys.stderr)
        return None
