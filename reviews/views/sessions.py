"""The secretariat plans the SCA's sessions: their deadlines, seats and agenda."""

from __future__ import annotations

from itertools import groupby
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from institutions.enums import Body, SeatRole
from institutions.models import Region, Seat
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted, status_of
from reviews.agenda import agenda_of
from reviews.forms import SessionDatesForm, SessionForm
from reviews.forms.sessions import SeatForm
from reviews.models import Review, Session
from reviews.services.sessions import (
    Change,
    create_session,
    move_on_agenda,
    move_session,
    reset_agenda,
    seat_in_session,
    unseat_from_session,
)
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
        field = None if isinstance(error, NotPermitted) else field_of_refusal(form.cleaned_data)
        form.add_error(field, str(error))
        return _create_page(request, form, status=status_of(error))
    messages.success(request, _("%(name)s is planned.") % {"name": session.name})
    return redirect("reviews:session", session.pk)


def _create_page(request: SignedInRequest, form: SessionForm, *, status: int = 200) -> HttpResponse:
    return render(request, "reviews/session/create.html", {"form": form}, status=status)


def field_of_refusal(data: dict[str, Any]) -> str | None:
    """The field the service's refusal is about, asked in the order the service checks."""
    if data["ends_on"] < data["starts_on"]:
        return "ends_on"
    if data["number"] is not None:
        return "number"
    return None


@login_required
@require_safe
def session_detail(request: SignedInRequest, pk: int) -> HttpResponse:
    return _detail_page(request, _session_of(request, pk))


def _detail_page(
    request: SignedInRequest,
    session: Session,
    *,
    seat_form: SeatForm | None = None,
    refusal: str = "",
    status: int = 200,
) -> HttpResponse:
    today = clock.today()
    agenda = list(agenda_of(session))
    context = {
        "session": session,
        "deadlines": list(session.deadlines.all()),
        "regions": _seats_by_region(session),
        "seat_form": seat_form or SeatForm(seats=seatable(session)),
        "agenda": agenda,
        "rearranged": any(review.agenda_position is not None for review in agenda),
        "may_rearrange": today <= session.ends_on,
        "may_unseat": today < session.starts_on,
        "refusal": refusal,
    }
    return render(request, "reviews/session/detail.html", context, status=status)


def _seats_by_region(session: Session) -> list[tuple[Region, list[Seat]]]:
    """The member (or chair) of each region first, then its alternate."""
    seats = session.seats.select_related("institution", "region").prefetch_related("people")
    ordered = sorted(
        seats, key=lambda s: (s.region.code, s.role == SeatRole.ALTERNATE, s.institution.name)
    )
    return [(region, list(group)) for region, group in groupby(ordered, key=lambda s: s.region)]


def seatable(session: Session) -> QuerySet[Seat]:
    return (
        Seat.objects.filter(body=Body.SCA)
        .active_on(session.starts_on)
        .exclude(sessions=session)
        .select_related("institution", "region")
        .order_by("region__code", "role", "institution__name")
    )


@login_required
@require_POST
def agenda_move(request: SignedInRequest, pk: int, review_pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    review = get_object_or_404(
        Review.objects.select_related("institution"), pk=review_pk, session=session
    )
    try:
        position = move_on_agenda(
            review=review, direction=request.POST.get("direction", ""), by=request.user
        )
    except DomainError as error:
        return _detail_page(request, session, refusal=str(error), status=status_of(error))
    messages.success(
        request,
        _("%(institution)s is number %(position)s on the agenda.")
        % {"institution": review.institution.name, "position": position},
    )
    return redirect(reverse("reviews:session", args=[session.pk]) + f"#case-{review.pk}")


@login_required
@require_POST
def agenda_reset(request: SignedInRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    try:
        reset_agenda(session=session, by=request.user)
    except DomainError as error:
        return _detail_page(request, session, refusal=str(error), status=status_of(error))
    messages.success(request, _("The agenda is back in its default order."))
    return redirect(reverse("reviews:session", args=[session.pk]) + "#agenda")


@login_required
@require_POST
def seat(request: SignedInRequest, pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    form = SeatForm(request.POST, seats=seatable(session))
    if not form.is_valid():
        return _detail_page(request, session, seat_form=form, status=400)
    chosen = form.cleaned_data["seat"]
    try:
        seat_in_session(session=session, seat=chosen, by=request.user)
    except DomainError as error:
        form.add_error(None if isinstance(error, NotPermitted) else "seat", str(error))
        return _detail_page(request, session, seat_form=form, status=status_of(error))
    messages.success(
        request,
        _("%(institution)s sits in %(session)s.")
        % {"institution": chosen.institution.name, "session": session.name},
    )
    return redirect(reverse("reviews:session", args=[session.pk]) + "#seats")


@login_required
@require_POST
def unseat(request: SignedInRequest, pk: int, seat_pk: int) -> HttpResponse:
    session = _session_of(request, pk)
    chosen = get_object_or_404(session.seats.select_related("institution"), pk=seat_pk)
    try:
        unseat_from_session(session=session, seat=chosen, by=request.user)
    except DomainError as error:
        return _detail_page(request, session, refusal=str(error), status=status_of(error))
    messages.success(
        request,
        _("%(institution)s no longer sits in %(session)s.")
        % {"institution": chosen.institution.name, "session": session.name},
    )
    return redirect(reverse("reviews:session", args=[session.pk]) + "#seats")


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
