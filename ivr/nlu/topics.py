"""Finding the knowledge-base entry a caller's free-speech question asks about (``ivr.engine.understanding.Answers``).

Pure Python. Every question form of every entry (plus its title and keywords) is turned into a
TF-IDF vector of three kinds of feature, all over the NLU's normalised tokens (regional variants
and recognizer spellings rewritten, fillers dropped: ``ivr.nlu.normalize``):

* words and word pairs by their *sound key* (no diacritics, the initials and finals recognizers
  confuse merged: "xốt" = "sốt"), so text without diacritics and misheard words still match;
* words with their diacritics (``d:``), a guard that lets "họ" (they) and "ho" (cough), or "bé"
  (child) and "bệ", count as different when the caller's text has the marks;
* character 3- and 4-grams of the folded text, for words split or bent by the recognizer
  ("mon nu pi ra via" against "molnupiravir").

A topic's score mixes the best cosine similarity with one of its question forms and the cosine with
the topic as a whole, plus a bonus for each of its keywords found in the question (keywords match
with the diacritic guard of ``token_matches``). The answer is *confident* only when

* the best score reaches ``THRESHOLD`` and leads the runner-up by ``MARGIN``;
* the entry knows ``COVERAGE`` of the question's content words, and ``WEIGHTED_COVERAGE`` of their
  IDF weight (a word the base never says weighs the most: "lưng", "chó", "kết hôn");
* the question says one of the entry's ``anchors`` (by sound): "đăng ký kết hôn" shares "đăng ký"
  with register_f0 but says none of f0, dương tính, covid...;
* the question names nothing ``OUT_OF_DOMAIN`` (another disease, paperwork, animals, shopping,
  weather) unless it also says a COVID word.

Otherwise the hotline declines and offers a doctor; when only the lead is missing and the runner-up
fits as well, ``TopicAnswer.choices`` names both so that the hotline can ask which one is meant.
The four numbers were chosen by ``bench/faq.py --calibrate`` on development rows only (5-fold
cross-validated): ``tests/data/questions.jsonl`` and the "dev" half of ``tests/data/questions_f2.jsonl``.
"""
from __future__ import annotations

import datetime as dt
import logging
import math
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from functools import lru_cache
from pathlib import Path
from typing import Any

from ivr.engine.understanding import TopicAnswer, Understanding
from ivr.errors import KnowledgeError
from ivr.nlu import lexicon as lx
from ivr.nlu.knowledge import Entry, Knowledge, load_knowledge, parse_entry
from ivr.nlu.matcher import sound_key
from ivr.nlu.normalize import BREAK, content_tokens, fold, has_diacritics, token_matches, tokenize

__all__ = ["COVERAGE", "MARGIN", "QUESTION_INTENTS", "THRESHOLD", "TopicFinder", "default_finder", "finder_for",
           "is_question", "live_finder", "published_knowledge"]

log = logging.getLogger(__name__)

