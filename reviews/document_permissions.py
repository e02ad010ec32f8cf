"""Who may read the documents the portal makes (letters, certificates, review packets,
the session report, the chart), edit the letters' texts and ask for packets."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.http import Http404

from institutions.permissions import is_focal_point_of, is_secretariat
from reviews.models import DocumentKind, GeneratedDocument, Review, Session
from reviews.permissions import load_review, sessions_sat_in

if TYPE_CHECKING:
    from reviews.permissions import AnyUser


def may_read_document(user: AnyUser, document: GeneratedDocument) -> bool:
    """Who may follow and download a generated document: the chart is public; a
    session report by everyone once published and by the secretariat before (the
    full report names every case; those who attend read the report's page, which
    leaves out the cases they may not know of); a letter or certificate by the
    secretariat and the institution's focal points; a review packet by the secretariat
    and the person it was made for."""
    kind = document.kind
    if kind == DocumentKind.CHART:
        return True
    if kind == DocumentKind.REPORT:
        session = document.session
        return session is not None and (
            session.report_published_on is not None or is_secretariat(user)
        )
    if not user.is_authenticated:
        return False
    if is_secretariat(user):
        return True
    if kind in (DocumentKind.LETTER, DocumentKind.CERTIFICATE):
        institution = document.institution
        if institution is None and document.review is not None:
            institution = document.review.institution
        return institution is not None and is_focal_point_of(user, institution)
    if kind == DocumentKind.PACKET:
        return document.recipient_id == user.pk
    return False


def load_document(user: AnyUser, pk: int) -> GeneratedDocument:
    """404 to those who may not read the document (they may not know it exists)."""
    document = (
        GeneratedDocument.objects.select_related("session", "institution", "review__institution")
        .filter(pk=pk)
        .first()
    )
    if document is None or not may_read_document(user, document):
        raise Http404
    return document


def may_edit_letters(user: AnyUser) -> bool:
    """The texts of the letters are the secretariat's to write."""
    return is_secretariat(user)


def require_letter_editor(user: AnyUser) -> None:
    """404 to everyone but the secretariat, as for the outbox: the letters' drafts and
    their history are nobody else's business."""
    if not may_edit_letters(user):
        raise Http404


def load_letters_review(user: AnyUser, pk: int) -> Review:
    """The review whose letters ``user`` may read: the secretariat and the institution's
    focal points. 404 to those who may not know the review, 403 to others who may."""
    review = load_review(user, pk)
    if not (is_secretariat(user) or is_focal_point_of(user, review.institution)):
        raise PermissionDenied
    return review


def sits_in(user: AnyUser, session: Session) -> bool:
    """An SCA member whose seat sits in ``session`` (whatever cases they are recused from)."""
    return (
        user.is_authenticated
        and user.is_active
        and sessions_sat_in(user).filter(pk=session.pk).exists()
    )


def may_see_packets(user: AnyUser, session: Session) -> bool:
    """The packets page of a session: the secretariat (every packet) and the SCA members
    sitting in it (their own). Nobody else learns that it exists."""
    return is_secretariat(user) or sits_in(user, session)


def may_request_packet(user: AnyUser, session: Session, recipient: AnyUser) -> bool:
    """The secretariat asks for anyone's packet; an SCA member for their own."""
    return is_secretariat(user) or (user.pk == recipient.pk and sits_in(user, session))


def load_packets_session(user: AnyUser, pk: int) -> Session:
    """The session whose packets ``user`` may see: 404 to everyone else."""
    session = Session.objects.filter(pk=pk).first()
    if session is None or not may_see_packets(user, session):
        raise Http404
    return session
