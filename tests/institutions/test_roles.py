import pytest
from django.urls import reverse

from institutions.enums import Role
from institutions.services import give_role, sync_role_permissions
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_the_secretariat_reaches_the_admin_and_may_edit_the_rulebook(client):
    sync_role_permissions()  # what migrate does after creating the permissions
    user = UserFactory(username="sec")
    give_role(user=user, role=Role.SECRETARIAT, by=None)
    user.refresh_from_db()
    assert user.is_staff
    assert user.has_perm("accreditation.change_rule")
    assert not user.has_perm("institutions.act_for_institution")
    client.force_login(user)
    response = client.get(reverse("admin:accreditation_rule_changelist"))
    assert response.status_code == 200
    assert "Challenge window closes" in response.content.decode()


def test_other_roles_do_not_reach_the_admin(client):
    user = UserFactory(username="fp")
    give_role(user=user, role=Role.FOCAL_POINT, by=None)
    client.force_login(user)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
