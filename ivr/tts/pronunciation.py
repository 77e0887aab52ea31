"""Pronunciation entries for the espeak-ng fallback voice (``prompts/espeak_pronunciations.yaml``).

espeak-ng's Vietnamese voice says some syllables so that listeners (and the hotline's own
recognizer) hear another word. An entry replaces a written word, in the text given to espeak-ng
only, by a respelling that espeak-ng says better: another spelling of the same sound, or
espeak-ng phoneme codes in ``[[...]]``. The text staff read, the cache's verbalized text and the
recognizer check of human recordings never see the respellings.

File format::

    entries:
      bác:                       # the written word, one syllable, lower case
        say: "[[b'a:3k]]"        # what espeak-ng is given instead
        why: heard as "bởi" ...  # required: the measurement that justified it (bench/espeak_words.py)

A bad file is refused as a whole with a ``PromptError`` naming the file and the entry.
"""
from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ivr import ROOT
from ivr.errors import PromptError

DEFAULT_PATH = ROOT / "prompts" / "espeak_pronunciations.yaml"

#: Combining tone marks (NFD): huyền, sắc, hỏi, ngã, nặng.
TONE_MARKS = ("\u0300", "\u0301", "\u0309", "\u0303", "\u0323")
_VOWELS = "aăâeêioôơuưy"
_MARKED = "ăâêôơư"
_WORD = re.compile(r"[^\W\d_]+")
#: espeak-ng phoneme codes: ASCII letters, digits and its marks (stress ' , length : and the [ ^ # of
#: phonemes such as t[ n^ o#); no closing bracket and no second "[[" inside.
_PHONEME_CODE = re.compile(r"\[\[(?:(?!\[\[)[A-Za-z0-9'@:#,._|!^\[\-\s])+\]\]")
_FIELDS = frozenset({"say", "why"})


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def split_tone(word: str) -> tuple[str, str]:
    """'bác' -> ('bac', '\\u0301'); the base keeps the vowel marks (â, ư, ...). No tone: ''."""
    decomposed = unicodedata.normalize("NFD", word)
    tones = [ch for ch in decomposed if ch in TONE_MARKS]
    base = "".join(ch for ch in decomposed if ch not in TONE_MARKS)
    return _nfc(base), (tones[0] if tones else "")


def _tone_position(base: str, *, old_style: bool = False) -> int | None:
    """Index in ``base`` of the vowel that carries the tone mark (Vietnamese orthography)."""
    lower = base.lower()
    start = 2 if lower.startswith(("qu", "gi")) and len(lower) > 2 and lower[2] in _VOWELS else 0
    idx = [i for i in range(start, len(lower)) if lower[i] in _VOWELS]
    if not idx:
        idx = [i for i in range(len(lower)) if lower[i] in _VOWELS]
        if not idx:
            return None
    cluster = [idx[0]]
    for i in idx[1:]:
        if i == cluster[-1] + 1:
            cluster.append(i)
    marked = [i for i in cluster if lower[i] in _MARKED]
    if marked:
        return marked[-1]
    if len(cluster) == 1:
        return cluster[0]
    has_final = cluster[-1] + 1 < len(lower)
    if has_final:
        return cluster[-1]
    if len(cluster) == 3:
        return cluster[1]
    pair = lower[cluster[0]] + lower[cluster[1]]
    if pair in ("oa", "oe", "uy") and not old_style:
        return cluster[1]
    return cluster[0]


def add_tone(base: str, tone: str, *, old_style: bool = False) -> str:
    """'bac' + sắc -> 'bác'; ``old_style`` puts it on the first vowel of oa/oe/uy ('hòa', not 'hoà')."""
    if not tone:
        return _nfc(base)
    pos = _tone_position(base, old_style=old_style)
    if pos is None:
        return _nfc(base)
    decomposed = unicodedata.normalize("NFD", base[: pos + 1])
    return _nfc(decomposed + tone + base[pos + 1:])


def move_tone_mark(word: str) -> str:
    """The other accepted placement of the tone mark: 'khỏe' <-> 'khoẻ', 'thủy' <-> 'thuỷ'."""
    base, tone = split_tone(word)
    new, old = add_tone(base, tone), add_tone(base, tone, old_style=True)
    return old if _nfc(word) == new else new


