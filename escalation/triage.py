"""Triage: versioned rule packs (data in ``escalation/rules/*.yaml``) -> risk level.

A rule pack names its source decision and the date it took effect; the pack in
force on a given day is the one with the latest ``effective_from`` not after
that day. Each rule has a condition (``when``), a risk level and a reason that
a doctor can read, in Vietnamese, citing the source::

    - id: spo2-low
      risk: high
      when: {vital: {name: spo2, op: "<=", value: 96}}
      reason: "SpO2 {value}% ≤ {threshold}%"
      cite: "dấu hiệu 3, QĐ 261/QĐ-BYT"

``when`` may hold ``intent`` (list), ``symptoms`` (list, or ``any``),
``risk_factors`` (list, or ``any``) and ``vital`` ({name, op, value}); every
key given must hold. The most urgent level among the rules that fire wins;
the reasons of the fired rules are kept, most urgent first (low-level
reasons only when nothing more urgent fired).
"""
from __future__ import annotations

import datetime as dt
import math
import operator
import string
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ivr.engine.labels import RISK_FACTOR_LABELS, SYMPTOM_LABELS, VITAL_LABELS
from ivr.engine.understanding import INTENTS, SYMPTOMS, VITALS, Assessment
from ivr.nlu.lexicon import RISK_FACTORS
from ivr.vocabulary import RISK_LEVELS, RiskLevel, risk_rank

from .errors import RulePackError

RULES_DIR = Path(__file__).resolve().parent / "rules"

_OPS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq,
}
_PACK_KEYS = {"id", "version", "title", "source", "cite", "effective_from", "replaces", "signs", "rules"}
_RULE_KEYS = {"id", "risk", "when", "reason", "cite"}
_WHEN_KEYS = {"intent", "symptoms", "risk_factors", "vital"}
_FIELDS = {"value", "threshold", "symptoms", "risk_factors", "vital"}

NONE_REASON = "Không ghi nhận triệu chứng hay chỉ số bất thường"


def _fmt(x: float) -> str:
    """Vietnamese number format: 38.5 -> "38,5", 94.0 -> "94"."""
    text = f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))
    return text.replace(".", ",")


@dataclass(frozen=True, kw_only=True)
class VitalCondition:
    name: str
    op: str
    value: float

    def holds(self, vitals: Mapping[str, float]) -> bool:
        v = vitals.get(self.name)
        return v is not None and _OPS[self.op](float(v), self.value)


@dataclass(frozen=True, kw_only=True)
class Rule:
    id: str
    risk: str
    reason: str
    cite: str = ""
    intents: tuple[str, ...] | None = None
    symptoms: tuple[str, ...] | None = None  # () means "any symptom"
    risk_factors: tuple[str, ...] | None = None  # () means "any risk factor"
    vital: VitalCondition | None = None

    def fires(self, symptoms: set[str], vitals: Mapping[str, float], risk_factors: set[str],
              intent: str | None) -> bool:
        if self.intents is not None and intent not in self.intents:
            return False
        if self.symptoms is not None and not (symptoms & set(self.symptoms) if self.symptoms else symptoms):
            return False
        if self.risk_factors is not None and not (
                risk_factors & set(self.risk_factors) if self.risk_factors else risk_factors):
            return False
        return self.vital is None or self.vital.holds(vitals)

    def explain(self, symptoms: Sequence[str], vitals: Mapping[str, float], risk_factors: Sequence[str]) -> str:
        fields = {
            "symptoms": ", ".join(SYMPTOM_LABELS.get(s, s) for s in symptoms
                                  if not self.symptoms or s in self.symptoms),
            "risk_factors": ", ".join(RISK_FACTOR_LABELS.get(r, r) for r in risk_factors
                                      if not self.risk_factors or r in self.risk_factors),
            "value": "", "threshold": "", "vital": "",
        }
        if self.vital is not None:
            fields.update(value=_fmt(float(vitals[self.vital.name])), threshold=_fmt(self.vital.value),
                          vital=VITAL_LABELS[self.vital.name])
        text = self.reason.format(**fields)
        return f"{text}: {self.cite}" if self.cite else text


@dataclass(frozen=True, kw_only=True)
class RulePack:
    id: str
    version: str
    title: str
    source: str
    cite: str
    effective_from: dt.date
    signs: Mapping[str, str]
    rules: tuple[Rule, ...]
    path: str = ""

    @property
    def label(self) -> str:
        return f"{self.id}@{self.version}"


def _names(value: Any, allowed: Sequence[str], what: str, where: str, problems: list[str],
           allow_any: bool) -> tuple[str, ...] | None:
    if value == "any" and allow_any:
        return ()
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        problems.append(f"{where}: '{what}' must be a non-empty list of names" + (" or 'any'" if allow_any else ""))
        return None
    unknown = [v for v in value if v not in allowed]
    if unknown:
        problems.append(f"{where}: unknown {what} {', '.join(repr(u) for u in unknown)}")
        return None
    return tuple(value)


