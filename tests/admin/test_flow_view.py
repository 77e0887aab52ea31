"""The flow page draws the flow (steps, moves, problems marked); publish and rollback ask first, with what changes."""
from __future__ import annotations

import re

import yaml

from admin.flowview import changes, diagram, layers, parse
from ivr.store.models import FlowVersion

from .test_flows import flow_text

ADDED = "\n  hoi_them:\n    kind: say\n    prompt: goodbye\n    next: goodbye\n"


def edited(text: str) -> str:
    """One step added (a new key of faq_menu), one removed (faq_isolation and the ways to it from the greeting, the
    slow menu and "anything else?"), a setting changed."""
    def replaced(out: str, old: str, new: str, count: int = 1) -> str:
        assert out.count(old) == count, old
        return out.replace(old, new)

    out = replaced(text, "  timeout_s: 7\n", "  timeout_s: 8\n")  # defaults: a setting
    # the greeting's choices (shared with the main menu), slow_menu's (session 22b) and "anything else?"
    out = replaced(out, "      - {intent: ask_isolation, next: faq_isolation}\n", "", count=3)
    out = replaced(out, "      - {dtmf: \"6\", next: faq_package}\n",
                   "      - {dtmf: \"6\", next: faq_package}\n      - {dtmf: \"7\", next: hoi_them}\n")
    start = out.index("  faq_isolation:\n")
    end = out.index("  faq_home_care:\n")
    return out[:start] + out[end:] + ADDED


def test_changes_by_step(admin_cfg):
    old = flow_text(admin_cfg)
    new = edited(old)
    c = changes(old, new)
    assert c is not None and not c.empty
    assert c.added == ["hoi_them"] and c.removed == ["faq_isolation"]
    # the greeting and the main menu share their choices
    assert set(c.changed) == {"greeting", "main_menu", "slow_menu", "faq_menu", "anything_else"}
    assert c.settings == ["defaults"]
    assert changes(old, old).empty and changes(old, "nodes: [") is None


def test_diagram_draws_every_step_and_move(admin_cfg):
    text = flow_text(admin_cfg)
    g = parse(text)
    svg = str(diagram(text))
    nodes = re.findall(r'<g class="node" data-node="([^"]+)"', svg)
    assert sorted(nodes) == sorted(yaml.safe_load(text)["nodes"])
    assert svg.count('class="edge') == len([e for e in g.edges if not e.src.startswith("__")])
    assert layers(g)[0] == ["greeting"]  # the start in the first column
    assert "⚡ Cần cấp cứu, Cấp cứu" in svg and "bắt đầu" in svg and "sang bước handoff_doctor" in svg


def test_problems_are_marked_on_the_diagram(client, auth, admin_cfg):
    auth.login("admin")
    broken = flow_text(admin_cfg).replace("prompt: greeting", "prompt: khong_co", 1).replace(
        "next: advice_home_care", "next: buoc_khong_co", 1)
    resp = auth.post("/flows/covid_f0/save", {"yaml": broken, "action": "draft"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    marked = dict(re.findall(r'<g class="node bad" data-node="([^"]+)"><title>([^<]*)</title>', html))
    assert "greeting" in marked and "khong_co" in marked["greeting"]  # the problem on hover, in Vietnamese
    assert "không có lời nhắc" in marked["greeting"]
    assert "buoc_khong_co" in marked  # a move to a step that does not exist: drawn, in red
    assert html.index('id="yaml"') < html.index('id="flow-diagram"')  # beside the YAML


def test_publish_asks_first_with_the_changes(client, auth, db, admin_cfg):
    auth.login("admin")
    original = flow_text(admin_cfg)
    new = edited(original)
    resp = auth.post("/flows/covid_f0/save", {"yaml": new, "action": "publish"})
    assert resp.status_code == 200
    html = resp.get_data(as_text=True)
    summary = html[html.index('id="change-summary"'):html.index("</ul>", html.index('id="change-summary"'))]
    assert "Thêm 1 bước" in summary and "hoi_them" in summary
    assert "Bỏ 1 bước" in summary and "faq_isolation" in summary
    assert "Sửa 5 bước" in summary and "Sửa thiết lập chung" in summary  # with slow_menu (session 22b)
    assert flow_text(admin_cfg) == original  # nothing published yet, nothing saved
    with db.session() as s:
        assert s.query(FlowVersion).count() == 0
    confirm = re.search(r'<form method="post" action="([^"]+)">(.*?)</form>', html[html.index('id="confirm"'):], re.S)
    assert confirm and confirm.group(1) == "/flows/covid_f0/save"
    assert 'name="confirm" value="1"' in confirm.group(2) and 'name="action" value="publish"' in confirm.group(2)
    resp = auth.post("/flows/covid_f0/save", {"yaml": new, "action": "publish", "confirm": "1"}, follow_redirects=True)
    assert "Đã xuất bản phiên bản 2" in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == new


def test_rollback_asks_first(client, auth, db, admin_cfg):
    auth.login("admin")
    original = flow_text(admin_cfg)
    new = edited(original)
    auth.post("/flows/covid_f0/save", {"yaml": new, "action": "publish", "confirm": "1"})
    resp = auth.post("/flows/covid_f0/publish/1")
    html = resp.get_data(as_text=True)
    assert "Khôi phục phiên bản 1 (thành phiên bản mới 3)?" in html
    assert "Thêm 1 bước" in html and "faq_isolation" in html and "Bỏ 1 bước" in html and "hoi_them" in html
    assert flow_text(admin_cfg) == new  # still the published one
    resp = auth.post("/flows/covid_f0/publish/1", {"confirm": "1"}, follow_redirects=True)
    assert "Đã xuất bản phiên bản 3 (nội dung của phiên bản 1)." in resp.get_data(as_text=True)
    assert flow_text(admin_cfg) == original
    same = auth.post("/flows/covid_f0/publish/3").get_data(as_text=True)
    assert "không có gì thay đổi" in same
