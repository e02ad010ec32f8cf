"""Third-party submissions through the API, as their page: the secretariat records them;
the secretariat and the SCA sitting on the case read them in full, source included; the
institution and the region's observers read the sanitised version of those shared."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response

from reviews.api.base import ServiceListView, checked, sent
from reviews.enums import SourceKind
from reviews.forms.summaries import SubmissionForm
from reviews.models import ThirdPartySubmission
from reviews.permissions import deliberates, load_summary_review
from reviews.services.submissions import record_submission

IN_FULL = ["source_name", "source_kind", "source_confidential", "received_on", "content"]


class SubmissionSerializer(serializers.ModelSerializer[ThirdPartySubmission]):
    """The whole submission to those who deliberate; to the others, the fields of
    ``IN_FULL`` are null."""

    source_name = serializers.CharField(allow_null=True)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices, allow_null=True)
    source_confidential = serializers.BooleanField(allow_null=True)
    received_on = serializers.DateField(allow_null=True)
    content = serializers.CharField(
        allow_null=True, help_text=_("The full text; null to those who read it sanitised.")
    )

    class Meta:
        model = ThirdPartySubmission
        fields = ["id", *IN_FULL, "sanitised_content", "shared_at", "comments_due_on",
                  "comment", "commented_at"]  # fmt: skip

    def to_representation(self, instance: ThirdPartySubmission) -> dict[str, Any]:
        data: dict[str, Any] = super().to_representation(instance)
        if not self.context.get("in_full"):
            data.update(dict.fromkeys(IN_FULL))
        return data


class NewSubmissionSerializer(serializers.Serializer[Any]):
    """Documents the request; the page's form checks it."""

    source_name = serializers.CharField(max_length=300)
    source_kind = serializers.ChoiceField(choices=SourceKind.choices)
    source_confidential = serializers.BooleanField(
        required=False, default=True, help_text=_("Withhold the source from the institution.")
    )
    received_on = serializers.DateField()
    content = serializers.CharField()


class Submissions(ServiceListView):
    """The submissions by the day received: all of them in full to the secretariat and
    the SCA sitting on the case; to the institution and observers, those shared."""

    queryset = ThirdPartySubmission.objects.none()  # for the schema
    serializer_class = SubmissionSerializer

    def get_queryset(self) -> QuerySet[ThirdPartySubmission]:
        review = load_summary_review(self.request.user, self.kwargs["pk"])
        found = ThirdPartySubmission.objects.filter(review=review).order_by("received_on", "pk")
        if deliberates(self.request.user, review):
            self.in_full = True
            return found
        return found.filter(shared_at__isnull=False)

    def get_serializer_context(self) -> dict[str, Any]:
        return {**super().get_serializer_context(), "in_full": getattr(self, "in_full", False)}

    @extend_schema(request=NewSubmissionSerializer, responses={201: SubmissionSerializer})
    def post(self, request: Request, pk: int) -> Response:
        """Record a submission in full (the secretariat, until the session takes the
        case up); its sanitised text is written on the page before it is shared."""
        review = load_summary_review(request.user, pk)
        data = {**sent(request)}
        data.setdefault("source_confidential", True)  # the page's box is ticked at first
        form = checked(SubmissionForm(data))
        submission = record_submission(review=review, by=request.user, **form.cleaned_data)  # type: ignore[arg-type]
        body = SubmissionSerializer(submission, context={"in_full": True}).data
        return Response(body, status=status.HTTP_201_CREATED)
