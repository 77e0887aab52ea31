"""Warning signs said by kind (issue 12, session 5): each family of ways to say a sign, its recognizer
slips, and the guards that keep denied, supposed and unrelated talk calm. The sentences are written
for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()


def _risk(text: str, expect: list[str] | None = None) -> tuple[str, tuple[str, ...], dict[str, float]]:
    u = _NLU.understand(text, expect=expect)
    a = _TRIAGE.assess(symptoms=u.symptoms, vitals=u.vitals, risk_factors=u.risk_factors, intent=u.intent)
    return a.risk, u.symptoms, dict(u.vitals)


@pytest.mark.parametrize("text, sign", [
    # confused speech
    ("ông nhà tôi cứ lẩm bẩm một mình từ trưa", "altered_consciousness"),
    ("mẹ tôi hỏi gì cũng trả lời linh tinh", "altered_consciousness"),
    ("bà nói chuyện không ra câu nữa", "altered_consciousness"),
    ("ông không nhận ra con cháu trong nhà", "altered_consciousness"),
    # wakes only briefly, or barely answers
    ("lay bố mãi mới mở mắt rồi lại nhắm", "altered_consciousness"),
    ("kêu bà thì bà chỉ rên", "altered_consciousness"),
    ("ba tui ngủ miết, kêu mới tỉnh rồi lại thiếp", "altered_consciousness"),
    # seizure and stroke signs
    ("con tôi người cứng đờ, mắt trợn trắng", "altered_consciousness"),
    ("ông bị động kinh, sùi bọt mép", "altered_consciousness"),
    ("bà tự nhiên méo mồm, yếu nửa người", "altered_consciousness"),
    ("bố tôi co giựt từng cơn", "altered_consciousness"),
    # blue or grey in other colour words
    ("đầu ngón tay bà bầm lại", "cyanosis"),
    ("môi của ông xám lại rồi", "cyanosis"),
    ("móng tay chuyển tím", "cyanosis"),
    # breath too short to speak, sitting up to breathe
    ("tôi nói không hết câu đã phải thở", "severe_breathlessness"),
    ("mẹ tôi phải ngồi dựa mới thở được", "severe_breathlessness"),
    ("nằm xuống thì ngộp nên bà thức ngồi cả đêm", "severe_breathlessness"),
    ("cháu thở bằng bụng, lõm ngực", "severe_breathlessness"),
])
def test_emergency_families(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("thằng bé lười bú, bú ít hẳn", "cannot_eat_drink"),
    ("ông chỉ uống được vài ngụm nước", "cannot_eat_drink"),
    ("bà ăn được vài thìa cháo là thôi", "cannot_eat_drink"),
    ("tôi ho có máu từ sáng", "coughing_blood"),
])
def test_high_families(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "cần người tới gấp, bố tôi nằm im",
    "làm ơn cứu, mẹ tôi nằm một chỗ",
    "cho xe tới ngay giùm tôi",
])
def test_asking_for_someone_now_is_an_emergency(text: str) -> None:
    assert _NLU.understand(text).intent == "emergency"


@pytest.mark.parametrize("text", [
    "khi nào thì phải gọi cấp cứu",
    "nếu môi tím thì làm sao",
    "lỡ như khó thở thì gọi ai",
    "nếu mẹ tôi lơ mơ thì có phải đưa đi viện gấp không",
])
def test_questions_and_suppositions_do_not_escalate(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "cứu tôi với, nếu không con tôi chết mất",
    "mẹ tôi khó thở lắm, nếu không đỡ thì sao",
])
def test_a_supposition_later_does_not_hide_a_real_sign(text: str) -> None:
    risk, _, _ = _risk(text)
    assert risk == "emergency"


@pytest.mark.parametrize("text", [
    "không lẩm bẩm gì, vẫn tỉnh táo",
    "môi không bầm, móng tay vẫn hồng",
    "tối qua ngủ suốt đêm, sáng dậy khỏe",
    "họ nhiều người quá, đông lắm",
    "uống thuốc xong thì ngủ lại được",
])
def test_denied_and_everyday_talk_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text, vitals", [
    ("ô xy chín mưới ba", {"spo2": 93}),
    ("spo2 chín mươi lâm", {"spo2": 95}),
    ("sốt ba mươi chính độ", {"temperature": 39}),
    ("nhiệt độ ba tám độ rưởi", {"temperature": 38.5}),
    ("mười tám lần một phút", {"breathing_rate": 18}),
    ("toi kho tho, hit khong duoc sau", {}),
    ("con đo cho bà được tám mươi chín", {"spo2": 89}),
    # session 19 (n42-set11-miss): a normal unnamed reading is the oximeter's too (vitals.yaml unnamed_spo2_max)
    ("máy đo ghi chín mươi chín", {"spo2": 99}),
])
def test_number_slips_and_unnamed_readings(text: str, vitals: dict[str, float]) -> None:
    expect = ["breathing_rate"] if text.startswith("mười tám") else None
    assert _risk(text, expect)[2] == vitals


@pytest.mark.parametrize("text, sign", [
    ("tôi bị sôt từ hôm qua", "fever"),
    ("tôi mêt quá", "fatigue"),
    ("họ khan suốt đêm", "cough"),
    ("tôi bị đâu ngực", "chest_pain"),
    ("nhứt cơ khắp người", "muscle_ache"),
    ("nhức trốc từ sáng", "headache"),
    ("người nóng lạnh từ tối", "fever"),
])
def test_recognizer_and_regional_slips(text: str, sign: str) -> None:
    assert sign in _risk(text)[1]


@pytest.mark.parametrize("text, sign", [
    ("bà tôi nói được dăm chữ là phải ngừng để thở", "severe_breathlessness"),
    ("ông cứ hớp hơi từng chút", "severe_breathlessness"),
    ("bố tôi té xỉu trong nhà tắm", "altered_consciousness"),
    ("mẹ ngã vật ra giữa nhà", "altered_consciousness"),
    ("tôi đứng lên không nổi, không còn chút sức", "exhaustion"),
    ("vợ tôi đi cầu ra máu", "caller_concern"),
    ("tôi bị tiu chảy", "diarrhea"),
    ("bị tứcngực", "chest_pain"),
])
def test_more_families_and_merged_words(text: str, sign: str) -> None:
    assert sign in _risk(text)[1]


def test_cap_cuu_misheard_is_still_a_call_for_help() -> None:
    assert _NLU.understand("cấp cưu, ông tôi xỉu rồi").intent == "emergency"
    assert _NLU.understand("cập cứu").intent == "emergency"


@pytest.mark.parametrize("text", [
    "tuần trước có tức ngực, nay hết rồi",
    "hồi đầu bị khó thở, giờ bình thường",
    "tím môi là dấu hiệu gì hả bác sĩ",
    "nghe nói ngất xỉu là phải đi cấp cứu",
    "khi nào thì khó thở là phải gọi",
])
def test_past_and_over_asked_about_or_hearsay_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "hôm qua khó thở, nay vẫn còn",
    "tuần trước khó thở, nay lại khó thở hơn",
    "mẹ tôi môi tím là sao vậy",
    "hôm qua tôi ngất, giờ tỉnh lại bình thường",
])
def test_a_sign_still_there_or_seen_on_the_patient_escalates(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in ("high", "emergency"), (text, symptoms, risk)


def test_a_blood_pressure_reading_is_no_other_vital() -> None:
    assert _risk("mạch tám mươi, huyết áp một trăm hai mươi trên tám mươi")[2] == {
        "pulse": 80, "systolic_bp": 120, "diastolic_bp": 80}
    assert _risk("hôm nay đo một trăm bốn mươi trên chín mươi")[2] == {}
    risk, symptoms, _ = _risk("áp huyết của bà còn tám mươi trên năm mươi")
    assert "low_blood_pressure" in symptoms and risk == "high"


@pytest.mark.parametrize("text", ["máy kẹp báo đỏ hoài", "chỉ số thấp lắm em ơi"])
def test_an_oximeter_alarm_without_a_number_is_low_spo2(text: str) -> None:
    assert "low_spo2" in _risk(text)[1]


@pytest.mark.parametrize("text, value", [("spo2 tám mấy", 85), ("ô xy bảy mươi mấy thôi", 75)])
def test_some_tens_read_as_their_middle(text: str, value: float) -> None:
    assert _risk(text)[2] == {"spo2": value}


def test_ninety_something_is_left_unread() -> None:
    assert _risk("spo2 chín mấy")[2] == {}


@pytest.mark.parametrize("text", [
    "bà cứ thở khác khác",
    "môi ông nhìn lạ",
    "con bé bú chậm chậm sao đó",
])
def test_half_understood_worry_raises_the_concern_flag(text: str) -> None:
    u = _NLU.understand(text)
    assert u.concern, text


@pytest.mark.parametrize("text", [
    "nhịp thở mười tám",
    "tôi thở được, môi hồng",
    "không ngất, không tím",
    "ket qua duong tinh",
    "thở thế nào cho đúng hả bác sĩ",
    "khi nào thì phải gọi cấp cứu",
])
def test_calm_or_asking_talk_raises_no_concern(text: str) -> None:
    assert not _NLU.understand(text).concern, text


@pytest.mark.parametrize("text, sign", [
    ("bà tôi đêm qua có lúc ngừng thở", "severe_breathlessness"),
    ("ông thở thều thào", "severe_breathlessness"),
    ("thằng nhỏ sốt cao rồi lên kinh phong", "altered_consciousness"),
    ("lay hoài mà ông không động đậy", "altered_consciousness"),
    ("môi ổng xanh mét", "cyanosis"),
])
def test_pauses_weak_breath_stillness_and_regional_colours(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk == "emergency", (text, symptoms, risk)


def test_stopping_the_oxygen_is_no_pause_in_breathing() -> None:
    assert "severe_breathlessness" not in _risk("bác sĩ cho ngưng thở oxy rồi")[1]


@pytest.mark.parametrize("text, sign", [
    ("má tui thở hết nổi rồi", "severe_breathlessness"),
    ("ông đứng hết nổi, nằm luôn", "exhaustion"),
    ("mẹ không đi được nữa rồi", "exhaustion"),
])
def test_no_longer_able(text: str, sign: str) -> None:
    assert sign in _risk(text)[1]


def test_a_value_taken_back_keeps_its_cue() -> None:
    assert _risk("spo2 hăm… à không, chín mươi lăm")[2] == {"spo2": 95}


@pytest.mark.parametrize("text, sign", [
    ("bà ăn muỗng nào là ói ra muỗng đó", "cannot_eat_drink"),
    ("con uốn sữa vào là trớ", "cannot_eat_drink"),
    ("ông giơ tay lên cũng không nổi", "exhaustion"),
    ("mẹ tôi trở mình còn không nổi", "exhaustion"),
])
def test_food_straight_back_and_no_strength_for_everyday_efforts(text: str, sign: str) -> None:
    assert sign in _risk(text)[1]


@pytest.mark.parametrize("text", ["ăn gì cũng được, không nôn", "tôi đi chợ không nổi vì mưa"])
def test_eating_well_and_errands_stay_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


# --- session 6 (the s8 holdout half retired to dev), by kind. Own wordings, not the scored rows.

@pytest.mark.parametrize("text", [
    "cho xin hỏi cách ly mấy ngày",
    "làm sao xin giấy khỏi bệnh",
    "tôi muốn xin thuốc",
    "cho xin số bác sĩ",
    "bà nội xin nước uống",
])
def test_a_rewrite_never_reaches_inside_a_word(text: str) -> None:
    """"ô xi" is oxygen only as whole words: "cho xin" is no "ch oxy n"."""
    from ivr.nlu.normalize import tokenize
    assert "oxy" not in tokenize(text), tokenize(text)


@pytest.mark.parametrize("text, value", [
    ("đo ô xi được chín tám", 98), ("ôxy 97", 97), ("o xy chín sáu", 96), ("ô-xi chín lăm", 95), ("oxi 97", 97),
])
def test_oxygen_said_as_whole_words_is_still_spo2(text: str, value: float) -> None:
    assert _NLU.understand(text).vitals.get("spo2") == value


@pytest.mark.parametrize("text", [
    "gọi giùm xe một một lăm",
    "cho tôi xe một một lăm ngay",
    "mot mot lam gap",
    "nhà tôi cần một một lăm",
    "gọi một một năm giúp tôi",
])
def test_115_said_with_lam_is_a_call_for_help(text: str) -> None:
    assert _NLU.understand(text).intent == "emergency", text


@pytest.mark.parametrize("text", [
    # a wake call with a slip of its vowel marks, or "dậy" heard as "dạy"/"giậy"
    "lây mãi mà không dậy",
    "kếu mãi không tỉnh",
    "gội hoài không dạy",
    "lay mấy lần bà chẳng giậy",
    "lác mãi không tỉnh",
    # the patient called by name does not answer
    "bà ơi bà ơi, bà không trả lời con",
    "mẹ ơi, mẹ không mở mắt ra",
    "ông ơi ông, ông chẳng thưa gì cả",
    "bố ơi bố, bố vẫn không tỉnh",
    "ba ơi, ba không nhúc nhích luôn",
])
def test_no_answer_with_a_slip_or_to_a_call_by_name(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "sợ lây nên không dám nói với ai",
    "hồi sáng bà không dậy sớm như mọi khi, giờ ăn sáng được rồi",
    "bà ơi, tổng đài không trả lời",
    "mẹ ơi, con không trả lời được câu này",
    "mẹ ơi mẹ không sao chứ, mẹ vẫn trả lời tỉnh táo",
    "cô giáo không dạy online nữa",
])
def test_calm_talk_with_a_call_or_a_slip_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "y tá dặn thấy môi tím thì gọi một một lăm",
    "bác sĩ hướng dẫn khó thở thì gọi xe cấp cứu",
    "chị tôi dặn là lơ mơ thì đi viện gấp",
    "trạm y tế dặn dò sốt cao co giật thì gọi 115",
    "người ta hướng dẫn là spo2 dưới chín tư thì gọi cấp cứu",
])
def test_advice_on_when_to_call_115_is_no_request(text: str) -> None:
    assert _NLU.understand(text).intent != "emergency", text


@pytest.mark.parametrize("text", [
    "bác sĩ dặn gọi cấp cứu ngay",
    "làm theo hướng dẫn mà vẫn khó thở, gọi cấp cứu giùm",
    "y tá dặn rồi nhưng giờ bà tím tái, cứu với",
    "hướng dẫn xong mà ông vẫn lơ mơ, gọi 115 đi",
    "cho xe cấp cứu tới ngay",
])
def test_a_request_after_advice_is_still_a_request(text: str) -> None:
    assert _NLU.understand(text).intent == "emergency", text


@pytest.mark.parametrize("text", [
    # confusion by reduplication, recognition that comes and goes
    "dạo này ông ngoại lẫn lẫn, hỏi con là ai",
    "mẹ tôi lúc nhớ lúc quên, gọi nhầm tên con",
    "bà lúc nhận ra người lúc không",
    "ba tui khi tỉnh khi lẫn từ tối qua",
    "cụ lúc biết lúc không, cứ đòi đi đâu",
    # speech suddenly garbled (a stroke sign)
    "chồng tôi tự nhiên nói líu lưỡi",
    "ông nói lắp ba lắp bắp từ lúc ngủ dậy",
    "bà nói gì không ai hiểu, miệng hơi lệch",
    "bố nói lè nhè như say mà không uống rượu",
    "mẹ nói không rõ lời từ chiều",
])
def test_confusion_and_garbled_speech_in_everyday_words(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "con tôi nói ngọng từ nhỏ, giờ chỉ bị sổ mũi",
    "bà vốn lẫn lẫn mấy năm nay rồi, hôm qua hơi ho",
    "ông nói lắp bẩm sinh, không sốt gì",
    "bố tôi nói líu lưỡi từ hồi trẻ, xưa nay vẫn vậy",
    "bà lẫn lẫn lâu rồi, nay chỉ hơi sổ mũi",
])
def test_speech_or_confusion_had_all_along_is_no_new_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà lẫn lẫn mấy năm nay, hôm nay tự nhiên không nhận ra ai",
    "mấy năm nay ông lẫn lẫn, sáng nay lại lơ mơ gọi không dậy",
    "ba tôi vốn nói lắp, sáng nay tự nhiên nói líu lưỡi",
    "mẹ lẫn lâu rồi nhưng dạo này lúc nhận ra lúc không",
    "bà nói ngọng từ lâu, nay bỗng nói không ai hiểu",
])
def test_a_change_in_a_longstanding_state_still_escalates(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi thở không đẫy, hít mãi không đủ",
    "mẹ hít vào không đẫy hơi",
    "ông bảo thở không đủ hơi",
    "em thấy thiếu hơi, hít sâu cũng không đủ",
    "hít không đầy phổi, nói vài câu là mệt",
    "bà thở không hết hơi từ sáng",
])
def test_a_breath_that_is_not_full(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "shortness_of_breath" in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi không thiếu hơi, chỉ hơi ho",
    "hít thở sâu không thấy thiếu hơi",
    "không khó thở, hít sâu vẫn đủ hơi",
    "bác sĩ dặn tập hít thật sâu mỗi sáng",
    "thở đẫy hơi rồi, đỡ nhiều",
])
def test_enough_breath_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà đi vệ sinh cũng phải có người dìu",
    "ông yếu lắm, phải đỡ mới ngồi được",
    "mẹ tôi có người đỡ mới đi được vài bước",
    "bố phải bế đi vệ sinh từ hôm qua",
    "bà đứng lên phải có người đỡ",
])
def test_needing_someone_to_hold_them_up(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "exhaustion" in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi dìu bà đi dạo cho khỏe",
    "chiều nay con đỡ mẹ ra vườn hóng mát, mẹ vẫn đi lại được",
    "bà tự đi vệ sinh được, không cần ai đỡ",
    "ông khỏe, không phải dìu",
    "mẹ đi lại bình thường, chỉ ho nhẹ",
])
def test_walking_with_company_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "exhaustion" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "làm sao biết người già bị lơ mơ",
    "thế nào là khó thở vậy bác sĩ",
    "làm thế nào để biết con bị tím tái",
    "cách nhận biết trẻ bị co giật",
    "làm sao phân biệt mệt bình thường với kiệt sức",
])
def test_how_to_tell_a_sign_is_a_question(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "làm sao biết được, bà cứ lơ mơ suốt",
    "không biết làm sao, mẹ tôi tím tái rồi",
    "tôi không phân biệt được, ông thở khó lắm",
    "thế nào cũng được, gọi giùm, bố tôi co giật",
    "nhận biết sao nổi, con cứ li bì",
])
def test_a_sign_reported_next_to_a_how_question_escalates(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "hàng xóm nhà tôi bị khó thở, nhà tôi thì không ai bị gì",
    "đồng nghiệp tôi sốt cao co giật phải đi viện, cả nhà tôi vẫn khỏe",
    "nhà bên cạnh có người tím tái, nhà mình không sao",
    "bạn cùng phòng bị khó thở, tôi không bị gì",
    "người cùng xóm lơ mơ phải chở đi, nhà tôi vẫn ổn",
])
def test_a_bystanders_sign_with_the_household_fine_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà hàng xóm sống một mình bị khó thở lắm, không ai ở nhà",
    "ông hàng xóm khó thở, hôm qua còn bình thường",
    "hàng xóm bị khó thở, còn mẹ tôi cũng tím tái",
    "bà hàng xóm gọi không dậy, tôi gọi giúp",
    "cô đồng nghiệp thở không nổi, nhờ tôi gọi tổng đài",
])
def test_a_call_for_a_neighbour_escalates(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("mẹ tôi khó thửa từ sáng", "shortness_of_breath"),
    ("ông khó thưở quá", "severe_breathlessness"),
    ("nằm xuống là ngộp thửa", "severe_breathlessness"),
    ("bà cứ lơ mưa cả ngày", "altered_consciousness"),
    ("tôi tức thửa khi leo cầu thang", "shortness_of_breath"),
])
def test_a_recognizer_vowel_slip_in_the_last_word(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bác sĩ đưa ra lời khuyên rồi",
    "con đi chợ về thì trời mưa",
    "ông thích ăn dưa hấu",
    "bà muốn mua thêm máy đo",
    "tôi đưa người nhà đi xét nghiệm, ai cũng khỏe",
])
def test_words_with_those_vowels_stay_what_they_are(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert not symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "thằng bé sốt cao ba ngày, hai mắt đỏ, môi nứt nẻ",
    "bé con sốt, lưỡi đỏ như dâu, nổi ban khắp người",
    "con nhỏ nhà tôi sốt, mắt đỏ hoe, tay chân sưng",
    "cháu bé sốt, nổi mẩn đỏ, bong da đầu ngón",
    "em bé sốt mấy hôm, môi đỏ au, nổi hạch cổ",
])
def test_signs_of_inflammation_in_a_child_with_fever(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "caller_concern" in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bé sốt nhẹ, nổi ban",
    "bé sốt, không đỏ mắt, không nổi ban",
    "tôi sốt, mắt đỏ, môi nứt nẻ",
    "bé mắt đỏ, nổi ban, không sốt",
    "thằng bé sốt, mắt hơi đỏ vì dụi",
])
def test_one_sign_an_adult_or_no_fever_stays_as_it_is(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "caller_concern" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "ha mẹ đo được tám chục trên năm chục",
    "HA 80/50",
    "ha của ông bảy mươi lăm trên bốn mươi",
    "ha bà đo lại vẫn tám lăm trên năm lăm",
    "ha ba tôi 85/50",
])
def test_ha_before_a_low_blood_pressure_reading(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "low_blood_pressure" in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text, intent", [
    ("hả", "repeat"),
    ("ha? nói lại đi", "repeat"),
    ("ha, con ở trên lầu", None),
    ("ha bà nằm trên giường", None),
    ("ha tôi 120/80", None),
])
def test_ha_elsewhere_is_no_low_blood_pressure(text: str, intent: str | None) -> None:
    u = _NLU.understand(text)
    risk, symptoms, _ = _risk(text)
    assert "low_blood_pressure" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)
    assert intent is None or u.intent == intent, (text, u.intent)


@pytest.mark.parametrize("text", [
    "bà đau bụng từng cơn, nôn mấy lần, bụng chướng căng",
    "con đau bụng, ói hết, bụng cứng",
    "ông lên cơn đau bụng, buồn nôn, bụng phình to",
    "mẹ bụng đau, nôn ra nước, trướng bụng",
    "chồng tôi đau quặn bụng, mửa, bụng căng cứng",
])
def test_an_acute_belly(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "caller_concern" in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "đau bụng, buồn nôn",
    "bụng chướng, đầy hơi",
    "đau bụng đi ngoài, nôn hai lần",
    "đau bụng, nôn, không chướng bụng",
    "ăn xong hơi chướng bụng, không đau",
])
def test_a_belly_ache_or_bloating_alone_stays_as_it_is(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "caller_concern" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "lay vai mấy lần liền mà ông ấy chẳng mở mắt",
    "kêu bà mấy lần rồi mà bà vẫn không trả lời",
    "gọi mãi không dậy",
    "vo toi keu may cung khong day",
    "đánh thức từ nãy tới giờ mà nó không tỉnh",
])
def test_no_answer_after_a_longer_call(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "gọi điện cho con mà nó không trả lời",
    "gọi tổng đài không trả lời",
    "tôi gọi số trạm y tế mãi không ai trả lời",
    "gọi zalo cho bác sĩ mà bác sĩ không trả lời",
    "kêu cấp cứu mà đường dây không trả lời",
])
def test_a_phone_call_nobody_answered_is_no_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" not in symptoms, (text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("hai hôm nay bà chẳng nuốt nổi thứ gì", "cannot_eat_drink"),
    ("ông chả ăn uống được gì", "cannot_eat_drink"),
    ("mẹ chẳng đứng dậy nổi", "exhaustion"),
    ("bố chẳng thở nổi", "severe_breathlessness"),
    ("con chả uống được nước", "cannot_eat_drink"),
])
def test_an_inability_said_with_another_negator(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "chẳng khó thở gì",
    "tôi chả sốt chả ho",
    "bà ăn chả giò được",
    "ông chẳng sao cả, ăn uống được",
    "chẳng có triệu chứng gì",
])
def test_other_negators_still_deny(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("bố tôi đau tứt ngựt từ sáng", "chest_pain"),
    ("tôi thấy tứt thở khi đi lại", "shortness_of_breath"),
    ("mẹ đau tứt ngựt bên trái", "chest_pain"),
    ("bà bị tứt thở", "shortness_of_breath"),
    ("ông kêu đau tức ngựt", "chest_pain"),
])
def test_consonant_slips_in_two_words_or_in_a_known_slip_word(text: str, sign: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert sign in symptoms and risk in ("high", "emergency"), (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "người tôi ớn lạnh rồi sốt",
    "tôi lạnh rồi, đắp thêm chăn",
    "trời lạnh quá, bà hơi ho",
    "tứt là con gái tôi, nó khỏe",
    "tôi thấy lạnh người rồi hết",
])
def test_a_consonant_slip_needs_the_same_length_and_tone(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert "altered_consciousness" not in symptoms and risk not in ("high", "emergency"), (text, symptoms, risk)
