"""The storage tests run on SQLite and on a real PostgreSQL (the cluster of tests/conftest.py)."""
from __future__ import annotations

import pytest

from ...conftest import parametrize_db


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_db(metafunc)
