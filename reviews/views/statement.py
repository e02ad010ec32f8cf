"""One theme of the Statement of Compliance: the answer, saved by a button or as the
person types (HTMX), and the pages of documents it cites."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from nhri_portal.errors import DomainError, status_of
from reviews.dossier_pages import criteria_of, document_choices, is_draft
from reviews.enums import OPTIONAL_THEMES, Theme
from reviews.forms import AnswerForm, CiteForm
from reviews.models import ComplianceAnswer, Evidence, Review
from reviews.permissions import load_dossier_review, may_edit_part
from reviews.services.dossiers import cite, dossier_for, save_answer, uncite
from reviews.views.signed_in import SignedInRequest

AUTOSAVE_STATUS = "reviews/dossier/_partials/autosave_status.html"
# The citation form shares the page with the answer's: its ids must differ.
CITE_IDS = "cite-%s"


def _theme(value: str) -> Theme:
    if value not in Theme.values:
        raise Http404
    return Theme(value)


# The one page of the dossier that answers GET and POST on the same URL: its Save
# button must work without JavaScript, as a plain form posted to the page itself.
@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def statement(request: SignedInRequest, pk: int, theme: str) -> HttpResponse:
    if request.method == "POST":
        review = load_dossier_review(request.user, pk, to_edit=True)
        return _save(request, review, _theme(theme))
    review = load_dossier_review(request.user, pk)
    return _page(request, review, _theme(theme))


def _page(
    request: SignedInRequest,
    review: Review,
    theme: Theme,
    *,
    form: AnswerForm | None = None,
    cite_form: CiteForm | None = None,
    status: int = 200,
) -> HttpResponse:
    dossier = dossier_for(review)
    answer = (
        ComplianceAnswer.objects.filter(dossier=dossier, theme=theme)
        .select_related("updated_by")
        .first()
    )
    documents = document_choices(dossier)
    evidence = (
        list(answer.evidence.select_related("document").prefetch_related("document__versions"))
        if answer
        else []
    )
    context = {
        "review": review,
        "dossier": dossier,
        "theme": theme,
        "changes": _changes(answer),
        "optional": theme in OPTIONAL_THEMES,
        "criteria": criteria_of(theme),
        "answer": answer,
        "evidence": evidence,
        "form": form or AnswerForm(initial={"text": answer.text if answer else ""}),
        "cite_form": cite_form or CiteForm(documents=documents, auto_id=CITE_IDS),
        "has_documents": documents.exists(),
        "editable": may_edit_part(request.user, review, theme),
        "draft": is_draft(review),
    }
    return render(request, "reviews/dossier/statement.html", context, status=status)


def _save(request: SignedInRequest, review: Review, theme: Theme) -> HttpResponse:
    form = AnswerForm(request.POST)
    if not form.is_valid():
        return _page(request, review, theme, form=form, status=400)
    try:
        save_answer(review=review, theme=theme, text=form.cleaned_data["text"], by=request.user)
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, theme, form=form, status=status_of(error))
    messages.success(request, _("Your answer on “%(theme)s” was saved.") % {"theme": theme.label})
    return redirect("reviews:dossier", review.pk)


@login_required
@require_POST
def autosave(request: SignedInRequest, pk: int, theme: str) -> HttpResponse:
    """What the page posts as the person types. It answers with the few words of the
    status region; a post that is not HTMX's is treated as the Save button's."""
    if not request.htmx:  # type: ignore[attr-defined]
        return statement(request, pk, theme)
    chosen = _theme(theme)
    try:
        review = load_dossier_review(request.user, pk, to_edit=True)
    except PermissionDenied:
        problem = _(
            "Not saved: this dossier can no longer be changed. Copy your text before you "
            "leave the page."
        )
        return render(request, AUTOSAVE_STATUS, {"problem": problem}, status=403)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        problem = _("Not saved: %(error)s") % {
            "error": " ".join(str(error) for error in form.errors["text"])
        }
        return render(request, AUTOSAVE_STATUS, {"problem": problem}, status=400)
    try:
        answer = save_answer(
            review=review, theme=chosen, text=form.cleaned_data["text"], by=request.user
        )
    except DomainError as error:
        problem = _("Not saved: %(error)s") % {"error": error}
        return render(request, AUTOSAVE_STATUS, {"problem": problem}, status=status_of(error))
    return render(request, AUTOSAVE_STATUS, {"answer": answer})


@login_required
@require_POST
def add_citation(request: SignedInRequest, pk: int, theme: str) -> HttpResponse:
    review = load_dossier_review(request.user, pk, to_edit=True)
    chosen = _theme(theme)
    dossier = dossier_for(review)
    answer = ComplianceAnswer.objects.filter(dossier=dossier, theme=chosen).first()
    form = CiteForm(request.POST, documents=document_choices(dossier), auto_id=CITE_IDS)
    if not form.is_valid() or answer is None:
        if answer is None:
            form.add_error(None, _("Save your answer first, then link it to pages of documents."))
        return _page(request, review, chosen, cite_form=form, status=400)
    document, pages = form.cleaned_data["document"], form.cleaned_data["pages"].strip()
    if answer.evidence.filter(document=document, pages=pages).exists():
        messages.info(request, _("These pages were already linked to your answer."))
        return redirect("reviews:statement", review.pk, chosen)
    try:
        cite(answer=answer, document=document, pages=pages, by=request.user)
    except ValidationError as error:
        form.add_error("pages", error.messages)
        return _page(request, review, chosen, cite_form=form, status=400)
    except DomainError as error:
        form.add_error(None, str(error))
        return _page(request, review, chosen, cite_form=form, status=status_of(error))
    messages.success(request, _("The pages are linked to your answer."))
    return redirect("reviews:statement", review.pk, chosen)


@login_required
@require_POST
def remove_citation(
    request: SignedInRequest, pk: int, theme: str, evidence_pk: int
) -> HttpResponse:
    review = load_dossier_review(request.user, pk, to_edit=True)
    chosen = _theme(theme)
    evidence = Evidence.objects.filter(
        pk=evidence_pk, answer__dossier__review=review, answer__theme=chosen
    ).first()
    if evidence is None:  # already removed (a double click) or not of this answer
        return redirect("reviews:statement", review.pk, chosen)
    try:
        uncite(evidence=evidence, by=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("reviews:statement", review.pk, chosen)
    messages.success(request, _("The link to the document was removed."))
    return redirect("reviews:statement", review.pk, chosen)


# Autosave keeps a version every few seconds of typing; the page shows the latest ones.
SHOWN_CHANGES = 20


def _changes(answer: ComplianceAnswer | None) -> list[object]:
    """Who saved this answer, when and with what text, most recent first."""
    if answer is None:
        return []
    return list(
        answer.history.select_related("updated_by").order_by("-history_date")[:SHOWN_CHANGES]
    )
