"""Calm callers who sound worried (issue 12, session 18, n28-far-calm, with tests/data/utterances_s18_farcalm.jsonl):
idioms of exasperation with a sign word, panic exclamations and panic in the voice over a mild complaint, a lane a
vehicle cannot enter, a dose asked about in a fright, nothing strange heard by a far relative, a sign over with only
another complaint left or not had any more. Each kind has escalating twins (a sign now, said in the same frame).
Examples are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import model_text
from tests.ivr.nlu.flowrisk import NLU, escalates


def _calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "nghẹt thở với cái thủ tục cách ly này quá",
    "thở không ra hơi vì tiền nhà tháng này",
    "khó thở quá với cái ứng dụng khai báo, bấm mãi không vào",
    "tức ngực vì mấy cái quy định, hôm nay một kiểu mai một kiểu",
    "nghet tho vi ket xe ca buoi sang moi lay duoc ket qua",
])
def test_an_idiom_of_exasperation_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "khó thở vì đờm nhiều quá", "nghẹt thở vì ho suốt đêm", "thở không ra hơi vì làm việc nhà có tí",
    "tức ngực vì ho nhiều, hít vào là đau", "khó thở quá vì sốt cao",
])
def test_a_sign_with_a_bodily_cause_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "trời ơi chết mất thôi, cả nhà dương tính hết, con bé thì sổ mũi",
    "chết mất thôi, tôi làm mất giấy xác nhận khỏi bệnh rồi",
    "ối giời ơi lo quá trời, thằng bé nhà tôi ho với sổ mũi mấy hôm nay",
    "khổ thân tôi quá, làm sao bây giờ, cả nhà đau họng hết",
])
def test_panic_over_a_mild_or_calm_matter_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text, kept", [
    ("ôi trời ơi lo quá, thằng cu ho suốt cả đêm", "thằng cu ho suốt cả đêm"),
    ("chết mất thôi, khổ quá, con bé sổ mũi", "con bé sổ mũi"),
    ("trời ơi cứu với", "cứu"),
])
def test_the_model_weighs_the_content_not_the_panic(text: str, kept: str) -> None:
    masked = model_text(text)
    assert kept in masked and not {"lo", "chết", "khổ"} & set(masked.split()), masked


@pytest.mark.parametrize("text", [
    "ông tôi khó thở chết mất", "trời ơi chết mất", "chết mất thôi, bà tôi tím tái hết rồi",
    "trời ơi lo quá, bà tôi thở hắt ra từng cơn", "ối giời ơi, con bé co giật",
    "khổ quá, bố tôi gọi không dậy",
])
def test_panic_with_a_sign_or_alone_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "ô tô phát thuốc không vào được ngõ nhà tôi, để thuốc ở đâu",
    "shipper giao đồ ăn không vào được khu cách ly",
    "chết rồi, không biết liều hạ sốt cho bé mười cân là bao nhiêu",
])
def test_a_vehicle_or_a_dose_is_no_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "bà tôi cháo không vào, uống nước cũng nôn", "bé nôn hết, uống gì ói nấy",
    "xe cứu thương không vào được ngõ, mẹ tôi khó thở lắm",
])
def test_cannot_drink_still_escalates(text: str) -> None:
    assert escalates(text), text


@pytest.mark.parametrize("text", [
    "con ở xa gọi cho mẹ thì không thấy mẹ nói gì khác thường, con chỉ hỏi cách theo dõi",
    "hôm trước mẹ tôi có tức ngực, nay không bị nữa",
    "tuần trước bố tôi khó thở một hôm, giờ khỏi hẳn rồi, chỉ còn ho khan",
    "nếu bố tôi đang khó thở thì phải làm sao",
    "khi nào thì phải đưa ông đi viện",
])
def test_nothing_strange_a_sign_over_or_a_question_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "gọi mãi không thấy mẹ nói gì", "gọi bà không nói gì lạ lắm", "hôm trước mẹ tôi có tức ngực, nay vẫn còn bị",
    "tuần trước bố tôi khó thở, giờ vẫn còn khó thở", "khi nào thì phải đưa đi viện ông tôi đang thở dốc",
    "bao giờ thì phải gọi cấp cứu mẹ tôi bây giờ tím môi rồi",
])
def test_a_sign_now_still_escalates(text: str) -> None:
    assert escalates(text), text
