"""High-risk speech the understanding missed, by kind (issue 12, session 16, helper n21-emerg), each with a calm twin
that must stay calm. The sentences are written for the kinds, not copied from any scored set: panic that stutters
across a trailing-off, a reading named by no vital in a sentence that also says "không", kinship words typed without
diacritics, "no need to" before a sign, a supposed low SpO2, a pet's or a film's sign, the after-effects of an old
stroke, a sign over since a holiday, a child's inflammation named by age, a watch's "heart rate", dazed speech,
sitting up to breathe, a breath cut off, a squeezed chest said as a simile, calm breath and sleep, recognizer slips of
"spo2" and "co giật", and the loanwords "sat", "giảm oxy máu", "sốc phản vệ"."""
from __future__ import annotations

import pytest

from escalation.triage import default_triage
from ivr.nlu.understander import Nlu

_NLU = Nlu(model=None)
_TRIAGE = default_triage()
ESCALATE = ("high", "emergency")


def _risk(text: str) -> tuple[str, tuple[str, ...], dict[str, float], str]:
    u = _NLU.understand(text)
    a = _TRIAGE.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors, intent=u.intent)
    return a.risk, u.symptoms, dict(u.vitals), u.intent


#: (kind, text, the least risk it must reach)
ESCALATING = [
    # a reading named by no vital, in a sentence that also says "không" (read as the texting "kg", a weight)
    ("unnamed_reading", "con đo cho bố được chín mốt, không biết có sao không", "emergency"),
    ("unnamed_reading", "cái máy hiện tám chín mà ông không chịu đi viện", "emergency"),
    # a kinship word typed without diacritics, then "tôi"/"em": the sign after it is still read
    ("kin_possessive", "ba em bat tinh roi", "emergency"),
    # "không phải" said of who has the sign keeps it
    ("need_negation", "không phải tôi khó thở mà là ba tôi", "high"),
    # a low SpO2 said of now
    ("supposed_low", "oxy của ba tụt rồi, giờ làm sao đây", "high"),
    # a pet makes a noise, then the patient is found
    ("pet_or_film", "con chó nhà em sủa mãi, em ra thì thấy ông ngất", "emergency"),
    # an old stroke, and a new sign today
    ("old_stroke", "ông nói ngọng từ hồi tai biến, sáng nay tự nhiên méo miệng thêm", "emergency"),
    # a sign since a holiday, still there
    ("holiday_past", "hồi tết bà có tức ngực, giờ vẫn còn tức", "high"),
    # multisystem inflammation in a child named by age only
    ("child_age", "thằng út sáu tuổi sốt, mắt đỏ, môi đỏ nứt", "high"),
    # a smart watch's "heart rate"
    ("heart_rate", "heart rate của mẹ lên một trăm ba mươi", "high"),
    # dazed, as if the soul had left
    ("dazed", "mẹ tôi từ sáng cứ như người mất hồn", "emergency"),
    ("dazed", "ông nói chuyện lơ ngơ từ tối qua", "emergency"),
    # sitting up in order to breathe
    ("sit_to_breathe", "đêm qua ba phải ngồi dậy để thở", "emergency"),
    # the breath cut off
    ("breath_cut", "bà nội thở đứt hơi rồi", "emergency"),
    # a squeezed chest said as a simile
    ("chest_simile", "ngực ba như có ai bóp", "high"),
    # panic that stutters across a trailing-off
    ("stutter", "ông... ông tôi gọi không... không dậy", "emergency"),
    ("stutter", "bà tôi… bà tôi thở... thở không được", "emergency"),
    # recognizer slips of a loanword and of a fit: "x" for the "s" of SpO2, "cô dật" for "co giật"
    ("asr_slip", "xpo2 của ông chín mốt", "emergency"),
    ("asr_slip", "thằng út cô dật", "emergency"),
    # the saturation as "sat", what a clinic told the family, anaphylaxis as a loanword
    ("loanword", "sat của ba còn tám chín", "emergency"),
    ("loanword", "mẹ em bị giảm oxy máu, phòng khám nói vậy", "high"),
    ("loanword", "ông bị sốc phản vệ sau khi tiêm thuốc", "high"),
    # southern "hết" before the verb: no longer eating, drinking or feeding
    ("no_longer", "tía tui bữa nay hết ăn luôn", "high"),
    ("no_longer", "con bé hết chịu bú từ trưa", "high"),
    # the device's English name is the SpO2's, not a pulse
    ("oximeter", "cái pulse oximeter của bà báo tám bảy", "emergency"),
]

