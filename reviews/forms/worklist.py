"""The worklist's filters and sorting: a value the form does not know is reported, then
ignored, so a stale link still shows a list."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.enums import RegionCode
from reviews.enums import CLOSED_STATES, ReviewKind, ReviewState
from reviews.models import Session

OPEN_STATES = [(state.value, state.label) for state in ReviewState if state not in CLOSED_STATES]

SORTS = [
    ("deadline", _("Next deadline, soonest first")),
    ("institution", _("Institution")),
    ("session", _("Session, earliest first")),
    ("-session", _("Session, latest first")),
    ("state", _("State, in the order of the procedure")),
]


class SessionFilterField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class WorklistForm(forms.Form):
    q = forms.CharField(
        label=_("Institution"),
        help_text=_("Part of its name or acronym."),
        required=False,
        max_length=100,
    )
    state = forms.ChoiceField(
        label=_("State"),
        required=False,
        choices=[("", _("Every open state")), *OPEN_STATES],
        error_messages={
            "invalid_choice": _("There is no open state “%(value)s”; every state is shown.")
        },
    )
    session = SessionFilterField(
        label=_("Session"),
        required=False,
        queryset=Session.objects.order_by("-starts_on", "-pk"),
        empty_label=_("Every session"),
        error_messages={"invalid_choice": _("There is no such session; every session is shown.")},
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("Every region")), *RegionCode.choices],
        error_messages={
            "invalid_choice": _("There is no region “%(value)s”; every region is shown.")
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind of review"),
        required=False,
        choices=[("", _("Every kind")), *ReviewKind.choices],
        error_messages={
            "invalid_choice": _("There is no kind of review “%(value)s”; every kind is shown.")
        },
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=SORTS,
        error_messages={
            "invalid_choice": _("There is no sorting “%(value)s”; the list is sorted by deadline.")
        },
    )

    def filters(self) -> dict[str, Any]:
        """The values that are valid; the others are dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}
