"""After the session, in a real browser: the institution challenges the recommendation
it was notified of; a Bureau member reads the file with the challenge and objects; the
window closes and the secretariat releases the decision letters of the session.
axe-core checks each page on the way."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.core import mail
from playwright.sync_api import Page, expect

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from reviews.enums import Outcome, ReviewState, Vote
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services.bureau import bureau_window
from reviews.services.outbox import release_letter
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.e2e.test_journeys import shot
from tests.e2e.test_workspace_journey import as_user, check
from tests.factories import InstitutionFactory, UserFactory, region
from tests.files import pdf

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]

NOTIFIED = dt.date(2030, 3, 20)


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime(day.year, day.month, day.day, hour, 0, tzinfo=dt.UTC)


def test_a_challenge_an_objection_and_the_decision_letters(live_server, page: Page, tmp_path):
    base = live_server.url
    seen: dict[str, list[str]] = {}
    with time_machine.travel(at(dt.date(2030, 3, 1)), tick=True) as traveller:
        secretariat = procedure.secretariat()
        home = InstitutionFactory(
            name="Home Commission", acronym="HOME", country="NZ", region=region("asia-pacific")
        )
        record_prior_status(
            institution=home, grade=Grade.A, held_on=dt.date(2025, 1, 1), note="", by=None
        )
        focal_point = procedure.focal_point(home, "focal")
        member = UserFactory(username="bureau", email="bureau@example.org")
        procedure.bureau_seat(
            InstitutionFactory(name="Kenya Commission", region=region(RegionCode.AFRICA)),
            person=member,
        )
        session = procedure.session()
        review = procedure.recommend(
            procedure.open_review(home, session), Outcome.ACCREDIT_B, by=secretariat
        )
        traveller.move_to(at(NOTIFIED))
        release_letter(review=review, kind=MailKind.RECOMMENDATION, by=secretariat)

        # Day 27 of the window: the focal point finds the recommendation on its home page
        # and challenges it with a document.
        traveller.move_to(at(NOTIFIED + dt.timedelta(days=27)))
        as_user(page, base, focal_point.username)
        page.get_by_role("link", name=re.compile("Read the recommendation")).first.click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Recommendation and challenge")
        check(page, seen, "challenge")
        page.get_by_label("Why the institution challenges the recommendation").fill(
            "The SCA did not consider the new law on appointments."
        )
        law = tmp_path / "new-law.pdf"
        law.write_bytes(pdf())
        page.get_by_label("Documents (optional)").set_input_files(str(law))
        page.get_by_role("button", name="Lodge the challenge").click()
        expect(page.get_by_text("Your challenge is lodged")).to_be_visible()
        expect(page.get_by_role("link", name="new-law.pdf")).to_be_visible()
        review.refresh_from_db()
        assert review.challenge.attachments.count() == 1

        # The window closes; the next day the case is before the Bureau.
        closes = review.deadlines.get(rule_key="challenge-window").due_on
        process_deadlines(as_of=closes + dt.timedelta(days=1))
        traveller.move_to(at(closes + dt.timedelta(days=2)))
        as_user(page, base, member.username)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Bureau").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        check(page, seen, "bureau-list")
        page.get_by_role("link", name=re.compile("Home Commission")).first.click()
        expect(page.get_by_text("The SCA did not consider the new law")).to_be_visible()
        check(page, seen, "bureau-case")
        page.get_by_label("Object to the recommendation").check()
        page.get_by_label("Your reasons").fill("The challenge raises a law the SCA did not read.")
        page.get_by_role("button", name="Record my vote").click()
        expect(page.get_by_text("Your vote for the seat of")).to_be_visible()
        vote = review.recommendation.votes.get()
        assert vote.vote == Vote.OBJECT
        shot(page, "bureau-objection")

        # One objection does not refer: the day after the window, the rules adopt it.
        window_closes = bureau_window(review)[1].due_on
        process_deadlines(as_of=window_closes + dt.timedelta(days=1))
        review.refresh_from_db()
        assert review.state == ReviewState.DECIDED
        letter = OutgoingMessage.objects.get(review=review, kind=MailKind.DECISION)
        assert letter.state == MessageState.DRAFT

        # The secretariat releases the session's decision letters from the outbox.
        traveller.move_to(at(window_closes + dt.timedelta(days=3)))
        mail.outbox.clear()
        as_user(page, base, secretariat.username)
        page.get_by_role("navigation", name="Main").get_by_role("link", name="Outbox").click()
        check(page, seen, "outbox")
        page.get_by_role("link", name=re.compile("Release every letter of")).first.click()
        check(page, seen, "release-session")
        page.get_by_role("button", name=re.compile(r"Release \d+ letter")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
        letter.refresh_from_db()
        assert letter.state == MessageState.SENT
        decision_mails = [m for m in mail.outbox if focal_point.email in m.to]
        assert len(decision_mails) == 1
        assert "2031" in decision_mails[0].body  # the downgrade takes effect a year later
        shot(page, "outbox-released")
    assert {name: found for name, found in seen.items() if found} == {}
