"""Who a user is in the procedure: named predicates, one home.

Roles are Django groups named after :class:`Role`. What a user may do with one
institution is a django-guardian object permission granted by the services.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.contrib.auth.models import AnonymousUser
from django.db.models import QuerySet
from django.utils.translation import gettext as _
from guardian.shortcuts import get_objects_for_user

from institutions.enums import Body, Role
from institutions.models import Institution, Region, Seat

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    AnyUser = User | AnonymousUser

ACT_FOR_INSTITUTION = "institutions.act_for_institution"


def has_role(user: AnyUser, role: Role) -> bool:
    if not user.is_authenticated or not user.is_active:
        return False
    cache = getattr(user, "_nhri_roles", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True))
        setattr(user, "_nhri_roles", cache)  # noqa: B010 (a per-request cache on the user)
    return role.value in cache


def roles_of(user: AnyUser) -> list[Role]:
    return [role for role in Role if has_role(user, role)]


def is_secretariat(user: AnyUser) -> bool:
    return has_role(user, Role.SECRETARIAT)


def institutions_acted_for(user: AnyUser) -> QuerySet[Institution]:
    """The institutions this user is a focal point of (a guardian permission)."""
    if not user.is_authenticated:
        return Institution.objects.none()
    return get_objects_for_user(user, ACT_FOR_INSTITUTION, Institution, accept_global_perms=False)


def is_focal_point_of(user: AnyUser, institution: Institution) -> bool:
    return has_role(user, Role.FOCAL_POINT) and user.has_perm(ACT_FOR_INSTITUTION, institution)


def seats_of(user: AnyUser, day: dt.date) -> QuerySet[Seat]:
    if not user.is_authenticated:
        return Seat.objects.none()
    return Seat.objects.active_on(day).filter(people=user).select_related("region", "institution")


def bureau_seats_of(user: AnyUser, day: dt.date) -> QuerySet[Seat]:
    if not has_role(user, Role.BUREAU_MEMBER):
        return Seat.objects.none()
    return seats_of(user, day).filter(body=Body.BUREAU)


def observed_region_ids(user: AnyUser) -> list[int]:
    if not has_role(user, Role.OBSERVER):
        return []
    return list(Region.objects.filter(observers=user.pk).values_list("id", flat=True))


def own_institution_ids(user: AnyUser) -> set[int]:
    """Institutions the user belongs to, by membership or by sitting for them."""
    if not user.is_authenticated:
        return set()
    member_of = set(user.memberships.values_list("institution_id", flat=True))
    sits_for = set(user.seats.values_list("institution_id", flat=True))
    return member_of | sits_for


def require_secretariat(by: AnyUser | None) -> None:
    """``by=None`` is the system itself (migrations, the loader, the sweep)."""
    from nhri_portal.errors import NotPermitted

    if by is not None and not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat may do this."))
