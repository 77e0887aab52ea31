"""Speech decoding off the call threads: the ``Decoding`` interface the call loop uses and
``DecodePool``, its simplest implementation (whole utterances on a thread or process pool).

Threads: ``DecodePool`` is shared by every call of a worker; call threads ``open``/``submit``,
the pool's threads (or processes) run ``transcribe``, the result crosses back as a ``Future``;
``_pending`` is guarded by ``_lock`` (incremented on a call thread, decremented on a pool thread).
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from typing import Protocol

from ivr.engine import actions as A

log = logging.getLogger(__name__)

RATE = 8000


#: decode one utterance (PCM16 at 8 kHz) for the current Listen -> (text, confidence)
Transcribe = Callable[[bytes, int, "A.Listen | None"], "tuple[str, float]"]


class DecodePool:
    """Speech decoding off the call threads, shared by every call of a worker.

    ``saturated`` is true when more utterances wait than there are decoder threads times
    ``backlog``: the call loop then asks the engine for keys-only menus (overload).
    """

    def __init__(self, transcribe: Transcribe, *, threads: int = 2, backlog: int = 2,
                 executor: Executor | None = None):
        """``executor``: where ``transcribe`` runs (default: ``threads`` threads of this process;
        the worker passes a process pool so that decoding never holds this process's GIL
        while RTP is being paced)."""
        self.transcribe = transcribe
        self.threads = threads
        self.backlog = backlog
        self._pool = executor or ThreadPoolExecutor(max_workers=threads, thread_name_prefix="decode")
        self._pending = 0
        self._lock = threading.Lock()  # guards _pending: call threads add, pool threads' done-callbacks subtract

    def open(self, listen: A.Listen | None) -> BufferedUtterance:
        """An utterance fed as it is spoken, decoded whole once finished."""
        return BufferedUtterance(self, listen)

    def submit(self, pcm16: bytes, listen: A.Listen | None) -> Future[tuple[str, float]]:
        with self._lock:
            self._pending += 1
        fut = self._pool.submit(self.transcribe, pcm16, RATE, listen)
        started = time.monotonic()
        audio_s = len(pcm16) / (2 * RATE)
        fut.add_done_callback(lambda f: self._done(f, started, audio_s))
        return fut

    def _done(self, _fut: Future[tuple[str, float]], started: float, audio_s: float) -> None:
        with self._lock:
            self._pending -= 1
        log.info("decode_ms=%.0f audio_ms=%.0f", (time.monotonic() - started) * 1000, audio_s * 1000)

    @property
    def pending(self) -> int:
        return self._pending

    @property
    def saturated(self) -> bool:
        return self._pending > self.threads * self.backlog

    def shutdown(self) -> None:
        self._pool.shutdown(wait=not isinstance(self._pool, ThreadPoolExecutor), cancel_futures=True)


class BufferedUtterance:
    """``DecodePool``'s utterance: the audio is kept and decoded in one piece at ``finish``."""

    def __init__(self, pool: DecodePool, listen: A.Listen | None):
        self._pool = pool
        self._listen = listen
        self._audio = bytearray()

    def feed(self, pcm16: bytes) -> None:
        self._audio += pcm16

    def finish(self) -> Future[tuple[str, float]]:
        return self._pool.submit(bytes(self._audio), self._listen)

    def cancel(self) -> None:
        self._audio.clear()


class Utterance(Protocol):
    """An utterance on its way to the decoder (``BufferedUtterance``, ``ivr.speech.streampool.Utterance``)."""

    def feed(self, pcm16: bytes) -> None: ...
    def finish(self) -> Future[tuple[str, float]]: ...
    def cancel(self) -> None: ...


class Decoding(Protocol):
    """Where utterances are decoded: ``DecodePool`` (threads, whole utterances) or
    ``ivr.speech.streampool.StreamPool`` (child processes, decoded while spoken)."""

    threads: int

    def open(self, listen: A.Listen | None) -> Utterance: ...
    @property
    def saturated(self) -> bool: ...
    @property
    def pending(self) -> int: ...
    def shutdown(self) -> None: ...
