"""The letters awaiting release through the API: a session's draft letters listed to the
secretariat alone, released one by one or a session at once, a second release sending
nothing more, and what the list costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services.dossiers import reference
from tests.factories import InstitutionFactory
from tests.procedure import focal_point, open_review, recommend

pytestmark = pytest.mark.django_db

RELEASED_ON = dt.date(2030, 3, 20)
ANONYMOUS = (401, 403)
RECOMMENDATION = MailKind.RECOMMENDATION.value


def call(user, method, url, data=None, on=RELEASED_ON):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, format="json")


@pytest.fixture
def recommended(cast):
    return recommend(cast.review, by=cast.secretariat)


def others(cast):
    return {member: user for member, user in cast.members().items() if member != "secretariat"}


def assert_hidden(member, response):
    if member == "anonymous":
        assert response.status_code in ANONYMOUS
    else:
        assert response.status_code == 404, member
        assert "Recommendation of the SCA" not in response.content.decode()


def drafts():
    return OutgoingMessage.objects.filter(state=MessageState.DRAFT, kind=MailKind.RECOMMENDATION)


def more_letters(cast, count):
    """``count`` reviews of other institutions in the cast's session, each with a draft
    recommendation letter to its focal point."""
    for n in range(count):
        institution = InstitutionFactory(name=f"Institution {n}", acronym=f"I{n}")
        focal_point(institution, f"focal-{n}")
        recommend(open_review(institution, cast.session), by=cast.secretariat)


def test_the_session_letters_are_listed_to_the_secretariat_alone(cast, recommended):
    url = f"sessions/{cast.session.pk}/letters/"
    for member, user in others(cast).items():
        assert_hidden(member, call(user, "get", url))
    response = call(cast.secretariat, "get", url)
    letter = drafts().get()
    assert response.json()["results"] == [
        {
            "review": cast.review.pk,
            "institution": "Home Commission",
            "kind": RECOMMENDATION,
            "subject": f"Recommendation of the SCA on HOME ({reference(cast.review)})",
            "body": letter.body,
            "recipients": [cast.focal_point.email],
        }
    ]


def test_letters_of_an_unknown_session_are_not_found(cast):
    assert call(cast.secretariat, "get", "sessions/999999/letters/").status_code == 404
    assert call(cast.secretariat, "post", "sessions/999999/letters/release/").status_code == 404


def test_only_the_secretariat_releases_a_letter_and_a_second_release_sends_nothing(
    cast, recommended, mailoutbox
):
    url = f"reviews/{cast.review.pk}/letters/{RECOMMENDATION}/release/"
    for member, user in others(cast).items():
        assert_hidden(member, call(user, "post", url))
    assert drafts().count() == 1
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.RECOMMENDED

    response = call(cast.secretariat, "post", url)
    assert (response.status_code, response.json()) == (200, {"released": [cast.focal_point.email]})
    assert not drafts().exists()
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.NOTIFIED  # releasing it notified the institution
    sent = len(mailoutbox)
    again = call(cast.secretariat, "post", url)
    assert (again.status_code, again.json()) == (200, {"released": []})
    assert len(mailoutbox) == sent


@pytest.mark.parametrize("kind", ["event", "no-such-kind", MailKind.DECISION.value])
def test_an_unknown_kind_or_a_letter_the_review_has_not_is_not_found(cast, recommended, kind):
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/letters/{kind}/release/")
    assert response.status_code == 404
    assert drafts().count() == 1


def test_a_letter_of_an_unknown_review_is_not_found(cast):
    url = f"reviews/999999/letters/{RECOMMENDATION}/release/"
    assert call(cast.secretariat, "post", url).status_code == 404


def test_only_the_secretariat_releases_a_sessions_letters_all_at_once(cast, recommended):
    more_letters(cast, 2)
    url = f"sessions/{cast.session.pk}/letters/release/"
    for member, user in others(cast).items():
        assert_hidden(member, call(user, "post", url))
    assert drafts().count() == 3

    response = call(cast.secretariat, "post", url)
    assert response.status_code == 200
    assert sorted(response.json()["released"]) == [
        "focal-0@example.org",
        "focal-1@example.org",
        cast.focal_point.email,
    ]
    assert not drafts().exists()
    assert call(cast.secretariat, "post", url).json() == {"released": []}
    listed = call(cast.secretariat, "get", f"sessions/{cast.session.pk}/letters/")
    assert listed.json()["results"] == []


def queries_for_letters(cast):
    client = APIClient()
    client.force_authenticate(type(cast.secretariat).objects.get(pk=cast.secretariat.pk))
    with CaptureQueriesContext(connection) as queries, clock.as_of(RELEASED_ON):
        response = client.get(f"/api/v1/sessions/{cast.session.pk}/letters/")
    return response.json(), len(queries.captured_queries)


def test_the_letter_list_costs_the_same_for_one_letter_and_five(cast, recommended):
    body, few = queries_for_letters(cast)
    assert body["count"] == 1
    more_letters(cast, 4)
    body, more = queries_for_letters(cast)
    assert body["count"] == 5
    assert more == few
