"""One pacer thread sends every call's RTP (ivr.telephony.phone.RtpPacer), with stand-in RTP clients."""
from __future__ import annotations

import time

from ivr.telephony.phone import RtpPacer


class Client:
    def __init__(self) -> None:
        self.sent: list[float] = []
        self.NSD = True

    def send_next(self) -> bool:
        if not self.NSD:
            return False
        self.sent.append(time.monotonic())
        return True


def test_every_call_gets_a_packet_every_20_ms_from_one_thread() -> None:
    pacer = RtpPacer()
    clients = [Client() for _ in range(5)]
    threads = set()
    for c in clients:  # (counting every thread of the process was flaky: other tests' threads still ending)
        pacer.add(c)
        threads.add(pacer._thread)
    (thread,) = threads  # one thread for all calls
    assert thread is not None and thread.is_alive() and thread.name == "rtp-pacer"
    time.sleep(0.5)
    for c in clients:
        c.NSD = False
    time.sleep(0.1)
    for c in clients:
        assert 15 <= len(c.sent) <= 30  # ~25 packets in 0.5 s, on an absolute schedule
        gaps = [b - a for a, b in zip(c.sent, c.sent[1:])]
        assert abs(sum(gaps) / len(gaps) - 0.02) < 0.005
    assert len(pacer) == 0  # stopped calls are dropped and the thread ends with the last one
    thread.join(timeout=1)
    assert pacer._thread is None and not thread.is_alive()


def test_a_stopped_call_leaves_the_others_running() -> None:
    pacer = RtpPacer()
    a, b = Client(), Client()
    pacer.add(a)
    pacer.add(b)
    time.sleep(0.1)
    a.NSD = False
    time.sleep(0.1)
    assert len(pacer) == 1
    sent = len(b.sent)
    time.sleep(0.1)
    assert len(b.sent) > sent
    b.NSD = False
    time.sleep(0.1)
    assert len(pacer) == 0