def _rule(raw: Any, idx: int, where_pack: str, symptom_names: Sequence[str], problems: list[str]) -> Rule | None:
    if not isinstance(raw, dict):
        problems.append(f"{where_pack}: rule #{idx + 1}: must be a mapping")
        return None
    rid = raw.get("id")
    where = f"{where_pack}: rule '{rid}'" if isinstance(rid, str) and rid else f"{where_pack}: rule #{idx + 1}"
    before = len(problems)
    if not isinstance(rid, str) or not rid:
        problems.append(f"{where}: missing 'id'")
    for key in sorted(set(raw) - _RULE_KEYS):
        problems.append(f"{where}: unknown key '{key}'")
    risk = raw.get("risk")
    if risk not in RISK_LEVELS or risk == RiskLevel.NONE:
        problems.append(f"{where}: 'risk' must be one of {', '.join(RISK_LEVELS[:-1])}, not {risk!r}")
    reason = raw.get("reason")
    if not isinstance(reason, str) or not reason.strip():
        problems.append(f"{where}: missing 'reason'")
        reason = ""
    cite = raw.get("cite", "")
    if not isinstance(cite, str):
        problems.append(f"{where}: 'cite' must be text")
        cite = ""
    when = raw.get("when")
    intents = symptoms = factors = None
    vital = None
    if not isinstance(when, dict) or not when:
        problems.append(f"{where}: 'when' must be a mapping with at least one of {', '.join(sorted(_WHEN_KEYS))}")
        when = {}
    for key in sorted(set(when) - _WHEN_KEYS):
        problems.append(f"{where}: unknown condition '{key}'")
    if "intent" in when:
        intents = _names(when["intent"], INTENTS, "intent", where, problems, allow_any=False)
    if "symptoms" in when:
        symptoms = _names(when["symptoms"], symptom_names, "symptoms", where, problems, allow_any=True)
    if "risk_factors" in when:
        factors = _names(when["risk_factors"], RISK_FACTORS, "risk_factors", where, problems, allow_any=True)
    if "vital" in when:
        v = when["vital"]
        if not isinstance(v, dict) or set(v) != {"name", "op", "value"}:
            problems.append(f"{where}: 'vital' must have exactly name, op and value")
        elif v["name"] not in VITALS:
            problems.append(f"{where}: unknown vital {v['name']!r}; expected one of {', '.join(VITALS)}")
        elif v["op"] not in _OPS:
            problems.append(f"{where}: unknown operator {v['op']!r}; expected one of {' '.join(_OPS)}")
        elif isinstance(v["value"], bool) or not isinstance(v["value"], (int, float)):
            problems.append(f"{where}: vital value must be a number, not {v['value']!r}")
        else:
            vital = VitalCondition(name=v["name"], op=v["op"], value=float(v["value"]))
    if reason:
        try:
            used = {f for _, f, _, _ in string.Formatter().parse(reason) if f is not None}
        except ValueError as exc:
            problems.append(f"{where}: bad reason template: {exc}")
            used = set()
        bad = used - _FIELDS
        if bad:
            problems.append(f"{where}: unknown placeholder {', '.join('{' + b + '}' for b in sorted(bad))} in reason")
        if used & {"value", "threshold", "vital"} and "vital" not in when:
            problems.append(f"{where}: reason uses {{value}}/{{threshold}} but the rule has no 'vital' condition")
    if len(problems) > before:
        return None
    assert isinstance(rid, str) and isinstance(risk, str)
    return Rule(id=rid, risk=risk, reason=reason, cite=cite, intents=intents, symptoms=symptoms,
                risk_factors=factors, vital=vital)


def load_pack_text(text: str, source: str) -> RulePack:
    """Parse and validate one rule pack; raises RulePackError naming ``source`` and the rule."""
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise RulePackError([f"{source}: not valid YAML: {exc}".replace("\n", " ")]) from None
    if not isinstance(raw, dict):
        raise RulePackError([f"{source}: a rule pack must be a mapping"])
    problems: list[str] = []
    for key in sorted(set(raw) - _PACK_KEYS):
        problems.append(f"{source}: unknown key '{key}'")
    for key in ("id", "version", "source", "cite", "effective_from", "rules"):
        if key not in raw:
            problems.append(f"{source}: missing '{key}'")
    eff = raw.get("effective_from")
    if "effective_from" in raw and not (isinstance(eff, dt.date) and not isinstance(eff, dt.datetime)):
        try:
            eff = dt.date.fromisoformat(str(eff))
        except ValueError:
            problems.append(f"{source}: 'effective_from' must be a date YYYY-MM-DD, not {eff!r}")
    signs = raw.get("signs") or {}
    if not isinstance(signs, dict):
        problems.append(f"{source}: 'signs' must map names to descriptions")
        signs = {}
    clash = [s for s in signs if s in SYMPTOMS]
    if clash:
        problems.append(f"{source}: signs {', '.join(clash)} are already symptom names")
    symptom_names = (*SYMPTOMS, *signs)
    rules: list[Rule] = []
    raw_rules = raw.get("rules")
    if "rules" in raw and (not isinstance(raw_rules, list) or not raw_rules):
        problems.append(f"{source}: 'rules' must be a non-empty list")
        raw_rules = []
    seen: set[str] = set()
    for i, r in enumerate(raw_rules or []):
        rule = _rule(r, i, source, symptom_names, problems)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(f"{source}: rule '{rule.id}': duplicate id")
        seen.add(rule.id)
        rules.append(rule)
    if problems:
        raise RulePackError(problems)
    assert isinstance(eff, dt.date)
    return RulePack(id=str(raw["id"]), version=str(raw["version"]), title=str(raw.get("title", "")),
                    source=str(raw["source"]), cite=str(raw["cite"]), effective_from=eff,
                    signs=dict(signs), rules=tuple(rules), path=source)


