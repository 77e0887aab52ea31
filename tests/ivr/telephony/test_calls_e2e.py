"""Real calls: sipp over loopback -> Kamailio (project template) -> `ivr sip-worker` processes.

Each test checks what the hotline stored (Call, CallStep, Escalation rows, recording)
and what `ivr calls list --json` shows."""
from __future__ import annotations

import json
import subprocess
import time
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import select

from ivr import ROOT, audio
from ivr.store.database import Database
from ivr.store.models import Call, Escalation

from . import pcap
from .conftest import IVR, Workers, run_sipp

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "data" / "audio"


def _wait_calls(db: Database, n: int, timeout_s: float = 20) -> list[Call]:
    deadline = time.monotonic() + timeout_s
    while True:
        with db.session() as s:
            calls = list(s.scalars(select(Call).order_by(Call.id)))
            done = [c for c in calls if c.outcome != "in_progress"]
            if len(done) >= n or time.monotonic() > deadline:
                for c in calls:
                    _ = c.steps
                return calls
        time.sleep(0.2)


def _calls_list(workers: Workers) -> list[dict]:
    out = subprocess.run([IVR, "--config", str(workers.config_file), "--data-dir", str(workers.cfg.data_dir),
                          "calls", "list", "--json"], check=False, capture_output=True, text=True, timeout=60,
                         cwd=str(ROOT))
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def _speech_pcap(workers: Workers, codec: str = "PCMU") -> tuple[str, bytes]:
    """A pcap of a Vietnamese symptom report (the ASR fixtures if present, else synthesized
    speech) and the 8 kHz PCM16 it carries."""
    folder = workers.cfg.data_dir / "pcaps"
    folder.mkdir(parents=True, exist_ok=True)
    name = f"symptoms-{codec}.pcap"
    candidates = sorted(FIXTURES.glob("*.wav")) if FIXTURES.exists() else []
    if candidates:
        pcm, rate = audio.read_wav(str(candidates[0]))
        pcm = audio.resample(pcm, rate, 8000) if rate != 8000 else pcm
    else:
        from ivr.tts.render import PromptRenderer

        pcm = PromptRenderer(workers.cfg).pcm("test_symptoms", "Tôi bị sốt và ho, hơi khó thở.")
    (folder / name).write_bytes(pcap.audio_pcap(pcm, codec, lead_silence_ms=200, trail_silence_ms=800))
    return name, pcm


def _correlation(a: bytes, b: bytes) -> float:
    n = min(len(a), len(b)) // 2
    x = np.frombuffer(a[:2 * n], dtype="<i2").astype(np.float64)
    y = np.frombuffer(b[:2 * n], dtype="<i2").astype(np.float64)
    return float(np.dot(x, y) / (np.linalg.norm(x) * np.linalg.norm(y) + 1e-9))


def test_emergency_key_ends_in_an_escalation(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_emergency_key.xml", timeout_s=40)
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 1)
    assert len(calls) == 1
    call = calls[0]
    assert call.outcome == "escalated"
    assert call.caller == "0912345678" and call.worker == "worker0"
    assert any(st.event == "dtmf" and st.digits == "1" for st in call.steps)
    with db.session() as s:
        esc = s.scalars(select(Escalation).where(Escalation.call_id == call.id)).all()
    # asked for live; with no doctor on duty anywhere, escalation.queue makes it a callback at once
    assert len(esc) == 1 and esc[0].risk == "emergency" and esc[0].mode == "callback"
    rec = Path(call.recording_path)
    assert rec.exists()  # this caller sent keys only (no audio RTP): the speech test checks the content
    listed = _calls_list(workers)
    assert listed[0]["id"] == call.id and listed[0]["outcome"] == "escalated" and listed[0]["risk"] == "emergency"
    assert listed[0]["digits"].startswith("1") and listed[0]["recording_path"] == str(rec)


def test_hangup_mid_prompt_is_abandoned(workers: Workers, db: Database) -> None:
    workers.start(0)
    result = run_sipp(workers.cfg, "uac_hangup_mid_prompt.xml", timeout_s=30)
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 1)
    assert [c.outcome for c in calls] == ["abandoned"]
    assert calls[0].ended_at is not None and calls[0].duration_s is not None and calls[0].duration_s < 10
    assert any(st.event == "hangup" for st in calls[0].steps)


