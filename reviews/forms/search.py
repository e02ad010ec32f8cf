"""Precedent search's words and filters: a filter value the form does not know is
reported, then ignored, so a stale link still shows results."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from accreditation.models import GeneralObservation, Principle
from institutions.enums import RegionCode
from institutions.models import Institution
from reviews.enums import Outcome
from reviews.search import ParagraphFilters
from reviews.services.outcomes import GO_VERSION


class PrecedentSearchForm(forms.Form):
    q = forms.CharField(
        label=_("Words"),
        help_text=_(
            "Words of the paragraph, in any language. Put a phrase in quotes; put a minus "
            "before a word the paragraph must not contain."
        ),
        required=False,
        max_length=200,
    )
    go = forms.ChoiceField(
        label=_("General Observation"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no General Observation “%(value)s”; paragraphs citing any are shown."
            )
        },
    )
    principle = forms.ChoiceField(
        label=_("Paris Principle"),
        required=False,
        error_messages={
            "invalid_choice": _(
                "There is no Paris Principle “%(value)s”; paragraphs citing any are shown."
            )
        },
    )
    outcome = forms.ChoiceField(
        label=_("Outcome"),
        required=False,
        choices=[("", _("Every outcome")), *Outcome.choices],
        error_messages={
            "invalid_choice": _("There is no outcome “%(value)s”; every outcome is shown.")
        },
    )
    region = forms.ChoiceField(
        label=_("Region"),
        required=False,
        choices=[("", _("Every region")), *RegionCode.choices],
        error_messages={
            "invalid_choice": _("There is no region “%(value)s”; every region is shown.")
        },
    )
    institution = forms.TypedChoiceField(
        label=_("Institution"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={
            "invalid_choice": _(
                "There is no institution “%(value)s” among the results; every institution is shown."
            )
        },
    )
    year = forms.IntegerField(
        label=_("Year of the session"),
        required=False,
        min_value=1990,
        max_value=2200,
        error_messages={
            "invalid": _("The year must be a number such as 2007; every year is shown."),
            "min_value": _("The year must be 1990 or later; every year is shown."),
            "max_value": _("The year must be 2200 or earlier; every year is shown."),
        },
    )

    def __init__(self, *args: Any, institutions: QuerySet[Institution], **kwargs: Any) -> None:
        """``institutions``: those the reader finds paragraphs of (never another's name)."""
        super().__init__(*args, **kwargs)
        observations = GeneralObservation.objects.filter(version=GO_VERSION).order_by("position")
        self._choose(
            "go",
            _("Any General Observation"),
            [(o.number, f"{o.number} {o.title}") for o in observations],
        )
        principles = Principle.objects.order_by("position").values_list("key", flat=True)
        self._choose("principle", _("Any Paris Principle"), [(key, key) for key in principles])
        self._choose(
            "institution",
            _("Every institution"),
            [(i.pk, f"{i.name} ({_country(i)})") for i in institutions.order_by("name")],
        )

    def _choose(self, name: str, anything: str | Promise, choices: list[tuple[Any, str]]) -> None:
        field = self.fields[name]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", anything), *choices]

    def query_and_filters(self) -> tuple[str, ParagraphFilters]:
        """The words, and the filters that are valid (the others are dropped)."""
        self.is_valid()
        data = self.cleaned_data
        return data.get("q", ""), ParagraphFilters(
            observations=(data["go"],) if data.get("go") else (),
            principle=data.get("principle", ""),
            outcome=data.get("outcome", ""),
            region=data.get("region", ""),
            institution=data.get("institution"),
            year=data.get("year"),
        )

    def problems(self) -> list[str]:
        return [str(message) for messages in self.errors.values() for message in messages]


def _country(institution: Institution) -> str:
    return str(institution.country.name)  # type: ignore[attr-defined]
