import datetime as dt

import pytest

from accreditation.enums import Grade, Right, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from accreditation.status import status_on, statuses_on
from institutions.services import register_institution
from nhri_portal.errors import DomainError, NotPermitted
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

D = dt.date(2030, 5, 10)


def decide(institution, event=StatusEvent.GRADE, grade=Grade.NONE, on=D):
    return record_decision(
        institution=institution,
        event=event,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        by=None,
    )


def accredited(grade=Grade.A, held_on=dt.date(2020, 1, 1)):
    institution = InstitutionFactory()
    record_prior_status(institution=institution, grade=grade, held_on=held_on, note="", by=None)
    return institution


def test_a_downgrade_takes_effect_a_year_after_the_decision():
    institution = accredited(Grade.A)
    record = decide(institution, grade=Grade.B)
    assert record.effective_on == D + dt.timedelta(days=365)
    before = status_on(institution.pk, D + dt.timedelta(days=364))
    after = status_on(institution.pk, D + dt.timedelta(days=365))
    assert before.grade == Grade.A
    assert before.pending == record
    assert Right.VOTE in before.rights
    assert after.grade == Grade.B
    assert after.pending is None
    assert after.rights == (Right.ATTEND,)
    assert "Statute art. 18.1" in record.note


def test_an_upgrade_and_a_confirmation_take_effect_at_once():
    upgraded, confirmed = accredited(Grade.B), accredited(Grade.A)
    assert decide(upgraded, grade=Grade.A).effective_on == D
    assert decide(confirmed, grade=Grade.A).effective_on == D
    assert status_on(upgraded.pk, D).grade == Grade.A


def test_a_removal_waits_a_year_and_then_leaves_no_status():
    institution = accredited(Grade.A)
    record = decide(institution, event=StatusEvent.REMOVAL)
    assert record.effective_on == D + dt.timedelta(days=365)
    assert status_on(institution.pk, D + dt.timedelta(days=364)).grade == Grade.A
    gone = status_on(institution.pk, D + dt.timedelta(days=365))
    assert gone.grade == Grade.NONE
    assert gone.ended_by == StatusEvent.REMOVAL
    assert gone.rights == ()


def test_a_suspension_keeps_the_grade_and_withdraws_the_rights():
    institution = accredited(Grade.A)
    decide(institution, event=StatusEvent.SUSPENSION)
    status = status_on(institution.pk, D)
    assert status.grade == Grade.A
    assert status.suspended
    assert status.rights == ()
    assert status.chart_column == "suspended"
    decide(institution, event=StatusEvent.SUSPENSION_LIFTED, on=D + dt.timedelta(days=90))
    restored = status_on(institution.pk, D + dt.timedelta(days=90))
    assert not restored.suspended
    assert Right.HRC in restored.rights
    assert status_on(institution.pk, D + dt.timedelta(days=89)).suspended


def test_a_lapse_ends_the_accreditation_at_once():
    institution = accredited(Grade.B)
    decide(institution, event=StatusEvent.LAPSE)
    status = status_on(institution.pk, D)
    assert (status.grade, status.ended_by, status.is_accredited) == (
        Grade.NONE,
        StatusEvent.LAPSE,
        False,
    )
    assert status_on(institution.pk, D - dt.timedelta(days=1)).grade == Grade.B


def test_a_successor_institution_starts_with_no_status():
    old = accredited(Grade.A)
    new = register_institution(
        name="New Commission", country=old.country, region=old.region, predecessor=old, by=None
    )
    status = status_on(new.pk, D)
    assert status.grade == Grade.NONE
    assert not status.has_records
    assert status_on(old.pk, D).grade == Grade.A


def test_the_next_reaccreditation_is_five_years_after_the_decision():
    institution = accredited(Grade.B)
    decide(institution, grade=Grade.A)
    due = status_on(institution.pk, D).next_reaccreditation
    assert due is not None
    assert due.due_on == dt.date(2035, 5, 10)
    assert due.explain().startswith(
        "Next re-accreditation due 2035-05-10 = grade decided 2030-05-10 + 5 years"
    )


def test_no_reaccreditation_date_without_a_grade():
    assert status_on(InstitutionFactory().pk, D).next_reaccreditation is None


def test_status_of_many_institutions_matches_one_by_one():
    a, b, c = accredited(Grade.A), accredited(Grade.B), InstitutionFactory()
    decide(a, grade=Grade.C)
    decide(b, event=StatusEvent.SUSPENSION)
    for day in (D - dt.timedelta(days=1), D, D + dt.timedelta(days=365)):
        many = statuses_on([a.pk, b.pk, c.pk], day)
        for institution in (a, b, c):
            single = status_on(institution.pk, day)
            assert (
                many[institution.pk].grade,
                many[institution.pk].suspended,
                many[institution.pk].pending,
            ) == (single.grade, single.suspended, single.pending)


def test_status_records_are_append_only():
    record = decide(accredited(), grade=Grade.B)
    record.note = "changed"
    with pytest.raises(ValueError, match="append-only"):
        record.save()


def test_only_the_secretariat_or_the_rules_record_a_decision():
    institution = accredited()
    with pytest.raises(NotPermitted):
        record_decision(
            institution=institution,
            event=StatusEvent.GRADE,
            grade=Grade.B,
            decided_on=D,
            basis=StatusBasis.INITIAL,
            by=UserFactory(),
        )
    with pytest.raises(DomainError, match="must name the grade"):
        decide(institution, grade=Grade.NONE)
    assert institution.status_records.count() == 1
