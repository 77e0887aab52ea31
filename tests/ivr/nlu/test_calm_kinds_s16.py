"""Calm talk that was escalated for nothing, by kind (issue 12, session 16, helper n23-calm), with escalating twins in
the same words: a supposition said with "lỡ"/"nhỡ"/"trường hợp" and a "thì" after the sign, "khi" right before a
sign in a question, a sign asked to end ("khi nào thì hết khó thở"), a past sign over in southern words ("hôm bữa",
"thở êm rồi"), a yes/no question reported then answered no, a relative elsewhere already in hospital or living
elsewhere with the caller's home fine, a pet, a fire dying down, a phone that cuts out, a meal refused for a reason
that is no illness, annoyance at the calls, and the calm senses of sign-like words masked from the n-gram model.
Own wordings, written for the kinds, not copied from a scored set. Scored as the flow does: triage's risk, or the
concern net (the concern flag on an utterance nothing else was understood in)."""
from __future__ import annotations

import pytest

from ivr.nlu.understander import model_text
from tests.ivr.nlu.flowrisk import escalates as _escalates

CALM = {
    "supposed_then": [
        "lỡ tối nay thở mệt thì tôi gọi số nào",
        "nhỡ ông bị ngất xỉu thì nhà tôi phải làm gì trước",
        "trường hợp mẹ tôi tím môi thì có được chở đi luôn không",
        "chẳng may bé co giật thì sơ cứu sao ạ",
    ],
    "bare_when_question": [
        "có nên đo spo2 khi khó thở không chị",
        "có cần đi viện khi tức ngực không",
        "lúc khó thở có nên nằm sấp không",
        "mỗi khi thở mệt có cần gọi bác sĩ không",
    ],
    "past_over_south": [
        "hôm bữa ba tui thở dốc chút xíu mà giờ hết rồi",
        "hôm nọ có hụt hơi một lúc, giờ thở êm rồi",
        "bữa hổm tức ngực nhẹ giờ hết trơn rồi",
    ],
    "asked_then_no": [
        "chị y tá hỏi có tím môi không thì dạ không",
        "bác sĩ hỏi bà có lơ mơ không thì dạ không ạ",
    ],
    "elsewhere": [
        "ông ngoại ở Cần Thơ bị khó thở đã nhập viện rồi, ở nhà vẫn ổn",
        "cô em họ bị co giật đang nằm viện, nhà tôi không sao",
        "anh tôi dưới quê bị tức ngực nhà tôi vẫn khỏe",
        "con thỏ nhà tôi tự nhiên thở dốc có lây không",
    ],
    "things": [
        "cái bếp củi lịm rồi để tôi thổi lại",
        "máy tôi hay bị ngất nguồn",
        "không ăn được đồ cay vì dị ứng, còn lại ăn bình thường",
        "không uống được nước cam vì dị ứng",
    ],
    "annoyance": [
        "ôi trời phiền quá, tuần này gọi ba lần rồi",
        "trời ơi gọi hoài vậy, tôi đang bận",
    ],
    "lookalike_words": [
        "ba đang thờ cúng ông bà gọi lại sau",
        "áo màu tím than đẹp ghê",
    ],
}

ESCALATE = {
    "supposed_then": [
        "tôi thở mệt từ tối qua rồi, gọi số nào",
        "ông bị ngất xỉu rồi, nhà tôi phải làm gì trước",
        "trường hợp của mẹ tôi là tím môi từ sáng",
        "lo quá bà khó thở",
    ],
    "bare_when_question": [
        "từ khi sốt tới giờ bà thở mệt lắm có cần gọi bác sĩ không",
        "tôi đang khó thở có nên đo spo2 không",
    ],
    "asked_to_end": [
        "khi nào thì hết khó thở vậy tôi khó thở từ hôm qua",
        "bao giờ thì hết tức ngực hả bác sĩ",
    ],
    "past_over_south": [
        "hôm bữa thở dốc giờ lại thở dốc nữa",
        "hôm nọ có hụt hơi, giờ vẫn còn hụt hơi",
    ],
    "asked_then_yes": [
        "chị y tá hỏi có tím môi không thì dạ có",
    ],
    "elsewhere": [
        "ông ngoại ở Cần Thơ bị khó thở đã nhập viện rồi",
        "mẹ tôi ở với tôi bị co giật",
        "anh tôi dưới quê bị tức ngực",
    ],
    "things": [
        "cái bếp lịm rồi mà bà cũng lịm đi gọi không dậy",
        "bé không ăn được gì, uống gì cũng nôn",
        "mẹ không uống được gì cả",
    ],
    "annoyance": [
        "trời ơi bà tôi xỉu rồi",
        "trời ơi gọi hoài không được, cứu với",
    ],
    "lookalike_words": [
        "đang ở nhà thờ thì bà ngất xỉu",
        "môi bé tím lại rồi",
        "người nóng như lò, nằm li bì",
    ],
    # the guards of the kinds above: "lỡ" by mistake with a now word, "rồi" before "thì", "trường hợp của", a person
    # before "khi", a baby's feeding, a relative elsewhere with no word that the caller's home is fine
    "guards": [
        "tôi lỡ ăn hải sản giờ khó thở thì làm sao",
        "lỡ bà tím môi rồi thì sao",
        "trường hợp của mẹ tôi là khó thở thì phải làm sao",
        "bà tôi khi khó thở thì có cần đi viện không",
        "bé không bú được vì dị ứng",
        "con không uống được vì dị ứng thuốc",
        "mẹ tôi ở quê khó thở tôi hỏi vậy thôi",
    ],
}


@pytest.mark.parametrize("text", [t for ts in CALM.values() for t in ts])
def test_calm_kind_is_not_escalated(text: str) -> None:
    assert not _escalates(text), text


@pytest.mark.parametrize("text", [t for ts in ESCALATE.values() for t in ts])
def test_escalating_twin_stays_escalated(text: str) -> None:
    assert _escalates(text), text


def test_model_text_masks_only_lookalikes() -> None:
    assert model_text("mẹ tôi khó thở") == "mẹ tôi khó thở"
    assert "thờ cúng" not in model_text("tôi đang thờ cúng ông bà")
