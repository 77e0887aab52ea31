"""The IVR worker's phone: the only module that imports pyVoIP (1.6.8, pinned).

``WorkerPhone`` registers to the SIP front (Kamailio, or a PBX), answers each INVITE
in pyVoIP's per-call thread and hands the call to ``on_call(line)``, where ``line`` is a
``PhoneLine`` (the small interface ``ivr.telephony.callrunner`` drives). The pyVoIP bugs measured
on this machine are worked around here with the pure pieces of ``ivr.telephony.sipcompat``.

Audio: pyVoIP's buffers hold unsigned 8-bit samples; they never leave this module. ``PhoneLine``
and ``OutboundLeg`` hand the call loop 20 ms frames of 8 kHz PCM16 and take the same
(``ivr.audio.g711.u8_to_pcm16`` / ``pcm16_to_u8``, called only here).
"""
from __future__ import annotations

import logging
import re
import selectors
import sys
import threading
import time
import traceback
import uuid
from collections.abc import Callable
from typing import Any

from pyVoIP.VoIP import VoIP  # first: pyVoIP.SIP and pyVoIP.VoIP import each other

# isort: split
from pyVoIP import RTP, SIP
from pyVoIP.VoIP.status import PhoneStatus

from ivr.audio.g711 import pcm16_to_u8, u8_to_pcm16
from ivr.errors import SipError
from ivr.store.phonenumber import normalize_phone
from ivr.telephony import datagram, sdp, sipcompat
from ivr.telephony.rtp import RtpHeader, parse_packet

log = logging.getLogger(__name__)

PHONE_REGISTER_TIMEOUT_S = 5
#: how long stopping may take before the SIP socket is closed without deregistering (WorkerPhone.stop)
PHONE_STOP_TIMEOUT_S = 10.0
#: what may be dialled for a live bridge: a SIP extension or number (it becomes the Request-URI's user)
DIALLABLE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.+-]{0,63}$")
_URI_IN_ANGLES = re.compile(r"<([^>]+)>")


def dial_user(target: str) -> str:
    """The Request-URI user for a doctor's profile phone: a Vietnamese number (``0912 345 678``,
    ``+84912345678``...) as E.164, which Kamailio routes to a phone registered under that number or
    out through the trunk (``sip_trunk_uri``); an extension or ``doctor-<name>`` as it is."""
    number = normalize_phone(target or "")
    if number is not None:
        return number
    if not DIALLABLE.match(target or ""):
        raise SipError(f"cannot dial {target!r}: not a SIP extension or phone number")
    return target


#: why the SIP front refused a doctor's leg, for the log (and whoever reads ``DoctorLeg.failure``)
REFUSALS = {
    404: "no phone is registered for it at the SIP front",
    480: "a number outside the SIP front and no outbound trunk (sip_trunk_uri) is configured",
}


class RtpPacer:
    """One thread per worker sends every call's RTP, one packet per call every 20 ms.

    pyVoIP gives each call its own transmitter thread sleeping 20 ms minus its own work, so
    every late wake-up is lost for good (a loaded worker sent at 2/3 rate) and 40 calls meant
    40 more threads contending for the GIL each tick. Here one thread keeps an absolute
    schedule: a late tick is followed by the missed packets at once (a receiver's jitter buffer
    absorbs the burst); more than 200 ms behind, the schedule restarts.
    """

    PERIOD_S = 0.02

    def __init__(self) -> None:
        self._clients: list[Any] = []  # added by call threads, read and pruned by the pacer thread
        self._lock = threading.Lock()  # guards _clients and _thread (call threads vs. the pacer thread)
        self._thread: threading.Thread | None = None  # the "rtp-pacer" thread: the only one that sends RTP
        self.failures = 0  # calls dropped because sending their RTP raised (written by the pacer thread only)

    def add(self, client: Any) -> None:
        with self._lock:
            self._clients.append(client)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="rtp-pacer", daemon=True)
                self._thread.start()

    def __len__(self) -> int:
        return len(self._clients)

    def _run(self) -> None:
        next_at = time.monotonic()
        while True:
            now = time.monotonic()
            if next_at - now > 0:
                time.sleep(next_at - now)
            elif now - next_at > 0.2:
                next_at = now
            with self._lock:
                clients = list(self._clients)
            gone = [c for c in clients if not self._send(c)]
            if gone:
                with self._lock:
                    self._clients = [c for c in self._clients if c not in gone]
                    if not self._clients:
                        self._thread = None
                        return
            next_at += self.PERIOD_S

    def _send(self, client: Any) -> bool:
        """One call's next packet; a call whose sending raises is dropped (logged once, counted): one bad
        call must never stop the others' audio (a port of 65536 once killed this thread for every call)."""
        try:
            return bool(client.send_next())
        except Exception as exc:  # noqa: BLE001 - any per-call error: that call loses its media, no other
            self.failures += 1
            _media_failed(client, "sending", exc)
            return False


def _media_failed(client: Any, what: str, exc: BaseException) -> None:
    log.error("call %s: RTP %s failed, this call's media is dropped: %s: %s",
              getattr(client, "call_id", "?") or "?", what, type(exc).__name__, exc)
    try:
        client.media_error = f"{what}: {type(exc).__name__}: {exc}"
    except AttributeError:
        pass


#: Process-wide (one per worker). Owned by its "rtp-pacer" thread, which calls every client's ``send_next``;
#: call threads only ``add`` clients; frames cross through each client's ``OutputQueue`` (locked).
PACER = RtpPacer()


