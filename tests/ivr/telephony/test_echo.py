"""A hold prompt's own words heard back over the line are not the caller's (``ivr.telephony.echo``)."""
from __future__ import annotations

import pytest

from ivr.telephony.echo import is_echo

PROMPT_115 = "Nếu thấy khó thở hơn hoặc mệt lả, ông bà hãy gọi ngay 115."
REASSURE = ("Bác sĩ trực đã nhận được thông tin và sẽ nói chuyện với ông bà ngay. Xin ông bà giữ máy. "
            "Muốn nghe lại, bấm phím sao.")


@pytest.mark.parametrize("heard", [
    "nếu thấy khó thở hơn hoặc mệt lả ông bà hãy gọi ngay",  # the prompt, cut at the end
    "neu thay kho tho hon hoac met la ong ba hay goi ngay",  # no tones
    "thấy khó thở hơn hoặc mệt lã ông bà hãy gọi ngay một một lăm",  # slips, the number as the prompt says it
    "bác sĩ trực đã nhận được thông tin và sẽ nói chuyện",
])
def test_the_prompt_heard_back_is_echo(heard: str) -> None:
    assert is_echo(heard, [REASSURE, PROMPT_115])


@pytest.mark.parametrize("heard", [
    "khó thở",  # short: always the caller's, even with the prompt's words
    "khó thở hơn mệt lả",
    "khó thở hơn hoặc mệt lả",
    "cứu với bà tôi khó thở hơn rồi mệt lả lắm",
    "mẹ khó thở hơn hoặc mệt lả",  # the caller repeats the prompt's words about the patient
    "bác sĩ ơi bà tôi lịm đi rồi không gọi được",
])
def test_the_caller_s_own_words_are_not_echo(heard: str) -> None:
    assert not is_echo(heard, [REASSURE, PROMPT_115])


def test_nothing_played_nothing_echoed() -> None:
    assert not is_echo("nếu thấy khó thở hơn hoặc mệt lả ông bà hãy gọi ngay", [])
