"""Prompts: edit text (overrides the catalog), hear it, upload a recording (validated), revert."""
from __future__ import annotations

import io
import math
import struct
import wave

from admin.content import base_catalog, effective_catalog
from ivr import ROOT, audio
from ivr.store.models import Prompt

SPEECH = ROOT / "tests" / "data" / "audio" / "sentence_ly.wav"  # a real voice; its words:
SAID = "Chúng ta có thể áp dụng logic tương tự với người khác."
OTHER_SPEECH = ROOT / "tests" / "data" / "audio" / "sentence_doan.wav"


def speech_seconds() -> str:
    return f"{audio.wav_info(SPEECH.read_bytes()).duration_s:.1f}".replace(".", ",")


def say(auth, prompt_id="goodbye", text=SAID):
    """Give the prompt the words the test recording says (recordings are checked against the text)."""
    resp = auth.post(f"/prompts/{prompt_id}", {"text": text}, follow_redirects=True)
    assert resp.status_code == 200


def tone_wav(seconds=1.0, rate=16000, amplitude=8000):
    buf = io.BytesIO()
    with wave.open(buf, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(b"".join(struct.pack("<h", int(amplitude * math.sin(2 * math.pi * 440 * i / rate)))
                               for i in range(int(rate * seconds))))
    return buf.getvalue()


def test_admin_only(client, auth):
    auth.login("bs_a")
    assert client.get("/prompts/").status_code == 403
    assert client.get("/prompts/greeting/audio").status_code == 403


def test_edit_text_overrides_catalog(client, auth, db, admin_cfg):
    auth.login("admin")
    assert "greeting" in client.get("/prompts/").get_data(as_text=True)
    resp = auth.post("/prompts/goodbye", {"text": "Chào ông bà,   hẹn gặp lại."}, follow_redirects=True)
    assert "Đã lưu lời nhắc." in resp.get_data(as_text=True)
    with db.session() as s:
        assert effective_catalog(s, admin_cfg).texts["goodbye"] == "Chào ông bà, hẹn gặp lại."
    auth.post("/prompts/goodbye/revert", {"what": "text"})
    with db.session() as s:
        assert s.get(Prompt, "goodbye") is None


def test_text_validation(client, auth, db):
    auth.login("admin")
    assert "không được để trống" in auth.post("/prompts/goodbye", {"text": "  "}).get_data(as_text=True)
    resp = auth.post("/prompts/goodbye", {"text": "Xin chào {ten_la}"})
    assert resp.status_code == 400 and "{ten_la}" in resp.get_data(as_text=True)
    assert client.get("/prompts/khong_co").status_code == 404


def test_preview_audio(client, auth):
    auth.login("admin")
    resp = client.get("/prompts/goodbye/audio")
    assert resp.status_code == 200 and resp.mimetype == "audio/wav"
    with wave.open(io.BytesIO(resp.data)) as w:
        assert w.getframerate() == 8000 and w.getnframes() > 8000 * 0.3


def test_upload_recording_and_revert(client, auth, db, admin_cfg):
    auth.login("admin")
    say(auth)
    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(SPEECH.read_bytes()), "tam-biet.wav")},
                     content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert f"Đã nhận bản ghi âm: {speech_seconds()} giây" in html and "bản ghi âm giọng người" in html
    stored = admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav"  # the data dir, not the checkout
    with wave.open(str(stored)) as w:
        assert w.getframerate() == 8000
    assert not (admin_cfg.recordings_dir / "goodbye.wav").exists()
    assert client.get("/prompts/goodbye/audio").data == stored.read_bytes()
    resp = auth.post("/prompts/goodbye/revert", {"what": "recording"}, follow_redirects=True)
    assert "dùng giọng tổng hợp" in resp.get_data(as_text=True) and not stored.exists()


