"""Recognizer slips by kind (issue 12, session 9: recognizer-style text). Each test is a family of phrasings with its
guard (calm look-alikes); the sentences are written for the families, not copied from any scored set."""
from __future__ import annotations

import pytest

from ivr.nlu.matcher import final_slip
from ivr.nlu.normalize import tokenize
from tests.ivr.nlu.test_sign_families_s6 import _ESCALATE, _NLU, _risk


def _vital(text: str, vital: str) -> dict[str, float]:
    return dict(_NLU.understand(text, expect=["repeat", vital]).vitals)


# --- a slip the tables list in one phrase ("khó thỡ") is the same slip in every phrase ---------------------------

@pytest.mark.parametrize("text", [
    "mẹ tôi thỡ dốc từ chiều tới giờ",
    "ông nhà tôi thỡ gấp lắm",
    "bà thỡ hổn hển cả đêm",
    "con tôi thở hụt hơi đau ngựt trái",
    "ba em bị co dật hai tay",
    "em ho ra mấu tươi",
])
def test_a_listed_slip_is_read_in_every_phrase(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "nhà đang gọi thợ gấp để sửa ống nước",
    "thợ hồ tới làm từ sáng",
    "mẹ tôi đi thăm bà ngoại về",
    "tôi nằm mơ thấy ông nội",
    "thớ thịt bò hơi dai",
    "ông ấy lì lắm không chịu tắm",
])
def test_words_of_their_own_are_not_bent_into_a_listed_slip(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- a final nasal heard longer or shorter (n / ng / nh) --------------------------------------------------------

@pytest.mark.parametrize("text", [
    "mẹ em mê mang từ chiều",
    "bà nằm mê mang gọi không được",
    "ông tôi bất tỉn rồi",
    "bố tôi thở hổn hểnh",
    "con tôi li bì mê mang cả ngày",
])
def test_a_final_nasal_slip_in_a_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi mang thuốc cho mẹ",
    "ông mê bóng đá lắm",
    "bà tỉnh táo mang cháo cho cháu",
    "mẹ tôi tin lời bác sĩ",
    "con mang cơm qua cho ông",
])
def test_a_final_nasal_slip_needs_the_phrase(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


def test_final_slip_guards() -> None:
    assert final_slip("mang", "man") and final_slip("hểnh", "hển") and final_slip("tỉn", "tỉnh")
    assert not final_slip("mạng", "man")  # another tone
    assert not final_slip("màng", "man")
    assert not final_slip("con", "cong")  # protected
    assert not final_slip("mang", "mang")


# --- the SpO2 name "ô xi" heard with s -----------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("ô si máu có tám mươi tám", 88),
    ("ô si máu của mẹ chín hai", 92),
    ("nồng độ ô sy chín ba", 93),
    ("đo ô si được chín mươi lăm", 95),
    ("ô si chín tám ổn định", 98),
])
def test_oxygen_said_with_s(text: str, value: int) -> None:
    _, _, vitals = _risk(text)
    assert vitals == {"spo2": value}, (text, vitals)


@pytest.mark.parametrize("text", [
    "chị ô sin nhà tôi bị ho",
    "ô sin về quê rồi",
    "bé đang hát ô si la la",
    "ô sy mua đồ cho ông",
    "nhà có ô sin chăm bà",
])
def test_other_o_si_words_give_no_reading(text: str) -> None:
    _, _, vitals = _risk(text)
    assert "spo2" not in vitals, (text, vitals)


# --- "tim" written "tym" -----------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("nhịp tym bốn lăm", 45),
    ("nhịp tym một trăm ba mươi", 130),
    ("nhịp tym của bà một chăm hai lăm", 125),
    ("đo nhịp tym được tám mươi", 80),
    ("nhịp tym chỉ có bốn mươi tám thôi", 48),
])
def test_heart_rate_spelled_with_y(text: str, value: int) -> None:
    _, _, vitals = _risk(text)
    assert vitals == {"pulse": value}, (text, vitals)


