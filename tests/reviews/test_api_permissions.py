"""Every endpoint of the procedure answers the whole cast as the page it stands for:
404 to those who may not know the thing exists, 403 to those who may only look, and no
anonymous access at all."""

import datetime as dt

import pytest
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import BureauMeeting, BureauVote, RecommendationDraft
from reviews.services.bureau import bureau_window
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

NOTIFIED_ON = dt.date(2030, 3, 20)
ANONYMOUS = (401, 403)  # 401 when the first authentication asks for a token
SECRETARIAT_ONLY = {"secretariat": 200}
EVERYONE_WHO_SEES_IT = {"secretariat": 200, "focal_point": 200, "sca_member": 200}


def call(user, method, url, data=None, on=None):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on or dt.date(2030, 3, 12)):
        return getattr(client, method)(f"/api/v1/{url}", data, format="json")


def expect(cast, method, url, allowed, data=None, on=None, others=404):
    """Each member's status: ``allowed`` names those not refused with ``others``."""
    for member, user in cast.members().items():
        response = call(user, method, url, data, on)
        assert "detail" in response.json() or response.status_code < 400, (member, response)
        if user is None:
            assert response.status_code in ANONYMOUS, response.json()
        else:
            assert response.status_code == allowed.get(member, others), (member, response.json())


def in_bureau(cast):
    review = procedure.notified(cast.review, on=NOTIFIED_ON)
    opens, _closes = bureau_window(review)
    process_deadlines(as_of=opens.due_on + dt.timedelta(days=1))
    review.refresh_from_db()
    assert review.state == ReviewState.BUREAU
    return review, opens.due_on + dt.timedelta(days=1)


@pytest.mark.parametrize("url", ["sessions/", "sessions/{session}/", "sessions/{session}/agenda/"])
def test_sessions_are_the_secretariats_alone(cast, url):
    expect(cast, "get", url.format(session=cast.session.pk), SECRETARIAT_ONLY)


def test_the_review_list_holds_what_each_member_may_see(cast):
    for member, user in cast.members().items():
        response = call(user, "get", "reviews/")
        if user is None:
            assert response.status_code in ANONYMOUS
            continue
        ids = [row["id"] for row in response.json()["results"]]
        assert ids == ([cast.review.pk] if member in EVERYONE_WHO_SEES_IT else []), member


def test_a_case_is_shown_to_whom_its_page_is(cast):
    expect(cast, "get", f"reviews/{cast.review.pk}/", EVERYONE_WHO_SEES_IT)
    expect(cast, "get", f"reviews/{cast.review.pk}/status/", EVERYONE_WHO_SEES_IT)


def test_a_case_is_moved_by_the_secretariat_the_others_who_see_it_only_look(cast):
    procedure.advance(cast.review, ReviewState.READY)
    url = f"reviews/{cast.review.pk}/transitions/"
    allowed = {"secretariat": 201, "focal_point": 403, "sca_member": 403}
    # The secretariat moves it last: the cast is asked in order, secretariat first.
    members = cast.members()
    for member in ["focal_point", "sca_member", "recused_sca_member", "other_focal_point"]:
        response = call(members[member], "post", url, {"to": "at-session"})
        assert response.status_code == allowed.get(member, 404), member
    assert call(None, "post", url, {"to": "at-session"}).status_code in ANONYMOUS
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.READY
    assert call(cast.secretariat, "post", url, {"to": "at-session"}).status_code == 201


def test_the_draft_is_the_secretariats_and_the_sitting_scas(cast):
    procedure.advance(cast.review, ReviewState.AT_SESSION)
    url = f"reviews/{cast.review.pk}/recommendation/"
    allowed = {"secretariat": 200, "sca_member": 200}
    expect(cast, "get", url, allowed)
    expect(cast, "put", url, allowed, {"outcome": "accredit-a", "summary": "Compliant."})
    assert RecommendationDraft.objects.get().summary == "Compliant."
    paragraph = {"kind": "commendation", "notes": "its work"}
    expect(cast, "post", url + "paragraphs/", {"secretariat": 201, "sca_member": 201}, paragraph)


def test_only_the_chair_or_the_secretariat_adopts(cast):
    url = f"sessions/{cast.session.pk}/adopt/"
    members = cast.members()
    for member in ["sca_member", "recused_sca_member", "bureau_member", "focal_point", "observer"]:
        response = call(members[member], "post", url, {"confirm": True}, on=dt.date(2030, 3, 15))
        assert response.status_code == 404, member
    response = call(cast.secretariat, "post", url, {"confirm": True}, on=dt.date(2030, 3, 15))
    assert response.status_code == 400  # nothing drafted: the service says so
    assert response.json()["detail"]


