"""The institution's challenge of a recommendation: lodged by its focal points within
the challenge window, with reasons and documents, then put before the Bureau with the
recommendation when the window closes (the deadline sweep mails the Bureau).

A deferral and the opening of a special review are decisions of the SCA, not
recommendations: nothing here lets them be challenged.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import File
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accreditation.rulebook import RuleKey
from institutions.permissions import is_focal_point_of
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from nhri_portal.lib.uploads import Inspected, UploadRefused, inspect_upload
from reviews.enums import BUREAU_STATES, Outcome, ReviewState
from reviews.models import Challenge, ChallengeAttachment, Recommendation, Review, ReviewDeadline
from reviews.services.outbox import queue_mail, secretariat_addresses

if TYPE_CHECKING:
    import datetime as dt

    from django.contrib.auth.models import User
    from django.core.files.uploadedfile import UploadedFile

REASONS_MAX_CHARS = 20_000
MAX_DOCUMENTS = 20
# The states in which the institution has been told the SCA's outcome: from then on the
# challenge page shows it (or says why it cannot be challenged).
TOLD_STATES = (
    ReviewState.NOTIFIED,
    *BUREAU_STATES,
    ReviewState.DEFERRED,
    ReviewState.SPECIAL_REVIEW_OPENED,
)


class DocumentRefused(DomainError):
    """A document of the challenge was not accepted; the message names it and says why."""


def day(value: dt.date) -> str:
    # ISO in refusals: unambiguous in every language, and what the API gives.
    return value.isoformat()


def _unchallengeable(review: Review, recommendation: Recommendation | None) -> str:
    """Why the SCA's outcome on ``review`` cannot be challenged at all; "" when it can."""
    outcome = recommendation.outcome if recommendation else None
    if outcome == Outcome.DEFER or review.state == ReviewState.DEFERRED:
        return _(
            "A deferral is a decision of the SCA, not a recommendation: it cannot be challenged."
        )
    if outcome == Outcome.OPEN_SPECIAL_REVIEW or review.state == ReviewState.SPECIAL_REVIEW_OPENED:
        return _(
            "The opening of a special review is a decision of the SCA, not a recommendation: "
            "it cannot be challenged."
        )
    return ""


def challenge_window(review: Review) -> ReviewDeadline | None:
    """The challenge window as it was set when the institution was notified."""
    return review.deadlines.filter(rule_key=RuleKey.CHALLENGE_WINDOW).first()


@dataclass(frozen=True)
class Standing:
    """Where the challenge of one review stands today, for the page and the API."""

    lodgeable: bool  # the institution may lodge a challenge today
    reason: str  # why not, when it may not
    notified: bool  # the institution has been told the SCA's outcome
    unchallengeable: bool  # a decision of the SCA (deferral, special review)
    window: ReviewDeadline | None
    window_open: bool  # documents may still be added to a lodged challenge
    recommendation: Recommendation | None  # only once the institution has been told
    challenge: Challenge | None


def standing(review: Review) -> Standing:
    """Where the challenge of ``review`` stands on :func:`clock.today`. Before the
    institution is told, nothing of the recommendation (a draft) is given."""
    recommendation = Recommendation.objects.filter(review=review).first()
    challenge = (
        Challenge.objects.filter(review=review)
        .select_related("lodged_by")
        .prefetch_related("attachments")
        .first()
    )
    notified = review.state in TOLD_STATES
    window = challenge_window(review) if notified else None
    window_open = (
        review.state == ReviewState.NOTIFIED
        and window is not None
        and clock.today() <= window.due_on
    )
    refusal = _unchallengeable(review, recommendation) if notified else ""
    if not notified:
        reason = _("No recommendation has been notified to the institution yet.")
    elif refusal:
        reason = refusal
    elif not window_open:
        reason = (
            _("The challenge window closed on %(day)s.") % {"day": day(window.due_on)}
            if window is not None
            else _("The challenge window has closed.")
        )
    elif challenge is not None:
        reason = _("The recommendation was challenged on %(day)s.") % {
            "day": day(challenge.lodged_on)
        }
    else:
        reason = ""
    return Standing(
        lodgeable=not reason,
        reason=reason,
        notified=notified,
        unchallengeable=bool(refusal),
        window=window,
        window_open=window_open,
        recommendation=recommendation if notified else None,
        challenge=challenge,
    )


