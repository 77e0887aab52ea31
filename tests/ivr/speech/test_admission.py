"""Admission of utterances to decode processes by predicted wait (pure functions)."""
from __future__ import annotations

import pytest

from ivr.errors import AudioError
from ivr.speech.admission import INITIAL_SPEED, Admission, ChildLoad, SpeedMeter, admit


def test_the_predicted_wait_is_backlog_times_speed() -> None:
    assert ChildLoad(backlog_s=2.0, speed=0.03).wait_s == pytest.approx(0.06)
    assert ChildLoad(backlog_s=-0.1, speed=0.05).wait_s == 0.0


def test_much_audio_queued_on_a_fast_child_is_admitted() -> None:
    # 2 s of audio behind (the old audio-backlog rule called this saturated) but decoded in 60 ms
    assert admit([ChildLoad(backlog_s=2.0, speed=0.03)], max_wait_s=0.4) == Admission(0, pytest.approx(0.06))


def test_little_audio_queued_on_a_slow_child_is_saturated() -> None:
    # 1 s of audio on a child starved of CPU (1.5 s per audio second): 1.5 s to wait, and the new
    # utterance alone adds 0.5 s of work per second it is spoken (2 s: 1 s more)
    decision = admit([ChildLoad(backlog_s=1.0, speed=1.5)], max_wait_s=0.4)
    assert decision.child is None and decision.wait_s == pytest.approx(2.5)


def test_the_child_with_the_smallest_predicted_wait_takes_the_utterance() -> None:
    loads = [ChildLoad(backlog_s=1.0, speed=0.2, open=1),  # 200 ms
             ChildLoad(backlog_s=3.0, speed=0.05, open=9)]  # 150 ms: more audio, but less to wait
    assert admit(loads, max_wait_s=0.4).child == 1


def test_equal_waits_go_to_the_child_with_fewer_open_utterances() -> None:
    loads = [ChildLoad(backlog_s=0.0, speed=0.1, open=4), ChildLoad(backlog_s=0.0, speed=0.1, open=2),
             ChildLoad(backlog_s=0.0, speed=0.1, open=2)]
    assert admit(loads, max_wait_s=0.4).child == 1


def test_saturated_only_when_every_child_is_over_the_budget() -> None:
    over = ChildLoad(backlog_s=5.0, speed=0.1)  # 500 ms
    under = ChildLoad(backlog_s=2.0, speed=0.125)  # 250 ms
    assert admit([over, under], max_wait_s=0.4).child == 1
    assert admit([over, over], max_wait_s=0.4).child is None
    assert admit([under], max_wait_s=0.25).child == 0  # at the budget: still admitted
    assert admit([under], max_wait_s=0.24).child is None


def test_an_optional_backlog_cap_also_saturates() -> None:
    load = ChildLoad(backlog_s=2.5, speed=0.01)
    assert admit([load], max_wait_s=0.4).child == 0
    assert admit([load], max_wait_s=0.4, max_backlog_s=2.0).child is None


def test_a_child_that_cannot_keep_up_with_its_open_streams_is_saturated_without_backlog() -> None:
    # 6 callers speaking on a child that decodes at 0.2 s per audio second: with a 7th it needs 1.4 s of
    # work per second, so its backlog grows by 0.4 s every second of the new utterance (2 s: 0.8 s)
    slow = ChildLoad(backlog_s=0.0, speed=0.2, open=6)
    assert slow.predicted_wait_s(2.0) == pytest.approx(0.8)
    assert admit([slow], max_wait_s=0.4).child is None
    # the same callers on a child at 0.03 s per audio second: it keeps up, nothing to wait for
    assert admit([ChildLoad(backlog_s=0.0, speed=0.03, open=6)], max_wait_s=0.4) == Admission(0, 0.0)
    # a longer utterance gives the backlog more time to grow
    assert ChildLoad(backlog_s=0.0, speed=0.2, open=5).predicted_wait_s(1.0) == pytest.approx(0.2)
    assert ChildLoad(backlog_s=0.0, speed=0.2, open=5).predicted_wait_s(3.0) == pytest.approx(0.6)


def test_admission_refuses_nonsense() -> None:
    with pytest.raises(AudioError, match="no decode process to admit an utterance to"):
        admit([], max_wait_s=0.4)
    with pytest.raises(AudioError, match="max_wait_s must not be negative, got -1"):
        admit([ChildLoad(backlog_s=0, speed=0.1)], max_wait_s=-1)


def test_the_speed_meter_starts_from_the_prior_and_follows_measurements() -> None:
    meter = SpeedMeter(alpha=0.5, min_audio_s=0.4)
    assert meter.speed == INITIAL_SPEED
    assert meter.observe(0.02, 0.4) == pytest.approx(0.5 * INITIAL_SPEED + 0.5 * 0.05)
    for _ in range(30):
        meter.observe(0.012, 0.4)
    assert meter.speed == pytest.approx(0.03, abs=1e-6)


def test_the_speed_meter_pools_rounds_that_decoded_little() -> None:
    meter = SpeedMeter(initial=0.1, alpha=1.0, min_audio_s=0.4)
    # a round that only received audio (work, no chunk run) is not an infinitely slow sample
    assert meter.observe(0.004, 0.0) == 0.1
    assert meter.observe(0.004, 0.2) == 0.1  # 0.2 s of audio: not enough yet
    assert meter.observe(0.004, 0.2) == pytest.approx(0.012 / 0.4)


def test_a_starved_child_slows_down_in_the_meter() -> None:
    meter = SpeedMeter(initial=0.03, alpha=0.2)
    for _ in range(10):
        meter.observe(0.6, 0.4)  # 400 ms of audio took 600 ms of wall time: the CPU went elsewhere
    assert meter.speed > 1.0
    assert admit([ChildLoad(backlog_s=0.8, speed=meter.speed)], max_wait_s=0.4).child is None


def test_the_speed_meter_refuses_a_bad_weight() -> None:
    with pytest.raises(AudioError, match=r"alpha must be in \(0, 1\], got 0"):
        SpeedMeter(alpha=0)


def test_the_stream_pool_counts_backlog_in_the_engines_chunks() -> None:
    from ivr.speech import streampool
    from ivr.speech.vietasr import engine

    assert streampool.STRIDE_FRAMES == engine.STRIDE_FRAMES
    assert streampool.BYTES_PER_FRAME * 100 == streampool.BYTES_PER_S  # 10 ms feature frames
