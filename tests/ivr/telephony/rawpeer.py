"""A caller made of raw UDP sockets on any loopback address (127.0.0.2, 127.0.0.3, ...), for the hostile-network
tests: it sends exactly the INVITE it is given (any SDP, even a broken one), reads every reply, ACKs, and once
answered streams PCMU to the worker's RTP port every 20 ms while timing every RTP packet the worker sends back.

Traffic goes to loopback only; every socket is closed by ``close()``.
"""
from __future__ import annotations

import re
import secrets
import socket
import struct
import threading
import time
from dataclasses import dataclass, field

from ivr.telephony.rtp import RtpHeader

DTMF_EVENTS = "0123456789*#ABCD"
_SILENCE_ULAW = b"\xff" * 160


def offer(ip: str, port: int) -> bytes:
    """A sipp-like PCMU/PCMA + telephone-event offer."""
    return (f"v=0\r\no=peer 1 1 IN IP4 {ip}\r\ns=-\r\nc=IN IP4 {ip}\r\nt=0 0\r\n"
            f"m=audio {port} RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
            f"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n").encode()


def dtmf_packets(digit: str, *, ssrc: int, seq: int, ts: int, pt: int = 101) -> list[bytes]:
    """One RFC 4733 key press: 8 packets of growing duration, then three end packets."""
    event = DTMF_EVENTS.index(digit)
    out = []
    for i in range(8):
        out.append(bytes(RtpHeader(payload_type=pt, sequence_number=(seq + i) & 0xFFFF, timestamp=ts, ssrc=ssrc,
                                   marker=i == 0)) + struct.pack("!BBH", event, 10, 160 * (i + 1)))
    for j in range(3):
        out.append(bytes(RtpHeader(payload_type=pt, sequence_number=(seq + 8 + j) & 0xFFFF, timestamp=ts,
                                   ssrc=ssrc)) + struct.pack("!BBH", event, 0x80 | 10, 160 * 8))
    return out


@dataclass
class Reply:
    status: int
    text: str

    def header(self, name: str) -> list[str]:
        return re.findall(rf"(?im)^{re.escape(name)}[ \t]*:[ \t]*(.*?)\r?$", self.text.partition("\r\n\r\n")[0])

    @property
    def body(self) -> str:
        return self.text.partition("\r\n\r\n")[2]


