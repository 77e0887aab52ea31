"""Streaming speech decoding in child processes, shared by every call of a SIP worker.

A caller's utterance is decoded *while it is spoken*: the call loop opens an utterance
when its voice gate opens, feeds the audio as it arrives, and at the end-point asks for
the result, which then costs the decoder one last chunk (~50 ms) instead of the whole
utterance. Decoding runs in ``processes`` child processes (spawned, niced, each with the
recognizer loaded once), so it never holds the worker's GIL or CPU while RTP is paced.

Each utterance sticks to one child: the one with the smallest predicted wait when it opens
(``ivr.speech.admission``). Children report the audio they have run through the model and
their measured decode speed (wall seconds per second of audio, an EWMA); a child's
predicted wait is its backlog (audio sent, not yet run: audio in a stream's partial chunk
waits for the caller, not for the CPU, and is not counted) times that speed, plus the growth
of the backlog while the new utterance is spoken if its open streams need more than real
time at that speed. When every
child's wait is above ``asr_max_wait_ms`` the pool is *saturated*: new utterances then get
the overload answer (keys only) instead of waiting. Every few seconds a busy child reports
its batch sizes and speed, which the worker logs (``decode N: ...``).
A child that dies fails its open utterances (the caller is asked again, never left in
silence) and is replaced.
"""
from __future__ import annotations

import logging
import multiprocessing
import multiprocessing.connection
import os
import queue
import threading
import time
from concurrent.futures import Future
from typing import Any

from ivr import audio
from ivr.config import Config
from ivr.errors import AudioError
from ivr.speech.admission import INITIAL_SPEED, Admission, ChildLoad, SpeedMeter, admit

log = logging.getLogger(__name__)

RATE = 8000
BYTES_PER_S = RATE * 2
SEND_EVERY_BYTES = BYTES_PER_S // 5  # audio goes to the child in 200 ms pieces
#: children run this much nicer than their worker: the kernel lets the worker pace RTP first
NICENESS = 10
BYTES_PER_FRAME = BYTES_PER_S // 100  # one 10 ms feature frame of the model, in 8 kHz PCM16 bytes
STATS_EVERY_S = 5.0  # a busy child's batching is logged this often
COUNTERS = ("runs", "chunks", "max_batch", "busy_s", "cpu_s")
#: an idle child measures its speed this often (one 400 ms chunk, ~10-15 ms on a free core), so that the
#: first callers of a burst are admitted on the machine's speed of the moment, not on an old or assumed one
PROBE_EVERY_S = 5.0
#: feature frames a viet-asr chunk advances by (400 ms; ``ivr.speech.vietasr.engine.STRIDE_FRAMES``)
STRIDE_FRAMES = 40


class Utterance:
    """One utterance being decoded: ``feed`` audio (PCM16, 8 kHz), then ``finish`` -> Future."""

    def __init__(self, pool: StreamPool, uid: int, child: _Child):
        self._pool = pool
        self.uid = uid
        self._child = child
        self._buffer = bytearray()
        self.future: Future[tuple[str, float]] = Future()
        self._finished = False

    def feed(self, pcm16: bytes) -> None:
        if self._finished:
            raise AudioError("utterance already finished")
        self._buffer += pcm16
        if len(self._buffer) >= SEND_EVERY_BYTES:
            self._flush()

    def _flush(self) -> None:
        if self._buffer:
            self._child.send(("feed", self.uid, bytes(self._buffer)), len(self._buffer))
            self._buffer.clear()

    def finish(self) -> Future[tuple[str, float]]:
        if not self._finished:
            self._finished = True
            self._flush()
            self._child.send(("finish", self.uid), 0)
        return self.future

    def cancel(self) -> None:
        """Drop the utterance (the caller pressed a key; the call ended)."""
        if not self._finished:
            self._finished = True
            self._child.send(("cancel", self.uid), 0)
            self._pool._resolve(self.uid, "", 0.0, None)


