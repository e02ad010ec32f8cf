import pytest
from django.urls import reverse

from institutions.enums import MembershipRole, Role
from institutions.models import Membership
from institutions.permissions import is_focal_point_of
from institutions.services import give_role
from tests.factories import InstitutionFactory, UserFactory


@pytest.fixture
def staff_secretariat(db):
    user = UserFactory(username="staff-secretariat", is_staff=True, is_superuser=True)
    give_role(user=user, role=Role.SECRETARIAT, by=None)
    return user


def test_a_membership_added_in_the_admin_lets_the_person_act_for_the_institution(
    client, staff_secretariat
):
    person, institution = UserFactory(username="newcomer"), InstitutionFactory()
    client.force_login(staff_secretariat)
    response = client.post(
        reverse("admin:institutions_membership_add"),
        {
            "user": person.pk,
            "institution": institution.pk,
            "role": MembershipRole.FOCAL_POINT,
            "_save": "Save",
        },
    )
    assert response.status_code == 302
    assert Membership.objects.filter(user=person, institution=institution).exists()
    person = type(person).objects.get(pk=person.pk)  # fresh permission caches
    assert is_focal_point_of(person, institution)


def test_a_membership_deleted_in_the_admin_takes_the_right_to_act_away(client, staff_secretariat):
    person, institution = UserFactory(username="leaver"), InstitutionFactory()
    client.force_login(staff_secretariat)
    client.post(
        reverse("admin:institutions_membership_add"),
        {
            "user": person.pk,
            "institution": institution.pk,
            "role": MembershipRole.FOCAL_POINT,
        },
    )
    membership = Membership.objects.get(user=person)
    response = client.post(
        reverse("admin:institutions_membership_delete", args=[membership.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    person = type(person).objects.get(pk=person.pk)
    assert not is_focal_point_of(person, institution)


def test_a_superuser_outside_the_secretariat_cannot_add_a_membership(client, db):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    assert client.get(reverse("admin:institutions_membership_add")).status_code == 403
