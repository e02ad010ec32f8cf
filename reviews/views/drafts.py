"""The SCA drafts its recommendation on a case, with precedent at hand; the session adopts."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from nhri_portal.errors import DomainError, status_of
from reviews.agenda import agenda_of
from reviews.enums import ParagraphKind
from reviews.forms.drafts import AdoptForm, MoveForm, OutcomeForm, ParagraphForm, PrecedentForm
from reviews.models import DraftParagraph, RecommendationDraft, Review, Session
from reviews.permissions import (
    DRAFTING_STATES,
    adoptable_by,
    load_review,
    may_adopt,
    may_open_draft,
)
from reviews.precedent import precedent_for
from reviews.services import adoption
from reviews.services import drafts as service
from reviews.services.outcomes import Paragraph
from reviews.views.signed_in import SignedInRequest

if TYPE_CHECKING:
    from django.contrib.auth.models import User


@dataclass(frozen=True)
class Row:
    """A paragraph as the page shows it: commendations unnumbered, issues numbered."""

    paragraph: DraftParagraph
    number: int | None
    text: str
    principles: list[str]
    observations: list[str]
    first_of_kind: bool
    last_of_kind: bool


def _load(user: User, pk: int) -> Review:
    """The review whose draft is asked for: 404 to all but the secretariat and the SCA
    sitting on the case (from the session on)."""
    review = load_review(user, pk)
    if not may_open_draft(user, review):
        raise Http404
    return review


def _draft_of(review: Review) -> RecommendationDraft | None:
    return (
        RecommendationDraft.objects.filter(review=review)
        .select_related("follow_up_session")
        .first()
    )


def _rows(draft: RecommendationDraft | None) -> list[Row]:
    if draft is None:
        return []
    paragraphs = list(
        draft.paragraphs.order_by("number").prefetch_related("principles", "observations")
    )
    commendations = sum(1 for p in paragraphs if p.kind == ParagraphKind.COMMENDATION)
    rows = []
    for index, row in enumerate(paragraphs):
        content = Paragraph(
            kind=ParagraphKind(row.kind),
            notes=row.notes,
            standard=row.standard,
            verb=row.verb,
            request=row.request,
        )
        before = paragraphs[index - 1].kind if index > 0 else None
        after = paragraphs[index + 1].kind if index + 1 < len(paragraphs) else None
        rows.append(
            Row(
                paragraph=row,
                number=service.issue_number(row, commendations),
                text=content.composed(),
                principles=[p.key for p in row.principles.all()],
                observations=[o.number for o in row.observations.all()],
                first_of_kind=before != row.kind,
                last_of_kind=after != row.kind,
            )
        )
    return rows


def _page(
    request: SignedInRequest,
    review: Review,
    *,
    outcome_form: OutcomeForm | None = None,
    add_form: ParagraphForm | None = None,
    status: int = 200,
) -> HttpResponse:
    draft = _draft_of(review)
    rows = _rows(draft)
    editable = review.state in DRAFTING_STATES and (draft is None or draft.adopted_at is None)
    looked_up = PrecedentForm(request.GET or None)
    go = looked_up.cleaned_data["go"] if looked_up.is_valid() else ""
    cited = sorted({n for row in rows for n in row.observations})
    context: dict[str, Any] = {
        "review": review,
        "draft": draft,
        "rows": rows,
        "editable": editable,
        "recommendation": getattr(review, "recommendation", None) if not editable else None,
        "outcome_form": outcome_form or OutcomeForm.for_draft(review, draft),
        "add_form": add_form or ParagraphForm(),
        "precedent_form": looked_up if looked_up.is_bound else PrecedentForm(),
        "precedent_numbers": [go] if go else cited,
        "precedent": precedent_for(
            observation_numbers=[go] if go else cited, user=request.user, exclude_review=review
        ),
    }
    return render(request, "reviews/draft/draft.html", context, status=status)


@login_required
@require_safe
def draft(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, _load(request.user, pk))


@login_required
@require_safe
def precedent(request: SignedInRequest, pk: int) -> HttpResponse:
    """The precedent panel alone, for the page's lookup without reloading it (htmx)."""
    review = _load(request.user, pk)
    form = PrecedentForm(request.GET or None)
    go = form.cleaned_data["go"] if form.is_valid() else ""
    draft = _draft_of(review)
    numbers = [go] if go else sorted({n for row in _rows(draft) for n in row.observations})
    rows = precedent_for(observation_numbers=numbers, user=request.user, exclude_review=review)
    context = {"precedent": rows, "precedent_numbers": numbers}
    return render(request, "reviews/draft/_partials/precedent.html", context)


def _back(review: Review, anchor: str = "") -> HttpResponse:
    return redirect(reverse("reviews:draft", args=[review.pk]) + anchor)


