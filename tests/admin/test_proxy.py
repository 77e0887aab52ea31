"""Behind a reverse proxy: forwarded addresses are believed only from configured proxies, and the login
limiter counts per (client address, account) and per client address, so a stranger cannot lock a doctor out.

Real HTTP: the admin is served by waitress on 127.0.0.1; the proxy connects from 127.0.0.3, a direct
client from 127.0.0.2.
"""
from __future__ import annotations

import pytest
from sqlalchemy import select

from admin import create_app
from ivr.errors import ConfigError
from ivr.store.models import AuditLog

from .conftest import PASSWORD, HttpClient, serve

PROXY = "127.0.0.3"
STRANGER = "198.51.100.66"
DOCTOR = "198.51.100.7"


@pytest.fixture
def proxied_app(admin_cfg, db, users):
    app = create_app(cfg=admin_cfg.replace(admin_trusted_proxies=(PROXY,)), db=db)
    app.config["LOGIN_MAX_FAILURES"] = 3
    return app


def _via_proxy(base: str, client_ip: str) -> HttpClient:
    """What the proxy sends for ``client_ip``: nginx's ``proxy_add_x_forwarded_for`` and the scheme."""
    return HttpClient(base, source=PROXY, headers={"X-Forwarded-For": client_ip, "X-Forwarded-Proto": "http"})


def test_stranger_behind_the_proxy_cannot_lock_a_doctor_out(proxied_app, db):
    with serve(proxied_app) as base:
        stranger = _via_proxy(base, STRANGER)
        for _ in range(3):
            assert stranger.login("bs_a", "doan-mat-khau-sai").status_code == 401
        assert stranger.login("bs_a", PASSWORD).status_code == 429  # the stranger is blocked...
        doctor = _via_proxy(base, DOCTOR)
        resp = doctor.login("bs_a", PASSWORD)  # ...the doctor, behind the same proxy, is not
        assert resp.status_code == 302 and resp.headers["Location"] == "/board/"
        assert doctor.get("/api/me").json()["username"] == "bs_a"
    with db.session() as s:
        rows = s.execute(select(AuditLog.action, AuditLog.ip).where(AuditLog.target == "bs_a")).all()
    assert ("login_failed", STRANGER) in rows and ("login", DOCTOR) in rows
    assert all(ip != PROXY for _, ip in rows)


def test_forwarded_for_is_ignored_from_anyone_else(proxied_app, db):
    """A direct client at 127.0.0.2 that makes up X-Forwarded-For is still counted at 127.0.0.2."""
    with serve(proxied_app) as base:
        for n in range(3):
            liar = HttpClient(base, source="127.0.0.2", headers={"X-Forwarded-For": f"203.0.113.{n}"})
            assert liar.login("bs_a", "doan-mat-khau-sai").status_code == 401
        liar = HttpClient(base, source="127.0.0.2", headers={"X-Forwarded-For": "203.0.113.99"})
        assert liar.login("bs_a", PASSWORD).status_code == 429
    with db.session() as s:
        ips = set(s.scalars(select(AuditLog.ip).where(AuditLog.target == "bs_a")))
    assert ips == {"127.0.0.2"}


def test_without_configured_proxies_forwarded_headers_mean_nothing(admin_cfg, db, users):
    app = create_app(cfg=admin_cfg, db=db)
    with serve(app) as base:
        client = HttpClient(base, source="127.0.0.2", headers={"X-Forwarded-For": "203.0.113.5"})
        assert client.login("bs_a", "doan-mat-khau-sai").status_code == 401
    with db.session() as s:
        assert set(s.scalars(select(AuditLog.ip))) == {"127.0.0.2"}


def test_chain_of_trusted_proxies(admin_cfg, db, users):
    """client -> 127.0.0.4 (trusted) -> 127.0.0.3 (trusted) -> admin: the client's address is the first untrusted."""
    app = create_app(cfg=admin_cfg.replace(admin_trusted_proxies=(PROXY, "127.0.0.4")), db=db)
    with serve(app) as base:
        hops = HttpClient(base, source=PROXY, headers={"X-Forwarded-For": f"203.0.113.9, {DOCTOR}, 127.0.0.4"})
        assert hops.login("bs_a", "doan-mat-khau-sai").status_code == 401
    with db.session() as s:
        assert set(s.scalars(select(AuditLog.ip))) == {DOCTOR}


def test_one_address_guessing_many_accounts_is_limited(app, client, auth):
    """Per address too: a client spraying wrong passwords over many user names is stopped."""
    limit = app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]
    assert limit > app.config["LOGIN_MAX_FAILURES"]
    for n in range(limit):
        assert auth.login(f"ten{n}", "doan-mat-khau-sai").status_code == 401
    assert auth.login("bs_b", PASSWORD).status_code == 429


def test_trusted_proxies_must_be_addresses(admin_cfg):
    with pytest.raises(ConfigError, match="admin_trusted_proxies"):
        admin_cfg.replace(admin_trusted_proxies=("proxy.example",))
