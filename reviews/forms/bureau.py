"""The form of a Bureau member's vote: it checks what the member typed; the service decides."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import Vote
from reviews.services.bureau import REASONS_MAX_CHARS


class VoteForm(forms.Form):
    vote = forms.TypedChoiceField(
        label=_("Your vote"),
        choices=[(Vote.APPROVE.value, _("Approve the recommendation")),
                 (Vote.OBJECT.value, _("Object to the recommendation"))],
        coerce=Vote,
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you approve or object.")},
    )  # fmt: skip
    reasons = forms.CharField(
        label=_("Your reasons"),
        help_text=_(
            "Required when you object. The secretariat and the Bureau read them; the "
            "institution does not."
        ),
        required=False,
        max_length=REASONS_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        error_messages={
            "max_length": _("Keep it to %(limit_value)d characters; it has %(show_value)d.")
        },
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("vote") == Vote.OBJECT and not data.get("reasons", "").strip():
            self.add_error("reasons", _("Give the reasons for the objection."))
        return data
