import pytest

from tests.procedure import Cast


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture(autouse=True)
def _mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Pages are tested without the second-factor gate; tests/nhri_portal/test_mfa.py
    tests the gate itself."""
    settings.NHRI_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty the tables after each test, data migrations included;
    put back what the migrations load (rulebook, catalogue, role groups)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.contrib.auth.models import Group

    from accreditation.catalogue import install_catalogue
    from accreditation.models import GeneralObservation, Principle, Rule
    from accreditation.rulebook import install_default_rules
    from institutions.enums import Role

    install_default_rules(Rule)
    install_catalogue(2018, Principle, GeneralObservation)
    for role in Role:
        Group.objects.get_or_create(name=role.value)
