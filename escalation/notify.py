"""Notifications of an escalation: rows per round and target, the webhook payload, signing, sending.

A *round* is one announcement of a case (0 when it is created; 1, 2... when it moves up a tier,
its risk rises, or it still waits at the top tier) to the admin board, to every global webhook URL
(``webhook_urls``) and to the area targets of the case's tier: a case at the commune tier goes to its
commune's targets, at the district tier to the commune's and the district's, at the province tier to
all three (``case_targets``). Area targets (webhook URLs or SMS numbers) come from the configuration
(``notify_targets``) and the ``notify_targets`` table (the admin). Receivers de-duplicate on the
escalation id and the round's idempotency key.
"""
from __future__ import annotations

import hashlib
import hmac
import http.client
import json
import os
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from urllib.parse import urlsplit

from redis import Redis
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ivr.config import AreaTarget, Config, is_http_url, parse_targets
from ivr.store.models import AreaLevel, Escalation, EscalationNotification, NotificationStatus, NotifyTarget, Patient
from ivr.vocabulary import ESCALATION_KIND_LABELS, RISK_LABELS, EscalationKind

from . import keys
from .area import TIER_LABELS
from .errors import InvalidWebhookUrl, WebhookError, WebhookUnreachable
from .priority import waiting_s

BOARD = "board"
WEBHOOK = "webhook"
SMS = "sms"
CHANNELS: tuple[str, ...] = (WEBHOOK, SMS)
#: the longest SMS text sent (a few concatenated SMS parts)
SMS_MAX_CHARS = 320
SIGNATURE_HEADER = "X-IVR-Signature"
IDEMPOTENCY_HEADER = "Idempotency-Key"
ESCALATION_HEADER = "X-IVR-Escalation-Id"
#: Vietnam keeps UTC+7 all year; staff read local times.
LOCAL_TZ = timezone(timedelta(hours=7))


def local_hhmm(at: datetime) -> str:
    """``at`` (naive UTC) as HH:MM in Vietnam."""
    return at.replace(tzinfo=UTC).astimezone(LOCAL_TZ).strftime("%H:%M")


def check_url(url: str) -> str:
    """``url`` if it is an absolute http(s) URL with a host, else ``InvalidWebhookUrl``."""
    if not is_http_url(url):
        raise InvalidWebhookUrl(f"Địa chỉ webhook không hợp lệ: {url!r} (cần dạng http://máy-chủ/đường-dẫn).")
    return url


def sign(body: bytes, secret: str) -> str:
    """Header value proving the body came from this hotline: ``sha256=<hex HMAC-SHA256 of the body>``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verify(body: bytes, secret: str, signature: str) -> bool:
    return hmac.compare_digest(sign(body, secret), signature)


def round_rows(escalation_id: int, round_: int, webhook_urls: Iterable[str], *, now: datetime) -> list[dict[str, Any]]:
    """Column values of one round's pending rows (board first), named for their first rq job."""
    key = keys.idempotency_key(escalation_id, round_)
    job_id = keys.round_job_id(escalation_id, round_, 1)
    return [{"escalation_id": escalation_id, "round": round_, "kind": kind, "target": target, "idempotency_key": key,
             "status": NotificationStatus.PENDING, "attempts": 0, "last_error": "", "created_at": now,
             "job_id": job_id, "enqueues": 1, "enqueued_at": now}
            for kind, target in [(BOARD, ""), *((WEBHOOK, url) for url in dict.fromkeys(webhook_urls))]]


def add_round(s: Session, esc: Escalation, webhook_urls: Iterable[str], *,
              now: datetime) -> list[EscalationNotification]:
    """Pending rows for the next round of ``esc``, already named for their first rq job."""
    last = s.scalar(select(func.max(EscalationNotification.round))
                    .where(EscalationNotification.escalation_id == esc.id))
    round_ = 0 if last is None else last + 1
    rows = [EscalationNotification(**values) for values in round_rows(esc.id, round_, webhook_urls, now=now)]
    s.add_all(rows)
    return rows


def missing_targets(s: Session, escalation_id: int, round_: int, targets: Iterable[str | tuple[str, str]],
                    *, now: datetime, job_id: str = "") -> list[EscalationNotification]:
    """Rows for targets a round does not have yet (the round was created without the configuration).

    ``targets``: webhook URLs, or (channel, target) pairs (``case_targets``).
    """
    have = {(kind, target) for kind, target in s.execute(select(
        EscalationNotification.kind, EscalationNotification.target).where(
        EscalationNotification.escalation_id == escalation_id, EscalationNotification.round == round_,
        EscalationNotification.kind != BOARD))}
    wanted = [(WEBHOOK, t) if isinstance(t, str) else t for t in targets]
    rows = [EscalationNotification(escalation_id=escalation_id, round=round_, kind=kind, target=target,
                                   idempotency_key=keys.idempotency_key(escalation_id, round_), created_at=now,
                                   job_id=job_id, enqueues=1 if job_id else 0, enqueued_at=now if job_id else None)
            for kind, target in dict.fromkeys(wanted) if (kind, target) not in have]
    s.add_all(rows)
    s.flush()
    return rows