@pytest.mark.parametrize("codec,scenario", [("PCMU", "uac_speech.xml"), ("PCMA", "uac_pcma_speech.xml")])
def test_spoken_symptom_report_is_transcribed_and_stored(workers: Workers, db: Database, codec: str,
                                                         scenario: str) -> None:
    workers.start(0)
    speech, pcm = _speech_pcap(workers, codec)
    result = run_sipp(workers.cfg, scenario, timeout_s=60, values={"SPEECH": speech})
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 1, timeout_s=30)
    spoken = [st for st in calls[0].steps if st.event == "speech"]
    assert spoken, f"no speech step stored: {[(s.node, s.event) for s in calls[0].steps]}"
    assert spoken[0].transcript.strip() != "" and spoken[0].intent != ""
    # the recording is what the caller sent, decoded with the right law: it matches the source
    recorded, rate = audio.read_wav(calls[0].recording_path)
    assert rate == 8000
    assert _correlation(recorded[200 * 16:], pcm) > 0.9
    listed = _calls_list(workers)
    assert any(st["event"] == "speech" and st["transcript"] for st in listed[0]["steps"])


def _fixture_pcap(workers: Workers, name: str) -> str:
    folder = workers.cfg.data_dir / "pcaps"
    folder.mkdir(parents=True, exist_ok=True)
    pcm, rate = audio.read_wav(str(FIXTURES / f"{name}.wav"))
    pcm = audio.resample(pcm, rate, 8000) if rate != 8000 else pcm
    (folder / f"{name}.pcap").write_bytes(pcap.audio_pcap(pcm, "PCMU", lead_silence_ms=100, trail_silence_ms=600))
    return f"{name}.pcap"


def test_spoken_answers_are_recognised_understood_and_stored(workers: Workers, db: Database) -> None:
    """Real recorded Vietnamese speech over a real call: the breathing rate "mười chín" is recognised,
    read back, confirmed with "có", and stored with the transcripts and intents."""
    workers.start(0)
    values = {"NUMBER": _fixture_pcap(workers, "muoi_chin"), "YES": _fixture_pcap(workers, "co"), "WAIT": "6000"}
    for i, digit in enumerate("32221"):  # the same key twice needs a new RTP timestamp, as phones send it
        name = f"key{i}-{digit}.pcap"
        (workers.cfg.data_dir / "pcaps" / name).write_bytes(pcap.dtmf_pcap(digit, ts=16000 * (i + 1)))
        values[f"KEY{i}"] = name
    result = run_sipp(workers.cfg, "uac_checkin_speech.xml", timeout_s=90, values=values)
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 1, timeout_s=40)
    call = calls[0]
    spoken = [(st.node, st.transcript, st.intent) for st in call.steps if st.event == "speech"]
    assert [st.digits for st in call.steps if st.event == "dtmf"] == ["3", "2", "2", "2", "1"]
    assert ("breathing_rate", "mười chín") in [(n, t) for n, t, _ in spoken], spoken
    assert ("breathing_rate", "có", "yes") in spoken, spoken
    assert call.slots.get("breathing_rate") == 19
    prompts = [st.prompt_id for st in call.steps if st.event == "prompt"]
    assert "confirm_breathing_rate" in prompts
    listed = _calls_list(workers)[0]
    assert any(st["transcript"] == "mười chín" for st in listed["steps"])


def test_two_workers_share_calls_and_survive_a_killed_worker(workers: Workers, db: Database) -> None:
    w0 = workers.start(0)
    w1 = workers.start(1)
    result = run_sipp(workers.cfg, "uac_hangup_mid_prompt.xml", calls=4, rate=4, limit=4, timeout_s=40)
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 4)
    assert {c.worker for c in calls} == {"worker0", "worker1"}
    workers.kill(w1)
    deadline = time.monotonic() + 10
    while workers.group_alive(w1) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not workers.group_alive(w1), "the killed worker's decode processes outlived it"
    result = run_sipp(workers.cfg, "uac_hangup_mid_prompt.xml", calls=3, rate=1, limit=3, timeout_s=60)
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 7)
    assert len(calls) == 7 and all(c.outcome == "abandoned" for c in calls)
    assert {c.worker for c in calls[4:]} == {"worker0"}
    assert w0.proc.poll() is None


def test_hotline_hangs_up_after_goodbye(workers: Workers, db: Database) -> None:
    """BYE from the worker's side: 5 (questions), 1 (medication advice), 9 (goodbye)."""
    from ivr.engine.prompts import load_catalog
    from ivr.tts.render import PromptRenderer

    workers.start(0)
    catalog = load_catalog(workers.cfg.prompts_catalog)
    advice = PromptRenderer(workers.cfg).pcm("faq_medication", catalog.text("faq_medication"))
    wait9 = int(len(advice) / 16 + 1500)  # the advice plays to its end (a statement), then "anything else?"
    result = run_sipp(workers.cfg, "uac_worker_bye.xml", timeout_s=wait9 / 1000 + 60,
                      values={"WAIT9": str(wait9)})
    assert result.rc == 0, result.out
    calls = _wait_calls(db, 1)
    assert calls[0].outcome == "completed"
    assert [st.digits for st in calls[0].steps if st.event == "dtmf"] == ["5", "1", "9"]
