"""Daily check-in calls as the SIP worker sees them: a narrow interface the dialer depends on.

The check-in plan (who is called in which window, retries, opt-outs) lives with the escalation
package; ``escalation.checkins.desk.QueueCheckinDesk`` implements :class:`CheckinDesk` and the
worker loads it through the ``ivr.checkin_desk`` entry point (name ``default``), so the phone line
never imports the escalation package. With no such plug-in installed outbound calls are disabled.

``claim`` hands the worker one phone to dial (the attempt is moved queued -> dialing atomically,
so a restart never calls twice); ``finish`` must be called exactly once per claimed call with
what happened, also when the call failed or the worker hit an error.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib.metadata import entry_points
from typing import Any, Protocol

log = logging.getLogger("ivr.checkin")

#: the entry point group the check-in desk plugs in through
GROUP = "ivr.checkin_desk"


@dataclass(frozen=True)
class OutboundPatient:
    id: int
    name: str  # as staff typed it, e.g. "Nguyễn Thị Lan"
    address_as: str = ""  # how the call addresses them, e.g. "bác Lan" (falls back to name)
    #: the patient's recorded risk factors (age >= 65, diabetes...): triage weighs them once this patient is
    #: the one the call is about (on a household phone: once chosen)
    risk_factors: tuple[str, ...] = ()

    @property
    def spoken(self) -> str:
        """How the call addresses this patient."""
        return self.address_as or self.name


@dataclass(frozen=True)
class OutboundCall:
    attempt_id: int
    phone: str  # E.164
    patients: tuple[OutboundPatient, ...]  # 1 or more (household)
    station: str  # who is calling, spoken: e.g. "Trạm y tế xã Tân Hòa"
    caller_id: str  # configured published number (config key checkin_caller_id)
    flow: str = "checkin_outbound"


@dataclass(frozen=True)
class OutboundResult:
    attempt_id: int
    # CheckinStatus value: reached | no_answer | busy | failed | not_reached (answered but no key
    # to start) | opted_out
    status: str
    sip_code: int | None
    call_id: int | None  # the stored Call row (inbound-style call record, direction outbound)
    answered_patient_id: int | None
    answered_by: str  # "patient" | "relative" | ""


class CheckinDesk(Protocol):
    def claim(self, worker: str, timeout: float) -> OutboundCall | None:
        """Block up to ``timeout`` seconds for a call to place; None = nothing to dial."""
        ...

    def finish(self, result: OutboundResult) -> None:
        """Record what happened to a claimed call (exactly once per claim)."""
        ...


def load_desk(db: Any, cfg: Any) -> CheckinDesk | None:
    """The installed check-in desk bound to this instance (``Class(db, cfg)``), or None when no
    ``ivr.checkin_desk`` plug-in is installed or check-ins are disabled (one log line)."""
    if not getattr(cfg, "checkin_enabled", True):
        log.info("check-in calls disabled (config checkin_enabled is false): no outbound calls")
        return None
    found = list(entry_points(group=GROUP))
    if not found:
        log.info("no '%s' plug-in is installed: outbound check-in calls disabled", GROUP)
        return None
    ep = next((e for e in found if e.name == "default"), found[0])
    try:
        factory = ep.load()
    except ImportError as exc:
        log.warning("the '%s' plug-in %s cannot be loaded (%s): outbound check-in calls disabled",
                    GROUP, ep.value, exc)
        return None
    desk: CheckinDesk = factory(db, cfg)
    return desk
