"""The Bureau procedure of test_bureau_procedure, from the draft to the status in force,
driven through the API only: every step an HTTP call as the user who takes it, the
deadline sweep run day by day through its endpoint. Only the cast, the seats and the
prior status are set up with the test helpers."""

import datetime as dt

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from rest_framework.test import APIClient

from accreditation.enums import Grade
from accreditation.services import record_prior_status
from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import ReviewState
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region
from tests.files import pdf

pytestmark = pytest.mark.django_db

LAST_DAY = dt.date(2030, 3, 15)  # of the session (procedure.session starts 11 March 2030)
NOTIFIED = dt.date(2030, 3, 20)
DAY = dt.timedelta(days=1)


def api(user, method, url, on, data=None, **extra):
    client = APIClient()
    client.force_authenticate(user)
    with clock.as_of(on):
        response = getattr(client, method)(f"/api/v1/{url}", data, **extra)
    return response


def ok(response, status=200):
    assert response.status_code == status, response.content
    return response.json()


def state_on(user, review, day):
    return ok(api(user, "get", f"reviews/{review.pk}/", day))["state"]


def sweep_until(secretariat, review, first, last):
    """The sweep every day from ``first`` to ``last``; the state after each day."""
    states = {}
    day = first
    while day <= last:
        report = ok(api(secretariat, "post", "sweep/", day, {"as_of": day.isoformat()}))
        assert report["as_of"] == day.isoformat()
        states[day] = state_on(secretariat, review, day)
        day += DAY
    return states


def bureau_member(code, name):
    person = UserFactory(username=name, email=f"{name}@example.org")
    procedure.bureau_seat(InstitutionFactory(region=region(code)), person=person)
    return person