class RtpReceiver:
    """One thread per worker reads every call's RTP socket (``selectors``), instead of
    pyVoIP's receiver thread per call: 40 calls meant 40 more threads waking for every packet
    and contending for the GIL with the pacer."""

    def __init__(self) -> None:
        self._selector = selectors.DefaultSelector()  # sockets registered by call threads, polled by the receiver
        self._lock = threading.Lock()  # guards the selector's registrations and _thread
        self._thread: threading.Thread | None = None  # the "rtp-receiver" thread: the only one that reads RTP
        self.failures = 0  # calls dropped because reading their RTP raised (written by the receiver thread only)

    def add(self, client: Any) -> None:
        with self._lock:
            if not client.NSD:
                return
            client.sin.setblocking(False)
            self._selector.register(client.sin, selectors.EVENT_READ, client)
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="rtp-receiver", daemon=True)
                self._thread.start()

    def remove(self, client: Any) -> None:
        with self._lock:
            sock = getattr(client, "sin", None)
            try:
                if sock is not None and sock.fileno() >= 0:
                    self._selector.unregister(sock)
            except (KeyError, ValueError, OSError, AttributeError):
                pass

    def __len__(self) -> int:
        return len(self._selector.get_map())

    def _run(self) -> None:
        while True:
            with self._lock:
                if not self._selector.get_map():
                    self._thread = None
                    return
            try:
                ready = self._selector.select(timeout=0.2)
            except OSError:  # a socket closed under us: the next round has it unregistered
                time.sleep(0.001)
                continue
            for key, _ in ready:
                try:
                    key.data.take_packets()
                except Exception as exc:  # noqa: BLE001 - any per-call error: that call loses its media, no other
                    self.failures += 1
                    _media_failed(key.data, "receiving", exc)
                    self.remove(key.data)


#: Process-wide (one per worker). Owned by its "rtp-receiver" thread, which parses every packet into the
#: call's ``JitterBuffer`` (locked) and DTMF callback; call threads only ``add``/``remove`` their sockets.
RECEIVER = RtpReceiver()


class CompatRTPClient(RTP.RTPClient):
    """pyVoIP's RTP client with correct PCMA, a bounded jitter buffer, a flushable send queue,
    DTMF detection that does not depend on the marker bit, and media accepted only from the
    address the peer's SDP negotiated (``outIP``): a stranger who sends RTP to the call's port
    injects neither audio nor keys. Not latching to the first source (symmetric RTP): whoever
    sends first would own the call (the worker's RTP ports are a small, known range); a NATed
    phone needs the SIP front to put its public address in the SDP (docs/sip.md)."""

    def __init__(self, assoc: dict[int, RTP.PayloadType], *args: Any, call_id: str = "", **kwargs: Any):
        super().__init__(assoc, *args, **kwargs)
        self.call_id = call_id
        self.media_error = ""  # why the pacer or the receiver dropped this call's media, if they did
        self.foreign_packets = 0  # RTP packets dropped because they came from another address (receiver thread)
        self.dropped_packets = 0  # RTP packets not sent: the socket's buffer was full (pacer thread)
        self.foreign_sources: set[tuple[str, int]] = set()  # a few of those addresses, for the log
        self._reported = False
        names = [str(pt) for pt in assoc.values()]
        self.codec = sipcompat.pick_pcm(names) or "PCMU"
        self.preference = RTP.PayloadType.PCMA if self.codec == "PCMA" else RTP.PayloadType.PCMU
        self.pt_number = next((n for n, pt in assoc.items() if str(pt) == self.codec), int(self.preference))
        self.pmin = sipcompat.JitterBuffer()  # type: ignore[assignment]
        self.pmout = sipcompat.OutputQueue()  # type: ignore[assignment]
        self.dtmf_detector = sipcompat.DtmfDetector()

    def encode_packet(self, payload: bytes) -> bytes:
        return sipcompat.encode_frame(self.codec, payload)

    def write(self, data: bytes) -> None:
        self.pmout.put(data)  # type: ignore[attr-defined]

    def parse_packet(self, packet: bytes) -> None:
        header, payload = parse_packet(packet)
        if header.payload_type in self.assoc:
            payload_type = self.assoc[header.payload_type]
        else:  # a static payload type the SDP did not list (ValueError: an unknown one, dropped)
            payload_type = RTP.PayloadType(header.payload_type)
        name = str(payload_type)
        if name in sdp.AUDIO_CODECS:
            self.pmin.write(header.timestamp, sipcompat.decode_frame(name, payload))
        elif payload_type == RTP.PayloadType.EVENT:
            digit = self.dtmf_detector.feed(timestamp=header.timestamp, payload=payload)
            if digit is not None and self.dtmf is not None:
                self.dtmf(digit)
        else:
            raise RTP.RTPParseError(f"Unsupported codec (parse): {name}")

    def start(self) -> None:
        super().start()  # binds the socket (non-blocking); its recv and trans hand over to RECEIVER / PACER

    def trans(self) -> None:
        """pyVoIP's per-call transmitter thread: not used, ``PACER`` sends for every call."""
        PACER.add(self)

    def send_next(self) -> bool:
        """Send this call's next 20 ms packet; False once the call's RTP has stopped."""
        if not self.NSD:
            return False
        payload = self.encode_packet(self.pmout.read())
        header = RtpHeader(payload_type=self.pt_number & 0x7F, sequence_number=self.outSequence,
                           timestamp=self.outTimestamp, ssrc=self.outSSRC)
        packet = bytes(header) + payload
        try:
            if not datagram.send(self.sout, packet, self.outIP, self.outPort):
                self.dropped_packets += 1  # the kernel's buffer was full: lost, as on a network
        except OSError:
            return bool(self.NSD)
        self.outSequence = (self.outSequence + 1) & 0xFFFF
        self.outTimestamp = (self.outTimestamp + len(payload)) & 0xFFFFFFFF
        return True

    def recv(self) -> None:
        """pyVoIP's per-call receiver thread: not used, ``RECEIVER`` reads every call's socket."""
        RECEIVER.add(self)

    def take_packets(self) -> None:
        """Parse every packet waiting on this call's socket (called by ``RECEIVER``); a packet from any
        address but the negotiated one is dropped and counted."""
        while self.NSD:
            try:
                packet, source = self.sin.recvfrom(8192)
            except (BlockingIOError, InterruptedError):
                return
            except OSError:
                return
            if source[0] != self.outIP:
                self.foreign_packets += 1
                if len(self.foreign_sources) < 8:
                    self.foreign_sources.add((str(source[0]), int(source[1])))
                continue
            try:
                self.parse_packet(packet)
            except (RTP.RTPParseError, IndexError, ValueError, TypeError, KeyError) as exc:
                log.debug("RTP packet dropped: %s", exc)

    def stop(self) -> None:
        self.NSD = False
        RECEIVER.remove(self)  # before the socket closes: the selector must not hold a closed fd
        for sock in (getattr(self, "sin", None), getattr(self, "sout", None)):
            if sock is not None:
                sock.close()
        if self.foreign_packets and not self._reported:
            self._reported = True
            log.warning("call %s: dropped %d RTP packets from addresses other than the negotiated %s (from %s)",
                        self.call_id or "?", self.foreign_packets, self.outIP,
                        ", ".join(f"{ip}:{port}" for ip, port in sorted(self.foreign_sources)))


