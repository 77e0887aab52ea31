"""Work-arounds for measured pyVoIP 1.6.8 bugs, as pure code (no pyVoIP import here).

``ivr.telephony.phone`` (the one module importing pyVoIP) plugs these pieces into its
subclasses of pyVoIP's classes. Each work-around is named for the bug it fixes and
has a regression test in ``tests/ivr/telephony/test_sipcompat.py``:

* ``encode_frame``          - PCMA was sent as µ-law bytes labelled PT 8 (the codec is
                              ``ivr.audio.g711``, the project's one G.711 implementation).
* ``JitterBuffer``          - a lost RTP packet became 20 ms of 0x00 (a full-scale
                              click in unsigned 8-bit); the receive buffer also grew
                              without bound for the whole call.
* ``OutputQueue``           - the send buffer grew without bound and could not be
                              flushed, so barge-in had to wait for queued audio.
* ``response_with_status``  - CANCEL during ringing was answered 200 but the INVITE
                              was still answered: we answer the INVITE 487 instead.
* ``with_warning``          - pyVoIP's refusals said why in no header: a 488 carries the
                              reason (``ivr.telephony.sdp``'s message) in a Warning.
* ``DtmfDetector``          - a telephone-event without the marker bit was ignored.
* ``record_routes`` / ``with_record_route`` / ``in_dialog_request``
                            - the 200 to an INVITE dropped the proxy's Record-Route, and the
                              BYE carried no Route (and the INVITE's Via headers instead of its
                              own): in-dialog requests of a caller on another host bypassed
                              Kamailio (404), and Kamailio's dialog, never seeing the ACK, was
                              dropped after ``noack_timeout`` (the hotline's BYE then got 404).
"""
from __future__ import annotations

import re
import threading
from collections import deque
from collections.abc import Sequence

from ivr.audio import g711
from ivr.telephony.sdp import AUDIO_CODECS

FRAME_BYTES = 160  # 20 ms of 8 kHz 8-bit audio
SILENCE_U8 = b"\x80" * FRAME_BYTES  # mid-scale: silence in unsigned 8-bit
DTMF_EVENTS = "0123456789*#ABCD"


# --- PCMA sent as µ-law (pyVoIP RTPClient.encode_packet used encode_pcmu for PCMA) ----------------
def encode_frame(codec: str, frame_u8: bytes) -> bytes:
    """One frame of unsigned 8-bit audio as the G.711 payload of ``codec`` ('PCMU' or 'PCMA')."""
    if codec == "PCMU":
        return g711.u8_to_ulaw(frame_u8)
    if codec == "PCMA":
        return g711.u8_to_alaw(frame_u8)
    raise ValueError(f"cannot encode codec {codec!r}: expected PCMU or PCMA")


def decode_frame(codec: str, payload: bytes) -> bytes:
    """A G.711 payload as unsigned 8-bit audio (what pyVoIP hands to ``read_audio``)."""
    if codec == "PCMU":
        return g711.ulaw_to_u8(payload)
    if codec == "PCMA":
        return g711.alaw_to_u8(payload)
    raise ValueError(f"cannot decode codec {codec!r}: expected PCMU or PCMA")


