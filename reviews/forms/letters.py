"""Forms of the letter templates: a new version's text, and which letter to make."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.models import LetterKind
from reviews.services.letter_templates import BODY_MAX_CHARS, SUBJECT_MAX_CHARS

_TOO_LONG = _("Keep it to %(limit_value)d characters; it has %(show_value)d.")
NOTE_MAX_CHARS = 300


class LetterTemplateForm(forms.Form):
    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_CHARS,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("Give the letter a subject."), "max_length": _TOO_LONG},
    )
    body = forms.CharField(
        label=_("Text of the letter"),
        help_text=_(
            "Plain text; a blank line starts a new paragraph. Write a variable as "
            "{{ name }}; repeat a part with {% for … %} … {% endfor %}."
        ),
        max_length=BODY_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 24, "dir": "auto"}),
        error_messages={"required": _("The letter cannot be empty."), "max_length": _TOO_LONG},
    )
    note = forms.CharField(
        label=_("What changed"),
        help_text=_(
            "A short note kept with the version, e.g. “new wording of the challenge right”."
        ),
        max_length=NOTE_MAX_CHARS,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("Say in a few words what changed."), "max_length": _TOO_LONG},
    )


class PreviewForm(forms.Form):
    """The preview takes whatever is typed, even unfinished."""

    subject = forms.CharField(required=False, max_length=SUBJECT_MAX_CHARS)
    body = forms.CharField(required=False, max_length=BODY_MAX_CHARS)


class MakeLetterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Letter"),
        choices=[],
        error_messages={
            "required": _("Choose the letter to make."),
            "invalid_choice": _("Choose one of the letters listed."),
        },
    )

    def __init__(self, *args: Any, kinds: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["kind"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [(kind, LetterKind(kind).label) for kind in kinds]
