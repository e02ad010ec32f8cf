"""The OpenAPI schema at /api/schema/ and the documentation page drawn from it."""

import pytest
from rest_framework.authtoken.models import Token

from tests.pages import text, visit

pytestmark = pytest.mark.django_db

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


def test_the_schema_is_served_at_api_schema_and_says_which_operations_are_public(api):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    schema = response.json()
    public = schema["paths"]["/api/v1/institutions/"]["get"]
    assert {} in public["security"]
    assert {"tokenAuth": []} in public["security"]
    me = schema["paths"]["/api/v1/me/"]["get"]
    assert {} not in me["security"]
    assert set(me["responses"]) == {"200", "400", "401", "403", "429"}
    assert schema["components"]["securitySchemes"]["tokenAuth"] == {
        "type": "apiKey",
        "in": "header",
        "name": "Authorization",
        "description": 'Token-based authentication with required prefix "Token"',
    }


@pytest.mark.parametrize("member", MEMBERS)
def test_the_documentation_page_lists_every_endpoint_for_everyone(client, cast, member):
    response = visit(client, cast.members()[member], "/api/docs/")
    assert response.status_code == 200
    page = text(response)
    assert page.count("<h1") == 1
    assert "GET /api/v1/institutions/" in page
    assert "GET /api/v1/status/" in page
    assert "GET /api/v1/reports/{id}/" in page
    assert "curl &#x27;http://localhost:8000/api/v1/institutions/&#x27;" in page
    assert (
        "curl -H &#x27;Authorization: Token YOUR-TOKEN&#x27; &#x27;http://localhost:8000/api/v1/me/"
        in page
    )
    assert '<th scope="row"><code dir="ltr">as_of</code></th>' in page
    assert 'href="/account/api-token/"' in page
    assert 'href="/api/schema/"' in page


def test_the_documentation_page_holds_under_the_content_security_policy(client):
    response = client.get("/api/docs/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    page = text(response)
    assert "<script>" not in page and "style=" not in page and "https://cdn" not in page


def test_the_token_page_links_to_the_documentation(client, cast):
    client.force_login(cast.focal_point)
    assert 'href="/api/docs/"' in text(client.get("/account/api-token/"))
    assert not Token.objects.exists()
