"""The Bureau procedure from adoption to the status in force, day by day, with the
deadline sweep run as the scheduler runs it (``process_deadlines --as-of``) and the
public status chart read as of each date."""

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from nhri_portal import clock
from nhri_portal.errors import DomainError
from reviews.enums import ActionVerb, DecisionRoute, Outcome, ReviewState, Vote
from reviews.models import MailKind, MessageState, OutgoingMessage
from reviews.services import adoption, drafts
from reviews.services.bureau import bureau_window, cast_vote
from reviews.services.challenges import lodge_challenge
from reviews.services.decisions import decide_at_bureau_meeting
from reviews.services.meetings import schedule_meeting
from reviews.services.outbox import release_letter
from reviews.services.outcomes import Paragraph
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region
from tests.files import pdf

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2030, 3, 15)  # of the session (procedure.session starts 11 March 2030)
NOTIFIED = dt.date(2030, 3, 20)
DAY = dt.timedelta(days=1)


def sweep(day: dt.date) -> str:
    out = io.StringIO()
    call_command("process_deadlines", as_of=day.isoformat(), stdout=out)
    return out.getvalue()


def grade_on_chart(client, institution, day: dt.date) -> str:
    """The grade the public chart (its CSV) gives ``institution`` as of ``day``."""
    response = client.get(reverse("accreditation:chart_csv"), {"as_of": day.isoformat()})
    assert response.status_code == 200
    rows = csv.DictReader(io.StringIO(response.content.decode()))
    return next(row["grade"] for row in rows if row["institution"] == institution.name)


def bureau_member(code: RegionCode, name: str):
    person = UserFactory(username=name, email=f"{name}@example.org")
    procedure.bureau_seat(InstitutionFactory(region=region(code)), person=person)
    return person


@pytest.fixture
def adopted(cast):
    """The Home Commission, A since 2025, recommended for a downgrade to B: adopted at
    the session's end, its letter still a draft."""
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2025, 1, 1), note="", by=None
    )
    review = procedure.advance(cast.review, ReviewState.READY)
    with clock.as_of(LAST_DAY):
        drafts.save_draft(
            review=review,
            outcome=Outcome.ACCREDIT_B,
            follow_up_session=None,
            summary="The SCA recommends that the institution be downgraded to B status.",
            by=cast.secretariat,
        )
        drafts.add_paragraph(
            review=review,
            content=Paragraph(
                notes="that the members are appointed by the executive alone",
                standard="The selection must be clear, transparent and participatory.",
                verb=ActionVerb.URGES,
                request="the institution to advocate a new selection process",
                principles=("B.1",),
                observations=("1.8",),
            ),
            by=cast.secretariat,
        )
        adoption.adopt_session(session=cast.session, by=cast.secretariat)
    review.refresh_from_db()
    return review


def test_adopted_notified_challenged_referred_decided_and_downgraded_a_year_later(
    cast, adopted, client, django_capture_on_commit_callbacks
):
    review, home, secretariat = adopted, cast.home, cast.secretariat
    assert review.state == ReviewState.RECOMMENDED
    # Adopted: the letter is a draft the secretariat reviews; the institution has no mail.
    letter = OutgoingMessage.objects.get(review=review, kind=MailKind.RECOMMENDATION)
    assert letter.state == MessageState.DRAFT
    assert not [m for m in mail.outbox if cast.focal_point.email in m.to]

    # Released on 20 March: that is the notification, and the window runs from it.
    with clock.as_of(NOTIFIED), django_capture_on_commit_callbacks(execute=True):
        release_letter(review=review, kind=MailKind.RECOMMENDATION, by=secretariat)
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED
    closes = review.deadlines.get(rule_key="challenge-window").due_on
    assert closes == NOTIFIED + 28 * DAY
    sent = [m for m in mail.outbox if cast.focal_point.email in m.to]
    assert len(sent) == 1
    assert "17 April 2030" in sent[0].body

    # Day 27 of the window: the sweep changes nothing; the institution challenges.
    day_27 = NOTIFIED + 27 * DAY
    sweep(day_27)
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED
    with clock.as_of(day_27):
        lodge_challenge(
            review=review,
            reasons="The SCA did not consider the new law on appointments.",
            files=[SimpleUploadedFile("new-law.pdf", pdf(), content_type="application/pdf")],
            by=cast.focal_point,
        )
    assert review.challenge.lodged_on == day_27
    assert review.challenge.attachments.count() == 1

    # The window's last day is still the institution's; the day after, the Bureau's.
    sweep(closes)
    review.refresh_from_db()
    assert review.state == ReviewState.NOTIFIED
    objectors = [
        bureau_member(RegionCode.AFRICA, "bureau-af-1"),
        bureau_member(RegionCode.AFRICA, "bureau-af-2"),
        bureau_member(RegionCode.EUROPE, "bureau-eu-1"),
        bureau_member(RegionCode.EUROPE, "bureau-eu-2"),
    ]
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        sweep(closes + DAY)
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    told = {address for message in mail.outbox for address in message.to}
    assert {person.email for person in objectors} <= told

    window_closes = bureau_window(review)[1].due_on
    with clock.as_of(closes + 2 * DAY):
        for person in objectors:
            cast_vote(
                review=review,
                seat=person.seats.get(),
                vote=Vote.OBJECT,
                reasons="The challenge deserves a meeting.",
                by=person,
            )
    sweep(window_closes)
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    sweep(window_closes + DAY)
    review.refresh_from_db()
    assert review.state == ReviewState.REFERRED
    assert grade_on_chart(client, home, window_closes + DAY) == Grade.A

    # The Bureau meets on 10 June; the secretariat records its decision two days later.
    meeting_day = dt.date(2030, 6, 10)
    with clock.as_of(dt.date(2030, 5, 20)):
        meeting = schedule_meeting(
            held_on=meeting_day, reference="Bureau 2030/2", place="Geneva", by=secretariat
        )
    with clock.as_of(meeting_day - DAY), pytest.raises(DomainError):
        decide_at_bureau_meeting(
            review=review,
            meeting=meeting,
            outcome=Outcome.ACCREDIT_B,
            reasons="Not yet held.",
            by=secretariat,
        )
    with clock.as_of(meeting_day + 2 * DAY):
        decision = decide_at_bureau_meeting(
            review=review,
            meeting=meeting,
            outcome=Outcome.ACCREDIT_B,
            reasons="The Bureau adopts the SCA's recommendation.",
            by=secretariat,
        )
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert decision.route == DecisionRoute.BUREAU_MEETING
    assert decision.decided_on == meeting_day
    assert decision.item == 1
    assert decision.status_record is not None
    effective = dt.date(2031, 6, 10)
    assert decision.status_record.effective_on == effective

    # The decision letter is a draft until released; it gives the date and the year's grace.
    letter = OutgoingMessage.objects.filter(review=review, kind=MailKind.DECISION).first()
    assert letter is not None and letter.state == MessageState.DRAFT
    with clock.as_of(meeting_day + 3 * DAY), django_capture_on_commit_callbacks(execute=True):
        release_letter(review=review, kind=MailKind.DECISION, by=secretariat)
    decision_mail = [m for m in mail.outbox if cast.focal_point.email in m.to][-1]
    assert "10 June 2031" in decision_mail.body

    # The chart keeps A until the day before; B from that day exactly.
    for day, grade in [
        (NOTIFIED, Grade.A),
        (meeting_day, Grade.A),
        (effective - DAY, Grade.A),
        (effective, Grade.B),
    ]:
        assert grade_on_chart(client, home, day) == grade, day
    sweep(effective - DAY)
    decision.refresh_from_db()
    assert decision.took_effect_on is None
    report = sweep(effective)
    decision.refresh_from_db()
    assert decision.took_effect_on == effective
    assert "in effect since 2031-06-10" in report


