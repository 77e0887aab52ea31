"""``QueueCheckinDesk``: the check-in plan behind ``ivr.telephony.checkin.CheckinDesk``.

The SIP worker loads it through the ``ivr.checkin_desk`` entry point (``QueueCheckinDesk(db, cfg)``)
and calls ``claim`` only when it has campaign capacity to spare (inbound first). ``claim`` pops an
attempt id off the dial list (BLPOP) and moves the row queued -> dialing in the database; an id
whose row is no longer queued (claimed by another worker, cancelled, pushed twice by a restart) is
skipped, so a number is never dialled twice for one attempt. ``finish`` records the result
(``outcome.finish``): retries, opt-outs, "not reached" cases, the worsening-trend check.
"""
from __future__ import annotations

import logging
import time
from datetime import date

from redis import Redis
from redis.exceptions import RedisError
from sqlalchemy import select

from ivr.config import Config
from ivr.store.database import Database
from ivr.store.models import CheckinAttempt, utcnow
from ivr.telephony.checkin import OutboundCall, OutboundPatient, OutboundResult

from .. import keys
from . import dial, outcome, plan, windows

log = logging.getLogger(__name__)


class QueueCheckinDesk:
    """The check-in dial list and results, bound to one instance's database and Redis."""

    def __init__(self, db: Database, cfg: Config, *, redis: Redis | None = None):
        self.db = db
        self.cfg = cfg
        # no socket timeout: claim blocks in BLPOP (bounded by its own timeout); connection loss raises at once
        self.redis = redis if redis is not None else Redis.from_url(cfg.redis, socket_connect_timeout=2,
                                                                      health_check_interval=30)

    def claim(self, worker: str, timeout: float) -> OutboundCall | None:
        """The next call to place, waiting up to ``timeout`` seconds; None when there is none."""
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            left = deadline - time.monotonic()
            try:
                popped = (self.redis.blpop([keys.CHECKIN_DIAL], timeout=max(left, 0.01)) if left > 0
                          else self.redis.lpop(keys.CHECKIN_DIAL))
            except RedisError as exc:
                log.warning("check-in dial list unavailable: %s", exc)
                return None
            if popped is None:
                return None
            raw = popped[1] if isinstance(popped, (list, tuple)) else popped
            try:
                attempt_id = int(raw)
            except (TypeError, ValueError):
                log.error("check-in dial list: ignored a non-numeric entry %r", raw)
                continue
            call = self._claim(attempt_id, worker)
            if call is not None:
                return call
            if time.monotonic() >= deadline:
                return None

    def _claim(self, attempt_id: int, worker: str) -> OutboundCall | None:
        now = utcnow()
        row = dial.claim_row(self.db, self.cfg, attempt_id, worker, now=now)
        if row is None:
            return None
        with self.db.session() as s:
            a = s.scalars(select(CheckinAttempt).where(CheckinAttempt.id == attempt_id)).one()
            people = dial.still_callable(s, a)
        today: date = windows.local_date(self.cfg, now)
        return OutboundCall(attempt_id=attempt_id, phone=a.phone,
                            patients=tuple(OutboundPatient(id=p.id, name=p.name, address_as=plan.address_as(p, today),
                                                           risk_factors=p.triage_factors(today.year))
                                           for p in people),
                            station=plan.station(people[0] if people else None),
                            caller_id=self.cfg.checkin_caller_id)

    def finish(self, result: OutboundResult) -> None:
        """Record what the call came to (a second report of one call changes nothing)."""
        outcome.finish(self.db, self.cfg, attempt_id=result.attempt_id, status=result.status,
                       sip_code=result.sip_code, call_id=result.call_id,
                       answered_patient_id=result.answered_patient_id, answered_by=result.answered_by,
                       redis=self.redis, now=utcnow())
