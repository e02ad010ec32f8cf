"""The summary of issues: the secretariat drafts and shares it; the institution answers
each issue in writing, with documents, by a deadline; then the SCA reads the answers."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.models import GeneralObservation, Principle
from accreditation.rulebook import RuleKey
from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from nhri_portal.lib.uploads import UploadRefused, inspect_upload
from reviews.enums import PREPARING_STATES, ReviewState
from reviews.models import (
    AnswerAttachment,
    IssueAnswer,
    IssueSummary,
    Review,
    SummaryIssue,
)
from reviews.services.outbox import queue_mail, secretariat_addresses
from reviews.services.transitions import transition

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

GO_VERSION = 2018
# The secretariat may note issues as soon as the dossier is in, and until it shares the
# summary; it is shared from screening, the one state the workflow lets it leave by
# "share the summary of issues". A case marked ready without a summary has none.
DRAFTING_STATES = (ReviewState.SUBMITTED, ReviewState.SCREENING)


def summary_for(review: Review) -> IssueSummary:
    summary, _created = IssueSummary.objects.get_or_create(review=review)
    return summary


def day(value: dt.date) -> str:
    return date_format(value, "DATE_FORMAT")


def may_draft(review: Review, summary: IssueSummary | None) -> bool:
    """Whether the summary is still a draft the secretariat may change."""
    return review.state in DRAFTING_STATES and (summary is None or summary.shared_at is None)


def answers_open(review: Review, summary: IssueSummary | None) -> bool:
    """Whether the institution may still write and send its answers today."""
    return (
        summary is not None
        and summary.answers_due_on is not None
        and summary.answers_sent_at is None
        and review.state in PREPARING_STATES
        and clock.today() <= summary.answers_due_on
    )


def _require_drafting(review: Review, by: User) -> IssueSummary:
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat drafts the summary of issues."))
    summary = summary_for(review)
    if summary.shared_at is not None:
        raise DomainError(
            _("The summary was shared on %(day)s and can no longer be changed.")
            % {"day": day(timezone.localdate(summary.shared_at))}
        )
    if review.state not in DRAFTING_STATES:
        raise DomainError(
            _(
                "Issues are drafted once the dossier is submitted and until the summary is "
                "shared; this review is “%(state)s”."
            )
            % {"state": ReviewState(review.state).label}
        )
    return summary


def _citations(
    principles: Sequence[str], observations: Sequence[str]
) -> tuple[list[Principle], list[GeneralObservation]]:
    found_principles = {p.key: p for p in Principle.objects.filter(key__in=principles)}
    found_observations = {
        o.number: o
        for o in GeneralObservation.objects.filter(version=GO_VERSION, number__in=observations)
    }
    unknown = [key for key in principles if key not in found_principles] + [
        f"GO {number}" for number in observations if number not in found_observations
    ]
    if unknown:
        raise DomainError(
            _("The catalogue does not hold: %(unknown)s.") % {"unknown": ", ".join(unknown)}
        )
    return [found_principles[k] for k in principles], [found_observations[n] for n in observations]


def _texts(facts: str, concern: str) -> tuple[str, str]:
    if not facts.strip():
        raise DomainError(_("Write the facts the issue rests on."))
    if not concern.strip():
        raise DomainError(_("Write the concern: what the SCA may find wanting."))
    return facts.strip(), concern.strip()


@transaction.atomic
def add_issue(
    *,
    review: Review,
    facts: str,
    concern: str,
    principles: Sequence[str],
    observations: Sequence[str],
    by: User,
) -> SummaryIssue:
    """Add an issue at the end of the summary. Effects: the issue, its citations and
    their history rows."""
    summary = _require_drafting(review, by)
    facts, concern = _texts(facts, concern)
    cited_principles, cited_observations = _citations(principles, observations)
    # The lock on the summary keeps two secretariat members from taking one number.
    IssueSummary.objects.select_for_update().get(pk=summary.pk)
    last = summary.issues.order_by("-number").values_list("number", flat=True).first() or 0
    issue = SummaryIssue.objects.create(
        summary=summary, number=last + 1, facts=facts, concern=concern
    )
    issue.principles.set(cited_principles)
    issue.observations.set(cited_observations)
    return issue


@transaction.atomic
def update_issue(
    *,
    issue: SummaryIssue,
    facts: str,
    concern: str,
    principles: Sequence[str],
    observations: Sequence[str],
    by: User,
) -> SummaryIssue:
    """Change an issue's texts and citations. Effects: the issue and its history rows."""
    _require_drafting(issue.summary.review, by)
    issue.facts, issue.concern = _texts(facts, concern)
    cited_principles, cited_observations = _citations(principles, observations)
    issue.save(update_fields=["facts", "concern"])
    issue.principles.set(cited_principles)
    issue.observations.set(cited_observations)
    return issue


@transaction.atomic
def remove_issue(*, issue: SummaryIssue, by: User) -> None:
    """Remove an issue. Effects: the issue is deleted and those after it move up one."""
    summary = _require_drafting(issue.summary.review, by)
    IssueSummary.objects.select_for_update().get(pk=summary.pk)
    number = issue.number
    issue.delete()
    # One at a time, in order: the numbers are unique within the summary at every step.
    for later in summary.issues.filter(number__gt=number).order_by("number"):
        SummaryIssue.objects.filter(pk=later.pk).update(number=F("number") - 1)


def default_answers_due(review: Review) -> rulebook.Deadline:
    return rulebook.compute(
        RuleKey.SUMMARY_RESPONSE_DUE,
        anchor_on=review.session.starts_on,
        anchor_label=_("first day of the session"),
    )


