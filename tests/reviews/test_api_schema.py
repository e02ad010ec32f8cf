"""The schema names every endpoint of the procedure with its methods, and the lists say
they are paginated and how they filter."""

import pytest

pytestmark = pytest.mark.django_db

ENDPOINTS = {
    "/api/v1/sessions/": {"get", "post"},
    "/api/v1/sessions/{id}/": {"get"},
    "/api/v1/sessions/{id}/agenda/": {"get"},
    "/api/v1/sessions/{id}/adopt/": {"post"},
    "/api/v1/sessions/{id}/letters/": {"get"},
    "/api/v1/sessions/{id}/letters/release/": {"post"},
    "/api/v1/sessions/{id}/seats/": {"get", "post"},
    "/api/v1/sessions/{id}/seats/{seat_pk}/": {"delete"},
    "/api/v1/sessions/{id}/report/publish/": {"post"},
    "/api/v1/reviews/": {"get"},
    "/api/v1/reviews/{id}/": {"get"},
    "/api/v1/reviews/{id}/transitions/": {"post"},
    "/api/v1/reviews/{id}/documents/": {"get"},
    "/api/v1/reviews/{id}/documents/{slot}/": {"post"},
    "/api/v1/reviews/{id}/documents/files/{version_pk}/": {"get"},
    "/api/v1/reviews/{id}/summary/": {"get"},
    "/api/v1/reviews/{id}/summary/issues/{number}/answer/": {"put"},
    "/api/v1/reviews/{id}/summary/send/": {"post"},
    "/api/v1/reviews/{id}/summary/issues/": {"get", "post"},
    "/api/v1/reviews/{id}/summary/issues/{issue_pk}/": {"put", "delete"},
    "/api/v1/reviews/{id}/summary/share/": {"post"},
    "/api/v1/reviews/{id}/letters/{kind}/release/": {"post"},
    "/api/v1/reviews/{id}/submissions/": {"get", "post"},
    "/api/v1/reviews/{id}/recommendation/": {"get", "put"},
    "/api/v1/reviews/{id}/recommendation/paragraphs/": {"post"},
    "/api/v1/reviews/{id}/recommendation/paragraphs/{paragraph_pk}/": {"put", "delete"},
    "/api/v1/reviews/{id}/challenge/": {"get", "post"},
    "/api/v1/reviews/{id}/bureau/": {"get"},
    "/api/v1/reviews/{id}/bureau/vote/": {"post"},
    "/api/v1/reviews/{id}/status/": {"get"},
    "/api/v1/bureau/": {"get"},
    "/api/v1/bureau/meetings/": {"get", "post"},
    "/api/v1/bureau/meetings/{id}/decisions/": {"post"},
    "/api/v1/sweep/": {"post"},
}
LISTS = [
    "/api/v1/sessions/",
    "/api/v1/sessions/{id}/agenda/",
    "/api/v1/sessions/{id}/letters/",
    "/api/v1/sessions/{id}/seats/",
    "/api/v1/reviews/{id}/summary/issues/",
    "/api/v1/reviews/{id}/submissions/",
    "/api/v1/reviews/",
    "/api/v1/reviews/{id}/documents/",
    "/api/v1/bureau/",
    "/api/v1/bureau/meetings/",
]


@pytest.fixture(scope="module")
def schema(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    return response.json()


def test_every_endpoint_is_in_the_schema_with_its_methods(schema):
    for path, methods in ENDPOINTS.items():
        assert path in schema["paths"], path
        assert set(schema["paths"][path]) - {"parameters"} == methods, path


@pytest.mark.parametrize("path", LISTS)
def test_every_list_is_paginated(schema, path):
    parameters = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
    assert {"limit", "offset"} <= parameters
    answer = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
    assert answer["schema"]["$ref"].split("/")[-1].startswith("Paginated")


def test_the_review_list_filters_by_what_people_ask(schema):
    parameters = {p["name"] for p in schema["paths"]["/api/v1/reviews/"]["get"]["parameters"]}
    assert {"state", "session", "institution", "kind"} <= parameters


def test_an_upload_is_multipart(schema):
    body = schema["paths"]["/api/v1/reviews/{id}/documents/{slot}/"]["post"]["requestBody"]
    assert list(body["content"]) == ["multipart/form-data"]
