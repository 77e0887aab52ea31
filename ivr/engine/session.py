"""The sans-I/O call-flow engine: ``Session.handle(event, now) -> list[Action]``.

One ``Session`` per call. It never touches a socket, a clock or a model: the
adapter feeds it events with the current time and carries out its actions.
Speech understanding and triage are injected (``Understander``, ``Triage``).

Safety rules built in: repeated no-input or no-match leads to the node's
fallback (validated never to hang up); a spoken repeat request ("hả?", "không
hiểu") counts as a failure too, so a confused caller hears a question at most
three times before reaching a person, and even the deliberate repeat key ``*``
is bounded (``MAX_KEY_REPEATS``); a rising risk level jumps to the flow's
``on_risk`` handler; low-confidence speech is treated as not understood, so
the caller is asked again with the keys offered.

Warning signs are looked for in every utterance, whatever the session is doing:
answering a question or a read-back, during a statement (even one that cannot
be interrupted by keys) and during a recorded message. A risk more urgent than
any escalation already made on the call escalates again (a callback case does
not stop a later emergency from reaching a doctor live).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import replace as dc_replace
from enum import StrEnum
from typing import Any

from ivr.engine import actions as A
from ivr.engine import events as E
from ivr.engine.flow import (
    CHOICE_SLOT,
    CHOICE_TITLES_SLOT,
    CHOICE_TOPICS_SLOT,
    KEYED_KINDS,
    MAX_OPTIONS,
    NO_KEY,
    YES_KEY,
    ChecklistItem,
    Condition,
    Flow,
    Node,
    NodeKind,
)
from ivr.engine.prompts import PromptCatalog
from ivr.engine.shapes import misshapen, other_measure
from ivr.engine.sign_answer import as_answer
from ivr.engine.understanding import (
    Answers,
    Assessment,
    TopicAnswer,
    Triage,
    Understander,
    Understanding,
    risk_rank,
    worse,
)
from ivr.vocabulary import RISK_LEVELS, CallOutcome, RiskLevel

INTER_DIGIT_S = 3.0
MAX_HOPS = 50  # immediate transitions in a row (branch chains) before giving up to a human
#: Replays a caller may ask for with the ``*`` key at one question before the node's fallback (a person).
#: A spoken repeat request counts as a failure instead (``Node.max_failures``): that caller is confused.
MAX_KEY_REPEATS = 5
#: How long a number question listens after "đợi chút, để tôi đo" (the flow's ``wait_phrases``): time to put on
#: the oximeter or the thermometer; at most ``MAX_WAITS`` such waits per question, then they count as misses.
WAIT_S = 60.0
MAX_WAITS = 2
#: Session 21b (n54-calls9): how long any other question listens after "chờ tí, có người gọi cửa" (the flow's
#: ``wait_phrases`` with its prompt role ``hold``); then the question is asked again (a silence counts as usual).
HOLD_S = 40.0
#: Session 21b (n54-calls9): the vitals one device shows; a reading of a vital of another device said with a yes to
#: "does the device show X?" is no yes to it ("có cặp nhiệt, ba sáu rưỡi" at "máy đo có hiện nhịp tim không?").
#: (Breaths are counted, not read off a device: "có, ba sáu bảy" to "đếm được nhịp thở không?" is explained there.)
DEVICE_VITALS: tuple[frozenset[str], ...] = (
    frozenset({"spo2", "pulse"}), frozenset({"systolic_bp", "diastolic_bp", "pulse"}), frozenset({"temperature"}))


class Phase(StrEnum):
    """What a session is doing; each event is read in the light of it."""

    IDLE = "idle"  # before CallStarted
    PLAYING = "playing"  # a prompt plays; what PlaybackDone leads to is ``Session._after_playback``
    LISTENING = "listening"  # waiting for the caller's answer
    CONFIRMING = "confirming"  # waiting for yes/no to a value read back
    RECORDING = "recording"  # recording a voice message
    DONE = "done"  # the call is over for the engine (``Session.outcome`` is set)


#: The phases in which the caller's speech or keys answer a question.
LISTENING_PHASES: tuple[Phase, ...] = (Phase.LISTENING, Phase.CONFIRMING)


@dataclass(frozen=True, kw_only=True)
class Step:
    """One thing that happened on the call, in order."""

    node: str
    # prompt | speech | dtmf | no_input | no_match | repeat | volunteered | no_reading | other_reading | wait
    # | partial | corrected | misshapen | reading_with_sign | confused | complaint | escalate | handoff | record
    # | hangup
    event: str
    prompt_id: str = ""
    text: str = ""
    transcript: str = ""
    digits: str = ""
    intent: str = ""
    confidence: float | None = None

    @property
    def input(self) -> str | None:
        if self.event == "speech":
            return self.transcript
        if self.event == "dtmf":
            return self.digits
        if self.event == "no_input":
            return ""
        return None


def _fold(text: str) -> str:
    """Lower-case, diacritic-free form for phrase matching."""
    text = unicodedata.normalize("NFD", text.casefold().replace("đ", "d"))
    return " ".join("".join(c for c in text if unicodedata.category(c) != "Mn").split())


#: Words that turn a choice's phrase around when said just before it ("không được khỏe": unwell, not "khỏe"),
#: folded like the phrases (``_fold``).
_NEGATORS = frozenset({"khong", "ko", "k", "khg", "hong", "hem", "chang", "chua"})
_CLAUSE_END = ",.;:!?…"


def _asked_part(text: str) -> str:
    """Session 22 (n58-calls10): the sentences of ``text`` closed by a question mark, when there are other sentences
    beside them ("" otherwise)."""
    sentences = [x.strip() for x in re.findall(r"[^.?!…]+[.?!…]*", text) if x.strip(" .?!…")]
    asked = [x for x in sentences if x.endswith("?")]
    return " ".join(asked) if asked and len(asked) < len(sentences) else ""


def _phrase_said(text: str, phrase: str) -> bool:
    """Is ``phrase`` said in ``text`` as whole words (diacritics and case aside), and not negated by one of the
    two words before it in its clause? "không được khỏe lắm" does not say "khỏe"; "không, khỏe" does."""
    toks = _fold(text).split()
    words = [t.strip(_CLAUSE_END + "\"'") for t in toks]
    want = _fold(phrase).split()
    merged = "".join(want) if len(want) > 1 else None  # "bìnhthường": the recognizer ran the syllables together
    for i in range(len(words)):
        if words[i:i + len(want)] != want and words[i] != merged:
            continue
        before = []
        for j in range(i - 1, max(i - 3, -1), -1):
            if toks[j][-1:] in _CLAUSE_END:
                break
            before.append(words[j])
        if not _NEGATORS.intersection(before):
            return True
    return False


class Session:
    def __init__(self, flow: Flow, *, catalog: PromptCatalog, understander: Understander, triage: Triage,
                 answers: Answers | None = None):
        self.flow = flow
        self.catalog = catalog
        self.understander = understander
        self.triage = triage
        #: the knowledge base for ``answer`` nodes; without one every answer node declines (its ``else``)
        self.answers = answers
        self.last_speech = ""  # the caller's last words (the question an ``answer`` node looks up)
        self.answered: str | None = None  # the topic answered last (for "nghe lại" and related topics)
        self.node: Node | None = None
        self.phase = Phase.IDLE
        self.listening: A.Listen | None = None
        self.deadline: float | None = None
        self.done = False
        self.outcome: CallOutcome | None = None
        self.escalated = False
        self._escalated_rank = len(RISK_LEVELS)  # risk_rank of the most urgent escalation so far (none yet)
        self.call_id = ""
        self.caller = ""
        self.patient_status = "unknown"
        self.slots: dict[str, Any] = {}
        self.symptoms: set[str] = set()
        self.vitals: dict[str, float] = {}
        #: worse readings said before the ones in ``vitals`` (``Understanding.earlier_worse``): triage weighs them
        self.earlier_worse: dict[str, float] = {}
        self.risk_factors: set[str] = set()
        self.intents: list[str] = []
        self.assessment: Assessment | None = None
        self.steps: list[Step] = []
        self._barge_in = True
        self._failures = 0
        self._key_repeats = 0
        self._unclear = 0  # failures at this node where the caller spoke and was not understood
        self._concern = False  # the caller's last words were worried or feared (Understanding.concern)
        self._digits = ""
        self._pending: float | None = None
        self._pending_pair: float | None = None  # the second value of a pair ("90 trên 60") being read back
        self._pending_earlier: dict[str, float] = {}  # a worse reading said with the value being read back
        self._item = 0  # the checklist question being asked
        self._waits = 0  # "đợi chút" at this number question
        self._reshaped = False  # session 21 (n51-calls8): this number question was asked again after a misshapen value
        self._routed_repeats = 0  # spoken repeat requests in a row that a choice routed (they leave the node)
        self._confused = 0  # session 22b (n62-calls11): spoken exchanges of the whole call that were not understood
        self._partial: float | None = None  # the first value of a pair said alone ("một trăm hai mươi")
        self._risk_fired: set[str] = set()
        # what PlaybackDone leads to: listening (a phase) or the rest of a node (its kind)
        self._after_playback: Phase | NodeKind | None = None

    # ------------------------------------------------------------------ public
    def handle(self, event: E.Event, now: float) -> list[A.Action]:
        if self.done:
            return []
        if isinstance(event, E.CallStarted):
            self.call_id, self.caller = event.call_id, event.caller
            self.patient_status = event.patient_status
            self.risk_factors.update(event.risk_factors)
            self.slots.update(event.slots)
            return self._enter(self.flow.start, now)
        if isinstance(event, E.Hangup):
            self.steps.append(Step(node=self._node_id, event="hangup"))
            self._finish(CallOutcome.ESCALATED if self.escalated else CallOutcome.HUNG_UP)
            return []
        if isinstance(event, E.PlaybackDone):
            return self._playback_done(now)
        if isinstance(event, E.Speech) and self.phase is Phase.RECORDING and self.node is not None:
            # a message being recorded is still listened to for warning signs
            jump = self._urgent_jump(self._understand(event), self.node)
            return self._enter(jump, now) if jump is not None else []
        if isinstance(event, E.RecordingDone):
            if self.phase is not Phase.RECORDING:
                return []
            self.slots["recording"] = event.path
            self.steps.append(Step(node=self._node_id, event="record", transcript=event.path))
            return self._go(self._next(), now)
        if isinstance(event, E.TimerFired):
            if self.deadline is None or now < self.deadline:
                return []
            if self.phase is Phase.RECORDING:
                return self._go(self._next(), now)
            if self._digits:
                return self._finish_digits(now)
            return self._no_input(now)
        if isinstance(event, E.Silence):
            if self.phase in LISTENING_PHASES:
                return self._no_input(now)
            return []
        if isinstance(event, (E.Dtmf, E.Speech)):
            return self._input(event, now)
        raise TypeError(f"unknown event {event!r}")

    # ---------------------------------------------------------------- after the hand-off (the caller holds)
    # session 20 (n48-hold-listen): a caller who gets worse while holding for a doctor is heard
    def hear_on_hold(self, text: str, confidence: float = 1.0) -> tuple[Understanding, Assessment | None]:
        """The caller's words while the call runner holds them for a doctor (the flow has ended): understood and
        triaged with everything the call knows (a step of the call, its symptoms and assessment updated), with no
        prompt and no move: what to do about them is the hold machine's (``ivr.engine.hold``)."""
        u = self._understand(E.Speech(text=text, confidence=confidence))
        return u, self.assessment

    @property
    def emergency_key(self) -> str | None:
        """The key this flow gives callers for an emergency (a global key, or a menu choice for the emergency
        intent or node), for a caller who presses it while holding; None when the flow has none."""
        target = self.flow.global_intents.get("emergency")
        for key, node_id in self.flow.global_keys.items():
            if target and node_id == target:
                return key
        for node in self.flow.nodes.values():
            for choice in node.choices:
                if choice.dtmf and ("emergency" in choice.intents or (target and choice.next == target)):
                    return choice.dtmf
        return None

    # ---------------------------------------------------------------- helpers
    @property
    def _node_id(self) -> str:
        return self.node.id if self.node else ""

    def _next(self) -> str | None:
        return self.flow.target(self._node_id, "next")

    def _finish(self, outcome: CallOutcome) -> None:
        self.done, self.outcome, self.phase = True, outcome, Phase.DONE
        self.deadline, self.listening = None, None

    def _play(self, prompt_id: str, barge_in: bool | None = None, *, value: float | None = None) -> A.Play:
        """``value``: the prompt's {value} when it is not the value being read back (``_pending``)."""
        value = self._pending if value is None else value
        values = {**self.slots, **({"value": value} if value is not None else {}),
                  **({"pair": self._pending_pair} if self._pending_pair is not None else {})}
        if self.node is not None and self.node.kind is NodeKind.CHOOSE and self.node.option_prompt:
            values["options"] = self._options_text(self.node)
        text = self.catalog.text(prompt_id, values)
        self.steps.append(Step(node=self._node_id, event="prompt", prompt_id=prompt_id, text=text))
        self._barge_in = self.node.barge_in if barge_in is None and self.node else bool(barge_in)
        return A.Play(prompt_id=prompt_id, text=text, barge_in=self._barge_in)

    def _listen(self, node: Node, *, confirming: bool = False) -> A.Listen:
        if confirming or node.kind is NodeKind.CHECKLIST:
            return A.Listen(timeout_s=node.timeout_s, expect=("yes", "no", "repeat"), max_digits=1)
        if node.kind is NodeKind.COLLECT:
            return A.Listen(timeout_s=node.timeout_s, expect=("repeat", node.vital or "number"),
                            max_digits=node.max_digits)
        if node.kind is NodeKind.GATE:
            return A.Listen(timeout_s=node.timeout_s, expect=("repeat",), max_digits=1)
        if node.kind is NodeKind.CHOOSE:
            return A.Listen(timeout_s=node.timeout_s, expect=("repeat",), grammar=self._options(node) or None,
                            max_digits=1)
        expect = tuple(dict.fromkeys(i for c in node.choices for i in c.intents))
        phrases = tuple(p for c in node.choices for p in c.phrases)
        free = node.capture
        ahead = self._collect_after_yes(node)
        if ahead is not None and ahead.vital and not free:  # "có máy đo không?": a bare number here is its reading
            expect += (ahead.vital,)
        return A.Listen(timeout_s=node.timeout_s, expect=expect + ("repeat",) if not free else (),
                        grammar=None if free or not phrases else phrases, max_digits=1,
                        dtmf_only=node.kind is NodeKind.MENU)

    def _ask(self, node: Node, *, confirming: bool = False, lead: str | None = None,
             again: bool = False) -> list[A.Action]:
        """(Re)play the question and listen once it has been played; ``again``: after a miss or a repeat
        request, when the node's shorter ``reprompt`` (if any) replaces the full question."""
        out: list[A.Action] = []
        if lead is None and node.kind is NodeKind.CHECKLIST and self._item == 0 and not again:
            lead = node.prompt  # a checklist's intro, before its first question
        if lead:
            out.append(self._play(lead))
        if confirming:
            prompt = node.confirm
        elif node.kind is NodeKind.CHECKLIST:
            prompt = self._item_prompt(node.items[self._item])
        else:
            prompt = node.reprompt if again and node.reprompt else node.prompt
        assert prompt is not None
        return [*out, *self._play_then_listen(self._play(prompt), self._listen(node, confirming=confirming),
                                              Phase.CONFIRMING if confirming else Phase.LISTENING)]

    def _item_prompt(self, item: ChecklistItem) -> str:
        """Session 23 (n69-calls13): a warning-sign question as the one on the phone hears it: worded for the patient
        herself when she answered (a lucid patient asked "is the patient drowsy?" may say yes to something else)."""
        if item.self_prompt and self.slots.get("answered_by") == "patient":
            return item.self_prompt
        return item.prompt

    def _play_then_listen(self, play: A.Play, listen: A.Listen, after: Phase = Phase.LISTENING) -> list[A.Action]:
        """Play ``play``, then listen as ``listen`` says (its ``timeout_s`` runs once the prompt has been played)."""
        self.listening = listen
        self.phase, self.deadline, self._after_playback = Phase.PLAYING, None, after
        return [play, listen]

    # ------------------------------------------------------------ transitions
    def _go(self, target: str | None, now: float) -> list[A.Action]:
        if target is None:  # validated flows always have a target; never leave a caller in silence
            target = self.flow.target(self._node_id, "fallback")
        if target is None:
            self._finish(CallOutcome.ESCALATED if self.escalated else CallOutcome.HANDED_OFF)
            return [A.Transfer(target="doctor")]
        return self._enter(target, now)

    def _enter(self, node_id: str, now: float, hops: int = 0) -> list[A.Action]:
        left = self.node
        if left is not None and left.kind is NodeKind.GATE and left.slot and node_id not in (left.id, left.unanswered):
            self.slots[left.slot] = True  # past the gate (its key, 0, 9, words for a doctor): a person is there
        node = self.flow.nodes[node_id]
        self._arrive(node)
        if hops > MAX_HOPS:
            self._finish(CallOutcome.ESCALATED if self.escalated else CallOutcome.HANDED_OFF)
            return [A.Transfer(target="doctor")]
        kind = node.kind
        if kind is NodeKind.ANSWER:
            return self._answer(node, now, hops)
        if kind is NodeKind.BRANCH:
            target = node.else_
            for _i, case in enumerate(node.cases):
                if self._matches(case):
                    target = case.next
                    break
            assert target is not None
            return self._enter(target, now, hops + 1)
        if node.kind is NodeKind.CHOOSE and len(self._options(node)) <= 1:
            # nothing to choose (one patient on this phone): that one, without asking
            if self._options(node):
                self._chosen(node, 1)
            return self._enter(node.next or "", now, hops + 1)
        if node.listens:
            known = self._known_reading(node) if kind is NodeKind.ASK else None
            if known is not None:
                # "nhiệt độ ba sáu độ rưỡi" said earlier: "ông bà vừa báo nhiệt độ là 36,5 độ, đúng không?"
                assert known.vital is not None
                self.steps.append(Step(node=node.id, event="volunteered", intent="yes"))
                self._arrive(known)
                return self._accept_value(self.vitals[known.vital], now,
                                          pair=self.vitals.get(known.pair) if known.pair else None)
            return self._ask(node)
        out: list[A.Action] = []
        if kind is NodeKind.ESCALATE:
            out.append(self._escalate(node))
        if node.prompt:
            out.append(self._play(node.prompt))
            self.phase, self._after_playback = Phase.PLAYING, kind
            return out
        return out + self._after(kind, now, hops)

    def _arrive(self, node: Node) -> None:
        """``node`` is now the current one, with nothing of the previous node's attempts carried over."""
        self.node = node
        self._failures, self._key_repeats, self._unclear, self._digits, self._pending = 0, 0, 0, "", None
        self._pending_pair, self._item, self._waits, self._partial = None, 0, 0, None
        self._reshaped = False
        self.listening, self.deadline = None, None
        self.slots.update(node.set)

    def _after(self, kind: NodeKind, now: float, hops: int = 0) -> list[A.Action]:
        """What a non-listening node does once its prompt (if any) has played."""
        node = self.node
        assert node is not None
        if kind in (NodeKind.SAY, NodeKind.ESCALATE, NodeKind.ANSWER):
            target = self._next()
            assert target is not None
            return self._enter(target, now, hops + 1)
        if kind is NodeKind.RECORD:
            self.phase, self.deadline = Phase.RECORDING, now + node.max_s + 5.0
            return [A.Record(max_s=node.max_s)]
        if kind is NodeKind.HANDOFF:
            self.steps.append(Step(node=node.id, event="handoff"))
            self._finish(CallOutcome.ESCALATED if self.escalated else CallOutcome.HANDED_OFF)
            return [A.Transfer(target=node.target)]
        if kind is NodeKind.HANGUP:
            self.steps.append(Step(node=node.id, event="hangup"))
            outcome = CallOutcome.ESCALATED if self.escalated else CallOutcome.COMPLETED
            self._finish(outcome)
            return [A.Hangup(outcome=outcome)]
        raise AssertionError(kind)

    def _playback_done(self, now: float) -> list[A.Action]:
        if self.phase is not Phase.PLAYING or self.node is None:
            return []
        after = self._after_playback
        if isinstance(after, Phase):  # the question has been played: listen
            self.phase = after
            self.deadline = now + (self.listening.timeout_s if self.listening else self.node.timeout_s)
            return []
        assert after is not None
        return self._after(after, now)

    def _answer(self, node: Node, now: float, hops: int) -> list[A.Action]:
        """Answer from the knowledge base, or go to the node's ``else`` (an honest decline) when no entry
        fits with confidence. The step records the question and the topic (empty when declined): the
        admin lists unanswered questions and counts topics from these steps."""
        question = self.last_speech if node.source == "question" else ""
        found = self._find_answer(node, question)
        if found is not None and not found.confident and node.choose and len(found.choices) >= 2:
            # the question fits two topics about equally well: ask which one rather than guess or decline
            entries = [e for e in (self.answers.get(c) if self.answers else None for c in found.choices) if e]
            if len(entries) >= 2:
                self.steps.append(Step(node=node.id, event="answer", transcript=question, confidence=found.score))
                self.slots[CHOICE_TOPICS_SLOT] = tuple(str(e.topic) for e in entries)
                self.slots[CHOICE_TITLES_SLOT] = tuple(e.title for e in entries)
                self.slots["faq_question"] = question
                return self._enter(node.choose, now, hops + 1)
        if found is None or not found.confident or not found.topic:
            self.steps.append(Step(node=node.id, event="answer", transcript=question,
                                   confidence=found.score if found else 0.0))
            if question:
                self.slots["faq_question"] = question  # a callback doctor reads what was asked
            assert node.else_ is not None
            return self._enter(node.else_, now, hops + 1)
        self.answered = found.topic
        self.slots["faq_topic"] = found.topic
        self.steps.append(Step(node=node.id, event="answer", transcript=question, intent=found.topic,
                               confidence=found.score))
        text = found.answer
        if node.prompt:  # a lead-in ("Chủ đề liên quan: ...") before the entry's own answer
            text = f"{self.catalog.text(node.prompt, {**self.slots, 'title': found.title})} {text}"
        prompt_id = f"kb_{found.topic}" if not node.prompt else f"kb_{found.topic}_{node.prompt}"
        self.steps.append(Step(node=node.id, event="prompt", prompt_id=prompt_id, text=text))
        self._barge_in = node.barge_in
        self.phase, self._after_playback = Phase.PLAYING, NodeKind.ANSWER
        return [A.Play(prompt_id=prompt_id, text=text, barge_in=node.barge_in)]

    def _find_answer(self, node: Node, question: str) -> TopicAnswer | None:
        if self.answers is None:
            return None
        if node.source == "topic":
            return self.answers.get(node.topic or "")
        if node.source == "last":
            return self.answers.get(self.answered) if self.answered else None
        if node.source == "related":
            last = self.answers.get(self.answered) if self.answered else None
            return self.answers.get(last.related[0]) if last and last.related else None
        if node.source == "chosen":
            topics, picked = self.slots.get(CHOICE_TOPICS_SLOT) or (), self.slots.get(CHOICE_SLOT)
            if isinstance(picked, int) and 1 <= picked <= len(topics):
                return self.answers.get(str(topics[picked - 1]))
            return None
        if not question.strip():
            return None
        found = self.answers.find(question)
        asked = _asked_part(question)
        if not found.confident and asked:
            # session 22 (n58-calls10): "SpO2 bao nhiêu thì phải gọi bác sĩ? Mẹ tôi đo chín tám, sốt nhẹ": the
            # readings told with it (kept and triaged) drown the question; the question said alone is looked up
            alone = self.answers.find(asked)
            if alone.confident:
                return alone
        return found

    def _escalate(self, node: Node) -> A.Escalate:
        current = self.assessment.risk if self.assessment else RiskLevel.NONE
        risk = node.risk or current
        if node.risk and risk_rank(current) < risk_rank(node.risk):
            risk = current  # never lower what triage already found
        reasons = self.assessment.reasons if self.assessment else ()
        self.escalated = True
        self._escalated_rank = min(self._escalated_rank, risk_rank(risk))
        self.steps.append(Step(node=node.id, event="escalate", intent=risk))
        return A.Escalate(risk=risk, reason=node.reason or node.id, reasons=tuple(reasons), mode=node.mode)

    def _matches(self, case: Condition) -> bool:
        risk = self.assessment.risk if self.assessment else RiskLevel.NONE
        if case.risk and risk not in case.risk:
            return False
        if case.intent and not set(case.intent) & set(self.intents):
            return False
        if case.patient_status and self.patient_status not in case.patient_status:
            return False
        if case.symptom and not set(case.symptom) & self.symptoms:
            return False
        if case.slot is not None:
            if case.slot not in self.slots:
                return False
            have = self.slots[case.slot]
            try:
                return {
                    "<": have < case.value, "<=": have <= case.value, ">": have > case.value,
                    ">=": have >= case.value, "==": have == case.value, "!=": have != case.value,
                }[case.op]
            except TypeError:
                return False
        return True

    # ------------------------------------------------------------------ input
    def _input(self, event: E.Dtmf | E.Speech, now: float) -> list[A.Action]:
        node = self.node
        if node is None:
            return []
        out: list[A.Action] = []
        if self.phase is Phase.PLAYING:
            if not self._barge_in or not isinstance(self._after_playback, Phase):
                # a statement, or a prompt the caller must hear to the end: only a warning sign interrupts it
                if isinstance(event, E.Speech):
                    u = self._understand(event)
                    jump = self._urgent_jump(u, node)
                    if jump is not None:
                        return [A.StopPlayback()] + self._enter(jump, now)
                return []
            out.append(A.StopPlayback())
            self.phase = self._after_playback
        elif self.phase not in LISTENING_PHASES:
            return []
        if isinstance(event, E.Dtmf):
            return out + self._dtmf(event.digit, now)
        return out + self._speech(event, now)

    def _dtmf(self, digit: str, now: float) -> list[A.Action]:
        node = self.node
        assert node is not None
        if digit == "*" and not self._digits:
            return self._repeat(digit, now)
        if self.phase is Phase.CONFIRMING:
            self.steps.append(Step(node=node.id, event="dtmf", digits=digit,
                                   intent={"1": "yes", "2": "no"}.get(digit, "")))
            if digit == "1":
                return self._confirmed(now)
            if digit == "2":
                return self._rejected(now)
            return self._failure("no_match", now)
        if node.kind is NodeKind.CHECKLIST:
            self.steps.append(Step(node=node.id, event="dtmf", digits=digit,
                                   intent={YES_KEY: "yes", NO_KEY: "no"}.get(digit, "")))
            if digit == YES_KEY:
                return self._checklist_yes(now)
            if digit == NO_KEY:
                return self._checklist_no(now)
            return self._failure("no_match", now)
        if node.kind is NodeKind.COLLECT:
            if node.pair and digit == "*" and "*" not in self._digits:
                self._digits += digit  # "9 0 * 6 0 #": the pair's second value follows
                self.deadline = now + INTER_DIGIT_S
                return []
            if digit == "#":
                return self._finish_digits(now) if self._digits else self._failure("no_match", now)
            if digit.isdigit():
                self._digits += digit
                if len(self._digits.split("*")[-1]) >= node.max_digits and (not node.pair or "*" in self._digits):
                    return self._finish_digits(now)
                self.deadline = now + INTER_DIGIT_S
                return []
            return self._failure("no_match", now)
        self.steps.append(Step(node=node.id, event="dtmf", digits=digit))
        if node.kind is NodeKind.CHOOSE and digit.isdigit() and 1 <= int(digit) <= len(self._options(node)):
            self._chosen(node, int(digit))
            return self._enter(node.next or "", now)
        target = self.flow.target(node.id, f"dtmf:{digit}")
        if node.kind is NodeKind.GATE and digit == node.key:
            target = node.next
        if target is None and node.kind in KEYED_KINDS:
            target = self.flow.target("*", f"key:{digit}")
        if target is None:
            return self._failure("no_match", now)
        self._note_choice_intent(node, digit)
        return self._enter(target, now)

    def _note_choice_intent(self, node: Node, digit: str) -> None:
        for choice in node.choices:
            if choice.dtmf == digit and choice.symptom:
                # session 23 (n69-calls13): "khó thở thì bấm phím 1": the key says the sign; it is recorded and
                # triaged (the case reads it and its risk), as a yes to the sign's checklist question is
                self.symptoms.add(choice.symptom)
                self._reassess()
            if choice.dtmf == digit and choice.intents:
                self.intents.append(choice.intents[0])
                if choice.intents[0] == "emergency":
                    self._reassess()

    def _finish_digits(self, now: float) -> list[A.Action]:
        node = self.node
        assert node is not None
        digits, self._digits = self._digits, ""
        self.steps.append(Step(node=node.id, event="dtmf", digits=digits))
        first, _, second = digits.partition("*")
        if not first:
            return self._failure("invalid_number", now)
        if self._no_key_after_miss(node, digits):
            self.steps[-1] = dc_replace(self.steps[-1], intent="no")
            self.steps.append(Step(node=node.id, event="no_reading", digits=digits, intent="no"))
            return self._go(self.flow.target(node.id, "no_reading") or self._next(), now)
        pair = float(int(second)) if second else None
        return self._accept_value(float(int(first)), now, from_keys=True, pair=pair)

    def _accept_value(self, value: float | None, now: float, *, from_keys: bool = False,
                      pair: float | None = None) -> list[A.Action]:
        node = self.node
        assert node is not None
        if value is not None and from_keys and node.scale_down and value > node.max and node.min <= value / 10:
            value = value / 10
        if node.pair and pair is None and value is not None:
            if self._partial is not None and node.pair_min <= value <= node.pair_max:
                # "một trăm hai mươi" ... "tám mươi": the second value of the pair, said after being asked for it
                value, pair = self._partial, value
            elif node.pair_prompt and node.min <= value <= node.max:
                return self._ask_pair(node, value, now)
        self._partial = None
        if value is None or not node.min <= value <= node.max:
            return self._failure("invalid_number", now)
        if node.pair and (pair is None or not node.pair_min <= pair <= node.pair_max):
            return self._failure("invalid_number", now)  # both numbers of the pair, each in its range
        if node.confirm:
            self._pending, self._pending_pair = value, pair
            return self._ask(node, confirming=True)
        return self._store_value(value, now, pair)

    def _ask_pair(self, node: Node, value: float, now: float) -> list[A.Action]:
        """Only the first value of a pair was said: keep it and ask for the second ("số trên 120, còn số dưới?").
        Counts as a miss of its own (bounded by ``max_failures``) but not as words not understood."""
        self._failures += 1
        if self._failures >= node.max_failures:
            return self._enter(self._exhausted_target(node), now)
        assert node.pair_prompt is not None
        self.steps.append(Step(node=node.id, event="partial", transcript=str(value)))
        self._partial = value
        return self._play_then_listen(self._play(node.pair_prompt, value=value), self._listen(node))

    def _store_value(self, value: float, now: float, pair: float | None = None) -> list[A.Action]:
        node = self.node
        assert node is not None and node.slot is not None
        value = int(value) if float(value).is_integer() and node.vital != "temperature" else value
        self.slots[node.slot] = value
        self._pending = self._pending_pair = None
        if node.pair and pair is not None:
            self.slots[node.pair] = int(pair) if float(pair).is_integer() else pair
            self.vitals[node.pair] = float(pair)
        if node.vital:
            self.vitals[node.vital] = float(value)
        self.earlier_worse, self._pending_earlier = _worse_of(self.earlier_worse, self._pending_earlier), {}
        if node.vital or (node.pair and pair is not None):
            self._reassess()
            jump = self._risk_jump(node)
            if jump is not None:
                return self._enter(jump, now)
        return self._go(self._next(), now)

    def _confirmed(self, now: float) -> list[A.Action]:
        assert self._pending is not None
        return self._store_value(self._pending, now, self._pending_pair)

    def _rejected(self, now: float) -> list[A.Action]:
        node = self.node
        assert node is not None
        self._pending = self._pending_pair = None
        self._failures += 1
        if self._failures >= node.max_failures:
            return self._enter(self.flow.target(node.id, "fallback") or "", now)
        return self._ask(node, again=True)

    def _understand(self, event: E.Speech) -> Understanding:
        node = self.node
        expect = list(self.listening.expect) if self.listening else None
        u = self.understander.understand(event.text, expect=expect or None)
        self.last_speech = event.text
        self.steps.append(Step(node=node.id if node else "", event="speech", transcript=event.text,
                               intent=u.intent, confidence=round(min(event.confidence, u.confidence), 3)))
        self.intents.append(u.intent)
        # the value a collect node asks for (and its pair) counts once the caller has confirmed it, and so does a
        # worse reading said before it in the same answer ("sáng chín ba, giờ chín sáu")
        asked = (node.vital, node.pair) if node is not None and node.kind is NodeKind.COLLECT else ()
        vitals = {k: float(v) for k, v in u.vitals.items() if k not in asked}
        expected = next((e for e in expect or () if e in vitals), None)
        if expected is not None and misshapen(expected, vitals[expected], u.text, said_as=u.vitals,
                                              read_as=lambda text, vital: self.understander.number(text, vital=vital)):
            # session 21 (n51-calls8): "có, ba sáu bảy" to "đếm được nhịp thở không?" is no breathing rate to triage
            del vitals[expected]
        self._pending_earlier = _worse_of(self._pending_earlier, {k: v for k, v in u.earlier_worse.items()
                                                                  if k in asked})
        earlier = _worse_of(self.earlier_worse, {k: v for k, v in u.earlier_worse.items() if k not in asked})
        changed = bool(set(u.symptoms) - self.symptoms or set(u.risk_factors) - self.risk_factors
                       or any(self.vitals.get(k) != v for k, v in vitals.items()) or u.intent == "emergency"
                       or any(self.earlier_worse.get(k) != v for k, v in earlier.items()))
        self.symptoms.update(u.symptoms)
        self.risk_factors.update(u.risk_factors)
        self.vitals.update(vitals)
        self.earlier_worse = earlier
        if changed:
            self._reassess()
        return u

    def _reassess(self) -> None:
        intent = "emergency" if "emergency" in self.intents else (self.intents[-1] if self.intents else None)
        vitals = _worse_of(self.vitals, self.earlier_worse)  # a dip said today counts, though the reading now is better
        self.assessment = self.triage.assess(symptoms=sorted(self.symptoms), vitals=vitals,
                                             risk_factors=sorted(self.risk_factors), intent=intent)

    def _risk_jump(self, node: Node) -> str | None:
        """The on_risk handler to jump to, once per level, unless the call was already escalated at
        that level or a more urgent one."""
        if self.assessment is None:
            return None
        for level, target in sorted(self.flow.on_risk.items(), key=lambda kv: risk_rank(kv[0])):
            if level in self._risk_fired or target == node.id or self._escalated_rank <= risk_rank(level):
                continue
            if risk_rank(self.assessment.risk) <= risk_rank(level):
                self._risk_fired.add(level)
                return target
        return None

    def _risk_would_fire(self, node: Node) -> bool:
        """Would ``_risk_jump`` jump now (without marking a level fired)?"""
        if self.assessment is None:
            return False
        risk = risk_rank(self.assessment.risk)
        return any(level not in self._risk_fired and target != node.id and self._escalated_rank > risk_rank(level)
                   and risk <= risk_rank(level) for level, target in self.flow.on_risk.items())

    def _urgent_jump(self, u: Understanding, node: Node) -> str | None:
        jump = self._risk_jump(node)
        if jump is None and u.intent == "emergency":
            target = self.flow.global_intents.get("emergency")
            if target and target != node.id and self._escalated_rank > risk_rank(RiskLevel.EMERGENCY):
                jump = target
        return jump

    def _speech(self, event: E.Speech, now: float) -> list[A.Action]:
        node = self.node
        assert node is not None
        if not event.text.strip():
            return self._no_input(now)
        if event.confidence <= 0.0:
            # the runner's "could not decode" (overloaded decoders): its text is ours, not the caller's words,
            # so nothing is understood from it; the question is offered again with its keys
            self.steps.append(Step(node=node.id, event="speech", transcript=event.text, intent="unknown",
                                   confidence=0.0))
            return self._failure("no_match", now, spoken=False)
        u = self._understand(event)
        # worried or distressed words (the rules) or words the statistical second opinion fears (the model),
        # when nothing in them was understood: a doctor now with the 115 advice (on_unclear), not more
        # questions; either opinion saying "high" is enough (clinical safety: fail toward a human)
        self._concern = u.concern
        if u.intent == "repeat" and self._concern:
            # "hả? trời ơi sợ quá": distressed and not following, a doctor now rather than the question again
            return self._failure("no_match", now, spoken=True)
        if u.intent == "repeat" and u.cannot_read and not u.symptoms:
            # session 21b (n54-calls9): "nhịp tim hả, cái đó tui hổng biết coi chỗ nào": no reading, not a repeat
            u = dc_replace(u, intent="unknown", unsure=True)
        if u.intent == "repeat" and self._reading_after_doubt(node, u):
            # session 23 (n66-calls12): "à không phải cái đó hả, để tui kẹp cái máy vô... chín mươi bảy": the caller's
            # doubt about what was asked, then the reading it asks for; the reading (read back first), not a repeat
            u = dc_replace(u, intent="daily_checkin")
        # a question may route a repeat request itself ("nghe lại" after an answer: the answer, not the menu)
        if u.intent == "repeat" and (self.phase is Phase.CONFIRMING
                                     or self.flow.target(node.id, "intent:repeat") is None):
            return self._repeat(None, now)
        if u.intent == "repeat":
            # routed by a choice (the answer again, then its question anew): spoken repeats in a row still count,
            # so "hả", "không hiểu", "hả" after an answer reaches a person instead of replaying it forever
            self._routed_repeats += 1
            confused = self._confused_out(node, now)
            if confused is not None:
                return confused
            if self._routed_repeats >= node.max_failures:
                self._routed_repeats = 0
                return self._enter(self._exhausted_target(node), now)
        else:
            self._routed_repeats = 0
        if self._risk_would_fire(node):
            self._keep_reading_with_sign(node, u, event.text)  # the reading counts too: the worse of both
        jump = self._urgent_jump(u, node)
        if jump is not None:
            return self._enter(jump, now)
        away = self._away_target(u, event.confidence)
        if away is not None:
            return self._enter(away, now)
        need = self._need_target(u, event.confidence)
        if need is not None:
            return self._enter(need, now)
        if self._complains(u, event):
            return self._complaint(node, now)
        u = as_answer(u, self._asked_sign(node))  # session 19 (n39): "vẫn tỉnh" answers the consciousness question
        if event.confidence < self.flow.min_confidence:
            # words the recognizer was unsure of count as unclear; confidence 0 is the runner's "could not
            # decode" (an overloaded decoder), a failure of ours rather than something the caller said
            return self._failure("no_match", now, spoken=event.confidence > 0.0)
        helper = self.flow.global_intents.get(u.intent) if u.intent not in ("emergency", "yes", "no") else None
        if (helper is not None and helper != node.id and not u.numbers
                and (self.phase is Phase.CONFIRMING or node.kind in (NodeKind.COLLECT, NodeKind.CHECKLIST))):
            # "cho tôi gặp bác sĩ" at a number question, a read-back or a warning-sign question: the flow's global
            # intents hold at every question, not only where choices are read (a caller is never kept from a doctor)
            return self._enter(helper, now)
        if self.phase is Phase.CONFIRMING:
            if u.intent == "yes":
                return self._confirmed(now)
            if u.intent == "no":
                # "không, đo lại thì chín mươi tư": a no with the right value is a correction, not a bare no
                value = self._said_value(event.text, node)
                if value is None:
                    return self._rejected(now)
                if self._misshapen(node, value, u):
                    return self._reask_shape(node, now)
                return self._corrected(value, u, event.text, now)
            if self._other_reading(u, node):
                # "nhiệt độ ba sáu độ rưỡi", "mạch bảy lăm" at the SpO2 read-back: the caller went on to the next
                # reading (kept and triaged by _understand) without answering this one. It is no correction (a pulse
                # of 75 is no SpO2 of 75) and no misunderstanding: the read-back is asked again, bounded like *
                self.steps.append(Step(node=node.id, event="other_reading", transcript=event.text))
                self._key_repeats += 1
                if self._key_repeats > MAX_KEY_REPEATS:
                    return self._enter(self._exhausted_target(node), now)
                return self._ask(node, confirming=True, again=True)
            value = self.understander.number(event.text, vital=node.vital)
            if value is not None and self._misshapen(node, value, u):
                return self._reask_shape(node, now)  # "(không,) ba sáu rưỡi" at the breathing read-back
            if value is not None and self._said_phrase(event.text, self.flow.correction_phrases):
                return self._corrected(value, u, event.text, now)  # "à nhầm, tám mươi tám": a corrected value
            if value is not None:  # a bare value ("bảy hai"): read back before it counts
                pair = u.vitals.get(node.pair) if node.pair else None
                return self._accept_value(value, now, pair=pair)
            return self._failure("no_match", now, spoken=True)
        if node.kind is NodeKind.CHECKLIST:
            if u.intent == "yes":
                return self._checklist_yes(now)
            if u.intent == "no":
                return self._checklist_no(now)
            if self._holds(node, u, event.text):
                return self._hold(node)
            return self._failure("no_match", now, spoken=True)
        if node.kind is NodeKind.CHOOSE:
            picked = self._spoken_option(node, event.text)
            if picked is not None:
                self._chosen(node, picked)
                return self._enter(node.next or "", now)
        if node.kind is NodeKind.COLLECT:
            value = self.understander.number(event.text, vital=node.vital)
            if value is None and node.vital:
                value = u.vitals.get(node.vital)
            if node.vital and not u.symptoms and other_measure(node.vital, event.text):
                return self._reask_shape(node, now)  # session 23 (n66-calls12): "đường huyết được bảy phẩy tám"
            if value is None and not self._concern and self._waits < MAX_WAITS and self._asks_to_wait(event.text):
                # "đợi chút, để tôi đo": time to measure, not a miss (the caller is doing what was asked)
                self._waits += 1
                self.steps.append(Step(node=node.id, event="wait", transcript=event.text))
                return self._wait(node)
            if value is None and self._reshaped and u.intent in ("yes", "no") and not u.symptoms:
                # "đúng" (the value said before) or "không" after the vital was explained: the caller has no reading
                # of this vital (the thermometer's was read), so the call moves on without one, as for "chưa đo"
                self.steps.append(Step(node=node.id, event="no_reading", transcript=event.text, intent=u.intent))
                return self._go(self.flow.target(node.id, "no_reading") or self._next(), now)
            if value is None and not self._concern and self._no_reading(event.text):
                # "chưa đo", "không có máy", "không biết đo": nothing to read, so the call moves on (no value
                # stored, the caller's words kept in the step) rather than asking for a number that does not exist
                self.steps.append(Step(node=node.id, event="no_reading", transcript=event.text, intent="no"))
                return self._go(self.flow.target(node.id, "no_reading") or self._next(), now)
            if value is None:  # words, not a number: perhaps what the caller sees rather than what he measured
                # session 21b (n54-calls9): a bare "đúng rồi" is understood (no number to give), not unclear words
                bare_yes = u.intent == "yes" and not (u.symptoms or self._concern)
                return self._failure("invalid_number", now, spoken=not bare_yes)
            if self._misshapen(node, value, u):
                return self._reask_shape(node, now)
            return self._accept_value(value, now, pair=u.vitals.get(node.pair) if node.pair else None)
        target = self.flow.target(node.id, f"intent:{u.intent}")
        if (target is None and u.intent == "unknown" and u.unsure and node.kind is NodeKind.ASK and not node.capture
                and self._collect_after_yes(node) is not None):
            # "không biết nữa" to "có máy đo không?": a device the caller does not know of is none to read (the
            # call moves on, as at a number question); at a warning-sign question not knowing is asked again, and
            # (session 23, n69-calls13) at any other question ("is this the patient?": "bà hông biết, hỏi con Lan")
            # it is no answer: not understood, counted toward the whole call's confusion
            target = self.flow.target(node.id, "intent:no")
        if target is None:
            for choice in node.choices:
                if any(_phrase_said(event.text, p) for p in choice.phrases):
                    target = choice.next
                    break
        if target is None and u.intent in self.flow.global_intents:
            candidate = self.flow.global_intents[u.intent]
            if candidate != node.id:
                target = candidate
        ahead = self._collect_after_yes(node)
        if ahead is not None and ahead.vital in u.vitals and target in (None, ahead.id):
            # "có máy đo không?" - "(có,) chín tám": a yes, with the reading the yes leads to
            return self._volunteered(ahead, u, now)
        if ahead is not None and target == ahead.id and self._other_device_reading(u, ahead):
            return self._reading_noted(node, now)
        if target is None and self._holds(node, u, event.text):
            return self._hold(node)
        asks_question = self._asks_question(node)
        if target is None and node.capture and (u.intent != "unknown" or u.symptoms or u.vitals or asks_question):
            # unsure: understood with little confidence, or with nothing the question asked for (no symptom, no
            # value: "ờ thì cũng thế thôi" heard as a goodbye is not an answer to "how are you feeling?"); a
            # question for the knowledge base is its own answer
            unsure = node.unsure is not None and not asks_question and (
                min(event.confidence, u.confidence) < node.unsure_below
                or not (u.symptoms or u.vitals or self._calm_answer(u)))
            if unsure and self._off_the_question(u):
                confused = self._confused_out(node, now)  # session 22b (n62-calls11): "lúa gặt xong rồi"
                if confused is not None:
                    return confused
            target = node.unsure if unsure else self._next()
        if target is None:
            return self._failure("no_match", now, spoken=True)
        return self._enter(target, now)

    # session 21 (n51-calls8): a value not shaped like the vital asked for; a reading said with a sign
    def _misshapen(self, node: Node, value: float, u: Understanding) -> bool:
        """Is ``value`` (said in ``u``'s words at ``node``'s question or read-back) no plausible reading of the
        node's vital (``ivr.engine.shapes``: "ba sáu rưỡi" at the breathing question is a temperature)?"""
        return misshapen(node.vital, value, u.text, said_as=u.vitals,
                         read_as=lambda text, vital: self.understander.number(text, vital=vital)) is not None

    def _reask_shape(self, node: Node, now: float) -> list[A.Action]:
        """Ask ``node``'s number again, its vital explained first (its ``shape_prompt``), after a value shaped like
        another vital: nothing stored nor triaged, a miss counted (bounded by ``max_failures``)."""
        self._pending = self._pending_pair = None
        self._partial = None
        self.steps.append(Step(node=node.id, event="misshapen", transcript=self.last_speech))
        self._reshaped = True
        self._failures += 1
        if self._failures >= node.max_failures:
            return self._enter(self._exhausted_target(node), now)
        lead = node.shape_prompt or self.flow.prompts["invalid_number"]
        if "other_measure" in self.flow.prompts and other_measure(node.vital or "", self.last_speech):
            lead = self.flow.prompts["other_measure"]  # session 23 (n66-calls12): a blood sugar, not the vital
        return self._ask(node, lead=lead, again=True)

    def _keep_reading_with_sign(self, node: Node, u: Understanding, text: str) -> bool:
        """A warning sign said with the reading the number question asks for ("chín hai đây này, mà sao cứ tức
        ngực"): the call escalates on the sign at once (called when it will), and the reading counts with it,
        unconfirmed (it can only raise the risk: triage takes the worse of both). True when a plausible reading
        was kept."""
        if node.kind is not NodeKind.COLLECT or self.phase is Phase.CONFIRMING or not node.vital or node.pair:
            return False
        value = u.vitals.get(node.vital)
        if value is None:
            value = self.understander.number(text, vital=node.vital)
        if value is None or not node.min <= value <= node.max or self._misshapen(node, value, u):
            return False
        self.vitals[node.vital] = float(value)
        self.steps.append(Step(node=node.id, event="reading_with_sign", transcript=str(value)))
        self._reassess()
        return True

    # session 21b (n54-calls9): the patient no longer at home; a hold request; readings the caller cannot give
    def _away_target(self, u: Understanding, confidence: float) -> str | None:
        """The flow's ``on_away`` handler for the whereabouts the caller said ("mạ con nhập viện từ hôm kia rồi"),
        when heard with confidence and once no warning sign has escalated (checked before: a sign goes first)."""
        if not u.away or confidence < self.flow.min_confidence:
            return None
        if u.away == "out_now" and (self.slots.get("answered_by") or self._confused):
            # session 22b (n62-calls11): out for now is news only from the one who picked up for the patient; once
            # the patient (or a relative for him) is answering, "con tui đi làm rồi" is about somebody else, and a
            # caller who has not been following the questions (a hard-of-hearing patient) reports nothing of where
            # the patient is
            return None
        target = self.flow.on_away.get(u.away)
        return target if target is not None and target != self._node_id else None

    def _need_target(self, u: Understanding, confidence: float) -> str | None:
        """Session 22 (n58-calls10): the flow's ``on_need`` handler for a need a person must handle now ("bình ô xy
        mẹ tôi đang thở sắp hết"), heard with confidence at any question, once no warning sign has escalated
        (checked before), and once per call (the escalation it makes is not made again)."""
        if not u.need or confidence < self.flow.min_confidence:
            return None
        target = self.flow.on_need.get(u.need)
        if target is None or target == self._node_id or any(s.node == target for s in self.steps):
            return None
        return target

    # session 23 (n66-calls12): a caller who complains of the service first
    def _complains(self, u: Understanding, event: E.Speech) -> bool:
        """Does the caller complain of the service ("gọi ba bốn lần không ai nghe, bấm phím với máy móc bực cả mình":
        the flow's ``complaint_phrases``), heard with confidence, with nothing else understood in the words (no
        intent, no symptom, no reading) and no worry of the rules' (distress, "không ổn")? The second opinion's
        concern alone is no sign here: an angry man's words sound alarming to it. Not at a read-back (a yes/no)."""
        if not self.flow.complaint_phrases or "complaint" not in self.flow.prompts or self.phase is Phase.CONFIRMING:
            return False
        if u.intent != "unknown" or u.symptoms or u.vitals or event.confidence < self.flow.min_confidence:
            return False
        if u.concern and u.sources.get("concern") != "model":
            return False
        return any(_phrase_said(event.text, p) for p in self.flow.complaint_phrases)

    def _complaint(self, node: Node, now: float) -> list[A.Action]:
        """An apology ("Xin lỗi ông bà đã phải chờ.") and the question again, so that the caller's next words are
        heard; one exchange not understood for the whole call (``_confused_out``): a complaint that goes on reaches a
        person (``on_unclear``) at the flow's ``max_confused``-th such exchange, and a sign said any time escalates."""
        self.steps.append(Step(node=node.id, event="complaint", transcript=self.last_speech))
        self._concern = False
        confused = self._confused_out(node, now)
        if confused is not None:
            return confused
        return self._ask(node, lead=self.flow.prompts["complaint"], again=True)

    def _holds(self, node: Node, u: Understanding, text: str) -> bool:
        """Does the caller ask the line to hold ("chờ tí, có người gọi cửa") at a question other than a number one,
        with nothing else understood in the words (no symptom, no reading, no worry)?"""
        return (self.phase is not Phase.CONFIRMING and node.kind in (NodeKind.ASK, NodeKind.CHECKLIST)
                and "hold" in self.flow.prompts and u.intent == "unknown" and not (u.symptoms or u.vitals)
                and not self._concern and self._waits < MAX_WAITS and self._asks_to_wait(text))

    def _hold(self, node: Node) -> list[A.Action]:
        """Say "Dạ, tổng đài chờ ông bà" and listen for ``HOLD_S``, no miss counted; a silence then asks again."""
        self._waits += 1
        self.steps.append(Step(node=node.id, event="wait", transcript=self.last_speech))
        return self._play_then_listen(self._play(self.flow.prompts["hold"]),
                                      dc_replace(self._listen(node), timeout_s=max(HOLD_S, node.timeout_s)))

    @staticmethod
    def _other_device_reading(u: Understanding, ahead: Node) -> bool:
        """Did the caller read out a vital another device shows (not ``ahead``'s) with his yes?"""
        if not any(ahead.vital in group for group in DEVICE_VITALS):
            return False
        return any(k != ahead.vital and not any({k, ahead.vital} <= group for group in DEVICE_VITALS)
                   for k in u.vitals)

    def _reading_noted(self, node: Node, now: float) -> list[A.Action]:
        """Another device's reading with a yes (kept by ``_understand``): said to be noted, the question asked
        again, bounded like the ``*`` key."""
        self.steps.append(Step(node=node.id, event="other_reading", transcript=self.last_speech))
        self._key_repeats += 1
        if self._key_repeats > MAX_KEY_REPEATS:
            return self._enter(self._exhausted_target(node), now)
        return self._ask(node, lead=self.flow.prompts.get("other_reading") or None, again=True)

    def _no_key_after_miss(self, node: Node, digits: str) -> bool:
        """The no key alone at a number question after a miss there (the value read back and not confirmed, a
        word that was no number): the caller cannot give this reading, so the call moves on without it."""
        return digits == NO_KEY and (self._failures > 0 or self._reshaped) and not node.min <= int(digits) <= node.max

    # session 18 (n29-node-signs): a reading corrected or re-measured at its read-back
    def _said_value(self, text: str, node: Node) -> float | None:
        """The value of ``node``'s vital said in ``text``, when in the node's range (None otherwise)."""
        value = self.understander.number(text, vital=node.vital)
        return value if value is not None and node.min <= value <= node.max else None

    def _corrected(self, value: float, u: Understanding, text: str, now: float) -> list[A.Action]:
        """A value said at a read-back instead of "đúng" ("à nhầm, tám mươi tám", "không, đo lại thì chín mươi
        tư"): the caller has said it on purpose, after hearing the first one read back. When it is a warning
        sign (the flow's ``on_risk`` fires on it) it counts at once and the call escalates here, as a sign said
        at any question does; a calm correction is read back as usual."""
        node = self.node
        assert node is not None
        pair = u.vitals.get(node.pair) if node.pair else None
        if node.pair and node.vital and pair is None:
            # a read-back listens for yes/no: a pair ("không, tám mươi trên năm mươi") is read as the number question
            # reads it
            again = self.understander.understand(text, expect=["repeat", node.vital])
            if again.vitals.get(node.vital) is not None and again.vitals.get(node.pair) is not None:
                value, pair = float(again.vitals[node.vital]), float(again.vitals[node.pair])
        valid_pair = not node.pair or (pair is not None and node.pair_min <= pair <= node.pair_max)
        if node.min <= value <= node.max and valid_pair and self._would_escalate(node, value, pair):
            self.steps.append(Step(node=node.id, event="corrected", transcript=str(value)))
            return self._store_value(value, now, pair)
        return self._accept_value(value, now, pair=pair)

    def _would_escalate(self, node: Node, value: float, pair: float | None) -> bool:
        """Would the flow's ``on_risk`` fire if ``node``'s vital (and pair) had ``value`` (and ``pair``)?"""
        vitals = _worse_of(dict(self.vitals), self.earlier_worse)
        if node.vital:
            vitals[node.vital] = float(value)
        if node.pair and pair is not None:
            vitals[node.pair] = float(pair)
        intent = "emergency" if "emergency" in self.intents else (self.intents[-1] if self.intents else None)
        risk = self.triage.assess(symptoms=sorted(self.symptoms), vitals=vitals,
                                  risk_factors=sorted(self.risk_factors), intent=intent).risk
        return any(level not in self._risk_fired and self._escalated_rank > risk_rank(level)
                   and risk_rank(risk) <= risk_rank(level) for level in self.flow.on_risk)

    @staticmethod
    def _said_phrase(text: str, phrases: tuple[str, ...]) -> bool:
        """Is one of ``phrases`` said in ``text`` as whole words (with tones)?"""
        said = f" {' '.join(unicodedata.normalize('NFC', text).casefold().replace(',', ' ').split())} "
        return any(f" {unicodedata.normalize('NFC', p).casefold()} " in said for p in phrases)

    def _asks_to_wait(self, text: str) -> bool:
        """Does the caller ask for a moment (one of the flow's ``wait_phrases``, as whole words)?"""
        return self._said_phrase(text, self.flow.wait_phrases)

    def _wait(self, node: Node) -> list[A.Action]:
        """Say "take your time" and listen to the same question for ``WAIT_S``."""
        return self._play_then_listen(self._play(self.flow.prompts["wait"]),
                                      dc_replace(self._listen(node), timeout_s=max(WAIT_S, node.timeout_s)))

    @staticmethod
    def _other_reading(u: Understanding, node: Node) -> bool:
        """Does ``u`` name another vital's reading (not this node's value nor its pair)?"""
        mine = (node.vital, node.pair)
        return node.vital not in u.vitals and any(k not in mine for k in u.vitals)

    def _known_reading(self, node: Node) -> Node | None:
        """The number question a yes to ``node`` leads to, when its value was already said on the call (at the
        greeting, the check-in question or another read-back) and has not been confirmed at its own question:
        the value is read back there instead of the device being asked about."""
        ahead = self._collect_after_yes(node)
        if ahead is None or ahead.vital is None or ahead.vital not in self.vitals or (ahead.slot or "") in self.slots:
            return None
        if not ahead.min <= self.vitals[ahead.vital] <= ahead.max:
            return None
        pair = self.vitals.get(ahead.pair) if ahead.pair else None
        if ahead.pair and not (pair is not None and ahead.pair_min <= pair <= ahead.pair_max):
            return None
        return ahead

    def _no_reading(self, text: str) -> bool:
        """Do the caller's words at a number question say there is no reading ("chưa đo", "không có",
        "không biết đo", "hổng có máy")? Read as the answer to a yes/no question (the number question
        asks, in effect, "what does it show?"): a no with no number in it, or not knowing ("không biết")."""
        u = self.understander.understand(text, expect=("yes", "no"))
        return u.intent == "no" or u.unsure or u.cannot_read  # session 21b (n54-calls9): "không biết coi chỗ nào"

    def _collect_after_yes(self, node: Node) -> Node | None:
        """The vital's number question a yes to ``node`` leads to ("có máy đo không?" -> "SpO2 bao nhiêu?"),
        whose value an elderly caller often reads out at once instead of saying yes."""
        if node.kind is not NodeKind.ASK:
            return None
        ahead = self.flow.nodes.get(self.flow.target(node.id, "intent:yes") or "")
        return ahead if ahead is not None and ahead.kind is NodeKind.COLLECT and ahead.vital else None

    def _volunteered(self, ahead: Node, u: Understanding, now: float) -> list[A.Action]:
        """Take the yes and the value said with it: arrive at ``ahead`` without asking its question and
        handle the value as its answer (read back for confirmation when the node confirms)."""
        assert ahead.vital is not None
        self.steps.append(Step(node=self._node_id, event="volunteered", intent="yes"))
        self._arrive(ahead)
        if self._misshapen(ahead, u.vitals[ahead.vital], u):
            return self._reask_shape(ahead, now)  # "có, ba sáu bảy" to "đếm được nhịp thở không?"
        return self._accept_value(u.vitals[ahead.vital], now, pair=u.vitals.get(ahead.pair) if ahead.pair else None)

    def _asks_question(self, node: Node) -> bool:
        """A free-speech question whose words go to an ``answer`` node: any words are the question."""
        nxt = self.flow.nodes.get(self._next() or "")
        return nxt is not None and nxt.kind is NodeKind.ANSWER and nxt.source == "question"

    def _exhausted_target(self, node: Node) -> str:
        """Where a caller who keeps failing at ``node`` goes: a gate's ``unanswered`` (nobody engaged),
        the flow's ``on_unclear`` escalation when they spoke and were not understood, else the fallback."""
        if node.kind is NodeKind.GATE:
            target = node.unanswered
        else:
            target = self._unclear_target(node) or self.flow.target(node.id, "fallback")
        assert target is not None  # validated flows always have one
        return target

    # ---------------------------------------------------------------- choose
    def _options(self, node: Node) -> tuple[str, ...]:
        """The names a choose node offers (from its ``options`` slot), at most ``MAX_OPTIONS``."""
        raw = self.slots.get(node.options or "", ())
        if isinstance(raw, str):
            raw = (raw,)
        return tuple(str(x) for x in (raw or ()) if str(x).strip())[:MAX_OPTIONS]

    def _options_text(self, node: Node) -> str:
        assert node.option_prompt is not None
        return ", ".join(self.catalog.text(node.option_prompt, {"key": i, "option": name})
                         for i, name in enumerate(self._options(node), start=1))

    def _chosen(self, node: Node, index: int) -> None:
        """Option ``index`` (from 1) is the one: its name goes to the node's slot, and the risk factors the
        call brought for it (slot ``<options>_risk_factors``, a list parallel to the options: a household
        phone's patients) become the call's, so triage weighs the chosen patient's age and illnesses."""
        assert node.slot is not None
        self.slots[node.slot] = index
        self.slots[f"{node.slot}_name"] = self._options(node)[index - 1]
        factors = self.slots.get(f"{node.options}_risk_factors")
        if isinstance(factors, (list, tuple)) and len(factors) >= index and isinstance(factors[index - 1],
                                                                                          (list, tuple)):
            self.risk_factors.update(str(f) for f in factors[index - 1] if str(f).strip())

    def _spoken_option(self, node: Node, text: str) -> int | None:
        """The option whose name the caller said ("bác Lan", or just "Lan"), when exactly one matches."""
        said = f" {_fold(text)} "
        hits = {i for i, name in enumerate(self._options(node), start=1)
                if f" {_fold(name)} " in said or f" {_fold(name).split()[-1]} " in said}
        return hits.pop() if len(hits) == 1 else None

    def _unclear_target(self, node: Node) -> str | None:
        """The flow's ``on_unclear`` escalation, when the caller spoke at this question and was not
        understood, unless the call was already escalated at least as urgently."""
        target = self.flow.on_unclear
        if not self._unclear or target is None or target == node.id:
            return None
        risk = self.flow.nodes[target].risk
        if risk is not None and self._escalated_rank <= risk_rank(risk):
            return None
        return target

    def _repeat(self, digit: str | None, now: float) -> list[A.Action]:
        """Replay the question. A spoken request ("hả?", "không hiểu") is a failure to understand
        each other and counts toward the node's fallback; the ``*`` key is a deliberate control,
        bounded by ``MAX_KEY_REPEATS``. Either way no caller loops on one question forever."""
        node = self.node
        assert node is not None
        self.steps.append(Step(node=node.id, event="repeat", digits=digit or "", intent="repeat"))
        if digit is None:
            confused = self._confused_out(node, now)
            if confused is not None:
                return confused
            self._failures += 1
            exhausted = self._failures >= node.max_failures
        else:
            self._key_repeats += 1
            exhausted = self._key_repeats > MAX_KEY_REPEATS
        if exhausted:
            return self._enter(self._exhausted_target(node), now)
        return self._ask(node, confirming=self.phase is Phase.CONFIRMING, again=True)

    def _no_input(self, now: float) -> list[A.Action]:
        node = self.node
        assert node is not None
        self.steps.append(Step(node=node.id, event="no_input"))
        return self._failure("no_input", now, record=False)

    def _failure(self, kind: str, now: float, *, record: bool = True, spoken: bool = False) -> list[A.Action]:
        """A no-input, no-match or invalid value: reprompt, or fall back to a human after max_failures.
        ``spoken``: the caller said words that were not understood; when any failure at this question was
        spoken, its failures lead to the flow's ``on_unclear`` escalation instead of the routine fallback."""
        node = self.node
        assert node is not None
        if record and kind != "no_input":
            self.steps.append(Step(node=node.id, event="no_match"))
        confirming = self.phase is Phase.CONFIRMING
        if spoken and self._concern:
            # worried or distressed words that were not understood ("trời ơi, sợ quá"): a doctor now, with
            # the 115 advice, rather than more questions
            self._unclear += 1
            target = self._unclear_target(node)
            if target is not None:
                return self._enter(target, now)
        if (spoken and kind != "no_input") or self._silent_after_confusion(kind):
            confused = self._confused_out(node, now)
            if confused is not None:
                return confused
        if node.unsure is not None and kind != "no_input" and not confirming:
            # an answer not understood (words, keys or a low-confidence guess): ask the short questions
            # instead (the warning-sign checklist), so safety does not rest on parsing free speech
            return self._enter(node.unsure, now)
        self._failures += 1
        self._unclear += spoken
        if self._failures >= node.max_failures:
            return self._enter(self._exhausted_target(node), now)
        if kind == "no_input":
            lead = node.no_input_prompt or self.flow.prompts["no_input"]
        elif kind == "invalid_number":
            lead = self.flow.prompts["invalid_number"]
        else:
            lead = node.no_match_prompt or self.flow.prompts["no_match"]
        return self._ask(node, confirming=confirming, lead=lead, again=True)

    def _reading_after_doubt(self, node: Node, u: Understanding) -> bool:
        """Session 23 (n66-calls12): a request to repeat at a number question whose words also give a reading of the
        vital asked for, in its range ("hả, chín bảy"), and no symptom: the reading answers the question."""
        if node.kind is not NodeKind.COLLECT or self.phase is Phase.CONFIRMING or not node.vital or u.symptoms:
            return False
        value = u.vitals.get(node.vital)
        return value is not None and node.min <= value <= node.max

    @staticmethod
    def _calm_answer(u: Understanding) -> bool:
        """Session 23 (n66-calls12): a how-are-you answer that is calm with confidence: a check-in or a no that says
        symptoms are absent ("dạ cũng thường thôi, ... không ho không sốt chi nữa") or that all is well ("bình
        thường"), with no symptom named, no worry and nothing unsure in it. It goes on to the readings (which catch a
        silent low SpO2) instead of the warning-sign round, kept for answers that say nothing of health ("ờ thì cũng
        vậy") or unsure ones; a yes there to a question the caller did not expect ("có" meant for the oximeter
        question) would make a calm patient an emergency."""
        return (u.intent in ("daily_checkin", "no") and not (u.symptoms or u.concern or u.unsure)
                and bool(u.denied or "any" in u.state_answer))

    # session 22b (n62-calls11): a caller who is not understood, counted over the whole call
    @staticmethod
    def _off_the_question(u: Understanding) -> bool:
        """Words at a how-are-you question that say nothing of health: no symptom, no reading, no check-in words,
        no yes/no and no worry ("lúa ngoài đồng gặt xong rồi": a hard-of-hearing caller answering another one)."""
        return (not (u.symptoms or u.vitals or u.concern)
                and u.intent not in ("daily_checkin", "report_symptoms", "yes", "no", "goodbye", "emergency"))

    def _silent_after_confusion(self, kind: str) -> bool:
        """Session 23 (n69-calls13): silence from a caller who has already not followed the call (an exchange not
        understood counted before: a confused grandmother who asks back, then says nothing) counts as one more such
        exchange; silence alone (a caller gone to fetch the oximeter) does not."""
        return kind == "no_input" and self._confused > 0

    def _confused_out(self, node: Node, now: float) -> list[A.Action] | None:
        """Count one spoken exchange that was not understood (a request to repeat, words that answer no option) for
        the whole call, not only at ``node``: a hard-of-hearing caller who answers another question at each question
        ("hả? nói to lên", "cơm tui ăn rồi", "con tui đi làm rồi") reaches a person at the flow's ``max_confused``-th
        such exchange (the flow's ``on_unclear`` escalation, else the node's fallback), wherever it falls. None when
        the call goes on (no limit set, not reached yet, or a gate: nobody engaged is no confused caller)."""
        if node.kind is NodeKind.GATE:
            return None
        self._confused += 1
        if not self.flow.max_confused or self._confused < self.flow.max_confused:
            return None
        self.steps.append(Step(node=node.id, event="confused", transcript=self.last_speech))
        self._unclear = max(self._unclear, 1)
        return self._enter(self._unclear_target(node) or self.flow.target(node.id, "fallback")
                           or self._exhausted_target(node), now)

    def _asked_sign(self, node: Node) -> str | None:
        """The sign the question now asked is about (``ivr.engine.sign_answer``): the checklist item's symptom, ""
        for an item about no one sign, None for any other question or a read-back."""
        if node.kind is not NodeKind.CHECKLIST or self.phase is Phase.CONFIRMING or self._item >= len(node.items):
            return None
        return node.items[self._item].symptom or ""

    def _checklist_yes(self, now: float) -> list[A.Action]:
        """A yes to a warning-sign question: record the sign, then escalate, at the level the triage
        gives it (the rule pack knows which signs are emergencies), at least the item's own ``risk``, and
        through the item's or the checklist's ``on_yes`` escalation when no level handler applies: a yes
        always escalates."""
        node = self.node
        assert node is not None and node.on_yes is not None
        item: ChecklistItem = node.items[self._item]
        if item.symptom:
            self.symptoms.add(item.symptom)
        self._reassess()
        jump = self._risk_jump(node)
        level = item.risk
        if (jump is None and level is not None and level in self.flow.on_risk
                and self._escalated_rank > risk_rank(level)):
            self._risk_fired.add(level)
            jump = self.flow.on_risk[level]
        return self._enter(jump or item.on_yes or node.on_yes, now)

    def _checklist_no(self, now: float) -> list[A.Action]:
        """A no: the next question, each with its own count of misses; after the last, the node's ``next``."""
        node = self.node
        assert node is not None
        self._item += 1
        self._failures, self._key_repeats, self._unclear = 0, 0, 0
        if self._item >= len(node.items):
            return self._go(self._next(), now)
        return self._ask(node)


def _worse_of(a: dict[str, float], b: Mapping[str, float]) -> dict[str, float]:
    """Each vital of ``a`` and ``b``, the worse reading where both have it (``understanding.worse``)."""
    out = dict(a)
    for k, v in b.items():
        out[k] = worse(k, out[k], float(v)) if k in out else float(v)
    return out
