import datetime as dt
import smtplib

import pytest
import time_machine

from institutions.enums import MembershipRole
from institutions.services import add_member
from reviews.enums import ReviewState
from reviews.models import MessageState, OutgoingMessage
from reviews.services.sending import MAX_ATTEMPTS, is_temporary, requeue_stuck, send
from reviews.services.transitions import transition
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_an_invitation_is_a_queued_message_per_focal_point_sent_after_commit(
    cast, django_capture_on_commit_callbacks, mailoutbox
):
    colleague = UserFactory(username="colleague")
    add_member(user=colleague, institution=cast.other, role=MembershipRole.FOCAL_POINT, by=None)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        review = procedure.open_review(cast.other, cast.session)
    queued = OutgoingMessage.objects.filter(review=review)
    assert sorted(queued.values_list("to", "state")) == [
        ("colleague@example.org", MessageState.QUEUED),
        ("other-focal@example.org", MessageState.QUEUED),
    ]
    assert mailoutbox == []
    for callback in callbacks:
        callback()
    assert set(queued.values_list("state", flat=True)) == {MessageState.SENT}
    assert sorted(m.to[0] for m in mailoutbox) == [
        "colleague@example.org",
        "other-focal@example.org",
    ]
    assert "Dossier due" in mailoutbox[0].body


def test_a_message_is_sent_once_however_often_the_task_runs(cast, mailoutbox):
    message = OutgoingMessage.objects.get(review=cast.review)
    assert message.state == MessageState.QUEUED  # the test's transaction never commits
    assert send(message.pk) is True
    assert send(message.pk) is False
    assert len(mailoutbox) == 1
    message.refresh_from_db()
    assert (message.state, message.attempts) == (MessageState.SENT, 1)


def test_mail_goes_out_in_the_institutions_working_language(db, mailoutbox):
    french = InstitutionFactory(name="Commission nationale", working_language="fr")
    procedure.focal_point(french, "fp-fr")
    review = procedure.open_review(french, procedure.session())
    message = OutgoingMessage.objects.get(review=review)
    assert message.language == "fr"
    assert not message.subject.startswith("Accreditation of")
    assert "Invité" in message.subject


def test_a_failed_send_is_kept_and_sent_again_by_the_sweeper(cast, settings, mailoutbox):
    settings.EMAIL_BACKEND = "tests.mail_backends.DownBackend"
    review = procedure.open_review(cast.other, procedure.session(dt.date(2031, 3, 10)))
    message = OutgoingMessage.objects.get(review=review)
    assert send(message.pk) is False
    message.refresh_from_db()
    assert message.state == MessageState.FAILED
    assert message.attempts == 1
    assert "SMTPServerDisconnected" in message.last_error
    assert message.next_attempt_at is not None
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert requeue_stuck() == []  # its time has not come
    with time_machine.travel(message.next_attempt_at + dt.timedelta(seconds=1)):
        assert requeue_stuck() == [message.pk]
    assert send(message.pk) is True
    message.refresh_from_db()
    assert (message.state, message.attempts, message.last_error) == (MessageState.SENT, 2, "")


def test_a_message_left_by_a_dead_worker_is_sent_again_after_ten_minutes(cast, mailoutbox):
    message = OutgoingMessage.objects.get(review=cast.review)
    claimed = dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC)
    OutgoingMessage.objects.filter(pk=message.pk).update(
        state=MessageState.SENDING, claimed_at=claimed
    )
    with time_machine.travel(claimed + dt.timedelta(minutes=9)):
        assert requeue_stuck() == []
    with time_machine.travel(claimed + dt.timedelta(minutes=11)):
        assert requeue_stuck() == [message.pk]
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED


def test_starting_a_dossier_is_not_news_but_reopening_it_is(cast, mailoutbox):
    transition(cast.review, to=ReviewState.DOSSIER, by=cast.focal_point)
    to_focal_point = OutgoingMessage.objects.filter(review=cast.review, to="focal@example.org")
    assert to_focal_point.count() == 1  # the invitation
    transition(cast.review, to=ReviewState.SUBMITTED, by=cast.focal_point)
    transition(cast.review, to=ReviewState.DOSSIER, by=cast.secretariat, reason="Budget missing.")
    subjects = list(to_focal_point.order_by("pk").values_list("subject", flat=True))
    assert subjects == [
        "Accreditation of HOME: Invited",
        "Accreditation of HOME: Submitted",
        "Accreditation of HOME: Dossier in progress",
    ]


def test_the_secretariat_is_told_of_a_submission(cast):
    transition(cast.review, to=ReviewState.DOSSIER, by=cast.focal_point)
    transition(cast.review, to=ReviewState.SUBMITTED, by=cast.focal_point)
    event = cast.review.events.get(to_state=ReviewState.SUBMITTED)
    assert sorted(event.messages.values_list("to", flat=True)) == [
        "focal@example.org",
        "secretariat@example.org",
    ]


