"""Warning signs and false alarms by kind (issue 12, session 11: the s12 set, helper n14): the first days of the
illness said to be over, squeezed or pressed chests, every sip refused, panting as after a run, a shake or pinch that
gets no reaction, simple speech ending on the breath. Each test is a family of phrasings with its guard (calm
look-alikes that must not escalate, or escalating twins); the sentences are written for the families, not copied
from any scored set."""
from __future__ import annotations

import pytest

from .test_sign_families_s8 import _ESCALATE, _NLU, _calm, _risk  # the same rules-only helpers


def _escalates(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms and risk in _ESCALATE, (text, symptoms, risk)


# --- past and over: the first days of the illness, 'lại' of a return ('ăn uống lại bình thường'), 'đi lại' (walks)
@pytest.mark.parametrize("text", [
    "lúc mới bị thì tôi có hụt hơi, giờ đi lại bình thường",
    "hồi mới dương tính mẹ có tức ngực, nay hết hẳn rồi",
    "mấy ngày mới bị con không uống được nước, giờ bú lại bình thường rồi",
    "hôm kia bà có ói mấy lần, bữa nay ăn cháo lại bình thường",
    "lúc mới nhiễm tôi khó thở chút, bây giờ đi lại khỏe rồi, không còn gì",
    "tuần trước ông nặng ngực, giờ trở lại bình thường",
])
def test_a_sign_of_the_first_days_said_over_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text, sign", [
    ("lúc mới bị thì có hụt hơi, giờ vẫn còn hụt hơi", "shortness_of_breath"),
    ("hôm qua có ói, nay lại ói tiếp", "vomiting"),
    ("hồi mới bị tức ngực, giờ đi lại là tức ngực", "chest_pain"),
    ("hôm qua tôi ngất, giờ tỉnh lại bình thường", "altered_consciousness"),
    ("lúc mới bị có tím môi, giờ lại bình thường", "cyanosis"),
    ("mới bị mà đã khó thở, đi lại không nổi", "shortness_of_breath"),
])
def test_a_sign_still_there_or_an_emergency_sign_since_yesterday_stays(text: str, sign: str) -> None:
    risk, symptoms = _risk(text)
    assert sign in symptoms, (text, symptoms, risk)


# --- a chest squeezed or pressed ('bóp', 'ép', 'siết' near 'ngực')
@pytest.mark.parametrize("text", [
    "như có ai bóp chặt trong ngực bà",
    "ngực cứ ép lại từng hồi",
    "trong ngực siết lại, khó chịu lắm",
    "ông kêu ngực bị siết chặt",
    "cảm giác bóp nghẹt lồng ngực",
    "ngực xiết lại khi hít vào",
])
def test_a_chest_squeezed_or_pressed_is_chest_pain(text: str) -> None:
    _escalates(text, "chest_pain")


@pytest.mark.parametrize("text", [
    "không thấy ngực bị bóp hay ép gì cả",
    "ngực không siết, không đau",
    "tôi bóp tay cho mẹ, mẹ ngủ ngon",
    "em ép nước cam cho bà uống được một ly",
    "ba siết ốc cái quạt, vẫn khỏe",
])
def test_squeezing_said_of_other_things_or_denied_is_calm(text: str) -> None:
    _calm(text)


# --- every sip refused ('không chịu hớp', 'ngụm nước cũng không nuốt', 'giọt nước cũng không')
@pytest.mark.parametrize("text", [
    "từ trưa bé không chịu hớp chút nước nào",
    "bà ngụm nước cũng không nuốt",
    "ông giọt nước cũng không uống được",
    "con không chịu húp miếng cháo",
    "mẹ hớp không nổi, đưa ly là lắc",
    "thìa nước cũng không chịu, cứ nhè ra",
])
def test_every_sip_refused_is_cannot_drink(text: str) -> None:
    _escalates(text, "cannot_eat_drink")


@pytest.mark.parametrize("text", [
    "bé hớp từng ngụm nước được, uống hết ly",
    "bà vẫn húp cháo được cả bát",
    "ông uống nước bình thường, không sao",
    "con nuốt được, ăn hết chén cơm",
    "mẹ không chịu uống thuốc đắng thôi, nước thì uống được",
])
def test_drinking_said_possible_is_calm(text: str) -> None:
    _calm(text)


# --- panting as after a run, said without 'thở' ('phì phò như người chạy bộ'); snoring and a whistling nose are not
@pytest.mark.parametrize("text", [
    "đi vài bước là ông phì phò",
    "bé phì phò như người vừa chạy",
    "mẹ ngồi không mà cũng như vừa chạy bộ xong",
    "thằng út thở như kéo bễ",
    "ba lên cái dốc nhỏ mà phì phò như mới chạy bộ",
])
def test_panting_as_after_a_run_is_shortness_of_breath(text: str) -> None:
    _escalates(text, "shortness_of_breath")


@pytest.mark.parametrize("text", [
    "ông ngủ ngáy phì phò cả đêm",
    "bé khò khè mũi lúc ngủ, sáng dậy chơi bình thường",
    "con khò khè mũi vì nghẹt, vẫn bú ngon",
    "sáng nào tôi cũng chạy bộ, không mệt",
    "bố ngáy khò khè như mọi khi",
])
def test_snoring_a_whistling_nose_or_a_run_is_calm(text: str) -> None:
    _calm(text)


