"""``ivr up``: one command starts and supervises an instance; two instances run side by side.

The slow test runs the real thing (supervisord, Redis, Kamailio, ``ivr sip-worker``,
``ivr worker``) on free loopback ports in tmp data folders, kills a worker, and
stops everything with SIGTERM, checking that no process and no port is left.
"""
from __future__ import annotations

import json
import os
import pwd
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis as redis_lib

from ivr import config as config_mod
from ivr.config import Config
from ivr.ops import kamailio, sipprobe, supervisor

from .conftest import run_sipp

HOST = "127.0.0.1"


def free_base() -> int:
    """A UDP port P with P..P+110 usable for SIP and workers and P+1330 free for Redis."""
    for _ in range(200):
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind((HOST, 0))
            port = int(s.getsockname()[1])
        if port + 1330 > 65000:
            continue
        if port_free(port, socket.SOCK_DGRAM) and port_free(port + 100, socket.SOCK_DGRAM) and \
                port_free(port + 1330, socket.SOCK_STREAM):
            return port
    raise RuntimeError("no free port block")


def port_free(port: int, kind: int) -> bool:
    with socket.socket(socket.AF_INET, kind) as s:
        try:
            s.bind((HOST, port))
        except OSError:
            return False
    return True


def tcp_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def clean_env(**ivr: str) -> dict[str, str]:
    # processes stay root unless a test is about the service user (this tree and its Python may not be
    # readable by another user: see test_started_as_root_every_process_runs_as_the_service_user)
    ivr.setdefault("service_user", "root")
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({f"IVR_{k.upper()}": v for k, v in ivr.items()})
    return env


def up_argv(data: Path, sip_port: int, admin_port: int, *extra: str) -> list[str]:
    return [sys.executable, "-m", "ivr.cli", "up", "--data-dir", str(data), "--sip-host", HOST,
            "--sip-port", str(sip_port), "--admin-port", str(admin_port), *extra]


# --- fast: the plan ---------------------------------------------------------------------------------------------

