"""The challenge page: who finds it, what each sees as the window opens and closes, what
a POST changes, the download of the documents, and the focal point's home."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils.html import escape

from nhri_portal import clock
from reviews.enums import Outcome, ReviewState
from reviews.models import Challenge, ChallengeAttachment
from reviews.services.challenges import add_challenge_document, lodge_challenge
from reviews.services.outcomes import Paragraph
from reviews.services.sweep import process_deadlines
from tests import files, procedure
from tests.dossier import login_url
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

MEMBERS = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
    "anonymous",
]
NOTIFIED_ON = dt.date(2030, 3, 20)
DAY_27 = NOTIFIED_ON + dt.timedelta(days=27)
DAY_29 = NOTIFIED_ON + dt.timedelta(days=29)
PARAGRAPHS = [
    Paragraph(text="The SCA commends the annual report.", kind="commendation"),
    Paragraph(text="The SCA notes the selection process is not transparent.", principles=("B.1",)),
]


def page(review):
    return reverse("reviews:challenge", args=[review.pk])


def lodge_url(review):
    return reverse("reviews:challenge_lodge", args=[review.pk])


def pdf(name="evidence.pdf", pages=2):
    return SimpleUploadedFile(name, files.pdf(pages), content_type="application/pdf")


def notified(cast):
    review = cast.review
    procedure.recommend(review, paragraphs=PARAGRAPHS)
    review.recommendation.summary = "Accredited with A status; two concerns."
    review.recommendation.save()
    with clock.as_of(NOTIFIED_ON):
        procedure.notify(review=review, by=cast.secretariat)
    review.refresh_from_db()
    return review


def challenged(cast, documents=1):
    review = notified(cast)
    with clock.as_of(DAY_27):
        challenge = lodge_challenge(
            review=review, reasons="The SCA misread our law.", by=cast.focal_point
        )
        for n in range(documents):
            add_challenge_document(
                challenge=challenge, file=pdf(f"doc-{n}.pdf", n + 1), by=cast.focal_point
            )
    return review, challenge


def before_the_bureau(review):
    process_deadlines(as_of=DAY_29)
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    return review


def post_as(client, user, address, data, on=DAY_27):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


@pytest.mark.parametrize("member", MEMBERS)
def test_while_the_window_is_open_only_the_institution_and_the_secretariat_find_the_page(
    client, cast, member
):
    review, _challenge = challenged(cast)
    response = visit(client, cast.members()[member], page(review), on=DAY_27)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(page(review)))
        return
    body = text(response)
    if member in ("secretariat", "focal_point"):
        assert response.status_code == 200
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
        assert "The SCA misread our law." in body
    else:
        # The Bureau receives the challenge only when its window opens.
        assert response.status_code == 404
        assert "The SCA misread our law." not in body


@pytest.mark.parametrize("member", MEMBERS)
def test_before_the_bureau_its_members_read_the_challenge_too(client, cast, member):
    review, _challenge = challenged(cast)
    before_the_bureau(review)
    response = visit(client, cast.members()[member], page(review), on=DAY_29)
    if member == "anonymous":
        assert response.status_code == 302
        return
    body = text(response)
    if member in ("secretariat", "focal_point", "bureau_member"):
        assert response.status_code == 200
        assert "The SCA misread our law." in body
        assert "doc-0.pdf" in body
        # Read-only for everyone now: the window has closed.
        assert lodge_url(review) not in body
        assert reverse("reviews:challenge_add", args=[review.pk]) not in body
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("member", MEMBERS)
def test_the_documents_download_for_those_who_read_the_challenge(client, cast, member):
    review, challenge = challenged(cast)
    before_the_bureau(review)
    document = challenge.attachments.get()
    address = reverse("reviews:challenge_file", args=[review.pk, document.pk])
    response = visit(client, cast.members()[member], address, on=DAY_29)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member in ("secretariat", "focal_point", "bureau_member"):
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == files.pdf(1)
        assert response["Cache-Control"] == "private, no-store"
        assert "attachment" in response["Content-Disposition"]
    else:
        assert response.status_code == 404


def test_a_document_of_another_review_is_not_found_through_this_one(client, cast):
    _review, challenge = challenged(cast)
    other = procedure.open_review(cast.other, cast.session)
    address = reverse("reviews:challenge_file", args=[other.pk, challenge.attachments.get().pk])
    assert visit(client, cast.secretariat, address, on=DAY_27).status_code == 404


def test_the_focal_point_reads_the_recommendation_as_notified_and_the_window(client, cast):
    review = notified(cast)
    body = text(visit(client, cast.focal_point, page(review), on=DAY_27))
    assert "Accredit with A status" in body
    assert "Accredited with A status; two concerns." in body
    assert '<li value="1">' in body and '<li value="2">' in body
    assert "The SCA notes the selection process is not transparent." in body
    assert "Paris Principle B.1" in body
    window = review.deadlines.get(rule_key="challenge-window")
    assert escape(window.explain()) in body
    assert 'You may challenge until <time datetime="2030-04-17">17 April 2030</time>.' in body
    assert f'action="{lodge_url(review)}"' in body
    assert 'enctype="multipart/form-data"' in body
    assert '<input type="file" name="documents" multiple' in body


def test_the_focal_point_lodges_a_challenge_with_documents_from_the_page(client, cast):
    review = notified(cast)
    data = {"reasons": "The SCA misread our law.", "documents": [pdf("a.pdf"), pdf("b.pdf", 3)]}
    response = post_as(client, cast.focal_point, lodge_url(review), data)
    assert (response.status_code, response["Location"]) == (302, page(review))
    challenge = Challenge.objects.get()
    assert (challenge.reasons, challenge.lodged_on) == ("The SCA misread our law.", DAY_27)
    assert [a.original_name for a in challenge.attachments.all()] == ["a.pdf", "b.pdf"]
    with clock.as_of(DAY_27):
        after = text(client.get(page(review)))
    assert "Your challenge is lodged." in after
    assert "a.pdf" in after and "b.pdf" in after
    assert lodge_url(review) not in after
    add = reverse("reviews:challenge_add", args=[review.pk])
    assert f'action="{add}"' in after
    added = post_as(client, cast.focal_point, add, {"file": pdf("c.pdf", 4)})
    assert added.status_code == 302
    assert challenge.attachments.count() == 3


def test_a_double_click_lodges_once(client, cast):
    review = notified(cast)
    first = post_as(client, cast.focal_point, lodge_url(review), {"reasons": "Once."})
    second = post_as(client, cast.focal_point, lodge_url(review), {"reasons": "Once."})
    assert first.status_code == 302
    assert second.status_code == 409
    assert "The recommendation was already challenged on 2030-04-16." in text(second)
    assert Challenge.objects.count() == 1


def test_on_day_29_the_page_says_when_the_window_closed_and_refuses_a_challenge(client, cast):
    review = notified(cast)
    body = text(visit(client, cast.focal_point, page(review), on=DAY_29))
    assert (
        'The challenge window closed on <time datetime="2030-04-17">17 April 2030</time>.' in body
    )
    assert "No challenge was lodged." in body
    assert lodge_url(review) not in body
    late = post_as(client, cast.focal_point, lodge_url(review), {"reasons": "Late."}, on=DAY_29)
    assert late.status_code == 400
    assert "The challenge window closed on 2030-04-17." in text(late)
    assert not Challenge.objects.exists()


def test_a_refused_document_is_named_on_the_page_and_nothing_is_lodged(client, cast):
    review = notified(cast)
    data = {"reasons": "Our law.", "documents": [SimpleUploadedFile("page.pdf", b"<html>")]}
    response = post_as(client, cast.focal_point, lodge_url(review), data)
    assert response.status_code == 400
    body = text(response)
    assert "“page.pdf” was not accepted. This type of file is not accepted." in body
    assert 'href="#id_documents"' in body
    # What the person typed is kept.
    assert "Our law.</textarea>" in body
    assert not Challenge.objects.exists() and not ChallengeAttachment.objects.exists()


def test_empty_reasons_are_shown_at_the_field(client, cast):
    review = notified(cast)
    response = post_as(client, cast.focal_point, lodge_url(review), {"reasons": ""})
    assert response.status_code == 400
    assert 'aria-describedby="id_reasons_helptext id_reasons_error"' in text(response)
    assert "Give the reasons for the challenge." in text(response)


def test_before_notification_the_page_reveals_no_draft(client, cast):
    review = procedure.recommend(cast.review, paragraphs=PARAGRAPHS)
    body = text(visit(client, cast.focal_point, page(review), on=review.session.ends_on))
    assert "No recommendation has been notified to the institution yet." in body
    assert "selection process" not in body
    assert "Accredit with A status" not in body
    assert lodge_url(review) not in body


@pytest.mark.parametrize(
    ("outcome", "why"),
    [
        (Outcome.DEFER, "A deferral is a decision of the SCA, not a recommendation"),
        (
            Outcome.OPEN_SPECIAL_REVIEW,
            "The opening of a special review is a decision of the SCA, not a recommendation",
        ),
    ],
)
def test_a_deferral_offers_no_challenge_and_says_why(client, cast, outcome, why):
    october = procedure.session(dt.date(2030, 10, 7))
    review = procedure.recommend(cast.review, outcome, follow_up=october)
    day = review.session.ends_on + dt.timedelta(days=3)
    body = text(visit(client, cast.focal_point, page(review), on=day))
    assert f"{why}: it cannot be challenged." in body
    assert "The SCA takes the case up again at the session “Session October 2030”." in body
    assert lodge_url(review) not in body and "<textarea" not in body
    refused = post_as(client, cast.focal_point, lodge_url(review), {"reasons": "No."}, on=day)
    assert refused.status_code == 400
    assert f"{why}: it cannot be challenged." in text(refused)
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(
    ("member", "status"),
    [
        ("secretariat", 403),
        ("sca_member", 404),
        ("bureau_member", 404),
        ("other_focal_point", 404),
        ("observer", 404),
    ],
)
def test_no_one_but_the_focal_point_lodges(client, cast, member, status):
    review = notified(cast)
    response = post_as(client, cast.members()[member], lodge_url(review), {"reasons": "Ours."})
    assert response.status_code == status
    assert not Challenge.objects.exists()


def test_a_bureau_member_may_not_add_a_document(client, cast):
    review, challenge = challenged(cast)
    before_the_bureau(review)
    add = reverse("reviews:challenge_add", args=[review.pk])
    response = post_as(client, cast.bureau_member, add, {"file": pdf("x.pdf", 5)}, on=DAY_29)
    assert response.status_code == 403
    assert challenge.attachments.count() == 1


def test_the_page_costs_the_same_with_one_document_or_five(client, cast):
    review, challenge = challenged(cast, documents=1)
    client.force_login(cast.focal_point)
    one = queries_for(client, page(review), on=DAY_27)
    with clock.as_of(DAY_27):
        for n in range(4):
            add_challenge_document(
                challenge=challenge, file=pdf(f"more-{n}.pdf", n + 2), by=cast.focal_point
            )
    assert queries_for(client, page(review), on=DAY_27) == one


def test_the_focal_points_home_shows_the_notified_recommendation_and_the_window(client, cast):
    review = notified(cast)
    body = text(visit(client, cast.focal_point, reverse("home"), on=DAY_27))
    assert 'you may challenge until <time datetime="2030-04-17">17 April 2030</time>.' in body
    assert f'href="{page(review)}"' in body
    with clock.as_of(DAY_27):
        lodge_challenge(review=review, reasons="Ours.", by=cast.focal_point)
    after = text(visit(client, cast.focal_point, reverse("home"), on=DAY_27))
    assert "You challenged the recommendation on" in after
    assert "you may challenge until" not in after


def test_the_case_page_links_the_challenge_page_once_notified(client, cast):
    review = procedure.recommend(cast.review)
    case = reverse("reviews:case", args=[review.pk])
    assert page(review) not in text(visit(client, cast.focal_point, case))
    with clock.as_of(NOTIFIED_ON):
        procedure.notify(review=review, by=cast.secretariat)
    assert page(review) in text(visit(client, cast.focal_point, case, on=DAY_27))
    assert page(review) not in text(visit(client, cast.sca_member, case, on=DAY_27))
