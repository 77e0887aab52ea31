"""The prompt catalog: prompt id -> Vietnamese text, from ``prompts/vi.yaml``.

Texts may hold ``{slot}`` placeholders that the engine fills from the call's
slots (e.g. the value a caller just gave, read back for confirmation).
Admin edits (rows of ``prompts`` in the database) override the file.
"""
from __future__ import annotations

import re
import string
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from ivr.errors import PromptError

PROMPT_ID = re.compile(r"^[a-z][a-z0-9_]*$")


@dataclass(frozen=True)
class PromptCatalog:
    texts: Mapping[str, str]
    language: str = "vi"
    path: Path | None = field(default=None, compare=False)

    def __contains__(self, prompt_id: object) -> bool:
        return prompt_id in self.texts

    def text(self, prompt_id: str, values: Mapping[str, object] | None = None) -> str:
        """The text of ``prompt_id`` with ``{slot}`` placeholders filled from ``values``."""
        try:
            template = self.texts[prompt_id]
        except KeyError:
            raise PromptError(f"unknown prompt id '{prompt_id}'") from None
        if values is None:
            return template
        return string.Formatter().vformat(template, (), _Missing(values))

    def placeholders(self, prompt_id: str) -> set[str]:
        return {name for _, name, _, _ in string.Formatter().parse(self.texts[prompt_id]) if name}

    def with_overrides(self, overrides: Mapping[str, str]) -> PromptCatalog:
        return PromptCatalog({**self.texts, **overrides}, self.language, self.path)


class _Missing(dict):  # type: ignore[type-arg]
    """Leaves an unknown placeholder readable instead of raising mid-call."""

    def __init__(self, values: Mapping[str, object]):
        super().__init__({k: _spoken(v) for k, v in values.items()})

    def __missing__(self, key: str) -> str:
        return ""


def _spoken(value: object) -> str:
    """Numbers as a Vietnamese speaker writes them: 38.5 -> '38,5', 94.0 -> '94'."""
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else f"{value:g}".replace(".", ",")
    return str(value)


def load_catalog(path: str | Path) -> PromptCatalog:
    path = Path(path)
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise PromptError(f"{path}: prompt catalog not found") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise PromptError(f"{path}: invalid YAML{where}") from None
    if not isinstance(data, dict) or not isinstance(data.get("prompts"), dict):
        raise PromptError(f"{path}: expected a mapping with a 'prompts' table")
    texts: dict[str, str] = {}
    for key, text in data["prompts"].items():
        if not isinstance(key, str) or not PROMPT_ID.match(key):
            raise PromptError(f"{path}: prompt id {key!r} must be lower_snake_case")
        if not isinstance(text, str) or not text.strip():
            raise PromptError(f"{path}: prompt '{key}': text must be a non-empty string")
        texts[key] = unicodedata.normalize("NFC", " ".join(text.split()))
    return PromptCatalog(texts, str(data.get("language", "vi")), path)
