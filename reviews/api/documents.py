"""The dossier's documents through the API, as the dossier's pages: every version the
user may read, an upload into a slot (the page's form, the service's inspection and size
limit), and the download of one version (the page's permission)."""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from django.db.models import QuerySet
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from institutions.enums import LANGUAGES
from reviews.api.base import ServiceListView, ServiceView, checked
from reviews.enums import DocumentSlot
from reviews.forms import UploadForm
from reviews.models import DocumentVersion
from reviews.permissions import load_dossier_review
from reviews.services.dossiers import dossier_for, upload_document


class VersionSerializer(serializers.ModelSerializer[DocumentVersion]):
    document = serializers.IntegerField(source="document_id")
    slot = serializers.ChoiceField(source="document.slot", choices=DocumentSlot.choices)
    title = serializers.CharField(source="document.title")

    class Meta:
        model = DocumentVersion
        fields = ["id", "document", "slot", "title", "number", "original_name", "content_type",
                  "size", "sha256", "page_count", "language", "uploaded_at"]  # fmt: skip


class UploadSerializer(serializers.Serializer[Any]):
    """Documents the request (multipart/form-data); the page's form checks it."""

    file = serializers.FileField()
    language = serializers.ChoiceField(choices=LANGUAGES)
    title = serializers.CharField(required=False, max_length=200)
    replaces = serializers.IntegerField(
        required=False, help_text=_("The document this file is a new version of.")
    )


def _slot(value: str) -> DocumentSlot:
    if value not in DocumentSlot.values:
        raise Http404
    return DocumentSlot(value)


@extend_schema(parameters=[OpenApiParameter("slot", str, enum=DocumentSlot.values, required=False)])
class Documents(ServiceListView):
    """Every version of the dossier's documents, by slot, oldest first."""

    queryset = DocumentVersion.objects.none()  # for the schema
    serializer_class = VersionSerializer

    def get_queryset(self) -> QuerySet[DocumentVersion]:
        review = load_dossier_review(self.request.user, self.kwargs["pk"])
        versions = DocumentVersion.objects.filter(document__dossier__review=review)
        slot = self.request.query_params.get("slot")
        if slot:
            versions = versions.filter(document__slot=_slot(slot))
        return versions.select_related("document").order_by("document__slot", "document_id",
                                                            "number")  # fmt: skip


class Upload(ServiceView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(request={"multipart/form-data": UploadSerializer},
                   responses={201: VersionSerializer})  # fmt: skip
    def post(self, request: Request, pk: int, slot: str) -> Response:
        review = load_dossier_review(request.user, pk, to_edit=True)
        chosen = _slot(slot)
        choices = dossier_for(review).documents.filter(slot=chosen)
        form = checked(UploadForm(request.data, request.FILES, documents=choices))
        uploaded = form.cleaned_data["file"]
        version = upload_document(
            review=review,
            slot=chosen,
            file=uploaded,
            name=uploaded.name,
            size=uploaded.size,
            language=form.cleaned_data["language"],
            title=form.cleaned_data["title"],
            replaces=form.cleaned_data["replaces"],
            by=request.user,  # type: ignore[arg-type]
        )
        return Response(VersionSerializer(version).data, status=status.HTTP_201_CREATED)


class Download(ServiceView):
    @extend_schema(responses={(200, "application/octet-stream"): OpenApiTypes.BINARY})
    def get(self, request: Request, pk: int, version_pk: int) -> FileResponse:
        review = load_dossier_review(request.user, pk)
        version = get_object_or_404(
            DocumentVersion, pk=version_pk, document__dossier__review=review
        )
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
