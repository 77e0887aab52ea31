"""Prompts: edit text (overrides the catalog), hear it, upload a recording (validated), revert."""
from __future__ import annotations

import io
import math
import struct
import wave

from admin.content import base_catalog, effective_catalog
from ivr.store.models import Prompt


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
    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(tone_wav()), "tam-biet.wav")},
                     content_type="multipart/form-data", follow_redirects=True)
    html = resp.get_data(as_text=True)
    assert "Đã nhận bản ghi âm: 1,0 giây" in html and "bản ghi âm giọng người" in html
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
    from ivr.tts.render import PromptRenderer

    shipped_dir = admin_cfg.recordings_dir
    shipped_dir.mkdir(parents=True)
    (shipped_dir / "goodbye.wav").write_bytes(tone_wav(seconds=1.5, rate=8000))  # placed by hand: catalog text
    before = sorted((p.name, p.read_bytes()) for p in shipped_dir.iterdir())
    auth.login("admin")
    assert client.get("/prompts/goodbye/audio").data == (shipped_dir / "goodbye.wav").read_bytes()

    resp = auth.post("/prompts/goodbye/recording", {"file": (io.BytesIO(tone_wav(seconds=1.0)), "moi.wav")},
                     content_type="multipart/form-data", follow_redirects=True)
    assert "Đã nhận bản ghi âm: 1,0 giây" in resp.get_data(as_text=True)
    uploaded = admin_cfg.data_dir / "prompts" / "recordings" / "goodbye.wav"
    assert sorted((p.name, p.read_bytes()) for p in shipped_dir.iterdir()) == before  # checkout untouched
    assert client.get("/prompts/goodbye/audio").data == uploaded.read_bytes()
    text = base_catalog(admin_cfg).texts["goodbye"]
    with PromptRenderer(admin_cfg) as worker_side:  # what a SIP worker plays
        assert worker_side.render("goodbye", text) == uploaded

    resp = auth.post("/prompts/goodbye/revert", {"what": "recording"}, follow_redirects=True)
    assert "dùng lại bản ghi âm có sẵn" in resp.get_data(as_text=True)
    assert not uploaded.exists()
    assert client.get("/prompts/goodbye/audio").data == (shipped_dir / "goodbye.wav").read_bytes()
