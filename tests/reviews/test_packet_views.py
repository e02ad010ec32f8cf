"""The packets page of a session and asking for packets: who finds the page, what each
sees, who may ask for whose packet, that asking twice makes one row, and what the page
costs."""

import datetime as dt

import pytest
from django.urls import reverse

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.models import DocumentKind, GeneratedDocument, JobState
from reviews.services.generated import render_document
from reviews.services.packets import packet_key, request_packet, request_packets
from tests import procedure
from tests.dossier import login_url
from tests.factories import UserFactory
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
DAY = dt.date(2030, 3, 1)
SITTING = ("sca_member", "recused_sca_member")


def page(session):
    return reverse("reviews:packets", args=[session.pk])


def post_as(client, user, address):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(DAY):
        return client.post(address)


def packets():
    return GeneratedDocument.objects.filter(kind=DocumentKind.PACKET)


@pytest.mark.parametrize("member", MEMBERS)
def test_the_secretariat_and_the_members_sitting_find_the_packets_page(client, cast, member):
    with clock.as_of(DAY):
        request_packets(session=cast.session, by=cast.secretariat)
    response = visit(client, cast.members()[member], page(cast.session), on=DAY)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(page(cast.session)))
        return
    body = text(response)
    if member == "secretariat":
        assert response.status_code == 200
        assert body.count("<h1") == 1 and "<script>" not in body and "style=" not in body
        assert "Make the review packets" in body and "Make the full packet" in body
        # Every sitting member's packet is listed, with a link to its progress page.
        for row in packets():
            assert reverse("reviews:document", args=[row.pk]) in body
        assert packets().count() == 2
    elif member in SITTING:
        assert response.status_code == 200
        assert "Make my packet" in body and "Make the review packets" not in body
        mine = packets().get(recipient=cast.members()[member])
        assert reverse("reviews:document", args=[mine.pk]) in body
        for other in packets().exclude(recipient=cast.members()[member]):
            assert reverse("reviews:document", args=[other.pk]) not in body
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_make_every_members_packet(client, cast, member):
    response = post_as(
        client, cast.members()[member], reverse("reviews:packets_make", args=[cast.session.pk])
    )
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (302, page(cast.session))
        made = packets()
        assert {row.recipient for row in made} == {cast.sca_member, cast.recused_sca_member}
        with clock.as_of(DAY):
            assert all(row.key == packet_key(cast.session, row.recipient) for row in made)
        assert all(row.state == JobState.QUEUED and row.as_of == DAY for row in made)
        assert all(row.language == "en" and row.requested_by == cast.secretariat for row in made)
    else:
        expected = {"anonymous": 302, "sca_member": 403, "recused_sca_member": 403}
        assert response.status_code == expected.get(member, 404)
        assert not packets().exists()


@pytest.mark.parametrize("member", MEMBERS)
def test_who_may_make_their_own_packet(client, cast, member):
    user = cast.members()[member]
    response = post_as(client, user, reverse("reviews:packet_mine", args=[cast.session.pk]))
    if member == "secretariat" or member in SITTING:
        document = packets().get()
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("reviews:document", args=[document.pk]),
        )
        assert document.recipient == user and document.session == cast.session
    else:
        assert response.status_code == (302 if member == "anonymous" else 404)
        assert not packets().exists()


def test_asking_twice_on_the_same_day_makes_one_packet(client, cast):
    address = reverse("reviews:packets_make", args=[cast.session.pk])
    post_as(client, cast.secretariat, address)
    post_as(client, cast.secretariat, address)
    post_as(client, cast.sca_member, reverse("reviews:packet_mine", args=[cast.session.pk]))

    assert packets().count() == 2
    with clock.as_of(DAY + dt.timedelta(days=1)):
        request_packet(session=cast.session, recipient=cast.sca_member, by=cast.sca_member)
    assert packets().filter(recipient=cast.sca_member).count() == 2  # a new day, a new packet


def test_a_member_may_not_ask_for_someone_elses_packet(cast):
    with pytest.raises(NotPermitted), clock.as_of(DAY):
        request_packet(session=cast.session, recipient=cast.recused_sca_member, by=cast.sca_member)
    assert not packets().exists()


def test_a_packet_only_for_someone_sitting_or_the_secretariat(client, cast):
    with pytest.raises(DomainError, match="does not sit in this session"), clock.as_of(DAY):
        request_packet(session=cast.session, recipient=cast.focal_point, by=cast.secretariat)
    empty = procedure.session(dt.date(2031, 3, 10))
    response = post_as(client, cast.secretariat, reverse("reviews:packets_make", args=[empty.pk]))
    assert response.status_code == 400
    assert "Nobody sits in this session yet" in text(response)
    assert not packets().exists()


def test_a_ready_packet_is_downloadable_from_the_page_and_offers_what_it_left_out(
    client, cast, django_capture_on_commit_callbacks
):
    from tests.reviews.test_packets import put

    put(cast.review, cast.secretariat, "Budget", "budget.docx", b"PK\x03\x04", kind="docx")
    other = procedure.open_review(cast.other, cast.session)
    put(other, cast.secretariat, "Law", "law.pdf", b"%PDF-1.4 broken")
    with clock.as_of(DAY):
        document = request_packet(
            session=cast.session, recipient=cast.sca_member, by=cast.sca_member
        )
        assert render_document(document.pk)
    body = text(visit(client, cast.sca_member, page(cast.session), on=DAY))

    assert reverse("reviews:document_download", args=[document.pk]) in body
    assert "budget.docx" in body and "not a PDF" in body
    assert "law.pdf" in body and "could not be read" in body
    download = visit(
        client, cast.sca_member, reverse("reviews:document_download", args=[document.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content).startswith(b"%PDF")


def test_the_session_page_and_the_room_link_to_the_packets(client, cast):
    session_page = text(
        visit(client, cast.secretariat, reverse("reviews:session", args=[cast.session.pk]))
    )
    assert page(cast.session) in session_page and "Make the full packet" in session_page
    room = text(visit(client, cast.sca_member, reverse("reviews:room", args=[cast.session.pk])))
    assert page(cast.session) in room
    observer_room = text(
        visit(client, cast.observer, reverse("reviews:room", args=[cast.session.pk]))
    )
    assert page(cast.session) not in observer_room


def test_the_page_costs_the_same_with_one_packet_and_with_five(client, cast):
    with clock.as_of(DAY):
        request_packet(session=cast.session, recipient=cast.sca_member, by=cast.secretariat)
    client.force_login(cast.secretariat)
    one = queries_for(client, page(cast.session), on=DAY)
    with clock.as_of(DAY):
        for index in range(4):
            person = UserFactory(username=f"extra-{index}")
            GeneratedDocument.objects.create(
                kind=DocumentKind.PACKET,
                key=f"packet:{cast.session.pk}:{person.pk}:{DAY}",
                language="en",
                session=cast.session,
                recipient=person,
                as_of=DAY,
                requested_at=clock.now(),
            )
    assert packets().count() == 5
    assert queries_for(client, page(cast.session), on=DAY) == one
