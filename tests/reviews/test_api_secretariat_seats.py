"""A session's SCA seats and its report through the API: the seats sitting listed to the
secretariat alone, seated and unseated by it, a refusal named on the seat, the report
published once every case is final, and what the seat list costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import assign_seat
from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import Session
from reviews.services.sessions import seat_in_session
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)  # the cast's session starts on 2030-03-11
ANONYMOUS = (401, 403)
NOTIFIED = dt.date(2030, 3, 20)
ADOPTED = dt.date(2030, 5, 7)  # the Bureau window closed without a referral
TODAY = dt.date(2030, 5, 10)


def call(user, method, url, data=None, on=BEFORE):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, format="json")


def expect_hidden(cast, method, url, data=None, on=BEFORE):
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        response = call(user, method, url, data, on)
        if user is None:
            assert response.status_code in ANONYMOUS
        else:
            assert response.status_code == 404, member
            assert "Commission" not in response.content.decode()


def sca_seat_of(institution, role=SeatRole.MEMBER, **extra):
    return assign_seat(
        institution=institution,
        body=Body.SCA,
        role=role,
        starts_on=dt.date(2020, 1, 1),
        by=None,
        **extra,
    )


def listed(cast):
    response = call(cast.secretariat, "get", f"sessions/{cast.session.pk}/seats/")
    return [
        (seat["institution"], seat["region"], seat["role"]) for seat in response.json()["results"]
    ]


def test_the_seats_sitting_are_listed_to_the_secretariat_alone(cast):
    expect_hidden(cast, "get", f"sessions/{cast.session.pk}/seats/")
    seat = cast.sca_member.seats.get()
    response = call(cast.secretariat, "get", f"sessions/{cast.session.pk}/seats/")
    assert response.json()["results"][0] == {
        "id": seat.pk,
        "institution": "SCA Commission",
        "region": "africa",
        "role": "member",
        "starts_on": "2020-01-01",
        "ends_on": None,
    }
    assert listed(cast) == [
        ("SCA Commission", "africa", "member"),
        ("Home Commission", "asia-pacific", "member"),
    ]


def test_in_each_region_the_member_comes_before_the_alternate(cast):
    lagos = InstitutionFactory(name="Aaa Commission", region=region(RegionCode.AFRICA))
    with clock.as_of(BEFORE):
        seat_in_session(session=cast.session, seat=sca_seat_of(lagos, SeatRole.ALTERNATE), by=None)
    assert listed(cast) == [
        ("SCA Commission", "africa", "member"),
        ("Aaa Commission", "africa", "alternate"),
        ("Home Commission", "asia-pacific", "member"),
    ]


def test_the_seats_of_an_unknown_session_are_not_found(cast):
    assert call(cast.secretariat, "get", "sessions/999999/seats/").status_code == 404


def test_only_the_secretariat_seats_a_seat(cast):
    europe = sca_seat_of(cast.other)
    url = f"sessions/{cast.session.pk}/seats/"
    expect_hidden(cast, "post", url, {"seat": europe.pk})
    assert not cast.session.seats.filter(pk=europe.pk).exists()
    response = call(cast.secretariat, "post", url, {"seat": europe.pk})
    assert response.status_code == 201
    assert response.json()["id"] == europe.pk
    assert cast.session.seats.filter(pk=europe.pk).exists()


def test_a_second_member_for_a_region_is_refused_on_the_seat(cast):
    lagos = InstitutionFactory(name="Lagos Commission", region=region(RegionCode.AFRICA))
    second = sca_seat_of(lagos)
    response = call(
        cast.secretariat, "post", f"sessions/{cast.session.pk}/seats/", {"seat": second.pk}
    )
    assert (response.status_code, response.json()) == (
        400,
        {
            "seat": [
                "Africa already has its member in this session: SCA Commission. "
                "Unseat it first, or seat this one as the alternate."
            ]
        },
    )
    assert not cast.session.seats.filter(pk=second.pk).exists()


@pytest.mark.parametrize(
    ("chosen", "message"),
    [
        ("", "Choose the seat to seat."),
        (999999, "Choose one of the seats in the list."),
        ("x", "Choose one of the seats in the list."),
        ([1, 2], "Send one value, not a list."),
        ("sitting", "Choose one of the seats in the list."),
        ("ended", "Choose one of the seats in the list."),
    ],
)
def test_a_seat_not_in_the_list_is_refused_naming_the_field(cast, chosen, message):
    if chosen == "sitting":
        chosen = cast.sca_member.seats.get().pk
    elif chosen == "ended":
        ended = InstitutionFactory(name="Ended Commission")
        chosen = sca_seat_of(ended, ends_on=dt.date(2029, 12, 31)).pk
    url = f"sessions/{cast.session.pk}/seats/"
    response = call(cast.secretariat, "post", url, {"seat": chosen})
    assert (response.status_code, response.json()) == (400, {"seat": [message]})
    assert cast.session.seats.count() == 2


def test_only_the_secretariat_unseats_a_seat_before_the_session(cast):
    seat = cast.sca_member.seats.get()
    url = f"sessions/{cast.session.pk}/seats/{seat.pk}/"
    expect_hidden(cast, "delete", url)
    assert cast.session.seats.filter(pk=seat.pk).exists()
    assert call(cast.secretariat, "delete", url).status_code == 204
    assert not cast.session.seats.filter(pk=seat.pk).exists()
    assert call(cast.secretariat, "delete", url).status_code == 404  # it no longer sits


def test_once_the_session_has_started_unseating_is_refused(cast):
    seat = cast.sca_member.seats.get()
    url = f"sessions/{cast.session.pk}/seats/{seat.pk}/"
    response = call(cast.secretariat, "delete", url, on=cast.session.starts_on)
    assert response.status_code == 400
    assert "its recommendations depend on who sat." in response.json()["detail"]
    assert cast.session.seats.filter(pk=seat.pk).exists()


def queries_for_seats(cast):
    client = APIClient()
    client.force_authenticate(type(cast.secretariat).objects.get(pk=cast.secretariat.pk))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/api/v1/sessions/{cast.session.pk}/seats/")
    return response.json(), len(queries.captured_queries)


def test_the_seat_list_costs_the_same_for_one_seat_and_five(cast):
    cast.session.seats.remove(cast.recused_sca_member.seats.get())
    body, few = queries_for_seats(cast)
    assert body["count"] == 1
    for code in (RegionCode.AMERICAS, RegionCode.EUROPE, RegionCode.ASIA_PACIFIC):
        cast.session.seats.add(sca_seat_of(InstitutionFactory(region=region(code))))
    cast.session.seats.add(
        sca_seat_of(InstitutionFactory(region=region(RegionCode.AFRICA)), SeatRole.ALTERNATE)
    )
    body, more = queries_for_seats(cast)
    assert body["count"] == 5
    assert more == few


# -- the report --


def adopted(cast):
    procedure.notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=ADOPTED + dt.timedelta(days=1))
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DECIDED


def test_only_the_secretariat_publishes_the_report_and_twice_changes_nothing(cast):
    adopted(cast)
    url = f"sessions/{cast.session.pk}/report/publish/"
    expect_hidden(cast, "post", url, on=TODAY)
    assert Session.objects.get(pk=cast.session.pk).report_published_on is None
    response = call(cast.secretariat, "post", url, on=TODAY)
    published = {"id": cast.session.pk, "report_final_on": "2030-05-07",
                 "report_published_on": "2030-05-10"}  # fmt: skip
    assert (response.status_code, response.json()) == (200, published)
    again = call(cast.secretariat, "post", url, on=TODAY + dt.timedelta(days=3))
    assert (again.status_code, again.json()) == (200, published)


def test_a_report_with_a_case_not_final_is_not_published_and_says_which(cast):
    procedure.notified(cast.review, on=NOTIFIED)
    url = f"sessions/{cast.session.pk}/report/publish/"
    response = call(cast.secretariat, "post", url, on=NOTIFIED)
    assert response.status_code == 400
    assert response.json()["detail"] == (
        "The report cannot be published yet. Home Commission: the case is “Challenge window "
        "open”, not final yet."
    )
    assert Session.objects.get(pk=cast.session.pk).report_published_on is None
