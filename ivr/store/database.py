"""Database engine and sessions; schema upgrades through Alembic."""
from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from alembic import command
from alembic.config import Config as AlembicConfig
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.orm import Session, sessionmaker

from ivr.errors import StorageError

if TYPE_CHECKING:
    from ivr.config import Config

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def sqlite_path(url: str) -> Path | None:
    """The database file of a ``sqlite:///`` URL (None for other databases and in-memory SQLite)."""
    if not url.startswith("sqlite:///") or url[len("sqlite:///"):] in ("", ":memory:"):
        return None
    return Path(url[len("sqlite:///"):])


def make_private(url: str) -> None:
    """A SQLite database holds patients' data: its file (and WAL/SHM files) mode 0600, created so if missing."""
    path = sqlite_path(url)
    if path is None:
        return
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.close(os.open(path, os.O_RDWR | os.O_CREAT, 0o600))
    for file in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
        try:
            if file.stat().st_mode & 0o077:
                os.chmod(file, 0o600)
        except FileNotFoundError:
            pass


def make_engine(url: str, *, pool_size: int = 5, max_overflow: int = 10) -> Engine:
    """An engine for ``url``; SQLite gets WAL, foreign keys and a busy timeout, and a private file.

    PostgreSQL (``postgresql+psycopg://``): a pool of ``pool_size`` connections kept open, up to
    ``max_overflow`` more at a peak, each checked before use (a restarted server or a failover leaves
    dead connections behind), a 10 s connect timeout, and the process named in ``pg_stat_activity``.
    """
    if url.startswith("sqlite:///"):
        make_private(url)
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):  # type: ignore[no-untyped-def]
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.close()

        return engine
    connect_args = {}
    if url.startswith("postgresql"):
        connect_args = {"connect_timeout": 10, "application_name": f"f0-hotline[{os.getpid()}]"}
    return create_engine(url, pool_pre_ping=True, pool_size=pool_size, max_overflow=max_overflow,
                         connect_args=connect_args)


def alembic_config(url: str) -> AlembicConfig:
    cfg = AlembicConfig()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str) -> None:
    """Bring the schema at ``url`` to the newest migration."""
    make_engine(url).dispose()  # creates the SQLite folder and a private file
    command.upgrade(alembic_config(url), "head")
    make_private(url)  # a file created before the hotline made it private


def is_current(url: str) -> bool:
    """Whether the database at ``url`` is at the newest migration (without changing it)."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory

    heads = set(ScriptDirectory.from_config(alembic_config(url)).get_heads())
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return set(MigrationContext.configure(conn).get_current_heads()) == heads
    finally:
        engine.dispose()


def check_schema(engine: Engine) -> None:
    if "calls" not in inspect(engine).get_table_names():
        raise StorageError(f"database {engine.url!r} has no schema: run 'ivr db upgrade'")


class Database:
    """One engine and session factory per process, passed down from the CLI."""

    def __init__(self, url: str, *, pool_size: int = 5, max_overflow: int = 10):
        self.url = url
        self.engine = make_engine(url, pool_size=pool_size, max_overflow=max_overflow)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @classmethod
    def for_config(cls, cfg: Config) -> Database:
        """The database of ``cfg``, with its pool sizes (``database_pool_size``, ``database_max_overflow``)."""
        return cls(cfg.db_url, pool_size=cfg.database_pool_size, max_overflow=cfg.database_max_overflow)

    @contextmanager
    def session(self) -> Iterator[Session]:
        with self.sessions() as s:
            try:
                yield s
                s.commit()
            except BaseException:
                s.rollback()
                raise

    def dispose(self) -> None:
        self.engine.dispose()
