"""The secretariat invites an institution to a review for a session."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_safe

from institutions.models import Institution
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted, status_of
from reviews.enums import CLOSED_STATES, ReviewKind, ReviewState
from reviews.forms import InviteForm
from reviews.models import Review, Session
from reviews.services import cases
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User

DEADLINES = "reviews/invitation/_partials/deadlines.html"


def _require_secretariat(user: User) -> None:
    """Nobody else may learn that the page exists."""
    if not is_secretariat(user):
        raise Http404


def institutions_to_choose() -> QuerySet[Institution]:
    open_reviews = Review.objects.filter(institution=OuterRef("pk")).exclude(
        state__in=CLOSED_STATES
    )
    return Institution.objects.annotate(has_open_review=Exists(open_reviews))


def sessions_ahead(today: dt.date) -> QuerySet[Session]:
    return Session.objects.filter(ends_on__gte=today).order_by("starts_on", "pk")


def _form(data: Any = None, initial: dict[str, str] | None = None) -> InviteForm:
    return InviteForm(
        data,
        initial=initial,
        institutions=institutions_to_choose(),
        sessions=sessions_ahead(clock.today()),
    )


def _chosen_in_link(request: SignedInRequest) -> dict[str, str]:
    """What a link chose beforehand (the home page's "due for re-accreditation" list):
    ``?institution=<pk>&session=<pk>&kind=<kind>``. The form's choices decide what is
    valid; a value it does not offer is simply not chosen."""
    chosen = {name: request.GET.get(name, "") for name in ("institution", "session", "kind")}
    return {name: value for name, value in chosen.items() if value}


# Like the Statement of Compliance, the page answers GET and POST on one URL so that
# a refused invitation comes back with everything chosen still chosen.
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def invitation(request: SignedInRequest) -> HttpResponse:
    _require_secretariat(request.user)
    if request.method != "POST":
        initial = _chosen_in_link(request)
        chosen = initial.get("session", "")
        ahead = sessions_ahead(clock.today())
        session = ahead.filter(pk=chosen).first() if chosen.isdigit() else None
        return _page(request, _form(initial=initial), session=session)
    form = _form(request.POST)
    if not form.is_valid():
        return _page(request, form, status=400)
    data = form.cleaned_data
    try:
        review = cases.invite(
            institution=data["institution"],
            session=data["session"],
            kind=data["kind"],
            reason=data["reason"],
            by=request.user,
        )
    except DomainError as error:
        earlier = _invited_by_a_first_click(request.user, data)
        if earlier is not None:
            messages.info(request, _("This invitation was already sent; here is its review."))
            return redirect("reviews:dossier", earlier.pk)
        session = data["session"]
        form.add_error(_field_of(error, data), str(error))
        return _page(request, form, session=session, status=status_of(error))
    _say_who_was_told(request, review)
    return redirect("reviews:dossier", review.pk)


def _page(
    request: SignedInRequest,
    form: InviteForm,
    *,
    session: Session | None = None,
    status: int = 200,
) -> HttpResponse:
    if session is None and form.is_bound:
        session = form.cleaned_data.get("session")
    context = {"form": form, **_deadlines_of(session)}
    return render(request, "reviews/invitation/invite.html", context, status=status)


def _field_of(error: DomainError, data: dict[str, Any]) -> str | None:
    """The field the service's refusal is about, so the error summary can link to it.
    Asked in the order the service checks; the service alone decides."""
    if isinstance(error, NotPermitted):
        return None
    if cases.open_review_of(data["institution"]) is not None:
        return "institution"
    if data["session"].ends_on < clock.today():
        return "session"
    if data["kind"] == ReviewKind.INITIAL:
        return "kind"
    return None


def _invited_by_a_first_click(user: User, data: dict[str, Any]) -> Review | None:
    """A double click: the second post finds the review the first one opened, by the
    same person, for the same session and kind, and ends where the first one did."""
    current = cases.open_review_of(data["institution"])
    if current is None or current.state != ReviewState.INVITED:
        return None
    if (current.session_id, current.kind) != (data["session"].pk, data["kind"]):
        return None
    first = current.events.order_by("at", "pk").first()
    return current if first is not None and first.by_id == user.pk else None


def _say_who_was_told(request: SignedInRequest, review: Review) -> None:
    told = review.messages.count()
    names = {
        "institution": review.institution.short_name,
        "session": review.session.name,
        "count": told,
    }
    if told:
        text = ngettext(
            "%(institution)s is invited to %(session)s. The invitation has been sent to "
            "%(count)d focal point of the institution.",
            "%(institution)s is invited to %(session)s. The invitation has been sent to "
            "%(count)d focal points of the institution.",
            told,
        )
        messages.success(request, text % names)
    else:
        text = _(
            "%(institution)s is invited to %(session)s, but nobody was sent the invitation: "
            "the institution has no focal point with an e-mail address."
        )
        messages.warning(request, text % names)


@login_required
@require_safe
def deadlines(request: SignedInRequest) -> HttpResponse:
    """The deadlines of the chosen session, for the invitation page (HTMX)."""
    _require_secretariat(request.user)
    chosen = request.GET.get("session", "")
    session = sessions_ahead(clock.today()).filter(pk=chosen).first() if chosen.isdigit() else None
    return render(request, DEADLINES, _deadlines_of(session))


def _deadlines_of(session: Session | None) -> dict[str, Any]:
    return {
        "session": session,
        "deadlines": list(session.deadlines.all()) if session else [],
        "today": clock.today(),
    }
