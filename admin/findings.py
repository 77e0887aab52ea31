"""What matters first about a call or a case, for the doctor: the caller's words, the warning signs found,
each vital with the triage rule that fired on it and that rule's source, the risk.

The vitals come from the call's assessment (the row written when the call was triaged) or, for a call that
was never escalated (a normal check-in), from what the call collected (``Call.slots``); each is read against
the rule pack the assessment names, else the pack in force, so a reading is always shown with its rule.
"""
from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from escalation import triage
from ivr.engine.labels import SYMPTOM_LABELS, VITAL_LABELS, node_label, reason_label
from ivr.engine.understanding import VITALS
from ivr.store.models import Assessment, Call, CallStep
from ivr.vocabulary import RISK_LABELS, RiskLevel, risk_rank

UNITS = {"spo2": "%", "temperature": "°C", "breathing_rate": "lần/phút", "pulse": "lần/phút", "systolic_bp": "mmHg",
         "diastolic_bp": "mmHg"}


@dataclass(frozen=True, kw_only=True)
class Reading:
    """One vital as the doctor reads it, with the rule that fired on it (or the pack it was read against)."""

    name: str
    label: str
    value: float
    text: str  # "SpO2 93 %"
    risk: str  # the most urgent rule's level, "none" when no rule fired
    rule: str  # the fired rule's explanation ("SpO2 93% < 94%"), or "Trong ngưỡng an toàn"
    source: str  # "dấu hiệu 6, QĐ 261/QĐ-BYT" (the rule's citation) or the pack's source


@dataclass(frozen=True, kw_only=True)
class Findings:
    words: list[dict[str, str]] = field(default_factory=list)  # {"at", "step", "text"}
    signs: list[str] = field(default_factory=list)  # warning signs and symptoms found, Vietnamese
    readings: list[Reading] = field(default_factory=list)
    risk: str = ""
    risk_label: str = ""
    reasons: list[str] = field(default_factory=list)
    pack: str = ""  # "Quản lý người mắc COVID-19 tại nhà (QĐ 261/QĐ-BYT)"
    assessed: bool = False  # False: the call was never triaged (the vitals are the call's own)


@functools.cache
def _packs() -> dict[str, triage.RulePack]:
    return {p.label: p for p in triage.load_packs()}


def pack_for(label: str, today: dt.date | None = None) -> triage.RulePack:
    """The pack named ``label`` (an assessment's ``rule_pack``), else the pack in force today."""
    packs = _packs()
    if label in packs:
        return packs[label]
    return triage.active_pack(tuple(packs.values()), today or dt.date.today())


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return float(value)
    try:
        return float(str(value).replace(",", "."))
    except ValueError:
        return None


def vitals_of(values: Mapping[str, Any] | None) -> dict[str, float]:
    """The known vitals in ``values`` (an assessment's vitals or a call's slots) as numbers."""
    out = {}
    for name in VITALS:
        v = _number((values or {}).get(name))
        if v is not None:
            out[name] = v
    return out


def _fmt(x: float) -> str:
    return (f"{x:.1f}".rstrip("0").rstrip(".") if x != int(x) else str(int(x))).replace(".", ",")


def readings(vitals: Mapping[str, float], pack: triage.RulePack, symptoms: Sequence[str] = (),
             risk_factors: Sequence[str] = ()) -> list[Reading]:
    out = []
    for name in VITALS:
        if name not in vitals:
            continue
        fired = sorted((r for r in pack.rules
                        if r.vital is not None and r.vital.name == name and r.vital.holds(vitals)),
                       key=lambda r: risk_rank(r.risk))
        label = VITAL_LABELS.get(name, name)
        text = f"{label} {_fmt(vitals[name])} {UNITS.get(name, '')}".strip()
        if fired:
            rule = fired[0]
            explained = rule.reason.format(value=_fmt(vitals[name]), threshold=_fmt(rule.vital.value),  # type: ignore[union-attr]
                                           vital=label, symptoms="", risk_factors="")
            out.append(Reading(name=name, label=label, value=vitals[name], text=text, risk=rule.risk,
                               rule=explained, source=rule.cite or pack.source))
        else:
            out.append(Reading(name=name, label=label, value=vitals[name], text=text, risk=RiskLevel.NONE,
                               rule="Trong ngưỡng an toàn", source=pack.source))
    return out


