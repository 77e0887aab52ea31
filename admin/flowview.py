"""A call flow as an admin sees it: a diagram (server-rendered SVG: steps and the moves between them, problems
marked) and what a publish or a rollback changes (steps added, removed, changed).

Read from the YAML text leniently (a draft with problems still draws), with no dependency: the layout is a
simple layered one (each step in the column of its shortest path from the start, in file order).
"""
from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from markupsafe import Markup, escape

from ivr.engine.labels import INTENT_LABELS, NODE_LABELS
from ivr.vocabulary import RISK_LABELS

KIND_LABELS = {
    "say": "nói", "ask": "hỏi", "menu": "menu phím", "collect": "đo chỉ số", "branch": "rẽ nhánh",
    "escalate": "chuyển bác sĩ", "record": "ghi âm", "handoff": "nối máy", "hangup": "gác máy",
    "checklist": "hỏi dấu hiệu có/không",
}
_KIND_COLOURS = {
    "escalate": "#fde2e1", "handoff": "#fde2e1", "hangup": "#e9ecef", "branch": "#fff4c2", "collect": "#e3f2e5",
}
_GLOBAL = "__global__"


@dataclass(frozen=True, kw_only=True)
class Edge:
    src: str
    dst: str
    label: str


@dataclass
class Graph:
    start: str = ""
    nodes: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> raw mapping (file order)
    edges: list[Edge] = field(default_factory=list)
    settings: dict[str, Any] = field(default_factory=dict)  # every top-level key but 'nodes'
    default_fallback: str = ""  # defaults.fallback: where a failing caller goes unless a question says otherwise


def _listify(value: Any) -> list[str]:
    if value is None:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]