def payload(esc: Escalation, patient: Patient | None, note: EscalationNotification, *, now: datetime) -> dict[str, Any]:
    """The JSON body of a webhook (and of a board message)."""
    risk_label = RISK_LABELS.get(esc.risk, esc.risk)
    who = patient.name if patient is not None and patient.name else (esc.caller or "không rõ số")
    area = ", ".join(p for p in (esc.commune, esc.district, esc.province) if p) or "chưa rõ địa bàn"
    waited = int(waiting_s(esc.created_at, now))
    event = "escalation.created" if note.round == 0 else "escalation.reminder"
    headline = "Ca cần bác sĩ mới" if note.round == 0 else "Nhắc lại: ca chưa có bác sĩ nhận"
    kind = str(getattr(esc, "kind", "") or EscalationKind.CLINICAL)
    if kind == EscalationKind.NOT_REACHED:
        headline = ("Không liên lạc được với người bệnh" if note.round == 0
                    else "Nhắc lại: người bệnh chưa liên lạc được, chưa có ai nhận")
    text = (f"{headline} #{esc.id} — {risk_label}: {esc.reason or ', '.join(esc.reasons)}. "
            f"Người gọi: {who}; địa bàn: {area}; đã chờ {waited // 60} phút {waited % 60} giây.")
    return {
        "event": event,
        "escalation_id": esc.id,
        "idempotency_key": note.idempotency_key,
        "round": note.round,
        "risk": esc.risk,
        "risk_label": risk_label,
        "reason": esc.reason,
        "reasons": list(esc.reasons or []),
        "status": esc.status.value if hasattr(esc.status, "value") else str(esc.status),
        "mode": esc.mode,
        "kind": kind,
        "kind_label": ESCALATION_KIND_LABELS.get(kind, kind),
        "caller": esc.caller,
        "patient": None if patient is None else {"id": patient.id, "name": patient.name, "phone": patient.phone},
        "area": {"province": esc.province, "district": esc.district, "commune": esc.commune},
        "tier": esc.tier.value if hasattr(esc.tier, "value") else str(esc.tier),
        "tier_label": TIER_LABELS.get(str(getattr(esc.tier, "value", esc.tier)), ""),
        "created_at": esc.created_at.replace(tzinfo=UTC).isoformat(),
        "waiting_s": waited,
        "text": text,
    }


