"""Precedent search over every recommendation paragraph a reader may find.

Who finds what (the one home of this rule; the drafting panel's precedent uses it):

- everyone, anonymous included: the paragraphs of published reports;
- the secretariat, SCA members, Bureau members and regional observers, besides: the
  paragraphs of the cases they may see (:func:`visible_reviews`) and of decided cases,
  never of an institution whose case they are recused from in a session they sit in,
  nor of their own institution (the rule of :func:`visible_reviews`, carried over to
  the institution's other cases). A focal point finds published paragraphs only: a
  decided case of another institution is not theirs to read before its report is out.

On PostgreSQL the words are matched by full-text search (``websearch`` syntax, the
'simple' configuration, the GIN index of migration 0007), ranked, and highlighted by
``ts_headline``; on SQLite each word must appear in the paragraph, newest first.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accreditation.models import GeneralObservation, Principle
from institutions.enums import Role
from institutions.permissions import (
    has_role,
    is_secretariat,
    observed_region_ids,
    own_institution_ids,
)
from reviews.enums import ReviewState
from reviews.models import RecommendationParagraph, Review
from reviews.models.outcomes import PARAGRAPH_DOCUMENT
from reviews.permissions import sessions_sat_in, visible_reviews
from reviews.services.outcomes import GO_VERSION

if TYPE_CHECKING:
    from reviews.permissions import AnyUser

# Those who find more than the published record (see the module's docstring).
STAFF_ROLES = (Role.SECRETARIAT, Role.SCA_MEMBER, Role.BUREAU_MEMBER, Role.OBSERVER)
NEWEST_FIRST = ("-recommendation__session__starts_on", "-recommendation_id", "number")
# ts_headline marks matches with these; the text is escaped before they become <mark>.
# Control characters no paragraph typed in a form holds (and if one did, the
# headline would not read as the text does, and the Python highlighter is used).
_START, _STOP = "\x02", "\x03"
_WORD = re.compile(r"-?\w+")


@dataclass(frozen=True)
class ParagraphFilters:
    observations: tuple[str, ...] = ()  # General Observations in force, by number: any
    principle: str = ""  # a Paris Principle's key
    outcome: str = ""
    region: str = ""  # a RegionCode
    institution: int | None = None
    year: int | None = None  # the year of the session


@dataclass(frozen=True)
class Hit:
    paragraph: RecommendationParagraph
    text: SafeString  # the paragraph, escaped, its matches in <mark>
    link: str  # the paragraph in its report; empty when the reader may not open it


def is_staff(user: AnyUser) -> bool:
    return any(has_role(user, role) for role in STAFF_ROLES)


def published() -> Q:
    """Paragraphs of a published report. A recommendation is made at its case's session
    (``record_outcome``), so it is in that session's report."""
    return Q(recommendation__session__report_published_on__isnull=False)


def findable(user: AnyUser) -> Q:
    """The paragraphs ``user`` may find, as a condition (see the module's docstring)."""
    if not is_staff(user):
        return published()
    visible = visible_reviews(user)
    recused = (
        Review.objects.filter(session__in=sessions_sat_in(user))
        .exclude(pk__in=visible.values("pk"))
        .values("institution_id")
    )
    known = (
        Q(recommendation__review__in=visible.values("pk"))
        | Q(recommendation__review__state=ReviewState.DECIDED)
    ) & ~Q(recommendation__review__institution_id__in=recused)
    known &= ~Q(recommendation__review__institution_id__in=own_institution_ids(user))
    return published() | known


def findable_paragraphs(user: AnyUser) -> QuerySet[RecommendationParagraph]:
    return RecommendationParagraph.objects.filter(findable(user))


def search_paragraphs(
    user: AnyUser, query: str = "", filters: ParagraphFilters | None = None
) -> QuerySet[RecommendationParagraph]:
    """The paragraphs ``user`` may find that match ``query`` and ``filters``: by rank
    when there are words (newest first on SQLite), else newest session first; with
    their recommendation, review, institution, session, principles and General
    Observations loaded (a constant number of queries)."""
    rows = _filtered(findable_paragraphs(user), filters or ParagraphFilters())
    words = query.strip()
    if words:
        rows = _matching_pg(rows, words) if _full_text() else _matching_words(rows, words)
    else:
        rows = rows.order_by(*NEWEST_FIRST)
    return rows.select_related(
        "recommendation__review__institution__region", "recommendation__session"
    ).prefetch_related(
        Prefetch("principles", Principle.objects.order_by("position")),
        Prefetch("observations", GeneralObservation.objects.order_by("version", "position")),
    )


def _full_text() -> bool:
    return connection.vendor == "postgresql"


