"""Fixtures shared by every test area: configuration, a fresh database, a real Redis."""
from __future__ import annotations

import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ivr import ROOT
from ivr import config as config_mod
from ivr.config import Config
from ivr.store.database import Database, upgrade

ARTIFACTS = ROOT / "test-artifacts"  # screenshots and logs a reviewer can open


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A free loopback port (TCP by default, UDP with socket.SOCK_DGRAM)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def db_backend() -> str:
    """Which database ``cfg`` and ``db`` use: SQLite here; the storage, escalation and admin tests run
    on both SQLite and PostgreSQL (``pytest_generate_tests`` in their conftest parametrizes this)."""
    return "sqlite"


#: the test areas whose tests that use ``db`` run on each of these databases
DB_BACKENDS = ("sqlite", "postgresql")


def parametrize_db(metafunc: pytest.Metafunc) -> None:
    """For a conftest's ``pytest_generate_tests``: a test that uses the database runs once per backend."""
    if "db" in metafunc.fixturenames or "pg_url" in metafunc.fixturenames:
        if "db_backend" not in metafunc.fixturenames:
            return
        metafunc.parametrize("db_backend", DB_BACKENDS)


@pytest.fixture
def cfg(tmp_path: Path, db_backend: str, request: pytest.FixtureRequest) -> Config:
    """Defaults with a private data folder and prompt cache; no ivr.toml, no IVR_* variables. With the
    PostgreSQL backend, ``database_url`` is a fresh database of the test cluster, already migrated."""
    c = config_mod.load(env={}, data_dir=tmp_path / "data", prompt_cache_dir=tmp_path / "prompt-cache")
    if db_backend == "postgresql":
        c = c.replace(database_url=request.getfixturevalue("pg_url"))
    return c


@pytest.fixture
def db(cfg: Config) -> Iterator[Database]:
    """A fresh database at ``cfg.db_url``, schema created by the real migrations."""
    if not cfg.db_url.startswith("postgresql"):
        upgrade(cfg.db_url)
    database = Database(cfg.db_url)
    yield database
    database.dispose()


# --- a real PostgreSQL: a temporary cluster the tests start themselves ---------------------------------------

PG_USER = "ivr_test"
PG_PASSWORD = "pg-" + secrets.token_hex(12)
PG_TEMPLATE = "ivr_template"


def _pg_bin(name: str) -> str:
    """A PostgreSQL server program: on PATH (/usr/local/bin here) or Debian's /usr/lib/postgresql/N/bin."""
    found = shutil.which(name)
    if found:
        return found
    for vdir in sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True):
        if (vdir / name).is_file():
            return str(vdir / name)
    pytest.fail(f"PostgreSQL's {name} is not installed: run the README's test command, which installs it")


def _pg_runas() -> list[str]:
    """initdb and postgres refuse to run as root: as root, run them as the service user (or nobody)."""
    if os.geteuid() != 0:
        return []
    for user in ("f0hotline", "postgres", "nobody"):
        try:
            pwd.getpwnam(user)
        except KeyError:
            continue
        return ["runuser", "-u", user, "--"]
    pytest.fail("running as root and no unprivileged user (f0hotline, postgres, nobody) exists to run PostgreSQL")


