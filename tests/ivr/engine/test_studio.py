"""The studio's state machine (ivr/engine/studio.py): every branch, on an injected clock."""
from __future__ import annotations

import dataclasses

import pytest

from ivr.engine import studio as st
from ivr.engine.studio import StudioState as S

PROMPTS = (("greeting", "Tổng đài xin chào."), ("goodbye", "Xin chào ông bà."))


def _ids(actions: list[st.StudioAction]) -> list[str]:
    """Actions as short strings: Say(x) -> 'say:x', ReadPrompt(x) -> 'read:x', others by class name."""
    out = []
    for a in actions:
        if isinstance(a, st.Say):
            out.append(f"say:{a.prompt_id}")
        elif isinstance(a, st.ReadPrompt):
            out.append(f"read:{a.prompt_id}")
        else:
            out.append(type(a).__name__)
    return out


def _keys(m: st.Studio, digits: str, now: float) -> list[st.StudioAction]:
    out: list[st.StudioAction] = []
    for d in digits:
        out += m.handle(st.Key(digit=d), now)
    return out


def _logged_in(prompts: tuple[tuple[str, str], ...] = PROMPTS) -> st.Studio:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    actions = _keys(m, "123456#", 1.0)
    assert actions[-1] == st.CheckPin(pin="123456")
    assert m.handle(st.PinChecked(user="an", may_record=True), 2.0) == [st.ListPrompts()]
    assert m.state is S.LISTING
    m.handle(st.ToRecord(prompts=prompts), 2.0)
    assert m.state is S.ANNOUNCE
    return m


def _recorded(m: st.Studio, now: float = 10.0) -> st.Studio:
    """From ANNOUNCE: the beep played, the staff member speaks 3 s, then presses #."""
    assert m.handle(st.PlaybackDone(), now) == [st.StartRecording()]
    m.handle(st.Voice(active=True), now + 0.5)
    m.handle(st.Voice(active=False), now + 3.5)
    assert _ids(m.handle(st.Key(digit="#"), now + 4.0)) == ["StopRecording", "PlayRecording", "say:studio_review"]
    assert m.state is S.PLAYBACK
    return m


def test_pin_hash_round_trip_and_rules() -> None:
    stored = st.hash_pin("123456", iterations=1000)
    assert stored.startswith("pbkdf2_sha256$1000$")
    assert st.pin_matches("123456", stored)
    assert not st.pin_matches("123457", stored)
    assert not st.pin_matches("123456", "")
    assert not st.pin_matches("123456", "md5$1$00$00")
    assert not st.pin_matches("12ab56", stored)
    assert st.hash_pin("123456", iterations=1000) != stored  # salted
    for bad in ("12345", "1234567890123", "12345a", ""):
        with pytest.raises(ValueError, match="^Mã PIN phải gồm 6 đến 12 chữ số.$"):
            st.hash_pin(bad)


def test_events_and_actions_are_frozen() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.Key(digit="1").digit = "2"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        st.Save(prompt_id="a", text="b").text = "c"  # type: ignore[misc]


def test_pin_prompt_keys_and_star_restart() -> None:
    m = st.Studio()
    assert m.handle(st.Start(), 0.0) == [st.Say(prompt_id="studio_pin")]
    assert m.state is S.PIN
    assert m.handle(st.Key(digit="9"), 1.0) == [st.StopPlayback()]  # keying in cuts the prompt short
    assert m.handle(st.Key(digit="9"), 1.1) == []
    assert m.handle(st.Key(digit="*"), 1.2) == []  # start again
    assert _keys(m, "654321#", 2.0) == [st.StopPlayback(), st.StopPlayback(), st.CheckPin(pin="654321")]
    assert m.state is S.PIN_CHECK
    assert m.handle(st.Key(digit="5"), 2.5) == []  # ignored while checking


def test_pin_keys_are_capped_at_twelve() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    _keys(m, "1" * 20, 1.0)
    assert m.handle(st.Key(digit="#"), 2.0)[-1] == st.CheckPin(pin="1" * 12)


