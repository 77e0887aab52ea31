"""Decision-261 signs said indirectly, emergencies in everyday and central words, and relatives reporting what they
see (issue 12, session 8): each family of wordings, with calm look-alikes (a sign denied, past and over, a question
about it, a yes/no question, "là người nhà"). Written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.test_regional_negators import _ESCALATED as _ESCALATE
from tests.ivr.nlu.test_regional_negators import _risk

# --- 1. decision-261 signs 9 and 11 said indirectly: high ---------------------------------------------------------

@pytest.mark.parametrize("text", [
    # fluids or food not kept down
    "nước vào là nôn ra hết",
    "ăn vô là trả ra hết",
    "nuốt vô là mửa ra",
    "má tui đút cháo vô là ói ra",
    "hai ngày nay uống gì cũng trào ra",
    "ôn uống nước vô là ói ra",
    "mạ tui chừ uống nước cũng không vô",
])
def test_fluids_not_kept_down(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "cannot_eat_drink" in symptoms and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà nằm, cho ăn thì lắc đầu",
    "bà nằm, cháo không đụng tới",
    "ông nằm một chỗ, không đụng đũa",
    "bả mệt rạc, nằm một chỗ, cơm cháo không đụng tới",
    "mệ nằm suốt, không ăn được miếng nào",
])
def test_bed_bound_and_not_eating(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "cannot_eat_drink" in symptoms and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "khạc ra đờm đỏ",
    "ba tui ho ra đờm đỏ",
    "ho ra đờm màu đỏ",
    "đờm đỏ lòm từ sáng",
    "hắn ho khạc ra đàm có máu",
    "ho thấy có máu trong đờm",
    "má tui ho ra đàm có lẫn máu đỏ",
])
def test_blood_or_red_phlegm_brought_up(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "coughing_blood" in symptoms and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    # very little urine
    "cả ngày đi tiểu có một lần",
    "từ sáng tới chừ mạ chưa đi tiểu",
    "bé đi tiểu được chút xíu",
    "ông đái ít lắm",
    # cold clammy hands and feet
    "tay chân ướt lạnh",
    "bàn tay bàn chân lạnh buốt",
    "ổng tay chân lạnh như đá",
])
def test_little_urine_and_cold_clammy_limbs(text: str) -> None:
    risk, symptoms = _risk(text)
    # no urine at all is read as "không đi tiểu" (cannot_eat_drink), very little urine and cold limbs as a worry
    assert {"caller_concern", "cannot_eat_drink"} & set(symptoms) and risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "uống nước bình thường, không ói",
    "bà ăn uống được, không nôn",
    "đờm trắng, không có máu",
    "ho có đờm màu vàng",
    "ho ra đàm trắng, không có máu",
    "bà ăn uống được, uống nước vô bình thường",
    "hồi trước bà bị ho ra máu, giờ hết rồi",
    "mạ ăn được, tiểu bình thường",
    "bà vẫn ăn, không nằm một chỗ",
    "có máu trong đờm thì có sao không",
    # an injection is no urination, a dress no phlegm (the fuzzy pass never bends these words)
    "tôi chưa đi tiêm",
    "bà không đi tiêm",
    "cả nhà chưa đi tiêm mũi nào, giờ sốt nhẹ",
    "mẹ tôi mặc đầm đỏ đi chợ",
])
def test_indirect_look_alikes_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- 2. emergencies in everyday words, as a relative says them ----------------------------------------------------

@pytest.mark.parametrize("text", [
    # confusion, not knowing the family
    "ông nói toàn chuyện đâu đâu",
    "mẹ nói không ra đầu ra đũa",
    "ổng nói tầm bậy tầm bạ",
    "bả nói trớt quớt",
    "ba tui nói chuyện trên trời dưới đất",
    "bà không biết con là ai",
    "ông hỏi con là ai",
    "bà gọi nhầm tên con cháu",
    # not waking
    "gọi không thèm mở mắt",
    "mẹ tôi suốt ngày chỉ nằm ngủ, gọi không buồn trả lời",
    "ông nội tui ngủ suốt từ trưa, véo không biết đau",
    "má tui mắt cứ nhắm, lay hoài không mở",
    # collapse
    "bả đang ăn cơm tự nhiên lăn đùng ra",
    "ông ngã lăn quay ra sân",
])
def test_confusion_and_not_waking(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "người mềm như bún",
    "bả nằm xụi lơ",
    "mắt lộn tròng",
    "thằng cu mắt trắng dã",
    "mắt đứng tròng",
    "tay chân giật liên hồi",
    "thằng cu nhà tui giật tay chân",
    "bà bị kinh giật",
])
def test_limp_eyes_rolled_and_fits(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "môi đen lại",
    "môi ông sậm lại",
    "môi mạ tím sậm",
    "bà bị đầu ngón tay đen lại",
    "moi ong sam lai",
    # "tím" written "tiêm" by a recognizer, while "tiêm" (an injection) is never bent into "tiểu"
    "môi tiêm tái rồi",
])
def test_dark_lips_and_fingertips(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "cyanosis" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    # breath too short to talk
    "nói câu nào cũng phải dừng thở",
    "nói được vài chữ là thở dốc",
    "nói một câu phải nghỉ mấy lần để thở",
    "nói được mấy tiếng là hụt hơi",
    "hết hơi không nói được",
    "mệt quá nói không nổi",
    # sitting up or leaning forward to breathe
    "nằm xuống không được phải ngồi",
    "ngồi gục lên bàn mà thở",
    "ông phải chống tay mà thở",
])
def test_breath_too_short_to_talk_and_sitting_up(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "severe_breathlessness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "ông nói vài câu rồi thở dài",
    "ông nói vài câu rồi đi ngủ",
    "ông đọc báo, nói câu nào cũng rõ ràng",
    "ông nói chuyện bình thường, không hụt hơi",
    "mẹ tôi cứng đầu, nói không nổi",
    "bà cứ ngồi mà thở dài",
    "điện thoại không biết đang ở đâu",
    "gọi cho con mãi mà nó không mở máy",
    "gọi mãi không mở điện thoại",
    "làm ăn không ra đầu ra đũa",
    "bà không lẫn, vẫn nhận ra con cháu",
    "năm ngoái ông có lần ngất, giờ thì khỏe rồi",
    "nếu bà lơ mơ thì làm sao",
    "tôi là người nhà, hỏi về thuốc",
    "tui là người nhà bà, bà vẫn khỏe",
])
def test_everyday_look_alikes_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- 3. central speech, central/southern negators and question words ----------------------------------------------

@pytest.mark.parametrize("text", [
    "mạ tui kêu răng cũng không dậy",
    "mệ ngủ li bì từ bựa ni tới chừ",
    "hắn lơ mơ rồi, hỏi chi cũng không biết",
    "mạ ngó con mà không nhận ra",
    "ổng mệt rạc, lơ mơ",
    "o tui phải ngồi dậy mới thở được",
    "môi hắn thâm xì",
])
def test_central_speech_emergencies(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mạ tui mệt rạc người rồi",
    "hắn mệt rạc, nằm một chỗ không ăn được",
    "mạ ho ra máu bựa ni",
    "bả uống chi cũng ói",
    "tay chân mệ lạnh ngắt",
])
def test_central_speech_high_signs(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    # a yes/no question about a sign ("có ... không"), with central/southern endings and without diacritics
    "bà có khó thở không",
    "mạ có khó thở không hè",
    "bà có bị co giật không ạ",
    "môi ông có tím không vậy",
    "ba tui co ho ra mau khong",
    "ổng có ngủ li bì không ta",
    "bà có khó thở hay không",
    "ông có bị tím môi hay không vậy",
    "dạo này bà có hay bị khó thở không",
    "có ho ra máu không",
    # central question words and negators
    "môi tím thì răng?",
    "ho ra máu thì răng",
    "mạ không tím chi mô",
    "hắn không xỉu mô",
    "ổng có ngất đâu",
    "hắn vẫn tỉnh, không lơ mơ chi",
    "ổng có bị ngất xỉu gì đâu",
    "mạ có co giật chi mô",
    # a question ending that is no sign: "không vậy" is never "không vào" (cannot eat or drink)
    "bà khỏe không vậy",
    "bà có ăn không vậy",
])
def test_questions_and_regional_denials_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("bà có co giật không ngừng", "altered_consciousness"),
    ("mạ có khó thở, không nằm được", "severe_breathlessness"),
    ("bà có khó thở không, tui thấy bả thở dốc lắm", "shortness_of_breath"),
    ("bà có khó thở", "shortness_of_breath"),
    ("ông có khó thở không ngủ được", "shortness_of_breath"),
    ("bà khó thở hay không ăn được", "shortness_of_breath"),
    ("răng mà mạ thở dốc rứa", "shortness_of_breath"),
    ("răng môi mạ tím rứa hè", "cyanosis"),
    ("ổng có bị ngất xỉu gì đâu, mà giờ lơ mơ lắm", "altered_consciousness"),
])
def test_yes_no_question_twins_escalate(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk in _ESCALATE, (text, symptoms, risk)


# --- the same families typed without diacritics -------------------------------------------------------------------

@pytest.mark.parametrize("text, level", [
    ("ba toi noi chuyen dau dau", "emergency"),
    ("nguoi mem nhu bun", "emergency"),
    ("ba nam xui lo", "emergency"),
    ("mat lon trong", "emergency"),
    ("tay chan giat lien hoi", "emergency"),
    ("ba khong biet con la ai", "emergency"),
    ("noi duoc vai chu la tho doc", "emergency"),
    ("nam xuong khong duoc phai ngoi", "emergency"),
    ("goi khong them mo mat", "emergency"),
    ("moi den lai", "emergency"),
    ("ho ra dom do", "high"),
    ("chua di tieu tu sang", "high"),
    ("tay chan uot lanh", "high"),
    ("met rac nguoi", "high"),
    ("an vo la tra ra het", "high"),
    ("cho an thi lac dau", "high"),
])
def test_families_without_diacritics(text: str, level: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == level or (level == "high" and risk == "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "ba co kho tho khong",
    "ong co bi co giat khong",
    "moi ong co tim khong vay",
    "ba khoe khong vay",
    "toi chua di tiem",
])
def test_questions_without_diacritics_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)
