"""The public data through the API: the register, an institution's status history, the
chart of a day and the published reports. The same for everyone, anonymous included;
nothing undecided or unpublished; a constant number of queries however many rows."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from institutions.enums import InstitutionKind, RegionCode
from nhri_portal import clock
from reviews.enums import Outcome, ParagraphKind
from reviews.models import Session
from reviews.services.outcomes import Paragraph
from tests import procedure
from tests.api.helpers import as_member
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

TODAY = dt.date(2031, 3, 1)
HELD = dt.date(2020, 1, 1)
MEMBERS = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
    "anonymous",
]


def accredit(institution, grade=Grade.A, held_on=HELD):
    record_prior_status(institution=institution, grade=grade, held_on=held_on, note="", by=None)


def decide(institution, grade, on, event=StatusEvent.GRADE):
    return record_decision(
        institution=institution,
        event=event,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        reference="SCA session",
        by=None,
    )


def get(client, url, **params):
    with clock.as_of(TODAY):
        response = client.get(url, params)
    assert response.status_code == 200, response.content
    return response.json()


def published(cast, *, cases=1):
    """The cast's session with ``cases`` recommendations (paragraphs citing the standard),
    its report published."""
    reviews = [cast.review] + [
        procedure.open_review(InstitutionFactory(), cast.session) for _ in range(cases - 1)
    ]
    for review in reviews:
        procedure.recommend(
            review,
            Outcome.ACCREDIT_B,
            paragraphs=[
                Paragraph(text="The SCA commends the outreach.", kind=ParagraphKind.COMMENDATION),
                Paragraph(
                    text="The law must guarantee tenure.",
                    principles=("B.3",),
                    observations=("2.1",),
                ),
            ],
        )
    Session.objects.filter(pk=cast.session.pk).update(report_published_on=dt.date(2030, 6, 1))
    return reviews


# -- the whole cast reads the same public data --


@pytest.mark.parametrize("member", MEMBERS)
def test_every_public_endpoint_gives_everyone_the_same_answer(cast, member):
    accredit(cast.home)
    published(cast)
    anonymous = as_member(None)
    client = as_member(cast.members()[member])
    for url in (
        "/api/v1/institutions/",
        f"/api/v1/institutions/{cast.home.pk}/",
        "/api/v1/status/?as_of=2030-05-01",
        "/api/v1/reports/",
        f"/api/v1/reports/{cast.session.pk}/",
    ):
        assert get(client, url) == get(anonymous, url), url


# -- the register --


def test_the_register_lists_every_institution_with_its_status_today(api, cast):
    accredit(cast.home)
    decide(cast.other, Grade.B, on=dt.date(2025, 5, 1))
    body = get(api, "/api/v1/institutions/")
    assert body["count"] == 4
    rows = {row["name"]: row for row in body["results"]}
    assert rows["Home Commission"] == {
        "id": cast.home.pk,
        "name": "Home Commission",
        "acronym": "HOME",
        "country": "NZ",
        "country_name": "New Zealand",
        "region": "asia-pacific",
        "kind": "commission",
        "status": {"grade": "A", "suspended": False, "since": "2020-01-01", "decided_on": None},
    }
    assert rows["Other Commission"]["status"]["grade"] == "B"
    assert rows["SCA Commission"]["status"]["grade"] == "none"
    assert "Session March 2030" not in str(body)


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"region": "europe"}, {"Other Commission"}),
        ({"country": "nz"}, {"Home Commission"}),
        ({"kind": "ombuds"}, {"Bureau Commission"}),
        ({"grade": "A"}, {"Home Commission"}),
        ({"grade": "B"}, {"Other Commission"}),
        ({"grade": "none"}, {"SCA Commission", "Bureau Commission"}),
        ({"grade": "A", "region": "europe"}, set()),
        ({"region": "asia-pacific", "kind": "commission"}, {"Home Commission"}),
    ],
)
def test_the_register_filters_by_region_country_kind_and_grade_today(api, cast, params, expected):
    cast.bureau_home.kind = InstitutionKind.OMBUDS
    cast.bureau_home.save()
    accredit(cast.home)
    accredit(cast.other)
    decide(cast.other, Grade.B, on=dt.date(2025, 5, 1))
    body = get(api, "/api/v1/institutions/", **params)
    assert {row["name"] for row in body["results"]} == expected
    assert body["count"] == len(expected)


def test_the_register_is_paginated(api, cast):
    body = get(api, "/api/v1/institutions/", limit=3)
    assert (body["count"], len(body["results"])) == (4, 3)
    assert body["next"].endswith("/api/v1/institutions/?limit=3&offset=3")
    rest = get(api, "/api/v1/institutions/", limit=3, offset=3)
    assert len(rest["results"]) == 1


# -- one institution's status history --


def test_an_institution_shows_its_decisions_with_decided_and_effective_days(api, cast):
    accredit(cast.home)
    decide(cast.home, Grade.B, on=dt.date(2030, 5, 10))  # a downgrade: in effect a year later
    body = get(api, f"/api/v1/institutions/{cast.home.pk}/")
    assert (body["name"], body["country"], body["region"]) == (
        "Home Commission",
        "NZ",
        "asia-pacific",
    )
    assert [(r["grade"], r["decided_on"], r["effective_on"]) for r in body["records"]] == [
        ("A", None, "2020-01-01"),
        ("B", "2030-05-10", "2031-05-10"),
    ]


def test_the_old_grade_stands_until_a_downgrade_takes_effect(api, cast):
    accredit(cast.home)
    decide(cast.home, Grade.B, on=dt.date(2030, 5, 10))
    body = get(api, f"/api/v1/institutions/{cast.home.pk}/")
    assert body["status"]["grade"] == "A"
    with clock.as_of(dt.date(2031, 5, 10)):
        later = api.get(f"/api/v1/institutions/{cast.home.pk}/").json()
    assert later["status"] == {
        "grade": "B",
        "suspended": False,
        "since": "2031-05-10",
        "decided_on": "2030-05-10",
    }


def test_a_decision_not_yet_taken_on_the_day_asked_is_not_shown(api, cast):
    accredit(cast.home)
    decide(cast.home, Grade.B, on=dt.date(2032, 1, 10))
    body = get(api, f"/api/v1/institutions/{cast.home.pk}/")
    assert [r["grade"] for r in body["records"]] == ["A"]
    assert body["status"]["grade"] == "A"


def test_suspensions_show_in_the_history_and_the_status(api, cast):
    accredit(cast.home)
    decide(cast.home, Grade.NONE, on=dt.date(2030, 1, 5), event=StatusEvent.SUSPENSION)
    body = get(api, f"/api/v1/institutions/{cast.home.pk}/")
    assert body["status"]["suspended"] is True
    assert [r["event"] for r in body["records"]] == ["grade", "suspension"]


# -- the chart of a day --


def test_the_chart_of_a_day_counts_by_region_and_grade(api, cast):
    accredit(cast.home)
    accredit(cast.other, Grade.B)
    accredit(cast.sca_home, Grade.A, held_on=dt.date(2030, 6, 1))
    body = get(api, "/api/v1/status/", as_of="2030-05-01")
    assert body["as_of"] == "2030-05-01"
    assert body["alliance"] == "the Global Alliance of NHRIs (GANHRI)"
    assert body["totals"] == {"a": 1, "a_reserve": 0, "b": 1, "c": 0, "suspended": 0, "total": 2}
    by_region = {part["region"]: part for part in body["regions"]}
    assert [row["name"] for row in by_region["asia-pacific"]["rows"]] == ["Home Commission"]
    assert by_region["europe"]["counts"]["b"] == 1
    assert by_region["africa"]["rows"] == []  # accredited only from June


def test_the_chart_without_a_day_is_today_s(api, cast):
    accredit(cast.home)
    assert get(api, "/api/v1/status/")["as_of"] == TODAY.isoformat()


# -- published reports --


def test_only_published_reports_are_listed_and_readable(api, cast):
    procedure.recommend(cast.review, Outcome.ACCREDIT_A)
    assert get(api, "/api/v1/reports/")["count"] == 0
    with clock.as_of(TODAY):
        hidden = api.get(f"/api/v1/reports/{cast.session.pk}/")
    assert hidden.status_code == 404
    assert hidden.json() == {"detail": "No Session matches the given query."}
    Session.objects.filter(pk=cast.session.pk).update(report_published_on=dt.date(2030, 6, 1))
    listed = get(api, "/api/v1/reports/")
    assert [s["name"] for s in listed["results"]] == ["Session March 2030"]
    assert listed["results"][0]["report_published_on"] == "2030-06-01"


def test_a_published_report_gives_each_section_with_its_paragraphs(api, cast):
    published(cast)
    body = get(api, f"/api/v1/reports/{cast.session.pk}/")
    assert body["session"]["id"] == cast.session.pk
    [section] = body["sections"]
    assert section["number"] == "1.1"
    assert section["institution"] == {
        "id": cast.home.pk,
        "name": "Home Commission",
        "country": "NZ",
        "region": "asia-pacific",
    }
    assert section["outcome"] == "accredit-b"
    assert section["kind"] == "re-accreditation"
    assert [
        (p["kind"], p["text"], p["principles"], p["general_observations"])
        for p in section["paragraphs"]
    ] == [
        ("commendation", "The SCA commends the outreach.", [], []),
        ("issue", "The law must guarantee tenure.", ["B.3"], ["2.1"]),
    ]


# -- queries: the same for 1 and 5 rows --


def queries(client, url):
    with CaptureQueriesContext(connection) as captured, clock.as_of(TODAY):
        response = client.get(url)
    assert response.status_code == 200
    return len(captured.captured_queries)


def test_the_register_costs_the_same_queries_for_1_and_5_institutions(api, db):
    first = InstitutionFactory(region=region(RegionCode.EUROPE))
    accredit(first)
    one = queries(api, "/api/v1/institutions/?grade=A")
    for _ in range(4):
        accredit(InstitutionFactory(region=region(RegionCode.AFRICA)))
    assert queries(api, "/api/v1/institutions/?grade=A") == one


def test_the_chart_costs_the_same_queries_for_1_and_5_institutions(api, db):
    accredit(InstitutionFactory())
    one = queries(api, "/api/v1/status/")
    for _ in range(4):
        accredit(InstitutionFactory(region=region(RegionCode.EUROPE)))
    assert queries(api, "/api/v1/status/") == one


def test_an_institution_costs_the_same_queries_for_1_and_5_records(api, cast):
    accredit(cast.home)
    one = queries(api, f"/api/v1/institutions/{cast.home.pk}/")
    for year in range(2021, 2025):
        decide(cast.home, Grade.A, on=dt.date(year, 1, 1))
    assert queries(api, f"/api/v1/institutions/{cast.home.pk}/") == one


def test_the_reports_cost_the_same_queries_for_1_and_5_sessions(api, cast):
    Session.objects.filter(pk=cast.session.pk).update(report_published_on=dt.date(2030, 6, 1))
    one = queries(api, "/api/v1/reports/")
    for year in range(2031, 2035):
        later = procedure.session(dt.date(year, 3, 11))
        Session.objects.filter(pk=later.pk).update(report_published_on=dt.date(year, 6, 1))
    assert queries(api, "/api/v1/reports/") == one


def test_a_report_costs_the_same_queries_for_1_and_5_cases(api, cast):
    published(cast)
    one = queries(api, f"/api/v1/reports/{cast.session.pk}/")
    Session.objects.filter(pk=cast.session.pk).update(report_published_on=None)
    for _ in range(4):
        review = procedure.open_review(InstitutionFactory(), cast.session)
        procedure.recommend(
            review, Outcome.ACCREDIT_A, paragraphs=[Paragraph(text="Noted.", principles=("A.1",))]
        )
    Session.objects.filter(pk=cast.session.pk).update(report_published_on=dt.date(2030, 6, 1))
    assert queries(api, f"/api/v1/reports/{cast.session.pk}/") == one
