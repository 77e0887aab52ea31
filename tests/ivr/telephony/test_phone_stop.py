"""Stopping a worker's phone is bounded, whatever its registrar does (pyVoIP retries a deregistration
answered 500 every 5 s, forever): a real UDP registrar on another loopback address that accepts the
registration and then answers every deregistration 500."""
from __future__ import annotations

import logging
import socket
import threading
import time
from collections.abc import Iterator

import pytest
from pyVoIP.VoIP.status import PhoneStatus

from ivr.telephony import phone
from tests.conftest import free_port


class Registrar:
    """REGISTER with Expires > 0: 200; with Expires: 0: ``dereg_status`` (every time)."""

    def __init__(self, dereg_status: int) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.2", 0))
        self.sock.settimeout(0.2)
        self.port = self.sock.getsockname()[1]
        self.dereg_status = dereg_status
        self.deregistrations = 0
        self.running = True
        self.thread = threading.Thread(target=self._run, daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while self.running:
            try:
                data, peer = self.sock.recvfrom(65535)
            except (TimeoutError, OSError):
                continue
            text = data.decode("utf8", "replace")
            if not text.startswith("REGISTER "):
                continue
            headers = {}
            for line in text.split("\r\n")[1:]:
                name, sep, value = line.partition(":")
                if sep:
                    headers.setdefault(name.strip().lower(), value.strip())
            expires = headers.get("expires", "120")
            if expires == "0":
                self.deregistrations += 1
                status, reason = self.dereg_status, "Server Internal Error" if self.dereg_status == 500 else "OK"
            else:
                status, reason = 200, "OK"
            reply = (f"SIP/2.0 {status} {reason}\r\nVia: {headers['via']}\r\nFrom: {headers['from']}\r\n"
                     f"To: {headers['to']};tag=reg1\r\nCall-ID: {headers['call-id']}\r\nCSeq: {headers['cseq']}\r\n"
                     f"Contact: {headers.get('contact', '<sip:x@127.0.0.1>')};expires={expires}\r\n"
                     f"Content-Length: 0\r\n\r\n")
            try:
                self.sock.sendto(reply.encode("utf8"), peer)
            except OSError:
                pass

    def close(self) -> None:
        self.running = False
        self.thread.join(timeout=2)
        self.sock.close()


def _registered(dereg_status: int) -> tuple[phone.WorkerPhone, Registrar]:
    registrar = Registrar(dereg_status=dereg_status)
    rtp = free_port(socket.SOCK_DGRAM)
    p = phone.WorkerPhone(server="127.0.0.2", port=registrar.port, username="worker0", password="",
                          my_ip="127.0.0.1", sip_port=free_port(socket.SOCK_DGRAM), rtp_low=rtp, rtp_high=rtp,
                          max_calls=1, on_call=lambda line: None)
    p.start_registered(timeout_s=10)
    return p, registrar


@pytest.fixture
def registered() -> Iterator[tuple[phone.WorkerPhone, Registrar]]:
    p, registrar = _registered(500)
    yield p, registrar
    registrar.close()


class _EndedMeanwhile:
    """A call whose thread ended it (and left ``calls``) while stop() went through them."""

    call_id = "ended-meanwhile"

    def __init__(self, calls: dict[str, object]) -> None:
        self.calls = calls

    def hangup(self) -> None:
        del self.calls["gone"]
        raise KeyError("gone")


def test_a_call_ending_during_stop_does_not_skip_the_deregistration() -> None:
    p, registrar = _registered(200)
    try:
        p.calls["ended-meanwhile"] = _EndedMeanwhile(p.calls)  # type: ignore[assignment]
        p.calls["gone"] = _EndedMeanwhile(p.calls)  # type: ignore[assignment]
        p.stop(timeout_s=5.0)
        assert registrar.deregistrations == 1
        assert p.get_status() == PhoneStatus.INACTIVE
        assert p.sip.s.fileno() == -1
    finally:
        registrar.close()


def test_a_registrar_that_refuses_deregistration_cannot_hold_the_worker(registered, caplog) -> None:
    p, registrar = registered
    assert p.get_status() == PhoneStatus.REGISTERED
    started = time.monotonic()
    with caplog.at_level(logging.ERROR, logger="ivr.telephony.phone"):
        p.stop(timeout_s=2.0)
    took = time.monotonic() - started
    assert took < 4.0, took
    assert registrar.deregistrations >= 1  # it did try, and was answered 500
    assert p.get_status() == PhoneStatus.INACTIVE
    assert any("stopping took over 2 s" in r.getMessage() and "deregist" in r.getMessage()
               for r in caplog.records)
    assert p.sip.s.fileno() == -1  # the SIP socket is closed: the port is free for a restarted worker
    timer = p.sip.registerThread  # pyVoIP's non-daemon re-registration timer would hold the process ~115 s
    assert timer is not None
    timer.join(timeout=2.0)
    assert not timer.is_alive()
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        sock.bind(("127.0.0.1", p.sip.myPort))
    finally:
        sock.close()


def test_a_client_already_marked_stopped_leaves_no_reregistration_timer() -> None:
    """pyVoIP's own stop returns at once when its SIP client is already marked stopped (NSD false, as after a
    failure) and leaves the non-daemon re-registration timer running: the worker's stop cancels it."""
    p, registrar = _registered(200)
    try:
        timer = p.sip.registerThread
        assert timer is not None and timer.is_alive()
        p.sip.NSD = False
        p.stop(timeout_s=2.0)
        timer.join(timeout=2.0)
        assert not timer.is_alive()
        assert p.sip.s.fileno() == -1
    finally:
        registrar.close()
