"""A SIP worker's CPU scheduling priority, raised above the rest of the box.

A worker paces every call's RTP every 20 ms. At a burst of new calls its pacer thread
competes for the cores with Kamailio, Redis, the load's own peers and every decode
process; when the kernel runs something else for a few scheduling periods, every call of
that worker hears the same gap (a 77 ms gap at the start of a 10-calls-a-second burst,
measured with the worker's stall watch saying "not scheduled"). Media servers run with a
raised priority for that reason (Asterisk's ``highpriority``, FreeSWITCH's ``-rp``); the
worker lowers its nice value to ``worker_nice`` (default -10) at start, before its first
thread, so that every thread it starts inherits it.

Two levers, both needed on Linux:

- the nice value of the process (``setpriority``), which counts among the processes of its
  *scheduling group*;
- the nice value of its **autogroup** (``/proc/self/autogroup``), which counts between
  groups when the kernel groups processes per session (``sched_autogroup_enabled``, the
  default): a worker that leads its own session (started by a bench or a service manager
  with a new session) has a group of its own, and only that group's weight decides how it
  fares against other sessions. A worker in a shared session (supervisord's, under
  ``ivr up``) leaves the group alone: raising it would raise every process of the session.

Lowering a nice value needs ``CAP_SYS_NICE`` or an ``RLIMIT_NICE`` that allows it: ``ivr up``
started as root sets that limit before supervisord drops to the service user
(:func:`nice_rlimit`); otherwise the worker runs at its inherited priority and says how to
grant it. Decode processes are niced *above* zero in sessions of their own
(``ivr.speech.streampool``), whatever their worker's value.
"""
from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

AUTOGROUP = Path("/proc/self/autogroup")


@dataclass(frozen=True)
class PriorityResult:
    """What :func:`raise_priority` did: the nice values now in force (None: not applicable) and why not."""

    nice: int
    autogroup_nice: int | None
    refused: str = ""  # empty when the wanted value is in force

    def describe(self) -> str:
        group = "" if self.autogroup_nice is None else f", autogroup nice {self.autogroup_nice}"
        return f"nice {self.nice}{group}" + (f" ({self.refused})" if self.refused else "")


def nice_rlimit(nice: int) -> int:
    """The ``RLIMIT_NICE`` value that lets an unprivileged process lower its nice value to ``nice``
    (the kernel's ceiling is ``20 - rlimit``): 20 for nice 0, 30 for nice -10."""
    if not -20 <= nice <= 19:
        raise ValueError(f"nice value out of range: {nice}")
    return 20 - nice


def allow_nice(nice: int) -> bool:
    """Raise this process's ``RLIMIT_NICE`` (inherited by its children, kept across dropping to the service
    user) so that a worker may lower its nice value to ``nice`` without privileges. Only root (with
    ``CAP_SYS_RESOURCE``) may raise the limit; False when it was not raised (not permitted, or it already allows
    that much)."""
    import resource

    wanted = nice_rlimit(nice)
    soft, hard = resource.getrlimit(resource.RLIMIT_NICE)
    if os.geteuid() != 0 or soft == resource.RLIM_INFINITY or soft >= wanted:
        return False
    try:
        resource.setrlimit(resource.RLIMIT_NICE,
                           (wanted, hard if hard == resource.RLIM_INFINITY or hard >= wanted else wanted))
    except (OSError, ValueError):  # root without CAP_SYS_RESOURCE (a container): each worker says it was refused
        return False
    return True


def raise_priority(nice: int, *, getpriority: Callable[[], int] | None = None,
                   setpriority: Callable[[int], None] | None = None,
                   session_leader: Callable[[], bool] | None = None,
                   autogroup: Path = AUTOGROUP) -> PriorityResult:
    """Lower this process's nice value to ``nice`` (never raise it: a worker started nicer by its
    operator stays where it was put) and, when it leads its own session, its autogroup's too.

    A refusal (no ``CAP_SYS_NICE``, a too small ``RLIMIT_NICE``) is not an error: the worker runs, and
    the result says why the value is not in force, for the log. ``nice`` 0 or above: nothing is changed.
    """
    get = getpriority or (lambda: os.getpriority(os.PRIO_PROCESS, 0))
    put = setpriority or (lambda value: os.setpriority(os.PRIO_PROCESS, 0, value))
    leader = session_leader or (lambda: os.getsid(0) == os.getpid())
    current = get()
    if nice >= 0 or current <= nice:
        return PriorityResult(nice=current, autogroup_nice=_autogroup_nice(autogroup))
    refused = ""
    try:
        put(nice)
        current = nice
    except PermissionError:
        refused = (f"not permitted to lower the nice value to {nice}: run the worker as root, give it "
                   f"CAP_SYS_NICE, or raise its RLIMIT_NICE to {nice_rlimit(nice)} (systemd: LimitNICE=, Nice=)")
    group = _autogroup_nice(autogroup)
    if group is not None and group > nice and leader():
        try:
            autogroup.write_text(str(nice))
            group = _autogroup_nice(autogroup)
        except PermissionError:
            refused = refused or f"not permitted to lower the autogroup nice value to {nice}"
        except OSError as exc:
            refused = refused or f"autogroup unchanged: {exc.strerror or exc}"
    return PriorityResult(nice=current, autogroup_nice=group, refused=refused)


def _autogroup_nice(path: Path) -> int | None:
    """The nice value of this process's autogroup ("/autogroup-123 nice 0"); None without autogroups."""
    try:
        fields = path.read_text().split()
    except OSError:
        return None
    if len(fields) == 3 and fields[1] == "nice":
        try:
            return int(fields[2])
        except ValueError:
            return None
    return None