def parse(text: str) -> Graph | None:
    """The steps and moves of a flow's YAML text; None when it is not YAML with a ``nodes`` mapping."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("nodes"), dict):
        return None
    g = Graph(start=str(data.get("start") or ""), settings={k: v for k, v in data.items() if k != "nodes"})
    for node_id, raw in data["nodes"].items():
        g.nodes[str(node_id)] = raw if isinstance(raw, dict) else {}
    defaults = data["defaults"] if isinstance(data.get("defaults"), dict) else {}
    g.default_fallback = str(defaults.get("fallback") or "")
    for node_id, raw in g.nodes.items():
        for key, label in (("next", ""), ("fallback", "không được"), ("else", "còn lại"), ("on_yes", "có"),
                           ("unsure", "chưa chắc")):
            if isinstance(raw.get(key), str):
                g.edges.append(Edge(src=node_id, dst=raw[key], label=label))
        for choice in raw.get("choices") or []:
            if isinstance(choice, dict) and isinstance(choice.get("next"), str):
                bits = ([f"phím {choice['dtmf']}"] if choice.get("dtmf") is not None else [])
                bits += [INTENT_LABELS.get(i, i) for i in _listify(choice.get("intent"))]
                g.edges.append(Edge(src=node_id, dst=choice["next"], label=" / ".join(bits)))
        for n, item in enumerate(raw.get("items") or [], start=1):
            if isinstance(item, dict) and isinstance(item.get("on_yes"), str):
                g.edges.append(Edge(src=node_id, dst=item["on_yes"], label=f"có ở câu {n}"))
        for case in raw.get("cases") or []:
            if isinstance(case, dict) and isinstance(case.get("next"), str):
                when = case["when"] if isinstance(case.get("when"), dict) else {}
                g.edges.append(Edge(src=node_id, dst=case["next"],
                                    label=", ".join(f"{k} {v}" for k, v in when.items())[:40]))
    for key, names in (("global", INTENT_LABELS), ("on_risk", RISK_LABELS)):
        table = data.get(key)
        if isinstance(table, dict):
            for trigger, target in table.items():
                g.edges.append(Edge(src=_GLOBAL, dst=str(target), label=names.get(str(trigger), str(trigger))))
    if isinstance(data.get("on_unclear"), str):
        g.edges.append(Edge(src=_GLOBAL, dst=data["on_unclear"], label="không hiểu lời"))
    return g


def layers(g: Graph) -> list[list[str]]:
    """Columns of step ids: the start (and the steps every step can jump to) first, then by shortest path."""
    depth: dict[str, int] = {}
    roots = [g.start] + [e.dst for e in g.edges if e.src == _GLOBAL]
    frontier = [r for r in dict.fromkeys(roots) if r in g.nodes]
    for r in frontier:
        depth[r] = 0 if r == g.start else 1
    out_edges: dict[str, list[str]] = {}
    for e in g.edges:
        out_edges.setdefault(e.src, []).append(e.dst)
    queue = sorted(frontier, key=lambda n: depth[n])
    while queue:
        n = queue.pop(0)
        for m in out_edges.get(n, []):
            if m in g.nodes and m not in depth:
                depth[m] = depth[n] + 1
                queue.append(m)
    last = max(depth.values(), default=-1) + 1
    cols: dict[int, list[str]] = {}
    for n in g.nodes:  # file order within a column
        cols.setdefault(depth.get(n, last), []).append(n)
    return [cols[k] for k in sorted(cols)]


BOX_W, BOX_H, COL_GAP, ROW_GAP, PAD = 170, 46, 70, 24, 20


def diagram(text: str, problems: Sequence[Mapping[str, Any]] = ()) -> Markup | None:
    """The flow as SVG; steps with a problem outlined red with the problem on hover; None if unreadable."""
    g = parse(text)
    if g is None:
        return None
    bad: dict[str, list[str]] = {}
    for p in problems:
        node = str(p.get("node") or "")
        if node in g.nodes:
            bad.setdefault(node, []).append(str(p.get("text", "")))
    cols = layers(g)
    missing = sorted({e.dst for e in g.edges if e.dst not in g.nodes})
    if missing:
        cols.append(missing)
    pos: dict[str, tuple[float, float]] = {}
    for c, col in enumerate(cols):
        for r, n in enumerate(col):
            pos[n] = (PAD + c * (BOX_W + COL_GAP), PAD + 20 + r * (BOX_H + ROW_GAP))
    width = PAD * 2 + len(cols) * (BOX_W + COL_GAP) - COL_GAP
    height = PAD * 2 + 30 + max((len(c) for c in cols), default=1) * (BOX_H + ROW_GAP)
    parts = [f'<svg class="flow-diagram" id="flow-diagram" viewBox="0 0 {width} {height}" width="{width}" '
             f'height="{height}" role="img" aria-label="Sơ đồ kịch bản" xmlns="http://www.w3.org/2000/svg">',
             '<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" '
             'orient="auto-start-reverse"><path d="M 0 0 L 10 5 L 0 10 z" fill="#555"/></marker></defs>']
    for e in g.edges:
        if e.src not in pos or e.dst not in pos:
            continue
        (x1, y1), (x2, y2) = pos[e.src], pos[e.dst]
        sx, sy = x1 + BOX_W, y1 + BOX_H / 2
        tx, ty = x2, y2 + BOX_H / 2
        if x2 <= x1:  # a move back (a loop, a retry): arc above the boxes
            sx, tx = x1 + BOX_W / 2, x2 + BOX_W / 2
            sy, ty = y1, y2
            lift = min(sy, ty) - 14 - abs(x1 - x2) * 0.08
            d = f"M {sx:.0f} {sy:.0f} C {sx:.0f} {lift:.0f}, {tx:.0f} {lift:.0f}, {tx:.0f} {ty:.0f}"
            cls = "edge back"
        else:
            mid = (sx + tx) / 2
            d = f"M {sx:.0f} {sy:.0f} C {mid:.0f} {sy:.0f}, {mid:.0f} {ty:.0f}, {tx:.0f} {ty:.0f}"
            cls = "edge"
        colour = "#b3261e" if e.dst not in g.nodes else "#777"
        parts.append(f'<path class="{cls}" d="{d}" fill="none" stroke="{colour}" stroke-width="1.3" '
                     f'marker-end="url(#arrow)"><title>{escape(e.src)} → {escape(e.dst)}'
                     f'{": " + escape(e.label) if e.label else ""}</title></path>')
    jumps: dict[str, list[str]] = {}
    for e in g.edges:  # the jumps any step may take: one small tag over the target
        if e.src == _GLOBAL and e.dst in pos:
            jumps.setdefault(e.dst, []).append(e.label)
    for dst, names in jumps.items():
        x, y = pos[dst]
        parts.append(f'<text class="jump" x="{x + 4:.0f}" y="{y - 4:.0f}">⚡ {escape(_short(", ".join(names), 30))}'
                     f'<title>Từ bất kỳ bước nào: {escape(", ".join(names))}</title></text>')
    for n, (x, y) in pos.items():
        raw = g.nodes.get(n)
        kind = str((raw or {}).get("kind", ""))
        fill = "#fff" if raw is None else _KIND_COLOURS.get(kind, "#eef3fd")
        problem = bad.get(n, [])
        stroke, sw = ("#b3261e", 3) if problem or raw is None else ("#0b57d0" if n == g.start else "#666", 1.5)
        title = NODE_LABELS.get(n, "") if raw is not None else "bước này chưa được định nghĩa"
        tip = "; ".join(problem) or title
        cls = "node bad" if problem or raw is None else "node"
        parts.append(f'<g class="{cls}" data-node="{escape(n)}"><title>{escape(tip)}</title>'
                     f'<rect x="{x:.0f}" y="{y:.0f}" width="{BOX_W}" height="{BOX_H}" rx="7" fill="{fill}" '
                     f'stroke="{stroke}" stroke-width="{sw}"/>'
                     f'<text x="{x + 8:.0f}" y="{y + 19:.0f}" font-weight="700">{escape(_short(n, 22))}</text>'
                     f'<text x="{x + 8:.0f}" y="{y + 36:.0f}" fill="#555">'
                     f'{escape(KIND_LABELS.get(kind, "chưa định nghĩa" if raw is None else kind))}'
                     f'{" · bắt đầu" if n == g.start else ""}</text>'
                     + (f'<text x="{x + BOX_W - 18:.0f}" y="{y + 20:.0f}" fill="#b3261e" font-weight="800">!</text>'
                        if problem or raw is None else "") + "</g>")
    if g.default_fallback:  # the flow-wide fallback: said once, not one arrow from every question
        parts.append(f'<text class="legend" x="{PAD}" y="{height - 6}">Câu hỏi không nhận được câu trả lời sau nhiều '
                     f'lần: sang bước {escape(g.default_fallback)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def _short(text: str, n: int) -> str:
    return text if len(text) <= n else text[:n - 1] + "…"


@dataclass(frozen=True, kw_only=True)
class Changes:
    added: list[str]
    removed: list[str]
    changed: list[str]
    settings: list[str]  # top-level keys that differ (start, defaults, global, on_risk, prompts…)

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.settings)


def _plain(value: Any) -> Any:
    return yaml.safe_dump(value, allow_unicode=True, sort_keys=True)


def changes(old_text: str, new_text: str) -> Changes | None:
    """What going from ``old_text`` to ``new_text`` changes, by step; None if either is unreadable."""
    old, new = parse(old_text), parse(new_text)
    if old is None or new is None:
        return None
    keys: Iterable[str] = dict.fromkeys([*old.settings, *new.settings])
    return Changes(
        added=[n for n in new.nodes if n not in old.nodes],
        removed=[n for n in old.nodes if n not in new.nodes],
        changed=[n for n in new.nodes if n in old.nodes and _plain(new.nodes[n]) != _plain(old.nodes[n])],
        settings=[k for k in keys if _plain(old.settings.get(k)) != _plain(new.settings.get(k))],
    )
