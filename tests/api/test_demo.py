"""The status endpoint agrees with the chart page on the March 2007 demonstration."""

from io import StringIO

import pytest
from django.core.management import call_command

pytestmark = pytest.mark.django_db

DAYS = ["2007-03-01", "2007-07-31", "2008-12-31"]


@pytest.fixture
def demo():
    call_command("load_demo", stdout=StringIO())


def test_the_status_endpoint_agrees_with_the_chart_page_on_the_2007_demo(client, api, demo):
    for day in DAYS:
        chart = client.get("/status-chart/", {"as_of": day}).context["chart"]
        body = api.get("/api/v1/status/", {"as_of": day}).json()
        assert body["as_of"] == day
        assert body["totals"] == _counts(chart.totals)
        assert [part["region"] for part in body["regions"]] == [
            part.region.code for part in chart.regions
        ]
        for part, expected in zip(body["regions"], chart.regions, strict=True):
            assert part["counts"] == _counts(expected.counts)
            assert [(row["id"], row["column"]) for row in part["rows"]] == [
                (row.institution.pk, row.column) for row in expected.rows
            ]


def test_the_demo_chart_of_july_2007_counts_fiji_suspended(api, demo):
    body = api.get("/api/v1/status/", {"as_of": "2007-07-31"}).json()
    rows = {row["country"]: row for part in body["regions"] for row in part["rows"]}
    assert rows["FJ"]["column"] == "suspended"
    assert rows["FJ"]["status"]["suspended"] is True
    assert body["totals"]["suspended"] == 1


def _counts(counts):
    return {
        "a": counts.a,
        "a_reserve": counts.a_reserve,
        "b": counts.b,
        "c": counts.c,
        "suspended": counts.suspended,
        "total": counts.total,
    }
