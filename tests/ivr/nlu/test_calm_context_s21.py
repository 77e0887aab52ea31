"""Calm look-alikes of retired held-out set 16, read by their context (issue 12, session 21, n49-calm-context, with
tests/data/utterances_s21_calm.jsonl; ``ivr.nlu.context``, ``ivr.nlu.everyday.emotion_cause_after``,
``ivr.nlu.others.reached_now``): a sign of an animal, a food or a word asked about; a past episode with only mild
signs now; a habit and the person fine; "tức" of an emotion; a child's play or crying over; cold hands warmed up; a
stuffy room "chứ không khó thở"; a nap then up and well; fear after the news; a relative reached now; a plea heard on
a screen. Each kind has urgent twins: the same image said of the patient now, a past episode and now worse, a habit
and "hôm nay khác". Examples are new, not dev or held-out rows; scored the way the flow does
(``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates


@pytest.mark.parametrize("text", [
    # the subject is no person
    "con chó mực nhà tui ăn phải thuốc chuột, nằm li bì từ sáng, đem đi thú y rồi, người trong nhà vẫn khỏe",
    "bé uống nước ép nho tím lịm cả môi, lau khăn là sạch",
    "hoa đậu biếc tím có uống được không chị",
    "chị ơi cái từ tím tái nghĩa là sao vậy",
    "tiếng la hét bên kia là cái ti vi chiếu phim hình sự, nhà em không ai sao",
    # another time
    "hồi nhiễm lần đầu ba em thở không nổi phải nằm viện, lần này chỉ sổ mũi thôi",
    # a habit said as such
    "ông xã em ngáy rồn rột đêm nào cũng vậy, sáng dậy vẫn tỉnh táo",
    # an emotion
    "ổng coi đá banh tức muốn nổ ngực vì trọng tài",
    # a child's play or crying, over
    "con bé khóc ré tới mức thở không ra hơi, bế lên dỗ là nín, giờ đang chơi búp bê",
    "thằng nhỏ chạy giỡn ngoài sân về thở hồng hộc, uống ly nước là hết",
    # weather and house
    "trời rét tay chân bà lạnh ngắt, ủ chăn một hồi là ấm lại",
    "phòng bí quá thấy ngột ngạt chứ không có khó thở gì",
    "trưa oi bé ngủ li bì tới chiều, mà dậy ăn cơm chạy nhảy bình thường rồi",
    # a fever that lingers, the patient awake (medium: no escalation)
    "ba em sốt li bì hai hôm nay nhưng vẫn tỉnh táo, ăn được cháo",
    # fear after the news, a relative reached now
    "xem thời sự thấy nhiều người trở nặng, lo quá chứ nhà em chưa ai bị gì",
    "bà nội gọi hoài không nghe máy vì đi lễ chùa, giờ gọi lại được rồi",
])
def test_a_calm_look_alike_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


def test_an_animal_carried_over_as_subject_has_no_sign_by_the_rules() -> None:
    # the n-gram model alone may still raise this one ("tui đổ nước vô là bơi liền"; not retrained in session 21)
    u = NLU.understand("mấy con cá trê trong xô hết nước, nằm thở ngáp ngáp, tui đổ nước vô là bơi liền")
    assert u.sources.get("severe_breathlessness") is None and u.sources.get("shortness_of_breath") is None, u.sources


@pytest.mark.parametrize("text", [
    "ba em nằm thở ngáp ngáp, môi tái, gọi không trả lời",
    "con chó nằm li bì thì kệ nó, mà mẹ em cũng nằm li bì, gọi không dậy",
    "em không hiểu chữ tím tái là gì, mà môi ông em giờ thâm lại, thở khó",
    "ti vi đang chiếu phim mà nhà em cần cấp cứu gấp",
    "hồi nhiễm lần đầu ba em thở không nổi, lần này cũng thở không nổi, nặng hơn hôm qua",
    "ông xã em ngáy rồi tự nhiên ngưng thở, giờ lay không dậy",
    "bà hen lâu năm khò khè như mọi khi, mà hôm nay khác, thở rút lõm ngực",
    "coi đá banh xong ổng tức ngực, đau lan ra tay trái",
    "tức ngực vì nợ, mà giờ đau thắt ngực vã mồ hôi",
    "con bé khóc xong thở không ra hơi, dỗ mãi không nín, môi tím",
    "thằng nhỏ chạy giỡn về thở hồng hộc, uống nước rồi mà vẫn thở dốc, co rút lồng ngực",
    "trời rét tay chân bà lạnh ngắt, ủ chăn mãi không ấm, môi tím tái",
    "phòng bí ngột ngạt, mở cửa rồi mà ông vẫn thở không nổi",
    "trưa oi bé ngủ li bì tới chiều, gọi không dậy",
    "ba em sốt li bì hai hôm nay, lúc tỉnh lúc mê",
    "xem thời sự thấy nhiều người trở nặng, mà chồng em giờ cũng thở không nổi",
    "bà nội sống một mình, gọi từ sáng tới giờ không nghe máy",
    "giờ gọi được rồi thì bà nói lảm nhảm, không nhận ra ai",
    "mẹ em khó thở chứ không phải mệt đâu chị",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)
