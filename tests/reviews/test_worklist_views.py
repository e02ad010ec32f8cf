"""The secretariat's worklist: who reaches it, its filters, sorting and pages, and what
it costs as the reviews grow."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import ReviewKind, ReviewState
from reviews.services.transitions import transition
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

WORKLIST = reverse("reviews:worklist")
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
TODAY = dt.date(2029, 9, 1)  # the cast's dossier is due 2029-11-11


def names(page):
    """The institutions of the table's rows, in order."""
    return re.findall(r'<th scope="row"><a href="/reviews/\d+/"><bdi>([^<]+)</bdi></a>', page)


def worklist(client, cast, query="", on=TODAY):
    return text(visit(client, cast.secretariat, WORKLIST + query, on=on))


@pytest.fixture
def later(cast):
    return procedure.session(dt.date(2030, 10, 7), name="Session October 2030")


@pytest.fixture
def several(cast, later):
    """Besides the Home Commission (Asia-Pacific, March, invited, dossier due 2029-11-11):
    Other (Europe, October, submitted), Kenya (Africa, October, initial, invited)."""
    other = procedure.open_review(cast.other, later)
    procedure.advance(other, ReviewState.SUBMITTED)
    kenya = InstitutionFactory(
        name="Kenya Commission", acronym="KNCHR", country="KE", region=region(RegionCode.AFRICA)
    )
    procedure.open_review(kenya, later, kind=ReviewKind.INITIAL)
    return later


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_finds_the_worklist(client, cast, member):
    response = visit(client, cast.members()[member], WORKLIST, on=TODAY)
    if member == "secretariat":
        assert response.status_code == 200
        page = text(response)
        assert page.count("<h1") == 1
        assert names(page) == ["Home Commission"]
        assert f'<a href="{reverse("reviews:case", args=[cast.review.pk])}">' in page
        assert "<script>" not in page and "style=" not in page
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(WORKLIST))
    else:
        assert response.status_code == 404
        assert "Home Commission" not in text(response)


def test_a_closed_review_is_not_on_the_worklist(client, cast):
    with clock.as_of(TODAY):
        transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
    page = worklist(client, cast)
    assert names(page) == []
    assert "0 reviews match." in page
    assert "No open review matches these filters." in page


def test_each_row_shows_its_next_outstanding_deadline_and_says_when_it_is_overdue(client, cast):
    page = worklist(client, cast)
    assert '<time datetime="2029-11-11">11 November 2029</time><br>' in page
    assert "Dossier due" in page and "overdue" not in page
    page = worklist(client, cast, on=dt.date(2029, 11, 12))
    assert '<time datetime="2029-11-11">11 November 2029</time> <strong' in page
    assert ">overdue</strong>" in page


def test_a_submitted_dossier_has_no_outstanding_deadline(client, cast):
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    page = worklist(client, cast)
    assert "<td>—</td>" in page
    assert "Dossier due" not in page


@pytest.mark.parametrize(
    ("query", "shown"),
    [
        ("", ["Home Commission", "Kenya Commission", "Other Commission"]),
        ("?state=submitted", ["Other Commission"]),
        ("?region=africa", ["Kenya Commission"]),
        ("?kind=initial", ["Kenya Commission"]),
        ("?q=kenya", ["Kenya Commission"]),
        ("?q=knchr", ["Kenya Commission"]),
        ("?q=commission&region=europe", ["Other Commission"]),
        ("?q=nowhere", []),
    ],
)
def test_the_filters_narrow_the_list(client, cast, several, query, shown):
    page = worklist(client, cast, query + ("&" if "?" in query else "?") + "sort=institution")
    assert names(page) == shown


def test_the_session_filter_lists_that_sessions_reviews(client, cast, several):
    page = worklist(client, cast, f"?session={several.pk}&sort=institution")
    assert names(page) == ["Kenya Commission", "Other Commission"]
    assert f'<option value="{several.pk}" selected>Session October 2030</option>' in page


def test_the_counts_per_state_follow_the_other_filters_and_keep_them_in_their_links(
    client, cast, several
):
    page = worklist(client, cast, f"?session={several.pk}&state=submitted")
    counts = page.split('id="tallies-heading"')[1].split('id="reviews-heading"')[0]
    assert re.findall(r">([^<>]+)</a> <span class=\"count-badge\">(\d+)<", counts) == [
        ("Invited", "1"),
        ("Submitted", "1"),
    ]
    assert f'href="?session={several.pk}&amp;state=invited"' in counts
    assert f'href="?session={several.pk}&amp;state=submitted" aria-current="true"' in counts
    assert f'href="?session={several.pk}">Every open state</a>' in counts


