"""The status chart and the register: institutions with their status on one day.

Drawn from the status records through :func:`accreditation.status.statuses_on`, so
the chart of any past day is the chart as it stood then, and drawing it costs the
same few queries however many institutions there are.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from accreditation.enums import Grade
from accreditation.status import Status, statuses_on
from institutions.models import Institution, Region


@dataclass
class Counts:
    """How many institutions a part of the chart counts, by column.

    A(R) counts with A, as on the published charts; ``a_reserve`` says how many
    of the A count hold A(R).
    """

    a: int = 0
    a_reserve: int = 0
    b: int = 0
    c: int = 0
    suspended: int = 0

    @property
    def total(self) -> int:
        return self.a + self.b + self.c + self.suspended

    def count(self, status: Status) -> None:
        column = status.chart_column
        if column in (Grade.A, Grade.A_RESERVE):
            self.a += 1
            if column == Grade.A_RESERVE:
                self.a_reserve += 1
        elif column == Grade.B:
            self.b += 1
        elif column == Grade.C:
            self.c += 1
        elif column == "suspended":
            self.suspended += 1

    def add(self, other: Counts) -> None:
        self.a += other.a
        self.a_reserve += other.a_reserve
        self.b += other.b
        self.c += other.c
        self.suspended += other.suspended


@dataclass(frozen=True)
class ChartRow:
    institution: Institution
    status: Status

    @property
    def column(self) -> str:
        return self.status.chart_column

    @property
    def country_name(self) -> str:
        """The country's name in the active language."""
        return str(self.institution.country.name)  # type: ignore[attr-defined]

    @property
    def sort_key(self) -> tuple[str, str]:
        return (self.country_name, self.institution.name)


@dataclass
class RegionChart:
    region: Region
    rows: list[ChartRow] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)


@dataclass(frozen=True)
class Chart:
    day: dt.date
    regions: list[RegionChart]
    totals: Counts

    @property
    def alliance(self) -> str:
        return alliance_name(self.day)

    @property
    def rows(self) -> list[ChartRow]:
        return [row for region in self.regions for row in region.rows]


GANHRI_SINCE = dt.date(2016, 3, 22)


def alliance_name(day: dt.date) -> str:
    """The accrediting alliance by the name it had on ``day``: the ICC became GANHRI
    on 22 March 2016, and records show the name in force at the time."""
    if day < GANHRI_SINCE:
        return str(_("the International Coordinating Committee of NHRIs (ICC)"))
    return str(_("the Global Alliance of NHRIs (GANHRI)"))


def on_chart(status: Status) -> bool:
    """Institutions without a grade on the day (never accredited, lapsed, removed) are not."""
    return status.chart_column != Grade.NONE


def chart_on(day: dt.date) -> Chart:
    """The chart as it stood on ``day``: regions in order, institutions by country name."""
    regions = {region.pk: RegionChart(region=region) for region in Region.objects.all()}
    institutions = list(Institution.objects.all())
    statuses = statuses_on([institution.pk for institution in institutions], day)
    for institution in institutions:
        status = statuses[institution.pk]
        if not on_chart(status):
            continue
        part = regions[institution.region_id]
        institution.region = part.region  # spares a query per row
        part.rows.append(ChartRow(institution=institution, status=status))
        part.counts.count(status)
    totals = Counts()
    for part in regions.values():
        part.rows.sort(key=lambda row: row.sort_key)
        totals.add(part.counts)
    return Chart(day=day, regions=list(regions.values()), totals=totals)


def register_on(
    day: dt.date,
    *,
    region: str | None = None,
    grade: str | None = None,
    kind: str | None = None,
) -> list[ChartRow]:
    """Every institution (or those of ``region`` and ``kind`` in the chart column ``grade``:
    a grade, "none" or "suspended") with its status on ``day``, by country name."""
    institutions = Institution.objects.select_related("region")
    if region:
        institutions = institutions.filter(region__code=region)
    if kind:
        institutions = institutions.filter(kind=kind)
    listed = list(institutions)
    statuses = statuses_on([institution.pk for institution in listed], day)
    rows = [
        ChartRow(institution=institution, status=statuses[institution.pk])
        for institution in listed
        if not grade or statuses[institution.pk].chart_column == grade
    ]
    rows.sort(key=lambda row: row.sort_key)
    return rows


def chart_as_dict(chart: Chart) -> dict[str, object]:
    """The chart as plain data, for JSON: the same rows and counts as the page and the CSV."""
    return {
        "as_of": chart.day.isoformat(),
        "alliance": chart.alliance,
        "totals": _counts_as_dict(chart.totals),
        "regions": [
            {
                "code": part.region.code,
                "name": str(part.region),
                "counts": _counts_as_dict(part.counts),
                "institutions": [_row_as_dict(row) for row in part.rows],
            }
            for part in chart.regions
        ],
    }


def _counts_as_dict(counts: Counts) -> dict[str, int]:
    return {
        "A": counts.a,
        "A(R)": counts.a_reserve,
        "B": counts.b,
        "C": counts.c,
        "suspended": counts.suspended,
        "total": counts.total,
    }


def _row_as_dict(row: ChartRow) -> dict[str, object]:
    status, institution = row.status, row.institution
    return {
        "id": institution.pk,
        "institution": institution.name,
        "country": row.country_name,
        "country_code": str(institution.country),
        "grade": status.grade.value,
        "suspended": status.suspended,
        "since": status.since.isoformat() if status.since else None,
    }
