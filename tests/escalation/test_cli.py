"""`ivr escalations list` against a real database file."""
from __future__ import annotations

import json
import os
import subprocess
from datetime import timedelta

from escalation import queue
from ivr.store.models import utcnow

from .conftest import IVR


def _run(cfg, *args: str, cwd) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    if cfg.database_url:  # the PostgreSQL run: the data folder does not say where the database is
        env["IVR_DATABASE_URL"] = cfg.database_url
    return subprocess.run([str(IVR), "escalations", "list", "--data-dir", str(cfg.data_dir), *args], env=env,
                          cwd=cwd, capture_output=True, text=True, timeout=60)


def test_list_prints_open_cases_in_priority_order(db, cfg, people, tmp_path):
    now = utcnow()
    medium = queue.create(db, risk="medium", reason="Sốt 3 ngày", reasons=["fever_3_days"],
                          patient_id=people.patients["hoa"], now=now - timedelta(minutes=20))
    emergency = queue.create(db, risk="emergency", reason="SpO2 91%", reasons=["low_spo2", "cyanosis"],
                             caller="+84900000001", patient_id=people.patients["lan"], now=now - timedelta(minutes=1))
    closed = queue.create(db, risk="high", reason="x", caller="+84999")
    queue.cancel(db, closed, reason="Gọi nhầm")
    out = _run(cfg, "--json", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == [emergency, medium]
    first = rows[0]
    assert (first["risk"], first["status"], first["tier"], first["caller"], first["patient"]) == (
        "emergency", "waiting", "commune", "+84900000001", "Nguyễn Thị Lan")
    assert first["reasons"] == ["low_spo2", "cyanosis"] and first["area"]["commune"] == "Dịch Vọng"
    assert 55 <= first["waiting_s"] <= 600
    table = _run(cfg, cwd=tmp_path).stdout.splitlines()
    assert table[0].split()[:2] == ["#", "nguy"]
    assert table[1].startswith(str(emergency)) and "Cấp cứu" in table[1] and "Đang chờ" in table[1]
    assert "low_spo2; cyanosis" in table[1] and "Nguyễn Thị Lan" in table[1] and "Xã/phường" in table[1]
    assert table[2].startswith(str(medium)) and "Nguy cơ trung bình" in table[2]


def test_list_without_a_database_says_how_to_create_one(cfg, tmp_path):
    out = _run(cfg, cwd=tmp_path)
    assert out.returncode == 2
    assert "has no schema: run 'ivr db upgrade'" in out.stderr
