"""The institution's challenge of a recommendation: lodged within the window, once, with
documents inspected as every upload is; never of a deferral or a special review; and who
is told."""

import datetime as dt
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections

from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError, NotPermitted
from reviews.enums import Outcome, ReviewState
from reviews.models import Challenge, ChallengeAttachment, OutgoingMessage, Review
from reviews.services.challenges import add_challenge_document, lodge_challenge, standing
from tests import files, procedure

pytestmark = pytest.mark.django_db

NOTIFIED_ON = dt.date(2030, 3, 20)
DAY_27 = NOTIFIED_ON + dt.timedelta(days=27)
CLOSES = dt.date(2030, 4, 17)  # day 28, the last day of the window
DAY_29 = NOTIFIED_ON + dt.timedelta(days=29)


def pdf(name="evidence.pdf", pages=2):
    return SimpleUploadedFile(name, files.pdf(pages), content_type="application/pdf")


def notified(cast, **extra):
    cast.focal_point.email = "focal@home.example"
    cast.focal_point.save()
    cast.secretariat.email = "secretariat@ohchr.example"
    cast.secretariat.save()
    return procedure.notified(cast.review, on=NOTIFIED_ON, **extra)


def lodge(review, by, *, on=DAY_27, reasons="The SCA misread our founding law.", **extra):
    with clock.as_of(on):
        return lodge_challenge(review=review, reasons=reasons, by=by, **extra)


def decided_by_the_sca(cast, outcome):
    october = procedure.session(dt.date(2030, 10, 7))
    return procedure.recommend(cast.review, outcome, follow_up=october)


def test_a_challenge_lodged_on_day_27_keeps_its_reasons_and_documents(cast):
    review = notified(cast)
    challenge = lodge(review, cast.focal_point, files=[pdf("law.pdf"), pdf("budget.pdf", 3)])
    assert (challenge.lodged_on, challenge.lodged_by, challenge.reasons) == (
        DAY_27,
        cast.focal_point,
        "The SCA misread our founding law.",
    )
    names = [a.original_name for a in challenge.attachments.all()]
    assert names == ["law.pdf", "budget.pdf"]
    law = challenge.attachments.get(original_name="law.pdf")
    assert (law.kind, law.content_type, len(law.sha256)) == ("pdf", "application/pdf", 64)
    with law.file.open("rb") as stored:
        assert stored.read() == files.pdf(2)
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED


def test_on_day_29_the_challenge_is_refused_with_the_closing_date(cast):
    review = notified(cast)
    with pytest.raises(DomainError) as refused:
        lodge(review, cast.focal_point, on=DAY_29, files=[pdf()])
    assert str(refused.value) == "The challenge window closed on 2030-04-17."
    assert not Challenge.objects.exists()
    assert not ChallengeAttachment.objects.exists()


def test_a_second_lodging_is_refused_and_one_challenge_stands(cast):
    review = notified(cast)
    lodge(review, cast.focal_point)
    with pytest.raises(Conflict) as refused:
        lodge(review, cast.focal_point, reasons="Again.")
    assert str(refused.value) == "The recommendation was already challenged on 2030-04-16."
    assert Challenge.objects.get().reasons == "The SCA misread our founding law."


@pytest.mark.parametrize(
    ("outcome", "message"),
    [
        (
            Outcome.DEFER,
            "A deferral is a decision of the SCA, not a recommendation: it cannot be challenged.",
        ),
        (
            Outcome.OPEN_SPECIAL_REVIEW,
            "The opening of a special review is a decision of the SCA, not a recommendation: "
            "it cannot be challenged.",
        ),
    ],
)
def test_a_deferral_or_a_special_review_cannot_be_challenged(cast, outcome, message):
    review = decided_by_the_sca(cast, outcome)
    with pytest.raises(DomainError) as refused:
        lodge(review, cast.focal_point, on=review.session.ends_on + dt.timedelta(days=3))
    assert str(refused.value) == message
    with clock.as_of(review.session.ends_on + dt.timedelta(days=3)):
        now = standing(review)
    assert (now.lodgeable, now.unchallengeable, now.reason) == (False, True, message)
    assert not Challenge.objects.exists()


def test_nothing_is_challenged_before_the_institution_is_notified(cast):
    review = procedure.recommend(cast.review)
    with pytest.raises(DomainError, match="no recommendation open to challenge"):
        lodge(review, cast.focal_point, on=review.session.ends_on)
    with clock.as_of(review.session.ends_on):
        now = standing(review)
    # A recommendation not yet notified is a draft to the institution: nothing of it.
    assert (now.notified, now.recommendation, now.window) == (False, None, None)
    assert now.reason == "No recommendation has been notified to the institution yet."


