from django.db import models
from django.utils.translation import gettext_lazy as _

from accreditation.enums import Grade, StatusBasis, StatusEvent


class ReviewKind(models.TextChoices):
    INITIAL = "initial", _("Initial accreditation")
    REACCREDITATION = "re-accreditation", _("Re-accreditation")
    SPECIAL_REVIEW = "special-review", _("Special review")
    AFTER_DEFERRAL = "after-deferral", _("Review after deferral")
    TRANSITION = "transition", _("Institution in transition")


class ReviewState(models.TextChoices):
    INVITED = "invited", _("Invited")
    DOSSIER = "dossier", _("Dossier in progress")
    SUBMITTED = "submitted", _("Submitted")
    SCREENING = "screening", _("Under secretariat review")
    SUMMARY_SHARED = "summary-shared", _("Summary of issues shared")
    READY = "ready", _("Ready for the session")
    AT_SESSION = "at-session", _("Considered at the session")
    RECOMMENDED = "recommended", _("Recommended")
    NOTIFIED = "notified", _("Challenge window open")
    BUREAU = "bureau", _("Bureau objection window open")
    REFERRED = "referred", _("Referred to a Bureau meeting")
    DECIDED = "decided", _("Decided")
    DEFERRED = "deferred", _("Deferred")
    SPECIAL_REVIEW_OPENED = "special-review-opened", _("Special review opened")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    LAPSED = "lapsed", _("Lapsed")


# Before the session: the institution and the secretariat are still preparing.
PREPARING_STATES = (
    ReviewState.INVITED,
    ReviewState.DOSSIER,
    ReviewState.SUBMITTED,
    ReviewState.SCREENING,
    ReviewState.SUMMARY_SHARED,
    ReviewState.READY,
)
CLOSED_STATES = (
    ReviewState.DECIDED,
    ReviewState.DEFERRED,
    ReviewState.SPECIAL_REVIEW_OPENED,
    ReviewState.WITHDRAWN,
    ReviewState.LAPSED,
)
# From here on the Bureau has the recommendation before it.
BUREAU_STATES = (ReviewState.BUREAU, ReviewState.REFERRED, ReviewState.DECIDED)


class Outcome(models.TextChoices):
    """What the SCA produces at a session for one review."""

    ACCREDIT_A = "accredit-a", _("Accredit with A status")
    ACCREDIT_A_RESERVE = "accredit-a-reserve", _("Accredit with A(R) status (historical)")
    ACCREDIT_B = "accredit-b", _("Accredit with B status")
    ACCREDIT_C = "accredit-c", _("Accredit with C status (historical)")
    REMOVE = "remove", _("Remove accreditation")
    SUSPEND = "suspend", _("Suspend accreditation")
    LIFT_SUSPENSION = "lift-suspension", _("Lift the suspension")
    NOTE_LAPSE = "note-lapse", _("Note that accreditation has lapsed")
    DEFER = "defer", _("Defer to a later session")
    OPEN_SPECIAL_REVIEW = "special-review", _("Open a special review")


# Decisions of the SCA itself: they cannot be challenged (Practice Notes 1 and 2).
UNCHALLENGEABLE = (Outcome.DEFER, Outcome.OPEN_SPECIAL_REVIEW)

# What a final decision writes into the institution's status.
OUTCOME_STATUS: dict[str, tuple[StatusEvent, Grade]] = {
    Outcome.ACCREDIT_A: (StatusEvent.GRADE, Grade.A),
    Outcome.ACCREDIT_A_RESERVE: (StatusEvent.GRADE, Grade.A_RESERVE),
    Outcome.ACCREDIT_B: (StatusEvent.GRADE, Grade.B),
    Outcome.ACCREDIT_C: (StatusEvent.GRADE, Grade.C),
    Outcome.REMOVE: (StatusEvent.REMOVAL, Grade.NONE),
    Outcome.SUSPEND: (StatusEvent.SUSPENSION, Grade.NONE),
    Outcome.LIFT_SUSPENSION: (StatusEvent.SUSPENSION_LIFTED, Grade.NONE),
    Outcome.NOTE_LAPSE: (StatusEvent.LAPSE, Grade.NONE),
}

KIND_BASIS: dict[str, StatusBasis] = {
    ReviewKind.INITIAL: StatusBasis.INITIAL,
    ReviewKind.REACCREDITATION: StatusBasis.REACCREDITATION,
    ReviewKind.SPECIAL_REVIEW: StatusBasis.SPECIAL_REVIEW,
    ReviewKind.AFTER_DEFERRAL: StatusBasis.AFTER_DEFERRAL,
    ReviewKind.TRANSITION: StatusBasis.TRANSITION,
}


