from django.urls import URLPattern, URLResolver, path

from reviews import views
from reviews.views import (
    answers,
    bureau,
    case,
    challenge,
    conflicts,
    documents,
    dossier,
    drafts,
    generated,
    invitations,
    letters,
    mail,
    meetings,
    outbox,
    packets,
    publication,
    report,
    room,
    screening,
    search,
    sessions,
    statement,
    submissions,
    summary,
    worklist,
)

app_name = "reviews"

_DOSSIER = "reviews/<int:pk>/dossier/"
_THEME = _DOSSIER + "statement/<slug:theme>/"
_SLOT = _DOSSIER + "documents/<slug:slot>/"
_CASE = "reviews/<int:pk>/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("sessions/", sessions.session_list, name="sessions"),
    path("sessions/new/", sessions.session_create, name="session_create"),
    path("sessions/<int:pk>/", sessions.session_detail, name="session"),
    path("sessions/<int:pk>/dates/", sessions.session_dates, name="session_dates"),
    path("reviews/invite/", invitations.invitation, name="invite"),
    path("reviews/invite/deadlines/", invitations.deadlines, name="invite_deadlines"),
    path(_DOSSIER, dossier.task_list, name="dossier"),
    path(_DOSSIER + "complaints/", dossier.complaints, name="complaints"),
    path(_THEME, statement.statement, name="statement"),
    path(_THEME + "autosave/", statement.autosave, name="statement_autosave"),
    path(_THEME + "cite/", statement.add_citation, name="cite"),
    path(_THEME + "cite/<int:evidence_pk>/remove/", statement.remove_citation, name="uncite"),
    path(_SLOT, documents.documents, name="documents"),
    path(_SLOT + "upload/", documents.upload, name="upload"),
    path(_DOSSIER + "files/<int:version_pk>/", documents.download, name="download"),
    path(_DOSSIER + "check/", dossier.check, name="check"),
    path(_DOSSIER + "submit/", dossier.submit, name="submit"),
    path(_DOSSIER + "submitted/", dossier.submitted, name="submitted"),
    path(_DOSSIER + "reopen/", dossier.reopen, name="reopen"),
    # -- worklist and dashboard (dashboard, agenda and seating) --
    path("reviews/", worklist.worklist, name="worklist"),
    path(
        "sessions/<int:pk>/agenda/<int:review_pk>/move/", sessions.agenda_move, name="agenda_move"
    ),
    path("sessions/<int:pk>/agenda/reset/", sessions.agenda_reset, name="agenda_reset"),
    path("sessions/<int:pk>/seats/", sessions.seat, name="seat"),
    path("sessions/<int:pk>/seats/<int:seat_pk>/unseat/", sessions.unseat, name="unseat"),
    # -- end worklist --
    # -- screening --
    path(_CASE + "screening/", screening.screening, name="screening"),
    path(_CASE + "screening/complete/", screening.complete, name="screening_complete"),
    path(_CASE + "screening/return/", screening.return_incomplete, name="screening_return"),
    # -- end screening --
    # -- summary of issues and third-party submissions --
    path(_CASE + "summary/", summary.summary, name="summary"),
    path(_CASE + "summary/issues/add/", summary.add, name="summary_add"),
    path(_CASE + "summary/issues/<int:number>/", summary.edit, name="summary_issue"),
    path(_CASE + "summary/issues/<int:issue_pk>/remove/", summary.remove, name="summary_remove"),
    path(_CASE + "summary/share/", summary.share, name="summary_share"),
    path(_CASE + "summary/issues/<int:number>/answer/", answers.answer, name="summary_answer"),
    path(_CASE + "summary/issues/<int:number>/files/", answers.attach, name="summary_attach"),
    path(_CASE + "summary/send/", answers.send, name="summary_send"),
    path(_CASE + "summary/files/<int:file_pk>/", answers.download, name="answer_file"),
    path(_CASE + "third-party/", submissions.submissions, name="submissions"),
    path(_CASE + "third-party/record/", submissions.record, name="submission_record"),
    path(
        _CASE + "third-party/<int:submission_pk>/sanitised/",
        submissions.sanitise,
        name="submission_sanitise",
    ),
    path(
        _CASE + "third-party/<int:submission_pk>/share/", submissions.share, name="submission_share"
    ),
    path(
        _CASE + "third-party/<int:submission_pk>/files/",
        submissions.attach,
        name="submission_attach",
    ),
    path(
        _CASE + "third-party/<int:submission_pk>/comment/",
        submissions.comment,
        name="submission_comment",
    ),
    path(_CASE + "third-party/files/<int:file_pk>/", submissions.download, name="submission_file"),
    # -- end summary --
    # -- conflicts of interest --
    path(_CASE + "objections/", conflicts.objections, name="objections"),
    path(_CASE + "objections/lodge/", conflicts.lodge, name="objection_lodge"),
    path(
        _CASE + "objections/<int:objection_pk>/ruling/", conflicts.ruling, name="objection_ruling"
    ),
    path(_CASE + "objections/recusal/", conflicts.record_recusal, name="recusal_record"),
    path(_CASE + "recuse/", conflicts.recuse, name="recuse"),
    # -- end conflicts --
    # -- case page, session room and report --
    path(_CASE, case.case, name="case"),
    path(_CASE + "move/", case.move, name="move"),
    path(_CASE + "discussion/", case.discuss, name="discuss"),
    path("sessions/<int:pk>/room/", room.room, name="room"),
    path("sessions/<int:pk>/report/", report.report, name="report"),
    # -- end case --
    # -- recommendation drafting and adoption --
    path(_CASE + "recommendation/", drafts.draft, name="draft"),
    path(_CASE + "recommendation/outcome/", drafts.save_outcome, name="draft_outcome"),
    path(_CASE + "recommendation/precedent/", drafts.precedent, name="draft_precedent"),
    path(_CASE + "recommendation/paragraphs/", drafts.add_paragraph, name="draft_add"),
    path(
        _CASE + "recommendation/paragraphs/<int:paragraph_pk>/",
        drafts.edit_paragraph,
        name="draft_paragraph",
    ),
    path(
        _CASE + "recommendation/paragraphs/<int:paragraph_pk>/remove/",
        drafts.remove_paragraph,
        name="draft_remove",
    ),
    path(
        _CASE + "recommendation/paragraphs/<int:paragraph_pk>/move/",
        drafts.move_paragraph,
        name="draft_move",
    ),
    path("sessions/<int:pk>/adopt/", drafts.adopt, name="adopt"),
    # -- end drafting --
    # -- challenge (views/challenge.py) --
    path(_CASE + "challenge/", challenge.challenge, name="challenge"),
    path(_CASE + "challenge/lodge/", challenge.lodge, name="challenge_lodge"),
    path(_CASE + "challenge/documents/", challenge.add_document, name="challenge_add"),
    path(_CASE + "challenge/files/<int:file_pk>/", challenge.download, name="challenge_file"),
    # -- end challenge --
    # -- Bureau e-procedure (views/bureau.py) --
    path("bureau/", bureau.bureau, name="bureau"),
    path(_CASE + "bureau/", bureau.case, name="bureau_case"),
    path(_CASE + "bureau/vote/", bureau.vote, name="bureau_vote"),
    # -- end Bureau --
    # -- Bureau meetings and report publication (views/meetings.py, views/publication.py) --
    path("bureau/meetings/", meetings.meeting_list, name="meetings"),
    path("bureau/meetings/<int:pk>/", meetings.meeting, name="meeting"),
    path(
        "bureau/meetings/<int:pk>/decide/<int:review_pk>/",
        meetings.decide,
        name="meeting_decide",
    ),
    path("sessions/<int:pk>/report/publish/", publication.publish, name="report_publish"),
    path("reports/", publication.public_reports, name="public_reports"),
    path("reports/<int:session_pk>/", publication.public_report, name="public_report"),
    # -- end meetings --
    # -- outbox and each user's mail (views/outbox.py, views/mail.py) --
    path("outbox/", outbox.outbox, name="outbox"),
    path("outbox/letters/<int:review_pk>/<slug:kind>/", outbox.letter, name="outbox_letter"),
    path(
        "outbox/letters/<int:review_pk>/<slug:kind>/edit/",
        outbox.edit,
        name="outbox_letter_edit",
    ),
    path(
        "outbox/letters/<int:review_pk>/<slug:kind>/release/",
        outbox.release,
        name="outbox_letter_release",
    ),
    path(
        "outbox/sessions/<int:session_pk>/release/",
        outbox.release_session,
        name="outbox_session_release",
    ),
    path("outbox/mails/<int:message_pk>/retry/", outbox.retry, name="outbox_retry"),
    path("mail/", mail.inbox, name="mail"),
    path("mail/<int:pk>/", mail.message, name="mail_message"),
    # -- end outbox --
    # -- generated documents: progress and download (views/generated.py) --
    path("documents/chart/", generated.request_chart, name="document_chart"),
    path("documents/<int:pk>/", generated.document, name="document"),
    path("documents/<int:pk>/progress/", generated.progress, name="document_progress"),
    path("documents/<int:pk>/download/", generated.download, name="document_download"),
    path("documents/<int:pk>/retry/", generated.retry, name="document_retry"),
    # -- end generated --
    # -- letter templates (views/letters.py) --
    path("letters/", letters.index, name="letter_templates"),
    path("letters/review/<int:pk>/", letters.review_letters, name="review_letters"),
    path("letters/review/<int:pk>/make/", letters.make_letter, name="review_letter_make"),
    path("letters/<str:kind>/<str:language>/", letters.edit, name="letter_template"),
    path("letters/<str:kind>/<str:language>/save/", letters.save, name="letter_template_save"),
    path(
        "letters/<str:kind>/<str:language>/preview/",
        letters.preview_partial,
        name="letter_template_preview",
    ),
    # -- end letters --
    # -- review packets (views/packets.py) --
    path("sessions/<int:pk>/packets/", packets.packets, name="packets"),
    path("sessions/<int:pk>/packets/make/", packets.make_packets, name="packets_make"),
    path("sessions/<int:pk>/packets/mine/", packets.make_own_packet, name="packet_mine"),
    # -- end packets --
    # -- session report PDF (views/report.py) --
    path("sessions/<int:pk>/report/pdf/", report.report_pdf, name="report_pdf"),
    # -- end report PDF --
    # -- precedent search (views/search.py) --
    path("precedents/", search.precedents, name="precedents"),
    # -- end precedent search --
]

# The front page keeps a name without a namespace: the sign-in and sign-out
# redirects (LOGIN_REDIRECT_URL, ACCOUNT_LOGOUT_REDIRECT_URL) name it "home".
root_urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]
