"""Static, accessible SVG bar charts (no JavaScript, no external fonts).

Each chart has ``role="img"``, a ``<title>`` and a ``<desc>`` listing every value,
and draws the label and the value next to each bar as text, so it reads without
colour and prints in black and white. Output is deterministic.
"""

from __future__ import annotations

from typing import Sequence
from xml.sax.saxutils import escape

BAR_COLOUR = "#b3261e"
FONT = '"PingFang SC","Noto Sans CJK SC","Microsoft YaHei",sans-serif'


def _text_width(label: str) -> float:
    # CJK characters are about one em wide, ASCII about half
    return sum(14.0 if ord(c) > 0x2E80 else 8.0 for c in label)


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]], unit: str = "人") -> str:
    """A horizontal bar chart; ``rows`` are (label, value) in display order."""
    bar_h, gap, top = 22, 10, 8
    label_w = max([_text_width(lbl) for lbl, _ in rows] + [28.0]) + 12
    plot_w = 300.0
    width = int(label_w + plot_w + 70)
    height = top * 2 + max(1, len(rows)) * (bar_h + gap)
    peak = max([v for _, v in rows] + [1])
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    desc = "；".join(f"{lbl}：{v}{unit}" for lbl, v in rows) or "无数据"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{tid} {did}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family=\'{FONT}\' font-size="14">',
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(desc)}</desc>',
    ]
    if not rows:
        out.append(f'<text x="0" y="{top + 16}" fill="#555">无数据</text>')
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_h + gap)
        w = plot_w * value / peak
        out.append(
            f'<text x="{label_w - 8:.0f}" y="{y + 16}" text-anchor="end" fill="#222">{escape(label)}</text>'
        )
        out.append(f'<rect x="{label_w:.0f}" y="{y}" width="{w:.1f}" height="{bar_h}" fill="{BAR_COLOUR}"/>')
        out.append(f'<text x="{label_w + w + 6:.1f}" y="{y + 16}" fill="#222">{value}{escape(unit)}</text>')
    out.append("</svg>")
    return "\n".join(out)
