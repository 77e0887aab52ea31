"""Sans-I/O end of turn and barge-in: when has the caller finished, and did they mean to interrupt?

The voice gate (``ivr.audio.gate``) cuts a caller's speech into *segments* at short pauses
(``EndpointPolicy.segment_ms``); each segment is decoded as soon as it closes. This module
decides, from the segments' transcripts and the time, when the *turn* ends, instead of one
fixed silence window for every answer:

- after a complete answer (a phrase of the question's closed grammar, such as "có" or
  "không", or a bare number), the turn ends ``complete_ms`` after the speech;
- after words that announce more ("ờ", "thì", "là", "và"...), it waits ``filler_ms``: the
  caller is looking for the next word;
- otherwise ``default_ms`` (what the call loop used for every answer before).

If the caller speaks again before the turn ends, the new segment joins the turn.

Barge-in: while a question's prompt plays, speech does not end the prompt at once (the call
loop holds it, silent, from the onset). The prompt is dropped when the speech has lasted
``barge_in_ms`` (longer than any backchannel) or when its transcript arrives and is more than
backchannel words ("dạ", "vâng", "ừ", "ờ"); a caller who murmurs "dạ" while listening hears
the rest of the prompt (``Backchannel``), and the murmur is not taken as an answer.

``TurnTaker.handle(event)`` takes frozen events carrying the time (``at``, seconds on the
caller's clock) and returns actions; nothing here reads a clock or touches audio.
"""
from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ivr.errors import AudioError

#: Words a listener murmurs to show they are listening ("yes", "uh-huh"): never an interruption.
BACKCHANNEL = frozenset(["dạ", "vâng", "ừ", "ừm", "ờ", "ạ", "à", "vâng ạ", "uh", "ừa", "ồ"])
#: Words after which a sentence goes on: the caller is thinking of the next word.
TRAILING = frozenset(["ờ", "à", "ừm", "ừ", "thì", "là", "mà", "và", "với", "của", "nhưng", "hay", "hoặc", "để",
                      "cho", "bị", "còn", "nữa", "khi", "lúc", "từ", "như", "nếu", "tại", "vì"])
NUMBER_WORDS = frozenset(["không", "một", "mốt", "hai", "ba", "bốn", "tư", "năm", "lăm", "nhăm", "sáu", "bảy",
                          "tám", "chín", "mười", "mươi", "trăm", "linh", "lẻ", "phẩy", "chấm", "rưỡi", "nghìn",
                          "ngàn"])
_POLITE = frozenset(["dạ", "ạ", "vâng", "ừ", "ờ", "à"])


def _words(text: str) -> list[str]:
    return text.lower().split()


def is_backchannel(text: str) -> bool:
    """Only listener words ("dạ", "vâng ạ", "ừ ừ"): not an answer, not an interruption."""
    words = _words(text)
    return bool(words) and all(w in BACKCHANNEL for w in words)


COMPLETE, OPEN, TRAILING_WORD = "complete", "open", "trailing"


def classify(text: str, grammar: Sequence[str] | None) -> str:
    """``complete`` (a grammar phrase or a bare number), ``trailing`` (ends on a word that announces
    more) or ``open``. ``text`` is a normalised transcript (lower case, single spaces)."""
    words = _words(text)
    if not words:
        return OPEN
    if words[-1] in TRAILING:
        return TRAILING_WORD
    core = [w for w in words if w not in _POLITE] or words
    if grammar and " ".join(core) in {" ".join(_words(p)) for p in grammar}:
        return COMPLETE
    if all(w in NUMBER_WORDS for w in core) and any(w != "không" for w in core):
        return COMPLETE
    return OPEN


@dataclass(frozen=True, kw_only=True)
class EndpointPolicy:
    """Silences in ms. ``segment_ms`` is the gate's window (a segment closes and is decoded)."""

    segment_ms: int = 200
    complete_ms: int = 200
    default_ms: int = 500
    filler_ms: int = 1000
    barge_in_ms: int = 600

    def __post_init__(self) -> None:
        if not 0 < self.segment_ms <= min(self.complete_ms, self.default_ms, self.filler_ms):
            raise AudioError("segment_ms must be positive and at most every end-of-turn silence")

    def wait_ms(self, kind: str) -> int:
        return {COMPLETE: self.complete_ms, TRAILING_WORD: self.filler_ms}.get(kind, self.default_ms)


# ---------------------------------------------------------------- events


@dataclass(frozen=True, kw_only=True)
class SegmentStarted:
    at: float
    during_prompt: bool = False  # a question's prompt (with barge-in) is playing


@dataclass(frozen=True, kw_only=True)
class SegmentEnded:
    at: float
    speech_end: float  # when the caller stopped speaking (``at`` minus the gate's silence)


