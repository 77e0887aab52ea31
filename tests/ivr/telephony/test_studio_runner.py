"""The studio call loop (ivr/telephony/studio.py) on a virtual line and clock, with a real database and
data dir: the PIN, its audit rows and per-caller limit, a recording checked, stored and audited.
The recognizer is a scripted listener here; tests/ivr/telephony/test_studio_call.py uses the real one
over a real SIP call."""
from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from ivr import ROOT, audio
from ivr.config import Config
from ivr.engine.prompts import PromptCatalog, load_catalog
from ivr.engine.studio import hash_pin
from ivr.store.database import Database
from ivr.store.models import AuditLog, Role, StaffUser
from ivr.telephony import studio as studio_mod
from ivr.telephony.studio import StudioRunner, is_studio_call
from ivr.tts.recording import import_recording, recorded_text

from .fakes import SILENCE, Clock, InlineExecutor, VirtualLine

SPEECH = ROOT / "tests" / "data" / "audio" / "sentence_ly.wav"
SAID = "chúng ta có thể áp dụng logic tương tự với người khác"  # what sentence_ly.wav says
PIN = "246801"


class FakePrompts:
    """Every prompt is 0.3 s of a quiet tone; remembers what was said, in order."""

    def __init__(self) -> None:
        self.said: list[tuple[str, str]] = []

    def pcm(self, prompt_id: str, text: str) -> bytes:
        self.said.append((prompt_id, text))
        return b"\x10\x00" * 2400


class StaffLine(VirtualLine):
    """Keys at given times; real speech from ``speak_at`` seconds into the call."""

    called = "studio"

    def __init__(self, clock: Clock, pcm: bytes, speak_at: float, **kw: object):
        super().__init__(clock, **kw)  # type: ignore[arg-type]
        self.pcm, self.speak_at = pcm, speak_at

    def caller_frame(self, rel: float) -> bytes:
        i = int(round((rel - self.speak_at) / 0.02)) * 320
        if 0 <= i and i + 320 <= len(self.pcm):
            return self.pcm[i:i + 320]
        return SILENCE


@pytest.fixture
def speech() -> bytes:
    pcm, rate = audio.read_wav(str(SPEECH))
    return audio.resample(pcm, rate, 8000)


@pytest.fixture
def staff(db: Database) -> None:
    with db.session() as s:
        s.add(StaffUser(username="an", password_hash="x", role=Role.ADMIN, phone_pin_hash=hash_pin(PIN)))
        s.add(StaffUser(username="bs_binh", password_hash="x", role=Role.DOCTOR, phone_pin_hash=hash_pin("135790")))
        s.add(StaffUser(username="cu", password_hash="x", role=Role.ADMIN, active=False,
                        phone_pin_hash=hash_pin("111111")))


def _catalog(target_text: str = SAID) -> PromptCatalog:
    """The studio's own prompts plus one prompt to record, ``greeting``, whose text is what the speech says."""
    base = load_catalog(ROOT / "prompts" / "vi.yaml")
    texts = {"greeting": target_text, **{k: v for k, v in base.texts.items() if k.startswith("studio_")}}
    return PromptCatalog(texts)


def _record_studio_prompts(cfg: Config, catalog: PromptCatalog) -> None:
    """The studio's own prompts recorded already (a tone will do): only ``greeting`` is left to record."""
    tone = audio.wav_bytes(b"".join((b"\x00\x10", b"\x00\xf0") * 2000), 8000)
    for pid, text in catalog.texts.items():
        if pid.startswith("studio_") and "{" not in text:
            import_recording(cfg, pid, tone, text=text, folder=cfg.prompt_recordings_path)


def _run(cfg: Config, db: Database, line: StaffLine, clock: Clock, catalog: PromptCatalog,
         heard: str = SAID) -> tuple[studio_mod.StudioOutcome, FakePrompts]:
    prompts = FakePrompts()
    runner = StudioRunner(cfg=cfg, db=db, prompts=prompts, catalog=catalog, listener=lambda: lambda pcm, rate: heard,
                          worker="worker0", clock=clock, sleep=clock.sleep, executor=InlineExecutor())
    return runner.run(line), prompts


def _keys(start: float, digits: str) -> tuple[tuple[float, str], ...]:
    return tuple((start + 0.1 * i, d) for i, d in enumerate(digits))


def test_is_studio_call_by_the_dialled_user(cfg: Config) -> None:
    line = StaffLine(Clock(), b"", 0.0)
    assert is_studio_call(line, cfg)
    line.called = "hotline"
    assert not is_studio_call(line, cfg)
    assert not is_studio_call(VirtualLine(Clock()), cfg)  # a line that does not say: the hotline
    assert is_studio_call(line, cfg.replace(studio_extension="hotline"))


