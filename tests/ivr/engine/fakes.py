"""Test doubles for the engine's injected understanding and triage.

Engine tests exercise the state machine, not language: these tiny doubles map a
few exact phrases so each test states precisely what the caller "meant".
The real understanding is tested in test_nlu.py and through `ivr simulate`.
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence

from ivr.engine.understanding import Assessment, Understanding

PHRASES = {
    "cấp cứu": "emergency", "có": "yes", "không": "no", "nói lại": "repeat", "tạm biệt": "goodbye",
    "tôi bị sốt": "report_symptoms", "khó thở": "report_symptoms", "gặp bác sĩ": "request_doctor",
    "hỏi thuốc": "ask_medication",
}
SYMPTOMS = {"tôi bị sốt": ("fever",), "khó thở": ("shortness_of_breath",)}


class PhraseUnderstander:
    def understand(self, text: str, *, expect: Sequence[str] | None = None) -> Understanding:
        key = text.strip().lower()
        intent = PHRASES.get(key, "unknown")
        return Understanding(text=text, intent=intent, confidence=0.9 if intent != "unknown" else 0.2,
                             symptoms=SYMPTOMS.get(key, ()))

    def number(self, text: str, *, vital: str | None = None) -> float | None:
        words = {"chín mươi tư": 94.0, "chín mươi tám": 98.0, "ba mươi tám độ rưỡi": 38.5}
        if text in words:
            return words[text]
        try:
            return float(text.replace(",", "."))
        except ValueError:
            return None


class ThresholdTriage:
    """emergency: emergency intent or SpO2 < 94; high: breathlessness or SpO2 <= 96; low: any symptom."""

    def assess(self, *, symptoms: Sequence[str], vitals: Mapping[str, float], risk_factors: Sequence[str] = (),
               intent: str | None = None) -> Assessment:
        spo2 = vitals.get("spo2")
        if intent == "emergency" or (spo2 is not None and spo2 < 94):
            return Assessment(risk="emergency", reasons=("test: emergency",), rule_pack="test")
        if "shortness_of_breath" in symptoms or (spo2 is not None and spo2 <= 96):
            return Assessment(risk="high", reasons=("test: high",), rule_pack="test")
        if symptoms:
            return Assessment(risk="low", reasons=("test: low",), rule_pack="test")
        return Assessment(risk="none", rule_pack="test")
