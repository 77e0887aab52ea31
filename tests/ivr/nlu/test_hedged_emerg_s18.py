"""Emergencies said hedged, in euphemisms, in fragments or damaged by a recognizer (issue 12, session 18,
n30-hedged-emerg, with tests/data/utterances_s18_hedged.jsonl): none of them may score "none" or stop at "high" when
the sign is decision-261's emergency one. Kinds: unrousable said with the southern "thức"; "lịm" without diacritics
closed by a word; stiff ("cứng đơ"), staring, dying; "không được tỉnh"; not knowing heaven from earth; breathing stopped
or only breathed out; "thở không nổi" with tone slips; a breath sign hidden by a posture phrase before it ("nằm thở
..."); a patient watching the screen who is then taken ill; a child's fit said "lên cơn rồi"; chest and cold-limb
body words. Their calm twins stay calm: a film or a programme, an episode of long ago, a question, a chore that wore
the caller out, a screen that dims. Examples are new, not dev rows."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates
from tests.ivr.nlu.flowrisk import triage_risk as _risk

YES_NO = ("yes", "no", "repeat")


@pytest.mark.parametrize("text", [
    # unrousable, southern "thức"
    "tía tui ngủ từ trưa tới giờ, kêu mấy cũng không thức",
    "bà ngoại nằm hoài, gọi không thức dậy",
    "ong noi keu khong thuc",
    # "lịm" without diacritics, closed by a word
    "ba em lim roi chi oi",
    "da co, lim luon roi",
    "hinh nhu ba noi lim han roi",
    # stiff, staring, dying, lying still
    "thằng bé cứng đơ cả người, mắt nhìn trân trân",
    "hình như ông cụ đờ ra rồi, hỏi không nói",
    "mắt bà trắng dã, chắc không sao đâu nhưng tôi sợ",
    "bà cụ đang hấp hối rồi",
    "ông nằm yên không động đậy từ nãy",
    # not conscious said with được/còn; not knowing heaven from earth
    "chắc không sao nhưng nay ông không được tỉnh táo lắm",
    "má tui hổng còn biết trời đất gì nữa",
    # a child's fit
    "con bé lên cơn rồi, em làm sao đây",
])
def test_hedged_and_everyday_consciousness_signs_are_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "altered_consciousness" in u.symptoms and _risk(u) == "emergency", (text, u.intent, u.symptoms)


@pytest.mark.parametrize("text", [
    # breathing stopped, or only breathed out
    "hình như bà không thấy thở nữa",
    "ông thở ra mà không hít vô được",
    "ba tui hít vô hổng được nữa",
    # tone slips on "thở không nổi"
    "bà tôi thơ không nôi nữa rồi",
    "chắc là mệt thôi mà ông thơ không được",
    # a posture phrase before the breath sign
    "ông nằm thở không nổi từ tối",
    "bà nằm thở ngáp ngáp như cá",
    "ba nằm thở phều phào",
    # the last gasps by their rhythm
    "ông thở hắt ra từng hồi",
])
def test_breath_that_cannot_be_drawn_is_an_emergency(text: str) -> None:
    u = NLU.understand(text)
    assert "severe_breathlessness" in u.symptoms and _risk(u) == "emergency", (text, u.intent, u.symptoms)


@pytest.mark.parametrize("text", [
    "ông coi ti vi thì thở không nổi",
    "bà ngồi xem ti vi rồi lịm đi",
    "mẹ tôi đang xem phim thì tự nhiên co giật",
])
def test_a_patient_watching_the_screen_then_taken_ill_is_an_emergency(text: str) -> None:
    assert _risk(NLU.understand(text)) == "emergency", text


@pytest.mark.parametrize("text", [
    "tự nhiên tôi thấy tim thắt lại",
    "ba kêu đau như dao đâm trong ngực",
    "chân bà lạnh như đá, người vã mồ hôi",
])
def test_chest_and_cold_limbs_in_body_words_escalate(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    # a film, a programme
    "tối qua coi phim thấy cảnh người ta tắt thở, ghê quá",
    "bà xem ti vi thấy người ta co giật nên hỏi thử",
    # long ago
    "hồi trước ông bị ngất một lần do say nắng, mấy năm nay khỏe",
    "trước đây mẹ tôi từng co giật, giờ chỉ hơi ho",
    # a chore
    "con mệt xỉu vì dọn nhà, còn lại không sao",
    "chồng tôi mệt lả do đá bóng chiều qua",
    # questions
    "nếu bà lịm đi thì gọi ai",
    "thở ngáp cá thì phải làm gì ạ",
    # a thing that dims, a patient who is fine
    "cái ti vi lịm đi rồi",
    "bà vẫn tỉnh táo, tay chân ấm, thở đều",
])
def test_calm_twins_stay_calm(text: str) -> None:
    assert not escalates(text), (text, NLU.understand(text).symptoms)


@pytest.mark.parametrize("text", ["dạ có, lịm luôn rồi", "co, tho khong noi", "dạ, kêu không thức"])
def test_a_sign_said_in_a_yes_answer_is_an_emergency(text: str) -> None:
    u = NLU.understand(text, expect=YES_NO)
    assert _risk(u) == "emergency", (text, u.intent, u.symptoms)
