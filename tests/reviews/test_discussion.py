"""The discussion of a case: who may post, what is refused, and that it stays as posted."""

import datetime as dt

import pytest

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ReviewState
from reviews.models import CaseComment, OutgoingMessage
from reviews.services.discussion import COMMENT_MAX_CHARS, post_comment
from reviews.services.transitions import transition
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory

pytestmark = pytest.mark.django_db

DAY = dt.date(2030, 3, 1)


def bodies(review):
    return list(review.comments.values_list("author__username", "body"))


@pytest.mark.parametrize("member", ["secretariat", "sca_member"])
def test_the_secretariat_and_a_member_sitting_on_the_case_post_in_order(cast, member):
    user = cast.members()[member]
    with clock.as_of(DAY):
        first = post_comment(review=cast.review, body="  The law changed in 2029.\n", by=user)
        second = post_comment(review=cast.review, body="Ask about the budget.", by=user)

    assert bodies(cast.review) == [
        (user.username, "The law changed in 2029."),
        (user.username, "Ask about the budget."),
    ]
    assert first.posted_at.date() == DAY
    assert (first.posted_at, first.pk) < (second.posted_at, second.pk)


def test_posting_sends_no_mail(cast):
    before = OutgoingMessage.objects.count()
    post_comment(review=cast.review, body="A note.", by=cast.secretariat)
    assert OutgoingMessage.objects.count() == before


@pytest.mark.parametrize(
    "member",
    ["recused_sca_member", "bureau_member", "focal_point", "other_focal_point", "observer"],
)
def test_nobody_else_may_post_and_nothing_is_kept(cast, member):
    with pytest.raises(NotPermitted) as refused:
        post_comment(review=cast.review, body="Hello.", by=cast.members()[member])
    assert str(refused.value) == (
        "Only the SCA members sitting on this case and the secretariat may take part in its "
        "discussion."
    )
    assert CaseComment.objects.count() == 0


def test_a_member_of_another_session_may_not_post(cast):
    other_session = procedure.session(dt.date(2031, 3, 10))
    stranger = UserFactory(username="elsewhere")
    procedure.sca_seat(InstitutionFactory(), [other_session], person=stranger)
    with pytest.raises(NotPermitted):
        post_comment(review=cast.review, body="Hello.", by=stranger)
    assert CaseComment.objects.count() == 0


@pytest.mark.parametrize("body", ["", "   \n\t "])
def test_an_empty_message_is_refused(cast, body):
    with pytest.raises(DomainError) as refused:
        post_comment(review=cast.review, body=body, by=cast.secretariat)
    assert str(refused.value) == "Write a message before you post it."
    assert CaseComment.objects.count() == 0


def test_a_message_too_long_is_refused_with_its_length(cast):
    with pytest.raises(DomainError) as refused:
        post_comment(review=cast.review, body="x" * (COMMENT_MAX_CHARS + 1), by=cast.secretariat)
    assert str(refused.value) == "A message can have at most 10000 characters (it has 10001)."
    assert CaseComment.objects.count() == 0


def test_a_message_of_exactly_the_limit_is_kept(cast):
    post_comment(review=cast.review, body="x" * COMMENT_MAX_CHARS, by=cast.secretariat)
    assert len(cast.review.comments.get().body) == COMMENT_MAX_CHARS


def test_a_closed_case_takes_no_new_message(cast):
    post_comment(review=cast.review, body="Before.", by=cast.secretariat)
    transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat, reason="Withdrawn.")

    with pytest.raises(DomainError) as refused:
        post_comment(review=cast.review, body="After.", by=cast.secretariat)
    assert str(refused.value) == (
        "The case is closed; its discussion is kept as it was and takes no new messages."
    )
    assert bodies(cast.review) == [("secretariat", "Before.")]


def test_a_case_closed_after_it_was_loaded_is_refused_too(cast):
    stale = type(cast.review).objects.get(pk=cast.review.pk)
    transition(cast.review, to=ReviewState.LAPSED, by=cast.secretariat, reason="No dossier.")
    assert stale.state == ReviewState.INVITED

    with pytest.raises(DomainError):
        post_comment(review=stale, body="Late.", by=cast.secretariat)
    assert CaseComment.objects.count() == 0


def test_a_posted_message_cannot_be_changed(cast):
    comment = post_comment(review=cast.review, body="As posted.", by=cast.secretariat)
    comment.body = "Changed."
    with pytest.raises(ValueError, match="append-only"):
        comment.save()
    assert cast.review.comments.get().body == "As posted."
