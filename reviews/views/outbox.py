"""The secretariat's outbox: the letters awaiting release, the mails that failed, and
every mail queued or sent. Nobody else learns the page exists (404)."""

from __future__ import annotations

from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Q, QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accreditation import rulebook
from accreditation.rulebook import RuleKey
from nhri_portal import clock
from nhri_portal.errors import DomainError, status_of
from reviews.decision_permissions import require_outbox
from reviews.forms.outbox import LISTED_STATES, LetterForm, OutboxFilterForm
from reviews.models import LETTER_KINDS, MailKind, MessageState, OutgoingMessage, Review, Session
from reviews.services.outbox import (
    edit_letter,
    letter_drafts,
    release_letter,
    release_session_letters,
)
from reviews.services.sending import MAX_ATTEMPTS, retry_now
from reviews.views.signed_in import SignedInRequest

PER_PAGE = 50


@dataclass
class Letter:
    """One letter: the same text to each of the institution's recipients, one row each."""

    review: Review
    kind: MailKind
    rows: list[OutgoingMessage]

    @property
    def first(self) -> OutgoingMessage:
        return self.rows[0]

    @property
    def recipients(self) -> list[str]:
        return [row.to for row in self.rows]


def _letters(rows: QuerySet[OutgoingMessage]) -> list[tuple[Session, list[Letter]]]:
    """Draft letters grouped by session, then by review and kind of letter."""
    rows = rows.select_related("review__institution", "review__session", "edited_by").order_by(
        "review__session__starts_on", "review__session_id", "review__institution__name",
        "review_id", "kind", "to", "pk",
    )  # fmt: skip
    letters = []
    for (_review, kind), group in groupby(rows, lambda row: (row.review_id, row.kind)):
        rows_of_letter = list(group)
        review = rows_of_letter[0].review
        assert review is not None  # letters are about a review (see _draft_letters)
        letters.append(Letter(review=review, kind=MailKind(kind), rows=rows_of_letter))
    return [
        (session, list(group))
        for session, group in groupby(letters, lambda letter: letter.review.session)
    ]


def _draft_letters() -> QuerySet[OutgoingMessage]:
    return OutgoingMessage.objects.filter(
        state=MessageState.DRAFT, kind__in=LETTER_KINDS, review__isnull=False
    )


@login_required
@require_safe
def outbox(request: SignedInRequest) -> HttpResponse:
    require_outbox(request.user)
    return _outbox_page(request)


def _outbox_page(request: SignedInRequest, *, error: str = "", status: int = 200) -> HttpResponse:
    form = OutboxFilterForm(request.GET)
    filters = form.filters()
    listed = OutgoingMessage.objects.filter(state__in=LISTED_STATES)
    if "state" in filters:
        listed = listed.filter(state=filters["state"])
    if "session" in filters:
        session = filters["session"]
        listed = listed.filter(Q(session=session) | Q(review__session=session))
    failed = OutgoingMessage.objects.filter(state=MessageState.FAILED)
    context = {
        "sessions": _letters(_draft_letters()),
        "failed": Paginator(_newest_first(failed), PER_PAGE).get_page(request.GET.get("failed")),
        "form": form,
        "page": Paginator(_newest_first(listed), PER_PAGE).get_page(request.GET.get("page")),
        "max_attempts": MAX_ATTEMPTS,
        "error": error,
    }
    return render(request, "reviews/outbox/outbox.html", context, status=status)


def _newest_first(mails: QuerySet[OutgoingMessage]) -> QuerySet[OutgoingMessage]:
    return mails.select_related("review__institution", "session").order_by("-created_at", "-pk")


def _letter_kind(kind: str) -> MailKind:
    if kind not in LETTER_KINDS:
        raise Http404
    return MailKind(kind)


def _load_letter(request: SignedInRequest, review_pk: int, kind: str) -> Letter:
    """The letter of ``kind`` for the review, drafts or released; 404 when there is none."""
    require_outbox(request.user)
    review = get_object_or_404(
        Review.objects.select_related("institution", "session"), pk=review_pk
    )
    letter_kind = _letter_kind(kind)
    rows = list(
        OutgoingMessage.objects.filter(review=review, kind=letter_kind)
        .select_related("edited_by", "released_by")
        .order_by("to", "pk")
    )
    if not rows:
        raise Http404
    return Letter(review=review, kind=letter_kind, rows=rows)


