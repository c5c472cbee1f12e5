"""The geometry of a cohort's wave timeline, drawn server-side as SVG so that it needs no JavaScript.

One row per wave: a bar from its first to its last day of collection on a calendar axis, with the
participants' age written beside it. The template draws it; the table under it says the same in text.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

WIDTH = 800
LABEL_WIDTH = 240
ROW_HEIGHT = 34
TOP = 30
RIGHT_MARGIN = 130
MIN_BAR = 6


@dataclass(slots=True)
class TimelineBar:
    name: str
    title: dict[str, str]
    x: float
    y: float
    width: float
    age_min_months: float | None
    age_max_months: float | None
    start_date: str | None
    end_date: str | None


@dataclass(slots=True)
class Timeline:
    width: int
    height: int
    label_width: int
    row_height: int
    top: int
    ticks: list[tuple[float, int]] = field(default_factory=list)
    bars: list[TimelineBar] = field(default_factory=list)


def _day(value: str | None) -> date | None:
    if not value:
        return None
    text = value.strip()
    for candidate in (text[:10], text[:7] + "-01", text[:4] + "-01-01"):
        try:
            return date.fromisoformat(candidate)
        except ValueError:
            continue
    return None


def wave_timeline(waves: list[dict[str, Any]]) -> Timeline | None:
    """The chart of the waves that have dates, or None when none has one."""
    spans = []
    for wave in waves:
        start = _day(wave.get("start_date"))
        end = _day(wave.get("end_date")) or start
        if start is None:
            continue
        spans.append((wave, start, max(start, end or start)))
    if not spans:
        return None
    first_year = min(s for _, s, _ in spans).year
    last_year = max(e for _, _, e in spans).year + 1
    origin = date(first_year, 1, 1).toordinal()
    extent = max(1, date(last_year, 1, 1).toordinal() - origin)
    plot = WIDTH - LABEL_WIDTH - RIGHT_MARGIN

    def x_of(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day.toordinal() - origin) / extent, 1)

    step = max(1, -(-(last_year - first_year) // 8))
    ticks = [(x_of(date(year, 1, 1)), year) for year in range(first_year, last_year + 1, step)]
    bars = []
    for row, (wave, start, end) in enumerate(spans):
        x = x_of(start)
        bars.append(
            TimelineBar(
                name=wave["name"],
                title=wave.get("title") or {},
                x=x,
                y=TOP + row * ROW_HEIGHT,
                width=max(MIN_BAR, round(x_of(end) - x, 1)),
                age_min_months=wave.get("age_min_months"),
                age_max_months=wave.get("age_max_months"),
                start_date=wave.get("start_date"),
                end_date=wave.get("end_date"),
            )
        )
    height = TOP + len(bars) * ROW_HEIGHT + 10
    return Timeline(
        width=WIDTH,
        height=height,
        label_width=LABEL_WIDTH,
        row_height=ROW_HEIGHT,
        top=TOP,
        ticks=ticks,
        bars=bars,
    )
