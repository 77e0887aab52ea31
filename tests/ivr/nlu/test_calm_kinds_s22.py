"""Calm look-alikes and two misses of retired held-out set 18, fixed by kind (issue 12, session 22, n57-s18-calm, with
tests/data/utterances_s22_calm.jsonl): a relayed alarm the caller checked or a sign that turned out otherwise; an
ambulance asked for later with everyone well; a broken device with the patient fine or only a little tired; a bump's
bruise on blood thinners; a dye's colour; a deaf person's sounds; a hard-of-hearing sleeper woken late and lucid; a
bedridden patient in a care question; a lost match; garden work that settled with rest; the chest wall's pain (low).
The misses: breathlessness only when lying flat (orthopnoea) is never calmed by a relief word, not even after "hễ".
Each kind has urgent twins (the alarm found true, a sign after the check, the device broken and the patient
breathless, bruises with a second sign, the deaf patient unrousable). Examples are new, not dev or held-out rows;
scored the way the flow does (``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # a relayed alarm checked, a sign that turned out otherwise
    "cô hàng xóm điện báo ông nhà tôi ngất ngoài vườn, tôi chạy ra coi thì ổng đang nằm võng ngủ, gọi cái là dậy liền",
    "thằng út nhắn bảo bà tím môi, tôi về coi thì bà mới ăn nho, súc miệng xong môi hồng hào",
    "tụi nhỏ la lên là ông thở dốc, tôi ra xem thì ông mới tưới rau xong, ngồi nghỉ chút là hết",
    "con bé nói không thở được, té ra nó đeo hai lớp khẩu trang, tháo bớt ra là thở bình thường",
    # logistics for later, a broken device
    "đường vô xóm bị sạt lở, cho tôi xin số cứu thương để sẵn phòng khi cần, giờ ai cũng khỏe",
    "máy tạo ô xy nhà tôi kêu bíp bíp báo lỗi, ông không cần thở ô xy nữa, tôi hỏi chỗ sửa",
    # a bruise, a dye, a deaf person, a hard-of-hearing sleeper, a care question
    "ba uống thuốc loãng máu, bắp tay có vết bầm tím do cấn vô thành ghế, có cần ngưng thuốc không",
    "móng tay mẹ tím là do mẹ nhuộm vải chàm, môi mẹ vẫn hồng",
    "thằng con tôi câm điếc, nó kêu ú ớ là gọi tôi thôi, nó vẫn chơi bình thường",
    "ông nặng tai nên gọi mấy lần mới dậy, dậy rồi nói chuyện tỉnh táo",
    "bà nằm liệt giường thì bao lâu phải trở mình một lần cho khỏi loét",
    # a lost match, garden work
    "thằng lớn xem đá banh hét quá, thở không nổi vì đội nhà thua, chứ nó có bệnh gì đâu",
    "ba em cuốc đất xong thở hồng hộc, ngồi nghỉ uống nước là thở đều ngay",
])
def test_a_calm_look_alike_is_calm(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


@pytest.mark.parametrize("text", [
    # the alarm found true, a sign after the check left unpassed
    "cô hàng xóm điện báo ông nhà tôi ngất, tôi chạy ra coi thì đúng là ổng nằm dưới đất, gọi không dậy",
    "thằng út nhắn bảo bà tím môi, tôi về coi thì môi bà tím thiệt, bà thở dốc",
    "tụi nhỏ la lên là ông thở dốc, tôi ra xem thì hóa ra ông lên cơn khó thở, nói không ra hơi",
    "con bé nói không thở được, hóa ra nó bị co giật, giờ vẫn chưa tỉnh",
    "ba khó thở, hóa ra bị viêm phổi, giờ nói chuyện được",
    # logistics with a sign now, a broken device and a breathless patient
    "đường vô xóm bị sạt lở, mà giờ ba tôi thở không nổi, môi tím, gọi xe cấp cứu giùm",
    "máy tạo ô xy hư tắt luôn, ông không có ô xy là thở không nổi, tím tái",
    # bruises with a second sign, lips blue on top of the dye, the deaf patient unrousable
    "ba uống thuốc loãng máu, người bầm tím nhiều chỗ, sáng nay nôn ra máu",
    "mẹ nhuộm vải chàm nên tay xanh, nhưng hôm nay môi mẹ tím tái",
    "thằng con tôi câm điếc, nó kêu ú ớ, lay không dậy",
    "ông nặng tai, mà nay gọi to lay mạnh cũng không dậy",
    "bà nằm liệt giường mấy hôm nay, giờ gọi không trả lời",
    "mẹ tôi trở mình còn không nổi, tôi hỏi cách chống loét",
    # the match, the garden work: the sign going on
    "xem đá banh xong tự nhiên đau thắt ngực, khó thở, vã mồ hôi",
    "ba em cuốc đất xong thở hồng hộc, nghỉ cả tiếng rồi mà vẫn thở dốc",
    # orthopnoea: never calmed by "thì đỡ"
    "chỉ khi nằm ngửa mẹ tôi mới khó thở, nằm nghiêng thì đỡ",
    "ba tôi hễ nằm xuống là thở hụt hơi, phải kê cao gối mới ngủ được",
    "nam thang ra la kho tho, ngoi day thi do",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.concern, u.sources)


def test_lying_on_the_back_in_pregnancy_stays_calm() -> None:
    assert not escalates("có bầu tháng tám nằm ngửa thì hơi khó thở, nghiêng qua trái là dễ thở ngay")


@pytest.mark.parametrize("text", [
    "ông té vô cạnh bàn hôm qua, giờ đau ngực mà ấn vô chỗ xương sườn mới đau",
    "ba tôi ngã xe hôm kia, giờ đau bên ngực, ấn vào mới đau, thở bình thường",
])
def test_the_chest_walls_pain_is_a_muscle_ache(text: str) -> None:
    u = NLU.understand(text)
    assert flow_risk(text) == "low" and "muscle_ache" in u.symptoms, (text, u.intent, u.symptoms, u.concern)


@pytest.mark.parametrize(("text", "calm"), [
    # session 22b (lead): a bump said as a likeness or denied is no cause (retired set 16 had it as an emergency
    # scored none after session 22's bump guard)
    ("móng tay ông tím bầm như bị kẹp cửa mà có kẹp gì đâu", False),
    ("chân bà bầm tím một mảng mà bà đâu có va vào đâu", False),
    ("ngón tay cái bầm tím do bị kẹp cửa hôm qua", True),
    ("chân bầm tím do va vào giường chứ đâu có gì", True),
])
def test_a_likened_or_denied_bump_is_no_cause(text: str, calm: bool) -> None:
    assert escalates(text) is not calm, text
