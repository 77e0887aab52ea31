"""Fixtures of the escalation tests: people, a webhook receiver, `ivr worker` processes, a private Redis."""
from __future__ import annotations

import dataclasses
import json
import os
import shutil
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from ivr import ROOT
from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import AreaLevel, Patient, Role, StaffUser

from ..conftest import REDIS_PASSWORD, parametrize_db

IVR = ROOT / ".venv" / "bin" / "ivr"
ARTIFACTS = ROOT / "test-artifacts" / "escalation"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_db(metafunc)  # every escalation test that uses the database: on SQLite and on PostgreSQL


def wait_until(pred: Callable[[], Any], timeout: float, what: str, interval: float = 0.05) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = pred()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout} s waiting for {what}")
        time.sleep(interval)


@dataclass
class People:
    """A small province: two communes of one district, plus district and province doctors."""

    patients: dict[str, int] = field(default_factory=dict)
    staff: dict[str, int] = field(default_factory=dict)


def add_staff(db: Database, username: str, level: AreaLevel, *, full_name: str = "", province: str = "Hà Nội",
              district: str = "", commune: str = "", on_duty: bool = True, role: Role = Role.DOCTOR) -> int:
    with db.session() as s:
        u = StaffUser(username=username, full_name=full_name or username, password_hash="x", role=role,
                      area_level=level, province=province, district=district, commune=commune, on_duty=on_duty)
        s.add(u)
        s.flush()
        return u.id


def add_patient(db: Database, phone: str, name: str, *, province: str = "Hà Nội", district: str = "Cầu Giấy",
                commune: str = "Dịch Vọng") -> int:
    with db.session() as s:
        p = Patient(phone=phone, name=name, province=province, district=district, commune=commune)
        s.add(p)
        s.flush()
        return p.id


@pytest.fixture
def people(db: Database) -> People:
    pp = People()
    pp.staff["an"] = add_staff(db, "an", AreaLevel.COMMUNE, full_name="Nguyễn Văn An", district="Cầu Giấy",
                               commune="Dịch Vọng")
    pp.staff["binh"] = add_staff(db, "binh", AreaLevel.COMMUNE, full_name="Trần Thị Bình", district="Cầu Giấy",
                                 commune="Dịch Vọng")
    pp.staff["cuong"] = add_staff(db, "cuong", AreaLevel.DISTRICT, full_name="Lê Văn Cường", district="Cầu Giấy")
    pp.staff["dung"] = add_staff(db, "dung", AreaLevel.PROVINCE, full_name="Phạm Thị Dung")
    pp.staff["viewer"] = add_staff(db, "viewer", AreaLevel.PROVINCE, role=Role.VIEWER)
    pp.patients["lan"] = add_patient(db, "+84900000001", "Nguyễn Thị Lan")
    pp.patients["minh"] = add_patient(db, "+84900000002", "Hoàng Văn Minh", commune="Nghĩa Đô")
    pp.patients["hoa"] = add_patient(db, "+84900000003", "Vũ Thị Hoa")
    return pp


class Receiver:
    """A real HTTP server on 127.0.0.1 recording webhook POSTs. ``behaviour[path]``: ok | 500 | hang."""

    def __init__(self) -> None:
        self.received: list[dict[str, Any]] = []
        self.behaviour: dict[str, str] = {}
        self.release = threading.Event()
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *a: Any) -> None:
                pass

            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                mode = receiver.behaviour.get(self.path, "ok")
                with receiver.lock:
                    receiver.received.append({"path": self.path, "headers": dict(self.headers), "body": body,
                                              "json": json.loads(body), "at": time.monotonic(), "mode": mode})
                if mode == "hang":
                    receiver.release.wait(30)
                    return
                code = 500 if mode == "500" else 200
                self.send_response(code)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/hook") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def bodies(self, path: str | None = None) -> list[dict[str, Any]]:
        with self.lock:
            return [r["json"] for r in self.received if path is None or r["path"] == path]

    def ids(self, path: str | None = None) -> set[int]:
        return {b["escalation_id"] for b in self.bodies(path)}

    def close(self) -> None:
        self.release.set()
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.close()


def worker_env(cfg: Config) -> dict[str, str]:
    """The environment that gives an `ivr worker` process exactly ``cfg``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    for f in dataclasses.fields(cfg):
        if f.name == "source":
            continue
        value = getattr(cfg, f.name)
        env[f"IVR_{f.name.upper()}"] = ",".join(value) if isinstance(value, tuple) else str(value)
    env["IVR_DATABASE_URL"] = cfg.db_url
    return env


class Workers:
    """`ivr worker` processes, each in its own process group; all killed at teardown."""

    def __init__(self, tmp: Path, name: str) -> None:
        self.procs: list[subprocess.Popen[bytes]] = []
        self.tmp = tmp
        self.name = name

    def start(self, cfg: Config, *extra: str) -> subprocess.Popen[bytes]:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        log = open(ARTIFACTS / f"{self.name}-worker{len(self.procs)}.log", "wb")
        proc = subprocess.Popen([str(IVR), "worker", *extra], env=worker_env(cfg), cwd=self.tmp, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
        log.close()
        self.procs.append(proc)
        return proc

    def kill(self, proc: subprocess.Popen[bytes], sig: int = signal.SIGKILL, group: bool = True) -> None:
        try:
            if group:
                os.killpg(proc.pid, sig)
            else:
                os.kill(proc.pid, sig)
        except ProcessLookupError:
            pass
        proc.wait(timeout=20)

    def stop_all(self) -> None:
        for p in self.procs:
            try:
                os.killpg(p.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            try:
                p.wait(timeout=20)
            except subprocess.TimeoutExpired:
                pass


@pytest.fixture
def workers(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[Workers]:
    w = Workers(tmp_path, request.node.name)
    yield w
    w.stop_all()


class RedisProcess:
    """A private redis-server (for tests that stop and restart it) on a fixed port."""

    def __init__(self, workdir: Path) -> None:
        self.port = _free_port()
        self.workdir = workdir
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://:{REDIS_PASSWORD}@127.0.0.1:{self.port}/0"

    def start(self) -> None:
        exe = shutil.which("redis-server")
        assert exe, "redis-server is not installed"
        self.proc = subprocess.Popen([exe, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "",
                                      "--appendonly", "no", "--dir", str(self.workdir), "--requirepass",
                                      REDIS_PASSWORD],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

        def up() -> bool:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return True
            except OSError:
                return False

        wait_until(up, 10, "redis-server to start")

    def stop(self) -> None:
        if self.proc is not None:
            self.proc.kill()
            self.proc.wait(timeout=10)
            self.proc = None


@pytest.fixture
def private_redis(tmp_path: Path) -> Iterator[RedisProcess]:
    r = RedisProcess(tmp_path)
    r.start()
    yield r
    r.stop()
