"""Call flows as data: YAML files in ``callflows/`` compiled to a transition table.

``load_flow(path, catalog)`` returns a validated, immutable ``Flow`` or raises
``FlowError`` whose ``problems`` are lines ``PATH: node 'ID': problem``.
A flow that fails validation is never returned, so a broken edit can never
replace the flow that is serving calls.

The node kinds and their fields are documented in ``docs/callflows.md``.
"""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml

from ivr.engine.events import DTMF_KEYS
from ivr.engine.labels import SYMPTOM_LABELS
from ivr.engine.prompts import PROMPT_ID as PROMPT_ID_RE
from ivr.engine.prompts import PromptCatalog
from ivr.engine.understanding import INTENTS, RISK_LEVELS, VITALS
from ivr.errors import FlowError
from ivr.vocabulary import EscalationMode


class NodeKind(StrEnum):
    """What a node does (``docs/callflows.md`` documents each kind and its fields)."""

    SAY = "say"
    ASK = "ask"
    MENU = "menu"
    COLLECT = "collect"
    CHECKLIST = "checklist"  # yes/no questions one after the other (the warning signs): a yes escalates
    BRANCH = "branch"
    ESCALATE = "escalate"
    RECORD = "record"
    HANDOFF = "handoff"
    HANGUP = "hangup"
    ANSWER = "answer"  # a knowledge-base answer (``ivr.engine.understanding.Answers``)
    CHOOSE = "choose"  # pick one of a list the call brings (slot ``options``): key N or the spoken name
    GATE = "gate"  # an outbound call's first question: one key starts, no key ends the call (nobody engaged)


K = NodeKind
KINDS: tuple[NodeKind, ...] = tuple(NodeKind)
#: The kinds that ask the caller something and listen for the answer.
LISTENING_KINDS: tuple[NodeKind, ...] = (K.ASK, K.MENU, K.COLLECT, K.CHECKLIST, K.CHOOSE, K.GATE)
#: The listening kinds whose failures must lead to a human ('fallback'). A gate is the exception: it is
#: asked before anybody has engaged (an answering machine, a phone left ringing in a pocket), so its
#: failures end the call ('unanswered') and the call counts as not reached.
FALLBACK_KINDS: tuple[NodeKind, ...] = (K.ASK, K.MENU, K.COLLECT, K.CHECKLIST, K.CHOOSE)
#: The listening kinds at which the flow's global ``keys`` apply (a collect node takes digits as a value).
KEYED_KINDS: tuple[NodeKind, ...] = (K.ASK, K.MENU, K.CHOOSE, K.GATE)
PATIENT_STATUSES = ("home", "transferred", "discharged", "unknown")
OPS = ("<", "<=", ">", ">=", "==", "!=")
FILE = "(file)"

_COMMON = {"kind", "prompt", "barge_in", "next", "set", "__line__"}
_FIELDS: dict[NodeKind, set[str]] = {
    K.SAY: _COMMON,
    K.ASK: _COMMON | {"choices", "capture", "fallback", "max_failures", "timeout_s", "no_input_prompt",
                      "no_match_prompt", "reprompt", "unsure", "unsure_below"},
    K.MENU: _COMMON | {"choices", "fallback", "max_failures", "timeout_s", "no_input_prompt", "no_match_prompt",
                       "reprompt"},
    K.COLLECT: _COMMON | {"slot", "vital", "min", "max", "max_digits", "confirm", "fallback", "max_failures",
                          "timeout_s", "no_input_prompt", "no_match_prompt", "scale_down", "reprompt", "pair",
                          "pair_min", "pair_max", "no_reading", "pair_prompt", "shape_prompt"},
    K.CHECKLIST: _COMMON | {"items", "on_yes", "fallback", "max_failures", "timeout_s", "no_input_prompt",
                            "no_match_prompt"},
    K.BRANCH: {"kind", "cases", "else", "set", "__line__"},
    K.ESCALATE: _COMMON | {"risk", "reason", "mode"},
    K.RECORD: _COMMON | {"max_s"},
    K.HANDOFF: _COMMON | {"target"},
    K.HANGUP: {"kind", "prompt", "barge_in", "set", "__line__"},
    K.ANSWER: _COMMON | {"topic", "source", "else", "choose"},
    K.CHOOSE: _COMMON | {"options", "option_prompt", "slot", "choices", "fallback", "max_failures", "timeout_s",
                         "no_input_prompt", "no_match_prompt", "reprompt"},
    K.GATE: _COMMON | {"key", "slot", "unanswered", "max_failures", "timeout_s", "no_input_prompt",
                       "no_match_prompt", "reprompt", "choices"},  # session 22 (n58-calls10): spoken choices
}
#: Where an ``answer`` node takes its topic from: the caller's last words, a fixed ``topic`` (a keypad
#: choice), the topic answered last ("nghe lại"), the first related topic of the one answered last, or
#: the topic the caller picked when the question fitted two (``chosen``: see ``choose``).
ANSWER_SOURCES = ("question", "topic", "last", "related", "chosen")
#: Slots an answer node with ``choose`` fills when the question fits two topics about equally well: the
#: titles offered (a choose node's ``options``) and the topic ids behind them; the choose node's ``slot``
#: must be ``CHOICE_SLOT`` (the key picked), which a ``source: chosen`` answer reads.
CHOICE_TITLES_SLOT, CHOICE_TOPICS_SLOT, CHOICE_SLOT = "faq_choices", "faq_choice_topics", "faq_choice"
#: the most options a choose node offers (keys 1-8; 9 and 0 stay free for the flow's global keys)
MAX_OPTIONS = 8


@dataclass(frozen=True, kw_only=True)
class Choice:
    next: str
    dtmf: str | None = None
    intents: tuple[str, ...] = ()
    phrases: tuple[str, ...] = ()
    #: session 23 (n69-calls13): the warning sign a key says ("khó thở thì bấm phím 1"): pressing it records the sign
    #: for triage and the case, as a yes to its checklist question does, so the doctor is told what the caller has
    symptom: str | None = None