@dataclass(frozen=True)
class Entry:
    word: str
    say: str
    why: str


@dataclass(frozen=True)
class Pronunciations:
    """Written word -> what espeak-ng is given. ``apply`` is the only operation on text."""

    entries: Mapping[str, Entry] = field(default_factory=dict)
    source: str = ""

    @classmethod
    def empty(cls) -> Pronunciations:
        return cls({}, "")

    @property
    def digest(self) -> str:
        """Short hash of the respellings (not the reasons): part of the prompt cache key."""
        if not self.entries:
            return ""
        material = json.dumps(sorted((e.word, e.say) for e in self.entries.values()), ensure_ascii=False)
        return hashlib.sha256(material.encode("utf-8")).hexdigest()[:12]

    def apply(self, text: str) -> str:
        """``text`` with every listed word (any case) replaced by its respelling; other text untouched.

        Brackets already in ``text`` are defused first, so that a prompt text can never smuggle
        phoneme codes into espeak-ng.
        """
        text = _nfc(text).replace("[[", "[ [").replace("]]", "] ]")
        if not self.entries:
            return text

        def swap(m: re.Match[str]) -> str:
            entry = self.entries.get(m.group(0).lower())
            return entry.say if entry else m.group(0)

        return _WORD.sub(swap, text)


def parse_pronunciations(data: Any, source: str) -> Pronunciations:
    """Validate a loaded YAML document; every problem names the entry, the file refused as a whole."""
    from ivr.tts.hearing import OFFENSIVE

    def fail(msg: str) -> PromptError:
        return PromptError(f"espeak pronunciations {source}: {msg}")

    if not isinstance(data, dict) or set(data) != {"entries"}:
        raise fail("expected a mapping with one key 'entries'")
    raw = data["entries"] or {}
    if not isinstance(raw, dict):
        raise fail("'entries' must map written words to {say, why}")
    entries: dict[str, Entry] = {}
    for key, value in raw.items():
        word = _nfc(str(key))
        where = f"entry {word!r}"
        if not _WORD.fullmatch(word) or word != word.lower():
            raise fail(f"{where}: the written form must be one lower-case word (a syllable)")
        if word in entries:
            raise fail(f"{where}: listed twice")
        if not isinstance(value, dict):
            raise fail(f"{where}: expected 'say' and 'why'")
        unknown = set(value) - _FIELDS
        if unknown:
            raise fail(f"{where}: unknown field(s) {', '.join(sorted(map(str, unknown)))}")
        say, why = value.get("say"), value.get("why")
        if not isinstance(say, str) or not say.strip():
            raise fail(f"{where}: 'say' must be a non-empty text")
        if not isinstance(why, str) or not why.strip():
            raise fail(f"{where}: 'why' must say which measurement justified it")
        say = _nfc(say.strip())
        if say.startswith("[["):
            if not _PHONEME_CODE.fullmatch(say):
                raise fail(f"{where}: 'say' {say!r} is not espeak-ng phoneme codes in [[...]]")
        else:
            spoken = say.replace("-", " ").split()
            if not spoken or not all(_WORD.fullmatch(w) for w in spoken):
                raise fail(f"{where}: 'say' {say!r} must be letters (a respelling) or [[phoneme codes]]")
            if say.lower() == word:
                raise fail(f"{where}: 'say' is the word itself")
            bad = [w for w in spoken if w.lower() in OFFENSIVE]
            if bad:
                raise fail(f"{where}: 'say' contains an offensive word ({', '.join(bad)})")
        entries[word] = Entry(word=word, say=say, why=why.strip())
    return Pronunciations(entries, source)


def load_pronunciations(path: str | Path | None = None) -> Pronunciations:
    """The entries of ``path`` (default: the shipped prompts/espeak_pronunciations.yaml); a missing
    default file means no entries, a missing named file is an error."""
    file = Path(path) if path is not None else DEFAULT_PATH
    if not file.is_file():
        if path is None:
            return Pronunciations.empty()
        raise PromptError(f"espeak pronunciations {file}: no such file")
    try:
        data = yaml.safe_load(file.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise PromptError(f"espeak pronunciations {file}: unreadable ({exc})") from None
    return parse_pronunciations(data, str(file))