CALM = [
    ("unnamed_reading", "con đo cho bố được chín tám, không sao cả"),
    ("kin_possessive", "me toi di cho ve roi"),
    ("kin_possessive", "ba em di lam ve an com roi"),
    ("need_negation", "ông nói chuyện rôm rả, không phải dừng lấy hơi"),
    ("need_negation", "mẹ không cần ngồi dậy để thở nữa, nằm ngủ được"),
    ("supposed_low", "nếu oxy tụt thì gọi số nào"),
    ("supposed_low", "lỡ spo2 xuống thấp thì làm sao"),
    ("pet_or_film", "con mèo nhà em nó thở khò khè"),
    ("pet_or_film", "ti vi chiếu phim có người ngất xỉu, nhà tôi thì khỏe"),
    ("old_stroke", "ông nói ngọng từ hồi tai biến, ăn uống bình thường"),
    ("holiday_past", "hồi tết bà có tức ngực, giờ khỏe rồi"),
    ("child_age", "ông bảy mươi tuổi sốt, mắt đỏ, môi nứt"),
    ("heart_rate", "heart rate của mẹ tám mươi hai"),
    ("dazed", "bà lơ ngơ mấy năm nay rồi, vẫn ăn ngủ được"),
    ("sit_to_breathe", "ba không phải ngồi dậy để thở nữa"),
    ("breath_cut", "thằng nhỏ coi hài cười đứt hơi"),
    ("chest_simile", "tuần trước ngực ba như có ai bóp, giờ hết hẳn rồi"),
    ("stutter", "bà... bà tôi hỏi... hỏi khi nào hết cách ly"),
    ("asr_slip", "xpo2 của ông chín tám"),
    ("loanword", "sat của ba chín chín"),
    ("loanword", "nghe tin dương tính cả nhà bị sốc, giờ bình tĩnh rồi"),
    ("loanword", "nếu bị giảm oxy máu thì làm sao"),
    ("no_longer", "bé hết uống sữa bột rồi, giờ uống sữa tươi"),
    ("no_longer", "ba hết ăn cháo, nay ăn cơm được"),
    ("oximeter", "pulse oximeter của bà báo chín tám, pulse tám mươi"),
]

_RANK = {"none": 0, "low": 1, "medium": 2, "high": 3, "emergency": 4}


@pytest.mark.parametrize("kind, text, least", ESCALATING)
def test_escalates(kind: str, text: str, least: str) -> None:
    risk, symptoms, vitals, _ = _risk(text)
    assert _RANK[str(risk)] >= _RANK[least], (kind, text, risk, symptoms, vitals)


@pytest.mark.parametrize("kind, text", CALM)
def test_calm_twin_stays_calm(kind: str, text: str) -> None:
    risk, symptoms, vitals, _ = _risk(text)
    assert risk not in ESCALATE, (kind, text, risk, symptoms, vitals)


def test_unnamed_reading_values() -> None:
    """The reading is the oximeter's SpO2 whatever "không" is said around it; a weight in "ký" still blocks it."""
    assert _risk("con đo cho bố được chín mốt, không biết có sao không")[2] == {"spo2": 91}
    assert _risk("bé nặng mười tám ký, đo được chín tám")[2] == {}


def test_heart_rate_is_the_pulse() -> None:
    assert _risk("heart rate của mẹ tám mươi hai")[2] == {"pulse": 82}


@pytest.mark.parametrize("text", ["đêm qua dậy uống nước rồi ngủ lại ngon", "bà thở êm re", "ông thở đều đều"])
def test_calm_breath_and_sleep_are_a_checkin(text: str) -> None:
    """Calm breath and sleep are a check-in, so that the flow's unclear net does not take them for worry."""
    assert _risk(text)[3] == "daily_checkin"


def test_calm_breath_keeps_a_sign_said_beside_it() -> None:
    assert _risk("bà thở đều nhưng gọi không dậy")[0] == "emergency"
