"""Forms of the case page: a message in the discussion, and a step of the workflow."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import ReviewState
from reviews.services.discussion import COMMENT_MAX_CHARS

# The steps that have no page of their own; the case page offers them to whoever the
# workflow table lets take them.
MOVE_TARGETS = (
    ReviewState.READY,
    ReviewState.AT_SESSION,
    ReviewState.NOTIFIED,
    ReviewState.WITHDRAWN,
    ReviewState.LAPSED,
)
# Ending a case says why: the institution and the history keep the reason.
NEEDS_REASON = (ReviewState.WITHDRAWN, ReviewState.LAPSED)


class CommentForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        help_text=_("Seen by the SCA members sitting on this case and the secretariat only."),
        max_length=COMMENT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={
            "required": _("Write a message before you post it."),
            "max_length": _(
                "A message can have at most %(limit_value)d characters (it has %(show_value)d)."
            ),
        },
    )


class MoveForm(forms.Form):
    to = forms.ChoiceField(choices=[(state.value, state.label) for state in MOVE_TARGETS])
    reason = forms.CharField(
        label=_("Why"),
        help_text=_("Kept in the case's history, which the institution's focal points read."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )

    def __init__(self, *args: Any, target: str, **kwargs: Any) -> None:
        # Each step has its own form on the page: their fields need their own ids.
        kwargs.setdefault("auto_id", f"move-{target}-%s")
        kwargs.setdefault("initial", {"to": target})
        super().__init__(*args, **kwargs)
        self.target = target
        self.needs_reason = target in NEEDS_REASON

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("to") in NEEDS_REASON and not data.get("reason", "").strip():
            self.add_error("reason", _("Say why; the case's history keeps the reason."))
        return data
