"""``ivr sip-worker --index N``: one IVR worker process (pyVoIP phone + call loops).

Worker N binds SIP on ``cfg.sip_advertise:cfg.worker_port_base + N``, takes its share
of ``rtp_port_low..rtp_port_high``, registers to the SIP front (Kamailio on
``cfg.sip_port``) as ``workerN`` without a password, or to ``cfg.pbx_host`` with
``pbx_user``/``pbx_password`` when configured, and serves up to ``worker_max_calls``
calls at once. It refuses to start (one line, exit 2) when it could not serve a call:
a missing speech model, call flow or prompt catalog. Once registered to Kamailio it
reports every second whether it can take a call (``CapacityReporter``), which Kamailio's
readiness answer uses. It exits non-zero on a fatal error so that the supervisor
restarts it, and 0 on SIGTERM/SIGINT after hanging up its calls.
"""
from __future__ import annotations

import argparse
import gc
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ivr.cli import plugins
from ivr.config import Config, check_paths, sip_front
from ivr.errors import ConfigError, IvrError
from ivr.ops import sipprobe
from ivr.ops.priority import raise_priority

log = logging.getLogger("ivr.sipworker")


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    p = sub.add_parser("sip-worker", help="run one IVR worker (answers calls routed by the SIP front)",
                       parents=[common])
    p.add_argument("--index", type=int, required=True, metavar="N", help="worker number, 0-based")
    p.add_argument("--sip-port", type=int, metavar="PORT", help="the SIP front's port (default: config sip_port)")
    p.set_defaults(run=run, config_overrides=lambda a: {"sip_port": a.sip_port})


def rtp_range(cfg: Config, index: int) -> tuple[int, int]:
    """Worker ``index``'s share of the RTP port range (even split over ``cfg.workers``)."""
    span = (cfg.rtp_port_high - cfg.rtp_port_low + 1) // max(cfg.workers, index + 1)
    if span < 2:
        raise ConfigError(f"config: key 'rtp_port_high': too few RTP ports for {cfg.workers} workers")
    low = cfg.rtp_port_low + index * span
    return low, low + span - 1