def test_drafted_adopted_notified_challenged_referred_decided_and_downgraded_through_the_api(
    cast, django_capture_on_commit_callbacks
):
    review, secretariat, focal = cast.review, cast.secretariat, cast.focal_point
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2025, 1, 1), note="", by=None
    )
    procedure.advance(review, ReviewState.READY)
    case = f"reviews/{review.pk}/"

    # The secretariat drafts the downgrade and adopts the session on its last day.
    draft = {
        "outcome": "accredit-b",
        "summary": "The SCA recommends that the institution be downgraded to B status.",
    }
    saved = ok(api(secretariat, "put", case + "recommendation/", LAST_DAY, draft, format="json"))
    assert (saved["outcome"], saved["paragraphs"]) == ("accredit-b", [])
    paragraph = {
        "kind": "issue",
        "notes": "that the members are appointed by the executive alone",
        "standard": "The selection must be clear, transparent and participatory.",
        "verb": "urges",
        "request": "the institution to advocate a new selection process",
        "principles": ["B.1"],
        "observations": ["1.8"],
    }
    added = api(secretariat, "post", case + "recommendation/paragraphs/", LAST_DAY, paragraph,
                format="json")  # fmt: skip
    assert [p["principles"] for p in ok(added, 201)["paragraphs"]] == [["B.1"]]
    adopted = api(secretariat, "post", f"sessions/{cast.session.pk}/adopt/", LAST_DAY,
                  {"confirm": True}, format="json")  # fmt: skip
    assert ok(adopted) == {"adopted": [review.pk]}
    assert state_on(focal, review, LAST_DAY) == ReviewState.RECOMMENDED

    # Notified on 20 March through the case's transition: the letter goes out, the
    # window runs from that day.
    with django_capture_on_commit_callbacks(execute=True):
        moved = api(secretariat, "post", case + "transitions/", NOTIFIED, {"to": "notified"},
                    format="json")  # fmt: skip
    body = ok(moved, 201)
    assert body["state"] == ReviewState.NOTIFIED
    closes = dt.date.fromisoformat(
        next(d["due_on"] for d in body["deadlines"] if d["rule_key"] == "challenge-window")
    )
    assert closes == NOTIFIED + 28 * DAY
    sent = [m for m in mail.outbox if focal.email in m.to]
    assert len(sent) == 1 and "17 April 2030" in sent[0].body

    # Day by day to day 27: nothing moves; the focal point challenges with a document.
    day_27 = NOTIFIED + 27 * DAY
    states = sweep_until(secretariat, review, NOTIFIED, day_27)
    assert set(states.values()) == {ReviewState.NOTIFIED}
    lodged = api(focal, "post", case + "challenge/", day_27,
                 {"reasons": "The SCA did not consider the new law on appointments.",
                  "documents": [SimpleUploadedFile("new-law.pdf", pdf())]},
                 format="multipart")  # fmt: skip
    assert ok(lodged, 201)["challenge"]["lodged_on"] == day_27.isoformat()
    assert [d["name"] for d in lodged.json()["challenge"]["documents"]] == ["new-law.pdf"]

    # The window's last day is the institution's; the day after, the Bureau's.
    objectors = [
        bureau_member(RegionCode.AFRICA, "bureau-af-1"),
        bureau_member(RegionCode.AFRICA, "bureau-af-2"),
        bureau_member(RegionCode.EUROPE, "bureau-eu-1"),
        bureau_member(RegionCode.EUROPE, "bureau-eu-2"),
    ]
    states = sweep_until(secretariat, review, day_27 + DAY, closes + DAY)
    assert states[closes] == ReviewState.NOTIFIED
    assert states[closes + DAY] == ReviewState.BUREAU

    # Each member finds the case in their queue and objects; the secretariat's tally.
    vote_day = closes + 2 * DAY
    for person in objectors:
        queue = ok(api(person, "get", "bureau/", vote_day))["results"]
        assert [(row["id"], row["challenged"], row["my_vote"]) for row in queue] == [
            (review.pk, True, None)
        ]
        voted = api(person, "post", case + "bureau/vote/", vote_day,
                    {"vote": "object", "reasons": "The challenge deserves a meeting."},
                    format="json")  # fmt: skip
        assert ok(voted)["vote"]["vote"] == "object"
    bureau_case = ok(api(secretariat, "get", case + "bureau/", vote_day))
    assert bureau_case["tally"]["objectors"] == 4
    assert bureau_case["tally"]["refers"] is True
    window_closes = dt.date.fromisoformat(bureau_case["window_closes_on"])

    states = sweep_until(secretariat, review, vote_day, window_closes + DAY)
    assert states[window_closes] == ReviewState.BUREAU
    assert states[window_closes + DAY] == ReviewState.REFERRED
    status = ok(api(focal, "get", case + f"status/?as_of={window_closes + DAY}", window_closes))
    assert (status["grade"], status["decision"]) == (Grade.A, None)

    # The Bureau meets on 10 June; the secretariat records its decision two days later.
    meeting_day = dt.date(2030, 6, 10)
    scheduled = api(secretariat, "post", "bureau/meetings/", dt.date(2030, 5, 20),
                    {"held_on": meeting_day.isoformat(), "reference": "Bureau 2030/2",
                     "place": "Geneva"}, format="json")  # fmt: skip
    meeting = ok(scheduled, 201)["id"]
    decide = f"bureau/meetings/{meeting}/decisions/"
    adopt = {"review": review.pk, "choice": "adopt"}
    early = api(secretariat, "post", decide, meeting_day - DAY, adopt, format="json")
    assert early.status_code == 400 and early.json()["detail"]
    decided = ok(api(secretariat, "post", decide, meeting_day + 2 * DAY, adopt, format="json"), 201)
    assert (decided["route"], decided["decided_on"], decided["item"]) == (
        "bureau-meeting",
        meeting_day.isoformat(),
        1,
    )
    assert state_on(focal, review, meeting_day + 2 * DAY) == ReviewState.DECIDED

    # The status keeps A until the day before it takes effect; B from that day exactly.
    effective = dt.date(2031, 6, 10)
    for day, grade in [
        (NOTIFIED, Grade.A),
        (meeting_day, Grade.A),
        (effective - DAY, Grade.A),
        (effective, Grade.B),
    ]:
        status = ok(api(focal, "get", case + f"status/?as_of={day}", effective))
        assert status["grade"] == grade, day
        assert status["effective_on"] == effective.isoformat()
    assert ok(api(secretariat, "post", "sweep/", effective - DAY, {"as_of": str(effective - DAY)}))
    report = ok(api(secretariat, "post", "sweep/", effective, {"as_of": effective.isoformat()}))
    assert any("in effect since 2031-06-10" in line for line in report["actions"])
