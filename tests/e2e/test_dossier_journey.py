"""The institution's dossier journey in a real browser: a focal point completes the
Statement of Compliance, uploads every required document, watches the missing-items
list shrink, submits and gets the acknowledgement; the same pages in Arabic; a double
click on "submit". axe-core checks every distinct page on the way."""

from __future__ import annotations

import re
import time
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from reviews.enums import OPTIONAL_THEMES, REQUIRED_SLOTS, DocumentSlot, ReviewState, Theme
from reviews.models import ComplianceAnswer, ReviewEvent
from reviews.services.dossiers import (
    reference,
    save_answer,
    set_handles_complaints,
    upload_document,
)
from reviews.views import dossier as dossier_views
from tests import files
from tests.dossier import complete
from tests.e2e.test_accessibility import problems
from tests.e2e.test_journeys import shot, sign_in
from tests.procedure import Cast

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

REQUIRED_THEMES = [theme for theme in Theme if theme not in OPTIONAL_THEMES]
# The language each required document is tagged with: not always the default one.
LANGUAGE_OF = {
    DocumentSlot.FOUNDING_LAW: ("fr", "French"),
    DocumentSlot.ORGANISATION_CHART: ("en", "English"),
    DocumentSlot.BUDGET: ("es", "Spanish"),
    DocumentSlot.ANNUAL_REPORT: ("en", "English"),
}


