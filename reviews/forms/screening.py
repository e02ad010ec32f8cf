"""The secretariat's screening forms: they check what was typed; the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from nhri_portal import clock
from reviews.services.screening import Part, part_label, parts_in_order

# How long the institution has, by default, to send back what is missing.
DEFAULT_DAYS_TO_ANSWER = 14
NOTE_MAX_CHARS = 2_000


class CompleteForm(forms.Form):
    note = forms.CharField(
        label=_("Note to the institution (optional)"),
        help_text=_("Sent with the acknowledgement that the dossier is complete."),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ReturnForm(forms.Form):
    """One checkbox and one note per part of the dossier, the due date and a note."""

    due_on = forms.DateField(
        label=_("Send back by"),
        help_text=_("The day by which the institution must send the missing items."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={
            "required": _("Give the day by which the missing items are due."),
            "invalid": _("Write the date as year-month-day, for example 2030-01-31."),
        },
    )
    note = forms.CharField(
        label=_("General note to the institution (optional)"),
        required=False,
        max_length=NOTE_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault(
            "initial", {"due_on": clock.today() + dt.timedelta(days=DEFAULT_DAYS_TO_ANSWER)}
        )
        super().__init__(*args, **kwargs)
        self.parts: list[Part] = parts_in_order()
        for part in self.parts:
            label = part_label(part)
            self.fields[f"return-{part}"] = forms.BooleanField(label=label, required=False)
            self.fields[f"note-{part}"] = forms.CharField(
                label=_("What is missing in “%(part)s”") % {"part": label},
                required=False,
                max_length=NOTE_MAX_CHARS,
                widget=forms.Textarea(attrs={"rows": 2}),
            )

    def part_rows(self) -> list[tuple[forms.BoundField, forms.BoundField]]:
        return [(self[f"return-{part}"], self[f"note-{part}"]) for part in self.parts]

    def clean_due_on(self) -> dt.date:
        due_on: dt.date = self.cleaned_data["due_on"]
        if due_on < clock.today():
            raise forms.ValidationError(_("The due date cannot be a day that has passed."))
        return due_on

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for part in self.parts:
            if cleaned.get(f"note-{part}", "").strip() and not cleaned.get(f"return-{part}"):
                self.add_error(
                    f"note-{part}",
                    _("Tick “%(part)s” to return it, or clear this note.")
                    % {"part": part_label(part)},
                )
        if not self.items():
            self.add_error(None, _("Say what is missing: tick at least one part of the dossier."))
        return cleaned

    def items(self) -> list[tuple[Part, str]]:
        """The ticked parts, each with its note."""
        data = getattr(self, "cleaned_data", {})
        return [
            (part, data.get(f"note-{part}", ""))
            for part in self.parts
            if data.get(f"return-{part}")
        ]
