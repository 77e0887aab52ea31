"""The SDP offer the worker accepts (ivr.telephony.sdp.AudioOffer): pure, exact messages."""
from __future__ import annotations

import pytest

from ivr.telephony.sdp import AudioOffer, body_of

SIPP_OFFER = (b"v=0\r\no=user1 53655765 2353687637 IN IP4 127.0.0.2\r\ns=-\r\nc=IN IP4 127.0.0.2\r\nt=0 0\r\n"
              b"m=audio 6000 RTP/AVP 0 8 101\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:8 PCMA/8000\r\n"
              b"a=rtpmap:101 telephone-event/8000\r\na=fmtp:101 0-15\r\na=ptime:20\r\na=sendrecv\r\n")


def offer(**replace: str) -> bytes:
    text = SIPP_OFFER.decode()
    for old, new in replace.items():
        old = {"m": "m=audio 6000 RTP/AVP 0 8 101", "c": "c=IN IP4 127.0.0.2",
               "rtpmap": "a=rtpmap:0 PCMU/8000"}.get(old, old)
        assert old in text, old
        text = text.replace(old, new)
    return text.encode()


def test_a_sipp_offer_is_read() -> None:
    o = AudioOffer.parse(SIPP_OFFER)
    assert (o.address, o.port, o.codec, o.codec_payload_type, o.dtmf_payload_type) == \
        ("127.0.0.2", 6000, "PCMU", 0, 101)
    assert o.payload_types == (0, 8, 101)
    assert o.rtpmap == ((0, "PCMU"), (8, "PCMA"), (101, "telephone-event"))
    extra = AudioOffer.parse(offer(rtpmap="a=rtpmap:0 PCMU/8000\r\na=rtpmap:96 opus/48000/2"))
    assert extra.rtpmap == o.rtpmap  # an rtpmap for a payload type not offered is not part of the offer


def test_media_level_c_wins_and_lf_only_and_pcma_by_dynamic_payload_type() -> None:
    body = (b"v=0\no=- 1 1 IN IP4 10.0.0.1\ns=-\nc=IN IP4 10.0.0.1\nt=0 0\nm=video 7000 RTP/AVP 96\n"
            b"m=audio 6002 RTP/AVP 18 97\nc=IN IP4 192.0.2.7\na=rtpmap:97 pcma/8000\n")
    o = AudioOffer.parse(body)
    assert (o.address, o.port, o.codec, o.codec_payload_type, o.dtmf_payload_type) == \
        ("192.0.2.7", 6002, "PCMA", 97, None)


@pytest.mark.parametrize(("body", "message"), [
    (b"", "SDP offer is missing (empty body)"),
    (SIPP_OFFER.replace(b"s=-", b"s=\xff\xfe"), "SDP is not UTF-8 (byte 0xff at offset 53)"),
    (b"o=- 1 1 IN IP4 1.2.3.4\r\n" + SIPP_OFFER, "SDP must begin with 'v=0', got 'o=- 1 1 IN IP4 1.2.3.4'"),
    (SIPP_OFFER + b"garbage\r\n", "SDP line 13 is not '<type>=<value>': 'garbage'"),
    (offer(m="m=video 6000 RTP/AVP 96"), "SDP has no audio media line (m=audio)"),
    (offer(m="m=audio 65536 RTP/AVP 0"), "SDP m=audio port must be 1-65535, got '65536'"),
    (offer(m="m=audio -5 RTP/AVP 0"), "SDP m=audio port must be 1-65535, got '-5'"),
    (offer(m="m=audio 0 RTP/AVP 0"), "SDP m=audio port must be 1-65535, got '0'"),
    (offer(m="m=audio 99999999999999999999999 RTP/AVP 0"),
     "SDP m=audio port must be 1-65535, got '99999999999999999999999'"),
    (offer(m="m=audio ６０００ RTP/AVP 0"), "SDP m=audio port must be 1-65535, got '６０００'"),
    (offer(m="m=audio 6000/2 RTP/AVP 0"), "SDP m=audio port count must be 1, got '2'"),
    (offer(m="m=audio 6000 RTP/SAVP 0"), "SDP m=audio protocol must be RTP/AVP, got 'RTP/SAVP'"),
    (offer(m="m=audio 6000 RTP/AVP"), "SDP m=audio line is malformed: 'm=audio 6000 RTP/AVP'"),
    (offer(m="m=audio 6000 RTP/AVP 0 128"), "SDP m=audio payload type must be 0-127, got '128'"),
    (offer(c=""), "SDP has no connection line (c=) for the audio stream"),
    (offer(c="c=IN IP4 example.com"), "SDP connection address must be an IP literal, got 'example.com'"),
    (offer(c="c=IN IP4 224.2.1.1/127/3"), "SDP connection address must be an IP literal, got '224.2.1.1/127/3'"),
    (offer(c="c=IN IP4 224.2.1.1"), "SDP connection address must be a unicast address, got '224.2.1.1'"),
    (offer(c="c=IN IP4 0.0.0.0"), "SDP connection address must be a unicast address, got '0.0.0.0'"),
    (offer(c="c=IN IP6 ::1"), "SDP c= address type must be IP4, got 'IP6'"),
    (offer(c="c=IN IP4 ::1"), "SDP connection address must be IPv4, got '::1'"),
    (offer(c="c=IN IP4"), "SDP c= line must be 'IN IP4 <address>', got 'c=IN IP4'"),
    (offer(rtpmap="a=rtpmap:0 PCMU"), "SDP a=rtpmap is malformed: 'a=rtpmap:0 PCMU'"),
    (offer(rtpmap="a=rtpmap:x"), "SDP a=rtpmap is malformed: 'a=rtpmap:x'"),
    (offer(m="m=audio 6000 RTP/AVP 18 101"),
     "SDP m=audio offers no supported codec (PCMU, PCMA at 8000 Hz): got 18 (G729), 101 (telephone-event)"),
    (offer(m="m=audio 6000 RTP/AVP 0 101", rtpmap="a=rtpmap:0 PCMU/16000"),
     "SDP m=audio offers no supported codec (PCMU, PCMA at 8000 Hz): got 0 (PCMU), 101 (telephone-event)"),
])
def test_what_cannot_be_served_is_refused_with_an_exact_message(body: bytes, message: str) -> None:
    with pytest.raises(ValueError) as exc:
        AudioOffer.parse(body)
    assert str(exc.value) == message


def test_a_long_value_is_quoted_cut() -> None:
    with pytest.raises(ValueError, match=r"^SDP connection address must be an IP literal, got 'aaaa.*\.\.\.'$"):
        AudioOffer.parse(offer(c="c=IN IP4 " + "a" * 5000))


def test_the_object_validates_itself() -> None:
    with pytest.raises(ValueError, match="^SDP m=audio port must be 1-65535, got 65536$"):
        AudioOffer(address="127.0.0.2", port=65536, payload_types=(0,), rtpmap=((0, "PCMU"),), codec="PCMU",
                   codec_payload_type=0)


def test_body_of_a_sip_message() -> None:
    msg = b"INVITE sip:x@y SIP/2.0\r\nContent-Length: 5\r\n\r\nv=0\r\nextra"
    assert body_of(msg) == b"v=0\r\n"
    assert body_of(b"INVITE sip:x@y SIP/2.0\r\nl: 99\r\n\r\nv=0\r\n") == b"v=0\r\n"
    assert body_of(b"INVITE sip:x@y SIP/2.0\r\n") == b""
