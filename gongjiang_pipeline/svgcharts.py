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


def bar_chart(chart_id: str, title: str, rows: Sequence[tuple[str, int]], unit: str = "人",
              sep: str = "；", colon: str = "：", empty: str = "无数据") -> str:
    """A horizontal bar chart; ``rows`` are (label, value) in display order. ``sep``,
    ``colon`` and ``empty`` are the words of ``<desc>`` (the English pages pass theirs)."""
    bar_h, gap, top = 22, 10, 8
    label_w = max([_text_width(lbl) for lbl, _ in rows] + [28.0]) + 12
    plot_w = 300.0
    width = int(label_w + plot_w + 70)
    height = top * 2 + max(1, len(rows)) * (bar_h + gap)
    peak = max([v for _, v in rows] + [1])
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    desc = sep.join(f"{lbl}{colon}{v}{unit}" for lbl, v in rows) or empty
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'aria-labelledby="{tid} {did}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family=\'{FONT}\' font-size="14">',
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(desc)}</desc>',
    ]
    if not rows:
        out.append(f'<text x="0" y="{top + 16}" fill="#555">{escape(empty)}</text>')
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


def lineage_tree(chart_id: str, lineage) -> str:
    """A mentorship lineage (gongjiang_pipeline.mentorship.Lineage) as an indented tree:
    one row per person, a connector from each master to their apprentices, and the
    counts of direct and all apprentices in the title; ``<desc>`` says the whole tree in words."""
    row_h, indent, left, top = 30, 28, 10, 8
    rows: list[tuple[int, str, int, int]] = [(0, lineage.master.name, lineage.direct, lineage.descendants)]
    rows += [(d, a.name, len(a.apprentices), a.descendants) for d, a in lineage.walk()]
    labels = [_label(name, direct, total) for _, name, direct, total in rows]
    width = int(max(left + d * indent + 14 + _text_width(lbl) for (d, *_), lbl in zip(rows, labels)) + 10)
    height = top * 2 + len(rows) * row_h
    tid, did = f"{chart_id}-title", f"{chart_id}-desc"
    title = f"{lineage.master.name}的师徒传承：直接带徒 {lineage.direct} 人，各代徒弟共 {lineage.descendants} 人"

    def said(apprentices) -> str:
        return "、".join(a.name + (f"（其徒弟：{said(a.apprentices)}）" if a.apprentices else "") for a in apprentices)

    desc = f"{lineage.master.name}的徒弟：{said(lineage.apprentices)}"
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart lineage" role="img" '
        f'aria-labelledby="{tid} {did}" viewBox="0 0 {width} {height}" '
        f'width="100%" preserveAspectRatio="xMinYMin meet" font-family=\'{FONT}\' font-size="14">',
        f'<title id="{tid}">{escape(title)}</title>',
        f'<desc id="{did}">{escape(desc)}</desc>',
    ]
    parents: dict[int, int] = {}  # depth -> row index of the latest node at that depth
    for i, ((depth, _, _, _), label) in enumerate(zip(rows, labels)):
        y = top + i * row_h + row_h // 2
        x = left + depth * indent
        if depth > 0:
            py = top + parents[depth - 1] * row_h + row_h // 2
            px = left + (depth - 1) * indent + 4
            out.append(f'<path d="M{px} {py + 6}V{y}H{x - 2}" fill="none" stroke="#888" stroke-width="1.5"/>')
        parents[depth] = i
        colour = BAR_COLOUR if depth == 0 else "#222"
        out.append(f'<circle cx="{x + 4}" cy="{y}" r="4" fill="{colour}"/>')
        out.append(f'<text x="{x + 14}" y="{y + 5}" fill="{colour}">{escape(label)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def _label(name: str, direct: int, total: int) -> str:
    if not direct:
        return name
    return f"{name}（徒弟 {direct} 人" + (f"，各代共 {total} 人）" if total != direct else "）")
