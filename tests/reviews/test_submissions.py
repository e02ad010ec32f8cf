"""Third-party submissions as services: recording, attaching, sanitising, sharing,
commenting; who may, in which state, twice, and bad input refused with nothing changed."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import ReviewState, SourceKind
from reviews.models import OutgoingMessage, SubmissionAttachment, ThirdPartySubmission
from reviews.services import submissions
from reviews.services.transitions import transition
from tests import files
from tests.procedure import advance

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)  # the cast's session starts on 2030-03-11
SOURCE = "Friends of Justice"
FULL = "Members were dismissed in 2029 without a hearing; see our report."
SANITISED = "A civil society organisation reports that members were dismissed in 2029."


def record(cast, by=None, **changes):
    values = {
        "source_name": SOURCE,
        "source_kind": SourceKind.CIVIL_SOCIETY,
        "source_confidential": True,
        "received_on": BEFORE,
        "content": FULL,
        **changes,
    }
    with clock.as_of(BEFORE):
        return submissions.record_submission(
            review=cast.review, by=by or cast.secretariat, **values
        )


def ready_to_share(cast, text=SANITISED):
    submission = record(cast)
    with clock.as_of(BEFORE):
        submissions.set_sanitised(submission=submission, text=text, by=cast.secretariat)
    return submission


def shared(cast, due=None, on=BEFORE):
    submission = ready_to_share(cast)
    with clock.as_of(on):
        return submissions.share_submission(
            submission=submission, by=cast.secretariat, comments_due_on=due
        )


def test_the_secretariat_records_a_submission_in_full(cast):
    submission = record(cast)
    assert (
        submission.source_name,
        submission.source_kind,
        submission.source_confidential,
        submission.received_on,
        submission.content,
        submission.recorded_by,
        submission.shared_at,
    ) == (SOURCE, "civil-society", True, BEFORE, FULL, cast.secretariat, None)


@pytest.mark.parametrize("member", ["sca_member", "focal_point", "observer"])
def test_only_the_secretariat_records_submissions(cast, member):
    with pytest.raises(NotPermitted, match="Only the secretariat handles third-party"):
        record(cast, by=cast.members()[member])
    assert ThirdPartySubmission.objects.count() == 0


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"source_name": " "}, "Name the source of the submission."),
        ({"content": ""}, "Give the text of the submission."),
        ({"source_kind": "rumour"}, "Choose the kind of source."),
        (
            {"received_on": BEFORE + dt.timedelta(days=1)},
            "A submission cannot be received on a day still to come.",
        ),
    ],
)
def test_a_bad_submission_is_refused_and_nothing_is_recorded(cast, changes, message):
    with pytest.raises(DomainError) as refused:
        record(cast, **changes)
    assert str(refused.value) == message
    assert ThirdPartySubmission.objects.count() == 0


def test_submissions_are_not_recorded_once_the_session_has_the_case(cast):
    advance(cast.review, ReviewState.AT_SESSION, by=cast.secretariat)
    with pytest.raises(DomainError, match="until the session takes the case up"):
        record(cast)


def test_a_file_that_came_with_it_is_kept_for_the_full_version(cast):
    submission = record(cast)
    upload = SimpleUploadedFile("report.pdf", files.pdf(2), content_type="application/pdf")
    with clock.as_of(BEFORE):
        attachment = submissions.attach_to_submission(
            submission=submission, upload=upload, by=cast.secretariat
        )
    assert (attachment.submission, attachment.kind, attachment.original_name) == (
        submission,
        "pdf",
        "report.pdf",
    )


def test_the_institution_cannot_attach_files_to_a_submission(cast):
    submission = record(cast)
    upload = SimpleUploadedFile("report.pdf", files.pdf(2), content_type="application/pdf")
    with pytest.raises(NotPermitted):
        submissions.attach_to_submission(submission=submission, upload=upload, by=cast.focal_point)
    assert SubmissionAttachment.objects.count() == 0


def test_sharing_sets_the_due_date_three_days_before_the_session_and_mails_the_institution(cast):
    submission = shared(cast)
    assert submission.shared_by == cast.secretariat
    assert submission.comments_due_on == dt.date(2030, 3, 8)
    message = OutgoingMessage.objects.get(subject__contains="third-party submission")
    assert message.to == cast.focal_point.email
    assert SOURCE not in message.body and FULL not in message.body


def test_when_three_days_before_the_session_has_passed_the_institution_has_two_weeks(cast):
    submission = shared(cast, on=dt.date(2030, 3, 9))
    assert submission.comments_due_on == dt.date(2030, 3, 23)


def test_a_due_date_may_be_given_but_not_in_the_past(cast):
    submission = ready_to_share(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="a day that has passed"):
        submissions.share_submission(
            submission=submission,
            by=cast.secretariat,
            comments_due_on=BEFORE - dt.timedelta(days=1),
        )
    submission.refresh_from_db()
    assert submission.shared_at is None
    with clock.as_of(BEFORE):
        submissions.share_submission(
            submission=submission, by=cast.secretariat, comments_due_on=dt.date(2030, 2, 15)
        )
    submission.refresh_from_db()
    assert submission.comments_due_on == dt.date(2030, 2, 15)


def test_sharing_needs_a_sanitised_text(cast):
    submission = record(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="Write the sanitised text first"):
        submissions.share_submission(submission=submission, by=cast.secretariat)
    submission.refresh_from_db()
    assert submission.shared_at is None


def test_a_sanitised_text_naming_a_withheld_source_is_refused_whatever_its_case(cast):
    submission = ready_to_share(cast, text="FRIENDS OF JUSTICE report dismissals.")
    with clock.as_of(BEFORE), pytest.raises(DomainError) as refused:
        submissions.share_submission(submission=submission, by=cast.secretariat)
    assert str(refused.value) == (
        "The sanitised text names the source, which is to be withheld. Remove the name from "
        "it before sharing."
    )
    submission.refresh_from_db()
    assert submission.shared_at is None
    assert not OutgoingMessage.objects.filter(subject__contains="third-party").exists()


def test_a_source_not_withheld_may_be_named(cast):
    submission = record(cast, source_confidential=False)
    with clock.as_of(BEFORE):
        submissions.set_sanitised(
            submission=submission, text=f"{SOURCE} reports dismissals.", by=cast.secretariat
        )
        submissions.share_submission(submission=submission, by=cast.secretariat)
    submission.refresh_from_db()
    assert submission.shared_at is not None


def test_sharing_twice_is_refused_and_mails_once(cast):
    submission = shared(cast)
    with clock.as_of(BEFORE), pytest.raises(Conflict, match="already shared on 1 February 2030"):
        submissions.share_submission(submission=submission, by=cast.secretariat)
    assert OutgoingMessage.objects.filter(subject__contains="third-party").count() == 1


def test_the_sanitised_text_is_frozen_once_shared(cast):
    submission = shared(cast)
    with pytest.raises(DomainError, match="no longer changes"):
        submissions.set_sanitised(submission=submission, text="Other.", by=cast.secretariat)
    submission.refresh_from_db()
    assert submission.sanitised_content == SANITISED


def test_an_empty_sanitised_text_is_refused(cast):
    submission = record(cast)
    with pytest.raises(DomainError, match=r"^Write the text the institution will be shown\.$"):
        submissions.set_sanitised(submission=submission, text="  ", by=cast.secretariat)


@pytest.mark.parametrize("member", ["focal_point", "sca_member"])
def test_only_the_secretariat_sanitises_and_shares(cast, member):
    submission = ready_to_share(cast)
    with pytest.raises(NotPermitted):
        submissions.set_sanitised(submission=submission, text="X.", by=cast.members()[member])
    with clock.as_of(BEFORE), pytest.raises(NotPermitted):
        submissions.share_submission(submission=submission, by=cast.members()[member])
    submission.refresh_from_db()
    assert (submission.sanitised_content, submission.shared_at) == (SANITISED, None)


def test_the_institution_comments_and_may_change_its_comment_until_the_due_date(cast):
    submission = shared(cast)
    due = submission.comments_due_on
    with clock.as_of(BEFORE):
        submissions.comment_on_submission(submission=submission, text="First.", by=cast.focal_point)
    with clock.as_of(due):
        submissions.comment_on_submission(submission=submission, text="Final.", by=cast.focal_point)
    with (
        clock.as_of(due + dt.timedelta(days=1)),
        pytest.raises(DomainError, match=r"^Comments closed on 8 March 2030\.$"),
    ):
        submissions.comment_on_submission(submission=submission, text="Late.", by=cast.focal_point)
    submission.refresh_from_db()
    assert (submission.comment, submission.commented_by) == ("Final.", cast.focal_point)


def test_an_unshared_submission_cannot_be_commented_on(cast):
    submission = ready_to_share(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="has not been shared"):
        submissions.comment_on_submission(submission=submission, text="X.", by=cast.focal_point)


@pytest.mark.parametrize("member", ["secretariat", "other_focal_point", "observer", "sca_member"])
def test_only_the_institution_comments(cast, member):
    submission = shared(cast)
    with clock.as_of(BEFORE), pytest.raises(NotPermitted):
        submissions.comment_on_submission(
            submission=submission, text="X.", by=cast.members()[member]
        )
    submission.refresh_from_db()
    assert submission.comment == ""


def test_an_empty_comment_is_refused(cast):
    submission = shared(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match=r"^Write your comment\.$"):
        submissions.comment_on_submission(submission=submission, text=" ", by=cast.focal_point)


def test_a_closed_review_takes_no_more_comments(cast):
    submission = shared(cast)
    with clock.as_of(BEFORE):
        transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
        with pytest.raises(DomainError, match=r"^The review is closed\.$"):
            submissions.comment_on_submission(
                submission=ThirdPartySubmission.objects.get(pk=submission.pk),
                text="X.",
                by=cast.focal_point,
            )
