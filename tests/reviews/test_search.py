# ruff: noqa: RUF001 (Russian paragraphs: Cyrillic letters that look like Latin ones)
"""Precedent search: realistic paragraphs in four languages, each filter, highlights that
escape the text, and who finds what. The same tests run on SQLite (each word matched)
and on PostgreSQL (full-text search with its GIN index)."""

import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import Outcome, RecusalReason
from reviews.models import Recusal
from reviews.search import ParagraphFilters, highlight, hits, search_paragraphs
from reviews.services.outcomes import Paragraph
from reviews.services.publication import publish_report
from tests import procedure
from tests.factories import InstitutionFactory, region
from tests.reviews.test_precedent import decided, recommended

pytestmark = pytest.mark.django_db

ON_PG = connection.vendor == "postgresql"
ANONYMOUS = AnonymousUser()

# Paragraphs in the SCA's manner, on institutions of the 2007 record (history.yaml).
FIJI = Paragraph(
    "The SCA notes that, after the military coup of December 2006, the Commission has not "
    "spoken out publicly against the suspension of constitutional rule. The SCA recalls "
    "that in a coup an NHRI is expected to act with heightened vigilance and independence.",
    principles=("A.1",),
    observations=("2.6",),
)
CNCDH = Paragraph(
    "Le SCA note que la loi ne prévoit pas de processus de sélection transparent et "
    "participatif des membres de la Commission. Le SCA encourage la CNCDH à plaider pour "
    "un processus de sélection fondé sur le mérite.",
    principles=("B.1",),
    observations=("1.8",),
)
PERU = Paragraph(
    "El SCA observa que la asignación presupuestaria de la Defensoría no es suficiente "
    "para el ejercicio efectivo de su mandato. El SCA alienta a la institución a abogar "
    "por una financiación adecuada del Estado.",
    principles=("B.2",),
    observations=("1.10",),
)
KAZAKHSTAN = Paragraph(
    "ППК отмечает, что закон не устанавливает срок полномочий Уполномоченного и основания "
    "для его освобождения от должности. ППК рекомендует закрепить в законе независимую и "
    "объективную процедуру отстранения.",
    principles=("B.3",),
    observations=("2.1",),
)


def publish(session):
    with clock.as_of(session.ends_on + dt.timedelta(days=90)):
        publish_report(session=session, by=procedure.secretariat("walker"))


def institution(name, country, code):
    return InstitutionFactory(name=name, acronym="", country=country, region=region(code))


@pytest.fixture
def record(cast):
    """Two published sessions, four institutions, four languages."""
    march_2027 = procedure.session(dt.date(2027, 3, 15), name="Session March 2027")
    march_2028 = procedure.session(dt.date(2028, 3, 13), name="Session March 2028")
    places = {
        "fiji": (institution("Fiji Human Rights Commission", "FJ", RegionCode.ASIA_PACIFIC),
                 march_2027, FIJI, Outcome.ACCREDIT_B),
        "cncdh": (institution("Commission nationale consultative des droits de l'homme", "FR",
                              RegionCode.EUROPE), march_2027, CNCDH, Outcome.ACCREDIT_A),
        "peru": (institution("Defensoría del Pueblo del Perú", "PE", RegionCode.AMERICAS),
                 march_2028, PERU, Outcome.ACCREDIT_A),
        "kazakhstan": (institution("Уполномоченный по правам человека", "KZ",
                                   RegionCode.ASIA_PACIFIC), march_2028, KAZAKHSTAN,
                       Outcome.ACCREDIT_B),
    }  # fmt: skip
    reviews = {
        key: decided(where, session, [paragraph], outcome)
        for key, (where, session, paragraph, outcome) in places.items()
    }
    publish(march_2027)
    publish(march_2028)
    return {key: review.institution for key, review in reviews.items()}


def names(user, query="", **filters):
    rows = search_paragraphs(user, query, ParagraphFilters(**filters))
    return [row.recommendation.review.institution.country.code for row in rows]


