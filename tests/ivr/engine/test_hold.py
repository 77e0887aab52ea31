"""ivr.engine.hold: the hold / dial / bridge table, every allowed move, refused moves, timers (no I/O)."""
from __future__ import annotations

import pytest

from ivr.engine import hold as H
from ivr.engine.hold import HoldMove as M
from ivr.engine.hold import HoldState as S

T0 = 1000.0


def _holding(**kw: float) -> H.Hold:
    m = H.Hold(hold_limit_s=90, reassure_s=20, ring_s=30, poll_s=1, **kw)
    assert m.handle(H.Start(risk="high"), T0) == []
    return m


def _case(status: str = "waiting", mode: str = "live", **kw: object) -> H.CaseSeen:
    return H.CaseSeen(status=status, mode=mode, **kw)  # type: ignore[arg-type]


def _dialling(m: H.Hold | None = None, now: float = T0) -> H.Hold:
    m = m or _holding()
    m.handle_timer(now)
    actions = m.handle(_case("picked", staff_phone="doctor-an", staff_id=7), now)
    assert actions == [H.PlayPrompt(prompt_id="bridge_connecting", clear=True), H.Dial(phone="doctor-an", staff_id=7)]
    assert m.state is S.DIALLING
    return m


def _bridged() -> H.Hold:
    m = _dialling()
    assert m.handle(H.LegAnswered(), T0 + 2) == [H.Bridge(staff_id=7)]
    assert m.state is S.BRIDGED and m.answered
    return m


# ------------------------------------------------------------------ the table itself

def test_the_table_names_every_state_and_only_known_moves() -> None:
    assert set(H.TRANSITIONS) == set(S)
    for state, moves in H.TRANSITIONS.items():
        assert set(moves) <= set(M) and set(moves.values()) <= set(S), state
        assert M.IGNORED in moves  # a stray key is never an error
    # once over, a call stays over
    assert H.TRANSITIONS[S.ENDED] == {M.IGNORED: S.ENDED}
    # the caller can always leave, the call limit always applies
    for state in set(S) - {S.ENDED}:
        assert H.TRANSITIONS[state][M.CALLER_HUNG_UP] is S.ENDED
        assert H.TRANSITIONS[state][M.CALL_LIMIT] is S.ENDED


@pytest.mark.parametrize(("state", "move"), [(s, m) for s in S for m in M if m not in H.TRANSITIONS[s]])
def test_every_move_the_table_does_not_allow_raises_the_one_error(state: S, move: M) -> None:
    m = H.Hold()
    m.state = state
    with pytest.raises(H.HoldError) as err:
        m._move(move)
    assert str(err.value).startswith(f"hold: cannot {move.value} while {state.value} (allowed: ")
    assert m.state is state


@pytest.mark.parametrize(("state", "move"), [(s, m) for s in S for m in H.TRANSITIONS[s]])
def test_every_allowed_move_lands_where_the_table_says(state: S, move: M) -> None:
    m = H.Hold()
    m.state = state
    m._move(move)
    assert m.state is H.TRANSITIONS[state][move]


def test_refused_event_messages_name_the_state_and_the_allowed_moves() -> None:
    m = H.Hold()
    with pytest.raises(H.HoldError) as err:
        m.handle(H.LegAnswered(), T0)
    assert str(err.value) == "hold: cannot answered while idle (allowed: start, caller_hung_up, call_limit, ignored)"
    m = _holding()
    with pytest.raises(H.HoldError, match="hold: cannot start while holding"):
        m.handle(H.Start(risk="high"), T0)


# ------------------------------------------------------------------ holding

def test_start_polls_at_once_then_every_poll_s() -> None:
    m = _holding()
    assert m.get_timer() == T0
    assert m.handle_timer(T0) == [H.PollCase()]
    assert m.handle(_case(), T0) == [] and m.state is S.HOLDING
    assert m.get_timer() == T0 + 1
    assert m.handle_timer(T0 + 0.5) == []
    assert m.handle_timer(T0 + 1) == [H.PollCase()]


