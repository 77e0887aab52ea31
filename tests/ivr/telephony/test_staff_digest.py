"""Staff phones' digest authentication against replay and guessing (issue 11, finding 5).

A doctor's phone at 127.0.0.2 registers with digest credentials; an eavesdropper at 127.0.0.3 who
replays that REGISTER's Authorization with its own Contact must not take the registration over.
Wrong passwords from one address (sipp as the phone) get that address blocked for a while, while
a phone at another address still registers.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import socket

import pytest

from ivr.config import Config
from ivr.ops import kamailio, sipprobe
from ivr.ops.kamailio import staff_ha1

from .conftest import Front
from .test_staff_auth import PASSWORD, _sipp

pytestmark = pytest.mark.slow

USER = "doctor-an"
FAIL_LIMIT = 5  # kamailio.AUTH_FAIL_LIMIT


@pytest.fixture
def sip_cfg(sip_cfg: Config) -> Config:
    return sip_cfg.replace(sip_staff_ha1=(f"{USER}:{staff_ha1(USER, PASSWORD)}",))


def _md5(text: str) -> str:
    return hashlib.md5(text.encode()).hexdigest()  # SIP digest is MD5


class Phone:
    """A SIP phone at ``ip`` over a plain UDP socket, answering digest challenges itself."""

    def __init__(self, cfg: Config, ip: str):
        self.cfg = cfg
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind((ip, 0))
        self.local = self.sock.getsockname()
        self.uri = f"sip:127.0.0.1:{cfg.sip_port}"

    def close(self) -> None:
        self.sock.close()

    def send(self, text: str) -> sipprobe.Reply | None:
        self.sock.sendto(text.encode(), ("127.0.0.1", self.cfg.sip_port))
        self.sock.settimeout(5)
        try:
            return sipprobe.parse_reply(self.sock.recvfrom(65535)[0])
        except TimeoutError:
            return None

    def register(self, *, authorization: str | None = None, cseq: int = 1) -> str:
        extra = (f"Authorization: {authorization}",) if authorization else ()
        return sipprobe.build_request("REGISTER", self.uri, local=self.local, to_uri=f"sip:{USER}@127.0.0.1",
                                      from_user=USER, contact=f"sip:{USER}@{self.local[0]}:{self.local[1]}",
                                      expires=300, cseq=cseq, extra=extra)

    def authorization(self, challenge: sipprobe.Reply, password: str) -> str:
        header = challenge.header("WWW-Authenticate") or ""
        params = dict(re.findall(r'(\w+)="?([^",]*)"?', header))
        ha1 = _md5(f"{USER}:{params['realm']}:{password}")
        ha2 = _md5(f"REGISTER:{self.uri}")
        auth = (f'Digest username="{USER}", realm="{params["realm"]}", nonce="{params["nonce"]}", '
                f'uri="{self.uri}", algorithm=MD5')
        if "auth" in params.get("qop", "").split(","):
            cnonce = secrets.token_hex(8)
            response = _md5(f"{ha1}:{params['nonce']}:00000001:{cnonce}:auth:{ha2}")
            return auth + f', response="{response}", qop=auth, nc=00000001, cnonce="{cnonce}"'
        return auth + f', response="{_md5(ha1 + ":" + params["nonce"] + ":" + ha2)}"'

    def register_with(self, password: str) -> tuple[sipprobe.Reply | None, str]:
        """REGISTER, answer the challenge; the final reply and the Authorization sent."""
        challenge = self.send(self.register())
        if challenge is None or challenge.status != 401:
            return challenge, ""
        authorization = self.authorization(challenge, password)
        return self.send(self.register(authorization=authorization, cseq=2)), authorization


def _registered_contact(front: Front) -> str:
    return kamailio.rpc(kamailio.KamailioFiles.for_config(front.cfg), "ul.lookup", "location", USER)


def test_a_replayed_register_does_not_move_a_doctors_registration(kamailio_front: Front) -> None:
    phone = Phone(kamailio_front.cfg, "127.0.0.2")
    eavesdropper = Phone(kamailio_front.cfg, "127.0.0.3")
    try:
        reply, authorization = phone.register_with(PASSWORD)
        assert reply is not None and reply.status == 200, reply
        # the sniffed Authorization, replayed with the eavesdropper's own Contact (a new transaction)
        replayed = eavesdropper.send(eavesdropper.register(authorization=authorization, cseq=3))
        assert replayed is not None and replayed.status == 401, replayed  # nc replayed: a stale nonce
        assert f"sip:{USER}@127.0.0.2:" in _registered_contact(kamailio_front)
        assert "127.0.0.3" not in _registered_contact(kamailio_front)
        assert "qop=auth" in authorization  # the challenge asked for qop (nonce counting)
        # the phone itself registers again with a fresh challenge
        reply, _ = phone.register_with(PASSWORD)
        assert reply is not None and reply.status == 200, reply
    finally:
        phone.close()
        eavesdropper.close()


def test_wrong_passwords_block_the_address_but_not_other_phones(kamailio_front: Front) -> None:
    cfg = kamailio_front.cfg
    values = {"USER": USER, "PASSWORD": "sai-mat-khau", "CONTACT_PORT": "5062", "FINAL": "401"}
    for _ in range(FAIL_LIMIT):
        rc, text = _sipp(cfg, "uac_register_staff_auth.xml", values, local_ip="127.0.0.2")
        assert rc == 0, text  # each wrong password is challenged again
    guesser = Phone(cfg, "127.0.0.2")
    try:
        blocked = guesser.send(guesser.register())  # even the right password is refused now
        assert blocked is not None and blocked.status == 403, blocked
        reply, _ = guesser.register_with(PASSWORD)
        assert reply is not None and reply.status == 403, reply
    finally:
        guesser.close()
    log = kamailio_front.log.read_text(errors="replace")
    assert "staff phone registrations from 127.0.0.2 blocked" in log
    rc, text = _sipp(cfg, "uac_register_staff_auth.xml", {**values, "PASSWORD": PASSWORD, "FINAL": "200"},
                     local_ip="127.0.0.3")
    assert rc == 0, text  # a phone elsewhere is not affected
    assert f"sip:{USER}@127.0.0.3:5062" in _registered_contact(kamailio_front)
    assert kamailio.AUTH_FAIL_LIMIT == FAIL_LIMIT
