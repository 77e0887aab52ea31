"""Vietnamese phone numbers in one form (E.164, ``+84…``), wherever they come from:
a SIP From header, a CSV import, a staff member's search box."""
from __future__ import annotations

import re

_JUNK = re.compile(r"[\s.\-()]")


def normalize_phone(raw: str) -> str | None:
    """A Vietnamese phone number as E.164 (``+84`` + 9 or 10 digits), or None when it is not one."""
    digits = _JUNK.sub("", raw)
    if digits.startswith("+84"):
        rest = digits[3:]
    elif digits.startswith("84") and len(digits) in (11, 12):
        rest = digits[2:]
    elif digits.startswith("0"):
        rest = digits[1:]
    else:
        return None
    if not rest.isdigit() or len(rest) not in (9, 10) or rest.startswith("0"):
        return None
    return "+84" + rest


def lookup_keys(caller: str) -> tuple[str, ...]:
    """The forms a caller id may be stored under: normalized first, then as received."""
    norm = normalize_phone(caller)
    return tuple(dict.fromkeys(k for k in (norm, caller) if k))
