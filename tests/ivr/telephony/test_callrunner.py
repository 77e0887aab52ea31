"""The call loop (ivr.telephony.callrunner) with the real engine, flow, prompts, recognizer, escalation queue
and database, driven by a scripted line on a virtual clock (no pyVoIP, no sockets, no real-time waits:
utterances are decoded inline on the call's thread)."""
from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select

from escalation.desk import QueueDesk
from escalation.triage import default_triage
from ivr import audio
from ivr.config import Config
from ivr.engine.flow import load_flow
from ivr.engine.prompts import load_catalog
from ivr.engine.session import Session
from ivr.nlu.understander import default_understander
from ivr.store.database import Database
from ivr.store.models import Call, Escalation
from ivr.telephony.callrunner import CallRunner, DecodePool, Decoding, TurnStats
from ivr.telephony.callstore import CallStore
from ivr.tts.render import PromptRenderer

from .fakes import SILENCE, Clock, InlineExecutor, StuckExecutor, VirtualLine

pytestmark = pytest.mark.slow

class ScriptedLine(VirtualLine):
    """A caller saying ``audio_at`` = (start second, audio as the phone's 8-bit samples) and pressing keys at
    given times."""

    sip_call_id = "scripted@test"

    def __init__(self, clock: Clock, *, audio_at: tuple[float, bytes] | None = None,
                 keys: tuple[tuple[float, str], ...] = (), hangup_at: float | None = None):
        super().__init__(clock, keys=keys, hangup_at=hangup_at)
        self.audio_at = audio_at

    def caller_frame(self, rel: float) -> bytes:
        if self.audio_at is not None:
            start, u8 = self.audio_at
            i = round((rel - start) / 0.02)
            if 0 <= i < len(u8) // 160:
                return audio.u8_to_pcm16(u8[i * 160:(i + 1) * 160])
        return SILENCE


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    from ivr import config as config_mod
    from ivr.speech.recognizer import open_recognizer

    cache = tmp_path_factory.mktemp("runner-prompts")
    cfg = config_mod.load(env={}, prompt_cache_dir=cache)
    catalog = load_catalog(cfg.prompts_catalog)
    decoder = DecodePool(open_recognizer(cfg, cfg.asr_engine).transcriber(), threads=1, executor=InlineExecutor())
    yield {"catalog": catalog, "flow": load_flow(cfg.flows_dir / f"{cfg.flow}.yaml", catalog),
           "prompts": PromptRenderer(cfg, catalog=catalog), "decoder": decoder,
           "understander": default_understander(), "triage": default_triage()}
    decoder.shutdown()


def _runner(shared: dict, cfg: Config, db: Database, redis_url: str, clock: Clock,
            decoder: Decoding | None = None) -> CallRunner:
    cfg = cfg.replace(redis_url=redis_url)
    session = Session(shared["flow"], catalog=shared["catalog"], understander=shared["understander"],
                      triage=shared["triage"])
    store = CallStore(db, desk=QueueDesk(db, cfg, outside_numbers=True))
    return CallRunner(engine=session, prompts=shared["prompts"], decoder=decoder or shared["decoder"], store=store,
                      recordings_dir=cfg.recordings_path, worker="test", flow_name="covid_f0", clock=clock,
                      sleep=clock.sleep, stats=TurnStats(), max_call_s=600)


def _run(runner: CallRunner, line: ScriptedLine) -> str:
    result: list[str] = []
    t = threading.Thread(target=lambda: result.append(runner.run(line)))
    t.start()
    t.join(timeout=240)
    assert not t.is_alive(), "the call loop did not end"
    return result[0]


def _speech_u8(shared: dict, text: str) -> bytes:
    return audio.pcm16_to_u8(shared["prompts"].pcm("test_caller", text))


