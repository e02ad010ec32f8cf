"""The secretariat plans the SCA's sessions: their deadlines, seats and agenda."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from institutions.permissions import is_secretariat
from nhri_portal.errors import DomainError, NotPermitted
from reviews.agenda import agenda_of
from reviews.forms import SessionDatesForm, SessionForm
from reviews.models import Session
from reviews.services.sessions import Change, create_session, move_session
from reviews.views.refusals import status_of
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def _require_secretariat(user: User) -> None:
    """Nobody else may learn that the pages exist."""
    if not is_secretariat(user):
        raise Http404


def _session_of(request: SignedInRequest, pk: int) -> Session:
    _require_secretariat(request.user)
    return get_object_or_404(Session, pk=pk)


@login_required
@require_safe
def session_list(request: SignedInRequest) -> HttpResponse:
    _require_secretariat(request.user)
    sessions = Session.objects.annotate(review_count=Count("reviews")).order_by("-starts_on", "-pk")
    return render(request, "reviews/session/list.html", {"sessions": sessions})


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_create(request: SignedInRequest) -> HttpResponse:
    _require_secretariat(request.user)
    if request.method != "POST":
        return _create_page(request, SessionForm())
    form = SessionForm(request.POST)
    if not form.is_valid():
        return _create_page(request, form, status=400)
    try:
        session = create_session(by=request.user, **form.cleaned_data)
    except DomainError as error:
        field = None if isinstance(error, NotPermitted) else _create_field_of(form.cleaned_data)
        form.add_error(field, str(error))
        return _create_page(request, form, status=status_of(error))
    messages.success(request, _("%(name)s is planned.") % {"name": session.name})
    return redirect("reviews:session", session.pk)


def _create_page(request: SignedInRequest, form: SessionForm, *, status: int = 200) -> HttpResponse:
    return render(request, "reviews/session/create.html", {"form": form}, status=status)


def _create_field_of(data: dict[str, Any]) -> str | None:
    """The field the service's refusal is about, asked in the order the service checks."""
    if data["ends_on"] < data["starts_on"]:
        return "ends_on"
    if data["number"] is not None:
        return "number"
    return None


@login_required
@require_safe
def session_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    context = {
        "session": session,
        "deadlines": list(session.deadlines.all()),
        "seats": list(session.seats.select_related("institution", "region")),
        "agenda": list(agenda_of(session)),
    }
    return render(request, "reviews/session/detail.html", context)


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def session_dates(request: SignedInRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    if request.method != "POST":
        form = SessionDatesForm(
            initial={"starts_on": session.starts_on, "ends_on": session.ends_on}
        )
        return _dates_page(request, session, form)
    form = SessionDatesForm(request.POST)
    if not form.is_valid():
        return _dates_page(request, session, form, status=400)
    try:
        changes = move_session(session=session, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "ends_on", str(error))
        return _dates_page(request, session, form, status=status_of(error))
    _say_what_changed(request, changes)
    return redirect("reviews:session", session.pk)


def _dates_page(
    request: SignedInRequest, session: Session, form: SessionDatesForm, *, status: int = 200
) -> HttpResponse:
    context = {"session": session, "form": form}
    return render(request, "reviews/session/dates.html", context, status=status)


def _say_what_changed(request: SignedInRequest, changes: list[Change]) -> None:
    if not changes:
        messages.info(request, _("The dates are saved; no deadline changed."))
        return
    lines = [
        _("%(label)s: %(old)s → %(new)s")
        % {
            "label": label,
            "old": date_format(old, "DATE_FORMAT"),
            "new": date_format(new, "DATE_FORMAT"),
        }
        for label, old, new in changes
    ]
    messages.success(
        request, _("The dates are saved. Deadlines changed: %(list)s.") % {"list": "; ".join(lines)}
    )
