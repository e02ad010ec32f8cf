"""The session room: the agenda as the SCA members, observers and the secretariat see
it, each case at a glance with a link to its page."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypedDict

from django.contrib.auth.decorators import login_required
from django.db.models import Count, F, IntegerField, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reviews.agenda import agenda_of
from reviews.enums import Outcome
from reviews.models import CaseComment, Review, Session, ThirdPartySubmission
from reviews.permissions import attends, discussed_reviews, visible_reviews
from reviews.report import seats_sitting
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from django_stubs_ext import WithAnnotations

    from institutions.permissions import AnyUser


class Glance(TypedDict):
    """What the room's query adds to each review."""

    dossier_submitted_at: dt.datetime | None
    summary_shared_at: dt.datetime | None
    answers_sent_at: dt.datetime | None
    draft_outcome: str | None
    all_submissions: int
    shared_submissions: int
    comment_count: int


@dataclass(frozen=True)
class Row:
    review: Review
    dossier_submitted_at: dt.datetime | None
    summary_shared_at: dt.datetime | None
    answers_sent_at: dt.datetime | None
    submissions: int
    # None: not for this reader (the SCA's own deliberation); "": no outcome chosen yet.
    draft_outcome: str | None
    comments: int | None


def load_session(user: AnyUser, pk: int) -> Session:
    """The session whose room or report ``user`` may open: 404 to everyone else."""
    session = get_object_or_404(Session, pk=pk)
    if not attends(user, session):
        raise Http404
    return session


@login_required
@require_safe
def room(request: SignedInRequest, pk: int) -> HttpResponse:
    session = load_session(request.user, pk)
    context = {
        "session": session,
        "seats": seats_sitting(session),
        "rows": agenda_rows(request.user, session),
        "deliberates": discussed_reviews(request.user).filter(session=session).exists(),
    }
    return render(request, "reviews/room/room.html", context)


def _count(model: type[CaseComment] | type[ThirdPartySubmission], **where: object) -> Coalesce:
    counted = (
        model.objects.filter(review=OuterRef("pk"), **where)
        .order_by()
        .values("review")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _annotated(user: AnyUser, session: Session) -> QuerySet[WithAnnotations[Review, Glance]]:
    return agenda_of(session, visible_reviews(user)).annotate(
        dossier_submitted_at=F("dossier__submitted_at"),
        summary_shared_at=F("summary__shared_at"),
        answers_sent_at=F("summary__answers_sent_at"),
        draft_outcome=F("draft__outcome"),
        all_submissions=_count(ThirdPartySubmission),
        shared_submissions=_count(ThirdPartySubmission, shared_at__isnull=False),
        comment_count=_count(CaseComment),
    )


def agenda_rows(user: AnyUser, session: Session) -> list[Row]:
    """The cases ``user`` may know of, in agenda order. Those who deliberate on a case
    (the secretariat, the SCA sitting on it) see its submissions in full, its draft and
    its discussion; an observer counts only the submissions shared with the institution."""
    deliberated = set(discussed_reviews(user).filter(session=session).values_list("pk", flat=True))
    rows = []
    for review in _annotated(user, session):
        inside = review.pk in deliberated
        rows.append(
            Row(
                review=review,
                dossier_submitted_at=review.dossier_submitted_at,
                summary_shared_at=review.summary_shared_at,
                answers_sent_at=review.answers_sent_at,
                submissions=review.all_submissions if inside else review.shared_submissions,
                draft_outcome=_outcome_label(review.draft_outcome) if inside else None,
                comments=review.comment_count if inside else None,
            )
        )
    return rows


def _outcome_label(value: str | None) -> str:
    return str(Outcome(value).label) if value else ""
