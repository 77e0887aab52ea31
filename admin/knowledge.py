"""Knowledge base screen (issue 17): the question-answer entries by topic with their sources and dates;
edit as YAML with validation, drafts, review by a second staff member, publish, history; the answer as
the phone line plays it (a recording first, else synthesis); unanswered questions; topics per week.

Lifecycle of a ``KnowledgeVersion`` (the same idea as call flows, with a second pair of eyes):
``draft`` -> ``review`` (the author sends it) -> ``published`` by another staff member (or sent back,
``rejected``). Publishing validates the entry again inside the whole live base (related topics,
duplicate question forms): a broken entry is refused and the base already serving keeps serving.
"""
from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import yaml
from flask import Blueprint, abort, flash, g, redirect, render_template, request, send_file, url_for
from sqlalchemy import select

from ivr.engine.prompts import PROMPT_ID
from ivr.errors import AudioError, IvrError, KnowledgeError
from ivr.nlu.knowledge import (
    MAX_ANSWER_S,
    Entry,
    Knowledge,
    load_knowledge,
    parse_entry,
    spoken_seconds,
)
from ivr.nlu.topics import published_knowledge
from ivr.store.models import Call, CallStep, KnowledgeVersion, utcnow
from ivr.tts.recording import find_recording, import_recording, recorded_text

from .prompts import renderer
from .web import audit, can_act, cfg, dbs

bp = Blueprint("knowledge", __name__, url_prefix="/knowledge")
MAX_ENTRY_CHARS = 20_000
STATUS_VI = {"draft": "Bản nháp", "review": "Chờ duyệt", "published": "Đang dùng", "archived": "Cũ",
             "rejected": "Bị trả lại"}
BASIS_VI = {"reference": "theo tài liệu Bộ Y tế", "project": "theo nội dung đã duyệt của tổng đài",
            "general": "hướng dẫn chung, chuyển bác sĩ"}


def _dir() -> Any:
    return cfg().flows_dir / "knowledge"


def _live() -> Knowledge:
    """The base the phone line serves now: the files with the published versions applied."""
    knowledge, _ = published_knowledge(_dir(), dbs())
    return knowledge


def _topic(topic: str) -> str:
    if not PROMPT_ID.match(topic):
        abort(404)
    return topic


def versions(topic: str) -> list[KnowledgeVersion]:
    return list(dbs().scalars(select(KnowledgeVersion).where(KnowledgeVersion.topic == topic)
                              .order_by(KnowledgeVersion.version.desc())))


def entry_yaml(entry: Entry) -> str:
    return yaml.safe_dump(entry.to_data(), allow_unicode=True, sort_keys=False, width=110)


def validate(topic: str, text: str, live: Knowledge) -> tuple[Entry | None, list[str]]:
    """The entry, valid alone and inside the live base, or the problems (exact validator messages)."""
    if len(text) > MAX_ENTRY_CHARS:
        return None, [f"Nội dung quá dài (tối đa {MAX_ENTRY_CHARS} ký tự)."]
    try:
        entry = parse_entry(text, f"knowledge:{topic}", known=live.entries)
        if entry.topic != topic:
            return None, [f"Mã chủ đề trong nội dung (topic: {entry.topic}) khác với chủ đề đang sửa ({topic})."]
        live.replaced(entry)
    except KnowledgeError as exc:
        return None, list(exc.problems)
    return entry, []


def recording_state(topic: str, text: str) -> str:
    """'none', 'active' (the recording says this answer) or 'stale' (recorded for other words)."""
    pid = f"kb_{topic}"
    folder = find_recording(cfg(), pid)
    if folder is None:
        return "none"
    _, recorded = recorded_text(folder, pid)
    return "active" if recorded is not None and " ".join(recorded.split()) == " ".join(text.split()) else "stale"


@bp.route("/")
@can_act
def index():  # type: ignore[no-untyped-def]
    live = _live()
    rows = []
    pending = Counter(v.topic for v in dbs().scalars(select(KnowledgeVersion).where(
        KnowledgeVersion.status.in_(("draft", "review")))))
    for e in sorted(live, key=lambda e: (e.group, e.topic)):
        rows.append({"entry": e, "seconds": spoken_seconds(e.answer), "pending": pending.get(e.topic, 0),
                     "basis": BASIS_VI.get(e.source.basis, e.source.basis)})
    return render_template("knowledge/index.html", rows=rows)


def _page(topic: str, text: str, current: KnowledgeVersion | None, live: Knowledge, *,
          problems: list[str] | None = None, status: int = 200):  # type: ignore[no-untyped-def]
    entry = live.entries.get(topic)
    return render_template("knowledge/edit.html", topic=topic, text=text, current=current, entry=entry,
                           problems=problems or [], seconds=spoken_seconds(entry.answer) if entry else None,
                           max_s=MAX_ANSWER_S, recording=recording_state(topic, entry.answer) if entry else "none",
                           versions=versions(topic), STATUS_VI=STATUS_VI), status


