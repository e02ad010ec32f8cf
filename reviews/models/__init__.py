from reviews.models.conflicts import MemberObjection, Recusal
from reviews.models.deliberation import CaseComment, DraftParagraph, RecommendationDraft
from reviews.models.dossiers import ComplianceAnswer, Document, DocumentVersion, Dossier, Evidence
from reviews.models.generated import (
    DocumentKind,
    GeneratedDocument,
    JobState,
    LetterKind,
    LetterTemplate,
)
from reviews.models.outbox import LETTER_KINDS, MailKind, MessageState, OutgoingMessage
from reviews.models.outcomes import (
    BureauMeeting,
    BureauVote,
    Challenge,
    ChallengeAttachment,
    Decision,
    Recommendation,
    RecommendationParagraph,
)
from reviews.models.reviews import Review, ReviewDeadline, ReviewEvent
from reviews.models.screening import ReturnedItem, Screening
from reviews.models.sessions import Session, SessionDeadline
from reviews.models.summaries import (
    AnswerAttachment,
    IssueAnswer,
    IssueSummary,
    SubmissionAttachment,
    SummaryIssue,
    ThirdPartySubmission,
)

__all__ = [
    "LETTER_KINDS",
    "AnswerAttachment",
    "BureauMeeting",
    "BureauVote",
    "CaseComment",
    "Challenge",
    "ChallengeAttachment",
    "ComplianceAnswer",
    "Decision",
    "Document",
    "DocumentKind",
    "DocumentVersion",
    "Dossier",
    "DraftParagraph",
    "Evidence",
    "GeneratedDocument",
    "IssueAnswer",
    "IssueSummary",
    "JobState",
    "LetterKind",
    "LetterTemplate",
    "MailKind",
    "MemberObjection",
    "MessageState",
    "OutgoingMessage",
    "Recommendation",
    "RecommendationDraft",
    "RecommendationParagraph",
    "Recusal",
    "ReturnedItem",
    "Review",
    "ReviewDeadline",
    "ReviewEvent",
    "Screening",
    "Session",
    "SessionDeadline",
    "SubmissionAttachment",
    "SummaryIssue",
    "ThirdPartySubmission",
]