# --- A lost packet became 0x00 (pyVoIP RTPPacketManager wrote by timestamp into a BytesIO) -------
class JitterBuffer:
    """Received audio ordered by RTP timestamp, bounded, gaps filled with silence (0x80).

    Same ``write(offset, data)`` / ``read(length)`` shape as pyVoIP's RTPPacketManager so
    that it replaces ``RTPClient.pmin``; ``pop()`` is the non-blocking reader the call loop
    uses (``None`` when nothing is ready). A gap is filled once a later packet has waited
    ``depth`` frames; a jump of more than ``resync_bytes`` (a new stream) resynchronises.
    """

    def __init__(self, *, depth: int = 2, max_frames: int = 100, resync_bytes: int = 8000):
        self.depth = depth
        self.max_frames = max_frames
        self.resync_bytes = resync_bytes
        self._lock = threading.Lock()  # the receiver thread writes, the call thread pops
        self._frames: dict[int, bytes] = {}
        self._next: int | None = None
        self._pending = bytearray()  # bytes of a partly read frame
        self.filled = 0  # frames of silence inserted for lost packets
        self.dropped = 0  # late, duplicate or overflowing frames

    def write(self, offset: int, data: bytes) -> None:
        offset &= 0xFFFFFFFF
        with self._lock:
            if self._next is None or abs(_ts_delta(offset, self._next)) > self.resync_bytes:
                if self._next is not None:
                    self._frames.clear()
                self._next = offset
            if _ts_delta(offset, self._next) < 0 or offset in self._frames:
                self.dropped += 1
                return
            self._frames[offset] = bytes(data)
            if len(self._frames) > self.max_frames:  # the reader fell behind: keep the newest, skip ahead
                base = self._next
                order = sorted(self._frames, key=lambda ts: _ts_delta(ts, base))
                for ts in order[:len(order) - self.max_frames]:
                    del self._frames[ts]
                    self.dropped += 1
                self._next = order[len(order) - self.max_frames]

    def pop(self) -> bytes | None:
        """The next frame in order, silence for a lost one, or None when nothing is ready."""
        with self._lock:
            if self._next is None or not self._frames:
                return None
            data = self._frames.pop(self._next, None)
            if data is not None:
                self._next = (self._next + len(data)) & 0xFFFFFFFF
                return data
            later = sorted(_ts_delta(ts, self._next) for ts in self._frames)
            if later[-1] < self.depth * FRAME_BYTES and len(self._frames) < self.depth:
                return None  # maybe only reordered: wait a little
            gap = min(later[0], FRAME_BYTES)
            self._next = (self._next + gap) & 0xFFFFFFFF
            self.filled += 1
            return b"\x80" * gap

    def read(self, length: int = FRAME_BYTES) -> bytes:
        """pyVoIP's contract: ``length`` bytes, silence (0x80) where nothing has arrived."""
        while len(self._pending) < length:
            frame = self.pop()
            if frame is None:
                break
            self._pending += frame
        out = bytes(self._pending[:length])
        del self._pending[:length]
        return out + b"\x80" * (length - len(out))


def _ts_delta(a: int, b: int) -> int:
    """a - b in RTP timestamp arithmetic (32-bit wrap-around)."""
    d = (a - b) & 0xFFFFFFFF
    return d - 0x100000000 if d >= 0x80000000 else d


# --- The send buffer grew for the whole call and could not be flushed --------------------------
class OutputQueue:
    """Frames waiting for the pacer thread; ``clear()`` drops them (barge-in).

    No lock: the call thread alone puts and clears (and owns ``_partial``), the pacer thread alone pops,
    and a deque's append/popleft/clear are atomic. With a lock the pacer could wait, GIL released, behind a
    call thread switched out while holding it: one late packet for every call of the worker.
    """

    def __init__(self, *, max_frames: int = 500):
        self._frames: deque[bytes] = deque(maxlen=max_frames)
        self._partial = bytearray()  # the call thread's alone

    def write(self, offset: int, data: bytes) -> None:  # pyVoIP's RTPPacketManager shape
        self.put(data)

    def put(self, data: bytes) -> None:
        self._partial += data
        while len(self._partial) >= FRAME_BYTES:
            self._frames.append(bytes(self._partial[:FRAME_BYTES]))
            del self._partial[:FRAME_BYTES]

    def read(self, length: int = FRAME_BYTES) -> bytes:
        try:
            return self._frames.popleft()
        except IndexError:
            return SILENCE_U8[:length]

    def clear(self) -> None:
        self._frames.clear()
        self._partial.clear()

    def __len__(self) -> int:
        return len(self._frames)


# --- CANCEL while ringing: pyVoIP answered 200 to the CANCEL and then still answered the INVITE ---
def response_with_status(response: str, code: int, reason: str) -> str:
    """A SIP response text with its status line replaced (e.g. pyVoIP's 486 made into 487)."""
    head, sep, rest = response.partition("\r\n")
    if not head.startswith("SIP/2.0 ") or not sep:
        raise ValueError(f"not a SIP response: {head[:40]!r}")
    lines = [ln for ln in rest.split("\r\n") if not ln.startswith("Warning:")]
    return f"SIP/2.0 {code} {reason}\r\n" + "\r\n".join(lines)


def with_warning(response: str, agent: str, text: str) -> str:
    """A SIP response with a ``Warning: 399 <agent> "<text>"`` header (RFC 3261 20.43) before Content-Length;
    the text is cut to 200 characters, with quotes, backslashes and control characters replaced by '?'."""
    clean = "".join("?" if ch in '"\\' or ord(ch) < 0x20 or ord(ch) == 0x7F else ch for ch in text)[:200]
    head, sep, body = response.partition("\r\n\r\n")
    lines = head.split("\r\n")
    at = next((i for i, ln in enumerate(lines) if ln.lower().startswith("content-length:")), len(lines))
    lines.insert(at, f'Warning: 399 {agent} "{clean}"')
    return "\r\n".join(lines) + sep + body


