"""One call's media never touches another's (issue 11, findings 2 and 3), on real loopback sockets:
the pacer and the receiver drop a call whose RTP raises and keep the others going; a call's RTP client takes
packets only from the address its peer's SDP negotiated."""
from __future__ import annotations

import logging
import socket
import struct
import threading
import time

import pytest
from pyVoIP import RTP

from ivr.telephony.phone import CompatRTPClient, RtpPacer, RtpReceiver
from ivr.telephony.rtp import RtpHeader


def wait_for(cond, timeout: float = 2.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return bool(cond())


class Sender:
    def __init__(self, error: BaseException | None = None) -> None:
        self.sent = 0
        self.NSD = True
        self.call_id = f"call-{id(self)}"
        self.media_error = ""
        self.error = error

    def send_next(self) -> bool:
        if self.error is not None:
            raise self.error
        self.sent += 1
        return self.NSD


def test_a_call_whose_sending_raises_is_dropped_and_the_others_keep_their_rate(
        caplog: pytest.LogCaptureFixture) -> None:
    pacer = RtpPacer()
    good = Sender()
    bad = Sender(OverflowError("getsockaddrarg: port must be 0-65535."))
    pacer.add(good)
    pacer.add(bad)
    with caplog.at_level(logging.ERROR, logger="ivr.telephony.phone"):
        time.sleep(0.5)
    assert 20 <= good.sent <= 30  # ~25 in 0.5 s: the pacer never stopped
    assert pacer.failures == 1 and len(pacer) == 1
    assert bad.media_error == "sending: OverflowError: getsockaddrarg: port must be 0-65535."
    assert [r.getMessage() for r in caplog.records] == [  # logged once, naming the call
        (f"call {bad.call_id}: RTP sending failed, this call's media is dropped: "
         "OverflowError: getsockaddrarg: port must be 0-65535.")]
    good.NSD = False
    assert wait_for(lambda: len(pacer) == 0)


class Reader:
    def __init__(self, *, explode: bool = False) -> None:
        self.sin = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sin.bind(("127.0.0.1", 0))
        self.NSD = True
        self.call_id = "reader"
        self.media_error = ""
        self.explode = explode
        self.got: list[bytes] = []

    def take_packets(self) -> None:
        while True:
            try:
                data = self.sin.recv(2048)
            except BlockingIOError:
                return
            if self.explode:
                raise RuntimeError("boom")
            self.got.append(data)


def test_a_call_whose_reading_raises_is_dropped_and_the_others_keep_reading() -> None:
    receiver = RtpReceiver()
    good, bad = Reader(), Reader(explode=True)
    receiver.add(good)
    receiver.add(bad)
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as out:
        out.bind(("127.0.0.2", 0))
        out.sendto(b"x", bad.sin.getsockname())
        assert wait_for(lambda: receiver.failures == 1)
        for n in range(5):
            out.sendto(bytes([n]), good.sin.getsockname())
        assert wait_for(lambda: len(good.got) == 5)
    assert len(receiver) == 1 and bad.media_error == "receiving: RuntimeError: boom"
    for r in (good, bad):
        r.NSD = False
        receiver.remove(r)
        r.sin.close()


def _free_port(ip: str) -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((ip, 0))
        return int(s.getsockname()[1])


def _key(digit_event: int, *, ssrc: int, seq: int, ts: int) -> bytes:
    return bytes(RtpHeader(payload_type=101, sequence_number=seq, timestamp=ts, ssrc=ssrc, marker=True)) + \
        struct.pack("!BBH", digit_event, 10, 160)


def test_rtp_from_anywhere_but_the_negotiated_address_is_dropped_counted_and_logged(
        caplog: pytest.LogCaptureFixture) -> None:
    peer = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)  # the caller, at the address of its SDP
    peer.bind(("127.0.0.2", 0))
    stranger = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    stranger.bind(("127.0.0.3", 0))
    keys: list[str] = []
    port = _free_port("127.0.0.1")
    client = CompatRTPClient({0: RTP.PayloadType.PCMU, 101: RTP.PayloadType.EVENT}, "127.0.0.1", port, "127.0.0.2",
                             peer.getsockname()[1], RTP.TransmitType.SENDRECV, dtmf=keys.append, call_id="c-1")
    client.start()
    got = threading.Event()
    try:
        for i in range(3):  # a stranger's key "1" and audio
            stranger.sendto(_key(1, ssrc=9, seq=i, ts=1000 * (i + 1)), ("127.0.0.1", port))
            stranger.sendto(bytes(RtpHeader(payload_type=0, sequence_number=50 + i, timestamp=160 * i, ssrc=9))
                            + b"\x00" * 160, ("127.0.0.1", port))
        peer.sendto(_key(2, ssrc=7, seq=1, ts=8000), ("127.0.0.1", port))  # the caller's own key "2"
        assert wait_for(lambda: keys == ["2"] and client.foreign_packets == 6)
        got.set()
        assert client.pmin.pop() is None  # no audio came in from the stranger
        with caplog.at_level(logging.WARNING, logger="ivr.telephony.phone"):
            client.stop()
            client.stop()
        assert [r.getMessage() for r in caplog.records] == [
            ("call c-1: dropped 6 RTP packets from addresses other than the negotiated 127.0.0.2 "
             f"(from 127.0.0.3:{stranger.getsockname()[1]})")]
    finally:
        if not got.is_set():
            client.stop()
        peer.close()
        stranger.close()