@dataclass(frozen=True, kw_only=True)
class Transcript:
    """A segment's decoding result, in the order the segments ended."""

    at: float
    text: str
    confidence: float


@dataclass(frozen=True, kw_only=True)
class Tick:
    at: float


Event = SegmentStarted | SegmentEnded | Transcript | Tick


# ---------------------------------------------------------------- actions


@dataclass(frozen=True, kw_only=True)
class BargeIn:
    """Stop the prompt now: the caller is answering."""

    why: str  # "long speech" | "words"


@dataclass(frozen=True, kw_only=True)
class Backchannel:
    """Speech over the prompt was not an answer: a murmur (``text``, "dạ") or noise (``text`` empty).

    The prompt goes on (the call loop holds it from the onset and resumes it).
    """

    text: str


@dataclass(frozen=True, kw_only=True)
class EndOfTurn:
    """The caller has finished: ``text`` is the whole turn (its segments joined)."""

    text: str
    confidence: float
    speech_end: float
    kind: str  # complete | open | trailing: which silence ended it
    decoded_at: float  # when the last segment's transcript arrived


Action = BargeIn | Backchannel | EndOfTurn


@dataclass
class TurnTaker:
    """One call's turn taking, for the question being asked (``grammar``: its closed phrases)."""

    policy: EndpointPolicy = field(default_factory=EndpointPolicy)
    grammar: Sequence[str] | None = None
    _texts: list[str] = field(default_factory=list)
    _confidence: float = 1.0
    _pending: int = 0  # segments ended, transcript not yet back
    _in_segment: bool = False
    _segment_start: float = 0.0
    _speech_end: float = 0.0
    _decoded_at: float = 0.0
    _barge_pending: bool = False  # speech during a prompt, not yet judged
    _deadline: float | None = None
    _kind: str = OPEN

    @property
    def busy(self) -> bool:
        """Speech heard that has not become an end of turn yet (no no-input timeout now)."""
        return self._in_segment or self._pending > 0 or self._deadline is not None

    def reset(self, grammar: Sequence[str] | None = None) -> None:
        """A new question (or a key, a timer): forget the turn in progress."""
        self.grammar = grammar
        self._texts, self._confidence, self._pending = [], 1.0, 0
        self._in_segment = self._barge_pending = False
        self._deadline = None

    def handle(self, event: Event) -> list[Action]:
        if isinstance(event, SegmentStarted):
            self._in_segment = True
            self._segment_start = event.at
            self._deadline = None  # the caller goes on: the turn is not over
            if event.during_prompt:
                self._barge_pending = True
            return []
        if isinstance(event, SegmentEnded):
            self._in_segment = False
            self._pending += 1
            self._speech_end = event.speech_end
            return []
        if isinstance(event, Transcript):
            self._pending = max(0, self._pending - 1)
            self._decoded_at = event.at
            if event.text.strip():
                self._texts.append(event.text.strip())
                self._confidence = min(self._confidence, event.confidence)
            return self._judge(event.at)
        return self._tick(event.at)

    def _tick(self, at: float) -> list[Action]:
        actions: list[Action] = []
        if self._in_segment and self._barge_pending and (at - self._segment_start) * 1000 >= self.policy.barge_in_ms:
            self._barge_pending = False
            actions.append(BargeIn(why="long speech"))
        if self._deadline is not None and at >= self._deadline and not self._in_segment and not self._pending:
            actions.append(self._end())
        return actions

    def _judge(self, at: float) -> list[Action]:
        if self._in_segment or self._pending:
            return []
        text = " ".join(self._texts)
        if not text:  # noise: nothing was said
            barged, self._barge_pending = self._barge_pending, False
            self._deadline = None
            return [Backchannel(text="")] if barged else []
        actions: list[Action] = []
        if self._barge_pending:
            self._barge_pending = False
            if is_backchannel(text):
                self.reset(self.grammar)
                return [Backchannel(text=text)]
            actions.append(BargeIn(why="words"))
        self._kind = classify(text, self.grammar)
        self._deadline = self._speech_end + self.policy.wait_ms(self._kind) / 1000.0
        return actions + self._tick(at)

    def flush(self, at: float) -> list[Action]:
        """The call is ending: whatever was said is the turn, at once."""
        if not self._texts:
            self.reset(self.grammar)
            return []
        self._decoded_at = self._decoded_at or at
        return [self._end()]

    def _end(self) -> EndOfTurn:
        action = EndOfTurn(text=" ".join(self._texts), confidence=round(self._confidence, 3),
                           speech_end=self._speech_end, kind=self._kind, decoded_at=self._decoded_at)
        self.reset(self.grammar)
        return action
