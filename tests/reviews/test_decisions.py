"""A final decision writes the institution's status: at once, or a year later for a
downgrade or a removal; the status chart and the case page follow."""

import csv
import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.html import escape

from accreditation import rulebook
from accreditation.enums import Grade, StatusEvent
from accreditation.services import record_prior_status
from accreditation.status import status_on
from nhri_portal import clock
from reviews.enums import Outcome
from reviews.services.decisions import decide_at_bureau_meeting
from reviews.services.meetings import schedule_meeting
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.pages import text, visit
from tests.reviews.test_meetings import HELD, NOTIFIED, referred

pytestmark = pytest.mark.django_db

YEAR_LATER = HELD + dt.timedelta(days=365)  # 2031-06-19, rulebook DOWNGRADE_TAKES_EFFECT


@pytest.fixture
def held_a(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    return cast


def bureau_decides(cast, outcome, recommended=Outcome.ACCREDIT_A):
    (review,) = referred(cast.review, outcome=recommended)
    with clock.as_of(HELD):
        meeting = schedule_meeting(
            held_on=HELD, reference="Bureau 2030/2", is_virtual=True, by=cast.secretariat
        )
        reasons = "" if outcome == recommended else "The Bureau differs."
        return decide_at_bureau_meeting(
            review=review, meeting=meeting, outcome=outcome, reasons=reasons, by=cast.secretariat
        )


def chart_grade(client, institution, day):
    """The grade and suspension the public status chart shows for ``institution`` on ``day``."""
    response = client.get(reverse("accreditation:chart_csv"), {"as_of": day.isoformat()})
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    found = [(row["grade"], row["suspended"]) for row in rows if row["institution"] == institution]
    return found[0] if found else None


def test_the_rule_in_force_makes_a_downgrade_wait_exactly_365_days():
    rule = rulebook.compute(
        rulebook.RuleKey.DOWNGRADE_TAKES_EFFECT, anchor_on=HELD, anchor_label="decided"
    )
    assert rule.due_on == YEAR_LATER


def test_a_downgrade_from_a_to_b_takes_effect_a_year_later_and_the_chart_follows(client, held_a):
    cast = held_a
    decision = bureau_decides(cast, Outcome.ACCREDIT_B)
    record = decision.status_record
    assert (record.event, record.grade, record.decided_on, record.effective_on) == (
        StatusEvent.GRADE,
        Grade.B,
        HELD,
        YEAR_LATER,
    )
    day_before = YEAR_LATER - dt.timedelta(days=1)
    assert status_on(cast.home.pk, day_before).grade == Grade.A
    assert status_on(cast.home.pk, day_before).pending == record
    assert status_on(cast.home.pk, YEAR_LATER).grade == Grade.B
    assert chart_grade(client, "Home Commission", day_before) == ("A", "no")
    assert chart_grade(client, "Home Commission", YEAR_LATER) == ("B", "no")


def test_a_removal_takes_effect_a_year_later_and_the_institution_leaves_the_chart(client, held_a):
    decision = bureau_decides(held_a, Outcome.REMOVE)
    assert decision.status_record.effective_on == YEAR_LATER
    assert chart_grade(client, "Home Commission", YEAR_LATER - dt.timedelta(days=1)) == ("A", "no")
    assert chart_grade(client, "Home Commission", YEAR_LATER) is None
    assert status_on(held_a.home.pk, YEAR_LATER).ended_by == StatusEvent.REMOVAL


def test_an_upgrade_takes_effect_on_the_day_of_the_meeting(client, cast):
    record_prior_status(
        institution=cast.home, grade=Grade.B, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    decision = bureau_decides(cast, Outcome.ACCREDIT_A, recommended=Outcome.ACCREDIT_B)
    assert decision.status_record.effective_on == HELD
    assert chart_grade(client, "Home Commission", HELD) == ("A", "no")
    assert chart_grade(client, "Home Commission", HELD - dt.timedelta(days=1)) == ("B", "no")


def test_the_case_page_says_when_a_downgrade_takes_effect_and_what_stands_until_then(
    client, held_a
):
    cast = held_a
    bureau_decides(cast, Outcome.ACCREDIT_B)
    page = reverse("reviews:case", args=[cast.review.pk])
    body = text(visit(client, cast.focal_point, page, on=HELD + dt.timedelta(days=1)))
    assert '<h2 id="decision-heading">Decision</h2>' in body
    assert "Accredit with B status" in body
    assert "Decided at a Bureau meeting" in body
    assert "<bdi>Bureau 2030/2/1</bdi>" in body
    assert 'Decided on</dt><dd><time datetime="2030-06-19">' in body
    assert 'Takes effect on <time datetime="2031-06-19">' in body
    assert "until then A stands." in body
    # Five years after the decision, by the rulebook.
    assert '<time datetime="2035-06-19">' in body
    assert "Next re-accreditation due 2035-06-19 = decided 2030-06-19 + 5 years" in body
    later = text(visit(client, cast.focal_point, page, on=YEAR_LATER))
    assert "until then" not in later
    assert 'Effective on</dt>\n        <dd><time datetime="2031-06-19">' in later


def test_a_deemed_adoption_shows_on_the_case_page_without_a_record_number(client, cast):
    procedure.notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=dt.date(2030, 5, 8))
    page = reverse("reviews:case", args=[cast.review.pk])
    body = text(visit(client, cast.secretariat, page, on=dt.date(2030, 5, 8)))
    assert escape("Deemed adopted when the Bureau window closed") in body
    assert "Record of decisions" not in body
    assert 'Effective on</dt>\n        <dd><time datetime="2030-05-07">' in body


def test_a_referred_case_names_the_next_bureau_meeting(client, cast):
    referred(cast.review)
    page = reverse("reviews:case", args=[cast.review.pk])
    body = text(visit(client, cast.focal_point, page, on=dt.date(2030, 5, 9)))
    assert "No meeting is scheduled yet." in body
    with clock.as_of(dt.date(2030, 5, 9)):
        schedule_meeting(
            held_on=HELD, reference="Bureau 2030/2", place="Geneva", by=cast.secretariat
        )
    body = text(visit(client, cast.focal_point, page, on=dt.date(2030, 5, 9)))
    assert 'The next meeting is Bureau 2030/2, on <time datetime="2030-06-19">' in body


def test_a_case_without_a_decision_has_no_decision_panel(client, cast):
    page = reverse("reviews:case", args=[cast.review.pk])
    assert "decision-heading" not in text(visit(client, cast.secretariat, page))