class _Child:
    def __init__(self, ctx: Any, cfg: Config, index: int):
        self.index = index
        self.inbox = ctx.Queue()
        # its own pipe for results, written by it alone: a queue shared by every child has a write lock, which a
        # child killed while writing leaves held, and then no other child's result ever arrives
        self.results, results_end = ctx.Pipe(duplex=False)
        self.decoded = ctx.RawValue("q", 0)  # bytes of audio the child has run through the model
        self.speed = ctx.RawValue("d", INITIAL_SPEED)  # its wall seconds of work per second of audio (EWMA)
        # its batching so far (model runs, chunks, largest batch, busy s, CPU s), written by the child only:
        # shared memory, not the results queue, which a child killed while writing would leave locked
        self.counters = ctx.RawArray("d", len(COUNTERS))
        self.reported = [0.0] * len(COUNTERS)
        self.reported_at = time.monotonic()
        self.sent = 0
        self.open: set[int] = set()
        self.ready = threading.Event()  # set by the pool's result reader when the child has loaded its model
        self._lock = threading.Lock()  # guards `sent`, which every call thread adds to (the inbox queue is thread-safe)
        self.process = ctx.Process(target=_child_main, args=(cfg, index, self.inbox, results_end, self.decoded,
                                                                 self.speed, self.counters),
                                   name=f"decode-{index}", daemon=True)
        self.process.start()
        results_end.close()  # the child's end only: its death then reads as end of file here
        self.gone = False  # its pipe reached end of file (it died)

    def send(self, message: tuple[Any, ...], audio_bytes: int) -> None:
        with self._lock:
            self.sent += audio_bytes
        self.inbox.put(message)

    @property
    def backlog_s(self) -> float:
        return max(0, self.sent - self.decoded.value) / BYTES_PER_S

    def load(self) -> ChildLoad:
        return ChildLoad(backlog_s=self.backlog_s, speed=self.speed.value, open=len(self.open))


