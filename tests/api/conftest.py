import pytest
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _no_anonymous_throttle(settings):
    """Anonymous reads are throttled per address; the tests make many from one."""
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": {"anon": None}}


@pytest.fixture
def api():
    return APIClient()
