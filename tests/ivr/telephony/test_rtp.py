"""ivr.telephony.rtp: the one RTP header type (parse / bytes round trip, exact errors for malformed input)."""
from __future__ import annotations

import pytest

from ivr.telephony.rtp import RtpHeader, parse_packet

# An RTP packet as sipp's g711a.pcap carries it (PCMA, marker on the first packet of the talk spurt).
CAPTURED = bytes.fromhex("80 88 00 01 00 00 00 a0 12 34 ab cd") + b"\xd5" * 160


def test_parse_a_captured_packet_and_write_it_back() -> None:
    header, payload = parse_packet(CAPTURED)
    assert header == RtpHeader(payload_type=8, sequence_number=1, timestamp=160, ssrc=0x1234ABCD, marker=True)
    assert header.size == 12 and payload == b"\xd5" * 160
    assert bytes(header) + payload == CAPTURED


@pytest.mark.parametrize("header", [
    RtpHeader(payload_type=0, sequence_number=0, timestamp=0, ssrc=0),
    RtpHeader(payload_type=101, sequence_number=0xFFFF, timestamp=0xFFFFFFFF, ssrc=0xFFFFFFFF, marker=True),
    RtpHeader(payload_type=8, sequence_number=7, timestamp=8, ssrc=9, csrc=(1, 2, 3)),
    RtpHeader(payload_type=8, sequence_number=7, timestamp=8, ssrc=9, extension_profile=0xBEDE,
              extension=b"\x10\xff\x00\x00"),
    RtpHeader(payload_type=8, sequence_number=7, timestamp=8, ssrc=9, csrc=(5,), extension_profile=1),
])
def test_round_trip(header: RtpHeader) -> None:
    data = bytes(header)
    assert len(data) == header.size
    assert RtpHeader.parse(data + b"payload") == header


def test_padding_is_removed_from_the_payload() -> None:
    header = RtpHeader(payload_type=0, sequence_number=1, timestamp=2, ssrc=3, padding=True)
    assert parse_packet(bytes(header) + b"abcd" + b"\0\0\x03") == (header, b"abcd")
    with pytest.raises(ValueError) as err:
        parse_packet(bytes(header) + b"ab\x09")
    assert str(err.value) == "RTP packet padding length is invalid"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "RTP packet length is less than 12 bytes"),
    (CAPTURED[:11], "RTP packet length is less than 12 bytes"),
    (b"\x40" + CAPTURED[1:], "RTP packet has invalid version 1"),
    (b"\x00" * 12, "RTP packet has invalid version 0"),
    (b"\x82" + CAPTURED[1:12] + b"\0\0\0\1", "RTP packet has truncated CSRC"),
    (b"\x90" + CAPTURED[1:12] + b"\xbe\xde", "RTP packet has truncated extension profile / length"),
    (b"\x90" + CAPTURED[1:12] + b"\xbe\xde\x00\x02" + b"\0" * 7, "RTP packet has truncated extension value"),
])
def test_malformed_packets_raise_exact_messages(data: bytes, message: str) -> None:
    with pytest.raises(ValueError) as err:
        RtpHeader.parse(data)
    assert str(err.value) == message


@pytest.mark.parametrize(("fields", "message"), [
    ({"payload_type": 128}, "RTP payload type must be 0-127, got 128"),
    ({"sequence_number": 65536}, "RTP sequence number must be 0-65535, got 65536"),
    ({"timestamp": -1}, "RTP timestamp must be 0-4294967295, got -1"),
    ({"ssrc": 1 << 32}, "RTP SSRC must be 0-4294967295, got 4294967296"),
    ({"csrc": tuple(range(16))}, "RTP header holds at most 15 CSRCs, got 16"),
    ({"extension_profile": 1, "extension": b"abc"}, "RTP header extension must be whole 32-bit words, got 3 bytes"),
])
def test_invalid_fields_are_refused(fields: dict, message: str) -> None:
    base = {"payload_type": 0, "sequence_number": 0, "timestamp": 0, "ssrc": 0}
    with pytest.raises(ValueError) as err:
        RtpHeader(**{**base, **fields})
    assert str(err.value) == message
