"""The challenge through the API: the same visibility as the page, the same service, CSRF
on every change, and a schema that names it."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils.crypto import get_random_string

from nhri_portal import clock
from reviews.enums import Outcome
from reviews.models import Challenge
from reviews.services.challenges import lodge_challenge
from reviews.services.sweep import process_deadlines
from tests import files, procedure

pytestmark = pytest.mark.django_db

NOTIFIED_ON = dt.date(2030, 3, 20)
DAY_27 = NOTIFIED_ON + dt.timedelta(days=27)
DAY_29 = NOTIFIED_ON + dt.timedelta(days=29)
DEFERRAL = "A deferral is a decision of the SCA, not a recommendation: it cannot be challenged."


def endpoint(review):
    return f"/api/v1/reviews/{review.pk}/challenge/"


def signed_in(user):
    """A browser's session with its CSRF cookie: every change must send the token."""
    client = Client(enforce_csrf_checks=True)
    if user is not None:
        client.force_login(user)
    token = get_random_string(32)
    client.cookies["csrftoken"] = token
    client.defaults["HTTP_X_CSRFTOKEN"] = token
    return client


def get(user, review, on=DAY_27):
    with clock.as_of(on):
        return signed_in(user).get(endpoint(review))


def post(user, review, data, on=DAY_27, client=None):
    with clock.as_of(on):
        return (client or signed_in(user)).post(
            endpoint(review), data, content_type="application/json"
        )


def notified(cast):
    return procedure.notified(cast.review, on=NOTIFIED_ON)


def test_the_endpoint_is_mounted_where_the_api_lives(cast):
    assert reverse("api:challenge", args=[cast.review.pk]) == endpoint(cast.review)


def test_the_focal_point_reads_an_open_window_then_lodges_through_the_api(cast):
    review = notified(cast)
    before = get(cast.focal_point, review)
    assert before.status_code == 200
    assert before.json() == {
        "challengeable": True,
        "reason": "",
        "window_closes_on": "2030-04-17",
        "challenge": None,
    }
    lodged = post(cast.focal_point, review, {"reasons": "The SCA misread our law."})
    assert lodged.status_code == 201
    assert lodged.json() == {
        "challengeable": False,
        "reason": "The recommendation was challenged on 2030-04-16.",
        "window_closes_on": "2030-04-17",
        "challenge": {
            "lodged_on": "2030-04-16",
            "reasons": "The SCA misread our law.",
            "documents": [],
        },
    }
    assert Challenge.objects.get().lodged_by == cast.focal_point


def test_a_post_without_the_csrf_token_is_refused(cast):
    review = notified(cast)
    client = Client(enforce_csrf_checks=True)
    client.force_login(cast.focal_point)
    response = post(cast.focal_point, review, {"reasons": "Ours."}, client=client)
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
    assert not Challenge.objects.exists()


def test_documents_lodged_on_the_page_are_listed_with_their_hash(cast):
    review = notified(cast)
    content = files.pdf(2)
    with clock.as_of(DAY_27):
        lodge_challenge(
            review=review,
            reasons="Ours.",
            by=cast.focal_point,
            files=[SimpleUploadedFile("law.pdf", content)],
        )
    documents = get(cast.secretariat, review).json()["challenge"]["documents"]
    assert documents == [
        {"name": "law.pdf", "size": len(content), "sha256": hashlib.sha256(content).hexdigest()}
    ]


def test_documents_may_be_lodged_as_multipart_and_are_inspected(cast):
    review = notified(cast)
    data = {"reasons": "Ours.", "documents": [SimpleUploadedFile("page.pdf", b"<html>")]}
    with clock.as_of(DAY_27):
        refused = signed_in(cast.focal_point).post(endpoint(review), data)
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith(
        "“page.pdf” was not accepted. This type of file is not accepted."
    )
    data["documents"] = [SimpleUploadedFile("law.pdf", files.pdf(1))]
    with clock.as_of(DAY_27):
        lodged = signed_in(cast.focal_point).post(endpoint(review), data)
    assert lodged.status_code == 201
    assert [d["name"] for d in lodged.json()["challenge"]["documents"]] == ["law.pdf"]


