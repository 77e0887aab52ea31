"""Fixtures for the SIP tests: a loopback port block, Kamailio from the project's template,
IVR worker processes, and a sipp runner. Every process started here is killed at teardown."""
from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ivr import ROOT
from ivr.config import Config

SCENARIOS = Path(__file__).resolve().parent / "scenarios"
SIPP_SHARE = Path("/usr/share/sip-tester")
IVR = str(Path(sys.executable).with_name("ivr"))


def _udp_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


# Blocks handed out lately, by this process: a port a test was given but has not bound yet (a worker it
# has not started, an RTP range not in use yet) looks free, and must not be handed out again.
_HANDED: deque[tuple[int, int]] = deque(maxlen=32)  # more than any one test uses


def _claim(base: int, size: int) -> int:
    _HANDED.append((base, size))
    return base


def _handed(base: int, size: int) -> bool:
    return any(base < b + n and b < base + size for b, n in _HANDED)


def port_block(size: int = 8) -> int:
    """A base port with ``size`` free UDP ports after it (random, to let tests run side by side),
    none of them in a block handed out before in this test session."""
    for _ in range(200):
        base = random.randrange(30000, 60000 - size)
        if not _handed(base, size) and all(_udp_free(base + i) for i in range(size)):
            return _claim(base, size)
    raise RuntimeError("no free UDP port block on 127.0.0.1")


@pytest.fixture(scope="session")
def shared_prompt_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Prompts synthesized once per test session (espeak is slow on 2 shared cores)."""
    return tmp_path_factory.mktemp("sip-prompt-cache")


@pytest.fixture
def sip_cfg(cfg: Config, shared_prompt_cache: Path) -> Config:
    base = port_block(12)
    rtp = _claim(random.randrange(40000, 59000, 200), 200)
    return cfg.replace(sip_host="127.0.0.1", sip_port=base, worker_sip_port_base=base + 2, workers=2,
                       worker_max_calls=10, redis_port=base + 8, rtp_port_low=rtp, rtp_port_high=rtp + 199,
                       prompt_cache_dir=shared_prompt_cache)


def write_toml(cfg: Config, path: Path) -> Path:
    keys = ("sip_host", "sip_port", "worker_sip_port_base", "workers", "worker_max_calls", "redis_port",
            "rtp_port_low", "rtp_port_high", "prompt_cache_dir", "database_url", "redis_url", "asr_engine")
    lines = ["[ivr]"]
    for key in keys:
        value = getattr(cfg, key)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            lines.append(f"{key} = {value}")
        else:
            lines.append(f'{key} = "{value}"')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _kill(proc: subprocess.Popen[bytes], sig: int = signal.SIGTERM, wait_s: float = 10) -> None:
    """Stop a process started in its own session, and everything in its process group
    (a worker's decode processes too), even when the leader has already exited."""
    try:
        os.killpg(proc.pid, sig)
    except ProcessLookupError:
        pass
    try:
        proc.wait(timeout=wait_s)
    except subprocess.TimeoutExpired:
        pass
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    proc.wait(timeout=5)


@dataclass
class Front:
    cfg: Config
    proc: subprocess.Popen[bytes]
    log: Path


@pytest.fixture
def kamailio_front(sip_cfg: Config) -> Iterator[Front]:
    """The project's Kamailio (ivr/ops/kamailio.py template) on the test's port."""
    from ivr.ops import kamailio

    files = kamailio.write(sip_cfg)
    log = sip_cfg.data_dir / "kamailio.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(kamailio.command(sip_cfg, files, shm_mb=32, pkg_mb=4), stdout=out,
                                stderr=subprocess.STDOUT, start_new_session=True)
    time.sleep(0.5)
    deadline = time.monotonic() + 10
    while _udp_free(sip_cfg.sip_port):
        if proc.poll() is not None or time.monotonic() > deadline:
            _kill(proc)
            pytest.fail(f"kamailio did not start: {log.read_text(errors='replace')[-2000:]}")
        time.sleep(0.1)
    yield Front(cfg=sip_cfg, proc=proc, log=log)
    _kill(proc)


@dataclass
class Worker:
    index: int
    proc: subprocess.Popen[bytes]
    log: Path

    def text(self) -> str:
        return self.log.read_text(errors="replace")


