"""A caller who gets worse while holding for a doctor is heard (session 20, n48-hold-listen).

``ivr.telephony.callrunner`` with the real engine, flow, prompts, database and escalation queue on a virtual
clock (as ``test_bridge``), and a scripted recognizer: what the caller says while holding is decoded, understood
by the engine, handed to the hold machine; the case is raised in the database before the 115 advice plays.
"""
from __future__ import annotations

import struct
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from sqlalchemy import select

from escalation import queue
from escalation.desk import QueueDesk
from escalation.triage import default_triage
from ivr.config import Config
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.session import Session
from ivr.nlu.understander import default_understander
from ivr.store.database import Database
from ivr.store.models import AreaLevel, AuditLog, Call, Escalation, Role, StaffUser
from ivr.telephony.callrunner import CallRunner, DecodePool, TurnStats
from ivr.telephony.callstore import CallStore
from ivr.tts.render import PromptRenderer

from .conftest import Workers, run_call, run_sipp
from .fakes import SILENCE, Clock, InlineExecutor, VirtualLine

pytestmark = pytest.mark.slow

VOICE = struct.pack("<160h", *((40 << 8) if (i // 10) % 2 else -(40 << 8) for i in range(160)))  # loud enough


class Speaker(VirtualLine):
    """Presses ``keys``; speaks (``VOICE`` frames) during each (start, end) second of ``talks``; ``doctor``: the
    phone a live pick rings (always answers at once)."""

    sip_call_id = "hold-listen@test"
    caller = "0912345678"

    def __init__(self, clock: Clock, *, talks: tuple[tuple[float, float], ...] = (), doctor: Any = None,
                 on_time: Callable[[float], None] | None = None, **kw: Any):
        super().__init__(clock, **kw)
        self.talks = talks
        self.doctor = doctor
        self.on_time = on_time

    def caller_frame(self, rel: float) -> bytes:
        if self.on_time is not None:
            self.on_time(rel)
        return VOICE if any(a <= rel < b for a, b in self.talks) else SILENCE

    def dial(self, target: str) -> Any:
        if self.doctor is None:
            raise RuntimeError("no phone at the other end")
        return self.doctor


class Doctor:
    """A doctor's phone that answers at once and stays on the line; hears the caller."""

    state = "answered"
    failure = ""

    def __init__(self) -> None:
        self.heard = 0

    def read_frame(self) -> bytes | None:
        return None

    def write_frame(self, frame: bytes) -> None:
        self.heard += 1

    def queued_frames(self) -> int:
        return 0

    def hangup(self) -> None:
        self.state = "ended"


class Script:
    """The recognizer: what the caller says at a call time (seconds since the call started)."""

    def __init__(self, clock: Clock, said: dict[float, str]):
        self.clock, self.t0, self.said = clock, clock.t, sorted(said.items())
        self.calls: list[tuple[float, str]] = []

    def __call__(self, pcm16: bytes, rate: int, listen: Any) -> tuple[str, float]:
        rel = self.clock.t - self.t0
        text = next((t for at, t in reversed(self.said) if at <= rel), "")
        self.calls.append((rel, text))
        return text, 0.9


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from ivr import config as config_mod

    cfg = config_mod.load(env={}, prompt_cache_dir=tmp_path_factory.mktemp("hold-listen-prompts"))
    catalog = load_catalog(cfg.prompts_catalog)
    yield {"catalog": catalog, "flow": load_flow(cfg.flows_dir / f"{cfg.flow}.yaml", catalog),
           "prompts": PromptRenderer(cfg, catalog=catalog), "understander": default_understander(),
           "triage": default_triage()}


def _doctor_on_duty(db: Database) -> int:
    with db.session() as s:
        staff = StaffUser(username="bs.an", full_name="Nguyễn Văn An", password_hash="x", role=Role.DOCTOR,
                          area_level=AreaLevel.PROVINCE, phone="doctor-an", on_duty=True)
        s.add(staff)
        s.flush()
        return int(staff.id)


def _runner(shared: dict, cfg: Config, db: Database, redis_url: str, clock: Clock, script: Script) -> CallRunner:
    cfg = cfg.replace(redis_url=redis_url)
    session = Session(shared["flow"], catalog=shared["catalog"], understander=shared["understander"],
                      triage=shared["triage"])
    decoder = DecodePool(script, threads=1, executor=InlineExecutor())
    return CallRunner(engine=session, prompts=shared["prompts"], decoder=decoder,
                      store=CallStore(db, desk=QueueDesk(db, cfg, outside_numbers=True)),
                      recordings_dir=cfg.recordings_path, worker="test", flow_name="covid_f0", clock=clock,
                      sleep=clock.sleep, stats=TurnStats(), max_call_s=900, hold_limit_s=120, reassure_s=20)


def _held_at(shared: dict) -> float:
    """When a caller who pressed 0 ("a doctor") at 1 s starts holding: the two prompts played."""
    return 1.0 + sum(len(shared["prompts"].pcm(i, shared["catalog"].text(i))) / 16000
                     for i in ("request_doctor", "transfer_doctor"))


def _case(db: Database) -> Escalation:
    with db.session() as s:
        return s.scalars(select(Escalation)).one()


def test_a_caller_who_gets_worse_on_hold_is_raised_to_emergency_and_told_115(shared, cfg, db, redis_url) -> None:
    _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    script = Script(clock, {0.0: "ơ bà lịm đi rồi"})
    line = Speaker(clock, keys=((1.0, "0"),), talks=((held + 3, held + 4.5),), hangup_at=held + 40)
    runner = _runner(shared, cfg, db, redis_url, clock, script)
    assert run_call(runner, line) == "escalated"
    assert [t for t, _ in script.calls] and all(t > held for t, _ in script.calls)  # heard while holding
    # the advice with 115 at once (before the first timed reassurance), then the emergency reassurance
    assert runner.hold_prompts[0] == "hold_emergency_115", runner.hold_prompts
    assert runner.hold_prompts[1:3] == ["hold_reassure", "hold_115"], runner.hold_prompts
    advice_at = min(t for t, _ in line.out if t > held + 4.5)
    assert advice_at < held + 4.5 + 2.0  # within the end of turn and decoding
    esc = _case(db)
    assert esc.risk == "emergency" and esc.reason.startswith("Nặng lên khi đang giữ máy: rối loạn ý thức")
    assert any(e.detail.startswith("Nặng lên khi đang giữ máy: rối loạn ý thức") and "nâng từ" in e.detail
               for e in queue.events(db, esc.id))
    with db.session() as s:
        assert s.scalars(select(AuditLog).where(AuditLog.action == "escalation.raise_on_hold")).one()
        call = s.scalars(select(Call)).one()
        assert any(st.transcript == "ơ bà lịm đi rồi" for st in call.steps)  # the words are in the call's record


def _length_s(shared: dict, prompt_id: str) -> float:
    return len(shared["prompts"].pcm(prompt_id, shared["catalog"].text(prompt_id))) / 16000


def test_a_caller_who_speaks_over_a_hold_prompt_is_heard(shared, cfg, db, redis_url) -> None:
    """The reassurance plays after 20 s of quiet; the caller says a warning sign in the middle of it: the
    case is raised and the 115 advice cuts the reassurance short."""
    _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    reassure_at, reassure_s = held + 20, _length_s(shared, "hold_reassure")
    talk = (reassure_at + 1.0, reassure_at + 2.5)
    assert talk[1] + 1.0 < reassure_at + reassure_s  # the words and their end of turn fall inside the prompt
    script = Script(clock, {0.0: "ơ bà lịm đi rồi"})
    line = Speaker(clock, keys=((1.0, "0"),), talks=(talk,), hangup_at=reassure_at + 30)
    runner = _runner(shared, cfg, db, redis_url, clock, script)
    run_call(runner, line)
    assert script.calls and all(talk[0] < t < reassure_at + reassure_s for t, _ in script.calls)
    assert runner.hold_prompts[:2] == ["hold_reassure", "hold_emergency_115"], runner.hold_prompts
    assert _case(db).risk == "emergency"


def test_the_hold_prompt_heard_back_as_echo_is_not_the_caller(shared, cfg, db, redis_url) -> None:
    """On a line that sends the prompt back, the decoded prompt raises nothing and is not the caller's words."""
    _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    reassure_at = held + 20
    echo = "bác sĩ trực đã nhận được thông tin và sẽ nói chuyện với ông bà ngay"
    script = Script(clock, {0.0: echo})
    line = Speaker(clock, keys=((1.0, "0"),), talks=((reassure_at + 0.5, reassure_at + 3.0),),
                   hangup_at=reassure_at + 12)
    runner = _runner(shared, cfg, db, redis_url, clock, script)
    run_call(runner, line)
    assert script.calls  # decoded ...
    assert runner.hold_prompts == ["hold_reassure"], runner.hold_prompts  # ... and not answered
    assert _case(db).risk == "low"
    with db.session() as s:
        assert not any(st.transcript == echo for st in s.scalars(select(Call)).one().steps)


def test_calm_words_on_hold_are_reassured_and_raise_nothing(shared, cfg, db, redis_url) -> None:
    _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    script = Script(clock, {0.0: "còn lâu không"})
    line = Speaker(clock, keys=((1.0, "0"),), talks=((held + 3, held + 4),), hangup_at=held + 12)
    runner = _runner(shared, cfg, db, redis_url, clock, script)
    run_call(runner, line)
    assert script.calls and runner.hold_prompts == ["hold_reassure"], runner.hold_prompts
    esc = _case(db)
    assert esc.risk == "low" and not any("Nặng lên" in e.detail for e in queue.events(db, esc.id))


def test_the_emergency_key_on_hold_raises_the_case(shared, cfg, db, redis_url) -> None:
    _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    line = Speaker(clock, keys=((1.0, "0"), (held + 2, "1")), hangup_at=held + 10)
    runner = _runner(shared, cfg, db, redis_url, clock, Script(clock, {}))
    run_call(runner, line)
    assert runner.hold_prompts[0] == "hold_emergency_115"
    assert _case(db).risk == "emergency"


def test_bridged_the_doctor_hears_the_caller_and_the_hotline_does_not(shared, cfg, db, redis_url) -> None:
    staff_id = _doctor_on_duty(db)
    clock = Clock()
    held = _held_at(shared)
    doctor = Doctor()
    picked: list[int] = []

    def admin(rel: float) -> None:
        if not picked and rel >= held + 1:
            esc = _case(db)
            queue.pick(db, esc.id, staff_id=staff_id, mode="live")
            picked.append(esc.id)

    script = Script(clock, {0.0: "ơ bà lịm đi rồi"})
    line = Speaker(clock, keys=((1.0, "0"),), talks=((held + 8, held + 10),), doctor=doctor, on_time=admin,
                   hangup_at=held + 14)
    runner = _runner(shared, cfg, db, redis_url, clock, script)
    run_call(runner, line)
    assert runner.bridge.answered and doctor.heard >= 90  # the caller's words went to the doctor
    assert script.calls == [] and _case(db).risk == "low"


# ---------------------------------------------------------------------------------------------
# A real call: sipp (caller) -> Kamailio -> `ivr sip-worker`. The caller asks for a doctor, talks while holding
# (sipp's g711a.pcap: heard, no warning sign), then presses the flow's emergency key: the case is raised.
# (No recording of a Vietnamese warning sign exists among the test fixtures, and synthesized speech is not
# recognised: the spoken raise is covered above with a scripted recognizer.)
# ---------------------------------------------------------------------------------------------

def test_a_real_call_on_hold_is_listened_to_and_the_emergency_key_raises_the_case(
        workers: Workers, db: Database, monkeypatch: pytest.MonkeyPatch) -> None:
    _doctor_on_duty(db)  # on duty, nobody picks: the hold limit ends the call
    catalog = load_catalog(workers.cfg.prompts_catalog)
    renderer = PromptRenderer(workers.cfg, catalog=catalog)
    held_ms = int(sum(len(renderer.pcm(i, catalog.text(i))) / 16 for i in ("request_doctor", "transfer_doctor")))
    monkeypatch.setenv("IVR_HOLD_LIMIT_S", "30")
    worker = workers.start(0)
    # the caller on another host, as a trunk's callers are (its BYE and RTP must reach the worker through Kamailio)
    result = run_sipp(workers.cfg, "uac_hold_speech.xml", timeout_s=held_ms / 1000 + 120, local_ip="127.0.0.2",
                      values={"WAIT_MS": str(held_ms + 1000), "KEY_AFTER_MS": "9000", "BYE_TIMEOUT_MS": "90000"})
    assert result.rc == 0, result.out  # the hotline hung up (the hold limit), the caller was never dropped
    deadline = time.monotonic() + 20
    while (esc := _case_or_none(db)) is None or esc.risk != "emergency":
        assert time.monotonic() < deadline, "the case was not raised"
        time.sleep(0.2)
    text = worker.text()
    assert "worse while holding (emergency_key)" in text, text[-3000:]
    assert "hold prompt hold_emergency_115" in text, text[-3000:]
    assert any(e.detail.startswith("Nặng lên khi đang giữ máy: bấm phím cấp cứu") for e in queue.events(db, esc.id))


def _case_or_none(db: Database) -> Escalation | None:
    with db.session() as s:
        return s.scalars(select(Escalation)).first()