def test_three_wrong_pins_say_goodbye_and_hang_up() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    for attempt in (1, 2):
        _keys(m, "000000#", float(attempt))
        assert m.handle(st.PinChecked(), float(attempt)) == [
            st.PinFailed(attempt=attempt, locked=False), st.Say(prompt_id="studio_pin_wrong")]
        assert m.state is S.PIN
    _keys(m, "000000#", 3.0)
    assert m.handle(st.PinChecked(), 3.0) == [
        st.PinFailed(attempt=3, locked=True), st.Say(prompt_id="studio_pin_locked"), st.HangUpAfterPrompts()]
    assert m.state is S.CLOSING and m.pin_failures == 3
    assert m.handle(st.Key(digit="1"), 4.0) == []  # closing: keys mean nothing
    assert m.handle(st.PlaybackDone(), 5.0) == []


def test_blocked_caller_is_told_and_hung_up() -> None:
    m = st.Studio()
    assert m.handle(st.Start(blocked=True), 0.0) == [st.Say(prompt_id="studio_blocked"), st.HangUpAfterPrompts()]
    assert m.state is S.CLOSING


def test_right_pin_of_a_user_who_may_not_record() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    _keys(m, "123456#", 1.0)
    assert m.handle(st.PinChecked(user="bs_an", may_record=False), 1.0) == [
        st.Say(prompt_id="studio_not_allowed"), st.HangUpAfterPrompts()]
    assert m.state is S.CLOSING and m.user == "bs_an"


def test_pin_timeout_says_goodbye() -> None:
    m = st.Studio(pin_timeout_s=30)
    m.handle(st.Start(), 0.0)
    assert m.get_timer() == 30.0
    assert m.handle_timer(29.0) == []
    m.handle(st.Key(digit="1"), 20.0)  # a key restarts the wait
    assert m.get_timer() == 50.0
    assert _ids(m.handle_timer(50.0)) == ["StopPlayback", "say:studio_goodbye", "HangUpAfterPrompts"]
    assert m.state is S.CLOSING and m.get_timer() is None


def test_nothing_to_record() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    _keys(m, "123456#", 1.0)
    m.handle(st.PinChecked(user="an", may_record=True), 1.0)
    assert m.handle(st.ToRecord(prompts=()), 1.0) == [st.Say(prompt_id="studio_done"), st.HangUpAfterPrompts()]
    assert m.state is S.CLOSING


def test_announce_reads_the_prompt_then_beeps() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    _keys(m, "123456#", 1.0)
    m.handle(st.PinChecked(user="an", may_record=True), 1.0)
    actions = m.handle(st.ToRecord(prompts=PROMPTS), 1.0)
    assert actions == [st.Say(prompt_id="studio_welcome", values=(("count", "2"),)), st.Say(prompt_id="studio_next"),
                       st.ReadPrompt(prompt_id="greeting", text="Tổng đài xin chào."),
                       st.Say(prompt_id="studio_record"), st.Beep()]
    assert m.get_timer() is None
    assert m.handle(st.Key(digit="1"), 2.0) == []  # only 2 means something while the prompt is read


def test_key_two_while_reading_skips_the_prompt() -> None:
    m = _logged_in()
    assert _ids(m.handle(st.Key(digit="2"), 3.0)) == ["StopPlayback", "say:studio_next", "read:goodbye",
                                                      "say:studio_record", "Beep"]
    assert m.skipped == ["greeting"] and m.current[0] == "goodbye"
    assert _ids(m.handle(st.Key(digit="2"), 4.0)) == ["StopPlayback", "say:studio_left", "HangUpAfterPrompts"]
    assert m.state is S.CLOSING