@login_required
@require_safe
def letter(request: SignedInRequest, review_pk: int, kind: str) -> HttpResponse:
    return _letter_page(request, _load_letter(request, review_pk, kind))


def _letter_page(
    request: SignedInRequest,
    letter: Letter,
    *,
    form: LetterForm | None = None,
    error: str = "",
    status: int = 200,
) -> HttpResponse:
    drafts = list(letter_drafts(letter.review, letter.kind))
    shown = drafts[0] if drafts else letter.first
    context: dict[str, Any] = {
        "letter": letter,
        "drafts": drafts,
        "released": [row for row in letter.rows if row.state != MessageState.DRAFT],
        "shown": shown,
        "form": form or LetterForm(initial={"subject": shown.subject, "body": shown.body}),
        "error": error,
    }
    if letter.kind == MailKind.RECOMMENDATION and drafts:
        context["challenge_window"] = rulebook.compute(
            RuleKey.CHALLENGE_WINDOW, anchor_on=clock.today(), anchor_label=_("released")
        )
    return render(request, "reviews/outbox/letter.html", context, status=status)


@login_required
@require_POST
def edit(request: SignedInRequest, review_pk: int, kind: str) -> HttpResponse:
    letter = _load_letter(request, review_pk, kind)
    form = LetterForm(request.POST)
    if not form.is_valid():
        return _letter_page(request, letter, form=form, status=400)
    try:
        edit_letter(review=letter.review, kind=letter.kind, by=request.user, **form.cleaned_data)
    except DomainError as error:
        form.add_error(None, str(error))
        return _letter_page(request, letter, form=form, status=status_of(error))
    messages.success(request, _("The letter is saved for every recipient. It is not sent yet."))
    return redirect("reviews:outbox_letter", letter.review.pk, letter.kind.value)


@login_required
@require_POST
def release(request: SignedInRequest, review_pk: int, kind: str) -> HttpResponse:
    letter = _load_letter(request, review_pk, kind)
    try:
        queued = release_letter(review=letter.review, kind=letter.kind, by=request.user)
    except DomainError as error:
        return _letter_page(request, letter, error=str(error), status=status_of(error))
    if not queued:
        # A double click, or someone else released it first: nothing more goes out.
        messages.info(request, _("This letter had already been released; nothing more is sent."))
    else:
        messages.success(
            request,
            ngettext(
                "The letter is released; it goes to %(count)d recipient.",
                "The letter is released; it goes to %(count)d recipients.",
                len(queued),
            )
            % {"count": len(queued)},
        )
    return redirect("reviews:outbox")


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def release_session(request: SignedInRequest, session_pk: int) -> HttpResponse:
    """Every letter of a session at once: a confirmation page, then a POST."""
    require_outbox(request.user)
    session = get_object_or_404(Session, pk=session_pk)
    if request.method != "POST":
        return _release_session_page(request, session)
    try:
        queued = release_session_letters(session=session, by=request.user)
    except DomainError as error:
        return _release_session_page(request, session, error=str(error), status=status_of(error))
    if queued:
        text = ngettext(
            "The letters of %(session)s are released: %(count)d mail goes out.",
            "The letters of %(session)s are released: %(count)d mails go out.",
            len(queued),
        )
        messages.success(request, text % {"session": session.name, "count": len(queued)})
    else:
        # A double click, or someone else released them first.
        messages.info(
            request, _("No letter of %(session)s was waiting.") % {"session": session.name}
        )
    return redirect("reviews:outbox")


def _release_session_page(
    request: SignedInRequest, session: Session, *, error: str = "", status: int = 200
) -> HttpResponse:
    drafts = _draft_letters().filter(review__session=session)
    letters = [letter for _session, letters in _letters(drafts) for letter in letters]
    context = {"session": session, "letters": letters, "error": error}
    return render(request, "reviews/outbox/release_session.html", context, status=status)


@login_required
@require_POST
def retry(request: SignedInRequest, message_pk: int) -> HttpResponse:
    require_outbox(request.user)
    message = get_object_or_404(OutgoingMessage, pk=message_pk)
    try:
        retry_now(message=message, by=request.user)
    except DomainError as error:
        return _outbox_page(request, error=str(error), status=status_of(error))
    messages.success(
        request, _("The mail to %(to)s is queued to be sent again.") % {"to": message.to}
    )
    return redirect("reviews:outbox")