#: A confident answer needs at least this score...
THRESHOLD = 0.25
#: ...and this lead over the second-best topic.
MARGIN = 0.04
#: ...and the entry must know at least this share of the question's content words (its questions,
#: title and keywords say them): one shared word ("bảo hiểm" in "mua bảo hiểm xe máy") is not enough.
COVERAGE = 0.5
#: ...and the words the entry knows must carry this share of the question's weight, each word weighted
#: by its IDF and a word the base has never seen by the highest IDF: an unknown word ("chó", "kết hôn",
#: "dạ dày") says the most that the question is about something else.
WEIGHTED_COVERAGE = 0.5
#: Words that place a question outside the base (other diseases, civil paperwork, animals, vehicles,
#: shopping, weather, money), unless the question also says a COVID word (``COVID_CONTEXT``).
OUT_OF_DOMAIN = (
    "sốt xuất huyết", "sốt rét", "tay chân miệng", "thủy đậu", "sởi", "quai bị", "dạ dày", "đau bao tử",
    "tai biến", "đột quỵ", "mất ngủ", "ung thư", "sâu răng", "nhổ răng", "đau răng", "khám mắt", "mụn",
    "kết hôn", "ly hôn", "khai sinh", "tạm trú", "thường trú", "hộ khẩu", "căn cước", "lái xe", "sổ đỏ",
    "quyền sử dụng đất", "nhân thọ", "bảo hiểm xã hội", "bảo hiểm xe", "lương hưu", "trợ cấp", "thất nghiệp",
    "chó", "mèo", "heo", "lợn", "gà", "vịt", "trâu", "chuột", "trừ sâu", "lúa",
    "xe máy", "ô tô", "xe buýt", "siêu thị", "chợ", "giá vàng", "ngân hàng", "tiền điện", "tiền nước",
    "thời tiết", "trời mưa", "có mưa", "nắng nóng", "bão", "bóng đá", "thi đại học", "việc làm", "bình ga",
)
COVID_CONTEXT = ("covid", "cô vít", "f0", "dương tính", "cách ly", "vi rút", "virus", "hai vạch")
#: Weights of the feature kinds (words by sound, word pairs, words with diacritics, character n-grams).
_W_WORD, _W_PAIR, _W_DIAC, _W_CHAR = 1.0, 0.8, 0.5, 0.35
#: Mix of the best single question form and the whole topic; bonus per keyword found (capped).
_BEST, _CENTROID = 0.55, 0.45
#: IDF raised to this power: words rare in the base (the topic words) outweigh "uống", "thuốc".
_IDF_POWER = 1.0
_KEYWORD_BONUS, _KEYWORD_CAP = 0.08, 0.16
#: Function words that say nothing about the topic (folded): pronouns, particles, "how/what".
_STOP = frozenset(fold(w) for w in (
    "tôi", "tui", "tao", "mình", "em", "anh", "chị", "ông", "bà", "cô", "chú", "bác", "con", "cháu", "nó",
    "thì", "là", "mà", "và", "với", "của", "cho", "ở", "vậy", "nhé", "nha", "à", "hả", "ạ", "ơi", "đó", "này",
    "thế", "nào", "sao", "gì", "như", "làm", "có", "không", "được", "bị", "phải", "nên", "cần", "muốn",
    "hỏi", "xin", "cái", "những", "các", "một", "rồi", "chưa", "lại", "nữa", "đây", "kia", "ra", "vào",
))


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t for t in content_tokens(tokenize(text)) if t != BREAK)


Features = defaultdict[str, float]


def _add(into: Features, feats: Mapping[str, float]) -> None:
    for f, v in feats.items():
        into[f] += v


def _features(text: str) -> Features:
    toks = _tokens(text)
    feats: Features = defaultdict(float)
    keys = [sound_key(t) for t in toks]
    content = [(t, k) for t, k in zip(toks, keys, strict=True) if fold(t) not in _STOP]
    for t, k in content:
        feats["w:" + k] += _W_WORD
        if has_diacritics(t):
            feats["d:" + t] += _W_DIAC
    for a, b in zip(keys, keys[1:], strict=False):
        if a not in _STOP or b not in _STOP:
            feats[f"p:{a}_{b}"] += _W_PAIR
    folded = " ".join(fold(t) for t, _ in content)
    for word in folded.split():
        padded = f" {word} "
        for n in (3, 4):
            for i in range(len(padded) - n + 1):
                feats["c:" + padded[i:i + n]] += _W_CHAR
    return feats


def _idf_vector(feats: Mapping[str, float], idf: Mapping[str, float]) -> dict[str, float]:
    vec = {f: (1.0 + math.log(v)) * idf[f] if v >= 1 else v * idf[f] for f, v in feats.items() if f in idf}
    norm = math.sqrt(sum(x * x for x in vec.values()))
    return {f: x / norm for f, x in vec.items()} if norm else {}


