"""The escalation state machine's one table, and that every move goes through it."""
from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import update

from escalation import queue
from escalation.errors import EscalationConflict
from escalation.transitions import CLOSED, OPEN, TRANSITIONS, UNPICKED, Action
from ivr.store.database import Database
from ivr.store.models import Escalation, EscalationStatus

S = EscalationStatus
T0 = datetime(2026, 11, 22, 20, 0, 0)


def test_every_action_has_one_rule_and_the_status_groups_partition_the_statuses() -> None:
    assert set(TRANSITIONS) == set(Action)
    assert set(OPEN) | set(CLOSED) == set(S) and not set(OPEN) & set(CLOSED)
    assert set(UNPICKED) < set(OPEN)
    for action, (allowed, to, doing) in TRANSITIONS.items():
        assert allowed and set(allowed) <= set(S) and doing, action
        assert to is None or to in S, action


def test_closed_cases_only_take_notes_and_only_unpicked_cases_are_picked() -> None:
    for action, (allowed, _, _) in TRANSITIONS.items():
        if action is Action.NOTE:
            assert set(allowed) == set(S)
        else:
            assert not set(allowed) & set(CLOSED), action
    assert TRANSITIONS[Action.PICK].allowed_from == UNPICKED
    assert {to for _, to, _ in TRANSITIONS.values()} - {None} == set(S)  # every status can be reached


def _put(db: Database, eid: int, status: EscalationStatus) -> None:
    with db.session() as s:
        s.execute(update(Escalation).where(Escalation.id == eid).values(status=status, picked_by_id=None))


@pytest.mark.parametrize("action", list(Action))
def test_move_makes_exactly_the_moves_the_table_allows(db: Database, action: Action) -> None:
    eid = queue.create(db, risk="high", reason="Khó thở", caller="+84900000001", now=T0)
    allowed, to, doing = TRANSITIONS[action]
    for status in S:
        _put(db, eid, status)
        with db.sessions() as s:
            if status in allowed:
                esc = queue._move(s, eid, action, actor="system", detail="thử", now=T0)
                assert esc.status == (to if to is not None else status), (action, status)
            else:
                label = queue.STATUS_LABELS[status.value]
                with pytest.raises(EscalationConflict,
                                   match=rf"^Ca #{eid} đang ở trạng thái '{label}', không thể {doing}\.$"):
                    queue._move(s, eid, action, actor="system", detail="thử", now=T0)
            s.rollback()
