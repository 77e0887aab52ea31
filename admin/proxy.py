"""Forwarded client addresses, believed only from the reverse proxies the operator lists.

Behind nginx every request arrives from the proxy's address, so a per-address login limit would
lock every user out together (or, keyed by address and account, let a stranger lock a named
account). With ``admin_trusted_proxies`` set, a request from one of those addresses gets its
client address from ``X-Forwarded-For`` (werkzeug's ``ProxyFix`` does the rewrite): the list is
read from the right, past every trusted hop, to the first address that is not a trusted proxy.
From anyone else the header is ignored: anyone can write one.
"""
from __future__ import annotations

import ipaddress
import logging
from collections.abc import Iterable
from typing import Any

from werkzeug.middleware.proxy_fix import ProxyFix

log = logging.getLogger(__name__)

#: The proxy headers (as WSGI keys) removed from requests that do not come through a trusted proxy.
FORWARDED_HEADERS = ("HTTP_FORWARDED", "HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
                     "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX", "HTTP_X_FORWARDED_BY")


def _ip(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address(text.strip())
    except ValueError:
        return None


class TrustedProxies:
    """WSGI middleware: ``X-Forwarded-For`` and ``X-Forwarded-Proto`` only from ``trusted`` addresses."""

    def __init__(self, app: Any, trusted: Iterable[str]):
        self.app = app
        self.trusted = frozenset(ip for ip in (_ip(t) for t in trusted) if ip is not None)
        self._fixes: dict[int, ProxyFix] = {}
        self._warned = False

    def _is_trusted(self, text: str) -> bool:
        ip = _ip(text)
        return ip is not None and ip in self.trusted

    def hops(self, environ: dict[str, Any]) -> int:
        """How many ``X-Forwarded-For`` entries, from the right, to go back to reach the client (0: none)."""
        if not self._is_trusted(environ.get("REMOTE_ADDR", "")):
            return 0
        values = [v.strip() for v in environ.get("HTTP_X_FORWARDED_FOR", "").split(",") if v.strip()]
        n = 0
        for value in reversed(values):
            if _ip(value) is None:
                break  # garbage in the list: trust nothing before it
            n += 1
            if not self._is_trusted(value):
                break
        return n

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        n = self.hops(environ)
        if n:
            fix = self._fixes.get(n)
            if fix is None:
                fix = self._fixes[n] = ProxyFix(self.app, x_for=n, x_proto=n, x_host=0, x_port=0, x_prefix=0)
            return fix(environ, start_response)
        if "HTTP_X_FORWARDED_FOR" in environ and not self._is_trusted(environ.get("REMOTE_ADDR", "")) \
                and not self._warned:
            self._warned = True
            log.warning("admin: X-Forwarded-For from %s ignored: that address is not in admin_trusted_proxies "
                        "(behind a reverse proxy, list it there)", environ.get("REMOTE_ADDR", "?"))
        for header in FORWARDED_HEADERS:  # nothing downstream may read what anyone can write
            environ.pop(header, None)
        return self.app(environ, start_response)
