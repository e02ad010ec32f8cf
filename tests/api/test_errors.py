"""Every refusal of the API is JSON with a message: DRF's own, the permission loaders'
404 and 403, the services' DomainError (with the status the pages give it), bad input,
a path no view answers, and a crash."""

import pytest
from django.test import Client

from institutions.models import Institution

pytestmark = pytest.mark.django_db


@pytest.mark.urls("tests.api.refusals_urls")
@pytest.mark.parametrize(
    ("what", "status", "body"),
    [
        ("missing", 404, {"detail": "Not found."}),
        ("forbidden", 403, {"detail": "You do not have permission to perform this action."}),
        ("refused", 400, {"detail": "The challenge window closed on 2030-04-17."}),
        ("not-permitted", 403, {"detail": "Only the secretariat records status decisions."}),
        ("conflict", 409, {"detail": "Someone else changed this review first."}),
        ("invalid", 400, {"reasons": ["Give your reasons."]}),
    ],
)
def test_each_refusal_reaches_the_client_as_json(api, what, status, body):
    response = api.get(f"/api/v1/refusals/{what}/")
    assert response.status_code == status
    assert response["Content-Type"] == "application/json"
    assert response.json() == body


@pytest.mark.urls("tests.api.refusals_urls")
def test_a_crash_under_the_api_is_json_too():
    client = Client(raise_request_exception=False)
    response = client.get("/api/v1/refusals/crash/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "The portal failed to answer. The error is logged; try again later."
    }


def test_an_institution_that_does_not_exist_is_a_json_404(api):
    response = api.get("/api/v1/institutions/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "No Institution matches the given query."}


def test_a_path_no_view_answers_is_a_json_404_under_the_api_and_a_page_elsewhere(api):
    response = api.get("/api/v1/no-such-thing/")
    assert response.status_code == 404
    assert response.json() == {"detail": "There is no such address in the API."}
    page = api.get("/no-such-page/")
    assert page.status_code == 404
    assert page["Content-Type"].startswith("text/html")


def test_a_bad_date_is_a_json_400_naming_the_format(api):
    response = api.get("/api/v1/status/", {"as_of": "31/07/2007"})
    assert response.status_code == 400
    assert response.json() == {
        "detail": "“31/07/2007” is not a date. Give the day as YYYY-MM-DD, for example 2007-07-31."
    }


def test_a_filter_value_that_does_not_exist_is_a_json_400_naming_the_field(api):
    response = api.get("/api/v1/institutions/", {"region": "atlantis"})
    assert response.status_code == 400
    assert response.json() == {
        "region": ["Select a valid choice. atlantis is not one of the available choices."]
    }


def test_the_public_data_cannot_be_written(api, cast):
    response = api.post("/api/v1/institutions/", {"name": "New"}, format="json")
    assert response.status_code == 405
    assert response.json() == {"detail": 'Method "POST" not allowed.'}
    assert Institution.objects.count() == 4


def test_anonymous_reads_are_throttled_with_a_json_429(api, settings, db):
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"anon": "3/minute"},
    }
    statuses = [api.get("/api/v1/institutions/").status_code for _ in range(4)]
    assert statuses[-1] == 429
    response = api.get("/api/v1/institutions/")
    assert response.status_code == 429
    assert response.json()["detail"].startswith("Request was throttled.")
