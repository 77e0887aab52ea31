"""A caller's phone line on a virtual clock, for driving ivr.telephony.callrunner without pyVoIP or sockets.

Nothing here waits in real time: ``Clock.sleep`` only moves virtual time, and ``InlineExecutor``
decodes an utterance as it is submitted (on the call's thread), so virtual time stands still while
it is decoded and a caller's script cannot run ahead of the recognizer.
"""
from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor, Future
from typing import Any

SILENCE = b"\0" * 320  # 20 ms of PCM16 silence at 8 kHz


class Clock:
    """Virtual time: ``sleep`` advances it, nothing else does."""

    def __init__(self) -> None:
        self.t = 1000.0

    def __call__(self) -> float:
        return self.t

    def sleep(self, s: float) -> None:
        self.t += s


class InlineExecutor(Executor):
    """A ``DecodePool`` executor that decodes at once, on the submitting thread."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        fut: Future[Any] = Future()
        try:
            fut.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # noqa: BLE001 - handed to the future, like a pool thread would
            fut.set_exception(exc)
        return fut


class StuckExecutor(Executor):
    """A ``DecodePool`` executor whose decoders never finish (a saturated pool)."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        return Future()


class VirtualLine:
    """The line sends one frame per 20 ms of virtual time; keys arrive at given times (seconds into the
    call); the caller hangs up at ``hangup_at``. Subclasses say what the caller sends (``caller_frame``)."""

    sip_call_id = "virtual@test"
    caller = "0987654321"

    def __init__(self, clock: Clock, *, keys: tuple[tuple[float, str], ...] = (), hangup_at: float | None = None):
        self.clock = clock
        self.t0 = clock.t
        self.keys = list(keys)
        self.hangup_at = hangup_at
        self.out: list[tuple[float, bytes]] = []  # (seconds into the call, PCM16 frame sent to the caller)
        self.queue: list[bytes] = []
        self._sent_until = clock.t
        self._heard_until = clock.t
        self.hung_up_by_hotline_at: float | None = None

    def caller_frame(self, rel: float) -> bytes:
        return SILENCE

    def _drain(self) -> None:
        while self._sent_until + 0.02 <= self.clock.t:
            self._sent_until += 0.02
            if self.queue:
                self.out.append((self._sent_until - self.t0, self.queue.pop(0)))

    def read_frame(self) -> bytes | None:
        if self._heard_until + 0.02 > self.clock.t:
            return None
        self._heard_until += 0.02
        return self.caller_frame(self._heard_until - self.t0)

    def write_frame(self, frame: bytes) -> None:
        self._drain()
        self.queue.append(frame)

    def queued_frames(self) -> int:
        self._drain()
        return len(self.queue)

    def clear_output(self) -> None:
        self.queue.clear()

    def get_digit(self) -> str:
        rel = self.clock.t - self.t0
        if self.keys and self.keys[0][0] <= rel:
            return self.keys.pop(0)[1]
        return ""

    @property
    def hung_up_by_hotline(self) -> bool:
        return self.hung_up_by_hotline_at is not None

    @property
    def active(self) -> bool:
        if self.hung_up_by_hotline:
            return False
        return self.hangup_at is None or self.clock.t - self.t0 < self.hangup_at

    def hangup(self) -> None:
        self.hung_up_by_hotline_at = self.clock.t - self.t0

    def dial(self, target: str) -> Any:
        raise RuntimeError("this line cannot place calls")
