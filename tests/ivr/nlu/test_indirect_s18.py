"""Decision-261 warning signs said indirectly (issue 12, session 18, helper n35-indirect261), by kind: breath too short
to speak said word by word or with another negator, pillows counted before lying down, the chest drawn in with the
child named between, stopping on the way to breathe; a chest pressure likened to a weight without the chest named, a
pain spreading to the left arm; no strength to hold an everyday thing; the sweat said before its verb. Calm twins of
the same kinds, said to be ordinary in the same utterance (``ivr.nlu.ordinary``): an effort the caller calls usual, a
nosebleed that stopped, sweating as a fever breaks after a fever reducer, eating less while drinking well, phlegm
without blood, lying in bed days ago and up again now. Own wordings, written for the kinds, not copied from a
dev set."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import Nlu
from tests.ivr.nlu.flowrisk import ESCALATE, triage_risk
from tests.ivr.nlu.flowrisk import flow_risk as _risk

RULES = Nlu(model=None)


@pytest.mark.parametrize("text", [
    # breath too short to speak, word by word or with "chẳng"/"chả"
    "ông nói ngắt từng chữ một, nghe mệt lắm",
    "mẹ tôi giờ nói chả thành câu",
    "ba nói chẳng ra câu nữa",
    # pillows counted before "cao"
    "ba phải kê hai cái gối cao mới nằm được",
    # the chest drawn in, the child named between
    "ngực con bé lõm xuống mỗi lần hít vào",
    "sườn thằng cu hõm vào sâu lắm",
])
def test_severe_breathlessness_said_indirectly_is_an_emergency(text: str) -> None:
    assert _risk(text) == "emergency"


RULE_SIGNS = [
    # stopping on the way to breathe
    "đi ra chợ mà phải đứng lại thở mấy lần",
    # a chest pressure likened to a weight, the chest not named; a pain spreading to the left arm
    "tức như có ai đè lên suốt từ tối",
    "nặng như có đá đè, khó chịu lắm",
    "chồng tôi kêu đau lan xuống cánh tay trái từ chiều",
    # no strength to hold or lift an everyday thing, the negator first
    "bà yếu tới mức không bưng nổi bát cháo",
    # the sweat said before its verb
    "ông kêu mệt, mồ hôi vã ra như tắm",
]


@pytest.mark.parametrize("text", RULE_SIGNS)
def test_warning_sign_said_indirectly_is_read_by_the_rules(text: str) -> None:
    """The rules alone (no n-gram model) read the sign: the model's opinion is a second net, not the first."""
    assert triage_risk(RULES.understand(text)) in ESCALATE


@pytest.mark.parametrize("text", [
    *RULE_SIGNS,
    # twins of the calm kinds below that must still escalate
    "giờ leo cầu thang là thở dốc, trước đây thì không",
    "đang uống thuốc chống đông mà chảy máu mũi mãi không cầm",
    "chảy máu cam cầm rồi lại chảy tiếp",
    "uống hạ sốt xong vã mồ hôi lạnh, tay chân lạnh ngắt",
    "bà ăn không nổi, uống cũng không được",
    "khạc đờm vàng có lẫn máu",
    "từ hôm qua nằm bẹp, giờ vẫn chưa ngồi dậy được",
])
def test_warning_sign_said_indirectly_escalates(text: str) -> None:
    assert _risk(text) in ESCALATE


@pytest.mark.parametrize("text", [
    # an effort the caller calls usual
    "xách hai xô nước thì thở dốc như mọi khi",
    "đạp xe lên dốc thở hổn hển, nghỉ chút là hết",
    # a nosebleed that stopped
    "thằng bé chảy máu mũi lúc trưa, nhét bông một lát là cầm rồi",
    # sweating as the fever breaks after a fever reducer
    "uống paracetamol xong đổ mồ hôi ướt áo, giờ hết sốt",
    # eating less while drinking well
    "bà ăn không nổi cơm nhưng uống sữa vẫn đều",
    # phlegm without blood
    "khạc đờm vàng không có máu",
    # lying in bed days ago, up again now (in one run of words, as a recognizer writes it)
    "hôm trước nằm bẹp vì sốt giờ dậy đi lại được rồi",
])
def test_ordinary_twin_stays_calm(text: str) -> None:
    assert _risk(text) not in ESCALATE