def test_bad_recordings_are_refused(client, auth, admin_cfg):
    auth.login("admin")
    cases = [
        (b"not a wav at all", "a.wav", "Tệp ghi âm bị hỏng hoặc không phải WAV"),
        (tone_wav(seconds=0.1), "b.wav", "quá ngắn"),
        (tone_wav(amplitude=1), "c.wav", "gần như im lặng"),
        (tone_wav(), "d.mp3", "Chỉ nhận tệp WAV"),
    ]
    for data, name, message in cases:
        resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(data), name)},
                         content_type="multipart/form-data", follow_redirects=True)
        assert message in resp.get_data(as_text=True), name
    assert not (admin_cfg.recordings_dir / "goodbye.wav").exists()
    assert not (admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav").exists()


def test_upload_size_limit(client, auth, admin_cfg):
    auth.login("admin")
    big = tone_wav(seconds=0.5) + b"\0" * (admin_cfg.max_upload_bytes + 100_000)
    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(big), "lon.wav")},
                     content_type="multipart/form-data")
    assert resp.status_code == 413 and "Tệp quá lớn" in resp.get_data(as_text=True)
    assert not (admin_cfg.recordings_dir / "goodbye.wav").exists()
    assert not (admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav").exists()


def test_uploads_go_to_the_data_dir_and_override_the_shipped_recording(client, auth, admin_cfg):
    """The checkout's recordings (recordings_dir) are defaults, read only; an upload lands in
    <data_dir>/prompts/recordings and wins, for the admin's preview and for the phone line; reverting
    it brings the shipped recording back."""
    from ivr.tts.recording import import_recording
    from ivr.tts.render import PromptRenderer

    shipped_dir = admin_cfg.recordings_dir
    shipped_dir.mkdir(parents=True)
    import_recording(admin_cfg, "goodbye", tone_wav(seconds=1.5, rate=8000), text=SAID)  # shipped with the code
    before = sorted((p.name, p.read_bytes()) for p in shipped_dir.iterdir())
    auth.login("admin")
    say(auth)
    assert client.get("/prompts/goodbye/audio").data == (shipped_dir / "goodbye.wav").read_bytes()

    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(SPEECH.read_bytes()), "moi.wav")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert f"Đã nhận bản ghi âm: {speech_seconds()} giây" in resp.get_data(as_text=True)
    uploaded = admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav"
    assert sorted((p.name, p.read_bytes()) for p in shipped_dir.iterdir()) == before  # checkout untouched
    assert client.get("/prompts/goodbye/audio").data == uploaded.read_bytes()
    with PromptRenderer(admin_cfg) as worker_side:  # what a SIP worker plays
        assert worker_side.render("goodbye", SAID) == uploaded

    resp = auth.post("/prompts/goodbye/revert", {"what": "recording"}, follow_redirects=True)
    assert "dùng lại bản ghi âm có sẵn" in resp.get_data(as_text=True)
    assert not uploaded.exists()
    assert client.get("/prompts/goodbye/audio").data == (shipped_dir / "goodbye.wav").read_bytes()


def test_a_recording_of_other_words_is_refused_showing_what_was_heard(client, auth, admin_cfg):
    auth.login("admin")
    say(auth)
    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(OTHER_SPEECH.read_bytes()), "sai.wav")},
                     content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Không nhận bản ghi âm: Bản ghi âm không khớp với lời nhắc: hệ thống nghe được «nuôi con" in html
    assert not (admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav").exists()
    assert "giọng tổng hợp" in html


def test_coverage_shows_on_the_dashboard_until_every_fixed_prompt_is_recorded(client, auth, admin_cfg):
    auth.login("admin")
    html = client.get("/stats/").get_data(as_text=True)
    total = sum(1 for pid, t in base_catalog(admin_cfg).texts.items()
                if "{" not in t and not pid.startswith("studio_"))  # staff's prompts are not callers'
    assert total > 20
    assert f"Còn {total} trong {total} lời nhắc người gọi đang nghe bằng giọng máy đọc" in html
    say(auth)
    auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(SPEECH.read_bytes()), "a.wav")},
              content_type="multipart/form-data")
    html = client.get("/stats/").get_data(as_text=True)
    assert f"Còn {total - 1} trong {total} lời nhắc" in html
    listing = client.get("/prompts/?missing=1").get_data(as_text=True)
    assert f"<strong>1/{total}</strong>" in listing and "/prompts/goodbye\"" not in listing
    auth.logout()
    auth.login("bs_a")
    assert "voice-coverage" not in client.get("/stats/").get_data(as_text=True)  # a doctor has no prompts to record
