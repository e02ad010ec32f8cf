"""The case page: where a review stands, its history and its parts; the workflow steps
that have no page of their own; the discussion of the SCA and the secretariat."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_focal_point_of, is_secretariat
from nhri_portal.errors import DomainError, status_of
from reviews.decision_permissions import follows_bureau, may_read_challenge
from reviews.enums import BUREAU_STATES, CLOSED_STATES, ReviewState
from reviews.forms.discussion import MOVE_TARGETS, CommentForm, MoveForm
from reviews.models import Review, ReviewEvent
from reviews.permissions import (
    attends,
    deliberates,
    load_review,
    may_open_draft,
    may_read_summary,
    may_transition,
    visible_dossier_reviews,
)
from reviews.services.challenges import TOLD_STATES
from reviews.services.decisions import decision_panel
from reviews.services.discussion import post_comment
from reviews.services.outcomes import notify
from reviews.services.transitions import transition
from reviews.views.signed_in import SignedInRequest
from reviews.workflow import Transition, available_from

if TYPE_CHECKING:
    from institutions.permissions import AnyUser


@dataclass(frozen=True)
class Part:
    label: str
    url: str


@login_required
@require_safe
def case(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_review(request.user, pk))


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    move_form: MoveForm | None = None,
    comment_form: CommentForm | None = None,
    problem: str = "",
    status: int = 200,
) -> HttpResponse:
    user = request.user
    steps = _steps(user, review)
    forms: dict[str, MoveForm] = {step.target: MoveForm(target=step.target) for step in steps}
    if move_form is not None and move_form.target in forms:
        forms[move_form.target] = move_form
    context = {
        "review": review,
        "deadlines": list(review.deadlines.all()),
        "events": _history(user, review),
        "shows_who": is_secretariat(user),
        "parts": _parts(user, review),
        "session_parts": _session_parts(user, review),
        "steps": [(step, forms[step.target]) for step in steps],
        "discussion": _discussion(user, review, comment_form),
        "problem": problem,
        "decision": decision_panel(review),
    }
    return render(request, "reviews/case/detail.html", context, status=status)


def _steps(user: AnyUser, review: Review) -> list[Transition]:
    return [
        step
        for step in available_from(review.state)
        if step.target in MOVE_TARGETS and may_transition(user, step, review)
    ]


def _history(user: AnyUser, review: Review) -> list[ReviewEvent]:
    events = review.events.all()
    # Who acted is the secretariat's business; the others read what happened and why.
    return list(events.select_related("by") if is_secretariat(user) else events)


def _parts(user: AnyUser, review: Review) -> list[Part]:
    def url(name: str) -> str:
        return reverse(f"reviews:{name}", args=[review.pk])

    secretariat = is_secretariat(user)
    papers = may_read_summary(user, review)
    candidates = [
        (
            visible_dossier_reviews(user).filter(pk=review.pk).exists(),
            _("Dossier"),
            url("dossier"),
        ),
        (secretariat, _("Screening"), url("screening")),
        (papers, _("Summary of issues and the institution's answers"), url("summary")),
        (papers, _("Third-party submissions"), url("submissions")),
        (
            secretariat or is_focal_point_of(user, review.institution),
            _("Objections to SCA members"),
            url("objections"),
        ),
        (may_open_draft(user, review), _("Recommendation draft"), url("draft")),
        (
            review.state in TOLD_STATES and may_read_challenge(user, review),
            _("Recommendation and challenge"),
            url("challenge"),
        ),
        (
            review.state in BUREAU_STATES and follows_bureau(user),
            _("The Bureau's file"),
            url("bureau_case"),
        ),
        (
            secretariat or is_focal_point_of(user, review.institution),
            _("Letters and certificate"),
            url("review_letters"),
        ),
    ]
    return [Part(label, address) for shown, label, address in candidates if shown]


def _session_parts(user: AnyUser, review: Review) -> list[Part]:
    if not attends(user, review.session):
        return []
    pk = review.session_id
    return [
        Part(_("Session room"), reverse("reviews:room", args=[pk])),
        Part(_("Session report"), reverse("reviews:report", args=[pk])),
    ]


def _discussion(
    user: AnyUser, review: Review, form: CommentForm | None = None
) -> dict[str, object] | None:
    if not deliberates(user, review):
        return None
    return {
        "comments": list(review.comments.select_related("author")),
        "form": form or CommentForm(),
        "open": review.state not in CLOSED_STATES,
    }


@login_required
@require_POST
def move(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_review(request.user, pk, to_act=True)
    target = request.POST.get("to", "")
    if target not in MOVE_TARGETS:
        return _page(request, review, problem=_("This page cannot make that change."), status=400)
    form = MoveForm(request.POST, target=target)
    if not form.is_valid():
        return _page(request, review, move_form=form, status=400)
    try:
        if target == ReviewState.NOTIFIED:
            # Notifying releases the recommendation letter and starts the challenge window.
            changed = review.state != ReviewState.NOTIFIED
            notify(review=review, by=request.user)
        else:
            changed = transition(
                review, to=ReviewState(target), by=request.user, reason=form.cleaned_data["reason"]
            ).changed
    except DomainError as error:
        return _page(request, review, move_form=form, problem=str(error), status=status_of(error))
    state = ReviewState(review.state).label
    if changed:
        messages.success(request, _("The case is now “%(state)s”.") % {"state": state})
    else:
        messages.info(request, _("The case was already “%(state)s”.") % {"state": state})
    return redirect("reviews:case", review.pk)


@login_required
@require_POST
def discuss(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_review(request.user, pk)
    if not deliberates(request.user, review):
        # The discussion is not theirs to know of.
        raise Http404
    form = CommentForm(request.POST)
    swap = request.headers.get("HX-Request") == "true"
    status = 400
    if form.is_valid():
        try:
            post_comment(review=review, body=form.cleaned_data["body"], by=request.user)
        except DomainError as error:
            form.add_error("body", str(error))
            status = status_of(error)
        else:
            if swap:
                return _thread(request, review, CommentForm())
            messages.success(request, _("Your message is posted."))
            return redirect(reverse("reviews:case", args=[review.pk]) + "#discussion")
    if swap:
        return _thread(request, review, form, status=status)
    return _page(request, review, comment_form=form, status=status)


def _thread(
    request: SignedInRequest, review: Review, form: CommentForm, *, status: int = 200
) -> HttpResponse:
    context = {"review": review, "discussion": _discussion(request.user, review, form)}
    return render(request, "reviews/case/_partials/discussion.html", context, status=status)
