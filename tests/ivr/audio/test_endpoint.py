"""End of turn and barge-in (ivr.audio.endpoint): the sans-I/O turn taker, alone and on real recordings
decoded by the real recognizer (tests/data/audio), with time taken from the audio itself."""
from __future__ import annotations

from pathlib import Path

import pytest

from ivr import audio
from ivr import config as config_mod
from ivr.audio import endpoint as EP
from ivr.errors import AudioError
from ivr.speech.recognizer import Recognizer, open_recognizer

DATA = Path(__file__).resolve().parents[2] / "data" / "audio"
YES_NO = ["có", "không"]


# ------------------------------------------------------------------ the policy on text


def test_classify_complete_trailing_open() -> None:
    assert EP.classify("có", YES_NO) == EP.COMPLETE
    assert EP.classify("dạ có ạ", YES_NO) == EP.COMPLETE
    assert EP.classify("mười chín", None) == EP.COMPLETE  # a bare number
    assert EP.classify("không", None) == EP.OPEN  # "không" alone is not a number
    assert EP.classify("tôi bị ho và", None) == EP.TRAILING_WORD
    assert EP.classify("ờ", YES_NO) == EP.TRAILING_WORD
    assert EP.classify("tôi bị ho", YES_NO) == EP.OPEN
    assert EP.classify("", YES_NO) == EP.OPEN


def test_backchannel_words() -> None:
    for text in ("dạ", "vâng", "ừ", "ờ", "vâng ạ", "dạ vâng", "ừ ừ"):
        assert EP.is_backchannel(text), text
    for text in ("", "có", "dạ có", "vâng tôi bị sốt", "không"):
        assert not EP.is_backchannel(text), text


def test_policy_rejects_a_segment_window_longer_than_an_end_of_turn() -> None:
    with pytest.raises(AudioError, match="segment_ms must be positive"):
        EP.EndpointPolicy(segment_ms=300, complete_ms=200)


def _said(tt: EP.TurnTaker, start: float, end: float, text: str, *, decoded_after: float = 0.05,
          during_prompt: bool = False) -> list[EP.Action]:
    """One segment: speech from ``start`` to ``end``, closed by the gate 200 ms later, decoded soon after."""
    actions = tt.handle(EP.SegmentStarted(at=start, during_prompt=during_prompt))
    actions += tt.handle(EP.SegmentEnded(at=end + 0.2, speech_end=end))
    return actions + tt.handle(EP.Transcript(at=end + 0.2 + decoded_after, text=text, confidence=0.9))


def test_complete_answer_ends_the_turn_after_the_short_silence() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    actions = _said(tt, 1.0, 1.4, "có")
    assert actions == [EP.EndOfTurn(text="có", confidence=0.9, speech_end=1.4, kind=EP.COMPLETE, decoded_at=1.65)]
    assert not tt.busy


def test_open_answer_waits_the_default_silence_and_joins_segments() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    assert _said(tt, 1.0, 2.0, "tôi bị sốt") == []
    assert tt.handle(EP.Tick(at=2.45)) == [] and tt.busy  # 450 ms of silence: not yet
    assert _said(tt, 2.45, 3.0, "từ hôm qua") == []  # the caller goes on: the same turn
    assert tt.handle(EP.Tick(at=3.49)) == []
    [end] = tt.handle(EP.Tick(at=3.5))
    assert isinstance(end, EP.EndOfTurn) and end.text == "tôi bị sốt từ hôm qua" and end.kind == EP.OPEN


def test_trailing_filler_waits_longer() -> None:
    tt = EP.TurnTaker(grammar=None)
    assert _said(tt, 1.0, 2.0, "tôi bị ho và") == []
    assert tt.handle(EP.Tick(at=2.9)) == []
    [end] = tt.handle(EP.Tick(at=3.0))
    assert isinstance(end, EP.EndOfTurn) and end.kind == EP.TRAILING_WORD


def test_backchannel_during_a_prompt_is_not_an_interruption_nor_an_answer() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    actions = _said(tt, 1.0, 1.3, "dạ", during_prompt=True)
    assert actions == [EP.Backchannel(text="dạ")]
    assert not tt.busy
    assert tt.handle(EP.Tick(at=5.0)) == []  # never becomes a turn


def test_noise_during_a_prompt_resumes_it() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    assert _said(tt, 1.0, 1.3, "", during_prompt=True) == [EP.Backchannel(text="")]


def test_an_answer_during_a_prompt_barges_in_when_its_words_are_known() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    actions = _said(tt, 1.0, 1.3, "không", during_prompt=True)
    assert actions[0] == EP.BargeIn(why="words")
    assert isinstance(actions[1], EP.EndOfTurn) and actions[1].text == "không"


def test_long_speech_during_a_prompt_barges_in_before_its_end() -> None:
    tt = EP.TurnTaker(grammar=YES_NO)
    tt.handle(EP.SegmentStarted(at=1.0, during_prompt=True))
    assert tt.handle(EP.Tick(at=1.58)) == []
    assert tt.handle(EP.Tick(at=1.6)) == [EP.BargeIn(why="long speech")]
    assert tt.handle(EP.Tick(at=1.8)) == []  # once
    tt.handle(EP.SegmentEnded(at=3.2, speech_end=3.0))
    actions = tt.handle(EP.Transcript(at=3.25, text="vâng tôi bị sốt cao", confidence=0.8))
    assert not any(isinstance(a, EP.BargeIn) for a in actions)  # "vâng ..." is more than a backchannel


