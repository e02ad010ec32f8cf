"""The secretariat's outbox: who finds it, the letters awaiting release, editing and
releasing them one by one or a session at once, the failed mails sent again, the list of
mails, and what the page costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from nhri_portal import clock
from reviews.enums import Outcome, ReviewState
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services.dossiers import reference
from reviews.services.outbox import draft_letter
from reviews.services.sending import send
from tests.dossier import login_url
from tests.pages import queries_for, text, visit
from tests.procedure import focal_point, open_review, recommend, session

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
OUTBOX = reverse("reviews:outbox")
# The SCA's session of the cast ends on 2030-03-15, when the recommendation is recorded.
RELEASED_ON = dt.date(2030, 3, 20)
RECOMMENDATION = MailKind.RECOMMENDATION.value


def letter_url(review, name="outbox_letter", kind=RECOMMENDATION):
    return reverse(f"reviews:{name}", args=[review.pk, kind])


def session_release_url(session):
    return reverse("reviews:outbox_session_release", args=[session.pk])


def post_as(client, user, address, data=None, on=RELEASED_ON):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data or {})


def letter_rows(review, kind=MailKind.RECOMMENDATION):
    return OutgoingMessage.objects.filter(review=review, kind=kind).order_by("to")


def failed_mail(review, settings, backend="tests.mail_backends.DownBackend"):
    """The review's invitation, sent while the mail server fails."""
    message = OutgoingMessage.objects.filter(review=review, kind=MailKind.EVENT).first()
    settings.EMAIL_BACKEND = backend
    assert send(message.pk) is False
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    message.refresh_from_db()
    return message


@pytest.fixture
def recommended(cast):
    return recommend(cast.review, by=cast.secretariat)


# -- who finds the pages --


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_finds_the_outbox_and_its_pages(client, cast, recommended, member):
    user = cast.members()[member]
    for address in (OUTBOX, letter_url(cast.review), session_release_url(cast.session)):
        response = visit(client, user, address, on=RELEASED_ON)
        if member == "anonymous":
            assert (response.status_code, response["Location"]) == (302, login_url(address))
            continue
        body = text(response)
        if member == "secretariat":
            assert response.status_code == 200, address
            assert body.count("<h1") == 1
            assert "<script>" not in body and "style=" not in body
            assert "Recommendation of the SCA on HOME" in body
        else:
            # Nobody else may learn that the page, or the letter, exists.
            assert response.status_code == 404, address
            assert "Recommendation of the SCA" not in body


@pytest.mark.parametrize("member", [m for m in MEMBERS if m not in ("secretariat", "anonymous")])
def test_nobody_but_the_secretariat_edits_or_releases_a_letter_or_sends_a_mail_again(
    client, cast, recommended, settings, member
):
    failed = failed_mail(cast.review, settings)
    user = cast.members()[member]
    draft = letter_rows(cast.review).get()
    attempts = [
        (letter_url(cast.review, "outbox_letter_edit"), {"subject": "Hacked", "body": "Hacked"}),
        (letter_url(cast.review, "outbox_letter_release"), {}),
        (session_release_url(cast.session), {}),
        (reverse("reviews:outbox_retry", args=[failed.pk]), {}),
    ]
    for address, data in attempts:
        assert post_as(client, user, address, data).status_code == 404, address
    draft.refresh_from_db()
    failed.refresh_from_db()
    assert (draft.state, draft.subject) == (MessageState.DRAFT, recommended_subject(cast))
    assert failed.state == MessageState.FAILED
    assert cast.review.state == ReviewState.RECOMMENDED


def recommended_subject(cast):
    return f"Recommendation of the SCA on HOME ({reference(cast.review)})"


def test_an_unknown_kind_of_letter_or_a_review_without_that_letter_is_not_found(
    client, cast, recommended
):
    client.force_login(cast.secretariat)
    assert client.get(letter_url(cast.review, kind="event")).status_code == 404
    assert client.get(letter_url(cast.review, kind=MailKind.DECISION.value)).status_code == 404


# -- the outbox page --


