"""The RTP fixed header (RFC 3550 section 5.1), the one RTP header type of the project.

``RtpHeader.parse(packet)`` reads the header at the start of a packet (malformed input raises
``ValueError`` with an exact message); ``bytes(header)`` writes it; the payload starts at
``header.size``. Used by the pyVoIP adapter (``ivr.telephony.phone``) to send and read packets
and by the tests' pcap writer. Pure: no sockets, no pyVoIP.
"""
from __future__ import annotations

import struct
from dataclasses import dataclass

VERSION = 2
FIXED_SIZE = 12
_FIXED = struct.Struct("!BBHII")


@dataclass(frozen=True, kw_only=True)
class RtpHeader:
    payload_type: int
    sequence_number: int
    timestamp: int
    ssrc: int
    marker: bool = False
    padding: bool = False
    csrc: tuple[int, ...] = ()
    extension_profile: int | None = None  # the header extension (profile, value), when present
    extension: bytes = b""

    def __post_init__(self) -> None:
        if not 0 <= self.payload_type <= 0x7F:
            raise ValueError(f"RTP payload type must be 0-127, got {self.payload_type}")
        if not 0 <= self.sequence_number <= 0xFFFF:
            raise ValueError(f"RTP sequence number must be 0-65535, got {self.sequence_number}")
        if not 0 <= self.timestamp <= 0xFFFFFFFF:
            raise ValueError(f"RTP timestamp must be 0-4294967295, got {self.timestamp}")
        if not 0 <= self.ssrc <= 0xFFFFFFFF:
            raise ValueError(f"RTP SSRC must be 0-4294967295, got {self.ssrc}")
        if len(self.csrc) > 15:
            raise ValueError(f"RTP header holds at most 15 CSRCs, got {len(self.csrc)}")
        if len(self.extension) % 4:
            raise ValueError(f"RTP header extension must be whole 32-bit words, got {len(self.extension)} bytes")

    @property
    def size(self) -> int:
        """Bytes of header: where the payload starts."""
        ext = 4 + len(self.extension) if self.extension_profile is not None else 0
        return FIXED_SIZE + 4 * len(self.csrc) + ext

    @classmethod
    def parse(cls, data: bytes) -> RtpHeader:
        if len(data) < FIXED_SIZE:
            raise ValueError(f"RTP packet length is less than {FIXED_SIZE} bytes")
        first, second, seq, ts, ssrc = _FIXED.unpack_from(data)
        if first >> 6 != VERSION:
            raise ValueError(f"RTP packet has invalid version {first >> 6}")
        count = first & 0x0F
        pos = FIXED_SIZE + 4 * count
        if len(data) < pos:
            raise ValueError("RTP packet has truncated CSRC")
        csrc = struct.unpack_from(f"!{count}I", data, FIXED_SIZE)
        profile: int | None = None
        extension = b""
        if first & 0x10:
            if len(data) < pos + 4:
                raise ValueError("RTP packet has truncated extension profile / length")
            profile, words = struct.unpack_from("!HH", data, pos)
            pos += 4
            if len(data) < pos + 4 * words:
                raise ValueError("RTP packet has truncated extension value")
            extension = bytes(data[pos:pos + 4 * words])
        return cls(payload_type=second & 0x7F, sequence_number=seq, timestamp=ts, ssrc=ssrc,
                   marker=bool(second & 0x80), padding=bool(first & 0x20), csrc=tuple(csrc),
                   extension_profile=profile, extension=extension)

    def __bytes__(self) -> bytes:
        first = (VERSION << 6) | (0x20 if self.padding else 0) | (0x10 if self.extension_profile is not None else 0) \
            | len(self.csrc)
        out = _FIXED.pack(first, (0x80 if self.marker else 0) | self.payload_type, self.sequence_number,
                          self.timestamp, self.ssrc)
        out += b"".join(struct.pack("!I", c) for c in self.csrc)
        if self.extension_profile is not None:
            out += struct.pack("!HH", self.extension_profile, len(self.extension) // 4) + self.extension
        return out


def parse_packet(data: bytes) -> tuple[RtpHeader, bytes]:
    """A whole RTP packet: its header and its payload (padding removed)."""
    header = RtpHeader.parse(data)
    end = len(data)
    if header.padding:
        pad = data[-1] if end > header.size else 0
        if pad == 0 or pad > end - header.size:
            raise ValueError("RTP packet padding length is invalid")
        end -= pad
    return header, bytes(data[header.size:end])