def encode(body: dict[str, Any]) -> bytes:
    return json.dumps(body, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode("utf-8")


# Kept-alive webhook connections, keyed by pid because rq may fork; only the job-running thread of
# a process uses them (one job at a time).
_CONNECTIONS: dict[tuple[int, str, str, int], http.client.HTTPConnection] = {}


def _connection(scheme: str, host: str, port: int, timeout_s: float) -> tuple[http.client.HTTPConnection, bool]:
    """A kept-alive connection per process and endpoint (rq may fork); True if it was reused."""
    key = (os.getpid(), scheme, host, port)
    conn = _CONNECTIONS.get(key)
    if conn is not None:
        conn.timeout = timeout_s
        return conn, True
    cls = http.client.HTTPSConnection if scheme == "https" else http.client.HTTPConnection
    conn = _CONNECTIONS[key] = cls(host, port, timeout=timeout_s)
    return conn, False


def _drop(scheme: str, host: str, port: int) -> None:
    conn = _CONNECTIONS.pop((os.getpid(), scheme, host, port), None)
    if conn is not None:
        conn.close()


def post(url: str, body: bytes, *, secret: str, idempotency_key: str, escalation_id: int | None,
         timeout_s: float) -> int:
    """POST ``body`` to ``url``; the HTTP status on 2xx, else ``WebhookError`` saying what went wrong
    (``WebhookUnreachable`` when the endpoint did not answer, ``InvalidWebhookUrl`` for a bad URL).

    ``timeout_s`` bounds the connection and every read, as ``requests``' (connect, read) timeouts do.
    """
    check_url(url)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    headers = {
        "Host": parts.netloc.rsplit("@", 1)[-1],
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": "f0-hotline-escalation/1",
        SIGNATURE_HEADER: sign(body, secret),
        IDEMPOTENCY_HEADER: idempotency_key,
    }
    if escalation_id is not None:
        headers[ESCALATION_HEADER] = str(escalation_id)
    for _ in range(2):  # a kept-alive connection the server closed meanwhile gets one fresh retry
        conn, reused = _connection(parts.scheme, host, port, timeout_s)
        try:
            conn.request("POST", path, body=body, headers=headers)
            resp = conn.getresponse()
            status = resp.status
            resp.read()
            if resp.will_close:
                _drop(parts.scheme, host, port)
            break
        except TimeoutError:
            _drop(parts.scheme, host, port)
            raise WebhookUnreachable(f"Webhook {url} không trả lời trong {timeout_s:g} giây.") from None
        except (OSError, http.client.HTTPException) as exc:
            _drop(parts.scheme, host, port)
            stale = isinstance(exc, (http.client.RemoteDisconnected, ConnectionResetError, BrokenPipeError))
            if reused and stale:
                continue
            raise WebhookUnreachable(f"Không gửi được tới webhook {url}: {type(exc).__name__}.") from None
    if not 200 <= status < 300:
        raise WebhookError(f"Webhook {url} trả về HTTP {status}.")
    return status


def publish_board(redis: Redis, *bodies: dict[str, Any]) -> int:
    """Bump the board counter and publish one message per body, in one round trip; returns the new counter."""
    pipe = redis.pipeline()
    for body in bodies:
        pipe.incr(keys.BOARD_VERSION)
        pipe.publish(keys.BOARD_CHANNEL, encode(body))
    replies = pipe.execute()
    return int(replies[-2]) if replies else board_version(redis)


def board_version(redis: Redis) -> int:
    """The board counter (0 before the first notification); poll it to know when to refresh."""
    return int(redis.get(keys.BOARD_VERSION) or 0)


def pending(s: Session, escalation_id: int) -> list[EscalationNotification]:
    return list(s.scalars(select(EscalationNotification).where(
        EscalationNotification.escalation_id == escalation_id,
        EscalationNotification.status == NotificationStatus.PENDING)))


# -- area targets (issue 13 part 7) -----------------------------------------------------------------------------

def _same(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()


def _serves(t: AreaTarget | NotifyTarget, level: str, province: str, district: str, commune: str) -> bool:
    """Whether target ``t`` is the ``level`` target of the area (province, district, commune)."""
    t_level = t.level.value if isinstance(t.level, AreaLevel) else str(t.level)
    if t_level != level or not _same(t.province, province):
        return False
    if level == "province":
        return True
    if not _same(t.district, district):
        return False
    return level == "district" or _same(t.commune, commune)


def area_targets(s: Session, cfg: Config, level: str, province: str, district: str,
                 commune: str) -> list[tuple[str, str]]:
    """(channel, target) of every active target of ``level`` for the area, configured ones first."""
    found: list[tuple[str, str]] = [(t.channel, t.target) for t in parse_targets(cfg.notify_targets)
                                    if _serves(t, level, province, district, commune)]
    rows = s.scalars(select(NotifyTarget).where(NotifyTarget.active.is_(True),
                                                NotifyTarget.level == AreaLevel(level)))
    found += [(r.channel, r.target) for r in rows if _serves(r, level, province, district, commune)]
    return list(dict.fromkeys(found))


def case_targets(s: Session, cfg: Config, esc: Escalation) -> list[tuple[str, str]]:
    """Where a round of ``esc`` goes besides the board: the global webhooks, then the area targets of every
    tier from the commune up to the case's tier (a case follows its way up: the commune keeps hearing of it)."""
    tier = esc.tier.value if isinstance(esc.tier, AreaLevel) else str(esc.tier or "commune")
    found: list[tuple[str, str]] = [(WEBHOOK, url) for url in cfg.webhook_urls]
    for level in ("commune", "district", "province"):
        found += area_targets(s, cfg, level, esc.province, esc.district, esc.commune)
        if level == tier:
            break
    return list(dict.fromkeys(found))


def summary_targets(s: Session, cfg: Config, province: str, district: str, commune: str) -> list[tuple[str, str]]:
    """Where a commune's daily summary goes: its commune targets, else the nearest tier above that has
    targets, else the global webhooks."""
    for level in ("commune", "district", "province"):
        found = area_targets(s, cfg, level, province, district, commune)
        if found:
            return found
    return [(WEBHOOK, url) for url in cfg.webhook_urls]


def sms_body(to: str, text: str, idempotency_key: str) -> dict[str, Any]:
    """What the SMS gateway receives (JSON, signed like the webhooks)."""
    return {"to": to, "text": text[:SMS_MAX_CHARS], "idempotency_key": idempotency_key}


def send_sms(cfg: Config, to: str, text: str, *, idempotency_key: str, escalation_id: int | None = None) -> int:
    """Send ``text`` to the number ``to`` through ``sms_gateway_url`` (one signed POST; the caller retries).

    ``InvalidWebhookUrl`` when no gateway is configured: no retry can fix that.
    """
    if not cfg.sms_gateway_url:
        raise InvalidWebhookUrl("Chưa cấu hình cổng SMS (sms_gateway_url): không gửi được tin nhắn.")
    return post(cfg.sms_gateway_url, encode(sms_body(to, text, idempotency_key)), secret=cfg.webhook_secret,
                idempotency_key=idempotency_key, escalation_id=escalation_id, timeout_s=cfg.webhook_timeout_s)


def deliver(cfg: Config, channel: str, target: str, body: dict[str, Any], *, idempotency_key: str,
            escalation_id: int | None = None) -> int:
    """One message to one area target: the JSON ``body`` to a webhook, or its ``text`` by SMS."""
    if channel == SMS:
        return send_sms(cfg, target, str(body.get("text", "")), idempotency_key=idempotency_key,
                        escalation_id=escalation_id)
    check_url(target)
    return post(target, encode(body), secret=cfg.webhook_secret, idempotency_key=idempotency_key,
                escalation_id=escalation_id, timeout_s=cfg.webhook_timeout_s)
