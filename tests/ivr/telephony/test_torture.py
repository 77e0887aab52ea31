"""Robustness of the running hotline: RFC 4475 torture messages, broken datagrams and broken RTP.

A real Kamailio (project template) and a real ``ivr sip-worker`` on free loopback
ports. Every message goes to 127.0.0.1 only; counts and durations are bounded.
Afterwards both processes must be alive and an ordinary sipp call must succeed.
"""
from __future__ import annotations

import socket
import struct
import subprocess
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from ivr import ROOT
from ivr.ops import sipprobe
from ivr.store.database import Database
from ivr.store.models import Call

from .conftest import Front, Workers

pytestmark = pytest.mark.slow

TORTURE = ROOT / "tests" / "data" / "sip-torture"  # a copy of ../shared/reference/sip-torture (README inside)
FRONT = Path(__file__).resolve().parent / "front"
HOST = "127.0.0.1"


def udp_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


def blast(port: int, datagrams: list[bytes], *, wait_s: float = 0.05) -> list[bytes]:
    """Send each datagram from one loopback socket, collecting whatever comes back."""
    replies: list[bytes] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind((HOST, 0))
        s.settimeout(wait_s)
        for data in datagrams:
            s.sendto(data, (HOST, port))
            try:
                while True:
                    replies.append(s.recvfrom(65535)[0])
            except OSError:
                pass
    return replies


def sipp_call(front: Front, folder: Path, scenario: Path, *, hold_ms: int = 1500) -> subprocess.CompletedProcess[str]:
    folder.mkdir(parents=True, exist_ok=True)
    return subprocess.run(
        ["sipp", f"{HOST}:{front.cfg.sip_port}", "-sf", str(scenario), "-s", "hotline", "-i", HOST,
         "-p", str(udp_port()), "-mp", str(udp_port()), "-m", "1", "-d", str(hold_ms), "-nostdin",
         "-timeout", "40s", "-timeout_error", "-trace_err"],
        cwd=folder, check=False, capture_output=True, text=True, timeout=60)


def assert_alive(front: Front, workers: Workers) -> None:
    assert front.proc.poll() is None, "kamailio died"
    for w in workers.started:
        assert w.proc.poll() is None, f"worker{w.index} died:\n{w.text()[-2000:]}"
    assert sipprobe.options(HOST, front.cfg.sip_port) == 200


# --- broken RTP, as a pcap sipp plays into the worker's RTP port -------------------------------------------------

def _pcap(packets: list[tuple[float, bytes]]) -> bytes:
    def frame(payload: bytes) -> bytes:
        udp = struct.pack("!HHHH", 6000, 6001, 8 + len(payload), 0) + payload
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0,
                         bytes([127, 0, 0, 1]), bytes([127, 0, 0, 1]))
        return b"\0" * 12 + b"\x08\x00" + ip + udp

    out = [struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1)]
    for t, payload in packets:
        f = frame(payload)
        out.append(struct.pack("<IIII", int(t), round((t % 1) * 1e6) % 1_000_000, len(f), len(f)) + f)
    return b"".join(out)


def broken_rtp() -> bytes:
    """3 s of abuse: wrong payload types, sequence and timestamp jumps, gaps, runts, bad versions."""
    ssrc = 0x0BADF00D
    tone = bytes(((i * 37) % 256) for i in range(160))
    packets: list[tuple[float, bytes]] = []
    seq, ts, t = 100, 0, 0.0

    def add(payload: bytes, *, pt: int = 0, first: int = 0x80) -> None:
        nonlocal seq, ts, t
        packets.append((t, struct.pack("!BBHII", first, pt, seq & 0xFFFF, ts & 0xFFFFFFFF, ssrc) + payload))
        seq, ts, t = seq + 1, ts + 160, t + 0.02

    for _ in range(20):
        add(tone)  # a normal start
    for pt in (8, 13, 18, 96, 101, 127, 34, 3):  # PCMA (not offered), CN, G.729, dynamic, DTMF garbage, ...
        for _ in range(5):
            add(tone if pt != 101 else b"\x01\x02", pt=pt)
    seq += 30_000  # sequence jump
    ts += 8000 * 3600  # timestamp jump (an hour)
    for _ in range(10):
        add(tone)
    for i in range(40):  # 50 % loss
        if i % 2:
            add(tone)
        else:
            seq, ts, t = seq + 1, ts + 160, t + 0.02
    seq = 0xFFF0  # wrap-around
    for _ in range(40):
        add(tone)
    add(b"", first=0x80)  # header only
    add(tone, first=0x8F)  # claims 15 CSRCs
    add(tone, first=0xA0)  # padding bit with a bogus pad count (last byte)
    add(tone, first=0x90)  # extension bit without an extension
    add(tone, first=0x40)  # RTP version 1
    add(tone * 7)  # 1120-byte payload (sipp replays at most ~1500-byte frames)
    packets.append((t, b"\x80"))  # 1-byte runt
    t += 0.02
    for _ in range(20):
        add(tone)  # and normal again
    return _pcap(packets)


