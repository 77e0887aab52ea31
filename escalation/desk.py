"""``QueueDesk``: the escalation queue behind ``ivr.telephony.desk.EscalationDesk``.

The SIP worker loads it through the ``ivr.escalation_desk`` entry point; each method is one
short transaction on the database (the source of truth), and ``create`` commits the case before
it enqueues it, so with Redis down the case is still saved and the sweeper enqueues it later.
"""
from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from redis import Redis

from escalation import queue
from escalation.errors import EscalationError
from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import EscalationStatus, StaffUser
from ivr.store.phonenumber import normalize_phone
from ivr.telephony.desk import HoldCase
from ivr.vocabulary import EscalationMode

log = logging.getLogger(__name__)


class QueueDesk:
    """The escalation queue bound to one instance's database and Redis."""

    def __init__(self, db: Database, cfg: Config, *, redis: Redis | None = None,
                 outside_numbers: bool | None = None):
        self.db = db
        self.cfg = cfg
        self.redis = redis if redis is not None else Redis.from_url(cfg.redis, socket_connect_timeout=2,
                                                                      socket_timeout=2)
        # whether doctors' phone numbers outside the SIP front can be dialled (a trunk, or a PBX front)
        self.outside_numbers = (bool(cfg.sip_trunk_uri or cfg.pbx_host) if outside_numbers is None
                                else outside_numbers)

    def create(self, **case: Any) -> int:
        """The case this call holds on: a live call gets its own hold clock (``hold_started_at``), in the
        patient's unpicked open case (re-triaged) or, when a doctor already picked every open one, in a new case."""
        return int(queue.create(self.db, redis=self.redis, cfg=self.cfg, **case))

    def hold_case(self, escalation_id: int) -> HoldCase:
        """The case as the database says now, with the picking doctor's phone."""
        esc = queue.get(self.db, escalation_id)
        phone = ""
        if esc.picked_by_id is not None:
            with self.db.session() as s:
                staff = s.get(StaffUser, esc.picked_by_id)
                phone = staff.phone if staff is not None else ""
        status = EscalationStatus(esc.status)
        if (status is EscalationStatus.PICKED and esc.mode == EscalationMode.LIVE and phone
                and not self.outside_numbers and normalize_phone(phone)):
            # nothing to dial it through: the doctor calls back, and the case's history says why
            esc = queue.no_bridge(self.db, escalation_id, reason=f"số {phone} nằm ngoài tổng đài và chưa cấu hình "
                                                                 "đường trunk gọi ra (sip_trunk_uri)")
            status = EscalationStatus(esc.status)
        return HoldCase(id=int(esc.id), status=status.value, mode=str(esc.mode), risk=str(esc.risk),
                        staff_id=esc.picked_by_id, staff_phone=phone or "")

    def hold_expired(self, escalation_id: int) -> HoldCase:
        queue.hold_expired(self.db, escalation_id)
        return self.hold_case(escalation_id)

    def bridge_started(self, escalation_id: int, staff_id: int | None) -> None:
        queue.start_call(self.db, escalation_id, staff_id=staff_id)

    def bridge_failed(self, escalation_id: int, reason: str) -> None:
        try:
            queue.unpick(self.db, escalation_id, reason=reason)
        except EscalationError as exc:  # moved meanwhile (resolved, cancelled): nothing to give back
            log.warning("escalation %s: not put back after a failed bridge: %s", escalation_id, exc)

    def raise_case(self, escalation_id: int, *, risk: str, signs: Sequence[str], reasons: Sequence[str],
                   words: str) -> None:
        queue.raise_on_hold(self.db, escalation_id, risk=risk, signs=signs, reasons=reasons, words=words,
                            redis=self.redis, cfg=self.cfg)

    def caller_left(self, escalation_id: int) -> None:
        case = self.hold_expired(escalation_id)
        if case.status == EscalationStatus.PICKED:
            try:  # a doctor had picked it for a live call: they call back
                queue.schedule_callback(self.db, escalation_id, staff_id=None)
            except EscalationError as exc:
                log.warning("escalation %s: no callback scheduled: %s", escalation_id, exc)
