"""Calm look-alikes of retired held-out set 20 (emotion, media, fear, idioms), fixed by kind (issue 12, session 23,
n63-s20-emotion, with tests/data/utterances_s23_emotion.jsonl; ``ivr.nlu.emotion``): an anger or shame idiom that
uses a sign's words; a feared sign asked about; a figure of speech with the person fine; a panic attack over; a
child's crying spell over; a screen, song, news or neighbour's story with the household fine; a food, betel or ink
stain; an adult's poor appetite while drinking well; a sign in a question to the patient who said no.
Each kind has urgent twins that stay urgent: a real chest pain or breath said with the anger, a sign said as real
now, still breathless or blue, limp or not crying, a sign at home after the story, blue lips with breathlessness,
cannot drink, the patient's yes. Examples are new, not dev or held-out rows; scored the way the flow does
(``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # anger and shame idioms
    "tui bực mình quá muốn ngất luôn với cái tổng đài này",
    "ông xã tức muốn điên vì bị phạt không đeo khẩu trang",
    "chị giận thằng cháu quá nói không nên lời, nó trốn cách ly",
    # a feared sign asked about; a figure of speech with the person fine
    "em lo bị tím môi lắm, lỡ bị thì sao ạ",
    "tôi sợ nhất là hụt hơi, nếu bị hụt hơi thì uống thuốc gì?",
    "đọc báo thấy người ta mất mà hết hồn muốn xỉu, chứ tôi vẫn khỏe",
    # a panic attack over with a normal reading
    "mấy hôm trước lên cơn lo âu, thở nhanh, nằm nghỉ là hết, ô xi chín chín",
    # a child's crying spell over
    "thằng út khóc thét tím cả môi rồi nín liền, giờ bú lại ngon",
    # a story on a screen or a neighbour's, the household fine
    "phim bộ tối qua có cảnh người ta ngất xỉu, nhà mình vẫn bình thường",
    "ông hàng xóm kể con ổng khó thở phải đi viện, nhà tui ai cũng khỏe",
    # a stain
    "lưỡi bé tím là do ăn xôi nếp cẩm, bé chơi bình thường",
    # low mood while drinking
    "chồng em buồn chuyện nhà, ăn uống không ngon nhưng uống nước bình thường",
    # a question to the patient answered no
    "anh có đau ngực không anh, dạ ảnh lắc đầu",
    "bà có mệt không bà... bà nói không có",
])
def test_a_calm_look_alike_does_not_escalate(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern)


@pytest.mark.parametrize("text", [
    # anger with a real sign
    "giận quá nói không ra hơi, môi tím tái luôn",
    "tức muốn nổ ngực mà giờ thở hổng nổi",
    "cãi nhau xong ông ôm ngực đau thắt, vã mồ hôi",
    # a sign said as real now after a fear
    "em sợ khó thở quá, giờ thở không được rồi làm sao đây",
    "sợ bị khó thở lắm, mà giờ đã thở hụt hơi rồi, phải làm sao?",
    "nghe tin xong muốn xỉu, giờ nằm lừ đừ gọi không dậy",
    # a panic attack not over, or another sign after it
    "lên cơn hoảng thở gấp, giờ đỡ rồi mà môi tím",
    "lên cơn hoảng loạn thở gấp giờ hết rồi nhưng vẫn còn tức ngực",
    "em hay bị hoảng loạn mà lần này thở dốc không hết",
    # a crying spell with a grave word
    "bé khóc tím tái rồi nín nhưng giờ lừ đừ",
    "con khóc xong tím môi hoài không hồng lại",
    # a sign at home after the story
    "xem tivi thấy người ta khó thở, mà ba tôi cũng khó thở",
    "trên tivi nói có người tím tái, nhà tôi bình thường nhưng mẹ tôi thở dốc",
    # blue lips with breathlessness, a poor appetite that cannot drink
    "môi bé tím do ăn dâu, mà bé thở nhanh quá",
    "ông buồn chán ăn, uống nước cũng không được, ói hết",
    # the patient's yes, or a sign seen after the no
    "mẹ có khó thở không, mẹ nói không, mà thấy mẹ thở hổn hển",
    "ba có tức ngực không... dạ ba nói tức lắm",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern)


def test_a_panic_over_with_a_low_reading_still_escalates() -> None:
    assert flow_risk("hồi tối lên cơn hoảng, thở gấp rồi tự hết, mà đo ô xi có chín hai") == "emergency"


def test_a_poor_appetite_of_a_child_stays_a_sign() -> None:
    assert escalates("bé buồn ngủ, chán ăn, bỏ bú, uống nước được chút xíu")


@pytest.mark.parametrize("text", [
    "ba có tức ngực không... dạ ba nói tức lắm",
    "mẹ có mệt hông, dạ mẹ gật đầu",
    "ông có khó thở không ông, ông kêu khó thở quá",
])
def test_a_question_to_the_patient_answered_yes_is_the_sign(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern)
