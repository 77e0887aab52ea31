"""Elderly callers of retired held-out set 19, fixed by kind (issue 12, session 22b, n59-s19-elderly, with
tests/data/utterances_s22b_elderly.jsonl): a hard-of-hearing caller who echoes the question before answering no
(``ivr.nlu.echo_question``); a chronic lung patient whose reliever no longer helps; a fall with a faint; breathing said
to be fine in central and elderly speech; a question about anyone far away (``ivr.nlu.elderly``). Each kind has its
twins. Examples are new, not dev or held-out rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.echo_question import unechoed
from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # an echoed question answered no
    "Hở? Con hỏi gì? Khó thở hả? Không, bà không khó thở đâu, bà chỉ hắt hơi.",
    "Đau ngực à? Dạ không, tôi chỉ nhức lưng.",
    "Tím tái hả? Hông có đâu con, môi ông hồng.",
    "thở dốc hả cô dạ không tui chỉ đau họng",
    "Tôi nhắc lại nha: khó thở không, lơ mơ không. Tôi không bị gì cả.",
    "à con hỏi có tức ngực không, không có đâu con",
    # a reliever that helps as usual, a nasal spray
    "ông bị hen, chiều lên cơn khò khè, xịt hai nhát là thở êm như mọi bữa",
    "cháu nghẹt mũi, xịt mũi mãi không đỡ, vẫn chơi bình thường",
    # a slip without a faint
    "bà trượt chân ngã ngồi trong bếp, đứng dậy được ngay, không xỉu",
    # breathing said to be fine
    "mệ ho đàm mà thở thì được, ăn cơm được",
    "con ho khan nhưng thở thì bình thường",
    # a question about anyone far away
    "cho hỏi trên rẫy xa có người bị khó thở thì gọi số nào",
])
def test_an_elderly_calm_kind_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    # the echo answered yes, not answered, or answered with something worse
    "Khó thở hả? Dạ có, khó thở quá con ơi.",
    "tức ngực à ừ tức lắm",
    "Đau ngực hả?",
    "Khó thở hả? Không biết nữa, thở khó lắm.",
    "Tức ngực hả? Không, đau quá trời chứ không phải tức.",
    "Khó thở hả? Không, thở không được luôn.",
    # a reliever that no longer helps
    "ông bị phổi tắc nghẽn, tối nay xịt thuốc mấy lần không đỡ",
    "mẹ bị hen, xịt mãi chẳng ăn thua, ngồi không cũng thở hổn hển",
    # a fall with a faint
    "ông té trong nhà tắm, nằm đó một lúc mới tỉnh",
    "bà ngã ngoài sân, mấy phút mới mở mắt",
    # breathing not fine
    "ho nhiều nhưng thở dốc",
    "phải kê gối cao mới thở được",
    # the household's or an intense case
    "nhà tôi có người khó thở thì gọi số nào",
    "có người khó thở quá thì gọi ai",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


def test_a_fall_with_a_faint_is_an_emergency() -> None:
    assert flow_risk("bà chín mươi tuổi té trong buồng tắm, một hồi lâu mới hoàn hồn") == "emergency"


def test_an_echo_goes_only_before_a_denial() -> None:
    assert unechoed("Khó thở à? Không, tôi chỉ ho.") == "Không, tôi chỉ ho."
    assert unechoed("Khó thở à? Có, khó thở lắm.") == "Khó thở à? Có, khó thở lắm."
    assert unechoed("tôi ho, không khó thở") == "tôi ho, không khó thở"


def test_no_meal_refused_in_of_no_use() -> None:
    u = NLU.understand("uống thuốc ho mấy bữa không ăn thua, vẫn ho")
    assert "cannot_eat_drink" not in u.symptoms


@pytest.mark.parametrize(("text", "calm"), [
    # session 22b (lead): the ease said first is breathing said to be fine; the model no longer weighs "thở" there
    ("đeo khẩu trang y tế hai lớp cả buổi thấy bí hơi, tháo ra là dễ thở ngay", True),
    ("nay thấy dễ thở rồi, không còn mệt", True),
    # never negated ease, nor easier-than-before, nor ease that needs sitting up
    ("tháo khẩu trang ra vẫn không dễ thở chút nào, môi tím tái", False),
    ("ngồi dậy thì dễ thở hơn, nằm xuống là khó thở lắm", False),
    ("bà khó thở lắm, phải ngồi dậy mới dễ thở", False),
])
def test_ease_said_first(text: str, calm: bool) -> None:
    assert escalates(text) is not calm, (text, flow_risk(text), NLU.understand(text).sources)
