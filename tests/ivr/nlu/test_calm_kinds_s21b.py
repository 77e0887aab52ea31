"""Calm look-alikes and one missed stroke sign of retired held-out set 17, fixed by kind (issue 12, session 21b,
n53-s17-calm, with tests/data/utterances_s21b_calm.jsonl): an ordinary cause that passed (a mask, a blanket over the
head, a steam bath, lying on the back in pregnancy, a panic, an asthma attack relieved by the inhaler, a low sugar put
right with a sweet, a chill caught outside); a known condition at its usual state (pale lips of an anaemia "chứ không
tím", counted years of confusion, a snore after a habit); folk care's marks on the skin; a held breath let go in a loud
cry; a yes/no question the patient said no to; a sign feared for later with the patient fine now; a message read aloud;
115 as a room number; a past episode not come back since. Each kind has urgent twins (the cause did not pass, the
usual state changed, the denial contradicted, the feared sign happening now). A new stroke sign on top of an old stroke
escalates. Examples are new, not dev or held-out rows; scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates


@pytest.mark.parametrize("text", [
    # an ordinary cause that passed
    "đeo khẩu trang y tế hai lớp cả buổi thấy bí hơi, tháo ra là dễ thở ngay",
    "nằm trùm mền kín mít nên ngộp thở, kéo mền xuống là hết ngộp",
    "bầu tháng thứ bảy nằm ngửa thấy hơi khó thở, nằm nghiêng qua là dễ thở",
    "con bị suyễn, tối lên cơn khò khè, xịt thuốc là đỡ, giờ thở đều rồi",
    "tụt đường huyết nên run tay đổ mồ hôi, uống ly nước đường là hết",
    "bà dầm mưa về hắt hơi mấy cái, uống trà gừng là khỏe",
    # a known condition at its usual state
    "mẹ tôi thiếu máu, môi lúc nào cũng nhợt nhạt chứ không tím",
    "ông ngoại lẫn ba năm nay, hay hỏi đi hỏi lại một câu",
    "ông nhà tôi ngáy như mọi đêm, khò khè vậy chứ sáng dậy vẫn tỉnh táo",
    # folk care, play
    "cạo gió cho ba xong sống lưng tím bầm mấy vệt, ba nói nhẹ người rồi",
    "thằng cu ăn vạ nín thở mặt tím lại rồi gào khóc um lên",
    # a denial relayed, a fear for later, a past episode over
    "tui hỏi má có khó thở không má lắc đầu, má đang ngồi xem ti vi",
    "lo tối nay ông khó thở thôi, chứ giờ ông thở đều, nói chuyện bình thường",
    "tức ngực hôm kia thôi, hai hôm nay không bị lại lần nào",
    # read aloud, a room number
    "zalo nhóm nhắn ai tím môi khó thở thì báo tổ trưởng, nhà em chưa ai bị gì",
    "giấy hẹn ghi phòng 115 lầu ba, phòng đó khám gì vậy chị",
])
def test_a_calm_look_alike_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    # the cause did not pass
    "tháo khẩu trang ra rồi mà vẫn thở không nổi, môi tái",
    "kéo mền ra rồi mà vẫn ngộp thở, nói không ra hơi",
    "bầu tháng thứ bảy, nằm nghiêng cũng thở không ra hơi",
    "con bị suyễn, xịt thuốc mấy lần không đỡ, thở rút lõm ngực",
    "tụt đường huyết đổ mồ hôi, uống nước đường rồi mà vẫn lơ mơ",
    # the usual state changed; a new stroke sign on top of an old stroke
    "mẹ tôi thiếu máu sẵn mà chiều nay môi tím tái",
    "ông ngoại lẫn ba năm nay, mà từ trưa gọi không dậy",
    "ông bị tai biến năm kia tay trái yếu nay thêm méo miệng",
    "bà bị đột quỵ năm ngoái, giờ nói ngọng thêm, miệng xệ",
    # folk care, play
    "cạo gió xong mà môi ba tím tái, thở dốc",
    "thằng cu nín thở mặt tím tái, lay mãi không khóc lại",
    # a denial contradicted, the feared sign happening now, news that struck the patient
    "tui hỏi má có khó thở không má nói không, mà má thở hổn hển, nói đứt quãng",
    "tui hỏi ổng có mệt không ổng nói không được nữa",
    "lo tối nay ông khó thở, mà giờ ông thở không nổi rồi",
    "má nghe tin dữ xong gục xuống, gọi không trả lời",
    # a message read, then the patient has it
    "zalo nhóm nhắn ai khó thở thì báo, mà ba em đang thở không nổi",
    "gọi 115 giúp em, ba em ngất rồi",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)
