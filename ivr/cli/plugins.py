"""What the hotline's core finds through entry points instead of importing it.

The ``ivr`` package never imports ``escalation`` or ``admin`` (an import-linter contract checks it):
they plug in through entry points declared in setup.cfg, read from the installed package's metadata.

- ``ivr.commands``: ``name = module``; the module registers ``ivr <name>`` (the admin's and the
  escalation queue's commands live with their packages);
- ``ivr.triage``: ``default = module:factory``; ``factory(directory=..., day=None)`` returns the
  rule pack in force (``ivr.engine.understanding.Triage``);
- ``ivr.escalation_desk``: ``default = module:Class``; ``Class(db, cfg)`` is the escalation queue
  as a call sees it (``ivr.telephony.desk.EscalationDesk``);
- ``ivr.checkin_desk``: ``default = module:Class``: the check-in calls a SIP worker's dialer claims
  (``ivr.telephony.checkin.CheckinDesk``, loaded by ``ivr.telephony.checkin.load_desk``).
"""
from __future__ import annotations

from importlib.metadata import EntryPoint, entry_points
from typing import Any

from ivr.errors import ConfigError

HINT = "reinstall the hotline (make run, or .venv/bin/pip install -e .) so that its entry points are registered"


def commands() -> dict[str, str]:
    """Command name -> the module that registers it, for every installed plug-in command."""
    return {ep.name: ep.value for ep in entry_points(group="ivr.commands")}


def _one(group: str) -> EntryPoint:
    found = list(entry_points(group=group))
    for ep in found:
        if ep.name == "default":
            return ep
    if not found:
        raise ConfigError(f"no '{group}' plug-in is installed: {HINT}")
    return found[0]


def load(group: str) -> Any:
    """The object the group's ``default`` entry point names (imported now)."""
    ep = _one(group)
    try:
        return ep.load()
    except ImportError as exc:
        raise ConfigError(f"the '{group}' plug-in {ep.value} cannot be loaded: {exc}") from None


def triage(directory: Any, day: Any = None) -> Any:
    """The triage rule pack in force on ``day`` (default: today), from ``directory``."""
    return load("ivr.triage")(day, directory=directory)


def escalation_desk(db: Any, cfg: Any) -> Any:
    """The escalation queue bound to this instance's database and Redis."""
    return load("ivr.escalation_desk")(db, cfg)
