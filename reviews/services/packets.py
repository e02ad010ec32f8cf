"""The review packets of a session: one PDF for each person sitting in it (the cases they
sit on), and the secretariat's full packet (every case). Asking makes a row; a worker
renders it (reviews/rendering/packets.py) after commit."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from institutions.enums import Body
from institutions.permissions import is_secretariat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.document_permissions import may_request_packet, sits_in
from reviews.models import DocumentKind, GeneratedDocument, Session
from reviews.services.generated import request_document

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from institutions.permissions import AnyUser

LANGUAGE = "en"  # the SCA works in English


def packet_key(session: Session, recipient: User) -> str:
    """``packet:12:34:2030-03-01``: the packet of one session for one person on one day."""
    return f"packet:{session.pk}:{recipient.pk}:{clock.today().isoformat()}"


def sitting_people(session: Session) -> QuerySet[User]:
    """Every person of every SCA seat sitting in ``session``, who is still sitting."""
    people = (
        get_user_model()
        .objects.filter(is_active=True, seats__body=Body.SCA, seats__sessions=session)
        .distinct()
        .order_by("last_name", "first_name", "username")
    )
    return people.filter(pk__in=[person.pk for person in people if sits_in(person, session)])


@transaction.atomic
def request_packet(*, session: Session, recipient: User, by: AnyUser) -> GeneratedDocument:
    """The packet of ``session`` for ``recipient``: an SCA member sitting in the session
    (the cases they sit on) or a member of the secretariat (the full packet).

    Effects: the packet's row of the day (queued) and its render task after commit; the
    row of the day when it was already asked for.
    """
    if not may_request_packet(by, session, recipient):
        raise NotPermitted(
            _("Only the secretariat, or an SCA member for their own packet, may ask for it.")
        )
    if not (is_secretariat(recipient) or sits_in(recipient, session)):
        raise DomainError(
            _(
                "%(name)s does not sit in this session: seat them first, or make the "
                "full packet for the secretariat."
            )
            % {"name": recipient.get_full_name() or recipient.get_username()}
        )
    return request_document(
        kind=DocumentKind.PACKET,
        key=packet_key(session, recipient),
        language=LANGUAGE,
        by=by,
        session=session,
        recipient=recipient,
        as_of=clock.today(),
    )


@transaction.atomic
def request_packets(*, session: Session, by: AnyUser) -> list[GeneratedDocument]:
    """The packet of every person sitting in ``session``.

    Effects: a packet's row (queued) for each of them, as :func:`request_packet`.
    """
    if not is_secretariat(by):
        raise NotPermitted(_("Only the secretariat may make the packets of every member."))
    people = list(sitting_people(session))
    if not people:
        raise DomainError(_("Nobody sits in this session yet: seat the SCA's seats first."))
    return [request_packet(session=session, recipient=person, by=by) for person in people]
