"""Notice when this process stops running for a while, and say whose fault it was.

A SIP worker paces every call's RTP every 20 ms; when the whole process stalls, every
caller hears a gap. ``StallWatch`` wakes every 10 ms; a wake-up more than
``threshold_s`` late is logged with the CPU the process got meanwhile:

- little CPU: the process was not scheduled (the machine or its host is overloaded:
  other processes, CPU steal) - add cores or move load away;
- a lot of CPU: something in this process held the interpreter (a long computation
  on a call thread, a garbage collection) - a bug to fix here.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

log = logging.getLogger(__name__)


class StallWatch:
    def __init__(self, *, threshold_s: float = 0.2, period_s: float = 0.01,
                 clock: Callable[[], float] = time.perf_counter,
                 cpu: Callable[[], float] = time.process_time):
        self.threshold_s = threshold_s
        self.period_s = period_s
        self.clock = clock
        self.cpu = cpu
        self.stalls: list[tuple[float, float]] = []  # (stall seconds, process CPU seconds meanwhile)
        self._stop = threading.Event()  # set by the main thread, waited on by the watch thread
        self._thread: threading.Thread | None = None  # "stall-watch": owns stalls (read after stop, for the log)

    def check(self, last: float, last_cpu: float) -> tuple[float, float]:
        """One wake-up: records and logs a stall since ``last``; returns the new (time, cpu)."""
        now, cpu = self.clock(), self.cpu()
        late = now - last - self.period_s
        if late > self.threshold_s:
            used = cpu - last_cpu
            self.stalls.append((late, used))
            why = ("the process was not scheduled: the machine is overloaded" if used < 0.5 * late
                   else "this process held the interpreter")
            log.warning("stall: %.0f ms late (process CPU %.0f ms meanwhile: %s)", late * 1000, used * 1000, why)
        return now, cpu

    def start(self) -> StallWatch:
        self._thread = threading.Thread(target=self._run, name="stall-watch", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()

    def _run(self) -> None:
        last, last_cpu = self.clock(), self.cpu()
        while not self._stop.wait(self.period_s):
            last, last_cpu = self.check(last, last_cpu)
