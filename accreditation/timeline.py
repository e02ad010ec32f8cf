"""An institution's public status timeline: its status records, oldest first, and the
final reviews whose session report is published.

Only what is final and published: every status record (a decision taken, or a
downgrade decided and waiting for its effective date, which the page says), and of
the reviews only the decided ones of a session whose report is published. No open
review, no draft, no pending recommendation.

``accreditation`` knows nothing of reviews (DESIGN.md: imports run reviews →
accreditation), so the reviews are read through the app registry by name and linked
by URL name; the records' ``review_ref`` ties a record to its review.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.apps import apps
from django.urls import reverse

from accreditation.models import StatusRecord
from institutions.models import Institution

# The review state of a final decision; see reviews.enums.ReviewState.DECIDED.
_DECIDED = "decided"


@dataclass(frozen=True)
class PublishedReview:
    pk: int
    kind: str
    session_name: str
    session_starts_on: dt.date
    report_url: str


@dataclass(frozen=True)
class TimelineEntry:
    record: StatusRecord
    review: PublishedReview | None
    today: dt.date

    @property
    def delayed(self) -> bool:
        """Effective later than decided (a downgrade or a removal waits a year)."""
        decided = self.record.decided_on
        return decided is not None and self.record.effective_on > decided

    @property
    def upcoming(self) -> bool:
        return self.record.effective_on > self.today


@dataclass(frozen=True)
class Timeline:
    entries: list[TimelineEntry]
    reviews: list[PublishedReview]


def published_reviews(institution: Institution) -> list[PublishedReview]:
    """The institution's decided reviews whose session report is published, oldest first."""
    review_model = apps.get_model("reviews", "Review")
    reviews = (
        review_model.objects.filter(
            institution=institution,
            state=_DECIDED,
            session__report_published_on__isnull=False,
        )
        .select_related("session")
        .order_by("session__starts_on", "pk")
    )
    return [
        PublishedReview(
            pk=review.pk,
            kind=str(review.get_kind_display()),
            session_name=review.session.name,
            session_starts_on=review.session.starts_on,
            report_url=reverse("reviews:public_report", args=[review.session_id]),
        )
        for review in reviews
    ]


def timeline_of(institution: Institution, records: list[StatusRecord], today: dt.date) -> Timeline:
    reviews = published_reviews(institution)
    by_pk = {review.pk: review for review in reviews}
    known = [record for record in records if _known_on(record, today)]
    ordered = sorted(known, key=lambda r: (r.effective_on, r.id or 0))
    entries = [
        TimelineEntry(record=record, review=by_pk.get(record.review_ref or 0), today=today)
        for record in ordered
    ]
    return Timeline(entries=entries, reviews=reviews)


def _known_on(record: StatusRecord, day: dt.date) -> bool:
    """Whether the record is public on ``day``: in effect, or decided (as the status layer
    reads the records, see ``statuses_on``)."""
    if record.decided_on is not None:
        return record.decided_on <= day or record.effective_on <= day
    return record.effective_on <= day
