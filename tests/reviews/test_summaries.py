"""The summary of issues as services: drafting, sharing, answering, sending; who may,
in which state, twice, and what bad input is refused with nothing changed."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile

from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import ReviewState
from reviews.models import IssueAnswer, IssueSummary, OutgoingMessage, SummaryIssue
from reviews.services import summaries
from reviews.services.transitions import transition
from tests import files
from tests.procedure import advance

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)  # the cast's session starts on 2030-03-11
DUE = dt.date(2030, 3, 8)  # three days before it


def screening(cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
    return cast.review


def issue(cast, facts="The law lets the minister dismiss members.", **extra):
    values = {
        "concern": "Security of tenure.",
        "principles": ["B.3"],
        "observations": ["2.1"],
        **extra,
    }
    with clock.as_of(BEFORE):
        return summaries.add_issue(review=cast.review, facts=facts, by=cast.secretariat, **values)


def shared(cast, count=1, due=None):
    screening(cast)
    for n in range(count):
        issue(cast, facts=f"Fact {n + 1}.")
    with clock.as_of(BEFORE):
        summaries.share_summary(review=cast.review, by=cast.secretariat, answers_due_on=due)
    cast.review.refresh_from_db()
    return summaries.summary_for(cast.review)


def answered(cast, on=BEFORE):
    with clock.as_of(on):
        for each in summaries.summary_for(cast.review).issues.all():
            summaries.save_answer(issue=each, text=f"Answer {each.number}.", by=cast.focal_point)


def numbers(review):
    return list(SummaryIssue.objects.filter(summary__review=review).values_list("number", "facts"))


def pdf(name="law.pdf"):
    return SimpleUploadedFile(name, files.pdf(2), content_type="application/pdf")


# -- drafting


def test_the_secretariat_adds_issues_numbered_in_order_with_their_citations(cast):
    screening(cast)
    first = issue(cast)
    second = issue(cast, facts="No budget line.", principles=["B.2"], observations=["1.10"])
    assert (first.number, second.number) == (1, 2)
    assert [p.key for p in second.principles.all()] == ["B.2"]
    assert [o.number for o in second.observations.all()] == ["1.10"]
    assert first.history.exists()


def test_issues_may_be_drafted_once_the_dossier_is_submitted(cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SUBMITTED, by=cast.secretariat)
    assert issue(cast).number == 1


@pytest.mark.parametrize("member", ["sca_member", "focal_point", "observer", "bureau_member"])
def test_only_the_secretariat_drafts_issues(cast, member):
    screening(cast)
    only = r"^Only the secretariat drafts the summary of issues\.$"
    with pytest.raises(NotPermitted, match=only):
        summaries.add_issue(
            review=cast.review,
            facts="F.",
            concern="C.",
            principles=[],
            observations=[],
            by=cast.members()[member],
        )
    assert numbers(cast.review) == []


@pytest.mark.parametrize("state", [ReviewState.DOSSIER, ReviewState.READY])
def test_issues_are_not_drafted_before_submission_nor_once_ready(cast, state):
    with clock.as_of(BEFORE):
        advance(cast.review, state, by=cast.secretariat)
    with pytest.raises(DomainError, match="Issues are drafted once the dossier is submitted"):
        issue(cast)
    assert numbers(cast.review) == []


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"facts": "  "}, "Write the facts the issue rests on."),
        ({"concern": ""}, "Write the concern: what the SCA may find wanting."),
        (
            {"principles": ["B.3", "Z.9"], "observations": ["1.8", "9.99"]},
            "The catalogue does not hold: Z.9, GO 9.99.",
        ),
    ],
)
def test_a_bad_issue_is_refused_and_nothing_is_added(cast, changes, message):
    screening(cast)
    with pytest.raises(DomainError) as refused:
        issue(cast, **changes)
    assert str(refused.value) == message
    assert numbers(cast.review) == []


def test_an_issue_is_updated_with_new_texts_and_citations(cast):
    screening(cast)
    first = issue(cast)
    summaries.update_issue(
        issue=first,
        facts="New facts.",
        concern="New concern.",
        principles=["A.1"],
        observations=[],
        by=cast.secretariat,
    )
    first.refresh_from_db()
    assert (first.facts, first.concern) == ("New facts.", "New concern.")
    assert [p.key for p in first.principles.all()] == ["A.1"]
    assert list(first.observations.all()) == []


def test_a_bad_update_changes_nothing(cast):
    screening(cast)
    first = issue(cast)
    with pytest.raises(DomainError, match=r"^The catalogue does not hold: X\.1\.$"):
        summaries.update_issue(
            issue=first,
            facts="New facts.",
            concern="New concern.",
            principles=["X.1"],
            observations=[],
            by=cast.secretariat,
        )
    first.refresh_from_db()
    assert first.facts == "The law lets the minister dismiss members."
    assert [p.key for p in first.principles.all()] == ["B.3"]


def test_removing_an_issue_moves_the_later_ones_up(cast):
    screening(cast)
    issue(cast, facts="One.")
    second = issue(cast, facts="Two.")
    issue(cast, facts="Three.")
    issue(cast, facts="Four.")
    summaries.remove_issue(issue=second, by=cast.secretariat)
    assert numbers(cast.review) == [(1, "One."), (2, "Three."), (3, "Four.")]


def test_the_institution_cannot_remove_an_issue(cast):
    screening(cast)
    first = issue(cast)
    with pytest.raises(NotPermitted):
        summaries.remove_issue(issue=first, by=cast.focal_point)
    assert numbers(cast.review) == [(1, first.facts)]


# -- sharing


def test_sharing_sets_the_rules_due_date_moves_the_review_and_mails_the_institution(
    cast, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        summary = shared(cast)
    assert summary.shared_by == cast.secretariat
    assert summary.answers_due_on == DUE
    assert cast.review.state == ReviewState.SUMMARY_SHARED
    event = cast.review.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.by) == (
        ReviewState.SCREENING,
        ReviewState.SUMMARY_SHARED,
        cast.secretariat,
    )
    message = OutgoingMessage.objects.get(subject__contains="summary of issues to answer")
    assert message.to == cast.focal_point.email
    assert "8 March 2030" in message.body
    assert cast.focal_point.email in [m.to[0] for m in mail.outbox if m.subject == message.subject]


def test_a_due_date_may_be_given(cast):
    summary = shared(cast, due=dt.date(2030, 2, 20))
    assert summary.answers_due_on == dt.date(2030, 2, 20)


def test_sharing_a_summary_with_no_issues_is_refused_and_nothing_changes(cast):
    screening(cast)
    mails = OutgoingMessage.objects.count()
    with (
        clock.as_of(BEFORE),
        pytest.raises(DomainError, match=r"^Add at least one issue before sharing the summary\.$"),
    ):
        summaries.share_summary(review=cast.review, by=cast.secretariat)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SCREENING
    assert not IssueSummary.objects.filter(shared_at__isnull=False).exists()
    assert OutgoingMessage.objects.count() == mails


def test_a_due_date_in_the_past_is_refused(cast):
    screening(cast)
    issue(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="a day that has passed"):
        summaries.share_summary(
            review=cast.review, by=cast.secretariat, answers_due_on=BEFORE - dt.timedelta(days=1)
        )
    assert summaries.summary_for(cast.review).shared_at is None


def test_when_the_rules_date_has_passed_a_later_date_must_be_given(cast):
    screening(cast)
    issue(cast)
    with clock.as_of(dt.date(2030, 3, 9)), pytest.raises(DomainError) as refused:
        summaries.share_summary(review=cast.review, by=cast.secretariat)
    assert str(refused.value) == (
        "The usual due date, 8 March 2030, has passed: give a later date for the answers."
    )


def test_sharing_twice_is_refused(cast):
    shared(cast)
    with clock.as_of(BEFORE), pytest.raises(Conflict, match="already shared on 1 February 2030"):
        summaries.share_summary(review=cast.review, by=cast.secretariat)
    assert OutgoingMessage.objects.filter(subject__contains="to answer").count() == 1


def test_only_the_secretariat_shares(cast):
    screening(cast)
    issue(cast)
    with clock.as_of(BEFORE), pytest.raises(NotPermitted):
        summaries.share_summary(review=cast.review, by=cast.sca_member)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SCREENING


def test_the_summary_is_shared_during_screening_only(cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SUBMITTED, by=cast.secretariat)
    issue(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="shared during screening"):
        summaries.share_summary(review=cast.review, by=cast.secretariat)


def test_a_shared_summary_no_longer_changes(cast):
    shared(cast)
    first = SummaryIssue.objects.get()
    with pytest.raises(DomainError, match="was shared on 1 February 2030"):
        summaries.update_issue(
            issue=first, facts="X.", concern="Y.", principles=[], observations=[],
            by=cast.secretariat,
        )  # fmt: skip
    with pytest.raises(DomainError, match="was shared on"):
        issue(cast)


# -- answering


def test_the_focal_point_answers_and_changes_the_answer_until_sent(cast):
    shared(cast)
    first = SummaryIssue.objects.get()
    with clock.as_of(BEFORE):
        summaries.save_answer(issue=first, text="Draft.", by=cast.focal_point)
        answer = summaries.save_answer(issue=first, text="Final.", by=cast.focal_point)
    assert (answer.text, answer.updated_by) == ("Final.", cast.focal_point)
    assert answer.history.count() == 2


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "other_focal_point", "observer"])
def test_only_the_institution_answers(cast, member):
    shared(cast)
    with clock.as_of(BEFORE), pytest.raises(NotPermitted):
        summaries.save_answer(
            issue=SummaryIssue.objects.get(), text="X.", by=cast.members()[member]
        )
    assert IssueAnswer.objects.count() == 0


def test_an_unshared_summary_cannot_be_answered(cast):
    screening(cast)
    first = issue(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="has not been shared yet"):
        summaries.save_answer(issue=first, text="X.", by=cast.focal_point)


def test_answering_is_open_on_the_due_date_and_closed_the_day_after(cast):
    shared(cast)
    first = SummaryIssue.objects.get()
    with clock.as_of(DUE):
        summaries.save_answer(issue=first, text="Just in time.", by=cast.focal_point)
    with (
        clock.as_of(DUE + dt.timedelta(days=1)),
        pytest.raises(DomainError, match=r"^Answering closed on 8 March 2030\.$"),
    ):
        summaries.save_answer(issue=first, text="Too late.", by=cast.focal_point)
    assert IssueAnswer.objects.get().text == "Just in time."


def test_a_document_is_attached_to_an_answer_and_kept_as_inspected(cast):
    shared(cast)
    first = SummaryIssue.objects.get()
    with clock.as_of(BEFORE):
        attachment = summaries.attach_to_answer(issue=first, upload=pdf(), by=cast.focal_point)
    assert (attachment.original_name, attachment.kind, attachment.uploaded_by) == (
        "law.pdf",
        "pdf",
        cast.focal_point,
    )
    assert attachment.answer.issue == first
    assert attachment.file.read().startswith(b"%PDF-")
    with pytest.raises(ValueError, match="never changed"):
        attachment.save()


def test_a_file_that_is_not_a_document_is_refused_and_nothing_is_kept(cast):
    shared(cast)
    fake = SimpleUploadedFile("law.pdf", b"MZ\x90\x00 a program", content_type="application/pdf")
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="This type of file is not accepted"):
        summaries.attach_to_answer(
            issue=SummaryIssue.objects.get(), upload=fake, by=cast.focal_point
        )
    assert IssueAnswer.objects.count() == 0


# -- sending


def test_sending_the_answers_marks_them_sent_and_mails_the_secretariat(cast):
    cast.secretariat.email = "secretariat@example.org"
    cast.secretariat.save()
    shared(cast, count=2)
    answered(cast)
    with clock.as_of(BEFORE):
        summary = summaries.send_answers(review=cast.review, by=cast.focal_point)
    assert summary.answers_sent_by == cast.focal_point
    assert summary.answers_sent_at is not None
    message = OutgoingMessage.objects.get(subject__contains="answers to the summary")
    assert (message.to, message.language) == ("secretariat@example.org", "en")


def test_sending_with_an_issue_unanswered_is_refused_naming_it(cast):
    shared(cast, count=3)
    with clock.as_of(BEFORE):
        summaries.save_answer(
            issue=SummaryIssue.objects.get(number=2), text="Answer.", by=cast.focal_point
        )
        summaries.save_answer(
            issue=SummaryIssue.objects.get(number=3), text="   ", by=cast.focal_point
        )
        with pytest.raises(DomainError) as refused:
            summaries.send_answers(review=cast.review, by=cast.focal_point)
    assert str(refused.value) == "Answer every issue before sending. Not answered yet: 1, 3."
    assert summaries.summary_for(cast.review).answers_sent_at is None


def test_sent_answers_no_longer_change_and_are_not_sent_twice(cast):
    shared(cast)
    answered(cast)
    with clock.as_of(BEFORE):
        summaries.send_answers(review=cast.review, by=cast.focal_point)
        with pytest.raises(DomainError, match="were sent on 1 February 2030"):
            summaries.send_answers(review=cast.review, by=cast.focal_point)
        with pytest.raises(DomainError, match="can no longer be changed"):
            summaries.save_answer(
                issue=SummaryIssue.objects.get(), text="Changed.", by=cast.focal_point
            )
    assert IssueAnswer.objects.get().text == "Answer 1."


def test_answers_are_not_sent_after_the_due_date(cast):
    shared(cast)
    answered(cast)
    with (
        clock.as_of(DUE + dt.timedelta(days=1)),
        pytest.raises(DomainError, match=r"^Answering closed on 8 March 2030\.$"),
    ):
        summaries.send_answers(review=cast.review, by=cast.focal_point)
    assert summaries.summary_for(cast.review).answers_sent_at is None


def test_the_secretariat_does_not_send_the_institutions_answers(cast):
    shared(cast)
    answered(cast)
    with clock.as_of(BEFORE), pytest.raises(NotPermitted):
        summaries.send_answers(review=cast.review, by=cast.secretariat)


def test_a_summary_never_shared_has_nothing_to_send(cast):
    screening(cast)
    with clock.as_of(BEFORE), pytest.raises(DomainError, match="has not been shared yet"):
        summaries.send_answers(review=cast.review, by=cast.focal_point)


def test_a_withdrawn_review_is_no_longer_answered(cast):
    shared(cast)
    with clock.as_of(BEFORE):
        transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
        with pytest.raises(DomainError, match="past the preparation"):
            summaries.save_answer(issue=SummaryIssue.objects.get(), text="X.", by=cast.focal_point)
