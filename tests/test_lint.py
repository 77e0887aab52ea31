"""The code is linted with ruff (pyproject.toml [tool.ruff]); a finding fails the suite."""
from __future__ import annotations

import subprocess
import sys

from ivr import ROOT


def test_ruff_is_clean() -> None:
    res = subprocess.run([sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise", "."],
                         capture_output=True, text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]