def test_no_challenge_and_three_objections_is_deemed_adopted_when_the_window_closes(
    cast, adopted, client
):
    review = adopted
    with clock.as_of(NOTIFIED):
        release_letter(review=review, kind=MailKind.RECOMMENDATION, by=cast.secretariat)
    review.refresh_from_db()
    closes = review.deadlines.get(rule_key="challenge-window").due_on
    sweep(closes + DAY)
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    window_closes = bureau_window(review)[1].due_on
    objectors = [
        bureau_member(RegionCode.AFRICA, "bureau-af-1"),
        bureau_member(RegionCode.EUROPE, "bureau-eu-1"),
        bureau_member(RegionCode.AMERICAS, "bureau-am-1"),
    ]
    with clock.as_of(window_closes):
        for person in objectors:
            cast_vote(
                review=review,
                seat=person.seats.get(),
                vote=Vote.OBJECT,
                reasons="Concern.",
                by=person,
            )
    sweep(window_closes)
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU  # not a day earlier
    assert not hasattr(review, "decision")
    sweep(window_closes + DAY)
    review.refresh_from_db()
    assert review.state == ReviewState.DECIDED
    assert review.decision.route == DecisionRoute.DEEMED_ADOPTED
    assert review.decision.decided_on == window_closes
    effective = review.decision.status_record.effective_on
    assert effective == window_closes.replace(year=window_closes.year + 1)
    assert grade_on_chart(client, cast.home, effective - DAY) == Grade.A
    assert grade_on_chart(client, cast.home, effective) == Grade.B


def test_a_deferral_offers_no_challenge_in_its_letter_on_its_page_or_through_the_api(
    cast, client, django_capture_on_commit_callbacks
):
    later = procedure.session(dt.date(2030, 10, 7), name="Session October 2030")
    review = procedure.advance(cast.review, ReviewState.READY)
    with clock.as_of(LAST_DAY):
        drafts.save_draft(
            review=review,
            outcome=Outcome.DEFER,
            follow_up_session=later,
            summary="The SCA defers the review to its October 2030 session.",
            by=cast.secretariat,
        )
        adoption.adopt_session(session=cast.session, by=cast.secretariat)
        letter = OutgoingMessage.objects.filter(review=review, kind=MailKind.DEFERRAL)
        assert letter.exists()
        with django_capture_on_commit_callbacks(execute=True):
            release_letter(review=review, kind=MailKind.DEFERRAL, by=cast.secretariat)
    body = next(m.body for m in mail.outbox if cast.focal_point.email in m.to)
    assert "cannot be challenged" in body
    assert "Session October 2030" in body
    assert reverse("reviews:challenge", args=[review.pk]) not in body

    client.force_login(cast.focal_point)
    with clock.as_of(LAST_DAY + DAY):
        page = client.get(reverse("reviews:challenge", args=[review.pk]))
        assert page.status_code == 200
        assert b"cannot be challenged" in page.content
        assert b'name="reasons"' not in page.content
        refused = client.post(
            reverse("reviews:challenge_lodge", args=[review.pk]), {"reasons": "We disagree."}
        )
        assert refused.status_code == 400
        api = client.get(f"/api/v1/reviews/{review.pk}/challenge/")
        assert api.status_code == 200
        assert api.json()["challengeable"] is False
        assert "cannot be challenged" in api.json()["reason"]
        posted = client.post(
            f"/api/v1/reviews/{review.pk}/challenge/",
            {"reasons": "We disagree."},
            content_type="application/json",
        )
        assert posted.status_code == 400
    assert not hasattr(review, "challenge")
