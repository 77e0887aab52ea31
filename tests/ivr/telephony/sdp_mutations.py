"""300 broken SDP offers for the hostile-network test, generated (seeded): ports, c= lines, rtpmap garbage,
missing lines, huge values, non-UTF-8 bytes. Each one is checked to be refused by ``ivr.telephony.sdp``."""
from __future__ import annotations

import random

from ivr.telephony.sdp import AudioOffer

BAD_PORTS = ["65536", "-5", "0", "70000", "99999999999999999999", "abc", "", "6000/2", "1e3", "0x10",
             "\u0666\u0660\u0660\u0660", " 6000", "6000.5", "-0", "65535999", "+6000", "4294967297"]
BAD_CONNECTIONS = ["c=IN IP4 example.invalid", "c=IN IP4 localhost", "c=IN IP4", "c=IN IP6 ::1", "c=IN IP4 ::1",
                   "c=IN IP4 224.0.0.1", "c=IN IP4 0.0.0.0", "c=IN IP4 1.2.3", "c=IN IP4 300.1.1.1",
                   "c=IN IP4 1.2.3.4/127", "c=IN IP4 224.2.1.1/127/3", "c=XX IP4 127.0.0.2", "c=IN IP4 127.0.0.2 x",
                   "c=IN IP4 255.255.255.255", "c=IN IP4 " + "h" * 3000, "c=IN IP4 127.0.0.2\t", "c="]
BAD_RTPMAPS = ["a=rtpmap:", "a=rtpmap:0", "a=rtpmap:0 PCMU", "a=rtpmap:abc PCMU/8000", "a=rtpmap:0 PCMU/8000/1/2/3",
               "a=rtpmap:0 " + "A" * 3000, "a=rtpmap:0 PCMU/", "a=rtpmap:0 PC MU/8000", "a=rtpmap:-1 PCMU/8000",
               "a=rtpmap:0 PCMU/eight", "a=rtpmap:0 PCMU/8000/", "a=rtpmap:0  PCMU/8000"]
NON_UTF8 = [b"\xff\xfe", b"\xc0\x80", b"\xed\xa0\x80", b"\x80", b"\xe1\xba"]


def base(ip: str, port: int) -> list[str]:
    return ["v=0", f"o=peer 1 1 IN IP4 {ip}", "s=-", f"c=IN IP4 {ip}", "t=0 0", f"m=audio {port} RTP/AVP 0 101",
            "a=rtpmap:0 PCMU/8000", "a=rtpmap:101 telephone-event/8000", "a=sendrecv"]


def _join(lines: list[str]) -> bytes:
    return ("\r\n".join(lines) + "\r\n").encode()


def mutations(ip: str, port: int, *, count: int = 300, seed: int = 11) -> list[bytes]:
    rnd = random.Random(seed)

    def port_line(lines: list[str]) -> bytes:
        lines[5] = f"m=audio {rnd.choice(BAD_PORTS)} RTP/AVP 0 101"
        if rnd.random() < 0.5:
            del lines[rnd.choice((2, 4, 7, 8))]  # and an optional line less
        return _join(lines)

    def connection(lines: list[str]) -> bytes:
        bad = rnd.choice(BAD_CONNECTIONS)
        lines[3] = bad
        if rnd.random() < 0.3:  # the same bad address at media level too
            lines.insert(6, bad)
        return _join(lines)

    def rtpmap(lines: list[str]) -> bytes:
        lines[rnd.choice((6, 7))] = rnd.choice(BAD_RTPMAPS)
        return _join(lines)

    def missing(lines: list[str]) -> bytes:
        kind = rnd.choice(["c", "m", "v", "cm", "all"])
        if kind == "all":
            return b"\r\n" * rnd.randint(1, 4)
        return _join([ln for ln in lines if ln[0] not in kind])

    def huge(lines: list[str]) -> bytes:
        n = rnd.randint(200, 1200)
        kind = rnd.choice(["pts", "port", "garbage-line"])
        if kind == "pts":  # a huge list of codecs the worker does not speak
            lines[5] = "m=audio 6000 RTP/AVP " + " ".join(["18"] * n)
            lines = [ln for ln in lines if not ln.startswith("a=rtpmap")]
        elif kind == "port":
            lines[5] = f"m=audio {'9' * n} RTP/AVP 0"
        else:
            lines.insert(rnd.randint(1, len(lines)), "x" * n)
        return _join(lines)

    def non_utf8(lines: list[str]) -> bytes:
        body = bytearray(_join(lines))
        pos = rnd.randint(0, len(body))
        body[pos:pos] = rnd.choice(NON_UTF8)
        return bytes(body)

    def codec(lines: list[str]) -> bytes:
        choice = rnd.choice(["g729", "opus", "wideband", "savp"])
        if choice == "g729":
            lines[5], lines[6] = "m=audio 6000 RTP/AVP 18", "a=rtpmap:18 G729/8000"
        elif choice == "opus":
            lines[5], lines[6] = "m=audio 6000 RTP/AVP 111", "a=rtpmap:111 opus/48000/2"
        elif choice == "wideband":
            lines[5], lines[6] = "m=audio 6000 RTP/AVP 0", "a=rtpmap:0 PCMU/16000"
        else:
            lines[5] = "m=audio 6000 RTP/SAVP 0 101"
        return _join(lines)

    kinds = [port_line, connection, rtpmap, missing, huge, non_utf8, codec]
    out: list[bytes] = []
    seen: set[bytes] = set()
    for attempt in range(count * 20):
        if len(out) == count:
            break
        body = kinds[attempt % len(kinds)](base(ip, rnd.choice((port, rnd.randint(1024, 65000)))))
        if body in seen:
            continue
        try:
            AudioOffer.parse(body)
        except ValueError:
            seen.add(body)
            out.append(body)
            continue
        raise AssertionError(f"mutation accepted by the SDP reader: {body[:200]!r}")
    assert len(out) == count, f"only {len(out)} distinct mutations"
    return out
