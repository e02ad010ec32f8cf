"""A member of the public in a real browser: reads the status chart for a past day, opens
an institution from it, searches the precedents and opens a result's paragraph in its
published report. axe-core checks each page on the way."""

import datetime as dt
import re

import pytest
from playwright.sync_api import Page, expect

from institutions.enums import RegionCode
from reviews.enums import Outcome
from tests import procedure
from tests.e2e.test_accessibility import problems
from tests.e2e.test_journeys import shot
from tests.reviews.test_precedent import decided
from tests.reviews.test_search import CNCDH, PERU, institution, publish

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

CNCDH_NAME = "Commission nationale consultative des droits de l'homme"


def record() -> None:
    """Two institutions accredited at the March 2027 session, its report published."""
    session = procedure.session(dt.date(2027, 3, 15), name="Session March 2027")
    cncdh = institution(CNCDH_NAME, "FR", RegionCode.EUROPE)
    peru = institution("Defensoría del Pueblo del Perú", "PE", RegionCode.AMERICAS)
    decided(cncdh, session, [CNCDH], Outcome.ACCREDIT_A)
    decided(peru, session, [PERU], Outcome.ACCREDIT_B)
    publish(session)


def test_a_visitor_goes_from_the_chart_to_an_institution_to_a_precedent(live_server, page: Page):
    record()
    found: dict[str, list[str]] = {}

    page.goto(f"{live_server.url}/status-chart/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Status chart")
    found["chart"] = problems(page)

    page.get_by_label("As of").fill("2027-12-31")
    page.get_by_role("button", name="Show the chart").click()
    expect(page).to_have_url(re.compile(r"as_of=2027-12-31"))
    found["chart 2027"] = problems(page)
    page.get_by_role("link", name=CNCDH_NAME).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(CNCDH_NAME)
    found["institution"] = problems(page)

    page.get_by_role("navigation", name="Main").get_by_role("link", name="Precedents").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Precedents")
    found["precedents"] = problems(page)
    page.get_by_label("Words").fill("sélection")
    page.get_by_label("Region").select_option(label="Europe")
    page.get_by_role("button", name="Search").click()
    expect(page.get_by_role("status")).to_have_text("1 paragraph matches, the best matches first.")
    expect(page.locator("mark").first).to_have_text("sélection")
    expect(page.get_by_text("financiación")).to_have_count(0)
    found["results"] = problems(page)
    shot(page, "precedents-results")

    page.get_by_role("link", name=re.compile("Paragraph 1 in the report on")).click()
    expect(page).to_have_url(re.compile(r"/reports/\d+/#paragraph-\d+$"))
    anchor = page.url.rsplit("#", 1)[1]
    target = page.locator(f"#{anchor}")
    expect(target).to_contain_text("processus de sélection transparent")
    expect(target).to_be_in_viewport()
    found["report"] = problems(page)

    assert found == {name: [] for name in found}


def test_a_visitor_on_a_phone_is_told_about_a_bad_filter(live_server, page: Page):
    record()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/precedents/?year=last")
    expect(page.get_by_role("alert")).to_contain_text("The year must be a number such as 2007")
    expect(page.get_by_role("status")).to_have_text("2 paragraphs, the newest session first.")
    assert problems(page) == []
    shot(page, "precedents-phone")
