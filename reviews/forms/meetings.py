"""Forms of the Bureau meetings: they check what a person typed; services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import Outcome
from reviews.services.conflicts import REASONS_MAX_CHARS
from reviews.services.decisions import BUREAU_OUTCOMES
from reviews.services.meetings import PLACE_MAX_CHARS, REFERENCE_MAX_CHARS

_TOO_LONG = _("Keep it to %(limit_value)d characters; it has %(show_value)d.")
ADOPT, OTHER = "adopt", "other"


class MeetingForm(forms.Form):
    held_on = forms.DateField(
        label=_("Held on"),
        help_text=_("The day of the meeting, as YYYY-MM-DD."),
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={
            "required": _("Give the day of the meeting."),
            "invalid": _("Give the day as YYYY-MM-DD."),
        },
    )
    reference = forms.CharField(
        label=_("Reference"),
        help_text=_("How its record of decisions is cited, e.g. “Bureau 2030/2”."),
        max_length=REFERENCE_MAX_CHARS,
        error_messages={
            "required": _("Give the meeting's reference."),
            "max_length": _TOO_LONG,
        },
    )
    place = forms.CharField(
        label=_("Place"),
        required=False,
        max_length=PLACE_MAX_CHARS,
        error_messages={"max_length": _TOO_LONG},
    )
    is_virtual = forms.BooleanField(label=_("Held online"), required=False)


class DecisionForm(forms.Form):
    """The Bureau's decision on one referred case: it adopts the recommendation or
    decides another status."""

    choice = forms.ChoiceField(
        label=_("The Bureau's decision"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the Bureau adopted the recommendation.")},
    )
    outcome = forms.ChoiceField(
        label=_("Another outcome"),
        help_text=_("Only a status: deferral and special review are for the SCA."),
        required=False,
    )
    reasons = forms.CharField(
        label=_("The Bureau's reasons"),
        help_text=_("Required when the Bureau decides otherwise than the SCA recommended."),
        required=False,
        max_length=REASONS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
        error_messages={"max_length": _TOO_LONG},
    )

    def __init__(self, *args: Any, review_pk: int, recommended: str, **kwargs: Any) -> None:
        # One form per case on the page: their fields need their own ids.
        kwargs.setdefault("auto_id", f"decide-{review_pk}-%s")
        super().__init__(*args, **kwargs)
        self.recommended = Outcome(recommended)
        choice = self.fields["choice"]
        assert isinstance(choice, forms.ChoiceField)
        choice.choices = [
            (
                ADOPT,
                _("Adopt the recommendation: %(outcome)s") % {"outcome": self.recommended.label},
            ),
            (OTHER, _("Decide another outcome")),
        ]
        outcome = self.fields["outcome"]
        assert isinstance(outcome, forms.ChoiceField)
        outcome.choices = [("", _("Choose an outcome"))] + [
            (each.value, each.label) for each in BUREAU_OUTCOMES
        ]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("choice") == ADOPT:
            data["outcome"] = self.recommended
        elif data.get("choice") == OTHER:
            if not data.get("outcome"):
                self.add_error("outcome", _("Choose the outcome the Bureau decided."))
            elif not (data.get("reasons") or "").strip():
                self.add_error(
                    "reasons",
                    _("Give the Bureau's reasons for deciding otherwise than the SCA recommended."),
                )
            else:
                data["outcome"] = Outcome(data["outcome"])
        return data

    def decision(self) -> dict[str, Any]:
        """What the service takes from the form."""
        return {"outcome": self.cleaned_data["outcome"], "reasons": self.cleaned_data["reasons"]}