def test_dry_run_writes_configs_and_lists_every_process(tmp_path: Path) -> None:
    sip, admin = free_base(), tcp_port()
    data = tmp_path / "data"
    out = subprocess.run(up_argv(data, sip, admin, "--workers", "3", "--dry-run"), cwd=tmp_path, check=False,
                         env=clean_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert f"ivr up: redis: {supervisor.redis_argv(config_mod.load(env={}, sip_port=sip))[0]} --port {sip + 1330} " \
        in out.stderr
    for name in ("kamailio", "sip-worker-0", "sip-worker-1", "sip-worker-2", "job-worker", "admin"):
        assert f"ivr up: {name}: " in out.stderr
    assert f"ivr up: ready: {sys.executable} -m ivr.cli up --wait-ready --data-dir {data}\n" in out.stderr
    assert out.stdout == ""  # stdout is for the ready line alone
    assert "sip-worker-3" not in out.stderr and "skipped" not in out.stderr
    conf = (data / "run" / "supervisord.conf").read_text()
    assert "[program:kamailio]" in conf and "[program:sip-worker-2]" in conf
    ready = conf.split("[program:ready]\n", 1)[1].split("\n\n", 1)[0].splitlines()
    assert {"autorestart=false", "startretries=0", "stdout_logfile=/dev/stdout", "stderr_logfile=/dev/stderr"} \
        <= set(ready)
    assert f"listen=udp:{HOST}:{sip}\n" in (data / "kamailio" / "kamailio.cfg").read_text()
    assert (data / "ivr.sqlite3").exists()  # `ivr db upgrade` ran


def test_a_port_in_use_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    sip, admin = free_base(), tcp_port()
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as taken:
        taken.bind((HOST, sip))
        out = subprocess.run(up_argv(tmp_path / "data", sip, admin, "--dry-run"), cwd=tmp_path, check=False,
                             env=clean_env(), capture_output=True, text=True, timeout=120)
    assert out.returncode == 2
    assert f"ivr: ivr up: port {sip}/udp for SIP (Kamailio) is in use: another instance? change --sip-port" \
        in out.stderr


def test_a_port_held_only_by_closing_connections_is_not_in_use(tmp_path: Path) -> None:
    """After Ctrl-C an open board's connections to the admin linger (FIN_WAIT/TIME_WAIT, up to a
    minute): a start right away must not take them for another instance. Only a listener counts."""
    sip, admin = free_base(), tcp_port()
    with socket.socket() as server:  # the stopped admin: binds like waitress (SO_REUSEADDR), serves a board
        server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        server.bind((HOST, admin))
        server.listen()
        board = socket.create_connection((HOST, admin), timeout=5)
        served, _ = server.accept()
    served.close()  # the admin stops first; the board keeps its end open
    with board:
        again = subprocess.run(up_argv(tmp_path / "data", sip, admin, "--dry-run"), cwd=tmp_path, check=False,
                               env=clean_env(), capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
        with socket.socket() as other:  # a real listener on the port is still refused
            other.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            other.bind((HOST, admin))
            other.listen()
            busy = subprocess.run(up_argv(tmp_path / "data", sip, admin, "--dry-run"), cwd=tmp_path, check=False,
                                  env=clean_env(), capture_output=True, text=True, timeout=120)
    assert busy.returncode == 2
    assert busy.stderr.splitlines()[-1] == \
        f"ivr: ivr up: port {admin}/tcp for admin is in use: another instance? change --admin-port"


def _refused(tmp_path: Path, **ivr: str) -> list[str]:
    """``ivr up --dry-run`` with these IVR_* settings: it must fail; its lines that start with ``ivr:``."""
    out = subprocess.run(up_argv(tmp_path / "data", free_base(), tcp_port(), "--dry-run"), cwd=tmp_path,
                         check=False, env=clean_env(**ivr), capture_output=True, text=True, timeout=120)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr
    return [line for line in out.stderr.splitlines() if line.startswith("ivr:")]


def test_a_missing_vosk_model_stops_the_start_with_how_to_get_one(tmp_path: Path) -> None:
    missing = tmp_path / "no-such-model"
    expected = (f"ivr: config: key 'vosk_model': no Vosk model at {missing} (a folder with am/final.mdl and conf/): "
                "run `ivr models fetch vosk-vn` (or set vosk_model to a Vosk model folder, "
                "or asr_engine = \"vietasr\" for viet-asr)")
    assert _refused(tmp_path, asr_engine="vosk", vosk_model=str(missing)) == [expected]
    assert _refused(tmp_path, asr_engine="auto", vosk_model=str(missing)) == [expected]  # a path: wanted
    (missing / "conf").mkdir(parents=True)  # a folder that is not a Vosk model
    assert _refused(tmp_path, asr_engine="vosk", vosk_model=str(missing)) == [expected]
    assert not (tmp_path / "data" / "run" / "supervisord.conf").exists()  # nothing was started or written


def test_a_missing_flow_or_prompt_catalog_stops_the_start(tmp_path: Path) -> None:
    from ivr import ROOT

    assert _refused(tmp_path, flow="no_such_flow") == [
        f"ivr: config: key 'flow': file {ROOT / 'callflows' / 'no_such_flow.yaml'} not found: set flow to a flow "
        f"named 'no_such_flow' in flows_dir ({ROOT / 'callflows'}/<flow>.yaml)"]
    assert _refused(tmp_path, prompts_catalog=str(tmp_path / "vi.yaml")) == [
        f"ivr: config: key 'prompts_catalog': file {tmp_path / 'vi.yaml'} not found: set prompts_catalog to "
        "the prompt catalog (prompts/vi.yaml in the checkout)"]
    assert _refused(tmp_path, flows_dir=str(tmp_path / "flows")) == [
        f"ivr: config: key 'flows_dir': folder {tmp_path / 'flows'} not found: set flows_dir to the folder of "
        "call flows (callflows/ in the checkout)"]
    assert _refused(tmp_path, triage_rules_dir=str(tmp_path / "rules")) == [
        f"ivr: config: key 'triage_rules_dir': folder {tmp_path / 'rules'} not found: set triage_rules_dir to "
        "the triage rule packs (escalation/rules/ in the checkout)"]
    assert _refused(tmp_path, tts_engine="piper", piper_voice=str(tmp_path / "vi.onnx")) == [
        f"ivr: config: key 'piper_voice': no Piper voice at {tmp_path / 'vi.onnx'}: run `ivr models fetch piper-vi` "
        "(or set piper_voice to a Piper .onnx file, or tts_engine = \"espeak\")"]


def test_bad_urls_and_values_stop_the_start_in_one_line(tmp_path: Path) -> None:
    assert _refused(tmp_path, redis_url="bogus") == [
        "ivr: config: key 'redis_url': expected redis://[:PASSWORD@]HOST[:PORT][/DB], rediss://... or "
        "unix:///PATH, got 'bogus'"]
    assert _refused(tmp_path, session_minutes="-5") == [
        "ivr: config: key 'session_minutes': expected a positive integer, got -5"]
    assert _refused(tmp_path, database_url="mysql://hotline@db/ivr") == [
        "ivr: config: key 'database_url': unsupported database 'mysql': expected sqlite:///PATH or "
        "postgresql+psycopg://USER@HOST/DB, got 'mysql://hotline@db/ivr'"]
    # a URL that parses but cannot be opened (here: no such driver installed, or nothing listening): one line,
    # and the password is not printed
    lines = _refused(tmp_path, database_url="postgresql+nosuchdriver://hotline:s3cret@127.0.0.1:1/ivr")
    assert len(lines) == 1 and lines[0].startswith(
        "ivr: config: key 'database_url': cannot open 'postgresql+nosuchdriver://hotline:***@127.0.0.1:1/ivr': ")
    assert "s3cret" not in lines[0]


def test_planned_ports_that_collide_are_refused(cfg: Config) -> None:
    clash = cfg.replace(sip_host=HOST, sip_port=free_base(), redis_port=0)
    clash = clash.replace(worker_sip_port_base=clash.sip_port)  # worker 0 on Kamailio's port
    progs = [supervisor.Program(name="sip-worker-0", argv=("x",), priority=1),
             supervisor.Program(name="kamailio", argv=("x",), priority=1)]
    with pytest.raises(supervisor.SupervisorError,
                       match=rf"^ivr up: port {clash.sip_port}/udp is planned twice: "
                             r"SIP \(Kamailio\) and SIP worker 0"):
        supervisor.check_ports(supervisor.port_plan(clash, progs))


def test_children_see_exactly_the_same_configuration(cfg: Config) -> None:
    tuned = cfg.replace(sip_port=7060, workers=5, sip_trusted_hosts=("127.0.0.1", "10.1.2.3"),
                        webhook_urls=("https://example.org/hook",), log_level="DEBUG")
    env = supervisor.child_environment(tuned, {"PATH": "/bin", "IVR_STALE": "x"})
    assert "IVR_STALE" not in env and env["PATH"] == "/bin"
    again = config_mod.load(env=env)
    assert again == tuned
    assert again.redis == tuned.redis == "redis://127.0.0.1:8390/0"


def test_other_commands_with_the_same_data_dir_see_the_instance_ports(cfg: Config, tmp_path: Path) -> None:
    running = cfg.replace(sip_port=7060, admin_port=8181, rtp_port_low=31000, rtp_port_high=31999)
    path = supervisor.write_instance_file(running)
    assert path == running.data_dir / "run" / "instance.toml"
    seen = config_mod.load(env={}, data_dir=running.data_dir)  # e.g. `ivr escalations list --data-dir DIR`
    assert (seen.sip_port, seen.admin_port, seen.redis, seen.rtp_port_low) == (
        7060, 8181, "redis://127.0.0.1:8390/0", 31000)
    assert str(path) in seen.source
    assert config_mod.load(env={"IVR_ADMIN_PORT": "9000"}, data_dir=running.data_dir).admin_port == 9000
    assert config_mod.load(env={}, data_dir=running.data_dir, read_instance=False).sip_port == 5060  # `ivr up`


def test_the_ready_line_names_the_sip_uri_and_the_admin_url(cfg: Config) -> None:
    local = cfg.replace(sip_host="127.0.0.1", sip_port=5070, admin_port=8181)
    assert supervisor.ready_line(local) == \
        "ivr: ready — call sip:hotline@127.0.0.1:5070 (admin: http://127.0.0.1:8181/)"
    anywhere = cfg.replace(sip_host="0.0.0.0", sip_advertise="10.0.0.5", admin_host="0.0.0.0")
    assert supervisor.ready_line(anywhere) == \
        "ivr: ready — call sip:hotline@10.0.0.5:5060 (admin: http://127.0.0.1:8080/)"
    pbx = cfg.replace(pbx_host="10.0.0.9", pbx_port=5080, pbx_user="f0")
    assert supervisor.sip_uri(pbx) == "sip:f0@10.0.0.9:5080"


def test_the_ready_line_is_one_write_so_supervisord_cannot_split_it(monkeypatch: pytest.MonkeyPatch,
                                                                    tmp_path: Path) -> None:
    # children run unbuffered; print() would write the text and the newline apart, and a CI run saw
    # supervisord's "INFO success: ..." land between them, glued to the ready line
    writes: list[bytes] = []
    real_write = os.write

    def recording_write(fd: int, data: bytes) -> int:
        writes.append(bytes(data))
        return real_write(fd, data)

    out = (tmp_path / "out").open("ab")
    monkeypatch.setattr(os, "write", recording_write)
    supervisor.write_line("ivr: ready — call sip:hotline@127.0.0.1:5070", out.fileno())
    out.close()
    assert writes == ["ivr: ready — call sip:hotline@127.0.0.1:5070\n".encode()]
    assert (tmp_path / "out").read_text() == "ivr: ready — call sip:hotline@127.0.0.1:5070\n"


def test_nothing_answering_is_not_ready(cfg: Config) -> None:
    quiet = cfg.replace(sip_host=HOST, sip_port=free_base(), admin_port=tcp_port())
    waiting = supervisor.not_ready(quiet, ["kamailio", "sip-worker-0", "admin"])
    assert waiting == ["Kamailio to answer OPTIONS with 200 (now no answer)", "worker0 to register",
                       f"the admin to answer on http://{HOST}:{quiet.admin_port}/"]


def test_missing_commands_are_skipped_and_reported(cfg: Config) -> None:
    progs, skipped = supervisor.programs(cfg, available=set())
    assert [p.name for p in progs] == ["redis", "kamailio"]
    assert skipped == ["sip-worker", "worker", "admin serve"]
    progs, skipped = supervisor.programs(cfg.replace(redis_url="redis://10.0.0.9:6379/0"),
                                         available={"sip-worker", "worker", "admin serve"})
    assert [p.name for p in progs] == ["kamailio", "sip-worker-0", "sip-worker-1", "job-worker", "admin"]
    assert skipped == []


def test_a_running_instance_s_data_folder_and_rtp_range_are_refused(cfg: Config, tmp_path: Path) -> None:
    registry = tmp_path / "instances"
    registry.mkdir()
    other = {"pid": os.getppid(), "data_dir": str(cfg.data_dir), "rtp_port_low": 20100, "rtp_port_high": 20199}
    (registry / f"{os.getppid()}.json").write_text(json.dumps(other))
    (registry / "999999999.json").write_text(json.dumps({**other, "pid": 999999999}))  # dead: ignored, removed
    with pytest.raises(supervisor.SupervisorError) as err:
        supervisor.check_other_instances(cfg, registry=registry)
    assert str(err.value) == (
        f"ivr up: data folder {cfg.data_dir} is used by the running instance with pid {os.getppid()}; "
        f"RTP ports 20000-29999 overlap 20100-20199 of the instance in {cfg.data_dir} (pid {os.getppid()}); "
        "set rtp_port_low and rtp_port_high (IVR_RTP_PORT_LOW, IVR_RTP_PORT_HIGH)")
    assert not (registry / "999999999.json").exists()
    elsewhere = cfg.replace(data_dir=tmp_path / "other", rtp_port_low=20200, rtp_port_high=20399)
    supervisor.check_other_instances(elsewhere, registry=registry)  # no overlap: fine
    path = supervisor.record_instance(elsewhere, registry=registry)
    assert json.loads(path.read_text())["rtp_port_low"] == 20200


# --- slow: the real instance ------------------------------------------------------------------------------------

@dataclass
class Instance:
    data: Path
    sip_port: int
    admin_port: int
    rtp_low: int
    proc: subprocess.Popen[bytes]
    stdout_file: Path

    def stdout(self) -> str:
        return self.stdout_file.read_text(errors="replace")

    @property
    def conf(self) -> Path:
        return self.data / "run" / "supervisord.conf"

    def ctl(self, *args: str) -> str:
        out = subprocess.run([sys.executable, "-m", "supervisor.supervisorctl", "-c", str(self.conf), *args],
                             check=False, capture_output=True, text=True, timeout=30)
        return out.stdout.strip()

    def pid(self, name: str) -> int:
        text = self.ctl("pid", name)
        return int(text) if text.isdigit() else 0

    def log(self, name: str) -> str:
        path = self.data / "logs" / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def output(self) -> str:
        return self.log("supervisord")


def processes_mentioning(text: str) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            found.append(int(entry.name))
    return found


def ready_lines(inst: Instance) -> list[str]:
    return [line for line in inst.stdout().splitlines() if line.startswith("ivr: ready")]


def wait_for(what: str, check, timeout: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.3)


@pytest.fixture
def instances(tmp_path: Path) -> Iterator[list[Instance]]:
    started: list[Instance] = []

    rtp = random.randrange(30000, 39000, 400)  # each instance its own RTP range (checked by `ivr up`)

    def start(name: str) -> Instance:
        data = tmp_path / name
        data.mkdir()
        sip, admin = free_base(), tcp_port()
        low = rtp + 200 * len(started)
        # append mode: supervisord reopens /dev/stdout for the ready line, and both must write at the end
        out = (tmp_path / f"{name}-up.out").open("ab")
        log = (tmp_path / f"{name}-up.log").open("ab")
        proc = subprocess.Popen(up_argv(data, sip, admin, "--workers", "1"), cwd=tmp_path,
                                env=clean_env(rtp_port_low=str(low), rtp_port_high=str(low + 199)),
                                stdout=out, stderr=log, start_new_session=True)
        out.close()
        log.close()
        inst = Instance(data=data, sip_port=sip, admin_port=admin, rtp_low=low, proc=proc,
                        stdout_file=tmp_path / f"{name}-up.out")
        started.append(inst)
        return inst

    yield [start("a"), start("b")]
    for inst in started:  # whatever the test did, leave nothing behind
        if inst.proc.poll() is None:
            os.killpg(inst.proc.pid, signal.SIGTERM)
            try:
                inst.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(inst.proc.pid, signal.SIGKILL)
                inst.proc.wait(timeout=10)
        for pid in processes_mentioning(str(inst.data)):
            os.kill(pid, signal.SIGKILL)


@pytest.mark.slow
def test_two_instances_come_up_restart_a_killed_worker_and_stop_cleanly(instances: list[Instance]) -> None:
    a, b = instances
    for inst in (a, b):
        # one line on stdout says the instance is ready; a call placed at that moment is answered
        wait_for(f"the ready line of the instance on port {inst.sip_port}",
                 lambda inst=inst: inst.proc.poll() is None and "ivr: ready" in inst.stdout(), timeout=180)
        call = run_sipp(config_mod.load(env={}, data_dir=inst.data), "uac_hangup_mid_prompt.xml",
                        port=inst.sip_port, timeout_s=30)
        assert call.rc == 0, call.out
        with urllib.request.urlopen(f"http://{HOST}:{inst.admin_port}/login", timeout=5) as resp:
            assert resp.status == 200
        assert ready_lines(inst) == [
            f"ivr: ready — call sip:hotline@{HOST}:{inst.sip_port} (admin: http://{HOST}:{inst.admin_port}/)"]
        wait_for(f"OPTIONS 200 from the instance on port {inst.sip_port}",
                 lambda inst=inst: inst.proc.poll() is None and sipprobe.options(HOST, inst.sip_port,
                                                                                timeout=0.5) == 200,
                 timeout=120)
    assert a.ctl("status").count("RUNNING") >= 4  # redis, kamailio, sip-worker-0, job-worker
    assert b.ctl("status").count("RUNNING") >= 4
    assert not port_free(a.sip_port + 1330, socket.SOCK_STREAM)  # each has its own Redis
    assert not port_free(b.sip_port + 1330, socket.SOCK_STREAM)

    # a third instance on the same RTP range is refused, naming the fix
    third = subprocess.run(up_argv(a.data.parent / "c", free_base(), tcp_port(), "--dry-run"), cwd=a.data.parent,
                           env=clean_env(rtp_port_low=str(a.rtp_low), rtp_port_high=str(a.rtp_low + 199)),
                           check=False, capture_output=True, text=True, timeout=120)
    assert third.returncode == 2
    assert f"overlap {a.rtp_low}-{a.rtp_low + 199} of the instance in {a.data} (pid {a.proc.pid})" in third.stderr

    # a crashed worker is restarted and registers again
    old = a.pid("sip-worker-0")
    assert old > 0
    os.kill(old, signal.SIGKILL)
    wait_for("a new sip-worker-0", lambda: a.pid("sip-worker-0") not in (0, old), timeout=30)
    wait_for("the restarted worker to be ready", lambda: a.log("sip-worker-0").count("worker0 ready") >= 2,
             timeout=90)
    assert sipprobe.options(HOST, a.sip_port) == 200
    assert "exited: sip-worker-0 (terminated by SIGKILL; not expected)" in a.output()
    assert b.pid("sip-worker-0") > 0  # the other instance was not touched

    # SIGTERM stops everything: no process left, every port free
    for inst in (a, b):
        inst.proc.send_signal(signal.SIGTERM)
    for inst in (a, b):
        assert inst.proc.wait(timeout=40) == 0
        assert len(ready_lines(inst)) == 1  # once: not again when a worker came back
        assert processes_mentioning(str(inst.data)) == []
        assert port_free(inst.sip_port, socket.SOCK_DGRAM)
        assert port_free(inst.sip_port + 100, socket.SOCK_DGRAM)
        assert port_free(inst.sip_port + 1330, socket.SOCK_STREAM)


def test_a_worker_that_could_not_serve_refuses_to_start(tmp_path: Path) -> None:
    """Run alone (or by supervisord after a model was removed): one line and exit 2 before it registers,
    not decode processes that die while loading, every second, behind a RUNNING worker."""
    missing = tmp_path / "no-such-model"
    out = subprocess.run([sys.executable, "-m", "ivr.cli", "sip-worker", "--index", "0", "--data-dir",
                          str(tmp_path / "data")], cwd=tmp_path, check=False, capture_output=True, text=True,
                         env=clean_env(asr_engine="vosk", vosk_model=str(missing)), timeout=60)
    assert out.returncode == 2
    assert out.stderr.splitlines() == [
        f"ivr: config: key 'vosk_model': no Vosk model at {missing} (a folder with am/final.mdl and conf/): "
        "run `ivr models fetch vosk-vn` (or set vosk_model to a Vosk model folder, "
        "or asr_engine = \"vietasr\" for viet-asr)"]


# --- least privilege: the service user, the Redis password, private files -----------------------------------------

SERVICE_USER = "f0hotline"  # created by scripts/bootstrap


def mode(path: Path) -> int:
    return path.stat().st_mode & 0o777


def test_dry_run_makes_the_data_folder_and_its_secrets_private(tmp_path: Path) -> None:
    sip, admin = free_base(), tcp_port()
    data = tmp_path / "data"
    out = subprocess.run(up_argv(data, sip, admin, "--dry-run"), cwd=tmp_path, check=False, env=clean_env(),
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    password = (data / "redis_password").read_text().strip()
    assert len(password) == 64
    assert mode(data) == 0o700
    for secret in ("redis_password", "ivr.sqlite3", "kamailio/kamailio.cfg", "redis/auth.conf",
                   "run/supervisord.conf"):
        assert mode(data / secret) == 0o600, secret
    assert (data / "redis" / "auth.conf").read_text() == f'requirepass "{password}"\n'
    assert f" --include {data / 'redis' / 'auth.conf'}" in out.stderr
    assert password not in out.stderr and password not in (data / "run" / "supervisord.conf").read_text()
    conf = (data / "run" / "supervisord.conf").read_text()
    assert conf.count("umask=077") == 1 + conf.count("[program:")
    # the other commands given the data folder use the same password
    assert config_mod.load(env={}, data_dir=data, sip_port=sip).redis == \
        f"redis://:{password}@127.0.0.1:{sip + 1330}/0"
    again = subprocess.run(up_argv(data, sip, admin, "--dry-run"), cwd=tmp_path, check=False, env=clean_env(),
                           capture_output=True, text=True, timeout=120)
    assert again.returncode == 0, again.stderr
    assert (data / "redis_password").read_text().strip() == password  # generated once
    explicit = config_mod.load(env={}, data_dir=data, redis_url="redis://:own@10.0.0.9:6379/0")
    assert explicit.redis == "redis://:own@10.0.0.9:6379/0" and explicit.redis_password == ""


def test_started_as_root_the_plan_runs_everything_as_the_service_user(cfg: Config) -> None:
    account = supervisor.service_account(cfg, euid=0)
    assert account is not None and account.name == SERVICE_USER
    assert account.uid == pwd.getpwnam(SERVICE_USER).pw_uid != 0
    assert supervisor.service_account(cfg, euid=1000) is None  # not root: every process is its starter's
    assert supervisor.service_account(cfg.replace(service_user="root"), euid=0) is None
    with pytest.raises(supervisor.SupervisorError, match=r"^ivr up: the service user 'khong-co' does not exist: "
                       r"create it with 'useradd --system"):
        supervisor.service_account(cfg.replace(service_user="khong-co"), euid=0)
    progs, _ = supervisor.programs(cfg, {"sip-worker", "worker", "admin serve"})
    text = supervisor.render_config(cfg, progs, supervisor.RunFiles.for_config(cfg), user=account.name)
    sections = text.split("\n\n")
    assert f"user={SERVICE_USER}" in sections[0].splitlines()  # supervisord drops root before opening anything
    for p in progs:
        section = next(s for s in sections if s.startswith(f"[program:{p.name}]"))
        assert f"user={SERVICE_USER}" in section.splitlines() and "umask=077" in section.splitlines()


def _uid(pid: int) -> int:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(next(line for line in status.splitlines() if line.startswith("Uid:")).split()[1])


@pytest.mark.slow
@pytest.mark.skipif(os.geteuid() != 0, reason="the switch to the service user happens only when started as root")
def test_started_as_root_every_process_runs_as_the_service_user(cfg: Config) -> None:
    """What `ivr up` hands to supervisord, run for real as root: Redis and Kamailio (the programs that
    listen) run as the service user, so does supervisord; Redis wants its password; the files are private.
    Then the whole `ivr up` as root: as the service user where it can run this Python, else refused."""
    account = supervisor.service_account(cfg, euid=0)
    assert account is not None
    if _service_user_reads_supervisor(account):
        _supervisord_and_its_programs_run_as(account)
    _whole_up_as(account)


def _service_user_reads_supervisor(account: supervisor.ServiceAccount) -> bool:
    """supervisord imports some of its modules after it has become the service user: in a checkout the
    user cannot read (a mktemp -d folder, /root) it cannot run at all, and `ivr up` runs as root instead
    (test_an_unset_service_user_falls_back_to_root_with_a_warning_a_set_one_is_enforced)."""
    import importlib.util

    spec = importlib.util.find_spec("supervisor.process")
    assert spec is not None and spec.origin is not None
    return subprocess.run(["test", "-r", spec.origin], user=account.uid, group=account.gid, extra_groups=[],
                          check=False).returncode == 0


def _supervisord_and_its_programs_run_as(account: supervisor.ServiceAccount) -> None:
    top = Path(tempfile.mkdtemp(prefix="ivr-up-user-"))  # not under pytest's root-only folder
    os.chmod(top, 0o711)
    proc = None
    try:
        run = config_mod.load(env={}, data_dir=top / "data", sip_host=HOST, sip_port=free_base(),
                              admin_port=tcp_port(), read_instance=False)
        run.data_dir.mkdir()
        run = supervisor.ensure_redis_password(run)
        progs, _ = supervisor.programs(run, available=set())  # redis and kamailio: no Python program
        kamailio.write(run)
        files = supervisor.write_config(run, progs, user=account.name)
        supervisor.secure_files(run, account)
        proc = subprocess.Popen(supervisor.supervisord_argv(files), env=supervisor.child_environment(run, os.environ),
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True,
                                umask=0o077)  # as `ivr up` sets it before it becomes supervisord
        ctl = lambda *a: subprocess.run(supervisor.supervisorctl_argv(files, *a), capture_output=True,  # noqa: E731
                                        text=True, timeout=30).stdout
        wait_for("redis and kamailio RUNNING", lambda: ctl("status").count("RUNNING") == 2, timeout=60)
        pids = {name: int(ctl("pid", name).strip()) for name in ("redis", "kamailio")}
        assert {name: _uid(pid) for name, pid in {**pids, "supervisord": proc.pid}.items()} == \
            {"redis": account.uid, "kamailio": account.uid, "supervisord": account.uid}
        assert run.redis_password not in Path(f"/proc/{pids['redis']}/cmdline").read_text()
        with pytest.raises(redis_lib.AuthenticationError):
            redis_lib.Redis(host="127.0.0.1", port=run.redis_listen_port, protocol=2).ping()
        assert redis_lib.Redis.from_url(run.redis).ping()
        assert sipprobe.options(HOST, run.sip_port, timeout=2) is not None  # Kamailio answers as that user
        for path in [run.data_dir, *run.data_dir.rglob("*")]:
            st = path.lstat()
            assert (st.st_uid, st.st_gid) == (account.uid, account.gid), path
            if path.is_file() and not path.is_symlink():
                assert st.st_mode & 0o077 == 0, path
        assert mode(run.data_dir) == 0o700 and mode(run.data_dir / "kamailio" / "kamailio.cfg") == 0o600
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=40)
        shutil.rmtree(top, ignore_errors=True)


def _whole_up_as(account: supervisor.ServiceAccount) -> None:
    """The whole `ivr up` as root, with the service user set: as that user where it can run this Python,
    else refused with the reason."""
    top = Path(tempfile.mkdtemp(prefix="ivr-up-user-"))
    os.chmod(top, 0o711)
    try:
        try:
            supervisor.check_service_account(account)
        except supervisor.SupervisorError as exc:  # e.g. a Python installed under /root (mode 0700)
            out = subprocess.run(up_argv(top / "data", free_base(), tcp_port(), "--dry-run"), cwd=top, check=False,
                                 env=clean_env(service_user=SERVICE_USER), capture_output=True, text=True,
                                 timeout=120)
            assert out.returncode == 2
            assert f"ivr: {exc}" in out.stderr and "cannot run" in out.stderr
            return
        sip, admin = free_base(), tcp_port()
        out_file = top / "up.out"
        with out_file.open("ab") as out:
            up = subprocess.Popen(up_argv(top / "data", sip, admin, "--workers", "1"), cwd=top, stdout=out,
                                  stderr=subprocess.STDOUT, env=clean_env(service_user=SERVICE_USER),
                                  start_new_session=True)
        try:
            wait_for("the ready line", lambda: "ivr: ready" in out_file.read_text(errors="replace"), timeout=180)
            for entry in Path("/proc").iterdir():
                if entry.name.isdigit() and str(top / "data") in (entry / "cmdline").read_bytes().decode(
                        errors="replace"):
                    assert _uid(int(entry.name)) == account.uid, (entry / "cmdline").read_bytes()
        finally:
            os.killpg(up.pid, signal.SIGTERM)
            assert up.wait(timeout=40) == 0
    finally:
        shutil.rmtree(top, ignore_errors=True)


def test_an_unset_service_user_falls_back_to_root_with_a_warning_a_set_one_is_enforced(
        cfg: Config, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """`make run` from a checkout the service user cannot read (under /root, in a mktemp folder) still
    starts, saying why it runs as root; an operator who named the user gets a refusal instead."""
    from ivr.cli import up

    def cannot_run(account: supervisor.ServiceAccount) -> None:
        raise supervisor.SupervisorError(f"ivr up: the service user '{account.name}' cannot run /root/python")

    monkeypatch.setattr(supervisor, "check_service_account", cannot_run)
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    assert up._service_account(cfg.replace(service_user="")) is None
    assert capsys.readouterr().err == ("ivr up: warning: every process runs as root: ivr up: the service user "
                                       "'f0hotline' cannot run /root/python\n")
    with pytest.raises(supervisor.SupervisorError, match="cannot run /root/python"):
        up._service_account(cfg.replace(service_user=SERVICE_USER))
    monkeypatch.setattr(supervisor, "check_service_account", lambda account: None)
    account = up._service_account(cfg.replace(service_user=""))
    assert account is not None and account.name == SERVICE_USER
