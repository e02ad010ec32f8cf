"""The case page: who finds it and what each reader is shown; the workflow steps it
offers; the discussion of the SCA and the secretariat."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_observer, add_seat_person, assign_seat
from nhri_portal import clock
from reviews.enums import ReviewKind, ReviewState
from reviews.models import CaseComment, Review
from reviews.services.discussion import post_comment
from reviews.services.sessions import seat_in_session
from reviews.services.sweep import process_deadlines
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, UserFactory, region
from tests.pages import text, visit

pytestmark = pytest.mark.django_db

MEMBERS = [
    "secretariat",
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
    "anonymous",
]
# Who may know the Home Commission's case before the Bureau has it.
SEES_THE_CASE = {"secretariat", "sca_member", "focal_point"}
DISCUSSES = {"secretariat", "sca_member"}
AFTER_THE_WALK = dt.date(2030, 3, 2)


def page(review):
    return reverse("reviews:case", args=[review.pk])


def move_url(review):
    return reverse("reviews:move", args=[review.pk])


def discuss_url(review):
    return reverse("reviews:discuss", args=[review.pk])


def link(name, review):
    return f'href="{reverse(f"reviews:{name}", args=[review.pk])}"'


def post_as(client, user, address, data, **extra):
    """POST as ``user`` on a day after the walk along the path (``procedure.advance``)."""
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(AFTER_THE_WALK):
        return client.post(address, data, **extra)


def assert_refused_outside(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Home Commission" not in text(response)


def at(cast, state):
    return procedure.advance(cast.review, state, by=cast.secretariat)


# The page, by reader


@pytest.mark.parametrize("member", MEMBERS)
def test_the_case_page_is_found_by_those_who_may_know_the_case(client, cast, member):
    post_comment(review=cast.review, body="Ask about the new law.", by=cast.secretariat)
    address = page(cast.review)
    response = visit(client, cast.members()[member], address)
    if member not in SEES_THE_CASE:
        assert_refused_outside(response, member, address)
        return
    assert response.status_code == 200
    body = text(response)
    assert body.count("<h1") == 1
    assert "<h1><bdi>Home Commission</bdi></h1>" in body
    assert "Re-accreditation" in body and "Session March 2030" in body
    assert '<span class="state state--invited">Invited</span>' in body
    assert "<script>" not in body and "style=" not in body
    assert ("Ask about the new law." in body) is (member in DISCUSSES)
    assert ('id="discussion"' in body) is (member in DISCUSSES)


def test_an_observer_of_the_region_reads_the_case_without_its_discussion(client, cast):
    observer = UserFactory(username="apf-observer")
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=observer, by=None)
    post_comment(review=cast.review, body="Internal view.", by=cast.secretariat)

    body = text(visit(client, observer, page(cast.review)))

    assert "<h1><bdi>Home Commission</bdi></h1>" in body
    assert link("summary", cast.review) in body and link("submissions", cast.review) in body
    assert link("objections", cast.review) not in body
    assert "Internal view." not in body and 'id="discussion"' not in body
    assert link("discuss", cast.review) not in body


def test_the_page_shows_every_deadline_explaining_itself(client, cast):
    deadlines = list(cast.review.deadlines.all())
    assert deadlines
    body = text(visit(client, cast.focal_point, page(cast.review)))
    for deadline in deadlines:
        assert escape(deadline.explain()) in body


def test_the_history_says_who_acted_to_the_secretariat_only(client, cast):
    at(cast, ReviewState.SCREENING)
    secretariat_view = text(visit(client, cast.secretariat, page(cast.review)))
    focal_view = text(visit(client, cast.focal_point, page(cast.review)))

    for body in (secretariat_view, focal_view):
        assert "Invited → Dossier in progress" in body
        assert "Submitted → Under secretariat review" in body
    assert '<th scope="col">By</th>' in secretariat_view
    assert "<bdi>secretariat</bdi>" in secretariat_view
    assert '<th scope="col">By</th>' not in focal_view
    assert "<bdi>secretariat</bdi>" not in focal_view


@pytest.mark.parametrize(
    ("member", "shown", "hidden"),
    [
        (
            "secretariat",
            ["screening", "summary", "submissions", "objections", "review_letters"],
            ["draft"],
        ),
        (
            "focal_point",
            ["dossier", "summary", "submissions", "objections", "review_letters"],
            ["screening", "draft"],
        ),
        (
            "sca_member",
            ["summary", "submissions"],
            ["dossier", "screening", "objections", "draft", "review_letters"],
        ),
    ],
)
def test_each_reader_gets_links_to_the_parts_they_may_open(client, cast, member, shown, hidden):
    body = text(visit(client, cast.members()[member], page(cast.review)))
    for name in shown:
        assert link(name, cast.review) in body, name
    for name in hidden:
        assert link(name, cast.review) not in body, name


def test_the_dossier_is_linked_for_the_sca_once_submitted(client, cast):
    at(cast, ReviewState.SUBMITTED)
    body = text(visit(client, cast.sca_member, page(cast.review)))
    assert link("dossier", cast.review) in body


@pytest.mark.parametrize(
    ("state", "linked"),
    [
        (ReviewState.SUMMARY_SHARED, False),
        (ReviewState.READY, True),
        (ReviewState.AT_SESSION, True),
    ],
)
def test_the_draft_is_linked_for_those_who_deliberate_from_ready_on(client, cast, state, linked):
    at(cast, ReviewState.SCREENING)
    if state == ReviewState.SUMMARY_SHARED:
        procedure.transition(cast.review, to=state, by=cast.secretariat)
    else:
        at(cast, state)
    for member in ("secretariat", "sca_member"):
        body = text(visit(client, cast.members()[member], page(cast.review)))
        assert (link("draft", cast.review) in body) is linked
    assert link("draft", cast.review) not in text(
        visit(client, cast.focal_point, page(cast.review))
    )


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "focal_point"])
def test_those_who_attend_the_session_find_its_room_and_report(client, cast, member):
    body = text(visit(client, cast.members()[member], page(cast.review)))
    room = reverse("reviews:room", args=[cast.session.pk])
    report = reverse("reviews:report", args=[cast.session.pk])
    attends = member != "focal_point"
    assert (f'<a href="{room}">Session room</a>' in body) is attends
    assert (f'<a href="{report}">Session report</a>' in body) is attends


# Workflow steps


def buttons(body):
    labels = [
        "Mark ready for the session",
        "Take up at the session",
        "Notify the institution",
        "Withdraw",
        "Record the lapse",
    ]
    return [label for label in labels if f">{label}</button>" in body]


@pytest.mark.parametrize(
    ("state", "expected"),
    [
        (ReviewState.INVITED, ["Withdraw", "Record the lapse"]),
        (ReviewState.SCREENING, ["Mark ready for the session", "Withdraw"]),
        (ReviewState.READY, ["Take up at the session", "Withdraw"]),
        (ReviewState.AT_SESSION, []),
    ],
)
def test_the_secretariat_is_offered_the_steps_the_table_allows(client, cast, state, expected):
    at(cast, state)
    body = text(visit(client, cast.secretariat, page(cast.review)))
    assert buttons(body) == expected
    assert (f'action="{move_url(cast.review)}"' in body) is bool(expected)


def test_the_secretariat_notifies_a_recommendation_from_the_case_page(
    client, cast, django_capture_on_commit_callbacks
):
    """Also for an institution whose focal points have no address: no letter waits in the
    outbox then, and the case page is where the challenge window is started."""
    procedure.recommend(cast.review, by=cast.secretariat)
    notified_on = dt.date(2030, 3, 20)
    body = text(visit(client, cast.secretariat, page(cast.review), on=notified_on))
    assert buttons(body) == ["Notify the institution"]
    assert buttons(text(visit(client, cast.focal_point, page(cast.review)))) == []
    client.force_login(cast.secretariat)
    with clock.as_of(notified_on), django_capture_on_commit_callbacks(execute=True):
        response = client.post(move_url(cast.review), {"to": "notified"})
    assert response.status_code == 302
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.NOTIFIED
    window = cast.review.deadlines.get(rule_key="challenge-window")
    assert window.due_on == notified_on + dt.timedelta(days=28)
    letter = cast.review.messages.get(kind="recommendation")
    assert letter.state == "sent"
    assert "17 April 2030" in letter.body


def test_the_secretariat_and_the_bureau_find_the_bureaus_file_once_it_is_theirs(client, cast):
    procedure.notified(cast.review, on=dt.date(2030, 3, 20))
    bureau_file = reverse("reviews:bureau_case", args=[cast.review.pk])
    link = f'<a href="{bureau_file}">The Bureau&#x27;s file</a>'
    assert link not in text(visit(client, cast.secretariat, page(cast.review)))
    process_deadlines(as_of=dt.date(2030, 4, 18))
    for member in ("secretariat", "bureau_member"):
        assert link in text(visit(client, cast.members()[member], page(cast.review))), member
    assert link not in text(visit(client, cast.focal_point, page(cast.review)))


@pytest.mark.parametrize("member", ["sca_member", "focal_point", "observer"])
def test_nobody_else_is_offered_a_step(client, cast, member):
    at(cast, ReviewState.READY)
    observer = UserFactory(username="apf-observer")
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=observer, by=None)
    user = observer if member == "observer" else cast.members()[member]
    assert buttons(text(visit(client, user, page(cast.review)))) == []


def test_the_focal_point_may_withdraw_its_own_initial_application(client, cast):
    review = procedure.open_review(
        InstitutionFactory(name="New Commission"), cast.session, kind=ReviewKind.INITIAL
    )
    focal = procedure.focal_point(review.institution, "new-focal")
    assert buttons(text(visit(client, focal, page(review)))) == ["Withdraw"]

    response = post_as(client, focal, move_url(review), {"to": "withdrawn", "reason": "Not ready."})

    review.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, page(review))
    assert review.state == ReviewState.WITHDRAWN


def test_the_chair_sitting_on_the_case_takes_it_up(client, cast):
    chair = UserFactory(username="chair")
    seat = assign_seat(
        institution=InstitutionFactory(name="Chair Commission", region=region(RegionCode.EUROPE)),
        body=Body.SCA,
        role=SeatRole.CHAIR,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    add_seat_person(seat=seat, user=chair, by=None)
    seat_in_session(session=cast.session, seat=seat, by=None)
    at(cast, ReviewState.READY)
    assert buttons(text(visit(client, chair, page(cast.review)))) == ["Take up at the session"]

    post_as(client, chair, move_url(cast.review), {"to": "at-session"})

    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.AT_SESSION


def test_marking_ready_moves_the_case_and_writes_the_history(client, cast):
    at(cast, ReviewState.SCREENING)
    response = post_as(client, cast.secretariat, move_url(cast.review), {"to": "ready"})

    cast.review.refresh_from_db()
    assert (response.status_code, response["Location"]) == (302, page(cast.review))
    assert cast.review.state == ReviewState.READY
    event = cast.review.events.last()
    assert (event.from_state, event.to_state, event.by) == ("screening", "ready", cast.secretariat)
    assert "The case is now “Ready for the session”." in text(client.get(response["Location"]))


def test_taking_a_step_twice_changes_nothing_the_second_time(client, cast):
    at(cast, ReviewState.SCREENING)
    post_as(client, cast.secretariat, move_url(cast.review), {"to": "ready"})
    events = cast.review.events.count()

    response = client.post(move_url(cast.review), {"to": "ready"})

    assert response.status_code == 302
    assert cast.review.events.count() == events
    assert "The case was already “Ready for the session”." in text(client.get(response["Location"]))


@pytest.mark.parametrize("target", ["withdrawn", "lapsed"])
def test_ending_a_case_keeps_the_reason(client, cast, target):
    data = {"to": target, "reason": "The institution asked to stop."}
    post_as(client, cast.secretariat, move_url(cast.review), data)

    cast.review.refresh_from_db()
    assert cast.review.state == target
    assert cast.review.events.last().reason == "The institution asked to stop."
    body = text(visit(client, cast.focal_point, page(cast.review)))
    assert "The institution asked to stop." in body


def test_ending_a_case_without_a_reason_is_refused_on_the_field(client, cast):
    response = post_as(client, cast.secretariat, move_url(cast.review), {"to": "withdrawn"})

    assert response.status_code == 400
    body = text(response)
    assert "Say why; the case&#x27;s history keeps the reason." in body
    assert 'id="move-withdrawn-reason"' in body
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.INVITED


@pytest.mark.parametrize("target", ["bureau", "decided", "submitted", "nonsense", ""])
def test_a_target_without_a_step_here_is_refused_with_400(client, cast, target):
    at(cast, ReviewState.SCREENING)
    response = post_as(client, cast.secretariat, move_url(cast.review), {"to": target})

    assert response.status_code == 400
    assert "This page cannot make that change." in text(response)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SCREENING


def test_a_step_the_state_does_not_allow_is_refused_with_the_reason(client, cast):
    response = post_as(client, cast.secretariat, move_url(cast.review), {"to": "at-session"})

    assert response.status_code == 400
    assert escape("A review that is “Invited” cannot become “Considered at the session”.") in text(
        response
    )
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.INVITED


@pytest.mark.parametrize("member", MEMBERS)
def test_only_those_the_table_allows_move_the_case(client, cast, member):
    at(cast, ReviewState.SCREENING)
    address = move_url(cast.review)
    response = post_as(client, cast.members()[member], address, {"to": "ready"})
    cast.review.refresh_from_db()
    if member == "secretariat":
        assert response.status_code == 302
        assert cast.review.state == ReviewState.READY
        return
    assert cast.review.state == ReviewState.SCREENING
    if member == "sca_member":
        assert response.status_code == 403  # may look, not act
    elif member == "focal_point":
        assert response.status_code == 403
        assert escape("You may not “Mark ready for the session” for this review.") in text(response)
    else:
        assert_refused_outside(response, member, address)


def test_a_move_answers_only_to_post(client, cast):
    client.force_login(cast.secretariat)
    assert client.get(move_url(cast.review)).status_code == 405


# The discussion


def test_a_member_posts_and_reads_the_thread_in_order(client, cast):
    post_comment(review=cast.review, body="First, from the secretariat.", by=cast.secretariat)
    response = post_as(
        client, cast.sca_member, discuss_url(cast.review), {"body": "Second, from the SCA."}
    )

    assert (response.status_code, response["Location"]) == (
        302,
        page(cast.review) + "#discussion",
    )
    body = text(client.get(page(cast.review)))
    assert "Your message is posted." in body
    assert body.index("First, from the secretariat.") < body.index("Second, from the SCA.")
    assert "<bdi>sca</bdi>" in body and "<bdi>secretariat</bdi>" in body
    assert list(cast.review.comments.values_list("author__username", flat=True)) == [
        "secretariat",
        "sca",
    ]


def test_with_htmx_the_thread_is_swapped_in_place(client, cast):
    response = post_as(
        client,
        cast.secretariat,
        discuss_url(cast.review),
        {"body": "Swapped."},
        HTTP_HX_REQUEST="true",
    )

    assert response.status_code == 200
    body = text(response)
    assert body.startswith('<section id="discussion"')
    assert "<html" not in body
    assert "Swapped." in body
    assert '<textarea name="body"' in body and "Swapped.</textarea>" not in body


def test_an_empty_message_is_refused_on_the_field(client, cast):
    response = post_as(client, cast.sca_member, discuss_url(cast.review), {"body": "  "})

    assert response.status_code == 400
    body = text(response)
    assert '<a href="#id_body">Write a message before you post it.</a>' in body
    assert CaseComment.objects.count() == 0


def test_with_htmx_a_refusal_comes_back_in_the_thread(client, cast):
    response = post_as(
        client, cast.sca_member, discuss_url(cast.review), {"body": ""}, HTTP_HX_REQUEST="true"
    )
    assert response.status_code == 400
    assert text(response).startswith('<section id="discussion"')
    assert "Write a message before you post it." in text(response)


def test_a_message_too_long_is_refused_and_kept_in_the_form(client, cast):
    response = post_as(client, cast.secretariat, discuss_url(cast.review), {"body": "y" * 10_001})
    assert response.status_code == 400
    assert "A message can have at most 10000 characters (it has 10001)." in text(response)
    assert CaseComment.objects.count() == 0


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_sca_sitting_and_the_secretariat_may_post(client, cast, member):
    address = discuss_url(cast.review)
    response = post_as(client, cast.members()[member], address, {"body": "Hello."})
    if member in DISCUSSES:
        assert response.status_code == 302
        assert CaseComment.objects.get().author == cast.members()[member]
        return
    assert CaseComment.objects.count() == 0
    if member == "focal_point":
        assert response.status_code == 404  # knows the case, never its discussion
    else:
        assert_refused_outside(response, member, address)


def test_a_closed_case_keeps_its_thread_and_takes_no_message(client, cast):
    post_comment(review=cast.review, body="Kept.", by=cast.secretariat)
    procedure.transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat, reason="x")

    body = text(visit(client, cast.sca_member, page(cast.review)))
    assert "Kept." in body
    assert "The case is closed; its discussion takes no new messages." in body
    assert f'action="{discuss_url(cast.review)}"' not in body

    response = client.post(discuss_url(cast.review), {"body": "Too late."})
    assert response.status_code == 400
    assert "takes no new messages" in text(response)
    assert list(Review.objects.get(pk=cast.review.pk).comments.values_list("body", flat=True)) == [
        "Kept."
    ]
