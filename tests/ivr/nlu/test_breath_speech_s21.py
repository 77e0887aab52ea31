"""Breath too short to speak, and an unrousable or unanswering patient on a bad line or in regional speech (issue 12,
session 21, n51-calls8, with tests/data/utterances_s21_breath.jsonl; ``ivr.nlu.analysis._speech_cut``, ``_moody``,
``ivr.nlu.negation._inability_closed``, normalize.yaml's "hông dạy"): each kind has calm twins that must stay calm.
Examples are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    "mẹ tôi thở dốc, nói chẳng hết câu",
    "chồng tôi nói chuyện không ra hơi từ chiều",
    "bà nói không được câu nào, cứ thở phì phò",
    "ông nhà tôi thở gấp, nói không được hết.",
    "má tui nói chiện hổng da hơi nữa rồi",
    "em mệt quá không còn hơi để nói",
    "thằng bé nói mấy chữ là hụt hơi",
    "máy tự động hả, tôi đang thở hụt hơi nói chả hết câu đây này",
])
def test_breath_too_short_to_speak_is_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "severe_breathlessness" in u.symptoms, (text, u.symptoms)
    assert flow_risk(text) == "emergency", (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "chuyện nhà tôi dài lắm, nói không hết đâu",
    "bà cụ nói chuyện không ngớt, khỏe re",
    "ông nói không được hay lắm nhưng vẫn ăn ngủ bình thường",
    "con bé nói chưa sõi, mới hai tuổi",
])
def test_speech_without_a_short_breath_is_no_emergency(text: str) -> None:
    assert flow_risk(text) != "emergency", (text, NLU.understand(text).symptoms)


@pytest.mark.parametrize("text", [
    "bố tôi lay hoài hông dạy",
    "ngoại kêu hoài hổng giậy luôn",
    "ông tui ngồi dậy không được hỏi chi cũng không trả lời",
    "mẹ em té trong bếp giờ nằm dưới đất không trả lời",
    "bà nằm trên sàn không nhúc nhích từ nãy",
])
def test_an_unrousable_or_unanswering_patient_is_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" in u.symptoms, (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "con bé đang giận mẹ nên hỏi gì cũng không chịu trả lời, vẫn ăn chơi bình thường",
    "con bé nằm lăn dưới sàn ăn vạ không chịu dậy",
    "sáng nay lay dậy ăn cơm rồi, giờ khỏe",
    "bà nằm dưới sàn cho mát, vẫn nói chuyện bình thường",
    "ông đi không được nhanh vì đau gối, hỏi gì cũng trả lời tỉnh táo",
])
def test_a_mood_or_a_patient_who_woke_is_no_emergency(text: str) -> None:
    assert not escalates(text), (text, NLU.understand(text).symptoms, NLU.understand(text).concern)
