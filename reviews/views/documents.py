"""The documents of one slot of the dossier: their versions, uploads and downloads."""

from __future__ import annotations

from pathlib import PurePosixPath

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from institutions.enums import LANGUAGES
from nhri_portal.errors import DomainError, status_of
from reviews.dossier_pages import SLOT_PURPOSE, documents_in, is_draft
from reviews.enums import REQUIRED_SLOTS, DocumentSlot
from reviews.forms import UploadForm
from reviews.models import DocumentVersion, Review
from reviews.permissions import load_dossier_review, may_edit_part
from reviews.services.dossiers import dossier_for, upload_document
from reviews.views.signed_in import SignedInRequest

_MIB = 1024 * 1024


def _slot(value: str) -> DocumentSlot:
    if value not in DocumentSlot.values:
        raise Http404
    return DocumentSlot(value)


def _auto_id(replaces: object) -> str:
    """Each document's "new version" form needs ids of its own on the same page."""
    return f"version-{replaces}-%s" if str(replaces or "").isdigit() else "id_%s"


@login_required
@require_safe
def documents(request: SignedInRequest, pk: int, slot: str) -> HttpResponse:
    review = load_dossier_review(request.user, pk)
    return _page(request, review, _slot(slot))


def _page(
    request: SignedInRequest,
    review: Review,
    slot: DocumentSlot,
    *,
    failed: UploadForm | None = None,
    status: int = 200,
) -> HttpResponse:
    dossier = dossier_for(review)
    found = documents_in(dossier, slot)
    choices = dossier.documents.filter(slot=slot)
    language = review.institution.working_language
    if language not in dict(LANGUAGES):
        language = "en"
    failed_for = failed["replaces"].value() if failed is not None else None

    def form_for(document_pk: int | None) -> UploadForm:
        if failed is not None and str(failed_for or "") == str(document_pk or ""):
            return failed
        initial = {"language": language, "replaces": document_pk}
        return UploadForm(initial=initial, documents=choices, auto_id=_auto_id(document_pk))

    context = {
        "review": review,
        "slot": slot,
        "purpose": SLOT_PURPOSE[slot],
        "required": slot in REQUIRED_SLOTS,
        "documents": [(document, form_for(document.pk)) for document in found],
        "form": form_for(None),
        "failed": failed,
        "limit_mb": f"{settings.NHRI_MAX_UPLOAD_BYTES / _MIB:.0f}",
        "editable": may_edit_part(request.user, review, slot),
        "draft": is_draft(review),
    }
    return render(request, "reviews/dossier/documents.html", context, status=status)


@login_required
@require_POST
def upload(request: SignedInRequest, pk: int, slot: str) -> HttpResponse:
    review = load_dossier_review(request.user, pk, to_edit=True)
    chosen = _slot(slot)
    choices = dossier_for(review).documents.filter(slot=chosen)
    form = UploadForm(
        request.POST,
        request.FILES,
        documents=choices,
        auto_id=_auto_id(request.POST.get("replaces")),
    )
    if not form.is_valid():
        return _page(request, review, chosen, failed=form, status=400)
    uploaded = form.cleaned_data["file"]
    try:
        version = upload_document(
            review=review,
            slot=chosen,
            file=uploaded,
            name=uploaded.name,
            size=uploaded.size,
            language=form.cleaned_data["language"],
            title=form.cleaned_data["title"],
            replaces=form.cleaned_data["replaces"],
            by=request.user,
        )
    except DomainError as error:
        # The browser forgets the chosen file: say which one was refused.
        refused = _("“%(name)s” was not uploaded. %(reason)s") % {
            "name": uploaded.name,
            "reason": error,
        }
        form.add_error("file", refused)
        return _page(request, review, chosen, failed=form, status=status_of(error))
    messages.success(
        request,
        _("“%(name)s” was uploaded as version %(number)s.")
        % {"name": version.original_name, "number": version.number},
    )
    return redirect("reviews:documents", review.pk, chosen)


@login_required
@require_safe
def download(request: SignedInRequest, pk: int, version_pk: int) -> FileResponse:
    review = load_dossier_review(request.user, pk)
    version = get_object_or_404(DocumentVersion, pk=version_pk, document__dossier__review=review)
    response = FileResponse(
        version.file.open("rb"),
        as_attachment=True,
        filename=PurePosixPath(version.file.name or "document").name,
        content_type=version.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    # A dossier is confidential: no shared cache may keep a copy.
    response["Cache-Control"] = "private, no-store"
    return response
