"""The operators' commands, run as processes: their output shapes are stable (scripts read them)."""
from __future__ import annotations

import json
import os
import subprocess

from sqlalchemy import select

from escalation import keys
from ivr.store.models import AuditLog, CheckinAttempt, Patient

from ..conftest import IVR
from .conftest import open_window_cfg

CSV = ("so_dien_thoai,ho_ten,nam_sinh,tinh,huyen,xa,benh_nen\n"
       "0901000001,Nguyễn Thị Lan,1950,Hà Nội,Cầu Giấy,Dịch Vọng,tiểu đường\n"
       "0901000002,Lê Minh,1990,Hà Nội,Cầu Giấy,Dịch Vọng,\n")


def _ivr(cfg, *args):
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    env.update({"IVR_TIMEZONE": cfg.timezone, "IVR_CHECKIN_WINDOWS": ",".join(cfg.checkin_windows),
                "IVR_REDIS_URL": cfg.redis_url, "IVR_DAILY_SUMMARY_TIME": ""})
    return subprocess.run([str(IVR), *args, "--data-dir", str(cfg.data_dir)], env=env, capture_output=True,
                          text=True, timeout=120, cwd=cfg.data_dir)


def test_patients_import_all_or_nothing_with_the_admins_row_errors(db, cfg, tmp_path):
    bad = tmp_path / "f0-loi.csv"
    bad.write_text(CSV + "0123,Không Số,1980,Hà Nội,Cầu Giấy,Dịch Vọng,\n", encoding="utf-8")
    res = _ivr(cfg, "patients", "import", str(bad))
    assert res.returncode == 1, res.stderr
    assert res.stdout.splitlines() == ["Không nhập dòng nào: 1 lỗi cần sửa trong tệp.",
                                       "  dòng 4: Số điện thoại '0123' không hợp lệ."]
    with db.session() as s:
        assert s.scalars(select(Patient)).first() is None
    good = tmp_path / "f0.csv"
    good.write_text(CSV, encoding="utf-8")
    res = _ivr(cfg, "patients", "import", str(good), "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"created": 2, "updated": 0, "errors": []}
    with db.session() as s:
        assert [(p.phone, p.name, p.risk_factors) for p in s.scalars(select(Patient).order_by(Patient.id))] == [
            ("+84901000001", "Nguyễn Thị Lan", ["diabetes", "age_65_plus"]), ("+84901000002", "Lê Minh", [])]
        assert s.scalars(select(AuditLog)).one().action == "patient_import"
    res = _ivr(cfg, "patients", "import", str(tmp_path / "khong-co.csv"))
    assert res.returncode == 2 and res.stdout.startswith("ivr patients import: không đọc được tệp ")


def test_checkins_plan_run_status_json_shapes(db, cfg, tmp_path, redis_url, conn):
    ccfg = open_window_cfg(cfg, redis_url=redis_url)
    good = tmp_path / "f0.csv"
    good.write_text(CSV, encoding="utf-8")
    assert _ivr(ccfg, "patients", "import", str(good)).returncode == 0
    res = _ivr(ccfg, "checkins", "plan", "--json")
    assert res.returncode == 0, res.stderr + res.stdout
    rows = json.loads(res.stdout)
    with db.session() as s:
        ids = [p.id for p in s.scalars(select(Patient).order_by(Patient.id))]
        attempts = list(s.scalars(select(CheckinAttempt)))
    assert [set(r) for r in rows] == [{"patient_id", "phone", "window", "attempt", "not_before"}] * 2
    assert sorted((r["patient_id"], r["phone"], r["window"], r["attempt"]) for r in rows) == [
        (ids[0], "+84901000001", "ngay", 1), (ids[1], "+84901000002", "ngay", 1)]
    assert all(r["not_before"].endswith("Z") for r in rows) and len(attempts) == 2
    res = _ivr(ccfg, "checkins", "plan", "--window", "toi", "--json")
    assert res.returncode == 0 and {r["window"] for r in json.loads(res.stdout)} == {"toi"}
    res = _ivr(ccfg, "checkins", "plan", "--window", "dem")
    assert res.returncode == 2 and res.stdout.strip() == (
        "ivr checkins plan: Không có buổi gọi tên 'dem' (các buổi: ngay, toi).")
    res = _ivr(ccfg, "checkins", "status", "--json")
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == {"planned": 2, "in_progress": 0, "reached": 0, "not_reached": 0,
                                      "escalated": 0, "opted_out": 0}
    res = _ivr(ccfg, "checkins", "run")
    assert res.returncode == 0, res.stderr + res.stdout
    assert json.loads(res.stdout)["queued"] == 2 and conn.llen(keys.CHECKIN_DIAL) == 2
    status = json.loads(_ivr(ccfg, "checkins", "status", "--json").stdout)
    assert list(status) == ["planned", "in_progress", "reached", "not_reached", "escalated", "opted_out"]
    assert (status["planned"], status["in_progress"]) == (0, 2)


def test_checkins_run_refuses_outside_the_windows(db, cfg, redis_url):
    ccfg = open_window_cfg(cfg, redis_url=redis_url)
    closed = ccfg.replace(checkin_windows=(ccfg.checkin_windows[1],))  # only the later window
    res = _ivr(closed, "checkins", "run")
    assert res.returncode == 2
    assert res.stdout.startswith("ivr checkins run: Bây giờ không nằm trong buổi gọi nào (toi ")
    assert res.stdout.rstrip().endswith("không gọi ngoài các buổi.")


def test_escalations_list_says_which_cases_are_not_reached(db, cfg):
    from escalation import queue
    from ivr.vocabulary import EscalationKind

    from .conftest import add

    lan = add(db, "+84901000001", "Nguyễn Thị Lan")
    queue.create(db, risk="low", reason="Không liên lạc được 2 buổi liên tiếp", patient_id=lan,
                 kind=EscalationKind.NOT_REACHED)
    res = _ivr(cfg, "escalations", "list", "--json")
    assert res.returncode == 0, res.stderr
    (row,) = json.loads(res.stdout)
    assert (row["kind"], row["risk"]) == ("not_reached", "low")
    table = _ivr(cfg, "escalations", "list").stdout.splitlines()
    assert "Nguy cơ thấp (không liên lạc được)" in table[1]
