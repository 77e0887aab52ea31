"""One regression test per measured pyVoIP 1.6.8 bug and its work-around
(ivr.telephony.sipcompat + ivr.telephony.phone).

Where possible the test also shows the bug in upstream pyVoIP (reached through ``ivr.telephony.phone``,
the one module importing it), so that a pyVoIP upgrade that fixes it is noticed."""
from __future__ import annotations

import math
import socket
import struct
import threading
import time
from collections.abc import Iterator

import pytest

from ivr import audio
from ivr.config import Config
from ivr.telephony import phone, sdp, sipcompat

from .conftest import Front, port_block, run_sipp
from .pcap import rtp_header


def _tone_u8(n: int = 160) -> bytes:
    pcm = b"".join(struct.pack("<h", int(12000 * math.sin(2 * math.pi * 440 * i / 8000))) for i in range(n))
    return audio.pcm16_to_u8(pcm)


def _client(cls: type, assoc: dict, in_port: int, out_port: int) -> object:
    return cls(assoc, "127.0.0.1", in_port, "127.0.0.1", out_port, phone.RTP.TransmitType.SENDRECV)


def _capture(cls: type, assoc: dict, frame: bytes, count: int = 5) -> list[bytes]:
    base = port_block(2)
    rx = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    rx.bind(("127.0.0.1", base + 1))
    rx.settimeout(2)
    client = _client(cls, assoc, base, base + 1)
    client.start()  # type: ignore[attr-defined]
    try:
        for _ in range(count):
            client.write(frame)  # type: ignore[attr-defined]
        packets = []
        while len(packets) < count + 3:
            packets.append(rx.recv(2048))
        return packets
    finally:
        client.stop()  # type: ignore[attr-defined]
        rx.close()


def test_pcma_is_sent_as_a_law() -> None:
    assoc = {8: phone.RTP.PayloadType.PCMA, 101: phone.RTP.PayloadType.EVENT}
    frame = _tone_u8()
    expected = audio.u8_to_pcm16(frame)
    packets = _capture(phone.CompatRTPClient, assoc, frame)
    tone_packets = [p for p in packets if p[12:] != sipcompat.encode_frame("PCMA", sipcompat.SILENCE_U8)]
    assert tone_packets, "no audio packet captured"
    for p in tone_packets:
        assert p[1] & 0x7F == 8
        decoded = audio.alaw_to_pcm16(p[12:])
        err = max(abs(a - b) for a, b in zip(struct.unpack("<160h", decoded), struct.unpack("<160h", expected)))
        assert err < 700, f"A-law payload does not decode to the tone (max error {err})"
    # upstream still labels µ-law bytes PT 8:
    upstream = _capture(phone.RTP.RTPClient, assoc, frame)
    silent = sipcompat.encode_frame("PCMU", sipcompat.SILENCE_U8)
    sent = [p for p in upstream if p[12:] != silent]
    assert sent and all(p[1] & 0x7F == 8 and p[12:] == sipcompat.encode_frame("PCMU", frame) for p in sent)


def test_packet_codec_is_ivr_audio_g711_on_every_8_bit_sample() -> None:
    every = bytes(range(256))
    assert sipcompat.encode_frame("PCMU", every) == audio.pcm16_to_ulaw(audio.u8_to_pcm16(every))
    assert sipcompat.encode_frame("PCMA", every) == audio.pcm16_to_alaw(audio.u8_to_pcm16(every))
    assert sipcompat.decode_frame("PCMU", every) == audio.pcm16_to_u8(audio.ulaw_to_pcm16(every))
    assert sipcompat.decode_frame("PCMA", every) == audio.pcm16_to_u8(audio.alaw_to_pcm16(every))
    with pytest.raises(ValueError, match="cannot encode codec 'G729': expected PCMU or PCMA"):
        sipcompat.encode_frame("G729", every)


def _send_rtp(port: int, packets: list[bytes]) -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        for p in packets:
            s.sendto(p, ("127.0.0.1", port))
            time.sleep(0.002)


