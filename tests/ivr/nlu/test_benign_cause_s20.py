"""A mild sign whose ordinary cause the caller states and which has passed (issue 12, session 20, n45-benign-cause,
with tests/data/utterances_s20_cause.jsonl; ``ivr.nlu.everyday.cause_passed``, ``angry_tightness``, ``drawn_colour``):
breath from heat, a stuffy room or an ordinary effort, chest tightness from tight clothes, tiredness after a feast, a
child's blocked nose, a vomit from travel sickness; "tức" of anger; a colour drawn on. Each kind has escalating twins:
the cause stated but the sign not passed, the sign worse than its cause explains, a hard sign no cause clears. Examples
are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import model_text
from tests.ivr.nlu.flowrisk import NLU, escalates


@pytest.mark.parametrize("text", [
    "nhà trọ mất điện nóng hầm, em thở hổn hển, ra đầu ngõ ngồi hóng mát là hết",
    "mẹ em đi chợ Bến Thành về thở dốc, ngồi uống ly nước mía là êm",
    "hát karaoke cả buổi nên hụt hơi, ngủ một đêm là khỏe lại",
    "tức ngực vì mặc áo bó quá, thay áo khác là dễ chịu",
    "lo đám cưới thằng út mấy ngày nên mệt lử, ngủ bù một giấc là tươi tỉnh",
    "bé nghẹt mũi nên thở hơi nhanh, hút mũi xong là thở êm",
    "đi xe khách bị say xe ói một lần, xuống xe nghỉ chút là hết rồi",
    "ông tức thở với mấy đứa hàng xóm đốt rác, chứ ông khỏe",
    "bà bực tức muốn vỡ ngực vì thằng cháu phá, chứ không đau ốm gì",
    "con bé lấy son tô môi tím, chứ nó chạy nhảy bình thường",
    "cái xe máy nhà tôi nổ máy kêu khò khè",
])
def test_a_passed_sign_with_an_ordinary_cause_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "do bụi rơm mà giờ ông thở không nổi",
    "đi chợ về ngồi nghỉ mà không đỡ, vẫn thở dốc",
    "đi chợ về tới giờ vẫn thở dốc, môi tím",
    "tức ngực vì áo chật, cởi ra rồi mà vẫn đau thắt",
    "tui thở dốc vì leo có mấy bậc thềm, hồi trước leo cả dốc vẫn bình thường",
    "hát xong hụt hơi, nghỉ là đỡ nhưng giờ nằm cũng hụt hơi",
    "trời nóng quá bà ngất xỉu, gọi không trả lời",
    "say xe ói xong bé co giật",
    "ba tôi tức ngực với khó thở từ sáng",
    "vẽ tranh một lúc thì môi cháu tím tái, thở mệt",
    "xe buýt phải dừng lại vì có người trên xe lên cơn khó thở",
    "leo lên lầu hai đã phải dừng lại thở dốc, trước giờ leo tầng năm không sao",
])
def test_urgent_twins_stay_escalated(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.vitals, u.sources)


def test_a_cough_with_its_cause_is_kept_but_hidden_from_the_model() -> None:
    text = "ông đi quét sân về ho vài tiếng do bụi, ổng nói năm nào cũng vậy"
    u = NLU.understand(text)
    assert "cough" in u.symptoms and not escalates(text)
    assert "ho" not in model_text(text).split()