def _cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    return sum(x * b.get(f, 0.0) for f, x in a.items())


class TopicFinder:
    """The topic matcher over one ``Knowledge`` base (immutable once built; safe to share)."""

    def __init__(self, knowledge: Knowledge, *, threshold: float = THRESHOLD, margin: float = MARGIN,
                 coverage: float = COVERAGE, weighted_coverage: float = WEIGHTED_COVERAGE):
        self.knowledge = knowledge
        self.threshold = threshold
        self.margin = margin
        self.coverage = coverage
        self.weighted_coverage = weighted_coverage
        docs: list[tuple[str, Features]] = []
        for entry in knowledge:
            for text in (*entry.questions, entry.title):
                docs.append((entry.topic, _features(text)))
        df: Counter[str] = Counter()
        for _, feats in docs:
            df.update(set(feats))
        n = len(docs)
        self._idf = {f: (math.log((1 + n) / (1 + c)) + 1.0) ** _IDF_POWER for f, c in df.items()}
        self._forms: dict[str, list[dict[str, float]]] = {}
        centroids: dict[str, Features] = {}
        for topic, feats in docs:
            self._forms.setdefault(topic, []).append(_idf_vector(feats, self._idf))
            _add(centroids.setdefault(topic, defaultdict(float)), feats)
        for entry in knowledge:
            for kw in entry.keywords:
                _add(centroids[entry.topic], _features(kw))
        self._centroids = {t: _idf_vector(c, self._idf) for t, c in centroids.items()}
        self._keywords = {e.topic: tuple(_tokens(k) for k in e.keywords) for e in knowledge}
        self._vocabulary = {e.topic: frozenset(sound_key(t) for text in (*e.questions, e.title, *e.keywords)
                                               for t in _tokens(text)) for e in knowledge}
        self._anchors = {e.topic: tuple(tuple(sound_key(t) for t in a) for a in (_tokens(x) for x in e.anchors) if a)
                         for e in knowledge}
        self._word_idf = {f[2:]: v for f, v in self._idf.items() if f.startswith("w:")}
        self._max_idf = max(self._word_idf.values(), default=1.0)
        self._ood = tuple(a for a in (_tokens(x) for x in OUT_OF_DOMAIN) if a)
        self._covid = tuple(a for a in (_tokens(x) for x in COVID_CONTEXT) if a)

    def weighted_covered(self, topic: str, text: str) -> float:
        """The IDF-weighted share of the question's content words that ``topic``'s entry knows; a word
        the base has never seen weighs the most (0.0 for no content word)."""
        words = [sound_key(t) for t in _tokens(text) if fold(t) not in _STOP]
        weights = [(w, self._word_idf.get(w, self._max_idf)) for w in words]
        total = sum(x for _, x in weights)
        return sum(x for w, x in weights if w in self._vocabulary[topic]) / total if total else 0.0

    def anchored(self, topic: str, text: str) -> bool:
        """Does the question say one of the topic's anchors (True for an entry without anchors)?"""
        anchors = self._anchors.get(topic, ())
        toks = _tokens(text)
        keys = [sound_key(t) for t in toks]
        # by sound (a necessary condition only, so the recognizer's "xốt" still says "sốt")
        return not anchors or any(_contains_keys(keys, a) for a in anchors)

    def out_of_domain(self, text: str) -> bool:
        """Does the question name something outside the base (another disease, paperwork, animals...)
        without a COVID word?"""
        toks = _tokens(text)
        return (any(_contains_strict(toks, w) for w in self._ood)
                and not any(_contains(toks, w) for w in self._covid))

    def fits(self, topic: str, score: float, text: str) -> bool:
        """Could ``topic`` be answered for ``text`` (all tests but the lead over the runner-up)?"""
        return (score >= self.threshold and self.covered(topic, text) >= self.coverage
                and self.weighted_covered(topic, text) >= self.weighted_coverage and self.anchored(topic, text))

    def covered(self, topic: str, text: str) -> float:
        """The share of the question's content words that ``topic``'s entry knows (1.0 for no content word)."""
        words = [sound_key(t) for t in _tokens(text) if fold(t) not in _STOP]
        if not words:
            return 0.0
        return sum(w in self._vocabulary[topic] for w in words) / len(words)

    def scores(self, text: str) -> list[tuple[str, float]]:
        """Every topic with its score, best first."""
        vec = _idf_vector(_features(text), self._idf)
        toks = _tokens(text)
        out: list[tuple[str, float]] = []
        for topic, forms in self._forms.items():
            best = max((_cosine(vec, f) for f in forms), default=0.0) if vec else 0.0
            whole = _cosine(vec, self._centroids[topic]) if vec else 0.0
            hits = sum(1 for kw in self._keywords[topic] if kw and _contains(toks, kw))
            score = _BEST * best + _CENTROID * whole + min(_KEYWORD_CAP, _KEYWORD_BONUS * hits)
            out.append((topic, round(score, 4)))
        out.sort(key=lambda ts: (-ts[1], ts[0]))
        return out

    def find(self, text: str) -> TopicAnswer:
        ranked = self.scores(text or "")
        if not ranked or ranked[0][1] <= 0.0:
            return TopicAnswer(topic=None, score=0.0, confident=False)
        (topic, score), (second, runner) = ranked[0], (ranked[1] if len(ranked) > 1 else ("", 0.0))
        if self.out_of_domain(text) or not self.fits(topic, score, text):
            return _answer(self.knowledge[topic], score, False, tuple(ranked[1:4]))
        if score - runner >= self.margin:
            return _answer(self.knowledge[topic], score, True, tuple(ranked[1:4]))
        # too close to call: when both fit, ask the caller which one; otherwise decline
        choices = (topic, second) if second and self.fits(second, runner, text) else ()
        return _answer(self.knowledge[topic], score, False, tuple(ranked[1:4]), choices)

    def get(self, topic: str) -> TopicAnswer | None:
        if topic not in self.knowledge:
            return None
        return _answer(self.knowledge[topic], 1.0, True, ())