def test_reassurance_every_reassure_s_of_quiet_with_115_for_an_emergency() -> None:
    m = H.Hold(reassure_s=20, poll_s=100, hold_limit_s=1000)
    m.handle(H.Start(risk="emergency"), T0)
    m.handle_timer(T0)
    m.handle(_case(), T0)
    assert m.get_timer() == T0 + 20
    assert m.handle_timer(T0 + 20, quiet=False) == []  # something plays: it waits
    assert m.handle_timer(T0 + 21) == [H.PlayPrompt(prompt_id="hold_reassure"), H.PlayPrompt(prompt_id="hold_115")]
    assert m.get_timer() == T0 + 41


def test_star_repeats_the_reassurance_at_once_other_keys_are_ignored() -> None:
    m = _holding()
    assert m.handle(H.Key(digit="5"), T0 + 3) == [] and m.state is S.HOLDING
    assert m.handle(H.Key(digit="*"), T0 + 3) == [H.PlayPrompt(prompt_id="hold_reassure", clear=True)]
    assert m._next_reassure == T0 + 23


def test_the_case_risk_updates_the_hold_risk() -> None:
    m = _holding()
    m.handle_timer(T0)
    m.handle(_case(risk="emergency"), T0)
    assert m.handle(H.Key(digit="*"), T0)[-1] == H.PlayPrompt(prompt_id="hold_115")


@pytest.mark.parametrize(("case", "why"), [
    (_case(mode="callback"), "case waiting/callback"),
    (_case("resolved"), "case resolved/live"),
    (_case("picked"), "case picked without a phone to bridge"),
    (_case("in_call", staff_phone="doctor-an"), "case in_call without a phone to bridge"),
])
def test_a_case_that_cannot_be_bridged_becomes_a_callback(case: H.CaseSeen, why: str) -> None:
    m = _holding()
    m.handle_timer(T0)
    assert m.handle(case, T0) == [H.MakeCallback(why=why), H.PlayPrompt(prompt_id="hold_callback", clear=True),
                                  H.HangUpAfterPrompts()]
    assert m.state is S.CLOSING and m.get_timer() is None


def test_hold_limit_makes_a_callback_after_the_poll_of_the_same_moment() -> None:
    m = _holding()
    played = []
    for t in range(90):  # the runner's loop: run what is due until nothing is, a case still waiting
        while (due := m.get_timer()) is not None and due <= T0 + t and (actions := m.handle_timer(T0 + t)):
            played += [a.prompt_id for a in actions if isinstance(a, H.PlayPrompt)]
            if actions == [H.PollCase()]:
                m.handle(_case(), T0 + t)
    assert played == ["hold_reassure"] * 4  # at 20, 40, 60, 80 s
    now = T0 + 90
    assert m.get_timer() == now
    assert m.handle_timer(now) == [H.PollCase()]  # the case first: picked at the last moment still counts
    assert m.handle(_case(), now) == []
    assert m.handle_timer(now)[0] == H.MakeCallback(why="nobody picked within 90 s")
    assert m.state is S.CLOSING


def test_no_case_is_a_callback_at_once() -> None:
    m = H.Hold()
    actions = m.handle(H.Start(risk="high", has_case=False), T0)
    assert actions[0] == H.MakeCallback(why="no escalation") and m.state is S.CLOSING


# ------------------------------------------------------------------ dialling and bridge

def test_ring_timeout_gives_the_case_back_and_holds_again() -> None:
    m = _dialling()
    assert m.get_timer() == T0 + 30
    assert m.handle_timer(T0 + 29) == []
    assert m.handle(H.Key(digit="*"), T0 + 5) == []  # no reassurance over the ringing
    assert m.handle_timer(T0 + 30) == [H.EndLeg(), H.GiveBack(reason="không nghe máy"),
                                       H.PlayPrompt(prompt_id="bridge_no_answer", clear=True)]
    assert m.state is S.HOLDING and m.get_timer() == T0 + 31  # the next poll


