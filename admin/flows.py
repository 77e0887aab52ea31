"""Call flows screen (admins): edit YAML with validation at the line, drafts, publish, history, diff,
rollback, and a test panel running the editor's text through the simulator."""
from __future__ import annotations

import difflib
import re
from typing import Any

from flask import (
    Blueprint,
    abort,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from ivr.engine.flow import PATIENT_STATUSES, Flow, FlowProblems, load_flow_text
from ivr.engine.simulator import simulate
from ivr.errors import FlowError, IvrError
from ivr.store.models import FlowVersion

from . import content, flowview
from .flow_messages import vietnamese
from .web import admin_only, audit, cfg, dbs, id_arg

bp = Blueprint("flows", __name__, url_prefix="/flows")
NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,99}$")
MAX_FLOW_CHARS = 200_000
MAX_TEST_INPUTS = 50
_LINE_PREFIX = re.compile(r"^[^:]*: ")
_FLOW_KEY = re.compile(r"^flow\s*:", re.MULTILINE)


def _name(name: str) -> str:
    if not NAME.match(name):
        abort(404)
    return name


def validate(name: str, text: str) -> tuple[Flow | None, list[dict[str, Any]]]:
    """The compiled flow, or the validator's problems as {line, text} for the editor."""
    if len(text) > MAX_FLOW_CHARS:
        return None, [{"line": None, "text": f"Kịch bản quá dài (tối đa {MAX_FLOW_CHARS} ký tự)."}]
    try:
        flow = load_flow_text(text, f"{name}.yaml", content.effective_catalog(dbs(), cfg()))
    except FlowProblems as exc:  # the validator's own problems: each in Vietnamese, by its kind
        return None, [{"line": d.line, "text": vietnamese(d), "detail": english, "node": d.node}
                      for d, english in zip(exc.details, exc.problems)]
    except FlowError as exc:
        lines = exc.lines if len(exc.lines) == len(exc.problems) else [None] * len(exc.problems)
        return None, [{"line": line, "text": problem} for problem, line in zip(exc.problems, lines)]
    if flow.name != name:  # the file <name>.yaml is what calls load: its flow must carry that name
        m = _FLOW_KEY.search(text)
        return None, [{"line": text.count("\n", 0, m.start()) + 1 if m else None,
                       "text": f"Tên kịch bản trong nội dung (flow: {flow.name}) khác với kịch bản đang sửa "
                               f"({name}). Hãy giữ dòng “flow: {name}”."}]
    return flow, []


def _editor_text(name: str) -> tuple[str, FlowVersion | None]:
    """The newest version's text (a draft if one is newer than the published one), else the file."""
    vs = content.versions(dbs(), name)
    if vs:
        return vs[0].yaml_text, vs[0]
    path = content.flow_path(cfg(), name)
    if not path.is_file():
        abort(404)
    return path.read_text(encoding="utf-8"), None


def _page(name: str, text: str, current: FlowVersion | None, *, problems: list[dict[str, Any]] | None = None,
          sim: dict[str, Any] | None = None, inputs: str = "", status: int = 200):  # type: ignore[no-untyped-def]
    pub = content.published(dbs(), name)
    bad_lines = sorted({p["line"] for p in problems or [] if p.get("line")})
    return render_template("flows/edit.html", name=name, text=text, current=current, published=pub,
                           problems=problems or [], bad_lines=bad_lines, line_count=max(1, text.count("\n") + 1),
                           sim=sim, inputs=inputs, diagram=flowview.diagram(text, problems or [])), status


def _live_text(name: str) -> str:
    """The text calls use now: the published version, else the flow file."""
    text = content.published_flow_text(dbs(), name)
    if text is not None:
        return text
    path = content.flow_path(cfg(), name)
    return path.read_text(encoding="utf-8") if path.is_file() else ""


