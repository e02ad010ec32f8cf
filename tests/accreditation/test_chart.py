import datetime as dt

import pytest
from django.urls import reverse

from accreditation.chart import chart_on, register_on
from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from institutions.enums import RegionCode
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

D = dt.date(2030, 5, 10)
HELD = dt.date(2020, 1, 1)


def institution(code, grade=None, **fields):
    made = InstitutionFactory(region=region(code), **fields)
    if grade is not None:
        record_prior_status(institution=made, grade=grade, held_on=HELD, note="", by=None)
    return made


def decide(made, event=StatusEvent.GRADE, grade=Grade.NONE, on=D):
    return record_decision(
        institution=made,
        event=event,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        by=None,
    )


def part(chart, code):
    return next(p for p in chart.regions if p.region.code == code)


def test_a_downgrade_shows_the_old_grade_until_the_day_it_takes_effect():
    made = institution(RegionCode.AFRICA, Grade.A)
    decide(made, grade=Grade.B)
    before = part(chart_on(D + dt.timedelta(days=364)), RegionCode.AFRICA)
    after = part(chart_on(D + dt.timedelta(days=365)), RegionCode.AFRICA)
    assert (before.counts.a, before.counts.b) == (1, 0)
    assert [row.column for row in before.rows] == ["A"]
    assert before.rows[0].status.pending is not None
    assert (after.counts.a, after.counts.b) == (0, 1)
    assert [row.column for row in after.rows] == ["B"]


def test_the_chart_counts_each_column_by_region_and_in_total():
    institution(RegionCode.AFRICA, Grade.A)
    institution(RegionCode.AFRICA, Grade.A_RESERVE)
    institution(RegionCode.AMERICAS, Grade.B)
    institution(RegionCode.EUROPE, Grade.C)
    suspended = institution(RegionCode.ASIA_PACIFIC, Grade.A)
    decide(suspended, event=StatusEvent.SUSPENSION, on=D)
    institution(RegionCode.EUROPE)  # never accredited: not on the chart
    chart = chart_on(D)
    africa, europe = part(chart, RegionCode.AFRICA), part(chart, RegionCode.EUROPE)
    assert (africa.counts.a, africa.counts.a_reserve, africa.counts.total) == (2, 1, 2)
    assert sorted(row.column for row in africa.rows) == ["A", "A(R)"]
    assert (europe.counts.c, europe.counts.total, len(europe.rows)) == (1, 1, 1)
    assert part(chart, RegionCode.ASIA_PACIFIC).counts.suspended == 1
    assert part(chart, RegionCode.ASIA_PACIFIC).counts.a == 0
    totals = chart.totals
    assert (totals.a, totals.a_reserve, totals.b, totals.c, totals.suspended) == (2, 1, 1, 1, 1)
    assert totals.total == 5


def test_a_day_before_any_record_draws_an_empty_chart_with_every_region():
    institution(RegionCode.AFRICA, Grade.A)
    chart = chart_on(HELD - dt.timedelta(days=1))
    assert [p.region.code for p in chart.regions] == [RegionCode.AFRICA]
    assert chart.totals.total == 0
    assert chart.rows == []


def test_a_removal_and_a_lapse_take_the_institution_off_the_chart():
    removed = institution(RegionCode.AFRICA, Grade.A)
    lapsed = institution(RegionCode.AFRICA, Grade.B)
    decide(removed, event=StatusEvent.REMOVAL)
    decide(lapsed, event=StatusEvent.LAPSE)
    assert part(chart_on(D), RegionCode.AFRICA).counts.total == 1  # the removal waits a year
    assert part(chart_on(D + dt.timedelta(days=365)), RegionCode.AFRICA).rows == []


def test_a_successor_does_not_inherit_the_status_of_the_institution_it_replaces():
    old = institution(RegionCode.EUROPE, Grade.A, name="Old Commission")
    institution(RegionCode.EUROPE, name="New Commission", predecessor=old)
    rows = register_on(D)
    assert {row.institution.name: row.status.grade for row in rows} == {
        "Old Commission": Grade.A,
        "New Commission": Grade.NONE,
    }
    assert [row.institution.name for row in chart_on(D).rows] == ["Old Commission"]


def test_the_register_filters_by_region_and_grade_and_sorts_by_country_name():
    institution(RegionCode.EUROPE, Grade.A, country="NO", name="Norway body")
    institution(RegionCode.EUROPE, Grade.B, country="DE", name="German body")
    institution(RegionCode.AFRICA, Grade.A, country="KE", name="Kenyan body")
    assert [r.institution.name for r in register_on(D)] == [
        "German body",
        "Kenyan body",
        "Norway body",
    ]
    assert [r.institution.name for r in register_on(D, region=RegionCode.EUROPE)] == [
        "German body",
        "Norway body",
    ]
    assert [r.institution.name for r in register_on(D, grade=Grade.A)] == [
        "Kenyan body",
        "Norway body",
    ]


@pytest.mark.parametrize(
    ("day", "name"),
    [(dt.date(2016, 3, 21), "(ICC)"), (dt.date(2016, 3, 22), "(GANHRI)")],
)
def test_the_chart_names_the_alliance_as_it_was_called_that_day(client, day, name):
    page = client.get(reverse("accreditation:chart"), {"as_of": day.isoformat()})
    assert name in page.content.decode()
