from reviews.models.dossiers import ComplianceAnswer, Document, DocumentVersion, Dossier, Evidence
from reviews.models.outbox import MessageState, OutgoingMessage
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
    "ComplianceAnswer",
    "Decision",
    "Document",
    "DocumentVersion",
    "Dossier",
    "Evidence",
    "MessageState",
    "OutgoingMessage",
    "Recommendation",
    "RecommendationParagraph",
    "Review",
    "ReviewDeadline",
    "ReviewEvent",
    "Session",
    "SessionDeadline",
]
