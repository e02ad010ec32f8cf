"""Every letter in every language as a PDF: it opens, it counts its pages in the
letter's language, and its text read back with pypdf names the institution, the
reference and the date that matters in that letter, written as the letter writes it.

Arabic: WeasyPrint shapes Arabic with HarfBuzz, so the PDF holds joined glyphs; their
ToUnicode map gives pypdf back the letters of each word in logical order (NFKC folds
any presentation form, U+FE70..., back to its letter). But pypdf writes the runs of a
line in the order they stand on the page, so a right-to-left line that mixes in digits
or Latin ("الصفحة 1 من 1" in the footer) comes back with its words in visual order,
"1 من 1 الصفحة". Texts are therefore compared with spaces and bidi marks removed,
in logical word order or in reversed word order. Chinese is extracted in logical
order and needs no more than the spaces removed (pypdf inserts some between runs).
"""

import datetime as dt
import io
import unicodedata

import pytest
from django.utils import formats, translation
from django.utils.safestring import SafeString, mark_safe
from pypdf import PdfReader

from nhri_portal import clock
from reviews.enums import Outcome, ReviewState
from reviews.models import (
    DocumentKind,
    GeneratedDocument,
    IssueSummary,
    LetterKind,
    SummaryIssue,
)
from reviews.rendering import renderer_for
from reviews.rendering.letters import CHROME, left_to_right
from reviews.services.dossiers import reference
from reviews.services.letter_templates import current_template
from reviews.services.sweep import process_deadlines
from tests.factories import InstitutionFactory
from tests.procedure import advance, notified, open_review, recommend, session

pytestmark = pytest.mark.django_db

NAMES = {
    "en": "National Human Rights Commission of Testland",
    "fr": "Commission nationale consultative des droits de l'homme",
    "es": "Defensoría del Pueblo de Prueba",
    "ar": "اللجنة الوطنية لحقوق الإنسان",
    "zh-hans": "国家人权委员会",
    "ru": "Уполномоченный по правам человека",
}
LANGUAGES = list(NAMES)
START = dt.date(2030, 3, 11)
NOTIFIED_ON = dt.date(2030, 3, 25)
BIDI = dict.fromkeys(map(ord, "\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def normal(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(BIDI)
    return "".join(folded.split())


def contains(extracted: str, wanted: str) -> bool:
    haystack = normal(extracted)
    visual = " ".join(reversed(wanted.split()))
    return normal(wanted) in haystack or normal(visual) in haystack


def written(day: dt.date, language: str) -> str:
    with translation.override(language):
        return formats.date_format(day, "DATE_FORMAT")


def case_for(kind: str, language: str):
    """A review at the point where letter ``kind`` is sent, and that letter's key date."""
    institution = InstitutionFactory(name=NAMES[language], working_language=language, country="FR")
    main = session(START)
    review = open_review(institution, main)
    if kind == LetterKind.INVITATION:
        return review, main.deadlines.get(rule_key="dossier-due").due_on
    if kind == LetterKind.ACKNOWLEDGEMENT:
        advance(review, ReviewState.READY)
        return review, START - dt.timedelta(days=10)
    if kind == LetterKind.SUMMARY:
        summary = IssueSummary.objects.create(review=review, answers_due_on=dt.date(2030, 3, 1))
        SummaryIssue.objects.create(
            summary=summary, number=1, facts="Selection law.", concern="Explain the selection."
        )
        return review, summary.answers_due_on
    if kind == LetterKind.RECOMMENDATION:
        notified(review, NOTIFIED_ON)
        return review, NOTIFIED_ON + dt.timedelta(days=28)
    if kind == LetterKind.DEFERRAL:
        later = session(dt.date(2030, 10, 7), name="Session October 2030")
        recommend(review, Outcome.DEFER, follow_up=later)
        return review, later.deadlines.get(rule_key="dossier-due").due_on
    # The decision and the certificate: deemed adopted when both windows pass.
    notified(review, NOTIFIED_ON)
    process_deadlines(as_of=NOTIFIED_ON + dt.timedelta(days=29))
    process_deadlines(as_of=NOTIFIED_ON + dt.timedelta(days=50))
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    return review, review.decision.decided_on


def render(review, kind: str, language: str, as_of: dt.date = dt.date(2030, 6, 1)):
    document = GeneratedDocument(
        kind=DocumentKind.CERTIFICATE if kind == LetterKind.CERTIFICATE else DocumentKind.LETTER,
        letter=kind,
        language=language,
        key=f"test:{kind}:{language}",
        review=review,
        institution=review.institution,
        template=current_template(kind, language),
        as_of=as_of,
        requested_at=clock.now(),
    )
    return renderer_for(document.kind)(document, lambda pct, note: None)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", LetterKind.values)
def test_each_letter_in_each_language_reads_back_its_names_and_dates(kind, language):
    review, key_date = case_for(kind, language)
    rendered = render(review, kind, language)
    pdf = PdfReader(io.BytesIO(rendered.content))
    extracted = "\n".join(page.extract_text() for page in pdf.pages)
    page_one = CHROME[language]["page"].format(page=1, pages=len(pdf.pages))

    assert rendered.pages == len(pdf.pages) >= 1
    assert contains(extracted, page_one), page_one
    assert contains(extracted, NAMES[language])
    assert contains(extracted, reference(review))
    assert contains(extracted, written(key_date, language)), written(key_date, language)
    assert contains(extracted, written(dt.date(2030, 6, 1), language))  # the letter's date
    ref = reference(review).replace("/", "-")
    assert rendered.filename == f"{ref}-{kind}-{language}.pdf"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_downgrade_letter_says_the_grade_stands_until_it_takes_effect(language):
    from accreditation.enums import Grade
    from accreditation.services import record_prior_status

    institution = InstitutionFactory(name=NAMES[language], working_language=language, country="FR")
    record_prior_status(
        institution=institution, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    review = open_review(institution, session(START))
    notified(review, NOTIFIED_ON, outcome=Outcome.ACCREDIT_B)
    process_deadlines(as_of=NOTIFIED_ON + dt.timedelta(days=29))
    process_deadlines(as_of=NOTIFIED_ON + dt.timedelta(days=50))
    review.refresh_from_db()
    decided_on = review.decision.decided_on
    effective_on = review.decision.status_record.effective_on
    assert effective_on == decided_on + dt.timedelta(days=365)

    extracted = "\n".join(
        page.extract_text()
        for page in PdfReader(io.BytesIO(render(review, "decision", language).content)).pages
    )
    stands = {
        "en": "the current status of the institution (A) remains in force",
        "fr": "le statut actuel de l’institution (A) demeure en vigueur",  # noqa: RUF001 (French typography)
    }[language]
    assert contains(extracted, stands)
    assert contains(extracted, written(effective_on, language))
    assert contains(extracted, written(decided_on, language))


def test_the_reference_is_isolated_left_to_right_in_the_letter_s_text():
    # In an Arabic sentence "2007-10/FR/19" would otherwise be laid out backwards.
    html = left_to_right(
        mark_safe("<p>المرجع 2007-10/FR/19 &amp; 2007-10/FR/19</p>"), "2007-10/FR/19"
    )
    assert html == "<p>المرجع \u20662007-10/FR/19\u2069 &amp; \u20662007-10/FR/19\u2069</p>"
    assert isinstance(html, SafeString)
    plain = left_to_right("(المرجع 2007-10/FR/19)", "2007-10/FR/19")
    assert plain == "(المرجع \u20662007-10/FR/19\u2069)" and not isinstance(plain, SafeString)
