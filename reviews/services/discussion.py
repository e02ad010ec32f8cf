"""The discussion of a case among the SCA members sitting on it and the secretariat."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import CLOSED_STATES
from reviews.models import CaseComment, Review
from reviews.permissions import deliberates

if TYPE_CHECKING:
    from django.contrib.auth.models import User

# About four pages of text: room for a reasoned view, not for a pasted report.
COMMENT_MAX_CHARS = 10_000


@transaction.atomic
def post_comment(*, review: Review, body: str, by: User) -> CaseComment:
    """Add ``by``'s message to the discussion of ``review``.

    Effects: one comment row (the discussion is append-only). No mail: the members
    read the thread on the case page and in the session room.
    """
    if not deliberates(by, review):
        raise NotPermitted(
            _(
                "Only the SCA members sitting on this case and the secretariat may "
                "take part in its discussion."
            )
        )
    text = body.strip()
    if not text:
        raise DomainError(_("Write a message before you post it."))
    if len(text) > COMMENT_MAX_CHARS:
        raise DomainError(
            _("A message can have at most %(limit)d characters (it has %(count)d).")
            % {"limit": COMMENT_MAX_CHARS, "count": len(text)}
        )
    # Read the state under a lock: a case closed since the page was loaded is refused.
    state = Review.objects.select_for_update().values_list("state", flat=True).get(pk=review.pk)
    if state in CLOSED_STATES:
        raise DomainError(
            _("The case is closed; its discussion is kept as it was and takes no new messages.")
        )
    return CaseComment.objects.create(review=review, author=by, body=text, posted_at=clock.now())
