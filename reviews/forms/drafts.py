"""Forms of the drafting page: they check what a person typed; the services decide."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from reviews.enums import ActionVerb, ParagraphKind
from reviews.forms.citations import observation_choices, principle_choices
from reviews.models import DraftParagraph, RecommendationDraft, Review, Session
from reviews.services.drafts import follow_up_sessions, outcome_choices
from reviews.services.outcomes import Paragraph

TEXT_MAX_CHARS = 5_000


class OutcomeForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), required=False)
    follow_up_session = forms.ModelChoiceField(
        label=_("Session that takes the case up again"),
        queryset=Session.objects.none(),
        required=False,
        empty_label=_("None"),
        help_text=_("Only for a deferral or a special review."),
    )
    summary = forms.CharField(
        label=_("Summary"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(self, *args: Any, review: Review, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("Not chosen yet")), *outcome_choices(review)]
        self.fields["outcome"].choices = choices  # type: ignore[attr-defined]
        sessions = follow_up_sessions(review)
        field = self.fields["follow_up_session"]
        field.queryset = Session.objects.filter(pk__in=[s.pk for s in sessions])  # type: ignore[attr-defined]

    @classmethod
    def for_draft(cls, review: Review, draft: RecommendationDraft | None) -> OutcomeForm:
        initial = {}
        if draft is not None:
            initial = {
                "outcome": draft.outcome,
                "follow_up_session": draft.follow_up_session_id,
                "summary": draft.summary,
            }
        return cls(review=review, initial=initial)


class ParagraphForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=ParagraphKind.choices,
        initial=ParagraphKind.ISSUE,
        widget=forms.RadioSelect,
    )
    notes = forms.CharField(
        label=_("The SCA notes"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        help_text=_("What the SCA found. For a commendation: what it commends."),
    )
    standard = forms.CharField(
        label=_("The standard that applies"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    verb = forms.ChoiceField(
        label=_("The SCA"),
        required=False,
        choices=[("", _("(asks nothing)")), *ActionVerb.choices],
    )
    request = forms.CharField(
        label=_("What it asks"),
        required=False,
        max_length=TEXT_MAX_CHARS,
        widget=forms.Textarea(attrs={"rows": 3, "dir": "auto"}),
    )
    principles = forms.MultipleChoiceField(
        label=_("Paris Principles cited"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    observations = forms.MultipleChoiceField(
        label=_("General Observations cited (2018)"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["principles"].choices = principle_choices()  # type: ignore[attr-defined]
        self.fields["observations"].choices = observation_choices()  # type: ignore[attr-defined]

    @classmethod
    def for_paragraph(cls, row: DraftParagraph) -> ParagraphForm:
        return cls(
            initial={
                "kind": row.kind,
                "notes": row.notes,
                "standard": row.standard,
                "verb": row.verb,
                "request": row.request,
                "principles": [p.key for p in row.principles.all()],
                "observations": [o.number for o in row.observations.all()],
            }
        )

    def content(self) -> Paragraph:
        data = self.cleaned_data
        return Paragraph(
            kind=ParagraphKind(data["kind"]),
            notes=data["notes"],
            standard=data["standard"],
            verb=data["verb"],
            request=data["request"],
            principles=tuple(data["principles"]),
            observations=tuple(data["observations"]),
        )


class PrecedentForm(forms.Form):
    go = forms.ChoiceField(label=_("Look up a General Observation"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        choices = [("", _("The ones this draft cites")), *observation_choices()]
        self.fields["go"].choices = choices  # type: ignore[attr-defined]


class MoveForm(forms.Form):
    direction = forms.ChoiceField(label=_("Direction"), choices=[("up", "up"), ("down", "down")])


class AdoptForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("The SCA agreed these recommendations at the session."),
        error_messages={"required": _("Confirm that the SCA agreed them.")},
    )
