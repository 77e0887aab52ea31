"""Prompts screen (admins): edit the text, hear the synthesized audio, upload a human recording, revert."""
from __future__ import annotations

import string
import threading
import unicodedata

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ivr.engine.prompts import PROMPT_ID, PromptCatalog
from ivr.errors import AudioError, IvrError
from ivr.speech.recognizer import open_recognizer
from ivr.store.models import Prompt, utcnow
from ivr.tts.hearing import Listener
from ivr.tts.recording import (
    coverage,
    coverage_summary,
    find_recording,
    import_recording,
    prompt_source,
    revert_recording,
)
from ivr.tts.render import PromptRenderer

from . import content
from .web import admin_only, audit, cfg, dbs

bp = Blueprint("prompts", __name__, url_prefix="/prompts")
MAX_TEXT = 1000
_renderer_lock = threading.Lock()  # request threads share one PromptRenderer, created once under it


def renderer() -> PromptRenderer:
    """One renderer per app (thread-safe; its synthesizer starts on first use)."""
    with _renderer_lock:
        r = current_app.extensions.get("ivr_renderer")
        if r is None:
            r = current_app.extensions["ivr_renderer"] = PromptRenderer(cfg())
        return r  # type: ignore[no-any-return]


def _placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _catalogs() -> tuple[PromptCatalog, PromptCatalog]:
    return content.base_catalog(cfg()), content.effective_catalog(dbs(), cfg())


def _prompt_id(prompt_id: str, base: PromptCatalog) -> str:
    if not PROMPT_ID.match(prompt_id) or prompt_id not in base:
        abort(404)
    return prompt_id


def recording_state(prompt_id: str, text: str) -> str:
    """'none', 'active' (plays for this text) or 'stale' (recorded for other words; synthesis plays)."""
    source = prompt_source(cfg(), prompt_id, text, default_text=content.base_catalog(cfg()).texts.get(prompt_id))
    return {"synthesis": "none", "recording": "active", "stale": "stale"}[source]


def listener() -> Listener:
    """What the hotline's recognizer hears in a recording (loaded once per process, shared)."""
    return open_recognizer(cfg(), cfg().asr_engine).transcribe_all


def recording_coverage() -> dict[str, object]:
    """The dashboard's and the prompt list's count of prompts still read by the synthetic voice."""
    base, eff = _catalogs()
    return coverage_summary(coverage(cfg(), eff.texts.items(), defaults=dict(base.texts)))


@bp.route("/")
@admin_only
def index():  # type: ignore[no-untyped-def]
    base, eff = _catalogs()
    q = request.args.get("q", "").strip().lower()
    missing = request.args.get("missing") == "1"
    rows = []
    for pid, text in eff.texts.items():
        if q and q not in pid and q not in text.lower():
            continue
        state = "dynamic" if _placeholders(text) else recording_state(pid, text)
        if missing and state not in ("none", "stale"):
            continue
        rows.append({"id": pid, "text": text, "edited": text != base.texts.get(pid), "recording": state})
    return render_template("prompts/index.html", rows=rows, q=q, missing=missing, voice=recording_coverage())


@bp.route("/<prompt_id>", methods=["GET", "POST"])
@admin_only
def edit(prompt_id: str):  # type: ignore[no-untyped-def]
    base, eff = _catalogs()
    pid = _prompt_id(prompt_id, base)
    text = eff.texts[pid]
    status = 200
    if request.method == "POST":
        new = unicodedata.normalize("NFC", " ".join(request.form.get("text", "").split()))
        problem = None
        if not new:
            problem = "Lời nhắc không được để trống."
        elif len(new) > MAX_TEXT:
            problem = f"Lời nhắc quá dài (tối đa {MAX_TEXT} ký tự)."
        else:
            try:
                extra = _placeholders(new) - _placeholders(base.texts[pid])
            except ValueError:
                extra, problem = set(), "Dấu ngoặc nhọn { } không khớp."
            if extra:
                problem = ("Chỗ điền không có trong lời gốc: " + ", ".join(f"{{{x}}}" for x in sorted(extra))
                           + ". Hệ thống chỉ điền được các chỗ của lời gốc.")
        if problem:
            flash(problem, "error")
            text, status = new, 400
        else:
            row = dbs().get(Prompt, pid)
            if new == base.texts[pid]:
                if row is not None:
                    dbs().delete(row)
            elif row is None:
                dbs().add(Prompt(id=pid, text=new, updated_by=g.user.username, updated_at=utcnow()))
            else:
                row.text, row.updated_by, row.updated_at = new, g.user.username, utcnow()
            audit("prompt_edit", f"prompt:{pid}", text=new)
            dbs().commit()
            msg = "Đã lưu lời nhắc."
            if recording_state(pid, new) == "stale":
                msg += " Bản ghi âm cũ không khớp lời mới nên hệ thống sẽ dùng giọng tổng hợp."
            flash(msg, "success")
            return redirect(url_for("prompts.edit", prompt_id=pid))
    return render_template("prompts/edit.html", pid=pid, text=text, default=base.texts[pid],
                           edited=text != base.texts[pid], recording=recording_state(pid, text),
                           placeholders=sorted(_placeholders(base.texts[pid])),
                           max_mb=cfg().max_upload_bytes / 1_000_000), status


