"""Build RTP pcap files for sipp's ``play_pcap_audio`` (pure: bytes in, bytes out).

sipp replays the UDP payloads of a pcap (Ethernet/IPv4/UDP) with the capture's
timing, rewriting addresses and ports. ``audio_pcap`` makes one G.711 packet per
20 ms from PCM16 audio; ``dtmf_pcap`` makes one RFC 4733 telephone-event (marker
on the first packet, three end packets) like sip-tester's ``dtmf_2833_*.pcap``.
"""
from __future__ import annotations

import struct
from pathlib import Path

from ivr import audio
from ivr.telephony.rtp import RtpHeader

PCAP_MAGIC = 0xA1B2C3D4
LINKTYPE_ETHERNET = 1
PAYLOAD_TYPES = {"PCMU": 0, "PCMA": 8}
DTMF_EVENTS = "0123456789*#ABCD"
SRC = ("127.0.0.1", 6000)
DST = ("127.0.0.1", 6001)


def _ip(addr: str) -> bytes:
    return bytes(int(p) for p in addr.split("."))


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def _frame(payload: bytes) -> bytes:
    udp = struct.pack("!HHHH", SRC[1], DST[1], 8 + len(payload), 0) + payload
    ip_head = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, 64, 17, 0, _ip(SRC[0]), _ip(DST[0]))
    ip_head = ip_head[:10] + struct.pack("!H", _checksum(ip_head)) + ip_head[12:]
    eth = b"\0" * 12 + b"\x08\x00"
    return eth + ip_head + udp


def _pcap(packets: list[tuple[float, bytes]]) -> bytes:
    out = [struct.pack("<IHHiIII", PCAP_MAGIC, 2, 4, 0, 0, 65535, LINKTYPE_ETHERNET)]
    for t, payload in packets:
        frame = _frame(payload)
        sec = int(t)
        usec = round((t - sec) * 1_000_000)
        if usec >= 1_000_000:
            sec, usec = sec + 1, usec - 1_000_000
        out.append(struct.pack("<IIII", sec, usec, len(frame), len(frame)) + frame)
    return b"".join(out)


def rtp_header(*, pt: int, seq: int, ts: int, ssrc: int, marker: bool = False) -> bytes:
    """The packet's RTP header (``ivr.telephony.rtp.RtpHeader``, the project's one header type)."""
    return bytes(RtpHeader(payload_type=pt, sequence_number=seq & 0xFFFF, timestamp=ts & 0xFFFFFFFF, ssrc=ssrc,
                           marker=marker))


def audio_pcap(pcm16_8k: bytes, codec: str = "PCMU", *, ssrc: int = 0x1234ABCD, lead_silence_ms: int = 0,
               trail_silence_ms: int = 0) -> bytes:
    """A pcap of 20 ms G.711 RTP packets (8 kHz ``pcm16_8k``, padded to whole frames)."""
    if codec not in PAYLOAD_TYPES:
        raise ValueError(f"codec must be PCMU or PCMA, got {codec!r}")
    ms = b"\0\0" * 8  # 1 ms of silence
    pcm = ms * lead_silence_ms + pcm16_8k + ms * trail_silence_ms
    encode = audio.pcm16_to_ulaw if codec == "PCMU" else audio.pcm16_to_alaw
    packets = []
    for i, frame in enumerate(audio.iter_frames(pcm, 8000, 20, pad=True)):
        payload = encode(frame)
        packets.append((i * 0.02, rtp_header(pt=PAYLOAD_TYPES[codec], seq=i + 1, ts=160 * i, ssrc=ssrc,
                                             marker=i == 0) + payload))
    return _pcap(packets)


def wav_to_pcap(wav: str | Path, out: str | Path, codec: str = "PCMU", **kwargs: int) -> Path:
    """Write an RTP pcap of a WAV file of any rate/format (``ivr.audio`` reads and resamples it)."""
    pcm, rate = audio.read_wav(str(wav))
    pcm8 = audio.resample(pcm, rate, 8000) if rate != 8000 else pcm
    out = Path(out)
    out.write_bytes(audio_pcap(pcm8, codec, **kwargs))
    return out


def dtmf_pcap(digit: str, *, pt: int = 101, duration_ms: int = 160, volume: int = 10,
              ssrc: int = 0x2345BCDE, ts: int = 16000) -> bytes:
    """One RFC 4733 key press: a packet per 20 ms with growing duration, then three end packets."""
    if len(digit) != 1 or digit not in DTMF_EVENTS:
        raise ValueError(f"digit must be one of 0-9 * # A-D, got {digit!r}")
    event = DTMF_EVENTS.index(digit)
    steps = max(1, duration_ms // 20)
    packets = []
    seq = 1
    for i in range(steps):
        body = struct.pack("!BBH", event, volume & 0x3F, 160 * (i + 1))
        packets.append((i * 0.02, rtp_header(pt=pt, seq=seq, ts=ts, ssrc=ssrc, marker=i == 0) + body))
        seq += 1
    for j in range(3):
        body = struct.pack("!BBH", event, 0x80 | (volume & 0x3F), 160 * steps)
        packets.append(((steps + j) * 0.02, rtp_header(pt=pt, seq=seq, ts=ts, ssrc=ssrc) + body))
        seq += 1
    return _pcap(packets)


def read_rtp_payloads(data: bytes) -> list[tuple[float, bytes]]:
    """(time, RTP packet) of every packet in a pcap written by this module (for tests and checks)."""
    magic = struct.unpack_from("<I", data)[0]
    if magic != PCAP_MAGIC:
        raise ValueError("not a little-endian microsecond pcap")
    pos = 24
    out = []
    while pos + 16 <= len(data):
        sec, usec, incl, _orig = struct.unpack_from("<IIII", data, pos)
        frame = data[pos + 16:pos + 16 + incl]
        pos += 16 + incl
        ihl = (frame[14] & 0x0F) * 4
        out.append((sec + usec / 1e6, frame[14 + ihl + 8:]))
    return out
