"""The admin site as a whole: every model of the three apps is there and every list loads."""

import pytest
from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from accreditation.models import StatusRecord
from reviews.models import BureauVote, Decision, ReviewEvent
from tests.factories import UserFactory
from tests.pages import text

APPS = ("institutions", "accreditation", "reviews")


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def our_models():
    return [
        model
        for label in APPS
        for model in apps.get_app_config(label).get_models()
        if not model.__name__.startswith("Historical")
    ]


def test_every_model_of_the_three_apps_is_in_the_admin():
    missing = [model.__name__ for model in our_models() if model not in admin.site._registry]
    assert missing == []


def test_every_list_of_the_admin_loads_for_a_superuser(client, cast, superuser):
    client.force_login(superuser)
    for model in our_models():
        url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
        response = client.get(url, {"q": "Home"})
        assert response.status_code == 200, url


def test_the_admin_is_headed_with_the_product_name(client, superuser):
    client.force_login(superuser)
    assert "NHRI Accreditation Portal" in text(client.get(reverse("admin:index")))


@pytest.mark.parametrize("model", [StatusRecord, ReviewEvent, Decision, BureauVote])
def test_append_only_rows_are_view_only_in_the_admin(rf, superuser, model):
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    assert model_admin.has_view_permission(request)
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_a_review_event_cannot_be_added_changed_or_deleted_through_the_admin(
    client, cast, superuser
):
    event = ReviewEvent.objects.get(review=cast.review)
    client.force_login(superuser)
    add = reverse("admin:reviews_reviewevent_add")
    change = reverse("admin:reviews_reviewevent_change", args=[event.pk])
    delete = reverse("admin:reviews_reviewevent_delete", args=[event.pk])
    assert client.get(add).status_code == 403
    assert client.post(change, {"reason": "rewritten", "to_state": "decided"}).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert (event.reason, event.to_state) == ("", "invited")
    page = text(client.get(change))
    assert 'name="reason"' not in page
