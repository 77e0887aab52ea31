"""Admin fixtures in the flaskr-tutorial style: ``app``, ``client``, ``auth``, plus staff users of two communes."""
from __future__ import annotations

import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import waitress
from flask import Flask
from flask.testing import FlaskClient
from werkzeug.security import generate_password_hash

from admin import create_app
from ivr import ROOT
from ivr.config import Config
from ivr.store.database import Database, upgrade
from ivr.store.models import AreaLevel, Patient, Role, StaffUser

from ..conftest import ARTIFACTS, free_port, parametrize_db

PASSWORD = "mat-khau-du-dai-1"
# A real werkzeug hash with few iterations: the fixtures sign in dozens of times and scrypt is slow on
# purpose. Accounts created through the app or the CLI get werkzeug's default (scrypt).
_HASH = generate_password_hash(PASSWORD, method="pbkdf2:sha256:1000")

AREA_A = {"province": "Hà Nội", "district": "Cầu Giấy", "commune": "Dịch Vọng"}
AREA_B = {"province": "Hà Nội", "district": "Cầu Giấy", "commune": "Nghĩa Đô"}
USERS: dict[str, dict[str, Any]] = {
    "admin": {"role": Role.ADMIN, "area_level": AreaLevel.PROVINCE, "province": "", "district": "", "commune": ""},
    "bs_a": {"role": Role.DOCTOR, "area_level": AreaLevel.COMMUNE, **AREA_A, "full_name": "BS Nguyễn Văn An"},
    "bs_b": {"role": Role.DOCTOR, "area_level": AreaLevel.COMMUNE, **AREA_B, "full_name": "BS Trần Thị Bình"},
    "xem_a": {"role": Role.VIEWER, "area_level": AreaLevel.COMMUNE, **AREA_A, "full_name": "Cán bộ Lê Chi"},
}
_META_CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)"')


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    parametrize_db(metafunc)  # every admin test that uses the database: on SQLite and on PostgreSQL


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One database migrated by the real Alembic migrations, copied for each test (faster than migrating)."""
    path = tmp_path_factory.mktemp("db-template") / "ivr.sqlite3"
    upgrade(f"sqlite:///{path}")
    return path


@pytest.fixture
def db(cfg: Config, migrated_template: Path) -> Iterator[Database]:
    """Overrides the shared ``db``: a fresh copy of the migrated template at ``cfg.db_url`` (PostgreSQL:
    ``cfg.db_url`` is already a fresh copy of the cluster's migrated template)."""
    if cfg.db_url.startswith("postgresql"):
        pg = Database(cfg.db_url)
        yield pg
        pg.dispose()
        return
    target = Path(cfg.db_url[len("sqlite:///"):])
    target.parent.mkdir(parents=True, exist_ok=True)
    for suffix in ("", "-wal"):
        src = migrated_template.with_name(migrated_template.name + suffix)
        if src.exists():
            shutil.copyfile(src, target.with_name(target.name + suffix))
    database = Database(cfg.db_url)
    yield database
    database.dispose()


@pytest.fixture
def admin_cfg(cfg: Config, tmp_path: Path) -> Config:
    """The test config with private copies of the call flows and an empty recordings folder."""
    flows = tmp_path / "callflows"
    shutil.copytree(ROOT / "callflows", flows)
    return cfg.replace(flows_dir=flows, recordings_dir=tmp_path / "recordings")


@pytest.fixture
def users(db: Database) -> dict[str, int]:
    ids = {}
    with db.session() as s:
        for name, fields in USERS.items():
            u = StaffUser(username=name, password_hash=_HASH, active=True, **fields)
            s.add(u)
            s.flush()
            ids[name] = u.id
    return ids


@pytest.fixture
def patients(db: Database) -> dict[str, int]:
    """One patient in commune A, one in commune B."""
    with db.session() as s:
        a = Patient(phone="+84912000001", name="Phạm Văn Hùng", birth_year=1950,
                    risk_factors=["diabetes", "age_65_plus"], **AREA_A)
        b = Patient(phone="+84912000002", name="Đỗ Thị Lan", birth_year=1985, **AREA_B)
        s.add_all([a, b])
        s.flush()
        return {"a": a.id, "b": b.id}


@pytest.fixture
def app(admin_cfg: Config, db: Database, users: dict[str, int]) -> Iterator[Flask]:
    application = create_app({"TESTING": True}, cfg=admin_cfg, db=db)
    yield application
    renderer = application.extensions.get("ivr_renderer")
    if renderer is not None:
        renderer.close()


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


def csrf_from(html: str) -> str:
    m = _META_CSRF.search(html)
    assert m, "page has no CSRF meta tag"
    return m.group(1)


class AuthActions:
    """Signs in through the real login form (with its CSRF token) and posts forms with the session's token."""

    def __init__(self, client: FlaskClient):
        self.client = client
        self.token = ""

    def refresh_token(self, path: str = "/login") -> str:
        self.token = csrf_from(self.client.get(path).get_data(as_text=True))
        return self.token

    def login(self, username: str = "admin", password: str = PASSWORD) -> Any:
        self.refresh_token("/login")
        resp = self.client.post("/login", data={"username": username, "password": password,
                                                "csrf_token": self.token})
        if resp.status_code == 302:
            self.refresh_token("/board/")
        return resp

    def logout(self) -> Any:
        return self.client.post("/logout", data={"csrf_token": self.token})

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.client.post(path, data={**(data or {}), "csrf_token": self.token}, **kw)


@pytest.fixture
def auth(client: FlaskClient) -> AuthActions:
    return AuthActions(client)


@contextmanager
def serve(app: Flask) -> Iterator[str]:
    """``app`` served over real HTTP by waitress on 127.0.0.1 in a thread, as ``ivr admin serve`` serves it;
    yields its base URL."""
    import waitress
    from waitress import wasyncore

    from admin.cli import waitress_options

    from ..conftest import free_port

    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4,
                                    **waitress_options(app.extensions["ivr_cfg"]))
    thread = threading.Thread(target=server.run, name="admin-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        # close every socket from the server's own loop thread (closing from here races its select())
        try:
            server.trigger.pull_trigger(lambda: wasyncore.close_all(server._map))
        except OSError:
            # the trigger pipe's number was closed under us (a stray close elsewhere in the
            # process, seen once in CI): close from here instead; the loop ends on its next wake
            wasyncore.close_all(server._map, ignore_all=True)
        thread.join(timeout=10)
        server.task_dispatcher.shutdown()


class HttpClient:
    """A real HTTP client (requests) whose connections leave from ``source`` (any 127.0.0.0/8 address)."""

    def __init__(self, base: str, source: str = "127.0.0.2", headers: dict[str, str] | None = None):
        import requests
        from requests.adapters import HTTPAdapter

        class _FromAddress(HTTPAdapter):
            def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
                kwargs["source_address"] = (source, 0)
                super().init_poolmanager(*args, **kwargs)

        self.base = base
        self.http = requests.Session()
        self.http.mount("http://", _FromAddress())
        self.http.headers.update({"Connection": "close", **(headers or {})})  # lets the test server stop at once
        self.token = ""

    def get(self, path: str, **kw: Any) -> Any:
        return self.http.get(self.base + path, allow_redirects=False, timeout=10, **kw)

    def post(self, path: str, data: dict[str, Any] | None = None, **kw: Any) -> Any:
        return self.http.post(self.base + path, data={**(data or {}), "csrf_token": self.token},
                              allow_redirects=False, timeout=10, **kw)

    def login(self, username: str, password: str = PASSWORD, **kw: Any) -> Any:
        self.token = csrf_from(self.get("/login", **kw).text)
        resp = self.post("/login", {"username": username, "password": password}, **kw)
        if resp.status_code == 302:
            self.token = csrf_from(self.get("/board/", **kw).text)
        return resp


# -- real Chromium (Debian's) driven by Playwright, for the end-to-end tests (test_e2e*.py) ---------------------

SHOTS = ARTIFACTS / "admin"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-background-networking", "--disable-gpu", "--disable-component-update",
                 "--no-first-run"]


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def live(admin_cfg, db, users) -> Iterator[str]:
    """The admin served over real HTTP by waitress in a thread; yields its base URL."""
    app = create_app(cfg=admin_cfg, db=db)
    port = free_port()
    server = waitress.create_server(app, host="127.0.0.1", port=port, threads=4)
    thread = threading.Thread(target=server.run, name="admin-e2e", daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{port}"
    server.close()
    thread.join(timeout=10)
    renderer = app.extensions.get("ivr_renderer")
    if renderer is not None:
        renderer.close()


@pytest.fixture
def page(browser, live) -> Iterator[Any]:
    context = browser.new_context(base_url=live, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh",
                                  viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    pg.errors = []  # type: ignore[attr-defined]
    pg.on("console", lambda m: pg.errors.append(m.text) if m.type == "error" else None)  # type: ignore[attr-defined]
    pg.on("pageerror", lambda e: pg.errors.append(str(e)))  # type: ignore[attr-defined]
    pg.set_default_timeout(15_000)
    yield pg
    context.close()