# --- a shake or a pinch without any reaction, in few words ('lay không biết', 'lắc người không biết')
@pytest.mark.parametrize("text", [
    "ông nằm, lay không biết",
    "bà nằm im, lắc người không biết",
    "mẹ ngủ, véo không biết",
    "con nằm đó, nhéo không biết gì",
    "ba mắt nhắm, lay cũng không biết",
])
def test_a_shake_without_reaction_is_altered_consciousness(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "altered_consciousness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "tôi gọi không biết có đúng số không",
    "bà hỏi không biết uống thuốc gì",
    "lay cái là ông dậy liền",
    "tôi lắc đầu không biết trả lời sao",
    "ông nằm nghỉ, gọi là dậy",
])
def test_a_call_or_a_question_not_knowing_is_calm(text: str) -> None:
    _calm(text)


# --- simple speech ending on the breath ('nói ít câu là thở'), only at the end of its clause
@pytest.mark.parametrize("text", [
    "bố nói ít câu là thở",
    "mẹ nói mấy chữ thì phải thở",
    "ông kể vài lời là thở, mệt",
    "bà nói câu là phải thở",
    "con nói vài tiếng là thở luôn",
])
def test_speech_ending_on_the_breath_is_severe(text: str) -> None:
    risk, symptoms = _risk(text)
    assert "severe_breathlessness" in symptoms and risk == "emergency", (text, symptoms, risk)


@pytest.mark.parametrize("text", [
    "bố nói vài câu là thở dài",
    "mẹ nói mấy câu rồi thở dài buồn bã",
    "ông kể chuyện cả buổi, thở bình thường",
    "bà nói câu nào cũng rõ, thở đều",
    "con nói chuyện nhiều mà không thở dốc",
])
def test_a_sigh_or_easy_speech_is_calm(text: str) -> None:
    _calm(text)


# --- a question relayed by someone ('chú tôi hỏi ho ra máu thì có sao không'): the asker is no patient
@pytest.mark.parametrize("text", [
    "chú tư tôi hỏi ho ra máu thì có sao không, chứ chú không bị",
    "mẹ tôi nhờ hỏi khó thở thì phải làm sao",
    "bà ngoại muốn hỏi môi tím là bị gì",
    "ba em thắc mắc co giật thì sơ cứu thế nào",
    "anh tôi hỏi giùm ngất xỉu thì có cần đi viện không",
])
def test_a_question_relayed_by_someone_is_calm(text: str) -> None:
    _calm(text)


@pytest.mark.parametrize("text, sign", [
    ("tôi hỏi bà ho ra máu thì có sao không", "coughing_blood"),
    ("bà nội hỏi môi tím là bị gì, bà bị từ sáng", "cyanosis"),
    ("ông hỏi khó thở quá thì làm sao", "severe_breathlessness"),
    ("ba tôi ho ra máu thì có sao không", "coughing_blood"),
    ("mẹ hỏi con: mẹ khó thở thì có sao không", "shortness_of_breath"),
])
def test_a_relayed_question_about_a_person_at_home_or_said_of_now_escalates(text: str, sign: str) -> None:
    _escalates(text, sign)


# --- answers at a yes/no warning-sign question: a little, unsure, or a yes of the past that is over now
_YN = ["yes", "no", "repeat"]


@pytest.mark.parametrize("text", [
    "hơi hơi thôi, không nhiều",
    "sơ sơ à",
    "cũng chút chút",
    "chắc cũng có, tôi không rõ lắm",
    "có, mà không chắc lắm",
    "cũng hơi hơi, chiều nay",
    "lúc sáng thì có, giờ đỡ đỡ rồi",
])
def test_a_little_or_an_unsure_yes_is_yes(text: str) -> None:
    assert _NLU.understand(text, expect=_YN).intent == "yes", text


@pytest.mark.parametrize("text", [
    "tuần trước thì có, mấy bữa nay hết hẳn rồi",
    "hôm qua có, nay hết rồi",
    "hồi mới bị thì có, giờ khỏi rồi",
    "hôm kia có, giờ bình thường",
    "tuần trước có, nay khỏe lại rồi",
])
def test_a_yes_of_the_past_over_now_is_never_a_no(text: str) -> None:
    """At a warning-sign question the flow cannot weigh the past episode (a faint yesterday is not a cough last
    week): a yes goes to a doctor, an answer not understood is asked again, never a no that moves the checklist
    on (fail toward a human)."""
    assert _NLU.understand(text, expect=_YN).intent in ("yes", "unknown"), text
    assert _NLU.understand(text.replace("có", "có bị", 1), expect=_YN).intent != "no", text


@pytest.mark.parametrize("text, intent", [
    ("hôm qua có, nay vẫn còn", "yes"),
    ("từ hôm qua có, giờ chưa hết", "yes"),
    ("hôm qua có, nay không hết", "yes"),
    ("tôi không rõ", "repeat"),
    ("chắc là cũng không", "no"),
])
def test_a_yes_still_there_stays_and_an_unheard_question_is_repeated(text: str, intent: str) -> None:
    assert _NLU.understand(text, expect=_YN).intent == intent, text
