"""Forms of the conflicts of interest: they check what a person typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from institutions.models import Seat
from reviews.services.conflicts import REASONS_MAX_CHARS

_TOO_LONG = _("Keep it to %(limit_value)d characters; it has %(show_value)d.")


def seat_label(seat: Seat) -> str:
    people = ", ".join(
        person.get_full_name() or person.get_username() for person in seat.people.all()
    )
    return _("%(region)s: %(institution)s, %(role)s (%(people)s)") % {
        "region": seat.region,
        "institution": seat.institution.name,
        "role": seat.get_role_display(),
        "people": people or _("nobody named yet"),
    }


class SeatChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return seat_label(obj)


def _text(label: Any, help_text: Any, required: Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        help_text=help_text,
        max_length=REASONS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={"required": required, "max_length": _TOO_LONG},
    )


class ObjectionForm(forms.Form):
    seat = SeatChoiceField(
        label=_("The member you object to"),
        queryset=Seat.objects.none(),
        empty_label=_("Choose a member"),
        error_messages={"required": _("Choose the member you object to.")},
    )
    reasons = _text(
        _("Why this member should not take part in your review"),
        _("The secretariat and the Bureau read this; the member does not."),
        _("Give the reasons for the objection."),
    )

    def __init__(self, *args: Any, seats: list[Seat], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["seat"]
        assert isinstance(field, SeatChoiceField)
        field.queryset = (
            Seat.objects.filter(pk__in=[seat.pk for seat in seats])
            .select_related("institution", "region")
            .prefetch_related("people")
        )


class RulingForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("The Bureau's ruling"),
        choices=[("yes", _("Upheld: the member does not take part")),
                 ("no", _("Rejected: the member takes part"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the Bureau upheld the objection.")},
    )  # fmt: skip
    ruled_on = forms.DateField(
        label=_("Ruled on"),
        help_text=_("The day of the Bureau's ruling, as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the day of the ruling."),
            "invalid": _("Give the day as YYYY-MM-DD."),
        },
    )
    reasons = _text(
        _("The Bureau's reasons"),
        _("The institution reads them."),
        _("Give the Bureau's reasons."),
    )

    def __init__(self, *args: Any, objection_pk: int, **kwargs: Any) -> None:
        # One form per objection on the page: their fields need their own ids.
        kwargs.setdefault("auto_id", f"ruling-{objection_pk}-%s")
        super().__init__(*args, **kwargs)


class RecusalForm(forms.Form):
    """The secretariat records a conflict a member declared to it."""

    seat = SeatChoiceField(
        label=_("The member who does not take part"),
        queryset=Seat.objects.none(),
        empty_label=_("Choose a member"),
        error_messages={"required": _("Choose the member who does not take part.")},
    )
    note = _text(
        _("The conflict of interest"),
        _("Only the secretariat reads this."),
        _("Say what the conflict of interest is."),
    )

    def __init__(self, *args: Any, seats: list[Seat], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "recusal-%s")
        super().__init__(*args, **kwargs)
        field = self.fields["seat"]
        assert isinstance(field, SeatChoiceField)
        field.queryset = (
            Seat.objects.filter(pk__in=[seat.pk for seat in seats])
            .select_related("institution", "region")
            .prefetch_related("people")
        )


class DeclareForm(forms.Form):
    """A member declares their own conflict of interest in a case."""

    note = _text(
        _("Your conflict of interest"),
        _("Only the secretariat reads this. Once you send it, you no longer see the case."),
        _("Say what the conflict of interest is."),
    )
