from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accreditation.enums import Grade
from accreditation.models import Rule
from institutions.enums import InstitutionKind, RegionCode

_ISO_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


class ChartDayForm(forms.Form):
    """The day a chart is drawn for: ``YYYY-MM-DD`` and nothing else; empty means today."""

    as_of = forms.CharField(label=_("As of"), required=False)

    def clean_as_of(self) -> dt.date | None:
        raw = self.cleaned_data["as_of"]
        if not raw:
            return None
        try:
            if not _ISO_DAY.fullmatch(raw):
                raise ValueError(raw)
            return dt.date.fromisoformat(raw)
        except ValueError:
            raise ValidationError(
                _("“%(value)s” is not a date. Give the day as YYYY-MM-DD, for example 2007-07-31."),
                code="invalid",
                params={"value": raw[:40]},
            ) from None


class DirectoryFilterForm(forms.Form):
    """Filters of the register. A value it does not know is reported, then ignored."""

    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("All regions")), *RegionCode.choices],
        error_messages={
            "invalid_choice": _(
                "There is no region “%(value)s”; institutions of all regions are shown."
            )
        },
    )
    grade = forms.ChoiceField(
        label=_("Status"),
        required=False,
        # The columns of the status chart: a suspended institution is "suspended",
        # whatever grade it keeps (see Status.chart_column).
        choices=[("", _("Any status")), *Grade.choices, ("suspended", _("Suspended"))],
        error_messages={
            "invalid_choice": _(
                "There is no status “%(value)s”; institutions of any status are shown."
            )
        },
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        required=False,
        choices=[("", _("Any kind")), *InstitutionKind.choices],
        error_messages={
            "invalid_choice": _("There is no kind “%(value)s”; institutions of any kind are shown.")
        },
    )

    def filters(self) -> dict[str, str]:
        """The filters that are valid; the others are dropped."""
        self.is_valid()
        return {name: value for name, value in self.cleaned_data.items() if value}

    def problems(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


class RuleAdminForm(forms.ModelForm):
    """What the secretariat may change of a rule; the rest is fixed by the rulebook."""

    class Meta:
        model = Rule
        fields = ["label", "value", "source", "confidence", "note"]
        error_messages = {
            "value": {"min_value": _("A rule cannot count a negative number.")},
        }
