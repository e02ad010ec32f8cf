from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from nhri_portal.lib.admin import ViewOnlyAdmin, ViewOnlyInline, ViewOnlyMixin
from reviews.models import (
    AnswerAttachment,
    BureauMeeting,
    BureauVote,
    CaseComment,
    Challenge,
    ChallengeAttachment,
    ComplianceAnswer,
    Decision,
    Document,
    DocumentVersion,
    Dossier,
    DraftParagraph,
    Evidence,
    GeneratedDocument,
    IssueAnswer,
    IssueSummary,
    LetterTemplate,
    MemberObjection,
    OutgoingMessage,
    Recommendation,
    RecommendationDraft,
    RecommendationParagraph,
    Recusal,
    ReturnedItem,
    Review,
    ReviewDeadline,
    ReviewEvent,
    Screening,
    Session,
    SessionDeadline,
    SubmissionAttachment,
    SummaryIssue,
    ThirdPartySubmission,
)

_DEADLINE_FIELDS = [
    "label",
    "due_on",
    "anchor_label",
    "anchor_on",
    "value",
    "unit",
    "direction",
    "source",
    "confidence",
    "set_at",
]


class SessionDeadlineInline(ViewOnlyInline):
    model = SessionDeadline
    fields = _DEADLINE_FIELDS


