"""Signs noticed by others (issue 12, session 20, n46-others, with tests/data/utterances_s20_others.jsonl): a patient
who lives alone and whom nobody has seen or reached (``caller_concern``, high), a bystander's emergency in a public
place whose clause names a thing first, a change of routine with an ordinary reason or for the better (calm for the
n-gram model and the concern net), folk and religious words hidden from the model, and an untouched tray. Each kind
has its twins. Examples are new, not dev rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import model_text
from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    "bà Năm sống một mình, từ sáng tới giờ cửa nhà đóng im, gọi điện không ai nhấc máy",
    "ông cụ ở một mình trong xóm, hai ngày nay không thấy mặt, bà con gõ cửa không ai ra",
    "chi ay o tro mot minh dang bi covid, tu toi qua goi khong duoc, nhan tin cung khong tra loi",
    "cậu tôi sống neo đơn, mấy hôm nay không thấy động tĩnh gì, cậu đang dương tính",
])
def test_a_person_alone_who_cannot_be_reached_is_the_familys_worry(text: str) -> None:
    u = NLU.understand(text)
    assert "caller_concern" in u.symptoms and escalates(text), (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "bà Năm sống một mình, hôm qua cửa đóng vì bà đi ăn cưới cháu ngoài tỉnh, bà gọi về nói khỏe",
    "ông sống một mình, gọi không được là do điện thoại hết pin, giờ ông gọi lại rồi",
    "em ở một mình, lúc nãy không nghe máy kịp, giờ em vẫn khỏe",
    "mẹ sống một mình nhưng ngày nào cũng gọi cho con, hôm nay mẹ nói ăn được ngủ được",
])
def test_a_person_alone_with_a_reason_or_reached_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "xe đò đang chạy thì có người ngồi cuối xe lên cơn khó thở, tôi phải làm sao",
    "tàu đang chạy mà có một bà cụ ngất xỉu, gọi không tỉnh",
])
def test_a_bystander_has_the_sign_not_the_thing_named_first(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text) and {"shortness_of_breath", "altered_consciousness"} & set(u.symptoms), (text, u.symptoms)


@pytest.mark.parametrize("text", [
    "cái xe máy cũ khò khè như người lên cơn hen", "cái quạt trần kêu như một ông già thở dốc",
    "ở chợ có người xỉu nhưng xe cấp cứu chở đi rồi, em thì vẫn khỏe",
])
def test_a_things_sound_and_a_bystander_taken_away_stay_calm(text: str) -> None:
    assert not escalates(text), (text, NLU.understand(text).symptoms)


@pytest.mark.parametrize("text", [
    "mọi hôm bố gọi cho con buổi tối, hôm nay không gọi là vì bố đi đám giỗ về muộn",
    "ngày nào cũng vậy, sáng nay bà dậy sớm hơn, ăn được nhiều hơn mọi khi",
    "thường ngày má ở nhà, mấy bữa nay không thấy là tại má về quê",
])
def test_a_routine_change_with_an_ordinary_reason_or_for_the_better_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    "mọi khi bố gọi cho con mỗi tối, hai tối nay không gọi, con gọi thì bố nói lơ mơ",
    "thường ngày ông ra vườn, hai hôm nay ông nằm suốt, ăn vài thìa rồi thôi",
])
def test_a_routine_change_for_the_worse_escalates(text: str) -> None:
    assert escalates(text), (text, NLU.understand(text).symptoms)


def test_folk_words_are_hidden_from_the_model_and_signs_still_read() -> None:
    text = "bà đồng cho uống nước thánh, ông vẫn sốt ba tám tám"
    assert "nước thánh" not in model_text(text) and "bà đồng" not in model_text(text)
    assert flow_risk(text) == "medium", NLU.understand(text).symptoms
    assert flow_risk("khấn vái cả đêm mà sáng ra ông lịm đi, kêu không thưa") == "emergency"


@pytest.mark.parametrize("text", [
    "khay cơm để trước cửa từ trưa, ông chưa đụng đũa",
    "con để ly nước cạnh giường, tới tối ly nước còn nguyên, mẹ chưa ăn miếng nào",
])
def test_an_untouched_tray_is_not_eating(text: str) -> None:
    u = NLU.understand(text)
    assert "cannot_eat_drink" in u.symptoms, (text, u.symptoms)
