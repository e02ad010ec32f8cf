"""The secretariat and the SCA at work, in a real browser: the secretariat plans a
session, seats its members and puts a case on its agenda, screens the dossier and
shares a summary of issues; the institution answers; an SCA member drafts the
recommendation citing General Observation 1.8 and finds a precedent; the chair adopts
at the session and the case moves on. axe-core checks each page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from playwright.sync_api import Page, expect

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from reviews.enums import Outcome, ReviewState
from reviews.models import Review, Session
from reviews.services.outcomes import Paragraph
from tests import procedure
from tests.dossier import complete, submit
from tests.e2e.test_accessibility import problems
from tests.e2e.test_journeys import shot, sign_in
from tests.factories import InstitutionFactory, UserFactory, region
from tests.reviews.test_precedent import decided, earlier_session

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

PLANNING_DAY = dt.datetime(2030, 1, 10, 9, 0, tzinfo=dt.UTC)
LAST_DAY_OF_SESSION = dt.datetime(2030, 3, 15, 16, 0, tzinfo=dt.UTC)


def sca_seat(institution, username: str, role: SeatRole):
    person = UserFactory(username=username, first_name=username.title())
    seat = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=role,
        starts_on=dt.date(2028, 1, 1),
        by=None,
    )
    add_seat_person(seat=seat, user=person, by=None)
    return seat, person


def as_user(page: Page, base: str, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, base, username)


def check(page: Page, seen: dict[str, list[str]], name: str) -> None:
    seen[name] = problems(page)


def test_from_planning_a_session_to_adopting_its_recommendations(live_server, page):
    base = live_server.url
    seen: dict[str, list[str]] = {}
    with time_machine.travel(PLANNING_DAY, tick=True) as traveller:
        secretariat = procedure.secretariat()
        home = InstitutionFactory(
            name="Home Commission", acronym="HOME", country="NZ", region=region("asia-pacific")
        )
        focal_point = procedure.focal_point(home, "focal")
        member_seat, member = sca_seat(
            InstitutionFactory(name="Kenya Commission", region=region(RegionCode.AFRICA)),
            "member",
            SeatRole.MEMBER,
        )
        chair_seat, chair = sca_seat(
            InstitutionFactory(name="Danish Institute", region=region(RegionCode.EUROPE)),
            "chair",
            SeatRole.CHAIR,
        )
        precedent = InstitutionFactory(name="Earlier Commission", region=region("americas"))
        decided(
            precedent,
            earlier_session(2029),
            [Paragraph("The selection process is not transparent.", observations=("1.8",))],
        )

        # The secretariat plans the session.
        as_user(page, base, secretariat.username)
        page.goto(f"{base}/sessions/new/")
        page.get_by_label("Number (optional)", exact=True).fill("90")
        page.get_by_label("Name", exact=True).fill("SCA session of March 2030")
        page.get_by_label("First day", exact=True).fill("2030-03-11")
        page.get_by_label("Last day", exact=True).fill("2030-03-15")
        page.get_by_label("Place (optional)", exact=True).fill("Geneva")
        page.get_by_role("button", name="Plan the session").click()
        expect(page.get_by_role("heading", level=1)).to_contain_text("SCA session of March 2030")
        session = Session.objects.get(number=90)

        # It seats the region's member and the chair.
        for seat in (member_seat, chair_seat):
            page.get_by_label("SCA seat", exact=True).select_option(str(seat.pk))
            page.get_by_role("button", name="Seat", exact=True).click()
        expect(page.get_by_text("Danish Institute").first).to_be_visible()
        assert set(session.seats.all()) == {member_seat, chair_seat}
        check(page, seen, "session")

        # It puts the Home Commission's re-accreditation on the agenda.
        page.goto(f"{base}/reviews/invite/")
        page.get_by_label("Institution", exact=True).select_option(str(home.pk))
        page.get_by_label("Session", exact=True).select_option(str(session.pk))
        page.get_by_label("Re-accreditation", exact=True).check()
        page.get_by_role("button", name="Invite the institution").click()
        review = Review.objects.get(institution=home, session=session)
        page.goto(f"{base}/sessions/{session.pk}/")
        expect(page.get_by_role("link", name=re.compile("Home Commission")).first).to_be_visible()

        # The institution sends its dossier (its own journey is another test).
        complete(review, focal_point)
        submit(review, focal_point)

        # The secretariat screens it and finds it complete.
        page.goto(f"{base}/reviews/{review.pk}/screening/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Screening of the dossier")
        check(page, seen, "screening")
        page.get_by_role("button", name="Mark complete").click()
        review.refresh_from_db()
        assert review.state == ReviewState.SCREENING

        # It drafts a summary of issues citing GO 1.8 and shares it.
        page.goto(f"{base}/reviews/{review.pk}/summary/")
        page.get_by_label("Facts", exact=True).fill(
            "The members are appointed by the executive alone."
        )
        page.get_by_label("Concern", exact=True).fill(
            "The selection process is not broad or transparent."
        )
        page.get_by_label("General Observations (2018)", exact=True).select_option("1.8")
        page.get_by_role("button", name="Add the issue").click()
        expect(page.get_by_role("heading", name="Issue 1")).to_be_visible()
        check(page, seen, "summary-drafting")
        page.get_by_role("button", name="Share the summary").click()
        review.refresh_from_db()
        assert review.state == ReviewState.SUMMARY_SHARED

        # The institution answers in writing and sends its answers.
        as_user(page, base, focal_point.username)
        page.goto(f"{base}/reviews/{review.pk}/summary/")
        expect(
            page.get_by_text("The members are appointed by the executive alone.")
        ).to_be_visible()
        page.get_by_label("Your answer", exact=True).fill(
            "A bill for an open selection process is before parliament."
        )
        page.get_by_role("button", name="Save the answer to issue 1").click()
        check(page, seen, "summary-answering")
        page.get_by_role("button", name="Send the answers").click()
        assert review.summary.issues.get().answer.text.startswith("A bill")
        review.summary.refresh_from_db()
        assert review.summary.answers_sent_at is not None

        # The secretariat marks the case ready for the session.
        as_user(page, base, secretariat.username)
        page.goto(f"{base}/reviews/{review.pk}/")
        page.get_by_role("button", name="Mark ready for the session").click()
        review.refresh_from_db()
        assert review.state == ReviewState.READY

        # At the session, the member reads the answers in the room and drafts.
        traveller.move_to(LAST_DAY_OF_SESSION)
        as_user(page, base, member.username)
        page.goto(f"{base}/sessions/{session.pk}/room/")
        expect(page.get_by_role("link", name=re.compile("Home Commission")).first).to_be_visible()
        check(page, seen, "room")
        page.goto(f"{base}/reviews/{review.pk}/summary/")
        expect(page.get_by_text("A bill for an open selection process")).to_be_visible()
        page.goto(f"{base}/reviews/{review.pk}/recommendation/")
        page.get_by_role("combobox", name="Outcome").select_option(Outcome.ACCREDIT_A.value)
        page.get_by_role("button", name="Save the outcome").click()
        page.get_by_label("The SCA notes", exact=True).fill(
            "that the members are appointed by the executive."
        )
        page.get_by_label("The standard that applies", exact=True).fill(
            "The selection process should be clear, transparent and participatory."
        )
        page.get_by_label("The SCA", exact=True).select_option("recommends")
        page.get_by_label("What it asks", exact=True).fill(
            "that the institution advocate a new process."
        )
        page.get_by_label("General Observations cited (2018)", exact=True).select_option("1.8")
        page.get_by_role("button", name="Add the paragraph").click()
        precedent_panel = page.locator("#precedent-heading").locator("xpath=..")
        expect(precedent_panel.get_by_text("Earlier Commission").first).to_be_visible()
        check(page, seen, "drafting")
        shot(page, "workspace-drafting")

        # The chair adopts; the case moves on.
        as_user(page, base, chair.username)
        page.goto(f"{base}/sessions/{session.pk}/adopt/")
        check(page, seen, "adoption")
        page.get_by_label(
            "The SCA agreed these recommendations at the session.", exact=True
        ).check()
        page.get_by_role("button", name="Adopt the recommendations").click()
        review.refresh_from_db()
        assert review.state == ReviewState.RECOMMENDED
        assert review.recommendation.outcome == Outcome.ACCREDIT_A
        paragraph = review.recommendation.paragraphs.get()
        assert [o.number for o in paragraph.observations.all()] == ["1.8"]
        shot(page, "workspace-adopted")

    assert {name: found for name, found in seen.items() if found} == {}