def test_flush_at_hang_up_delivers_what_was_said() -> None:
    tt = EP.TurnTaker(grammar=None)
    _said(tt, 1.0, 2.0, "tôi khó thở")
    [end] = tt.flush(2.3)
    assert isinstance(end, EP.EndOfTurn) and end.text == "tôi khó thở"
    assert tt.flush(2.4) == []


# ------------------------------------------------------------------ real recordings, real recognizer


@pytest.fixture(scope="module")
def rec(tmp_path_factory: pytest.TempPathFactory) -> Recognizer:
    tmp = tmp_path_factory.mktemp("endpoint")
    return open_recognizer(config_mod.load(env={}, data_dir=tmp / "data", asr_models_dir=tmp), "vietasr")


def run_turn(rec: Recognizer, names: list[str], grammar: list[str] | None, *, gap_s: float = 0.0,
             during_prompt: bool = False) -> list[tuple[float, EP.Action, float]]:
    """Recordings (8 kHz, joined by ``gap_s`` of silence, then 2 s of silence) through the call loop's gate
    (segments of 200 ms) and the turn taker; every segment decoded by the real recognizer when it closes.
    Returns (time, action, end of the last speech frame the gate saw)."""
    policy = EP.EndpointPolicy()
    pcm = b""
    for i, name in enumerate(names):
        x, rate = audio.read_wav(DATA / name)
        x = audio.resample(x, rate, 8000)
        if gap_s:  # the recording's own silence trimmed: the pause between them is gap_s
            loud = [j for j, f in enumerate(audio.iter_frames(x, 8000, 20)) if audio.rms_dbfs(f) > -40]
            x = x[max(0, loud[0] - 2) * 320:(loud[-1] + 1) * 320]
        pcm += (bytes(int(gap_s * 8000) * 2) if i else b"") + x
    pcm += bytes(2 * 8000 * 2)
    gate = audio.VoiceGate(8000, start_ms=60, end_silence_ms=policy.segment_ms, hangover_ms=policy.segment_ms,
                           pre_roll_ms=300, max_utterance_ms=15000)
    tt = EP.TurnTaker(policy=policy, grammar=grammar)
    out: list[tuple[float, EP.Action, float]] = []
    segment = b""
    last_speech = 0.0
    for frame in audio.iter_frames(pcm, 8000, 20):
        for ev in gate.feed(frame):
            now = ev.time_s
            if ev.speech and gate.in_utterance:
                last_speech = now
            actions: list[EP.Action] = []
            if ev.started:
                segment = b""
                actions += tt.handle(EP.SegmentStarted(at=now, during_prompt=during_prompt))
            segment += ev.audio
            if ev.ended:
                tt.handle(EP.SegmentEnded(at=now, speech_end=now - policy.segment_ms / 1000))
                result = rec.transcribe(segment, 8000, grammar)
                actions += tt.handle(EP.Transcript(at=now, text=result.text, confidence=result.confidence))
            actions += tt.handle(EP.Tick(at=now))
            out += [(now, a, last_speech) for a in actions]
    return out


@pytest.mark.slow
def test_real_yes_ends_the_turn_300_ms_sooner_than_the_fixed_window(rec: Recognizer) -> None:
    [(at, end, last)] = run_turn(rec, ["co.wav"], YES_NO)
    assert isinstance(end, EP.EndOfTurn) and end.text == "có" and end.kind == EP.COMPLETE
    assert at - end.speech_end == pytest.approx(0.2, abs=0.03)  # was a fixed 500 ms for every answer
    assert at - last <= 0.25


@pytest.mark.slow
def test_real_number_is_a_complete_answer(rec: Recognizer) -> None:
    [(at, end, _)] = run_turn(rec, ["muoi_chin.wav"], None)
    assert isinstance(end, EP.EndOfTurn) and end.text == "mười chín" and end.kind == EP.COMPLETE
    assert at - end.speech_end == pytest.approx(0.2, abs=0.03)


@pytest.mark.slow
def test_real_sentence_is_one_turn_heard_whole(rec: Recognizer) -> None:
    [(at, end, _)] = run_turn(rec, ["sentence_ly.wav"], YES_NO)
    assert isinstance(end, EP.EndOfTurn)
    assert end.text == "chúng ta có thể áp dụng logic tương tự với người khác"
    assert end.kind == EP.OPEN and at - end.speech_end == pytest.approx(0.5, abs=0.03)


@pytest.mark.slow
def test_real_answers_with_a_short_pause_are_one_turn(rec: Recognizer) -> None:
    actions = run_turn(rec, ["sentence_ly.wav", "duoc.wav"], None, gap_s=0.35)
    ends = [a for _, a, _ in actions if isinstance(a, EP.EndOfTurn)]
    assert len(ends) == 1 and ends[0].text == "chúng ta có thể áp dụng logic tương tự với người khác được"


@pytest.mark.slow
def test_real_answer_over_a_prompt_barges_in(rec: Recognizer) -> None:
    actions = run_turn(rec, ["khong.wav"], YES_NO, during_prompt=True)
    assert [type(a) for _, a, _ in actions] == [EP.BargeIn, EP.EndOfTurn]
    assert actions[1][1].text == "không"  # type: ignore[union-attr]
    long = run_turn(rec, ["sentence_doan.wav"], YES_NO, during_prompt=True)
    (at, barge, _), *rest = long
    assert barge == EP.BargeIn(why="long speech")
    assert at < 1.5  # 600 ms into the sentence, long before its end
    assert isinstance(rest[-1][1], EP.EndOfTurn)
