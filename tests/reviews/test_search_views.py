"""The precedents page: public, with its filters, its results linking into the reports,
the same for the whole cast but for what each may read, at a constant query count."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from institutions.enums import RegionCode
from reviews.enums import Outcome
from tests import procedure
from tests.factories import InstitutionFactory
from tests.pages import queries_for, text, visit
from tests.reviews.test_precedent import decided
from tests.reviews.test_search import CNCDH, FIJI, PERU, institution, publish

pytestmark = pytest.mark.django_db

URL = reverse("reviews:precedents")


@pytest.fixture
def published(cast):
    """The CNCDH's paragraph in a published report; the cast's own case (Home) with a
    recommendation before the Bureau, unpublished."""
    session = procedure.session(dt.date(2027, 3, 15), name="Session March 2027")
    cncdh = institution(
        "Commission nationale consultative des droits de l'homme", "FR", RegionCode.EUROPE
    )
    review = decided(cncdh, session, [CNCDH], Outcome.ACCREDIT_A)
    publish(session)
    procedure.recommend(cast.review, paragraphs=[FIJI])
    return review


# Who finds the Home Commission's unpublished paragraph: those who see its case and are
# staff. Not the recused member, nor the institution's own focal point (its own
# institution), nor another's, nor the Bureau before the case reaches it, nor an
# observer of another region, nor the public.
FINDS_UNPUBLISHED = {"secretariat": True, "sca_member": True, "recused_sca_member": False,
                     "bureau_member": False, "focal_point": False, "other_focal_point": False,
                     "observer": False, "anonymous": False}  # fmt: skip


@pytest.mark.parametrize("member", list(FINDS_UNPUBLISHED))
def test_the_whole_cast_finds_the_published_record_and_only_what_they_may_read(
    client, cast, published, member
):
    user = cast.members()[member]
    page = text(visit(client, user, URL))
    assert "Commission nationale consultative des droits de l&#x27;homme" in page
    assert "processus de sélection transparent" in page
    assert ("Home Commission" in page) is FINDS_UNPUBLISHED[member]
    assert ("military coup" in page) is FINDS_UNPUBLISHED[member]


def test_the_page_answers_a_search_with_highlights_and_a_link_into_the_report(
    client, cast, published
):
    response = visit(client, None, URL, data={"q": "sélection"})
    assert response.status_code == 200
    page = text(response)
    paragraph = published.recommendation.paragraphs.get()
    report = reverse("reviews:public_report", args=[published.session_id])
    assert f'href="{report}#paragraph-{paragraph.pk}"' in page
    assert page.count("<mark>sélection</mark>") == 2
    assert "1 paragraph matches" in page
    # The report has the anchor the result links to.
    assert f'id="paragraph-{paragraph.pk}"' in text(visit(client, None, report))


def test_the_page_shows_the_principles_and_general_observations_cited(client, published):
    page = text(visit(client, None, URL))
    facts = re.sub(r"\s+", " ", page)
    assert "<dt>Paris Principles</dt> <dd>B.1</dd>" in facts
    assert "<dt>General Observations</dt> <dd>1.8</dd>" in facts


def test_the_secretariat_is_led_to_the_internal_report_of_an_unpublished_paragraph(
    client, cast, published
):
    page = text(visit(client, cast.secretariat, URL, data={"q": "coup"}))
    paragraph = cast.review.recommendation.paragraphs.get()
    internal = reverse("reviews:report", args=[cast.session.pk])
    assert f'href="{internal}#paragraph-{paragraph.pk}"' in page
    assert "(not published yet)" in page
    assert f'id="paragraph-{paragraph.pk}"' in text(visit(client, cast.secretariat, internal))


@pytest.mark.parametrize(
    "query, message",
    [
        ({"year": "last"}, "The year must be a number such as 2007; every year is shown."),
        ({"go": "9.99"}, "There is no General Observation “9.99”; paragraphs citing any"),
        ({"principle": "Z.9"}, "There is no Paris Principle “Z.9”"),
        ({"outcome": "praise"}, "There is no outcome “praise”; every outcome is shown."),
        ({"region": "arctic"}, "There is no region “arctic”; every region is shown."),
        ({"institution": "999999"}, "There is no institution “999999” among the results"),
    ],
)
def test_a_bad_filter_value_is_reported_and_the_results_still_shown(
    client, published, query, message
):
    response = visit(client, None, URL, data=query)
    assert response.status_code == 200
    page = text(response)
    assert message in page
    assert "processus de sélection transparent" in page


def test_each_filter_of_the_page_narrows_the_results(client, cast, published):
    later = procedure.session(dt.date(2028, 3, 13), name="Session March 2028")
    peru = institution("Defensoría del Pueblo del Perú", "PE", RegionCode.AMERICAS)
    decided(peru, later, [PERU], Outcome.ACCREDIT_B)
    publish(later)
    cncdh = published.institution
    cases = {
        "go=1.10": "PE", "principle=B.1": "FR", "outcome=accredit-a": "FR",
        "region=americas": "PE", f"institution={cncdh.pk}": "FR", "year=2028": "PE",
        "q=financiación": "PE",
    }  # fmt: skip
    for query, shown in cases.items():
        page = text(visit(client, None, f"{URL}?{query}"))
        found = {"FR": "sélection" in page, "PE": "asignación" in page}
        assert found == {"FR": shown == "FR", "PE": shown == "PE"}, query


def test_nothing_found_says_so(client, published):
    page = text(visit(client, None, URL, data={"q": "xylophone"}))
    assert "No paragraph matches this search." in page
    assert "0 paragraphs match" in page


def test_before_any_publication_the_public_is_told(client, cast):
    page = text(visit(client, None, URL))
    assert "No recommendation has been published yet." in page


def test_the_institution_filter_names_only_institutions_the_reader_finds(client, cast, published):
    anonymous = text(visit(client, None, URL))
    assert f'<option value="{published.institution_id}">' in anonymous
    assert f'<option value="{cast.home.pk}">' not in anonymous
    secretariat = text(visit(client, cast.secretariat, URL))
    assert f'<option value="{cast.home.pk}">Home Commission (New Zealand)</option>' in secretariat


def test_the_navigation_leads_to_the_precedents(client, cast):
    page = text(visit(client, None, reverse("home")))
    assert f'href="{URL}"' in page
    assert 'aria-current="page">Precedents</a>' in text(visit(client, None, URL))


def test_results_come_a_page_at_a_time(client, cast):
    session = procedure.session(dt.date(2027, 3, 15), name="Session March 2027")
    decided(InstitutionFactory(name="Long Commission"), session, [CNCDH] * 21)
    publish(session)
    first = text(visit(client, None, URL))
    assert "21 paragraphs, the newest session first." in first
    assert "Page 1 of 2" in first and "?page=2" in first
    second = text(visit(client, None, URL, data={"page": 2}))
    assert "Page 2 of 2" in second and second.count("<blockquote") == 1


@pytest.mark.parametrize("member", ["anonymous", "secretariat", "sca_member", "focal_point"])
@pytest.mark.parametrize("query", ["", "?q=sélection", "?go=1.8&q=SCA"])
def test_the_page_costs_the_same_queries_for_one_result_or_five(client, cast, member, query):
    user = cast.members()[member]
    sessions = [procedure.session(dt.date(2020 + n, 3, 16), name=f"S{n}") for n in range(5)]
    decided(InstitutionFactory(name="First"), sessions[0], [CNCDH])
    publish(sessions[0])
    visit(client, user, URL)
    one = queries_for(client, URL + query)
    for n in range(1, 5):
        decided(InstitutionFactory(name=f"More {n}"), sessions[n], [CNCDH])
        publish(sessions[n])
    page = text(client.get(URL + query))
    assert page.count("<blockquote") == 5
    assert queries_for(client, URL + query) == one
