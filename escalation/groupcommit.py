"""Group commit: what several threads of one process ask for at the same moment is done once, together.

A burst of escalations (many calls escalating in the same second) used to take the writer lock,
commit, and enqueue its job once per case, one after another; most of each turn was the lock
hand-off, the transaction, the shared reads and Redis round trips, not the case's own work.

``Combiner``: the first thread to submit runs its item alone; items submitted while it runs
queue up, and the next of those threads handles all of them in one go. Each thread returns
only once its own item was handled (its outcome is on the item).

``run``: database work, one transaction (and on SQLite one turn of the writer lock) per group,
after one shared read (``prepare``). Every caller returns only once its own work is
committed, so what it does next (enqueueing jobs) still happens after the commit. If any work
of a group raises, the whole transaction is rolled back and each work runs again alone, so
only the failing caller sees its error and nobody's result depends on another's. PostgreSQL has
no single writer to queue for, but a group still costs one transaction and one commit (one WAL
flush) instead of one per case, and one shared read.
"""
from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from sqlalchemy.orm import Session

from ivr.store.database import Database

log = logging.getLogger(__name__)

ItemT = TypeVar("ItemT")  # an item
T = TypeVar("T")

#: the most items one group takes (the rest wait for the next turn): bounds how long a group
#: holds the writer lock, which the notification workers need too
MAX_GROUP = 16


class Combiner(Generic[ItemT]):
    """Items submitted at the same time by several threads, handled in groups by one of those threads.

    ``handle(items)`` must record each item's outcome on the item and should not raise; if it
    does, the exception reaches the thread that ran it, after every item of the group was
    released (their outcomes then say they were not handled).
    """

    def __init__(self, handle: Callable[[list[ItemT]], None], *, max_group: int = MAX_GROUP) -> None:
        self._handle = handle
        self._max = max_group
        self._mutex = threading.Lock()  # guards _pending
        self._turn = threading.Lock()  # held by the thread handling a group
        self._pending: list[tuple[ItemT, threading.Event]] = []

    def submit(self, item: ItemT) -> None:
        """Return once ``item`` was handled (alone or with others)."""
        done = threading.Event()
        with self._mutex:
            self._pending.append((item, done))
        while not done.is_set():
            with self._turn:
                if done.is_set():
                    break
                with self._mutex:
                    group, self._pending = self._pending[:self._max], self._pending[self._max:]
                try:
                    self._handle([i for i, _ in group])  # ours, or (more than max_group waiting) earlier ones
                finally:
                    for _, d in group:
                        d.set()


# One combiner per process and key, shared by every thread that creates cases; the lock guards the dict.
_COMBINERS: dict[tuple[Any, ...], Combiner[Any]] = {}
_COMBINERS_LOCK = threading.Lock()


def combiner(key: tuple[Any, ...], handle: Callable[[list[ItemT]], None]) -> Combiner[ItemT]:
    """This process's combiner for ``key`` (made with ``handle`` the first time); a forked child gets new ones."""
    full = (os.getpid(), *key)
    with _COMBINERS_LOCK:
        c = _COMBINERS.get(full)
        if c is None:
            c = _COMBINERS[full] = Combiner(handle)
        return c


# -- database work -------------------------------------------------------------------------------------------

Prepare = Callable[[Session], Any]
Writer = Callable[[Database], AbstractContextManager[None]]


@dataclass(eq=False)
class _Work(Generic[T]):
    db: Database
    work: Callable[[Session, Any], T]
    prepare: Prepare
    writer: Writer
    result: T | None = None
    error: BaseException | None = None
    ran: bool = False


def run(db: Database, work: Callable[[Session, Any], T], *, prepare: Prepare, writer: Writer) -> T:
    """``work(session, prepare(other_session))`` committed under ``writer(db)``: its result, or its exception.

    ``prepare`` is a read done before the writer lock is taken (in its own session) and shared by
    every work of a group; ``work`` must only touch the database, through its session.
    """
    item: _Work[T] = _Work(db, work, prepare, writer)
    combiner(("db", db.url, prepare, writer), _commit).submit(item)
    if item.error is not None:
        raise item.error
    if not item.ran:
        raise RuntimeError("group commit: the work was not run")  # the handling thread was interrupted
    return item.result  # type: ignore[return-value]


def _alone(db: Database, work: Callable[[Session, Any], T], prepare: Prepare, writer: Writer) -> T:
    with db.session() as s:
        shared = prepare(s)
    with writer(db), db.session() as s:
        return work(s, shared)


def _commit(group: list[_Work[Any]]) -> None:
    db, prepare, writer = group[0].db, group[0].prepare, group[0].writer  # the same file and functions for all
    if len(group) > 1:
        try:
            with db.session() as s:
                shared = prepare(s)
            with writer(db), db.session() as s:
                results = [w.work(s, shared) for w in group]
        except Exception as exc:  # noqa: BLE001 - nothing of the group was committed: each work runs again alone
            log.debug("group commit of %d failed (%s); committing each alone", len(group), exc)
        else:
            for w, result in zip(group, results):
                w.result, w.ran = result, True
            return
    for w in group:
        try:
            w.result = _alone(db, w.work, prepare, writer)
        except Exception as exc:  # noqa: BLE001 - handed to the thread that submitted the work
            w.error = exc
        w.ran = True
