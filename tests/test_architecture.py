"""The import rules (setup.cfg [importlinter]) hold, and a wrong import breaks them loudly."""
from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ivr import ROOT

LINT = [sys.executable, "-c", "import sys; from importlinter.cli import lint_imports_command; "
        "sys.exit(lint_imports_command())"]


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(cwd)}
    return subprocess.run([*LINT, str(cwd / "setup.cfg"), "--no-cache"], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=300)


def test_import_contracts_hold() -> None:
    res = _lint(ROOT)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]
    assert "0 broken" in res.stdout


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    """A copy of the three packages and their import rules, to break on purpose."""
    for pkg in ("ivr", "escalation", "admin"):
        shutil.copytree(ROOT / pkg, tmp_path / pkg, ignore=shutil.ignore_patterns("__pycache__", "static",
                                                                                   "templates", "*.yaml"))
    shutil.copy(ROOT / "setup.cfg", tmp_path / "setup.cfg")
    return tmp_path


def _add_import(module: Path, line: str) -> None:
    text = module.read_text()
    head, sep, rest = text.partition("from __future__ import annotations\n")
    module.write_text(head + sep + line + "\n" + rest)


def test_the_engine_importing_the_admin_breaks_two_contracts(tree: Path) -> None:
    _add_import(tree / "ivr" / "engine" / "session.py", "import admin.web")
    res = _lint(tree)
    assert res.returncode == 1, res.stdout
    assert "The phone line and the escalation queue never import the web admin BROKEN" in res.stdout
    assert "ivr.engine.session -> admin.web" in res.stdout


def test_the_engine_reading_the_clock_breaks_the_sans_io_contract(tree: Path) -> None:
    _add_import(tree / "ivr" / "engine" / "flow.py", "import time")
    res = _lint(tree)
    assert res.returncode == 1, res.stdout
    assert "The call-flow engine is sans-I/O" in res.stdout and "BROKEN" in res.stdout
    assert "ivr.engine.flow -> time" in res.stdout


def test_a_lower_room_importing_a_higher_one_breaks_the_layers(tree: Path) -> None:
    _add_import(tree / "ivr" / "store" / "models.py", "from ivr.telephony import callstore")
    res = _lint(tree)
    assert res.returncode == 1, res.stdout
    assert "ivr.store is not allowed to import ivr.telephony" in res.stdout


def test_a_second_pyvoip_module_breaks_the_one_module_rule(tree: Path) -> None:
    _add_import(tree / "ivr" / "telephony" / "callrunner.py", "import pyVoIP")
    res = _lint(tree)
    assert res.returncode == 1, res.stdout
    assert "pyVoIP is imported in exactly one module (ivr.telephony.phone) BROKEN" in res.stdout
