"""The order in which a session takes up its cases."""

from __future__ import annotations

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

from reviews.enums import ReviewKind
from reviews.models import Review, Session


def agenda_of(session: Session, reviews: QuerySet[Review] | None = None) -> QuerySet[Review]:
    """The session's cases (of ``reviews``, when given: pass a visibility queryset) in
    the order the secretariat set, else by kind of review (in the order the rules list
    them), then region, then institution."""
    kind_order = Case(
        *[When(kind=kind, then=Value(index)) for index, kind in enumerate(ReviewKind.values)],
        output_field=IntegerField(),
    )
    cases = (reviews if reviews is not None else Review.objects.all()).filter(session=session)
    return (
        cases.select_related("institution__region")
        .annotate(kind_order=kind_order)
        .order_by(
            F("agenda_position").asc(nulls_last=True),
            "kind_order",
            "institution__region__code",
            "institution__name",
            "pk",
        )
    )
