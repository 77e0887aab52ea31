"""Warning signs and false alarms by kind (issue 12, session 10: the s11 signs set, helper n13). Each test is a
family of phrasings with its guard (calm look-alikes that must not escalate); the sentences are written for the
families, not copied from any scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()
_ESCALATE = ("high", "emergency")


def _risk(text: str) -> tuple[str, tuple[str, ...]]:
    u = _NLU.understand(text)
    a = _TRIAGE.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    return a.risk, u.symptoms


def _calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- breath too short to finish a sentence: a stop in the sentence, a universal 'câu đâu/nào cũng'
@pytest.mark.parametrize("text", [
    "ông nói hai câu là phải ngừng",
    "mẹ kể chuyện được vài câu là phải dừng mấy lần",
    "bà nói mỗi câu phải ngưng mấy lần",
    "tía nói câu nào cũng đứt quãng",
    "mạ nói câu mô cũng hụt hơi",
    "ba nói chuyện vài lời là ngắt quãng",
    "em thở gấp quá, không nói hết câu được",
    "ông thở mệt, không nói nổi một câu",
])
def test_speech_cut_short_by_the_breath_is_severe(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "severe_breathlessness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà nói được cả trăm câu mà không phải ngừng",
    "ông kể chuyện cả tiếng không hụt hơi chút nào",
    "mẹ nói câu nào cũng rõ ràng",
    "nói vài câu rồi ông đi nghỉ",
    "tôi nói chuyện điện thoại lâu không thấy đứt hơi",
])
def test_speech_without_a_stop_for_breath_stays_calm(text: str) -> None:
    _calm(text)


# --- a child's chest drawn in on each breath, in body words
@pytest.mark.parametrize("text", [
    "con tôi thở mà ngực hõm vào",
    "cháu thở thấy hõm cả ngực",
    "thằng bé thở rút lõm sườn",
    "bé thở hõm sườn, hõm cổ",
    "con thở ngực thụt vào từng nhịp",
])
def test_chest_drawn_in_is_severe(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "severe_breathlessness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bé thở đều, ngực không hõm",
    "cháu thở bình thường, không bị hõm sườn",
    "ngực bé không bị thụt vào khi thở",
    "con bú tốt, thở êm",
    "bé ho nhẹ, ngực không lõm vào",
])
def test_a_chest_not_drawn_in_stays_calm(text: str) -> None:
    _calm(text)


# --- fits said of the limbs
@pytest.mark.parametrize("text", [
    "bé giật tay giật chân, mắt trợn",
    "ông tự nhiên giật cả người",
    "tay chân mẹ tôi co giật liên tục",
    "con nằm giật chân tay từng hồi",
    "bà bị tay chân co quắp lại",
])
def test_fits_of_the_limbs_are_an_emergency(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "hồi nhỏ cháu bị co giật do sốt, giờ không bị nữa",
    "tay chân không co giật gì cả",
    "tôi chỉ hơi tê tay chân",
    "bà không có giật tay giật chân gì đâu",
    "con ngủ ngon, không giật tay chân",
])
def test_no_fits_stays_calm(text: str) -> None:
    _calm(text)


# --- not knowing the caller
@pytest.mark.parametrize("text", [
    "bố nhìn tôi rồi hỏi tôi là ai",
    "mẹ tôi không nhận ra tôi nữa",
    "ông không biết vợ là ai",
    "bà nhìn cháu như người lạ",
    "ba không nhận ra mặt con",
])
def test_not_knowing_the_caller_is_an_emergency(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mẹ vẫn nhận ra tôi, nói chuyện bình thường",
    "tôi không biết bác sĩ trực là ai",
    "ông vẫn biết tôi là ai, chỉ hơi mệt",
    "không biết người gọi cho tôi hôm qua là ai",
    "bà nhận ra cả nhà, ăn được cháo",
])
def test_knowing_the_family_stays_calm(text: str) -> None:
    _calm(text)


# --- very little urine, said as a sequence
@pytest.mark.parametrize("text", [
    "mẹ đi tiểu chỉ được vài giọt",
    "bà tiểu nhỏ giọt cả ngày",
    "ông đái có tí xíu",
    "nước tiểu ra ít xịt từ sáng",
    "con tiểu được mấy giọt rồi thôi",
])
def test_very_little_urine_is_a_worry(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "caller_concern" in symptoms and risk == "high", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mẹ đi tiểu nhiều, bình thường",
    "bà tiểu không ít đâu",
    "bé đi tiểu bình thường, tã ướt đẫm",
    "tôi tiểu đêm nhiều lần",
    "ông đi tiểu được, không có gì lạ",
])
def test_enough_urine_stays_calm(text: str) -> None:
    _calm(text)


# --- 'oi' without diacritics after 'là/thì/cũng' is 'ói' (vomits), a vocative 'ơi' stays a filler
@pytest.mark.parametrize("text", [
    "me em uong nuoc vo la oi",
    "ba uong mieng nuoc thi oi ra",
    "be bu vo cung oi",
    "ong uong sua vo la oi het",
    "ba noi uong ngum nuoc thi oi ngum do",
])
def test_oi_after_a_drink_is_vomiting(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "cannot_eat_drink" in symptoms and risk == "high", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "ba oi con uong nuoc roi",
    "me oi uong thuoc chua",
    "chi oi cho em hoi uong thuoc gi",
    "con oi uong sua di",
    "troi oi uong nuoc nhieu qua",
])
def test_a_vocative_oi_stays_a_filler(text: str) -> None:
    _calm(text)


# --- a past sign with the past marker after it, said to be over
@pytest.mark.parametrize("text", [
    "ngực tức nhẹ hôm trước, giờ hết hẳn rồi",
    "ông khó thở tuần trước, giờ khỏi rồi",
    "ho ra máu tháng trước, nay đã khỏi",
    "bà lơ mơ đêm qua, sáng nay bình thường",
    "môi hơi tím hôm kia, giờ hồng lại rồi",
])
def test_a_sign_then_a_past_marker_then_over_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "khó thở từ hôm qua, giờ không hết",
    "tức ngực hôm qua, giờ vẫn còn",
    "ông khó thở từ tuần trước tới giờ, chưa hết",
    "bà lơ mơ từ đêm qua, giờ vẫn vậy",
    "khó thở hôm qua, giờ không hết",
])
def test_a_sign_since_then_or_still_there_escalates(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


# --- bed-bound for years is no new sign of exhaustion
@pytest.mark.parametrize("text", [
    "ông nằm liệt giường mấy năm nay rồi, ăn uống vẫn được",
    "bà liệt giường lâu rồi do tai biến",
    "mẹ nằm một chỗ từ lâu, nay vẫn ăn hết bát cháo",
    "ba tui nằm liệt mấy năm rồi, hổng có gì mới",
    "cụ nhà tôi vốn nằm một chỗ, hôm nay vẫn ăn được",
])
def test_bed_bound_for_years_is_no_new_sign(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "ông nằm liệt mấy năm nay, hôm nay bỏ ăn bỏ uống",
    "bà liệt giường lâu rồi, tự nhiên lơ mơ không biết gì",
    "mẹ vốn khỏe, mấy hôm nay nằm liệt không dậy nổi",
    "ba nằm một chỗ từ hôm qua, không ăn uống được",
    "ông nằm liệt giường lâu rồi, giờ thở không nổi",
])
def test_a_new_sign_in_a_bed_bound_patient_escalates(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


# --- phlegm brought up without 'ho'
@pytest.mark.parametrize("text", ["khạc đờm xanh", "sáng nào cũng khạc ra đờm", "ổng khạc đàm hoài"])
def test_phlegm_is_a_cough(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "cough" in symptoms and risk == "low", (text, symptoms, risk)


@pytest.mark.parametrize("text", ["khạc đờm có máu", "khạc ra đờm lẫn máu đỏ"])
def test_phlegm_with_blood_is_coughing_blood(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "coughing_blood" in symptoms and risk == "high", (text, symptoms, risk)


# --- someone outside the household, then a contrast word turning to the caller's home
@pytest.mark.parametrize("text", [
    "bà hàng xóm bị ngất nhưng nhà tôi không ai sao cả",
    "bạn tôi bị ho ra máu nhưng tôi thì không sao",
    "nhà bên có người co giật nhưng con tôi vẫn khỏe",
    "đồng nghiệp tôi khó thở phải nhập viện còn nhà tôi vẫn khỏe",
    "ông hàng xóm tím tái đi viện rồi nhưng cả nhà tôi vẫn ổn",
])
def test_an_outsiders_sign_then_a_turn_to_a_fine_home_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "bà hàng xóm bị ngất nhưng tôi phải làm sao",
    "hàng xóm khó thở mà mẹ tôi cũng khó thở",
    "bạn tôi ho ra máu nhưng giờ chồng tôi cũng ho ra máu",
    "nhà bên có người co giật, tôi chạy qua rồi, giúp với",
    "hàng xóm tôi xỉu nhưng tôi gọi giùm, xin xe gấp",
])
def test_an_outsider_the_caller_helps_or_a_sign_at_home_escalates(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


# --- asked whether to call for emergency help, not a call
@pytest.mark.parametrize("text", [
    "có cần gọi cấp cứu khi bị khó thở không ạ",
    "có nên đi cấp cứu chưa",
    "có cần cấp cứu không vậy",
    "có nên gọi một một năm không ạ",
    "sốt bao nhiêu độ thì có cần đi cấp cứu không",
])
def test_asking_whether_to_call_is_no_call(text: str) -> None:
    u = _NLU.understand(text)
    risk, symptoms = _risk(text)
    assert u.intent != "emergency" and risk not in _ESCALATE, (text, u.intent, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi cần gọi cấp cứu",
    "bà tôi như vậy có cần gọi cấp cứu không",
    "tôi có cần đi cấp cứu không",
    "có cần gọi cấp cứu, bà thở không nổi",
    "mẹ tôi tím tái rồi có cần gọi cấp cứu không",
])
def test_a_call_or_a_person_of_the_household_stays_an_emergency(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", ["chỉ kêu mỏi lưng", "lưng mỏi, hơi ho", "bà kêu nhức lưng"])
def test_a_back_ache_is_a_mild_ache(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "muscle_ache" in symptoms and risk == "low", (text, symptoms, risk)


# --- pink or frothy phlegm is blood in it; gasping for air; a stranger's look; food or drink brought back up
@pytest.mark.parametrize("text", [
    "bà ho ra đờm màu hồng có bọt",
    "ông khạc ra đàm hồng",
    "chồng tôi ho ra bọt hồng",
    "đờm của mẹ hồng hồng có bọt, đờm hồng có bọt",
    "ba ho ra đờm hồng từ sáng",
])
def test_pink_phlegm_is_coughing_blood(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "coughing_blood" in symptoms and risk == "high", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "ho có đờm trắng, không có máu",
    "đờm màu vàng xanh",
    "môi bé hồng hào, không ho",
    "bà ho ra đờm trong",
    "da dẻ hồng, ho ít đờm",
])
def test_plain_phlegm_or_pink_skin_is_no_blood(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "tôi thở không kịp, phải há miệng ra hớp không khí",
    "ông há miệng đớp không khí",
    "bé há mồm đớp từng hơi",
    "bà nằm hớp không khí như cá",
    "mẹ há miệng hớp hớp, nói không được",
])
def test_gasping_for_air_is_severe(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà tự nhiên nói chuyện không ra đầu ra đuôi",
    "ba nhìn con như người xa lạ",
    "ông nhìn ai cũng như người lạ",
    "mẹ nói không ra đầu ra đuôi từ sáng",
    "bà nhìn tôi như người xa lạ, không gọi được tên",
])
def test_confused_talk_and_a_strangers_look_are_an_emergency(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "mẹ tôi ăn được vài muỗng là ọe ra hết",
    "bà uống sữa vô là trào ngược ra hết",
    "ông uống nước vào là trào ra",
    "bé bú vô là ộc ra",
    "từ hôm qua mẹ tôi đi tiểu được có một chút",
])
def test_brought_back_up_or_scant_urine_escalates(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == "high", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "uống thuốc xong bị trào ngược dạ dày",
    "tôi uống nước nhiều, không ọe",
    "ăn uống bình thường, không nôn ọe gì",
    "bà đi tiểu một chút thì thấy rát",
    "nước mắt trào ra vì thương con",
])
def test_reflux_or_no_vomiting_stays_calm(text: str) -> None:
    _calm(text)


# --- a sign echoed back as a question, then denied
@pytest.mark.parametrize("text", [
    "đau ngực hả chị? không, tôi chỉ đau đầu nhẹ",
    "môi tím hả? không có, môi hồng",
    "khó thở hả bác sĩ? không, chỉ ho thôi",
    "co giật hả? hổng có",
    "ho ra máu hả chị? không ạ",
])
def test_an_echoed_sign_then_denied_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "đau ngực hả chị? có, đau lắm",
    "khó thở hả, không thở được luôn",
    "đau ngực hả chị",
    "đau ngực hả? không, khó thở thôi",
    "môi tím hả? dạ đúng rồi, tím lắm",
])
def test_an_echoed_sign_confirmed_or_not_denied_escalates(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


# --- a stain on the skin is no cyanosis; blue lips said of the body stay one
@pytest.mark.parametrize("text", [
    "ngón tay tôi dính mực tím thôi, không phải bị tím tái đâu",
    "tay bé dính mực tím",
    "móng tay mẹ sơn móng màu tím",
    "bát canh mồng tơi màu tím",
    "tay con dính thuốc tím bôi vết thương",
])
def test_a_stain_is_no_cyanosis(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text", [
    "môi tím tái, tay dính mực",
    "bé ăn nho tím nên môi tím",
    "môi mẹ tím, không phải do ăn nho",
    "ngón tay ông tím lại, không phải dính mực",
    "đầu ngón tay bà tím tái",
])
def test_blue_lips_or_fingertips_stay_an_emergency(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk == "emergency", (text, symptoms, risk)
