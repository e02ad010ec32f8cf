"""Helpers for tests of conflicts of interest: more SCA seats, and the session's days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from institutions.enums import Body, RegionCode, SeatRole
from institutions.models import Institution, Seat
from institutions.services import add_seat_person, assign_seat
from reviews.models import Session
from reviews.services.sessions import seat_in_session
from tests.factories import InstitutionFactory, UserFactory, region

# The cast's session opens on 11 March 2030: objections close 21 days before (18
# February), the Bureau rules by 7 days before (4 March).
CUTOFF = dt.date(2030, 2, 18)
BEFORE_CUTOFF = dt.date(2030, 2, 10)
RULING_DUE = dt.date(2030, 3, 4)


def seat(
    session: Session,
    *,
    username: str,
    code: RegionCode = RegionCode.AFRICA,
    role: SeatRole = SeatRole.MEMBER,
    institution: Institution | None = None,
    name: str = "",
) -> tuple[Any, Seat]:
    """A person sitting for a new institution of the region ``code`` in ``session``."""
    person = UserFactory(username=username, first_name=username.title())
    institution = institution or InstitutionFactory(
        region=region(code), **({"name": name} if name else {})
    )
    held = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=role,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    add_seat_person(seat=held, user=person, by=None)
    seat_in_session(session=session, seat=held, by=None)
    return person, held


def alternate(session: Session, code: RegionCode = RegionCode.AFRICA) -> tuple[Any, Seat]:
    return seat(session, username=f"alternate-{code}", code=code, role=SeatRole.ALTERNATE)


def seat_of(user: Any) -> Seat:
    return user.seats.get(body=Body.SCA)
