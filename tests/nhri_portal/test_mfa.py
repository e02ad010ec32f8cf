import pytest
from allauth.mfa.models import Authenticator
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def second_factor_required(settings):
    settings.NHRI_REQUIRE_MFA = True


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "bureau_member"])
def test_privileged_roles_must_set_up_a_second_factor_first(
    client, cast, member, second_factor_required
):
    user = getattr(cast, member)
    signed_in = client.post(
        reverse("account_login"), {"login": user.username, "password": "a-long-test-password"}
    )
    assert signed_in.status_code == 302
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")
    # allauth asks for the password again before a second factor is added.
    confirm = client.get(reverse("mfa_activate_totp"))
    assert confirm["Location"].startswith(reverse("account_reauthenticate"))
    client.post(confirm["Location"], {"password": "a-long-test-password"})
    setup = client.get(reverse("mfa_activate_totp"))
    assert setup.status_code == 200
    assert "Authenticator" in setup.content.decode()


@pytest.mark.parametrize("member", ["focal_point", "other_focal_point", "observer"])
def test_other_roles_are_not_held_up(client, cast, member, second_factor_required):
    client.force_login(getattr(cast, member))
    assert client.get(reverse("home")).status_code == 200


def test_with_a_second_factor_the_secretariat_goes_on(client, cast, second_factor_required):
    Authenticator.objects.create(
        user=cast.secretariat, type=Authenticator.Type.TOTP, data={"secret": "JBSWY3DPEHPK3PXP"}
    )
    client.force_login(cast.secretariat)
    assert client.get(reverse("home")).status_code == 200


def test_anonymous_visitors_are_never_asked(client, second_factor_required, db):
    assert client.get(reverse("accreditation:chart")).status_code == 200
