"""People using the portal in a real browser: signing in, reading the chart, in two scripts."""

import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from tests.procedure import Cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SHOTS = Path(__file__).resolve().parents[2] / "test-results"


def shot(page: Page, name: str) -> None:
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, base: str, username: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label(re.compile("Username|Login", re.I)).fill(username)
    page.get_by_label(re.compile("Password", re.I)).fill("a-long-test-password")
    page.get_by_role("button", name=re.compile("Sign in", re.I)).click()


def test_a_focal_point_signs_in_and_finds_the_review_of_their_institution(live_server, page):
    cast = Cast()
    sign_in(page, live_server.url, cast.focal_point.username)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Home Commission").first).to_be_visible()
    expect(page.get_by_text("Other Commission")).to_have_count(0)
    shot(page, "home-focal-point")


def test_a_recused_sca_member_sees_nothing_of_their_own_institution(live_server, page):
    cast = Cast()
    sign_in(page, live_server.url, cast.recused_sca_member.username)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("Home Commission")).to_have_count(0)


def test_the_public_reads_the_chart_for_a_past_day_and_is_told_about_a_bad_one(live_server, page):
    cast = Cast()
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=cast.session.starts_on, note="", by=None
    )
    page.goto(f"{live_server.url}/status-chart/?as_of={cast.session.starts_on.isoformat()}")
    expect(page.get_by_role("link", name="Home Commission")).to_be_visible()
    page.goto(f"{live_server.url}/status-chart/?as_of=2007-13-45")
    expect(page.get_by_text(re.compile("YYYY-MM-DD"))).to_be_visible()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/status-chart/?as_of={cast.session.starts_on.isoformat()}")
    shot(page, "chart-phone")


def test_the_keyboard_reaches_the_skip_link_first(live_server, page):
    page.goto(f"{live_server.url}/status-chart/")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert "Skip" in focused


def test_arabic_turns_the_page_right_to_left(live_server, page):
    page.goto(f"{live_server.url}/status-chart/")
    page.get_by_label(re.compile("Language", re.I)).select_option("ar")
    page.get_by_role("button", name=re.compile("Change", re.I)).click()
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    shot(page, "chart-arabic")
