"""What the API refuses and how: bad input is a 400 naming the field with the page's
message; a service's refusal is the service's message; a deferral offers no challenge.
And every list costs the same queries for one row as for five."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import Outcome, ReviewState
from reviews.services.bureau import bureau_window
from reviews.services.meetings import schedule_meeting
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 3, 12)


def call(user, method, url, data=None, on=DAY, **extra):
    client = APIClient()
    client.force_authenticate(user)
    extra.setdefault("format", "json")
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, **extra)


def test_a_deferral_adopted_through_the_api_offers_no_challenge(cast):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    review = procedure.advance(cast.review, ReviewState.READY)
    last_day = cast.session.ends_on
    draft = {"outcome": Outcome.DEFER, "follow_up_session": later.pk, "summary": "Deferred."}
    assert call(cast.secretariat, "put", f"reviews/{review.pk}/recommendation/", draft,
                on=last_day).status_code == 200  # fmt: skip
    adopted = call(cast.secretariat, "post", f"sessions/{cast.session.pk}/adopt/",
                   {"confirm": True}, on=last_day)  # fmt: skip
    assert adopted.json() == {"adopted": [review.pk]}
    day = last_day + dt.timedelta(days=3)
    case = call(cast.focal_point, "get", f"reviews/{review.pk}/", on=day).json()
    assert case["state"] == ReviewState.DEFERRED
    assert "challenge-window" not in [d["rule_key"] for d in case["deadlines"]]
    standing = call(cast.focal_point, "get", f"reviews/{review.pk}/challenge/", on=day).json()
    assert standing["challengeable"] is False
    assert "cannot be challenged" in standing["reason"]
    refused = call(cast.focal_point, "post", f"reviews/{review.pk}/challenge/",
                   {"reasons": "We disagree."}, on=day)  # fmt: skip
    assert refused.status_code == 400
    assert "cannot be challenged" in refused.json()["detail"]


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"to": "decided"}, "to", "The case cannot be moved to that state here."),
        ({}, "to", "The case cannot be moved to that state here."),
        ({"to": "withdrawn"}, "reason", "Say why; the case's history keeps the reason."),
        ({"to": "withdrawn", "reason": "x" * 2001}, "reason", "at most 2000 characters"),
    ],
)
def test_a_bad_transition_names_the_field(cast, data, field, message):
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/transitions/", data)
    assert response.status_code == 400
    assert message in " ".join(response.json()[field])
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.INVITED


def test_a_transition_the_table_refuses_is_the_services_message(cast):
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/transitions/",
                    {"to": "at-session"})  # fmt: skip
    assert response.status_code == 400
    assert response.json()["detail"]
    offered = call(cast.secretariat, "get", f"reviews/{cast.review.pk}/").json()["transitions"]
    assert offered == ["withdrawn", "lapsed"]


def test_a_body_that_is_not_an_object_is_a_400(cast):
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/transitions/", ["ready"])
    assert response.status_code == 400
    assert response.json() == {"detail": "Send an object of named fields."}


@pytest.mark.parametrize("as_of", ["yesterday", "2030-02-30", ""])
def test_a_bad_day_is_a_400_naming_it(cast, as_of):
    swept = call(cast.secretariat, "post", "sweep/", {"as_of": as_of})
    assert swept.status_code == 400
    assert list(swept.json()) == ["as_of"]
    status = call(cast.secretariat, "get", f"reviews/{cast.review.pk}/status/?as_of={as_of}")
    if as_of:
        assert (status.status_code, status.json()) == (
            400,
            {"as_of": ["Give the day as YYYY-MM-DD."]},
        )
    else:
        assert status.json()["as_of"] == DAY.isoformat()


def test_the_sweep_says_what_it_did(cast):
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    closes = review.deadlines.get(rule_key="challenge-window").due_on
    report = call(cast.secretariat, "post", "sweep/", {"as_of": str(closes + dt.timedelta(1))})
    assert report.status_code == 200
    body = report.json()
    assert body["as_of"] == "2030-04-18"
    assert len(body["actions"]) == 1 and "HOME" in body["actions"][0]
    assert body["conflicts"] == []


def test_an_objection_without_reasons_is_refused_with_the_pages_message(cast):
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    opens, _closes = bureau_window(review)
    process_deadlines(as_of=opens.due_on + dt.timedelta(days=1))
    on = opens.due_on + dt.timedelta(days=1)
    url = f"reviews/{review.pk}/bureau/vote/"
    response = call(cast.bureau_member, "post", url, {"vote": "object"}, on=on)
    assert (response.status_code, response.json()) == (
        400,
        {"reasons": ["Give the reasons for the objection."]},
    )
    bogus = call(cast.bureau_member, "post", url, {"vote": "abstain"}, on=on)
    assert bogus.status_code == 400 and list(bogus.json()) == ["vote"]


@pytest.mark.parametrize("review", ["twelve", None, 10**9])
def test_a_decision_on_no_referred_case_is_refused(cast, review):
    with clock.as_of(DAY):
        meeting = schedule_meeting(
            held_on=DAY, reference="B 1", place="Geneva", by=cast.secretariat
        )
    response = call(cast.secretariat, "post", f"bureau/meetings/{meeting.pk}/decisions/",
                    {"review": review, "choice": "adopt"})  # fmt: skip
    if review == 10**9:
        assert (response.status_code, list(response.json())) == (404, ["detail"])
    else:
        assert response.json() == {"review": ["Give the number of the referred case."]}


def queries(user, url, on=DAY):
    client = APIClient()
    client.force_authenticate(user)
    with clock.as_of(on):
        client.get(f"/api/v1/{url}")  # what is read once a process is not counted
    with CaptureQueriesContext(connection) as captured, clock.as_of(on):
        response = client.get(f"/api/v1/{url}")
    assert response.status_code == 200, response.json()
    return len(captured.captured_queries), response.json()["count"]


def more_reviews(cast, count, *, to=None):
    reviews = [cast.review]
    for n in range(count - 1):
        institution = InstitutionFactory(region=region(RegionCode.ASIA_PACIFIC))
        procedure.focal_point(institution, f"focal-{n}")
        reviews.append(procedure.open_review(institution, cast.session))
    return reviews


@pytest.mark.parametrize(
    "url", ["reviews/", "reviews/?state=invited&kind=re-accreditation", "sessions/", "agenda"]
)
def test_each_list_costs_the_same_for_one_row_and_for_five(cast, url):
    if url == "sessions/":

        def grow():
            for n in range(4):
                procedure.session(dt.date(2031 + n, 3, 10))
    else:

        def grow():
            more_reviews(cast, 5)

    url = url.replace("agenda", f"sessions/{cast.session.pk}/agenda/")
    one, rows = queries(cast.secretariat, url)
    assert rows == 1
    grow()
    five, rows = queries(cast.secretariat, url)
    assert (five, rows) == (one, 5)


def test_the_bureau_queue_costs_the_same_for_one_case_and_for_five(cast):
    reviews = more_reviews(cast, 5)
    for review in reviews:
        procedure.notified(review, on=dt.date(2030, 3, 20))
    first = reviews[0].deadlines.get(rule_key="bureau-window-opens").due_on
    day = first + dt.timedelta(days=1)
    # One case before the Bureau, then five.
    for review in reviews[1:]:
        review.deadlines.filter(rule_key="challenge-window").update(due_on=day)
    process_deadlines(as_of=day)
    for user in (cast.secretariat, cast.bureau_member):
        counts = queries(user, "bureau/", on=day)
        assert counts[1] == 1
    process_deadlines(as_of=day + dt.timedelta(days=1))
    for user in (cast.secretariat, cast.bureau_member):
        one = queries(user, "bureau/", on=day)[0]
        five = queries(user, "bureau/", on=day + dt.timedelta(days=1))
        assert five == (one, 5), user


def test_the_meetings_cost_the_same_for_one_and_for_five(cast):
    for n in range(5):
        with clock.as_of(DAY):
            schedule_meeting(held_on=DAY, reference=f"B {n}", place="Geneva", by=cast.secretariat)
        if n == 0:
            one = queries(cast.bureau_member, "bureau/meetings/")
    assert queries(cast.bureau_member, "bureau/meetings/") == (one[0], 5)
    assert one[1] == 1


@pytest.mark.parametrize(
    ("held_on", "reference", "field"),
    [(20300610, "B 1", "held_on"), ("2030-06-10", {"a": 1}, "reference"), (None, "B 1", "held_on")],
)
def test_values_of_the_wrong_kind_are_a_400_naming_the_field(cast, held_on, reference, field):
    data = {"held_on": held_on, "reference": reference, "place": "Geneva"}
    response = call(cast.secretariat, "post", "bureau/meetings/", data)
    assert response.status_code == 400
    assert list(response.json()) == [field]


def test_a_vote_changes_until_the_window_closes_and_not_after(cast):
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    opens, closes = bureau_window(review)
    first = opens.due_on + dt.timedelta(days=1)
    process_deadlines(as_of=first)
    url = f"reviews/{review.pk}/bureau/vote/"
    assert call(cast.bureau_member, "post", url, {"vote": "approve"}, on=first).status_code == 200
    changed = call(cast.bureau_member, "post", url, {"vote": "object", "reasons": "Concern."},
                   on=closes.due_on)  # fmt: skip
    assert changed.json()["vote"] == {
        "vote": "object",
        "reasons": "Concern.",
        "cast_on": closes.due_on.isoformat(),
    }
    late = call(cast.bureau_member, "post", url, {"vote": "approve"},
                on=closes.due_on + dt.timedelta(days=1))  # fmt: skip
    assert late.status_code == 400
    assert late.json()["detail"]
    after = call(cast.bureau_member, "get", f"reviews/{review.pk}/bureau/",
                 on=closes.due_on + dt.timedelta(days=1)).json()  # fmt: skip
    assert (after["may_vote"], after["vote"]["vote"]) == (False, "object")
