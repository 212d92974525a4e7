"""Charts as inline SVG for the HTML and PDF reports: horizontal bars and 100 % stacked bars.

Every text is escaped; labels wrap on two lines; values are written in the report's number format.
"""

from __future__ import annotations

import textwrap
from html import escape

from luotain.report.document import Chart, Theme
from luotain.report.numbers import percent

WIDTH = 1100
LABEL_WIDTH = 430
ROW_MIN, ROW_MAX = 30, 62


def _label_lines(label: str, width: int = 42) -> list[str]:
    lines = textwrap.wrap(label, width) or [""]
    if len(lines) > 2:
        lines = [lines[0], textwrap.shorten(" ".join(lines[1:]), width, placeholder="…")]
    return lines


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = 18,
    fill: str = "#1b1b1b",
    weight: str = "normal",
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" fill="{fill}" '
        f'font-weight="{weight}">{escape(content)}</text>'
    )


def _wrapped_label(x: float, y_mid: float, label: str, theme: Theme) -> str:
    lines = _label_lines(label)
    first = y_mid - (len(lines) - 1) * 10.5 + 6
    return "".join(
        _text(x, first + i * 21, line, anchor="end", fill=theme.text) for i, line in enumerate(lines)
    )


def chart_svg(chart: Chart, theme: Theme, lang: str, height: int = 470) -> str:
    rows = len(chart.categories)
    legend = 40 if chart.kind == "stacked" else 0
    lines = max((len(_label_lines(c)) for c in chart.categories), default=1)
    row_h = max(ROW_MIN, 21 * lines + 10, min(ROW_MAX, (height - legend - 10) // max(rows, 1)))
    total_h = legend + rows * row_h + 10
    bar_x = LABEL_WIDTH + 12
    bar_w = WIDTH - bar_x - 70
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total_h}" width="100%" height="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" '
        f"aria-label=\"{escape(chart.alt)}\" font-family='{escape(theme.font)}'>",
        f"<title>{escape(chart.alt)}</title>",
    ]
    if chart.kind == "stacked":
        x: float = bar_x
        for i, series in enumerate(chart.series):
            colour = theme.palette[i % len(theme.palette)]
            parts.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{colour}"/>')
            parts.append(_text(x + 20, 20, series.name, size=16))
            x += 36 + 9 * len(series.name)
    for r, category in enumerate(chart.categories):
        y = legend + r * row_h
        mid = y + row_h / 2
        parts.append(_wrapped_label(LABEL_WIDTH, mid, category, theme))
        bar_h = row_h * 0.68
        top = mid - bar_h / 2
        if chart.kind == "bar":
            value = chart.series[0].values[r]
            w = bar_w * value / 100
            parts.append(
                f'<rect x="{bar_x}" y="{top:.1f}" width="{w:.1f}" height="{bar_h:.1f}" '
                f'fill="{theme.primary}"/>'
            )
            parts.append(_text(bar_x + w + 8, mid + 6, percent(value, lang=lang), weight="bold"))
        else:
            x = bar_x
            for i, series in enumerate(chart.series):
                value = series.values[r]
                w = bar_w * value / 100
                colour = theme.palette[i % len(theme.palette)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{bar_h:.1f}" fill="{colour}"/>'
                )
                if value >= 6:
                    ink = "#ffffff" if i in (0, 5) else "#1b1b1b"
                    parts.append(
                        _text(
                            x + w / 2, mid + 6, percent(value, lang=lang), anchor="middle", size=15, fill=ink
                        )
                    )
                x += w
    parts.append("</svg>")
    return "".join(parts)
