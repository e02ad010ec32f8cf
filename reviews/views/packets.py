"""The review packets of a session: the secretariat makes one for every person sitting
(and its own full packet) and follows them; an SCA member sitting makes and downloads
their own. Asking makes a row and redirects; a worker makes the PDF."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from institutions.permissions import is_secretariat
from nhri_portal.errors import DomainError, status_of
from reviews.document_permissions import load_packets_session
from reviews.models import DocumentKind, GeneratedDocument, JobState, Session
from reviews.services.packets import request_packet, request_packets
from reviews.views.signed_in import SignedInRequest


@login_required
@require_safe
def packets(request: SignedInRequest, pk: int) -> HttpResponse:
    return _page(request, load_packets_session(request.user, pk))


def _page(
    request: SignedInRequest, session: Session, *, refusal: str = "", status: int = 200
) -> HttpResponse:
    user = request.user
    full = is_secretariat(user)
    documents = GeneratedDocument.objects.filter(kind=DocumentKind.PACKET, session=session)
    if not full:
        documents = documents.filter(recipient=user)
    rows = list(documents.select_related("recipient").order_by("-as_of", "recipient__username"))
    context: dict[str, Any] = {
        "session": session,
        "full": full,
        "packets": rows,
        "ready": JobState.READY,
        "failed": JobState.FAILED,
        "refusal": refusal,
    }
    return render(request, "reviews/packets/packets.html", context, status=status)


@login_required
@require_POST
def make_packets(request: SignedInRequest, pk: int) -> HttpResponse:
    """The secretariat: a packet for every person sitting in the session."""
    session = load_packets_session(request.user, pk)
    try:
        made = request_packets(session=session, by=request.user)
    except DomainError as error:
        return _page(request, session, refusal=str(error), status=status_of(error))
    messages.success(
        request,
        ngettext("%(count)d packet is being made.", "%(count)d packets are being made.", len(made))
        % {"count": len(made)},
    )
    return redirect("reviews:packets", session.pk)


@login_required
@require_POST
def make_own_packet(request: SignedInRequest, pk: int) -> HttpResponse:
    """The person asking: an SCA member's packet, or the secretariat's full packet."""
    session = load_packets_session(request.user, pk)
    try:
        document = request_packet(session=session, recipient=request.user, by=request.user)
    except DomainError as error:
        return _page(request, session, refusal=str(error), status=status_of(error))
    messages.success(request, _("Your packet is being made; this page shows its progress."))
    return redirect("reviews:document", document.pk)
