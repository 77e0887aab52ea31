"""``ivr admin create-user`` and ``ivr admin serve`` as real processes."""
from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest
import requests
from sqlalchemy import select
from werkzeug.security import check_password_hash

from ivr.store.models import Role, StaffUser

from ..conftest import free_port

IVR = [sys.executable, "-m", "ivr.cli"]
pytestmark = pytest.mark.slow  # each test starts the real CLI (a few seconds of imports)


def clean_env(cfg=None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("IVR_")}
    if cfg is not None and cfg.database_url:  # the PostgreSQL run: the data folder does not say where it is
        env["IVR_DATABASE_URL"] = cfg.database_url
    return env


def run(args, tmp_path, stdin="", cfg=None):
    env = clean_env(cfg)
    return subprocess.run(IVR + args, input=stdin, capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60, check=False)


def test_create_user_reads_password_from_stdin(db, cfg, tmp_path):
    out = run(["admin", "create-user", "bs_an", "--role", "doctor", "--area-level", "commune", "--province",
               "Hà Nội", "--district", "Cầu Giấy", "--commune", "Dịch Vọng", "--phone", "1001",
               "--data-dir", str(cfg.data_dir)], tmp_path, stdin="mat-khau-bac-si-1\n", cfg=cfg)
    assert out.returncode == 0, out.stderr
    assert "created doctor 'bs_an'" in out.stdout
    with db.session() as s:
        u = s.scalar(select(StaffUser).where(StaffUser.username == "bs_an"))
        assert u.role == Role.DOCTOR and u.commune == "Dịch Vọng" and u.phone == "1001"
        assert check_password_hash(u.password_hash, "mat-khau-bac-si-1")


def test_create_user_has_no_default_password(db, cfg, tmp_path):
    out = run(["admin", "create-user", "quantri", "--role", "admin", "--data-dir", str(cfg.data_dir)], tmp_path,
              cfg=cfg)
    assert out.returncode == 2 and "không có mật khẩu mặc định" in out.stderr
    short = run(["admin", "create-user", "quantri", "--role", "admin", "--data-dir", str(cfg.data_dir)], tmp_path,
                stdin="ngan\n", cfg=cfg)
    assert short.returncode == 2 and "ít nhất 8 ký tự" in short.stderr
    with db.session() as s:
        assert s.scalar(select(StaffUser)) is None


def test_serve_answers_with_waitress(db, cfg, tmp_path):
    port = free_port()
    env = clean_env(cfg)
    proc = subprocess.Popen(IVR + ["admin", "serve", "--admin-port", str(port), "--data-dir", str(cfg.data_dir)],
                            cwd=tmp_path, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                resp = requests.get(f"http://127.0.0.1:{port}/login", timeout=2)
                break
            except requests.ConnectionError:
                assert proc.poll() is None, proc.stdout.read() if proc.stdout else ""
                assert time.monotonic() < deadline, "admin did not start within 30 s"
                time.sleep(0.2)
        assert resp.status_code == 200 and "Đăng nhập" in resp.text
        assert resp.headers["Server"] == "f0-admin"
        cookie = resp.headers["Set-Cookie"]
        assert "HttpOnly" in cookie and "SameSite=Lax" in cookie
        assert (cfg.data_dir / "secret_key").is_file()
    finally:
        proc.terminate()
        proc.wait(timeout=10)
