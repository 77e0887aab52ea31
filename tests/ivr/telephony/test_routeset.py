"""The route-set pieces of ``ivr.telephony.sipcompat`` (pure: no sockets, no pyVoIP)."""
from __future__ import annotations

import pytest

from ivr.telephony import sdp, sipcompat

INVITE = (
    "INVITE sip:worker0@127.0.0.1:5062 SIP/2.0\r\n"
    "Record-Route: <sip:127.0.0.1:5060;lr;ftag=abc;did=1f2.3>\r\n"
    "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKk1\r\n"
    "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKc1\r\n"
    "record-route: <sip:10.0.0.9;lr>, \"edge, B\" <sip:10.0.0.10;lr;x=\"a,b\">\r\n"
    "From: <sip:0912345678@127.0.0.2>;tag=abc\r\n"
    "To: <sip:hotline@127.0.0.1>\r\n"
    "Call-ID: c1\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n"
)


def test_record_routes_keeps_every_entry_in_order() -> None:
    assert sipcompat.record_routes(INVITE.encode()) == [
        "<sip:127.0.0.1:5060;lr;ftag=abc;did=1f2.3>", "<sip:10.0.0.9;lr>", '"edge, B" <sip:10.0.0.10;lr;x="a,b">']
    assert sipcompat.record_routes("SIP/2.0 200 OK\r\nVia: x\r\n\r\nRecord-Route: <sip:body>") == []


def test_the_answer_echoes_the_record_route_after_its_vias() -> None:
    answer = "SIP/2.0 200 OK\r\nVia: a\r\nVia: b\r\nTo: t\r\nContent-Length: 4\r\n\r\nv=0\r\n"
    out = sipcompat.with_record_route(answer, ["<sip:p1;lr>", "<sip:p2;lr>"])
    assert out == ("SIP/2.0 200 OK\r\nVia: a\r\nVia: b\r\nRecord-Route: <sip:p1;lr>\r\nRecord-Route: <sip:p2;lr>\r\n"
                   "To: t\r\nContent-Length: 4\r\n\r\nv=0\r\n")
    assert sipcompat.with_record_route(answer, []) == answer


def test_an_in_dialog_request_gets_its_own_via_and_the_route_set() -> None:
    bye = ("BYE sip:0912345678@127.0.0.2:5070 SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bKk1\r\n"
           "Via: SIP/2.0/UDP 127.0.0.2:5070;branch=z9hG4bKc1\r\nTo: <sip:x>;tag=abc\r\nCSeq: 2 BYE\r\n"
           "Content-Length: 0\r\n\r\n")
    out = sipcompat.in_dialog_request(bye, via="SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKw1",
                                      routes=["<sip:127.0.0.1:5060;lr;did=1f2.3>"])
    assert out.split("\r\n")[:4] == ["BYE sip:0912345678@127.0.0.2:5070 SIP/2.0",
                                     "Via: SIP/2.0/UDP 127.0.0.1:5062;branch=z9hG4bKw1",
                                     "Route: <sip:127.0.0.1:5060;lr;did=1f2.3>", "To: <sip:x>;tag=abc"]
    assert out.count("Via:") == 1 and out.endswith("Content-Length: 0\r\n\r\n")


def test_a_re_invite_moves_media_only_to_an_ip_literal_and_a_valid_port() -> None:
    """CompatCall.renegotiate moves the media to what ivr.telephony.sdp reads, and nowhere on a ValueError."""
    def body(address: str | None, port: object) -> bytes:
        c = f"c=IN IP4 {address}\r\n" if address is not None else ""
        return (f"v=0\r\no=- 1 1 IN IP4 127.0.0.2\r\ns=-\r\n{c}t=0 0\r\n"
                f"m=audio {port} RTP/AVP 0\r\n").encode()

    offer = sdp.AudioOffer.parse(body("127.0.0.2", 4000))
    assert (offer.address, offer.port) == ("127.0.0.2", 4000)
    for bad in (body("phone.example", 4000), body("127.0.0.2", 0), body("127.0.0.2", 65536), body("", 4000),
                body(None, 4000), b""):
        with pytest.raises(ValueError):
            sdp.AudioOffer.parse(bad)