def test_key_barges_in_within_100_ms_and_emergency_is_persisted(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    line = ScriptedLine(clock, keys=((1.0, "1"),), hangup_at=12.0)
    outcome = _run(_runner(shared, cfg, db, redis_url, clock), line)
    assert outcome == "escalated"
    greeting = [t for t, _ in line.out if t <= 1.0]
    assert greeting, "the greeting never played"
    # after the key, the next frame on the wire belongs to the emergency prompt: the greeting stopped
    after = [t for t, _ in line.out if t > 1.0]
    assert after and after[0] - 1.0 <= 0.1
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        esc = s.scalars(select(Escalation)).one()
        assert call.outcome == "escalated" and esc.call_id == call.id and esc.risk == "emergency"
        assert [st.digits for st in call.steps if st.event == "dtmf"] == ["1"]
        assert Path(call.recording_path).stat().st_size >= 44 + 2 * 8000 * 10  # 10+ s of the caller


def test_speech_barges_in_and_is_transcribed(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    speech = _speech_u8(shared, "Tôi bị sốt và ho.")
    line = ScriptedLine(clock, audio_at=(1.0, speech), hangup_at=30.0)
    runner = _runner(shared, cfg, db, redis_url, clock)
    _run(runner, line)
    played_during_speech = [t for t, _ in line.out if 1.0 + 0.2 < t < 1.0 + len(speech) / 8000]
    assert not played_during_speech, "the greeting kept playing over the caller"
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        spoken = [st for st in call.steps if st.event == "speech"]
        assert spoken and spoken[0].transcript and spoken[0].intent
    assert runner.stats.latencies_ms


def test_a_quiet_caller_is_heard(shared, cfg, db, redis_url) -> None:
    # a real recording 20 dB down, as pyVoIP delivers it (8-bit): without level normalisation before
    # the gate, what the gate lets through is decoded as nothing
    import numpy as np

    from ivr.speech.recognizer import open_recognizer

    pcm, _ = audio.read_wav(Path(__file__).resolve().parents[2] / "data" / "audio" / "duoc.wav")
    u8 = audio.pcm16_to_u8(np.rint(np.frombuffer(pcm, dtype="<i2") * 0.1).astype("<i2").tobytes())
    gate = audio.VoiceGate(8000, start_ms=60, end_silence_ms=500, hangover_ms=300, pre_roll_ms=300)
    gated = b"".join(ev.audio for ev in gate.feed(audio.u8_to_pcm16(u8)) + gate.flush())
    assert open_recognizer(cfg, cfg.asr_engine).transcribe(gated, 8000).text == ""
    clock = Clock()
    line = ScriptedLine(clock, audio_at=(1.0, u8), hangup_at=20.0)
    _run(_runner(shared, cfg, db, redis_url, clock), line)
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        assert [st.transcript for st in call.steps if st.event == "speech"][:1] == ["được"]


def test_caller_hangup_mid_prompt_is_abandoned(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    line = ScriptedLine(clock, hangup_at=2.0)
    assert _run(_runner(shared, cfg, db, redis_url, clock), line) == "abandoned"
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        assert call.outcome == "abandoned" and call.ended_at is not None


def test_silence_fires_no_input_timers_and_never_ends_in_silence(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    line = ScriptedLine(clock, hangup_at=400.0)
    outcome = _run(_runner(shared, cfg, db, redis_url, clock), line)
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        events = [st.event for st in call.steps]
    assert events.count("no_input") >= 2, events
    # three failures fall back to a human, never to silence
    assert outcome in ("handed_off", "escalated") and "handoff" in events


def test_saturated_decode_pool_degrades_to_keys_only(shared, cfg, db, redis_url) -> None:
    from ivr import config as config_mod
    from ivr.speech.recognizer import open_recognizer
    from ivr.telephony.callrunner import OVERLOAD_TRANSCRIPT

    busy = DecodePool(open_recognizer(config_mod.load(env={})).transcriber(), threads=1, backlog=0,
                      executor=StuckExecutor())
    try:
        long_speech = audio.u8_to_pcm16(_speech_u8(shared, "Tôi bị sốt và ho. " * 6))
        busy.submit(long_speech, None)  # the only decoder thread is taken
        clock = Clock()
        line = ScriptedLine(clock, audio_at=(1.0, _speech_u8(shared, "Tôi bị sốt và ho.")), hangup_at=8.0)
        runner = _runner(shared, cfg, db, redis_url, clock, decoder=busy)
        _run(runner, line)
    finally:
        busy.shutdown()
    assert runner.overloaded == 1
    with db.session() as s:
        steps = s.scalars(select(Call)).one().steps
        assert [st.transcript for st in steps if st.event == "speech"] == [OVERLOAD_TRANSCRIPT]
        # the engine answered "not understood" by offering the keys again
        assert any(st.event == "no_match" for st in steps)


def test_a_starved_stream_pool_answers_keys_only_never_silence(shared, cfg, db, redis_url) -> None:
    """The decode process gets no CPU (stopped, as a child starved by other load): the audio queued for
    it would take longer than asr_max_wait_ms at its speed, so the caller is answered at once with
    the keys, and the call goes on."""
    import os
    import signal

    from ivr.speech.streampool import StreamPool
    from ivr.telephony.callrunner import OVERLOAD_TRANSCRIPT

    pool = StreamPool(cfg, 1)
    child = pool._children[0].process
    assert child.pid is not None
    os.kill(child.pid, signal.SIGSTOP)
    try:
        assert not pool.saturated  # nothing queued: nothing to wait for
        long_speech = audio.u8_to_pcm16(_speech_u8(shared, "Tôi bị sốt và ho. " * 6))
        queued = pool.submit(long_speech, None)  # seconds of audio for a child that does not run
        assert pool.predicted_wait_s > cfg.asr_max_wait_ms / 1000 and pool.saturated
        clock = Clock()
        line = ScriptedLine(clock, audio_at=(1.0, _speech_u8(shared, "Tôi bị sốt và ho.")), hangup_at=8.0)
        runner = _runner(shared, cfg, db, redis_url, clock, decoder=pool)
        _run(runner, line)
        assert not queued.done()
    finally:
        os.kill(child.pid, signal.SIGCONT)
        pool.shutdown()
    assert runner.overloaded == 1
    with db.session() as s:
        steps = s.scalars(select(Call)).one().steps
        assert [st.transcript for st in steps if st.event == "speech"] == [OVERLOAD_TRANSCRIPT]
        assert any(st.event == "no_match" for st in steps)


def test_last_words_before_a_hangup_are_still_heard(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    speech = _speech_u8(shared, "Tôi khó thở quá.")
    # the caller speaks over the greeting and hangs up 100 ms after the last word
    line = ScriptedLine(clock, audio_at=(1.0, speech), hangup_at=1.0 + len(speech) / 8000 + 0.1)
    assert _run(_runner(shared, cfg, db, redis_url, clock), line) in ("abandoned", "escalated")
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        events = [(st.event, st.transcript) for st in call.steps]
    spoken = [t for e, t in events if e == "speech"]
    assert spoken and spoken[0], events
    assert events[-1][0] == "hangup"


def test_the_caller_s_recording_is_private(shared, cfg, db, redis_url) -> None:
    clock = Clock()
    assert _run(_runner(shared, cfg, db, redis_url, clock), ScriptedLine(clock, hangup_at=2.0)) == "abandoned"
    with db.session() as s:
        recording = Path(s.scalars(select(Call)).one().recording_path)
    assert recording.stat().st_size > 44
    assert recording.stat().st_mode & 0o777 == 0o600  # a caller's voice: the hotline's user alone
    assert recording.parent.stat().st_mode & 0o777 == 0o700


def test_a_check_in_that_is_not_escalated_still_leaves_its_reading(shared, cfg, db, redis_url) -> None:
    """The reading of the day (an Assessment row) is what the missed-reading and worsening-trend checks
    read: a routine check-in must leave one, not only an escalated call."""
    from ivr.store.models import Assessment

    clock = Clock()
    # check-in (3); a key the question does not know (5): the warning-sign questions, each answered no (2);
    # an oximeter (1), SpO2 97#, confirmed (1); no pulse shown, no thermometer, no breath count, no monitor
    presses = ["3", "5"] + ["2"] * 6 + ["1", "97#", "1", "2", "2", "2", "2"]
    keys = []
    for n, digits in enumerate(presses):
        keys += [(1.0 + 16.0 * n + 0.3 * i, d) for i, d in enumerate(digits)]
    line = ScriptedLine(clock, keys=tuple(keys), hangup_at=1.0 + 16.0 * len(presses) + 20.0)
    _run(_runner(shared, cfg, db, redis_url, clock), line)
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        nodes = [st.node for st in call.steps]
        assert "advice_no_symptoms" in nodes and not s.scalars(select(Escalation)).all(), nodes
        (reading,) = s.scalars(select(Assessment).where(Assessment.call_id == call.id)).all()
        assert reading.vitals == {"spo2": 97.0} and reading.risk == "none"


def _real_u8(name: str) -> bytes:
    pcm, rate = audio.read_wav(Path(__file__).resolve().parents[2] / "data" / "audio" / name)
    return audio.pcm16_to_u8(audio.resample(pcm, rate, 8000))


def test_a_backchannel_over_the_greeting_holds_it_and_it_goes_on(shared, cfg, db, redis_url) -> None:
    # a real short utterance over the greeting; the decoder (scripted here: no recording of a murmur ships)
    # hears a backchannel: the greeting is held while the caller speaks, then goes on where it was
    heard: list[bytes] = []

    def murmur(pcm16: bytes, rate: int, listen: object) -> tuple[str, float]:
        heard.append(pcm16)
        return "dạ", 0.9

    decoder = DecodePool(murmur, threads=1, executor=InlineExecutor())
    clock = Clock()
    speech = _real_u8("co.wav")
    line = ScriptedLine(clock, audio_at=(2.0, speech), hangup_at=25.0)
    runner = _runner(shared, cfg, db, redis_url, clock, decoder=decoder)
    _run(runner, line)
    assert heard and runner.stats.backchannels == 1
    times = [t for t, frame in line.out]
    greeting_end = next(a for a, b in zip(times, times[1:]) if b - a > 1.0)  # then the question listens
    gaps = [(a, b) for a, b in zip(times, times[1:]) if b - a > 0.1 and a < greeting_end]
    assert len(gaps) == 1, "the greeting was held once, while the caller spoke"
    held_from, resumed_at = gaps[0]
    assert 2.0 < held_from < resumed_at < 2.0 + len(speech) / 8000 + 0.5
    assert resumed_at - held_from < 0.4
    # the whole greeting played but the frames already queued on the line when it was held (60 ms)
    greeting = [t for t in times if t <= greeting_end]
    expected = shared["prompts"].pcm("greeting", shared["catalog"].texts["greeting"])
    assert len(greeting) >= len(expected) // 320 - 3
    with db.session() as s:
        call = s.scalars(select(Call)).one()
        assert not [st for st in call.steps if st.event == "speech"]  # "dạ" was not an answer
