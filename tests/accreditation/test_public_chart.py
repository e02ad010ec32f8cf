"""The public chart beyond the page: as JSON, agreeing with the CSV and the page; the
March 2007 demonstration reproduced; the accredited institutions over the years."""

import csv
import datetime as dt
import io
import json
import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from accreditation.enums import Grade, StatusEvent
from institutions.enums import RegionCode
from tests.accreditation.test_public_pages import accredit, decide
from tests.factories import InstitutionFactory, region
from tests.pages import text, visit

HELD = dt.date(2020, 1, 1)
TODAY = dt.date(2030, 6, 1)
DIRECTORY = reverse("institutions:directory")
CHART = reverse("accreditation:chart")
CSV = reverse("accreditation:chart_csv")
JSON = reverse("accreditation:chart_json")
HISTORY = reverse("accreditation:chart_history")
BAD_DAYS = ["2007-13-45", "yesterday", "20070731", "2007-02-30"]

# -- the chart as JSON --


@pytest.fixture
def chart_day(db):
    accredit(
        InstitutionFactory(name="=Formula body", country="DE", region=region(RegionCode.EUROPE))
    )
    accredit(
        InstitutionFactory(name="Kenyan body", country="KE", region=region(RegionCode.AFRICA)),
        Grade.B,
    )
    suspended = InstitutionFactory(name="Thai body", country="TH")
    accredit(suspended, Grade.A_RESERVE)
    decide(suspended, event=StatusEvent.SUSPENSION, on=dt.date(2024, 1, 1))
    InstitutionFactory(name="Nobody's body")
    return "2029-06-01"


def test_the_json_parses_and_agrees_with_the_csv_and_the_page(client, chart_day):
    data = json.loads(text(client.get(JSON, {"as_of": chart_day})))
    assert data["as_of"] == chart_day
    rows = [row for part in data["regions"] for row in part["institutions"]]
    table = list(csv.reader(io.StringIO(text(client.get(CSV, {"as_of": chart_day})))))[1:]
    assert [(r["country"], r["grade"], "yes" if r["suspended"] else "no") for r in rows] == [
        (line[1], line[3], line[4]) for line in table
    ]
    assert [r["institution"] for r in rows] == ["Kenyan body", "Thai body", "=Formula body"]
    assert data["totals"] == {"A": 1, "A(R)": 0, "B": 1, "C": 0, "suspended": 1, "total": 3}
    page = text(client.get(CHART, {"as_of": chart_day}))
    for row in rows:
        assert row["institution"] in page.replace("&#x27;", "'")
    for part in data["regions"]:
        counts = part["counts"]
        cells = _summary_cells(page, part["name"])
        assert cells == [
            counts["A"],
            counts["B"],
            counts["C"],
            counts["suspended"],
            counts["total"],
        ]
    assert f'href="{JSON}?as_of={chart_day}"' in page


@pytest.mark.parametrize("bad", BAD_DAYS)
def test_a_bad_day_gets_the_same_400_as_the_page_and_the_csv(client, db, bad):
    response = client.get(JSON, {"as_of": bad})
    assert response.status_code == 400
    message = json.loads(text(response))["error"]
    assert "Give the day as YYYY-MM-DD" in message
    assert message == text(client.get(CSV, {"as_of": bad}))
    assert client.get(CHART, {"as_of": bad}).status_code == 400


# -- the March 2007 demonstration --


@pytest.fixture
def demo(db):
    out = StringIO()
    call_command("load_demo", stdout=out)


# From reviews/demo/history-2007.yaml and assumptions-2007.yaml: after the March 2007
# session, 13 institutions held A (the four re-accredited, the seven of the Bureau, and
# Nepal and Sri Lanka under special review), Burkina Faso and Jordan B, Puerto Rico and
# Romania C, Fiji was suspended; the eight deferred files had no grade but Nigeria's A.
DEMO_COUNTS = {
    "africa": {"A": 2, "B": 1, "C": 0, "suspended": 0, "total": 3},
    "americas": {"A": 4, "B": 0, "C": 1, "suspended": 0, "total": 5},
    "asia-pacific": {"A": 5, "B": 1, "C": 0, "suspended": 1, "total": 7},
    "europe": {"A": 2, "B": 0, "C": 1, "suspended": 0, "total": 3},
}


