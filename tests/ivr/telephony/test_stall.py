"""StallWatch tells a starved process from one that held the interpreter (injected clocks)."""
from __future__ import annotations

import logging

import pytest

from ivr.telephony.stall import StallWatch


class Clocks:
    def __init__(self) -> None:
        self.t = 0.0
        self.c = 0.0


def watch(clocks: Clocks) -> StallWatch:
    return StallWatch(threshold_s=0.2, clock=lambda: clocks.t, cpu=lambda: clocks.c)


def test_on_time_wake_ups_are_quiet() -> None:
    k = Clocks()
    w = watch(k)
    k.t = 0.011
    assert w.check(0.0, 0.0) == (0.011, 0.0)
    assert w.stalls == []


def test_a_starved_process_is_blamed_on_the_machine(caplog: pytest.LogCaptureFixture) -> None:
    k = Clocks()
    w = watch(k)
    k.t, k.c = 1.51, 0.02
    with caplog.at_level(logging.WARNING, logger="ivr.telephony.stall"):
        w.check(0.0, 0.0)
    assert w.stalls == [(pytest.approx(1.5), 0.02)]
    assert "stall: 1500 ms late (process CPU 20 ms meanwhile: the process was not scheduled" in caplog.text


def test_a_busy_process_is_blamed_on_itself(caplog: pytest.LogCaptureFixture) -> None:
    k = Clocks()
    w = watch(k)
    k.t, k.c = 0.31, 0.29
    with caplog.at_level(logging.WARNING, logger="ivr.telephony.stall"):
        w.check(0.0, 0.0)
    assert "this process held the interpreter" in caplog.text