class PgCluster:
    """A throw-away PostgreSQL cluster: initdb into a temporary folder, ``pg_ctl start`` on a free loopback
    port with its unix socket in that folder, password (SCRAM) authentication, no system service."""

    def __init__(self) -> None:
        # not under pytest's tmp folder: that is private to the test user, and the server may run as another
        self.root = Path(tempfile.mkdtemp(prefix="ivr-test-pg-"))
        self.data = self.root / "data"
        self.port = free_port()
        self.runas = _pg_runas()
        self.counter = 0

    def url(self, dbname: str) -> str:
        return f"postgresql+psycopg://{PG_USER}:{PG_PASSWORD}@127.0.0.1:{self.port}/{dbname}"

    def _run(self, *argv: str) -> None:
        # cwd: the server's user may not be able to enter the checkout's folder (a clone under /root)
        out = subprocess.run([*self.runas, *argv], capture_output=True, text=True, timeout=120, cwd=self.root)
        if out.returncode != 0:
            pytest.fail(f"{' '.join(argv[:2])} failed: {out.stdout}{out.stderr}")

    def start(self) -> None:
        pwfile = self.root / "pwfile"
        pwfile.write_text(PG_PASSWORD + "\n")
        if self.runas:
            user = pwd.getpwnam(self.runas[2])
            os.chown(self.root, user.pw_uid, user.pw_gid)
            os.chown(pwfile, user.pw_uid, user.pw_gid)
        self._run(_pg_bin("initdb"), "-D", str(self.data), "-U", PG_USER, "--pwfile", str(pwfile),
                  "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync", "--no-instructions")
        pwfile.unlink()
        # every loopback address: the multi-box test's "boxes" connect from 127.0.0.2, 127.0.0.3, ...
        with open(self.data / "pg_hba.conf", "a") as f:
            f.write("host all all 127.0.0.0/8 scram-sha-256\n")
        opts = (f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=300 "
                "-c fsync=off -c synchronous_commit=off -c full_page_writes=off -c shared_buffers=32MB")
        self._run(_pg_bin("pg_ctl"), "-D", str(self.data), "-o", opts, "-l", str(self.root / "server.log"),
                  "-w", "-t", "60", "start")

    def stop(self) -> None:
        subprocess.run([*self.runas, _pg_bin("pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                       capture_output=True, timeout=60, cwd=self.root)
        shutil.rmtree(self.root, ignore_errors=True)

    def admin(self, sql: str) -> None:
        """One statement in autocommit (CREATE/DROP DATABASE cannot run in a transaction)."""
        import psycopg

        with psycopg.connect(host="127.0.0.1", port=self.port, user=PG_USER, password=PG_PASSWORD,
                             dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)  # type: ignore[arg-type]

    def new_database(self) -> str:
        self.counter += 1
        name = f"t{os.getpid()}_{self.counter}"
        self.admin(f"CREATE DATABASE {name} TEMPLATE {PG_TEMPLATE}")
        return name


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[PgCluster]:
    """The session's PostgreSQL cluster, with a template database migrated once by the real migrations."""
    cluster = PgCluster()
    try:
        cluster.start()
        cluster.admin(f"CREATE DATABASE {PG_TEMPLATE}")
        upgrade(cluster.url(PG_TEMPLATE))
        yield cluster
    finally:
        cluster.stop()


@pytest.fixture
def pg_url(pg_cluster: PgCluster) -> Iterator[str]:
    """A fresh, migrated PostgreSQL database (a copy of the template), dropped after the test."""
    name = pg_cluster.new_database()
    yield pg_cluster.url(name)
    pg_cluster.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


#: The test Redis's password: every test talks to Redis with authentication on, as the hotline does.
REDIS_PASSWORD = "test-" + secrets.token_hex(16)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A real redis-server on a free loopback port, with a password; yields its URL (db 0, password in it)."""
    exe = shutil.which("redis-server")
    if exe is None:
        pytest.fail("redis-server is not installed: run the README's test command, which installs it")
    port = free_port()
    workdir = tmp_path_factory.mktemp("redis")
    proc = subprocess.Popen(
        [exe, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
         "--dir", str(workdir), "--protected-mode", "yes", "--requirepass", REDIS_PASSWORD],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                break
        except OSError:
            time.sleep(0.05)
    else:
        proc.kill()
        pytest.fail("redis-server did not start within 10 s")
    yield f"redis://:{REDIS_PASSWORD}@127.0.0.1:{port}/0"
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def redis_url(redis_server: str) -> str:
    """The session Redis, flushed before each test."""
    import redis

    conn = redis.Redis.from_url(redis_server)
    conn.flushall()
    conn.close()
    return redis_server


# ------------------------------------------------------------------ threads left behind at the end of the run
#: How long the run's end waits for threads the tests left running (pyVoIP's Timer threads, a call handler)
#: before it names them and exits without joining them: a leaked thread must not hang CI after the summary.
LEFTOVER_THREAD_WAIT_S = 15.0
_EXIT_STATUS: list[int] = []


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    _EXIT_STATUS.append(int(exitstatus))


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    import sys
    import threading
    import traceback

    def leftovers() -> list[threading.Thread]:
        return [t for t in threading.enumerate()
                if t is not threading.main_thread() and t.is_alive() and not t.daemon]

    deadline = time.monotonic() + LEFTOVER_THREAD_WAIT_S
    while leftovers() and time.monotonic() < deadline:
        time.sleep(0.2)
    stuck = leftovers()
    if not stuck or not _EXIT_STATUS:
        return
    frames = sys._current_frames()
    lines = [f"tests: {len(stuck)} non-daemon thread(s) still running {LEFTOVER_THREAD_WAIT_S:.0f} s after the run; "
             "exiting without joining them (a leak to fix):"]
    for t in stuck:
        stack = "".join(traceback.format_stack(frames[t.ident])) if t.ident in frames else "  (no frame)\n"
        lines.append(f"--- thread {t.name!r}\n{stack}")
    sys.stderr.write("\n".join(lines) + "\n")
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(_EXIT_STATUS[-1])