def test_after_the_window_the_api_says_when_it_closed_and_refuses(cast):
    review = notified(cast)
    state = get(cast.focal_point, review, on=DAY_29).json()
    assert (state["challengeable"], state["reason"]) == (
        False,
        "The challenge window closed on 2030-04-17.",
    )
    late = post(cast.focal_point, review, {"reasons": "Late."}, on=DAY_29)
    assert late.status_code == 400
    assert late.json() == {"detail": "The challenge window closed on 2030-04-17."}
    assert not Challenge.objects.exists()


def test_a_second_lodging_is_a_conflict(cast):
    review = notified(cast)
    assert post(cast.focal_point, review, {"reasons": "Once."}).status_code == 201
    again = post(cast.focal_point, review, {"reasons": "Once."})
    assert again.status_code == 409
    assert again.json() == {"detail": "The recommendation was already challenged on 2030-04-16."}
    assert Challenge.objects.count() == 1


def test_missing_reasons_are_a_400_naming_the_field(cast):
    review = notified(cast)
    response = post(cast.focal_point, review, {})
    assert response.status_code == 400
    assert "reasons" in response.json()


def test_a_deferral_is_not_challengeable_and_says_why(cast):
    october = procedure.session(dt.date(2030, 10, 7))
    review = procedure.recommend(cast.review, Outcome.DEFER, follow_up=october)
    day = review.session.ends_on + dt.timedelta(days=3)
    assert get(cast.focal_point, review, on=day).json() == {
        "challengeable": False,
        "reason": DEFERRAL,
        "window_closes_on": None,
        "challenge": None,
    }
    refused = post(cast.focal_point, review, {"reasons": "We disagree."}, on=day)
    assert (refused.status_code, refused.json()) == (400, {"detail": DEFERRAL})
    assert not Challenge.objects.exists()


def test_before_notification_nothing_of_the_draft_is_given(cast):
    review = procedure.recommend(cast.review)
    body = get(cast.focal_point, review, on=review.session.ends_on).json()
    assert body == {
        "challengeable": False,
        "reason": "No recommendation has been notified to the institution yet.",
        "window_closes_on": None,
        "challenge": None,
    }


@pytest.mark.parametrize(
    ("member", "open_window", "bureau_window"),
    [
        ("secretariat", 200, 200),
        ("focal_point", 200, 200),
        ("bureau_member", 404, 200),
        ("sca_member", 404, 404),
        ("recused_sca_member", 404, 404),
        ("other_focal_point", 404, 404),
        ("observer", 404, 404),
        ("anonymous", 401, 401),  # not authenticated: the token scheme is named
    ],
)
def test_the_api_shows_the_challenge_to_whom_the_page_does(
    cast, member, open_window, bureau_window
):
    review = notified(cast)
    with clock.as_of(DAY_27):
        lodge_challenge(review=review, reasons="Ours.", by=cast.focal_point)
    user = cast.members()[member]
    during = get(user, review)
    assert during.status_code == open_window
    assert ("Ours." in during.content.decode()) == (open_window == 200)
    process_deadlines(as_of=DAY_29)
    assert get(user, review, on=DAY_29).status_code == bureau_window


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("secretariat", 403),
        ("sca_member", 404),
        ("bureau_member", 404),
        ("other_focal_point", 404),
        ("observer", 404),
        ("anonymous", 401),
    ],
)
def test_no_one_but_the_focal_point_lodges_through_the_api(cast, member, status):
    review = notified(cast)
    response = post(cast.members()[member], review, {"reasons": "Ours."})
    assert response.status_code == status
    assert not Challenge.objects.exists()


def test_the_schema_describes_the_challenge_endpoint(client):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    schema = response.json()
    path = schema["paths"]["/api/v1/reviews/{id}/challenge/"]
    assert set(path) >= {"get", "post"}
    properties = schema["components"]["schemas"]["Standing"]["properties"]
    assert set(properties) == {"challengeable", "reason", "window_closes_on", "challenge"}