class StreamPool:
    """``processes`` decode children; thread-safe; ``open`` an utterance per caller turn."""

    def __init__(self, cfg: Config, processes: int, *, max_wait_s: float | None = None,
                 max_backlog_s: float | None = None):
        """``max_wait_s``: the latency budget of admission (default ``cfg.asr_max_wait_ms``);
        ``max_backlog_s``: also saturated beyond this much undecoded audio per child (default: no cap)."""
        self.cfg = cfg
        self.threads = processes  # the call loop logs it like DecodePool's
        self.max_wait_s = cfg.asr_max_wait_ms / 1000.0 if max_wait_s is None else max_wait_s
        self.max_backlog_s = max_backlog_s
        self._ctx = multiprocessing.get_context("spawn")
        # guards _children, _futures, _next_uid and each child.open: call threads add, the reader resolves
        self._lock = threading.Lock()
        self._futures: dict[int, tuple[Future[tuple[str, float]], _Child]] = {}
        self._next_uid = 0
        self._closed = False
        self._children = [_Child(self._ctx, cfg, i) for i in range(processes)]
        self._reader = threading.Thread(target=self._read, name="decode-results", daemon=True)
        self._reader.start()

    # ------------------------------------------------------------------ use
    def wait_ready(self, timeout: float) -> None:
        deadline = time.monotonic() + timeout
        for child in self._children:
            if not child.ready.wait(max(0.0, deadline - time.monotonic())):
                raise AudioError(f"decode process {child.index} did not load the recognizer within {timeout:.0f} s")

    def open(self, listen: Any) -> Utterance:
        """An utterance for the current ``Listen`` (its closed grammar, if any)."""
        from ivr.speech.recognizer import grammar_for

        grammar = grammar_for(listen)
        with self._lock:
            chosen = self.admission().child
            # saturated meanwhile (the caller checked ``saturated`` first): the least loaded one still decodes it
            child = self._children[chosen] if chosen is not None else \
                min(self._children, key=lambda c: (c.load().predicted_wait_s(), len(c.open)))
            self._next_uid += 1
            uid = self._next_uid
            utt = Utterance(self, uid, child)
            child.open.add(uid)
            self._futures[uid] = (utt.future, child)
        child.send(("open", uid, grammar), 0)
        return utt

    def submit(self, pcm16: bytes, listen: Any) -> Future[tuple[str, float]]:
        """A whole utterance at once."""
        utt = self.open(listen)
        utt.feed(pcm16)
        return utt.finish()

    def admission(self) -> Admission:
        """Which child would take an utterance now (``child`` None: saturated), and its predicted wait."""
        return admit([c.load() for c in self._children], self.max_wait_s, self.max_backlog_s)

    @property
    def saturated(self) -> bool:
        return self.admission().child is None

    @property
    def predicted_wait_s(self) -> float:
        return self.admission().wait_s

    @property
    def healthy(self) -> bool:
        """Every decode process is alive with its model loaded (read by the worker's capacity report)."""
        return not self._closed and all(c.process.is_alive() and c.ready.is_set() for c in self._children)

    @property
    def pending(self) -> int:
        return len(self._futures)

    @property
    def backlog_s(self) -> float:
        return min(c.backlog_s for c in self._children)

    def shutdown(self) -> None:
        self._closed = True
        for child in self._children:
            try:
                child.inbox.put(None)
            except (OSError, ValueError):
                pass
        for child in self._children:
            child.process.join(timeout=5)
            if child.process.is_alive():
                child.process.kill()
        self._fail_all("decoder shut down")

    # ------------------------------------------------------------------ results
    def _resolve(self, uid: int, text: str, confidence: float, error: str | None) -> None:
        with self._lock:
            entry = self._futures.pop(uid, None)
            if entry is None:
                return
            future, child = entry
            child.open.discard(uid)
        if future.done():
            return
        if error is not None:
            future.set_exception(AudioError(error))
        else:
            future.set_result((text, confidence))

    def _read(self) -> None:
        """The "decode-results" thread: every child's results pipe, the children's health, the reports."""
        while not self._closed:
            by_pipe = {child.results: child for child in list(self._children) if not child.gone}
            try:
                ready = multiprocessing.connection.wait(list(by_pipe), timeout=1.0) if by_pipe else []
            except (OSError, ValueError):
                ready = []
            if not by_pipe:
                time.sleep(0.2)
            for pipe in ready:
                child = by_pipe[pipe]  # type: ignore[index]
                try:
                    message: Any = child.results.recv()
                except (EOFError, OSError):
                    child.gone = True  # it died: _check_children fails its utterances and replaces it
                    continue
                if message[0] == "ready":
                    child.ready.set()
                elif message[0] == "result":
                    _, uid, text, confidence, error = message
                    self._resolve(uid, text, confidence, error)
            if not ready or any(c.gone for c in self._children):
                self._check_children()
            self._report()

    def _report(self) -> None:
        """Log each busy child's batching since the last report (every STATS_EVERY_S)."""
        now = time.monotonic()
        for child in list(self._children):
            span = now - child.reported_at
            if span < STATS_EVERY_S:
                continue
            values = list(child.counters)
            runs, chunks, _, busy_s, cpu_s = (v - r for v, r in zip(values, child.reported))
            largest = values[2]
            child.counters[2] = 0.0  # the largest batch since this report (a race with the child: benign)
            child.reported, child.reported_at = values, now
            if runs:
                load = child.load()
                log.info("decode %d: %d model runs of %.1f chunks on average (max %d) in %.1f s, busy %.0f%% "
                         "(CPU %.0f%%), speed %.3f s per audio s, backlog %.2f s, wait %.0f ms", child.index,
                         runs, chunks / runs, largest, span, 100 * busy_s / span, 100 * cpu_s / span,
                         load.speed, load.backlog_s, 1000 * load.predicted_wait_s())

    def _check_children(self) -> None:
        for i, child in enumerate(self._children):
            if self._closed or child.process.is_alive():
                continue
            log.error("decode process %d died (exit %s): its %d utterances are not heard; starting a new one",
                      child.index, child.process.exitcode, len(child.open))
            for uid in list(child.open):
                self._resolve(uid, "", 0.0, f"decode process {child.index} died")
            child.results.close()
            with self._lock:
                self._children[i] = _Child(self._ctx, self.cfg, child.index)

    def _fail_all(self, why: str) -> None:
        for uid in list(self._futures):
            self._resolve(uid, "", 0.0, why)


# ---------------------------------------------------------------------- child side


