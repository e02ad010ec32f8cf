"""Forms of the invitation and dossier pages: they check what a person typed; services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from institutions.enums import LANGUAGES
from institutions.models import Institution
from reviews.dossier_pages import document_label
from reviews.enums import ReviewKind
from reviews.models import Document, Session
from reviews.models.dossiers import validate_pages

# Long enough for a thorough section (about 3,000 words), short enough that an answer
# pasted by mistake (a whole report) is caught.
ANSWER_MAX_CHARS = 20_000


class ComplaintsForm(forms.Form):
    handles_complaints = forms.TypedChoiceField(
        label=_("Does the institution handle individual complaints?"),
        help_text=_(
            "Handling complaints is optional under the Paris Principles (section D). If it "
            "does, the Statement of Compliance must also answer on complaints handling."
        ),
        choices=[("yes", _("Yes")), ("no", _("No"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether the institution handles complaints.")},
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=_("Your answer"),
        help_text=_(
            "Say how the institution meets these standards in law and in practice, with "
            "facts, figures and the documents that show them."
        ),
        required=False,
        strip=False,
        max_length=ANSWER_MAX_CHARS,
        widget=forms.Textarea,
        error_messages={
            "max_length": _(
                "An answer can have at most %(limit_value)d characters (it has %(show_value)d). "
                "Shorten it, or put the details in a document and cite its pages."
            )
        },
    )


class DocumentChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return document_label(obj)


class CiteForm(forms.Form):
    document = DocumentChoiceField(
        label=_("Document"),
        queryset=Document.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": _("Choose one of the documents of this dossier.")},
    )
    pages = forms.CharField(
        label=_("Pages"),
        help_text=_("Numbers and ranges, for example 3, 7-9. Leave empty to cite the whole."),
        required=False,
        max_length=100,
        validators=[validate_pages],
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["document"].queryset = documents  # type: ignore[attr-defined]


class UploadForm(forms.Form):
    # An empty file is left to the upload service, whose message says what to do.
    file = forms.FileField(
        label=_("File"),
        allow_empty_file=True,
        error_messages={"required": _("Choose a file to upload.")},
    )
    language = forms.ChoiceField(label=_("Language of the document"), choices=LANGUAGES)
    title = forms.CharField(
        label=_("Title (optional)"),
        help_text=_("For example “Act No. 2007-1545 of 30 October 2007”."),
        required=False,
        max_length=200,
    )
    replaces = forms.ModelChoiceField(
        queryset=Document.objects.none(), required=False, widget=forms.HiddenInput
    )

    def __init__(self, *args: Any, documents: QuerySet[Document], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["replaces"].queryset = documents  # type: ignore[attr-defined]


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What must the institution correct?"),
        help_text=_("The institution's focal points see this on their dossier."),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
        error_messages={"required": _("Say what must be corrected; the institution will see it.")},
    )


# A Unicode isolate does in an <option> what <bdi> and <time> do elsewhere: a Latin name
# keeps its punctuation, and a date its order, inside right-to-left text.
_ISOLATED = "\u2068%s\u2069"


def country_name(institution: Institution) -> str:
    """In the language of the page."""
    return str(institution.country.name)  # type: ignore[attr-defined]


def institution_label(institution: Institution) -> str:
    values = {
        "name": _ISOLATED % institution.name,
        "acronym": institution.acronym,
        "country": country_name(institution),
    }
    if institution.acronym:
        label = _("%(name)s (%(acronym)s), %(country)s") % values
    else:
        label = _("%(name)s, %(country)s") % values
    if getattr(institution, "has_open_review", False):
        return _("%(institution)s: already has an open review") % {"institution": label}
    return label


def session_label(session: Session) -> str:
    values = {
        "name": _ISOLATED % session.name,
        "first": _ISOLATED % date_format(session.starts_on, "DATE_FORMAT"),
        "last": _ISOLATED % date_format(session.ends_on, "DATE_FORMAT"),
    }
    if session.dates_confirmed:
        return _("%(name)s, %(first)s to %(last)s") % values
    return _("%(name)s, %(first)s to %(last)s (dates to be confirmed)") % values


class _ByCountryName(forms.models.ModelChoiceIterator):
    """Country names depend on the language of the page: sorted here, not by the database."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        found = list(self.queryset)
        found.sort(key=lambda obj: (country_name(obj), obj.name))
        for obj in found:
            yield self.choice(obj)