#: The keys that answer a checklist's yes/no questions.
YES_KEY, NO_KEY = "1", "2"


@dataclass(frozen=True, kw_only=True)
class ChecklistItem:
    """One yes/no question of a checklist: "Ông bà có khó thở không? Có bấm 1, không bấm 2."
    A yes records ``symptom`` (a warning sign the triage reads) and escalates at ``risk`` or more, through
    the item's own ``on_yes`` escalation (a sign without a symptom name carries its reason there) or the
    checklist's."""

    prompt: str
    symptom: str | None = None
    risk: str | None = None
    on_yes: str | None = None
    #: session 23 (n69-calls13): the question worded for the patient herself, asked instead of ``prompt`` when the
    #: patient answers the phone (slot ``answered_by``: patient): "Người bệnh có lơ mơ không?" is asked of a relative
    self_prompt: str | None = None


@dataclass(frozen=True, kw_only=True)
class Condition:
    next: str
    intent: tuple[str, ...] = ()
    risk: tuple[str, ...] = ()
    patient_status: tuple[str, ...] = ()
    symptom: tuple[str, ...] = ()
    slot: str | None = None
    op: str = "=="
    value: Any = None


@dataclass(frozen=True, kw_only=True)
class Node:
    id: str
    kind: NodeKind
    line: int | None = None
    prompt: str | None = None
    barge_in: bool = True
    next: str | None = None
    set: Mapping[str, Any] = field(default_factory=dict)
    # listening nodes
    choices: tuple[Choice, ...] = ()
    capture: bool = False
    fallback: str | None = None
    max_failures: int = 3
    timeout_s: float = 7.0
    no_input_prompt: str | None = None
    no_match_prompt: str | None = None
    reprompt: str | None = None  # the shorter question replayed after a miss or a repeat request
    # ask: where an answer not understood with confidence goes instead of the question again (a checklist)
    unsure: str | None = None
    unsure_below: float = 0.7  # a captured answer understood with less confidence than this is unsure
    # collect
    slot: str | None = None
    vital: str | None = None
    min: float = 0.0
    max: float = 1000.0
    max_digits: int = 3
    confirm: str | None = None
    #: where a caller who has no reading ("chưa đo", "không có máy", "không biết đo") goes (default: ``next``)
    no_reading: str | None = None
    scale_down: bool = False  # DTMF "385" means 38.5 when 385 is out of range
    # a second value said with the first ("chín mươi trên sáu mươi": blood pressure), keyed after "*"
    pair: str | None = None
    pair_min: float = 0.0
    pair_max: float = 1000.0
    #: asked when only the first value of a pair was said ("một trăm hai mươi"): "và số dưới?" ({value}: the first)
    pair_prompt: str | None = None
    #: played before the question again when the value said is not shaped like the vital (session 21, n51-calls8:
    #: "ba sáu rưỡi" at the breathing question is a temperature; ``ivr.engine.shapes``): the vital explained
    shape_prompt: str | None = None
    # checklist
    items: tuple[ChecklistItem, ...] = ()
    on_yes: str | None = None
    # branch
    cases: tuple[Condition, ...] = ()
    else_: str | None = None
    # escalate / handoff / record
    risk: str | None = None
    reason: str = ""
    mode: EscalationMode = EscalationMode.CALLBACK
    target: str = "doctor"
    max_s: float = 60.0
    # answer
    topic: str | None = None
    source: str = "question"
    #: where a question that fits two topics goes to ask which one (a choose node); None: it is declined
    choose: str | None = None
    # choose: the slot holding the list of spoken names, and how one is offered ({key}, {option})
    options: str | None = None
    option_prompt: str | None = None
    # gate: the key that starts the call, and where no key leads
    key: str = "1"
    unanswered: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "kind", NodeKind(self.kind))
        object.__setattr__(self, "mode", EscalationMode(self.mode))

    @property
    def listens(self) -> bool:
        return self.kind in LISTENING_KINDS


@dataclass(frozen=True, kw_only=True)
class Flow:
    name: str
    start: str
    nodes: Mapping[str, Node]
    #: (node id, trigger) -> target node id; triggers: "next", "fallback", "else", "unsure", "yes",
    #: "dtmf:<key>", "intent:<name>", "phrase:<text>", "global:<intent>", "risk:<level>"
    table: Mapping[tuple[str, str], str]
    global_intents: Mapping[str, str] = field(default_factory=dict)
    on_risk: Mapping[str, str] = field(default_factory=dict)
    #: where a question's failures lead instead of its fallback when the caller spoke but was not
    #: understood (worrying but unparsed: an escalation with 115 advice, not a routine transfer)
    on_unclear: str | None = None
    #: keys that work at every question but collect nodes (key -> node), e.g. 0: a doctor, 9: opt out
    global_keys: Mapping[str, str] = field(default_factory=dict)
    prompts: Mapping[str, str] = field(default_factory=dict)  # role -> prompt id (no_input, no_match, invalid_number)
    min_confidence: float = 0.45
    #: words of a caller who needs a moment at a number question ("đợi chút", "để tôi đo"): the prompt of the
    #: role ``wait`` is played and the question listened for longer (``WAIT_S`` in the engine), not counted as a miss
    wait_phrases: tuple[str, ...] = ()
    #: words of a caller correcting a reading at its read-back ("à nhầm, tám mươi tám", "đo lại thì chín mươi tư"): a
    #: value said with one of them counts at once when it is a warning sign; a bare value is read back first
    correction_phrases: tuple[str, ...] = ()
    #: session 23 (n66-calls12): words of a caller complaining of the service ("gọi ba bốn lần không ai nghe", "bấm phím
    #: với máy móc bực cả mình"), with nothing else understood in them: the prompt of the role ``complaint`` (an
    #: apology) is played and the question asked again, counted as one exchange not understood (``max_confused``)
    complaint_phrases: tuple[str, ...] = ()
    #: session 21b (n54-calls9): where the call goes when the one on the phone says the patient is no longer at home
    #: ("in_hospital", "moved", "died": ``Understanding.away``), unless a warning sign was said (that escalates first)
    on_away: Mapping[str, str] = field(default_factory=dict)
    #: session 22 (n58-calls10): where the call goes when the caller says of a need a person must handle now
    #: ("oxygen_supply": ``Understanding.need``), unless a warning sign was said (that escalates first)
    on_need: Mapping[str, str] = field(default_factory=dict)
    #: session 22b (n62-calls11): the spoken exchanges in one call, at any of its questions, that may fail to reach
    #: an understanding (a request to repeat, words that answer no option) before the caller goes to a person (the
    #: node's exhausted target: ``on_unclear`` for words); 0: only each question's own ``max_failures`` count
    max_confused: int = 0
    source: str = ""
    text: str = field(default="", repr=False, compare=False)

    def target(self, node_id: str, trigger: str) -> str | None:
        return self.table.get((node_id, trigger))