def test_lost_packet_becomes_silence_not_a_click() -> None:
    frame = _tone_u8()
    payload = sipcompat.encode_frame("PCMU", frame)
    seqs = [1, 2, 4, 5]  # packet 3 lost
    packets = [rtp_header(pt=0, seq=s, ts=160 * s, ssrc=7) + payload for s in seqs]
    base = port_block(2)
    client = _client(phone.CompatRTPClient, {0: phone.RTP.PayloadType.PCMU}, base, base + 1)
    client.start()  # type: ignore[attr-defined]
    try:
        _send_rtp(base, packets)
        time.sleep(0.1)
        frames = []
        while (f := client.pmin.pop()) is not None:  # type: ignore[attr-defined]
            frames.append(f)
    finally:
        client.stop()  # type: ignore[attr-defined]
    assert len(frames) == 5
    assert frames[2] == sipcompat.SILENCE_U8
    assert all(b"\x00" * 16 not in f for f in frames)
    # upstream: the gap reads as 0x00 (full-scale negative in unsigned 8-bit)
    pm = phone.RTP.RTPPacketManager()
    decoded = sipcompat.decode_frame("PCMU", payload)
    for s in seqs:
        pm.write(160 * s, decoded)
    upstream = [pm.read(160) for _ in range(5)]
    assert upstream[2] == b"\x00" * 160


def test_jitter_buffer_reorders_bounds_and_resyncs() -> None:
    jb = sipcompat.JitterBuffer(max_frames=10)
    a, b, c = b"\x01" * 160, b"\x02" * 160, b"\x03" * 160
    jb.write(0, a)
    jb.write(320, c)  # arrives before b
    jb.write(160, b)
    jb.write(0, a)  # duplicate
    assert [jb.pop(), jb.pop(), jb.pop(), jb.pop()] == [a, b, c, None]
    assert jb.dropped == 1 and jb.filled == 0
    for i in range(50):  # a jump of 100000 samples: a new stream, then more than max_frames queued
        jb.write(100000 + 160 * i, a)
    assert jb.dropped == 1 + 40
    assert jb.read(160) == a


def test_dtmf_without_marker_bit_is_detected_once() -> None:
    det = sipcompat.DtmfDetector()
    body = struct.pack("!BBH", 5, 10, 160)
    end = struct.pack("!BBH", 5, 0x8A, 480)
    digits = [det.feed(timestamp=8000, payload=p) for p in (body, body, end, end, end)]
    assert [d for d in digits if d] == ["5"]
    assert det.feed(timestamp=9600, payload=body) == "5"  # a second press of the same key


def test_codec_negotiation_refuses_offers_without_g711() -> None:
    """The worker reads offers with ivr.telephony.sdp (the one SDP reader): no G.711, no call."""
    head = b"v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
    g729 = head + b"m=audio 6000 RTP/AVP 18 101\r\na=rtpmap:18 G729/8000\r\na=rtpmap:101 telephone-event/8000\r\n"
    with pytest.raises(ValueError, match="offers no supported codec"):
        sdp.AudioOffer.parse(g729)
    with pytest.raises(ValueError, match="missing"):
        sdp.AudioOffer.parse(b"")
    assert sdp.AudioOffer.parse(head + b"m=audio 6000 RTP/AVP 8 0\r\n").codec == "PCMA"


def test_response_with_status_rewrites_the_status_line() -> None:
    busy = "SIP/2.0 486 Busy Here\r\nVia: x\r\nWarning: 399 GS \"x\"\r\nContent-Length: 0\r\n\r\n"
    out = sipcompat.response_with_status(busy, 487, "Request Terminated")
    assert out.startswith("SIP/2.0 487 Request Terminated\r\nVia: x\r\n") and "Warning" not in out
    with pytest.raises(ValueError, match="not a SIP response"):
        sipcompat.response_with_status("INVITE sip:x SIP/2.0\r\n", 487, "x")


# --- against real peers: Kamailio (project template) + sipp, one in-process WorkerPhone ------------------

