"""A sign only mentioned, by kind (issue 12, session 7; ``ivr.nlu.mention``): asked about, how to know it, read or
heard about, someone outside the household, long past, denied in regional words. Each calm family has its
escalating twins: a sign of the household said now, a sign followed by a question, a relative reporting what they
see, a sign "vẫn/còn/lại" after a past one. Own wordings, written for the kinds, not copied from a scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()
_ESCALATE = {"high", "emergency"}


def _risk(text: str) -> str:
    u = _NLU.understand(text)
    return _TRIAGE.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent).risk


CALM = {
    "asked": [
        "tím môi thì có sao không bác sĩ",
        "khó thở thì có phải là nặng rồi không",
        "ho ra máu thì có phải là nặng không, tôi hỏi trước để biết",
        "bác sĩ dặn khi nào thở không nổi thì gọi ngay, giờ bà vẫn ổn",
        "ngất xỉu thì sơ cứu thế nào cho đúng",
        "thở nhanh tới mức nào thì phải đi viện",
        "người già lú lẫn thì khác với lẫn tuổi già sao",
        "trẻ con co giật thì xử lý ra sao",
        "dau nguc thi co nguy hiem khong",
        "thở dốc thì có sao hông",
    ],
    "how_to_know": [
        "làm sao biết mình bị khó thở",
        "làm sao để biết bà bị tím tái",
        "cách nhận biết trẻ bị co giật",
        "răng biết được là môi tím",
        "lam sao biet ong bi lo mo",
        "thế nào là thở nhanh vậy bác sĩ",
    ],
    "read_heard": [
        "tôi đọc tờ rơi thấy ghi là khó thở, tức ngực thì phải báo ngay, số nào vậy",
        "nghe đài nói người bị tím tái phải đi viện liền",
        "đọc báo thấy người ta ngất xỉu vì covid, tôi lo quá nên gọi hỏi",
        "tờ hướng dẫn ghi co giật, lơ mơ thì gọi một một lăm",
        "nghe loa phường nói ho ra máu phải báo trạm y tế",
        "doc to huong dan thay ghi kho tho thi goi tram",
    ],
    "outsider": [
        "bạn em bị khó thở phải nằm viện, em hỏi em có cần xét nghiệm không",
        "hàng xóm bên cạnh bị ngất xỉu, nhà tôi thì ai cũng khỏe",
        "đồng nghiệp của chồng tôi co giật phải đi cấp cứu, chồng tôi có bị lây không",
        "công ty có người tím tái phải chở đi viện, tôi thì vẫn bình thường",
        "thằng bạn con tôi bị ho ra máu, con tôi chơi chung có sao không",
    ],
    "long_past": [
        "hồi nhỏ tôi bị co giật mấy lần, giờ thì không còn",
        "năm ngoái tôi từng bị khó thở, bây giờ bình thường",
        "tôi từng bị ngất hồi còn trẻ, nay khỏe",
        "mẹ tôi bị hen từ hồi xưa, hồi đó khó thở lắm, giờ hết rồi",
        "ba tôi đã từng bị tím tái năm kia, nay không sao",
    ],
    "regional_denial": [
        "bà tui hổng có khó thở gì hết",
        "ông không tím tái chi hết",
        "mạ tui nỏ khó thở chi",
        "con hông có co giật",
        "tui chẳng có tức ngực gì đâu",
        "có khó thở mô",
        "ba tui khó thở có đâu",
        "tím tái mô có",
    ],
    "medicine_not_taken": [
        "sáng nay tôi quên không uống thuốc hạ sốt",
        "bà không uống thuốc ngủ nữa",
        "mẹ tôi hổng uống thuốc bắc",
        "ông chưa uống thuốc tối",
        "em không uống thuốc kháng sinh vì bác sĩ dặn",
    ],
    "heard_from_people": [
        "nghe mấy bà trong xóm nói ai tím môi là phải đi viện",
        "coi mấy ông trên mạng kể bị co giật vì covid",
        "trong nhóm zalo có người nói bị lơ mơ thì phải đi viện",
        "người ta đồn ho ra máu là nặng lắm",
        "em gái tôi ở quê bị khó thở phải đi viện, tôi ở đây có sao không",
    ],
}

TWINS = {
    "asked": [
        "bà tím tái hết rồi, làm sao bây giờ",
        "ông khó thở quá, có cần gọi 115 không",
        "mẹ co giật, sơ cứu sao đây",
        "mẹ tôi khó thở thì có sao không",
        "khó thở quá thì phải làm sao",
        "con tôi co giật thì sơ cứu thế nào",
        "đang khó thở thì làm gì bây giờ",
        "môi tím tái là bị gì vậy, mẹ tôi bị từ sáng",
        "khó thở thì có sao không, ba tui cũng vậy",
        "ho ra máu thì có phải là nặng không, ông tôi ho ra máu",
    ],
    "how_to_know": [
        "không biết làm sao, bà tím tái hết rồi",
        "làm sao biết được, mẹ tôi đang lơ mơ",
        "làm sao bây giờ, ông khó thở lắm",
        "hổng biết sao mà ba tui co giật",
        "lam sao bay gio, ba toi kho tho qua",
    ],
    "read_heard": [
        "tôi đọc tờ rơi thấy ghi là khó thở thì báo, mẹ tôi đang khó thở",
        "nghe đài nói tím tái là nặng, bà tôi tím tái rồi",
        "đọc báo thấy nói co giật nguy hiểm mà con tôi cũng co giật",
        "tờ hướng dẫn ghi lơ mơ thì gọi, giờ ông lơ mơ",
        "nghe nói ho ra máu là nặng, nhưng ông tôi ho ra máu từ sáng",
    ],
    "outsider": [
        "bà hàng xóm khó thở quá, tôi phải làm sao",
        "tôi gọi giùm hàng xóm, bả ngất xỉu rồi",
        "bạn tôi ở cùng phòng đang co giật",
        "hàng xóm bị tím tái phải đi viện, mà mẹ tôi cũng tím tái",
        "bạn em bị khó thở, em cũng khó thở",
    ],
    "long_past": [
        "hồi nhỏ bị co giật, giờ lại co giật",
        "năm ngoái bị khó thở, nay lại khó thở",
        "từng bị hen, giờ khó thở quá",
        "năm ngoái ông bị đột quỵ, giờ nói năng lơ mơ",
        "ông từng bị ngất, hôm nay vẫn còn lơ mơ",
        "hồi nhỏ tôi bị co giật, giờ thì không nhưng hôm nay lại bị",
    ],
    "regional_denial": [
        "bà tui hổng thở được",
        "mạ thở nỏ được",
        "ông hông dậy nổi, kêu hoài hông trả lời",
        "bà thở hổng nổi",
        "tía tui khó thở, hổng nằm được",
        "khó thở đâu có đỡ",
        "ổng khó thở đâu có giảm chút nào",
    ],
    "medicine_not_taken": [
        "ông không uống được thuốc, uống vào là nôn",
        "bà không uống thuốc được, nuốt vô là sặc",
        "mẹ quên uống thuốc mà giờ khó thở quá",
        "con không uống nổi thuốc, uống gì cũng ói",
        "chưa uống thuốc mà môi tím tái hết rồi",
    ],
    "heard_from_people": [
        "nghe mẹ nói bà tím tái từ sáng",
        "con nghe chị kể ba lơ mơ, gọi không dậy",
        "mẹ tôi ở quê bị khó thở quá, tôi phải làm sao",
        "nghe mấy bà trong xóm nói ai tím môi là nặng, mà bà tôi tím môi rồi",
        "kho tho qua thi lam sao",
        "dang kho tho thi lam gi bay gio",
        "moi tim tai la bi gi vay, me toi bi tu sang",
        "doc bao thay noi co giat nguy hiem ma con toi cung co giat",
        "cho toi xin so cap cuu gap",
    ],
}


@pytest.mark.parametrize("text", [t for ts in CALM.values() for t in ts])
def test_a_sign_only_mentioned_does_not_escalate(text: str) -> None:
    assert _risk(text) not in _ESCALATE


@pytest.mark.parametrize("text", [t for ts in TWINS.values() for t in ts])
def test_the_twin_of_every_guard_escalates(text: str) -> None:
    assert _risk(text) in _ESCALATE


def test_every_kind_has_five_calm_cases_and_five_twins() -> None:
    assert set(CALM) == set(TWINS)
    assert all(len(CALM[k]) >= 5 and len(TWINS[k]) >= 5 for k in CALM)
