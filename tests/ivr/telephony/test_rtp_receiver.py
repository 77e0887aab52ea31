"""One receiver thread reads every call's RTP socket (ivr.telephony.phone.RtpReceiver), real UDP on loopback."""
from __future__ import annotations

import socket
import threading
import time

from ivr.telephony.phone import RtpReceiver


class Client:
    def __init__(self) -> None:
        self.sin = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sin.bind(("127.0.0.1", 0))
        self.NSD = True
        self.got: list[bytes] = []

    def take_packets(self) -> None:
        while True:
            try:
                self.got.append(self.sin.recv(2048))
            except BlockingIOError:
                return

    def stop(self, receiver: RtpReceiver) -> None:
        self.NSD = False
        receiver.remove(self)
        self.sin.close()


def wait_for(cond, timeout: float = 2.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.01)
    return cond()


def test_every_call_is_read_by_one_thread_and_a_stopped_call_is_dropped() -> None:
    receiver = RtpReceiver()
    clients = [Client() for _ in range(3)]
    before = threading.active_count()
    for c in clients:
        receiver.add(c)
    assert threading.active_count() == before + 1
    out = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i, c in enumerate(clients):
        for n in range(5):
            out.sendto(bytes([i, n]), c.sin.getsockname())
    assert wait_for(lambda: all(len(c.got) == 5 for c in clients))
    assert clients[1].got == [bytes([1, n]) for n in range(5)]  # in order, nothing lost
    clients[0].stop(receiver)  # closed while the receiver waits: no error, the others go on
    out.sendto(b"late", clients[2].sin.getsockname())
    assert wait_for(lambda: clients[2].got[-1:] == [b"late"])
    assert len(receiver) == 2
    for c in clients[1:]:
        c.stop(receiver)
    assert wait_for(lambda: threading.active_count() == before, timeout=3)  # the thread ends with the last call
    out.close()


def test_a_call_stopped_before_its_receiver_started_is_not_added() -> None:
    receiver = RtpReceiver()
    c = Client()
    c.NSD = False
    receiver.add(c)
    assert len(receiver) == 0
    c.sin.close()
