from django.urls import URLPattern, URLResolver, path

from reviews.api import (
    bureau,
    decisions,
    documents,
    drafts,
    issues,
    outbox,
    planning,
    reviews,
    seats,
    sessions,
    submissions,
    summaries,
    sweep,
    views,
)

app_name = "api"

_CASE = "reviews/<int:pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sessions/", planning.Sessions.as_view(), name="sessions"),
    path("sessions/<int:pk>/", sessions.SessionDetail.as_view(), name="session"),
    path("sessions/<int:pk>/agenda/", sessions.Agenda.as_view(), name="agenda"),
    path("sessions/<int:pk>/adopt/", drafts.Adopt.as_view(), name="adopt"),
    path("sessions/<int:pk>/letters/", outbox.SessionLetters.as_view(), name="letters"),
    path(
        "sessions/<int:pk>/letters/release/",
        outbox.ReleaseSessionLetters.as_view(),
        name="letters_release",
    ),
    path("sessions/<int:pk>/seats/", seats.Seats.as_view(), name="seats"),
    path("sessions/<int:pk>/seats/<int:seat_pk>/", seats.SeatDetail.as_view(), name="seat"),
    path("sessions/<int:pk>/report/publish/", seats.PublishReport.as_view(), name="report_publish"),
    path("reviews/", reviews.ReviewList.as_view(), name="reviews"),
    path(_CASE, reviews.ReviewDetail.as_view(), name="review"),
    path(_CASE + "transitions/", reviews.Transitions.as_view(), name="transitions"),
    path(_CASE + "documents/", documents.Documents.as_view(), name="documents"),
    path(_CASE + "documents/<slug:slot>/", documents.Upload.as_view(), name="upload"),
    path(
        _CASE + "documents/files/<int:version_pk>/", documents.Download.as_view(), name="download"
    ),
    path(_CASE + "summary/", summaries.Summary.as_view(), name="summary"),
    path(
        _CASE + "summary/issues/<int:number>/answer/",
        summaries.Answer.as_view(),
        name="summary_answer",
    ),
    path(_CASE + "summary/issues/", issues.Issues.as_view(), name="summary_issues"),
    path(
        _CASE + "summary/issues/<int:issue_pk>/",
        issues.IssueDetail.as_view(),
        name="summary_issue",
    ),
    path(_CASE + "summary/share/", issues.Share.as_view(), name="summary_share"),
    path(_CASE + "summary/send/", summaries.SendAnswers.as_view(), name="summary_send"),
    path(_CASE + "submissions/", submissions.Submissions.as_view(), name="submissions"),
    path(_CASE + "recommendation/", drafts.Draft.as_view(), name="draft"),
    path(_CASE + "recommendation/paragraphs/", drafts.Paragraphs.as_view(), name="paragraphs"),
    path(
        _CASE + "recommendation/paragraphs/<int:paragraph_pk>/",
        drafts.ParagraphDetail.as_view(),
        name="paragraph",
    ),
    path(
        _CASE + "letters/<slug:kind>/release/",
        outbox.ReleaseLetter.as_view(),
        name="letter_release",
    ),
    path(_CASE + "challenge/", views.ChallengeView.as_view(), name="challenge"),
    path(_CASE + "bureau/", bureau.BureauCase.as_view(), name="bureau_case"),
    path(_CASE + "bureau/vote/", bureau.CastVote.as_view(), name="bureau_vote"),
    path(_CASE + "status/", decisions.CaseStatus.as_view(), name="status"),
    path("bureau/", bureau.Queue.as_view(), name="bureau"),
    path("bureau/meetings/", decisions.Meetings.as_view(), name="meetings"),
    path("bureau/meetings/<int:pk>/decisions/", decisions.Decide.as_view(), name="decide"),
    path("sweep/", sweep.Sweep.as_view(), name="sweep"),
]
