"""What staff type in a search box, matched the way they mean it: Vietnamese names with or without
diacritics and in any case ("nguyen" finds "Nguyễn"), phone numbers in any common form ("0912 345 678",
"84912345678", "+84 912.345.678" all find "+84912345678").

Plain ``LIKE`` that SQLite and PostgreSQL both run: names against ``patients.name_folded`` (folded when the
name is set; computing it in SQL needs ~150 nested ``replace()`` calls, past SQLite's parser stack), phone
numbers against the stored E.164 form.
"""
from __future__ import annotations

import re
from typing import Any

from sqlalchemy import ColumnElement, false, or_

from ivr.store.folding import fold
from ivr.store.phonenumber import normalize_phone

_JUNK = re.compile(r"[\s.\-()]")


def _like(text: str) -> str:
    return "%" + text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def name_matches(q: str, *columns: Any) -> ColumnElement[bool]:
    """``q`` folded (``ivr.store.folding.fold``) inside any of ``columns``, which hold folded text."""
    pattern = _like(fold(q))
    return or_(*(c.like(pattern, escape="\\") for c in columns))


def phone_pattern(q: str) -> str | None:
    """The stored (E.164) form of what was typed, as a LIKE pattern; None if ``q`` is not a phone number (part).

    A whole number matches exactly; a part matches where it is: "0912" at the start of the national number,
    "345 678" anywhere.
    """
    digits = _JUNK.sub("", q)
    if not re.fullmatch(r"\+?\d{3,15}", digits):
        return None
    whole = normalize_phone(digits)
    if whole is not None:
        return whole
    if digits.startswith("+84"):
        return digits + "%"
    if digits.startswith("84") and len(digits) > 4:
        return "+84" + digits[2:] + "%"
    if digits.startswith("0"):
        return "+84" + digits[1:] + "%"
    return "%" + digits.lstrip("+") + "%"


def phone_matches(q: str, *columns: Any) -> ColumnElement[bool]:
    """Any of ``columns`` (phone numbers, stored E.164) matching what was typed; false if it is no number."""
    pattern = phone_pattern(q)
    if pattern is None:
        return false()
    return or_(*(c.like(pattern) for c in columns))