class _LineLoader(yaml.SafeLoader):
    """SafeLoader that records the line of every mapping as ``__line__``."""


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> dict[Any, Any]:
    mapping = loader.construct_mapping(node, deep=True)
    mapping["__line__"] = node.start_mark.line + 1
    return mapping


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)


TEXT = "text"
#: Every problem the validator reports, by kind: the English text (the CLI's, and ``FlowError.problems``).
#: A program that shows problems in another language (the admin) reads ``FlowProblems.details`` and
#: translates by kind, with the same parameters.
MESSAGES: dict[str, str] = {
    "invalid_yaml": "invalid YAML{where}: {what}",
    "not_mapping": "expected a mapping with 'flow', 'start' and 'nodes'",
    "missing_name": "missing 'flow' name",
    "defaults_not_mapping": "'defaults' must be a mapping",
    "pair_prompt_needs_pair": "'pair_prompt' needs 'pair' (it asks for the second value of a pair)",
    "wait_phrases_not_list": "'wait_phrases' must be a list of words",
    "correction_phrases_not_list": "'correction_phrases' must be a list of words",
    "wait_needs_prompt": "'wait_phrases' needs the prompt role 'wait' (what a caller who asked for a moment hears)",
    # session 23 (n66-calls12)
    "complaint_phrases_not_list": "'complaint_phrases' must be a list of words",
    "complaint_needs_prompt": "'complaint_phrases' needs the prompt role 'complaint' (what a caller complaining of "
                              "the service hears before the question again)",
    "missing_nodes": "missing 'nodes' mapping",
    "prompt_role_missing": "prompts.{role} is required (the reprompt callers hear)",
    "prompt_role_unknown": "prompts.{role}: unknown prompt id '{pid}'",
    "node_not_mapping": "must be a mapping with a 'kind'",
    "start_undefined": "start node {start!r} is not defined",
    "global_unknown_intent": "global: unknown intent '{intent}'",
    "on_risk_unknown": "on_risk: unknown risk level '{risk}'",
    "on_away_unknown": "on_away: unknown whereabouts '{away}' (one of {known})",
    "on_need_unknown": "on_need: unknown need '{need}' (one of {known})",
    "on_unclear_not_id": "on_unclear must be a node id, got {value!r}",
    "dangling": "transition '{trigger}' points to unknown node '{target}'",
    "missing_fallback": "missing fallback (a '{kind}' node needs 'fallback' or defaults.fallback)",
    "fallback_hangs_up": "fallback '{fallback}' hangs up: a failing caller must reach a human",
    "fallback_no_human": "fallback '{fallback}' never reaches a human: {path} {ending} (a failing caller must reach "
                         "an escalate or handoff node, or a question whose fallback does)",
    "on_unclear_not_escalate": "on_unclear '{target}' must be an 'escalate' node (a caller who spoke and was not "
                               "understood is escalated), got kind '{kind}'",
    "unreachable": "unreachable from start node '{start}'",
    "unknown_kind": "unknown kind {kind!r} (expected one of {kinds})",
    "unknown_field": "unknown field '{key}' for kind '{kind}'",
    "missing_field": "missing '{key}'",
    "unknown_prompt": "unknown prompt id '{pid}'",
    "not_number": "'{key}' must be a number ≥ {low:g}, got {value!r}",
    "missing_next": "missing 'next'",
    "needs_choices": "needs 'choices' (or 'capture: true' for free speech)",
    "capture_needs_next": "'capture: true' needs 'next'",
    "unknown_vital": "unknown vital '{vital}' (expected one of {vitals})",
    "missing_slot": "missing 'slot' (or 'vital')",
    "min_max": "'min' {low:g} must be below 'max' {high:g}",
    "missing_else": "missing 'else' (a branch must always lead somewhere)",
    "unknown_risk": "unknown risk level '{risk}'",
    "bad_mode": "mode must be 'live' or 'callback', got {mode!r}",
    "choices_not_list": "'choices' must be a list",
    "choice_needs_next": "choice {i} needs 'next'",
    "choice_bad_dtmf": "choice {i}: dtmf must be one key 0-9, # or A-D ('*' means repeat), got {dtmf!r}",
    "choice_dtmf_twice": "choice {i}: key {dtmf} is used twice",
    "choice_menu_needs_dtmf": "choice {i}: a menu choice needs a 'dtmf' key",
    "choice_unknown_intent": "choice {i}: unknown intent '{intent}'",
    "choice_unknown_symptom": "choice {i}: unknown symptom or sign '{symptom}' (expected one of {symptoms})",
    "choice_needs_trigger": "choice {i} needs 'dtmf', 'intent' or 'phrases'",
    "cases_not_list": "'cases' must be a list",
    "case_needs_when": "case {i} needs 'when' (a mapping) and 'next'",
    "case_unknown_condition": "case {i}: unknown condition {names}",
    "case_unknown_risk": "case {i}: unknown risk level '{level}'",
    "case_unknown_status": "case {i}: unknown patient status '{status}'",
    "case_unknown_intent": "case {i}: unknown intent '{intent}'",
    "case_unknown_op": "case {i}: unknown operator {op!r}",
    "case_empty_when": "case {i}: empty 'when'",
    "bad_pair": "'pair' must be another vital (one of {vitals}), got {pair!r}",
    "pair_min_max": "'pair_min' {low:g} must be below 'pair_max' {high:g}",
    "unsure_not_question": "unsure '{target}' must be a question (a 'checklist' or an 'ask'), got kind '{kind}'",
    "on_yes_not_escalate": "{where} '{target}' must be an 'escalate' node (a yes to a warning sign escalates), "
                           "got kind '{kind}'",
    "unsure_needs_capture": "'unsure' needs 'capture: true' (it is where a free answer not understood with "
                            "confidence goes)",
    "unsure_below_range": "'unsure_below' must be a confidence from 0 to 1, got {below:g}",
    "missing_on_yes": "missing 'on_yes' (the escalation a yes leads to)",
    "items_not_list": "'items' must be a non-empty list of yes/no questions",
    "item_unknown_field": "item {i}: unknown field '{key}'",
    "item_needs_prompt": "item {i} needs 'prompt' (the yes/no question)",
    "item_unknown_prompt": "item {i}: unknown prompt id '{pid}'",
    "item_unknown_symptom": "item {i}: unknown symptom or sign '{symptom}' (expected one of {symptoms})",
    "item_unknown_risk": "item {i}: unknown risk level '{risk}'",
    "global_key_bad": "keys: {key!r} must be one key 0-9, # or A-D",
    "choose_missing_options": "missing 'options' (the slot holding the list to choose from)",
    "bad_slot": "'slot' must be a slot name, got {slot!r}",
    "gate_bad_key": "'key' must be one key 0-9, # or A-D, got {key!r}",
    "gate_missing_unanswered": "missing 'unanswered' (where the call goes when nobody presses the key)",
    "answer_bad_source": "'source' must be one of {sources}, got {source!r}",
    "answer_topic_source": "'topic' is needed exactly when 'source' is 'topic'",
    "answer_bad_topic": "'topic' must be a lower_snake_case topic id, got {topic!r}",
    "answer_missing_next": "missing 'next' (where the caller goes once answered)",
    "answer_missing_else": "missing 'else' (where the caller goes when no entry fits with confidence)",
    "choose_key_is_option": "choice key {dtmf} is an option key of a choose node (1-{most}); use 0, 9 or #",
    "answer_bad_choose": "'choose' is a node id, and only for an answer to the caller's question (source: question)",
    TEXT: "{text}",  # a problem given as its text, without a kind of its own yet
}