class Audit:
    """axe-core on each page of a journey; every page's problems are kept, so that one
    failure lists them all."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.checked: list[str] = []
        self.found: dict[str, list[str]] = {}

    def __call__(self, name: str, *, open_details: bool = False) -> None:
        if open_details:
            # What is folded away (criteria, deadlines, "new version" forms, full hashes)
            # is checked too.
            self.page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
        self.checked.append(name)
        found = problems(self.page)
        if found:
            self.found[name] = found


def missing_items(page: Page) -> list[str]:
    return page.locator("ul.missing > li").all_inner_texts()


def open_check_page(page: Page) -> None:
    page.get_by_role("link", name="Check your answers and submit").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check your answers before you submit"
    )


def back_to_task_list(page: Page) -> None:
    page.get_by_role("link", name="Back to the dossier").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Accreditation dossier")


def test_a_focal_point_completes_and_submits_the_dossier(live_server, page, tmp_path):
    cast = Cast()
    review = cast.review
    audit = Audit(page)
    base = live_server.url

    sign_in(page, base, cast.focal_point.username)
    page.get_by_role("link", name=re.compile(r"^Work on the dossier")).click()
    expect(page).to_have_url(f"{base}/reviews/{review.pk}/dossier/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Accreditation dossier")
    expect(page.locator(".progress")).to_have_text(
        f"0 of {len(REQUIRED_THEMES) + len(REQUIRED_SLOTS)} required parts complete."
    )
    audit("task list, nothing done", open_details=True)

    open_check_page(page)
    counts = [len(missing_items(page))]
    # The complaints question, every theme and every required document.
    assert counts[0] == 1 + len(REQUIRED_THEMES) + len(REQUIRED_SLOTS)
    expect(page.get_by_role("button", name="Submit the dossier")).to_have_count(0)
    audit("check page, everything missing")
    back_to_task_list(page)

    # The complaints question: "No" makes the complaints theme optional.
    complaints = page.locator("#complaints")
    complaints.get_by_label("No", exact=True).check()
    complaints.get_by_role("button", name="Save this answer").click()
    expect(page.get_by_text("Your answer on complaints handling was saved.")).to_be_visible()
    expect(page.locator("#complaints").get_by_label("No", exact=True)).to_be_checked()
    expect(page.locator(f"#task-{Theme.COMPLAINTS.value}-status")).to_have_text("Not needed")
    audit("task list, with a message and a part optional")

    # The optional theme's page says it is optional.
    page.get_by_role("link", name=str(Theme.COMPLAINTS.label), exact=True).click()
    expect(page.get_by_text("Optional unless the institution handles complaints")).to_be_visible()
    audit("statement page, optional theme, criteria open", open_details=True)
    back_to_task_list(page)

    for n, theme in enumerate(REQUIRED_THEMES):
        page.get_by_role("link", name=str(theme.label), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(str(theme.label))
        answer = page.get_by_label("Your answer")
        status = page.locator("#autosave-status")
        text = f"How the institution meets the standards on {theme.label}: in law and in practice."
        if n == 0:
            expect(status).to_have_text("")
            audit("statement page, no answer yet")
            answer.fill(text)
            # No click: htmx posts the draft about 1.5 s after the typing stops.
            expect(status).to_contain_text("Saved", timeout=10_000)
            assert ComplianceAnswer.objects.get(dossier__review=review, theme=theme).text == text
            audit("statement page, autosaved")
            page.reload()
            expect(page.get_by_label("Your answer")).to_have_value(text)
            expect(status).to_contain_text("Last saved by")
            audit("statement page, saved earlier, criteria open", open_details=True)
            page.get_by_role("button", name="Save and return to the dossier").click()
        else:
            # By keyboard: leaving the field saves the draft at once (htmx on blur); the
            # next stop is the Save button.
            answer.fill(text)
            answer.press("Tab")
            expect(status).to_contain_text("Saved")
            save = page.get_by_role("button", name="Save and return to the dossier")
            expect(save).to_be_focused()
            page.keyboard.press("Enter")
        expect(page.get_by_text(f"Your answer on “{theme.label}” was saved.")).to_be_visible()
        expect(page.locator(f"#task-{theme.value}-status")).to_have_text("Complete")

    open_check_page(page)
    counts.append(len(missing_items(page)))
    assert missing_items(page) == [str(slot.label) for slot in REQUIRED_SLOTS]
    audit("check page, documents missing")
    back_to_task_list(page)

    for n, slot in enumerate(REQUIRED_SLOTS):
        pdf = tmp_path / f"{slot.value}.pdf"
        pdf.write_bytes(files.pdf(3))
        language, language_name = LANGUAGE_OF[slot]
        page.get_by_role("link", name=str(slot.label), exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(str(slot.label))
        expect(page.get_by_text("No document has been uploaded here yet.")).to_be_visible()
        if n == 0:
            audit("documents page, empty")
        page.get_by_label("File", exact=True).set_input_files(pdf)
        page.get_by_label("Language of the document").select_option(language)
        page.get_by_role("button", name="Upload", exact=True).click()
        expect(page.get_by_text(f"“{pdf.name}” was uploaded as version 1.")).to_be_visible()
        versions = page.get_by_role("table")
        expect(versions).to_contain_text(pdf.name)
        expect(versions).to_contain_text(language_name)
        expect(versions.get_by_role("cell", name="3", exact=True)).to_be_visible()  # pages
        if n == 0:
            audit("documents page, one upload")
            audit("documents page, one upload, new-version form and hash open", open_details=True)
        back_to_task_list(page)
        expect(page.locator(f"#task-{slot.value}-status")).to_have_text("Complete")
        open_check_page(page)
        counts.append(len(missing_items(page)))
        back_to_task_list(page)

    expect(page.locator(".progress")).to_have_text(
        f"{len(REQUIRED_THEMES) + len(REQUIRED_SLOTS)} of "
        f"{len(REQUIRED_THEMES) + len(REQUIRED_SLOTS)} required parts complete."
    )
    audit("task list, everything done")

    # With documents uploaded and an answer saved, a theme's page offers to cite pages.
    page.get_by_role("link", name=str(REQUIRED_THEMES[0].label), exact=True).click()
    expect(page.get_by_role("heading", name="Cite pages of a document")).to_be_visible()
    audit("statement page, with the citation form")
    back_to_task_list(page)

    open_check_page(page)
    assert counts == [11, 4, 3, 2, 1, 0]
    expect(page.get_by_text("Nothing required is missing.")).to_be_visible()
    audit("check page, nothing missing")
    page.get_by_role("button", name="Submit the dossier").click()

    expect(page).to_have_url(f"{base}/reviews/{review.pk}/dossier/submitted/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier submitted")
    shown = page.locator(".reference").inner_text()
    assert f"{cast.session.starts_on:%Y-%m}" in shown
    assert "/NZ/" in shown
    assert shown == reference(review)
    audit("acknowledgement")

    back_to_task_list(page)
    expect(
        page.get_by_text(re.compile(r"Submitted on .*It can no longer be changed\."))
    ).to_be_visible()
    expect(page.locator(".facts .state")).to_have_text("Submitted")
    expect(page.locator("#complaints form")).to_have_count(0)
    audit("task list, submitted")

    review.refresh_from_db()
    assert review.state == ReviewState.SUBMITTED
    assert audit.found == {}, f"axe problems on {len(audit.found)} of {len(audit.checked)} pages"


def test_the_dossier_pages_in_arabic_read_right_to_left(live_server, page):
    cast = Cast()
    review, person = cast.review, cast.focal_point
    # A dossier under way, so that each page shows what it holds.
    set_handles_complaints(review=review, value=False, by=person)
    save_answer(
        review=review,
        theme=Theme.ESTABLISHMENT,
        text="أنشئت المؤسسة بموجب القانون رقم 12 لسنة 2007.",
        by=person,
    )
    stream, size = files.upload(files.pdf(3))
    upload_document(
        review=review,
        slot=DocumentSlot.FOUNDING_LAW,
        file=stream,
        name="القانون.pdf",
        size=size,
        language="ar",
        by=person,
    )
    audit = Audit(page)
    base = live_server.url
    sign_in(page, base, person.username)
    page.get_by_label("Language").select_option("ar")
    page.locator("form.language-switcher button").click()
    expect(page.locator("html")).to_have_attribute("lang", "ar")

    dossier = f"{base}/reviews/{review.pk}/dossier/"
    pages = {
        "task-list": dossier,
        "statement": f"{dossier}statement/{Theme.ESTABLISHMENT.value}/",
        "documents": f"{dossier}documents/{DocumentSlot.FOUNDING_LAW.value}/",
        "check": f"{dossier}check/",
    }
    for name, url in pages.items():
        page.goto(url)
        html = page.locator("html")
        expect(html).to_have_attribute("dir", "rtl")
        expect(html).to_have_attribute("lang", "ar")
        assert page.locator("main").evaluate("e => getComputedStyle(e).direction") == "rtl"
        audit(f"{name} (ar)")
        shot(page, f"dossier-{name}-ar")
    # Still the Arabic interface, not the English one.
    expect(page.get_by_role("heading", level=1)).not_to_have_text(re.compile("[A-Za-z]"))
    # Five themes and three documents are still missing.
    assert page.locator("ul.missing > li").count() == 8
    assert audit.found == {}


@pytest.mark.parametrize("server", ["fast", "slow"])
def test_a_double_click_on_submit_submits_once(live_server, page, monkeypatch, server):
    """Fast: Chromium's own double click, which it sends as a single post when the
    server answers at once. Slow: the server takes its time, so the second click posts
    again while the first post is being handled; both read the dossier before either
    submits it."""
    cast = Cast()
    review = cast.review
    complete(review, cast.focal_point)
    received: list[int] = []
    if server == "slow":
        real = dossier_views.submit_dossier

        def slow_submit(**kwargs: Any) -> Any:
            received.append(kwargs["review"].pk)
            time.sleep(0.6)
            return real(**kwargs)

        monkeypatch.setattr(dossier_views, "submit_dossier", slow_submit)
    sent: list[str] = []
    page.on("request", lambda r: sent.append(r.url) if r.method == "POST" else None)

    sign_in(page, live_server.url, cast.focal_point.username)
    page.goto(f"{live_server.url}/reviews/{review.pk}/dossier/check/")
    sent.clear()
    button = page.get_by_role("button", name="Submit the dossier")
    if server == "fast":
        button.dblclick()
    else:
        # Two clicks 0.25 s apart, without waiting for anything in between: the first
        # post is on its way, and the server still busy with it, when the second leaves.
        button.evaluate("b => { b.click(); setTimeout(() => b.click(), 250); }")

    expect(page).to_have_url(f"{live_server.url}/reviews/{review.pk}/dossier/submitted/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Dossier submitted")
    expect(page.locator(".reference")).to_have_text(reference(review))
    submit_posts = [url for url in sent if url.endswith("/submit/")]
    if server == "slow":
        assert len(submit_posts) == 2
        assert received == [review.pk, review.pk]
    else:
        assert len(submit_posts) >= 1
    submitted = ReviewEvent.objects.filter(review=review, to_state=ReviewState.SUBMITTED)
    assert submitted.count() == 1
