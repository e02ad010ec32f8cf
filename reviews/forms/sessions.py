"""Forms of the session page: seating an SCA seat."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from institutions.models import Seat


def seat_label(seat: Seat) -> str:
    return _("%(institution)s, %(region)s: %(role)s") % {
        "institution": f"\u2068{seat.institution.name}\u2069",  # isolated in RTL text
        "region": seat.region,
        "role": seat.get_role_display(),
    }


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return seat_label(obj)


class SeatForm(forms.Form):
    seat = SeatChoiceField(
        label=_("SCA seat"),
        help_text=_(
            "The SCA seats whose term covers the session's first day and that do not sit yet."
        ),
        queryset=Seat.objects.none(),
        empty_label=_("Choose a seat"),
        error_messages={
            "required": _("Choose the seat to seat."),
            "invalid_choice": _("Choose one of the seats in the list."),
        },
    )

    def __init__(self, *args: Any, seats: QuerySet[Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["seat"].queryset = seats  # type: ignore[attr-defined]
