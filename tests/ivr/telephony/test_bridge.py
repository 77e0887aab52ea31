"""Issue 5, live path on the phone side: a caller handed to a doctor is held (reassurance, keys),
bridged to the doctor who picks the case live, or told a doctor will call back; never hung up on
in silence.

Part 1 drives ``ivr.telephony.callrunner`` with the real engine, flow, prompts, database and escalation
queue on a virtual clock (a scripted caller line and a scripted doctor's phone, no pyVoIP).
Part 2 runs the real thing: Kamailio, an IVR worker process, sipp as the caller and sipp as
the doctor's registered SIP phone.
"""
from __future__ import annotations

import re
import struct
import subprocess
import threading
import time
from collections.abc import Callable, Iterator

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
from ivr.store.models import (
    AreaLevel,
    AuditLog,
    Call,
    Escalation,
    EscalationEvent,
    Role,
    StaffUser,
)
from ivr.telephony.callrunner import CallRunner, DecodePool, TurnStats
from ivr.telephony.callstore import CallStore
from ivr.tts.render import PromptRenderer

from .conftest import (
    SIPP_SHARE,
    SippPeer,
    Workers,
    port_block,
    render_scenario,
    run_call,
    run_sipp,
)
from .fakes import SILENCE, Clock, InlineExecutor, VirtualLine

pytestmark = pytest.mark.slow

