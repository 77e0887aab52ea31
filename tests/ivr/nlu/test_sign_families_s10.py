"""Warning signs and false alarms by kind (issue 12, session 12: the s13 emergencies set, helper n16): emergencies
that came out as nothing because their words were a filler, an inability said in the other order or with "còn", a
likeness, a mumble, every sentence cut short, the family misnamed or looked at as strangers, a stare, a baby off the
breast, a chest drawn in said "hóp". Each test is a family of phrasings with its guard (calm look-alikes that must not
escalate, or escalating twins); the sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from ivr.nlu.normalize import content_tokens, tokenize

from .test_sign_families_s8 import _ESCALATE, _NLU, _calm, _risk  # the same rules-only helpers


def _escalates(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk in _ESCALATE, (text, symptoms, risk)


def _emergency(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk == "emergency", (text, symptoms, risk)


# --- a filler that is the answer a call did not get: after a negator and a word of will ('chẳng buồn thưa'), or a
# mumble that is one word with its filler ('ú ớ')
@pytest.mark.parametrize("text", [
    "ông tôi gọi chẳng buồn thưa",
    "kêu mấy lần bà cũng không thèm dạ",
    "lay vai mà mẹ không buồn thưa",
    "hỏi gì bố cũng chỉ ú ớ",
    "bà nằm ú ớ trong miệng, không rõ tiếng",
    "gọi to thì ông chỉ ừ ừ trong cổ rồi nằm im",
])
def test_no_answer_said_with_a_filler_word_is_an_emergency(text: str) -> None:
    _emergency(text, "altered_consciousness")


@pytest.mark.parametrize("text", [
    "dạ thưa bác sĩ, mẹ tôi khỏe",
    "tôi buồn à, ở nhà cách ly lâu quá",
    "bé ú quá, bú ngoan lắm",
    "ông ơi, ông ăn cơm chưa ạ, dạ ông ăn rồi",
    "ơ, à, tôi gọi hỏi lịch tiêm thôi",
])
def test_politeness_and_hesitation_fillers_stay_calm(text: str) -> None:
    _calm(text)


def test_the_kept_fillers_are_words_only_where_they_answer() -> None:
    assert content_tokens(tokenize("gọi chẳng buồn thưa")) == ("gọi", "chẳng", "buồn", "thưa")
    assert content_tokens(tokenize("dạ thưa bác sĩ")) == ("bác", "sĩ")
    assert content_tokens(tokenize("bà ú ớ")) == ("bà", "ú", "ớ")
    assert content_tokens(tokenize("ớ, tôi hỏi chút")) == ("tôi", "hỏi", "chút")


# --- an inability said with "còn"/"thể"/"hề" after its negator, or in the other word order
@pytest.mark.parametrize("text, sign", [
    ("ông tôi chẳng còn nhận ra ai nữa", "altered_consciousness"),
    ("mẹ không còn biết gì nữa rồi", "altered_consciousness"),
    ("bà không thể nằm xuống được, cứ phải ngồi", "severe_breathlessness"),
    ("ba tui không hề ăn uống gì từ hôm qua", "cannot_eat_drink"),
    ("anh ấy không thở ra hơi", "severe_breathlessness"),
    ("con bé không nuốt vô, đút gì cũng nhè", "cannot_eat_drink"),
    ("ông đứng không dậy nổi", "exhaustion"),
])
def test_an_inability_said_another_way_escalates(text: str, sign: str) -> None:
    _escalates(text, sign)


@pytest.mark.parametrize("text", [
    "bé không còn bú đêm nữa, ngủ ngon",
    "mẹ tôi không còn khó thở nữa",
    "tôi không còn ho, không còn sốt",
    "ông không còn vào viện nữa, ở nhà theo dõi",
    "không còn ai trong nhà bị sốt",
])
def test_no_longer_said_of_a_symptom_or_a_habit_stays_calm(text: str) -> None:
    _calm(text)


# --- breath too short for speech: "nói chuyện" for "nói", every sentence cut short without the speech word
@pytest.mark.parametrize("text", [
    "chồng tôi nói chuyện không ra hơi",
    "bà nói chuyện đứt quãng, thở dốc",
    "câu nào cũng đứt quãng",
    "ông nói với tôi mà câu nào cũng hụt hơi",
    "mỗi câu phải dừng lại lấy hơi",
    "mạ tui câu mô cũng đứt hơi",
])
def test_speech_cut_short_said_another_way_is_severe(text: str) -> None:
    _emergency(text, "severe_breathlessness")


@pytest.mark.parametrize("text", [
    "mỗi câu bà nói đều rõ ràng",
    "câu nào ông nói cũng nghe rõ",
    "nói chuyện bình thường, không hụt hơi",
    "từng câu từng chữ bác sĩ dặn tôi nhớ hết",
    "câu nào cũng hỏi về thuốc",
])
def test_whole_sentences_stay_calm(text: str) -> None:
    _calm(text)


# --- the breath likened to a dying one, or drawn in ('hóp', 'lõm') on each breath
@pytest.mark.parametrize("text", [
    "ông tôi thở kéo như ống bễ",
    "con thở như cá mắc cạn",
    "mẹ há miệng như cá lên bờ",
    "bà thở như người sắp chết",
    "thằng bé thở mà bụng hóp vào sâu",
    "mỗi lần thở là ngực lõm xuống",
    "bé thở hóp sườn",
])
def test_a_breath_likened_to_dying_or_drawn_in_is_severe(text: str) -> None:
    _emergency(text, "severe_breathlessness")


@pytest.mark.parametrize("text", [
    "mẹ thở như bình thường",
    "bé thở đều, bụng không hóp",
    "thở không lõm ngực, chỉ sổ mũi",
    "con gầy quá, bụng hóp lại",
    "ông ăn như mèo, còn thở thì êm",
])
def test_a_calm_breath_or_a_thin_belly_stays_calm(text: str) -> None:
    _calm(text)


# --- propped on pillows, the neck stretched back, one short breath at a time
@pytest.mark.parametrize("text", [
    "ổng phải ngồi dậy dựa gối",
    "bà phải chồng gối mới thở",
    "ông cứ ngửa cổ ra mà hớp",
    "mẹ rướn cổ lên thở",
    "ba thở ngắn từng hơi một",
    "ba tui thở cứ ngáp ngáp",
])
def test_propped_up_or_gasping_is_severe(text: str) -> None:
    _emergency(text, "severe_breathlessness")


@pytest.mark.parametrize("text", [
    "tôi kê gối cho bà ngủ ngon",
    "mẹ ngồi dựa gối xem ti vi, thở êm",
    "ông ngửa cổ nhỏ thuốc mắt",
    "con ngáp ngủ suốt buổi chiều",
    "ba ngồi dựa lưng vào tường đọc báo",
])
def test_pillows_and_necks_of_everyday_life_stay_calm(text: str) -> None:
    _calm(text)


# --- confusion: the sentence just said forgotten, the family misnamed or looked at as strangers, a stare
@pytest.mark.parametrize("text", [
    "mẹ tôi nói câu trước quên câu sau",
    "ông gọi tên tôi thành tên bố tôi",
    "bà gọi tên lộn tùm lum",
    "ba nhìn con cháu mà như nhìn người lạ",
    "con tôi mắt nhìn trân trân một chỗ",
    "gọi mà thằng bé không chớp mắt",
    "ông nhận nhầm người, tưởng tôi là em ông",
])
def test_new_confusion_in_everyday_words_is_an_emergency(text: str) -> None:
    _emergency(text, "altered_consciousness")


@pytest.mark.parametrize("text", [
    "tôi gọi nhầm số, xin lỗi",
    "bà gọi đúng tên từng đứa cháu",
    "mẹ tôi hay quên chìa khóa từ xưa nay, ho chút chút",
    "con nhìn ti vi chăm chú, vẫn ăn ngoan",
    "ông thức cả đêm không chợp mắt vì ho",
])
def test_everyday_forgetting_and_looking_stays_calm(text: str) -> None:
    _calm(text)


# --- a baby off the breast or the bottle ('ti', 'vú', 'bình')
@pytest.mark.parametrize("text", [
    "cháu nó không chịu ngậm ti mẹ từ sáng",
    "bé nhả ti ra, khóc hoài",
    "con không chịu bú bình cả ngày",
    "em bé bỏ ti từ tối qua",
    "thằng cu chẳng chịu bú mẹ",
])
def test_a_baby_off_the_breast_is_sign_9(text: str) -> None:
    _escalates(text, "cannot_eat_drink")


@pytest.mark.parametrize("text", [
    "bé bú mẹ ngoan, ngủ tốt",
    "con vẫn ngậm ti ngủ ngon",
    "cháu bú bình hết sữa",
    "bé cai ti được một tháng rồi, ăn cháo ngon",
    "tôi đang cho con bú, hỏi uống thuốc được không",
])
def test_a_baby_feeding_well_stays_calm(text: str) -> None:
    _calm(text)


# --- whatever is said to the patient gets no answer ('nói gì cũng không đáp'); a bare 'nói' is no call
@pytest.mark.parametrize("text", [
    "bà cố nằm một chỗ, nói gì cũng không đáp",
    "mẹ tôi nói chi cũng không thưa",
    "ông nội bảo gì cũng không trả lời",
    "nói mãi mà ba không mở mắt",
    "con nói hoài bà không dạ",
])
def test_no_answer_to_whatever_is_said_is_an_emergency(text: str) -> None:
    _emergency(text, "altered_consciousness")


@pytest.mark.parametrize("text", [
    "tôi nói gì mẹ cũng nghe, ăn uống được",
    "nói gì bác sĩ cũng không trả lời điện thoại",
    "mẹ nói không dậy sớm được vì mệt chút",
    "ông bảo gì con cũng làm theo",
    "tôi nói với con là không ra ngoài",
])
def test_talk_that_is_answered_or_about_something_else_stays_calm(text: str) -> None:
    _calm(text)


# --- a sign of an animal of the house
@pytest.mark.parametrize("text", [
    "con mèo nhà tôi thở khò khè, còn người thì không ai sao",
    "con chó nhà tôi nôn mấy lần, người nhà vẫn khỏe",
    "chó nhà tôi bỏ ăn hai hôm, hỏi có lây không",
    "con gà đứng không vững, cả nhà tôi bình thường",
    "mèo nhà bị ho, tôi có cần cách ly nó không",
])
def test_a_sign_of_an_animal_stays_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text, sign", [
    ("con mèo cào con tôi, giờ nó khó thở", "shortness_of_breath"),
    ("con chó sủa mà ông không tỉnh", "altered_consciousness"),
    ("tôi đi cho con gà ăn về thì thấy mẹ môi tím", "cyanosis"),
    ("con tôi thở khò khè, mèo nhà thì không sao", "shortness_of_breath"),
    ("con vịt chạy ra đường, còn bà nội ngất xỉu", "altered_consciousness"),
])
def test_the_patients_sign_beside_an_animal_escalates(text: str, sign: str) -> None:
    _escalates(text, sign)


# --- a fear of what might come; lucid again after a past confusion; a face dark with anger
@pytest.mark.parametrize("text", [
    "tôi lo quá, sợ lỡ đâu ba tôi trở nặng, chứ giờ ổng vẫn bình thường",
    "sợ nhỡ đâu mẹ bị khó thở nên tôi gọi hỏi trước",
    "lo lỡ bà co giật thì làm sao, giờ bà vẫn khỏe",
    "tuần trước bà tôi có lơ mơ một hôm, giờ tỉnh như sáo",
    "hôm trước ông có nói lảm nhảm lúc sốt, nay tỉnh queo rồi",
    "thằng con tôi chơi game thua cay cú tới mức mặt tím lại, nó khỏe re",
    "ông cãi nhau với hàng xóm, giận tím mặt",
])
def test_a_fear_a_past_confusion_over_or_anger_stays_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text, sign", [
    ("hôm qua tôi ngất, giờ tỉnh táo lại rồi", "altered_consciousness"),
    ("hôm qua khó thở, giờ tỉnh táo", "shortness_of_breath"),
    ("tôi sợ lắm, ba tôi môi tím rồi", "cyanosis"),
    ("ông tức ngực mặt tím tái", "cyanosis"),
    ("tôi bực quá, mẹ tôi môi tím ngắt mà không ai chở đi", "cyanosis"),
    ("bé khóc tím tái cả mặt", "cyanosis"),
])
def test_a_present_sign_beside_fear_lucidity_or_anger_stays(text: str, sign: str) -> None:
    _escalates(text, sign)


# --- the structural guard: an area of decision 261 with a worsening word that no sign took is the family's worry
# (caller_concern, high, and the concern flag), whatever the other clauses say
@pytest.mark.parametrize("text", [
    "không sốt, không ho, mà hơi thở bà nghe yếu dần",
    "nhà tôi bình thường cả, chỉ có điều môi ông đổi màu sậm lại",
    "sao hơi thở ông yếu dần vậy?",
    "tôi không ho, giọng nói ông càng lúc càng khó nghe",
    "mẹ ăn cơm được, mà móng tay mẹ đổi màu",
    "bé vẫn chơi, có điều hơi thở nghe nặng dần",
    "ông nuốt nước bọt cũng khó khăn",
])
def test_an_area_of_decision_261_worsening_is_the_familys_worry(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "caller_concern" in symptoms and risk in _ESCALATE, (text, symptoms, risk)
    assert _NLU.understand(text).concern


@pytest.mark.parametrize("text", [
    "tôi hỏi thuốc ho, môi tôi khô",
    "ông tôi hít vào yếu từ lâu rồi, nay vẫn vậy",
    "nếu hơi thở yếu dần thì tôi phải làm sao",
    "đi tiểu khó, tiểu buốt",
    "ông tôi mắt kém, đọc báo không được",
    "thở vẫn đều, môi hồng, chỉ sổ mũi",
    "nước tiểu hơi vàng do tôi uống ít nước",
    "bé không còn bú đêm nữa, ngủ ngon",
])
def test_everyday_words_of_those_areas_are_no_worry(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "caller_concern" not in symptoms and risk not in _ESCALATE, (text, symptoms, risk)


# --- lost in time, answers that come and go, eyes that open and close again, 'nói xàm', speech gone, one side still
@pytest.mark.parametrize("text", [
    "bố hôm nay không biết hôm nay là ngày nào",
    "bà lẫn lộn ngày đêm từ chiều",
    "ông hỏi câu được câu mất",
    "gọi thì mẹ mở mắt rồi nhắm lại",
    "má tui tỉnh tỉnh mê mê",
    "bà tui nói xàm xàm từ trưa",
    "ông không cử động được tay chân bên phải",
    "mẹ tôi không nói được nữa",
])
def test_confusion_and_stroke_in_more_everyday_words_is_an_emergency(text: str) -> None:
    _emergency(text, "altered_consciousness")


@pytest.mark.parametrize("text", [
    "người nhà tôi có bị lây không",
    "ba má tui ở quê có bị lây không",
    "con không biết ai lây cho cả nhà",
    "mẹ mở mắt ra là đòi ăn sáng",
    "gọi mải mà ông không tĩnh",  # a recognizer's "tỉnh": still an emergency, see below
])
def test_look_alikes_of_the_new_confusion_words(text: str) -> None:
    risk, symptoms = _risk(text)
    if "tĩnh" in text:
        assert "altered_consciousness" in symptoms, (text, symptoms)  # "động tĩnh" is never listed: "tĩnh" stays bent
    else:
        assert risk not in _ESCALATE, (text, symptoms, risk)


# --- a heaving chest, a gurgle, a broken breath, a saw; spoon-fed and brought back; cannot sit steady
@pytest.mark.parametrize("text, sign", [
    ("mẹ tôi ngực phập phồng nhanh lắm", "shortness_of_breath"),
    ("chồng tôi thở mà nghe khọt khẹt trong cổ", "shortness_of_breath"),
    ("bà ngoại thở dồn dập", "shortness_of_breath"),
    ("ông tôi hơi thở đứt quãng", "severe_breathlessness"),
    ("mẹ tui thở như kéo cưa", "severe_breathlessness"),
    ("con tôi đút sữa vào là trớ ra hết", "cannot_eat_drink"),
    ("bà ngồi cũng không vững", "exhaustion"),
    ("ba tôi không tự ngồi dậy được", "exhaustion"),
])
def test_more_breath_feeding_and_strength_words_escalate(text: str, sign: str) -> None:
    _escalates(text, sign)


@pytest.mark.parametrize("text", [
    "bé thở đều, ngực không phập phồng",
    "tôi đút cháo cho bà, bà ăn hết chén",
    "ông tôi tám mươi tuổi, vẫn tự đi lại, ăn hết bát cháo",
    "ba ngồi vững, đi lại bình thường",
    "tiếng cưa gỗ nhà bên ồn quá, tôi ngủ không được",
])
def test_their_calm_twins_stay_calm(text: str) -> None:
    _calm(text)


# --- not conscious yet, choking for breath, no breath for words, breathing as if out of breath
@pytest.mark.parametrize("text, sign", [
    ("mẹ tôi vẫn ổn, chỉ là từ sáng chưa tỉnh", "altered_consciousness"),
    ("ông ngã xong tới giờ vẫn chưa tỉnh lại", "altered_consciousness"),
    ("ông tôi nghẹt thở", "severe_breathlessness"),
    ("bà nằm xuống là nghẹt", "severe_breathlessness"),
    ("mạ tui thở dốc, nói không ra lời", "severe_breathlessness"),
    ("ông tôi thở như người hết hơi", "severe_breathlessness"),
])
def test_not_conscious_yet_or_choking_is_an_emergency(text: str, sign: str) -> None:
    _emergency(text, sign)


@pytest.mark.parametrize("text", [
    "con tôi mới dậy, chưa tỉnh ngủ nên hơi quấy",
    "nghẹt mũi khó chịu, sổ mũi",
    "tôi hỏi khi nào hết cách ly, cả nhà chưa ai bị gì",
    "ba tôi hút thuốc nên môi thâm từ lâu",
    "con bé môi thâm bẩm sinh, nay vẫn chơi bình thường",
])
def test_still_sleepy_a_stuffy_nose_or_lips_dark_for_years_stay_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert risk not in _ESCALATE and "altered_consciousness" not in symptoms and "cyanosis" not in symptoms, (
        text, symptoms, risk)


@pytest.mark.parametrize("text, sign", [
    ("môi thâm từ sáng tới giờ", "cyanosis"),
    ("môi tím từ nhỏ, nay tự nhiên tím hơn", "cyanosis"),
    ("ông giận, gọi không dậy", "altered_consciousness"),
    ("kêu không thèm mở mắt", "altered_consciousness"),
    ("bà lẫn mấy năm nay, hôm nay tự nhiên không nhận ra ai", "altered_consciousness"),
])
def test_a_new_sign_or_a_no_answer_without_a_mood_stays(text: str, sign: str) -> None:
    _emergency(text, sign)


# --- a wilful no-answer in a mood ('không thèm', 'không buồn' after 'giận dỗi', 'mê game')
@pytest.mark.parametrize("text", [
    "thằng bé giận dỗi, gọi không thèm thưa",
    "con bé hờn, kêu không thèm trả lời",
    "thằng lớn mải chơi, gọi không buồn dạ",
    "cháu bấm điện thoại suốt, hỏi không thèm đáp",
    "nó dỗi mẹ, gọi không thèm nhúc nhích",
])
def test_a_wilful_no_answer_in_a_mood_is_no_sign(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" not in symptoms and risk not in _ESCALATE, (text, symptoms, risk)


# --- a child grunting or flaring the nostrils, indrawing anywhere, too weak to suck or cry; a stroke's sudden signs
@pytest.mark.parametrize("text, sign", [
    ("bé nhà tôi thở rên, mũi phập phồng", "severe_breathlessness"),
    ("con thở hổn hển, rút lõm ở cổ", "severe_breathlessness"),
    ("chồng tôi thở nghe rít rít như còi", "severe_breathlessness"),
    ("bác tôi tự nhiên nói không được", "altered_consciousness"),
    ("mẹ tôi tay phải yếu, miệng hơi lệch", "altered_consciousness"),
])
def test_grunting_indrawing_and_a_strokes_signs_are_an_emergency(text: str, sign: str) -> None:
    _emergency(text, sign)


@pytest.mark.parametrize("text, sign", [
    ("con tôi khóc yếu ớt, bú không nổi", "cannot_eat_drink"),
    ("em bé khóc không thành tiếng", "caller_concern"),
    ("ho với sốt, thở nghe rít rít", "shortness_of_breath"),
])
def test_a_weak_cry_a_weak_suck_and_a_whistle_escalate(text: str, sign: str) -> None:
    _escalates(text, sign)


@pytest.mark.parametrize("text", [
    "tay phải yếu do bị gãy tay năm ngoái, giờ ho nhẹ",
    "bà nằm đờ ra xem ti vi",
    "bé khóc to, bú ngon",
    "con tôi bú no rồi ngủ, thở êm",
    "tự nhiên tôi nói không được tiếng Kinh rõ, bác sĩ nói chậm giùm",
])
def test_their_calm_twins_stay_calm_too(text: str) -> None:
    _calm(text)


# --- a calm frame, then fluids that do not go down or a breath that breaks the talk
@pytest.mark.parametrize("text, sign", [
    ("không có gì nghiêm trọng, chỉ là ông tôi nói chuyện cứ ngắt quãng để thở", "severe_breathlessness"),
    ("ba tôi ăn được hai muỗng là thôi", "cannot_eat_drink"),
    ("nước thì mẹ chỉ nhấp môi", "cannot_eat_drink"),
    ("mẹ tôi uống nước mà nuốt không xuống", "cannot_eat_drink"),
    ("bé nôn hết sữa từ sáng", "cannot_eat_drink"),
    ("hôm nay bé đi tè có một lần thôi", "caller_concern"),
    ("ông tôi thở mà sao phải há miệng ra vậy?", "severe_breathlessness"),
])
def test_fluids_that_do_not_go_down_and_a_broken_breath_escalate(text: str, sign: str) -> None:
    _escalates(text, sign)


@pytest.mark.parametrize("text", [
    "tôi ăn được ba chén cơm, uống nhiều nước",
    "bé tè nhiều lắm, bú ngon",
    "mẹ nuốt thuốc dễ, ăn hết tô cháo",
    "bé ăn hai muỗng bột rồi đòi thêm",
    "con há miệng cho bác sĩ xem họng, thở bình thường",
])
def test_fluids_going_down_stay_calm(text: str) -> None:
    _calm(text)


# --- simple speech: a call not heard, lying without a sound, growing cold with a faint breath
@pytest.mark.parametrize("text, sign", [
    ("cha tôi bệnh, nằm im, kêu không nghe", "altered_consciousness"),
    ("gọi mãi bà không nghe, nằm im", "altered_consciousness"),
    ("bà tôi hôm nay nằm im re, không rên không la", "altered_consciousness"),
    ("ông tôi thở thì nhẹ hều", "severe_breathlessness"),
    ("mẹ thở yếu xìu", "severe_breathlessness"),
])
def test_simple_speech_of_an_emergency_is_an_emergency(text: str, sign: str) -> None:
    _emergency(text, sign)


def test_growing_cold_is_a_worry() -> None:
    _escalates("ông tôi người cứ lạnh dần", "caller_concern")


@pytest.mark.parametrize("text", [
    "cháu nói gì bà không nghe",
    "kêu mãi không nghe rõ, chị nói to lên",
    "tôi gọi cho con mấy lần không nghe máy",
    "tôi không nghe rõ, chị nói lại đi",
    "bé ngủ im re, thở đều",
])
def test_not_hearing_the_line_or_a_quiet_sleep_stays_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" not in symptoms and risk not in _ESCALATE, (text, symptoms, risk)


# --- a call that cannot wake a sleeper ('ngủ hoài, gọi không được'); a phone call that does not get through is calm
@pytest.mark.parametrize("text", [
    "ông tôi ngủ hoài, gọi không được",
    "bà nằm li bì, kêu hổng nổi",
    "mẹ ngủ suốt từ trưa, lay không được",
    "ba nằm mê, réo không được",
    "cụ ngủ mê mệt, gọi chẳng được",
])
def test_a_sleeper_a_call_cannot_wake_is_an_emergency(text: str) -> None:
    _emergency(text, "altered_consciousness")


@pytest.mark.parametrize("text", [
    "tôi gọi tổng đài không được",
    "ông ngủ ngon, tôi gọi điện cho con không được",
    "tối qua tôi ngủ không được, ho nhiều",
    "gọi trạm y tế mãi không được, cả nhà vẫn khỏe",
    "bé ngủ rồi, gọi dậy ăn được nửa chén",
])
def test_a_call_that_does_not_get_through_stays_calm(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" not in symptoms, (text, symptoms, risk)
