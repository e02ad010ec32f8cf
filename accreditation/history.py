"""Accredited institutions per region over time, for the picture of the chart's history.

One point per year end, from the year of the first status record to today (today is
the last point). Every point is folded from the same status records the chart uses,
so the picture of any year agrees with the chart as of its last day; drawing it costs
the same three queries however many institutions and years there are.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass

from accreditation.enums import ACCREDITED_GRADES
from accreditation.models import StatusRecord
from accreditation.status import fold
from institutions.models import Institution, Region

# The picture's drawing area, in SVG user units.
WIDTH = 640
HEIGHT = 320
MARGIN = 48


@dataclass(frozen=True)
class Point:
    day: dt.date
    count: int
    x: float
    y: float


@dataclass(frozen=True)
class Line:
    region: Region
    points: list[Point]
    style: int  # which of the stylesheet's series colours and dash patterns

    @property
    def path(self) -> str:
        return " ".join(f"{point.x:.1f},{point.y:.1f}" for point in self.points)


@dataclass(frozen=True)
class Tick:
    value: int
    y: float


@dataclass(frozen=True)
class History:
    days: list[dt.date]
    lines: list[Line]
    ticks: list[Tick]
    top: int
    width: int = WIDTH
    height: int = HEIGHT
    margin: int = MARGIN

    @property
    def rows(self) -> list[tuple[dt.date, list[int], int]]:
        """For the table: each day, the count of every region in order, and their sum."""
        rows = []
        for index, day in enumerate(self.days):
            counts = [line.points[index].count for line in self.lines]
            rows.append((day, counts, sum(counts)))
        return rows

    @property
    def baseline(self) -> int:
        return self.height - self.margin

    @property
    def right(self) -> int:
        return self.width - self.margin // 2


def year_ends(first: dt.date, today: dt.date) -> list[dt.date]:
    """31 December of every year from ``first``'s to the last before ``today``, then today."""
    days = [dt.date(year, 12, 31) for year in range(first.year, today.year)]
    return [*days, today]


def accredited_by_region(days: list[dt.date]) -> dict[int, list[int]]:
    """How many institutions of each region (by pk) held A, A(R) or B on each of ``days``.

    As on the chart, where the A and B columns count them: a suspended institution is
    not counted (the chart has a column for it), nor are lapsed, removed and
    never-accredited ones.
    """
    region_of = dict(Institution.objects.values_list("pk", "region_id"))
    records: dict[int, list[StatusRecord]] = defaultdict(list)
    for record in StatusRecord.objects.all():
        records[record.institution_id].append(record)
    counts: dict[int, list[int]] = defaultdict(lambda: [0] * len(days))
    for institution_id, own in records.items():
        for index, day in enumerate(days):
            status = fold(own, day)
            if status.grade in ACCREDITED_GRADES and not status.suspended:
                counts[region_of[institution_id]][index] += 1
    return counts


def history_until(today: dt.date) -> History:
    first = StatusRecord.objects.order_by("effective_on").values_list("effective_on", flat=True)
    first_day = first.first() or today
    days = year_ends(min(first_day, today), today)
    counts = accredited_by_region(days)
    regions = list(Region.objects.all())
    top = max([1, *(count for region in regions for count in counts[region.pk])])
    top = _round_up(top)
    lines = [
        Line(
            region=region,
            points=[
                Point(day=day, count=count, x=_x(index, len(days)), y=_y(count, top))
                for index, (day, count) in enumerate(zip(days, counts[region.pk], strict=True))
            ],
            style=number % 4 + 1,
        )
        for number, region in enumerate(regions)
    ]
    ticks = [Tick(value=value, y=_y(value, top)) for value in range(0, top + 1, max(1, top // 4))]
    return History(days=days, lines=lines, ticks=ticks, top=top)


def _round_up(top: int) -> int:
    """The axis's top: the highest count rounded up to a multiple of 4 (four even steps)."""
    return top + (-top % 4)


def _x(index: int, points: int) -> float:
    span = WIDTH - MARGIN - MARGIN // 2
    if points == 1:
        return MARGIN + span / 2
    return MARGIN + span * index / (points - 1)


def _y(count: int, top: int) -> float:
    span = HEIGHT - 2 * MARGIN
    return HEIGHT - MARGIN - span * count / top