def _child_main(cfg: Config, index: int, inbox: Any, results: Any, decoded: Any, speed: Any,
                counters: Any) -> None:
    from ivr.speech.recognizer import open_recognizer

    _die_with_parent()
    _lower_priority()
    results = _Sender(results)
    engine: Any = open_recognizer(cfg, cfg.asr_engine).engine
    warm = engine.decoder(None)
    warm.accept(bytes(engine.sample_rate))  # first run allocates: do it before the first caller
    warm.final()
    warm.close()
    speed.value = _probe(engine)
    results.put(("ready", index))
    batching = hasattr(engine, "run_ready")  # viet-asr: chunks of all streams in one model run
    streams: dict[int, tuple[Any, audio.Resampler]] = {}
    pushed = 0  # bytes of audio received
    meter = SpeedMeter(initial=speed.value)
    stats = _BatchStats(counters)
    while True:
        decoders = [decoder for decoder, _ in streams.values()]
        busy = batching and any(d.chunk_ready for d in decoders)
        messages = _drain(inbox, block=not busy, timeout=PROBE_EVERY_S)
        if not messages and not streams:  # idle for PROBE_EVERY_S: how fast is this machine now?
            meter.speed = speed.value = meter.speed + meter.alpha * (_probe(engine) - meter.speed)
            continue
        started = time.perf_counter()  # work from here on (the wait for the inbox is idle time)
        pushed_before = pushed
        chunks = 0  # chunks (400 ms of audio each, a trailing partial one counts whole) run this round
        finishing: list[int] = []
        for message in messages:
            if message is None:
                return
            if message[0] == "finish":
                finishing.append(message[1])  # after this round's audio, before other streams' chunks
            else:
                pushed += _handle(message, streams, engine, batching, results, index)
        flushed: set[int] = set()
        if batching and finishing:  # a caller is waiting for these: they go first, batched
            ending = [streams[uid][0] for uid in finishing if uid in streams]
            for uid in finishing:  # the resampler's tail first, so that no chunk is left for `final` to run alone
                if uid in streams:
                    decoder, resampler = streams[uid]
                    decoder.push(resampler.flush())
                    flushed.add(uid)
            before = _ready_frames(ending)
            runs = engine.run_ready(ending)
            ran = (before - _ready_frames(ending)) // STRIDE_FRAMES
            stats.add(runs, ran)
            chunks += ran
            if hasattr(engine, "finish_ready"):  # every trailing partial chunk in one batched run
                tails = sum(1 for d in ending if _has_tail(d))
                stats.add(engine.finish_ready(ending), tails)
                chunks += tails
        if batching and finishing:  # decoded so far, before their results reach the pool (it reads both)
            decoded.value = max(0, pushed - _ready_frames([d for d, _ in streams.values()]) * BYTES_PER_FRAME)
        for uid in finishing:
            _handle(("finish", uid), streams, engine, batching, results, index, flushed=uid in flushed)
        if batching and streams:
            # a bounded step (one batch), then back to the inbox for end-points
            live = [decoder for decoder, _ in streams.values()]
            before = _ready_frames(live)
            runs = engine.run_ready(live, max_batch=8, max_runs=1)
            ran = (before - _ready_frames(live)) // STRIDE_FRAMES
            stats.add(runs, ran)
            chunks += ran
            # what is left to decode is the full chunks waiting for a run; a partial chunk waits for audio
            decoded.value = max(0, pushed - _ready_frames(live) * BYTES_PER_FRAME)
        else:
            decoded.value = pushed
        audio_s = chunks * STRIDE_FRAMES / 100 if batching else (pushed - pushed_before) / BYTES_PER_S
        now = time.perf_counter()
        speed.value = meter.observe(now - started, audio_s)
        stats.worked(now - started)


class _Sender:
    """The child's end of its results pipe, with a queue's ``put``."""

    def __init__(self, pipe: Any):
        self._pipe = pipe

    def put(self, message: tuple[Any, ...]) -> None:
        self._pipe.send(message)


def _ready_frames(decoders: list[Any]) -> int:
    """Feature frames that model runs can take now (full chunks), over ``decoders``."""
    return sum(getattr(d, "ready_frames", 0) for d in decoders)


def _has_tail(decoder: Any) -> bool:
    """A partial chunk that ``finish_ready`` will run."""
    return bool(getattr(decoder, "has_tail", False))


