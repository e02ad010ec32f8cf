import datetime as dt
import os
import subprocess
import sys
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accreditation.rulebook import RuleKey
from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import DocumentSlot, ReviewState, Vote
from reviews.models import MailKind, OutgoingMessage, Review, ReviewDeadline, SummaryIssue
from reviews.services.bureau import bureau_window, cast_vote
from reviews.services.challenges import lodge_challenge
from reviews.services.outbox import secretariat_addresses
from reviews.services.reminders import due_reminders, reminder_due
from reviews.services.screening import return_dossier
from reviews.services.summaries import add_issue, save_answer, send_answers, share_summary
from reviews.services.sweep import process_deadlines
from reviews.services.transitions import transition
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)
NOTIFIED = dt.date(2030, 3, 20)


def reminders(prefix: str = "reminder:") -> list[tuple[str, str]]:
    """(key, address) of every reminder written, in order."""
    rows = OutgoingMessage.objects.filter(kind=MailKind.REMINDER, key__startswith=prefix)
    return list(rows.order_by("pk").values_list("key", "to"))


def dossier_key(review: Review, sign: str) -> str:
    return f"reminder:dossier:{review.pk}:{RuleKey.DOSSIER_DUE}:{sign}"


@pytest.fixture
def due(cast):
    return cast.review.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).due_on


# --- which reminder a day calls for ---


@pytest.mark.parametrize(
    ("today", "expected"),
    [(-8, ""), (-7, "-7"), (-3, "-7"), (-1, "-1"), (0, "-1"), (1, "+1"), (9, "+1")],
)
def test_a_day_calls_for_the_nearest_reminder_of_a_deadline(today, expected):
    due_on = dt.date(2030, 1, 10)
    day = due_on + dt.timedelta(days=today)
    assert reminder_due(due_on=due_on, today=day, before=(7, 1), after=(1,)) == expected


def test_after_a_deadline_only_the_largest_offset_passed_is_due():
    due_on = dt.date(2030, 1, 10)
    assert reminder_due(due_on=due_on, today=due_on + 10 * DAY, before=(), after=(1, 7)) == "+7"
    assert reminder_due(due_on=due_on, today=due_on + 10 * DAY, before=(7, 1)) == ""


# --- the dossier ---


def test_the_dossier_is_reminded_seven_days_and_one_day_before_it_is_due(
    cast, due, django_capture_on_commit_callbacks
):
    review, focal = cast.review, cast.focal_point.email
    process_deadlines(as_of=due - 8 * DAY)
    assert reminders() == []

    report = process_deadlines(as_of=due - 7 * DAY)
    process_deadlines(as_of=due - 7 * DAY)  # a second sweep that day sends nothing more
    assert reminders() == [(dossier_key(review, "-7"), focal)]
    assert report.actions == [
        f"HOME: dossier due on {due}, reminder at -7 days to the focal points (1 mail(s))"
    ]

    process_deadlines(as_of=due - 3 * DAY)
    assert len(reminders()) == 1

    with django_capture_on_commit_callbacks(execute=True):
        process_deadlines(as_of=due - DAY)
    assert reminders() == [(dossier_key(review, "-7"), focal), (dossier_key(review, "-1"), focal)]
    message = OutgoingMessage.objects.get(key=dossier_key(review, "-1"))
    assert message.review == review
    assert message.recipient == cast.focal_point
    assert message.language == "en"
    assert message.subject == "Reminder: the dossier of HOME is due on 11 November 2029"
    assert "is due on 11 November 2029" in message.body
    assert f"http://localhost:8000/reviews/{review.pk}/dossier/" in message.body
    assert [(m.to, m.subject) for m in mail.outbox] == [([focal], message.subject)]  # sent


def test_a_submitted_dossier_gets_no_reminder_before_or_after_its_day(cast, due):
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    for day in (due - 7 * DAY, due - DAY, due + DAY, due + 30 * DAY):
        process_deadlines(as_of=day)
    assert reminders() == []


def test_a_withdrawn_review_gets_nothing(cast, due):
    with clock.as_of(due - 10 * DAY):
        transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
    for day in (due - 7 * DAY, due - DAY, due + DAY, due + 30 * DAY):
        process_deadlines(as_of=day)
    assert reminders() == []


