"""The secretariat's session pages: who reaches them, planning a session, moving its dates,
what is refused and how, and what the list and the agenda cost."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accreditation.rulebook import RuleKey
from institutions.enums import RegionCode
from reviews.enums import ReviewKind
from reviews.models import Session
from reviews.services.sessions import SESSION_RULES
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:sessions")
CREATE = reverse("reviews:session_create")
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
WEEK = dt.timedelta(days=7)


def detail(session):
    return reverse("reviews:session", args=[session.pk])


def dates(session):
    return reverse("reviews:session_dates", args=[session.pk])


def post_as(client, user, address, data):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(address, data)


def assert_refused_outside(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Page not found" in text(response)
        assert "Session March 2030" not in text(response)


def planned(**changes):
    data = {
        "number": "61",
        "name": "SCA session May 2032",
        "starts_on": "2032-05-10",
        "ends_on": "2032-05-14",
        "place": "Geneva",
        "dates_confirmed": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def deadline_dates(session):
    return {row.rule_key: row.due_on for row in session.deadlines.all()}


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("page", ["list", "create", "detail", "dates"])
def test_only_the_secretariat_finds_the_session_pages(client, cast, member, page):
    address = {
        "list": LIST,
        "create": CREATE,
        "detail": detail(cast.session),
        "dates": dates(cast.session),
    }[page]
    response = visit(client, cast.members()[member], address)
    if member == "secretariat":
        assert response.status_code == 200
        body = text(response)
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
    else:
        assert_refused_outside(response, member, address)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_plans_a_session(client, cast, member):
    response = post_as(client, cast.members()[member], CREATE, planned())
    if member == "secretariat":
        session = Session.objects.get(number=61)
        assert (response.status_code, response["Location"]) == (302, detail(session))
    else:
        assert_refused_outside(response, member, CREATE)
        assert Session.objects.count() == 1


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_moves_a_sessions_dates(client, cast, member):
    session = cast.session
    before = (session.starts_on, deadline_dates(session))
    data = {"starts_on": session.starts_on + WEEK, "ends_on": session.ends_on + WEEK}
    response = post_as(client, cast.members()[member], dates(session), data)
    session.refresh_from_db()
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (302, detail(session))
        assert session.starts_on == before[0] + WEEK
    else:
        assert_refused_outside(response, member, dates(session))
        assert (session.starts_on, deadline_dates(session)) == before


def test_the_secretariat_home_links_to_the_sessions(client, cast):
    page = text(visit(client, cast.secretariat, reverse("home")))
    assert f'<a href="{LIST}">Sessions</a>' in page


def test_planning_a_session_computes_its_deadlines_and_shows_them(client, cast):
    response = post_as(client, cast.secretariat, CREATE, planned())

    session = Session.objects.get(number=61)
    assert (
        session.name,
        session.starts_on,
        session.ends_on,
        session.place,
        session.is_virtual,
        session.dates_confirmed,
    ) == ("SCA session May 2032", dt.date(2032, 5, 10), dt.date(2032, 5, 14), "Geneva", False, True)
    assert set(deadline_dates(session)) == set(SESSION_RULES)
    page = text(client.get(response["Location"]))
    assert "SCA session May 2032 is planned." in page
    assert "<h1><bdi>SCA session May 2032</bdi></h1>" in page
    for row in session.deadlines.all():
        assert escape(row.explain()) in page
    assert "No review is on the agenda yet." in page


def test_a_virtual_session_with_dates_to_be_confirmed_says_so_in_the_list(client, cast):
    data = planned(number="", place="", is_virtual="on", dates_confirmed=None)
    post_as(client, cast.secretariat, CREATE, data)
    session = Session.objects.get(name="SCA session May 2032")
    assert (session.number, session.is_virtual, session.dates_confirmed) == (None, True, False)
    page = text(client.get(LIST))
    assert page.index("SCA session May 2032") < page.index("Session March 2030")
    assert "<td>virtual</td>" in page
    assert "dates to be confirmed" in page
    assert "<td>1</td>" in page  # the cast's session has its one review


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give the session a name."),
        ({"starts_on": "next week"}, "starts_on", "Give the first day as a date"),
        ({"ends_on": "2032-05-09"}, "ends_on", "A session cannot end before it starts."),
    ],
)
def test_a_bad_session_is_refused_with_the_field_in_error_and_nothing_planned(
    client, cast, changes, field, message
):
    response = post_as(client, cast.secretariat, CREATE, planned(**changes))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f'<a href="#id_{field}">{message}' in page
    assert 'value="Geneva"' in page
    assert Session.objects.count() == 1


def test_a_number_already_taken_is_refused_on_the_number(client, cast):
    post_as(client, cast.secretariat, CREATE, planned())
    response = client.post(CREATE, planned(name="Another"))
    assert response.status_code == 400
    assert '<a href="#id_number">Session 61 already exists.</a>' in text(response)
    assert Session.objects.count() == 2


def test_moving_the_dates_recomputes_the_deadlines_and_lists_the_changes(client, cast):
    session = cast.session
    before = deadline_dates(session)
    review_due = cast.review.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).due_on
    client.force_login(cast.secretariat)
    form = text(client.get(dates(session)))
    assert f'value="{session.starts_on.isoformat()}"' in form

    data = {"starts_on": session.starts_on + WEEK, "ends_on": session.ends_on + WEEK}
    response = client.post(dates(session), data)

    session.refresh_from_db()
    assert deadline_dates(session) == {key: day + WEEK for key, day in before.items()}
    assert cast.review.deadlines.get().due_on == review_due + WEEK
    page = text(client.get(response["Location"]))
    assert "The dates are saved. Deadlines changed:" in page
    label = session.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).label
    old, new = review_due.strftime("%-d %B %Y"), (review_due + WEEK).strftime("%-d %B %Y")
    assert f"{label}: {old} → {new}" in page
    assert f"{label}: HOME: {old} → {new}" in page


def test_moving_the_dates_to_end_before_the_start_is_refused_and_nothing_moves(client, cast):
    session = cast.session
    before = (session.starts_on, session.ends_on, deadline_dates(session))
    client.force_login(cast.secretariat)
    response = client.post(dates(session), {"starts_on": "2030-05-10", "ends_on": "2030-05-09"})
    assert response.status_code == 400
    page = text(response)
    assert '<a href="#id_ends_on">A session cannot end before it starts.</a>' in page
    assert 'value="2030-05-10"' in page and 'value="2030-05-09"' in page
    session.refresh_from_db()
    assert (session.starts_on, session.ends_on, deadline_dates(session)) == before


def test_a_missing_date_is_refused_on_its_field(client, cast):
    client.force_login(cast.secretariat)
    response = client.post(dates(cast.session), {"starts_on": "2030-05-10"})
    assert response.status_code == 400
    assert '<a href="#id_ends_on">Give the last day of the session.</a>' in text(response)


def test_an_unknown_session_is_not_found(client, cast):
    response = visit(client, cast.secretariat, reverse("reviews:session", args=[9999]))
    assert response.status_code == 404


def test_the_agenda_is_ordered_by_kind_then_region_then_institution_and_links_dossiers(
    client, cast
):
    session = cast.session  # Home Commission (Asia-Pacific) is re-accredited there
    asia, africa = region(RegionCode.ASIA_PACIFIC), region(RegionCode.AFRICA)
    zeta = InstitutionFactory(name="Zeta Commission", country="FR", region=asia)
    alpha = InstitutionFactory(name="Alpha Commission", country="FR", region=asia)
    kenya = InstitutionFactory(name="Yet Another Commission", country="KE", region=africa)
    initial = procedure.open_review(zeta, session, kind=ReviewKind.INITIAL)
    procedure.open_review(alpha, session)
    procedure.open_review(kenya, session)

    page = text(visit(client, cast.secretariat, detail(session)))

    agenda = page.split("Reviews on the agenda")[1]
    names = re.findall(r'<a href="/reviews/\d+/dossier/"><bdi>([^<]+)</bdi></a>', agenda)
    assert names == [
        "Zeta Commission",
        "Yet Another Commission",
        "Alpha Commission",
        "Home Commission",
    ]
    assert f'<a href="{reverse("reviews:dossier", args=[initial.pk])}">' in agenda


def test_the_session_list_costs_the_same_queries_at_two_sizes(client):
    client.force_login(procedure.secretariat())
    for month in (1, 2):
        procedure.session(dt.date(2031, month, 10))
    small = queries_for(client, LIST)
    for month in range(3, 9):
        procedure.session(dt.date(2031, month, 10))
    assert queries_for(client, LIST) == small
    assert text(client.get(LIST)).count('<th scope="row">') == 8


def test_the_session_page_costs_the_same_queries_at_two_sizes(client):
    client.force_login(procedure.secretariat())
    session = procedure.session(dt.date(2031, 3, 10))
    for institution in InstitutionFactory.create_batch(2):
        procedure.open_review(institution, session)
    small = queries_for(client, detail(session))
    for institution in InstitutionFactory.create_batch(6):
        procedure.open_review(institution, session)
    assert queries_for(client, detail(session)) == small
    agenda = text(client.get(detail(session))).split("Reviews on the agenda")[1]
    assert len(re.findall(r'<a href="/reviews/\d+/dossier/">', agenda)) == 8
