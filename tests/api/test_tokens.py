"""Each user's API token: made, shown once, replaced and revoked on their own page; it
speaks for that user only while they are active (and, for privileged roles, hold their
second factor)."""

import pytest
from allauth.mfa.models import Authenticator
from rest_framework.authtoken.models import Token

from institutions.enums import Role
from tests.api.helpers import as_member
from tests.pages import text

pytestmark = pytest.mark.django_db

PAGE = "/account/api-token/"
MAKE = "/account/api-token/make/"
REVOKE = "/account/api-token/revoke/"
ME = "/api/v1/me/"
SIGNED_IN = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
]


def test_the_anonymous_visitor_is_sent_to_sign_in_and_gets_no_token(client, cast):
    for url in (PAGE, MAKE, REVOKE):
        response = client.get(url) if url == PAGE else client.post(url)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert not Token.objects.exists()


@pytest.mark.parametrize("member", SIGNED_IN)
def test_each_member_makes_a_token_shown_once_then_replaces_and_revokes_it(client, cast, member):
    user = cast.members()[member]
    client.force_login(user)
    assert "You have no API token." in text(client.get(PAGE))

    made = client.post(MAKE)
    first = Token.objects.get(user=user).key
    assert made.status_code == 200
    assert first in text(made)
    assert "no-store" in made["Cache-Control"]

    again = client.get(PAGE)
    assert first not in text(again)
    assert "You have a token, made on" in text(again)

    replaced = client.post(MAKE)
    second = Token.objects.get(user=user).key
    assert second != first
    assert second in text(replaced)
    assert Token.objects.count() == 1

    revoked = client.post(REVOKE, follow=True)
    assert "Your API token is revoked: it no longer works." in text(revoked)
    assert not Token.objects.filter(user=user).exists()


def test_a_member_only_ever_touches_their_own_token(client, cast):
    theirs = Token.objects.create(user=cast.other_focal_point)
    client.force_login(cast.focal_point)
    client.post(MAKE)
    client.post(REVOKE)
    assert Token.objects.get(user=cast.other_focal_point) == theirs


def test_making_and_revoking_take_a_post(client, cast):
    client.force_login(cast.focal_point)
    assert client.get(MAKE).status_code == 405
    assert client.get(REVOKE).status_code == 405
    assert not Token.objects.exists()


@pytest.mark.parametrize(
    ("member", "roles"),
    [
        ("secretariat", [Role.SECRETARIAT]),
        ("focal_point", [Role.FOCAL_POINT]),
        ("observer", [Role.OBSERVER]),
    ],
)
def test_a_token_speaks_for_its_user(cast, member, roles):
    user = cast.members()[member]
    response = as_member(user).get(ME)
    assert response.status_code == 200
    assert response.json() == {"username": user.username, "roles": [r.value for r in roles]}


def test_without_a_token_the_api_asks_for_one(api, cast):
    response = api.get(ME)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json() == {"detail": "Authentication credentials were not provided."}


def test_a_revoked_or_replaced_token_stops_working(client, cast):
    client.force_login(cast.focal_point)
    client.post(MAKE)
    old = Token.objects.get(user=cast.focal_point).key
    client.post(MAKE)
    assert _me(old).json() == {"detail": "Invalid token."}
    new = Token.objects.get(user=cast.focal_point).key
    assert _me(new).status_code == 200
    client.post(REVOKE)
    response = _me(new)
    assert response.status_code == 401
    assert response.json() == {"detail": "Invalid token."}


def test_the_token_of_an_inactive_user_stops_working(cast):
    key = Token.objects.create(user=cast.focal_point).key
    assert _me(key).status_code == 200
    cast.focal_point.is_active = False
    cast.focal_point.save()
    response = _me(key)
    assert response.status_code == 401
    assert response.json() == {"detail": "User inactive or deleted."}


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "bureau_member"])
def test_a_privileged_role_needs_its_second_factor_for_the_page_and_the_token(
    client, cast, member, settings
):
    settings.NHRI_REQUIRE_MFA = True
    user = cast.members()[member]
    key = Token.objects.create(user=user).key
    client.force_login(user)
    assert client.get(PAGE)["Location"] == "/accounts/2fa/totp/activate/"
    refused = _me(key)
    assert refused.status_code == 401
    assert refused.json() == {
        "detail": "Your role requires two-factor authentication. Set it up in the portal "
        "before you use a token."
    }
    Authenticator.objects.create(
        user=user, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    assert client.get(PAGE).status_code == 200
    assert _me(key).status_code == 200


def test_other_roles_use_a_token_without_a_second_factor(cast, settings):
    settings.NHRI_REQUIRE_MFA = True
    assert _me(Token.objects.create(user=cast.focal_point).key).status_code == 200


def _me(key):
    from rest_framework.test import APIClient

    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    return client.get(ME)