def test_an_overdue_dossier_is_reminded_the_day_after_to_the_focal_points_and_the_secretariat(
    cast, due
):
    cast.home.working_language = "fr"
    cast.home.save()
    process_deadlines(as_of=due)  # the last day: the 1-day reminder, not yet overdue
    assert reminders() == [(dossier_key(cast.review, "-1"), cast.focal_point.email)]

    process_deadlines(as_of=due + DAY)
    process_deadlines(as_of=due + 2 * DAY)
    overdue = OutgoingMessage.objects.filter(key=dossier_key(cast.review, "+1")).order_by("to")
    assert {(m.to, m.language) for m in overdue} == {
        (cast.focal_point.email, "fr"),
        (cast.secretariat.email, "en"),
    }
    to_institution = overdue.get(to=cast.focal_point.email)
    assert "11 novembre 2029" in to_institution.body  # the date in the institution's language
    to_secretariat = overdue.get(to=cast.secretariat.email)
    assert "was due on 11 November 2029 and is still outstanding" in to_secretariat.body
    assert "the dossier" in to_secretariat.body


def test_a_sweep_that_missed_days_sends_only_the_nearest_reminder(cast, due):
    process_deadlines(as_of=due - DAY)  # nothing ran a week before
    process_deadlines(as_of=due)
    assert reminders() == [(dossier_key(cast.review, "-1"), cast.focal_point.email)]


def test_a_deadline_already_past_when_the_portal_learnt_of_it_gets_nothing(cast, due):
    ReviewDeadline.objects.filter(review=cast.review, rule_key=RuleKey.DOSSIER_DUE).update(
        set_at=dt.datetime(2029, 12, 1, tzinfo=dt.UTC)
    )
    process_deadlines(as_of=dt.date(2029, 12, 2))
    assert reminders() == []


def test_the_offsets_are_settings(cast, due, settings):
    settings.NHRI_REMINDER_DAYS_BEFORE = (3,)
    settings.NHRI_REMINDER_DAYS_AFTER = (2,)
    for day in (due - 7 * DAY, due - 4 * DAY):
        process_deadlines(as_of=day)
    assert reminders() == []
    for day in (due - 3 * DAY, due - DAY, due + DAY):
        process_deadlines(as_of=day)
    assert [key for key, _to in reminders()] == [dossier_key(cast.review, "-3")]
    process_deadlines(as_of=due + 2 * DAY)
    assert [key for key, _to in reminders()] == [
        dossier_key(cast.review, "-3"),
        dossier_key(cast.review, "+2"),
        dossier_key(cast.review, "+2"),
    ]


def test_a_bad_offset_setting_stops_the_start_with_a_clear_message():
    env = {k: v for k, v in os.environ.items() if k not in {"DEBUG", "DATABASE_URL", "REDIS_URL"}}
    env.update(
        SECRET_KEY="k", DJANGO_SETTINGS_MODULE="nhri_portal.settings", NHRI_REMINDER_DAYS_AFTER="0"
    )
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"],
        capture_output=True,
        text=True,
        env={**env, "NHRI_REMINDER_DAYS_BEFORE": "7,one"},
        check=False,
    )
    assert result.returncode != 0
    assert "NHRI_REMINDER_DAYS_BEFORE must list whole numbers of days" in result.stderr
    assert "'7,one'" in result.stderr


def test_the_command_sends_the_reminders_of_the_day_it_is_given(cast, due):
    out = StringIO()
    call_command("process_deadlines", "--as-of", (due - 7 * DAY).isoformat(), stdout=out)
    assert "HOME: dossier due on 2029-11-11, reminder at -7 days" in out.getvalue()
    assert reminders() == [(dossier_key(cast.review, "-7"), cast.focal_point.email)]


# --- a returned dossier, the answers to the summary ---


def test_a_returned_dossier_is_reminded_of_its_missing_items_not_of_the_old_due_date(cast, due):
    review = procedure.advance(cast.review, ReviewState.SUBMITTED)
    back_by = due + 20 * DAY
    with clock.as_of(due + 2 * DAY):
        screening = return_dossier(
            review=review,
            by=cast.secretariat,
            items=[(DocumentSlot.BUDGET, "The 2029 budget.")],
            due_on=back_by,
        )
    process_deadlines(as_of=back_by - 7 * DAY)
    key = f"reminder:return:{screening.pk}:returned-items-due:-7"
    assert reminders() == [(key, cast.focal_point.email)]
    body = OutgoingMessage.objects.get(key=key).body
    assert "- Budget: The 2029 budget." in body
    assert "again by 1 December 2029" in body

    process_deadlines(as_of=back_by + DAY)
    assert [to for key, to in reminders("reminder:return:") if key.endswith("+1")] == [
        cast.focal_point.email,
        *secretariat_addresses(),
    ]
    assert reminders("reminder:dossier:") == []