class Answered:
    def __init__(self) -> None:
        self.calls: list[str] = []
        self.digits = ""
        self.lock = threading.Lock()

    def __call__(self, line: phone.PhoneLine) -> None:
        with self.lock:
            self.calls.append(line.sip_call_id)
        deadline = time.monotonic() + 20
        while line.active and time.monotonic() < deadline:
            while line.read_frame() is not None:
                pass
            self.digits += line.get_digit()
            while line.queued_frames() < 3:
                line.write_frame(b"\0" * 320)  # 20 ms of PCM16 silence
            time.sleep(0.02)


@pytest.fixture
def in_process_phone(kamailio_front: Front) -> Iterator[tuple[phone.WorkerPhone, Answered]]:
    cfg: Config = kamailio_front.cfg
    answered = Answered()
    p = phone.WorkerPhone(server="127.0.0.1", port=cfg.sip_port, username="worker0", password="",
                          my_ip="127.0.0.1", sip_port=cfg.worker_port_base, rtp_low=cfg.rtp_port_low,
                          rtp_high=cfg.rtp_port_low + 50, max_calls=1, on_call=answered)
    p.start_registered()
    yield p, answered
    p.stop()


@pytest.mark.slow
def test_cancel_while_ringing_gets_487_and_is_never_answered(in_process_phone, kamailio_front: Front) -> None:
    p, answered = in_process_phone
    result = run_sipp(kamailio_front.cfg, "uac_cancel_ringing.xml", timeout_s=20)
    assert result.rc == 0, result.out
    time.sleep(1.5)  # past pyVoIP's 1 s ring delay: the callback must not have run
    assert answered.calls == []
    assert p.refused.get(487) == 1
    assert p.active_calls() == 0


@pytest.mark.slow
def test_g729_only_offer_gets_488(in_process_phone, kamailio_front: Front) -> None:
    p, answered = in_process_phone
    result = run_sipp(kamailio_front.cfg, "uac_g729_only.xml", timeout_s=20)
    assert result.rc == 0, result.out
    assert p.refused.get(488) == 1 and answered.calls == []


@pytest.mark.slow
def test_answered_call_hears_rfc2833_digits_once(in_process_phone, kamailio_front: Front) -> None:
    _p, answered = in_process_phone
    result = run_sipp(kamailio_front.cfg, "uac_emergency_key.xml", timeout_s=30)
    assert result.rc == 0, result.out
    assert len(answered.calls) == 1
    assert answered.digits == "1"


@pytest.mark.slow
def test_a_full_worker_answers_busy(in_process_phone, kamailio_front: Front) -> None:
    p, answered = in_process_phone  # max_calls=1
    first: list[object] = []
    t = threading.Thread(target=lambda: first.append(run_sipp(kamailio_front.cfg, "uac_emergency_key.xml",
                                                               timeout_s=30)))
    t.start()
    deadline = time.monotonic() + 15
    while not answered.calls and time.monotonic() < deadline:
        time.sleep(0.1)
    assert answered.calls, "the first call was not answered"
    busy = run_sipp(kamailio_front.cfg, "uac_expect_busy.xml", timeout_s=20)
    t.join(timeout=40)
    assert busy.rc == 0, busy.out
    assert p.refused.get(486) == 1 and len(answered.calls) == 1
    assert first and first[0].rc == 0  # type: ignore[attr-defined]


def test_a_refusal_says_why_in_a_warning_header() -> None:
    response = "SIP/2.0 488 Not Acceptable Here\r\nCall-ID: x\r\nContent-Length: 0\r\n\r\n"
    out = sipcompat.with_warning(response, "127.0.0.1", 'SDP c= line must be "IN IP4"\r\nX: \\injected')
    assert out == ("SIP/2.0 488 Not Acceptable Here\r\nCall-ID: x\r\n"
                   'Warning: 399 127.0.0.1 "SDP c= line must be ?IN IP4???X: ?injected"\r\n'
                   "Content-Length: 0\r\n\r\n")
    assert len(sipcompat.with_warning(response, "h", "x" * 5000).split("\r\n")[2]) == len('Warning: 399 h ""') + 200
