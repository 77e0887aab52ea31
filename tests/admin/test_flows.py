"""Call flows: validation at the line, drafts, publish (to the flow file), history, diff, rollback, test panel."""
from __future__ import annotations

from ivr.engine.flow import load_flow, load_flow_text
from ivr.engine.prompts import load_catalog
from ivr.errors import FlowError
from ivr.store.models import FlowVersion


def flow_text(admin_cfg):
    return (admin_cfg.flows_dir / "covid_f0.yaml").read_text(encoding="utf-8")


def test_admin_only(client, auth):
    auth.login("bs_a")
    assert client.get("/flows/").status_code == 403
    assert client.get("/flows/covid_f0").status_code == 403
    assert auth.post("/flows/covid_f0/save", {"yaml": "x"}).status_code == 403


def test_list_and_edit(client, auth):
    auth.login("admin")
    assert "covid_f0" in client.get("/flows/").get_data(as_text=True)
    html = client.get("/flows/covid_f0").get_data(as_text=True)
    assert "flow: covid_f0" in html and "Kiểm tra và lưu nháp" in html
    assert client.get("/flows/khong_co").status_code == 404
    assert client.get("/flows/..%2Fetc").status_code == 404


def test_invalid_flow_is_not_saved_and_problems_name_the_line(client, auth, db, admin_cfg):
    auth.login("admin")
    broken = flow_text(admin_cfg).replace("prompt: greeting", "prompt: khong_co_loi_nhac_nay", 1)
    try:
        load_flow_text(broken, "covid_f0.yaml", load_catalog(admin_cfg.prompts_catalog))
    except FlowError as exc:
        line = exc.lines[0]  # the editor marks the line the validator names
    assert line is not None and abs(line - (broken.splitlines().index("  greeting:") + 1)) <= 2
    resp = auth.post("/flows/covid_f0/save", {"yaml": broken, "action": "draft"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Chưa lưu: kịch bản có" in html and "khong_co_loi_nhac_nay" in html
    assert f'data-line="{line}"' in html and f'<span class="bad">{line}</span>' in html
    with db.session() as s:
        assert s.query(FlowVersion).count() == 0
    bad_yaml = auth.post("/flows/covid_f0/save", {"yaml": "nodes: [\n", "action": "draft"})
    assert bad_yaml.status_code == 400 and "invalid YAML" in bad_yaml.get_data(as_text=True)


def test_draft_publish_history_diff_rollback(client, auth, db, admin_cfg):
    auth.login("admin")
    original = flow_text(admin_cfg)
    edited = original.replace("timeout_s: 7", "timeout_s: 9", 1)
    assert edited != original
    resp = auth.post("/flows/covid_f0/save", {"yaml": edited, "action": "draft"}, follow_redirects=True)
    assert "Đã lưu nháp phiên bản 2" in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == original  # a draft does not touch the live flow
    with db.session() as s:
        assert [(v.version, v.status) for v in s.query(FlowVersion).order_by(FlowVersion.version)] == [
            (1, "published"), (2, "draft")]
    resp = auth.post("/flows/covid_f0/publish/2", {"confirm": "1"}, follow_redirects=True)
    assert "Đã xuất bản phiên bản 2" in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == edited
    catalog = load_catalog(admin_cfg.prompts_catalog)
    assert load_flow(admin_cfg.flows_dir / "covid_f0.yaml", catalog).name == "covid_f0"
    diff = client.get("/flows/covid_f0/diff?a=1&b=2").get_data(as_text=True)
    assert '<span class="del">-  timeout_s: 7</span>' in diff and '<span class="add">+  timeout_s: 9</span>' in diff
    history = client.get("/flows/covid_f0/history").get_data(as_text=True)
    assert "Khôi phục phiên bản này" in history
    resp = auth.post("/flows/covid_f0/publish/1", {"confirm": "1"}, follow_redirects=True)
    assert "Đã xuất bản phiên bản 3 (nội dung của phiên bản 1)." in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == original
    with db.session() as s:
        assert [(v.version, v.status) for v in s.query(FlowVersion).order_by(FlowVersion.version)] == [
            (1, "archived"), (2, "archived"), (3, "published")]


def test_save_and_publish_at_once(client, auth, admin_cfg):
    auth.login("admin")
    edited = flow_text(admin_cfg).replace("max_failures: 3", "max_failures: 2", 1)
    resp = auth.post("/flows/covid_f0/save", {"yaml": edited, "action": "publish", "confirm": "1"},
                     follow_redirects=True)
    assert "Đã xuất bản phiên bản 2" in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == edited


def test_test_panel_runs_the_draft(client, auth, admin_cfg):
    auth.login("admin")
    resp = auth.post("/flows/covid_f0/test", {"yaml": flow_text(admin_cfg), "inputs": "phím: 1\n"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    assert 'id="sim-result"' in html and "Cấp cứu" in html
    bad = auth.post("/flows/covid_f0/test", {"yaml": flow_text(admin_cfg), "inputs": "hát: la la"})
    assert bad.status_code == 400 and "Dòng 1 không hiểu được" in bad.get_data(as_text=True)


def test_parse_inputs():
    from admin.flows import parse_inputs

    assert parse_inputs("nói: tôi bị sốt\nphím: 12\nim lặng\n\nsay: có") == [
        ("say", "tôi bị sốt"), ("dtmf", "12"), ("silence", None), ("say", "có")]


def test_runtime_read_side(client, auth, db, admin_cfg):
    """What the call-flow loader reads: the published text, and prompt texts with admin edits applied."""
    from admin.content import effective_catalog, published, published_flow_text

    with db.session() as s:
        assert published_flow_text(s, "covid_f0") is None  # never edited here: the file is the truth
    auth.login("admin")
    edited = flow_text(admin_cfg).replace("timeout_s: 7", "timeout_s: 6", 1)
    auth.post("/flows/covid_f0/save", {"yaml": edited, "action": "draft"})
    with db.session() as s:
        assert published_flow_text(s, "covid_f0") == flow_text(admin_cfg)  # the seeded file, not the draft
    auth.post("/flows/covid_f0/publish/2", {"confirm": "1"})
    auth.post("/prompts/goodbye", {"text": "Tạm biệt ông bà."})
    with db.session() as s:
        assert published_flow_text(s, "covid_f0") == edited and published(s, "covid_f0").version == 2
        assert effective_catalog(s, admin_cfg).text("goodbye") == "Tạm biệt ông bà."


def test_flow_name_must_match_the_flow_being_edited(client, auth, db, admin_cfg):
    """Publishing covid_f0 with 'flow: khac' inside would put another flow's name on every call of covid_f0."""
    auth.login("admin")
    original = flow_text(admin_cfg)
    renamed = original.replace("flow: covid_f0", "flow: khac", 1)
    line = renamed.splitlines().index("flow: khac") + 1
    for action in ("publish", "draft"):
        resp = auth.post("/flows/covid_f0/save", {"yaml": renamed, "action": action})
        assert resp.status_code == 400
        html = resp.get_data(as_text=True)
        assert ("Tên kịch bản trong nội dung (flow: khac) khác với kịch bản đang sửa (covid_f0). "
                "Hãy giữ dòng “flow: covid_f0”.") in html
        assert f'data-line="{line}"' in html
    assert flow_text(admin_cfg) == original
    with db.session() as s:
        assert s.query(FlowVersion).count() == 0


def test_stored_version_with_another_name_is_not_published(client, auth, db, admin_cfg):
    """A version saved before this check (or written to the database by hand) is refused at publish too."""
    from admin import content

    original = flow_text(admin_cfg)
    with db.session() as s:
        content.ensure_seeded(s, admin_cfg, "covid_f0")
        content.add_version(s, "covid_f0", original.replace("flow: covid_f0", "flow: khac", 1), by="admin")
    auth.login("admin")
    resp = auth.post("/flows/covid_f0/publish/2")
    assert resp.status_code == 400
    assert "khác với kịch bản đang sửa (covid_f0)" in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == original
