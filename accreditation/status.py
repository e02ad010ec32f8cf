"""The status of an institution on any day, derived from its status records.

Nothing stores "the current grade": it is folded from the append-only records
effective by the day asked, so the chart can be drawn for any past date and a
decision taken today with a future effective date shows up on that date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from accreditation import rulebook
from accreditation.enums import ACCREDITED_GRADES, Grade, Right, StatusEvent
from accreditation.models import StatusRecord

_FULL_RIGHTS = (Right.VOTE, Right.OFFICE, Right.HRC, Right.ATTEND)
_RIGHTS_BY_GRADE: dict[str, tuple[Right, ...]] = {
    Grade.A: _FULL_RIGHTS,
    Grade.A_RESERVE: _FULL_RIGHTS,  # as A, provisionally
    Grade.B: (Right.ATTEND,),
}


@dataclass(frozen=True)
class Status:
    """What an institution's accreditation is on one day."""

    day: dt.date
    grade: Grade = Grade.NONE
    suspended: bool = False
    ended_by: StatusEvent | None = None  # lapse, removal or withdrawal
    since: dt.date | None = None  # when the grade took effect
    decided_on: dt.date | None = None  # when the grade in force was decided
    pending: StatusRecord | None = None  # decided, not yet effective (a downgrade's year)
    has_records: bool = False
    records: tuple[StatusRecord, ...] = field(default=(), repr=False)

    @property
    def is_accredited(self) -> bool:
        return self.grade in ACCREDITED_GRADES

    @property
    def rights(self) -> tuple[Right, ...]:
        if self.suspended:
            return ()
        return _RIGHTS_BY_GRADE.get(self.grade, ())

    @property
    def next_reaccreditation(self) -> rulebook.Deadline | None:
        """Five years (by the rulebook) after the decision on the grade in force."""
        if not self.is_accredited or self.decided_on is None:
            return None
        return rulebook.compute(
            rulebook.RuleKey.REACCREDITATION_INTERVAL,
            anchor_on=self.decided_on,
            anchor_label=str(_("grade decided")),
        )

    @property
    def chart_column(self) -> str:
        """The column of the status chart that counts this institution."""
        if self.suspended and self.grade != Grade.NONE:
            return "suspended"
        return self.grade.value


def fold(records: Iterable[StatusRecord], day: dt.date) -> Status:
    """Fold records (of one institution, in any order) into its status on ``day``."""
    ordered = sorted(records, key=lambda r: (r.effective_on, r.id or 0))
    grade, suspended, ended_by = Grade.NONE, False, None
    since: dt.date | None = None
    decided_on: dt.date | None = None
    pending: StatusRecord | None = None
    effective: list[StatusRecord] = []
    for record in ordered:
        if record.effective_on > day:
            if pending is None and record.decided_on is not None and record.decided_on <= day:
                pending = record
            continue
        effective.append(record)
        event = StatusEvent(record.event)
        if event is StatusEvent.GRADE:
            grade, ended_by = Grade(record.grade), None
            since, decided_on = record.effective_on, record.decided_on
        elif event is StatusEvent.SUSPENSION:
            suspended = True
        elif event is StatusEvent.SUSPENSION_LIFTED:
            suspended = False
        else:  # lapse, removal, withdrawal: the accreditation ends
            grade, suspended, ended_by = Grade.NONE, False, event
            since, decided_on = record.effective_on, record.decided_on
    return Status(
        day=day,
        grade=grade,
        suspended=suspended,
        ended_by=ended_by,
        since=since,
        decided_on=decided_on,
        pending=pending,
        has_records=bool(effective),
        records=tuple(effective),
    )


def status_on(institution_id: int, day: dt.date) -> Status:
    return fold(StatusRecord.objects.filter(institution_id=institution_id), day)


def statuses_on(institution_ids: Iterable[int], day: dt.date) -> dict[int, Status]:
    """Status of many institutions in one query."""
    by_institution: dict[int, list[StatusRecord]] = {pk: [] for pk in institution_ids}
    records = StatusRecord.objects.filter(institution_id__in=list(by_institution)).filter(
        Q(effective_on__lte=day) | Q(decided_on__lte=day)
    )
    for record in records:
        by_institution[record.institution_id].append(record)
    return {pk: fold(rows, day) for pk, rows in by_institution.items()}