@admin.register(Session)
class SessionAdmin(SimpleHistoryAdmin):
    list_display = [
        "name",
        "number",
        "starts_on",
        "ends_on",
        "place",
        "is_virtual",
        "dates_confirmed",
    ]
    list_filter = ["is_virtual", "dates_confirmed"]
    search_fields = ["name", "place"]
    date_hierarchy = "starts_on"
    # Seating a member grants them the session's cases: reviews.services.sessions.seat_in_session.
    readonly_fields = ["seats"]
    inlines = [SessionDeadlineInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # planned through reviews.services.sessions.create_session (deadlines)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class ReviewDeadlineInline(ViewOnlyInline):
    model = ReviewDeadline
    fields = _DEADLINE_FIELDS


class ReviewEventInline(ViewOnlyInline):
    model = ReviewEvent
    fields = ["at", "by", "from_state", "to_state", "reason"]


@admin.register(Review)
class ReviewAdmin(admin.ModelAdmin):
    """The state moves only through reviews.services.transitions.transition: read-only here,
    like everything else the procedure decides. Only the confidentiality flag is edited."""

    list_display = ["institution", "kind", "session", "state", "state_changed_at"]
    list_filter = ["state", "kind", "session", "institution__region"]
    search_fields = ["institution__name", "institution__acronym", "session__name"]
    list_select_related = ["institution", "session"]
    fields = [
        "institution",
        "kind",
        "session",
        "state",
        "continues",
        "opened_at",
        "confidential",
        "created_at",
        "state_changed_at",
    ]
    readonly_fields = [
        "institution",
        "kind",
        "session",
        "state",
        "continues",
        "opened_at",
        "created_at",
        "state_changed_at",
    ]
    inlines = [ReviewDeadlineInline, ReviewEventInline]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # opened through reviews.services.cases.invite

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # its history is append-only


@admin.register(ReviewDeadline)
class ReviewDeadlineAdmin(ViewOnlyAdmin):
    list_display = ["review", "label", "due_on", "confidence"]
    list_filter = ["rule_key", "confidence"]
    search_fields = ["review__institution__name", "label"]
    date_hierarchy = "due_on"
    list_select_related = ["review__institution", "review__session"]


@admin.register(SessionDeadline)
class SessionDeadlineAdmin(ViewOnlyAdmin):
    list_display = ["session", "label", "due_on", "confidence"]
    list_filter = ["rule_key", "confidence"]
    search_fields = ["session__name", "label"]
    list_select_related = ["session"]


@admin.register(ReviewEvent)
class ReviewEventAdmin(ViewOnlyAdmin):
    """Append-only history of the reviews."""

    list_display = ["review", "at", "by", "from_state", "to_state"]
    list_filter = ["to_state", "from_state"]
    search_fields = ["review__institution__name", "reason"]
    date_hierarchy = "at"
    list_select_related = ["review__institution", "review__session", "by"]


class ParagraphInline(ViewOnlyInline):
    model = RecommendationParagraph
    fields = ["number", "text", "principles", "observations"]


@admin.register(Recommendation)
class RecommendationAdmin(ViewOnlyAdmin):
    """Recorded through reviews.services.outcomes.record_outcome."""

    list_display = ["review", "outcome", "agreed_on", "session"]
    list_filter = ["outcome", "session"]
    search_fields = ["review__institution__name", "summary"]
    list_select_related = ["review__institution", "review__session", "session"]
    inlines = [ParagraphInline]


@admin.register(RecommendationParagraph)
class RecommendationParagraphAdmin(ViewOnlyAdmin):
    list_display = ["recommendation", "number", "text"]
    search_fields = ["text", "recommendation__review__institution__name"]
    list_select_related = ["recommendation"]


@admin.register(Challenge)
class ChallengeAdmin(ViewOnlyAdmin):
    """Lodged by the institution through reviews.services.challenges.lodge_challenge."""

    list_display = ["review", "lodged_on", "lodged_by"]
    search_fields = ["review__institution__name", "reasons"]
    list_select_related = ["review__institution", "review__session", "lodged_by"]


@admin.register(BureauVote)
class BureauVoteAdmin(ViewOnlyMixin, SimpleHistoryAdmin):
    """Append-only: cast through reviews.services.bureau.cast_vote; its history keeps changes."""

    list_display = ["recommendation", "seat", "vote", "cast_on", "cast_by"]
    list_filter = ["vote", "seat__region"]
    search_fields = ["recommendation__review__institution__name", "reasons"]
    list_select_related = ["seat__institution", "cast_by"]


@admin.register(Decision)
class DecisionAdmin(ViewOnlyAdmin):
    """Append-only: final decisions, each with the status record it wrote."""

    list_display = ["review", "outcome", "route", "decided_on", "record_number", "took_effect_on"]
    list_filter = ["outcome", "route"]
    search_fields = ["review__institution__name", "record_number", "reasons"]
    date_hierarchy = "decided_on"
    list_select_related = ["review__institution", "review__session"]


@admin.register(BureauMeeting)
class BureauMeetingAdmin(ViewOnlyMixin, SimpleHistoryAdmin):
    """Scheduled on the Bureau meetings page; its decisions are numbered there."""

    list_display = ["reference", "held_on", "place", "is_virtual"]
    search_fields = ["reference", "place"]
    date_hierarchy = "held_on"


@admin.register(GeneratedDocument)
class GeneratedDocumentAdmin(ViewOnlyAdmin):
    """Letters, packets, reports and charts, each made by a worker from its row."""

    list_display = ["kind", "letter", "language", "state", "requested_at", "finished_at", "size"]
    list_filter = ["kind", "state", "language"]
    search_fields = ["key", "filename", "sha256"]
    date_hierarchy = "requested_at"


@admin.register(LetterTemplate)
class LetterTemplateAdmin(ViewOnlyAdmin):
    """Versions of the letters' texts; the secretariat edits them on the letters pages."""

    list_display = ["kind", "language", "version", "created_at", "created_by"]
    list_filter = ["kind", "language"]
    search_fields = ["subject", "body"]


@admin.register(OutgoingMessage)
class OutgoingMessageAdmin(ViewOnlyAdmin):
    """The mail outbox: what was sent to whom, and what is waiting or failed."""

    list_display = ["subject", "to", "kind", "state", "attempts", "created_at", "sent_at"]
    list_filter = ["state", "kind", "language"]
    search_fields = ["to", "subject", "review__institution__name"]
    date_hierarchy = "created_at"
    list_select_related = ["review__institution"]


class DocumentVersionInline(ViewOnlyInline):
    model = DocumentVersion
    fields = ["number", "original_name", "kind", "size", "page_count", "language", "sha256",
              "uploaded_by", "uploaded_at"]  # fmt: skip


@admin.register(Dossier)
class DossierAdmin(ViewOnlyMixin, SimpleHistoryAdmin):
    """Dossiers are written by the institutions through the portal, never here."""

    list_display = ["review", "handles_complaints", "submitted_at", "submitted_by"]
    search_fields = ["review__institution__name", "review__institution__acronym"]
    list_select_related = ["review__institution", "review__session", "submitted_by"]


@admin.register(Document)
class DocumentAdmin(ViewOnlyAdmin):
    list_display = ["__str__", "slot", "dossier", "created_by", "created_at"]
    list_filter = ["slot"]
    search_fields = ["title", "dossier__review__institution__name"]
    list_select_related = ["dossier__review__institution", "dossier__review__session",
                           "created_by"]  # fmt: skip
    inlines = [DocumentVersionInline]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(ViewOnlyAdmin):
    list_display = ["document", "number", "original_name", "kind", "size", "uploaded_at"]
    list_filter = ["kind", "language"]
    search_fields = ["original_name", "sha256", "document__dossier__review__institution__name"]
    list_select_related = ["document"]


@admin.register(ComplianceAnswer)
class ComplianceAnswerAdmin(ViewOnlyMixin, SimpleHistoryAdmin):
    list_display = ["dossier", "theme", "updated_by", "updated_at"]
    list_filter = ["theme"]
    search_fields = ["text", "dossier__review__institution__name"]
    list_select_related = ["dossier__review__institution", "dossier__review__session",
                           "updated_by"]  # fmt: skip


@admin.register(Evidence)
class EvidenceAdmin(ViewOnlyAdmin):
    list_display = ["answer", "document", "pages"]
    search_fields = ["answer__dossier__review__institution__name"]
    list_select_related = ["answer__dossier__review__institution", "document"]


# The workspace's rows are written by its services and pages; the admin only looks.
_BY_REVIEW = ["review__institution__name", "review__institution__acronym"]
for model, search_fields in [
    (Screening, [*_BY_REVIEW, "note"]),
    (ReturnedItem, ["screening__review__institution__name", "note"]),
    (IssueSummary, _BY_REVIEW),
    (SummaryIssue, ["summary__review__institution__name", "facts", "concern"]),
    (IssueAnswer, ["issue__summary__review__institution__name", "text"]),
    (AnswerAttachment, ["original_name"]),
    (ThirdPartySubmission, [*_BY_REVIEW, "source_name"]),
    (SubmissionAttachment, ["original_name"]),
    (MemberObjection, [*_BY_REVIEW, "reasons"]),
    (Recusal, [*_BY_REVIEW, "note"]),
    (CaseComment, [*_BY_REVIEW, "body"]),
    (RecommendationDraft, [*_BY_REVIEW, "summary"]),
    (DraftParagraph, ["draft__review__institution__name", "notes", "request"]),
    (ChallengeAttachment, ["original_name", "challenge__review__institution__name"]),
]:
    admin.site.register(model, ViewOnlyAdmin, search_fields=search_fields)