def test_a_kept_recording_is_checked_stored_and_audited(cfg: Config, db: Database, staff: None,
                                                         speech: bytes) -> None:
    catalog = _catalog()
    _record_studio_prompts(cfg, catalog)
    clock = Clock()
    seconds = len(speech) / 16000
    line = StaffLine(clock, speech, speak_at=6.0, keys=(*_keys(1.0, PIN + "#"), (6.0 + seconds + 4.0, "1")),
                     hangup_at=60.0)
    outcome, prompts = _run(cfg, db, line, clock, catalog)
    assert outcome.user == "an" and outcome.saved == ("greeting",) and outcome.pin_failures == 0
    assert line.hung_up_by_hotline
    said = [pid for pid, _ in prompts.said]
    assert said[:6] == ["studio_pin", "studio_welcome", "studio_next", "greeting", "studio_record", "studio_review"]
    assert said[-3:] == ["studio_checking", "studio_saved", "studio_done"]
    assert ("studio_welcome", "Còn 1 lời nhắc cần ghi âm.") in prompts.said
    folder = cfg.prompt_recordings_path
    assert recorded_text(folder, "greeting") == (True, SAID)
    stored, rate = audio.read_wav(str(folder / "greeting.wav"))
    # trimmed to the speech: not the seconds of silence before it and after it
    assert rate == 8000 and seconds - 0.1 < len(stored) / 16000 < seconds + 1.2
    with db.session() as s:
        rows = {(r.actor, r.action, r.target) for r in s.scalars(select(AuditLog))}
    assert ("an", "prompt_upload", "prompt:greeting") in rows
    assert ("an", "studio_login", "caller:0987654321") in rows
    # the hotline now plays it
    from ivr.tts.render import PromptRenderer

    assert PromptRenderer(cfg).recording_for("greeting", SAID) == folder / "greeting.wav"


def test_a_refused_recording_says_what_was_heard(cfg: Config, db: Database, staff: None, speech: bytes) -> None:
    catalog = _catalog()
    _record_studio_prompts(cfg, catalog)
    clock = Clock()
    seconds = len(speech) / 16000
    keep_at = 6.0 + seconds + 4.0
    line = StaffLine(clock, speech, speak_at=6.0, keys=(*_keys(1.0, PIN + "#"), (keep_at, "1"), (keep_at + 3, "3")),
                     hangup_at=60.0)
    outcome, prompts = _run(cfg, db, line, clock, catalog, heard="nuôi con theo phong cách do thái")
    assert outcome.saved == () and outcome.skipped == ("greeting",)
    assert ("studio_refused_words", "Bản ghi âm chưa khớp với lời nhắc. Tổng đài nghe được: "
            "nuôi con theo phong cách do thái.") in prompts.said
    assert [pid for pid, _ in prompts.said][-1] == "studio_left"
    assert not (cfg.prompt_recordings_path / "greeting.wav").exists()
    assert line.hung_up_by_hotline


def test_three_wrong_pins_hang_up_and_repeated_failures_block_the_caller(cfg: Config, db: Database,
                                                                         staff: None) -> None:
    catalog = _catalog()
    for call in range(2):
        clock = Clock()
        keys = (*_keys(1.0, "000000#"), *_keys(3.0, "111111#"), *_keys(5.0, "135791#"))  # 111111: a disabled user
        line = StaffLine(clock, b"", 0.0, keys=keys, hangup_at=30.0)
        outcome, prompts = _run(cfg, db, line, clock, catalog)
        assert outcome.pin_failures == 3 and outcome.user == "" and line.hung_up_by_hotline, call
        assert [pid for pid, _ in prompts.said] == ["studio_pin", "studio_pin_wrong", "studio_pin_wrong",
                                                    "studio_pin_locked"]
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "studio_pin_failed")).all()
    assert len(rows) == 6 and {r.target for r in rows} == {"caller:0987654321"}
    assert [r.detail["locked"] for r in rows].count(True) == 2
    # a third call from that number is refused at once, even with the right PIN
    clock = Clock()
    line = StaffLine(clock, b"", 0.0, keys=_keys(1.0, PIN + "#"), hangup_at=30.0)
    outcome, prompts = _run(cfg, db, line, clock, catalog)
    assert [pid for pid, _ in prompts.said] == ["studio_blocked"] and outcome.user == "" and line.hung_up_by_hotline


def test_a_doctor_s_pin_may_not_record(cfg: Config, db: Database, staff: None) -> None:
    clock = Clock()
    line = StaffLine(clock, b"", 0.0, keys=_keys(1.0, "135790#"), hangup_at=30.0)
    outcome, prompts = _run(cfg, db, line, clock, _catalog())
    assert outcome.user == "bs_binh" and [pid for pid, _ in prompts.said] == ["studio_pin", "studio_not_allowed"]
    with db.session() as s:
        assert s.scalar(select(AuditLog.action).where(AuditLog.actor == "bs_binh")) == "studio_refused"


def test_nothing_left_to_record(cfg: Config, db: Database, staff: None, tmp_path: Path) -> None:
    catalog = PromptCatalog({k: v for k, v in _catalog().texts.items() if k.startswith("studio_")})
    _record_studio_prompts(cfg, catalog)
    clock = Clock()
    line = StaffLine(clock, b"", 0.0, keys=_keys(1.0, PIN + "#"), hangup_at=30.0)
    outcome, prompts = _run(cfg, db, line, clock, catalog)
    assert [pid for pid, _ in prompts.said] == ["studio_pin", "studio_done"] and line.hung_up_by_hotline
    assert ("studio_done", "Đã ghi âm đủ tất cả lời nhắc. Xin cảm ơn.") in prompts.said
