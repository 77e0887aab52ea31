"""A prompt recorded by phone through the studio extension, over real SIP: sipp on 127.0.0.3 -> Kamailio
(project template) -> an `ivr sip-worker` process with the real recognizer; then a caller on the hotline
hears the recording (RTP captured and compared with the stored WAV). Three wrong PINs: goodbye, hang-up."""
from __future__ import annotations

import time

import numpy as np
import pytest
from sqlalchemy import select

from ivr import ROOT, audio
from ivr.audio.g711 import ulaw_to_pcm16
from ivr.engine.prompts import load_catalog
from ivr.engine.studio import hash_pin
from ivr.store.database import Database
from ivr.store.models import AuditLog, Prompt, Role, StaffUser
from ivr.tts.recording import import_recording, recorded_text

from . import pcap
from .conftest import Workers, run_sipp
from .rawpeer import RawCaller

pytestmark = pytest.mark.slow

FIXTURES = ROOT / "tests" / "data" / "audio"
SAID = "chúng ta có thể áp dụng logic tương tự với người khác"  # what sentence_ly.wav says (fixtures.tsv)
TARGET = "greeting"  # the prompt recorded by phone; its text is set to SAID for this test (an admin's edit)
PIN = "246801"
STAFF_IP = "127.0.0.3"


def _fixture_pcm(name: str) -> bytes:
    pcm, rate = audio.read_wav(str(FIXTURES / f"{name}.wav"))
    return audio.resample(pcm, rate, 8000) if rate != 8000 else pcm


def _key_pcaps(workers: Workers, digits: str) -> dict[str, str]:
    folder = workers.cfg.data_dir / "pcaps"
    folder.mkdir(parents=True, exist_ok=True)
    values = {}
    for i, digit in enumerate(digits):  # the same key twice needs a new RTP timestamp, as phones send it
        name = f"studio-key{i}.pcap"
        (folder / name).write_bytes(pcap.dtmf_pcap(digit, ts=16000 * (i + 1)))
        values[f"K{i}"] = name
    return values


def _only_target_left(workers: Workers, db: Database) -> None:
    """Every other fixed prompt already recorded (a short real word will do), so that the studio offers
    only TARGET; TARGET's text edited by an admin to the words the staff member will say."""
    cfg = workers.cfg
    co = audio.wav_bytes(_fixture_pcm("co"), 8000)
    for pid, text in load_catalog(cfg.prompts_catalog).texts.items():
        if pid != TARGET and not ("{" in text and "}" in text):
            import_recording(cfg, pid, co, text=text, folder=cfg.prompt_recordings_path)
    with db.session() as s:
        s.add(Prompt(id=TARGET, text=SAID, updated_by="admin"))
        s.add(StaffUser(username="thu_am", password_hash="x", role=Role.ADMIN, phone_pin_hash=hash_pin(PIN)))


