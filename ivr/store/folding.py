"""Vietnamese text folded for search: lower case, no diacritics, "đ" as "d" ("Nguyễn Đức" -> "nguyen duc").

The store keeps each patient's folded name (``patients.name_folded``) so staff find "Nguyễn" by typing
"nguyen" with one plain ``LIKE`` that SQLite and PostgreSQL both run.
"""
from __future__ import annotations

import unicodedata


def fold(text: str) -> str:
    out = unicodedata.normalize("NFD", (text or "").replace("đ", "d").replace("Đ", "D"))
    return " ".join("".join(c for c in out if not unicodedata.combining(c)).lower().split())