# --- "chín" heard as "chính" before the last digit or after a tens word ------------------------------------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("đo được chính ba", "spo2", 93),
    ("máy báo chính hai", "spo2", 92),
    ("dạ chính một", "spo2", 91),
    ("chính sáu phần trăm", "spo2", 96),
    ("mười chính", "breathing_rate", 19),
    ("mười chính lần", "breathing_rate", 19),
])
def test_nine_heard_as_chinh(text: str, vital: str, value: int) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize(("text", "vital", "value"), [
    ("người đo là chính ba", "spo2", None),
    ("chính ba tôi đo", "spo2", None),
    ("hai mươi chính xác", "breathing_rate", 20),
    ("mười lần chính xác", "breathing_rate", 10),
    ("đo cho chính ba", "spo2", None),
])
def test_chinh_as_a_word_of_its_own(text: str, vital: str, value: int | None) -> None:
    assert _vital(text, vital) == ({} if value is None else {vital: value}), text


# --- "mươi" with its middle vowel dropped --------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("ba mưi hai", "breathing_rate", 32),
    ("hai mưi tám lần", "breathing_rate", 28),
    ("chín mưi bốn", "spo2", 94),
    ("tám mưi lăm", "spo2", 85),
    ("ba mưi chín độ", "temperature", 39),
])
def test_tens_word_without_its_middle_vowel(text: str, vital: str, value: int) -> None:
    assert _vital(text, vital) == {vital: value}, text


# --- a syllable cut after its initial consonant -------------------------------------------------------------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("ch ín mươi tám", "spo2", 98),
    ("ch ín tư", "spo2", 94),
    ("m ột trăm hai mươi", "pulse", 120),
    ("một tr ăm ba", "pulse", 130),
    ("ba m ươi tám độ", "temperature", 38),
])
def test_a_cut_syllable_in_a_number(text: str, vital: str, value: int) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize("text", [
    "bà kh ó thở lắm",
    "mẹ tôi đau ng ực",
    "ông th ở dốc",
    "môi bà t ím tái",
    "bé co gi ật",
])
def test_a_cut_syllable_in_a_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


def test_a_cut_onset_is_joined_only_into_a_known_word_with_its_marks() -> None:
    assert tokenize("kh ăn được") == ("không", "ăn", "được")  # texted "không", no "khăn"
    assert tokenize("b a mươi") == ("b", "a", "mươi")  # no marks on the rhyme
    assert tokenize("ch ín") == ("chín",)
    assert "th" not in tokenize("ông th ở dốc")


# --- a number word with its final consonant misheard (c/t, n/ng) or other marks after a tens word -----------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("chín mươi mộc", "spo2", 91),
    ("chín mốc", "spo2", 91),
    ("chín mươi bống", "spo2", 94),
    ("hai bống lần", "breathing_rate", 24),
    ("một trăm hai mươi mộc", "pulse", 121),
    ("chín mươi sấu", "spo2", 96),
    ("chín mươi hải", "spo2", 92),
])
def test_a_units_word_misheard(text: str, vital: str, value: int) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize(("text", "vital", "value"), [
    ("chín mươi từ sáng", "spo2", 90),
    ("hai mươi tự đo lại", "breathing_rate", 20),
    ("tám mươi bà ạ", "pulse", 80),
    ("nhớ ba lắm", "pulse", None),
    ("chín mươi nằm nghỉ", "pulse", 90),
])
def test_words_of_their_own_after_a_tens_word(text: str, vital: str, value: int | None) -> None:
    assert _vital(text, vital) == ({} if value is None else {vital: value}), text


# --- "mươi" heard as "mơi"/"muơi" between number words -------------------------------------------------------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("chín mơi hai", "spo2", 92),
    ("chín muơi hai", "spo2", 92),
    ("ba mơi tám độ", "temperature", 38),
    ("hai muơi bốn lần", "breathing_rate", 24),
    ("chín mơi", "spo2", 90),
])
def test_tens_word_heard_as_moi(text: str, vital: str, value: int) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize("text", [
    "bữa mơi tôi đi khám",
    "mơi mốt con về thăm",
    "hai bữa mơi ông đỡ rồi",
    "sáng mơi đo lại",
    "để mơi tính",
])
def test_tomorrow_is_no_tens_word(text: str) -> None:
    assert "mươi" not in tokenize(text), text