@dataclass
class RawCaller:
    front: tuple[str, int]  # the SIP front (Kamailio) the INVITE goes to
    ip: str = "127.0.0.2"
    user: str = "0912000001"
    replies: list[Reply] = field(default_factory=list)
    received: list[float] = field(default_factory=list)  # arrival times of the worker's RTP packets
    worker_media: tuple[str, int] | None = None  # the worker's RTP address from its answer

    def __post_init__(self) -> None:
        self.sip = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sip.bind((self.ip, 0))
        self.rtp = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.rtp.bind((self.ip, 0))
        self.sip_port = self.sip.getsockname()[1]
        self.rtp_port = self.rtp.getsockname()[1]
        self.call_id = f"{secrets.token_hex(10)}@{self.ip}"
        self._tag = secrets.token_hex(4)
        self._branch = ""
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._send_lock = threading.Lock()
        self._seq, self._ts, self._ssrc = 1, 0, secrets.randbits(32)

    # --- SIP --------------------------------------------------------------------------------------
    def invite_text(self, body: bytes | None, *, content_type: str = "application/sdp") -> bytes:
        self._branch = "z9hG4bK" + secrets.token_hex(8)
        host, port = self.front
        head = [f"INVITE sip:hotline@{host}:{port} SIP/2.0",
                f"Via: SIP/2.0/UDP {self.ip}:{self.sip_port};rport;branch={self._branch}",
                "Max-Forwards: 70",
                f'From: "peer" <sip:{self.user}@{self.ip}:{self.sip_port}>;tag={self._tag}',
                f"To: <sip:hotline@{host}:{port}>",
                f"Call-ID: {self.call_id}",
                "CSeq: 1 INVITE",
                f"Contact: <sip:{self.user}@{self.ip}:{self.sip_port}>"]
        body = b"" if body is None else body
        if body:
            head.append(f"Content-Type: {content_type}")
        head.append(f"Content-Length: {len(body)}")
        return ("\r\n".join(head) + "\r\n\r\n").encode() + body

    def invite(self, body: bytes | None = b"", *, timeout_s: float = 6.0) -> Reply | None:
        """Send an INVITE (``b""``: the normal offer for this caller's RTP socket); return the final reply or None
        when none came within ``timeout_s``. Retransmitted until a reply comes (0.5 s, 1 s, 2 s...); a 2xx starts the
        media thread; every final reply is ACKed."""
        if body == b"":
            body = offer(self.ip, self.rtp_port)
        request = self.invite_text(body)
        self.sip.sendto(request, self.front)
        self.sip.settimeout(0.1)
        deadline = time.monotonic() + timeout_s
        resend_in, resend_at, heard = 0.5, time.monotonic() + 0.5, False
        while time.monotonic() < deadline:
            if not heard and time.monotonic() >= resend_at:  # UDP: retransmit until something comes back (timer A)
                self.sip.sendto(request, self.front)
                resend_in *= 2
                resend_at = time.monotonic() + resend_in
            try:
                data = self.sip.recv(65535)
            except TimeoutError:
                continue
            reply = _reply(data)
            if reply is None or self.call_id not in reply.text:
                continue
            self.replies.append(reply)
            heard = True
            if reply.status >= 200:
                self._ack(reply)
                if reply.status < 300:
                    self._start_media(reply)
                return reply
        return None

    def _ack(self, reply: Reply) -> None:
        to = reply.header("To")[0] if reply.header("To") else f"<sip:hotline@{self.front[0]}>"
        host, port = self.front
        if reply.status >= 300:  # hop by hop: same branch, same Request-URI
            ruri, branch, routes = f"sip:hotline@{host}:{port}", self._branch, []
        else:
            contact = re.search(r"<([^>]+)>", (reply.header("Contact") or [""])[0])
            ruri = contact.group(1) if contact else f"sip:hotline@{host}:{port}"
            branch = "z9hG4bK" + secrets.token_hex(8)
            routes = [r.strip() for rr in reversed(reply.header("Record-Route")) for r in reversed(rr.split(","))]
        lines = [f"ACK {ruri} SIP/2.0", f"Via: SIP/2.0/UDP {self.ip}:{self.sip_port};rport;branch={branch}",
                 *(f"Route: {r}" for r in routes), "Max-Forwards: 70",
                 f'From: "peer" <sip:{self.user}@{self.ip}:{self.sip_port}>;tag={self._tag}', f"To: {to}",
                 f"Call-ID: {self.call_id}", "CSeq: 1 ACK", "Content-Length: 0"]
        self.sip.sendto(("\r\n".join(lines) + "\r\n\r\n").encode(), self.front)

    # --- media ------------------------------------------------------------------------------------
    def _start_media(self, reply: Reply) -> None:
        c = re.search(r"(?m)^c=IN IP4 ([0-9.]+)", reply.body)
        m = re.search(r"(?m)^m=audio (\d+) ", reply.body)
        assert c and m, reply.text
        self.worker_media = (c.group(1), int(m.group(1)))
        self.rtp.settimeout(0.005)
        self._thread = threading.Thread(target=self._media, name=f"peer-{self.ip}", daemon=True)
        self._thread.start()

    def _media(self) -> None:
        assert self.worker_media is not None
        next_at = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_at:
                self._send(_SILENCE_ULAW, pt=0)
                next_at += 0.02
                if now - next_at > 0.2:
                    next_at = now
            try:
                data, src = self.rtp.recvfrom(2048)
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                return
            if src == self.worker_media and len(data) >= 12:
                self.received.append(time.monotonic())

    def _send(self, payload: bytes, *, pt: int) -> None:
        assert self.worker_media is not None
        with self._send_lock:
            packet = bytes(RtpHeader(payload_type=pt, sequence_number=self._seq & 0xFFFF,
                                     timestamp=self._ts & 0xFFFFFFFF, ssrc=self._ssrc)) + payload
            self._seq += 1
            self._ts += 160
            try:
                self.rtp.sendto(packet, self.worker_media)
            except OSError:
                pass

    def press(self, digit: str) -> None:
        """A key press from this caller's own RTP socket (its negotiated address)."""
        assert self.worker_media is not None
        with self._send_lock:
            packets = dtmf_packets(digit, ssrc=self._ssrc, seq=self._seq, ts=self._ts)
            self._seq += len(packets)
            self._ts += 160 * 8
        for p in packets:
            self.rtp.sendto(p, self.worker_media)
            time.sleep(0.02)

    def rate(self, since: float, until: float | None = None) -> float:
        """RTP packets per second received from the worker between two monotonic times."""
        until = time.monotonic() if until is None else until
        n = sum(1 for t in list(self.received) if since <= t < until)
        return n / max(until - since, 1e-6)

    def per_second(self, since: float, until: float) -> list[int]:
        """Packets received from the worker in each whole second of [since, until)."""
        times = list(self.received)
        return [sum(1 for t in times if since + i <= t < since + i + 1) for i in range(int(until - since))]

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=2)
        self.sip.close()
        self.rtp.close()


def _reply(data: bytes) -> Reply | None:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    m = re.match(r"SIP/2\.0 (\d{3}) ", text)
    return Reply(status=int(m.group(1)), text=text) if m else None
