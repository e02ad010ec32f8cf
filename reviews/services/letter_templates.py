"""The texts of the letters: versioned templates the secretariat edits, checked before
they are saved, previewed with sample data, and the PDF of a letter asked for.

A template is plain text in Django's template language (subject on its own). It may use
only the variables its letter has (:data:`VARIABLES`) and the tags ``if``, ``for``,
``with`` and ``comment``: the secretariat writes words, not code. Rendering escapes
nothing inside the text; the renderer escapes the result once and turns its blank
lines into paragraphs.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template import Context, Engine, Template, TemplateSyntaxError
from django.template.base import FilterExpression, Node, TextNode, VariableNode
from django.template.defaulttags import CommentNode, ForNode, IfNode, WithNode
from django.utils.html import linebreaks
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from institutions.permissions import require_secretariat
from nhri_portal import clock
from nhri_portal.errors import Conflict, DomainError
from reviews.models import DocumentKind, GeneratedDocument, LetterKind, LetterTemplate, Review

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.utils.functional import Promise

DEFAULTS = Path(__file__).resolve().parent.parent / "letters" / "defaults"
SUBJECT_MAX_CHARS = 300
BODY_MAX_CHARS = 20_000

# No autoescape: a letter's text is plain text, escaped once when it becomes HTML.
# Tags other than ALLOWED_NODES compile but are refused by compile_text.
ENGINE = Engine(autoescape=False, libraries={})
ALLOWED_NODES = (TextNode, VariableNode, ForNode, IfNode, WithNode, CommentNode)

_COMMON: dict[str, Promise] = {
    "institution": gettext_lazy("The institution's name"),
    "reference": gettext_lazy("The review's reference, e.g. 2007-10/FR/19"),
    "letter_date": gettext_lazy("The date of the letter"),
    "session": gettext_lazy("The session of the review"),
    "session_starts_on": gettext_lazy("The first day of that session"),
    "session_ends_on": gettext_lazy("The last day of that session"),
}
_PARAGRAPHS = gettext_lazy("The SCA's numbered paragraphs; each has .number, .text and .references")
VARIABLES: dict[str, dict[str, Promise]] = {
    LetterKind.INVITATION: _COMMON
    | {
        "deadlines": gettext_lazy("Each deadline of the review; each has .label and .due_on"),
        "dossier_due_on": gettext_lazy("The day the dossier is due"),
        "objection_cutoff_on": gettext_lazy("The last day to object to an SCA member"),
        "summary_response_due_on": gettext_lazy("The day answers to the summary are due"),
    },
    LetterKind.ACKNOWLEDGEMENT: _COMMON
    | {"complete_on": gettext_lazy("The day the dossier was found complete")},
    LetterKind.SUMMARY: _COMMON
    | {
        "issues": gettext_lazy("The numbered issues; each has .number, .facts and .concern"),
        "answers_due_on": gettext_lazy("The day the institution's answers are due"),
    },
    LetterKind.RECOMMENDATION: _COMMON
    | {
        "outcome": gettext_lazy("The recommendation in words"),
        "summary": gettext_lazy("The SCA's summary of the case"),
        "paragraphs": _PARAGRAPHS,
        "closes_on": gettext_lazy("The last day of the challenge window"),
    },
    LetterKind.DEFERRAL: _COMMON
    | {
        "outcome": gettext_lazy("The recommendation in words"),
        "paragraphs": _PARAGRAPHS,
        "new_session": gettext_lazy("The session that takes the review up again"),
        "new_session_starts_on": gettext_lazy("Its first day"),
        "new_session_ends_on": gettext_lazy("Its last day"),
        "dossier_due_on": gettext_lazy("The day the new dossier is due"),
    },
    LetterKind.DECISION: _COMMON
    | {
        "outcome": gettext_lazy("The recommendation in words"),
        "grade": gettext_lazy("The grade decided"),
        "decided_on": gettext_lazy("The day of the decision"),
        "effective_on": gettext_lazy("The day it takes effect"),
        "takes_effect_later": gettext_lazy(
            "True for a downgrade or removal, which takes effect later"
        ),
        "current_grade": gettext_lazy("The grade held until the decision takes effect"),
        "next_reaccreditation_on": gettext_lazy("The day the next re-accreditation is due"),
    },
    LetterKind.CERTIFICATE: _COMMON
    | {
        "grade": gettext_lazy("The grade decided"),
        "decided_on": gettext_lazy("The day of the decision"),
    },
}


@dataclass(frozen=True)
class Letter:
    """A template rendered: the subject and the body as text and as HTML."""

    subject: str
    text: str

    @property
    def html(self) -> SafeString:
        # linebreaks escapes the text itself (autoescape=True) before adding its tags.
        return mark_safe(linebreaks(self.text, autoescape=True))  # noqa: S308


def default_text(kind: str, language: str) -> tuple[str, str]:
    """The subject and body of the default text (``letters/defaults/<kind>.<lang>.txt``,
    the subject on its first line)."""
    text = (DEFAULTS / f"{kind}.{language}.txt").read_text(encoding="utf-8")
    subject, _blank, body = text.partition("\n")
    return subject.strip(), body.strip("\n") + "\n"


@functools.lru_cache(maxsize=128)
def compile_text(kind: str, text: str) -> Template:
    """``text`` compiled; DomainError naming what is wrong (syntax, a tag that is not
    allowed, a variable the letter does not have). Kept once compiled (a refusal is
    not): each letter made from a version compiles the same text."""
    try:
        template = ENGINE.from_string(text)
    except TemplateSyntaxError as error:
        raise DomainError(
            _("The text does not compile: %(error)s. Check its {%% %%} tags and {{ }} variables.")
            % {"error": error}
        ) from None
    known = set(VARIABLES[kind]) | {"forloop"} | _local_names(template.nodelist)
    for node in _nodes(template.nodelist):
        if not isinstance(node, ALLOWED_NODES):
            raise DomainError(
                _("A letter may use only the tags if, for, with and comment; not %(tag)s.")
                % {"tag": (node.token.contents.split() or ["?"])[0] if node.token else "?"}
            )
        for name in _names(node):
            if name not in known:
                raise DomainError(
                    _(
                        "This letter has no variable “%(name)s”. The variables it has are "
                        "listed beside the text."
                    )
                    % {"name": name}
                )
    return template


def _nodes(nodelist: Any) -> list[Node]:
    found: list[Node] = []
    for node in nodelist:
        found.append(node)
        for attr in node.child_nodelists:
            found.extend(_nodes(getattr(node, attr, None) or []))
    return found


def _local_names(nodelist: Any) -> set[str]:
    names: set[str] = set()
    for node in _nodes(nodelist):
        if isinstance(node, ForNode):
            names.update(node.loopvars)
        if isinstance(node, WithNode):
            names.update(node.extra_context)
    return names


def _names(node: Node) -> set[str]:
    """The variables ``node`` itself reads (the first part of each dotted name)."""
    expressions: list[Any] = []
    if isinstance(node, VariableNode):
        expressions.append(node.filter_expression)
    elif isinstance(node, ForNode):
        expressions.append(node.sequence)
    elif isinstance(node, WithNode):
        expressions.extend(node.extra_context.values())
    elif isinstance(node, IfNode):
        expressions.extend(_condition_expressions(c for c, _nodes in node.conditions_nodelists))
    names: set[str] = set()
    for expression in expressions:
        if not isinstance(expression, FilterExpression):
            continue
        variables = [expression.var] + [
            arg for _f, args in expression.filters for lookup, arg in args if lookup
        ]
        for variable in variables:
            lookups = getattr(variable, "lookups", None)
            if lookups:
                names.add(lookups[0])
    return names


def _condition_expressions(conditions: Any) -> list[Any]:
    found: list[Any] = []
    stack = [c for c in conditions if c is not None]
    while stack:
        condition = stack.pop()
        if hasattr(condition, "value") and isinstance(condition.value, FilterExpression):
            found.append(condition.value)
        for side in ("first", "second"):
            if getattr(condition, side, None) is not None:
                stack.append(getattr(condition, side))
    return found


def render_text(kind: str, subject: str, body: str, context: dict[str, Any]) -> Letter:
    """The letter ``kind`` with ``context``; DomainError if a text does not compile."""
    rendered_subject = compile_text(kind, subject).render(Context(context))
    text = compile_text(kind, body).render(Context(context))
    return Letter(subject=" ".join(rendered_subject.split()), text=_tidy(text))


def _tidy(text: str) -> str:
    """Loops and conditions leave blank lines behind: keep at most one in a row."""
    lines = [line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy)


def current_template(kind: str, language: str) -> LetterTemplate:
    """The latest version of the letter ``kind`` in ``language``."""
    template = LetterTemplate.objects.filter(kind=kind, language=language).first()
    if template is None:
        raise DomainError(
            _("There is no text of this letter in this language; run the migrations.")
        )
    return template


@transaction.atomic
def save_template(
    *, kind: str, language: str, subject: str, body: str, note: str, by: User | None
) -> LetterTemplate:
    """Save a new version of a letter's text.

    Effects: a new LetterTemplate row numbered after the latest (older versions never
    change). Saving the text of the latest version again saves nothing (a double click).
    """
    require_secretariat(by)
    if kind not in LetterKind.values:
        raise DomainError(_("There is no such letter."))
    subject, body = subject.strip(), body.strip() + "\n"
    if not subject or not body.strip():
        raise DomainError(_("A letter needs a subject and a text."))
    compile_text(kind, subject)
    compile_text(kind, body)
    versions = LetterTemplate.objects.filter(kind=kind, language=language)
    latest = versions.first()
    if latest is not None and latest.subject == subject and latest.body.strip() == body.strip():
        return latest
    number = (versions.aggregate(Max("version"))["version__max"] or 0) + 1
    try:
        with transaction.atomic():
            return LetterTemplate.objects.create(
                kind=kind,
                language=language,
                version=number,
                subject=subject,
                body=body,
                note=note.strip(),
                created_at=clock.now(),
                created_by=by,
            )
    except IntegrityError:
        raise Conflict(
            _("Someone saved a new version of this letter a moment ago. Reload to see it.")
        ) from None


def preview(kind: str, language: str, body: str, subject: str) -> Letter:
    """``body`` and ``subject`` rendered with sample data in ``language``."""
    from reviews.rendering.letters import sample_context

    return render_text(kind, subject, body, sample_context(kind, language))


def letter_document(
    *, review: Review, kind: str, by: User | None, language: str | None = None
) -> GeneratedDocument:
    """Ask for the PDF of the letter ``kind`` about ``review``, in the institution's
    working language unless ``language`` is given, from the current version of its text.

    Effects: a GeneratedDocument row (or the one already asked for with this version),
    rendered by a worker after commit.
    """
    from reviews.services.generated import request_document

    require_secretariat(by)
    language = language or review.institution.working_language
    template = current_template(kind, language)
    document_kind = (
        DocumentKind.CERTIFICATE if kind == LetterKind.CERTIFICATE else DocumentKind.LETTER
    )
    return request_document(
        kind=document_kind,
        key=f"letter:{review.pk}:{kind}:{language}:v{template.version}",
        language=language,
        by=by,
        letter=kind,
        review=review,
        institution=review.institution,
        template=template,
        as_of=clock.today(),
    )
