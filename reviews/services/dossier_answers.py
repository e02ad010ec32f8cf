"""Answers on the dossier that are not a theme of the Statement of Compliance."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

# Module-private helpers of the dossier services: the same rules of who may work on a
# dossier, and when the first piece of work starts it, hold for these answers.
from reviews.services.dossiers import _require_editor, _start, dossier_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from reviews.models import Dossier, Review


@transaction.atomic
def set_handles_complaints(*, review: Review, value: bool, by: User) -> Dossier:
    """Say whether the institution handles individual complaints (Paris Principles,
    section D); the answer makes the complaints theme required or optional.

    Effects: the dossier's answer and its history row, the review started.
    """
    _require_editor(review, by)
    _start(review, by)
    dossier = dossier_for(review)
    dossier.handles_complaints = value
    dossier.save(update_fields=["handles_complaints"])
    return dossier