RTP_SCENARIO = """<?xml version="1.0" encoding="ISO-8859-1" ?>
<!DOCTYPE scenario SYSTEM "sipp.dtd">
<scenario name="torture_rtp">
  <send retrans="500"><![CDATA[
INVITE sip:[service]@[remote_ip]:[remote_port] SIP/2.0
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "sipp" <sip:torture@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>
Call-ID: [call_id]
CSeq: 1 INVITE
Contact: <sip:torture@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Type: application/sdp
Content-Length: [len]

v=0
o=user1 53655765 2353687637 IN IP[local_ip_type] [local_ip]
s=-
c=IN IP[media_ip_type] [media_ip]
t=0 0
m=audio [media_port] RTP/AVP 0 101
a=rtpmap:0 PCMU/8000
a=rtpmap:101 telephone-event/8000
a=fmtp:101 0-15
a=ptime:20
a=sendrecv

]]></send>
  <recv response="100" optional="true"/>
  <recv response="180" optional="true"/>
  <recv response="200" rrs="true"/>
  <send><![CDATA[
ACK [next_url] SIP/2.0
[routes]
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "sipp" <sip:torture@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 1 ACK
Contact: <sip:torture@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <nop><action><exec play_pcap_audio="PCAP_PATH"/></action></nop>
  <pause milliseconds="3500"/>
  <send retrans="500"><![CDATA[
BYE [next_url] SIP/2.0
[routes]
Via: SIP/2.0/[transport] [local_ip]:[local_port];branch=[branch]
From: "sipp" <sip:torture@[local_ip]:[local_port]>;tag=[pid]SIPpTag00[call_number]
To: <sip:[service]@[remote_ip]:[remote_port]>[peer_tag_param]
Call-ID: [call_id]
CSeq: 2 BYE
Contact: <sip:torture@[local_ip]:[local_port]>
Max-Forwards: 70
Content-Length: 0

]]></send>
  <recv response="200" crlf="true"/>
</scenario>
"""


# --- the test ---------------------------------------------------------------------------------------------------

def test_torture_messages_broken_datagrams_and_rtp_leave_the_hotline_working(
        kamailio_front: Front, workers: Workers, db: Database, tmp_path: Path) -> None:
    workers.start(0)
    assert sipprobe.wait_for_status(HOST, kamailio_front.cfg.sip_port, 200, timeout=20) == 200

    # 1. the 50 RFC 4475 messages, one by one
    assert TORTURE.is_dir(), f"{TORTURE} is missing"
    messages = sorted(TORTURE.glob("*.dat"))
    assert len(messages) == 50
    replies = blast(kamailio_front.cfg.sip_port, [m.read_bytes() for m in messages])
    (tmp_path / "torture-replies.txt").write_bytes(b"\n----\n".join(replies))
    statuses = [r.split(b" ", 2)[1] for r in replies if r.startswith(b"SIP/2.0 ")]
    assert all(s.isdigit() for s in statuses)
    assert_alive(kamailio_front, workers)

    # 2. truncated, oversized, empty and binary datagrams
    invite = sipprobe.build_request("INVITE", f"sip:hotline@{HOST}:{kamailio_front.cfg.sip_port}",
                                    local=(HOST, 9), contact=f"sip:x@{HOST}:9",
                                    sdp=True).encode()
    broken = [invite[:n] for n in (1, 7, 20, 64, len(invite) // 2, len(invite) - 3)]
    broken += [
        b"",
        b"\x00" * 512,
        bytes(range(256)) * 4,
        invite.replace(b"Content-Length: ", b"Content-Length: 99"),
        invite.replace(b"Content-Length: ", b"Content-Length: -"),
        invite.replace(b"Content-Length: ", b"X-Pad: " + b"a" * 9000 + b"\r\nContent-Length: "),  # 9 KB
        invite.replace(b"Content-Length: ", b"X-Pad: " + b"b" * 64000 + b"\r\nContent-Length: "),  # ~UDP max
        b"OPTIONS sip:hotline@127.0.0.1 SIP/2.0\r\n" + b"Via: SIP/2.0/UDP 127.0.0.1:9\r\n" * 600 + b"\r\n",
        b"INVITE sip:hotline@127.0.0.1 SIP/2.0\r\nFrom: \xe1\xba\xb1\xff\xfe\r\n\r\n",  # not UTF-8
    ]
    blast(kamailio_front.cfg.sip_port, broken)
    assert_alive(kamailio_front, workers)

    # 3. a call that sends broken RTP to the worker
    pcap_path = tmp_path / "broken-rtp.pcap"
    pcap_path.write_bytes(broken_rtp())
    scenario = tmp_path / "torture_rtp.xml"
    scenario.write_text(RTP_SCENARIO.replace("PCAP_PATH", str(pcap_path)))
    rtp_call = sipp_call(kamailio_front, tmp_path / "sipp-rtp", scenario)
    assert rtp_call.returncode == 0, rtp_call.stdout[-2000:] + rtp_call.stderr[-2000:]
    assert_alive(kamailio_front, workers)
    deadline = time.monotonic() + 20  # the worker stored the call and closed it when the caller hung up
    while True:
        with db.session() as session:
            outcomes = [c.outcome for c in session.scalars(select(Call).where(Call.caller.contains("torture")))]
        if outcomes and "in_progress" not in outcomes or time.monotonic() > deadline:
            break
        time.sleep(0.3)
    assert len(outcomes) == 1 and outcomes[0] in ("abandoned", "hung_up")  # the caller hung up
    assert "Traceback" not in workers.started[0].text()  # no thread of the worker died on the bad RTP

    # 4. and an ordinary call still succeeds
    normal = sipp_call(kamailio_front, tmp_path / "sipp-normal", FRONT / "uac_call.xml")
    assert normal.returncode == 0, normal.stdout[-2000:] + normal.stderr[-2000:]
    assert_alive(kamailio_front, workers)
