"""The catalogue as choices: the principles and General Observations a text may cite."""

from __future__ import annotations

from django.utils.translation import gettext as _

from accreditation.models import GeneralObservation, Principle
from reviews.services.outcomes import GO_VERSION


def principle_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The Paris Principles grouped by section, labelled "B.3 — …"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for principle in Principle.objects.order_by("position"):
        label = f"{principle.key} — {principle.text[:90]}"
        groups.setdefault(principle.section, []).append((principle.key, label))
    return [
        (str(_("Section %(section)s") % {"section": section}), options)
        for section, options in groups.items()
    ]


def observation_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """The General Observations in force grouped by part, labelled "GO 1.8 — title"."""
    groups: dict[str, list[tuple[str, str]]] = {}
    for go in GeneralObservation.objects.filter(version=GO_VERSION).order_by("position"):
        part = go.number.split(".")[0]
        groups.setdefault(part, []).append((go.number, f"GO {go.number} — {go.title}"))
    return [(str(_("Part %(part)s") % {"part": part}), options) for part, options in groups.items()]
