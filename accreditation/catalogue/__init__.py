"""The project's own copy of the standard: Paris Principles and General Observations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

CATALOGUE_DIR = Path(__file__).resolve().parent


def read_catalogue(version: int) -> dict[str, Any]:
    with open(CATALOGUE_DIR / f"criteria-{version}.yaml", encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def install_catalogue(version: int, principle_model: Any, observation_model: Any) -> None:
    """Load one version of the catalogue; existing rows are left as they are.

    Takes the model classes so that data migrations can pass their historical models.
    """
    data = read_catalogue(version)
    principles = {}
    for position, item in enumerate(data["principles"]):
        principles[item["key"]], _ = principle_model.objects.get_or_create(
            key=item["key"],
            defaults={"section": item["section"], "text": item["text"], "position": position},
        )
    observations = data["general_observations"]
    if observations["version"] != version:
        raise ValueError(f"criteria-{version}.yaml holds version {observations['version']}")
    for position, item in enumerate(observations["items"]):
        observation, created = observation_model.objects.get_or_create(
            version=version,
            number=item["number"],
            defaults={
                "title": item["title"],
                "text": item["text"],
                "confidence": item["confidence"],
                "position": position,
            },
        )
        if created:
            observation.principles.set([principles[key] for key in item["principles"]])