@dataclass
class Runtime:
    """Everything a worker's calls share: loaded once per process, read-only per call."""

    cfg: Config
    db: Any
    flows: Any
    understander: Any
    triage: Any
    prompts: Any
    decoder: Any
    store: Any
    stats: Any
    answers: Any = None  # the knowledge base answering questions (ivr.nlu.topics)
    outbound_flows: dict[str, Any] = field(default_factory=dict)  # check-in flows by name (FlowSource)

    @classmethod
    def build(cls, cfg: Config, *, transcribe: Callable[..., tuple[str, float]] | None = None) -> Runtime:
        # what a call imports, imported now: an import during a worker's first calls (~40 ms each for the
        # engine session and the studio) holds the interpreter while every call's RTP waits
        import ivr.engine.session  # noqa: F401
        import ivr.speech.recognizer  # noqa: F401
        import ivr.telephony.studio  # noqa: F401
        from ivr.nlu.topics import live_finder
        from ivr.nlu.understander import default_understander
        from ivr.store.database import Database, check_schema
        from ivr.telephony.callrunner import DecodePool, TurnStats
        from ivr.telephony.callstore import CallStore
        from ivr.telephony.flowsource import FlowSource
        from ivr.tts.render import PromptRenderer

        db = Database.for_config(cfg)
        check_schema(db.engine)
        flows = FlowSource(cfg, db)
        prompts = PromptRenderer(cfg, catalog=flows.current().catalog)
        if transcribe is not None:
            decoder = DecodePool(transcribe, threads=max(1, min(4, os.cpu_count() or 2)))
        else:
            decoder = decode_processes(cfg, _decode_threads(cfg))
            decoder.wait_ready(timeout=300)  # children up, model loaded
        return cls(cfg=cfg, db=db, flows=flows, understander=default_understander(),
                   triage=plugins.triage(cfg.triage_rules_dir), prompts=prompts, decoder=decoder,
                   store=CallStore(db, desk=plugins.escalation_desk(db, cfg)), stats=TurnStats(),
                   answers=live_finder(cfg, db))

    def new_session(self, active: Any = None) -> Any:
        """A session on the flow published now; the call keeps it to its end."""
        from ivr.engine.session import Session

        active = active or self.flows.current()
        return Session(active.flow, catalog=active.catalog, understander=self.understander, triage=self.triage,
                       answers=self.answers)

    def run_call(self, line: Any, *, worker: str) -> str:
        from ivr.telephony.callrunner import CallRunner
        from ivr.telephony.studio import is_studio_call, run_studio_call

        if is_studio_call(line, self.cfg):  # staff recording prompts by phone, not a caller
            return f"studio:{run_studio_call(self, line, worker=worker).state}"
        active = self.flows.current()
        runner = CallRunner(engine=self.new_session(active), prompts=self.prompts, decoder=self.decoder,
                            store=self.store, recordings_dir=self.cfg.recordings_path, worker=worker,
                            flow_name=active.flow.name, flow_version_id=active.version_id, stats=self.stats,
                            hold_limit_s=float(self.cfg.hold_limit_s), ring_s=float(self.cfg.bridge_ring_s))
        return runner.run(line)

    def run_outbound(self, leg: Any, call: Any, *, worker: str) -> tuple[int | None, dict[str, Any]]:
        """Run a check-in call's flow (``call.flow``) on its answered ``leg``: (the stored call id, its slots)."""
        from ivr.telephony.callrunner import CallRunner
        from ivr.telephony.dialer import answered_patient, start_slots
        from ivr.telephony.flowsource import FlowSource

        if call.flow not in self.outbound_flows:
            self.outbound_flows[call.flow] = FlowSource(self.cfg, self.db, name=call.flow)
        active = self.outbound_flows[call.flow].current()
        runner = CallRunner(engine=self.new_session(active), prompts=self.prompts, decoder=self.decoder,
                            store=self.store, recordings_dir=self.cfg.recordings_path, worker=worker,
                            flow_name=active.flow.name, flow_version_id=active.version_id, stats=self.stats,
                            hold_limit_s=float(self.cfg.hold_limit_s), ring_s=float(self.cfg.bridge_ring_s),
                            start_slots=start_slots(call), patient_of=lambda slots: answered_patient(call, slots))
        runner.run(leg)
        return (runner.call_id or None), dict(runner.engine.slots)

    def close(self) -> None:
        self.decoder.shutdown()
        self.db.dispose()


#: how often a worker tells Kamailio whether it can take a call; Kamailio keeps a report 5 s
#: (route[READY] in ivr/ops/templates/kamailio.cfg), so one or two lost datagrams change nothing
REPORT_EVERY_S = 1.0


class CapacityReporter:
    """Tells the SIP front, every ``every_s``, whether this worker can take a call.

    An OPTIONS from the worker's address with ``X-Ivr-Worker: workerN``, ``X-Ivr-Free: <free
    call slots>`` and ``X-Ivr-Health: ok`` (or what is wrong); route[READY] answers health
    checks with 503 while no worker's report says it has room and is healthy. Owns one daemon
    thread, "capacity-report"; ``free`` and ``health`` are called on it.
    """

    def __init__(self, host: str, port: int, name: str, *, free: Callable[[], int], health: Callable[[], str],
                 every_s: float = REPORT_EVERY_S):
        self.host, self.port, self.name = host, port, name
        self._free, self._health = free, health
        self.every_s = every_s
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="capacity-report", daemon=True)

    def report(self) -> int | None:
        """Send one report; Kamailio's status (200 noted), None when it did not answer."""
        reply = sipprobe.request(self.host, self.port, "OPTIONS", f"sip:hotline@{self.host}:{self.port}",
                                 from_user=self.name, timeout=min(1.0, self.every_s),
                                 extra=(f"X-Ivr-Worker: {self.name}", f"X-Ivr-Free: {max(0, self._free())}",
                                        f"X-Ivr-Health: {self._health()}"))
        return reply.status if reply else None

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=2 * self.every_s + 1)

    def _run(self) -> None:
        while not self._stop.is_set():
            try:
                status = self.report()
            except Exception:  # noqa: BLE001 - a report must never take the worker down
                log.exception("%s: capacity report failed", self.name)
                status = None
            if status not in (200, None):
                log.warning("%s: the SIP front refused the capacity report with %s", self.name, status)
            self._stop.wait(self.every_s)


