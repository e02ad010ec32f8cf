"""Writing an institution's status. The only code that creates status records.

Reviews call :func:`record_decision` when a decision becomes final; the
accreditation app knows nothing of reviews beyond the reference it is given.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from accreditation import rulebook
from accreditation.enums import GRADE_RANK, Grade, StatusBasis, StatusEvent
from accreditation.models import StatusRecord
from accreditation.status import status_on
from institutions.models import Institution
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted

if TYPE_CHECKING:
    from django.contrib.auth.models import User


def effective_date(
    *, institution: Institution, event: StatusEvent, grade: Grade, decided_on: dt.date
) -> tuple[dt.date, str]:
    """When a decision takes effect, and why: a downgrade or removal waits (art. 18.1)."""
    current = status_on(institution.pk, decided_on)
    lowers_grade = event is StatusEvent.GRADE and GRADE_RANK[grade] < GRADE_RANK[current.grade]
    removes = event is StatusEvent.REMOVAL and current.is_accredited
    if lowers_grade or removes:
        deadline = rulebook.compute(
            rulebook.RuleKey.DOWNGRADE_TAKES_EFFECT,
            anchor_on=decided_on,
            anchor_label=_("decided"),
        )
        return deadline.due_on, deadline.explain()
    return decided_on, ""


@transaction.atomic
def record_decision(
    *,
    institution: Institution,
    event: StatusEvent,
    decided_on: dt.date,
    basis: StatusBasis,
    grade: Grade = Grade.NONE,
    reference: str = "",
    review_ref: int | None = None,
    note: str = "",
    by: User | None,
) -> StatusRecord:
    """Record a final decision on an institution's accreditation.

    Effects: one status record, effective at once or (downgrade, removal) a year later;
    the old grade stands meanwhile. ``by=None`` is the system (the deadline sweep).
    """
    if by is not None and not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat records status decisions."))
    if event is StatusEvent.GRADE and grade is Grade.NONE:
        raise DomainError(_("A grade decision must name the grade."))
    if event is not StatusEvent.GRADE and grade is not Grade.NONE:
        raise DomainError(_("Only a grade decision names a grade."))
    # Serialise decisions on one institution so the downgrade test sees the latest grade.
    Institution.objects.select_for_update().filter(pk=institution.pk).first()
    effective_on, why = effective_date(
        institution=institution, event=event, grade=grade, decided_on=decided_on
    )
    return StatusRecord.objects.create(
        institution=institution,
        event=event,
        grade=grade,
        basis=basis,
        decided_on=decided_on,
        effective_on=effective_on,
        reference=reference,
        review_ref=review_ref,
        note="\n".join(filter(None, [note, why])),
        recorded_at=clock.now(),
        recorded_by=by,
    )


def record_prior_status(
    *,
    institution: Institution,
    grade: Grade,
    held_on: dt.date,
    note: str,
    by: User | None,
) -> StatusRecord:
    """Record a grade the institution held before the portal's records begin.

    Effects: one status record with basis "recorded before the portal", no decision date.
    """
    if by is not None and not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat records status decisions."))
    return StatusRecord.objects.create(
        institution=institution,
        event=StatusEvent.GRADE,
        grade=grade,
        basis=StatusBasis.IMPORTED,
        decided_on=None,
        effective_on=held_on,
        note=note,
        recorded_at=clock.now(),
        recorded_by=by,
    )
