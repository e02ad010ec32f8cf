"""Changes to institutions, people and seats. Guardian grants happen only here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from institutions.enums import Body, MembershipRole, RegionCode, Role, SeatRole
from institutions.models import Institution, Membership, Region, Seat
from institutions.permissions import ACT_FOR_INSTITUTION, require_secretariat
from nhri_portal.errors import DomainError

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def ensure_role_groups() -> dict[Role, Group]:
    return {role: Group.objects.get_or_create(name=role.value)[0] for role in Role}


def give_role(*, user: User, role: Role, by: User | None) -> None:
    """Effects: the user joins the role's group; the secretariat also reaches the admin."""
    require_secretariat(by)
    group, _created = Group.objects.get_or_create(name=role.value)
    user.groups.add(group)
    if role == Role.SECRETARIAT and not user.is_staff:
        user.is_staff = True
        user.save(update_fields=["is_staff"])
    user.__dict__.pop("_nhri_roles", None)


# Object permissions are granted per object by the services, never to a whole group.
_OBJECT_PERMISSIONS = ("act_for_institution", "sit_in_session")


def sync_role_permissions() -> None:
    """Give the secretariat's group the model permissions of the product's apps; the admin
    classes narrow them further (state fields read-only, history view-only)."""
    group, _created = Group.objects.get_or_create(name=Role.SECRETARIAT.value)
    permissions = Permission.objects.filter(
        content_type__app_label__in=["institutions", "accreditation", "reviews"]
    ).exclude(codename__in=_OBJECT_PERMISSIONS)
    group.permissions.add(*permissions)


def create_user(
    *,
    username: str,
    email: str,
    password: str | None,
    roles: tuple[Role, ...] = (),
    first_name: str = "",
    last_name: str = "",
    by: User | None,
) -> User:
    require_secretariat(by)
    user_model = get_user_model()
    if user_model.objects.filter(username=username).exists():
        raise DomainError(_("A user called %(name)s already exists.") % {"name": username})
    with transaction.atomic():
        user = user_model.objects.create_user(
            username=username,
            email=email,
            password=password,
            first_name=first_name,
            last_name=last_name,
        )
        for role in roles:
            give_role(user=user, role=role, by=by)
    return user


def upsert_region(*, code: RegionCode, network: str, network_acronym: str = "") -> Region:
    region, _created = Region.objects.update_or_create(
        code=code, defaults={"network": network, "network_acronym": network_acronym}
    )
    return region


def register_institution(*, by: User | None, **fields: Any) -> Institution:
    """Add an institution to the register. A successor starts with no status of its own.

    Effects: one institution row (with its history row).
    """
    require_secretariat(by)
    institution = Institution(**fields)
    institution.full_clean()
    institution.save()
    return institution


@transaction.atomic
def add_member(
    *, user: User, institution: Institution, role: MembershipRole, by: User | None
) -> Membership:
    """Make ``user`` a head or focal point of ``institution``.

    Effects: a membership row; the focal-point role; the guardian permission to act
    for the institution.
    """
    require_secretariat(by)
    membership, _created = Membership.objects.get_or_create(
        user=user, institution=institution, role=role
    )
    give_role(user=user, role=Role.FOCAL_POINT, by=by)
    assign_perm(ACT_FOR_INSTITUTION, user, institution)
    return membership


@transaction.atomic
def remove_member(*, membership: Membership, by: User | None) -> None:
    """End a membership. Effects: the row is deleted; the permission is revoked when no
    other membership of the same user in the same institution remains."""
    require_secretariat(by)
    user, institution = membership.user, membership.institution
    membership.delete()
    if not Membership.objects.filter(user=user, institution=institution).exists():
        remove_perm(ACT_FOR_INSTITUTION, user, institution)


@transaction.atomic
def assign_seat(
    *,
    institution: Institution,
    body: Body,
    role: SeatRole,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    people: tuple[User, ...] = (),
    note: str = "",
    by: User | None,
) -> Seat:
    """Give ``institution`` a seat on the SCA or the Bureau for a term.

    Effects: a seat row; the people it sends get the body's role.
    """
    require_secretariat(by)
    if ends_on is not None and ends_on < starts_on:
        raise DomainError(_("A term cannot end before it starts."))
    seat = Seat.objects.create(
        institution=institution,
        body=body,
        role=role,
        region=institution.region,
        starts_on=starts_on,
        ends_on=ends_on,
        note=note,
    )
    for person in people:
        add_seat_person(seat=seat, user=person, by=by)
    return seat


def add_seat_person(*, seat: Seat, user: User, by: User | None) -> None:
    require_secretariat(by)
    seat.people.add(user)
    role = Role.BUREAU_MEMBER if seat.body == Body.BUREAU else Role.SCA_MEMBER
    give_role(user=user, role=role, by=by)


def add_observer(*, region: Region, user: User, by: User | None) -> None:
    require_secretariat(by)
    region.observers.add(user)
    give_role(user=user, role=Role.OBSERVER, by=by)
