"""The flow and prompt catalog that new calls start with.

The database is the source of truth: the newest published ``FlowVersion`` of the
configured flow (edited in the admin) wins over ``callflows/<flow>.yaml``, and
``Prompt`` rows override texts of ``prompts/vi.yaml``. A version that fails
validation is logged and skipped: the flow that was serving keeps serving.
Each call keeps the ``Flow`` object it started with.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from threading import Lock

from sqlalchemy import func, select

from ivr.config import Config
from ivr.engine.flow import Flow, load_flow, load_flow_text
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.errors import FlowError, PromptError
from ivr.store.database import Database
from ivr.store.models import FlowVersion, Prompt

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ActiveFlow:
    flow: Flow
    catalog: PromptCatalog
    version_id: int | None  # FlowVersion.id, or None for the file


class FlowSource:
    def __init__(self, cfg: Config, db: Database | None = None, *, name: str | None = None):
        """``name``: the flow to serve (default: the inbound line's, ``cfg.flow``)."""
        self.cfg = cfg
        self.name = name or cfg.flow
        self.db = db
        self._lock = Lock()  # one per worker, shared by its call threads: each new call may reload the flow
        self._stamp: tuple[object, ...] | None = None
        self._active: ActiveFlow | None = None

    def _db_state(self) -> tuple[FlowVersion | None, dict[str, str], tuple[object, ...]]:
        if self.db is None:
            return None, {}, ()
        with self.db.session() as s:
            fv = s.scalars(select(FlowVersion).where(FlowVersion.name == self.name,
                                                     FlowVersion.status == "published")
                           .order_by(FlowVersion.version.desc())).first()
            stamp = (fv.id if fv else None, s.scalar(select(func.max(Prompt.updated_at))),
                     s.scalar(select(func.count()).select_from(Prompt)))
            overrides = {p.id: p.text for p in s.scalars(select(Prompt)) if p.text.strip()}
            s.expunge_all()
        return fv, overrides, stamp

    def current(self) -> ActiveFlow:
        """The flow for a call starting now (cheap when nothing changed)."""
        path = self.cfg.flows_dir / f"{self.name}.yaml"
        with self._lock:
            try:
                mtimes = (path.stat().st_mtime_ns, self.cfg.prompts_catalog.stat().st_mtime_ns)
            except OSError:
                mtimes = (0, 0)
            fv, overrides, db_stamp = self._db_state()
            stamp = (mtimes, *db_stamp)
            if self._active is not None and stamp == self._stamp:
                return self._active
            try:
                catalog = load_catalog(self.cfg.prompts_catalog).with_overrides(overrides)
                if fv is not None:
                    flow = load_flow_text(fv.yaml_text, f"{self.name}.yaml (v{fv.version})", catalog)
                else:
                    flow = load_flow(path, catalog)
            except (FlowError, PromptError) as exc:
                if self._active is None:
                    raise
                log.error("flow not reloaded, the previous one keeps serving: %s", exc)
                self._stamp = stamp
                return self._active
            self._active = ActiveFlow(flow, catalog, fv.id if fv else None)
            self._stamp = stamp
            log.info("flow %s loaded (%s)", flow.name, f"version id {fv.id}" if fv else str(path))
            return self._active
