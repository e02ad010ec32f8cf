from django.db import models
from django.utils.translation import gettext_lazy as _


class RegionCode(models.TextChoices):
    AFRICA = "africa", _("Africa")
    AMERICAS = "americas", _("Americas")
    ASIA_PACIFIC = "asia-pacific", _("Asia-Pacific")
    EUROPE = "europe", _("Europe")


class InstitutionKind(models.TextChoices):
    COMMISSION = "commission", _("Commission")
    OMBUDS = "ombuds", _("Ombuds office")
    HYBRID = "hybrid", _("Hybrid institution")
    ADVISORY = "advisory", _("Advisory body")
    INSTITUTE = "institute", _("Institute")
    PUBLIC_DEFENDER = "public-defender", _("Public defender")


class MembershipRole(models.TextChoices):
    HEAD = "head", _("Head of institution")
    FOCAL_POINT = "focal-point", _("Focal point")


class Body(models.TextChoices):
    SCA = "sca", _("Sub-Committee on Accreditation")
    BUREAU = "bureau", _("Bureau")


class SeatRole(models.TextChoices):
    MEMBER = "member", _("Member")
    ALTERNATE = "alternate", _("Alternate")
    CHAIR = "chair", _("Chair")
    VICE_CHAIR = "vice-chair", _("Vice-chair")
    SECRETARY = "secretary", _("Secretary")
    PREVIOUS_CHAIR = "previous-chair", _("Previous chair")


class Role(models.TextChoices):
    """The roles of the product; each is a Django group of the same name."""

    SECRETARIAT = "secretariat", _("Secretariat")
    SCA_MEMBER = "sca-member", _("SCA member")
    BUREAU_MEMBER = "bureau-member", _("Bureau member")
    FOCAL_POINT = "focal-point", _("NHRI focal point")
    OBSERVER = "observer", _("Regional network observer")


# Roles whose accounts must carry a second factor in production.
PRIVILEGED_ROLES = (Role.SECRETARIAT, Role.SCA_MEMBER, Role.BUREAU_MEMBER)

LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("es", _("Spanish")),
    ("ar", _("Arabic")),
    ("zh-hans", _("Chinese")),
    ("ru", _("Russian")),
]
