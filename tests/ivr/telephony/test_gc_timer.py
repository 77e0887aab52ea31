"""The SIP worker logs garbage collections long enough to pause every call's RTP."""
from __future__ import annotations

import logging

import pytest

from ivr.cli.sipworker import _gc_timer


def test_a_long_collection_is_logged_and_a_short_one_is_not(caplog: pytest.LogCaptureFixture) -> None:
    now = [10.0]
    timer = _gc_timer(0.02, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, logger="ivr.sipworker"):
        timer("start", {"generation": 0})
        now[0] += 0.005
        timer("stop", {"generation": 0, "collected": 3})
        assert not caplog.records
        timer("start", {"generation": 2})
        now[0] += 0.045
        timer("stop", {"generation": 2, "collected": 1200})
    assert [r.getMessage() for r in caplog.records] == [
        "gc: generation 2 collection took 45 ms (1200 objects collected)"]
