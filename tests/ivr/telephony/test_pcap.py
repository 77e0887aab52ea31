"""tests/ivr/telephony/pcap.py: RTP pcaps for sipp, checked by decoding them back and by tshark (a real reader)."""
from __future__ import annotations

import math
import shutil
import struct
import subprocess
from pathlib import Path

import pytest

from ivr import audio

from . import pcap


def _tone(seconds: float = 0.5) -> bytes:
    n = int(8000 * seconds)
    return b"".join(struct.pack("<h", int(10000 * math.sin(2 * math.pi * 300 * i / 8000))) for i in range(n))


@pytest.mark.parametrize("codec,pt,decode", [("PCMU", 0, audio.ulaw_to_pcm16), ("PCMA", 8, audio.alaw_to_pcm16)])
def test_audio_pcap_round_trips(codec: str, pt: int, decode) -> None:  # type: ignore[no-untyped-def]
    pcm = _tone()
    packets = pcap.read_rtp_payloads(pcap.audio_pcap(pcm, codec))
    assert len(packets) == 25
    assert [round(t, 3) for t, _ in packets[:3]] == [0.0, 0.02, 0.04]
    seqs = [struct.unpack("!H", p[2:4])[0] for _, p in packets]
    assert seqs == list(range(1, 26))
    assert all(p[1] & 0x7F == pt for _, p in packets) and packets[0][1][1] & 0x80
    back = b"".join(decode(p[12:]) for _, p in packets)
    err = max(abs(a - b) for a, b in zip(struct.unpack(f"<{len(pcm) // 2}h", pcm),
                                         struct.unpack(f"<{len(pcm) // 2}h", back)))
    assert err < 700


def test_dtmf_pcap_matches_rfc4733_shape() -> None:
    packets = pcap.read_rtp_payloads(pcap.dtmf_pcap("#"))
    assert len(packets) == 8 + 3
    first, last = packets[0][1], packets[-1][1]
    assert first[1] == 0x80 | 101 and first[12] == 11 and not first[13] & 0x80
    assert last[13] & 0x80 and last[4:8] == first[4:8]
    with pytest.raises(ValueError, match="digit must be one of"):
        pcap.dtmf_pcap("x")


def test_tshark_reads_it_as_rtp(tmp_path: Path) -> None:
    if shutil.which("tshark") is None:
        pytest.fail("tshark is not installed (Debian package tshark)")
    f = tmp_path / "a.pcap"
    f.write_bytes(pcap.audio_pcap(_tone(0.1), "PCMU"))
    out = subprocess.run(["tshark", "-r", str(f), "-d", "udp.port==6001,rtp", "-T", "fields", "-e", "rtp.p_type",
                          "-e", "rtp.seq"], check=False, capture_output=True, text=True, timeout=60).stdout.split("\n")
    assert [ln for ln in out if ln] == [f"0\t{i}" for i in range(1, 6)]