def test_the_outbox_lists_the_letters_by_session_the_failures_and_the_mails(
    client, cast, recommended, settings
):
    temporary = failed_mail(cast.review, settings)
    other = open_review(cast.other, session(dt.date(2031, 3, 10)))
    permanent = failed_mail(other, settings, "tests.mail_backends.RefusingBackend")
    body = text(visit(client, cast.secretariat, OUTBOX, on=RELEASED_ON))

    assert 'href="{}">Letter templates</a>'.format(reverse("reviews:letter_templates")) in body
    letters = body[body.index("Letters awaiting release") : body.index("Mails that failed")]
    assert "<bdi>Session March 2030</bdi></h3>" in letters
    assert "<bdi>Home Commission</bdi>" in letters
    assert f'href="{letter_url(cast.review)}">Recommendation letter</a>' in letters
    assert "<bdi>focal@example.org</bdi>" in letters
    assert "<td>English</td>" in letters
    assert escape(recommended_subject(cast)) in letters
    assert "Not edited" in letters
    assert 'action="{}"'.format(letter_url(cast.review, "outbox_letter_release")) in letters
    assert f'href="{session_release_url(cast.session)}"' in letters
    assert "Release every letter of <bdi>Session March 2030</bdi>" in letters

    failures = body[body.index("Mails that failed") : body.index("Mails queued, being sent")]
    assert "SMTPServerDisconnected: Connection unexpectedly closed" in failures
    retry_at = timezone.localtime(temporary.next_attempt_at).isoformat()
    assert f'<time datetime="{retry_at}">' in failures
    assert "Will not be retried: permanent error." in failures
    assert escape("SMTPRecipientsRefused") in failures
    assert 'action="{}"'.format(reverse("reviews:outbox_retry", args=[permanent.pk])) in failures
    assert 'action="{}"'.format(reverse("reviews:outbox_retry", args=[temporary.pk])) in failures

    listed = body[body.index("Mails queued, being sent") :]
    # The mails still queued: the submission notices (the test's transaction never commits).
    assert "Dossier submitted: HOME" in listed
    assert recommended_subject(cast) not in listed  # a draft is not a mail yet


def test_the_list_of_mails_is_filtered_by_state_and_session_newest_first(client, cast, recommended):
    later = open_review(cast.other, session(dt.date(2031, 3, 10)))
    invitation = OutgoingMessage.objects.get(review=later)
    assert send(invitation.pk) is True
    client.force_login(cast.secretariat)

    sent = text(client.get(OUTBOX, {"state": "sent"}))
    assert "Accreditation of OTHER: Invited" in sent
    assert "Accreditation of HOME: Invited" not in sent
    assert "1 mail matches." in sent

    of_session = text(client.get(OUTBOX, {"session": cast.session.pk}))
    assert "Accreditation of HOME: Invited" in of_session
    assert "Accreditation of OTHER: Invited" not in of_session

    everything = text(client.get(OUTBOX))
    assert everything.index("Accreditation of HOME: Submitted") < everything.index(
        "Accreditation of HOME: Invited"
    )

    stale = text(client.get(OUTBOX, {"state": "draft", "session": "999999"}))
    assert escape("There is no state “draft” here; every state is shown.") in stale
    assert "There is no such session; every session is shown." in stale
    assert "Accreditation of OTHER: Invited" in stale


def many(cast, count, settings):
    """``count`` reviews of other institutions in the cast's session, each with a draft
    recommendation letter, a failed mail and a sent one."""
    from tests.factories import InstitutionFactory

    walker = cast.secretariat
    for n in range(count):
        institution = InstitutionFactory(name=f"Institution {n}", acronym=f"I{n}")
        focal_point(institution, f"focal-{n}")
        review = open_review(institution, cast.session)
        recommend(review, by=walker)
        failed_mail(review, settings)
        submitted = OutgoingMessage.objects.filter(review=review, kind=MailKind.EVENT).last()
        assert send(submitted.pk) is True


def test_the_outbox_costs_the_same_queries_for_1_and_5_letters_failures_and_mails(
    client, cast, settings
):
    client.force_login(cast.secretariat)
    many(cast, 1, settings)
    few = (queries_for(client, OUTBOX), queries_for(client, OUTBOX + "?state=sent"))
    many(cast, 4, settings)
    body = text(client.get(OUTBOX))
    assert body.count("Recommendation letter</a>") == 5
    assert body.count("SMTPServerDisconnected") == 5
    assert (queries_for(client, OUTBOX), queries_for(client, OUTBOX + "?state=sent")) == few