# --- the small words of a number misheard: "rưỡi" with d/gi, "linh/lẻ" with n or another tone, a digit between a
# hundred and a tens word with other marks ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("ba tám độ dưỡi", "temperature", 38.5),
    ("ba mươi tám độ giưỡi", "temperature", 38.5),
    ("ba chín dưỡi", "temperature", 39.5),
    ("một trăm nẻ năm", "pulse", 105),
    ("một trăm lình năm", "pulse", 105),
    ("một trăm ninh tám", "pulse", 108),
    ("một trăm bà mươi", "pulse", 130),
    ("một trăm bốn mươi", "pulse", 140),
])
def test_small_number_words_misheard(text: str, vital: str, value: float) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize("text", [
    "mẹ tôi dưỡi lại",
    "bà ngồi dưới gốc cây",
    "ông trăm tuổi bà mới bảy mươi",
    "nhà có trăm thứ lo",
    "bà nằm dưới đất",
])
def test_small_number_words_need_a_number(text: str) -> None:
    risk, symptoms, vitals = _risk(text)
    assert not vitals and risk not in _ESCALATE, (text, symptoms, vitals, risk)


def test_below_is_no_half() -> None:
    assert "rưỡi" not in tokenize("trên một trăm hai dưới tám mươi")
    assert "rưỡi" not in tokenize("ba người ở dưới nhà")


# --- text without any diacritics (a recognizer dropping every mark) with a consonant slip in a sign's last word ----

@pytest.mark.parametrize("text", [
    "me toi me mang tu chieu",
    "ong noi noi xang",
    "ba toi tut nguc",
    "con bi co dat",
    "ba toi lo mo",
    "ba toi lo mo suot tu sang",
])
def test_a_slip_in_text_without_diacritics(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "toi di cho mua rau",
    "ong noi chuyen binh thuong",
    "nha toi o xa tram y te",
    "me tui an com duoc",
    "ba co kho tho mo",
    "ba toi tin bac si lam",
])
def test_text_without_diacritics_stays_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- "trả lời" with its tr heard as ch -------------------------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "kêu hông chả lời",
    "gọi mẹ không chả lời",
    "goi khong cha loi",
    "hỏi gì ông cũng không chả lời",
    "lay bà mà bà không chả lời",
])
def test_no_answer_said_with_ch(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà chả sao cả",
    "ông chả mệt gì",
    "con chả ho nữa",
    "mẹ chả sốt",
    "tôi chả lo",
])
def test_cha_as_not_stays(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- two short syllables run together; a number word written twice ------------------------------------------------

@pytest.mark.parametrize("text", [
    "ông lơmơ từ sáng",
    "bà libì cả ngày",
    "mẹ tôi khóthở",
    "con tôi cogiật",
    "ba tôi bấttỉnh",
])
def test_short_syllables_run_together_in_a_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", ["mẹ khỏe", "ông nhức đầu", "bà sáng nay khỏe", "tôi thấy bình thường",
                                  "nhà mình ổn"])