def _confirm(name: str, text: str, *, action: str, title: str, version: int | None = None):  # type: ignore[no-untyped-def]
    """The confirmation page: what publishing ``text`` changes against what calls use now."""
    live = _live_text(name)
    return render_template("flows/confirm.html", name=name, text=text, action=action, title=title, version=version,
                           changes=flowview.changes(live, text), same=live == text,
                           diagram=flowview.diagram(text)), 200


@bp.route("/")
@admin_only
def index():  # type: ignore[no-untyped-def]
    s = dbs()
    rows = []
    for name in content.flow_names(s, cfg()):
        vs = content.versions(s, name)
        pub = next((v for v in vs if v.status == "published"), None)
        draft = vs[0] if vs and vs[0].status == "draft" else None
        rows.append({"name": name, "published": pub, "draft": draft, "count": len(vs)})
    return render_template("flows/index.html", rows=rows)


@bp.route("/<name>")
@admin_only
def edit(name: str):  # type: ignore[no-untyped-def]
    name = _name(name)
    text, current = _editor_text(name)
    return _page(name, text, current)


@bp.route("/<name>/save", methods=["POST"])
@admin_only
def save(name: str):  # type: ignore[no-untyped-def]
    """Validate the editor's text; save it as a new draft, or publish it at once (``action=publish``)."""
    name = _name(name)
    text = request.form.get("yaml", "").replace("\r\n", "\n")
    publish_now = request.form.get("action") == "publish"
    _, problems = validate(name, text)
    if problems:
        flash(f"Chưa lưu: kịch bản có {len(problems)} lỗi. Sửa các dòng được đánh dấu rồi lưu lại.", "error")
        return _page(name, text, None, problems=problems, status=400)
    if publish_now and request.form.get("confirm") != "1":
        return _confirm(name, text, action=url_for("flows.save", name=name), title="Xuất bản bản đang sửa")
    s = dbs()
    content.ensure_seeded(s, cfg(), name)
    latest = content.versions(s, name)
    if latest and latest[0].yaml_text == text and latest[0].status in ("draft", "published"):
        fv = latest[0]
    else:
        fv = content.add_version(s, name, text, by=g.user.username)
        audit("flow_save", f"flow:{name}", version=fv.version)
    if publish_now and fv.status != "published":
        content.publish(s, cfg(), fv)
        audit("flow_publish", f"flow:{name}", version=fv.version)
    s.commit()
    if publish_now:
        content.write_flow_file(cfg(), fv)
        flash(f"Đã xuất bản phiên bản {fv.version}. Các cuộc gọi mới sẽ dùng phiên bản này; "
              "cuộc gọi đang diễn ra giữ phiên bản cũ.", "success")
    else:
        flash(f"Đã lưu nháp phiên bản {fv.version}. Bản nháp chưa được dùng cho cuộc gọi thật.", "success")
    return redirect(url_for("flows.edit", name=name))


@bp.route("/<name>/publish/<int:version>", methods=["POST"])
@admin_only
def publish(name: str, version: int):  # type: ignore[no-untyped-def]
    """Publish an existing version; an older one is republished as a new version (a rollback)."""
    name = _name(name)
    s = dbs()
    fv = s.query(FlowVersion).filter_by(name=name, version=version).one_or_none()
    if fv is None:
        abort(404)
    _, problems = validate(name, fv.yaml_text)
    if problems:
        flash(f"Không thể xuất bản phiên bản {version}: kịch bản có {len(problems)} lỗi.", "error")
        return _page(name, fv.yaml_text, fv, problems=problems, status=400)
    newest = content.versions(s, name)[0]
    if request.form.get("confirm") != "1":
        title = (f"Xuất bản phiên bản {version}" if fv.id == newest.id
                 else f"Khôi phục phiên bản {version} (thành phiên bản mới {newest.version + 1})")
        return _confirm(name, fv.yaml_text, action=url_for("flows.publish", name=name, version=version),
                        title=title, version=version)
    if fv.id != newest.id:
        fv = content.add_version(s, name, fv.yaml_text, by=g.user.username)
        audit("flow_rollback", f"flow:{name}", from_version=version, version=fv.version)
    content.publish(s, cfg(), fv)
    audit("flow_publish", f"flow:{name}", version=fv.version)
    s.commit()
    content.write_flow_file(cfg(), fv)
    flash(f"Đã xuất bản phiên bản {fv.version}"
          + (f" (nội dung của phiên bản {version})." if fv.version != version else "."), "success")
    return redirect(url_for("flows.history", name=name))


