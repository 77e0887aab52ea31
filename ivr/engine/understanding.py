"""What the call-flow engine needs from speech understanding and triage.

The engine depends only on these small interfaces; ``ivr.nlu.understander`` (intents,
symptoms, vitals, spoken numbers) and ``escalation.triage`` (the rule pack)
implement them.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Protocol

from ivr.vocabulary import RISK_LEVELS, risk_rank

__all__ = ["INTENTS", "RISK_LEVELS", "SYMPTOMS", "VITALS", "Answers", "Assessment", "TopicAnswer", "Triage",
           "Understander", "Understanding", "risk_rank", "worse"]

INTENTS: tuple[str, ...] = (
    "report_symptoms", "emergency", "daily_checkin", "report_positive_test",
    "ask_medication", "ask_isolation", "ask_home_care", "request_doctor",
    "yes", "no", "repeat", "goodbye", "unknown",
)

SYMPTOMS: tuple[str, ...] = (
    "fever", "cough", "sore_throat", "runny_nose", "shortness_of_breath",
    "chest_pain", "loss_of_taste_smell", "fatigue", "headache", "muscle_ache",
    "diarrhea", "vomiting", "altered_consciousness", "cyanosis", "low_spo2",
)

#: Blood pressure is two vitals, systolic and diastolic (mmHg), read together ("chín mươi trên sáu mươi").
VITALS: tuple[str, ...] = ("spo2", "temperature", "breathing_rate", "pulse", "systolic_bp", "diastolic_bp")


@dataclass(frozen=True, kw_only=True)
class Understanding:
    """What one caller utterance means."""

    text: str
    intent: str
    confidence: float
    symptoms: tuple[str, ...] = ()
    vitals: Mapping[str, float] = field(default_factory=dict)
    risk_factors: tuple[str, ...] = ()
    numbers: tuple[float, ...] = ()
    #: Worrying talk (a relative alarmed, "không ổn", "khác thường", "trời ơi"), parsed or not: a flow
    #: should fail toward escalation with 115 advice rather than toward a routine transfer.
    concern: bool = False
    #: Who found each symptom or sign ("rules": the lexicon; "model": the statistical second opinion's
    #: ``model_warning``) and, under "concern", who raised the concern flag ("rules", "model" or
    #: "rules+model"), so that staff can see which one raised the risk.
    sources: Mapping[str, str] = field(default_factory=dict)
    #: A worse reading of a vital said earlier in the utterance than the one in ``vitals`` ("sáng đo chín ba,
    #: giờ đo lại chín sáu": ``vitals`` has the reading now, 96, this has 93). Records keep the reading now;
    #: triage weighs the worse one too (``triage_vitals``), since a doctor must hear of a dip measured today.
    earlier_worse: Mapping[str, float] = field(default_factory=dict)
    #: A "no" said as a state instead of a yes/no ("vẫn tỉnh", "môi hồng", "bình thường"): the warning signs it
    #: says are absent ("any" for every sign). A flow counts it as the answer only to a question about one of them.
    state_answer: tuple[str, ...] = ()
    #: At a yes/no question, the caller said he does not know or has not looked ("không biết nữa", "chưa để ý"):
    #: no answer (intent "unknown"); at a number question, no reading.
    unsure: bool = False
    #: Session 21b (n54-calls9): the patient is no longer at home ("in_hospital", "moved", "died";
    #: ``ivr.nlu.whereabouts``), said as a fact by the one on the phone; "" otherwise.
    away: str = ""
    #: Session 21b (n54-calls9): the caller does not know where to look for a reading or how to read it ("hổng biết
    #: coi chỗ nào"): at a question about an optional reading, no reading rather than a repeat request.
    cannot_read: bool = False
    #: Session 22 (n58-calls10): a need a person must handle now, said in any answer ("oxygen_supply": the patient
    #: breathes from home oxygen and is losing it; ``ivr.nlu.needs``); "" otherwise.
    need: str = ""
    #: Session 23 (n66-calls12): the symptoms the caller said are absent ("không ho không sốt chi nữa"); a how-are-you
    #: answer that denies some and names none is a confident calm answer, not an unsure one.
    denied: tuple[str, ...] = ()

    def triage_vitals(self) -> dict[str, float]:
        """The readings triage weighs: each vital's reading now, or a worse one said before it."""
        return {**self.vitals, **self.earlier_worse}


def worse(vital: str, a: float, b: float) -> float:
    """The clinically worse of two readings of ``vital``: the lower SpO2 and blood pressure, the pulse farther
    from 80, the higher temperature and breathing rate."""
    if vital in ("spo2", "systolic_bp", "diastolic_bp"):
        return min(a, b)
    if vital == "pulse":
        return max(a, b, key=lambda v: abs(v - 80))
    return max(a, b)


@dataclass(frozen=True, kw_only=True)
class Assessment:
    """A triage decision with reasons a doctor can read."""

    risk: str
    reasons: tuple[str, ...] = ()
    rule_pack: str = ""


class Understander(Protocol):
    def understand(self, text: str, *, expect: Sequence[str] | None = None) -> Understanding:
        """Classify one utterance; ``expect`` lists the intents the current question expects."""

    def number(self, text: str, *, vital: str | None = None) -> float | None:
        """The value spoken in ``text`` ("chín mươi tư", "ba mươi tám độ rưỡi"), or None."""


class Triage(Protocol):
    def assess(
        self,
        *,
        symptoms: Sequence[str],
        vitals: Mapping[str, float],
        risk_factors: Sequence[str] = (),
        intent: str | None = None,
    ) -> Assessment:
        """Risk level for what is known about the caller so far."""


@dataclass(frozen=True, kw_only=True)
class TopicAnswer:
    """The knowledge-base entry found for a caller's question (``topic`` None: nothing found).

    ``confident`` is False when the best entry's score is under the matcher's threshold or too
    close to the next one: the hotline then declines honestly instead of reading a wrong answer.
    """

    topic: str | None
    score: float
    confident: bool
    title: str = ""
    answer: str = ""
    follow_up: str = ""
    related: tuple[str, ...] = ()
    source: str = ""
    #: the runner-up topics with their scores, best first (for operators and the benchmark)
    alternatives: tuple[tuple[str, float], ...] = ()
    #: when not confident because the question fits two topics about equally well: those topics, best
    #: first, so that the hotline can ask which one the caller means instead of guessing (empty otherwise)
    choices: tuple[str, ...] = ()


class Answers(Protocol):
    def find(self, text: str) -> TopicAnswer:
        """The best entry for a free-speech question, with its score and whether it is confident."""

    def get(self, topic: str) -> TopicAnswer | None:
        """The entry of ``topic`` (a keypad choice, a related topic), or None when the base lacks it."""
