"""The SIP front: the rendered Kamailio config, and a real Kamailio on loopback with sipp peers.

Stand-in workers are sipp UAS processes registered as ``workerN`` (the REGISTER
comes from a real UDP client; the INVITE handling is sipp's), so routing,
failover, overload and readiness are tested without depending on pyVoIP. The
real ``ivr sip-worker`` is covered by tests/ivr/telephony/test_up.py and the call tests.
"""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from ivr import config as config_mod
from ivr.config import Config
from ivr.errors import ConfigError
from ivr.ops import kamailio, sipprobe

from .conftest import Workers

FRONT = Path(__file__).resolve().parent / "front"
HOST = "127.0.0.1"


def udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def stop_group(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=5)
        except ProcessLookupError:
            pass
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


@dataclass
class Uas:
    """A sipp UAS standing in for a worker, logging every message it receives."""

    port: int
    proc: subprocess.Popen[bytes]
    folder: Path

    def messages(self) -> str:
        return "".join(p.read_text(errors="replace") for p in self.folder.glob("*_messages.log"))

    def invites_received(self) -> int:
        # sipp's message log marks each received message with "UDP message received"
        chunks = self.messages().split("UDP message received")[1:]
        return sum(1 for c in chunks if c.lstrip().split("\n", 1)[-1].lstrip().startswith("INVITE "))

    def wait(self, timeout: float = 20) -> int:
        return self.proc.wait(timeout=timeout)


