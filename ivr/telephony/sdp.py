"""An SDP offer's audio stream (RFC 4566 / RFC 3264), as the worker accepts it: the one SDP reader of the project.

``AudioOffer.parse(body)`` reads the raw body of an INVITE (or of a doctor's phone's 200 OK) and returns
the first ``m=audio`` stream with the address to send to; anything the hotline cannot serve safely raises
``ValueError`` with an exact message, which the worker answers ``488 Not Acceptable Here`` with that
message in a ``Warning`` header. What it refuses, and why:

* no body, not UTF-8, not ``v=0`` first, a line that is not ``<letter>=<value>``;
* no ``m=audio`` line, or one whose port is not 1-65535, whose port count is not 1, whose protocol is
  not ``RTP/AVP`` or whose payload types are not 0-127 (a port of 65536 or -5 killed the shared RTP
  pacer thread, and every call of the worker went silent);
* no ``c=`` line for the audio stream, or one that is not ``IN IP4 <unicast IPv4 literal>`` (a host name
  made the pacer resolve it for every packet it sent; multicast, 0.0.0.0 and IPv6 cannot be served);
* a malformed ``a=rtpmap`` in the audio section, or no codec the worker speaks (PCMU, PCMA at 8 kHz).

Pure: no sockets, no pyVoIP (``ivr.telephony.phone`` hands pyVoIP what this module read).
"""
from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

#: what the worker can encode and decode, in preference order (the one list: sipcompat and phone use it)
AUDIO_CODECS: tuple[str, ...] = ("PCMU", "PCMA")
STATIC_PAYLOAD_TYPES = {0: "PCMU", 3: "GSM", 4: "G723", 8: "PCMA", 9: "G722", 18: "G729"}
MAX_QUOTED = 40  # characters of an offending value quoted in a message

_LINE = re.compile(r"^([a-z])=(.*)$", re.ASCII)
_RTPMAP = re.compile(r"^(\d{1,3}) ([A-Za-z0-9_.+-]{1,32})/(\d{1,6})(?:/(\d{1,2}))?$", re.ASCII)


def _quote(value: str) -> str:
    return repr(value if len(value) <= MAX_QUOTED else value[:MAX_QUOTED] + "...")


