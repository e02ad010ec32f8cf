"""Planning a session through the API: the secretariat alone plans one, with its
deadlines from the rulebook; a bad session is refused naming its field."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.models import Session

pytestmark = pytest.mark.django_db

ANONYMOUS = (401, 403)
TODAY = dt.date(2031, 6, 1)
PLANNED = {
    "number": 61,
    "name": "SCA session May 2032",
    "starts_on": "2032-05-10",
    "ends_on": "2032-05-14",
    "place": "Geneva",
}


def plan(user, data):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(TODAY):
        return client.post("/api/v1/sessions/", data, format="json")


def test_only_the_secretariat_plans_a_session(cast):
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        response = plan(user, PLANNED)
        if user is None:
            assert response.status_code in ANONYMOUS
        else:
            assert response.status_code == 404, member
    assert Session.objects.count() == 1
    response = plan(cast.secretariat, PLANNED)
    assert response.status_code == 201
    body = response.json()
    session = Session.objects.get(number=61)
    assert {
        key: body[key] for key in ("id", "number", "name", "starts_on", "ends_on", "place")
    } == {
        "id": session.pk,
        **PLANNED,
    }
    assert (body["is_virtual"], body["dates_confirmed"], body["review_count"]) == (False, True, 0)
    assert len(body["deadlines"]) == session.deadlines.count() > 0
    assert {d["anchor_on"] for d in body["deadlines"]} == {"2032-05-10"}


def test_a_session_whose_month_only_is_known_says_so(cast):
    data = {**PLANNED, "number": None, "is_virtual": True, "dates_confirmed": False}
    response = plan(cast.secretariat, data)
    assert response.status_code == 201
    session = Session.objects.get(name="SCA session May 2032")
    assert (session.number, session.is_virtual, session.dates_confirmed) == (None, True, False)


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give the session a name."),
        (
            {"starts_on": "soon"},
            "starts_on",
            "Give the first day as a date, for example 2031-03-10.",
        ),
        ({"ends_on": None}, "ends_on", "Give the last day of the session."),
        ({"ends_on": "2032-05-09"}, "ends_on", "A session cannot end before it starts."),
        (
            {"starts_on": "0001-01-01"},
            "starts_on",
            "Give a day between 1990-01-01 and 2199-12-31.",
        ),
        ({"starts_on": ["2032-05-10"]}, "starts_on", "Send one value, not a list."),
        ({"place": ["Geneva", "Bangkok"]}, "place", "Send one value, not a list."),
        ({"number": 0}, "number", "Ensure this value is greater than or equal to 1."),
        ({"name": {"text": "x"}}, "name", "Send a value, not an object."),
    ],
)
def test_a_bad_session_is_refused_naming_its_field_and_nothing_is_planned(
    cast, changes, field, message
):
    response = plan(cast.secretariat, {**PLANNED, **changes})
    assert response.status_code == 400
    errors = response.json()
    assert errors == {field: [message]}
    assert Session.objects.count() == 1


def test_a_number_already_taken_is_refused_on_the_number(cast):
    assert plan(cast.secretariat, PLANNED).status_code == 201
    response = plan(cast.secretariat, {**PLANNED, "name": "Another"})
    assert (response.status_code, response.json()) == (
        400,
        {"number": ["Session 61 already exists."]},
    )
    assert Session.objects.count() == 2
