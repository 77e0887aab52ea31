"""New calls get the published flow; a broken version never replaces the working one."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from ivr import ROOT
from ivr.config import Config
from ivr.errors import FlowError
from ivr.store.database import Database
from ivr.store.models import FlowVersion, Prompt
from ivr.telephony.flowsource import FlowSource


@pytest.fixture
def flows(cfg: Config, tmp_path: Path) -> Config:
    d = tmp_path / "flows"
    d.mkdir()
    shutil.copy(ROOT / "callflows" / "covid_f0.yaml", d / "covid_f0.yaml")
    return cfg.replace(flows_dir=d)


def test_file_then_published_version_then_prompt_override(flows: Config, db: Database) -> None:
    source = FlowSource(flows, db)
    first = source.current()
    assert first.version_id is None and first.flow.name == "covid_f0"
    assert source.current() is first  # nothing changed: same object
    text = (flows.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8").replace("timeout_s: 7", "timeout_s: 9")
    with db.session() as s:
        s.add(FlowVersion(name="covid_f0", version=2, yaml_text=text, status="published"))
    second = source.current()
    assert second.version_id is not None and second.flow.nodes["greeting"].timeout_s == 9.0
    assert first.flow.nodes["greeting"].timeout_s == 7.0  # a call in progress keeps its flow
    with db.session() as s:
        s.add(Prompt(id="goodbye", text="Chào ông bà, hẹn gặp lại."))
    assert source.current().catalog.text("goodbye") == "Chào ông bà, hẹn gặp lại."


def test_broken_published_version_is_skipped(flows: Config, db: Database, caplog: pytest.LogCaptureFixture) -> None:
    source = FlowSource(flows, db)
    good = source.current()
    with db.session() as s:
        s.add(FlowVersion(name="covid_f0", version=2, yaml_text="flow: covid_f0\nnodes: [", status="published"))
    assert source.current() is good
    assert "previous one keeps serving" in caplog.text


def test_broken_file_at_start_is_an_error(flows: Config) -> None:
    (flows.flows_dir / "covid_f0.yaml").write_text("flow: x\nstart: a\nnodes: {a: {kind: say}}\n", encoding="utf-8")
    with pytest.raises(FlowError):
        FlowSource(flows).current()