class CompatCall(VoIP.VoIPCall):
    def __init__(self, *args: Any, **kwargs: Any):
        self.cancelled = False
        super().__init__(*args, **kwargs)

    def renegotiate(self, request: SIP.SIPMessage) -> None:
        """A re-INVITE in an answered call: answer with the media we already have. pyVoIP's own
        ``renegotiate`` starts the RTP clients again (a second bind of the same port: OSError in the
        SIP thread, no answer); the remote address moves only to an IPv4 literal and a valid port."""
        media = {client.inPort: client.assoc for client in self.RTPClients}
        answer = self.sip.gen_answer(request, str(self.session_id), media, self.sendmode)
        self.sip.out.sendto(answer.encode("utf8"), (self.phone.server, self.phone.port))
        try:  # the edge already answered 488 to an offer it could not serve (WorkerPhone)
            offer = sdp.AudioOffer.parse(sdp.body_of(request.raw))
        except ValueError:
            offer = None
        if offer is not None:
            for client in self.RTPClients:
                client.outIP, client.outPort = offer.address, offer.port
        log.info("call %s: re-INVITE answered 200", self.call_id)

    def create_rtp_clients(self, codecs: dict[int, RTP.PayloadType], ip: str, port: int,
                           request: SIP.SIPMessage, baseport: int) -> None:
        """One RTP client for the first audio stream of ``request``'s SDP (the caller's INVITE or the doctor's
        200), read by ``ivr.telephony.sdp`` from the raw message, not from pyVoIP's parse: the address and
        port to send to are then always a unicast IPv4 literal and 1-65535 (ValueError otherwise)."""
        offer = sdp.AudioOffer.parse(sdp.body_of(request.raw))
        assoc = {offer.codec_payload_type: RTP.PayloadType[offer.codec]}
        if offer.dtmf_payload_type is not None:
            assoc[offer.dtmf_payload_type] = RTP.PayloadType.EVENT
        # pyVoIP never recorded an answered call's port here, so its port clean-up could
        # hand an active call's port to a new call; record it.
        self.assignedPorts[port] = codecs
        self.RTPClients.append(CompatRTPClient(assoc, ip, port, offer.address, offer.port, self.sendmode,
                                               dtmf=self.dtmf_callback, call_id=self.call_id))