class Peers:
    """sipp processes started by a test; all killed at teardown."""

    def __init__(self, cfg: Config, folder: Path):
        self.cfg = cfg
        self.folder = folder
        self.procs: list[subprocess.Popen[bytes]] = []

    def uas(self, scenario: str = "uas_answer.xml", *, calls: int = 1, register_as: str | None = None,
            port: int | None = None) -> Uas:
        port = port or udp_port()
        folder = self.folder / f"uas-{port}"
        folder.mkdir(parents=True)
        proc = subprocess.Popen(
            ["sipp", "-sf", str(FRONT / scenario), "-i", HOST, "-p", str(port), "-m", str(calls), "-nostdin",
             "-timeout", "60s", "-trace_msg", "-trace_err", "-mp", str(udp_port())],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        time.sleep(0.2)
        if register_as:
            self.register(register_as, port)
        return Uas(port=port, proc=proc, folder=folder)

    def register(self, user: str, port: int) -> int | None:
        return sipprobe.register(HOST, self.cfg.sip_port, user=user, contact=f"sip:{user}@{HOST}:{port}")

    def uac(self, *, scenario: str = "uac_call.xml", service: str = "hotline", hold_ms: int = 200,
            calls: int = 1, limit: int = 1, background: bool = False) -> subprocess.Popen[bytes]:
        folder = self.folder / f"uac-{len(self.procs)}"
        folder.mkdir(parents=True)
        proc = subprocess.Popen(
            ["sipp", f"{HOST}:{self.cfg.sip_port}", "-sf", str(FRONT / scenario), "-s", service, "-i", HOST,
             "-p", str(udp_port()), "-mp", str(udp_port()), "-m", str(calls), "-l", str(limit), "-r", "10",
             "-d", str(hold_ms), "-nostdin", "-timeout", "30s", "-timeout_error", "-trace_err"],
            cwd=folder, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        self.procs.append(proc)
        if not background:
            proc.wait(timeout=45)
        return proc

    def stop(self) -> None:
        for proc in self.procs:
            stop_group(proc)


def front_cfg(cfg: Config, **changes: object) -> Config:
    settings: dict[str, object] = {"sip_host": HOST, "sip_port": udp_port(), "workers": 3, "worker_max_calls": 1,
                                   "sip_failover_ms": 800}
    settings.update(changes)
    return cfg.replace(**settings)


@pytest.fixture
def front(cfg: Config, tmp_path: Path) -> Iterator[tuple[Config, Peers]]:
    fcfg = front_cfg(cfg)
    peers = Peers(fcfg, tmp_path / "peers")
    with kamailio.running(fcfg) as proc:
        try:
            yield fcfg, peers
        finally:
            peers.stop()
        assert proc.poll() is None, "kamailio died during the test"


# --- the rendered configuration -------------------------------------------------------------------------------

def test_rendered_config_passes_kamailio_check(cfg: Config) -> None:
    fcfg = cfg.replace(sip_host="0.0.0.0", sip_port=5070, workers=4, worker_max_calls=30,
                       sip_trusted_hosts=("127.0.0.1", "203.0.113.7"), sip_flood_limit=40)
    files = kamailio.write(fcfg)  # raises KamailioError when `kamailio -c` rejects it
    text = files.config.read_text()
    # bound to every address, it advertises sip_advertise: a Record-Route of 0.0.0.0 would leave a caller on
    # another host no address to send its ACK and BYE to
    assert "listen=udp:0.0.0.0:5070 advertise 127.0.0.1:5070\n" in text
    assert 'if (!($si == "127.0.0.1" || $si == "203.0.113.7")) {' in text
    assert 'modparam("pike", "reqs_density_per_unit", 40)' in text
    assert "while ($var(i) < 4) {" in text
    assert "$var(best) = 2 * 30;" in text
    assert "{{" not in text
    assert files.config.parent == fcfg.data_dir / "kamailio"


def test_a_wildcard_listen_advertises_sip_advertise_and_a_bound_one_needs_nothing(cfg: Config) -> None:
    public = kamailio.render(cfg.replace(sip_host="0.0.0.0", sip_advertise="198.51.100.4", sip_port=5070))
    assert "\nlisten=udp:0.0.0.0:5070 advertise 198.51.100.4:5070\n" in public
    bound = kamailio.render(cfg.replace(sip_host="198.51.100.4", sip_advertise="198.51.100.4", sip_port=5070))
    assert "\nlisten=udp:198.51.100.4:5070\n" in bound


def test_broken_config_is_reported_with_kamailio_message(cfg: Config, tmp_path: Path) -> None:
    bad = tmp_path / "bad.cfg"
    bad.write_text(kamailio.render(cfg).replace("route(REGISTRAR);", "no_such_function();"))
    with pytest.raises(kamailio.KamailioError, match=r"^kamailio: config .*bad.cfg does not pass 'kamailio -c': "):
        kamailio.check(bad)


def test_template_placeholders_must_all_be_filled() -> None:
    with pytest.raises(kamailio.KamailioError, match=r"^kamailio template: no value for \{\{PORT\}\}$"):
        kamailio.render_text("listen={{PORT}}", {})
    with pytest.raises(kamailio.KamailioError, match=r"^kamailio template: unused values EXTRA$"):
        kamailio.render_text("x", {"EXTRA": "1"})


def test_config_values_cannot_inject_script() -> None:
    with pytest.raises(ConfigError, match=r"^config: key 'sip_trusted_hosts': expected an IPv4 address, "
                                          r"got '1.2.3.4\) \|\| \(1'$"):
        config_mod.load(env={"IVR_SIP_TRUSTED_HOSTS": "1.2.3.4) || (1"})
    with pytest.raises(ConfigError, match=r"^config: key 'sip_host': expected an IPv4 address, got 'evil\"'$"):
        config_mod.load(env={"IVR_SIP_HOST": 'evil"'})


# --- a running Kamailio ---------------------------------------------------------------------------------------

@pytest.mark.slow
def test_options_readiness_follows_registration(front: tuple[Config, Peers]) -> None:
    fcfg, peers = front
    reply = sipprobe.request(HOST, fcfg.sip_port, "OPTIONS", f"sip:hotline@{HOST}")
    assert reply is not None and (reply.status, reply.reason) == (503, "No Worker Available")
    # only workerN with N < workers may register, only from loopback
    assert peers.register("worker3", udp_port()) == 403
    assert peers.register("alice", udp_port()) == 403
    assert sipprobe.options(HOST, fcfg.sip_port) == 503
    assert peers.register("worker2", udp_port()) == 200
    assert sipprobe.options(HOST, fcfg.sip_port) == 200
    # a restarted worker registers again with a new Call-ID (and maybe a new port): accepted, replaces the old
    new_port = udp_port()
    assert peers.register("worker2", new_port) == 200
    contacts = kamailio.rpc(kamailio.KamailioFiles.for_config(fcfg), "ul.lookup", "location", "worker2")
    assert [ln.strip() for ln in contacts.splitlines() if "Address:" in ln] == [
        f"Address: sip:worker2@{HOST}:{new_port}"]
    # unregistering the only worker makes the front unready again
    assert sipprobe.register(HOST, fcfg.sip_port, user="worker2", contact="*", expires=0) == 200
    assert sipprobe.options(HOST, fcfg.sip_port) == 503


@pytest.mark.slow
def test_each_invite_reaches_exactly_one_worker_by_load(front: tuple[Config, Peers]) -> None:
    _, peers = front
    a = peers.uas(register_as="worker0")
    b = peers.uas(register_as="worker1")
    # two overlapping calls to two different numbers: one per worker (the less loaded one wins)
    first = peers.uac(service="hotline", hold_ms=2500, background=True)
    time.sleep(0.8)
    second = peers.uac(service="19009095", hold_ms=200)
    assert second.returncode == 0
    assert first.wait(timeout=30) == 0
    assert a.wait() == 0 and b.wait() == 0  # each stand-in took exactly its one call
    assert (a.invites_received(), b.invites_received()) == (1, 1)  # no forking


@pytest.mark.slow
def test_failover_past_a_silent_and_a_failing_worker(front: tuple[Config, Peers]) -> None:
    fcfg, peers = front
    assert peers.register("worker0", udp_port()) == 200  # registered, but nothing listens: no reply
    failing = peers.uas("uas_503.xml", register_as="worker1")
    good = peers.uas(register_as="worker2")
    started = time.monotonic()
    call = peers.uac(hold_ms=100)
    assert call.returncode == 0
    assert time.monotonic() - started >= fcfg.sip_failover_ms / 1000
    assert failing.wait() == 0 and failing.invites_received() == 1
    assert good.wait() == 0 and good.invites_received() == 1
    # worker0 is now suspect (tried last), worker1 is registered and idle: still ready
    assert sipprobe.options(HOST, fcfg.sip_port) == 200


@pytest.mark.slow
def test_all_workers_full_answers_503_and_readiness_follows(front: tuple[Config, Peers]) -> None:
    fcfg, peers = front
    peers.uas(register_as="worker0")
    held = peers.uac(hold_ms=3000, background=True)
    deadline = time.monotonic() + 5
    while sipprobe.options(HOST, fcfg.sip_port) != 503 and time.monotonic() < deadline:
        time.sleep(0.1)
    reply = sipprobe.request(HOST, fcfg.sip_port, "OPTIONS", f"sip:hotline@{HOST}")
    assert reply is not None and (reply.status, reply.reason) == (503, "All Workers Busy")
    invite = sipprobe.request(HOST, fcfg.sip_port, "INVITE", f"sip:hotline@{HOST}:{fcfg.sip_port}",
                              contact=f"sip:probe@{HOST}:9", sdp=True)
    assert invite is not None and (invite.status, invite.reason) == (503, "All Workers Busy")
    assert invite.header("Retry-After") == "10"
    assert held.wait(timeout=30) == 0
    assert sipprobe.wait_for_status(HOST, fcfg.sip_port, 200, timeout=5) == 200  # the call ended: room again


@pytest.mark.slow
def test_bye_from_worker_without_route_ends_the_dialog(front: tuple[Config, Peers]) -> None:
    """pyVoIP hangs up with a BYE to the caller's Contact and no Route header; the proxy relays it
    and the call no longer counts against the worker's limit."""
    fcfg, peers = front
    worker = peers.uas("uas_bye.xml", register_as="worker0")
    call = peers.uac(scenario="uac_wait_bye.xml")
    assert call.returncode == 0
    assert worker.wait() == 0
    assert sipprobe.options(HOST, fcfg.sip_port) == 200  # worker_max_calls=1: room again


@pytest.mark.slow
def test_in_dialog_request_for_unknown_dialog_is_refused(front: tuple[Config, Peers]) -> None:
    fcfg, _ = front
    bye = sipprobe.build_request("BYE", "sip:someone@192.0.2.1:5060", local=(HOST, 9))
    bye = bye.replace("To: <sip:someone@192.0.2.1:5060>", "To: <sip:someone@192.0.2.1:5060>;tag=abc")
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        s.settimeout(2)
        s.sendto(bye.replace(f"{HOST}:9", f"{HOST}:{s.getsockname()[1]}").encode(), (HOST, fcfg.sip_port))
        status = int(s.recvfrom(65535)[0].split(b" ", 2)[1])
    assert status == 404  # not an open relay for in-dialog-looking requests


@pytest.mark.slow
def test_flood_from_one_untrusted_source_is_dropped(cfg: Config, tmp_path: Path) -> None:
    """pike: 127.0.0.2 is not a trusted host; after the limit its requests go unanswered while the
    trusted loopback (workers, health checks) is still served."""
    fcfg = front_cfg(cfg, sip_flood_limit=10)
    with kamailio.running(fcfg):
        answered = 0
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.bind(("127.0.0.2", 0))
            s.settimeout(0.05)
            for i in range(60):  # bounded: 60 requests in well under 2 s
                msg = sipprobe.build_request("OPTIONS", f"sip:hotline@{HOST}:{fcfg.sip_port}",
                                             local=("127.0.0.2", s.getsockname()[1]), cseq=i + 1)
                s.sendto(msg.encode(), (HOST, fcfg.sip_port))
                try:
                    while True:
                        s.recvfrom(65535)
                        answered += 1
                except OSError:
                    pass
        assert 1 <= answered < 40
        assert sipprobe.options(HOST, fcfg.sip_port) == 503  # loopback health check still answered


@pytest.mark.slow
def test_invites_a_worker_would_drop_are_refused_with_a_reply(front: tuple[Config, Peers]) -> None:
    """pyVoIP 1.6.8 ignores datagrams over 8 KB and leaves an INVITE without SDP ringing forever."""
    fcfg, peers = front
    assert peers.register("worker0", udp_port()) == 200
    uri = f"sip:hotline@{HOST}:{fcfg.sip_port}"
    no_sdp = sipprobe.request(HOST, fcfg.sip_port, "INVITE", uri, contact=f"sip:probe@{HOST}:9")
    assert no_sdp is not None and (no_sdp.status, no_sdp.reason) == (488, "SDP Offer Required")
    big = sipprobe.request(HOST, fcfg.sip_port, "INVITE", uri, contact=f"sip:probe@{HOST}:9", sdp=True,
                           extra=("X-Pad: " + "a" * 8100,))
    assert big is not None and (big.status, big.reason) == (513, "Message Too Large")


@pytest.mark.slow
def test_a_suspect_worker_is_still_used_when_it_is_the_only_one(front: tuple[Config, Peers]) -> None:
    """A worker that ignored one INVITE is tried last, not dropped: a message it cannot parse must not
    take the line down."""
    fcfg, peers = front
    port = udp_port()
    assert peers.register("worker0", port) == 200
    unanswered = sipprobe.request(HOST, fcfg.sip_port, "INVITE", f"sip:hotline@{HOST}:{fcfg.sip_port}",
                                  contact=f"sip:probe@{HOST}:9", sdp=True, timeout=fcfg.sip_failover_ms / 1000 + 3)
    assert unanswered is not None and (unanswered.status, unanswered.reason) == (503, "No Worker Answered")
    assert sipprobe.options(HOST, fcfg.sip_port) == 200  # registered with room: still ready
    uas = peers.uas(port=port)  # worker0 answers again (no new REGISTER, so it is still suspect)
    call = peers.uac(hold_ms=100)
    assert call.returncode == 0 and uas.wait() == 0


def test_workers_may_register_from_loopback_and_sip_advertise_only(cfg: Config) -> None:
    text = kamailio.render(cfg.replace(sip_advertise="192.0.2.5"))
    assert '    if (!($si == "127.0.0.1" || $si == "192.0.2.5") || !($tU =~ "^worker[0-9]+$")) {' in text
    with pytest.raises(kamailio.KamailioError,
                       match=r"^kamailio: sip_advertise must be an IPv4 address, got 'hotline.example'$"):
        kamailio.render(cfg.replace(sip_advertise="hotline.example"))


# --- readiness tells the truth: a worker that cannot take a call does not count ---------------------------------

def options_from(source: str, fcfg: Config, *, extra: tuple[str, ...] = (), timeout: float = 2.0) -> sipprobe.Reply:
    """One OPTIONS to the front from ``source`` (a load balancer's health check on another host)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((source, 0))
        s.settimeout(timeout)
        msg = sipprobe.build_request("OPTIONS", f"sip:hotline@{HOST}:{fcfg.sip_port}", local=s.getsockname(),
                                     extra=extra)
        s.sendto(msg.encode(), (HOST, fcfg.sip_port))
        return sipprobe.parse_reply(s.recvfrom(65535)[0])


def report(fcfg: Config, worker: str, free: int, health: str = "ok", *, source: str = HOST) -> sipprobe.Reply:
    """What ``ivr sip-worker`` sends every second (ivr.cli.sipworker.CapacityReporter)."""
    return options_from(source, fcfg, extra=(f"X-Ivr-Worker: {worker}", f"X-Ivr-Free: {free}",
                                             f"X-Ivr-Health: {health}"))


@pytest.mark.slow
def test_readiness_is_503_while_no_registered_worker_can_take_a_call(front: tuple[Config, Peers]) -> None:
    """Both workers registered, Kamailio's own count says room, but each says it is full (486 to every
    INVITE) or unhealthy: a health check from another host must hear 503, not 200."""
    fcfg, peers = front
    for name in ("worker0", "worker1"):
        assert peers.register(name, udp_port()) == 200
    assert options_from("127.0.0.2", fcfg).status == 200  # no reports yet: registration and Kamailio's count
    assert (report(fcfg, "worker0", 0).status, report(fcfg, "worker1", 0).status) == (200, 200)
    reply = options_from("127.0.0.2", fcfg)
    assert (reply.status, reply.reason) == (503, "All Workers Busy")
    assert report(fcfg, "worker1", 0, "decoder").status == 200
    reply = options_from("127.0.0.2", fcfg)
    assert (reply.status, reply.reason) == (503, "No Worker Ready")
    assert report(fcfg, "worker0", 3).status == 200  # a call ended on worker0: room again
    assert options_from("127.0.0.2", fcfg).status == 200
    # a report from anywhere but a worker's address is only a health check: it cannot mark workers
    assert report(fcfg, "worker0", 0, source="127.0.0.3").status == 200
    assert options_from("127.0.0.2", fcfg).status == 200
    # garbage in a worker's report is refused, and a worker index beyond `workers` too
    assert report(fcfg, "worker0", -1).status == 400
    assert report(fcfg, "worker7", 5).status == 403
    # a worker that stops reporting (hung, killed) stops counting within the report lifetime (5 s)
    started = time.monotonic()
    while options_from("127.0.0.2", fcfg).status == 200:
        assert time.monotonic() - started < 8, "a silent worker still counts as ready"
        time.sleep(0.25)
    reply = options_from("127.0.0.2", fcfg)
    assert (reply.status, reply.reason) == (503, "No Worker Ready")


@pytest.mark.slow
def test_a_hung_real_worker_stops_counting_as_ready(workers: Workers) -> None:
    """The real ``ivr sip-worker`` reports its capacity every second; frozen (SIGSTOP: still registered,
    answers nothing) it is not ready within the report lifetime, and ready again when it resumes."""
    worker = workers.start(0)
    fcfg = workers.cfg
    assert sipprobe.wait_for_status(HOST, fcfg.sip_port, 200, timeout=10) == 200
    assert options_from("127.0.0.2", fcfg).status == 200
    os.kill(worker.proc.pid, signal.SIGSTOP)
    try:
        frozen = time.monotonic()
        while (reply := options_from("127.0.0.2", fcfg)).status == 200:
            assert time.monotonic() - frozen < 8, "a frozen worker still counts as ready"
            time.sleep(0.25)
        assert (reply.status, reply.reason) == (503, "No Worker Ready")
    finally:
        os.kill(worker.proc.pid, signal.SIGCONT)
    resumed = time.monotonic()
    while options_from("127.0.0.2", fcfg).status != 200:
        assert time.monotonic() - resumed < 5, "the resumed worker did not count as ready again"
        time.sleep(0.25)
