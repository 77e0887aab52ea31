"""Phrases for a closed ASR grammar (Vosk) that covers the answers a question expects."""
from __future__ import annotations

from collections.abc import Sequence

from ivr.engine.understanding import INTENTS, VITALS
from ivr.nlu import lexicon as lx
from ivr.nlu.numbers import NUMBER_WORDS

_GRAMMAR = lx.CLOSED_GRAMMARS
_NUMBER_EXTRA = lx.NUMBER_EXTRA
#: Intents a caller says in free words: a closed grammar would lose them.
OPEN_INTENTS: tuple[str, ...] = lx.OPEN_INTENTS


def expected_phrases(intents: Sequence[str]) -> tuple[str, ...]:
    """Phrases for a closed ASR grammar (Vosk) covering ``intents``.

    ``intents`` may hold intent names (yes, no, repeat, goodbye, request_doctor,
    emergency), vital names (spo2, temperature, breathing_rate, pulse) or
    "number"; vitals and "number" add the number words. Repeat and emergency
    phrases are always included so a caller can still ask for help.

    Raises ValueError for a name that is not an intent or a vital, and for the
    intents callers say in their own words (``OPEN_INTENTS``: symptoms,
    questions...), which need the open vocabulary: listen without a grammar.
    A collect node should pass its vital ("spo2"), else no number words are in
    the grammar.
    """
    out: list[str] = []
    wanted = list(intents) + ["repeat", "emergency"]
    for name in wanted:
        if name in _GRAMMAR:
            out.extend(_GRAMMAR[name])
        elif name == "number" or name in VITALS:
            out.extend(NUMBER_WORDS)
            out.extend(_NUMBER_EXTRA)
        elif name in OPEN_INTENTS:
            raise ValueError(f"intent {name!r} is said in free words: listen with the open vocabulary")
        elif name not in INTENTS:
            raise ValueError(f"unknown intent or vital {name!r}")
    return tuple(dict.fromkeys(out))
