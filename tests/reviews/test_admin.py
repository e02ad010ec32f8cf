import pytest
from django.urls import reverse

from reviews.enums import ReviewState
from tests.factories import UserFactory
from tests.pages import text


@pytest.fixture
def superuser(db):
    return UserFactory(username="root", is_staff=True, is_superuser=True)


def test_the_state_of_a_review_is_shown_but_not_editable_in_the_admin(client, cast, superuser):
    client.force_login(superuser)
    url = reverse("admin:reviews_review_change", args=[cast.review.pk])
    page = text(client.get(url))
    assert 'name="state"' not in page
    assert "Invited" in page
    assert 'name="confidential"' in page


def test_posting_a_state_through_the_admin_changes_only_what_may_change(client, cast, superuser):
    client.force_login(superuser)
    url = reverse("admin:reviews_review_change", args=[cast.review.pk])
    form = {"state": ReviewState.DECIDED, "_save": "Save"}  # and confidential unticked
    for prefix in ("deadlines", "events"):
        form.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    response = client.post(url, form)
    assert response.status_code == 302
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.INVITED
    assert cast.review.confidential is False
    assert cast.review.events.count() == 1  # no history row: the state did not move


def test_reviews_are_neither_added_nor_deleted_in_the_admin(client, cast, superuser):
    client.force_login(superuser)
    assert client.get(reverse("admin:reviews_review_add")).status_code == 403
    delete = reverse("admin:reviews_review_delete", args=[cast.review.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
