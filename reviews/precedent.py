"""Precedent: what the SCA recommended earlier when it cited the same General Observation.

Only what the reader may find in precedent search (:mod:`reviews.search`, where the
rule lives): published reports, and for the secretariat, the SCA, the Bureau and the
regional observers the cases they see and decided cases; never a case of an
institution they are recused from in a session they sit in, nor of their own
institution, unless its report is published (then it is public record).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from reviews.models import RecommendationParagraph, Review
from reviews.search import ParagraphFilters, search_paragraphs

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
    numbers = tuple(observation_numbers)
    if not numbers or not user.is_authenticated:
        return []
    rows = search_paragraphs(user, "", ParagraphFilters(observations=numbers))
    if exclude_review is not None:
        rows = rows.exclude(recommendation__review=exclude_review)
    return list(rows[:limit])
