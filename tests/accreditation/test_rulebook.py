import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accreditation import rulebook
from accreditation.enums import Direction, RuleUnit
from accreditation.models import Rule
from accreditation.rulebook import RuleKey
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import ReviewState
from reviews.services.challenges import lodge_challenge
from tests import procedure

pytestmark = pytest.mark.django_db


def test_every_rule_of_the_procedure_is_in_the_rulebook_with_source_and_confidence():
    rules = {rule.key: rule for rule in Rule.objects.all()}
    assert set(rules) == {rule.key for rule in rulebook.DEFAULT_RULES}
    assert rules[RuleKey.CHALLENGE_WINDOW].value == 28
    assert rules[RuleKey.BUREAU_WINDOW].value == 20
    assert rules[RuleKey.REFERRAL_MIN_OBJECTORS].value == 4
    assert rules[RuleKey.REFERRAL_MIN_REGIONS].value == 2
    assert rules[RuleKey.DOWNGRADE_TAKES_EFFECT].value == 365
    assert rules[RuleKey.REACCREDITATION_INTERVAL].unit == RuleUnit.YEARS
    assert all(rule.source and rule.confidence for rule in rules.values())


def test_a_challenge_window_explains_itself():
    deadline = rulebook.compute(
        RuleKey.CHALLENGE_WINDOW, anchor_on=dt.date(2007, 3, 23), anchor_label="notified"
    )
    assert deadline.due_on == dt.date(2007, 4, 20)
    assert deadline.explain() == (
        "Challenge window closes 2007-04-20 = notified 2007-03-23 + 28 calendar days, "
        "Statute art. 12.1, reported"
    )


@pytest.mark.parametrize(
    ("notified", "last_open_day"),
    [
        (dt.date(2007, 3, 23), dt.date(2007, 4, 20)),
        (dt.date(2024, 2, 1), dt.date(2024, 2, 29)),  # leap year: 29 February counts
        (dt.date(2023, 2, 1), dt.date(2023, 3, 1)),  # no 29 February
        (dt.date(2025, 12, 10), dt.date(2026, 1, 7)),  # across the year's end
        (dt.date(2025, 1, 31), dt.date(2025, 2, 28)),
    ],
)
def test_the_challenge_window_counts_calendar_days(notified, last_open_day):
    deadline = rulebook.compute(RuleKey.CHALLENGE_WINDOW, anchor_on=notified, anchor_label="n")
    assert deadline.due_on == last_open_day
    assert deadline.is_open_on(notified + dt.timedelta(days=28))
    assert not deadline.is_open_on(notified + dt.timedelta(days=29))


def test_a_challenge_is_accepted_on_day_28_and_refused_on_day_29(cast):
    notified_on = dt.date(2030, 3, 20)
    review = procedure.notified(cast.review, on=notified_on)
    with clock.as_of(notified_on + dt.timedelta(days=29)), pytest.raises(DomainError) as refused:
        lodge_challenge(review=review, reasons="Late.", by=cast.focal_point)
    assert "closed on 2030-04-17" in str(refused.value)
    with clock.as_of(notified_on + dt.timedelta(days=28)):
        challenge = lodge_challenge(
            review=review, reasons="The SCA misread our law.", by=cast.focal_point
        )
    assert challenge.lodged_on == dt.date(2030, 4, 17)
    assert review.state == ReviewState.NOTIFIED


def test_session_deadlines_count_back_from_the_first_day():
    due = rulebook.compute(RuleKey.DOSSIER_DUE, anchor_on=dt.date(2024, 5, 6), anchor_label="s")
    objection = rulebook.compute(
        RuleKey.MEMBER_OBJECTION_CUTOFF, anchor_on=dt.date(2024, 3, 11), anchor_label="s"
    )
    assert due.due_on == dt.date(2024, 1, 7)  # 120 days back across the leap day
    assert objection.due_on == dt.date(2024, 2, 19)
    assert objection.explain().startswith(
        "Institution's objection to an SCA member for conflict of interest 2024-02-19 = "
        "s 2024-03-11 − 21 calendar days"  # noqa: RUF001 (the true minus sign)
    )


def test_five_years_from_29_february_is_28_february():
    assert rulebook.shift(dt.date(2024, 2, 29), 5, RuleUnit.YEARS, Direction.AFTER) == dt.date(
        2029, 2, 28
    )


def test_an_edited_rule_applies_to_new_deadlines_and_leaves_set_ones_alone(cast):
    review = procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    Rule.objects.filter(key=RuleKey.CHALLENGE_WINDOW).update(value=40)
    kept = review.deadlines.get(rule_key=RuleKey.CHALLENGE_WINDOW)
    assert kept.due_on == dt.date(2030, 4, 17)
    assert "+ 28 calendar days" in kept.explain()
    fresh = rulebook.compute(
        RuleKey.CHALLENGE_WINDOW, anchor_on=dt.date(2030, 3, 20), anchor_label="notified"
    )
    assert fresh.due_on == dt.date(2030, 4, 29)


def test_a_negative_number_of_days_is_refused_by_validation_and_by_the_database():
    rule = Rule.objects.get(key=RuleKey.CHALLENGE_WINDOW)
    rule.value = -3
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert "value" in error.value.message_dict
    with transaction.atomic(), pytest.raises(IntegrityError):
        Rule.objects.filter(pk=rule.pk).update(value=-3)
    assert Rule.objects.get(pk=rule.pk).value == 28


def test_a_threshold_of_zero_objectors_is_refused():
    rule = Rule.objects.get(key=RuleKey.REFERRAL_MIN_OBJECTORS)
    rule.value = 0
    with pytest.raises(ValidationError) as error:
        rule.full_clean()
    assert error.value.message_dict["value"] == ["A threshold must be at least 1."]