def test_a_value_the_worklist_does_not_know_is_said_and_ignored(client, cast, several):
    page = worklist(client, cast, "?state=dreaming&region=atlantis&session=x&sort=height")
    assert names(page) == ["Home Commission", "Kenya Commission", "Other Commission"]
    assert "There is no open state “dreaming”; every state is shown." in page
    assert "There is no region “atlantis”; every region is shown." in page
    assert "There is no such session; every session is shown." in page
    assert "There is no sorting “height”; the list is sorted by deadline." in page


def test_a_closed_state_is_not_a_filter(client, cast):
    page = worklist(client, cast, "?state=decided")
    assert "There is no open state “decided”; every state is shown." in page
    assert names(page) == ["Home Commission"]


@pytest.mark.parametrize(
    ("sort", "shown"),
    [
        ("institution", ["Home Commission", "Kenya Commission", "Other Commission"]),
        ("session", ["Home Commission", "Kenya Commission", "Other Commission"]),
        ("-session", ["Kenya Commission", "Other Commission", "Home Commission"]),
        ("state", ["Home Commission", "Kenya Commission", "Other Commission"]),
        # Home's dossier is due 2029-11-11, Kenya's 2030-06-09; Other's is in.
        ("deadline", ["Home Commission", "Kenya Commission", "Other Commission"]),
    ],
)
def test_the_list_is_sorted_as_chosen(client, cast, several, sort, shown):
    assert names(worklist(client, cast, f"?sort={sort}")) == shown


def test_sorting_by_state_follows_the_procedure_not_the_alphabet(client, cast, several):
    procedure.advance(cast.review, ReviewState.SCREENING)  # "screening" < "submitted"
    page = worklist(client, cast, "?sort=state")
    assert names(page) == ["Kenya Commission", "Other Commission", "Home Commission"]
    assert '<th scope="col" aria-sort="ascending">State</th>' in page


def test_sorting_by_deadline_puts_the_soonest_first_and_those_without_last(client, cast, later):
    early = procedure.open_review(InstitutionFactory(name="Zulu Commission"), later)
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    procedure.open_review(InstitutionFactory(name="Alpha Commission"), later)
    page = worklist(client, cast)
    assert names(page) == ["Alpha Commission", "Zulu Commission", "Home Commission"]
    assert early.deadlines.get().due_on == dt.date(2030, 6, 9)


def test_the_list_comes_fifty_to_a_page_and_the_pages_keep_the_filters(client, cast, later):
    for n in range(51):
        procedure.open_review(InstitutionFactory(name=f"Commission {n:02}"), later)
    first = worklist(client, cast, f"?session={later.pk}&sort=institution")
    assert len(names(first)) == 50
    assert "51 reviews match." in first
    assert "Page 1 of 2" in first
    following = f"?session={later.pk}&amp;sort=institution&amp;page=2"
    assert f'<a href="{following}" rel="next">Next page</a>' in first
    second = worklist(client, cast, following.replace("&amp;", "&"))
    assert names(second) == ["Commission 50"]
    assert f'<a href="?session={later.pk}&amp;sort=institution&amp;page=1" rel="prev">' in second


def test_a_page_past_the_end_shows_the_last_page(client, cast):
    page = worklist(client, cast, "?page=9")
    assert names(page) == ["Home Commission"]


def test_the_home_pages_count_links_open_the_filtered_worklist(client, cast, several):
    home = text(visit(client, cast.secretariat, reverse("home"), on=TODAY))
    link = re.search(r'href="(/reviews/\?region=africa)"', home)
    assert link is not None
    assert names(worklist(client, cast, link.group(1)[len(WORKLIST) :])) == ["Kenya Commission"]


def test_the_worklist_costs_the_same_queries_for_2_and_6_rows(client, cast, later):
    client.force_login(cast.secretariat)
    filtered = f"{WORKLIST}?session={later.pk}&q=commission&sort=deadline"
    regions = [RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.AMERICAS]

    def add(count):
        for n in range(count):
            institution = InstitutionFactory(region=region(regions[n % 3]))
            review = procedure.open_review(institution, later)
            if n % 2:
                procedure.advance(review, ReviewState.SUBMITTED)

    add(2)
    few = (queries_for(client, WORKLIST, on=TODAY), queries_for(client, filtered, on=TODAY))
    add(4)
    many = (queries_for(client, WORKLIST, on=TODAY), queries_for(client, filtered, on=TODAY))
    assert few == many
    assert len(names(worklist(client, cast, f"?session={later.pk}"))) == 6
