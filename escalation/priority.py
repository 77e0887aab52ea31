"""Priority of open escalations: risk level first, then waiting time (a call-centre score).

Each risk level above another is worth ``gap_s`` seconds of waiting: a high-risk case
that has waited ``gap_s`` longer than an emergency overtakes it. Waiting counts up to
``2 * gap_s`` only, so a case climbs at most one level: a medium case never overtakes an
emergency however long it waits. Pure functions.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Protocol, TypeVar

from ivr.vocabulary import RISK_LABELS, RISK_LEVELS

__all__ = ["RISK_LABELS", "Ranked", "merge_reasons", "more_urgent", "order", "rank", "score", "waiting_s"]


class Ranked(Protocol):
    id: int
    risk: str
    created_at: datetime


R = TypeVar("R", bound=Ranked)


def rank(risk: str) -> int:
    """0 for emergency ... 4 for none; unknown levels rank as the most urgent (fail toward a human)."""
    return RISK_LEVELS.index(risk) if risk in RISK_LEVELS else 0


def more_urgent(a: str, b: str) -> str:
    """The more urgent of two risk levels."""
    return a if rank(a) <= rank(b) else b


def waiting_s(created_at: datetime, now: datetime) -> float:
    return max(0.0, (now - created_at).total_seconds())


def score(risk: str, waited_s: float, *, gap_s: float) -> float:
    """Higher is served first: ``(levels below this one) * gap_s + seconds waited (capped)``."""
    return (len(RISK_LEVELS) - 1 - rank(risk)) * gap_s + min(waited_s, 2 * gap_s - 1)


def order(cases: Iterable[R], *, now: datetime, gap_s: float) -> list[R]:
    """Cases by descending score; ties by arrival, then id."""
    return sorted(cases, key=lambda c: (-score(c.risk, waiting_s(c.created_at, now), gap_s=gap_s),
                                        c.created_at, c.id))


def merge_reasons(old: Sequence[str], new: Sequence[str]) -> list[str]:
    """Union of two reason lists, first-seen order kept."""
    out: list[str] = []
    for r in (*old, *new):
        if r and r not in out:
            out.append(r)
    return out