@bp.route("/<topic>")
@can_act
def edit(topic: str):  # type: ignore[no-untyped-def]
    topic = _topic(topic)
    live = _live()
    vs = versions(topic)
    if vs:
        return _page(topic, vs[0].yaml_text, vs[0], live)
    if topic not in live:
        abort(404)
    return _page(topic, entry_yaml(live[topic]), None, live)


@bp.route("/new", methods=["POST"])
@can_act
def new():  # type: ignore[no-untyped-def]
    """Start a new topic (the editor opens with a template; nothing is saved until it validates)."""
    topic = request.form.get("topic", "").strip()
    if not PROMPT_ID.match(topic):
        flash("Mã chủ đề phải viết thường, không dấu, nối bằng dấu gạch dưới (ví dụ: sot_keo_dai).", "error")
        return redirect(url_for("knowledge.index"))
    live = _live()
    if topic in live or versions(topic):
        return redirect(url_for("knowledge.edit", topic=topic))
    template = (f"topic: {topic}\ntitle: \nquestions:\n  - \n  - \n  - \nkeywords: []\nanswer: >-\n  \n"
                f"source: {{document: \"QĐ 261/QĐ-BYT ngày 31/01/2022\", part: \"\", basis: general}}\n"
                f"effective_from: {dt.date.today().isoformat()}\n")
    return _page(topic, template, None, live)


@bp.route("/<topic>/save", methods=["POST"])
@can_act
def save(topic: str):  # type: ignore[no-untyped-def]
    """Validate the editor's text and save it as a new draft (``action=review``: and send it for review)."""
    topic = _topic(topic)
    text = request.form.get("yaml", "").replace("\r\n", "\n")
    live = _live()
    _, problems = validate(topic, text, live)
    if problems:
        flash(f"Chưa lưu: mục có {len(problems)} lỗi.", "error")
        return _page(topic, text, None, live, problems=problems, status=400)
    s = dbs()
    vs = versions(topic)
    kv = KnowledgeVersion(topic=topic, version=(vs[0].version + 1) if vs else 1, yaml_text=text,
                          status="review" if request.form.get("action") == "review" else "draft",
                          created_by=g.user.username, created_at=utcnow(), reviewed_by="", note="")
    s.add(kv)
    audit("knowledge_save", f"knowledge:{topic}", version=kv.version, status=kv.status)
    s.commit()
    if kv.status == "review":
        flash(f"Đã lưu phiên bản {kv.version} và gửi duyệt. Một cán bộ khác cần duyệt trước khi xuất bản.", "success")
    else:
        flash(f"Đã lưu nháp phiên bản {kv.version}. Bản nháp chưa được dùng cho cuộc gọi thật.", "success")
    return redirect(url_for("knowledge.edit", topic=topic))


def _version(topic: str, version: int) -> KnowledgeVersion:
    kv = dbs().scalars(select(KnowledgeVersion).where(KnowledgeVersion.topic == topic,
                                                     KnowledgeVersion.version == version)).first()
    if kv is None:
        abort(404)
    return kv


@bp.route("/<topic>/submit/<int:version>", methods=["POST"])
@can_act
def submit(topic: str, version: int):  # type: ignore[no-untyped-def]
    kv = _version(_topic(topic), version)
    if kv.status not in ("draft", "rejected"):
        flash(f"Phiên bản {version} không phải bản nháp.", "error")
        return redirect(url_for("knowledge.history", topic=topic))
    kv.status = "review"
    audit("knowledge_submit", f"knowledge:{topic}", version=version)
    dbs().commit()
    flash(f"Đã gửi duyệt phiên bản {version}.", "success")
    return redirect(url_for("knowledge.history", topic=topic))


@bp.route("/<topic>/publish/<int:version>", methods=["POST"])
@can_act
def publish(topic: str, version: int):  # type: ignore[no-untyped-def]
    """A second staff member publishes a version sent for review, if it is still valid in the live base."""
    topic = _topic(topic)
    s = dbs()
    kv = _version(topic, version)
    if kv.status != "review":
        flash(f"Phiên bản {version} chưa được gửi duyệt.", "error")
        return redirect(url_for("knowledge.history", topic=topic)), 303
    if kv.created_by == g.user.username:
        flash("Người viết không tự duyệt được: một cán bộ khác cần duyệt và xuất bản.", "error")
        return redirect(url_for("knowledge.history", topic=topic)), 303
    live = _live()
    _, problems = validate(topic, kv.yaml_text, live)
    if problems:
        audit("knowledge_publish_refused", f"knowledge:{topic}", version=version, problems=problems[:5])
        s.commit()
        flash(f"Không thể xuất bản phiên bản {version}: mục có {len(problems)} lỗi. "
              "Cơ sở hỏi đáp đang dùng không thay đổi.", "error")
        return _page(topic, kv.yaml_text, kv, live, problems=problems, status=400)
    for old in s.scalars(select(KnowledgeVersion).where(KnowledgeVersion.topic == topic,
                                                        KnowledgeVersion.status == "published")):
        old.status = "archived"
    kv.status, kv.reviewed_by, kv.reviewed_at, kv.published_at = "published", g.user.username, utcnow(), utcnow()
    audit("knowledge_publish", f"knowledge:{topic}", version=version, author=kv.created_by)
    s.commit()
    flash(f"Đã duyệt và xuất bản phiên bản {version}. Các cuộc gọi mới dùng câu trả lời này.", "success")
    return redirect(url_for("knowledge.history", topic=topic))