class _BatchStats:
    """A child's model runs, in the shared ``counters`` its pool reads (see ``COUNTERS``)."""

    def __init__(self, counters: Any):
        self.counters = counters
        self._cpu = time.process_time()

    def add(self, runs: int, chunks: int) -> None:
        """``runs`` model runs that decoded ``chunks`` chunks in all (the largest batch: their mean, rounded up)."""
        if runs:
            self.counters[0] += runs
            self.counters[1] += chunks
            self.counters[2] = max(self.counters[2], -(-chunks // runs))

    def worked(self, busy_s: float) -> None:
        cpu = time.process_time()
        self.counters[3] += busy_s
        self.counters[4] += cpu - self._cpu
        self._cpu = cpu


def _probe(engine: Any) -> float:
    """Seconds of wall time per second of audio for one chunk of one stream, decoded now."""
    decoder = engine.decoder(None)
    pcm = bytes(engine.sample_rate * 2 * 2 // 5)  # 400 ms at the engine's rate: one viet-asr chunk
    started = time.perf_counter()
    decoder.accept(pcm)
    decoder.final()
    elapsed = time.perf_counter() - started
    decoder.close()
    return elapsed / 0.4


def _drain(inbox: Any, *, block: bool, limit: int = 5000, timeout: float | None = None) -> list[Any]:
    """What the worker has sent so far (waiting for the first message only when ``block``, at most
    ``timeout`` seconds: then nothing)."""
    messages: list[Any] = []
    if block:
        try:
            messages.append(inbox.get(timeout=timeout))
        except queue.Empty:
            return messages
    while len(messages) < limit:
        try:
            messages.append(inbox.get_nowait())
        except queue.Empty:
            break
    return messages


def _handle(message: tuple[Any, ...], streams: dict[int, tuple[Any, Any]], engine: Any, batching: bool,
            results: Any, index: int, *, flushed: bool = False) -> int:
    """One message from the worker; returns the audio bytes it added."""
    kind, uid = message[0], message[1]
    try:
        if kind == "open":
            streams[uid] = (engine.decoder(message[2]), audio.Resampler(RATE, engine.sample_rate))
        elif kind == "feed":
            if uid in streams:
                decoder, resampler = streams[uid]
                pcm = resampler.process(message[2])
                if batching:
                    decoder.push(pcm)
                else:
                    decoder.accept(pcm)
            return len(message[2])
        elif kind == "finish":
            decoder, resampler = streams.pop(uid)
            if not flushed:
                decoder.accept(resampler.flush())
            text, confidence = decoder.final()
            decoder.close()
            results.put(("result", uid, text, confidence, None))
        elif kind == "cancel" and uid in streams:
            streams.pop(uid)[0].close()
    except Exception as exc:  # one bad utterance must not take the others down
        log.exception("decode process %d: utterance %d failed", index, uid)
        streams.pop(uid, None)
        results.put(("result", uid, "", 0.0, f"decoding failed: {exc}"))
    return 0


def _lower_priority() -> None:
    """Nice, in a scheduling group of its own.

    With Linux's autogroup (the default on desktop and server kernels) processes are scheduled
    per session first: a decode child in its worker's session spent the *worker's* share, and the
    worker then waited behind other sessions (1-3 s stalls of every call's RTP, measured). A
    session of its own, niced, makes decoding yield to everything else instead.
    """
    try:
        os.setsid()
    except OSError:
        pass
    try:
        with open("/proc/self/autogroup", "w") as f:
            f.write(str(NICENESS))
    except OSError:  # no autogroup (e.g. under systemd cgroups): plain niceness still applies
        pass
    # at least NICENESS whatever the worker's own value (a worker raised to -10 must not make its decoders 0)
    os.setpriority(os.PRIO_PROCESS, 0, max(NICENESS, os.getpriority(os.PRIO_PROCESS, 0) + NICENESS))


def _die_with_parent() -> None:
    """A decode process must not outlive its worker (a SIGKILLed worker leaves its children)."""
    parent = os.getppid()

    def watch() -> None:
        while True:
            time.sleep(1.0)
            if os.getppid() != parent:
                os._exit(0)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()