def test_recording_ends_after_silence_following_speech() -> None:
    m = _logged_in()
    assert m.handle(st.PlaybackDone(), 10.0) == [st.StartRecording()]
    assert m.state is S.RECORDING
    assert m.get_timer() == 20.0  # no speech yet: no_speech_s
    m.handle(st.Voice(active=True), 11.0)
    assert m.get_timer() == 70.0  # speaking: only the 60 s limit
    m.handle(st.Voice(active=False), 13.0)
    assert m.get_timer() == 15.0
    m.handle(st.Voice(active=True), 14.0)  # a pause shorter than 2 s: still recording
    m.handle(st.Voice(active=False), 16.0)
    assert m.handle_timer(17.9) == []
    assert _ids(m.handle_timer(18.0)) == ["StopRecording", "PlayRecording", "say:studio_review"]
    assert m.state is S.PLAYBACK and m.get_timer() is None


def test_recording_stops_at_the_time_limit() -> None:
    m = _logged_in()
    m.handle(st.PlaybackDone(), 10.0)
    m.handle(st.Voice(active=True), 10.5)
    assert m.get_timer() == 70.0
    assert m.handle_timer(69.0) == []
    actions = m.handle_timer(70.0)
    assert actions[0] == st.StopRecording(keep=True) and m.state is S.PLAYBACK


def test_no_speech_reads_the_prompt_again() -> None:
    m = _logged_in()
    m.handle(st.PlaybackDone(), 10.0)
    assert _ids(m.handle_timer(20.0)) == ["StopRecording", "say:studio_no_speech", "read:greeting",
                                          "say:studio_record", "Beep"]
    assert m.state is S.ANNOUNCE
    m.handle(st.PlaybackDone(), 25.0)
    assert m.state is S.RECORDING
    # '#' before any speech: the same
    assert m.handle(st.Key(digit="#"), 26.0)[0] == st.StopRecording(keep=False)
    assert m.state is S.ANNOUNCE


def test_voice_outside_recording_is_ignored() -> None:
    m = _logged_in()
    assert m.handle(st.Voice(active=True), 3.0) == []
    assert m.state is S.ANNOUNCE


def test_keep_saves_and_moves_to_the_next_prompt() -> None:
    m = _recorded(_logged_in())
    assert m.handle(st.PlaybackDone(), 20.0) == []
    assert m.state is S.REVIEW
    assert m.handle(st.Key(digit="1"), 21.0) == [
        st.StopPlayback(), st.Say(prompt_id="studio_checking"),
        st.Save(prompt_id="greeting", text="Tổng đài xin chào.")]
    assert m.state is S.CHECKING
    assert m.handle(st.Key(digit="2"), 21.5) == []  # ignored while checking
    assert _ids(m.handle(st.Saved(), 23.0)) == ["say:studio_saved", "say:studio_next", "read:goodbye",
                                                "say:studio_record", "Beep"]
    assert m.saved == ["greeting"]
    _recorded(m, 30.0)
    m.handle(st.Key(digit="1"), 40.0)  # kept during the playback: no need to wait for the menu
    assert _ids(m.handle(st.Saved(), 42.0)) == ["say:studio_saved", "say:studio_done", "HangUpAfterPrompts"]
    assert m.state is S.CLOSING and m.saved == ["greeting", "goodbye"]


def test_redo_skip_and_hear_again() -> None:
    m = _recorded(_logged_in())
    assert _ids(m.handle(st.Key(digit="*"), 15.0)) == ["StopPlayback", "PlayRecording", "say:studio_review"]
    assert m.state is S.PLAYBACK
    m.handle(st.PlaybackDone(), 20.0)
    assert _ids(m.handle(st.Key(digit="2"), 21.0)) == ["StopPlayback", "say:studio_next", "read:greeting",
                                                       "say:studio_record", "Beep"]
    assert m.state is S.ANNOUNCE and m.current[0] == "greeting"
    _recorded(m, 30.0)
    assert m.handle(st.Key(digit="7"), 35.0) == []  # not a menu key
    assert _ids(m.handle(st.Key(digit="3"), 36.0))[:3] == ["StopPlayback", "say:studio_next", "read:goodbye"]
    assert m.skipped == ["greeting"]