def test_a_refused_leg_gives_the_case_back_with_the_sip_answer() -> None:
    m = _dialling()
    actions = m.handle(H.LegEnded(failure="486 Busy Here: busy"), T0 + 1)
    assert actions[1] == H.GiveBack(reason="máy bận hoặc không liên lạc được (486 Busy Here)")
    assert m.state is S.HOLDING


def test_a_failed_dial_gives_the_case_back() -> None:
    m = _dialling()
    assert m.handle(H.DialFailed(), T0) == [H.GiveBack(reason="không gọi được số doctor-an"),
                                            H.PlayPrompt(prompt_id="bridge_no_answer")]
    assert m.state is S.HOLDING and m._next_reassure == T0 + 20


def test_doctor_hanging_up_ends_the_call_after_a_prompt() -> None:
    m = _bridged()
    assert m.get_timer() is None
    assert m.handle(H.LegEnded(), T0 + 9) == [H.EndLeg(ended_by="doctor"), H.PlayPrompt(prompt_id="bridge_ended"),
                                              H.HangUpAfterPrompts()]
    assert m.state is S.CLOSING


@pytest.mark.parametrize(("setup", "expected"), [
    (lambda: H.Hold(), []),
    (_holding, [H.CallerLeft()]),
    (_dialling, [H.EndLeg(ended_by="caller"), H.CallerLeft()]),
    (_bridged, [H.EndLeg(ended_by="caller")]),  # bridged: the case is in a call, not a callback
])
def test_caller_hanging_up(setup, expected) -> None:  # type: ignore[no-untyped-def]
    m = setup()
    assert m.handle(H.CallerHungUp(), T0 + 10) == expected
    assert m.state is S.ENDED and m.get_timer() is None


def test_caller_hanging_up_while_told_callback_leaves_the_callback() -> None:
    m = _holding()
    m.handle_timer(T0)
    m.handle(_case(mode="callback"), T0)
    assert m.handle(H.CallerHungUp(), T0 + 1) == [H.CallerLeft()]


@pytest.mark.parametrize(("setup", "expected"), [
    (_holding, []), (_dialling, [H.EndLeg(ended_by="limit")]), (_bridged, [H.EndLeg(ended_by="limit")]),
])
def test_call_limit_ends_the_doctor_leg(setup, expected) -> None:  # type: ignore[no-untyped-def]
    m = setup()
    assert m.handle(H.CallLimit(), T0 + 3600) == expected and m.state is S.ENDED


# ------------------------------------------------------------------ heard while holding (session 20, n48-hold-listen)
# a caller whose patient gets worse on hold is heard: the case is raised (persisted first), the 115 advice plays at
# once, the reassurance names 115 from then on; calm words are answered, at most once every reply_gap_s

def _worse(text: str = "ơ bà lịm đi rồi", risk: str = "emergency",
           signs: tuple[str, ...] = ("altered_consciousness",)) -> H.Heard:
    return H.Heard(text=text, intent="emergency", risk=risk, signs=signs, reasons=("Rối loạn ý thức",))


def test_a_warning_sign_worse_than_the_case_raises_it_first_then_advises_115_at_once() -> None:
    m = _holding()
    actions = m.handle(_worse(), T0 + 5)
    assert actions == [H.RaiseCase(risk="emergency", signs=("altered_consciousness",), reasons=("Rối loạn ý thức",),
                                   words="ơ bà lịm đi rồi"),
                       H.PlayPrompt(prompt_id="hold_emergency_115", clear=True)]
    assert m.state is S.HOLDING and m.risk == "emergency"
    assert H.TRANSITIONS[S.HOLDING][M.WORSE] is S.HOLDING and H.TRANSITIONS[S.DIALLING][M.WORSE] is S.DIALLING
    # from then on the reassurance is the emergency one (with 115), timed from the raise
    assert m.handle_timer(T0 + 5 + 19.9) in ([], [H.PollCase()])
    m._next_poll = T0 + 1000
    assert m.handle_timer(T0 + 5 + 20) == [H.PlayPrompt(prompt_id="hold_reassure"), H.PlayPrompt(prompt_id="hold_115")]