class Workers:
    def __init__(self, cfg: Config, config_file: Path):
        self.cfg = cfg
        self.config_file = config_file
        self.started: list[Worker] = []

    def start(self, index: int, *, wait_ready_s: float = 90) -> Worker:
        log = self.cfg.data_dir / f"worker{index}.log"
        out = log.open("wb")
        proc = subprocess.Popen([IVR, "--config", str(self.config_file), "--data-dir", str(self.cfg.data_dir),
                                 "sip-worker", "--index", str(index)],
                                stdout=out, stderr=subprocess.STDOUT, start_new_session=True, cwd=str(ROOT))
        out.close()
        worker = Worker(index=index, proc=proc, log=log)
        self.started.append(worker)
        deadline = time.monotonic() + wait_ready_s
        while f"worker{index} ready" not in worker.text():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"worker{index} did not become ready:\n{worker.text()[-3000:]}")
            time.sleep(0.2)
        return worker

    def kill(self, worker: Worker) -> None:
        """SIGKILL the worker process alone, as a crash or a supervisor would."""
        worker.proc.send_signal(signal.SIGKILL)
        worker.proc.wait(timeout=10)

    @staticmethod
    def group_alive(worker: Worker) -> bool:
        try:
            os.killpg(worker.proc.pid, 0)
        except ProcessLookupError:
            return False
        return True

    def stop_all(self) -> None:
        for w in self.started:
            _kill(w.proc)


@pytest.fixture
def workers(kamailio_front: Front, db: object, redis_url: str) -> Iterator[Workers]:
    cfg = kamailio_front.cfg.replace(redis_url=redis_url)
    w = Workers(cfg, write_toml(cfg, cfg.data_dir / "ivr.toml"))
    yield w
    w.stop_all()


@dataclass
class SippResult:
    rc: int
    out: str
    log_dir: Path


def render_scenario(scenario: str, out_dir: Path, values: dict[str, str]) -> Path:
    """A copy of ``scenarios/<scenario>`` with @NAME@ placeholders filled (pcap paths)."""
    text = (SCENARIOS / scenario).read_text(encoding="iso-8859-1")
    for k, v in values.items():
        text = text.replace(f"@{k}@", v)
    out = out_dir / scenario
    out.write_text(text, encoding="iso-8859-1")
    return out


def run_sipp(cfg: Config, scenario: str, *, calls: int = 1, rate: float = 1, limit: int | None = None,
             timeout_s: float = 60, values: dict[str, str] | None = None, inf: Path | None = None,
             service: str = "hotline", port: int | None = None, local_ip: str = "127.0.0.1",
             extra: tuple[str, ...] = ()) -> SippResult:
    """Run sipp as the caller against the SIP front; returns its exit code (0: every call passed).
    ``local_ip``: the caller's address (127.0.0.2, ... for a caller on another host)."""
    local = port_block(4)
    log_dir = cfg.data_dir / f"sipp-{local}"
    log_dir.mkdir(parents=True, exist_ok=True)
    filled = {"SHARE": str(SIPP_SHARE), "PCAPS": str(cfg.data_dir / "pcaps"), **(values or {})}
    sf = render_scenario(scenario, log_dir, filled)
    args = ["sipp", f"127.0.0.1:{port or cfg.sip_port}", "-sf", str(sf), "-m", str(calls),
            "-r", str(rate), "-l", str(limit or calls), "-i", local_ip, "-p", str(local),
            "-mp", str(random.randrange(20000, 29000, 20)), "-s", service, "-nostdin", "-trace_err",
            "-trace_screen", "-timeout", f"{int(timeout_s)}s", "-timeout_error"]
    if inf is not None:
        args += ["-inf", str(inf)]
    args += list(extra)
    proc = subprocess.run(args, check=False, cwd=log_dir, capture_output=True, timeout=timeout_s + 15)
    out = proc.stdout.decode(errors="replace") + proc.stderr.decode(errors="replace")
    for f in log_dir.glob("*"):
        if f.suffix in (".log", ".txt") or "errors" in f.name or "screen" in f.name:
            out += f"\n--- {f.name}\n" + f.read_text(errors="replace")[-3000:]
    return SippResult(rc=proc.returncode, out=out, log_dir=log_dir)


class SippPeer:
    """A sipp the test started as the far end (``proc`` writing to ``out``, files in ``folder``)."""

    proc: subprocess.Popen[bytes]
    out: Any
    folder: Path
    tail_chars = 3000  # of each log file, for assertion messages

    def wait(self, timeout_s: float) -> int:
        try:
            return self.proc.wait(timeout=timeout_s)
        finally:
            self.stop()

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.out.close()

    def text(self) -> str:
        return "\n".join(f.read_text(errors="replace")[-self.tail_chars:] for f in sorted(self.folder.glob("*"))
                         if f.is_file() and f.suffix in (".log", ".out", ".txt"))


def run_call(runner: Any, line: Any) -> str:
    """Run ``runner.run(line)`` (a ``CallRunner`` on a fake line) on its own thread, as a SIP worker does; its
    outcome. Fails if the call loop does not end within five minutes."""
    result: list[str] = []
    t = threading.Thread(target=lambda: result.append(runner.run(line)))
    t.start()
    t.join(timeout=300)
    assert not t.is_alive(), "the call loop did not end"
    return result[0]