# -- one letter: read, edit, release --


def test_the_recommendation_letter_says_releasing_it_starts_the_challenge_window_today(
    client, cast, recommended
):
    body = text(visit(client, cast.secretariat, letter_url(cast.review), on=RELEASED_ON))
    assert "Recommendation letter to <bdi>Home Commission</bdi></h1>" in body
    assert (
        "Releasing this letter notifies the institution of the recommendation and starts its "
        "challenge window today: 28 days, closing on "
        '<time datetime="2030-04-17">17 April 2030</time>'
    ) in body
    assert "The closing date is added to the letter when it is released" in body
    # The preview: the letter as the focal point reads it.
    assert "The SCA recommends that the institution be accredited with A status." in body
    assert "<bdi>focal@example.org</bdi>" in body
    assert 'name="subject"' in body and 'name="body"' in body
    assert "Release the letter and notify the institution" in body


def test_editing_the_letter_changes_it_for_every_recipient(client, cast, recommended):
    focal_point(cast.home, "deputy")
    deputy_draft = recommend_again_for_two(cast)
    address = letter_url(cast.review, "outbox_letter_edit")
    data = {"subject": "Your recommendation", "body": "Dear colleagues,\n\nThe SCA recommends A."}
    response = post_as(client, cast.secretariat, address, data)
    assert (response.status_code, response["Location"]) == (302, letter_url(cast.review))
    rows = list(letter_rows(cast.review))
    assert len(rows) == 2 and deputy_draft in rows
    assert {(r.subject, r.body.strip(), r.state, r.edited_by) for r in rows} == {
        ("Your recommendation", data["body"], MessageState.DRAFT, cast.secretariat)
    }
    page = text(client.get(letter_url(cast.review)))
    assert "The letter is saved for every recipient. It is not sent yet." in page
    assert "The SCA recommends A." in page
    outbox = text(client.get(OUTBOX))
    assert "by <bdi>secretariat</bdi>" in outbox


def recommend_again_for_two(cast):
    """The letter drafted once more, now that the institution has two focal points."""
    OutgoingMessage.objects.filter(review=cast.review, kind=MailKind.RECOMMENDATION).delete()
    rows = draft_letter(review=cast.review, kind=MailKind.RECOMMENDATION)
    return next(row for row in rows if row.to == "deputy@example.org")


def test_an_empty_letter_is_refused_on_the_page_and_nothing_is_saved(client, cast, recommended):
    address = letter_url(cast.review, "outbox_letter_edit")
    response = post_as(client, cast.secretariat, address, {"subject": "", "body": "  "})
    assert response.status_code == 400
    body = text(response)
    assert "Give the letter a subject." in body and "The letter cannot be empty." in body
    assert '<a href="#id_subject">' in body and '<a href="#id_body">' in body
    assert letter_rows(cast.review).get().subject == recommended_subject(cast)


