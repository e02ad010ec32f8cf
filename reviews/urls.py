from django.urls import URLPattern, URLResolver, path

from reviews import views
from reviews.views import (
    case,
    conflicts,
    documents,
    dossier,
    drafts,
    invitations,
    report,
    room,
    screening,
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
    # -- end worklist --
    # -- screening --
    path(_CASE + "screening/", screening.screening, name="screening"),
    # -- end screening --
    # -- summary of issues and third-party submissions --
    path(_CASE + "summary/", summary.summary, name="summary"),
    path(_CASE + "third-party/", submissions.submissions, name="submissions"),
    # -- end summary --
    # -- conflicts of interest --
    path(_CASE + "objections/", conflicts.objections, name="objections"),
    # -- end conflicts --
    # -- case page, session room and report --
    path(_CASE, case.case, name="case"),
    path("sessions/<int:pk>/room/", room.room, name="room"),
    path("sessions/<int:pk>/report/", report.report, name="report"),
    # -- end case --
    # -- recommendation drafting and adoption --
    path(_CASE + "recommendation/", drafts.draft, name="draft"),
    # -- end drafting --
]

# The front page keeps a name without a namespace: the sign-in and sign-out
# redirects (LOGIN_REDIRECT_URL, ACCOUNT_LOGOUT_REDIRECT_URL) name it "home".
root_urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.home, name="home"),
]