class Vote(models.TextChoices):
    APPROVE = "approve", _("Approve")
    OBJECT = "object", _("Object")


class DecisionRoute(models.TextChoices):
    DEEMED_ADOPTED = "deemed-adopted", _("Deemed adopted when the Bureau window closed")
    BUREAU_MEETING = "bureau-meeting", _("Decided at a Bureau meeting")


class DocumentSlot(models.TextChoices):
    """The parts of a dossier that are documents (PROCESS.md, "The dossier")."""

    FOUNDING_LAW = "founding-law", _("Founding law or constitutional text")
    ORGANISATION_CHART = "organisation-chart", _("Organisation chart with staff numbers")
    BUDGET = "budget", _("Budget")
    ANNUAL_REPORT = "annual-report", _("Latest published annual report")
    INTERNAL_RULES = "internal-rules", _("Internal rules")
    STRATEGIC_PLAN = "strategic-plan", _("Strategic plan")
    FOLLOW_UP = "follow-up", _("Follow-up of earlier recommendations")
    OTHER = "other", _("Other document")


REQUIRED_SLOTS = (
    DocumentSlot.FOUNDING_LAW,
    DocumentSlot.ORGANISATION_CHART,
    DocumentSlot.BUDGET,
    DocumentSlot.ANNUAL_REPORT,
)


class Theme(models.TextChoices):
    """The sections of the Statement of Compliance, by theme of the standard."""

    ESTABLISHMENT = "establishment", _("Establishment and mandate")
    INDEPENDENCE = "independence", _("Independence: selection, appointment, tenure, immunity")
    PLURALISM = "pluralism", _("Pluralism")
    FUNDING = "funding", _("Funding and staff")
    METHODS = "methods", _("Methods of operation")
    COOPERATION = "cooperation", _("Cooperation and the international system")
    COMPLAINTS = "complaints", _("Complaints handling")


# The Paris Principles and General Observations (2018) each theme answers to.
THEME_CRITERIA: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    Theme.ESTABLISHMENT: (
        ("A.1", "A.2", "A.3(a)", "A.3(b)", "A.3(c)"),
        ("1.1", "1.2", "1.3", "1.6"),
    ),
    Theme.INDEPENDENCE: (("B.3",), ("1.8", "1.9", "2.1", "2.2", "2.3")),
    Theme.PLURALISM: (("B.1",), ("1.7",)),
    Theme.FUNDING: (("B.2",), ("1.10", "2.4", "2.5", "2.7", "2.8")),
    Theme.METHODS: (("C(a)", "C(b)", "C(c)", "C(d)", "C(e)", "A.3(a)(iii)"), ("1.11", "2.6")),
    Theme.COOPERATION: (("A.3(d)", "A.3(e)", "C(f)", "C(g)"), ("1.4", "1.5")),
    Theme.COMPLAINTS: (("D", "D(a)", "D(b)", "D(c)", "D(d)"), ("2.9",)),
}

# Complaints handling is optional under the Paris Principles (section D).
OPTIONAL_THEMES = (Theme.COMPLAINTS,)


class PartState(models.TextChoices):
    NOT_STARTED = "not-started", _("Not started")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETE = "complete", _("Complete")


class ScreeningResult(models.TextChoices):
    COMPLETE = "complete", _("Complete")
    RETURNED = "returned", _("Returned as incomplete")


class ParagraphKind(models.TextChoices):
    ISSUE = "issue", _("Issue")
    COMMENDATION = "commendation", _("Commendation")


class ActionVerb(models.TextChoices):
    """What the SCA asks of the institution (or of the State) in an issue."""

    ENCOURAGES = "encourages", _("encourages")
    RECOMMENDS = "recommends", _("recommends")
    URGES = "urges", _("urges")


class SourceKind(models.TextChoices):
    CIVIL_SOCIETY = "civil-society", _("Civil society organisation")
    STATE = "state", _("State authority")
    NHRI = "nhri", _("Another national human rights institution")
    UN = "un", _("United Nations body")
    INDIVIDUAL = "individual", _("Individual")
    OTHER = "other", _("Other")


class ObjectionRuling(models.TextChoices):
    PENDING = "pending", _("Awaiting the Bureau's ruling")
    UPHELD = "upheld", _("Upheld: the member does not take part")
    REJECTED = "rejected", _("Rejected: the member takes part")


class RecusalReason(models.TextChoices):
    OBJECTION_UPHELD = "objection-upheld", _("The Bureau upheld the institution's objection")
    DECLARED = "declared", _("Conflict of interest declared")