@dataclass(frozen=True, kw_only=True)
class AudioOffer:
    """The audio stream of an SDP offer (or answer): where to send, and the payload types both sides use."""

    address: str  # the unicast IPv4 literal from the stream's (or the session's) c= line
    port: int  # 1-65535
    payload_types: tuple[int, ...]  # as offered on the m=audio line, in order
    rtpmap: tuple[tuple[int, str], ...]  # (payload type, codec name) for the payload types named (static or a=rtpmap)
    codec: str  # the first offered codec the worker speaks: "PCMU" or "PCMA"
    codec_payload_type: int
    dtmf_payload_type: int | None = None  # telephone-event/8000 (RFC 4733), when offered

    def __post_init__(self) -> None:
        if not 1 <= self.port <= 65535:
            raise ValueError(f"SDP m=audio port must be 1-65535, got {self.port}")
        _unicast_ipv4(self.address)
        if self.codec not in AUDIO_CODECS:
            raise ValueError(f"SDP codec must be one of {', '.join(AUDIO_CODECS)}, got {self.codec!r}")

    @classmethod
    def parse(cls, body: bytes) -> AudioOffer:
        if not body.strip():
            raise ValueError("SDP offer is missing (empty body)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"SDP is not UTF-8 (byte 0x{body[exc.start]:02x} at offset {exc.start})") from None
        lines = [ln for ln in re.split(r"\r?\n", text) if ln]
        parsed: list[tuple[str, str]] = []
        for number, line in enumerate(lines, 1):
            m = _LINE.match(line)
            if m is None:
                raise ValueError(f"SDP line {number} is not '<type>=<value>': {_quote(line)}")
            parsed.append((m.group(1), m.group(2)))
        if parsed[0] != ("v", "0"):
            raise ValueError(f"SDP must begin with 'v=0', got {_quote(lines[0])}")

        session_c: str | None = None
        media: list[tuple[str, list[tuple[str, str]]]] = []  # (m= value, the section's lines)
        for kind, value in parsed:
            if kind == "m":
                media.append((value, []))
            elif media:
                media[-1][1].append((kind, value))
            elif kind == "c":
                session_c = value
        audio = next(((mv, section) for mv, section in media if mv.split(" ", 1)[0] == "audio"), None)
        if audio is None:
            raise ValueError("SDP has no audio media line (m=audio)")
        m_value, section = audio

        fields = m_value.split(" ")
        if len(fields) < 4 or "" in fields:
            raise ValueError(f"SDP m=audio line is malformed: {_quote('m=' + m_value)}")
        port_text, _, count_text = fields[1].partition("/")
        if not _decimal(port_text) or not 1 <= int(port_text) <= 65535:
            raise ValueError(f"SDP m=audio port must be 1-65535, got {_quote(port_text)}")
        if count_text and count_text != "1":
            raise ValueError(f"SDP m=audio port count must be 1, got {_quote(count_text)}")
        if fields[2] != "RTP/AVP":
            raise ValueError(f"SDP m=audio protocol must be RTP/AVP, got {_quote(fields[2])}")
        payload_types: list[int] = []
        for token in fields[3:]:
            if not _decimal(token) or not 0 <= int(token) <= 127:
                raise ValueError(f"SDP m=audio payload type must be 0-127, got {_quote(token)}")
            payload_types.append(int(token))

        media_c = [value for kind, value in section if kind == "c"]
        if len(media_c) > 1:
            raise ValueError("SDP audio stream has more than one c= line")
        connection = media_c[0] if media_c else session_c
        if connection is None:
            raise ValueError("SDP has no connection line (c=) for the audio stream")
        address = _connection_address(connection)

        names = {pt: STATIC_PAYLOAD_TYPES[pt] for pt in payload_types if pt in STATIC_PAYLOAD_TYPES}
        rates: dict[int, int] = {pt: 8000 for pt in names}
        for kind, value in section:
            if kind != "a" or not value.startswith("rtpmap:"):
                continue
            m = _RTPMAP.match(value[len("rtpmap:"):])
            if m is None:
                raise ValueError(f"SDP a=rtpmap is malformed: {_quote('a=' + value)}")
            pt = int(m.group(1))
            if pt not in payload_types:
                continue  # a payload type the m= line does not offer: not part of the offer
            names[pt] = m.group(2).upper() if m.group(2).upper() in AUDIO_CODECS else m.group(2)
            rates[pt] = int(m.group(3))

        codec_pt = next((pt for pt in payload_types if names.get(pt) in AUDIO_CODECS and rates.get(pt) == 8000), None)
        if codec_pt is None:
            offered = ", ".join(f"{pt} ({names.get(pt, '?')})" for pt in payload_types[:8])
            raise ValueError(f"SDP m=audio offers no supported codec ({', '.join(AUDIO_CODECS)} at 8000 Hz): "
                             f"got {offered or 'nothing'}")
        dtmf_pt = next((pt for pt in payload_types
                        if str(names.get(pt, "")).lower() == "telephone-event" and rates.get(pt) == 8000), None)
        return cls(address=address, port=int(port_text), payload_types=tuple(payload_types),
                   rtpmap=tuple((pt, names[pt]) for pt in payload_types if pt in names),
                   codec=names[codec_pt], codec_payload_type=codec_pt, dtmf_payload_type=dtmf_pt)


def _decimal(text: str) -> bool:
    return 0 < len(text) <= 10 and text.isascii() and text.isdigit()


def _connection_address(value: str) -> str:
    fields = value.split(" ")
    if len(fields) != 3 or fields[0] != "IN":
        raise ValueError(f"SDP c= line must be 'IN IP4 <address>', got {_quote('c=' + value)}")
    if fields[1] != "IP4":
        raise ValueError(f"SDP c= address type must be IP4, got {_quote(fields[1])}")
    return _unicast_ipv4(fields[2])


def _unicast_ipv4(text: str) -> str:
    try:
        address = ipaddress.ip_address(text)
    except ValueError:
        raise ValueError(f"SDP connection address must be an IP literal, got {_quote(text)}") from None
    if address.version != 4:
        raise ValueError(f"SDP connection address must be IPv4, got {_quote(text)}")
    if address.is_multicast or address.is_unspecified or str(address) == "255.255.255.255":
        raise ValueError(f"SDP connection address must be a unicast address, got {_quote(text)}")
    return str(address)


def body_of(message: bytes) -> bytes:
    """The body of a raw SIP message: what follows the first empty line, cut to its Content-Length when it
    states a shorter one (UDP: the datagram is the message)."""
    head, sep, body = message.partition(b"\r\n\r\n")
    if not sep:
        return b""
    m = re.search(rb"(?im)^(?:Content-Length|l)[ \t]*:[ \t]*(\d{1,6})[ \t]*$", head)
    if m is not None and int(m.group(1)) < len(body):
        body = body[:int(m.group(1))]
    return body
