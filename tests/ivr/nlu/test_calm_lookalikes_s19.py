"""Calm talk that sounds like a warning sign (issue 12, session 19, n40-calm-lookalikes, with
tests/data/utterances_s19_calm13.jsonl; ``ivr.nlu.everyday``): a chronic or post-COVID baseline said to be unchanged,
breath idioms about money, work, heat or crowds, sounds of things and pets, a colour from food, cold or crying that went
back, a toddler's tantrum, a chest muscle sore after an effort, brain fog. Each kind has escalating twins (the same
words, a real sign). Examples are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates


def _calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "mẹ tôi bị suyễn nhiều năm, sáng nay vẫn khò khè như mọi ngày, xịt thuốc là êm",
    "ông bị lẫn từ lâu, hôm nay vẫn thế, ăn cháo hết bát",
    "bố bị phổi tắc nghẽn lâu năm, đi nhanh là thở mệt, nay cũng vậy",
    "bà bị tai biến năm ngoái nên nói hơi đớ, nay vẫn như cũ",
    "từ hồi khỏi bệnh lên dốc là hơi hụt hơi, không nặng hơn",
])
def test_an_unchanged_baseline_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "mẹ bị suyễn nhiều năm, nay khò khè hơn mọi ngày, xịt hoài không đỡ",
    "ông bị lẫn từ lâu nhưng hôm nay tự nhiên gọi không tỉnh",
    "bố bị phổi tắc nghẽn lâu năm, không như mọi khi, giờ ngồi yên cũng khó thở",
    "bà bị tai biến năm ngoái, nay tự nhiên nói không ra tiếng, tay yếu hẳn",
    "từ hồi khỏi bệnh lên dốc là hụt hơi, mấy hôm nay nặng hơn, nói cũng hụt hơi",
])
def test_a_baseline_that_changed_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "tiền nhà tiền điện dồn một lúc thở không nổi luôn, chứ cả nhà vẫn khỏe",
    "trời nắng oi quá ngột ngạt, nhà tôi ai cũng bình thường",
    "chen chúc ở chợ muốn tắt thở, về nhà thì khỏe",
])
def test_breath_idioms_with_the_household_fine_are_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "trời nóng mà bà nằm thở không nổi, môi tái",
    "không phải tại tiền nong gì, tôi thở không nổi thật",
    "chen chúc ở chợ về thì ông thở không ra hơi, giờ vẫn chưa đỡ",
])
def test_breath_idioms_with_a_person_short_of_breath_still_escalate(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "cái tủ lạnh nhà em kêu khò khè suốt đêm",
    "con chó nhà tôi thở khò khè, chắc nó bị cảm",
    "ống nước cứ rít lên như người thở, cả nhà vẫn khỏe",
])
def test_sounds_of_things_and_pets_are_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "tủ lạnh kêu to quá, lại gần mới nghe bà thở khò khè, rít từng hơi",
    "con chó sủa mới biết ông nằm thở khò khè, gọi không dậy",
])
def test_a_person_behind_the_thing_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "môi con bé tím vì uống nước sâm, lau là hết",
    "trời rét tay chân cháu tái đi, ủ ấm là hồng lại",
    "thằng nhỏ ăn vạ khóc tím mặt, dỗ một lát là hồng hào lại",
])
def test_a_colour_that_went_back_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "trời không rét mà môi ông tím tái",
    "không ăn uống gì mà môi con bé tím, thở nhanh",
    "bé khóc tím mặt rồi lả đi, gọi không dậy",
])
def test_a_colour_without_a_calm_cause_still_escalates(text: str) -> None:
    assert escalates(text), text


def test_a_tantrum_is_no_sign_and_a_fit_is() -> None:
    _calm("thằng bé dỗi nằm ăn vạ, gọi cũng không thưa, cho điện thoại là dậy ngay")
    assert escalates("không phải dỗi đâu, thằng bé gọi không thưa, mắt trợn ngược")


def test_a_chest_muscle_sore_after_an_effort_is_no_sign_and_a_chest_pain_is() -> None:
    _calm("hôm qua bê tủ nên giờ đau ngực, ấn vào thấy ê ê")
    assert escalates("hôm qua bê tủ, giờ đau ngực lan lên vai, vã mồ hôi")
    assert escalates("không bê vác gì mà tự nhiên đau ngực")


def test_brain_fog_is_no_sign_and_new_confusion_is() -> None:
    _calm("hậu covid đầu óc cứ lơ mơ như sương mù, hay quên")
    assert escalates("hậu covid hay quên, nay ông lơ mơ, không biết mình đang ở đâu")


def test_a_sleeper_who_wakes_when_called_is_no_sign_and_one_who_does_not_is() -> None:
    _calm("bà ngủ nhiều, gọi thì bà dậy")
    assert escalates("bà ngủ li bì, gọi không dậy")
    assert escalates("bà ngủ suốt, gọi thì dậy rồi lại ngủ ngay")


@pytest.mark.parametrize("text", [
    "ông coi ti vi thì thở không nổi",
    "bà ngồi cạnh cái quạt mà thở khò khè, rít từng hơi",
])
def test_a_person_beside_the_thing_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "nóng quá thở không nổi, con thì vẫn khỏe",
    "ăn no quá thở không được, chứ mấy đứa nhỏ bình thường",
])
def test_heat_or_a_full_stomach_with_someone_else_fine_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "bà lẫn mấy năm nay, li bì như mọi khi",
    "ông hút thuốc lâu năm, môi tím tái",
    "năm ngoái ông bị tai biến, môi tím tái",
    "ông bị hen lâu năm, mệt lả không dậy nổi",
    "bà bị copd lâu năm, thở dốc không ra hơi như mọi khi",
    "ông bị hen lâu năm, khó thở quá như mọi khi",
])
def test_a_long_standing_condition_does_not_make_a_new_severe_sign_its_baseline(text: str) -> None:
    assert escalates(text), text


def test_confusion_going_on_from_a_long_standing_clause_stays_calm() -> None:
    _calm("bà bị lẫn mấy năm nay rồi, hay nói lung tung")
    _calm("ông bị đột quỵ năm ngoái nên nói hơi đớ, giờ vẫn vậy")
