"""Doctors' phone numbers outside Kamailio: the outbound trunk (``sip_trunk_uri``).

A worker's INVITE to a Vietnamese number (+84...) that no phone registered for goes to the
trunk; without a trunk Kamailio answers 480 at once, and the IVR worker does not even dial such
a number: the doctor who picked the case calls back and the case's history says why. The trunk
is sipp on a free loopback port (answering 200 with RTP, or 486); Kamailio is the project's own.
"""
from __future__ import annotations

import socket
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from escalation import queue
from ivr.config import Config
from ivr.ops import sipprobe
from ivr.store.database import Database
from ivr.store.models import AuditLog, Call, EscalationEvent
from ivr.telephony.phone import dial_user

from .conftest import (
    SIPP_SHARE,
    Front,
    SippPeer,
    Workers,
    port_block,
    render_scenario,
    run_sipp,
)
from .test_bridge import (
    BRIDGE_LOG,
    _caller,
    _doctor,
    _pick_when_escalated,
    _prompt_ms,
    _transitions,
    _wait_call_ended,
)

pytestmark = pytest.mark.slow

MOBILE = "0912 345 678"  # a doctor's profile phone as staff type it
E164 = "+84912345678"


@pytest.fixture
def trunk_port(request: pytest.FixtureRequest) -> int | None:
    """A free loopback port for the trunk; none for the tests named ``..._without_a_trunk_...``."""
    return None if "without_a_trunk" in request.node.name else port_block(4)


@pytest.fixture
def sip_cfg(sip_cfg: Config, trunk_port: int | None) -> Config:
    return sip_cfg.replace(sip_trunk_uri=f"sip:127.0.0.1:{trunk_port}") if trunk_port else sip_cfg


@pytest.fixture
def trunk_env(sip_cfg: Config, monkeypatch: pytest.MonkeyPatch) -> None:
    """The IVR worker processes read the trunk from the environment (the tests' ivr.toml does not carry it)."""
    monkeypatch.setenv("IVR_SIP_TRUNK_URI", sip_cfg.sip_trunk_uri)


class Trunk(SippPeer):
    """sipp as the telco gateway: one call, the Request-URI checked."""

    tail_chars = 4000

    def __init__(self, cfg: Config, port: int, scenario: str, *, user: str = E164, talk_ms: int = 8000):
        self.folder = cfg.data_dir / f"trunk-{port}"
        self.folder.mkdir(parents=True, exist_ok=True)
        ruri = rf"^INVITE sip:{user.replace('+', chr(92) + '+')}@127\.0\.0\.1:{port} SIP/2\.0"
        sf = render_scenario(scenario, self.folder, {"SHARE": str(SIPP_SHARE), "RURI_RE": ruri,
                                                     "TALK_MS": str(talk_ms)})
        self.out = (self.folder / "sipp.out").open("wb")
        self.proc = subprocess.Popen(
            ["sipp", "-sf", str(sf), "-i", "127.0.0.1", "-p", str(port), "-mp", str(port_block(4)), "-m", "1",
             "-nostdin", "-trace_err", "-trace_msg", "-timeout", "120s", "-timeout_error"],
            cwd=self.folder, stdout=self.out, stderr=subprocess.STDOUT)
        time.sleep(0.3)  # listening


