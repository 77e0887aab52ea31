"""Small server-rendered SVG charts (no JavaScript, no downloads). Labels are escaped."""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

Bar = tuple[str, float, str]  # (label, value, css class for the bar colour)

_COLOURS = {
    "emergency": "#b3261e", "high": "#e8590c", "medium": "#f2c200", "low": "#2f9e44", "none": "#868e96",
    "primary": "#0b57d0", "ok": "#1e7d32", "bad": "#b3261e", "muted": "#868e96",
}


def _fmt(value: float) -> str:
    return f"{value:g}" if value != int(value) else str(int(value))


def _open(width: int, height: int, title: str) -> str:
    return (f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}" '
            f'xmlns="http://www.w3.org/2000/svg">')


def columns(bars: Sequence[Bar], *, title: str, width: int = 640, height: int = 260, every: int = 1) -> Markup:
    """Vertical bars (a time series); every ``every``-th label is printed under its bar."""
    top, bottom, left, right = 40, 30, 40, 8
    n = max(1, len(bars))
    vmax = max([b[1] for b in bars] + [1])
    plot_w, plot_h = width - left - right, height - top - bottom
    slot = plot_w / n
    bw = max(1.0, slot * 0.75)
    parts = [_open(width, height, title),
             f'<text class="title" x="{left}" y="18">{escape(title)}</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>',
             f'<text x="{left - 4}" y="{top + 4}" text-anchor="end">{_fmt(vmax)}</text>',
             f'<text x="{left - 4}" y="{top + plot_h}" text-anchor="end">0</text>']
    for i, (label, value, cls) in enumerate(bars):
        h = plot_h * value / vmax
        x = left + i * slot + (slot - bw) / 2
        y = top + plot_h - h
        parts.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{bw:.1f}" height="{h:.1f}" '
                     f'fill="{_COLOURS.get(cls, _COLOURS["primary"])}"><title>{escape(label)}: {_fmt(value)}'
                     f'</title></rect>')
        if value and n <= 40:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{y - 3:.1f}" text-anchor="middle">{_fmt(value)}</text>')
        if i % every == 0:
            parts.append(f'<text x="{x + bw / 2:.1f}" y="{top + plot_h + 20}" text-anchor="middle">'
                         f'{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def rows(bars: Sequence[Bar], *, title: str, width: int = 640, label_w: int = 260) -> Markup:
    """Horizontal bars (categories)."""
    bar_h, gap, top = 26, 8, 34
    height = top + max(1, len(bars)) * (bar_h + gap) + 4
    vmax = max([b[1] for b in bars] + [1])
    plot_w = width - label_w - 50
    parts = [_open(width, height, title),
             f'<text class="title" x="0" y="18">{escape(title)}</text>']
    if not bars:
        parts.append(f'<text x="0" y="{top + 16}">Chưa có dữ liệu</text>')
    for i, (label, value, cls) in enumerate(bars):
        y = top + i * (bar_h + gap)
        w = plot_w * value / vmax
        short = label if len(label) <= 30 else label[:29] + "…"
        parts.append(f'<text x="{label_w - 6}" y="{y + 19}" text-anchor="end">{escape(short)}</text>'
                     f'<rect x="{label_w}" y="{y}" width="{max(w, 1):.1f}" height="{bar_h}" '
                     f'fill="{_COLOURS.get(cls, _COLOURS["primary"])}"><title>{escape(label)}: {_fmt(value)}</title>'
                     f'</rect><text x="{label_w + w + 6:.1f}" y="{y + 19}">{_fmt(value)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


Point = tuple[float, float, str]  # (x: seconds since the first reading, value, label under the point)
Threshold = tuple[float, str, str]  # (value, label, risk level for the colour)


def series(points: Sequence[Point], *, title: str, unit: str, thresholds: Sequence[Threshold] = (),
           width: int = 640, height: int = 170, css_id: str = "") -> Markup:
    """One vital over time: points joined by a line, each with its value; warning thresholds dashed."""
    top, bottom, left, right = 30, 34, 46, 24
    plot_w, plot_h = width - left - right, height - top - bottom
    values = [p[1] for p in points] + [t[0] for t in thresholds]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    pad = max((hi - lo) * 0.15, 1.0)
    lo, hi = lo - pad, hi + pad
    xmax = max([p[0] for p in points] + [1.0])

    def y(v: float) -> float:
        return top + plot_h - plot_h * (v - lo) / (hi - lo)

    def x(t: float) -> float:
        return left + (plot_w * t / xmax if len(points) > 1 else plot_w / 2)

    ident = f' id="{escape(css_id)}"' if css_id else ""
    parts = [_open(width, height, title).replace("<svg ", f"<svg{ident} ", 1),
             f'<text class="title" x="0" y="18">{escape(title)} ({escape(unit)})</text>',
             f'<line x1="{left}" y1="{top + plot_h}" x2="{width - right}" y2="{top + plot_h}" stroke="#999"/>']
    for value, label, risk in thresholds:
        parts.append(f'<line x1="{left}" y1="{y(value):.1f}" x2="{width - right}" y2="{y(value):.1f}" '
                     f'stroke="{_COLOURS.get(risk, _COLOURS["muted"])}" stroke-dasharray="5 4">'
                     f'<title>{escape(label)}</title></line>'
                     f'<text x="{left - 4}" y="{y(value) + 4:.1f}" text-anchor="end" '
                     f'fill="{_COLOURS.get(risk, _COLOURS["muted"])}">{_fmt(value)}</text>')
    if not points:
        parts.append(f'<text x="{left}" y="{top + plot_h / 2:.0f}">Chưa có số đo</text>')
    if len(points) > 1:
        path = " ".join(f"{x(t):.1f},{y(v):.1f}" for t, v, _ in points)
        parts.append(f'<polyline points="{path}" fill="none" stroke="{_COLOURS["primary"]}" stroke-width="2"/>')
    for i, (t, v, label) in enumerate(points):
        # the first and last dates are anchored inside the chart; between them, only every few are printed
        anchor = "start" if i == 0 and len(points) > 1 else "end" if i == len(points) - 1 and i else "middle"
        step = max(1, len(points) // 6)
        parts.append(f'<circle class="reading" cx="{x(t):.1f}" cy="{y(v):.1f}" r="4" fill="{_COLOURS["primary"]}">'
                     f'<title>{escape(label)}: {_fmt(v)} {escape(unit)}</title></circle>'
                     f'<text x="{x(t):.1f}" y="{y(v) - 8:.1f}" text-anchor="middle" font-weight="700">{_fmt(v)}</text>')
        if i % step == 0 or i == len(points) - 1:
            parts.append(f'<text x="{x(t):.1f}" y="{top + plot_h + 18}" text-anchor="{anchor}">{escape(label)}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
