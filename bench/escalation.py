"""Escalation latency: from ``queue.create`` (what the engine's Escalate action triggers) to the case
visible in ``list_open`` and to the first webhook received by a local HTTP server.

Starts its own redis-server, SQLite database, webhook receiver and ``ivr worker`` processes.
For each N it fires N simultaneous escalations: ``--producers`` processes (like the IVR's SIP
worker processes) with one thread per call, all released at the same instant. A board thread
polls ``list_open`` continuously (as the admin board does, only faster) and records when each
case first appears; the receiver records the first webhook per case. All times are
CLOCK_MONOTONIC, comparable across processes. Prints p50/p95/max; target: webhook p95 <= 1 s
at N=100.

    .venv/bin/python bench/escalation.py [--n 1,10,100] [--workers 2] [--producers 2] [--repeat 1]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import redis as redis_lib

from escalation import queue
from ivr import config as config_mod
from ivr.store.database import Database, upgrade
from ivr.store.models import Patient

WARM_UP = 12


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def receive(port: int, log_path: str) -> None:
    """The webhook receiver, in its own process: appends ``escalation_id monotonic_time`` per POST."""
    log = open(log_path, "a", buffering=1)  # noqa: SIM115

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *a: object) -> None:
            pass

        def handle_error(self, *a: object) -> None:
            pass

        def do_POST(self) -> None:
            at = time.monotonic()
            body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            log.write(f"{json.loads(body)['escalation_id']} {at}\n")
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    server.serve_forever()


class Receiver:
    def __init__(self, tmp: Path, ctx: mp.context.BaseContext) -> None:
        port = free_port()
        self.path = tmp / "received.txt"
        self.path.touch()
        self.proc = ctx.Process(target=receive, args=(port, str(self.path)), daemon=True)
        self.proc.start()
        self.url = f"http://127.0.0.1:{port}/hook"
        deadline = time.monotonic() + 30
        while True:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if time.monotonic() > deadline:
                    raise SystemExit("webhook receiver did not start") from None
                time.sleep(0.05)

    @property
    def first(self) -> dict[int, float]:
        out: dict[int, float] = {}
        for line in self.path.read_text().splitlines():
            if line.count(" ") == 1:
                eid, at = line.split()
                out.setdefault(int(eid), float(at))
        return out

    def close(self) -> None:
        self.proc.kill()
        self.proc.join()


def produce(db_url: str, redis_url: str, webhook_url: str, jobs: list[tuple[int, str]], start_at,
            ready, go, out) -> None:
    """One producer process: a thread per call, all calling ``queue.create`` at ``start_at``."""
    cfg = config_mod.load(env={}, database_url=db_url, redis_url=redis_url, webhook_urls=webhook_url,
                          webhook_secret="bench")
    db = Database(db_url)
    conn = redis_lib.Redis.from_url(redis_url, socket_timeout=2, socket_connect_timeout=2)
    conn.ping()
    warm = queue.create(db, risk="low", reason="warm-up", caller=f"warm-up-{os.getpid()}", cfg=cfg)
    queue.cancel(db, warm, reason="warm-up")  # compiled statements and mappers are ready now
    started: dict[int, float] = {}
    lock = threading.Lock()
    ready.wait()  # every producer is set up
    go.wait()  # and the parent has set start_at

    def one(pid: int, risk: str) -> None:
        delay = start_at.value - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t0 = time.monotonic()
        eid = queue.create(db, risk=risk, reason="bench", reasons=["low_spo2"], patient_id=pid, redis=conn, cfg=cfg)
        with lock:
            started[eid] = (t0, time.monotonic() - t0)

    threads = [threading.Thread(target=one, args=job) for job in jobs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(started)
    db.dispose()


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, max(0, round(p / 100 * len(values) + 0.5) - 1))]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", default="1,10,100", help="simultaneous escalations per round (comma-separated)")
    ap.add_argument("--workers", type=int, default=2, help="rq worker processes (`ivr worker --processes`)")
    ap.add_argument("--producers", type=int, default=2, help="processes creating escalations")
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder (worker logs)")
    ap.add_argument("--log-level", default="WARNING", help="the workers' log level")
    ap.add_argument("--repeat", type=int, default=1, help="rounds per N")
    args = ap.parse_args()
    sizes = [int(x) for x in args.n.split(",")]
    tmp = Path(tempfile.mkdtemp(prefix="bench-escalation-"))
    port = free_port()
    redis_proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                                   "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(tmp)],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    ctx = mp.get_context("spawn")  # fork would copy the board thread's locks
    receiver = Receiver(tmp, ctx)
    cfg = config_mod.load(env={}, data_dir=tmp / "data", redis_url=f"redis://127.0.0.1:{port}/0",
                          webhook_urls=receiver.url, webhook_secret="bench", sweep_interval_s=1)
    upgrade(cfg.db_url)
    db = Database(cfg.db_url)
    total = sum(sizes) * args.repeat + WARM_UP
    with db.session() as s:
        patients = [Patient(phone=f"+849{i:08d}", name=f"Bệnh nhân {i}", province="Hà Nội", district="Cầu Giấy",
                            commune="Dịch Vọng") for i in range(total)]
        s.add_all(patients)
        s.flush()
        pids = [p.id for p in patients]
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({"IVR_DATA_DIR": str(cfg.data_dir), "IVR_REDIS_URL": cfg.redis, "IVR_WEBHOOK_URLS": receiver.url,
                "IVR_WEBHOOK_SECRET": "bench", "IVR_SWEEP_INTERVAL_S": "1", "IVR_LOG_LEVEL": args.log_level})
    workers = [subprocess.Popen([str(ROOT / ".venv" / "bin" / "ivr"), "worker", "--processes", str(args.workers)],
                                env=env, cwd=tmp, stdout=open(tmp / "worker.log", "wb"),  # noqa: SIM115
                                stderr=subprocess.STDOUT, start_new_session=True)]
    conn = redis_lib.Redis.from_url(cfg.redis, socket_timeout=2, socket_connect_timeout=2)
    try:
        deadline = time.monotonic() + 60
        while len({w for w in conn.smembers("rq:workers")}) < args.workers:
            if time.monotonic() > deadline:
                raise SystemExit("workers did not start; see " + str(tmp))
            time.sleep(0.1)
        # warm-up: a few cases end to end, so every worker process has compiled its statements
        next_pid = iter(pids)
        warm = [queue.create(db, risk="high", reason="warm-up", patient_id=next(next_pid), redis=conn, cfg=cfg)
                for _ in range(WARM_UP)]
        while not all(e in receiver.first for e in warm):
            time.sleep(0.05)
        for e in warm:
            queue.cancel(db, e, reason="warm-up")
        print(f"escalation latency: {args.workers} worker process(es), {args.producers} producer process(es), "
              f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at start")
        print(f"{'N':>5} {'create p50':>11} {'p95':>7} {'visible p50':>12} {'p95':>7} {'webhook p50':>12} {'p95':>7}"
              f" {'max':>7}")
        seen: dict[int, float] = {}
        stop = threading.Event()

        def board() -> None:  # the admin board, polling as fast as it can
            while not stop.is_set():
                ids = [c.id for c in queue.list_open(db)]
                at = time.monotonic()
                for i in ids:
                    seen.setdefault(i, at)
                time.sleep(0.05)

        poller = threading.Thread(target=board, daemon=True)
        poller.start()
        for n in sizes:
            for _ in range(args.repeat):
                calls = [(next(next_pid), ("emergency", "high")[i % 2]) for i in range(n)]
                out: mp.Queue = ctx.Queue()
                k = max(1, min(args.producers, n))
                start_at = ctx.Value("d", 0.0)
                ready, go = ctx.Barrier(k + 1), ctx.Barrier(k + 1)
                procs = [ctx.Process(target=produce, args=(cfg.db_url, cfg.redis, receiver.url, calls[j::k], start_at,
                                                           ready, go, out)) for j in range(k)]
                for p in procs:
                    p.start()
                ready.wait(timeout=120)
                start_at.value = time.monotonic() + 0.3  # time for the threads to be created
                go.wait(timeout=10)
                results: dict[int, tuple[float, float]] = {}
                for _ in procs:
                    results.update(out.get(timeout=120))
                started = {e: t for e, (t, _) in results.items()}
                took = [d for _, d in results.values()]
                for p in procs:
                    p.join()
                deadline = time.monotonic() + 60
                while not all(e in (first := receiver.first) and e in seen for e in started):
                    if time.monotonic() > deadline:
                        raise SystemExit(f"cases missing after 60 s: {sorted(set(started) - set(first))}")
                    time.sleep(0.1)
                hook = [first[e] - started[e] for e in started]
                vis = [seen[e] - started[e] for e in started]
                print(f"{n:>5} {statistics.median(took):>10.3f}s {pct(took, 95):>6.3f}s "
                      f"{statistics.median(vis):>11.3f}s {pct(vis, 95):>6.3f}s "
                      f"{statistics.median(hook):>11.3f}s {pct(hook, 95):>6.3f}s {max(hook):>6.3f}s", flush=True)
                # close this round's cases so the board's list stays the size of one round
                for e in started:
                    queue.cancel(db, e, reason="bench")
        stop.set()
        poller.join()
    finally:
        for w in workers:
            try:
                os.killpg(w.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            w.wait()
        redis_proc.terminate()
        redis_proc.wait()
        receiver.close()
        db.dispose()
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
