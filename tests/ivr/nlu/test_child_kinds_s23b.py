"""Mothers, babies and children of retired held-out set 21, fixed by kind (issue 12, session 23b, n67-s21-child, with
tests/data/utterances_s23b_child.jsonl; ``ivr.nlu.child``): breasts full when the milk comes in, a baby's purr of a
stuffy nose while feeding and sleeping well, a toddler refusing one food with tears and wet nappies, a croup cough that
settled, a breath held in a tantrum let go at once, a fit long ago, a relative far away in hospital with the household
fine. And the other way: MIS-C, a child weeks after COVID with fever for days and one inflammation sign, is high. Each
kind has urgent twins that stay urgent. Examples are new, not dev or held-out rows; scored the way the flow does
(``tests.ivr.nlu.flowrisk``)."""
from __future__ import annotations

import pytest

from tests.ivr.nlu.flowrisk import NLU, escalates, flow_risk


@pytest.mark.parametrize("text", [
    # milk coming in
    "em mới sinh được một tuần, sữa về căng tức ngực lắm, vắt bớt sữa ra là dễ chịu",
    "vợ tôi đẻ được tám ngày, bị cương sữa nên ngực tức căng, cho bé bú nhiều là đỡ",
    # a baby's purr of a stuffy nose
    "bé nhà tôi ba tuần tuổi thở khò khè như con mèo kêu, nhưng bú tốt, ngủ ngon",
    "con em hai tháng thở khọt khẹt trong mũi, bú được, ngủ say",
    # a toddler refusing one food, tears and wet nappies said
    "bé nhà tôi ba tuổi khóc ầm ĩ nước mắt chảy đầy mặt, tã vẫn ướt, chỉ là không chịu ăn trái cây",
    # a croup cough that settled
    "con tôi hai tuổi khuya ho ông ổng, bế ra sân hít gió mát là hết rít, giờ ngủ lại rồi",
    # a breath held in a tantrum, let go at once
    "thằng bé dỗi mẹ nín thở một chút, mặt đỏ lên, rồi thở lại ngay, giờ đang xem hoạt hình",
    # a fit long ago
    "con gái tôi hồi ba tuổi bị sốt cao co giật một lần, giờ mười một tuổi, hôm nay chỉ hắt hơi",
    "thằng lớn hồi nhỏ có bị co giật do sốt, từ đó tới nay không bị lại, bây giờ nó hơi ho",
    # a relative far away in hospital, the household fine
    "dì tôi ở quê bị khó thở đang nằm viện, còn nhà tôi ai cũng khỏe, tôi hỏi giờ làm việc của trạm",
    "anh trai em ở xa nhập viện vì covid, ô xi tụt, nhà em không ai bị gì, em hỏi cách lau nhà",
])
def test_a_calm_child_or_mother_kind_does_not_escalate(text: str) -> None:
    u = NLU.understand(text)
    assert not escalates(text), (text, u.intent, u.symptoms, u.vitals, u.concern)


@pytest.mark.parametrize("text", [
    # after birth: chest pain with breathlessness, a swollen calf then breathless
    "em sinh được mười ngày, sữa về tức ngực mà còn khó thở, thở hụt hơi",
    "vợ em đẻ được hai tuần, bắp chân sưng đau, giờ tức ngực khó thở",
    # a baby: fast breathing with a drawn-in chest, blue, off the breast
    "bé nhà tôi một tháng thở khò khè, thở nhanh, rút lõm ngực",
    "con em sáu tuần thở khọt khẹt mà môi tím, bỏ bú",
    "bé ba tuần thở khò khè như mèo kêu, bú ngon ngủ ngon mà sốt ba tám độ",
    # a dry child
    "con tôi hai tuổi không chịu ăn uống gì, khóc không ra nước mắt, tã khô cả ngày",
    "bé một tuổi không chịu ăn rau mà nôn hết, thóp lõm, nằm li bì",
    # croup at rest, blue lips
    "bé ho ông ổng, nằm yên cũng thở rít, lõm ngực",
    "con tôi ho như chó sủa, thở rít, môi tím tái",
    # a tantrum gone wrong
    "bé nín thở khi ăn vạ rồi tím tái mềm nhũn, gọi không dậy",
    # a fit today
    "con em hồi nhỏ có bị co giật, hôm nay sốt cao lại co giật nữa",
    "thằng bé hồi hai tuổi bị co giật một lần, sáng nay lại lên cơn, mắt trợn",
    "con tôi hồi lên ba bị sốt co giật, mấy năm nay không sao, mà hôm nay lại bị",
    # the caller's own household has the sign
    "bà ngoại ở quê nằm viện vì khó thở, nhà tôi tưởng ai cũng khỏe mà nay mẹ tôi cũng thở dốc",
    "mẹ tôi ở quê khó thở quá, chưa đi viện được",
])
def test_its_urgent_twin_escalates(text: str) -> None:
    u = NLU.understand(text)
    assert escalates(text), (text, u.intent, u.symptoms, u.vitals, u.concern)


@pytest.mark.parametrize("text", [
    "con trai tôi bảy tuổi, khỏi covid được ba tuần, sốt bốn ngày không hạ, lòng bàn tay đỏ",
    "bé gái tám tuổi hết covid một tháng, nay sốt ba hôm liền, mặt sưng phù",
    "cháu tôi sau covid bốn tuần, sốt năm ngày, đau bụng nhiều",
])
def test_mis_c_weeks_after_covid_is_high(text: str) -> None:
    u = NLU.understand(text)
    assert "caller_concern" in u.symptoms and "prolonged_fever" in u.symptoms, (text, u.symptoms)
    assert flow_risk(text) == "high"


@pytest.mark.parametrize("text", [
    "bé nhà em bị cảm hai hôm, mắt hơi đỏ, chảy nước mũi, không sốt",
    "con tôi sáu tuổi hết covid hai tuần, không sốt nữa, chỉ nổi rôm sảy sau lưng",
])
def test_a_cold_or_prickly_heat_is_no_mis_c(text: str) -> None:
    u = NLU.understand(text)
    assert "caller_concern" not in u.symptoms and not escalates(text), (text, u.symptoms)


def test_milk_coming_in_is_no_chest_pain_but_a_croup_keeps_its_cough() -> None:
    assert "chest_pain" not in NLU.understand("em sinh được hai tuần, căng sữa tức ngực, hút ra là đỡ").symptoms
    u = NLU.understand("bé ba tuổi ho ông ổng, cho hít hơi nước ấm là hết rít, giờ ngủ tiếp rồi")
    assert "cough" in u.symptoms and flow_risk(u.text) == "low", u.symptoms
    u = NLU.understand("con tôi hồi hai tuổi bị sốt co giật, giờ chín tuổi, hôm nay ho nhẹ")
    assert "cough" in u.symptoms and "altered_consciousness" not in u.symptoms, u.symptoms
