"""The code is type-checked with mypy (setup.cfg [mypy]); a type error fails the suite."""
from __future__ import annotations

import subprocess
import sys

import pytest

from ivr import ROOT


@pytest.mark.slow
@pytest.mark.timeout(900)  # its own subprocess limit is 600 s
def test_mypy_is_clean() -> None:
    res = subprocess.run([sys.executable, "-m", "mypy", "--cache-dir", str(ROOT / ".mypy_cache"),
                          "ivr", "escalation", "admin"], capture_output=True, text=True, cwd=ROOT, timeout=600)
    assert res.returncode == 0, res.stdout[-5000:] + res.stderr[-2000:]
