"""Database statements and Redis commands per call, counted on the real call loop.

Runs calls through ``ivr.telephony.callrunner.CallRunner`` with the real engine, flow, prompts,
recognizer, escalation desk (``escalation.desk.QueueDesk``), database and Redis, driven by a
scripted caller on a virtual clock (no SIP, no real-time waits: tests/ivr/telephony/fakes.py).
SQLAlchemy events count every statement the worker sends (by kind, and rows written) and every
commit; Redis's own ``INFO commandstats`` counts its commands. The notification job that the
job worker runs for an escalation is not part of the worker's cost and is not counted.

    .venv/bin/python bench/db_writes.py [--calls 5] [--database-url postgresql+psycopg://...]

Without --database-url: a temporary SQLite file. A temporary redis-server is started.
"""
from __future__ import annotations

import argparse
import secrets
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import redis as redis_lib
from sqlalchemy import event

from escalation.desk import QueueDesk
from escalation.triage import default_triage
from ivr import audio
from ivr import config as config_mod
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.session import Session
from ivr.nlu.understander import default_understander
from ivr.speech.recognizer import open_recognizer
from ivr.store.database import Database, upgrade
from ivr.telephony.callrunner import CallRunner, DecodePool, TurnStats
from ivr.telephony.callstore import CallStore
from ivr.tts.render import PromptRenderer
from tests.ivr.telephony.fakes import SILENCE, Clock, InlineExecutor, VirtualLine  # test-only helpers


class ScriptedLine(VirtualLine):
    """A caller who says ``audio_at`` = (start second, 8-bit audio) and presses keys at given times."""

    def __init__(self, clock: Clock, n: int, *, audio_at: tuple[float, bytes] | None = None,
                 keys: tuple[tuple[float, str], ...] = (), hangup_at: float | None = None):
        super().__init__(clock, keys=keys, hangup_at=hangup_at)
        self.sip_call_id = f"bench-{n}@db-writes"
        self.audio_at = audio_at

    def caller_frame(self, rel: float) -> bytes:
        if self.audio_at is not None:
            start, u8 = self.audio_at
            i = round((rel - start) / 0.02)
            if 0 <= i < len(u8) // 160:
                return audio.u8_to_pcm16(u8[i * 160:(i + 1) * 160])
        return SILENCE


class Counts:
    """Statements by kind, rows written, commits: from SQLAlchemy's engine events."""

    def __init__(self, db: Database) -> None:
        self.kinds: Counter[str] = Counter()
        self.rows_written = 0
        self.commits = 0
        self.lock = threading.Lock()
        event.listen(db.engine, "before_cursor_execute", self._statement)
        event.listen(db.engine, "commit", self._commit)

    def _statement(self, _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any,
                   executemany: bool) -> None:
        kind = statement.lstrip().split(None, 1)[0].upper()
        with self.lock:
            self.kinds[kind] += 1
            if kind in ("INSERT", "UPDATE", "DELETE"):
                self.rows_written += len(parameters) if executemany else 1

    def _commit(self, _conn: Any) -> None:
        with self.lock:
            self.commits += 1

    def snapshot(self) -> tuple[Counter[str], int, int]:
        with self.lock:
            return Counter(self.kinds), self.rows_written, self.commits


def redis_calls(conn: redis_lib.Redis) -> int:
    stats = conn.info("commandstats")
    return sum(int(v["calls"]) for k, v in stats.items() if k != "cmdstat_info")


def start_redis(folder: Path) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = int(s.getsockname()[1])
    password = secrets.token_hex(16)
    proc = subprocess.Popen([shutil.which("redis-server") or "redis-server", "--port", str(port), "--bind",
                             "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(folder),
                             "--requirepass", password], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.05)
    return proc, f"redis://:{password}@127.0.0.1:{port}/0"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--calls", type=int, default=5, help="calls of each kind (default 5)")
    ap.add_argument("--database-url", default="", help="default: a temporary SQLite file")
    args = ap.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="ivr-bench-db-"))
    rproc, redis_url = start_redis(tmp)
    try:
        url = args.database_url or f"sqlite:///{tmp / 'ivr.sqlite3'}"
        upgrade(url)
        cfg = config_mod.load(env={}, data_dir=tmp / "data", prompt_cache_dir=tmp / "prompt-cache",
                              read_instance=False).replace(redis_url=redis_url, database_url=url)
        catalog = load_catalog(cfg.prompts_catalog)
        flow = load_flow(cfg.flows_dir / f"{cfg.flow}.yaml", catalog)
        prompts = PromptRenderer(cfg, catalog=catalog)
        decoder = DecodePool(open_recognizer(cfg, cfg.asr_engine).transcriber(), threads=1,
                             executor=InlineExecutor())
        understander, triage = default_understander(), default_triage()
        db = Database(url)
        counts = Counts(db)
        rconn = redis_lib.Redis.from_url(redis_url)
        speech = audio.pcm16_to_u8(prompts.pcm("test_caller", "Tôi bị sốt và ho, khó thở."))
        kinds = {
            "emergency key (1), on hold, callback": lambda c, n: ScriptedLine(c, n, keys=((1.0, "1"),),
                                                                               hangup_at=12.0),
            "symptom report by speech": lambda c, n: ScriptedLine(c, n, audio_at=(1.0, speech), hangup_at=30.0),
            "hang-up during the greeting": lambda c, n: ScriptedLine(c, n, hangup_at=2.0),
        }
        print(f"database: {config_mod.shown_url(url)}; {args.calls} calls of each kind")
        print("| call | statements per call (by kind) | rows written per call | commits per call "
              "| Redis commands per call |")
        print("|---|---|---|---|---|")
        n = 0
        for label, make in kinds.items():
            kinds0, rows0, commits0 = counts.snapshot()
            r0 = redis_calls(rconn)
            for _ in range(args.calls):
                n += 1
                clock = Clock()
                session = Session(flow, catalog=catalog, understander=understander, triage=triage)
                store = CallStore(db, desk=QueueDesk(db, cfg, outside_numbers=True))
                runner = CallRunner(engine=session, prompts=prompts, decoder=decoder, store=store,
                                    recordings_dir=cfg.recordings_path, worker="bench", flow_name=cfg.flow,
                                    clock=clock, sleep=clock.sleep, stats=TurnStats(), max_call_s=600)
                runner.run(make(clock, n))
            kinds1, rows1, commits1 = counts.snapshot()
            r1 = redis_calls(rconn)  # INFO itself is left out (cmdstat_info)
            per = {k: (kinds1[k] - kinds0[k]) / args.calls for k in kinds1 if kinds1[k] != kinds0[k]}
            shown = ", ".join(f"{k} {v:.1f}" for k, v in sorted(per.items()))
            print(f"| {label} | {sum(per.values()):.1f} ({shown}) | {(rows1 - rows0) / args.calls:.1f} "
                  f"| {(commits1 - commits0) / args.calls:.1f} | {(r1 - r0) / args.calls:.1f} |")
        decoder.shutdown()
        db.dispose()
        rconn.close()
    finally:
        rproc.terminate()
        rproc.wait(timeout=10)
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
