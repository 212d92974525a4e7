"""Charts as inline SVG for the HTML and PDF reports: horizontal bars, 100 % stacked bars, and bars over the
waves of a survey (trends).

Every text is escaped; labels wrap on two lines; values are written in the report's number format.
"""

from __future__ import annotations

import textwrap
from html import escape

from luotain.present.figures import SEGMENT_LABEL_MIN
from luotain.present.numbers import number, percent
from luotain.report.document import Brand, Chart, TrendChart

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


def _wrapped_label(x: float, y_mid: float, label: str, brand: Brand) -> str:
    lines = _label_lines(label)
    first = y_mid - (len(lines) - 1) * 10.5 + 6
    return "".join(
        _text(x, first + i * 21, line, anchor="end", fill=brand.text) for i, line in enumerate(lines)
    )


def chart_svg(chart: Chart, brand: Brand, lang: str, height: int = 470) -> str:
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
        f"aria-label=\"{escape(chart.alt)}\" font-family='{escape(brand.font)}'>",
        f"<title>{escape(chart.alt)}</title>",
    ]
    if chart.kind == "stacked":
        x: float = bar_x
        for i, series in enumerate(chart.series):
            colour = brand.palette[i % len(brand.palette)]
            parts.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{colour}"/>')
            parts.append(_text(x + 20, 20, series.name, size=16))
            x += 36 + 9 * len(series.name)
    for r, category in enumerate(chart.categories):
        y = legend + r * row_h
        mid = y + row_h / 2
        parts.append(_wrapped_label(LABEL_WIDTH, mid, category, brand))
        bar_h = row_h * 0.68
        top = mid - bar_h / 2
        if chart.kind == "bar":
            value = chart.series[0].values[r]
            w = bar_w * value / 100
            parts.append(
                f'<rect x="{bar_x}" y="{top:.1f}" width="{w:.1f}" height="{bar_h:.1f}" '
                f'fill="{brand.primary}"/>'
            )
            parts.append(_text(bar_x + w + 8, mid + 6, percent(value, lang=lang), weight="bold"))
        else:
            x = bar_x
            for i, series in enumerate(chart.series):
                value = series.values[r]
                w = bar_w * value / 100
                colour = brand.palette[i % len(brand.palette)]
                parts.append(
                    f'<rect x="{x:.1f}" y="{top:.1f}" width="{w:.1f}" height="{bar_h:.1f}" fill="{colour}"/>'
                )
                if value >= SEGMENT_LABEL_MIN:
                    ink = "#ffffff" if i in (0, 5) else "#1b1b1b"
                    parts.append(
                        _text(
                            x + w / 2, mid + 6, percent(value, lang=lang), anchor="middle", size=15, fill=ink
                        )
                    )
                x += w
    parts.append("</svg>")
    return "".join(parts)


def wave_colours(brand: Brand, waves: int) -> list[str]:
    """A colour for each wave, oldest first: the newest in the brand's primary colour, older ones paler."""
    newest_first = [brand.primary, brand.palette[1], "#8c969e", "#b8c0c6", "#d5dadd"]
    return [newest_first[min(i, len(newest_first) - 1)] for i in reversed(range(waves))]


def trend_svg(chart: TrendChart, brand: Brand, lang: str, height: int = 380) -> str:
    """Figures over the waves: for each category a group of horizontal bars, one a wave (oldest on top), from
    zero (a zero line when the scale goes below it); a wave that did not ask says so instead of a bar."""
    waves = len(chart.waves)
    legend = 40
    lines = max((len(_label_lines(c)) for c in chart.categories), default=1)
    group_gap = 18
    bar_h = max(22, min(52, (height - legend - 10) // max(len(chart.categories) * waves, 1) - 6))
    group_h = max(waves * (bar_h + 4), 21 * lines + 6) + group_gap
    total_h = legend + len(chart.categories) * group_h + 10
    bar_x = LABEL_WIDTH + 12
    bar_w = WIDTH - bar_x - 90
    span = (chart.maximum - chart.minimum) or 1.0

    def x_of(value: float) -> float:
        return bar_x + bar_w * (min(max(value, chart.minimum), chart.maximum) - chart.minimum) / span

    def label(value: float) -> str:
        if chart.unit == "%":
            return percent(value, lang=lang)
        return number(value, chart.digits, lang=lang)

    colours = wave_colours(brand, waves)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {total_h}" width="100%" height="100%" '
        f'preserveAspectRatio="xMinYMin meet" role="img" '
        f"aria-label=\"{escape(chart.alt)}\" font-family='{escape(brand.font)}'>",
        f"<title>{escape(chart.alt)}</title>",
    ]
    x: float = bar_x
    for wave, colour in zip(chart.waves, colours, strict=True):
        parts.append(f'<rect x="{x}" y="8" width="14" height="14" fill="{colour}"/>')
        parts.append(_text(x + 20, 20, wave, size=16))
        x += 44 + 9 * len(wave)
    zero = x_of(0.0)
    if chart.minimum < 0:
        parts.append(
            f'<line x1="{zero:.1f}" y1="{legend}" x2="{zero:.1f}" y2="{total_h - 6}" stroke="#505a5f"/>'
        )
    for c, category in enumerate(chart.categories):
        top = legend + c * group_h
        inner = waves * (bar_h + 4)
        parts.append(_wrapped_label(LABEL_WIDTH, top + inner / 2, category, brand))
        for w in range(waves):
            value = chart.values[w][c]
            y = top + w * (bar_h + 4)
            mid = y + bar_h / 2 + 6
            if value is None:
                parts.append(_text(bar_x + 4, mid, chart.missing, size=15, fill="#505a5f"))
                continue
            end = x_of(value)
            left, right = min(zero, end), max(zero, end)
            parts.append(
                f'<rect x="{left:.1f}" y="{y:.1f}" width="{right - left:.1f}" height="{bar_h}" '
                f'fill="{colours[w]}"/>'
            )
            if value >= 0:
                parts.append(_text(right + 8, mid, label(value), size=16, weight="bold"))
            else:
                parts.append(_text(left - 8, mid, label(value), anchor="end", size=16, weight="bold"))
    parts.append("</svg>")
    return "".join(parts)