class OutboundLeg:
    """An outbound call placed by the worker: to a doctor's phone for a live bridge (``ivr.telephony.ports.Leg``),
    or to a patient's phone for a check-in call (``ivr.telephony.dialer``), where, once answered, it is the
    ``Line`` the call loop runs the flow on (keys, frames, hang-up, and a doctor's leg of its own).

    pyVoIP 1.6.8's ``VoIPPhone.call`` blocks on the SIP socket until a provisional reply (a
    final error first makes it raise from the receive thread), offers PCMU only, ACKs a 200
    with a made-up To tag and cannot CANCEL. Here pyVoIP builds the INVITE and the call (its
    ``gen_invite``, ``VoIPCall`` in the DIALING state, ``answered`` for the RTP clients) and this
    class sends it without blocking and does the rest of the dialog itself: the ACK to a 2xx
    (Request-URI: the doctor's Contact) and to an error, CANCEL while ringing, BYE once answered.
    Everything goes to the SIP front, which relays it in the dialog it record-routed.
    """

    def __init__(self, phone: WorkerPhone, call: CompatCall, *, invite: str, number: str, branch: str, cseq: int,
                 tag: str, from_uri: str = ""):
        self._phone = phone
        self.call = call
        self.number = number
        self.call_id = call.call_id
        self.sip_call_id = call.call_id  # as a Line (a check-in call)
        self.caller = number  # the party at the other end, as a Line calls it
        self._invite_ruri = f"sip:{number}@{phone.server}"
        self._invite_via = f"SIP/2.0/UDP {phone.myIP}:{phone.sip.myPort};branch={branch}"
        self._from = f"<{from_uri or f'sip:{phone.username}@{phone.myIP}'}>;tag={tag}"
        self._to = f"<sip:{number}@{phone.server}>"
        self._cseq = cseq
        self._remote_tag = ""
        self._contact = ""
        self._routes: list[str] = []  # the dialog's route set: the 2xx's Record-Route, reversed (RFC 3261 12.1.2)
        self.final_status = 0  # the INVITE's final reply (200, 486, 487...)
        self.failure = ""  # a refused INVITE's status line and what it means ("480 No Outbound Trunk: ...")
        self._cancelled = False
        self._released = False
        self._lock = threading.Lock()  # the call thread (hangup) vs. pyVoIP's SIP thread (on_response)
        self._invite = invite

    # --- what the call loop sees --------------------------------------------------------------
    @property
    def state(self) -> str:
        s = self.call.state
        if s == VoIP.CallState.ANSWERED:
            return "answered"
        if s == VoIP.CallState.DIALING and not self._cancelled:
            return "ringing"
        return "ended"

    @property
    def holds_slot(self) -> bool:
        """Whether the phone still counts this leg in ``active_calls`` (known to it and not ENDED): a leg
        that has ended leaves the count while its check-in call's thread may still be reporting."""
        return self._phone.calls.get(self.call_id) is self.call and self.call.state != VoIP.CallState.ENDED

    @property
    def _rtp(self) -> CompatRTPClient | None:
        clients = self.call.RTPClients
        client = clients[0] if clients else None
        return client if isinstance(client, CompatRTPClient) else None

    def read_frame(self) -> bytes | None:
        """The doctor's next 20 ms (PCM16, 8 kHz) or None."""
        rtp = self._rtp
        frame = rtp.pmin.pop() if rtp is not None and self.state == "answered" else None  # type: ignore[attr-defined]
        return None if frame is None else u8_to_pcm16(frame)

    def write_frame(self, frame: bytes) -> None:
        """20 ms of PCM16 to the doctor."""
        rtp = self._rtp
        if rtp is not None and self.state == "answered":
            rtp.write(pcm16_to_u8(frame))

    def queued_frames(self) -> int:
        rtp = self._rtp
        return len(rtp.pmout) if rtp is not None else 0  # type: ignore[arg-type]

    # --- as a Line (a check-in call the flow runs on) -------------------------------------------
    def clear_output(self) -> None:
        rtp = self._rtp
        if rtp is not None:
            rtp.pmout.clear()  # type: ignore[attr-defined]

    def get_digit(self) -> str:
        return str(self.call.get_dtmf(1))

    @property
    def active(self) -> bool:
        return self.state == "answered"

    def dial(self, target: str) -> OutboundLeg:
        """A doctor's phone, for a live bridge of this call (an escalation during a check-in call)."""
        return self._phone.dial(target)

    def hangup(self) -> None:
        """CANCEL while ringing, BYE once answered; idempotent."""
        with self._lock:
            state = self.call.state
            if state == VoIP.CallState.DIALING and not self._cancelled:
                self._cancelled = True
                self._send(self._request("CANCEL", self._invite_ruri, self._invite_via, to=self._to,
                                         cseq=self._cseq))
                log.info("doctor leg %s to %s: CANCEL", self.call_id, self.number)
                return
            if state == VoIP.CallState.ANSWERED:
                self._stop_media()
                self.call.state = VoIP.CallState.ENDED
                self._send(self._request("BYE", self._contact, self._new_via(), to=self._to_tagged(),
                                         cseq=self._cseq + 1, routes=self._routes))
                log.info("doctor leg %s to %s: BYE", self.call_id, self.number)
            self._release()

    # --- SIP ----------------------------------------------------------------------------------
    def _new_via(self) -> str:
        branch = "z9hG4bK" + uuid.uuid4().hex[:25]
        return f"SIP/2.0/UDP {self._phone.myIP}:{self._phone.sip.myPort};branch={branch}"

    def _to_tagged(self) -> str:
        return f"{self._to};tag={self._remote_tag}" if self._remote_tag else self._to

    def _request(self, method: str, ruri: str, via: str, *, to: str, cseq: int, routes: list[str] | None = None) -> str:
        route = "".join(f"Route: {r}\r\n" for r in routes or ())
        return (f"{method} {ruri} SIP/2.0\r\nVia: {via}\r\n{route}Max-Forwards: 70\r\nFrom: {self._from}\r\n"
                f"To: {to}\r\nCall-ID: {self.call_id}\r\nCSeq: {cseq} {method}\r\n"
                f"User-Agent: f0-hotline\r\nContent-Length: 0\r\n\r\n")

    def _send(self, text: str) -> None:
        try:
            self._phone.sip.out.sendto(text.encode("utf8"), (self._phone.server, self._phone.port))
        except OSError as exc:
            log.warning("doctor leg %s: send failed: %s", self.call_id, exc)

    def on_response(self, message: SIP.SIPMessage) -> None:
        """A reply in this leg's dialog (called on pyVoIP's SIP receive thread)."""
        cseq = message.headers.get("CSeq", {})
        if not isinstance(cseq, dict) or cseq.get("method") != "INVITE":
            return  # the replies to CANCEL and BYE
        code = int(message.status.value)
        if code < 200:
            return
        with self._lock:
            to = message.headers.get("To", {})
            if isinstance(to, dict) and to.get("tag"):
                self._remote_tag = str(to["tag"])
            if code >= 300:
                # hop-by-hop ACK of the error (same branch as the INVITE)
                self._send(self._request("ACK", self._invite_ruri, self._invite_via, to=self._to_tagged(),
                                         cseq=self._cseq))
                if self.final_status == 0:
                    self.final_status = code
                    heading = getattr(message, "heading", b"")
                    line = heading.decode("utf8", "replace").partition(" ")[2] if heading else str(code)
                    self.failure = f"{line}: {REFUSALS[code]}" if code in REFUSALS and not self._cancelled else line
                    log.info("doctor leg %s to %s: %s", self.call_id, self.number, self.failure)
                self.call.state = VoIP.CallState.ENDED
                self._release()
                return
            contact = _URI_IN_ANGLES.search(str(message.headers.get("Contact", "")))
            if contact:
                self._contact = contact.group(1)
            elif not self._contact:
                self._contact = str(message.headers.get("Contact", "")).strip("<>") or self._invite_ruri
            if self.final_status == 0:
                self.final_status = code
                self._routes = list(reversed(sipcompat.record_routes(message.raw)))
            if self.call.state == VoIP.CallState.DIALING and not self._cancelled:
                try:
                    self.call.answered(message)  # pyVoIP: RTP clients for the answer, state ANSWERED
                except Exception as exc:  # noqa: BLE001 - an answer we cannot use: hang it up
                    log.error("doctor leg %s: unusable answer: %s", self.call_id, exc)
                    self._cancelled = True
                log.info("doctor leg %s to %s: answered", self.call_id, self.number)
            self._send(self._request("ACK", self._contact, self._new_via(), to=self._to_tagged(), cseq=self._cseq,
                                     routes=self._routes))
            if self._cancelled and self.call.state != VoIP.CallState.ENDED:
                # answered after we gave up (CANCEL crossed the 200): end it at once
                self._stop_media()
                self.call.state = VoIP.CallState.ENDED
                self._send(self._request("BYE", self._contact, self._new_via(), to=self._to_tagged(),
                                         cseq=self._cseq + 1, routes=self._routes))
                self._release()

    def _stop_media(self) -> None:
        for client in self.call.RTPClients:
            client.stop()

    def _release(self) -> None:
        """Forget the call and give its RTP port back (once)."""
        if self._released:
            return
        self._released = True
        self._phone.forget_leg(self)


