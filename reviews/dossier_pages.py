"""What the dossier pages show, each loaded in a fixed number of queries however many
answers, documents and versions the dossier holds."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import (
    Case,
    IntegerField,
    Prefetch,
    QuerySet,
    Value,
    When,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accreditation.models import GeneralObservation, Principle
from reviews.enums import OPTIONAL_THEMES, THEME_CRITERIA, DocumentSlot, ReviewState, Theme
from reviews.models import (
    ComplianceAnswer,
    Document,
    DocumentVersion,
    Dossier,
    Review,
    ReviewEvent,
)
from reviews.permissions import DRAFT_STATES
from reviews.services.dossiers import Part, checklist, dossier_for

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# The General Observations the Statement of Compliance answers to.
GENERAL_OBSERVATIONS_VERSION = 2018

SLOT_PURPOSE = {
    DocumentSlot.FOUNDING_LAW: _(
        "The constitutional provision, law or decree that establishes the institution and "
        "sets its mandate, composition and powers, as in force today."
    ),
    DocumentSlot.ORGANISATION_CHART: _(
        "How the institution is organised, with the number of staff in each unit and how "
        "many are seconded from the government."
    ),
    DocumentSlot.BUDGET: _(
        "The institution's budget for the current and the previous year, with where its "
        "funds come from and who approves them."
    ),
    DocumentSlot.ANNUAL_REPORT: _(
        "The latest annual report the institution has published, as it was published."
    ),
    DocumentSlot.INTERNAL_RULES: _(
        "The rules of procedure and other internal rules on how the institution works and "
        "takes decisions."
    ),
    DocumentSlot.STRATEGIC_PLAN: _("The institution's current strategic or operational plan."),
    DocumentSlot.FOLLOW_UP: _(
        "What the institution has done about the recommendations of its previous review."
    ),
    DocumentSlot.OTHER: _("Any other document the Sub-Committee should read."),
}


def versions_with_uploader() -> Prefetch:
    return Prefetch("versions", queryset=DocumentVersion.objects.select_related("uploaded_by"))


def load_dossier(review: Review) -> Dossier:
    """The dossier with its answers, documents and versions, and who made them."""
    dossier = dossier_for(review)
    prefetch_related_objects(
        [dossier],
        "submitted_by",
        Prefetch("answers", queryset=ComplianceAnswer.objects.select_related("updated_by")),
        Prefetch("documents", queryset=Document.objects.prefetch_related(versions_with_uploader())),
    )
    return dossier


def is_draft(review: Review) -> bool:
    return review.state in DRAFT_STATES


@dataclass(frozen=True)
class Change:
    by: User
    at: dt.datetime


@dataclass(frozen=True)
class Task:
    part: Part
    url: str
    change: Change | None
    not_needed: bool = False  # the complaints theme, when the institution handles none
    answer: ComplianceAnswer | None = None
    documents: tuple[Document, ...] = ()


def part_url(review: Review, part: Part) -> str:
    if part.kind == "document":
        return reverse("reviews:documents", args=[review.pk, part.key])
    if part.key in Theme.values:
        return reverse("reviews:statement", args=[review.pk, part.key])
    return reverse("reviews:dossier", args=[review.pk]) + "#complaints"


def tasks(review: Review, dossier: Dossier) -> list[Task]:
    """Every part of the dossier, with who last changed it and when. ``dossier`` comes
    from :func:`load_dossier`."""
    answers = {answer.theme: answer for answer in dossier.answers.all()}
    by_slot: dict[str, list[Document]] = {}
    for document in dossier.documents.all():
        by_slot.setdefault(document.slot, []).append(document)
    found = []
    for part in checklist(dossier):
        if part.kind == "answer":
            answer = answers.get(part.key)
            change = Change(answer.updated_by, answer.updated_at) if answer else None
            not_needed = part.key in OPTIONAL_THEMES and dossier.handles_complaints is False
            found.append(Task(part, part_url(review, part), change, not_needed, answer=answer))
        else:
            documents = by_slot.get(part.key, [])
            versions = [v for d in documents for v in d.versions.all()]
            latest = max(versions, key=lambda v: v.uploaded_at, default=None)
            change = Change(latest.uploaded_by, latest.uploaded_at) if latest else None
            found.append(Task(part, part_url(review, part), change, documents=tuple(documents)))
    return found


def reopened_because(review: Review) -> ReviewEvent | None:
    """Why the secretariat sent a submitted dossier back, while it is open again."""
    if review.state != ReviewState.DOSSIER:
        return None
    return (
        review.events.filter(to_state=ReviewState.DOSSIER)
        .exclude(reason="")
        .select_related("by")
        .order_by("-at", "-pk")
        .first()
    )


@dataclass(frozen=True)
class Criteria:
    principles: list[Principle]
    general_observations: list[GeneralObservation]


def criteria_of(theme: Theme) -> Criteria:
    """The Paris Principles and General Observations a theme answers to."""
    keys, numbers = THEME_CRITERIA[theme]
    return Criteria(
        principles=list(Principle.objects.filter(key__in=keys)),
        general_observations=list(
            GeneralObservation.objects.filter(
                version=GENERAL_OBSERVATIONS_VERSION, number__in=numbers
            )
        ),
    )


def documents_in(dossier: Dossier, slot: DocumentSlot) -> list[Document]:
    """The documents of one slot, each with its versions and who uploaded them."""
    return list(dossier.documents.filter(slot=slot).prefetch_related(versions_with_uploader()))


def document_choices(dossier: Dossier) -> QuerySet[Document]:
    """The documents an answer may cite, in the order of the task list, with what names
    them."""
    in_task_order = Case(
        *(When(slot=slot, then=Value(n)) for n, slot in enumerate(DocumentSlot)),
        output_field=IntegerField(),
    )
    return dossier.documents.prefetch_related("versions").order_by(in_task_order, "created_at")


def document_name(document: Document) -> str:
    """The title, else the name of the latest file. Reads prefetched versions."""
    versions = list(document.versions.all())
    return document.title or (versions[-1].original_name if versions else str(document))


def document_label(document: Document) -> str:
    """``Budget: budget-2007.pdf``, where the slot is not said around it."""
    return f"{document.get_slot_display()}: {document_name(document)}"
