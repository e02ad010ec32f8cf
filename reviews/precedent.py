"""Precedent: what the SCA recommended earlier when it cited the same General Observation.

Only what the reader may know: recommendations on cases they see, and decided cases
(final and public); never a case of an institution they are recused from in a session
they sit in, nor of their own institution (the same rule as :func:`visible_reviews`,
carried over to the institution's other cases).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db.models import Exists, OuterRef, Prefetch, Q

from accreditation.models import GeneralObservation
from institutions.permissions import own_institution_ids
from reviews.enums import ReviewState
from reviews.models import RecommendationParagraph, Review
from reviews.permissions import sessions_sat_in, visible_reviews
from reviews.services.outcomes import GO_VERSION

if TYPE_CHECKING:
    from reviews.permissions import AnyUser


def precedent_for(
    *,
    observation_numbers: Iterable[str],
    user: AnyUser,
    exclude_review: Review | None,
    limit: int = 10,
) -> list[RecommendationParagraph]:
    """Earlier paragraphs citing any of ``observation_numbers`` (the 2018 General
    Observations), newest session first, with their recommendation, review, institution,
    session and the General Observations they cite loaded (a constant number of queries)."""
    numbers = list(observation_numbers)
    if not numbers or not user.is_authenticated:
        return []
    visible = visible_reviews(user)
    recused = (
        Review.objects.filter(session__in=sessions_sat_in(user))
        .exclude(pk__in=visible.values("pk"))
        .values("institution_id")
    )
    cites = Exists(
        RecommendationParagraph.observations.through.objects.filter(
            recommendationparagraph_id=OuterRef("pk"),
            generalobservation__version=GO_VERSION,
            generalobservation__number__in=numbers,
        )
    )
    rows = (
        RecommendationParagraph.objects.filter(cites)
        .filter(
            Q(recommendation__review__in=visible.values("pk"))
            | Q(recommendation__review__state=ReviewState.DECIDED)
        )
        .exclude(recommendation__review__institution_id__in=recused)
        .exclude(recommendation__review__institution_id__in=own_institution_ids(user))
        .select_related("recommendation__review__institution", "recommendation__session")
        .prefetch_related(
            Prefetch("observations", GeneralObservation.objects.order_by("version", "position"))
        )
        .order_by("-recommendation__session__starts_on", "-recommendation_id", "number")
    )
    if exclude_review is not None:
        rows = rows.exclude(recommendation__review=exclude_review)
    return list(rows[:limit])