@pytest.mark.parametrize("member", ["secretariat", "other_focal_point", "bureau_member"])
def test_only_the_institutions_focal_points_may_challenge(cast, member):
    review = notified(cast)
    with pytest.raises(NotPermitted):
        lodge(review, cast.members()[member])
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.pdf", b"", "The file is empty."),
        ("page.pdf", b"<html><body>Not a PDF</body></html>", "This type of file is not accepted."),
        ("law.docx", files.pdf(1), "This file is a PDF, but its name ends in “.docx”."),
    ],
)
def test_a_refused_document_refuses_the_whole_challenge_with_the_uploads_message(
    cast, name, content, message
):
    review = notified(cast)
    refused_file = SimpleUploadedFile(name, content)
    with pytest.raises(DomainError) as refused:
        lodge(review, cast.focal_point, files=[pdf(), refused_file])
    assert str(refused.value).startswith(f"“{name}” was not accepted. {message}")
    assert not Challenge.objects.exists()
    assert not ChallengeAttachment.objects.exists()


def test_empty_reasons_are_refused(cast):
    review = notified(cast)
    with pytest.raises(DomainError, match="Give the reasons for the challenge"):
        lodge(review, cast.focal_point, reasons="   ")


def test_the_focal_points_and_the_secretariat_are_told_each_in_their_language(cast):
    cast.home.working_language = "fr"
    cast.home.save()
    review = notified(cast)
    OutgoingMessage.objects.all().delete()
    lodge(review, cast.focal_point, files=[pdf()])
    told = {m.to: m for m in OutgoingMessage.objects.all()}
    # "walker" is the secretariat member who walked the review to its notification.
    assert set(told) == {"focal@home.example", "secretariat@ohchr.example", "walker@example.org"}
    acknowledgement, notice = told["focal@home.example"], told["secretariat@ohchr.example"]
    assert acknowledgement.language == "fr"
    assert "16 avril 2030" in acknowledgement.body  # the day lodged, as French writes it
    assert "17 avril 2030" in acknowledgement.body  # documents may be added until then
    assert notice.language == "en"
    assert notice.subject == "Challenge lodged: HOME, Session March 2030"
    assert "challenged the recommendation" in notice.body
    assert "on 16 April 2030" in notice.body
    assert "The SCA misread our founding law." in notice.body
    assert "1 document lodged with it." in notice.body


def test_documents_are_added_until_the_window_closes_and_never_twice(cast):
    review = notified(cast)
    challenge = lodge(review, cast.focal_point)
    with clock.as_of(CLOSES):
        added = add_challenge_document(
            challenge=challenge, file=pdf("late.pdf"), by=cast.focal_point
        )
        with pytest.raises(Conflict, match="already among the documents"):
            add_challenge_document(challenge=challenge, file=pdf("again.pdf"), by=cast.focal_point)
    assert added.original_name == "late.pdf"
    with clock.as_of(DAY_29), pytest.raises(DomainError) as refused:
        add_challenge_document(challenge=challenge, file=pdf("later.pdf", 4), by=cast.focal_point)
    assert str(refused.value) == "The challenge window closed on 2030-04-17."
    assert [a.original_name for a in challenge.attachments.all()] == ["late.pdf"]


def test_a_document_is_refused_with_the_uploads_message(cast):
    review = notified(cast)
    challenge = lodge(review, cast.focal_point)
    with clock.as_of(DAY_27), pytest.raises(DomainError) as refused:
        add_challenge_document(
            challenge=challenge, file=SimpleUploadedFile("x.pdf", b""), by=cast.focal_point
        )
    assert str(refused.value).startswith("“x.pdf” was not accepted. The file is empty.")
    with clock.as_of(DAY_27), pytest.raises(NotPermitted):
        add_challenge_document(challenge=challenge, file=pdf(), by=cast.secretariat)
    assert not ChallengeAttachment.objects.exists()


def test_the_standing_says_when_the_window_closes_and_what_was_lodged(cast):
    review = notified(cast)
    with clock.as_of(DAY_27):
        before = standing(review)
    assert (before.lodgeable, before.reason, before.window.due_on) == (True, "", CLOSES)
    lodge(review, cast.focal_point)
    with clock.as_of(DAY_27):
        after = standing(review)
    assert (after.lodgeable, after.window_open) == (False, True)
    assert after.reason == "The recommendation was challenged on 2030-04-16."
    with clock.as_of(DAY_29):
        closed = standing(review)
    assert (closed.window_open, closed.reason) == (
        False,
        "The challenge window closed on 2030-04-17.",
    )
    assert closed.challenge.reasons == "The SCA misread our founding law."


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL's row locking")
def test_two_focal_points_lodging_at_the_same_moment_lodge_one_challenge(cast):
    review = notified(cast)
    second = procedure.focal_point(cast.home, "second-focal")
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def lodge_as(user):
        try:
            barrier.wait(timeout=10)
            lodge(Review.objects.get(pk=review.pk), user, reasons=f"By {user.username}.")
            outcomes.append("lodged")
        except Conflict as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=lodge_as, args=(u,)) for u in (cast.focal_point, second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == [
        "The recommendation was already challenged on 2030-04-16.",
        "lodged",
    ]
    assert Challenge.objects.count() == 1
