"""The words the engine, the store, the escalation queue and the admin share: one enum each.

Every vocabulary that more than one package spells lives here, once, with the one table of
what staff read for it (Vietnamese). Vocabularies only one package uses stay with it: the
session phase and the flow node kind in ``ivr.engine``, escalation and care statuses, roles and
area levels in ``ivr.store.models``.

The enums are ``StrEnum`` (``str, Enum`` whose ``str()`` and ``format()`` give the value, where a
plain ``(str, Enum)`` would give ``CallOutcome.COMPLETED``): a member is stored, compared, hashed,
written to JSON and shown in a template exactly as its string, so the database and every output
are the same as with bare strings. This module imports nothing from the project or any library:
the sans-I/O engine may use it.
"""
from __future__ import annotations

from enum import Enum, StrEnum


class CallOutcome(StrEnum):
    """How a call ended, as the engine reports it and as ``calls.outcome`` stores it."""

    COMPLETED = "completed"  # the flow ran to a hang-up node
    ESCALATED = "escalated"  # a doctor was asked for (the caller may have hung up since)
    HANDED_OFF = "handed_off"  # transferred to a human without an escalation
    HUNG_UP = "hung_up"  # engine only: the caller hung up; stored as ABANDONED
    ABANDONED = "abandoned"  # stored: the caller hung up before the flow finished
    NO_INPUT = "no_input"  # the caller gave no more input (the simulator's inputs ran out)
    FAILED = "failed"  # stored: the call broke (an error, a worker that died)
    IN_PROGRESS = "in_progress"  # stored: the call is still going on


#: The outcomes a ``calls`` row may hold (the engine's ``HUNG_UP`` is stored as ``ABANDONED``).
STORED_CALL_OUTCOMES: tuple[CallOutcome, ...] = tuple(o for o in CallOutcome if o is not CallOutcome.HUNG_UP)

#: What staff read for each call outcome (also the order of the calls screen's filter).
CALL_OUTCOME_LABELS: dict[str, str] = {
    CallOutcome.COMPLETED: "Hoàn tất",
    CallOutcome.ESCALATED: "Chuyển bác sĩ (tạo ca chờ bác sĩ)",
    CallOutcome.HANDED_OFF: "Nối máy thẳng cho nhân viên (không tạo ca)",
    CallOutcome.ABANDONED: "Người gọi bỏ máy",
    CallOutcome.HUNG_UP: "Người gọi bỏ máy",
    CallOutcome.NO_INPUT: "Không nghe thấy",
    CallOutcome.FAILED: "Lỗi",
    CallOutcome.IN_PROGRESS: "Đang gọi",
}

#: A caller who hung up, as the engine says it and as the store says it.
CALLER_HUNG_UP: tuple[CallOutcome, ...] = (CallOutcome.ABANDONED, CallOutcome.HUNG_UP)


class EscalationMode(StrEnum):
    """How a doctor reaches a caller: while the caller holds the line, or by calling back."""

    LIVE = "live"
    CALLBACK = "callback"


#: What staff read for each escalation mode.
MODE_LABELS: dict[str, str] = {EscalationMode.LIVE: "Giữ máy", EscalationMode.CALLBACK: "Gọi lại"}


class RiskLevel(StrEnum):
    """Triage risk levels, most urgent first (names from shared/reference/triage.md)."""

    EMERGENCY = "emergency"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"
    NONE = "none"


#: The levels as strings, most urgent first.
RISK_LEVELS: tuple[str, ...] = tuple(RiskLevel)

#: What staff read for each risk level.
RISK_LABELS: dict[str, str] = {
    RiskLevel.EMERGENCY: "Cấp cứu",
    RiskLevel.HIGH: "Nguy cơ cao",
    RiskLevel.MEDIUM: "Nguy cơ trung bình",
    RiskLevel.LOW: "Nguy cơ thấp",
    RiskLevel.NONE: "Không có nguy cơ",
}


