"""The public pages of the register: the directory's filters and an institution's
timeline (the chart's JSON and history are in test_public_chart.py)."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from accreditation.views import DIRECTORY_PAGE_SIZE
from institutions.enums import InstitutionKind, RegionCode
from reviews.enums import ReviewKind, ReviewState
from reviews.models import Review, Session
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit
from tests.procedure import session

HELD = dt.date(2020, 1, 1)
TODAY = dt.date(2030, 6, 1)
DIRECTORY = reverse("institutions:directory")
CHART = reverse("accreditation:chart")
CSV = reverse("accreditation:chart_csv")
JSON = reverse("accreditation:chart_json")
HISTORY = reverse("accreditation:chart_history")
BAD_DAYS = ["2007-13-45", "yesterday", "20070731", "2007-02-30"]


def accredit(institution, grade=Grade.A, held_on=HELD):
    record_prior_status(institution=institution, grade=grade, held_on=held_on, note="", by=None)


def decide(
    institution, grade=Grade.NONE, event=StatusEvent.GRADE, on=dt.date(2028, 11, 20), **extra
):
    return record_decision(
        institution=institution,
        event=event,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        by=None,
        **extra,
    )


def names_listed(page):
    return re.findall(r'href="/institutions/\d+/">([^<]+)</a>', page)


# -- the directory --


@pytest.fixture
def register(db):
    europe, africa = region(RegionCode.EUROPE), region(RegionCode.AFRICA)
    accredit(InstitutionFactory(name="Euro A commission", region=europe))
    accredit(
        InstitutionFactory(name="Euro B ombudsman", region=europe, kind=InstitutionKind.OMBUDS),
        Grade.B,
    )
    suspended = InstitutionFactory(name="Africa suspended", region=africa)
    accredit(suspended)
    decide(suspended, event=StatusEvent.SUSPENSION, on=dt.date(2029, 1, 10))
    InstitutionFactory(name="Africa never accredited", region=africa)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (
            {},
            {
                "Euro A commission",
                "Euro B ombudsman",
                "Africa suspended",
                "Africa never accredited",
            },
        ),
        ({"region": "europe"}, {"Euro A commission", "Euro B ombudsman"}),
        ({"grade": "A"}, {"Euro A commission"}),  # a suspended A is in "suspended"
        ({"grade": "suspended"}, {"Africa suspended"}),
        ({"grade": "none"}, {"Africa never accredited"}),
        ({"kind": InstitutionKind.OMBUDS}, {"Euro B ombudsman"}),
        ({"region": "europe", "kind": InstitutionKind.COMMISSION}, {"Euro A commission"}),
        ({"region": "africa", "grade": "B"}, set()),
    ],
)
def test_the_directory_filters_by_region_status_and_kind_as_of_today(
    client, register, filters, expected
):
    page = text(visit(client, None, f"{DIRECTORY}?{_query(filters)}", on=TODAY))
    assert set(names_listed(page)) == expected
    for name in ("region", "grade", "kind"):
        assert f'<label for="id_{name}">' in page
    if not expected:
        assert "No institution matches these filters." in page
        assert 'href="/institutions/">Show all institutions</a>' in page


def test_the_directory_reads_the_status_of_today_not_a_stored_one(client, register):
    """Suspended on 2029-01-10: before that day the same institution is in A."""
    before = text(visit(client, None, f"{DIRECTORY}?grade=A", on=dt.date(2029, 1, 9)))
    after = text(visit(client, None, f"{DIRECTORY}?grade=A", on=dt.date(2029, 1, 10)))
    assert "Africa suspended" in names_listed(before)
    assert "Africa suspended" not in names_listed(after)


def test_an_unknown_kind_is_reported_and_ignored(client, register):
    page = text(client.get(DIRECTORY, {"kind": "secret-police"}))
    assert "There is no kind “secret-police”; institutions of any kind are shown." in page
    assert len(names_listed(page)) == 4


def test_the_pages_of_the_directory_keep_the_filters(client, db):
    europe = region(RegionCode.EUROPE)
    for number in range(DIRECTORY_PAGE_SIZE + 3):
        accredit(InstitutionFactory(name=f"Body {number:03}", country="DE", region=europe))
    accredit(InstitutionFactory(name="Elsewhere", region=region(RegionCode.AFRICA)))
    first = text(client.get(DIRECTORY, {"region": "europe", "grade": "A"}))
    assert f"{DIRECTORY_PAGE_SIZE + 3} institutions" in first
    assert len(names_listed(first)) == DIRECTORY_PAGE_SIZE
    assert "Page 1 of 2" in first
    assert 'href="?region=europe&amp;grade=A&amp;page=2" rel="next"' in first
    second = text(client.get(DIRECTORY, {"region": "europe", "grade": "A", "page": 2}))
    assert names_listed(second) == ["Body 050", "Body 051", "Body 052"]
    assert 'href="?region=europe&amp;grade=A&amp;page=1" rel="prev"' in second


@pytest.mark.parametrize("url", ["directory", "json", "history"])
def test_the_public_lists_cost_the_same_queries_at_two_sizes(client, db, url):
    target = {"directory": DIRECTORY, "json": f"{JSON}?as_of=2029-06-01", "history": HISTORY}[url]
    accredit(InstitutionFactory())
    one = queries_for(client, target, on=TODAY)
    for _ in range(4):
        made = InstitutionFactory()
        accredit(made)
        decide(made, event=StatusEvent.SUSPENSION)
    assert queries_for(client, target, on=TODAY) == one


# -- an institution's timeline --


def review(institution, at, state):
    now = timezone.now()
    return Review.objects.create(
        institution=institution,
        session=at,
        kind=ReviewKind.REACCREDITATION,
        state=state,
        created_at=now,
        state_changed_at=now,
    )


def publish(at, on=dt.date(2028, 12, 20)):
    Session.objects.filter(pk=at.pk).update(report_published_on=on)


def test_the_timeline_shows_both_days_of_a_downgrade_and_links_the_published_report(client, db):
    made = InstitutionFactory(name="Timeline Commission")
    accredit(made)
    march, october, next_march = (
        session(dt.date(2028, 3, 6), name="Session March 2028"),
        session(dt.date(2028, 10, 9), name="Session October 2028"),
        session(dt.date(2029, 3, 5), name="Session March 2029"),
    )
    decided = review(made, october, ReviewState.DECIDED)
    publish(october)
    decide(made, Grade.B, on=dt.date(2028, 11, 20), review_ref=decided.pk, reference="SCA Oct 2028")
    unpublished = review(made, next_march, ReviewState.DECIDED)  # decided, report not published
    open_one = review(made, march, ReviewState.RECOMMENDED)  # published session, not final
    publish(march)

    url = reverse("institutions:detail", args=[made.pk])
    page = text(visit(client, None, url, on=dt.date(2029, 6, 1)))
    timeline = page[page.index('id="history-heading"') :]
    assert "Grade decided: B — partially compliant" in timeline
    assert '<time datetime="2028-11-20">' in timeline  # decided
    assert '<time datetime="2029-11-20">' in timeline  # effective a year later
    assert "not yet in effect" in timeline
    later = text(visit(client, None, url, on=dt.date(2029, 11, 20)))
    assert "not yet in effect" not in later
    assert "took effect later than it was decided" in later
    report = reverse("reviews:public_report", args=[october.pk])
    assert f'<a href="{report}">Published report of Session October 2028</a>' in timeline
    assert reverse("reviews:public_report", args=[next_march.pk]) not in page
    assert reverse("reviews:public_report", args=[march.pk]) not in page
    assert "Recommended" not in page and str(open_one.pk) not in re.findall(
        r"/reviews/(\d+)/", page
    )
    assert f"/reviews/{unpublished.pk}/" not in page


def test_the_timeline_shows_a_suspension_its_lifting_and_a_lapse_once_in_effect(client, db):
    made = InstitutionFactory()
    accredit(made)
    decide(made, event=StatusEvent.SUSPENSION, on=dt.date(2026, 2, 1))
    decide(made, event=StatusEvent.SUSPENSION_LIFTED, on=dt.date(2026, 9, 1))
    decide(made, event=StatusEvent.LAPSE, on=dt.date(2027, 5, 1))
    url = reverse("institutions:detail", args=[made.pk])
    page = text(visit(client, None, url, on=dt.date(2026, 3, 1)))
    assert "Suspended" in page
    assert "Suspension lifted" not in page  # not decided yet on that day
    page = text(visit(client, None, url, on=TODAY))
    events = re.findall(r'<h3 class="timeline__event">([^<:]+)', page)
    assert events[-3:] == ["Suspended", "Suspension lifted", "Accreditation lapsed"]


@pytest.mark.parametrize(
    "member",
    [
        "secretariat",
        "sca_member",
        "recused_sca_member",
        "bureau_member",
        "focal_point",
        "other_focal_point",
        "observer",
        "anonymous",
    ],
)
def test_every_public_page_is_open_to_the_whole_cast(client, cast, member):
    accredit(cast.home)
    user = cast.members()[member]
    for url in (
        DIRECTORY,
        reverse("institutions:detail", args=[cast.home.pk]),
        f"{CHART}?as_of=2029-06-01",
        f"{CSV}?as_of=2029-06-01",
        f"{JSON}?as_of=2029-06-01",
        HISTORY,
    ):
        response = visit(client, user, url, on=TODAY)
        assert response.status_code == 200, url
        assert "Session March 2030" not in text(response)  # the open review stays hidden


def test_the_institution_page_costs_the_same_queries_at_two_sizes(client, db):
    made = InstitutionFactory()
    accredit(made)
    url = reverse("institutions:detail", args=[made.pk])
    one = queries_for(client, url, on=TODAY)
    for number in range(4):
        decide(made, event=StatusEvent.SUSPENSION, on=dt.date(2021 + number, 1, 1))
        at = session(dt.date(2021 + number, 3, 1), name=f"Session {number}")
        review(made, at, ReviewState.DECIDED)
        publish(at)
    assert queries_for(client, url, on=TODAY) == one


def _query(filters):
    return "&".join(f"{key}={value}" for key, value in filters.items())
