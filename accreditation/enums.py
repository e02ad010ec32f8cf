from django.db import models
from django.utils.translation import gettext_lazy as _


class Grade(models.TextChoices):
    A = "A", _("A — compliant with the Paris Principles")
    A_RESERVE = "A(R)", _("A(R) — with reserve (historical)")
    B = "B", _("B — partially compliant")
    C = "C", _("C — not compliant (historical)")
    NONE = "none", _("No status")

    @property
    def short(self) -> str:
        return "—" if self is Grade.NONE else self.value


# Higher is better; a decision to a lower rank is a downgrade and waits a year.
GRADE_RANK = {Grade.A: 4, Grade.A_RESERVE: 3, Grade.B: 2, Grade.C: 1, Grade.NONE: 0}
ACCREDITED_GRADES = (Grade.A, Grade.A_RESERVE, Grade.B)


class StatusEvent(models.TextChoices):
    """What a status record says happened to an institution's accreditation."""

    GRADE = "grade", _("Grade decided")
    SUSPENSION = "suspension", _("Suspended")
    SUSPENSION_LIFTED = "suspension-lifted", _("Suspension lifted")
    LAPSE = "lapse", _("Accreditation lapsed")
    REMOVAL = "removal", _("Accreditation removed")
    WITHDRAWAL = "withdrawal", _("Accreditation withdrawn by the institution")


class StatusBasis(models.TextChoices):
    INITIAL = "initial", _("Initial accreditation")
    REACCREDITATION = "re-accreditation", _("Re-accreditation")
    SPECIAL_REVIEW = "special-review", _("Special review")
    AFTER_DEFERRAL = "after-deferral", _("Review after deferral")
    TRANSITION = "transition", _("Institution in transition")
    RULEBOOK = "rulebook", _("Operation of the rules")
    IMPORTED = "imported", _("Recorded before the portal")


class Confidence(models.TextChoices):
    VERIFIED = "verified", _("verified")
    REPORTED = "reported", _("reported")
    ASSUMED = "assumed", _("assumed")
    INFERRED = "inferred", _("inferred")


class RuleUnit(models.TextChoices):
    DAYS = "days", _("calendar days")
    YEARS = "years", _("years")
    MEMBERS = "members", _("Bureau members")
    REGIONS = "regions", _("regions")


class Direction(models.TextChoices):
    BEFORE = "before", _("before")
    AFTER = "after", _("after")


class Right(models.TextChoices):
    VOTE = "vote", _("Votes in GANHRI")
    OFFICE = "office", _("Holds office in GANHRI")
    HRC = "hrc", _("Speaks in its own right at the Human Rights Council")
    ATTEND = "attend", _("Attends GANHRI meetings")
