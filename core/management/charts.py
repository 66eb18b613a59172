"""Charts as inline SVG rendered on the server: no script, no external asset, printable.

Every chart is an ``<svg class="gm-chart" data-chart="…">`` with a ``<title>`` (screen
readers), one ``<g class="bar">`` per bar segment carrying its figure in a ``<title>``
tooltip, and a legend. Text is escaped.
"""
from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

PALETTE = ("#2e7d32", "#1565c0", "#ef6c00", "#6a1b9a", "#00838f", "#ad1457", "#827717", "#4e342e")
STATUS_COLOURS = {"accepted": "#2e7d32", "submitted": "#1565c0", "returned": "#f9a825", "due": "#90a4ae",
                  "overdue": "#c62828", "closed": "#cfd8dc"}


def _num(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _ticks(top: float) -> list[int]:
    if top <= 5:
        return list(range(int(top) + 1))
    step = max(1, round(top / 4))
    return list(range(0, int(top) + step, step))


def stacked_columns(chart: str, title: str, categories: Sequence[str],
                    series: Sequence[tuple[str, Sequence[float]]], width: int = 520, height: int = 240,
                    colours: dict[str, str] | None = None) -> Markup:
    """Vertical stacked columns: one column per category, one segment per series."""
    left, right, top, bottom = 36, 10, 24, 46
    rows = 1 + max([row for _, _, row in _legend_layout([n for n, _ in series], left, width - right)] + [0])
    height += 13 * (rows - 1)
    plot_w, plot_h = width - left - right, height - top - bottom - 13 * (rows - 1)
    totals = [sum(values[i] for _, values in series) for i in range(len(categories))]
    peak = max([*totals, 1])
    ticks = _ticks(peak)
    peak = max(peak, ticks[-1])
    slot = plot_w / max(len(categories), 1)
    bar_w = min(48.0, slot * 0.7)
    out = [_open(chart, title, width, height)]
    for t in ticks:
        y = top + plot_h - plot_h * t / peak
        out.append(f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" '
                   f'stroke="#e0e0e0"/><text x="{left - 4}" y="{y + 4:.1f}" text-anchor="end" '
                   f'font-size="10">{t}</text>')
    for i, category in enumerate(categories):
        x = left + slot * i + (slot - bar_w) / 2
        base = top + plot_h
        for j, (name, values) in enumerate(series):
            value = values[i]
            if not value:
                continue
            h = plot_h * value / peak
            base -= h
            colour = (colours or {}).get(name, PALETTE[j % len(PALETTE)])
            out.append(f'<g class="bar" data-series="{escape(name)}" data-value="{_num(value)}">'
                       f'<rect x="{x:.1f}" y="{base:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}"/>'
                       f'<title>{escape(category)} · {escape(name)}: {_num(value)}</title></g>')
        if totals[i]:
            out.append(f'<text class="total" x="{x + bar_w / 2:.1f}" y="{base - 3:.1f}" text-anchor="middle" '
                       f'font-size="10">{_num(totals[i])}</text>')
        out.append(f'<text x="{x + bar_w / 2:.1f}" y="{top + plot_h + 14}" text-anchor="middle" '
                   f'font-size="11">{escape(category)}</text>')
    out.append(_legend([name for name, _ in series], left, height - 14 - 13 * (rows - 1), colours,
                       width=width - right))
    out.append("</svg>")
    return Markup("".join(out))


def stacked_rows(chart: str, title: str, rows: Sequence[tuple[str, Sequence[tuple[str, float]]]],
                 width: int = 640, row_h: int = 22, colours: dict[str, str] | None = None,
                 labels: dict[str, str] | None = None) -> Markup:
    """Horizontal stacked bars: one bar per row (e.g. a city's filings by status)."""
    label_w, right, top = 110, 50, 8
    names = []
    for _, parts in rows:
        for name, _ in parts:
            if name not in names:
                names.append(name)
    height = top + row_h * max(len(rows), 1) + 34
    peak = max([sum(v for _, v in parts) for _, parts in rows] + [1])
    plot_w = width - label_w - right
    out = [_open(chart, title, width, height)]
    for i, (label, parts) in enumerate(rows):
        y = top + row_h * i
        out.append(f'<text x="{label_w - 6}" y="{y + row_h * 0.65:.1f}" text-anchor="end" font-size="11">'
                   f'{escape(label)}</text>')
        x = float(label_w)
        for name, value in parts:
            if not value:
                continue
            w = plot_w * value / peak
            colour = (colours or {}).get(name, PALETTE[names.index(name) % len(PALETTE)])
            shown = (labels or {}).get(name, name)
            out.append(f'<g class="bar" data-series="{escape(name)}" data-value="{_num(value)}">'
                       f'<rect x="{x:.1f}" y="{y + 3}" width="{w:.1f}" height="{row_h - 6}" fill="{colour}"/>'
                       f'<title>{escape(label)} · {escape(shown)}: {_num(value)}</title></g>')
            x += w
        total = sum(v for _, v in parts)
        out.append(f'<text x="{x + 4:.1f}" y="{y + row_h * 0.65:.1f}" font-size="10">{_num(total)}</text>')
    out.append(_legend(names, label_w, height - 12, colours, labels))
    out.append("</svg>")
    return Markup("".join(out))


def progress_rows(chart: str, title: str, rows: Sequence[tuple[str, float, float | None]], width: int = 640,
                  row_h: int = 22) -> Markup:
    """Progress against targets: a bar per row, the target as a marker, "done/target" beside it."""
    label_w, right, top = 110, 70, 8
    height = top + row_h * max(len(rows), 1) + 10
    peak = max([max(v, t or 0) for _, v, t in rows] + [1])
    plot_w = width - label_w - right
    out = [_open(chart, title, width, height)]
    for i, (label, value, target) in enumerate(rows):
        y = top + row_h * i
        reached = target is not None and value >= target
        w = plot_w * value / peak
        out.append(f'<text x="{label_w - 6}" y="{y + row_h * 0.65:.1f}" text-anchor="end" font-size="11">'
                   f'{escape(label)}</text>')
        out.append(f'<g class="bar" data-value="{_num(value)}" data-target="{"" if target is None else _num(target)}">'
                   f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                   f'fill="{"#2e7d32" if reached else "#1565c0"}"/>'
                   f'<title>{escape(label)}: {_num(value)}{"" if target is None else " / " + _num(target)}</title></g>')
        if target is not None:
            tx = label_w + plot_w * target / peak
            out.append(f'<line class="target" x1="{tx:.1f}" x2="{tx:.1f}" y1="{y + 1}" y2="{y + row_h - 1}" '
                       f'stroke="#c62828" stroke-width="2"/>')
        text = _num(value) if target is None else f"{_num(value)}/{_num(target)}"
        out.append(f'<text x="{label_w + plot_w + 4}" y="{y + row_h * 0.65:.1f}" font-size="10">{text}</text>')
    out.append("</svg>")
    return Markup("".join(out))


def _open(chart: str, title: str, width: float, height: float) -> str:
    return (f'<svg class="gm-chart" data-chart="{escape(chart)}" role="img" viewBox="0 0 {width} {height}" '
            f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>')


def _legend_layout(names: Sequence[str], x: float, width: float,
                   labels: dict[str, str] | None = None) -> list[tuple[str, float, int]]:
    """(name, x, row) of each legend entry, wrapping at ``width``."""
    out, cursor, row = [], x, 0
    for name in names:
        shown = (labels or {}).get(name, name)
        step = 22 + 11 * len(str(shown))
        if cursor > x and cursor + step > width:
            cursor, row = x, row + 1
        out.append((name, cursor, row))
        cursor += step
    return out


def _legend(names: Sequence[str], x: float, y: float, colours: dict[str, str] | None = None,
            labels: dict[str, str] | None = None, width: float = 10_000) -> str:
    parts = ['<g class="legend">']
    for j, (name, left, row) in enumerate(_legend_layout(names, x, width, labels)):
        colour = (colours or {}).get(name, PALETTE[j % len(PALETTE)])
        shown = (labels or {}).get(name, name)
        top = y + 13 * row
        parts.append(f'<rect x="{left:.1f}" y="{top - 9}" width="10" height="10" fill="{colour}"/>'
                     f'<text x="{left + 13:.1f}" y="{top}" font-size="10">{escape(shown)}</text>')
    parts.append("</g>")
    return "".join(parts)