TONE = struct.pack("<160h", *((40 << 8) if (i // 10) % 2 else -(40 << 8) for i in range(160)))  # 400 Hz square, PCM16


def _doctor(db: Database, *, phone: str = "doctor-an", on_duty: bool = True) -> int:
    with db.session() as s:
        staff = StaffUser(username="bs.an", full_name="Nguyễn Văn An", password_hash="x", role=Role.DOCTOR,
                          area_level=AreaLevel.PROVINCE, phone=phone, on_duty=on_duty)
        s.add(staff)
        s.flush()
        return int(staff.id)


def _escalation(db: Database) -> Escalation | None:
    with db.session() as s:
        return s.scalars(select(Escalation)).first()


def _picks_live_at(db: Database, staff_id: int, at_s: float) -> Callable[[float], None]:
    """The admin, as a caller's ``on_time``: picks the escalation live once, from ``at_s`` on."""
    picked: list[int] = []

    def admin(rel: float) -> None:
        if not picked and rel >= at_s and (esc := _escalation(db)) is not None:
            queue.pick(db, esc.id, staff_id=staff_id, mode="live")
            picked.append(esc.id)

    return admin


def _transitions(db: Database, esc_id: int) -> list[tuple[str, str]]:
    with db.session() as s:
        rows = s.scalars(select(EscalationEvent).where(EscalationEvent.escalation_id == esc_id)
                         .order_by(EscalationEvent.id))
        return [(e.from_status, e.to_status) for e in rows]


# ---------------------------------------------------------------------------------------------
# Part 1: the hold and bridge logic of the call loop, on a virtual clock
# ---------------------------------------------------------------------------------------------

class DoctorPhone:
    """The far end of the bridge: answers after ``answer_at`` s (None: never), says a tone
    (one 20 ms frame per tick), hangs up after ``hangup_after`` s in the call (None: never)."""

    failure = ""  # a refused leg's SIP answer (``BusyPhone``)

    def __init__(self, clock: Clock, *, answer_at: float | None = 2.0, hangup_after: float | None = None):
        self.clock = clock
        self.t0 = clock.t
        self.answer_at = answer_at
        self.hangup_after = hangup_after
        self.heard: list[bytes] = []
        self.ended_by_hotline = False
        self._said_until = 0.0

    @property
    def _answered_at(self) -> float | None:
        return None if self.answer_at is None else self.t0 + self.answer_at

    @property
    def state(self) -> str:
        if self.ended_by_hotline:
            return "ended"
        at = self._answered_at
        if at is None or self.clock.t < at:
            return "ringing"
        if self.hangup_after is not None and self.clock.t >= at + self.hangup_after:
            return "ended"
        return "answered"

    def read_frame(self) -> bytes | None:
        at = self._answered_at
        if self.state != "answered" or at is None:
            return None
        self._said_until = max(self._said_until, at)
        if self._said_until + 0.02 > self.clock.t:
            return None
        self._said_until += 0.02
        return TONE

    def write_frame(self, frame: bytes) -> None:
        self.heard.append(frame)

    def queued_frames(self) -> int:
        return 0

    def hangup(self) -> None:
        self.ended_by_hotline = True


class Caller(VirtualLine):
    """A caller on a virtual clock: keys at given times, hangs up at ``hangup_at``; ``on_time`` is
    called with the call's time on every tick (the test acts as the admin from there)."""

    sip_call_id = "bridge@test"
    caller = "0912345678"

    def __init__(self, clock: Clock, *, keys: tuple[tuple[float, str], ...] = (), hangup_at: float | None = None,
                 doctor: DoctorPhone | None = None, on_time: Callable[[float], None] | None = None):
        super().__init__(clock, keys=keys, hangup_at=hangup_at)
        self.doctor = doctor
        self.on_time = on_time
        self.dialled: list[str] = []

    def caller_frame(self, rel: float) -> bytes:
        if self.on_time is not None:
            self.on_time(rel)
        return TONE if self.dialled else SILENCE  # the caller talks once a doctor is being rung

    def dial(self, target: str) -> DoctorPhone:
        self.dialled.append(target)
        if self.doctor is None:
            raise RuntimeError("no phone at the other end")
        self.doctor.t0 = self.clock.t
        return self.doctor


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from ivr import config as config_mod
    from ivr.speech.recognizer import open_recognizer

    cache = tmp_path_factory.mktemp("bridge-prompts")
    cfg = config_mod.load(env={}, prompt_cache_dir=cache)
    catalog = load_catalog(cfg.prompts_catalog)
    decoder = DecodePool(open_recognizer(cfg, cfg.asr_engine).transcriber(), threads=1, executor=InlineExecutor())
    yield {"catalog": catalog, "flow": load_flow(cfg.flows_dir / f"{cfg.flow}.yaml", catalog),
           "prompts": PromptRenderer(cfg, catalog=catalog), "decoder": decoder,
           "understander": default_understander(), "triage": default_triage()}
    decoder.shutdown()


def _runner(shared: dict, cfg: Config, db: Database, redis_url: str, clock: Clock, *, hold_limit_s: float = 90,
            ring_s: float = 30) -> CallRunner:
    cfg = cfg.replace(redis_url=redis_url)
    session = Session(shared["flow"], catalog=shared["catalog"], understander=shared["understander"],
                      triage=shared["triage"])
    store = CallStore(db, desk=QueueDesk(db, cfg, outside_numbers=True))
    return CallRunner(engine=session, prompts=shared["prompts"], decoder=shared["decoder"], store=store,
                      recordings_dir=cfg.recordings_path, worker="test", flow_name="covid_f0", clock=clock,
                      sleep=clock.sleep, stats=TurnStats(), max_call_s=900, hold_limit_s=hold_limit_s,
                      reassure_s=20, ring_s=ring_s)


def _prompt_seconds(shared: dict, *ids: str) -> float:
    return sum(len(shared["prompts"].pcm(i, shared["catalog"].text(i))) / 16000 for i in ids)


def test_no_doctor_on_duty_is_told_callback_at_once_then_hung_up(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    line = Caller(clock, keys=((1.0, "1"),), hangup_at=300)
    runner = _runner(shared, cfg, db, redis_url, clock)
    assert run_call(runner, line) == "escalated"
    assert runner.hold_prompts == ["hold_callback"]
    esc = _escalation(db)
    assert esc is not None and esc.mode == "callback" and esc.status.value == "waiting" and esc.risk == "emergency"
    assert runner.escalation_id == esc.id
    # the hotline hung up, right after telling them (prompts: emergency, transfer, callback)
    spoken = _prompt_seconds(shared, "emergency_115", "transfer_doctor", "hold_callback")
    assert line.hung_up_by_hotline_at is not None and line.hung_up_by_hotline_at < 1.0 + spoken + 3
    assert line.out and line.out[-1][0] > 1.0 + spoken - 1  # the callback prompt played to its end


def test_hold_reassures_repeats_115_on_star_then_callback_at_the_hold_limit(shared, cfg, db, redis_url) -> None:
    _doctor(db)
    clock = Clock()
    held_at = 1.0 + _prompt_seconds(shared, "emergency_115", "transfer_doctor")
    line = Caller(clock, keys=((1.0, "1"), (held_at + 5, "*")), hangup_at=600)
    runner = _runner(shared, cfg, db, redis_url, clock, hold_limit_s=50)
    assert run_call(runner, line) == "escalated"
    # "*" at +5 s, then every 20 s of quiet, then the callback at +50 s
    assert runner.hold_prompts[:2] == ["hold_reassure", "hold_115"], runner.hold_prompts
    assert runner.hold_prompts[-1] == "hold_callback"
    assert runner.hold_prompts.count("hold_reassure") >= 2
    assert runner.hold_prompts.count("hold_115") == runner.hold_prompts.count("hold_reassure")
    esc = _escalation(db)
    assert esc is not None and esc.mode == "callback" and esc.status.value == "waiting"
    assert ("waiting", "waiting") in _transitions(db, esc.id)  # hold_expired: live -> callback
    assert line.hung_up_by_hotline_at is not None
    assert held_at + 50 <= line.hung_up_by_hotline_at < held_at + 50 + _prompt_seconds(shared, "hold_callback") + 3
    # quiet between reassurances: no more than the prompts themselves
    held = [t for t, _ in line.out if t > held_at]
    spoken = sum(_prompt_seconds(shared, p) for p in runner.hold_prompts)
    assert len(held) * 0.02 <= spoken + 1


def test_caller_hanging_up_on_hold_leaves_a_callback(shared, cfg, db, redis_url) -> None:
    _doctor(db)
    clock = Clock()
    held_at = 1.0 + _prompt_seconds(shared, "emergency_115", "transfer_doctor")
    line = Caller(clock, keys=((1.0, "1"),), hangup_at=held_at + 8)
    runner = _runner(shared, cfg, db, redis_url, clock)
    assert run_call(runner, line) == "escalated"
    assert line.hung_up_by_hotline_at is None
    esc = _escalation(db)
    assert esc is not None and esc.mode == "callback" and esc.status.value == "waiting"
    with db.session() as s:
        assert s.scalars(select(Call)).one().outcome == "escalated"


def test_doctor_picking_live_is_bridged_both_ways_and_in_call(shared, cfg, db, redis_url) -> None:
    staff_id = _doctor(db)
    clock = Clock()
    doctor = DoctorPhone(clock, answer_at=2.0, hangup_after=6.0)
    admin = _picks_live_at(db, staff_id, 4.0)  # the doctor picks the case in the admin 3 s after the key
    line = Caller(clock, keys=((1.0, "1"),), hangup_at=600, doctor=doctor, on_time=admin)
    runner = _runner(shared, cfg, db, redis_url, clock)
    assert run_call(runner, line) == "escalated"
    assert line.dialled == ["doctor-an"]
    assert runner.bridge.answered and runner.bridge.ended_by == "doctor"
    # 6 s of bridge: ~300 frames each way
    assert 250 <= runner.bridge.to_caller <= 310 and 250 <= runner.bridge.to_doctor <= 310
    assert doctor.heard and set(doctor.heard) == {TONE}  # the caller's voice reached the doctor
    assert sum(1 for _, f in line.out if f == TONE) >= 250  # the doctor's voice reached the caller
    assert runner.hold_prompts == ["bridge_connecting", "bridge_ended"]
    esc = _escalation(db)
    assert esc is not None and esc.status.value == "in_call" and esc.picked_by_id == staff_id
    assert ("picked", "in_call") in _transitions(db, esc.id)
    assert line.hung_up_by_hotline_at is not None


def test_doctor_not_answering_puts_the_case_back_and_the_caller_back_on_hold(shared, cfg, db,
                                                                              redis_url) -> None:
    staff_id = _doctor(db)
    clock = Clock()
    doctor = DoctorPhone(clock, answer_at=None)
    admin = _picks_live_at(db, staff_id, 4.0)
    held_at = 1.0 + _prompt_seconds(shared, "emergency_115", "transfer_doctor")
    line = Caller(clock, keys=((1.0, "1"),), hangup_at=held_at + 25, doctor=doctor, on_time=admin)
    runner = _runner(shared, cfg, db, redis_url, clock, ring_s=10)
    assert run_call(runner, line) == "escalated"
    assert doctor.ended_by_hotline and not runner.bridge.answered
    assert runner.hold_prompts[:2] == ["bridge_connecting", "bridge_no_answer"]
    esc = _escalation(db)
    assert esc is not None and esc.picked_by_id is None
    # picked -> waiting (put back), then the caller hung up on hold: a callback
    assert ("picked", "waiting") in _transitions(db, esc.id)
    assert esc.status.value == "waiting" and esc.mode == "callback"
    with db.session() as s:  # the give-back is audited
        audit = s.scalars(select(AuditLog).where(AuditLog.action == "escalation.unpick")).one()
        assert audit.target == f"escalation:{esc.id}" and audit.actor == "system"


class BusyPhone(DoctorPhone):
    """A doctor's phone (or the trunk) that answers the INVITE with 486 Busy Here."""

    failure = "SIP/2.0 486 Busy Here"

    @property
    def state(self) -> str:
        return "ended"


def test_a_refused_doctor_leg_puts_the_case_back_with_the_sip_answer(shared, cfg, db, redis_url) -> None:
    staff_id = _doctor(db)
    clock = Clock()
    admin = _picks_live_at(db, staff_id, 4.0)
    held_at = 1.0 + _prompt_seconds(shared, "emergency_115", "transfer_doctor")
    line = Caller(clock, keys=((1.0, "1"),), hangup_at=held_at + 12, doctor=BusyPhone(clock), on_time=admin)
    runner = _runner(shared, cfg, db, redis_url, clock, ring_s=10)
    assert run_call(runner, line) == "escalated"
    assert runner.hold_prompts[:2] == ["bridge_connecting", "bridge_no_answer"]
    esc = _escalation(db)
    assert esc is not None
    with db.session() as s:
        details = [e.detail for e in s.scalars(select(EscalationEvent)
                                               .where(EscalationEvent.escalation_id == esc.id))]
    assert any("máy bận hoặc không liên lạc được (SIP/2.0 486 Busy Here)" in d for d in details), details


def test_caller_hanging_up_during_the_bridge_ends_the_doctor_leg(shared, cfg, db, redis_url) -> None:
    staff_id = _doctor(db)
    clock = Clock()
    doctor = DoctorPhone(clock, answer_at=1.0)
    admin = _picks_live_at(db, staff_id, 4.0)  # the doctor picks the case in the admin 3 s after the key
    held_at = 1.0 + _prompt_seconds(shared, "emergency_115", "transfer_doctor")
    line = Caller(clock, keys=((1.0, "1"),), doctor=doctor, on_time=admin,
                  hangup_at=held_at + _prompt_seconds(shared, "bridge_connecting") + 8)
    runner = _runner(shared, cfg, db, redis_url, clock)
    assert run_call(runner, line) == "escalated"
    assert runner.bridge.answered and runner.bridge.ended_by == "caller" and doctor.ended_by_hotline
    esc = _escalation(db)
    assert esc is not None and esc.status.value == "in_call"


# ---------------------------------------------------------------------------------------------
# Part 2: real calls. sipp (caller) -> Kamailio -> `ivr sip-worker`; the worker dials the doctor's
# phone (sipp, registered to Kamailio as doctor-an) through Kamailio and bridges the two.
# ---------------------------------------------------------------------------------------------

BRIDGE_LOG = re.compile(r"bridge ended by (\w+): to_doctor_frames=(\d+) to_caller_frames=(\d+)")


def _prompt_ms(workers: Workers, *ids: str) -> int:
    catalog = load_catalog(workers.cfg.prompts_catalog)
    renderer = PromptRenderer(workers.cfg, catalog=catalog)
    return int(sum(len(renderer.pcm(i, catalog.text(i))) / 16 for i in ids))


class DoctorSipp(SippPeer):
    """sipp as the doctor's SIP phone: registered to the SIP front, answering one INVITE."""

    def __init__(self, workers: Workers, *, user: str, talk_ms: int = 60000, timeout_s: int = 120,
                 scenario: str = "uas_doctor.xml"):
        self.port = port_block(2)
        self.folder = workers.cfg.data_dir / f"doctor-{self.port}"
        self.folder.mkdir(parents=True, exist_ok=True)
        values = {"SHARE": str(SIPP_SHARE), "USER": user, "CONTACT_PORT": str(self.port), "TALK_MS": str(talk_ms)}
        sf = render_scenario(scenario, self.folder, values)
        self.out = (self.folder / "sipp.out").open("wb")
        self.proc = subprocess.Popen(
            ["sipp", "-sf", str(sf), "-i", "127.0.0.1", "-p", str(self.port), "-mp", str(port_block(4)), "-m", "1",
             "-nostdin", "-trace_err", "-trace_screen", "-timeout", f"{timeout_s}s", "-timeout_error"],
            cwd=self.folder, stdout=self.out, stderr=subprocess.STDOUT)
        reg = run_sipp(workers.cfg, "uac_register_staff.xml", timeout_s=15,
                       values={"USER": user, "CONTACT_PORT": str(self.port)})
        assert reg.rc == 0, reg.out


def _caller(workers: Workers, *, wait_ms: int, bye_timeout_ms: int, result: list) -> threading.Thread:
    def run() -> None:
        result.append(run_sipp(workers.cfg, "uac_emergency_hold.xml", timeout_s=(wait_ms + bye_timeout_ms) / 1000 + 30,
                               values={"WAIT_MS": str(wait_ms), "BYE_TIMEOUT_MS": str(bye_timeout_ms)}))

    t = threading.Thread(target=run)
    t.start()
    return t


def _pick_when_escalated(db: Database, staff_id: int, timeout_s: float = 30) -> int:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        esc = _escalation(db)
        if esc is not None:
            queue.pick(db, esc.id, staff_id=staff_id, mode="live")
            return esc.id
        time.sleep(0.1)
    raise AssertionError("no escalation was created")


def _wait_call_ended(db: Database, timeout_s: float = 20) -> Call:
    deadline = time.monotonic() + timeout_s
    while True:
        with db.session() as s:
            call = s.scalars(select(Call)).first()
            if (call is not None and call.outcome != "in_progress") or time.monotonic() > deadline:
                assert call is not None
                return call
        time.sleep(0.2)


def test_doctor_picking_live_is_rung_answered_and_bridged(workers: Workers, db: Database) -> None:
    staff_id = _doctor(db, phone="doctor-an")
    worker = workers.start(0)
    doctor = DoctorSipp(workers, user="doctor-an", talk_ms=8000)
    try:
        # the caller talks from about when the doctor answers; waits for the hotline's BYE after the bridge
        held_ms = _prompt_ms(workers, "emergency_115", "transfer_doctor")
        result: list = []
        caller = _caller(workers, wait_ms=held_ms, bye_timeout_ms=60000, result=result)
        esc_id = _pick_when_escalated(db, staff_id)
        caller.join(timeout=held_ms / 1000 + 120)
        assert not caller.is_alive()
        assert result and result[0].rc == 0, result[0].out if result else "caller sipp did not finish"
        assert doctor.wait(30) == 0, doctor.text()
    finally:
        doctor.stop()
    call = _wait_call_ended(db)
    assert call.outcome == "escalated"
    # the doctor's leg was answered, the case went picked -> in_call
    assert ("waiting", "picked") in _transitions(db, esc_id) and ("picked", "in_call") in _transitions(db, esc_id)
    assert queue.get(db, esc_id).status.value == "in_call"
    text = worker.text()
    assert "doctor-an: answered" in text or "to doctor-an: answered" in text, text[-3000:]
    bridge = BRIDGE_LOG.search(text)
    assert bridge, text[-3000:]
    ended_by, to_doctor, to_caller = bridge.group(1), int(bridge.group(2)), int(bridge.group(3))
    # the doctor talked 7 s (g711a.pcap) and the caller about as long: audio went both ways
    assert ended_by == "doctor" and to_caller >= 150 and to_doctor >= 100, bridge.group(0)


def test_hold_limit_reached_is_told_callback_and_hung_up_by_the_hotline(workers: Workers, db: Database,
                                                                        monkeypatch: pytest.MonkeyPatch) -> None:
    _doctor(db, phone="doctor-an")  # on duty, but nobody picks
    monkeypatch.setenv("IVR_HOLD_LIMIT_S", "4")
    worker = workers.start(0)
    spoken = _prompt_ms(workers, "emergency_115", "transfer_doctor", "hold_callback")
    result: list = []
    started = time.monotonic()
    caller = _caller(workers, wait_ms=1000, bye_timeout_ms=spoken + 4000 + 15000, result=result)
    caller.join(timeout=spoken / 1000 + 90)
    assert not caller.is_alive() and result[0].rc == 0, result[0].out  # the BYE came from the hotline
    assert time.monotonic() - started >= (spoken + 4000) / 1000 - 1  # after the hold limit and the callback prompt
    call = _wait_call_ended(db)
    assert call.outcome == "escalated"
    esc = _escalation(db)
    assert esc is not None and esc.mode == "callback" and esc.status.value == "waiting"
    assert "nobody picked within 4 s" in worker.text()
    assert "hold prompt hold_callback" in worker.text()


def test_no_doctor_on_duty_is_told_callback_at_once(workers: Workers, db: Database) -> None:
    worker = workers.start(0)
    spoken = _prompt_ms(workers, "emergency_115", "transfer_doctor", "hold_callback")
    result: list = []
    started = time.monotonic()
    caller = _caller(workers, wait_ms=1000, bye_timeout_ms=spoken + 15000, result=result)
    caller.join(timeout=spoken / 1000 + 90)
    assert not caller.is_alive() and result[0].rc == 0, result[0].out
    assert time.monotonic() - started < (spoken + 15000) / 1000
    esc = _escalation(db)
    assert esc is not None and esc.mode == "callback" and esc.risk == "emergency"
    assert "hold prompt hold_callback" in worker.text() and "hold prompt hold_reassure" not in worker.text()


def test_caller_hanging_up_during_the_bridge_hangs_up_the_doctor(workers: Workers, db: Database) -> None:
    staff_id = _doctor(db, phone="doctor-an")
    worker = workers.start(0)
    doctor = DoctorSipp(workers, user="doctor-an", talk_ms=60000, scenario="uas_doctor_wait_bye.xml")
    try:
        held_ms = _prompt_ms(workers, "emergency_115", "transfer_doctor")
        result: list = []

        def call() -> None:
            result.append(run_sipp(workers.cfg, "uac_emergency_bye.xml", timeout_s=held_ms / 1000 + 60,
                                   values={"WAIT_MS": str(held_ms), "HOLD_MS": "5000"}))

        caller = threading.Thread(target=call)
        caller.start()
        esc_id = _pick_when_escalated(db, staff_id)
        caller.join(timeout=held_ms / 1000 + 90)
        assert not caller.is_alive() and result[0].rc == 0, result[0].out
        assert doctor.wait(30) == 0, doctor.text()  # the doctor's phone got the hotline's BYE
    finally:
        doctor.stop()
    assert _wait_call_ended(db).outcome == "escalated"
    assert queue.get(db, esc_id).status.value == "in_call"
    bridge = BRIDGE_LOG.search(worker.text())
    assert bridge and bridge.group(1) == "caller" and int(bridge.group(3)) > 0, worker.text()[-3000:]


def test_doctor_not_answering_is_cancelled_and_the_case_goes_back(workers: Workers, db: Database,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    staff_id = _doctor(db, phone="doctor-an")
    monkeypatch.setenv("IVR_BRIDGE_RING_S", "3")
    monkeypatch.setenv("IVR_HOLD_LIMIT_S", "10")
    worker = workers.start(0)
    doctor = DoctorSipp(workers, user="doctor-an", scenario="uas_doctor_no_answer.xml")
    try:
        spoken = _prompt_ms(workers, "emergency_115", "transfer_doctor", "hold_callback")
        result: list = []
        caller = _caller(workers, wait_ms=1000, bye_timeout_ms=spoken + 10000 + 15000, result=result)
        esc_id = _pick_when_escalated(db, staff_id)
        caller.join(timeout=spoken / 1000 + 90)
        assert not caller.is_alive() and result[0].rc == 0, result[0].out  # callback prompt, then the BYE
        assert doctor.wait(30) == 0, doctor.text()  # rung, CANCELled, 487 acknowledged
    finally:
        doctor.stop()
    text = worker.text()
    assert "did not answer" in text and "hold prompt bridge_no_answer" in text, text[-3000:]
    # picked -> waiting (given back to other doctors), then a callback at the hold limit
    assert ("picked", "waiting") in _transitions(db, esc_id)
    esc = queue.get(db, esc_id)
    assert esc.status.value == "waiting" and esc.mode == "callback" and esc.picked_by_id is None
