"""What the flow makes of one caller utterance, as ``bench/nlu.py`` scores it (``concern_net``): triage's risk on the
understanding (an earlier, worse reading of a vital included: ``triage_vitals``), raised to "high" by the concern net
(the concern flag on an utterance nothing else was understood in). Shared by the tests that score kinds of speech the
way the flow does."""
from __future__ import annotations

from escalation.triage import default_triage
from ivr.engine.understanding import Understanding
from ivr.nlu.understander import Nlu

NLU = Nlu()
TRIAGE = default_triage()
ESCALATE = frozenset({"high", "emergency"})


def triage_risk(u: Understanding) -> str:
    return str(TRIAGE.assess(symptoms=u.symptoms, vitals=u.triage_vitals(), risk_factors=u.risk_factors,
                             intent=u.intent).risk)


def concern_net(u: Understanding) -> bool:
    return bool(u.concern) and u.intent in ("unknown", "repeat") and not u.symptoms and not u.vitals


def flow_risk(text: str, expect: tuple[str, ...] | None = None) -> str:
    u = NLU.understand(text, expect=expect)
    risk = triage_risk(u)
    return "high" if risk not in ESCALATE and concern_net(u) else risk


def escalates(text: str, expect: tuple[str, ...] | None = None) -> bool:
    return flow_risk(text, expect) in ESCALATE