def test_reopening_clears_the_submission(cast):
    from reviews.services.dossiers import dossier_for, reopen_dossier

    transition(cast.review, to=ReviewState.DOSSIER, by=cast.focal_point)
    transition(cast.review, to=ReviewState.SUBMITTED, by=cast.focal_point)
    dossier = dossier_for(cast.review)
    dossier.submitted_by = cast.focal_point
    dossier.save()
    reopen_dossier(review=cast.review, reason="Send the 2029 budget.", by=cast.secretariat)
    dossier.refresh_from_db()
    assert (dossier.submitted_at, dossier.submitted_by) == (None, None)


def test_the_secretariats_notice_of_a_submission_is_in_english_and_addressed_to_it(cast):
    french = InstitutionFactory(name="Commission nationale", acronym="CN", working_language="fr")
    procedure.focal_point(french, "fp-fr2")
    review = procedure.open_review(french, procedure.session(dt.date(2031, 3, 10)))
    fp = french.memberships.get().user
    transition(review, to=ReviewState.DOSSIER, by=fp)
    transition(review, to=ReviewState.SUBMITTED, by=fp)
    notice = OutgoingMessage.objects.get(review=review, to="secretariat@example.org")
    assert notice.language == "en"
    assert notice.subject == "Dossier submitted: CN, Session March 2031"
    assert "Commission nationale has submitted its dossier" in notice.body
    to_institution = OutgoingMessage.objects.get(
        review=review, to="fp-fr2@example.org", event__to_state=ReviewState.SUBMITTED
    )
    assert to_institution.language == "fr"


def _failed(cast, settings, backend):
    settings.EMAIL_BACKEND = f"tests.mail_backends.{backend}"
    message = OutgoingMessage.objects.get(review=cast.review)
    assert send(message.pk) is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message.refresh_from_db()
    return message


@time_machine.travel(dt.datetime(2030, 1, 6, 9, 0, tzinfo=dt.UTC), tick=False)
def test_a_temporary_error_is_tried_again_once_its_time_has_come(cast, settings, mailoutbox):
    message = _failed(cast, settings, "BusyBackend")
    assert message.state == MessageState.FAILED
    assert "451" in message.last_error
    assert message.next_attempt_at == dt.datetime(2030, 1, 6, 9, 5, tzinfo=dt.UTC)
    with time_machine.travel(dt.datetime(2030, 1, 6, 9, 4, tzinfo=dt.UTC)):
        assert requeue_stuck() == []
    with time_machine.travel(dt.datetime(2030, 1, 6, 9, 6, tzinfo=dt.UTC)):
        assert requeue_stuck() == [message.pk]
        assert requeue_stuck() == []  # a second sweeper finds it queued already
    assert send(message.pk) is True
    assert len(mailoutbox) == 1


def test_the_wait_grows_with_each_temporary_failure(cast, settings):
    message = _failed(cast, settings, "BusyBackend")
    OutgoingMessage.objects.filter(pk=message.pk).update(state=MessageState.QUEUED)
    settings.EMAIL_BACKEND = "tests.mail_backends.BusyBackend"
    send(message.pk)
    message.refresh_from_db()
    assert message.attempts == 2
    assert message.next_attempt_at - message.claimed_at >= dt.timedelta(minutes=30)


def test_a_permanent_error_is_never_tried_again_by_the_sweeper(cast, settings):
    message = _failed(cast, settings, "RefusingBackend")
    assert message.state == MessageState.FAILED
    assert "550" in message.last_error
    assert message.next_attempt_at is None
    with time_machine.travel(dt.datetime(2031, 1, 1, tzinfo=dt.UTC)):
        assert requeue_stuck() == []


def test_after_the_last_attempt_the_sweeper_gives_up(cast, settings):
    OutgoingMessage.objects.filter(review=cast.review).update(attempts=MAX_ATTEMPTS - 1)
    message = _failed(cast, settings, "BusyBackend")
    assert (message.attempts, message.next_attempt_at) == (MAX_ATTEMPTS, None)


def test_every_attempt_carries_the_same_message_id(cast, settings, mailoutbox):
    message = _failed(cast, settings, "DownBackend")
    OutgoingMessage.objects.filter(pk=message.pk).update(state=MessageState.QUEUED)
    assert send(message.pk) is True
    assert message.message_id
    assert mailoutbox[0].extra_headers["Message-ID"] == message.message_id


@pytest.mark.parametrize(
    ("error", "temporary"),
    [
        (smtplib.SMTPServerDisconnected("closed"), True),
        (smtplib.SMTPConnectError(554, b"no"), True),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (smtplib.SMTPResponseException(421, b"busy"), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"later"), "b@x": (452, b"full")}), True),
        (smtplib.SMTPRecipientsRefused({"a@x": (450, b"later"), "b@x": (550, b"no")}), False),
        (smtplib.SMTPAuthenticationError(535, b"bad login"), False),
        (smtplib.SMTPDataError(554, b"rejected"), False),
        (ValueError("bad address"), False),
    ],
)
def test_what_is_worth_trying_again(error, temporary):
    assert is_temporary(error) is temporary
