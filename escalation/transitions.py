"""Every move an escalation may make, in one table.

Every rule of the escalation state machine lives here, and nowhere else. A case is in one
``EscalationStatus``; each ``Action`` moves it from one of the statuses ``TRANSITIONS`` allows
to the status the table names (``None``: the status stays, for moves that only change the
case: a note, a re-triage, a higher tier). ``escalation.queue._move`` looks the action up,
refuses a move the table does not allow with one error (``EscalationConflict``: "Ca #N đang
ở trạng thái '...', không thể <doing>.") and makes an allowed one with a conditional UPDATE
on (status, version), so two simultaneous moves cannot both win.
"""
from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from ivr.store.models import EscalationStatus

S = EscalationStatus
#: Cases a doctor still has to do something about.
OPEN: tuple[EscalationStatus, ...] = (S.WAITING, S.OFFERED, S.PICKED, S.IN_CALL, S.CALLBACK_SCHEDULED)
#: Open cases no doctor has picked yet.
UNPICKED: tuple[EscalationStatus, ...] = (S.WAITING, S.OFFERED)
#: Final statuses: only a note may still be added.
CLOSED: tuple[EscalationStatus, ...] = (S.RESOLVED, S.EXPIRED, S.CANCELLED)


class Action(StrEnum):
    """A move of an escalation (``queue`` and ``sweeper`` functions of the same name make them)."""

    RETRIAGE = "retriage"  # the caller called again: risk and reasons updated
    OFFER = "offer"  # a live call is ringing the doctors on duty
    PICK = "pick"  # a doctor takes the case
    START_CALL = "start_call"  # the doctor and the patient are on the phone
    SCHEDULE_CALLBACK = "schedule_callback"  # the doctor will call back later
    RESOLVE = "resolve"  # the doctor records the outcome
    NOTE = "note"  # a note, in any status
    EXPIRE = "expire"
    CANCEL = "cancel"
    HOLD_EXPIRED = "hold_expired"  # nobody picked a live case in time: a doctor calls back
    UNPICK = "unpick"  # the live bridge to the picking doctor failed: back to waiting
    NO_BRIDGE = "no_bridge"  # the picking doctor's phone cannot be dialled: they call back
    MOVE_TIER = "move_tier"  # nobody picked it at this tier: announced to the next one
    RAISE_ON_HOLD = "raise_on_hold"  # the caller got worse while holding: risk raised, doctor kept


class Move(NamedTuple):
    allowed_from: tuple[EscalationStatus, ...]
    to: EscalationStatus | None  # None: the status stays
    doing: str  # the refused move, as staff read it: "... không thể <doing>."


TRANSITIONS: dict[Action, Move] = {
    Action.RETRIAGE: Move(OPEN, None, "phân loại lại"),
    Action.OFFER: Move((S.WAITING,), S.OFFERED, "mời bác sĩ nhận"),
    Action.PICK: Move(UNPICKED, S.PICKED, "nhận ca"),
    Action.START_CALL: Move((S.PICKED, S.CALLBACK_SCHEDULED), S.IN_CALL, "bắt đầu cuộc gọi"),
    Action.SCHEDULE_CALLBACK: Move((S.PICKED, S.IN_CALL), S.CALLBACK_SCHEDULED, "hẹn gọi lại"),
    Action.RESOLVE: Move((S.PICKED, S.IN_CALL, S.CALLBACK_SCHEDULED), S.RESOLVED, "kết thúc ca"),
    Action.NOTE: Move(tuple(S), None, "thêm ghi chú"),
    Action.EXPIRE: Move(OPEN, S.EXPIRED, "đánh dấu hết hạn"),
    Action.CANCEL: Move(OPEN, S.CANCELLED, "hủy ca"),
    Action.HOLD_EXPIRED: Move(UNPICKED, S.WAITING, "chuyển sang gọi lại"),
    Action.UNPICK: Move((S.PICKED,), S.WAITING, "trả ca về hàng chờ"),
    Action.NO_BRIDGE: Move((S.PICKED,), S.CALLBACK_SCHEDULED, "hẹn gọi lại"),
    Action.MOVE_TIER: Move(UNPICKED, None, "chuyển tuyến"),
    Action.RAISE_ON_HOLD: Move(OPEN, None, "nâng mức nguy cơ"),
}