#: the leg a holding caller's live bridge rings (the same SIP code as a check-in call's)
DoctorLeg = OutboundLeg


class PhoneLine:
    """One answered call as ``ivr.telephony.callrunner`` sees it: frames in, frames out, keys, hang-up."""

    def __init__(self, call: CompatCall, phone: WorkerPhone | None = None):
        self._call = call
        self._phone = phone
        self.sip_call_id: str = call.call_id
        from_h = call.request.headers.get("From", {})
        self.caller: str = str(from_h.get("number") or from_h.get("caller") or "")
        # the user part the caller dialled (sip:studio@front -> "studio"); the R-URI names the worker
        self.called: str = str(call.request.headers.get("To", {}).get("number") or "")
        first = call.RTPClients[0] if call.RTPClients else None
        self.codec = first.codec if isinstance(first, CompatRTPClient) else "PCMU"

    @property
    def _rtp(self) -> CompatRTPClient:
        client = self._call.RTPClients[0]
        assert isinstance(client, CompatRTPClient)
        return client

    def read_frame(self) -> bytes | None:
        """The next 20 ms of caller audio (PCM16, 8 kHz) or None if none is ready."""
        frame = self._rtp.pmin.pop()  # type: ignore[attr-defined]
        return None if frame is None else u8_to_pcm16(frame)

    def write_frame(self, frame: bytes) -> None:
        """20 ms of PCM16 (8 kHz) to the caller."""
        self._call.write_audio(pcm16_to_u8(frame))

    def queued_frames(self) -> int:
        return len(self._rtp.pmout)  # type: ignore[arg-type]

    def clear_output(self) -> None:
        self._rtp.pmout.clear()  # type: ignore[attr-defined]

    def get_digit(self) -> str:
        return str(self._call.get_dtmf(1))

    @property
    def active(self) -> bool:
        return bool(self._call.state == VoIP.CallState.ANSWERED)

    def hangup(self) -> None:
        if self._call.state == VoIP.CallState.ANSWERED:
            try:
                self._call.hangup()
            except (VoIP.InvalidStateError, OSError) as exc:
                log.warning("hang-up of %s failed: %s", self.sip_call_id, exc)

    def dial(self, target: str) -> OutboundLeg:
        """Call ``target`` (a doctor's extension) through the SIP front, for a live bridge."""
        if self._phone is None:
            raise SipError("this line cannot place calls")
        return self._phone.dial(target)