def test_refused_recording_says_what_was_heard_and_offers_a_redo() -> None:
    m = _recorded(_logged_in())
    m.handle(st.Key(digit="1"), 15.0)
    heard = " ".join(f"từ{i}" for i in range(20))
    actions = m.handle(st.Refused(heard=heard, message="không khớp"), 17.0)
    assert actions[0] == st.Say(prompt_id="studio_refused_words",
                                values=(("heard", " ".join(f"từ{i}" for i in range(12)) + " ..."),))
    assert actions[1] == st.Say(prompt_id="studio_refused_menu")
    assert m.state is S.REFUSED
    assert m.handle(st.Key(digit="1"), 18.0) == []  # keeping again is not offered
    assert _ids(m.handle(st.Key(digit="*"), 18.5)) == ["StopPlayback", "PlayRecording", "say:studio_review"]
    m.handle(st.Key(digit="1"), 19.0)
    assert _ids(m.handle(st.Refused(heard="", message="không khớp"), 20.0)) == [
        "say:studio_refused_nothing", "say:studio_refused_menu"]
    assert _ids(m.handle(st.Key(digit="2"), 21.0))[1:3] == ["say:studio_next", "read:greeting"]
    _recorded(m, 30.0)
    m.handle(st.Key(digit="1"), 35.0)
    assert _ids(m.handle(st.Refused(heard=None, message="quá nhỏ"), 36.0)) == [
        "say:studio_refused_audio", "say:studio_refused_menu"]
    assert _ids(m.handle(st.Key(digit="3"), 37.0))[1:3] == ["say:studio_next", "read:goodbye"]


def test_unanswered_menu_repeats_then_says_goodbye() -> None:
    m = _recorded(_logged_in())
    m.handle(st.PlaybackDone(), 20.0)
    assert m.get_timer() == 35.0
    assert m.handle_timer(34.0) == []
    assert m.handle_timer(35.0) == [st.Say(prompt_id="studio_review")]
    assert m.get_timer() is None  # waits for the menu to play
    m.handle(st.PlaybackDone(), 40.0)
    assert m.get_timer() == 55.0
    assert m.handle_timer(55.0) == [st.Say(prompt_id="studio_review")]
    m.handle(st.PlaybackDone(), 60.0)
    assert _ids(m.handle_timer(75.0)) == ["StopPlayback", "say:studio_left", "HangUpAfterPrompts"]
    assert m.state is S.CLOSING


def test_unanswered_refusal_menu_repeats() -> None:
    m = _recorded(_logged_in())
    m.handle(st.Key(digit="1"), 15.0)
    m.handle(st.Refused(heard=None, message="x"), 16.0)
    assert m.get_timer() is None
    m.handle(st.PlaybackDone(), 20.0)
    assert m.handle_timer(35.0) == [st.Say(prompt_id="studio_refused_menu")]


def test_hang_up_while_recording_discards_it() -> None:
    m = _logged_in()
    m.handle(st.PlaybackDone(), 10.0)
    assert m.handle(st.HungUp(), 11.0) == [st.StopRecording(keep=False)]
    assert m.state is S.ENDED
    assert m.handle(st.HungUp(), 12.0) == []
    assert m.handle(st.Key(digit="1"), 12.0) == []


def test_hang_up_elsewhere() -> None:
    m = st.Studio()
    m.handle(st.Start(), 0.0)
    assert m.handle(st.HungUp(), 1.0) == []
    assert m.state is S.ENDED


def test_a_move_the_table_does_not_allow_is_an_error() -> None:
    m = st.Studio()
    with pytest.raises(st.StudioError, match=r"^studio: cannot pin_ok while idle \(allowed: start, blocked, "
                                             r"ignored, hung_up\)$"):
        m.handle(st.PinChecked(user="an", may_record=True), 0.0)
    with pytest.raises(TypeError, match="not a studio event"):
        m.handle(object(), 0.0)  # type: ignore[arg-type]


def test_every_state_has_a_way_out() -> None:
    for state, moves in st.TRANSITIONS.items():
        assert st.StudioMove.HUNG_UP in moves, state
