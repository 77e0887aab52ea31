"""``ivr worker``: rq workers on the escalation queues, rq's scheduler, and the sweeper.

The check-in calls' jobs (``escalation.checkins.jobs``: planning windows, dispatching attempts, SMS
notices, daily summaries) run on the ``ivr-checkin`` queue and are timed by the same rq scheduler
(``Queue.enqueue_at``); the sweeper thread re-derives them from the database at start-up and every
``CHECKIN_RECONCILE_S`` (``escalation.checkins.schedule.reconcile``), so nothing is lost when Redis
restarts empty or a worker dies.

The main process runs the sweeper (a thread) and one rq worker; it starts
``cfg.escalation_processes - 1`` more worker processes (``ivr worker --no-sweeper
--processes 1``), restarts any that die, and stops them when it stops. Every worker
survives Redis going away (it reconnects); the sweeper keeps moving cases up tiers from
the database meanwhile and re-enqueues lost jobs once Redis is back.
"""
from __future__ import annotations

import argparse
import faulthandler
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid

from redis import Redis
from redis.exceptions import RedisError
from rq.scheduler import RQScheduler

from escalation import jobs, keys, sweeper
from escalation.checkins import schedule as checkin_schedule
from ivr.config import Config, redacted
from ivr.store.database import Database, check_schema
from ivr.store.models import utcnow

log = logging.getLogger("ivr.worker")
#: How often the sweeper re-derives the check-in jobs from the database (also once at start-up).
CHECKIN_RECONCILE_S = 60


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("worker", help="run the escalation worker (rq jobs, retries, sweeper)", parents=[common])
    p.add_argument("--burst", action="store_true", help="sweep once, run the queued jobs, then exit")
    p.add_argument("--no-sweeper", action="store_true", help="only run jobs (another worker sweeps)")
    p.add_argument("--processes", type=int, metavar="N", default=None,
                   help="rq worker processes (default: escalation_processes from the configuration)")
    p.add_argument("--parent-pid", type=int, default=None, help=argparse.SUPPRESS)  # set for child processes
    p.set_defaults(run=run_worker)


def _watch_parent(parent: int) -> None:
    """A child worker stops (warm shutdown) when the ``ivr worker`` that started it is gone, even by SIGKILL."""
    while os.getppid() == parent:
        time.sleep(1)
    log.warning("parent worker %d is gone; stopping", parent)
    os.kill(os.getpid(), signal.SIGTERM)


def _sweep_loop(db: Database, cfg: Config, stop: threading.Event) -> None:
    """The sweeper, and rq's scheduler (it moves retries whose backoff is over back onto their queue).

    rq's scheduler runs here, in this thread, rather than as the process rq would fork: a
    forked scheduler outlives a SIGKILLed worker and keeps its lock.
    """
    redis = jobs.connect(cfg.redis)
    scheduler = RQScheduler(list(keys.QUEUES), connection=redis, name=f"ivr-scheduler-{os.getpid()}",
                            serializer=jobs.SERIALIZER)
    last_sweep = 0.0
    last_reconcile = -float(CHECKIN_RECONCILE_S)
    try:
        while not stop.is_set():
            if cfg.checkin_enabled and time.monotonic() - last_reconcile >= CHECKIN_RECONCILE_S:
                last_reconcile = time.monotonic()
                try:
                    done = checkin_schedule.reconcile(db, cfg, redis, now=utcnow())
                    if done.planned or done.pushed or done.stale or done.closes:
                        log.info("check-ins: planned %d, re-pushed %d, stale %d, closing %s", done.planned,
                                 done.pushed, done.stale, done.closes)
                except RedisError as exc:
                    log.debug("check-ins: Redis unavailable (%s)", exc)
                except Exception:  # never let the sweeper thread die
                    log.exception("check-in reconcile failed; retrying")
            try:
                scheduler.acquire_locks()  # acquire or refresh; another worker's scheduler may hold them
                if scheduler.acquired_locks:
                    scheduler.enqueue_scheduled_jobs()
            except RedisError as exc:
                log.debug("scheduler: Redis unavailable (%s)", exc)
            if time.monotonic() - last_sweep < cfg.sweep_interval_s:
                stop.wait(1)
                continue
            last_sweep = time.monotonic()
            try:
                report = sweeper.sweep(db, cfg, redis)
                if report.moved or report.reminded or report.held or report.enqueued:
                    log.info("sweep: moved %s, reminded %s, held %s, enqueued %d", report.moved, report.reminded,
                             report.held, report.enqueued)
            except Exception:  # never let the sweeper thread die
                log.exception("sweep failed; retrying")
            stop.wait(1)
    finally:
        try:
            scheduler.release_locks()
        except RedisError:
            pass


