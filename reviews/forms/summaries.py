"""Forms of the summary of issues and the third-party submissions: they check what a
person typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import SourceKind
from reviews.forms.citations import observation_choices, principle_choices

TEXT_MAX_CHARS = 20_000


class _DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def _text(label: Any, *, required: Any, help_text: Any = "", rows: int = 6) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
        error_messages={"required": required},
    )


def _day(label: Any, *, help_text: Any = "", required: bool = False) -> forms.DateField:
    return forms.DateField(
        label=label,
        help_text=help_text,
        required=required,
        widget=_DayInput(),
        error_messages={
            "required": _("Give the date."),
            "invalid": _("Give a date, for example 2031-03-10."),
        },
    )


class IssueForm(forms.Form):
    facts = _text(
        _("Facts"),
        required=_("Write the facts the issue rests on."),
        help_text=_("What the dossier and other sources show, with references."),
    )
    concern = _text(
        _("Concern"),
        required=_("Write the concern: what the SCA may find wanting."),
        help_text=_("What the institution is asked to explain."),
        rows=4,
    )
    principles = forms.MultipleChoiceField(
        label=_("Paris Principles"),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Choose principles from the list.")},
    )
    observations = forms.MultipleChoiceField(
        label=_("General Observations (2018)"),
        help_text=_("Hold Ctrl (or ⌘) to choose several."),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        error_messages={"invalid_choice": _("Choose General Observations from the list.")},
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principles"].choices = principle_choices()  # type: ignore[attr-defined]
        self.fields["observations"].choices = observation_choices()  # type: ignore[attr-defined]


class ShareSummaryForm(forms.Form):
    answers_due_on = _day(_("Answers due on (optional)"))

    def __init__(self, *args: Any, default: str, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["answers_due_on"].help_text = _(
            "Leave empty for the usual date: %(default)s."
        ) % {"default": default}


class IssueAnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        help_text=_("Say how the institution answers this concern, in law and in practice."),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 8, "dir": "auto"}),
    )


class AttachmentForm(forms.Form):
    # An empty file is left to the service, whose message says what to do.
    file = forms.FileField(
        label=_("Document"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a file to upload.")},
    )


class SubmissionForm(forms.Form):
    source_name = forms.CharField(
        label=_("Source"),
        help_text=_("Who sent it: an organisation, an authority, a person."),
        max_length=300,
        error_messages={"required": _("Name the source of the submission.")},
    )
    source_kind = forms.ChoiceField(
        label=_("Kind of source"),
        choices=[("", _("Choose the kind of source")), *SourceKind.choices],
        error_messages={"required": _("Choose the kind of source.")},
    )
    source_confidential = forms.BooleanField(
        label=_("Withhold the source from the institution"),
        required=False,
        initial=True,
    )
    received_on = _day(_("Received on"), required=True)
    content = _text(_("Full text"), required=_("Give the text of the submission."), rows=10)


class SanitiseForm(forms.Form):
    text = _text(
        _("Sanitised text"),
        required=_("Write the text the institution will be shown."),
        help_text=_("What the institution reads: nothing that identifies a withheld source."),
    )


class ShareSubmissionForm(forms.Form):
    comments_due_on = _day(
        _("Comments due on (optional)"),
        help_text=_(
            "Leave empty for three days before the session, or two weeks from today when "
            "that day has passed."
        ),
    )


class CommentForm(forms.Form):
    text = _text(
        _("Your comment"),
        required=_("Write your comment."),
        help_text=_("You may change it until the due date."),
    )