def caller_words(steps: Iterable[CallStep]) -> list[dict[str, str]]:
    """What the caller said or keyed, with the step it answered."""
    from .web import local_time

    words = []
    for st in steps:
        if st.event == "record":  # its transcript holds the recording's path, not words
            continue
        if st.transcript:
            words.append({"at": local_time(st.at, "%H:%M:%S"), "step": node_label(st.node), "text": st.transcript})
        elif st.digits:
            words.append({"at": local_time(st.at, "%H:%M:%S"), "step": node_label(st.node),
                          "text": f"[bấm phím {st.digits}]"})
    return words


def findings(call: Call | None, steps: Sequence[CallStep], assessment: Assessment | None, *,
             risk: str = "", reasons: Sequence[str] = ()) -> Findings:
    """The call's findings; ``risk``/``reasons`` (a case's) win over the assessment's when given."""
    if assessment is not None:
        pack = pack_for(assessment.rule_pack)
        vitals = vitals_of(assessment.vitals) or vitals_of(call.slots if call is not None else None)
        symptoms = [str(x) for x in assessment.symptoms or ()]
        factors = [str(x) for x in assessment.risk_factors or ()]
        level = risk or assessment.risk
        why = list(reasons) or [str(r) for r in assessment.reasons or ()]
    else:
        pack = pack_for("")
        vitals = vitals_of(call.slots if call is not None else None)
        symptoms, factors, level, why = [], [], risk, list(reasons)
    found = readings(vitals, pack, symptoms, factors)
    if not level and found:  # never triaged: the most urgent rule its readings fire
        level = min((r.risk for r in found), key=risk_rank)
    return Findings(
        words=caller_words(steps),
        signs=[SYMPTOM_LABELS.get(x) or pack.signs.get(x) or "dấu hiệu khác" for x in symptoms],
        readings=found, risk=level, risk_label=RISK_LABELS.get(level, "Chưa đánh giá") if level else "Chưa đánh giá",
        reasons=[reason_label(r) for r in why], pack=f"{pack.title} ({pack.source})", assessed=assessment is not None,
    )


Timeline = list[tuple[dt.datetime, dict[str, float]]]


def patient_readings(assessments: Sequence[Assessment], calls: Sequence[Call]) -> Timeline:
    """Each reading time with the vitals measured then, oldest first: every assessment's vitals, and the vitals
    of calls that were never assessed (a normal check-in is not escalated, so it writes no assessment)."""
    assessed_calls = {a.call_id for a in assessments if a.call_id is not None}
    out: dict[tuple[dt.datetime, int | None], dict[str, float]] = {}
    for a in assessments:
        v = vitals_of(a.vitals)
        if v:
            out.setdefault((a.at, a.call_id), {}).update(v)
    for c in calls:
        if c.id not in assessed_calls:
            v = vitals_of(c.slots)
            if v:
                out[(c.ended_at or c.started_at, c.id)] = v
    # one point per call: its latest assessment's values
    by_call: dict[object, tuple[dt.datetime, dict[str, float]]] = {}
    for (at, call_id), v in sorted(out.items(), key=lambda kv: kv[0][0]):
        by_call[call_id if call_id is not None else at] = (at, v)
    return sorted(by_call.values(), key=lambda r: r[0])


def reading_charts(rows: Sequence[tuple[dt.datetime, dict[str, float]]]) -> list[Any]:
    """One SVG chart per vital (SpO2, temperature, pulse, breathing rate) with the pack's warning thresholds."""
    from . import charts
    from .web import local_time

    pack = pack_for("")
    first = rows[0][0] if rows else None
    out = []
    for name in ("spo2", "temperature", "pulse", "breathing_rate"):
        points = [((at - first).total_seconds(), v[name], local_time(at, "%d/%m %H:%M"))
                  for at, v in rows if name in v and first is not None]
        thresholds = sorted({(r.vital.value, f"{RISK_LABELS[r.risk]}: {VITAL_LABELS[name]} {r.vital.op} "
                              f"{_fmt(r.vital.value)} ({r.cite})", r.risk)
                             for r in pack.rules if r.vital is not None and r.vital.name == name})
        label = VITAL_LABELS[name]
        out.append(charts.series(points, title=label[:1].upper() + label[1:], unit=UNITS[name],
                                 thresholds=thresholds, css_id=f"chart-{name}"))
    return out
