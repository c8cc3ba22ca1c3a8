"""Geometry for the dashboard's server-rendered SVG charts.

Templates draw the shapes; these functions only work out where they go. Every
chart is printed next to a table of the same figures, so nothing depends on
seeing the picture, and bars always carry their value as text.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    text: str
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    bars: list[Bar]
    baseline_y: float = 0


def horizontal_bars(
    items: list[tuple[str, int, int, str]],
    *,
    width: int = 640,
    bar_height: int = 20,
    label_height: int = 20,
    gap: int = 14,
) -> Chart:
    """One bar per (label, value, out_of, text), its label above it (labels can be long).

    A bar's length is value / out_of of the track; the text after it states the figure.
    """
    track = width - 110
    row = label_height + bar_height + gap
    bars = []
    for index, (label, value, out_of, text) in enumerate(items):
        top = index * row
        length = track * value / out_of if out_of else 0
        bars.append(
            Bar(
                label=label,
                value=value,
                text=text,
                x=0,
                y=top + label_height,
                width=round(length, 1),
                height=bar_height,
                label_x=0,
                label_y=top + label_height - 6,
                value_x=round(length + 6, 1),
                value_y=top + label_height + bar_height * 0.75,
            )
        )
    return Chart(width=width, height=len(items) * row, bars=bars, baseline_y=track)


def columns(
    items: list[tuple[str, int]], *, width: int = 640, height: int = 180, top: int = 20
) -> Chart:
    """One column per (label, value), scaled to the largest value."""
    bottom = 28
    plot = height - top - bottom
    highest = max((value for _label, value in items), default=0) or 1
    slot = width / max(len(items), 1)
    column = min(slot * 0.6, 40)
    bars = []
    for index, (label, value) in enumerate(items):
        size = plot * value / highest
        x = index * slot + (slot - column) / 2
        y = top + plot - size
        bars.append(
            Bar(
                label=label,
                value=value,
                text=str(value),
                x=round(x, 1),
                y=round(y, 1),
                width=round(column, 1),
                height=round(size, 1),
                label_x=round(index * slot + slot / 2, 1),
                label_y=height - 8,
                value_x=round(index * slot + slot / 2, 1),
                value_y=round(y - 5, 1),
            )
        )
    return Chart(width=width, height=height, bars=bars, baseline_y=top + plot)
