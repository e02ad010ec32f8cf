import pytest

from tests.procedure import Cast


@pytest.fixture
def cast(db):
    return Cast()


@pytest.fixture(autouse=True)
def _mail_in_memory(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded files of a test go to its own folder, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "media"},
        },
    }


@pytest.fixture(autouse=True)
def _tasks_in_process(request):
    """Unit tests run Celery tasks in-process even when REDIS_URL is set; the
    integration tests (marked so) send them to a real worker."""
    if request.node.get_closest_marker("integration"):
        yield
        return
    from nhri_portal.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before


@pytest.fixture(autouse=True)
def _english_again():
    """A page requested in another language leaves that language active in the thread."""
    yield
    from django.utils import translation

    translation.activate("en")


@pytest.fixture(autouse=True)
def _no_second_factor(settings):
    """Pages are tested without the second-factor gate; tests/nhri_portal/test_mfa.py
    tests the gate itself."""
    settings.NHRI_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _reference_data(request):
    """Transactional tests empty the tables after each test, data migrations included;
    put back what the migrations load (rulebook, catalogue, role groups, letter texts)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    import importlib

    from django.apps import apps
    from django.contrib.auth.models import Group

    from accreditation.catalogue import install_catalogue
    from accreditation.models import GeneralObservation, Principle, Rule
    from accreditation.rulebook import install_default_rules
    from institutions.enums import Role

    install_default_rules(Rule)
    install_catalogue(2018, Principle, GeneralObservation)
    for role in Role:
        Group.objects.get_or_create(name=role.value)
    importlib.import_module("reviews.migrations.0006_letter_templates").seed(apps, None)