@login_required
@require_POST
def save_outcome(request: SignedInRequest, pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    form = OutcomeForm(request.POST, review=review)
    if not form.is_valid():
        return _page(request, review, outcome_form=form, status=400)
    try:
        service.save_draft(review=review, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, outcome_form=form, status=status_of(error))
    messages.success(request, _("The outcome is saved."))
    return _back(review, "#outcome")


@login_required
@require_POST
def add_paragraph(request: SignedInRequest, pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    form = ParagraphForm(request.POST)
    if not form.is_valid():
        return _page(request, review, add_form=form, status=400)
    try:
        service.add_paragraph(review=review, content=form.content(), by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, add_form=form, status=status_of(error))
    messages.success(request, _("The paragraph is added."))
    return _back(review, "#paragraphs")


def _paragraph_of(review: Review, paragraph_pk: int) -> DraftParagraph:
    return get_object_or_404(
        DraftParagraph.objects.select_related("draft__review"),
        pk=paragraph_pk,
        draft__review=review,
    )


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def edit_paragraph(request: SignedInRequest, pk: int, paragraph_pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    row = _paragraph_of(review, paragraph_pk)
    if request.method != "POST":
        return _edit_page(request, review, row, ParagraphForm.for_paragraph(row))
    form = ParagraphForm(request.POST)
    if not form.is_valid():
        return _edit_page(request, review, row, form, status=400)
    try:
        service.update_paragraph(paragraph=row, content=form.content(), by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _edit_page(request, review, row, form, status=status_of(error))
    messages.success(request, _("The paragraph is saved."))
    return _back(review, "#paragraphs")


def _edit_page(
    request: SignedInRequest,
    review: Review,
    row: DraftParagraph,
    form: ParagraphForm,
    *,
    status: int = 200,
) -> HttpResponse:
    editable = review.state in DRAFTING_STATES and row.draft.adopted_at is None
    context = {"review": review, "paragraph": row, "form": form, "editable": editable}
    return render(request, "reviews/draft/paragraph.html", context, status=status)


@login_required
@require_POST
def remove_paragraph(request: SignedInRequest, pk: int, paragraph_pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    row = _paragraph_of(review, paragraph_pk)
    try:
        service.remove_paragraph(paragraph=row, by=request.user)
    except DomainError as error:
        return _refused(request, review, error)
    messages.success(request, _("The paragraph is removed."))
    return _back(review, "#paragraphs")


@login_required
@require_POST
def move_paragraph(request: SignedInRequest, pk: int, paragraph_pk: int) -> HttpResponse:
    review = _load(request.user, pk)
    row = _paragraph_of(review, paragraph_pk)
    form = MoveForm(request.POST)
    if not form.is_valid():
        return _refused(request, review, DomainError(_("Say where to move the paragraph.")))
    direction: Literal["up", "down"] = form.cleaned_data["direction"]
    try:
        service.move_paragraph(paragraph=row, direction=direction, by=request.user)
    except DomainError as error:
        return _refused(request, review, error)
    return _back(review, "#paragraphs")


def _refused(request: SignedInRequest, review: Review, error: DomainError) -> HttpResponse:
    outcome_form = OutcomeForm.for_draft(review, _draft_of(review))
    outcome_form.add_error(None, str(error))
    return _page(request, review, outcome_form=outcome_form, status=status_of(error))


# -- adoption ---------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def adopt(request: SignedInRequest, pk: int) -> HttpResponse:
    session = get_object_or_404(Session, pk=pk)
    if not may_adopt(request.user, session):
        raise Http404
    if request.method != "POST":
        return _adopt_page(request, session, AdoptForm())
    form = AdoptForm(request.POST)
    if not form.is_valid():
        return _adopt_page(request, session, form, status=400)
    try:
        results = adoption.adopt_session(session=session, by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _adopt_page(request, session, form, status=status_of(error))
    messages.success(
        request,
        _("The recommendations of %(session)s are adopted: %(count)s case(s) moved on.")
        % {"session": session, "count": len(results)},
    )
    return redirect("reviews:adopt", session.pk)


def _adopt_page(
    request: SignedInRequest, session: Session, form: AdoptForm, *, status: int = 200
) -> HttpResponse:
    user = request.user
    adopted = adoption.adopted_on(session, user)
    cases = list(
        agenda_of(session, adoptable_by(user, session)).select_related("draft__follow_up_session")
    )
    drafts = [(review, getattr(review, "draft", None)) for review in cases]
    context = {
        "session": session,
        "form": form,
        "adopted": adopted,
        "cases": [(review, draft, adoption.is_ready(draft)) for review, draft in drafts],
        "all_ready": all(adoption.is_ready(draft) for _review, draft in drafts),
    }
    return render(request, "reviews/draft/adopt.html", context, status=status)