@pytest.mark.parametrize(
    "words, country",
    [
        ("coup", "FJ"),
        ("vigilance independence", "FJ"),
        ("sélection", "FR"),
        ("processus transparent", "FR"),
        ("financiación", "PE"),
        ("asignación presupuestaria", "PE"),
        ("полномочий", "KZ"),
        ("процедуру отстранения", "KZ"),
    ],
)
def test_words_in_each_language_find_their_paragraph(record, words, country):
    assert names(ANONYMOUS, words) == [country]


def test_every_word_must_be_there(record):
    assert names(ANONYMOUS, "coup financiación") == []
    assert sorted(names(ANONYMOUS, "SCA")) == ["FJ", "FR", "PE"]


def test_a_word_with_a_minus_is_left_out(record):
    assert sorted(names(ANONYMOUS, "SCA -coup")) == ["FR", "PE"]


def test_without_words_the_newest_session_comes_first(record):
    found = names(ANONYMOUS)
    assert sorted(found[:2]) == ["KZ", "PE"] and sorted(found[2:]) == ["FJ", "FR"]


def test_words_of_nothing_find_nothing(record):
    assert names(ANONYMOUS, "!!!") == []
    assert names(ANONYMOUS, "xylophone") == []


@pytest.mark.parametrize(
    "filters, expected",
    [
        ({"observations": ("1.8",)}, ["FR"]),
        ({"observations": ("1.8", "1.10")}, ["FR", "PE"]),
        ({"principle": "B.2"}, ["PE"]),
        ({"outcome": Outcome.ACCREDIT_A}, ["FR", "PE"]),
        ({"region": RegionCode.ASIA_PACIFIC}, ["FJ", "KZ"]),
        ({"year": 2027}, ["FJ", "FR"]),
        ({"year": 2026}, []),
        ({"region": RegionCode.ASIA_PACIFIC, "year": 2028}, ["KZ"]),
    ],
)
def test_each_filter_narrows_the_results(record, filters, expected):
    assert sorted(names(ANONYMOUS, **filters)) == expected


def test_the_institution_filter_and_words_together(record):
    peru = record["peru"]
    assert names(ANONYMOUS, institution=peru.pk) == ["PE"]
    assert names(ANONYMOUS, "financiación", institution=peru.pk) == ["PE"]
    assert names(ANONYMOUS, "coup", institution=peru.pk) == []


def test_a_match_is_marked_and_the_rest_of_the_text_escaped(cast):
    session = procedure.session(dt.date(2027, 3, 15), name="Session March 2027")
    hostile = Paragraph(
        "The SCA notes <script>alert('x')</script> & that the selection process is closed.",
        observations=("1.8",),
    )
    decided(InstitutionFactory(name="Escaping Commission"), session, [hostile])
    publish(session)
    anonymous = ANONYMOUS
    [hit] = hits(anonymous, search_paragraphs(anonymous, "selection"), "selection")
    assert hit.text == (
        "The SCA notes &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; that the "
        "<mark>selection</mark> process is closed."
    )
    [plain] = hits(anonymous, search_paragraphs(anonymous, ""), "")
    assert "<script>" not in plain.text and "<mark>" not in plain.text


def test_the_highlighter_never_marks_inside_an_escaped_character():
    assert highlight("Fees & costs", ["amp", "costs"]) == "Fees &amp; <mark>costs</mark>"
    assert highlight("Выборы и ВЫБОРЫ", ["выборы"]) == ("<mark>Выборы</mark> и <mark>ВЫБОРЫ</mark>")
    assert highlight("<b>", []) == "&lt;b&gt;"


def test_a_published_paragraph_links_to_its_place_in_the_public_report(record):
    anonymous = ANONYMOUS
    [hit] = hits(anonymous, search_paragraphs(anonymous, "coup"), "coup")
    session = hit.paragraph.recommendation.session
    assert hit.link == f"/reports/{session.pk}/#paragraph-{hit.paragraph.pk}"