def _invite_as_worker(cfg: Config, user: str, *, timeout: float = 10) -> sipprobe.Reply | None:
    """An INVITE to ``user`` from a worker's address and SIP port (no worker runs in these tests)."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", cfg.worker_port_base))
        message = sipprobe.build_request("INVITE", f"sip:{user}@127.0.0.1", local=("127.0.0.1", cfg.worker_port_base),
                                         from_user="worker0", sdp=True)
        sock.sendto(message.encode(), ("127.0.0.1", cfg.sip_port))
        deadline = time.monotonic() + timeout
        while (left := deadline - time.monotonic()) > 0:
            sock.settimeout(left)
            try:
                reply = sipprobe.parse_reply(sock.recvfrom(65535)[0])
            except (TimeoutError, ValueError):
                continue
            if reply.status >= 200:
                return reply
    return None


def _kamailio_log(front: Front) -> str:
    return front.log.read_text(errors="replace")


# -- configuration -------------------------------------------------------------------------------------------

def test_trunk_setting_is_checked_and_only_host_and_port_reach_kamailio(tmp_path: Path) -> None:
    from ivr.config import load
    from ivr.errors import ConfigError
    from ivr.ops import kamailio

    cfg = load(env={"IVR_SIP_TRUNK_URI": "sip:gateway.example:5080"}, data_dir=tmp_path)
    assert cfg.sip_trunk_uri == "sip:gateway.example:5080"
    values = kamailio.values(cfg, files=kamailio.KamailioFiles.for_config(cfg))
    assert (values["TRUNK_ENABLED"], values["TRUNK_HOSTPORT"]) == ("1", "gateway.example:5080")
    assert kamailio.values(load(env={}, data_dir=tmp_path))["TRUNK_ENABLED"] == "0"
    for bad in ('sip:gw";exit;"', "sip:user@gw", "sip:gw;transport=tcp", "sips:gw", "gw:5060", "sip:gw:99999"):
        with pytest.raises(ConfigError) as err:
            load(env={"IVR_SIP_TRUNK_URI": bad}, data_dir=tmp_path)
        assert str(err.value).startswith("config: key 'sip_trunk_uri': expected "), str(err.value)


# -- the SIP front alone -----------------------------------------------------------------------------------

def test_dial_user_sends_vietnamese_numbers_as_e164_and_extensions_as_they_are() -> None:
    assert dial_user("0912 345 678") == dial_user("+84 912-345-678") == dial_user("84912345678") == E164
    assert dial_user("024 3825 1234") == "+842438251234"  # a Hà Nội landline
    assert dial_user("doctor-an") == "doctor-an" and dial_user("1001") == "1001"


def test_a_number_goes_to_the_trunk_and_its_486_comes_back(kamailio_front: Front, trunk_port: int) -> None:
    trunk = Trunk(kamailio_front.cfg, trunk_port, "uas_trunk_busy.xml")
    try:
        reply = _invite_as_worker(kamailio_front.cfg, E164)
        assert reply is not None and reply.status == 486, reply
        assert trunk.wait(15) == 0, trunk.text()  # the Request-URI matched, Kamailio ACKed the 486
    finally:
        trunk.stop()
    assert f"to {E164} through the trunk 127.0.0.1:{trunk_port}" in _kamailio_log(kamailio_front)
    # an extension nobody registered is not sent to the trunk
    reply = _invite_as_worker(kamailio_front.cfg, "1001")
    assert reply is not None and (reply.status, reply.reason) == (404, "Not Registered")


def test_a_phone_registered_under_the_number_is_rung_instead_of_the_trunk(kamailio_front: Front,
                                                                         trunk_port: int) -> None:
    cfg = kamailio_front.cfg
    phone_port = port_block(4)
    phone = Trunk(cfg, phone_port, "uas_trunk_busy.xml", user="0912345678")  # sipp as the registered phone
    try:
        reg = run_sipp(cfg, "uac_register_staff.xml", timeout_s=15,
                       values={"USER": "0912345678", "CONTACT_PORT": str(phone_port)})
        assert reg.rc == 0, reg.out
        # the phone's Request-URI is its Contact: let the check accept that
        reply = _invite_as_worker(cfg, E164)
        assert reply is not None and reply.status == 486, reply
    finally:
        phone.stop()
    assert "through the trunk" not in _kamailio_log(kamailio_front)
    assert f"INVITE sip:0912345678@127.0.0.1:{phone_port}" in phone.text()


def test_without_a_trunk_a_number_gets_480_at_once(kamailio_front: Front) -> None:
    started = time.monotonic()
    reply = _invite_as_worker(kamailio_front.cfg, E164)
    assert reply is not None and (reply.status, reply.reason) == (480, "No Outbound Trunk"), reply
    assert time.monotonic() - started < 1.0
    assert "number outside Kamailio and no sip_trunk_uri" in _kamailio_log(kamailio_front)


# -- a live bridge through the IVR worker --------------------------------------------------------------------

@pytest.fixture
def trunk_workers(workers: Workers, trunk_env: None) -> Iterator[Workers]:
    yield workers


def test_doctor_mobile_is_dialled_through_the_trunk_and_bridged(trunk_workers: Workers, db: Database,
                                                                trunk_port: int) -> None:
    workers = trunk_workers
    staff_id = _doctor(db, phone=MOBILE)
    worker = workers.start(0)
    trunk = Trunk(workers.cfg, trunk_port, "uas_trunk.xml", talk_ms=8000)
    try:
        held_ms = _prompt_ms(workers, "emergency_115", "transfer_doctor")
        result: list = []
        caller = _caller(workers, wait_ms=held_ms, bye_timeout_ms=60000, result=result)
        esc_id = _pick_when_escalated(db, staff_id, timeout_s=60)
        caller.join(timeout=held_ms / 1000 + 120)
        assert not caller.is_alive()
        assert result and result[0].rc == 0, result[0].out if result else "caller sipp did not finish"
        assert trunk.wait(30) == 0, trunk.text()  # answered the relayed INVITE, talked, hung up
    finally:
        trunk.stop()
    assert _wait_call_ended(db).outcome == "escalated"
    assert ("picked", "in_call") in _transitions(db, esc_id)
    text = worker.text()
    assert f"dialling {E164}" in text, text[-3000:]
    bridge = BRIDGE_LOG.search(text)
    assert bridge, text[-3000:]
    ended_by, to_doctor, to_caller = bridge.group(1), int(bridge.group(2)), int(bridge.group(3))
    assert ended_by == "doctor" and to_caller >= 150 and to_doctor >= 100, bridge.group(0)
    assert f"to {E164} through the trunk" in workers_front_log(workers)


def workers_front_log(workers: Workers) -> str:
    return Path(workers.cfg.data_dir / "kamailio.log").read_text(errors="replace")


def test_without_a_trunk_a_mobile_is_not_dialled_and_the_doctor_calls_back(workers: Workers, db: Database,
                                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("IVR_SIP_TRUNK_URI", raising=False)
    staff_id = _doctor(db, phone=MOBILE)
    worker = workers.start(0)
    spoken = _prompt_ms(workers, "emergency_115", "transfer_doctor", "hold_callback")
    result: list = []
    started = time.monotonic()
    caller = _caller(workers, wait_ms=1000, bye_timeout_ms=spoken + 20000, result=result)
    esc_id = _pick_when_escalated(db, staff_id, timeout_s=60)
    caller.join(timeout=spoken / 1000 + 90)
    assert not caller.is_alive() and result[0].rc == 0, result[0].out  # told, then the hotline's BYE
    assert time.monotonic() - started < (spoken + 20000) / 1000
    assert _wait_call_ended(db).outcome == "escalated"
    esc = queue.get(db, esc_id)
    assert (esc.status.value, esc.mode, esc.picked_by_id) == ("callback_scheduled", "callback", staff_id)
    with db.session() as s:
        details = [e.detail for e in s.scalars(select(EscalationEvent).where(EscalationEvent.escalation_id == esc_id))]
        audit = [a.action for a in s.scalars(select(AuditLog).where(AuditLog.target == f"escalation:{esc_id}"))]
    assert ("Không nối máy trực tiếp được với bác sĩ Nguyễn Văn An: số 0912 345 678 nằm ngoài tổng đài và chưa "
            "cấu hình đường trunk gọi ra (sip_trunk_uri); bác sĩ gọi lại cho người bệnh") in details
    assert "escalation.no_bridge" in audit
    text = worker.text()
    assert "hold prompt hold_callback" in text and "dialling" not in text, text[-3000:]
    with db.session() as s:
        assert s.scalars(select(Call)).one().outcome == "escalated"
