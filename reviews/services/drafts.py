"""The SCA drafts its recommendation on a case during the session.

Paragraphs follow the SCA's practice: commendations first, unnumbered, then the
numbered issues. Stored numbers run 1..n over both (commendations first), so the
issues' own numbers are their position after the commendations (:func:`issue_number`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation.enums import Grade
from accreditation.models import GeneralObservation, Principle
from accreditation.status import status_on
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import UNCHALLENGEABLE, Outcome, ParagraphKind, ReviewState
from reviews.models import DraftParagraph, RecommendationDraft, Review, Session
from reviews.permissions import DRAFTING_STATES, deliberates
from reviews.services.outcomes import GO_VERSION, Paragraph

if TYPE_CHECKING:
    from django.contrib.auth.models import User

Cited = tuple[list[Principle], list[GeneralObservation]]

# Far above any real paragraph number: renumbering goes through it so that no two
# paragraphs of a draft ever share a number, even for a moment.
_PARKING = 10_000


def outcome_choices(review: Review) -> list[tuple[str, str]]:
    """The outcomes the SCA may recommend on ``review`` (never the historical A(R) or C),
    worded from the institution's status on the session's first day."""
    status = status_on(review.institution_id, review.session.starts_on)
    holds_a = status.grade in (Grade.A, Grade.A_RESERVE)
    choices = [
        (Outcome.ACCREDIT_A, Outcome.ACCREDIT_A.label),
        (Outcome.ACCREDIT_B, _("Downgrade to B status") if holds_a else Outcome.ACCREDIT_B.label),
        (Outcome.REMOVE, Outcome.REMOVE.label),
        (Outcome.SUSPEND, Outcome.SUSPEND.label),
    ]
    if status.suspended:
        choices.append((Outcome.LIFT_SUSPENSION, Outcome.LIFT_SUSPENSION.label))
    choices += [
        (Outcome.DEFER, Outcome.DEFER.label),
        (Outcome.OPEN_SPECIAL_REVIEW, Outcome.OPEN_SPECIAL_REVIEW.label),
        (Outcome.NOTE_LAPSE, Outcome.NOTE_LAPSE.label),
    ]
    return [(str(value), str(label)) for value, label in choices]


def follow_up_sessions(review: Review) -> list[Session]:
    """The sessions a deferral or a special review may name: after this one, still to come."""
    return list(
        Session.objects.filter(
            starts_on__gt=review.session.ends_on, starts_on__gte=clock.today()
        ).order_by("starts_on")
    )


def issue_number(paragraph: DraftParagraph, commendations: int) -> int | None:
    """The number the SCA gives an issue; commendations have none."""
    if paragraph.kind == ParagraphKind.COMMENDATION:
        return None
    return paragraph.number - commendations


def _open_draft(review: Review, by: User) -> RecommendationDraft:
    """The draft of ``review``, locked, after checking ``by`` may still write it."""
    if not deliberates(by, review):
        raise NotPermitted(_("Only the secretariat and the SCA sitting on the case draft it."))
    adopted = RecommendationDraft.objects.filter(review=review, adopted_at__isnull=False).first()
    if adopted is not None and adopted.adopted_at is not None:
        raise DomainError(
            _("This recommendation was adopted on %(day)s; it can no longer change.")
            % {"day": adopted.adopted_at.date().isoformat()}
        )
    review.refresh_from_db(fields=["state"])
    if review.state not in DRAFTING_STATES:
        raise DomainError(
            _(
                "The recommendation is drafted while the case is before the session; "
                "it is “%(state)s”."
            )
            % {"state": ReviewState(review.state).label}
        )
    draft, _created = RecommendationDraft.objects.select_for_update().get_or_create(
        review=review, defaults={"updated_at": clock.now(), "updated_by": by}
    )
    if draft.adopted_at is not None:
        # Adopted while this request waited for the lock.
        raise Conflict(_("The session adopted this recommendation meanwhile; look at it again."))
    return draft


def _touch(draft: RecommendationDraft, by: User) -> None:
    draft.updated_at = clock.now()
    draft.updated_by = by
    draft.save(update_fields=["updated_at", "updated_by"])


def check_follow_up(review: Review, outcome: str, session: Session | None) -> None:
    """A deferral or a special review names a session still to come after this one;
    no other outcome names one."""
    if outcome not in UNCHALLENGEABLE:
        if session is not None:
            raise DomainError(_("Only a deferral or a special review names a follow-up session."))
        return
    if session is None:
        raise DomainError(_("Name the session that takes the case up again."))
    if session.starts_on < clock.today():
        raise DomainError(
            _("%(session)s is in the past: name a session still to come.") % {"session": session}
        )
    if session.starts_on <= review.session.ends_on:
        raise DomainError(_("The follow-up session must come after this one."))


@transaction.atomic
def save_draft(
    *,
    review: Review,
    outcome: str,
    follow_up_session: Session | None,
    summary: str,
    by: User,
) -> RecommendationDraft:
    """Set the outcome the SCA is drafting on ``review`` (empty: not chosen yet), the
    follow-up session of a deferral or special review, and the summary.

    Effects: the draft (created on first save; a history row each time).
    """
    draft = _open_draft(review, by)
    if outcome and outcome not in dict(outcome_choices(review)):
        raise DomainError(_("This outcome cannot be recommended on this case."))
    check_follow_up(review, outcome, follow_up_session)
    draft.outcome = outcome
    draft.follow_up_session = follow_up_session
    draft.summary = summary.strip()
    draft.updated_at = clock.now()
    draft.updated_by = by
    draft.save()
    return draft


def _label(kind: str, number: int) -> str:
    if kind == ParagraphKind.COMMENDATION:
        return _("Commendation %(number)s") % {"number": number}
    return _("Paragraph %(number)s") % {"number": number}


def _check_content(content: Paragraph, label: str) -> Cited:
    """The catalogue rows ``content`` cites, once its parts make a paragraph."""
    if content.kind == ParagraphKind.COMMENDATION:
        if not content.notes.strip():
            raise DomainError(
                _("%(paragraph)s: write what the SCA commends.") % {"paragraph": label}
            )
    elif not (content.notes.strip() or content.request.strip()):
        raise DomainError(
            _("%(paragraph)s: write what the SCA notes or what it asks.") % {"paragraph": label}
        )
    if content.request.strip() and not content.verb:
        raise DomainError(
            _("%(paragraph)s: say whether the SCA encourages, recommends or urges.")
            % {"paragraph": label}
        )
    principles = {p.key: p for p in Principle.objects.filter(key__in=content.principles)}
    observations = {
        o.number: o
        for o in GeneralObservation.objects.filter(
            version=GO_VERSION, number__in=content.observations
        )
    }
    unknown = [k for k in content.principles if k not in principles] + [
        n for n in content.observations if n not in observations
    ]
    if unknown:
        raise DomainError(
            _("%(paragraph)s cites what the catalogue does not hold: %(unknown)s.")
            % {"paragraph": label, "unknown": ", ".join(unknown)}
        )
    return list(principles.values()), list(observations.values())


def _write(row: DraftParagraph, content: Paragraph, cited: Cited) -> None:
    row.kind = content.kind
    row.notes = content.notes.strip()
    row.standard = content.standard.strip()
    row.verb = content.verb if content.request.strip() else ""
    row.request = content.request.strip()
    row.save()
    row.principles.set(cited[0])
    row.observations.set(cited[1])


def _ordered(draft: RecommendationDraft) -> list[DraftParagraph]:
    """The draft's paragraphs in the SCA's order: commendations, then issues."""
    return _commendations_first(list(draft.paragraphs.order_by("number")))


def _commendations_first(rows: list[DraftParagraph]) -> list[DraftParagraph]:
    return [r for r in rows if r.kind == ParagraphKind.COMMENDATION] + [
        r for r in rows if r.kind != ParagraphKind.COMMENDATION
    ]


def _renumber(rows: list[DraftParagraph]) -> None:
    """Number ``rows`` 1..n in their order (through numbers no paragraph holds)."""
    for index, row in enumerate(rows, start=1):
        row.number = _PARKING + index
    DraftParagraph.objects.bulk_update(rows, ["number"])
    for index, row in enumerate(rows, start=1):
        row.number = index
    DraftParagraph.objects.bulk_update(rows, ["number"])


def _label_for_new(draft: RecommendationDraft, kind: str) -> str:
    same_kind = draft.paragraphs.filter(kind=kind).count()
    return _label(kind, same_kind + 1)


def _label_of(row: DraftParagraph) -> str:
    same_kind_before = row.draft.paragraphs.filter(kind=row.kind, number__lt=row.number).count()
    return _label(row.kind, same_kind_before + 1)


@transaction.atomic
def add_paragraph(*, review: Review, content: Paragraph, by: User) -> DraftParagraph:
    """Add a commendation (after the others) or an issue (at the end) to the draft.

    Effects: the paragraph with its citations; the paragraphs renumbered; the draft's
    "updated" stamp.
    """
    draft = _open_draft(review, by)
    cited = _check_content(content, _label_for_new(draft, content.kind))
    row = DraftParagraph(draft=draft, number=_PARKING * 2)
    _write(row, content, cited)
    _place_last_of_kind(draft, row)
    _touch(draft, by)
    return row


def _place_last_of_kind(draft: RecommendationDraft, row: DraftParagraph) -> None:
    """Put ``row`` after the other paragraphs of its kind and renumber the draft."""
    rows = [r for r in _ordered(draft) if r.pk != row.pk]
    commendations = sum(1 for r in rows if r.kind == ParagraphKind.COMMENDATION)
    rows.insert(commendations if row.kind == ParagraphKind.COMMENDATION else len(rows), row)
    _renumber(rows)


@transaction.atomic
def update_paragraph(*, paragraph: DraftParagraph, content: Paragraph, by: User) -> DraftParagraph:
    """Rewrite a paragraph of the draft (its kind too).

    Effects: the paragraph and its citations; renumbered when its kind changed; the
    draft's "updated" stamp.
    """
    draft = _open_draft(paragraph.draft.review, by)
    row = draft.paragraphs.get(pk=paragraph.pk)
    label = _label_of(row) if row.kind == content.kind else _label_for_new(draft, content.kind)
    cited = _check_content(content, label)
    kind_changed = row.kind != content.kind
    _write(row, content, cited)
    if kind_changed:
        _place_last_of_kind(draft, row)
    _touch(draft, by)
    return row


@transaction.atomic
def remove_paragraph(*, paragraph: DraftParagraph, by: User) -> None:
    """Remove a paragraph from the draft. Effects: the paragraph is deleted (its history
    kept), the others renumbered; the draft's "updated" stamp. Removing one already
    gone changes nothing."""
    draft = _open_draft(paragraph.draft.review, by)
    draft.paragraphs.filter(pk=paragraph.pk).delete()
    _renumber(_ordered(draft))
    _touch(draft, by)


@transaction.atomic
def move_paragraph(
    *, paragraph: DraftParagraph, direction: Literal["up", "down"], by: User
) -> DraftParagraph:
    """Move a paragraph one place up or down among those of its kind (commendations stay
    before the issues). At the top or the bottom already, nothing changes.

    Effects: the paragraphs renumbered; the draft's "updated" stamp.
    """
    draft = _open_draft(paragraph.draft.review, by)
    rows = _ordered(draft)
    index = next(i for i, r in enumerate(rows) if r.pk == paragraph.pk)
    other = index - 1 if direction == "up" else index + 1
    if 0 <= other < len(rows) and rows[other].kind == rows[index].kind:
        rows[index], rows[other] = rows[other], rows[index]
        _renumber(rows)
        _touch(draft, by)
    return next(r for r in rows if r.pk == paragraph.pk)


def paragraphs_of(draft: RecommendationDraft) -> list[Paragraph]:
    """The draft's paragraphs as the outcome service records them (prefetched)."""
    return [
        Paragraph(
            kind=ParagraphKind(row.kind),
            notes=row.notes,
            standard=row.standard,
            verb=row.verb,
            request=row.request,
            principles=tuple(p.key for p in row.principles.all()),
            observations=tuple(o.number for o in row.observations.all()),
        )
        for row in _commendations_first(
            list(draft.paragraphs.order_by("number").prefetch_related("principles", "observations"))
        )
    ]