@dataclass(frozen=True, kw_only=True)
class FlowProblem:
    """One validator problem as data: the node it is about (``FILE`` for the file), its kind (a ``MESSAGES``
    key), the values its message names, and its YAML line where known."""

    node: str
    code: str
    params: Mapping[str, Any] = field(default_factory=dict)
    line: int | None = None

    @property
    def text(self) -> str:
        return MESSAGES[self.code].format(**self.params)


class FlowProblems(FlowError):
    """``FlowError`` from the validator, with each problem also as a ``FlowProblem`` (same order)."""

    def __init__(self, problems: list[str], lines: list[int | None], details: list[FlowProblem]):
        super().__init__(problems, lines)
        self.details = list(details)


class _Problems:
    def __init__(self, source: str):
        self.source = source
        self.lines: list[str] = []
        self.line_numbers: list[int | None] = []
        self.details: list[FlowProblem] = []

    def add(self, node: str, code: str, line: int | None = None, **params: Any) -> None:
        """One problem, by its kind (a ``MESSAGES`` key) and the values its message names; a text that is no
        kind is kept as it is (kind ``text``)."""
        if code not in MESSAGES:
            code, params = TEXT, {"text": code}
        problem = FlowProblem(node=node, code=code, params=params, line=line)
        self.lines.append(f"{self.source}: node '{node}': {problem.text}")
        self.line_numbers.append(line)
        self.details.append(problem)

    def error(self) -> FlowProblems:
        return FlowProblems(self.lines, self.line_numbers, self.details)


def _as_tuple(value: Any) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, (list, tuple)):
        return tuple(value)
    return (value,)


