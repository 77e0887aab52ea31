"""Two readings in one answer at a number question (issue 12, session 9): the later is the reading recorded, a worse
one said before it still reaches triage, so a dip measured today is never lost behind a better reading now."""
from __future__ import annotations

from tests.ivr.engine.test_default_flow import NO_VITALS, call, keys, say


def test_a_dip_said_before_a_better_reading_is_recorded_as_now_and_still_escalates() -> None:
    result = call(keys("3"), keys("2"), keys("1"), say("sáng đo chín ba, giờ đo lại chín tám"), keys("1"), keys("2"),
                  *NO_VITALS[1:], keys("9"))
    assert result.slots["spo2"] == 98
    assert [(e["risk"], e["mode"]) for e in result.as_json()["escalations"]][:1] == [("emergency", "live")]


def test_a_better_reading_alone_stays_calm() -> None:
    result = call(keys("3"), keys("2"), keys("1"), say("giờ đo lại chín tám"), keys("1"), keys("2"),
                  *NO_VITALS[1:], keys("9"))
    assert result.slots["spo2"] == 98
    assert result.as_json()["escalations"] == []
    assert result.outcome == "completed"


def test_a_worse_reading_now_is_the_one_recorded() -> None:
    result = call(keys("3"), keys("2"), keys("1"), say("sáng chín tám, giờ chín ba"), keys("1"))
    assert result.slots["spo2"] == 93
    assert [(e["risk"], e["mode"]) for e in result.as_json()["escalations"]][:1] == [("emergency", "live")]