def test_the_bureau_queue_and_file_are_the_bureaus_and_the_secretariats(cast):
    review, day = in_bureau(cast)
    allowed = {"secretariat": 200, "bureau_member": 200}
    expect(cast, "get", "bureau/", allowed, on=day)
    expect(cast, "get", f"reviews/{review.pk}/bureau/", allowed, on=day)
    expect(cast, "get", "bureau/meetings/", allowed, on=day)


def test_only_a_bureau_member_with_a_seat_votes(cast):
    review, day = in_bureau(cast)
    vote = {"vote": "approve"}
    expect(cast, "post", f"reviews/{review.pk}/bureau/vote/", {"secretariat": 403,
           "bureau_member": 200}, vote, on=day)  # fmt: skip
    assert [v.cast_by for v in BureauVote.objects.all()] == [cast.bureau_member]


def test_a_bureau_member_never_finds_their_own_institutions_case(cast):
    review, day = in_bureau(cast)
    member = UserFactory(username="bureau-home")
    procedure.bureau_seat(cast.home, person=member)
    assert call(member, "get", "bureau/", on=day).json()["results"] == []
    assert call(member, "get", f"reviews/{review.pk}/bureau/", on=day).status_code == 404
    own = call(member, "post", f"reviews/{review.pk}/bureau/vote/", {"vote": "object",
               "reasons": "Ours."}, on=day)  # fmt: skip
    assert own.status_code == 404
    assert not BureauVote.objects.exists()


def test_meetings_are_scheduled_and_decided_by_the_secretariat_alone(cast):
    review = procedure.refer(procedure.notified(cast.review, on=NOTIFIED_ON))
    day = dt.date(2030, 6, 12)
    data = {"held_on": "2030-06-10", "reference": "Bureau 2030/2", "place": "Geneva"}
    members = cast.members()
    for member in ["sca_member", "recused_sca_member", "focal_point", "observer"]:
        assert call(members[member], "post", "bureau/meetings/", data, on=day).status_code == 404
    assert call(cast.bureau_member, "post", "bureau/meetings/", data, on=day).status_code == 403
    assert not BureauMeeting.objects.exists()
    created = call(cast.secretariat, "post", "bureau/meetings/", data, on=day)
    assert created.status_code == 201
    url = f"bureau/meetings/{created.json()['id']}/decisions/"
    decide = {"review": review.pk, "choice": "adopt"}
    for member in ["sca_member", "focal_point", "observer"]:
        assert call(members[member], "post", url, decide, on=day).status_code == 404
    assert call(cast.bureau_member, "post", url, decide, on=day).status_code == 403
    assert call(cast.secretariat, "post", url, decide, on=day).status_code == 201


def test_the_sweep_is_the_secretariats_alone(cast):
    expect(cast, "post", "sweep/", SECRETARIAT_ONLY, {"as_of": "2030-03-12"})


def test_a_paragraph_is_rewritten_and_removed_by_the_drafters_alone(cast):
    procedure.advance(cast.review, ReviewState.AT_SESSION)
    url = f"reviews/{cast.review.pk}/recommendation/paragraphs/"
    added = call(cast.sca_member, "post", url, {"kind": "commendation", "notes": "its work"})
    paragraph = added.json()["paragraphs"][0]["id"]
    rewrite = {"kind": "commendation", "notes": "its reports"}
    allowed = {"secretariat": 200, "sca_member": 200}
    expect(cast, "put", f"{url}{paragraph}/", allowed, rewrite)
    draft = call(cast.secretariat, "get", f"reviews/{cast.review.pk}/recommendation/").json()
    assert [p["notes"] for p in draft["paragraphs"]] == ["its reports"]
    bad = call(cast.secretariat, "put", f"{url}{paragraph}/", {"kind": "praise"})
    assert bad.status_code == 400 and list(bad.json()) == ["kind"]
    members = cast.members()
    for member in ["focal_point", "recused_sca_member", "bureau_member", "observer"]:
        assert call(members[member], "delete", f"{url}{paragraph}/").status_code == 404
    removed = call(cast.secretariat, "delete", f"{url}{paragraph}/")
    assert (removed.status_code, removed.json()["paragraphs"]) == (200, [])
    assert call(cast.secretariat, "delete", f"{url}{paragraph}/").status_code == 404