@bp.route("/<prompt_id>/audio")
@admin_only
def audio(prompt_id: str):  # type: ignore[no-untyped-def]
    """What the phone line plays for the current text (a recording, or synthesis)."""
    base, eff = _catalogs()
    pid = _prompt_id(prompt_id, base)
    spoken = eff.text(pid, {}) if _placeholders(eff.texts[pid]) else eff.texts[pid]
    try:
        path = renderer().render(pid, spoken)
    except IvrError as exc:
        return {"error": f"Không tạo được âm thanh: {exc}"}, 500
    return send_file(path, mimetype="audio/wav", max_age=0, conditional=True)


@bp.route("/<prompt_id>/recording", methods=["POST"])
@admin_only
def upload(prompt_id: str):  # type: ignore[no-untyped-def]
    base, eff = _catalogs()
    pid = _prompt_id(prompt_id, base)
    f = request.files.get("file")
    if f is None or not f.filename:
        flash("Hãy chọn tệp ghi âm (.wav).", "error")
        return redirect(url_for("prompts.edit", prompt_id=pid))
    if not f.filename.lower().endswith(".wav"):
        flash("Chỉ nhận tệp WAV (.wav).", "error")
        return redirect(url_for("prompts.edit", prompt_id=pid))
    data = f.read(cfg().max_upload_bytes + 1)
    if len(data) > cfg().max_upload_bytes:
        flash(f"Tệp quá lớn (tối đa {cfg().max_upload_bytes / 1_000_000:g} MB).", "error")
        return redirect(url_for("prompts.edit", prompt_id=pid))
    try:
        info = import_recording(cfg(), pid, data, text=eff.texts[pid], folder=cfg().prompt_recordings_path,
                                listen=listener(), max_wer=cfg().prompt_recording_max_wer)
    except (AudioError, IvrError) as exc:
        flash(f"Không nhận bản ghi âm: {exc}", "error")
        return redirect(url_for("prompts.edit", prompt_id=pid))
    row = dbs().get(Prompt, pid)
    if row is None:
        row = Prompt(id=pid, text=eff.texts[pid])
        dbs().add(row)
    row.recording_path, row.updated_by, row.updated_at = str(info.path), g.user.username, utcnow()
    audit("prompt_upload", f"prompt:{pid}", duration_s=info.duration_s, level_dbfs=round(info.level_dbfs, 1))
    dbs().commit()
    seconds = f"{info.duration_s:.1f}".replace(".", ",")
    flash(f"Đã nhận bản ghi âm: {seconds} giây, đã chuyển sang 8 kHz cho điện thoại.", "success")
    return redirect(url_for("prompts.edit", prompt_id=pid))


@bp.route("/<prompt_id>/revert", methods=["POST"])
@admin_only
def revert(prompt_id: str):  # type: ignore[no-untyped-def]
    """``what=recording``: back to synthesized speech; ``what=text``: back to the catalog's text."""
    base, _ = _catalogs()
    pid = _prompt_id(prompt_id, base)
    what = request.form.get("what", "recording")
    row = dbs().get(Prompt, pid)
    if what == "recording":
        existed = revert_recording(cfg(), pid, folder=cfg().prompt_recordings_path)  # shipped ones stay
        if row is not None:
            row.recording_path, row.updated_by, row.updated_at = "", g.user.username, utcnow()
        audit("prompt_revert", f"prompt:{pid}", what="recording")
        shipped = find_recording(cfg(), pid) is not None
        if existed:
            flash("Đã bỏ bản ghi âm tải lên; hệ thống dùng lại bản ghi âm có sẵn." if shipped
                  else "Đã bỏ bản ghi âm; hệ thống dùng giọng tổng hợp.", "success")
        else:
            flash("Lời nhắc này chưa có bản ghi âm tải lên; bản ghi âm có sẵn vẫn được dùng." if shipped
                  else "Lời nhắc này chưa có bản ghi âm.", "info")
    elif what == "text":
        if row is not None:
            dbs().delete(row)
        audit("prompt_revert", f"prompt:{pid}", what="text")
        flash("Đã khôi phục lời nhắc mặc định.", "success")
    else:
        abort(400)
    dbs().commit()
    return redirect(url_for("prompts.edit", prompt_id=pid))