class _Children:
    """Extra worker processes, kept running by a supervisor thread."""

    def __init__(self, count: int, argv: list[str]) -> None:
        self.argv = argv
        self.procs: list[subprocess.Popen[bytes] | None] = [None] * count
        self.stop = threading.Event()

    def _spawn(self, i: int) -> None:
        self.procs[i] = subprocess.Popen(self.argv)  # same process group: killed with this one

    def run(self) -> None:
        while not self.stop.is_set():
            for i, p in enumerate(self.procs):
                if p is None or p.poll() is not None:
                    if p is not None:
                        log.warning("worker process %d exited with %s; restarting", p.pid, p.returncode)
                    self._spawn(i)
            self.stop.wait(1)

    def terminate(self) -> None:
        self.stop.set()
        for p in self.procs:
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in self.procs:
            if p is not None:
                try:
                    p.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    p.kill()


def run_worker(args: argparse.Namespace, cfg: Config) -> int:
    faulthandler.register(signal.SIGUSR2, all_threads=True)  # `kill -USR2 PID` dumps every thread's stack
    db = Database(cfg.db_url)
    check_schema(db.engine)
    jobs.bind(cfg)
    # no socket timeout: the worker blocks on BLPOP; connection loss still raises at once
    redis = Redis.from_url(cfg.redis, socket_connect_timeout=2, health_check_interval=30)
    stop = threading.Event()
    if args.parent_pid is not None:
        threading.Thread(target=_watch_parent, args=(args.parent_pid,), name="parent-watch", daemon=True).start()
    processes = args.processes if args.processes is not None else cfg.escalation_processes
    children: _Children | None = None
    if processes > 1 and not args.burst:
        argv = [sys.executable, "-m", "ivr.cli", "worker", "--no-sweeper", "--processes", "1",
                "--parent-pid", str(os.getpid())]
        if getattr(args, "config", None):
            argv += ["--config", args.config]
        if getattr(args, "data_dir", None):
            argv += ["--data-dir", str(args.data_dir)]
        children = _Children(processes - 1, argv)
        threading.Thread(target=children.run, name="children", daemon=True).start()
    if args.burst:
        if not args.no_sweeper:
            sweeper.sweep(db, cfg, jobs.connect(cfg.redis))
    elif not args.no_sweeper:
        threading.Thread(target=_sweep_loop, args=(db, cfg, stop), name="sweeper", daemon=True).start()
    name = f"ivr-{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"
    log.info("worker %s on %s, queues %s", name, redacted(cfg.redis), ", ".join(keys.QUEUES))
    try:
        while True:
            worker = None
            try:
                worker = jobs.HotlineWorker(keys.QUEUES, connection=redis, name=f"{name}-{int(time.time())}")
                worker.max_connection_wait_time = 2  # reconnect quickly once Redis is back
                worker.work(burst=args.burst, with_scheduler=args.burst, logging_level=cfg.log_level)
            except RedisError as exc:
                log.warning("Redis unavailable (%s); reconnecting in 1 s", exc)
                time.sleep(1)
                continue
            except Exception:  # the worker must outlive anything a job or Redis throws at it
                log.exception("worker loop failed; restarting in 1 s")
                time.sleep(1)
                continue
            stopped = (getattr(worker, "_shutdown_requested_date", None) is not None
                       or getattr(worker, "_stop_requested", False))  # SIGTERM/SIGINT: rq's warm shutdown
            if args.burst or stopped:
                return 0
            log.warning("worker loop ended (Redis timeout?); restarting")
            time.sleep(1)
    finally:
        stop.set()
        if children is not None:
            children.terminate()
        db.dispose()
