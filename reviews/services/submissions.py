"""Third-party submissions: recorded in full for the SCA, shared in a sanitised version
(the source withheld where required) with the institution, which may comment."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from nhri_portal.lib.uploads import UploadRefused, inspect_upload
from reviews.enums import CLOSED_STATES, PREPARING_STATES, ReviewState, SourceKind
from reviews.models import Review, SubmissionAttachment, ThirdPartySubmission
from reviews.services.outbox import queue_mail
from reviews.services.summaries import day, focal_point_addresses

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

# The institution comments before the session; failing that, it has two weeks.
COMMENTS_BEFORE_SESSION = dt.timedelta(days=3)
COMMENTS_AT_LEAST = dt.timedelta(days=14)


def _require_secretariat(by: User) -> None:
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat handles third-party submissions."))


def _require_preparing(review: Review) -> None:
    # Once the SCA has taken the case up, information arrives too late to be shared.
    if review.state not in PREPARING_STATES:
        raise DomainError(
            _(
                "Third-party submissions are handled until the session takes the case up; "
                "this review is “%(state)s”."
            )
            % {"state": ReviewState(review.state).label}
        )


def _require_unshared(submission: ThirdPartySubmission) -> None:
    if submission.shared_at is not None:
        raise DomainError(
            _("This submission was shared with the institution on %(day)s; it no longer changes.")
            % {"day": day(timezone.localdate(submission.shared_at))}
        )


@transaction.atomic
def record_submission(
    *,
    review: Review,
    source_name: str,
    source_kind: SourceKind | str,
    source_confidential: bool,
    received_on: dt.date,
    content: str,
    by: User,
) -> ThirdPartySubmission:
    """Record a third-party submission in full. Effects: the submission and its history row."""
    _require_secretariat(by)
    _require_preparing(review)
    if not source_name.strip():
        raise DomainError(_("Name the source of the submission."))
    if source_kind not in SourceKind.values:
        raise DomainError(_("Choose the kind of source."))
    if not content.strip():
        raise DomainError(_("Give the text of the submission."))
    if received_on > clock.today():
        raise DomainError(_("A submission cannot be received on a day still to come."))
    return ThirdPartySubmission.objects.create(
        review=review,
        source_name=source_name.strip(),
        source_kind=source_kind,
        source_confidential=source_confidential,
        received_on=received_on,
        content=content.strip(),
        recorded_by=by,
        recorded_at=clock.now(),
    )


@transaction.atomic
def attach_to_submission(
    *, submission: ThirdPartySubmission, upload: UploadedFile, by: User
) -> SubmissionAttachment:
    """Keep a file that came with a submission: part of the full version only, never
    shown to the institution. Inspected before anything is stored; never changed.
    Effects: the attachment and the file in storage."""
    _require_secretariat(by)
    _require_preparing(submission.review)
    name = upload.name or ""
    try:
        inspected = inspect_upload(
            upload, name=name, declared_size=upload.size, max_bytes=settings.NHRI_MAX_UPLOAD_BYTES
        )
    except UploadRefused as refused:
        raise DomainError(str(refused)) from None
    attachment = SubmissionAttachment(
        submission=submission,
        original_name=name[:400],
        kind=inspected.kind,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        uploaded_at=clock.now(),
        uploaded_by=by,
    )
    attachment.file.save(inspected.safe_name, File(upload), save=False)
    attachment.save()
    return attachment


@transaction.atomic
def set_sanitised(*, submission: ThirdPartySubmission, text: str, by: User) -> ThirdPartySubmission:
    """Write the version the institution will be shown. Effects: the text and its history row."""
    _require_secretariat(by)
    _require_unshared(submission)
    _require_preparing(submission.review)
    if not text.strip():
        raise DomainError(_("Write the text the institution will be shown."))
    submission.sanitised_content = text.strip()
    submission.save(update_fields=["sanitised_content"])
    return submission


def default_comments_due(review: Review) -> dt.date:
    """Three days before the session; two weeks from today when that has passed."""
    before_session = review.session.starts_on - COMMENTS_BEFORE_SESSION
    if before_session >= clock.today():
        return before_session
    return clock.today() + COMMENTS_AT_LEAST


def source_named_in(submission: ThirdPartySubmission, text: str) -> bool:
    return submission.source_name.casefold() in text.casefold()


@transaction.atomic
def share_submission(
    *, submission: ThirdPartySubmission, by: User, comments_due_on: dt.date | None = None
) -> ThirdPartySubmission:
    """Share the sanitised version with the institution for comment by
    ``comments_due_on`` (see :func:`default_comments_due`).

    Effects: the submission marked shared with its due date and a history row; a mail
    to each focal point of the institution (it names neither the source nor the text).
    """
    _require_secretariat(by)
    submission = ThirdPartySubmission.objects.select_for_update().get(pk=submission.pk)
    if submission.shared_at is not None:
        raise Conflict(
            _("This submission was already shared on %(day)s.")
            % {"day": day(timezone.localdate(submission.shared_at))}
        )
    review = submission.review
    _require_preparing(review)
    if not submission.sanitised_content.strip():
        raise DomainError(_("Write the sanitised text first: it is what the institution reads."))
    if submission.source_confidential and source_named_in(submission, submission.sanitised_content):
        raise DomainError(
            _(
                "The sanitised text names the source, which is to be withheld. Remove the "
                "name from it before sharing."
            )
        )
    due = comments_due_on or default_comments_due(review)
    if due < clock.today():
        raise DomainError(_("Comments cannot be due on a day that has passed."))
    submission.shared_at, submission.shared_by, submission.comments_due_on = clock.now(), by, due
    submission.save(update_fields=["shared_at", "shared_by", "comments_due_on"])
    queue_mail(
        review,
        focal_point_addresses(review),
        "reviews/submission/emails/shared",
        review.institution.working_language,
        {"review": review, "submission": submission},
    )
    return submission


@transaction.atomic
def comment_on_submission(
    *, submission: ThirdPartySubmission, text: str, by: User
) -> ThirdPartySubmission:
    """The institution's comment on a shared submission; it may change it until the due
    date. Effects: the comment and its history row."""
    review = submission.review
    if not is_focal_point_of(by, review.institution):
        raise NotPermitted(_("Only the institution's focal points comment on a submission."))
    if submission.shared_at is None or submission.comments_due_on is None:
        raise DomainError(_("This submission has not been shared with the institution."))
    if review.state in CLOSED_STATES:
        raise DomainError(_("The review is closed."))
    if clock.today() > submission.comments_due_on:
        raise DomainError(
            _("Comments closed on %(day)s.") % {"day": day(submission.comments_due_on)}
        )
    if not text.strip():
        raise DomainError(_("Write your comment."))
    submission.comment = text.strip()
    submission.commented_at, submission.commented_by = clock.now(), by
    submission.save(update_fields=["comment", "commented_at", "commented_by"])
    return submission
