"""The review packets in a real browser: the secretariat makes the packets of a session
from the session page, follows the list, makes its full packet, watches its progress
page until the download appears and downloads the PDF, whose pages name it. An SCA
member sitting makes their own from the session room. axe-core checks each page."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import time_machine
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from reviews.models import DocumentKind, GeneratedDocument, JobState
from tests import procedure
from tests.e2e.test_journeys import shot
from tests.e2e.test_workspace_journey import as_user, check
from tests.procedure import Cast
from tests.reviews.test_packets import marked_pdf, put

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

DAY = dt.datetime(2030, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_secretariat_makes_watches_and_downloads_a_packet(live_server, page: Page):
    base = live_server.url
    seen: dict[str, list[str]] = {}
    with time_machine.travel(DAY, tick=True):
        cast = Cast()
        cast.secretariat.first_name, cast.secretariat.last_name = "Sara", "Secretariat"
        cast.secretariat.save()
        other = procedure.open_review(cast.other, cast.session)
        put(cast.review, cast.secretariat, "Founding law", "law.pdf", marked_pdf("HOMELAW", 2))
        put(other, cast.secretariat, "Budget", "budget.docx", b"PK\x03\x04", kind="docx")

        as_user(page, base, cast.secretariat.username)
        page.goto(f"{base}/sessions/{cast.session.pk}/")
        check(page, seen, "session")
        page.get_by_role("button", name="Make the review packets").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("Review packets")
        expect(page.get_by_text("2 packets are being made.")).to_be_visible()
        check(page, seen, "packets")

        page.get_by_role("button", name="Make the full packet").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Review packet")
        check(page, seen, "packet-progress")
        # The progress page polls until the download link appears.
        link = page.get_by_role("link", name=re.compile(r"packet-.*\.pdf"))
        expect(link).to_be_visible(timeout=60_000)
        expect(page.locator("#document-progress")).to_contain_text("Ready")
        shot(page, "packet-ready")
        with page.expect_download() as download_info:
            link.click()
        content = Path(download_info.value.path()).read_bytes()

    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert all("Sara Secretariat" in p.extract_text() for p in reader.pages)
    assert "HOMELAW page 2" in text and "Other Commission" in text
    words = " ".join(text.split())
    assert "budget.docx" in words and "Not included: not a PDF" in words
    full = GeneratedDocument.objects.get(kind=DocumentKind.PACKET, recipient=cast.secretariat)
    assert full.state == JobState.READY and len(reader.pages) == full.pages

    with time_machine.travel(DAY, tick=True):
        as_user(page, base, cast.sca_member.username)
        page.goto(f"{base}/sessions/{cast.session.pk}/room/")
        page.get_by_role("link", name="The review packets").click()
        check(page, seen, "packets-member")
        expect(page.get_by_role("button", name="Make my packet")).to_be_visible()
        expect(page.get_by_role("button", name="Make the review packets")).to_have_count(0)
    assert {name: found for name, found in seen.items() if found} == {}