@pytest.fixture
def shared(cast):
    review = procedure.advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
    on = review.session.starts_on - 20 * DAY
    with clock.as_of(on):
        issue = add_issue(
            review=review, facts="Facts.", concern="Concern.", principles=[], observations=[],
            by=cast.secretariat,
        )  # fmt: skip
        share_summary(review=review, by=cast.secretariat, answers_due_on=on + 10 * DAY)
    return review, SummaryIssue.objects.get(pk=issue.pk), on + 10 * DAY


def test_the_answers_to_the_summary_are_reminded_until_they_are_sent(cast, shared):
    review, issue, answers_due = shared
    process_deadlines(as_of=answers_due - 7 * DAY)
    key = f"reminder:answers:{review.pk}:{RuleKey.SUMMARY_RESPONSE_DUE}:-7"
    assert reminders() == [(key, cast.focal_point.email)]
    assert f"/reviews/{review.pk}/summary/" in OutgoingMessage.objects.get(key=key).body
    with clock.as_of(answers_due - 2 * DAY):
        save_answer(issue=issue, text="Our answer.", by=cast.focal_point)
        send_answers(review=review, by=cast.focal_point)
    process_deadlines(as_of=answers_due - DAY)
    process_deadlines(as_of=answers_due + DAY)
    assert reminders() == [(key, cast.focal_point.email)]


def test_unsent_answers_are_reminded_after_their_day_with_a_copy_to_the_secretariat(cast, shared):
    review, _issue, answers_due = shared
    process_deadlines(as_of=answers_due + DAY)
    key = f"reminder:answers:{review.pk}:{RuleKey.SUMMARY_RESPONSE_DUE}:+1"
    assert reminders() == [(key, cast.focal_point.email), (key, cast.secretariat.email)]
    assert secretariat_addresses() == [cast.secretariat.email]


# --- the challenge window ---


def test_the_challenge_window_is_reminded_as_a_right_until_a_challenge_is_lodged(cast):
    review = procedure.notified(cast.review, on=NOTIFIED)
    closes = review.deadlines.get(rule_key=RuleKey.CHALLENGE_WINDOW).due_on
    process_deadlines(as_of=closes - 7 * DAY)
    key = f"reminder:challenge:{review.pk}:{RuleKey.CHALLENGE_WINDOW}:-7"
    assert reminders() == [(key, cast.focal_point.email)]
    body = OutgoingMessage.objects.get(key=key).body
    assert "You may challenge" in body
    assert "until 17 April 2030" in body
    assert "a right, not a duty" in body
    assert f"/reviews/{review.pk}/challenge/" in body

    with clock.as_of(closes - 3 * DAY):
        lodge_challenge(review=review, reasons="We disagree.", by=cast.focal_point)
    process_deadlines(as_of=closes - DAY)
    assert reminders() == [(key, cast.focal_point.email)]


def test_an_unchallenged_window_gets_no_reminder_after_it_closed(cast):
    review = procedure.notified(cast.review, on=NOTIFIED)
    closes = review.deadlines.get(rule_key=RuleKey.CHALLENGE_WINDOW).due_on
    process_deadlines(as_of=closes + DAY)
    assert reminders("reminder:challenge:") == []


# --- the Bureau ---


def test_the_bureau_is_reminded_except_members_who_voted_and_the_review_s_own_member(cast):
    review = procedure.notified(cast.review, on=NOTIFIED)
    opens, closes = bureau_window(review)
    voter = UserFactory(username="voter")
    voter_seat = procedure.bureau_seat(
        InstitutionFactory(region=region(RegionCode.EUROPE)), person=voter
    )
    own = UserFactory(username="own-bureau")
    procedure.bureau_seat(cast.home, person=own)
    process_deadlines(as_of=opens.due_on + DAY)  # the case goes before the Bureau
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    with clock.as_of(opens.due_on + 2 * DAY):
        cast_vote(review=review, seat=voter_seat, vote=Vote.APPROVE, by=voter)

    process_deadlines(as_of=closes.due_on - 7 * DAY)
    process_deadlines(as_of=closes.due_on - DAY)
    prefix = f"reminder:bureau:{review.pk}:{RuleKey.BUREAU_WINDOW}:"
    assert reminders(prefix) == [
        (prefix + "-7", cast.bureau_member.email),
        (prefix + "-1", cast.bureau_member.email),
    ]
    message = OutgoingMessage.objects.get(key=prefix + "-1")
    assert message.language == "en"
    assert "closes on 7 May 2030" in message.body
    assert "has not challenged" in message.body
    assert f"/reviews/{review.pk}/bureau/" in message.body


