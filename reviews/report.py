"""The report of a session, assembled from its adopted recommendations in the SCA's
usual order: a summary by kind of review, the background, then one section per
institution with its recommendation, commendations and numbered issues."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accreditation.enums import Grade
from accreditation.status import statuses_on
from institutions.enums import Body
from institutions.models import Seat
from reviews.agenda import agenda_of
from reviews.enums import ActionVerb, Outcome, ParagraphKind, ReviewKind
from reviews.models import Recommendation, RecommendationParagraph, Review, Session

# The grades a recommendation of B status takes an institution down from.
A_GRADES = (Grade.A, Grade.A_RESERVE)

# What the report says of each outcome; a deferral and a special review name the
# session that takes the case up again.
OUTCOME_SENTENCES: dict[str, Promise] = {
    Outcome.ACCREDIT_A: gettext_lazy(
        "The SCA recommends that the institution be accredited with A status."
    ),
    Outcome.ACCREDIT_A_RESERVE: gettext_lazy(
        "The SCA recommends that the institution be accredited with A(R) status."
    ),
    Outcome.ACCREDIT_B: gettext_lazy(
        "The SCA recommends that the institution be accredited with B status."
    ),
    Outcome.ACCREDIT_C: gettext_lazy(
        "The SCA recommends that the institution be accredited with C status."
    ),
    Outcome.REMOVE: gettext_lazy(
        "The SCA recommends that the accreditation of the institution be removed."
    ),
    Outcome.SUSPEND: gettext_lazy(
        "The SCA recommends that the accreditation of the institution be suspended."
    ),
    Outcome.LIFT_SUSPENSION: gettext_lazy(
        "The SCA recommends that the suspension of the institution be lifted."
    ),
    Outcome.NOTE_LAPSE: gettext_lazy(
        "The SCA notes that the accreditation of the institution has lapsed."
    ),
    Outcome.DEFER: gettext_lazy(
        "The SCA decides to defer the review of the institution to %(session)s."
    ),
    Outcome.OPEN_SPECIAL_REVIEW: gettext_lazy(
        "The SCA decides to open a special review of the institution, to be taken up at "
        "%(session)s."
    ),
}


@dataclass(frozen=True)
class Issue:
    number: int
    paragraph: RecommendationParagraph
    # The parts in the SCA's form; empty for older paragraphs, which show their text.
    notes: str
    action: str
    references: str

    @property
    def structured(self) -> bool:
        return bool(self.notes or self.paragraph.standard or self.action)


@dataclass(frozen=True)
class Section:
    number: str
    review: Review
    recommendation: Recommendation
    outcome_label: str
    outcome_text: str
    takes_effect_in_a_year: bool
    commendations: list[RecommendationParagraph]
    issues: list[Issue]


@dataclass(frozen=True)
class KindGroup:
    number: int
    kind: ReviewKind
    title: str
    sections: list[Section] = field(default_factory=list)


@dataclass(frozen=True)
class Report:
    session: Session
    seats: list[Seat]
    groups: list[KindGroup]

    @property
    def case_count(self) -> int:
        return sum(len(group.sections) for group in self.groups)


def seats_sitting(session: Session) -> list[Seat]:
    """The SCA seats of the session, region by region."""
    return list(
        session.seats.filter(body=Body.SCA)
        .select_related("institution", "region")
        .order_by("region__code", "role", "institution__name")
    )


def group_titles() -> dict[str, str]:
    return {
        ReviewKind.INITIAL: _("Accreditation"),
        ReviewKind.REACCREDITATION: _("Re-accreditation"),
        ReviewKind.SPECIAL_REVIEW: _("Special review"),
        ReviewKind.AFTER_DEFERRAL: _("Review after deferral (deferred files)"),
        ReviewKind.TRANSITION: _("Institutions in transition"),
    }


def assemble(session: Session, reviews: QuerySet[Review]) -> Report:
    """The report of ``session`` from the recommendations adopted on ``reviews`` (pass
    the reader's visibility queryset: a case they may not know of is left out entirely)."""
    paragraphs = RecommendationParagraph.objects.prefetch_related("principles", "observations")
    cases = list(
        agenda_of(session, reviews)
        .filter(recommendation__session=session)
        .select_related("recommendation__follow_up_session")
        .prefetch_related(Prefetch("recommendation__paragraphs", queryset=paragraphs))
    )
    statuses = statuses_on({case.institution_id for case in cases}, session.starts_on)
    titles = group_titles()
    groups: list[KindGroup] = []
    for kind in ReviewKind:
        of_kind = [case for case in cases if case.kind == kind]
        if not of_kind:
            continue
        group = KindGroup(number=len(groups) + 1, kind=kind, title=titles[kind])
        for case in of_kind:
            held_a = statuses[case.institution_id].grade in A_GRADES
            number = f"{group.number}.{len(group.sections) + 1}"
            group.sections.append(_section(number, case, held_a=held_a))
        groups.append(group)
    return Report(session=session, seats=seats_sitting(session), groups=groups)


def _section(number: str, review: Review, *, held_a: bool) -> Section:
    recommendation = review.recommendation
    downgrade = recommendation.outcome == Outcome.ACCREDIT_B and held_a
    commendations: list[RecommendationParagraph] = []
    issues: list[Issue] = []
    for paragraph in recommendation.paragraphs.all():
        if paragraph.kind == ParagraphKind.COMMENDATION:
            commendations.append(paragraph)
        else:
            issues.append(_issue(len(issues) + 1, paragraph))
    return Section(
        number=number,
        review=review,
        recommendation=recommendation,
        outcome_label=_("Downgrade to B status")
        if downgrade
        else recommendation.get_outcome_display(),
        outcome_text=outcome_text(recommendation, downgrade=downgrade),
        takes_effect_in_a_year=downgrade or recommendation.outcome == Outcome.REMOVE,
        commendations=commendations,
        issues=issues,
    )


def outcome_text(recommendation: Recommendation, *, downgrade: bool = False) -> str:
    """The recommendation in words, as the report states it."""
    if downgrade:
        return _("The SCA recommends that the institution be downgraded to B status.")
    sentence = str(OUTCOME_SENTENCES[recommendation.outcome])
    if recommendation.outcome in (Outcome.DEFER, Outcome.OPEN_SPECIAL_REVIEW):
        return sentence % {"session": str(recommendation.follow_up_session)}
    return sentence


def _issue(number: int, paragraph: RecommendationParagraph) -> Issue:
    actions = {
        ActionVerb.ENCOURAGES: _("The SCA encourages %(request)s"),
        ActionVerb.RECOMMENDS: _("The SCA recommends %(request)s"),
        ActionVerb.URGES: _("The SCA urges %(request)s"),
    }
    notes = _("The SCA notes %(notes)s") % {"notes": paragraph.notes} if paragraph.notes else ""
    action = (
        actions[ActionVerb(paragraph.verb)] % {"request": paragraph.request}
        if paragraph.verb and paragraph.request
        else paragraph.request
    )
    return Issue(
        number=number,
        paragraph=paragraph,
        notes=notes,
        action=action,
        references=references(paragraph),
    )


def references(paragraph: RecommendationParagraph) -> str:
    """``Principles: B.3; General Observations: 1.8``: what the paragraph refers to."""
    parts = []
    principles = [p.key for p in paragraph.principles.all()]
    observations = [o.number for o in paragraph.observations.all()]
    if principles:
        parts.append(_("Principles: %(keys)s") % {"keys": ", ".join(principles)})
    if observations:
        parts.append(_("General Observations: %(numbers)s") % {"numbers": ", ".join(observations)})
    return "; ".join(parts)