def worker_health(phone: Any, decoder: Any) -> str:
    """``ok``, or what keeps the worker from serving a call (for ``X-Ivr-Health``)."""
    from ivr.telephony.phone import PhoneStatus

    if phone.get_status() != PhoneStatus.REGISTERED:
        return "unregistered"
    if not getattr(decoder, "healthy", True):
        return "decoder"
    return "ok"


def _ignore(_value: object) -> None:
    return None


def _gc_timer(threshold_s: float = 0.02,
              clock: Callable[[], float] = time.perf_counter) -> Callable[[str, dict[str, Any]], None]:
    """A ``gc.callbacks`` hook that logs collections longer than ``threshold_s`` (they pause every call's RTP)."""
    started = [0.0]

    def timer(phase: str, info: dict[str, Any]) -> None:
        if phase == "start":
            started[0] = clock()
        elif (took := clock() - started[0]) > threshold_s:
            log.warning("gc: generation %s collection took %.0f ms (%s objects collected)", info.get("generation"),
                        took * 1000, info.get("collected"))

    return timer


def _decode_threads(cfg: Config) -> int:
    """Decoders per worker: ``asr_decode_processes``, or this box's cores shared among its workers (at
    least one each, at most 4): more decoders than cores only fight over them, and a decoder with more
    streams batches more of them per model run."""
    if cfg.asr_decode_processes:
        return cfg.asr_decode_processes
    return max(1, min(4, (os.cpu_count() or 2) // max(1, cfg.workers)))


def speech_transcriber(cfg: Config) -> Callable[..., tuple[str, float]]:
    """Decode one utterance with the configured recognizer (loaded once per process)."""
    from ivr.speech.recognizer import open_recognizer

    return open_recognizer(cfg, cfg.asr_engine).transcriber()


def decode_processes(cfg: Config, processes: int) -> Any:
    """``processes`` decode children that decode each utterance while it is spoken
    (``ivr.speech.streampool``). Decoding in this process held the GIL long enough to stall every
    call's RTP pacing (300 ms to 1.8 s gaps at 40 calls); in niced children it cannot."""
    from ivr.speech.streampool import StreamPool

    return StreamPool(cfg, processes)


def run(args: argparse.Namespace, cfg: Config) -> int:
    code = _serve(args, cfg)
    _exit_when_threads_linger(code)
    return code


def _serve(args: argparse.Namespace, cfg: Config) -> int:
    from ivr.telephony.phone import WorkerPhone
    from ivr.telephony.stall import StallWatch

    index = int(args.index)
    if index < 0:
        raise ConfigError(f"sip-worker: --index must be 0 or more, got {index}")
    name = f"worker{index}"
    low, high = rtp_range(cfg, max(0, index - cfg.worker_index_base))  # this box's share of its RTP range
    # refuse to start rather than register and answer every call wrongly (or crash-loop decode processes)
    from ivr.speech.recognizer import check_model

    check_paths(cfg)
    check_model(cfg)
    # before the first thread: every thread (RTP pacer, call threads) inherits it; decode processes nice themselves
    priority = raise_priority(cfg.worker_nice)
    (log.warning if priority.refused else log.info)("%s: scheduling priority %s", name, priority.describe())
    runtime = Runtime.build(cfg)
    stale = runtime.store.close_stale(worker=name)
    if stale:
        log.warning("%s: %d calls left in progress by a previous run marked failed", name, stale)
    try:
        # synthesize missing prompts before the first call
        runtime.prompts.render_catalog(runtime.flows.current().catalog)
    except IvrError as exc:
        log.warning("prompt pre-rendering failed (%s); prompts will be rendered on first use", exc)
    server, port = (cfg.pbx_host, cfg.pbx_port) if cfg.pbx_host else (
        sip_front(cfg.sip_front) if cfg.sip_front else (cfg.sip_advertise, cfg.sip_port))  # a front on another box
    user = cfg.pbx_user or name if cfg.pbx_host else name
    password = cfg.pbx_password if cfg.pbx_host else ""
    stop = threading.Event()

    def on_signal(signum: int, _frame: object) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    phone = WorkerPhone(server=server, port=port, username=user, password=password, my_ip=cfg.sip_advertise,
                        sip_port=cfg.worker_port_base + index, rtp_low=low, rtp_high=high,
                        max_calls=cfg.worker_max_calls,
                        on_call=lambda line: _ignore(runtime.run_call(line, worker=name)))
    reporter: CapacityReporter | None = None
    dialer: Any = None
    try:
        phone.start_registered()
        if not cfg.pbx_host:  # Kamailio's readiness (a PBX keeps its own)
            reporter = CapacityReporter(server, port, name, free=lambda: cfg.worker_max_calls - phone.active_calls(),
                                        health=lambda: worker_health(phone, runtime.decoder))
            reporter.start()
        log.info("%s registered to %s:%d as %s; SIP on %s:%d, RTP %d-%d, up to %d calls", name, server, port,
                 user, cfg.sip_advertise, cfg.worker_port_base + index, low, high, cfg.worker_max_calls)
        dialer = start_dialer(cfg, runtime, phone, name)
        print(f"{name} ready", flush=True)
        # Everything loaded so far lives as long as the worker: keep it out of full garbage
        # collections (each scanned it all: ~100-130 ms pauses of every call's RTP at 40 calls).
        gc.freeze()
        gc.callbacks.append(_gc_timer())
        # Hand the interpreter over every 1 ms (not 5): a call thread busy setting up a call
        # delays the other calls' RTP senders by at most that much per turn.
        sys.setswitchinterval(0.001)
        # a 30 ms stall is already an audible gap in every call's RTP (target: at most 40 ms between packets)
        StallWatch(threshold_s=0.03).start()
        while not stop.wait(0.5):
            if phone.failed:
                log.error("%s lost its registration: exiting so that the supervisor restarts it", name)
                return 1
        log.info("%s stopping: hanging up %d calls", name, phone.active_calls())
        if dialer is not None:
            dialer.stop()
        if reporter is not None:
            reporter.stop()
        phone.stop()
        time.sleep(0.2)
        return 0
    finally:
        if dialer is not None:
            dialer.stop()
        if reporter is not None:
            reporter.stop()
        if runtime.stats.latencies_ms:
            lat = sorted(runtime.stats.latencies_ms)
            log.info("%s turn latency ms: n=%d p50=%.0f p95=%.0f", name, len(lat), lat[len(lat) // 2],
                     lat[min(len(lat) - 1, int(len(lat) * 0.95))])
        runtime.close()


def start_dialer(cfg: Config, runtime: Runtime, phone: Any, name: str, *, desk: Any = None) -> Any:
    """The worker's check-in calls (``ivr.telephony.dialer``), started; None when no check-in desk is
    installed (``ivr.checkin_desk`` entry point) or check-ins are disabled. ``desk``: one given directly."""
    from ivr.telephony.checkin import load_desk
    from ivr.telephony.dialer import Dialer, Pacing

    desk = desk if desk is not None else load_desk(runtime.db, cfg)
    if desk is None:
        return None
    pacing = Pacing(max_calls=cfg.worker_max_calls, share=cfg.checkin_capacity_share, cps=cfg.checkin_cps,
                    workers=cfg.workers)
    dialer = Dialer(phone=phone, desk=desk, worker=name, pacing=pacing, ring_s=float(cfg.checkin_ring_s),
                    run_call=lambda leg, call: runtime.run_outbound(leg, call, worker=name))
    dialer.start()
    return dialer


def _exit_when_threads_linger(code: int, grace_s: float = 12.0) -> None:
    """pyVoIP's call and RTP threads are not daemons: do not let one keep a stopped worker alive."""
    deadline = time.monotonic() + grace_s
    while time.monotonic() < deadline:
        others = [t for t in threading.enumerate() if t is not threading.current_thread() and not t.daemon]
        if not others:
            return
        time.sleep(0.1)
    log.warning("threads still running after stop (%s): exiting anyway", ", ".join(t.name for t in others[:5]))
    logging.shutdown()
    os._exit(code)