def _require_open_window(review: Review, by: User) -> ReviewDeadline:
    """Lock the review and check the challenge window is open today; the lock makes a
    second focal point (or a second click) wait and then find what the first did."""
    if not is_focal_point_of(by, review.institution):
        raise NotPermitted(_("Only the institution's focal points may challenge."))
    locked = Review.objects.select_for_update().get(pk=review.pk)
    refusal = _unchallengeable(locked, Recommendation.objects.filter(review=locked).first())
    if refusal:
        raise DomainError(refusal)
    window = challenge_window(locked)
    if locked.state != ReviewState.NOTIFIED or window is None:
        if locked.state in BUREAU_STATES and window is not None:
            raise DomainError(
                _("The challenge window closed on %(day)s.") % {"day": day(window.due_on)}
            )
        raise DomainError(_("There is no recommendation open to challenge on this review."))
    if clock.today() > window.due_on:
        raise DomainError(
            _("The challenge window closed on %(day)s.") % {"day": day(window.due_on)}
        )
    return window


def _clean_reasons(reasons: str) -> str:
    reasons = reasons.strip()
    if not reasons:
        raise DomainError(_("Give the reasons for the challenge."))
    if len(reasons) > REASONS_MAX_CHARS:
        raise DomainError(
            _("Keep the reasons to %(limit)d characters; they have %(count)d.")
            % {"limit": REASONS_MAX_CHARS, "count": len(reasons)}
        )
    return reasons


def _inspect(upload: UploadedFile) -> Inspected:
    """Inspect one document as every upload is, before anything is stored."""
    name = upload.name or ""
    try:
        return inspect_upload(
            upload, name=name, declared_size=upload.size, max_bytes=settings.NHRI_MAX_UPLOAD_BYTES
        )
    except UploadRefused as refused:
        raise DocumentRefused(
            _("“%(name)s” was not accepted. %(reason)s") % {"name": name, "reason": refused.message}
        ) from None


def _store(
    challenge: Challenge, upload: UploadedFile, inspected: Inspected, by: User
) -> ChallengeAttachment:
    attachment = ChallengeAttachment(
        challenge=challenge,
        original_name=(upload.name or "")[:400],
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


def _focal_point_addresses(review: Review) -> list[str]:
    memberships = review.institution.memberships.select_related("user")
    return sorted({m.user.email for m in memberships if m.user.email})


@transaction.atomic
def lodge_challenge(
    *, review: Review, reasons: str, by: User, files: Sequence[UploadedFile] = ()
) -> Challenge:
    """The institution challenges the recommendation on ``review`` within the window,
    with its reasons and documents (each inspected as every upload is).

    Effects: the challenge and its documents (files in storage); an acknowledgement to
    the institution's focal points in its working language and a notice to the
    secretariat. The Bureau receives it when its window opens (the deadline sweep).
    """
    window = _require_open_window(review, by)
    reasons = _clean_reasons(reasons)
    if len(files) > MAX_DOCUMENTS:
        raise DocumentRefused(
            _("Lodge at most %(limit)d documents at once; add the others afterwards.")
            % {"limit": MAX_DOCUMENTS}
        )
    inspected = [(upload, _inspect(upload)) for upload in files]
    already = Challenge.objects.filter(review=review).first()
    if already is not None:
        raise Conflict(
            _("The recommendation was already challenged on %(day)s.")
            % {"day": day(already.lodged_on)}
        )
    try:
        with transaction.atomic():
            challenge = Challenge.objects.create(
                review=review,
                lodged_by=by,
                lodged_on=clock.today(),
                lodged_at=clock.now(),
                reasons=reasons,
            )
    except IntegrityError:
        raise Conflict(_("The recommendation was challenged a moment ago.")) from None
    seen: set[str] = set()
    for upload, facts in inspected:
        if facts.sha256 not in seen:  # the same file chosen twice is kept once
            seen.add(facts.sha256)
            _store(challenge, upload, facts, by)
    context = {"review": review, "challenge": challenge, "window": window}
    queue_mail(
        review,
        _focal_point_addresses(review),
        "reviews/challenge/emails/acknowledged",
        review.institution.working_language,
        context,
    )
    queue_mail(review, secretariat_addresses(), "reviews/challenge/emails/lodged", "en", context)
    return challenge


@transaction.atomic
def add_challenge_document(
    *, challenge: Challenge, file: UploadedFile, by: User
) -> ChallengeAttachment:
    """Add a document to a lodged challenge while the challenge window is open; a
    document is never changed afterwards.

    Effects: the attachment and its file in storage; it goes to the Bureau with the
    challenge.
    """
    _require_open_window(challenge.review, by)
    inspected = _inspect(file)
    if challenge.attachments.filter(sha256=inspected.sha256).exists():
        raise Conflict(
            _("“%(name)s” is already among the documents of the challenge.")
            % {"name": file.name or ""}
        )
    return _store(challenge, file, inspected, by)