def load_flow(path: str | Path, catalog: PromptCatalog) -> Flow:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FlowError([f"{path}: node '{FILE}': file not found"]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FlowError([f"{path}: node '{FILE}': cannot read: {exc}"]) from None
    return load_flow_text(text, str(path), catalog)


def load_flow_text(text: str, source: str, catalog: PromptCatalog) -> Flow:
    """Parse, validate and compile a flow; raise FlowError listing every problem."""
    problems = _Problems(source)
    try:
        data = yaml.load(text, Loader=_LineLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        where = f" at line {line}" if line else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.add(FILE, "invalid_yaml", line, where=where, what=what)
        raise problems.error() from None
    if not isinstance(data, dict):
        problems.add(FILE, "not_mapping", 1)
        raise problems.error()
    flow = _compile(data, source, text, catalog, problems)
    if problems.lines:
        raise problems.error()
    assert flow is not None
    return flow


def _compile(data: dict[str, Any], source: str, text: str, catalog: PromptCatalog,
             problems: _Problems) -> Flow | None:
    name = data.get("flow")
    if not isinstance(name, str) or not name:
        problems.add(FILE, "missing_name", 1)
        name = Path(source).stem
    defaults = data.get("defaults") or {}
    if not isinstance(defaults, dict):
        problems.add(FILE, "defaults_not_mapping", 1)
        defaults = {}
    raw_nodes = data.get("nodes")
    if not isinstance(raw_nodes, dict) or not [k for k in raw_nodes if k != "__line__"]:
        problems.add(FILE, "missing_nodes", data.get("__line__"))
        return None
    roles = {k: v for k, v in (data.get("prompts") or {}).items() if k != "__line__"}
    for role in ("no_input", "no_match", "invalid_number"):
        if role not in roles:
            problems.add(FILE, "prompt_role_missing", data.get("__line__"), role=role)
    for role, pid in roles.items():
        if pid not in catalog:
            problems.add(FILE, "prompt_role_unknown", data.get("__line__"), role=role, pid=pid)

    nodes: dict[str, Node] = {}
    table: dict[tuple[str, str], str] = {}
    for node_id, raw in raw_nodes.items():
        if node_id == "__line__":
            continue
        if not isinstance(raw, dict):
            problems.add(str(node_id), "node_not_mapping", raw_nodes.get("__line__"))
            continue
        node = _compile_node(str(node_id), raw, defaults, catalog, problems)
        if node is not None:
            nodes[node.id] = node
            _add_transitions(node, table)

    start = data.get("start")
    if not isinstance(start, str) or start not in raw_nodes:
        problems.add(FILE, "start_undefined", data.get("__line__"), start=start)
        start = next(iter(nodes), "")

    global_intents = {k: v for k, v in (data.get("global") or {}).items() if k != "__line__"}
    for intent, target in global_intents.items():
        if intent not in INTENTS:
            problems.add(FILE, "global_unknown_intent", data.get("__line__"), intent=intent)
        table[("*", f"global:{intent}")] = target
    on_risk = {k: v for k, v in (data.get("on_risk") or {}).items() if k != "__line__"}
    for risk, target in on_risk.items():
        if risk not in RISK_LEVELS:
            problems.add(FILE, "on_risk_unknown", data.get("__line__"), risk=risk)
        table[("*", f"risk:{risk}")] = target

    on_away = _on_away(data, table, problems)
    on_need = _on_need(data, table, problems)

    global_keys = {str(k): v for k, v in (data.get("keys") or {}).items() if k != "__line__"}
    for key, target in global_keys.items():
        if len(key) != 1 or key not in DTMF_KEYS or key == "*":
            problems.add(FILE, "global_key_bad", data.get("__line__"), key=key)
        table[("*", f"key:{key}")] = str(target)

    on_unclear = data.get("on_unclear")
    if on_unclear is not None:
        if not isinstance(on_unclear, str):
            problems.add(FILE, "on_unclear_not_id", data.get("__line__"), value=on_unclear)
            on_unclear = None
        else:
            table[("*", "unclear")] = on_unclear

    # dangling transitions
    for (node_id, trigger), target in table.items():
        if target not in nodes:
            line = nodes[node_id].line if node_id in nodes else data.get("__line__")
            shown = FILE if node_id == "*" else node_id
            problems.add(shown, "dangling", line, trigger=trigger, target=target)

    # fallbacks must lead to a human, never end the call
    human = _reaches_human(nodes)
    for node in nodes.values():
        if node.kind in FALLBACK_KINDS and node.fallback is None:
            problems.add(node.id, "missing_fallback", node.line, kind=str(node.kind))
        if node.fallback in nodes and nodes[node.fallback].kind is K.HANGUP:
            problems.add(node.id, "fallback_hangs_up", node.line, fallback=node.fallback)
        elif node.kind in FALLBACK_KINDS and node.fallback in nodes and node.fallback not in human:
            path, ending = _path_away_from_human(node.fallback, nodes, human)
            problems.add(node.id, "fallback_no_human", node.line, fallback=node.fallback, path=" -> ".join(path),
                         ending=ending, nodes=tuple(path))

    for node in nodes.values():
        if node.unsure in nodes and not nodes[node.unsure].listens:
            problems.add(node.id, "unsure_not_question", node.line, target=node.unsure,
                         kind=str(nodes[node.unsure].kind))
        for where, on_yes in [("on_yes", node.on_yes)] + [(f"item {i + 1}: on_yes", item.on_yes)
                                                          for i, item in enumerate(node.items)]:
            if on_yes in nodes and nodes[on_yes].kind is not K.ESCALATE:
                problems.add(node.id, "on_yes_not_escalate", node.line, where=where, target=on_yes,
                             kind=str(nodes[on_yes].kind))

    if on_unclear in nodes and nodes[on_unclear].kind is not K.ESCALATE:
        problems.add(FILE, "on_unclear_not_escalate", data.get("__line__"), target=on_unclear,
                     kind=str(nodes[on_unclear].kind))

    # reachability from start and from the global handlers
    reachable: set[str] = set()
    todo = [start] + list(global_intents.values()) + list(on_risk.values()) + list(global_keys.values())
    todo += list(on_away.values()) + list(on_need.values())
    todo += [on_unclear] if on_unclear else []
    while todo:
        current = todo.pop()
        if current in reachable or current not in nodes:
            continue
        reachable.add(current)
        todo.extend(t for (n, _), t in table.items() if n == current)
    for node in nodes.values():
        if node.id not in reachable:
            problems.add(node.id, "unreachable", node.line, start=start)

    wait_phrases = data.get("wait_phrases") or []
    if not isinstance(wait_phrases, list) or not all(isinstance(p, str) and p.strip() for p in wait_phrases):
        problems.add(FILE, "wait_phrases_not_list", data.get("__line__"))
        wait_phrases = []
    elif wait_phrases and "wait" not in roles:
        problems.add(FILE, "wait_needs_prompt", data.get("__line__"))
    correction_phrases = data.get("correction_phrases") or []
    if not isinstance(correction_phrases, list) or not all(
            isinstance(p, str) and p.strip() for p in correction_phrases):
        problems.add(FILE, "correction_phrases_not_list", data.get("__line__"))
        correction_phrases = []
    complaint_phrases = _complaint_phrases(data, roles, problems)

    return Flow(
        name=name, start=start, nodes=nodes, table=table, global_intents=global_intents, on_risk=on_risk,
        on_unclear=on_unclear, global_keys=global_keys, prompts=roles,
        wait_phrases=tuple(" ".join(p.split()) for p in wait_phrases),
        correction_phrases=tuple(" ".join(p.split()) for p in correction_phrases), on_away=on_away,
        complaint_phrases=complaint_phrases,
        on_need=on_need,
        min_confidence=float(defaults.get("min_confidence", 0.45)), source=source, text=text,
        max_confused=int(defaults.get("max_confused", 0) or 0),
    )


#: session 21b (n54-calls9): the whereabouts ``Understanding.away`` names
AWAY_KINDS = ("in_hospital", "moved", "died",
              # session 22b (n62-calls11): not at home right now (at the market, at work), back later today
              "out_now")


def _on_away(data: Mapping[str, Any], table: dict[tuple[str, str], str], problems: _Problems) -> dict[str, str]:
    """Session 21b (n54-calls9): the flow's ``on_away`` handlers (whereabouts -> node), added to the table."""
    on_away = {str(k): str(v) for k, v in (data.get("on_away") or {}).items() if k != "__line__"}
    for away, target in on_away.items():
        if away not in AWAY_KINDS:
            problems.add(FILE, "on_away_unknown", data.get("__line__"), away=away, known=", ".join(AWAY_KINDS))
        table[("*", f"away:{away}")] = target
    return on_away


#: session 22 (n58-calls10): the needs ``Understanding.need`` names
NEED_KINDS = ("oxygen_supply",)


def _complaint_phrases(data: Mapping[str, Any], roles: Mapping[str, str], problems: _Problems) -> tuple[str, ...]:
    """Session 23 (n66-calls12): the flow's ``complaint_phrases`` (with the prompt role they need)."""
    phrases = data.get("complaint_phrases") or []
    if not isinstance(phrases, list) or not all(isinstance(p, str) and p.strip() for p in phrases):
        problems.add(FILE, "complaint_phrases_not_list", data.get("__line__"))
        return ()
    if phrases and "complaint" not in roles:
        problems.add(FILE, "complaint_needs_prompt", data.get("__line__"))
    return tuple(" ".join(p.split()) for p in phrases)


def _on_need(data: Mapping[str, Any], table: dict[tuple[str, str], str], problems: _Problems) -> dict[str, str]:
    """Session 22 (n58-calls10): the flow's ``on_need`` handlers (need -> node), added to the table."""
    on_need = {str(k): str(v) for k, v in (data.get("on_need") or {}).items() if k != "__line__"}
    for need, target in on_need.items():
        if need not in NEED_KINDS:
            problems.add(FILE, "on_need_unknown", data.get("__line__"), need=need, known=", ".join(NEED_KINDS))
        table[("*", f"need:{need}")] = target
    return on_need


def _failure_targets(node: Node) -> tuple[str | None, ...]:
    """Where a caller who keeps failing at ``node`` goes next (None: the engine transfers to a doctor)."""
    if node.kind is K.GATE:
        return (node.next,)  # nobody engaged yet: what counts is where the call goes once somebody has
    if node.listens:
        # a question is a retry: what counts is where its own failures lead (an unsure answer leads on too)
        return (node.fallback, node.unsure) if node.unsure else (node.fallback,)
    if node.kind is K.BRANCH:
        return tuple(c.next for c in node.cases) + (node.else_,)
    if node.kind is K.ANSWER:
        return (node.next, node.else_, node.choose) if node.choose else (node.next, node.else_)
    return (node.next,)  # say, record: on to the next node


def _reaches_human(nodes: Mapping[str, Node]) -> set[str]:
    """The nodes from which every failure path reaches an escalate or handoff node (a least fixed point,
    so a loop of questions whose fallbacks point at each other does not count)."""
    human = {n.id for n in nodes.values() if n.kind in (K.ESCALATE, K.HANDOFF)}
    changed = True
    while changed:
        changed = False
        for node in nodes.values():
            if node.id in human or node.kind is K.HANGUP:
                continue
            # a missing target is the engine's transfer to a doctor (or a dangling name, reported elsewhere)
            if all(t is None or t in human or t not in nodes for t in _failure_targets(node)):
                human.add(node.id)
                changed = True
    return human


def _path_away_from_human(start: str, nodes: Mapping[str, Node], human: set[str]) -> tuple[list[str], str]:
    """A failure path from ``start`` that never reaches a human, and how it ends ('hangs up' or 'loops')."""
    path = [start]
    while True:
        node = nodes[path[-1]]
        if node.kind is K.HANGUP:
            return path, "hangs up"
        step = next(t for t in _failure_targets(node) if t is not None and t in nodes and t not in human)
        path.append(step)
        if step in path[:-1]:
            return path, "loops"


def _add_transitions(node: Node, table: dict[tuple[str, str], str]) -> None:
    if node.next:
        table[(node.id, "next")] = node.next
    if node.fallback:
        table[(node.id, "fallback")] = node.fallback
    if node.else_:
        table[(node.id, "else")] = node.else_
    if node.choose:
        table[(node.id, "choose")] = node.choose
    if node.unanswered:
        table[(node.id, "unanswered")] = node.unanswered
    if node.no_reading:
        table[(node.id, "no_reading")] = node.no_reading
    for choice in node.choices:
        if choice.dtmf:
            table[(node.id, f"dtmf:{choice.dtmf}")] = choice.next
        for intent in choice.intents:
            table[(node.id, f"intent:{intent}")] = choice.next
        for phrase in choice.phrases:
            table[(node.id, f"phrase:{phrase}")] = choice.next
    for i, case in enumerate(node.cases):
        table[(node.id, f"case:{i}")] = case.next
    if node.unsure:
        table[(node.id, "unsure")] = node.unsure
    if node.on_yes:
        table[(node.id, "yes")] = node.on_yes
    for i, item in enumerate(node.items):
        if item.on_yes:
            table[(node.id, f"yes:{i + 1}")] = item.on_yes


def _compile_node(node_id: str, raw: dict[str, Any], defaults: dict[str, Any], catalog: PromptCatalog,
                  problems: _Problems) -> Node | None:
    line = raw.get("__line__")
    raw_kind = raw.get("kind")

    def bad(code: str, **params: Any) -> None:
        problems.add(node_id, code, line, **params)

    if raw_kind not in KINDS:
        bad("unknown_kind", kind=raw_kind, kinds=", ".join(KINDS))
        return None
    kind = NodeKind(raw_kind)
    for key in sorted(set(raw) - _FIELDS[kind]):
        bad("unknown_field", key=key, kind=str(kind))

    def prompt_field(key: str, required: bool = False) -> str | None:
        pid = raw.get(key)
        if pid is None:
            if required:
                bad("missing_field", key=key)
            return None
        if not isinstance(pid, str) or pid not in catalog:
            bad("unknown_prompt", pid=pid)
            return None
        return pid

    def number(key: str, default: float, low: float = 0.0) -> float:
        value = raw.get(key, defaults.get(key, default))
        if isinstance(value, bool) or not isinstance(value, (int, float)) or value < low:
            bad("not_number", key=key, low=low, value=value)
            return default
        return float(value)

    prompt_required = kind in (K.SAY, K.ASK, K.MENU, K.COLLECT, K.RECORD, K.CHOOSE, K.GATE)
    fields: dict[str, Any] = dict(
        id=node_id, kind=kind, line=line,
        prompt=prompt_field("prompt", prompt_required),
        barge_in=bool(raw.get("barge_in", defaults.get("barge_in", True))),
        next=raw.get("next"),
        set={k: v for k, v in (raw.get("set") or {}).items() if k != "__line__"},
    )
    if kind in (K.SAY, K.RECORD, K.ESCALATE, K.COLLECT, K.CHOOSE, K.GATE) and not raw.get("next"):
        bad("missing_next")
    if kind in (K.ASK, K.MENU) and not raw.get("choices") and not raw.get("capture"):
        bad("needs_choices")
    if kind is K.ASK and raw.get("capture") and not raw.get("next"):
        bad("capture_needs_next")
    if kind in LISTENING_KINDS:
        fields.update(
            fallback=raw.get("fallback", defaults.get("fallback")) if kind in FALLBACK_KINDS else None,
            max_failures=int(number("max_failures", 3, 1)),
            timeout_s=number("timeout_s", 7.0, 1.0),
            no_input_prompt=prompt_field("no_input_prompt"),
            no_match_prompt=prompt_field("no_match_prompt"),
            reprompt=prompt_field("reprompt"),
            capture=bool(raw.get("capture", False)),
            choices=_choices(raw.get("choices") or [], kind, bad),
        )
    if kind is K.CHOOSE:
        for choice in fields.get("choices", ()):
            if choice.dtmf is not None and choice.dtmf.isdigit() and 1 <= int(choice.dtmf) <= MAX_OPTIONS:
                bad("choose_key_is_option", dtmf=choice.dtmf, most=MAX_OPTIONS)
    if kind is K.ASK and raw.get("unsure") is not None:
        if not raw.get("capture"):
            bad("unsure_needs_capture")
        below = number("unsure_below", 0.7)
        if below > 1:
            bad("unsure_below_range", below=below)
        fields.update(unsure=str(raw["unsure"]), unsure_below=below)
    if kind is K.CHECKLIST:  # its prompt, optional, is the intro played before the first question
        if not raw.get("next"):
            bad("missing_next")
        if not raw.get("on_yes"):
            bad("missing_on_yes")
        fields.update(items=_items(raw.get("items"), catalog, bad), on_yes=raw.get("on_yes"))
    if kind is K.COLLECT:
        vital = raw.get("vital")
        if vital is not None and vital not in VITALS:
            bad("unknown_vital", vital=vital, vitals=", ".join(VITALS))
        slot = raw.get("slot") or vital
        if not slot:
            bad("missing_slot")
        low, high = number("min", 0.0, float("-inf")), number("max", 1000.0, float("-inf"))
        if low >= high:
            bad("min_max", low=low, high=high)
        pair = raw.get("pair")
        if pair is not None:
            if pair not in VITALS or pair in (vital, slot):
                bad("bad_pair", vitals=", ".join(VITALS), pair=pair)
            pair_low, pair_high = number("pair_min", 0.0, float("-inf")), number("pair_max", 1000.0, float("-inf"))
            if pair_low >= pair_high:
                bad("pair_min_max", low=pair_low, high=pair_high)
            fields.update(pair=str(pair), pair_min=pair_low, pair_max=pair_high,
                          pair_prompt=prompt_field("pair_prompt"))
        elif raw.get("pair_prompt") is not None:
            bad("pair_prompt_needs_pair")
        fields.update(slot=slot, vital=vital, min=low, max=high, max_digits=int(number("max_digits", 3, 1)),
                      confirm=prompt_field("confirm"), scale_down=bool(raw.get("scale_down", False)),
                      no_reading=str(raw["no_reading"]) if raw.get("no_reading") is not None else None,
                      shape_prompt=prompt_field("shape_prompt"))
    if kind is K.CHOOSE:
        options = raw.get("options")
        if not isinstance(options, str) or not options:
            bad("choose_missing_options")
        slot = raw.get("slot", "choice")
        if not isinstance(slot, str) or not slot:
            bad("bad_slot", slot=slot)
        fields.update(options=options, slot=slot, option_prompt=prompt_field("option_prompt", True))
    if kind is K.GATE:
        key = str(raw.get("key", "1"))
        if len(key) != 1 or key not in DTMF_KEYS or key == "*":
            bad("gate_bad_key", key=key)
        if not raw.get("unanswered"):
            bad("gate_missing_unanswered")
        slot = raw.get("slot", "started")
        if not isinstance(slot, str) or not slot:
            bad("bad_slot", slot=slot)
        fields.update(key=key, unanswered=raw.get("unanswered"), slot=slot)
    if kind is K.BRANCH:
        if "else" not in raw:
            bad("missing_else")
        fields.update(cases=_cases(raw.get("cases") or [], bad), else_=raw.get("else"))
    if kind is K.ESCALATE:
        risk = raw.get("risk")
        if risk is not None and risk not in RISK_LEVELS:
            bad("unknown_risk", risk=risk)
        mode = raw.get("mode", EscalationMode.CALLBACK.value)
        if mode in tuple(EscalationMode):
            fields.update(mode=EscalationMode(mode))
        else:
            bad("bad_mode", mode=mode)
        fields.update(risk=risk, reason=str(raw.get("reason", "")))
    if kind is K.RECORD:
        fields.update(max_s=number("max_s", 60.0, 1.0))
    if kind is K.HANDOFF:
        fields.update(target=str(raw.get("target", "doctor")))
    if kind is K.ANSWER:
        topic = raw.get("topic")
        source = str(raw.get("source", "topic" if topic is not None else "question"))
        if source not in ANSWER_SOURCES:
            bad("answer_bad_source", sources=", ".join(ANSWER_SOURCES), source=source)
        if (source == "topic") != (topic is not None):
            bad("answer_topic_source")
        if topic is not None and (not isinstance(topic, str) or not PROMPT_ID_RE.match(topic)):
            bad("answer_bad_topic", topic=topic)
        if not raw.get("next"):
            bad("answer_missing_next")
        if "else" not in raw:
            bad("answer_missing_else")
        choose = raw.get("choose")
        if choose is not None and (source != "question" or not isinstance(choose, str)):
            bad("answer_bad_choose")
            choose = None
        fields.update(topic=topic, source=source, else_=raw.get("else"), choose=choose)
    return Node(**fields)


def _choices(raw: Any, kind: NodeKind, bad: Any) -> tuple[Choice, ...]:
    if not isinstance(raw, list):
        bad("choices_not_list")
        return ()
    out: list[Choice] = []
    seen: set[str] = set()
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("next"):
            bad("choice_needs_next", i=i + 1)
            continue
        dtmf = item.get("dtmf")
        if dtmf is not None:
            dtmf = str(dtmf)
            if len(dtmf) != 1 or dtmf not in DTMF_KEYS or dtmf == "*":
                bad("choice_bad_dtmf", i=i + 1, dtmf=dtmf)
            elif dtmf in seen:
                bad("choice_dtmf_twice", i=i + 1, dtmf=dtmf)
            seen.add(dtmf)
        elif kind is K.MENU:
            bad("choice_menu_needs_dtmf", i=i + 1)
        intents = tuple(str(x) for x in _as_tuple(item.get("intent")))
        for intent in intents:
            if intent not in INTENTS:
                bad("choice_unknown_intent", i=i + 1, intent=intent)
        phrases = tuple(str(x) for x in _as_tuple(item.get("phrases")))
        if dtmf is None and not intents and not phrases:
            bad("choice_needs_trigger", i=i + 1)
        symptom = item.get("symptom")
        if symptom is not None and (symptom not in SYMPTOM_LABELS or dtmf is None):
            bad("choice_unknown_symptom", i=i + 1, symptom=symptom, symptoms=", ".join(SYMPTOM_LABELS))
            symptom = None
        out.append(Choice(next=str(item["next"]), dtmf=dtmf, intents=intents, phrases=phrases,
                          symptom=None if symptom is None else str(symptom)))
    return tuple(out)


def _items(raw: Any, catalog: PromptCatalog, bad: Any) -> tuple[ChecklistItem, ...]:
    if not isinstance(raw, list) or not raw:
        bad("items_not_list")
        return ()
    out: list[ChecklistItem] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict):
            item = {}
        for key in sorted(set(item) - {"prompt", "symptom", "risk", "on_yes", "self_prompt", "__line__"}):
            bad("item_unknown_field", i=i + 1, key=key)
        prompt, symptom, risk = item.get("prompt"), item.get("symptom"), item.get("risk")
        if not prompt:
            bad("item_needs_prompt", i=i + 1)  # kept, so later items keep their number
        elif not isinstance(prompt, str) or prompt not in catalog:
            bad("item_unknown_prompt", i=i + 1, pid=prompt)
        if symptom is not None and symptom not in SYMPTOM_LABELS:
            bad("item_unknown_symptom", i=i + 1, symptom=symptom, symptoms=", ".join(SYMPTOM_LABELS))
        if risk is not None and risk not in RISK_LEVELS:
            bad("item_unknown_risk", i=i + 1, risk=risk)
        on_yes, self_prompt = item.get("on_yes"), item.get("self_prompt")
        if self_prompt is not None and (not isinstance(self_prompt, str) or self_prompt not in catalog):
            bad("item_unknown_prompt", i=i + 1, pid=self_prompt)
        out.append(ChecklistItem(prompt=str(prompt or ""), symptom=symptom, risk=risk,
                                 on_yes=None if on_yes is None else str(on_yes),
                                 self_prompt=None if self_prompt is None else str(self_prompt)))
    return tuple(out)


def _cases(raw: Any, bad: Any) -> tuple[Condition, ...]:
    if not isinstance(raw, list):
        bad("cases_not_list")
        return ()
    out: list[Condition] = []
    for i, item in enumerate(raw):
        if not isinstance(item, dict) or not item.get("next") or not isinstance(item.get("when"), dict):
            bad("case_needs_when", i=i + 1)
            continue
        when = {k: v for k, v in item["when"].items() if k != "__line__"}
        unknown = set(when) - {"intent", "risk", "patient_status", "symptom", "slot", "op", "value"}
        if unknown:
            bad("case_unknown_condition", i=i + 1, names=", ".join(sorted(unknown)))
        risk = tuple(str(x) for x in _as_tuple(when.get("risk")))
        for level in risk:
            if level not in RISK_LEVELS:
                bad("case_unknown_risk", i=i + 1, level=level)
        status = tuple(str(x) for x in _as_tuple(when.get("patient_status")))
        for st in status:
            if st not in PATIENT_STATUSES:
                bad("case_unknown_status", i=i + 1, status=st)
        intents = tuple(str(x) for x in _as_tuple(when.get("intent")))
        for intent in intents:
            if intent not in INTENTS:
                bad("case_unknown_intent", i=i + 1, intent=intent)
        op = str(when.get("op", "==" if "slot" in when else "=="))
        if op not in OPS:
            bad("case_unknown_op", i=i + 1, op=op)
        if not when:
            bad("case_empty_when", i=i + 1)
        out.append(Condition(next=str(item["next"]), intent=intents, risk=risk, patient_status=status,
                             symptom=tuple(str(x) for x in _as_tuple(when.get("symptom"))),
                             slot=when.get("slot"), op=op, value=when.get("value")))
    return tuple(out)


def validate_paths(paths: list[str | Path], catalog: PromptCatalog) -> list[str]:
    """Every problem in every file, one line each (empty when all are valid)."""
    lines: list[str] = []
    for path in paths:
        try:
            load_flow(path, catalog)
        except FlowError as exc:
            lines.extend(exc.problems)
    return lines
