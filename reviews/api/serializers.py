"""What the API says of a challenge; built from :class:`reviews.services.challenges.Standing`."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from reviews.services.challenges import REASONS_MAX_CHARS, Standing


class ChallengeDocumentSerializer(serializers.Serializer[Any]):
    name = serializers.CharField(source="original_name")
    size = serializers.IntegerField(help_text=_("In bytes."))
    sha256 = serializers.CharField()


class ChallengeSerializer(serializers.Serializer[Any]):
    lodged_on = serializers.DateField()
    reasons = serializers.CharField()
    documents = ChallengeDocumentSerializer(source="attachments.all", many=True)


class StandingSerializer(serializers.Serializer[Standing]):
    challengeable = serializers.BooleanField(
        source="lodgeable",
        help_text=_("Whether the institution's focal points may lodge a challenge today."),
    )
    reason = serializers.CharField(help_text=_("Why not, when not; empty when it may."))
    window_closes_on = serializers.DateField(
        source="window.due_on",
        allow_null=True,
        help_text=_("The last day of the challenge window; null when there is none."),
    )
    challenge = ChallengeSerializer(allow_null=True)


class LodgeSerializer(serializers.Serializer[Any]):
    reasons = serializers.CharField(max_length=REASONS_MAX_CHARS)
    # Inspected by the service as every upload is; an empty file is refused there.
    documents = serializers.ListField(
        child=serializers.FileField(allow_empty_file=True),
        required=False,
        help_text=_("Documents, as multipart/form-data."),
    )