@bp.route("/<topic>/reject/<int:version>", methods=["POST"])
@can_act
def reject(topic: str, version: int):  # type: ignore[no-untyped-def]
    topic = _topic(topic)
    kv = _version(topic, version)
    if kv.status != "review" or kv.created_by == g.user.username:
        flash("Chỉ một cán bộ khác trả lại được phiên bản đang chờ duyệt.", "error")
        return redirect(url_for("knowledge.history", topic=topic))
    kv.status, kv.reviewed_by, kv.reviewed_at = "rejected", g.user.username, utcnow()
    kv.note = request.form.get("note", "")[:2000]
    audit("knowledge_reject", f"knowledge:{topic}", version=version)
    dbs().commit()
    flash(f"Đã trả lại phiên bản {version} cho người viết.", "success")
    return redirect(url_for("knowledge.history", topic=topic))


@bp.route("/<topic>/history")
@can_act
def history(topic: str):  # type: ignore[no-untyped-def]
    topic = _topic(topic)
    vs = versions(topic)
    if not vs and topic not in load_knowledge(_dir()):
        abort(404)
    return render_template("knowledge/history.html", topic=topic, versions=vs, STATUS_VI=STATUS_VI)


@bp.route("/<topic>/audio")
@can_act
def audio(topic: str):  # type: ignore[no-untyped-def]
    """The live answer as the phone line plays it: the recording of this exact text, else synthesis."""
    topic = _topic(topic)
    entry = _live().entries.get(topic)
    if entry is None:
        abort(404)
    try:
        path = renderer().render(f"kb_{topic}", entry.answer)
    except IvrError as exc:
        return {"error": f"Không tạo được âm thanh: {exc}"}, 500
    return send_file(path, mimetype="audio/wav", max_age=0, conditional=True)


@bp.route("/<topic>/recording", methods=["POST"])
@can_act
def upload(topic: str):  # type: ignore[no-untyped-def]
    """A staff member's recording of the live answer (played instead of synthesis while the text is unchanged)."""
    topic = _topic(topic)
    entry = _live().entries.get(topic)
    f = request.files.get("file")
    if entry is None:
        abort(404)
    if f is None or not (f.filename or "").lower().endswith(".wav"):
        flash("Hãy chọn tệp ghi âm WAV (.wav).", "error")
        return redirect(url_for("knowledge.edit", topic=topic))
    data = f.read(cfg().max_upload_bytes + 1)
    if len(data) > cfg().max_upload_bytes:
        flash(f"Tệp quá lớn (tối đa {cfg().max_upload_bytes / 1_000_000:g} MB).", "error")
        return redirect(url_for("knowledge.edit", topic=topic))
    try:
        info = import_recording(cfg(), f"kb_{topic}", data, text=entry.answer, folder=cfg().prompt_recordings_path)
    except (AudioError, IvrError) as exc:
        flash(f"Không nhận bản ghi âm: {exc}", "error")
        return redirect(url_for("knowledge.edit", topic=topic))
    audit("knowledge_recording", f"knowledge:{topic}", duration_s=info.duration_s)
    dbs().commit()
    flash(f"Đã nhận bản ghi âm: {info.duration_s:.1f} giây.".replace(".", ",", 1), "success")
    return redirect(url_for("knowledge.edit", topic=topic))


@bp.route("/unanswered")
@can_act
def unanswered():  # type: ignore[no-untyped-def]
    """Questions callers asked that no entry answered with confidence: their words only, never the number."""
    rows = dbs().execute(
        select(CallStep.transcript, Call.started_at)
        .join(Call, Call.id == CallStep.call_id)
        .where(CallStep.event == "answer", CallStep.intent == "", CallStep.transcript != "")
        .order_by(Call.started_at.desc()).limit(500)).all()
    return render_template("knowledge/unanswered.html", rows=[{"words": t, "at": at} for t, at in rows])


def topics_per_week(weeks: int = 8, now: dt.datetime | None = None) -> list[dict[str, Any]]:
    """The most asked topics per ISO week (answered questions and keypad choices), newest week first."""
    now = now or utcnow()
    since = now - dt.timedelta(weeks=weeks)
    rows = dbs().execute(select(CallStep.intent, Call.started_at).join(Call, Call.id == CallStep.call_id)
                         .where(CallStep.event == "answer", CallStep.intent != "", Call.started_at >= since)).all()
    by_week: dict[str, Counter[str]] = {}
    for topic, at in rows:
        year, week, _ = at.isocalendar()
        by_week.setdefault(f"{year}-W{week:02d}", Counter())[topic] += 1
    return [{"week": w, "top": c.most_common(10), "total": sum(c.values())}
            for w, c in sorted(by_week.items(), reverse=True)]


@bp.route("/stats")
@can_act
def stats():  # type: ignore[no-untyped-def]
    live = _live()
    titles = {e.topic: e.title for e in live}
    return render_template("knowledge/stats.html", weeks=topics_per_week(), titles=titles)
