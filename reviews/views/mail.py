"""Each person's mail: what the portal sent them, to read again in the portal."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from reviews.decision_permissions import readable_mails
from reviews.models import OutgoingMessage
from reviews.services.outbox import mails_of
from reviews.views.signed_in import SignedInRequest

PER_PAGE = 50


def _mails(request: SignedInRequest) -> QuerySet[OutgoingMessage]:
    return readable_mails(request.user, mails_of(request.user))


@login_required
@require_safe
def inbox(request: SignedInRequest) -> HttpResponse:
    mails = _mails(request).select_related("review__institution").order_by("-created_at", "-pk")
    page = Paginator(mails, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "reviews/mail/inbox.html", {"page": page})


@login_required
@require_safe
def message(request: SignedInRequest, pk: int) -> HttpResponse:
    """One mail; 404 when it was not sent to the person asking."""
    mail = get_object_or_404(_mails(request).select_related("review__institution"), pk=pk)
    return render(request, "reviews/mail/message.html", {"mail": mail, "mail_to": [mail.to]})
