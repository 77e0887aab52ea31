"""A tiny SIP-over-UDP client for health checks and tests: send one request, read the final reply.

Used by ``ivr up`` to report readiness (OPTIONS to ``sip:hotline@HOST``) and by
tests to register stand-in workers and probe the SIP front. It builds complete
requests itself; header values come from the caller of the function, never from
a shell.
"""
from __future__ import annotations

import secrets
import socket
import time
from dataclasses import dataclass


@dataclass(frozen=True, kw_only=True)
class Reply:
    """The status line and raw text of a SIP reply."""

    status: int
    reason: str
    text: str

    def header(self, name: str) -> str | None:
        for line in self.text.split("\r\n")[1:]:
            if not line:
                break
            key, _, value = line.partition(":")
            if key.strip().lower() == name.lower():
                return value.strip()
        return None


def parse_reply(data: bytes) -> Reply:
    text = data.decode("utf-8", errors="replace")
    first = text.split("\r\n", 1)[0]
    parts = first.split(" ", 2)
    if len(parts) < 2 or not parts[0].startswith("SIP/2.0") or not parts[1].isdigit():
        raise ValueError(f"not a SIP reply: {first[:80]!r}")
    return Reply(status=int(parts[1]), reason=parts[2] if len(parts) > 2 else "", text=text)


def build_request(method: str, uri: str, *, local: tuple[str, int], to_uri: str | None = None,
                  from_user: str = "probe", contact: str | None = None, expires: int | None = None,
                  call_id: str | None = None, cseq: int = 1, extra: tuple[str, ...] = (),
                  sdp: bool = False) -> str:
    host, port = local
    to_uri = to_uri or uri
    lines = [
        f"{method} {uri} SIP/2.0",
        f"Via: SIP/2.0/UDP {host}:{port};rport;branch=z9hG4bK{secrets.token_hex(8)}",
        "Max-Forwards: 70",
        f"From: <sip:{from_user}@{host}:{port}>;tag={secrets.token_hex(4)}",
        f"To: <{to_uri}>",
        f"Call-ID: {call_id or secrets.token_hex(12)}@{host}",
        f"CSeq: {cseq} {method}",
    ]
    if contact:
        lines.append("Contact: *" if contact == "*" else f"Contact: <{contact}>")
    if expires is not None:
        lines.append(f"Expires: {expires}")
    lines.extend(extra)
    body = ""
    if sdp:  # a PCMU offer with a discard port: enough for a proxy to route the INVITE
        body = "\r\n".join(["v=0", f"o=probe 1 1 IN IP4 {host}", "s=-", f"c=IN IP4 {host}", "t=0 0",
                             "m=audio 9 RTP/AVP 0", "a=rtpmap:0 PCMU/8000", ""])
        lines.append("Content-Type: application/sdp")
    lines.append(f"Content-Length: {len(body.encode('utf-8'))}")
    return "\r\n".join(lines) + "\r\n\r\n" + body


def request(host: str, port: int, method: str, uri: str, *, timeout: float = 2.0, **kw: object) -> Reply | None:
    """Send one request from an ephemeral loopback port; return the final reply, or None on timeout."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1" if host.startswith("127.") else "0.0.0.0", 0))
        local = sock.getsockname()
        message = build_request(method, uri, local=(local[0] if local[0] != "0.0.0.0" else host, local[1]),
                                **kw)  # type: ignore[arg-type]
        deadline = time.monotonic() + timeout
        sock.sendto(message.encode("utf-8"), (host, port))
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                return None
            sock.settimeout(left)
            try:
                data, _ = sock.recvfrom(65535)
            except (TimeoutError, ConnectionRefusedError):
                return None
            try:
                reply = parse_reply(data)
            except ValueError:
                continue
            if reply.status >= 200:
                return reply


def options(host: str, port: int, *, user: str = "hotline", timeout: float = 2.0) -> int | None:
    """Status of an OPTIONS to ``sip:USER@HOST:PORT`` (200 ready, 503 not), None when nothing answers."""
    reply = request(host, port, "OPTIONS", f"sip:{user}@{host}:{port}", timeout=timeout)
    return reply.status if reply else None


def register(host: str, port: int, *, user: str, contact: str, expires: int = 120,
             timeout: float = 2.0) -> int | None:
    """REGISTER ``user`` at the registrar with ``contact``; the reply status, None on timeout."""
    reply = request(host, port, "REGISTER", f"sip:{host}:{port}", to_uri=f"sip:{user}@{host}:{port}",
                    from_user=user, contact=contact, expires=expires, timeout=timeout)
    return reply.status if reply else None


def wait_for_status(host: str, port: int, want: int, *, timeout: float = 20.0, user: str = "hotline") -> int | None:
    """Poll OPTIONS until it answers ``want``; return the last status seen."""
    deadline = time.monotonic() + timeout
    status = None
    while time.monotonic() < deadline:
        status = options(host, port, user=user, timeout=1.0)
        if status == want:
            return status
        time.sleep(0.2)
    return status
