"""A factory per model. States of a review are reached through the services
(see ``tests/procedure.py``), never by writing the state field."""

from __future__ import annotations

import datetime as dt

import factory
from django.contrib.auth import get_user_model

from institutions.enums import InstitutionKind, RegionCode
from institutions.models import Institution, Region

NETWORKS = {
    RegionCode.AFRICA: "NANHRI",
    RegionCode.AMERICAS: "Network of the Americas",
    RegionCode.ASIA_PACIFIC: "APF",
    RegionCode.EUROPE: "ENNHRI",
}


def region(code: RegionCode) -> Region:
    return Region.objects.get_or_create(code=code, defaults={"network": NETWORKS[code]})[0]


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"person{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("a-long-test-password")


class InstitutionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Institution

    name = factory.Sequence(lambda n: f"National Human Rights Commission {n}")
    acronym = factory.Sequence(lambda n: f"NHRC{n}")
    country = factory.Iterator(["KE", "GH", "NZ", "AU", "DE", "NO", "CL", "AR", "MA", "TH"])
    region = factory.LazyFunction(lambda: region(RegionCode.ASIA_PACIFIC))
    kind = InstitutionKind.COMMISSION
    working_language = "en"


def session_dates(start: dt.date) -> dict[str, dt.date]:
    return {"starts_on": start, "ends_on": start + dt.timedelta(days=4)}