class ListeningCaller(RawCaller):
    """A hotline caller that keeps the PCMU payloads the worker sends."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.payloads: list[bytes] = []

    def _media(self) -> None:
        assert self.worker_media is not None
        next_at = time.monotonic()
        while not self._stop.is_set():
            now = time.monotonic()
            if now >= next_at:
                self._send(b"\xff" * 160, pt=0)
                next_at = max(next_at + 0.02, now - 0.2)
            try:
                data, src = self.rtp.recvfrom(2048)
            except (TimeoutError, BlockingIOError):
                continue
            except OSError:
                return
            if src == self.worker_media and len(data) > 12 and data[1] & 0x7F == 0:
                self.payloads.append(data[12:])


def _best_match(heard: bytes, said: bytes) -> float:
    """The highest normalized correlation of ``said`` (its first 1.5 s) anywhere in ``heard``."""
    x = np.frombuffer(heard, dtype="<i2").astype(np.float64)
    y = np.frombuffer(said, dtype="<i2").astype(np.float64)[:12000]
    if len(x) < len(y):
        return 0.0
    dots = np.correlate(x, y, mode="valid")
    energy = np.sqrt(np.convolve(x * x, np.ones(len(y)), mode="valid"))
    return float(np.max(dots / (energy * np.linalg.norm(y) + 1e-9)))


def test_a_prompt_recorded_by_phone_is_stored_and_played_to_callers(workers: Workers, db: Database) -> None:
    _only_target_left(workers, db)
    workers.start(0)
    cfg = workers.cfg
    speech = _fixture_pcm("sentence_ly")
    (cfg.data_dir / "pcaps" / "studio-speech.pcap").parent.mkdir(parents=True, exist_ok=True)
    (cfg.data_dir / "pcaps" / "studio-speech.pcap").write_bytes(
        pcap.audio_pcap(speech, "PCMU", lead_silence_ms=200, trail_silence_ms=800))
    keep = cfg.data_dir / "pcaps" / "studio-keep.pcap"
    keep.write_bytes(pcap.dtmf_pcap("1", ts=16000 * 20))
    speech_ms = int(len(speech) / 16) + 1000
    values = {**_key_pcaps(workers, PIN + "#"), "SPEECH": "studio-speech.pcap", "KEEP": keep.name,
              "WAIT_SPEAK": "12000", "WAIT_KEEP": str(speech_ms + 4000), "BYE_WAIT": "150000"}
    result = run_sipp(cfg, "uac_studio_keep.xml", timeout_s=200, values=values, service=cfg.studio_extension,
                      local_ip=STAFF_IP)
    log = workers.started[0].text()
    assert result.rc == 0, result.out + "\n--- worker\n" + log[-4000:]
    folder = cfg.prompt_recordings_path
    assert recorded_text(folder, TARGET) == (True, SAID), log[-4000:]
    assert "studio: thu_am recorded greeting" in log
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "prompt_upload")).all()
    assert [(r.actor, r.target, r.detail["via"]) for r in rows] == [("thu_am", f"prompt:{TARGET}", "phone")]
    stored, rate = audio.read_wav(str(folder / f"{TARGET}.wav"))
    assert rate == 8000 and len(stored) / 16000 < len(speech) / 16000 + 1.5  # trimmed around the speech

    # a caller on the hotline hears the recording: the greeting is the first thing played
    caller = ListeningCaller(front=("127.0.0.1", cfg.sip_port), ip="127.0.0.2")
    try:
        reply = caller.invite(timeout_s=15)
        assert reply is not None and reply.status == 200, reply and reply.text
        time.sleep(len(stored) / 16000 + 3)
    finally:
        caller.close()
    heard = ulaw_to_pcm16(b"".join(caller.payloads))
    assert _best_match(heard, stored) > 0.9


def test_three_wrong_pins_hang_up(workers: Workers, db: Database) -> None:
    with db.session() as s:
        s.add(StaffUser(username="thu_am", password_hash="x", role=Role.ADMIN, phone_pin_hash=hash_pin(PIN)))
    workers.start(0)
    values = {**_key_pcaps(workers, "000000#111111#999999#"), "BYE_WAIT": "30000"}
    result = run_sipp(workers.cfg, "uac_studio_wrong_pin.xml", timeout_s=60, values=values,
                      service=workers.cfg.studio_extension, local_ip=STAFF_IP)
    assert result.rc == 0, result.out + "\n--- worker\n" + workers.started[0].text()[-3000:]
    with db.session() as s:
        rows = s.scalars(select(AuditLog).where(AuditLog.action == "studio_pin_failed")).all()
    assert [(r.target, r.detail["attempt"], r.detail["locked"]) for r in rows] == [
        ("caller:0912345678", 1, False), ("caller:0912345678", 2, False), ("caller:0912345678", 3, True)]
    assert "wrong PIN from 0912345678 (attempt 3 of this call, hanging up)" in workers.started[0].text()