def test_a_raise_below_emergency_plays_the_raised_prompt() -> None:
    m = H.Hold()
    m.handle(H.Start(risk="low"), T0)
    actions = m.handle(_worse("bà khó thở", risk="high", signs=("shortness_of_breath",)), T0 + 3)
    assert [type(a) for a in actions] == [H.RaiseCase, H.PlayPrompt]
    assert actions[1] == H.PlayPrompt(prompt_id="hold_raised", clear=True) and m.risk == "high"


@pytest.mark.parametrize("words", [
    H.Heard(text="còn lâu không"), H.Heard(text="alo", risk="high"),
    # a sign, but not worse than the case: no raise
    H.Heard(text="bà ho nhiều hơn", intent="report_symptoms", risk="high", signs=("cough",)),
    # worse by what the call knew, but nothing clinical in these words: no raise
    H.Heard(text="sao lâu vậy", risk="emergency"),
])
def test_calm_words_do_not_raise_and_are_reassured_once_per_gap(words: H.Heard) -> None:
    m = _holding()
    assert m.handle(words, T0 + 3) == [H.PlayPrompt(prompt_id="hold_reassure")]
    assert m.state is S.HOLDING and m.risk == "high"
    assert m.handle(words, T0 + 6) == []  # answered 3 s ago: not talked over
    assert m.handle(words, T0 + 3 + 8) == [H.PlayPrompt(prompt_id="hold_reassure")]
    assert m._next_reassure == T0 + 3 + 8 + 20  # the timed reassurance waits from the answer


def test_a_request_for_a_person_is_told_a_doctor_is_being_found() -> None:
    m = _holding()
    assert m.handle(H.Heard(text="cho tôi gặp bác sĩ", intent="request_doctor"), T0 + 2) == [
        H.PlayPrompt(prompt_id="hold_finding_doctor")]


def test_an_emergency_stays_an_emergency_and_hears_115_again() -> None:
    m = H.Hold()
    m.handle(H.Start(risk="emergency"), T0)
    # a sign again: no raise (already emergency), the 115 advice again
    assert m.handle(_worse("môi tím rồi", signs=("cyanosis",)), T0 + 2) == [
        H.PlayPrompt(prompt_id="hold_emergency_115")]
    # calm words: the emergency reassurance
    assert m.handle(H.Heard(text="alo"), T0 + 20) == [H.PlayPrompt(prompt_id="hold_reassure"),
                                                    H.PlayPrompt(prompt_id="hold_115")]
    # the case read from the database at a lower level never lowers what the call knows
    m.handle(_case(risk="high"), T0 + 21)
    assert m.risk == "emergency"


def test_a_raise_the_database_missed_is_persisted_again_at_the_next_poll() -> None:
    m = _holding()
    raise_ = m.handle(_worse(), T0 + 5)[0]
    m.handle_timer(T0 + 6)
    assert m.handle(_case(risk="high"), T0 + 6) == [raise_]  # still high in the database: again, first
    assert m.handle(_case(risk="emergency"), T0 + 7) == []  # persisted: nothing more


def test_the_emergency_key_raises_like_an_emergency_sign() -> None:
    m = _holding()
    actions = m.handle(H.EmergencyKey(digit="1"), T0 + 4)
    assert actions[0] == H.RaiseCase(risk="emergency", signs=("emergency_key",), words="phím 1")
    assert actions[1] == H.PlayPrompt(prompt_id="hold_emergency_115", clear=True)


def test_words_while_dialling_raise_without_touching_the_doctor_leg() -> None:
    m = _dialling()
    actions = m.handle(_worse(), T0 + 3)
    assert [type(a) for a in actions] == [H.RaiseCase, H.PlayPrompt] and m.state is S.DIALLING
    assert m.get_timer() == T0 + 30  # still ringing the same doctor


@pytest.mark.parametrize("make", [_bridged, lambda: H.Hold()])
def test_bridged_or_not_holding_never_listens(make) -> None:
    m = make()
    state = m.state
    assert m.handle(_worse(), T0 + 5) == [] and m.handle(H.EmergencyKey(digit="1"), T0 + 5) == []
    assert m.state is state and m.risk in ("high", "")
