"""Session 22 (n55-correction): callers who correct themselves mid-sentence (``ivr.nlu.correction``), by kind, with
calm and urgent twins. New words, not the rows of retired set 18."""
from __future__ import annotations

import pytest

from ivr.engine.understanding import Understanding
from ivr.nlu.correction import standing
from ivr.nlu.understander import Nlu

ESCALATING = {"altered_consciousness", "cyanosis", "chest_pain", "shortness_of_breath", "severe_breathlessness",
              "coughing_blood", "cannot_eat_drink", "low_spo2"}


@pytest.fixture(scope="module")
def nlu() -> Nlu:
    return Nlu(model=None)


def _signs(u: Understanding) -> set[str]:
    return set(u.symptoms) & ESCALATING


# a sign taken back and replaced by a calm cause or a milder thing: the retracted sign does not count
TAKEN_BACK = [
    "Bố em thở dốc, à không, nói nhầm, bố em ngáy to thôi, ngủ say lắm.",
    "bo em tho doc a khong noi nham bo em ngay to thoi ngu say lam",
    "Má tui tím môi, à không phải, má tui mới ăn kẹo mút màu tím, lau miệng là hết.",
    "Ông nhà tui đau thắt ngực, à không, đau lưng, tại hôm qua gánh nước nhiều.",
    "Bà ngoại bị mê man, à hông phải, bà ngủ trưa say thôi, kêu cái là bà dạ liền.",
    "Mạ tui đau ngực, à không, đau bụng, tại ăn mắm chua, uống miếng gừng là đỡ.",
    "Cháu nó kêu tức ngực, à không phải tức ngực, nó kêu đầy bụng vì ăn nhiều bánh.",
    "Tui bị khó thở, à không, ý tui là nghẹt mũi, thở bằng mũi khó thôi.",
    "Bé nhà chị co giật, à không, bé run vì lạnh, đắp chăn vô là nín.",
]


@pytest.mark.parametrize("text", TAKEN_BACK)
def test_a_sign_taken_back_does_not_count(nlu: Nlu, text: str) -> None:
    assert not _signs(nlu.understand(text)), text


# a sign added by the correction, or a replacement that is itself a sign, or nothing said in its place: it counts
KEPT = [
    ("Bố em bình thường, à không, bố em thở dốc, nói được vài chữ là phải ngừng.", "shortness_of_breath"),
    ("Chồng tôi ho thôi, à mà không, ho ra cả máu tươi nữa chị.", "coughing_blood"),
    ("Bà tôi không sao đâu, à không, nói lại, bà đau tức ngực từ sáng.", "chest_pain"),
    ("Ông ngủ thôi, à không phải, ông ngủ li bì từ sáng, lay không dậy.", "altered_consciousness"),
    ("Mẹ tôi khó thở, à không, mẹ tôi thở không ra hơi luôn.", "severe_breathlessness"),
    ("Ba tôi tím môi, à không, tím cả móng tay luôn.", "cyanosis"),
    ("ong tui kho tho a khong", "shortness_of_breath"),
    ("Ông thở dốc à không thở không nổi luôn rồi.", "severe_breathlessness"),
    ("Mẹ tôi đau ngực, à không sao chị, mẹ tôi nói vậy chứ còn đau lắm.", "chest_pain"),
    ("a khong troi oi ong toi tho khong duoc nua cuu voi", "shortness_of_breath"),
    ("Bà tôi không chỉ ho mà còn khó thở, môi hơi thâm.", "shortness_of_breath"),
]


@pytest.mark.parametrize(("text", "sign"), KEPT)
def test_a_sign_said_or_not_clearly_taken_back_counts(nlu: Nlu, text: str, sign: str) -> None:
    assert sign in nlu.understand(text).symptoms, text


# a reading corrected: the later one is the reading; the caller's own arithmetic is not doubled again
READINGS = [
    ("ô xi chín lăm à không chín lăm là hôm kia, hôm nay còn chín mốt.", "spo2", 91),
    ("oxi chin lam a khong chin lam la hom kia hom nay con chin mot", "spo2", 91),
    ("ô xi chín mốt à không chín mốt là hôm kia, hôm nay chín sáu rồi.", "spo2", 96),
    ("Nhịp thở hăm sáu, à nhầm, đếm đủ một phút thì được mười sáu.", "breathing_rate", 16),
    ("Nhịp thở mười sáu, à nhầm, đếm đủ một phút thì được hăm sáu.", "breathing_rate", 26),
    ("đếm nhịp thở được mười một à không mười một là nửa phút tức là hăm hai.", "breathing_rate", 22),
    ("Nhiệt độ ba chín, à không, ba bảy chín thôi, em nhìn lộn.", "temperature", 37.9),
    ("Nhiệt độ ba bảy chín, à không, ba chín độ lận, em nhìn lộn.", "temperature", 39),
    ("mạch một trăm mốt à không một trăm ba mươi em coi lại rồi", "pulse", 130),
    ("mạch một trăm ba mươi à không một trăm lẻ ba thôi em coi lại rồi", "pulse", 103),
    ("sốt ba tám à không ba chín độ hai rồi", "temperature", 39.2),
]


@pytest.mark.parametrize(("text", "vital", "value"), READINGS)
def test_a_corrected_reading_is_the_later_one(nlu: Nlu, text: str, vital: str, value: float) -> None:
    u = nlu.understand(text)
    assert u.vitals.get(vital) == value, (text, u.vitals)
    assert vital not in u.earlier_worse, text


def test_words_without_a_correction_are_left_as_said() -> None:
    for text in ("Bà tôi khó thở quá, không nói được.", "Ho sốt nhẹ thôi, không phải lo đâu chị.",
                 "Dạ không, không có khó thở.", "chín tám em đọc nhầm số mạch",
                 # a request to repeat, or a marker with nothing said in its place, takes nothing back
                 "hả, trời ơi sợ quá, nói lại đi", "bà khó thở, à không, nói lại nha chị",
                 # bare display readings are the vitals' corrected pair
                 "chín chín á, ủa không, tám chín, em đọc ngược rồi"):
        assert standing(text) == text


def test_the_understanding_keeps_the_words_as_said(nlu: Nlu) -> None:
    text = "Má tui tím môi, à không phải, má tui mới ăn kẹo mút màu tím."
    assert nlu.understand(text).text == text
