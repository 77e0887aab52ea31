"""Server-side sign-in sessions, so that a saved cookie can be made worthless.

The session cookie carries a random token only (``sid``); the ``admin_sessions`` table holds its
SHA-256 and the user and expiry, and every request is checked against it. Logging out deletes the
row; a password change or deactivation deletes every row of that user. Nothing derived from the
password reaches the cookie.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ivr.store.models import AdminSession, StaffUser, utcnow

#: Key of the token in the (signed) session cookie.
SID = "sid"
#: Expired rows are deleted at the next sign-in once they are this old (the "expired" notice needs them briefly).
KEEP_EXPIRED = timedelta(days=1)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(s: Session, user: StaffUser, *, minutes: int, ip: str = "") -> str:
    """Adds a session for ``user`` to ``s`` (not committed); returns the token for the cookie."""
    now = utcnow()
    s.execute(delete(AdminSession).where(AdminSession.expires_at < now - KEEP_EXPIRED))
    token = secrets.token_urlsafe(32)
    s.add(AdminSession(id=digest(token), user_id=user.id, created_at=now,
                       expires_at=now + timedelta(minutes=minutes), ip=ip[:64]))
    return token


def lookup(s: Session, token: str) -> tuple[StaffUser | None, bool]:
    """(the active user of the live session ``token``, or None; whether the session exists but expired)."""
    row = s.execute(select(AdminSession.expires_at, StaffUser)
                    .join(StaffUser, StaffUser.id == AdminSession.user_id)
                    .where(AdminSession.id == digest(token))).first()
    if row is None:
        return None, False
    expires_at, user = row
    if expires_at <= utcnow():
        return None, True
    return (user if user.active else None), False


def end(s: Session, token: str) -> None:
    s.execute(delete(AdminSession).where(AdminSession.id == digest(token)))


def end_all(s: Session, user_id: int) -> int:
    """Ends every session of ``user_id``; returns how many there were."""
    result = s.execute(delete(AdminSession).where(AdminSession.user_id == user_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
