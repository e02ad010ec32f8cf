import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import Decision, ReviewEvent
from reviews.services.sweep import process_deadlines
from tests import procedure

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)


@pytest.fixture
def review(cast):
    return procedure.notified(cast.review, on=NOTIFIED)


def rules_applied(report):
    """What the rules did, leaving aside the reminders the sweep also sends."""
    return [line for line in report.actions if "reminder" not in line]


def snapshot():
    return (
        list(ReviewEvent.objects.values_list("pk", "to_state")),
        list(Decision.objects.values_list("pk", "took_effect_on")),
    )


def test_the_sweep_does_nothing_before_the_window_has_closed(review):
    assert rules_applied(process_deadlines(as_of=dt.date(2030, 4, 17))) == []  # day 28: open
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED


def test_the_sweep_honours_as_of_and_replays_the_past(review):
    report = process_deadlines(as_of=dt.date(2030, 4, 18))
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    assert report.actions == [
        "HOME: challenge window closed on 2030-04-17; the recommendation is before the Bureau"
    ]
    event = review.events.get(to_state=ReviewState.BUREAU)
    assert event.at.date() == dt.date(2030, 4, 18)
    assert event.by is None


def test_a_late_sweep_dates_the_decision_by_the_rules_not_by_the_run(review):
    process_deadlines(as_of=dt.date(2031, 1, 1))
    process_deadlines(as_of=dt.date(2031, 1, 1))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert review.decision.decided_on == dt.date(2030, 5, 7)
    assert review.decision.took_effect_on == dt.date(2030, 5, 7)


def test_running_the_sweep_twice_for_a_day_changes_nothing_the_second_time(review):
    day = dt.date(2030, 5, 8)
    process_deadlines(as_of=dt.date(2030, 4, 18))
    first = process_deadlines(as_of=day)
    assert first.actions  # adopted and in effect
    before = snapshot()
    second = process_deadlines(as_of=day)
    assert second.actions == []
    assert snapshot() == before


def test_the_command_prints_what_it_did_and_refuses_a_bad_date(review):
    out = StringIO()
    call_command("process_deadlines", "--as-of", "2030-04-18", stdout=out)
    assert "challenge window closed on 2030-04-17" in out.getvalue()
    assert "1 change(s)" in out.getvalue()
    again = StringIO()
    call_command("process_deadlines", "--as-of", "2030-04-18", stdout=again)
    assert "0 change(s)" in again.getvalue()
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("process_deadlines", "--as-of", "18/04/2030")


def test_a_deferred_reaccreditation_lapses_when_nothing_comes_in_a_year(cast):
    from accreditation.enums import Grade, StatusEvent
    from accreditation.services import record_prior_status
    from accreditation.status import status_on
    from reviews.enums import Outcome

    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    procedure.recommend(
        cast.review,
        Outcome.DEFER,
        follow_up=procedure.session(dt.date(2030, 10, 7), name="October"),
    )
    follow_up = cast.review.continuations.get()
    due = follow_up.deadlines.get(rule_key="lapse-after-deferral").due_on
    assert rules_applied(process_deadlines(as_of=due)) == []
    report = process_deadlines(as_of=due + dt.timedelta(days=1))
    follow_up.refresh_from_db()
    assert follow_up.state == ReviewState.LAPSED
    assert report.actions == [f"HOME: accreditation lapsed on {due}"]
    status = status_on(cast.home.pk, due)
    assert (status.grade, status.ended_by) == (Grade.NONE, StatusEvent.LAPSE)
    assert process_deadlines(as_of=due + dt.timedelta(days=1)).actions == []


# --- what the sweep tells the Bureau and the secretariat ---


def _mails(template_word):
    from reviews.models import OutgoingMessage

    return OutgoingMessage.objects.filter(subject__contains=template_word).order_by("to")


def test_when_the_window_opens_every_bureau_member_but_the_institutions_own_is_told(cast, review):
    from django.core import mail

    from reviews.models import Challenge, MailKind
    from tests.factories import UserFactory

    cast.bureau_member.email = "bureau@example.org"
    cast.bureau_member.save()
    own = UserFactory(username="own-bureau", email="own@example.org")
    procedure.bureau_seat(cast.home, person=own)
    with clock.as_of(dt.date(2030, 4, 1)):
        Challenge.objects.create(
            review=review,
            lodged_by=cast.focal_point,
            lodged_on=dt.date(2030, 4, 1),
            lodged_at=clock.now(),
            reasons="The SCA misread our law.",
        )
    process_deadlines(as_of=dt.date(2030, 4, 18))
    sent = list(_mails("Before the Bureau"))
    assert [m.to for m in sent] == ["bureau@example.org"]
    message = sent[0]
    assert message.kind == MailKind.NOTICE and message.language == "en"
    assert message.subject == "Before the Bureau: HOME; objections until 2030-05-07"
    assert "The SCA misread our law." in message.body
    assert "with 0 documents" in message.body
    assert f"/reviews/{review.pk}/bureau/" in message.body
    assert "until 2030-05-07" in message.body
    assert "own@example.org" not in [m.to for m in mail.outbox]
    process_deadlines(as_of=dt.date(2030, 4, 19))
    assert _mails("Before the Bureau").count() == 1


def test_without_a_challenge_the_mail_says_so(cast, review):
    cast.bureau_member.email = "bureau@example.org"
    cast.bureau_member.save()
    process_deadlines(as_of=dt.date(2030, 4, 18))
    body = _mails("Before the Bureau").get().body
    assert "did not challenge" in body


def test_a_referral_tells_the_bureau_and_the_secretariat_with_the_tally(cast, review):
    cast.bureau_member.email = "bureau@example.org"
    cast.bureau_member.save()
    cast.secretariat.email = "sec@example.org"
    cast.secretariat.save()
    procedure.refer(review)
    assert review.state == ReviewState.REFERRED
    referred = _mails("Referred to the next Bureau meeting")
    assert "bureau@example.org" in [m.to for m in referred]
    assert "sec@example.org" in [m.to for m in referred]
    body = referred.get(to="sec@example.org").body
    assert "4 Bureau members (at least 4 needed) from 2 regions (at least 2 needed)" in body
    assert not _mails("Deemed adopted").exists()


def test_a_deemed_adoption_tells_the_secretariat_only(cast, review):
    cast.bureau_member.email = "bureau@example.org"
    cast.bureau_member.save()
    cast.secretariat.email = "sec@example.org"
    cast.secretariat.save()
    process_deadlines(as_of=dt.date(2030, 4, 18))
    process_deadlines(as_of=dt.date(2030, 5, 8))
    adopted = _mails("Deemed adopted")
    assert "sec@example.org" in [m.to for m in adopted]
    assert "bureau@example.org" not in [m.to for m in adopted]
    assert "Decided on 2030-05-07" in adopted.get(to="sec@example.org").body
    assert not _mails("Referred").exists()
