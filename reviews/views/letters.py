"""The letters: the secretariat's editor of their texts (versions, a preview beside the
text) and, for one review, the letter PDFs made for it, which its focal points read."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import OuterRef, Subquery
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from accreditation.enums import Grade
from accreditation.status import status_on
from institutions.enums import LANGUAGES
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, status_of
from reviews.document_permissions import load_letters_review, require_letter_editor
from reviews.forms.letters import LetterTemplateForm, MakeLetterForm, PreviewForm
from reviews.models import DocumentKind, GeneratedDocument, LetterKind, LetterTemplate, Review
from reviews.services.letter_templates import (
    VARIABLES,
    Letter,
    current_template,
    letter_document,
    preview,
    save_template,
)
from reviews.views.signed_in import SignedInRequest

LANGUAGE_CODES = [code for code, _name in LANGUAGES]


@login_required
@require_safe
def index(request: SignedInRequest) -> HttpResponse:
    require_letter_editor(request.user)
    latest = LetterTemplate.objects.filter(
        kind=OuterRef("kind"), language=OuterRef("language")
    ).order_by("-version")
    current = {
        (row.kind, row.language): row
        for row in LetterTemplate.objects.filter(
            pk=Subquery(latest.values("pk")[:1])
        ).select_related("created_by")
    }
    rows = [
        (kind, [(code, current.get((kind.value, code))) for code in LANGUAGE_CODES])
        for kind in LetterKind
    ]
    return render(
        request, "reviews/letters/index.html", {"rows": rows, "languages": LANGUAGE_CODES}
    )


def _kind_and_language(kind: str, language: str) -> tuple[LetterKind, str]:
    if kind not in LetterKind.values or language not in LANGUAGE_CODES:
        raise Http404
    return LetterKind(kind), language


@login_required
@require_safe
def edit(request: SignedInRequest, kind: str, language: str) -> HttpResponse:
    require_letter_editor(request.user)
    letter_kind, language = _kind_and_language(kind, language)
    return _editor(request, letter_kind, language)


def _editor(
    request: SignedInRequest,
    kind: LetterKind,
    language: str,
    *,
    form: LetterTemplateForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    versions = list(
        LetterTemplate.objects.filter(kind=kind, language=language).select_related("created_by")
    )
    if not versions:
        raise Http404
    current = versions[0]
    shown = current
    wanted = request.GET.get("version", "")
    if wanted:
        shown = next((v for v in versions if str(v.version) == wanted), None)  # type: ignore[assignment]
        if shown is None:
            raise Http404
    if form is None:
        form = LetterTemplateForm(initial={"subject": shown.subject, "body": shown.body})
    subject = form["subject"].value() or ""
    body = form["body"].value() or ""
    try:
        letter: Letter | None = preview(kind, language, body, subject)
        preview_error = ""
    except DomainError as refusal:
        letter, preview_error = None, str(refusal)
    context: dict[str, Any] = {
        "kind": kind,
        "language": language,
        "current": current,
        "shown": shown,
        "versions": versions,
        "variables": sorted(VARIABLES[kind].items()),
        "form": form,
        "error": error,
        "letter": letter,
        "preview_error": preview_error,
    }
    return render(request, "reviews/letters/edit.html", context, status=status)


@login_required
@require_POST
def save(request: SignedInRequest, kind: str, language: str) -> HttpResponse:
    require_letter_editor(request.user)
    letter_kind, language = _kind_and_language(kind, language)
    form = LetterTemplateForm(request.POST)
    if not form.is_valid():
        return _editor(request, letter_kind, language, form=form, status=400)
    before = current_template(letter_kind, language)
    try:
        saved = save_template(
            kind=letter_kind, language=language, by=request.user, **form.cleaned_data
        )
    except DomainError as error:
        return _editor(
            request, letter_kind, language, form=form, error=str(error), status=status_of(error)
        )
    if saved.pk == before.pk:
        messages.info(request, _("The text is the same as the current version; nothing was saved."))
    else:
        messages.success(
            request,
            _("Version %(version)d is saved. New letters use it.") % {"version": saved.version},
        )
    return redirect("reviews:letter_template", letter_kind.value, language)


@login_required
@require_POST
def preview_partial(request: SignedInRequest, kind: str, language: str) -> HttpResponse:
    """The preview beside the editor, refreshed by htmx as the text is typed."""
    require_letter_editor(request.user)
    letter_kind, language = _kind_and_language(kind, language)
    form = PreviewForm(request.POST)
    letter, error = None, ""
    if form.is_valid():
        try:
            letter = preview(
                letter_kind, language, form.cleaned_data["body"], form.cleaned_data["subject"]
            )
        except DomainError as refusal:
            error = str(refusal)
    else:
        error = _("The text is too long to preview.")
    return render(
        request,
        "reviews/letters/_partials/preview.html",
        {"letter": letter, "preview_error": error, "language": language},
        status=400 if error else 200,
    )


def makeable_kinds(review: Review) -> list[str]:
    """Every letter; the certificate only for an institution that holds A status."""
    kinds = [kind.value for kind in LetterKind if kind != LetterKind.CERTIFICATE]
    if status_on(review.institution_id, clock.today()).grade == Grade.A:
        kinds.append(LetterKind.CERTIFICATE.value)
    return kinds


@login_required
@require_safe
def review_letters(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_letters_review(request.user, pk)
    return _review_page(request, review)


def _review_page(
    request: SignedInRequest,
    review: Review,
    *,
    form: MakeLetterForm | None = None,
    status: int = 200,
) -> HttpResponse:
    documents = GeneratedDocument.objects.filter(
        review=review, kind__in=[DocumentKind.LETTER, DocumentKind.CERTIFICATE]
    ).select_related("template")
    secretariat = is_secretariat(request.user)
    context: dict[str, Any] = {
        "review": review,
        "documents": documents,
        "secretariat": secretariat,
        "form": (form or MakeLetterForm(kinds=makeable_kinds(review))) if secretariat else None,
    }
    return render(request, "reviews/letters/review.html", context, status=status)


@login_required
@require_POST
def make_letter(request: SignedInRequest, pk: int) -> HttpResponse:
    review = load_letters_review(request.user, pk)
    if not is_secretariat(request.user):
        raise PermissionDenied
    form = MakeLetterForm(request.POST, kinds=makeable_kinds(review))
    if not form.is_valid():
        return _review_page(request, review, form=form, status=400)
    try:
        document = letter_document(review=review, kind=form.cleaned_data["kind"], by=request.user)
    except DomainError as error:
        form.add_error("kind", str(error))
        return _review_page(request, review, form=form, status=status_of(error))
    messages.success(request, _("The letter is being made; it is listed here when ready."))
    return redirect("reviews:document", document.pk)