def _filtered(
    rows: QuerySet[RecommendationParagraph], filters: ParagraphFilters
) -> QuerySet[RecommendationParagraph]:
    through_go = RecommendationParagraph.observations.through.objects
    through_pp = RecommendationParagraph.principles.through.objects
    if filters.observations:
        rows = rows.filter(
            Exists(
                through_go.filter(
                    recommendationparagraph_id=OuterRef("pk"),
                    generalobservation__version=GO_VERSION,
                    generalobservation__number__in=filters.observations,
                )
            )
        )
    if filters.principle:
        rows = rows.filter(
            Exists(
                through_pp.filter(
                    recommendationparagraph_id=OuterRef("pk"), principle__key=filters.principle
                )
            )
        )
    if filters.outcome:
        rows = rows.filter(recommendation__outcome=filters.outcome)
    if filters.region:
        rows = rows.filter(recommendation__review__institution__region__code=filters.region)
    if filters.institution is not None:
        rows = rows.filter(recommendation__review__institution_id=filters.institution)
    if filters.year is not None:
        rows = rows.filter(recommendation__session__starts_on__year=filters.year)
    return rows


def _matching_pg(
    rows: QuerySet[RecommendationParagraph], words: str
) -> QuerySet[RecommendationParagraph]:
    """Full-text: the filter repeats the GIN index's expression, so the index serves it."""
    query = SearchQuery(words, search_type="websearch", config="simple")
    return (
        rows.annotate(document=PARAGRAPH_DOCUMENT)
        .filter(document=query)
        .annotate(
            rank=SearchRank(F("document"), query),
            headline=SearchHeadline(
                "text",
                query,
                config="simple",
                start_sel=_START,
                stop_sel=_STOP,
                highlight_all=True,
            ),
        )
        .order_by("-rank", *NEWEST_FIRST)
    )


def _matching_words(
    rows: QuerySet[RecommendationParagraph], words: str
) -> QuerySet[RecommendationParagraph]:
    """The fallback: every word in the paragraph (as a part of a word), none of those
    written with a minus. SQLite compares letters outside ASCII case-sensitively."""
    wanted, unwanted = terms(words)
    if not wanted:
        return rows.none()
    for word in wanted:
        rows = rows.filter(_contains(word))
    for word in unwanted:
        rows = rows.exclude(_contains(word))
    return rows.order_by(*NEWEST_FIRST)


def _contains(word: str) -> Q:
    return (
        Q(text__icontains=word)
        | Q(notes__icontains=word)
        | Q(standard__icontains=word)
        | Q(request__icontains=word)
    )


def terms(words: str) -> tuple[list[str], list[str]]:
    """The words asked for, and those excluded with a minus."""
    found = _WORD.findall(words)
    return [w for w in found if not w.startswith("-")], [w[1:] for w in found if w[:1] == "-"]


# -- results --


def hits(user: AnyUser, rows: Iterable[RecommendationParagraph], query: str) -> list[Hit]:
    """The rows of one page as results: highlighted, each with its link (one query for
    the cases among them that ``user`` may open the report of)."""
    rows = list(rows)
    readable = _readable_reviews(user, {row.recommendation.review_id for row in rows})
    return [
        Hit(paragraph=row, text=_highlighted(row, query), link=_link(row, readable)) for row in rows
    ]


def _readable_reviews(user: AnyUser, review_ids: set[int]) -> set[int]:
    """Of ``review_ids``, those whose section ``user`` reads in their session's report
    (:func:`reviews.permissions.attends`, and the report shows the cases they see)."""
    if not review_ids or not user.is_authenticated:
        return set()
    cases = visible_reviews(user).filter(pk__in=review_ids)
    if not (is_secretariat(user) or observed_region_ids(user)):
        cases = cases.filter(session__in=sessions_sat_in(user))
    return set(cases.values_list("pk", flat=True))


def _link(row: RecommendationParagraph, readable: set[int]) -> str:
    recommendation = row.recommendation
    session = recommendation.session
    anchor = f"#paragraph-{row.pk}"
    if session.report_published_on is not None:
        return reverse("reviews:public_report", args=[session.pk]) + anchor
    if recommendation.review_id in readable:
        return reverse("reviews:report", args=[session.pk]) + anchor
    return ""


def _highlighted(row: RecommendationParagraph, query: str) -> SafeString:
    headline = getattr(row, "headline", None)
    if headline is not None and headline.replace(_START, "").replace(_STOP, "") == row.text:
        return _marked(headline)
    return highlight(row.text, terms(query)[0])


def _marked(headline: str) -> SafeString:
    """ts_headline's output, escaped, its markers made <mark>."""
    pieces = []
    for piece in re.split(f"({_START}|{_STOP})", headline):
        if piece == _START:
            pieces.append("<mark>")
        elif piece == _STOP:
            pieces.append("</mark>")
        else:
            pieces.append(str(escape(piece)))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece of text is escaped)


def highlight(text: str, words: Iterable[str]) -> SafeString:
    """``text`` escaped, each occurrence of ``words`` (whatever its case) in <mark>. The
    matches are found in the text as written and each piece escaped on its own, so a
    word never matches inside an escaped character (``amp`` in ``&amp;``)."""
    wanted = sorted({w for w in words if w}, key=len, reverse=True)
    if not wanted:
        return escape(text)
    pattern = re.compile("|".join(re.escape(w) for w in wanted), re.IGNORECASE)
    pieces, start = [], 0
    for match in pattern.finditer(text):
        pieces.append(str(escape(text[start : match.start()])))
        pieces.append(f"<mark>{escape(match.group())}</mark>")
        start = match.end()
    pieces.append(str(escape(text[start:])))
    return mark_safe("".join(pieces))  # noqa: S308 (every piece of text is escaped)
