import datetime as dt

import pytest
from django.utils import formats

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import MembershipRole
from institutions.services import add_member
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import ActionVerb, Outcome, ParagraphKind, ReviewState
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services.bureau import bureau_window
from reviews.services.dossiers import reference
from reviews.services.letters import challenge_url
from reviews.services.outbox import (
    edit_letter,
    letter_drafts,
    mails_of,
    release_letter,
    release_session_letters,
)
from reviews.services.outcomes import Paragraph
from reviews.services.sending import requeue_stuck, retry_now
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PARAGRAPHS = [
    Paragraph(kind=ParagraphKind.COMMENDATION, text="The SCA commends the annual report."),
    Paragraph(
        notes="that the members are appointed by the executive alone",
        standard="The selection must be clear, transparent and participatory.",
        verb=ActionVerb.URGES,
        request="the institution to advocate a new selection process",
        principles=("B.1",),
    ),
]


def day(value: dt.date) -> str:
    return formats.date_format(value, "DATE_FORMAT")


@pytest.fixture
def colleague(cast):
    user = UserFactory(username="colleague")
    add_member(user=user, institution=cast.home, role=MembershipRole.FOCAL_POINT, by=None)
    return user


@pytest.fixture
def recommended(cast, colleague):
    return procedure.recommend(cast.review, Outcome.ACCREDIT_A, paragraphs=PARAGRAPHS)


def sent_letters(mailoutbox, word="Recommendation"):
    return [m for m in mailoutbox if word in m.subject]


