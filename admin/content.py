"""What admins edit, as the phone line should see it: prompt texts with overrides, published flows.

``effective_catalog`` and ``published_flow_text`` are the read side for the runtime
(the call-flow loader applies them); the flows and prompts screens are the write side.
"""
from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.config import Config
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.store.atomicfile import write_atomic
from ivr.store.models import FlowVersion, Prompt, utcnow

#: ``FlowVersion.created_by`` of the version seeded from the flow file on disk.
FROM_FILE = "(tệp gốc)"


def base_catalog(cfg: Config) -> PromptCatalog:
    return load_catalog(cfg.prompts_catalog)


def effective_catalog(s: Session, cfg: Config) -> PromptCatalog:
    """``prompts/vi.yaml`` with the admins' text edits (``Prompt`` rows) applied."""
    overrides = {p.id: p.text for p in s.scalars(select(Prompt)) if p.text.strip()}
    return base_catalog(cfg).with_overrides(overrides)


def flow_path(cfg: Config, name: str) -> Path:
    return Path(cfg.flows_dir) / f"{name}.yaml"


def flow_names(s: Session, cfg: Config) -> list[str]:
    names = {p.stem for p in Path(cfg.flows_dir).glob("*.yaml")}
    names.update(s.scalars(select(FlowVersion.name).distinct()))
    return sorted(names)


def versions(s: Session, name: str) -> list[FlowVersion]:
    return list(s.scalars(select(FlowVersion).where(FlowVersion.name == name).order_by(FlowVersion.version.desc())))


def published(s: Session, name: str) -> FlowVersion | None:
    return s.scalars(select(FlowVersion).where(FlowVersion.name == name, FlowVersion.status == "published")
                     .order_by(FlowVersion.version.desc())).first()


def published_flow_text(s: Session, name: str) -> str | None:
    """The YAML of the published version of flow ``name``, or None when it was never edited here."""
    fv = published(s, name)
    return fv.yaml_text if fv is not None else None


def ensure_seeded(s: Session, cfg: Config, name: str) -> None:
    """The first time a flow is edited here, its file becomes version 1 (published), so history starts there."""
    if s.scalar(select(func.count()).where(FlowVersion.name == name)):
        return
    path = flow_path(cfg, name)
    if path.is_file():
        s.add(FlowVersion(name=name, version=1, yaml_text=path.read_text(encoding="utf-8"), status="published",
                          created_by=FROM_FILE, published_at=utcnow()))
        s.flush()


def add_version(s: Session, name: str, text: str, *, by: str, status: str = "draft") -> FlowVersion:
    latest = s.scalar(select(func.max(FlowVersion.version)).where(FlowVersion.name == name)) or 0
    fv = FlowVersion(name=name, version=latest + 1, yaml_text=text, status=status, created_by=by)
    s.add(fv)
    s.flush()
    return fv


def publish(s: Session, cfg: Config, fv: FlowVersion) -> None:
    """Marks ``fv`` published (the previous one archived). After committing, call ``write_flow_file``."""
    for old in s.scalars(select(FlowVersion).where(FlowVersion.name == fv.name, FlowVersion.status == "published",
                                                   FlowVersion.id != fv.id)):
        old.status = "archived"
    fv.status = "published"
    fv.published_at = utcnow()
    s.flush()


def write_flow_file(cfg: Config, fv: FlowVersion) -> None:
    """The published YAML goes to ``<flows_dir>/<name>.yaml`` atomically, where new calls load it;
    calls already running keep the flow they loaded at their start."""
    path = flow_path(cfg, fv.name)
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, fv.yaml_text)
