"""axe-core finds no serious or critical problem on the pages people use."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from tests.e2e.test_journeys import sign_in
from tests.procedure import Cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

SERIOUS = {"serious", "critical"}


def problems(page: Page) -> list[str]:
    results = Axe().run(page)
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]


@pytest.fixture
def cast_with_status(db):
    cast = Cast()
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=cast.session.starts_on, note="", by=None
    )
    return cast


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_public_pages_pass_axe(live_server, page, cast_with_status, language):
    page.goto(f"{live_server.url}/")
    if language != "en":
        page.get_by_label("Language").select_option(language)
        page.locator("form.language-switcher button, form[action*='setlang'] button").first.click()
    paths = [
        "/",
        "/institutions/",
        f"/institutions/{cast_with_status.home.pk}/",
        f"/status-chart/?as_of={cast_with_status.session.starts_on.isoformat()}",
        "/status-chart/?as_of=2007-13-45",
        "/accounts/login/",
        "/reports/",
    ]
    found = {}
    for path in paths:
        page.goto(f"{live_server.url}{path}")
        found[path] = problems(page)
    assert found == {path: [] for path in paths}


@pytest.mark.parametrize(
    "member", ["secretariat", "focal_point", "sca_member", "bureau_member", "observer"]
)
def test_each_roles_home_page_passes_axe(live_server, page, cast_with_status, member):
    sign_in(page, live_server.url, getattr(cast_with_status, member).username)
    found = {"/": problems(page)}
    for path in ["/mail/", *ROLE_PAGES.get(member, [])]:
        page.goto(f"{live_server.url}{path}")
        found[path] = problems(page)
    assert found == {path: [] for path in found}


# The lists each role reaches from the navigation, beyond its home page and its mail.
ROLE_PAGES = {
    "secretariat": ["/bureau/", "/bureau/meetings/", "/outbox/", "/reviews/"],
    "bureau_member": ["/bureau/", "/bureau/meetings/"],
}