@bp.route("/<name>/history")
@admin_only
def history(name: str):  # type: ignore[no-untyped-def]
    name = _name(name)
    vs = content.versions(dbs(), name)
    if not vs and not content.flow_path(cfg(), name).is_file():
        abort(404)
    return render_template("flows/history.html", name=name, versions=vs)


@bp.route("/<name>/diff")
@admin_only
def diff(name: str):  # type: ignore[no-untyped-def]
    name = _name(name)
    s = dbs()
    a, b = id_arg("a"), id_arg("b")
    va = s.query(FlowVersion).filter_by(name=name, version=a).one_or_none()
    vb = s.query(FlowVersion).filter_by(name=name, version=b).one_or_none()
    if va is None or vb is None:
        abort(404)
    lines = list(difflib.unified_diff(va.yaml_text.splitlines(), vb.yaml_text.splitlines(),
                                      fromfile=f"phiên bản {a}", tofile=f"phiên bản {b}", lineterm=""))
    return render_template("flows/diff.html", name=name, a=va, b=vb, lines=lines)


def _patient_status(value: str) -> str:
    return value if value in PATIENT_STATUSES else "home"


def parse_inputs(raw: str) -> list[tuple[str, str | None]]:
    """Test-panel lines: ``nói: ...`` / ``say: ...``, ``phím: 123`` / ``dtmf: 123``, ``im lặng`` / ``silence``."""
    inputs: list[tuple[str, str | None]] = []
    for n, line in enumerate(raw.splitlines(), start=1):
        line = line.strip()
        if not line:
            continue
        head, sep, value = line.partition(":")
        head = head.strip().lower()
        value = value.strip()
        if not sep and head in ("im lặng", "silence", "-"):
            inputs.append(("silence", None))
        elif sep and head in ("nói", "noi", "say") and value:
            inputs.append(("say", value))
        elif sep and head in ("phím", "phim", "dtmf") and value and all(c in "0123456789*#" for c in value):
            inputs.append(("dtmf", value))
        else:
            raise ValueError(f"Dòng {n} không hiểu được: “{line}”. Dùng “nói: …”, “phím: 1” hoặc “im lặng”.")
    if len(inputs) > MAX_TEST_INPUTS:
        raise ValueError(f"Tối đa {MAX_TEST_INPUTS} lượt trả lời.")
    return inputs


@bp.route("/<name>/test", methods=["POST"])
@admin_only
def test(name: str):  # type: ignore[no-untyped-def]
    """Run the editor's (unsaved) text through the simulator with the typed answers."""
    from escalation.triage import default_triage
    from ivr.nlu.understander import default_understander

    name = _name(name)
    text = request.form.get("yaml", "").replace("\r\n", "\n")
    raw_inputs = request.form.get("inputs", "")
    flow, problems = validate(name, text)
    if flow is None:
        flash("Không chạy thử được: kịch bản đang có lỗi.", "error")
        return _page(name, text, None, problems=problems, inputs=raw_inputs, status=400)
    try:
        inputs = parse_inputs(raw_inputs)
    except ValueError as exc:
        flash(str(exc), "error")
        return _page(name, text, None, inputs=raw_inputs, status=400)
    try:
        result = simulate(flow, inputs, catalog=content.effective_catalog(dbs(), cfg()),
                          understander=default_understander(), triage=default_triage(),
                          patient_status=_patient_status(request.form.get("patient_status", "home")))
    except IvrError as exc:
        flash(f"Chạy thử bị lỗi: {exc}", "error")
        return _page(name, text, None, inputs=raw_inputs, status=400)
    return _page(name, text, None, sim=result.as_json(), inputs=raw_inputs)