# --- the SCA before its session ---


def test_sca_members_are_reminded_of_the_cases_they_sit_on_never_of_one_they_are_recused_from(
    cast,
):
    other_review = procedure.open_review(cast.other, cast.session)
    starts = cast.session.starts_on
    process_deadlines(as_of=starts - 7 * DAY)
    key = f"reminder:session:{cast.session.pk}:session-opens:-7"
    assert sorted(reminders("reminder:session:")) == sorted(
        [(key, cast.sca_member.email), (key, cast.recused_sca_member.email)]
    )
    sitting = OutgoingMessage.objects.get(key=key, to=cast.sca_member.email)
    assert sitting.session == cast.session
    assert sitting.review is None
    assert "Home Commission" in sitting.body and "Other Commission" in sitting.body
    assert f"/sessions/{cast.session.pk}/room/" in sitting.body
    recused = OutgoingMessage.objects.get(key=key, to=cast.recused_sca_member.email)
    assert "Other Commission" in recused.body
    assert "Home Commission" not in recused.body and "HOME" not in recused.subject

    other_review.delete()
    OutgoingMessage.objects.filter(key__startswith="reminder:session:").delete()
    process_deadlines(as_of=starts - DAY)
    assert [to for _key, to in reminders("reminder:session:")] == [cast.sca_member.email]


# --- cost ---


def test_the_reminders_of_a_day_cost_the_same_queries_for_one_and_five_reviews(cast, due):
    def costs(day):
        with CaptureQueriesContext(connection) as reading:
            due_reminders(day)
        process_deadlines(as_of=day)  # writes what is new
        with CaptureQueriesContext(connection) as again:
            process_deadlines(as_of=day)
        return len(reading.captured_queries), len(again.captured_queries)

    one = costs(due - 7 * DAY), costs(due + DAY)
    for n in range(4):
        institution = InstitutionFactory(region=region(RegionCode.EUROPE))
        procedure.focal_point(institution, f"focal-{n}")
        procedure.open_review(institution, cast.session)
    five = costs(due - 6 * DAY), costs(due + 2 * DAY)
    assert len(reminders()) == 1 + 2 + 4 + 4 * 2  # each new review got its own mails
    assert five == one


def test_the_bureau_s_reminders_cost_the_same_queries_for_one_and_five_cases(cast):
    def before_the_bureau(review):
        review = procedure.notified(review, on=NOTIFIED)
        opens, closes = bureau_window(review)
        process_deadlines(as_of=opens.due_on + DAY)
        return closes.due_on

    def cost(day):
        with CaptureQueriesContext(connection) as reading:
            batches = due_reminders(day)
        return len(reading.captured_queries), len(batches)

    closes = before_the_bureau(cast.review)
    cost_one, batches = cost(closes - 7 * DAY)
    assert batches == 1
    for _n in range(4):
        institution = InstitutionFactory(region=region(RegionCode.EUROPE))
        before_the_bureau(procedure.open_review(institution, cast.session))
    assert cost(closes - 7 * DAY) == (cost_one, 5)


def test_the_session_s_reminders_cost_the_same_queries_for_one_and_five_cases(cast):
    day = cast.session.starts_on - 7 * DAY
    due_reminders(day)  # the content types the permissions read are cached once
    with CaptureQueriesContext(connection) as one:
        due_reminders(day)
    for _n in range(4):
        procedure.open_review(InstitutionFactory(region=region(RegionCode.EUROPE)), cast.session)
    with CaptureQueriesContext(connection) as five:
        batches = due_reminders(day)
    sitting = next(b for b in batches if b.recipients == [cast.sca_member.email])
    assert len(sitting.context["cases"]) == 5
    assert len(five.captured_queries) == len(one.captured_queries)