@transaction.atomic
def share_summary(
    *, review: Review, by: User, answers_due_on: dt.date | None = None
) -> IssueSummary:
    """Share the summary with the institution, which answers by ``answers_due_on`` (by
    default the rulebook's date before the session).

    Effects: the summary marked shared, with its due date; the review moves to "summary of issues
    shared" with its history row; a mail to each focal point of the institution.
    """
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat shares the summary of issues."))
    summary = IssueSummary.objects.select_for_update().get(pk=summary_for(review).pk)
    if summary.shared_at is not None:
        raise Conflict(
            _("The summary was already shared on %(day)s.")
            % {"day": day(timezone.localdate(summary.shared_at))}
        )
    if review.state != ReviewState.SCREENING:
        raise DomainError(
            _("The summary is shared during screening; this review is “%(state)s”.")
            % {"state": ReviewState(review.state).label}
        )
    if not summary.issues.exists():
        raise DomainError(_("Add at least one issue before sharing the summary."))
    if answers_due_on is None:
        answers_due_on = default_answers_due(review).due_on
        if answers_due_on < clock.today():
            raise DomainError(
                _("The usual due date, %(day)s, has passed: give a later date for the answers.")
                % {"day": day(answers_due_on)}
            )
    elif answers_due_on < clock.today():
        raise DomainError(_("The answers cannot be due on a day that has passed."))
    summary.shared_at, summary.shared_by = clock.now(), by
    summary.answers_due_on = answers_due_on
    summary.save(update_fields=["shared_at", "shared_by", "answers_due_on"])
    transition(review, to=ReviewState.SUMMARY_SHARED, by=by)
    queue_mail(
        review,
        focal_point_addresses(review),
        "reviews/summary/emails/shared",
        review.institution.working_language,
        {"review": review, "summary": summary},
    )
    return summary


def _require_answering(issue: SummaryIssue, by: User) -> IssueSummary:
    summary = issue.summary
    review = summary.review
    if not is_focal_point_of(by, review.institution):
        raise NotPermitted(_("Only the institution's focal points answer the summary."))
    if summary.shared_at is None or summary.answers_due_on is None:
        raise DomainError(_("The summary has not been shared yet."))
    if summary.answers_sent_at is not None:
        raise DomainError(
            _("The answers were sent on %(day)s and can no longer be changed.")
            % {"day": day(timezone.localdate(summary.answers_sent_at))}
        )
    if review.state not in PREPARING_STATES:
        raise DomainError(_("The review is past the preparation for the session."))
    if clock.today() > summary.answers_due_on:
        raise DomainError(_("Answering closed on %(day)s.") % {"day": day(summary.answers_due_on)})
    return summary


@transaction.atomic
def save_answer(*, issue: SummaryIssue, text: str, by: User) -> IssueAnswer:
    """Save the institution's answer to one issue (a draft until the answers are sent).
    Effects: the answer and its history row."""
    _require_answering(issue, by)
    answer, _created = IssueAnswer.objects.update_or_create(
        issue=issue, defaults={"text": text, "updated_at": clock.now(), "updated_by": by}
    )
    return answer


@transaction.atomic
def attach_to_answer(*, issue: SummaryIssue, upload: UploadedFile, by: User) -> AnswerAttachment:
    """Add a document to the answer on ``issue``; a file is never changed afterwards.
    It is inspected before anything is stored. Effects: the answer (empty, if there was
    none yet), the attachment and the file in storage."""
    _require_answering(issue, by)
    name = upload.name or ""
    try:
        inspected = inspect_upload(
            upload, name=name, declared_size=upload.size, max_bytes=settings.NHRI_MAX_UPLOAD_BYTES
        )
    except UploadRefused as refused:
        raise DomainError(str(refused)) from None
    now = clock.now()
    answer, _created = IssueAnswer.objects.get_or_create(
        issue=issue, defaults={"text": "", "updated_at": now, "updated_by": by}
    )
    attachment = AnswerAttachment(
        answer=answer,
        original_name=name[:400],
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_at=now,
        uploaded_by=by,
    )
    attachment.file.save(inspected.safe_name, File(upload), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def send_answers(*, review: Review, by: User) -> IssueSummary:
    """Send the institution's answers: from then the SCA reads them and they no longer
    change. Refused while an issue has no answer. Effects: the summary marked sent and
    a mail to the secretariat."""
    summary = summary_for(review)
    first = summary.issues.first()
    if first is None:
        raise DomainError(_("The summary has not been shared yet."))
    _require_answering(first, by)
    unanswered = [
        str(issue.number)
        for issue in summary.issues.select_related("answer")
        if not hasattr(issue, "answer") or not issue.answer.text.strip()
    ]
    if unanswered:
        raise DomainError(
            _("Answer every issue before sending. Not answered yet: %(numbers)s.")
            % {"numbers": ", ".join(unanswered)}
        )
    now = clock.now()
    # Conditional: of two focal points sending at once, one sends.
    sent = IssueSummary.objects.filter(pk=summary.pk, answers_sent_at__isnull=True).update(
        answers_sent_at=now, answers_sent_by=by
    )
    if not sent:
        raise Conflict(_("Someone else sent the answers first."))
    summary.refresh_from_db()
    queue_mail(
        review,
        secretariat_addresses(),
        "reviews/summary/emails/answers_sent",
        "en",
        {"review": review, "summary": summary},
    )
    return summary


def focal_point_addresses(review: Review) -> list[str]:
    memberships = review.institution.memberships.select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email})