def test_the_chart_of_july_2007_reproduces_the_demonstration(client, demo):
    data = json.loads(text(client.get(JSON, {"as_of": "2007-07-31"})))
    got = {
        part["code"]: {key: part["counts"][key] for key in ("A", "B", "C", "suspended", "total")}
        for part in data["regions"]
    }
    assert got == DEMO_COUNTS
    suspended = [r["country"] for p in data["regions"] for r in p["institutions"] if r["suspended"]]
    assert suspended == ["Fiji"]
    page = text(client.get(CHART, {"as_of": "2007-07-31"}))
    assert "(ICC)" in page
    for part in data["regions"]:
        counts = DEMO_COUNTS[part["code"]]
        assert _summary_cells(page, part["name"]) == [
            counts["A"],
            counts["B"],
            counts["C"],
            counts["suspended"],
            counts["total"],
        ]


def test_the_history_of_the_demonstration_agrees_with_its_charts(client, demo):
    page = text(visit(client, None, HISTORY, on=dt.date(2007, 7, 31)))
    table = _history_table(page)
    # The last row is the day asked; its counts are the chart's A and B of that day.
    day, counts = table[-1]
    assert day == "2007-07-31"
    assert counts == [
        DEMO_COUNTS[code]["A"] + DEMO_COUNTS[code]["B"]
        for code in ("africa", "americas", "asia-pacific", "europe")
    ] + [13 + 2]
    for row_day, row_counts in table:
        chart = json.loads(text(client.get(JSON, {"as_of": row_day})))
        assert row_counts[:-1] == [p["counts"]["A"] + p["counts"]["B"] for p in chart["regions"]]


# -- the history picture --


def test_the_svg_says_what_the_table_says(client, db):
    for code in RegionCode:
        region(code)
    europe, africa = region(RegionCode.EUROPE), region(RegionCode.AFRICA)
    accredit(InstitutionFactory(region=europe), held_on=dt.date(2027, 3, 1))
    accredit(InstitutionFactory(region=europe), Grade.B, held_on=dt.date(2028, 3, 1))
    lapsing = InstitutionFactory(region=africa)
    accredit(lapsing, held_on=dt.date(2027, 6, 1))
    decide(lapsing, event=StatusEvent.LAPSE, on=dt.date(2029, 2, 1))
    page = text(visit(client, None, HISTORY, on=TODAY))
    assert 'role="img"' in page and '<title id="history-title">' in page and "<desc" in page
    assert "<script>" not in page and 'style="' not in page  # no inline script or style
    table = _history_table(page)
    assert table == [
        ("2027-12-31", [1, 0, 0, 1, 2]),
        ("2028-12-31", [1, 0, 0, 2, 3]),
        ("2029-12-31", [0, 0, 0, 2, 2]),
        ("2030-06-01", [0, 0, 0, 2, 2]),
    ]
    svg = page[page.index('<svg class="history-chart"') : page.index("</svg>")]
    regions = ["africa", "americas", "asia-pacific", "europe"]
    for index, code in enumerate(regions):
        series = svg[svg.index(f'data-region="{code}"') :]
        series = series[: series.index("</g>")]
        points = re.findall(r'data-day="([\d-]+)" data-count="(\d+)"', series)
        assert points == [(day, str(counts[index])) for day, counts in table]
    desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S).group(1)
    assert "Europe: 2027-12-31 1, 2028-12-31 2, 2029-12-31 2, 2030-06-01 2." in desc
    assert f'href="{HISTORY}"' in text(client.get(CHART))


def test_the_history_is_drawn_for_an_empty_register(client, db):
    page = text(visit(client, None, HISTORY, on=TODAY))
    [(day, counts)] = _history_table(page)
    assert day == "2030-06-01" and set(counts) == {0}


def _summary_cells(page, region_name):
    summary = page[page.index('id="summary-heading"') :]
    row = summary[summary.index(f">{region_name}</a></th>") :]
    row = row[: row.index("</tr>")]
    return [int(cell) for cell in re.findall(r"<td[^>]*>\s*(\d+)", row)]


def _history_table(page):
    body = page[page.index('class="data-table data-table--compact history-table"') :]
    body = body[body.index("<tbody>") : body.index("</tbody>")]
    rows = []
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        day = re.search(r'<time datetime="([\d-]+)"', row).group(1)
        rows.append((day, [int(cell) for cell in re.findall(r'<td class="num">(\d+)</td>', row)]))
    return rows