# --- telephone-event without the marker bit was ignored ---------------------------------------
class DtmfDetector:
    """RFC 4733 events to digits: one digit per event (new timestamp), marker bit or not."""

    def __init__(self) -> None:
        self._last: tuple[int, int] | None = None  # (timestamp, event)

    def feed(self, *, timestamp: int, payload: bytes) -> str | None:
        if len(payload) < 4 or payload[0] >= len(DTMF_EVENTS):
            return None
        key = (timestamp, payload[0])
        if key == self._last:
            return None  # a continuation or the (repeated) end packet of the same event
        self._last = key
        return DTMF_EVENTS[payload[0]]


def pick_pcm(payload_names: Sequence[str]) -> str | None:
    """The first G.711 codec in an answer's payload list."""
    return next((n for n in payload_names if n in AUDIO_CODECS), None)


# --- Record-Route dropped from the 200, no Route on the BYE (RFC 3261 12.1.1, 12.2.1.1) ------------
_RECORD_ROUTE = re.compile(r"^record-route[ \t]*:(.*)$", re.IGNORECASE)


def record_routes(raw: bytes | str) -> list[str]:
    """The Record-Route entries of a SIP message, in the order they appear (``<sip:...;lr>`` each)."""
    text = raw.decode("utf8", "replace") if isinstance(raw, bytes) else raw
    head = text.split("\r\n\r\n", 1)[0]
    routes: list[str] = []
    for line in head.split("\r\n")[1:]:
        match = _RECORD_ROUTE.match(line)
        if match:
            routes.extend(_split_addresses(match.group(1)))
    return routes


def _split_addresses(value: str) -> list[str]:
    """``<a>, <b;x=1>`` -> ``['<a>', '<b;x=1>']`` (commas inside angle brackets or quotes stay)."""
    parts: list[str] = []
    current = ""
    angle = quoted = False
    for ch in value:
        if ch == '"' and not angle:
            quoted = not quoted
        elif ch == "<" and not quoted:
            angle = True
        elif ch == ">" and not quoted:
            angle = False
        if ch == "," and not angle and not quoted:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    parts.append(current.strip())
    return [p for p in parts if p]


def _insert_after_vias(text: str, lines: list[str]) -> str:
    head, sep, body = text.partition("\r\n\r\n")
    rows = head.split("\r\n")
    at = max((i for i, row in enumerate(rows) if row.lower().startswith("via:")), default=0) + 1
    return "\r\n".join(rows[:at] + lines + rows[at:]) + sep + body


def with_record_route(response: str, routes: list[str]) -> str:
    """A response to a dialog-creating request with the request's Record-Route copied in (same order)."""
    if not routes:
        return response
    return _insert_after_vias(response, [f"Record-Route: {r}" for r in routes])


def in_dialog_request(request: str, *, via: str, routes: list[str]) -> str:
    """An in-dialog request (pyVoIP's BYE) with its own single ``Via`` and the dialog's route set
    as ``Route`` headers. pyVoIP copies the INVITE's Via headers into its BYE, which made the
    200 travel to the wrong hops; a UAS's route set is the INVITE's Record-Route in order,
    a UAC's the 2xx's Record-Route reversed (the caller passes the right list)."""
    head, sep, body = request.partition("\r\n\r\n")
    rows = [row for row in head.split("\r\n") if not row.lower().startswith(("via:", "route:"))]
    rows[1:1] = [f"Via: {via}", *(f"Route: {r}" for r in routes)]
    return "\r\n".join(rows) + sep + body




def with_caller_id(request: str, from_uri: str) -> str:
    """pyVoIP's INVITE shown as coming from ``from_uri`` (a check-in call's published number): its From
    URI replaced (the tag kept) and a ``P-Asserted-Identity`` with the same URI added, which a trunk
    trusting the SIP front passes on as the calling number."""
    head, sep, body = request.partition("\r\n\r\n")
    rows = head.split("\r\n")
    for i, row in enumerate(rows):
        if row.lower().startswith("from:"):
            _, _, params = row.partition(">")
            rows[i] = f"From: <{from_uri}>{params}"
    text = "\r\n".join(rows) + sep + body
    return _insert_after_vias(text, [f"P-Asserted-Identity: <{from_uri}>"])
