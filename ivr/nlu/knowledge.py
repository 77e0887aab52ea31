"""The question-answer knowledge base: Ministry of Health guidance as data (``callflows/knowledge/*.yaml``).

Each file holds a ``group`` name and a list of ``entries``; an entry answers one topic::

    topic: isolation_end                 # lower_snake_case; the issue-17 ids are required (REQUIRED_TOPICS)
    title: Khi nào hết cách ly           # what staff read in lists
    questions: [..]                      # at least 3 distinct question forms (the matcher learns from them)
    keywords: [..]                       # optional phrases that point at this topic
    answer: ...                          # what the caller hears: ≤ MAX_ANSWER_S seconds spoken, short sentences
    follow_up: ...                       # optional longer part, ≤ MAX_FOLLOW_UP_S seconds
    related: [topic, ..]                 # optional; offered after the answer
    source: {document, part, basis}      # basis: reference | project | general
    effective_from: 2022-01-31           # optional effective_to (exclusive), like the triage rule packs

``basis: general`` means the reference the project keeps says nothing specific on the point: such an
answer gives no number (other than a key to press or 115) and sends the caller to a doctor or the
health station, so that no dose or rule is invented.

``load_knowledge(directory)`` returns a validated ``Knowledge`` or raises ``KnowledgeError`` listing
every problem (``PATH: topic 'ID': problem``); ``parse_entry`` validates one entry (the admin's
editor). A base that fails validation is never returned, so a broken edit cannot replace the one
serving calls.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from ivr.errors import KnowledgeError
from ivr.nlu.loader import UniqueKeyLoader
from ivr.nlu.normalize import fold

#: The topics issue 17 names; operators and reports use these ids, so each must be present.
REQUIRED_TOPICS: tuple[str, ...] = (
    "isolation_end", "household_contacts", "fever_medicine", "cough_medicine", "antiviral",
    "no_self_antibiotics", "chronic_medicine", "children", "pregnancy", "elderly_comorbid",
    "nutrition_fluids", "breathing_exercise", "measure_spo2", "measure_temperature", "when_emergency",
    "medicine_package", "rapid_test_howto", "rapid_test_result", "register_f0", "recovery_certificate",
    "after_recovery", "vaccination_after", "disinfection_waste", "masks_at_home", "oxygen_at_home",
    "folk_remedies", "reinfection", "hotline_contact", "cost_insurance", "smoking_alcohol",
)
BASES = ("reference", "project", "general")
#: Spoken rate of the hotline's synthesizer, in syllables per second with its pauses: espeak-ng's
#: Vietnamese voice at 130 wpm (ivr.tts.espeak's default) said the 31 answers, numbers spelled out by
#: ivr.tts.verbalize, at 2.59 to 3.09 syllables/s (``bench/faq.py --measure-tts``); 2.5 is below the
#: slowest, so an answer that passes the 30 s check is spoken in under 30 s.
SYLLABLES_PER_SECOND = 2.5
MAX_ANSWER_S = 30.0
MAX_FOLLOW_UP_S = 45.0
#: One instruction per sentence: a sentence longer than this (in spoken syllables) is refused.
MAX_SENTENCE_SYLLABLES = 26
MIN_QUESTIONS = 3
FILE = "(file)"
DEFAULT_DIR = Path(__file__).resolve().parents[2] / "callflows" / "knowledge"

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_REQUIRED_KEYS = ("topic", "title", "questions", "answer", "source", "effective_from")
_OPTIONAL_KEYS = ("keywords", "follow_up", "related", "effective_to")
_SOURCE_KEYS = ("document", "part", "basis")
_NUMBER = re.compile(r"(?<![^\W\d_])\d+(?:[.,]\d+)?")  # not the 2 of SpO2 or the 0 of F0
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
# numbers a "general" answer may still say: a key to press, the emergency number
_ALLOWED_NUMBER = re.compile(r"(?:phím|bấm)\s+\d\b|\b115\b")


@dataclass(frozen=True, kw_only=True)
class Source:
    document: str
    part: str
    basis: str

    def cite(self) -> str:
        return f"{self.document}, {self.part}"


@dataclass(frozen=True, kw_only=True)
class Entry:
    """One validated topic of the knowledge base."""

    topic: str
    title: str
    questions: tuple[str, ...]
    answer: str
    source: Source
    effective_from: dt.date
    keywords: tuple[str, ...] = ()
    follow_up: str = ""
    related: tuple[str, ...] = ()
    effective_to: dt.date | None = None
    group: str = ""

    def in_force(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day < self.effective_to)

    @property
    def spoken_seconds(self) -> float:
        return spoken_seconds(self.answer)

    def to_data(self) -> dict[str, Any]:
        """The entry as YAML data (what the admin's editor shows and stores)."""
        data: dict[str, Any] = {"topic": self.topic, "title": self.title, "questions": list(self.questions)}
        if self.keywords:
            data["keywords"] = list(self.keywords)
        data["answer"] = self.answer
        if self.follow_up:
            data["follow_up"] = self.follow_up
        if self.related:
            data["related"] = list(self.related)
        data["source"] = {"document": self.source.document, "part": self.source.part, "basis": self.source.basis}
        data["effective_from"] = self.effective_from
        if self.effective_to is not None:
            data["effective_to"] = self.effective_to
        return data


@dataclass(frozen=True)
class Knowledge:
    """The validated entries by topic id, in file order."""

    entries: Mapping[str, Entry]
    directory: Path | None = field(default=None, compare=False)

    def __contains__(self, topic: object) -> bool:
        return topic in self.entries

    def __getitem__(self, topic: str) -> Entry:
        return self.entries[topic]

    def __iter__(self) -> Any:
        return iter(self.entries.values())

    def __len__(self) -> int:
        return len(self.entries)

    def in_force(self, day: dt.date | None = None) -> Knowledge:
        """The entries in force on ``day`` (default: every entry)."""
        if day is None:
            return self
        return Knowledge({k: e for k, e in self.entries.items() if e.in_force(day)}, self.directory)

    def replaced(self, entry: Entry) -> Knowledge:
        """A copy with ``entry`` added or replacing the entry of its topic (validated again)."""
        entries = dict(self.entries)
        if not entry.group and entry.topic in entries:  # an edited entry stays in its file's group
            entry = dataclasses.replace(entry, group=entries[entry.topic].group)
        entries[entry.topic] = entry
        problems: list[str] = []
        _check_base(entries, "(base)", problems, required=())
        if problems:
            raise KnowledgeError(problems)
        return Knowledge(entries, self.directory)


def syllables(text: str) -> int:
    """Spoken syllables of ``text``: words, with each number as the syllables a speaker says for it."""
    count = 0
    for word in re.findall(r"\d+(?:[.,]\d+)?|[^\W\d_]+", text):
        if word[0].isdigit():
            count += sum(_number_syllables(part) for part in re.split(r"[.,]", word)) + word.count(",") + word.count(
                ".")
        else:
            count += 1
    return count


def _number_syllables(digits: str) -> int:
    n = int(digits) if digits else 0
    if n < 11:
        return 1
    if n < 20:
        return 2
    if n < 100:
        return 2 if n % 10 == 0 else 3
    return 3 + _number_syllables(str(n % 100)) if n < 1000 else len(digits) * 2


def spoken_seconds(text: str) -> float:
    """Seconds the synthesizer takes to say ``text`` (at ``SYLLABLES_PER_SECOND``)."""
    return round(syllables(text) / SYLLABLES_PER_SECOND, 1)


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


# ---------------------------------------------------------------------------------------------- loading
def _yaml(text: str, source: str, problems: list[str]) -> Any:
    try:
        return yaml.load(text, Loader=UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        what = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        problems.append(f"{source}: topic '{FILE}': invalid YAML{where}: {what}")
        return None


def load_knowledge(directory: str | Path | None = None, *, required: Sequence[str] = REQUIRED_TOPICS) -> Knowledge:
    """Every ``*.yaml`` of ``directory`` (default ``callflows/knowledge``), validated as one base."""
    directory = Path(directory) if directory is not None else DEFAULT_DIR
    paths = sorted(directory.glob("*.yaml"))
    if not paths:
        raise KnowledgeError([f"{directory}: topic '{FILE}': no knowledge files (*.yaml)"])
    problems: list[str] = []
    attempted: set[str] = set()  # topics written in some file, valid or not
    entries: dict[str, Entry] = {}
    origin: dict[str, str] = {}
    for path in paths:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: topic '{FILE}': cannot read: {exc}")
            continue
        for entry in parse_file(text, str(path), problems, attempted):
            if entry.topic in entries:
                problems.append(f"{path}: topic '{entry.topic}': already defined in {origin[entry.topic]}")
                continue
            entries[entry.topic] = entry
            origin[entry.topic] = str(path)
    _check_base(entries, str(directory), problems, required=required, attempted=attempted)
    if problems:
        raise KnowledgeError(problems)
    return Knowledge(entries, directory)


def parse_file(text: str, source: str, problems: list[str], attempted: set[str] | None = None) -> list[Entry]:
    data = _yaml(text, source, problems)
    if data is None:
        return []
    if not isinstance(data, dict) or set(data) - {"group", "entries"} or not isinstance(data.get("entries"), list):
        problems.append(f"{source}: topic '{FILE}': expected a mapping with 'group' and a list of 'entries'")
        return []
    group = data.get("group")
    if not isinstance(group, str) or not _ID.match(group):
        problems.append(f"{source}: topic '{FILE}': 'group' must be a lower_snake_case name, got {group!r}")
        group = ""
    out: list[Entry] = []
    for i, raw in enumerate(data["entries"]):
        if attempted is not None and isinstance(raw, dict) and isinstance(raw.get("topic"), str):
            attempted.add(raw["topic"])
        entry = _entry(raw, source, problems, f"#{i + 1}", group)
        if entry is not None:
            out.append(entry)
    return out


def parse_entry(text: str, source: str = "(entry)", *, known: Iterable[str] = ()) -> Entry:
    """One entry written as YAML (the admin's editor), validated; ``known``: topic ids ``related`` may name."""
    problems: list[str] = []
    data = _yaml(text, source, problems)
    entry = _entry(data, source, problems, "(entry)", "") if data is not None else None
    if entry is not None:
        known_set = set(known) | {entry.topic}
        for rel in entry.related:
            if known and rel not in known_set:
                problems.append(f"{source}: topic '{entry.topic}': related topic '{rel}' is not in the knowledge base")
    if problems or entry is None:
        raise KnowledgeError(problems or [f"{source}: topic '(entry)': empty entry"])
    return entry


def _text(value: Any) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return unicodedata.normalize("NFC", " ".join(value.split()))


def _entry(raw: Any, source: str, problems: list[str], where: str, group: str) -> Entry | None:
    if not isinstance(raw, dict):
        problems.append(f"{source}: topic '{where}': an entry must be a mapping")
        return None
    topic = raw.get("topic")
    name = topic if isinstance(topic, str) and topic else where
    start = len(problems)

    def bad(text: str) -> None:
        problems.append(f"{source}: topic '{name}': {text}")

    if not isinstance(topic, str) or not _ID.match(topic):
        bad(f"'topic' must be a lower_snake_case id, got {topic!r}")
    for key in _REQUIRED_KEYS:
        if key not in raw:
            bad(f"missing '{key}'")
    for key in sorted(set(raw) - set(_REQUIRED_KEYS) - set(_OPTIONAL_KEYS), key=str):
        bad(f"unknown field '{key}'")
    title = _text(raw.get("title"))
    if "title" in raw and title is None:
        bad("'title' must be non-empty text")
    questions = _phrases(raw.get("questions"), "questions", bad, minimum=MIN_QUESTIONS) if "questions" in raw else ()
    keywords = _phrases(raw.get("keywords", []), "keywords", bad, minimum=0)
    answer = _text(raw.get("answer"))
    if "answer" in raw:
        if answer is None:
            bad("'answer' must be non-empty text")
        else:
            _check_spoken(answer, "answer", MAX_ANSWER_S, bad)
    follow_up = ""
    if raw.get("follow_up") is not None:
        follow = _text(raw.get("follow_up"))
        if follow is None:
            bad("'follow_up' must be non-empty text when given")
        else:
            follow_up = follow
            _check_spoken(follow_up, "follow_up", MAX_FOLLOW_UP_S, bad)
    related = _phrases(raw.get("related", []), "related", bad, minimum=0)
    for rel in related:
        if not _ID.match(rel):
            bad(f"related topic {rel!r} must be a lower_snake_case id")
        elif rel == topic:
            bad("'related' names the entry's own topic")
    src = _source(raw.get("source"), bad) if "source" in raw else None
    if src is not None and answer is not None and src.basis == "general":
        for text, what in ((answer, "answer"), (follow_up, "follow_up")):
            numbers = _NUMBER.findall(_ALLOWED_NUMBER.sub("", text))
            if numbers:
                bad(f"'{what}' says the number {numbers[0]} but source.basis is 'general' (the reference does not "
                    "give it): cite the reference, or say less and offer a doctor")
        if not any(w in answer.lower() for w in ("bác sĩ", "trạm y tế", "115")):
            bad("source.basis 'general': the answer must send the caller to a doctor, the health station or 115")
    start_day = _date(raw.get("effective_from"), "effective_from", bad) if "effective_from" in raw else None
    end_day = _date(raw.get("effective_to"), "effective_to", bad) if raw.get("effective_to") is not None else None
    if start_day and end_day and end_day <= start_day:
        bad(f"'effective_to' {end_day} must be after 'effective_from' {start_day}")
    if len(problems) > start:
        return None
    assert isinstance(topic, str) and title and answer and src and start_day
    return Entry(topic=topic, title=title, questions=questions, answer=answer, source=src,
                 effective_from=start_day, keywords=keywords, follow_up=follow_up, related=related,
                 effective_to=end_day, group=group)


def _phrases(value: Any, key: str, bad: Any, *, minimum: int) -> tuple[str, ...]:
    if not isinstance(value, list):
        bad(f"'{key}' must be a list")
        return ()
    out: list[str] = []
    for item in value:
        text = _text(item)
        if text is None:
            bad(f"'{key}': {item!r} must be non-empty text")
        elif text in out:
            bad(f"'{key}': {text!r} is given twice")
        else:
            out.append(text)
    if len(out) < minimum:
        bad(f"'{key}' needs at least {minimum} distinct entries, got {len(out)}")
    return tuple(out)


def _check_spoken(text: str, key: str, limit: float, bad: Any) -> None:
    if fold(text) == text.lower():
        bad(f"'{key}' must be Vietnamese with diacritics")
    seconds = spoken_seconds(text)
    if seconds > limit:
        bad(f"'{key}' takes {seconds:g} s to say ({syllables(text)} syllables at {SYLLABLES_PER_SECOND:g}/s), "
            f"over {limit:g} s")
    for sentence in sentences(text):
        n = syllables(sentence)
        if n > MAX_SENTENCE_SYLLABLES:
            bad(f"'{key}': sentence {sentence!r} has {n} syllables, over {MAX_SENTENCE_SYLLABLES} "
                "(one instruction per sentence)")


def _source(value: Any, bad: Any) -> Source | None:
    if not isinstance(value, dict):
        bad("'source' must be a mapping with 'document', 'part' and 'basis'")
        return None
    missing = [k for k in _SOURCE_KEYS if _text(value.get(k)) is None]
    extra = sorted(set(value) - set(_SOURCE_KEYS), key=str)
    if missing or extra:
        what = (f"missing {', '.join(missing)}" if missing else "") + (
            ("; " if missing and extra else "") + f"unknown {', '.join(map(str, extra))}" if extra else "")
        bad(f"'source': {what}")
        return None
    if value["basis"] not in BASES:
        bad(f"'source.basis' must be one of {', '.join(BASES)}, got {value['basis']!r}")
        return None
    return Source(document=str(_text(value["document"])), part=str(_text(value["part"])), basis=value["basis"])


def _date(value: Any, key: str, bad: Any) -> dt.date | None:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            pass
    bad(f"'{key}' must be a date YYYY-MM-DD, got {value!r}")
    return None


def _check_base(entries: Mapping[str, Entry], source: str, problems: list[str], *, required: Sequence[str],
                attempted: set[str] | None = None) -> None:
    """Checks across entries; a topic written but invalid (``attempted``) is reported once, where it is."""
    written = set(entries) | (attempted or set())
    for topic in required:
        if topic not in written:
            problems.append(f"{source}: topic '{topic}': required topic is missing")
    for entry in entries.values():
        for rel in entry.related:
            if rel not in written:
                problems.append(f"{source}: topic '{entry.topic}': related topic '{rel}' is not in the knowledge base")
    seen: dict[str, str] = {}
    for entry in entries.values():
        for q in entry.questions:
            key = " ".join(fold(q).split())
            if key in seen and seen[key] != entry.topic:
                problems.append(f"{source}: topic '{entry.topic}': question {q!r} is also a question of "
                                f"'{seen[key]}'")
            seen.setdefault(key, entry.topic)