def risk_rank(risk: str) -> int:
    """0 for emergency ... 4 for none; lower is more urgent. ``ValueError`` for an unknown level."""
    return RISK_LEVELS.index(risk)


class EscalationStatus(str, Enum):
    """Where an escalation case stands (``escalations.status``); its moves: ``escalation.transitions``.

    A plain ``(str, Enum)`` as it always was (``str()`` gives ``EscalationStatus.WAITING``); the
    holding call's policy (``ivr.engine.hold``) reads it too, so it lives here, not in the store.
    """

    WAITING = "waiting"
    OFFERED = "offered"
    PICKED = "picked"
    IN_CALL = "in_call"
    CALLBACK_SCHEDULED = "callback_scheduled"
    RESOLVED = "resolved"
    EXPIRED = "expired"
    CANCELLED = "cancelled"


class CheckinStatus(StrEnum):
    """Where one check-in call attempt stands (``checkin_attempts.status``).

    ``planned`` (waiting for its time) -> ``queued`` (on the dial list) -> ``dialing`` (a SIP worker
    claimed it) -> a result: ``reached``, ``no_answer``, ``busy``, ``failed``, ``not_reached``
    (answered, but no key pressed to start), ``opted_out``; ``cancelled``: never dialled (the window
    ended, the patient left home care or opted out, the campaign was paused past the window).
    """

    PLANNED = "planned"
    QUEUED = "queued"
    DIALING = "dialing"
    REACHED = "reached"
    NO_ANSWER = "no_answer"
    BUSY = "busy"
    FAILED = "failed"
    NOT_REACHED = "not_reached"
    OPTED_OUT = "opted_out"
    CANCELLED = "cancelled"


#: Results a SIP worker may report for an attempt it dialled.
CHECKIN_RESULTS: tuple[CheckinStatus, ...] = (CheckinStatus.REACHED, CheckinStatus.NO_ANSWER, CheckinStatus.BUSY,
                                              CheckinStatus.FAILED, CheckinStatus.NOT_REACHED,
                                              CheckinStatus.OPTED_OUT)
#: Results after which the number is tried again (retry policy permitting).
CHECKIN_RETRY: tuple[CheckinStatus, ...] = (CheckinStatus.NO_ANSWER, CheckinStatus.BUSY, CheckinStatus.FAILED,
                                            CheckinStatus.NOT_REACHED)

#: What staff read for each check-in attempt status.
CHECKIN_LABELS: dict[str, str] = {
    CheckinStatus.PLANNED: "Đã lên lịch",
    CheckinStatus.QUEUED: "Chờ gọi",
    CheckinStatus.DIALING: "Đang gọi",
    CheckinStatus.REACHED: "Đã liên lạc",
    CheckinStatus.NO_ANSWER: "Không nghe máy",
    CheckinStatus.BUSY: "Máy bận",
    CheckinStatus.FAILED: "Lỗi cuộc gọi",
    CheckinStatus.NOT_REACHED: "Nghe máy nhưng không bấm phím",
    CheckinStatus.OPTED_OUT: "Từ chối nhận cuộc gọi",
    CheckinStatus.CANCELLED: "Đã hủy",
}


class EscalationKind(StrEnum):
    """What an escalation case is about: a clinical risk, or a patient the check-in calls could not reach.

    A not-reached case ranks below every clinical case (``escalations.kind``).
    """

    CLINICAL = "clinical"
    NOT_REACHED = "not_reached"


#: What staff read for each escalation kind.
ESCALATION_KIND_LABELS: dict[str, str] = {EscalationKind.CLINICAL: "Lâm sàng",
                                          EscalationKind.NOT_REACHED: "Không liên lạc được"}


#: Who an outbound check-in call says is calling when the patient's commune is not known (the escalation queue's
#: check-in planner names the commune's health station otherwise; the simulator uses this one).
HOTLINE_STATION = "Đường dây hỗ trợ người bệnh COVID-19"
