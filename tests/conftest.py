"""Fixtures shared by every test area: configuration, a fresh database, a real Redis."""
from __future__ import annotations

import secrets
import shutil
import socket
import subprocess
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
def cfg(tmp_path: Path) -> Config:
    """Defaults with a private data folder and prompt cache; no ivr.toml, no IVR_* variables."""
    return config_mod.load(env={}, data_dir=tmp_path / "data", prompt_cache_dir=tmp_path / "prompt-cache")


@pytest.fixture
def db(cfg: Config) -> Iterator[Database]:
    """A fresh SQLite database, schema created by the real migrations."""
    upgrade(cfg.db_url)
    database = Database(cfg.db_url)
    yield database
    database.dispose()


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