def test_words_of_four_letters_are_not_split(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize(("text", "vital", "value"), [
    ("chín mươi mươi hai", "spo2", 92),
    ("chín mươi mươi sáu", "spo2", 96),
    ("một trăm trăm hai", "pulse", 120),
    ("ba tám độ độ năm", "temperature", 38.5),
    ("hai mươi mươi tư lần", "breathing_rate", 24),
    ("chín chín", "spo2", 99),  # a doubled digit is a number
])
def test_a_number_word_written_twice(text: str, vital: str, value: float) -> None:
    assert _vital(text, vital) == {vital: value}, text


# --- a digit or tens word with another vowel or final ("bải" for "bảy", "tắm" for "tám", "chụt", "mừi") -----------

@pytest.mark.parametrize(("text", "vital", "value"), [
    ("chín bải", "spo2", 97),
    ("chín mươi bải", "spo2", 97),
    ("chín tắm", "spo2", 98),
    ("chín mươi tắm", "spo2", 98),
    ("ba mươi tắm độ", "temperature", 38),
    ("hai chụt lần", "breathing_rate", 20),
    ("một trăm mừi", "pulse", 110),
])
def test_number_words_with_another_vowel_or_final(text: str, vital: str, value: float) -> None:
    assert _vital(text, vital) == {vital: value}, text


@pytest.mark.parametrize("text", [
    "ba tắm rồi mới ngủ",
    "nhớ ba tắm cho con",
    "mẹ tắm xong thấy khỏe",
    "hôn chụt một cái",
    "ông bải hoải trong người",
])
def test_bathing_and_kisses_are_no_numbers(text: str) -> None:
    _, _, vitals = _risk(text)
    assert not vitals, (text, vitals)


# --- l and n merged (northern speech, recognizers) ----------------------------------------------------------------

@pytest.mark.parametrize("text", [
    "tay chân nạnh ngắt",
    "ông nói nảm nhảm cả đêm",
    "ông nói lẫn nộn",
    "bà không luốt được gì",
    "mẹ tôi nẫn rồi không nhận ra ai",
    "thở không lổi",
])
def test_l_and_n_merged_in_a_sign(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bà ăn no rồi",
    "tôi lo quá không biết hỏi ai",
    "trời lạnh quá",
    "nước nóng pha sữa",
    "lâu rồi không sốt",
    "tóc bà màu nâu",
])
def test_l_and_n_words_of_their_own_stay_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- hỏi and ngã swapped in a one-word sign; a two-letter last word with another tone ----------------------------

@pytest.mark.parametrize("text", [
    "ông bị xĩu ngoài sân",
    "ông bị sĩu",
    "ông hôn mề",
    "bà li bỉ cả ngày",
    "bé bỏ bũ từ sáng",
    "bé không chịu bụ",
])
def test_tone_slips_on_short_or_one_word_signs(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk in _ESCALATE, (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi nghĩ là không sao",
    "còn nữa không bác sĩ",
    "mẹ giữ ấm cho bé",
    "ông vẫn khỏe",
    "bà bị ho từ nửa đêm nay đỡ rồi",
])
def test_hoi_nga_words_of_their_own_stay_calm(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)


# --- "ba" (thirty) heard with a tone as the first word of a temperature answer ------------------------------------

@pytest.mark.parametrize(("text", "value"), [
    ("bà bảy độ", 37),
    ("bả tám độ", 38),
    ("bá tám", 38),
    ("bá tám độ rưỡi", 38.5),
    ("bạ chín độ hai", 39.2),
])
def test_thirty_heard_with_a_tone_at_the_temperature_question(text: str, value: float) -> None:
    assert _vital(text, "temperature") == {"temperature": value}, text


@pytest.mark.parametrize(("text", "vital", "want"), [
    ("bà ba tám độ", "temperature", {"temperature": 38}),  # grandma, 38
    ("bà sáu mươi tuổi", "temperature", {}),
    ("bà bảy độ", "spo2", {}),  # only at the temperature question
    ("bà tám chục tuổi rồi", "temperature", {}),
    ("bà bảy giờ đo", "temperature", {}),
])
def test_grandma_stays_outside_a_temperature(text: str, vital: str, want: dict[str, float]) -> None:
    assert _vital(text, vital) == want, text


# --- session 19: a two-letter word with the initial northern speech merges (r, d, gi), inside a longer phrase -----

@pytest.mark.parametrize("text", [
    "từ chiều tới giờ bà thở không da hơi",
    "bà nói không da hơi, mệt lắm",
    "ông tôi nói không da hơi được nữa",
])
def test_a_short_word_with_a_merged_initial_is_read_inside_a_sign_phrase(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", ["đi da ngoài chơi với cháu", "da bà hơi khô", "nôn da hết"])
def test_a_short_word_alone_is_not_bent(text: str) -> None:
    risk, symptoms, _ = _risk(text)
    assert risk not in _ESCALATE, (text, symptoms, risk)
