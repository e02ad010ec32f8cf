"""Each person's mail in the portal: what the portal sent them and nothing else, never a
draft, nothing about a case they may no longer know of, and what the page costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from nhri_portal import clock
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services.conflicts import declare_recusal
from reviews.services.outbox import queue_mail
from reviews.services.sending import send
from tests.conflicts import BEFORE_CUTOFF, seat_of
from tests.dossier import login_url
from tests.pages import queries_for, text, visit
from tests.procedure import recommend

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
MAIL = reverse("reviews:mail")
INVITATION = "Accreditation of HOME: Invited"


def mail_url(message):
    return reverse("reviews:mail_message", args=[message.pk])


def invitation(cast):
    return OutgoingMessage.objects.get(review=cast.review, kind=MailKind.EVENT)


@pytest.mark.parametrize("member", MEMBERS)
def test_everyone_signed_in_reads_their_own_mail_and_nobody_elses(client, cast, member):
    message = invitation(cast)
    assert send(message.pk) is True
    for address in (MAIL, mail_url(message)):
        response = visit(client, cast.members()[member], address)
        if member == "anonymous":
            assert (response.status_code, response["Location"]) == (302, login_url(address))
            continue
        body = text(response)
        if member == "focal_point":
            assert response.status_code == 200
            assert body.count("<h1") == 1
            assert "<script>" not in body and "style=" not in body
            assert INVITATION in body
        elif address == MAIL:
            assert response.status_code == 200
            assert "The portal has sent you no mail yet." in body
            assert INVITATION not in body
        else:
            # Another person's mail does not exist for them.
            assert response.status_code == 404
            assert INVITATION not in body


def test_a_mail_reads_as_it_was_sent(client, cast):
    message = invitation(cast)
    assert send(message.pk) is True
    message.refresh_from_db()
    body = text(visit(client, cast.focal_point, mail_url(message)))
    assert f'<h1 dir="auto" lang="en"><bdi>{INVITATION}</bdi></h1>' in body
    assert "<bdi>focal@example.org</bdi>" in body
    assert "Dossier due" in body
    assert 'href="{}"'.format(reverse("reviews:case", args=[cast.review.pk])) in body
    assert "Not delivered yet" not in body


def test_a_mail_not_yet_delivered_says_so(client, cast):
    body = text(visit(client, cast.focal_point, mail_url(invitation(cast))))
    assert "Not delivered yet: the portal is still trying." in body


def test_a_draft_letter_is_never_shown_to_its_recipient(client, cast):
    recommend(cast.review, by=cast.secretariat)
    draft = OutgoingMessage.objects.get(review=cast.review, kind=MailKind.RECOMMENDATION)
    assert (draft.state, draft.recipient) == (MessageState.DRAFT, cast.focal_point)
    body = text(visit(client, cast.focal_point, MAIL))
    assert INVITATION in body
    assert "Recommendation of the SCA" not in body
    assert visit(client, cast.focal_point, mail_url(draft)).status_code == 404


def test_a_member_recused_since_no_longer_reads_mail_about_the_case(client, cast):
    notices(cast, 1, cast.sca_member)
    notice = OutgoingMessage.objects.get(recipient=cast.sca_member)
    subject = escape(notice.subject)
    assert subject in text(visit(client, cast.sca_member, MAIL))
    with clock.as_of(BEFORE_CUTOFF):
        declare_recusal(
            review=cast.review, seat=seat_of(cast.sca_member), note="Ties.", by=cast.sca_member
        )
    assert subject not in text(visit(client, cast.sca_member, MAIL))
    assert visit(client, cast.sca_member, mail_url(notice)).status_code == 404


def notices(cast, count, to, first_day=dt.date(2030, 4, 1)):
    """``count`` notices about the cast's review to ``to``, one a day from ``first_day``."""
    context = {"review": cast.review, "institution": cast.home, "event": None}
    for n in range(count):
        with clock.as_of(first_day + dt.timedelta(days=n)):
            queue_mail(cast.review, [to.email], "emails/dossier_submitted", "en", context)


def test_the_mail_page_lists_newest_first_at_the_same_cost_for_1_and_5_mails(client, cast):
    client.force_login(cast.focal_point)
    few = queries_for(client, MAIL)
    notices(cast, 4, cast.focal_point)
    body = text(client.get(MAIL))
    assert "5 mails." in body
    mails = list(OutgoingMessage.objects.filter(recipient=cast.focal_point).order_by("created_at"))
    assert body.index(f'href="{mail_url(mails[-1])}"') < body.index(f'href="{mail_url(mails[0])}"')
    assert queries_for(client, MAIL) == few
