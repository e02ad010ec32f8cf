"""Forms of the outbox: a letter's wording, and the filters of the list of mails."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.forms.worklist import SessionFilterField
from reviews.models import MessageState, Session

# The subject of a mail is one line of the model's width.
SUBJECT_MAX_CHARS = 300
BODY_MAX_CHARS = 20000
_TOO_LONG = _("Keep it to %(limit_value)d characters; it has %(show_value)d.")

# The list of mails on the outbox page: drafts and failures have sections of their own.
LISTED_STATES = (MessageState.QUEUED, MessageState.SENDING, MessageState.SENT)


class LetterForm(forms.Form):
    """The wording of one letter, the same for every recipient."""

    subject = forms.CharField(
        label=_("Subject"),
        max_length=SUBJECT_MAX_CHARS,
        widget=forms.TextInput(attrs={"dir": "auto"}),
        error_messages={"required": _("Give the letter a subject."), "max_length": _TOO_LONG},
    )
    body = forms.CharField(
        label=_("Text of the letter"),
        help_text=_("Plain text, as the recipients read it. Every recipient gets the same text."),
        max_length=BODY_MAX_CHARS,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 20, "dir": "auto"}),
        error_messages={"required": _("The letter cannot be empty."), "max_length": _TOO_LONG},
    )

    def clean_body(self) -> str:
        body: str = self.cleaned_data["body"]
        if not body.strip():
            raise forms.ValidationError(_("The letter cannot be empty."), code="required")
        return body


class OutboxFilterForm(forms.Form):
    """A value the form does not know is reported, then ignored: a stale link still works."""

    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Queued, sending or sent"))]
        + [(state.value, state.label) for state in LISTED_STATES],
        error_messages={
            "invalid_choice": _("There is no state “%(value)s” here; every state is shown.")
        },
    )
    session = SessionFilterField(
        label=_("Session"),
        required=False,
        queryset=Session.objects.order_by("-starts_on", "-pk"),
        empty_label=_("Every session"),
        error_messages={"invalid_choice": _("There is no such session; every session is shown.")},
    )

    def filters(self) -> dict[str, Any]:
        """The values that are valid; the others are dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