def load_pack(path: str | Path) -> RulePack:
    p = Path(path)
    try:
        text = p.read_text(encoding="utf-8")
    except OSError as exc:
        raise RulePackError([f"{p}: cannot read rule pack: {exc.strerror or exc}"]) from None
    return load_pack_text(text, str(p))


def load_packs(directory: str | Path = RULES_DIR) -> tuple[RulePack, ...]:
    """Every ``*.yaml`` pack in ``directory``, oldest first; ids and dates must be unique."""
    d = Path(directory)
    files = sorted(d.glob("*.yaml"))
    if not files:
        raise RulePackError([f"{d}: no rule packs (*.yaml)"])
    packs: list[RulePack] = []
    problems: list[str] = []
    for f in files:
        try:
            packs.append(load_pack(f))
        except RulePackError as exc:
            problems.extend(exc.problems)
    by_id: dict[str, str] = {}
    by_date: dict[dt.date, str] = {}
    for p in packs:
        if p.id in by_id:
            problems.append(f"{p.path}: pack id '{p.id}' also used by {by_id[p.id]}")
        if p.effective_from in by_date:
            problems.append(f"{p.path}: effective_from {p.effective_from} also used by {by_date[p.effective_from]}")
        by_id[p.id] = p.path
        by_date[p.effective_from] = p.path
    if problems:
        raise RulePackError(problems)
    return tuple(sorted(packs, key=lambda p: p.effective_from))


def active_pack(packs: Sequence[RulePack], today: dt.date) -> RulePack:
    """The pack in force on ``today``: the latest ``effective_from`` not after it."""
    valid = [p for p in packs if p.effective_from <= today]
    if not valid:
        first = min(packs, key=lambda p: p.effective_from)
        message = (f"no rule pack in force on {today.isoformat()}; the earliest, {first.id}, "
                   f"takes effect on {first.effective_from.isoformat()}")
        raise RulePackError([message])
    return max(valid, key=lambda p: p.effective_from)


class RuleTriage:
    """``ivr.engine.understanding.Triage`` backed by one rule pack."""

    def __init__(self, pack: RulePack):
        self.pack = pack

    def assess(self, *, symptoms: Sequence[str], vitals: Mapping[str, float],
               risk_factors: Sequence[str] = (), intent: str | None = None) -> Assessment:
        syms = tuple(dict.fromkeys(s for s in symptoms if isinstance(s, str)))
        facts = tuple(dict.fromkeys(r for r in risk_factors if isinstance(r, str)))
        vals = {k: float(v) for k, v in (vitals or {}).items()
                if k in VITALS and isinstance(v, (int, float)) and not isinstance(v, bool) and not math.isnan(v)}
        sym_set, fact_set = set(syms), set(facts)
        fired = [r for r in self.pack.rules if r.fires(sym_set, vals, fact_set, intent)]
        if not fired:
            return Assessment(risk=RiskLevel.NONE, reasons=(NONE_REASON,), rule_pack=self.pack.label)
        fired.sort(key=lambda r: risk_rank(r.risk))  # stable: pack order within a level
        # keep medium-and-above reasons (a doctor wants "sốt 39°C" next to "SpO2 94%"),
        # and the low ones only when nothing more urgent fired
        cut = max(risk_rank(fired[0].risk), risk_rank(RiskLevel.MEDIUM))
        reasons = tuple(dict.fromkeys(r.explain(syms, vals, facts) for r in fired if risk_rank(r.risk) <= cut))
        return Assessment(risk=fired[0].risk, reasons=reasons, rule_pack=self.pack.label)


@lru_cache(maxsize=4)
def _packs(directory: str) -> tuple[RulePack, ...]:
    return load_packs(directory)


def default_triage(today: dt.date | None = None, *, directory: str | Path = RULES_DIR) -> RuleTriage:
    """The triage in force on ``today`` (default: the local date), packs loaded once per process."""
    day = today or dt.date.today()
    return RuleTriage(active_pack(_packs(str(directory)), day))
