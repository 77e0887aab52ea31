"""Doctors' SIP phones with a secret (``sip_staff_ha1``) register with digest authentication.

sipp as the phone, from 127.0.0.2 (not a trusted host) and from 127.0.0.1 (trusted), against the
project's Kamailio: the right password registers (and the phone is then rung for a worker's
call), a wrong one is challenged again, no credentials are challenged even from a trusted host,
and a phone without a secret is still refused outside the trusted hosts.
"""
from __future__ import annotations

import socket
import subprocess

import pytest

from ivr.config import Config
from ivr.ops import sipprobe
from ivr.ops.kamailio import REALM, staff_ha1

from .conftest import SIPP_SHARE, Front, port_block, render_scenario
from .test_trunk import _invite_as_worker

pytestmark = pytest.mark.slow

PASSWORD = "mat-khau-7f3k"  # ASCII: sipp scenarios are ISO-8859-1


@pytest.fixture
def sip_cfg(sip_cfg: Config) -> Config:
    return sip_cfg.replace(sip_staff_ha1=(f"doctor-an:{staff_ha1('doctor-an', PASSWORD)}",))


def _sipp(cfg: Config, scenario: str, values: dict[str, str], *, local_ip: str, uas_port: int | None = None,
          timeout_s: int = 15) -> subprocess.Popen[bytes] | tuple[int, str]:
    folder = cfg.data_dir / f"sipp-{scenario}-{port_block(2)}"
    folder.mkdir(parents=True, exist_ok=True)
    sf = render_scenario(scenario, folder, {"SHARE": str(SIPP_SHARE), **values})
    if uas_port is not None:  # a phone waiting for a call
        return subprocess.Popen(["sipp", "-sf", str(sf), "-i", local_ip, "-p", str(uas_port), "-m", "1", "-nostdin",
                                 "-trace_err", "-timeout", "60s", "-timeout_error"], cwd=folder,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    proc = subprocess.run(["sipp", f"127.0.0.1:{cfg.sip_port}", "-sf", str(sf), "-i", local_ip, "-p",
                           str(port_block(2)), "-m", "1", "-nostdin", "-trace_err", "-timeout", f"{timeout_s}s",
                           "-timeout_error"], cwd=folder, capture_output=True, timeout=timeout_s + 15, check=False)
    text = "\n".join(f.read_text(errors="replace")[-2000:] for f in folder.glob("*.log"))
    return proc.returncode, text


def _register_without_credentials(cfg: Config, user: str, *, local_ip: str) -> sipprobe.Reply | None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind((local_ip, 0))
        port = sock.getsockname()[1]
        message = sipprobe.build_request("REGISTER", f"sip:127.0.0.1:{cfg.sip_port}", local=(local_ip, port),
                                         to_uri=f"sip:{user}@127.0.0.1", from_user=user,
                                         contact=f"sip:{user}@{local_ip}:{port}", expires=60)
        sock.sendto(message.encode(), ("127.0.0.1", cfg.sip_port))
        sock.settimeout(5)
        try:
            return sipprobe.parse_reply(sock.recvfrom(65535)[0])
        except TimeoutError:
            return None


def test_a_phone_with_a_secret_registers_with_the_right_password_from_anywhere(kamailio_front: Front) -> None:
    cfg = kamailio_front.cfg
    phone_port = port_block(4)
    values = {"USER": "doctor-an", "PASSWORD": "sai-mat-khau", "CONTACT_PORT": str(phone_port), "FINAL": "401"}
    rc, text = _sipp(cfg, "uac_register_staff_auth.xml", values, local_ip="127.0.0.2")
    assert rc == 0, text  # a wrong password is challenged again
    assert "staff phone doctor-an from 127.0.0.2" in kamailio_front.log.read_text(errors="replace")
    reply = _invite_as_worker(cfg, "doctor-an")
    assert reply is not None and reply.status == 404  # not registered

    phone = _sipp(cfg, "uas_trunk_busy.xml", {"RURI_RE": rf"^INVITE sip:doctor-an@127\.0\.0\.2:{phone_port} "},
                  local_ip="127.0.0.2", uas_port=phone_port)
    assert isinstance(phone, subprocess.Popen)
    try:
        rc, text = _sipp(cfg, "uac_register_staff_auth.xml", {**values, "PASSWORD": PASSWORD, "FINAL": "200"},
                         local_ip="127.0.0.2")
        assert rc == 0, text
        reply = _invite_as_worker(cfg, "doctor-an")  # the registered phone is rung
        assert reply is not None and reply.status == 486, reply
        assert phone.wait(15) == 0
    finally:
        if phone.poll() is None:
            phone.kill()
            phone.wait(10)


def test_without_credentials_a_phone_with_a_secret_is_challenged_even_from_a_trusted_host(
        kamailio_front: Front) -> None:
    reply = _register_without_credentials(kamailio_front.cfg, "doctor-an", local_ip="127.0.0.1")
    assert reply is not None and reply.status == 401, reply
    assert f'WWW-Authenticate: Digest realm="{REALM}"' in reply.text


def test_a_phone_without_a_secret_is_still_refused_outside_the_trusted_hosts(kamailio_front: Front) -> None:
    reply = _register_without_credentials(kamailio_front.cfg, "doctor-binh", local_ip="127.0.0.2")
    assert reply is not None and reply.status == 403, reply
    reply = _register_without_credentials(kamailio_front.cfg, "doctor-binh", local_ip="127.0.0.1")
    assert reply is not None and reply.status == 200, reply


def test_secrets_are_checked_and_rendered_as_ha1_only(tmp_path) -> None:
    from ivr.config import load
    from ivr.errors import ConfigError
    from ivr.ops import kamailio

    ha1 = staff_ha1("doctor-an", PASSWORD)
    cfg = load(env={"IVR_SIP_STAFF_HA1": f"doctor-an:{ha1},1001:{staff_ha1('1001', 'x')}"}, data_dir=tmp_path)
    table = kamailio.values(cfg, files=kamailio.KamailioFiles.for_config(cfg))["STAFF_SECRETS"]
    assert f'$sht(staffha1=>doctor-an) = "{ha1}";' in table and PASSWORD not in table
    for bad in ("doctor-an:" + PASSWORD, "admin:" + ha1, 'doctor-an";exit;:' + ha1, ha1, PASSWORD):
        with pytest.raises(ConfigError) as err:
            load(env={"IVR_SIP_STAFF_HA1": bad}, data_dir=tmp_path)
        assert str(err.value).startswith("config: key 'sip_staff_ha1': expected USER:HA1"), str(err.value)
        assert PASSWORD not in str(err.value)  # a password put there by mistake is not echoed
