"""Run one call through the real engine without a phone line.

The simulated caller answers each question with the next input in order:
``("say", text)``, ``("dtmf", digits)`` or ``("silence", None)``. Prompts finish
playing instantly and the clock jumps to each deadline, so a whole call takes
milliseconds. When the inputs run out while the flow is still waiting for the
caller, the result's outcome is ``no_input``. Words still to say when the hotline plays its
goodbye are said over it, as on a phone line (the call runner passes speech during a statement
to the engine, where a warning sign interrupts it; anything else lets the goodbye end the call).
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine import hold as H
from ivr.engine.flow import Flow, NodeKind
from ivr.engine.prompts import PromptCatalog
from ivr.engine.session import LISTENING_PHASES, Phase, Session, Step
from ivr.engine.understanding import Answers, Triage, Understander, risk_rank
from ivr.vocabulary import HOTLINE_STATION, CallOutcome, RiskLevel

Input = tuple[str, str | None]
INPUT_KINDS = ("say", "dtmf", "silence")
SIM_RECORDING = "simulated-recording.wav"


@dataclass(frozen=True, kw_only=True)
class SimulationResult:
    steps: list[dict[str, Any]]
    outcome: CallOutcome
    slots: dict[str, Any]
    risk: str = RiskLevel.NONE
    symptoms: list[str] = field(default_factory=list)
    vitals: dict[str, float] = field(default_factory=dict)
    actions: list[A.Action] = field(default_factory=list)
    #: session 23 (n66-calls12): the case raised while the caller held for a doctor (``ivr.engine.hold``)
    raised: list[H.RaiseCase] = field(default_factory=list)

    def as_json(self) -> dict[str, Any]:
        escalations = [{"risk": a.risk, "reason": a.reason, "reasons": list(a.reasons), "mode": a.mode}
                       for a in self.actions if isinstance(a, A.Escalate)]
        escalations += [{"risk": r.risk, "reason": HOLD_RAISE_REASON, "reasons": list(r.reasons), "mode": "live"}
                        for r in self.raised]
        return {"steps": self.steps, "outcome": self.outcome, "slots": self.slots, "risk": self.risk,
                "symptoms": self.symptoms, "vitals": self.vitals, "escalations": escalations}


#: session 23 (n66-calls12): the reason shown for a case raised while the caller held (the call runner persists the
#: signs and words with it)
HOLD_RAISE_REASON = "Người bệnh nặng hơn khi đang chờ bác sĩ"
#: the step node of what is heard and played while the caller holds for a doctor
HOLD_NODE = "hold"
#: seconds of the hold between two of the caller's turns (the hold's own clock does not run in a simulation: no
#: doctor picks the case and it never becomes a callback)
HOLD_TURN_S = 5.0

#: how a simulated outbound call addresses its patient (there is no patient record to name)
SIMULATED_PATIENT = "ông bà"


def simulate(flow: Flow, inputs: Sequence[Input], *, catalog: PromptCatalog, understander: Understander,
             triage: Triage, caller: str = "0900000000", patient_status: str = "home",
             risk_factors: Sequence[str] = (), answers: Answers | None = None,
             slots: dict[str, Any] | None = None, on_hold: bool = False) -> SimulationResult:
    """``on_hold`` (session 23, n66-calls12): the caller's inputs left once the flow has handed him to a doctor are
    heard while he holds (``_hold``), as the call runner hears them; off, the call ends at the hand-off."""
    for kind, _ in inputs:
        if kind not in INPUT_KINDS:
            raise ValueError(f"unknown simulated input {kind!r} (expected one of {', '.join(INPUT_KINDS)})")
    session = Session(flow, catalog=catalog, understander=understander, triage=triage, answers=answers)
    now = 0.0
    done_actions: list[A.Action] = []
    pending = list(inputs)

    def run(event: E.Event) -> None:
        done_actions.extend(session.handle(event, now))

    if slots is None and flow.nodes[flow.start].kind is NodeKind.GATE:
        # an outbound flow: what the dialer tells it when the phone is answered (``ivr.telephony.dialer.start_slots``)
        # (with no patient record: the caller is addressed as "ông bà", as staff address an elderly stranger)
        slots = {"direction": "outbound", "station": HOTLINE_STATION, "patients": [SIMULATED_PATIENT],
                 "patient_name": SIMULATED_PATIENT}
    run(E.CallStarted(call_id="simulated", caller=caller, patient_status=patient_status,
                      risk_factors=tuple(risk_factors), slots=dict(slots or {})))
    for _ in range(10_000):  # bounded: a flow that loops forever still ends
        if session.done:
            break
        if session.phase is Phase.PLAYING:
            if _over_goodbye(session, pending):
                # the script has more to say as the hotline says goodbye: said over the last prompt, as the call
                # runner passes speech during a statement to the engine (a warning sign interrupts it)
                _, value = pending.pop(0)
                run(E.Speech(text=value or "", confidence=1.0))
                if session.phase is Phase.PLAYING and session.node is not None \
                        and session.node.kind is NodeKind.HANGUP:
                    now += 1.0
                    run(E.PlaybackDone())
                continue
            now += 1.0
            run(E.PlaybackDone())
            continue
        if session.phase is Phase.RECORDING:
            now += 5.0
            run(E.RecordingDone(path=SIM_RECORDING, duration_s=5.0))
            continue
        if session.phase not in LISTENING_PHASES:
            break
        if not pending:
            break
        kind, value = pending.pop(0)
        if kind == "say":
            run(E.Speech(text=value or "", confidence=1.0))
        elif kind == "dtmf":
            for digit in value or "":
                now += 0.3
                run(E.Dtmf(digit=digit))
                if session.done or session.phase not in LISTENING_PHASES:
                    break
        if kind == "silence" or (kind == "dtmf" and session.deadline is not None
                                 and session.phase in LISTENING_PHASES):
            if session.deadline is not None:
                now = max(now, session.deadline)
                run(E.TimerFired())
        now += 0.5
    raised = _hold(session, done_actions, pending, now, catalog) if pending and on_hold else []
    outcome = session.outcome or CallOutcome.NO_INPUT
    return SimulationResult(
        steps=_steps(session), outcome=outcome, slots=dict(session.slots),
        risk=session.assessment.risk if session.assessment else RiskLevel.NONE,
        symptoms=sorted(session.symptoms), vitals=dict(session.vitals), actions=done_actions, raised=raised,
    )


def _hold(session: Session, done: Sequence[A.Action], pending: list[Input], now: float,
          catalog: PromptCatalog) -> list[H.RaiseCase]:
    """Session 23 (n66-calls12): the caller's words still to say once the flow handed him to a doctor, heard while
    he holds, as the call runner hears them (``CallRunner._hold_words``): understood and triaged by the session
    with all the call knows, then the hold machine decides (a worse sign raises the case and plays the advice, 115
    for an emergency; other words get the reassurance). The hold prompts played and the raises are recorded as
    steps of the call (node ``hold``). Nothing when the call did not end in a hand-off."""
    transfers = [a for a in done if isinstance(a, A.Transfer)]
    if not transfers or not session.done or session.outcome not in (CallOutcome.ESCALATED, CallOutcome.HANDED_OFF):
        return []
    escalations = [a.risk for a in done if isinstance(a, A.Escalate)]
    # a hand-off the flow did not escalate is escalated by the call runner at the call's risk (a case always exists)
    risk = min(escalations, key=risk_rank) if escalations else (
        session.assessment.risk if session.assessment else RiskLevel.NONE)
    machine = H.Hold()
    machine.handle(H.Start(risk=risk), now)
    raised: list[H.RaiseCase] = []
    key = session.emergency_key
    for kind, value in pending:
        now += HOLD_TURN_S
        if kind == "say" and (value or "").strip():
            u, assessment = session.hear_on_hold(value or "")
            signs = tuple(u.symptoms) or (("emergency",) if u.intent == "emergency" else ())
            event: H.HoldEvent = H.Heard(text=value or "", intent=u.intent,
                                         risk=assessment.risk if assessment is not None else "", signs=signs,
                                         reasons=tuple(assessment.reasons) if assessment is not None else ())
        elif kind == "dtmf" and value:
            session.steps.append(Step(node=HOLD_NODE, event="dtmf", digits=value))
            event = H.EmergencyKey(digit=value[0]) if key is not None and value[0] == key else H.Key(digit=value[0])
        else:
            continue
        for action in machine.handle(event, now):
            if isinstance(action, H.RaiseCase):
                raised.append(action)
                session.steps.append(Step(node=HOLD_NODE, event="escalate", intent=action.risk))
            elif isinstance(action, H.PlayPrompt):
                session.steps.append(Step(node=HOLD_NODE, event="prompt", prompt_id=action.prompt_id,
                                          text=catalog.text(action.prompt_id)))
    return raised


def _over_goodbye(session: Session, pending: Sequence[Input]) -> bool:
    """Whether the caller's next scripted words are said while the call's last prompt (a hangup node's) plays."""
    return (bool(pending) and pending[0][0] == "say" and session.node is not None
            and session.node.kind is NodeKind.HANGUP)


def _steps(session: Session) -> list[dict[str, Any]]:
    """One entry per prompt played, with the caller's answer to it."""
    out: list[dict[str, Any]] = []
    for step in session.steps:
        if step.event == "prompt":
            out.append({"node": step.node, "prompt_id": step.prompt_id, "text": step.text, "input": None})
            continue
        if step.event in ("speech", "dtmf", "no_input"):
            entry = {"input": step.input, "event": step.event, "intent": step.intent or None}
            if out and out[-1]["input"] is None and out[-1]["node"] == step.node and "event" not in out[-1]:
                out[-1].update(entry)
            else:
                out.append({"node": step.node, "prompt_id": None, "text": None, **entry})
        elif step.event == "answer":  # a knowledge-base lookup: the question and the topic ("" = declined)
            out.append({"node": step.node, "prompt_id": None, "text": None, "input": None, "event": "answer",
                        "intent": step.intent, "question": step.transcript, "score": step.confidence})
        elif step.event in ("no_reading", "other_reading", "wait", "partial", "corrected", "misshapen",
                            "reading_with_sign", "confused", "complaint"):
            # no reading at a number question (the call went on), another vital's reading at a read-back (asked
            # again): the caller's words
            out.append({"node": step.node, "prompt_id": None, "text": None, "input": None, "event": step.event,
                        "said": step.transcript})
        elif step.event in ("escalate", "handoff", "hangup", "record"):
            out.append({"node": step.node, "prompt_id": None, "text": None, "input": None, "event": step.event,
                        **({"risk": step.intent} if step.event == "escalate" else {})})
    return out