def _contains(toks: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(all(_word_eq(toks[i + k], phrase[k]) for k in range(n)) for i in range(len(toks) - n + 1))


def _contains_keys(keys: Sequence[str], phrase: Sequence[str]) -> bool:
    n = len(phrase)
    return any(tuple(keys[i:i + n]) == tuple(phrase) for i in range(len(keys) - n + 1))


def _contains_strict(toks: Sequence[str], phrase: Sequence[str]) -> bool:
    """``phrase`` in ``toks`` with its diacritics; text without marks matches only a phrase of two words or
    more (one bare syllable is too ambiguous: "mua" is "buy" or "mưa" rain, "cho" is "give" or "chó")."""
    n = len(phrase)
    eq = (lambda t, w: t == w) if n == 1 else token_matches
    return any(all(eq(toks[i + k], phrase[k]) for k in range(n)) for i in range(len(toks) - n + 1))


def _word_eq(tok: str, word: str) -> bool:
    # exact, or written without diacritics; a word without marks also matches by sound ("xot" = "sot")
    return token_matches(tok, word) or (not has_diacritics(tok) and sound_key(tok) == sound_key(word))


def _answer(entry: Entry, score: float, confident: bool, alternatives: Iterable[tuple[str, float]],
            choices: tuple[str, ...] = ()) -> TopicAnswer:
    return TopicAnswer(topic=entry.topic, score=round(score, 3), confident=confident, title=entry.title,
                       answer=entry.answer, follow_up=entry.follow_up, related=entry.related,
                       source=entry.source.cite(), alternatives=tuple(alternatives), choices=choices)


def finder_for(directory: Path, day: dt.date | None = None) -> TopicFinder:
    """A finder over the knowledge base in ``directory``, the entries in force on ``day`` (default: all)."""
    return TopicFinder(load_knowledge(directory).in_force(day))


@lru_cache(maxsize=1)
def default_finder() -> TopicFinder:
    """The process-wide finder over ``callflows/knowledge`` (loaded and validated once)."""
    return TopicFinder(load_knowledge())


#: Intents that are questions for the knowledge base.
QUESTION_INTENTS = ("ask_medication", "ask_isolation", "ask_home_care")


def is_question(u: Understanding) -> bool:
    """Is the utterance a question (rather than a report, an answer or a request)? An ask_* intent, or
    an unclassified utterance that reads as a question ("... thế nào", "... không", "... gì")."""
    if u.intent in QUESTION_INTENTS:
        return True
    if u.intent not in ("unknown", "report_symptoms"):
        return False
    toks = _tokens(u.text)
    folded = " ".join(fold(t) for t in toks)
    if any(f" {fold(w)} " in f" {folded} " for w in lx.QUESTION_WORDS):
        return True
    return len(toks) >= 3 and any(token_matches(toks[-1], w) for w in lx.QUESTION_ENDINGS)


def published_knowledge(directory: Path, session: Any) -> tuple[Knowledge, int]:
    """The files' base with the admin's published versions applied (``KnowledgeVersion`` rows), and the id
    of the newest published row (0: none). A published row that no longer validates is skipped (logged):
    the file's entry keeps serving."""
    from sqlalchemy import select

    from ivr.store.models import KnowledgeVersion

    base = load_knowledge(directory)
    rows = list(session.scalars(select(KnowledgeVersion).where(KnowledgeVersion.status == "published")
                                .order_by(KnowledgeVersion.id)))
    for row in rows:
        try:
            entry = parse_entry(row.yaml_text, f"knowledge:{row.topic} v{row.version}", known=base.entries)
            base = base.replaced(entry)
        except KnowledgeError as exc:
            log.error("published knowledge entry %s v%s skipped: %s", row.topic, row.version, exc)
    return base, max((r.id for r in rows), default=0)


class LiveAnswers:
    """The knowledge base as published now, for the phone line (``ivr.engine.understanding.Answers``):
    rebuilt when an admin publishes a new version (checked at most every ``refresh_s`` seconds)."""

    def __init__(self, directory: Path, db: Any, *, refresh_s: float = 30.0):
        self.directory, self.db, self.refresh_s = directory, db, refresh_s
        self._lock = threading.Lock()  # guards _finder, _newest, _checked
        with db.session() as s:
            knowledge, self._newest = published_knowledge(directory, s)
        self._finder = TopicFinder(knowledge)
        self._checked = time.monotonic()

    def _current(self) -> TopicFinder:
        with self._lock:
            if time.monotonic() - self._checked < self.refresh_s:
                return self._finder
            self._checked = time.monotonic()
            try:
                from sqlalchemy import func, select

                from ivr.store.models import KnowledgeVersion

                with self.db.session() as s:
                    newest = s.scalar(select(func.max(KnowledgeVersion.id))
                                      .where(KnowledgeVersion.status == "published")) or 0
                    if newest != self._newest:
                        knowledge, self._newest = published_knowledge(self.directory, s)
                        self._finder = TopicFinder(knowledge)
            except Exception:  # noqa: BLE001 - a database hiccup keeps the base already serving
                log.exception("knowledge base refresh failed; the current base keeps serving")
            return self._finder

    def find(self, text: str) -> TopicAnswer:
        return self._current().find(text)

    def get(self, topic: str) -> TopicAnswer | None:
        return self._current().get(topic)


def live_finder(cfg: Any, db: Any) -> LiveAnswers:
    """The phone line's answers: ``callflows/knowledge`` with the admin's published versions."""
    return LiveAnswers(Path(cfg.flows_dir) / "knowledge", db)