def test_adoption_writes_a_draft_letter_per_focal_point_and_sends_nothing(
    cast, colleague, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        review = procedure.recommend(cast.review, Outcome.ACCREDIT_A, paragraphs=PARAGRAPHS)
    drafts = letter_drafts(review, MailKind.RECOMMENDATION)
    assert sorted(drafts.values_list("to", flat=True)) == [
        "colleague@example.org",
        "focal@example.org",
    ]
    assert sent_letters(mailoutbox) == []
    letter = drafts.first()
    assert reference(review) in letter.subject
    assert "The SCA recommends that the institution be accredited with A status." in letter.body
    # Commendations first, then the issues, numbered on.
    assert "1. The SCA commends the annual report." in letter.body
    assert "2. The SCA notes that the members are appointed" in letter.body
    assert "(Principles: B.1)" in letter.body
    assert "until" not in letter.body  # the closing date comes with the release


def test_being_notified_has_no_mail_of_its_own(recommended):
    assert not OutgoingMessage.objects.filter(kind=MailKind.EVENT, event__to_state="notified")
    assert not OutgoingMessage.objects.filter(kind=MailKind.EVENT, event__to_state="recommended")


def test_editing_a_letter_changes_every_recipients_row(cast, recommended):
    with clock.as_of(dt.date(2030, 3, 20)):
        edited = edit_letter(
            review=recommended,
            kind=MailKind.RECOMMENDATION,
            subject="  Your recommendation  ",
            body="Dear colleagues, here it is.",
            by=cast.secretariat,
        )
    assert edited == 2
    rows = letter_drafts(recommended, MailKind.RECOMMENDATION)
    assert set(rows.values_list("subject", "body", "edited_by")) == {
        ("Your recommendation", "Dear colleagues, here it is.\n", cast.secretariat.pk)
    }


def test_only_the_secretariat_edits_and_never_to_nothing(cast, recommended):
    with pytest.raises(NotPermitted):
        edit_letter(review=recommended, kind=MailKind.RECOMMENDATION, subject="S", body="B",
                    by=cast.focal_point)  # fmt: skip
    with pytest.raises(DomainError, match="needs a subject and a body"):
        edit_letter(review=recommended, kind=MailKind.RECOMMENDATION, subject="S", body="  ",
                    by=cast.secretariat)  # fmt: skip


def test_a_released_letter_can_no_longer_be_edited(cast, recommended):
    with clock.as_of(dt.date(2030, 3, 20)):
        release_letter(review=recommended, kind=MailKind.RECOMMENDATION, by=cast.secretariat)
    with pytest.raises(Conflict, match="released on 20 March 2030"):
        edit_letter(review=recommended, kind=MailKind.RECOMMENDATION, subject="S", body="B",
                    by=cast.secretariat)  # fmt: skip


def test_release_sends_once_however_often_it_is_pressed(
    cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    with clock.as_of(dt.date(2030, 3, 20)), django_capture_on_commit_callbacks(execute=True):
        first = release_letter(
            review=recommended, kind=MailKind.RECOMMENDATION, by=cast.secretariat
        )
        second = release_letter(
            review=recommended, kind=MailKind.RECOMMENDATION, by=cast.secretariat
        )
    assert len(first) == 2
    assert second == []
    assert sorted(m.to[0] for m in sent_letters(mailoutbox)) == [
        "colleague@example.org",
        "focal@example.org",
    ]
    row = OutgoingMessage.objects.get(pk=first[0].pk)
    assert (row.state, row.released_by) == (MessageState.SENT, cast.secretariat)


def test_releasing_the_recommendation_later_starts_the_window_that_day_and_says_so(
    cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    released_on = recommended.session.ends_on + dt.timedelta(days=12)
    with clock.as_of(released_on), django_capture_on_commit_callbacks(execute=True):
        release_letter(review=recommended, kind=MailKind.RECOMMENDATION, by=cast.secretariat)
    recommended.refresh_from_db()
    assert recommended.state == ReviewState.NOTIFIED
    closes = recommended.deadlines.get(rule_key="challenge-window").due_on
    assert closes == released_on + dt.timedelta(days=28)
    body = sent_letters(mailoutbox)[0].body
    assert f"You may challenge it until {day(closes)}" in body
    assert challenge_url(recommended) in body
    assert challenge_url(recommended).startswith("http")


def test_notifying_without_a_draft_writes_the_letter_and_sends_it(
    cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    from reviews.services.outcomes import notify

    OutgoingMessage.objects.filter(kind=MailKind.RECOMMENDATION).delete()  # older data
    with clock.as_of(dt.date(2030, 3, 20)), django_capture_on_commit_callbacks(execute=True):
        notify(review=recommended, by=cast.secretariat)
    assert len(sent_letters(mailoutbox)) == 2
    assert "You may challenge it until 17 April 2030" in sent_letters(mailoutbox)[0].body


def test_a_deferral_letter_names_the_session_and_says_it_cannot_be_challenged(cast):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    review = procedure.recommend(cast.review, Outcome.DEFER, follow_up=later)
    letter = letter_drafts(review, MailKind.DEFERRAL).get(to="focal@example.org")
    assert "Session October 2030" in letter.body
    assert "cannot be challenged" in letter.body
    due = later.deadlines.get(rule_key="dossier-due").due_on
    assert f"by {day(due)}" in letter.body
    assert "until" not in letter.body
    assert not OutgoingMessage.objects.filter(review=review, kind=MailKind.RECOMMENDATION)


def test_a_special_review_letter_says_it_cannot_be_challenged(cast):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    review = procedure.recommend(cast.review, Outcome.OPEN_SPECIAL_REVIEW, follow_up=later)
    letter = letter_drafts(review, MailKind.SPECIAL_REVIEW).get(to="focal@example.org")
    assert "special review" in letter.body
    assert "Session October 2030" in letter.body
    assert "cannot be challenged" in letter.body


def test_a_downgrade_letter_names_the_day_it_takes_effect_and_the_meanwhile(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2025, 1, 1), note="", by=None
    )
    review = procedure.notified(cast.review, dt.date(2030, 3, 20), Outcome.ACCREDIT_B)
    opens, closes = bureau_window(review)
    process_deadlines(as_of=opens.due_on + dt.timedelta(days=1))
    process_deadlines(as_of=closes.due_on + dt.timedelta(days=1))
    review.refresh_from_db()
    decided_on = review.decision.decided_on
    letter = letter_drafts(review, MailKind.DECISION).get(to="focal@example.org")
    effective = review.decision.status_record.effective_on
    assert effective == decided_on.replace(year=decided_on.year + 1)
    assert f"The decision takes effect on {day(effective)}" in letter.body
    assert "may show the SCA meanwhile that it continues to comply" in letter.body
    next_due = decided_on.replace(year=decided_on.year + 5)
    assert f"next re-accreditation is due by {day(next_due)}" in letter.body
    assert "downgraded to B status" in letter.body


def test_releasing_a_session_releases_every_letter_of_it(
    cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    other = procedure.open_review(cast.other, cast.session)
    procedure.recommend(other, Outcome.DEFER, follow_up=later)
    with clock.as_of(dt.date(2030, 3, 20)), django_capture_on_commit_callbacks(execute=True):
        released = release_session_letters(session=cast.session, by=cast.secretariat)
    assert sorted((m.kind, m.to) for m in released) == [
        (MailKind.DEFERRAL, "other-focal@example.org"),
        (MailKind.RECOMMENDATION, "colleague@example.org"),
        (MailKind.RECOMMENDATION, "focal@example.org"),
    ]
    recommended.refresh_from_db()
    assert recommended.state == ReviewState.NOTIFIED
    assert not OutgoingMessage.objects.filter(state=MessageState.DRAFT)
    with pytest.raises(NotPermitted):
        release_session_letters(session=cast.session, by=cast.focal_point)


def test_the_sweeper_never_sends_a_draft(recommended):
    assert requeue_stuck() == []
    assert letter_drafts(recommended, MailKind.RECOMMENDATION).count() == 2


def test_a_users_mails_are_their_own_and_never_drafts(cast, recommended):
    mine = list(mails_of(cast.focal_point))
    assert mine and {m.to for m in mine} == {"focal@example.org"}
    assert MessageState.DRAFT not in {m.state for m in mine}
    assert mine == sorted(mine, key=lambda m: (m.created_at, m.pk), reverse=True)
    assert not mails_of(cast.other_focal_point).filter(review=recommended)
    assert not mails_of(UserFactory(username="nobody"))


def test_the_secretariat_sends_a_failed_mail_again(cast, settings):
    settings.EMAIL_BACKEND = "tests.mail_backends.RefusingBackend"
    from reviews.services.sending import send

    message = OutgoingMessage.objects.get(review=cast.review)
    send(message.pk)
    with pytest.raises(NotPermitted):
        retry_now(message=message, by=cast.focal_point)
    retry_now(message=message, by=cast.secretariat)
    message.refresh_from_db()
    assert message.state == MessageState.QUEUED
    with pytest.raises(Conflict, match="no longer failed"):
        retry_now(message=message, by=cast.secretariat)


def test_a_referral_is_a_routine_mail_to_the_institution(cast):
    review = procedure.refer(procedure.notified(cast.review, dt.date(2030, 3, 20)))
    assert review.state == ReviewState.REFERRED
    mail = OutgoingMessage.objects.get(
        review=review, to="focal@example.org", event__to_state=ReviewState.REFERRED
    )
    assert (mail.kind, mail.state) == (MailKind.EVENT, MessageState.QUEUED)
    assert "referred to the next meeting of the Bureau" in mail.body
