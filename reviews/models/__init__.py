from reviews.models.outcomes import (
    BureauVote,
    Challenge,
    Decision,
    Recommendation,
    RecommendationParagraph,
)
from reviews.models.reviews import Review, ReviewDeadline, ReviewEvent
from reviews.models.sessions import Session, SessionDeadline

__all__ = [
    "BureauVote",
    "Challenge",
    "Decision",
    "Recommendation",
    "RecommendationParagraph",
    "Review",
    "ReviewDeadline",
    "ReviewEvent",
    "Session",
    "SessionDeadline",
]