def test_releasing_twice_sends_the_letter_once_and_notifies_the_institution(
    client, cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    address = letter_url(cast.review, "outbox_letter_release")
    with django_capture_on_commit_callbacks(execute=True):
        first = post_as(client, cast.secretariat, address)
    assert (first.status_code, first["Location"]) == (302, OUTBOX)
    assert "The letter is released; it goes to 1 recipient." in text(client.get(OUTBOX))
    with django_capture_on_commit_callbacks(execute=True), clock.as_of(RELEASED_ON):
        second = client.post(address)
    assert (second.status_code, second["Location"]) == (302, OUTBOX)
    letter = letter_rows(cast.review).get()
    assert (letter.state, letter.released_by) == (MessageState.SENT, cast.secretariat)
    assert [m.subject for m in mailoutbox] == [recommended_subject(cast)]
    assert "2030-04-17" in mailoutbox[0].body or "17 April 2030" in mailoutbox[0].body
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.NOTIFIED
    outbox = text(client.get(OUTBOX))
    assert "This letter had already been released; nothing more is sent." in outbox
    assert "No letter is waiting to be released." in outbox


def test_a_released_letter_can_no_longer_be_edited(client, cast, recommended):
    post_as(client, cast.secretariat, letter_url(cast.review, "outbox_letter_release"))
    address = letter_url(cast.review, "outbox_letter_edit")
    response = post_as(client, cast.secretariat, address, {"subject": "Late", "body": "Late"})
    assert response.status_code == 409
    body = text(response)
    assert "was released on" in body and "can no longer be changed" in body
    # What the person typed is kept; the letter is not changed.
    assert ">\nLate</textarea>" in body
    assert letter_rows(cast.review).get().subject == recommended_subject(cast)
    page = text(client.get(letter_url(cast.review)))
    assert "This letter has been released; it can no longer be changed." in page
    assert 'name="body"' not in page and "Your changes, not saved" not in page


def test_the_secretariat_releases_every_letter_of_a_session_after_confirming(
    client, cast, recommended, mailoutbox, django_capture_on_commit_callbacks
):
    second = open_review(cast.other, cast.session)
    recommend(second, by=cast.secretariat)
    elsewhere = open_review(cast.bureau_home, session(dt.date(2031, 3, 10), name="Session 2031"))
    focal_point(cast.bureau_home, "bureau-focal")
    recommend(elsewhere, by=cast.secretariat)
    address = session_release_url(cast.session)

    confirm = text(visit(client, cast.secretariat, address, on=RELEASED_ON))
    assert "Release every letter of <bdi>Session March 2030</bdi></h1>" in confirm
    assert "<bdi>Home Commission</bdi>" in confirm and "<bdi>Other Commission</bdi>" in confirm
    assert "Bureau Commission" not in confirm
    assert "Release 2 letters" in confirm
    assert not OutgoingMessage.objects.filter(
        kind=MailKind.RECOMMENDATION, state=MessageState.QUEUED
    ).exists()  # looking changes nothing

    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, cast.secretariat, address)
    assert (response.status_code, response["Location"]) == (302, OUTBOX)
    outbox = text(client.get(OUTBOX))
    assert "The letters of Session March 2030 are released: 2 mails go out." in outbox
    with django_capture_on_commit_callbacks(execute=True), clock.as_of(RELEASED_ON):
        again = client.post(address)
    assert again.status_code == 302
    assert sorted(m.to[0] for m in mailoutbox) == ["focal@example.org", "other-focal@example.org"]
    assert letter_rows(elsewhere).get().state == MessageState.DRAFT
    outbox = text(client.get(OUTBOX))
    assert "No letter of Session March 2030 was waiting." in outbox


# -- failed mails --


def test_send_again_queues_a_failed_mail_and_sends_it_once(
    client, cast, settings, mailoutbox, django_capture_on_commit_callbacks
):
    failed = failed_mail(cast.review, settings, "tests.mail_backends.RefusingBackend")
    address = reverse("reviews:outbox_retry", args=[failed.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = post_as(client, cast.secretariat, address)
    assert (response.status_code, response["Location"]) == (302, OUTBOX)
    failed.refresh_from_db()
    assert (failed.state, failed.attempts) == (MessageState.SENT, 2)
    assert [m.to for m in mailoutbox] == [["focal@example.org"]]
    assert "The mail to focal@example.org is queued to be sent again." in text(client.get(OUTBOX))

    late = post_as(client, cast.secretariat, address)
    assert late.status_code == 409
    assert escape("This mail is no longer failed: it is “Sent”.") in text(late)
    assert len(mailoutbox) == 1


def test_a_deferral_letter_starts_no_challenge_window_and_goes_once_released(
    client, cast, mailoutbox, django_capture_on_commit_callbacks
):
    later = session(dt.date(2031, 3, 10), name="Session 2031")
    recommend(cast.review, Outcome.DEFER, by=cast.secretariat, follow_up=later)
    kind = MailKind.DEFERRAL.value
    body = text(visit(client, cast.secretariat, letter_url(cast.review, kind=kind), on=RELEASED_ON))
    assert "Deferral letter to <bdi>Home Commission</bdi></h1>" in body
    assert "starts its challenge window" not in body
    assert "Release the letter</button>" in body

    with django_capture_on_commit_callbacks(execute=True), clock.as_of(RELEASED_ON):
        response = client.post(letter_url(cast.review, "outbox_letter_release", kind=kind))
    assert (response.status_code, response["Location"]) == (302, OUTBOX)
    assert letter_rows(cast.review, MailKind.DEFERRAL).get().state == MessageState.SENT
    assert [m.to for m in mailoutbox] == [["focal@example.org"]]
    assert "Session 2031" in mailoutbox[0].body
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DEFERRED