def _pyvoip_body(offer: sdp.AudioOffer) -> dict[str, Any]:
    """pyVoIP's parsed-SDP shape (``SIPMessage.body``) for one checked audio stream: its codec and telephone-event."""
    used = [(offer.codec_payload_type, offer.codec)]
    if offer.dtmf_payload_type is not None:
        used.append((offer.dtmf_payload_type, "telephone-event"))
    return {
        "v": 0,
        "c": [{"network_type": "IN", "address_type": "IP4", "address": offer.address, "ttl": None,
               "address_count": 1}],
        "m": [{"type": "audio", "port": offer.port, "port_count": 1, "protocol": RTP.RTPProtocol.AVP,
               "methods": [str(pt) for pt, _ in used],
               "attributes": {str(pt): {"rtpmap": {"id": str(pt), "name": name, "frequency": "8000",
                                                   "encoding": None}} for pt, name in used}}],
        "a": {"transmit_type": RTP.TransmitType.SENDRECV},
    }


class WorkerPhone(VoIP.VoIPPhone):
    """A registered pyVoIP phone that refuses what it cannot serve instead of answering it wrong.

    * more than ``max_calls`` calls at once: 486 Busy Here (Kamailio then tries another worker);
    * an offer it cannot serve (no SDP, G.729 only, a port outside 1-65535, a host name in ``c=``, a broken
      ``a=rtpmap``, bytes that are not UTF-8...): 488 Not Acceptable Here, the reason in a ``Warning``
      header (``ivr.telephony.sdp``); pyVoIP then builds the call from the checked offer only;
    * CANCEL while ringing: 487 Request Terminated for the INVITE, and the call is never answered.
    """

    def __init__(self, *, server: str, port: int, username: str, password: str, my_ip: str,
                 sip_port: int, rtp_low: int, rtp_high: int, max_calls: int,
                 on_call: Callable[[PhoneLine], None]):
        super().__init__(server, port, username, password, myIP=my_ip, callCallback=self._run_call,
                         sipPort=sip_port, rtpPortLow=rtp_low, rtpPortHigh=rtp_high)
        self.sip.register_timeout = PHONE_REGISTER_TIMEOUT_S
        self.max_calls = max_calls
        self.on_call = on_call
        self.refused: dict[int, int] = {}  # status code -> count, for logs and the load bench
        self._lock = threading.Lock()  # guards calls/_legs: pyVoIP's SIP thread vs. call threads dialling
        self._legs: dict[str, OutboundLeg] = {}  # outbound calls by Call-ID
        # pyVoIP's SIP client drops every reply but 200/404/503: the doctor legs see all of theirs
        self._sip_parse = self.sip.parse_message
        self.sip.parse_message = self._parse_sip  # type: ignore[method-assign]
        # pyVoIP drops a message whose body it cannot parse: an INVITE would ring forever
        self.sip.recv = self._sip_recv  # type: ignore[method-assign]
        # in-dialog routing through the SIP front (Record-Route in our 200, Route on our BYE)
        self._gen_answer = self.sip.gen_answer
        self.sip.gen_answer = self._gen_answer_routed  # type: ignore[method-assign]
        self._gen_bye = self.sip.gen_bye
        self.sip.gen_bye = self._gen_bye_routed  # type: ignore[method-assign]

    # --- the dialog's route set (inbound calls) -----------------------------------------------
    def _gen_answer_routed(self, request: SIP.SIPMessage, *args: Any, **kwargs: Any) -> str:
        """pyVoIP's 200 to an INVITE, with the INVITE's Record-Route copied in: the caller's ACK,
        BYE and re-INVITE then come through the SIP front (RFC 3261 12.1.1)."""
        return sipcompat.with_record_route(self._gen_answer(request, *args, **kwargs),
                                           sipcompat.record_routes(request.raw))

    def _gen_bye_routed(self, request: SIP.SIPMessage) -> str:
        """pyVoIP's BYE for an answered call, with our own Via and the INVITE's Record-Route as the
        Route set, so that the SIP front relays it in the dialog however long the call lasted."""
        via = f"SIP/2.0/UDP {self.myIP}:{self.sip.myPort};branch=z9hG4bK{uuid.uuid4().hex[:25]}"
        return sipcompat.in_dialog_request(self._gen_bye(request), via=via,
                                           routes=sipcompat.record_routes(request.raw))

    # --- outbound calls (live bridge to a doctor) ---------------------------------------------
    def _parse_sip(self, message: SIP.SIPMessage) -> None:
        if message.type != SIP.SIPMessageType.MESSAGE:
            cseq = message.headers.get("CSeq", {})
            if isinstance(cseq, dict) and cseq.get("method") == "BYE" and int(message.status.value) >= 200:
                log.info("call %s: BYE answered %d", message.headers.get("Call-ID", ""), int(message.status.value))
                if str(message.headers.get("Call-ID", "")) not in self._legs:
                    return
            leg = self._legs.get(str(message.headers.get("Call-ID", "")))
            if leg is not None:
                leg.on_response(message)
                return
        self._sip_parse(message)

    def dial(self, target: str, *, caller_id: str = "") -> OutboundLeg:
        """Place a call to ``target`` (an extension, ``doctor-<name>`` or a phone number, see ``dial_user``)
        through the SIP front without blocking. ``caller_id``: the number the called phone shows (a check-in
        call's published number), in From and P-Asserted-Identity; by default the worker's own name."""
        number = dial_user(target)
        if caller_id and not DIALLABLE.match(caller_id):
            raise SipError(f"cannot call from {caller_id!r}: not a phone number or SIP user")
        if self.get_status() != PhoneStatus.REGISTERED:
            raise SipError(f"cannot dial {number}: the worker is not registered")
        port = self.request_port(blocking=False)
        medias = {port: {0: RTP.PayloadType.PCMU, 8: RTP.PayloadType.PCMA, 101: RTP.PayloadType.EVENT}}
        # pyVoIP's Call-IDs and branches count from 1 in every process: a restarted worker would reuse them
        branch = "z9hG4bK" + uuid.uuid4().hex[:25]
        call_id = f"{uuid.uuid4().hex}@{self.myIP}"
        sess_id = self.sip.sessID.next()
        invite = self.sip.gen_invite(number, str(sess_id), medias,  # type: ignore[arg-type]  # pyVoIP's own call() passes int keys too
                                     RTP.TransmitType.SENDRECV, branch, call_id)
        from_uri = ""
        if caller_id:
            from_uri = f"sip:{caller_id}@{self.server}"
            invite = sipcompat.with_caller_id(invite, from_uri)
        request = SIP.SIPMessage(invite.encode("utf8"))
        call = CompatCall(self, VoIP.CallState.DIALING, request, sess_id, self.myIP, ms=medias,
                          sendmode=self.sendmode)
        leg = OutboundLeg(self, call, invite=invite, number=number, branch=branch,
                          cseq=int(request.headers["CSeq"]["check"]), tag=self.sip.tagLibrary[call_id],
                          from_uri=from_uri)
        with self._lock:
            self.calls[call_id] = call
            self._legs[call_id] = leg
        self.sip.out.sendto(invite.encode("utf8"), (self.server, self.port))
        log.info("dialling %s (call %s, RTP port %d)", number, call_id, port)
        return leg

    def forget_leg(self, leg: OutboundLeg) -> None:
        with self._lock:
            self._legs.pop(leg.call_id, None)
            self.calls.pop(leg.call_id, None)
        try:
            self.release_ports(call=leg.call)
        except ValueError:
            pass
        leg.call.assignedPorts = {}  # released: pyVoIP's __del__ would release them a second time

    # --- capacity and offers --------------------------------------------------------------
    def active_calls(self) -> int:
        return sum(1 for c in list(self.calls.values()) if c.state != VoIP.CallState.ENDED)

    def _reply(self, request: SIP.SIPMessage, code: int, reason: str, *, warning: str = "") -> None:
        self.refused[code] = self.refused.get(code, 0) + 1
        try:
            text = sipcompat.response_with_status(self.sip.gen_busy(request), code, reason)
        except (KeyError, TypeError) as exc:  # a request without the headers a response copies (Contact...)
            log.info("no %d sent for %s: the request lacks %s", code, request.headers.get("Call-ID", "?"), exc)
            return
        if warning:
            text = sipcompat.with_warning(text, self.myIP, warning)
        self.sip.out.sendto(text.encode("utf8"), (self.server, self.port))

    # --- the offer, checked at the edge ---------------------------------------------------
    def _sip_recv(self) -> None:
        """pyVoIP's ``SIPClient.recv`` (one datagram, parsed and handled; BlockingIOError goes to its loop), except
        that an INVITE whose body pyVoIP cannot parse (not UTF-8, a line without '=', a blank line) is handled
        from its headers alone: it then gets its 488 instead of no answer at all."""
        raw = self.sip.s.recv(8192)
        if raw == b"\x00\x00\x00\x00":
            return
        try:
            message = SIP.SIPMessage(raw)
        except Exception as exc:  # noqa: BLE001 - pyVoIP's parser raises anything on malformed input
            head = raw.partition(b"\r\n\r\n")[0]
            if not raw.startswith(b"INVITE "):
                log.debug("SIP datagram dropped: %s: %s", type(exc).__name__, exc)
                return
            try:
                message = SIP.SIPMessage(head + b"\r\n\r\n")
            except Exception as exc2:  # noqa: BLE001 - the headers themselves are broken: nothing to answer
                log.debug("INVITE dropped, unreadable headers: %s: %s", type(exc2).__name__, exc2)
                return
            message.raw = raw  # the offer is read from the raw body (ivr.telephony.sdp)
        try:
            self.sip.parse_message(message)
        except Exception as exc:  # noqa: BLE001 - as pyVoIP's recv: one bad message never stops the SIP thread
            log.debug("SIP message dropped: %s: %s", type(exc).__name__, exc)

    def _accept_offer(self, request: SIP.SIPMessage) -> bool:
        """Check an INVITE's SDP offer (``ivr.telephony.sdp``); refuse it 488 with the reason, or hand pyVoIP
        the checked audio stream as its parsed body (so it never sees an address, port or codec we did not check)."""
        call_id = request.headers.get("Call-ID", "?")
        content_type = str(request.headers.get("Content-Type", "")).partition(";")[0].strip().lower()
        try:
            if content_type != "application/sdp":
                raise ValueError(f"the INVITE carries no SDP offer (Content-Type {content_type or 'missing'!r})")
            offer = sdp.AudioOffer.parse(sdp.body_of(request.raw))
        except ValueError as exc:
            log.info("call %s refused 488: %s", call_id, exc)
            self._reply(request, 488, "Not Acceptable Here", warning=str(exc))
            return False
        request.body = _pyvoip_body(offer)
        return True

    def _callback_MSG_Invite(self, request: SIP.SIPMessage) -> None:
        if not self._accept_offer(request):
            return
        call_id = request.headers["Call-ID"]
        if call_id in self.calls:
            return super()._callback_MSG_Invite(request)  # re-INVITE
        with self._lock:
            if self.active_calls() >= self.max_calls:
                log.info("call %s refused 486: %d calls already", call_id, self.max_calls)
                self._reply(request, 486, "Busy Here")
                return
            super()._callback_MSG_Invite(request)

    def _create_Call(self, request: SIP.SIPMessage, sess_id: int) -> None:
        call_id = request.headers["Call-ID"]
        self.calls[call_id] = CompatCall(self, VoIP.CallState.RINGING, request, sess_id, self.myIP,
                                         sendmode=self.recvmode)

    def callback(self, request: SIP.SIPMessage) -> None:
        if request.type == SIP.SIPMessageType.MESSAGE and request.method == "CANCEL":
            self._cancel(request)
            return
        super().callback(request)

    def _cancel(self, request: SIP.SIPMessage) -> None:
        call = self.calls.get(request.headers["Call-ID"])
        if not isinstance(call, CompatCall) or call.state != VoIP.CallState.RINGING:
            return
        call.cancelled = True
        for thread, call_id in list(self.threadLookup.items()):
            if call_id == call.call_id:
                thread.cancel()  # the 1 s ring timer: the callback never runs
        call.state = VoIP.CallState.ENDED
        self.calls.pop(call.call_id, None)
        self.release_ports(call=call)
        call.assignedPorts = {}  # released: pyVoIP's __del__ would release them a second time
        self._reply(call.request, 487, "Request Terminated")
        log.info("call %s cancelled while ringing: answered 487", call.call_id)

    # --- the call thread ------------------------------------------------------------------
    def _run_call(self, call: VoIP.VoIPCall) -> None:
        if not isinstance(call, CompatCall) or call.cancelled or call.state != VoIP.CallState.RINGING:
            return
        try:
            call.answer()
        except (VoIP.InvalidStateError, OSError) as exc:
            log.error("call %s could not be answered: %s", call.call_id, exc)
            return
        line = PhoneLine(call, self)
        try:
            self.on_call(line)
        except Exception:
            log.exception("call %s: the call loop failed", call.call_id)
        finally:
            line.hangup()
            self.calls.pop(call.call_id, None)

    # --- life cycle -----------------------------------------------------------------------
    def stop(self, failed: bool = False, *, timeout_s: float = PHONE_STOP_TIMEOUT_S) -> None:
        """pyVoIP's stop (hang up every call, deregister, close the SIP socket), bounded by ``timeout_s``.
        pyVoIP's deregistration can wait forever: it needs the SIP thread's lock, and it retries a 500 every
        5 s without limit (pyVoIP issues 6, 125, 229). Past ``timeout_s`` the SIP socket is closed without
        it (the registrar forgets this worker when its registration expires) and the stack of the stuck
        stop is logged."""
        done = threading.Event()

        def run() -> None:
            # pyVoIP's VoIPPhone.stop, except that a call thread ending its own call meanwhile (and leaving
            # ``calls``) or a hang-up that fails cannot skip the deregistration and the socket's close
            self._status = PhoneStatus.DEREGISTERING
            try:
                for call in list(self.calls.values()):
                    try:
                        call.hangup()
                    except (VoIP.InvalidStateError, OSError, KeyError, ValueError) as exc:
                        log.info("call %s: hang-up at stop: %s: %s", call.call_id, type(exc).__name__, exc)
                self.sip.stop()
            except Exception:
                log.exception("SIP worker %s: stopping failed", self.username)
            finally:
                self.sip.NSD = False
                self._cancel_reregistration()
                self.sip._close_sockets()  # again after a normal stop: closing a closed socket is a no-op
                self._status = PhoneStatus.FAILED if failed else PhoneStatus.INACTIVE
                done.set()

        stopper = threading.Thread(target=run, name="sip-stop", daemon=True)
        stopper.start()
        if done.wait(timeout_s):
            return
        frame = sys._current_frames().get(stopper.ident or -1)
        stack = "".join(traceback.format_stack(frame)) if frame is not None else "?"
        log.error("SIP worker %s: stopping took over %.0f s (deregistration stuck), closing its socket "
                  "without it; the stuck stop:\n%s", self.username, timeout_s, stack)
        self.sip.NSD = False
        self._cancel_reregistration()
        self.sip._close_sockets()
        self._status = PhoneStatus.FAILED if failed else PhoneStatus.INACTIVE

    def _cancel_reregistration(self) -> None:
        """Cancel pyVoIP's re-registration timer: a non-daemon Timer that pyVoIP's own stop leaves running when
        its SIP client was already marked stopped, and that would keep the process from exiting for up to
        ``default_expires`` seconds (then fail on the closed socket)."""
        timer = getattr(self.sip, "registerThread", None)
        if timer is not None:
            timer.cancel()

    def start_registered(self, timeout_s: float = 15.0) -> None:
        """Start and wait until registered; raise SipError otherwise."""
        try:
            self.start()
        except Exception as exc:  # noqa: BLE001 - pyVoIP raises bare Exceptions of many kinds
            raise SipError(f"SIP worker could not register to {self.server}:{self.port}: {exc}") from None
        deadline = time.monotonic() + timeout_s
        while self.get_status() != PhoneStatus.REGISTERED:
            if self.get_status() == PhoneStatus.FAILED or time.monotonic() > deadline:
                self.stop(failed=True)
                raise SipError(f"SIP worker could not register to {self.server}:{self.port}")
            time.sleep(0.05)

    @property
    def failed(self) -> bool:
        return bool(self.get_status() == PhoneStatus.FAILED)
