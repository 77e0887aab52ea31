"""Escalation's errors: one hierarchy under IvrError; webhook failures typed where they are raised."""
from __future__ import annotations

import socket
import threading

import pytest

from escalation import notify
from escalation.errors import (
    EscalationConflict,
    EscalationError,
    EscalationNotFound,
    InvalidWebhookUrl,
    RulePackError,
    WebhookError,
    WebhookUnreachable,
)
from ivr.errors import ConfigError, IvrError


def test_escalation_errors_are_rooted_in_the_project_error() -> None:
    for cls in (EscalationNotFound, EscalationConflict, WebhookError, InvalidWebhookUrl, WebhookUnreachable):
        assert issubclass(cls, EscalationError) and issubclass(cls, IvrError), cls
    assert issubclass(InvalidWebhookUrl, WebhookError) and issubclass(WebhookUnreachable, WebhookError)
    assert issubclass(RulePackError, ConfigError)


def _post(url: str, timeout_s: float = 0.3) -> int:
    return notify.post(url, b"{}", secret="s", idempotency_key="k", escalation_id=1, timeout_s=timeout_s)


def test_a_malformed_url_is_an_invalid_webhook_url() -> None:
    with pytest.raises(InvalidWebhookUrl, match=r"^Địa chỉ webhook không hợp lệ: 'htp:/chat\.example'"):
        _post("htp:/chat.example")


def test_an_endpoint_that_refuses_or_does_not_answer_is_unreachable() -> None:
    with socket.socket() as s:  # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with pytest.raises(WebhookUnreachable, match=rf"^Không gửi được tới webhook http://127\.0\.0\.1:{port}/h: "):
        _post(f"http://127.0.0.1:{port}/h")
    with socket.socket() as silent:  # accepts, never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen()
        port = silent.getsockname()[1]
        held: list[socket.socket] = []
        t = threading.Thread(target=lambda: held.append(silent.accept()[0]), daemon=True)
        t.start()
        with pytest.raises(WebhookUnreachable,
                           match=rf"^Webhook http://127\.0\.0\.1:{port}/h không trả lời trong 0\.3 giây\.$"):
            _post(f"http://127.0.0.1:{port}/h")
        t.join(timeout=5)
        for c in held:
            c.close()


def test_an_endpoint_that_answers_an_error_status_is_a_plain_webhook_error() -> None:
    with socket.socket() as srv:
        srv.bind(("127.0.0.1", 0))
        srv.listen()
        port = srv.getsockname()[1]

        def answer() -> None:
            conn, _ = srv.accept()
            with conn:
                conn.recv(65536)
                conn.sendall(b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")

        t = threading.Thread(target=answer, daemon=True)
        t.start()
        with pytest.raises(WebhookError, match=rf"^Webhook http://127\.0\.0\.1:{port}/h trả về HTTP 503\.$") as info:
            _post(f"http://127.0.0.1:{port}/h", timeout_s=5)
        assert not isinstance(info.value, (WebhookUnreachable, InvalidWebhookUrl))
        t.join(timeout=5)