# -- who finds what --


def test_the_public_finds_only_published_paragraphs(cast, record):
    pending = InstitutionFactory(name="Pending Commission", country="GH")
    decided(pending, procedure.session(dt.date(2029, 3, 12)), [FIJI])  # decided, unpublished
    procedure.recommend(cast.review, paragraphs=[CNCDH])  # before the Bureau, unpublished
    assert sorted(names(ANONYMOUS, "coup")) == ["FJ"]
    assert sorted(names(cast.secretariat, "coup")) == ["FJ", "GH"]
    assert sorted(names(ANONYMOUS, "sélection")) == ["FR"]
    assert sorted(names(cast.secretariat, "sélection")) == ["FR", "NZ"]


def test_a_recused_member_never_finds_the_unpublished_paragraphs_of_their_case(cast, record):
    procedure.recommend(cast.review, paragraphs=[CNCDH])
    assert sorted(names(cast.sca_member, "sélection")) == ["FR", "NZ"]
    # The published record (the CNCDH's) they find like everyone.
    assert names(cast.recused_sca_member, "sélection") == ["FR"]
    assert names(cast.recused_sca_member, "", observations=("1.8",)) == ["FR"]


def test_a_member_recused_by_an_objection_never_finds_that_institutions_cases(cast, record):
    objected = institution("Objecting Commission", "CL", RegionCode.AMERICAS)
    decided(objected, procedure.session(dt.date(2029, 3, 12)), [PERU])
    current = recommended(objected, cast.session, [PERU])
    Recusal.objects.create(
        review=current,
        seat=cast.sca_member.seats.get(),
        reason=RecusalReason.OBJECTION_UPHELD,
        recorded_by=cast.secretariat,
        recorded_at=clock.now(),
    )
    assert names(cast.sca_member, "financiación") == ["PE"]
    assert sorted(names(cast.secretariat, "financiación")) == ["CL", "CL", "PE"]


def test_a_focal_point_finds_no_unpublished_paragraph_of_another_case(cast, record):
    recommended(cast.other, cast.session, [CNCDH])
    decided(cast.sca_home, procedure.session(dt.date(2029, 3, 12)), [CNCDH])
    assert names(cast.focal_point, "sélection") == ["FR"]
    assert names(cast.other_focal_point, "sélection") == ["FR"]
    assert sorted(names(cast.secretariat, "sélection")) == ["DE", "FR", "KE"]


def test_a_published_paragraph_is_found_by_everyone_the_recused_member_too(cast, record):
    """Published reports are public record; signing in never hides them."""
    session = procedure.session(dt.date(2029, 3, 12), name="Session March 2029")
    decided(cast.sca_home, session, [FIJI])  # the SCA member's own institution
    publish(session)
    for user in cast.members().values():
        assert sorted(names(user or ANONYMOUS, "coup")) == ["FJ", "KE"], user


# -- PostgreSQL: the index serves the search --


@pytest.mark.skipif(not ON_PG, reason="full-text search is PostgreSQL's")
def test_the_full_text_search_uses_the_gin_index(record):
    rows = search_paragraphs(ANONYMOUS, "coup").order_by()
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
    plan = rows.explain()
    assert "Bitmap Index Scan on paragraph_search" in plan, plan


@pytest.mark.skipif(not ON_PG, reason="ts_headline is PostgreSQL's")
def test_postgresql_marks_the_words_its_search_matched(record):
    [row] = search_paragraphs(ANONYMOUS, "Vigilance")
    # ts_headline gives the whole text back, its match between the markers.
    assert row.headline.replace("\x02", "").replace("\x03", "") == row.text
    assert "\x02vigilance\x03" in row.headline
    [hit] = hits(ANONYMOUS, [row], "Vigilance")
    assert "<mark>vigilance</mark>" in hit.text
    assert hit.text.count("<mark>") == 1