class InstitutionChoiceField(forms.ModelChoiceField):
    iterator = _ByCountryName

    def label_from_instance(self, obj: Any) -> str:
        return institution_label(obj)


class SessionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return session_label(obj)


class InviteForm(forms.Form):
    institution = InstitutionChoiceField(
        label=_("Institution"),
        help_text=_("By country. An institution with an open review cannot be invited again."),
        queryset=Institution.objects.none(),
        empty_label=_("Choose an institution"),
        error_messages={
            "required": _("Choose the institution to invite."),
            "invalid_choice": _("Choose one of the institutions in the list."),
        },
    )
    session = SessionChoiceField(
        label=_("Session"),
        help_text=_("The session of the Sub-Committee that will consider the review."),
        queryset=Session.objects.none(),
        empty_label=_("Choose a session"),
        error_messages={
            "required": _("Choose the session that will consider the review."),
            "invalid_choice": _("Choose one of the sessions still to come."),
        },
    )
    kind = forms.TypedChoiceField(
        label=_("Kind of review"),
        choices=ReviewKind.choices,
        coerce=ReviewKind,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the kind of review.")},
    )
    reason = forms.CharField(
        label=_("Note to the institution (optional)"),
        help_text=_("The focal points read it in the invitation."),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}),
    )

    def __init__(
        self,
        *args: Any,
        institutions: QuerySet[Institution],
        sessions: QuerySet[Session],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["institution"].queryset = institutions  # type: ignore[attr-defined]
        self.fields["session"].queryset = sessions  # type: ignore[attr-defined]


class _DayInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


# The days a session may have: the rulebook's deadlines around a day near the ends of
# the calendar would fall outside it.
FIRST_SESSION_DAY, LAST_SESSION_DAY = dt.date(1990, 1, 1), dt.date(2199, 12, 31)


class SessionDatesForm(forms.Form):
    starts_on = forms.DateField(
        label=_("First day"),
        widget=_DayInput(),
        error_messages={
            "required": _("Give the first day of the session."),
            "invalid": _("Give the first day as a date, for example 2031-03-10."),
        },
    )
    ends_on = forms.DateField(
        label=_("Last day"),
        widget=_DayInput(),
        error_messages={
            "required": _("Give the last day of the session."),
            "invalid": _("Give the last day as a date, for example 2031-03-14."),
        },
    )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name in ("starts_on", "ends_on"):
            day = cleaned.get(name)
            if day is not None and not FIRST_SESSION_DAY <= day <= LAST_SESSION_DAY:
                self.add_error(
                    name,
                    _("Give a day between %(first)s and %(last)s.")
                    % {
                        "first": FIRST_SESSION_DAY.isoformat(),
                        "last": LAST_SESSION_DAY.isoformat(),
                    },
                )
        return cleaned


class SessionForm(SessionDatesForm):
    number = forms.IntegerField(
        label=_("Number (optional)"),
        help_text=_("The session's number in the SCA's series, for example 52."),
        required=False,
        min_value=1,
        max_value=32767,
    )
    name = forms.CharField(
        label=_("Name"),
        help_text=_("For example “SCA session March 2031”."),
        max_length=200,
        error_messages={"required": _("Give the session a name.")},
    )
    place = forms.CharField(
        label=_("Place (optional)"),
        help_text=_("For example Geneva."),
        required=False,
        max_length=120,
    )
    is_virtual = forms.BooleanField(label=_("The session meets online"), required=False)
    dates_confirmed = forms.BooleanField(
        label=_("The dates are confirmed"),
        help_text=_("Leave unticked while only the month of the session is known."),
        required=False,
        initial=True,
    )

    field_order = [
        "number",
        "name",
        "starts_on",
        "ends_on",
        "place",
        "is_virtual",
        "dates_confirmed",
    ]
