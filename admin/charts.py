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
