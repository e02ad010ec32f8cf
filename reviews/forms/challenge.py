"""Forms of the challenge: they check what a person typed; the service decides, and
inspects every document."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.services.challenges import REASONS_MAX_CHARS


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files from one input; an empty file is left to the service, whose
    message says what to do."""

    widget = MultipleFileInput

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(one, initial) for one in data if one]
        one = super().clean(data, initial)
        return [one] if one else []


class ChallengeForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why the institution challenges the recommendation"),
        help_text=_("The secretariat and every Bureau member read this with the recommendation."),
        max_length=REASONS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
        error_messages={
            "required": _("Give the reasons for the challenge."),
            "max_length": _("Keep it to %(limit_value)d characters; it has %(show_value)d."),
        },
    )
    documents = MultipleFileField(
        label=_("Documents (optional)"),
        help_text=_(
            "Choose one or more files: PDF, Word, OpenDocument, Excel, PNG or JPEG. You may "
            "add more until the challenge window closes."
        ),
        required=False,
        allow_empty_file=True,
    )


class DocumentForm(forms.Form):
    file = forms.FileField(
        label=_("Another document"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a file to add.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "document-%s")
        super().__init__(*args, **kwargs)
