"""Community helpers calling about a patient and people alone or with a disability, by kind (issue 12, session 18,
helper n33-helpers), with calm twins in the same words: a person who cannot read the oximeter says so before the sign
("không đọc được máy, môi tím": the reading denied is no sign read about), weak legs and walking ("chân yếu đi lại
khó") new or long-standing (a change denied, "không phải mới bị", is no change; "lâu rồi" is never bent into "lẫn
rồi"), "còn thở thì ..." written without diacritics (no rabbit, "con thỏ"), a posture taken in order to breathe
("ngồi gục trên bàn để thở") seen by a neighbour or a landlord, boarding rooms said without diacritics ("chu tro",
"phong tro": no baby's "trớ"), a door knocked on with the room named ("gõ cửa phòng 204 mấy lần rồi mà không ai
mở"), poor eyesight alone ("mắt bà kém lắm", masked from the n-gram model), "ở một mình không có ai khó thở quá"
(nobody with the caller, no sign denied; "nhà không có ai khó thở" stays denied). Own wordings, written for the
kinds, not copied from a scored set. Scored as the flow does: triage's risk, or the concern net."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import ESCALATE as _ESCALATE
from tests.ivr.nlu.flowrisk import NLU
from tests.ivr.nlu.flowrisk import flow_risk as _risk

CALM = {
    "read_device": [
        "đọc được trên mạng là môi tím thì phải gọi ngay, nhà tôi không ai bị gì",
        "mắt tôi kém không đọc được máy, chứ người thì khỏe, không khó thở gì",
        "ông không biết đọc máy đo, cháu đọc giùm được chín tám",
    ],
    "long_standing": [
        "bà tôi chân yếu đi lại khó từ lâu rồi, chỉ hỏi giấy xác nhận khỏi bệnh",
        "ông yếu đi đứng khó khăn mấy năm nay, covid thì không có triệu chứng gì",
        "chan toi yeu di lai kho lau roi chu khong phai moi bi",
        "mẹ tôi đi lại khó lâu rồi, hỏi có được tiêm mũi bốn không",
        "bà lẫn mấy năm nay rồi, không phải mới bị, giờ vẫn ăn uống bình thường",
    ],
    "no_rabbit": [
        "con thỏ nhà tôi thở khò khè, người trong nhà thì khỏe",
    ],
    "posture": [
        "ông vịn vào tường để đi cho khỏi ngã, người thì khỏe",
        "bà không phải ngồi gục để thở, thở êm",
    ],
    "boarding_rooms": [
        "chu tro hoi phong tro co f0 thi khu khuan the nao",
        "khu tro co 8 f0 deu khoe chu tro hoi thu tuc",
        "day tro nha toi het cach ly chua",
    ],
    "poor_eyesight": [
        "mắt bà kém lắm",
        "mắt ông kém lắm chị ơi",
        "kém mắt lắm",
    ],
    "nobody_with_the_sign": [
        "nhà tôi không có ai khó thở",
        "khu trọ có 12 F0 không có ai khó thở cả",
    ],
    "helpers_asking": [
        "tổ phản ứng nhanh hỏi thủ tục cấp giấy khỏi bệnh cho mười lăm hộ F0",
        "hả, nói to lên, tôi nghe không rõ",
        "tổ covid báo thôn có 94 F0, hỏi xin thêm thuốc",
    ],
}

ESCALATE = {
    "long_standing": [
        "mẹ tôi chân yếu đi lại khó từ sáng nay",
        "bà lẫn mấy năm nay rồi, không phải mới bị, nhưng từ chiều gọi không dậy",
    ],
    "boarding_rooms": [
        "chu tro day phong so 4 co anh cong nhan tho hon hen moi tim",
    ],
    "door_unanswered": [
        "chủ trọ gõ cửa phòng 204 mấy lần rồi mà không ai mở",
        "tôi gõ cửa nhà số 15 cả buổi không ai mở",
    ],
    "helpers_reporting": [
        "anh F0 ở phòng 3 đo spo2 được 94",
        "trưởng thôn gọi giúp, bà cụ ở một mình gõ cửa mãi không thấy trả lời",
        "sư cô báo chú tiểu sốt cao, thở dốc, nói không ra hơi",
    ],
}

# must escalate at the top level (emergency): a sign of decision 261 (7, 8 or severe breathlessness)
EMERGENCY = {
    "read_device": [
        "tôi không đọc được máy, môi tím",
        "mắt kém không đọc được máy, người cứ lịm đi",
        "không đọc được số trên máy, lúc tỉnh lúc mê",
        "chẳng đọc được máy, tím cả đầu ngón tay",
        "tôi ở một mình, không đọc được máy đo, môi tôi tím tái",
    ],
    "alone_nobody": [
        "tôi neo đơn không có ai khó thở quá",
        "o mot minh khong co ai tho khong duoc",
        "bà ở một mình không có ai môi tím tái rồi",
    ],
    "no_rabbit": [
        "o mot minh con tho thi phai ngoi day moi tho duoc",
        "bac bi mu con tho thi hut hoi khong noi het cau",
    ],
    "posture": [
        "anh công nhân phòng bên phải ngồi chồm người tới trước để thở",
        "ông câm, ra dấu rồi cứ gục đầu xuống bàn để lấy hơi",
        "ông bám thành giường để lấy hơi",
    ],
}

# boarding rooms said without diacritics carry no sign at all (no baby's "trớ")
NO_SIGN = [
    "chu tro hoi phong tro co f0 thi khu khuan the nao",
    "khu tro co 8 f0 deu khoe chu tro hoi thu tuc",
    "day tro nha toi het cach ly chua",
]


@pytest.mark.parametrize("text", [t for ts in CALM.values() for t in ts])
def test_calm_kinds_stay_calm(text: str) -> None:
    assert _risk(text) not in _ESCALATE, text


@pytest.mark.parametrize("text", [t for ts in ESCALATE.values() for t in ts])
def test_escalating_twins_escalate(text: str) -> None:
    assert _risk(text) in _ESCALATE, text


@pytest.mark.parametrize("text", [t for ts in EMERGENCY.values() for t in ts])
def test_emergencies_escalate_at_the_top(text: str) -> None:
    assert _risk(text) == "emergency", text


@pytest.mark.parametrize("text", NO_SIGN)
def test_boarding_rooms_carry_no_sign(text: str) -> None:
    assert NLU.understand(text).symptoms == (), text
