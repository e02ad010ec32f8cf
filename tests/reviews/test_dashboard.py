"""The secretariat's home: deadlines overdue and approaching (each explaining itself),
institutions falling due for re-accreditation, and the open reviews counted, at a
fixed day and at a fixed cost in queries."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.rulebook import RuleKey
from accreditation.services import record_decision, record_prior_status
from accreditation.status import status_on
from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.dashboard import DEADLINES_SHOWN, OUTSTANDING, secretariat_view
from reviews.enums import ReviewState
from reviews.services.sweep import process_deadlines
from reviews.services.transitions import transition
from tests import procedure
from tests.factories import InstitutionFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

HOME = reverse("home")
DAY = dt.timedelta(days=1)
# The cast's session opens on 2030-03-11; the Home Commission's dossier is due 2029-11-11.
DOSSIER_DUE = dt.date(2029, 11, 11)
NOTIFIED = dt.date(2030, 3, 20)


def review_rows(rows):
    return [(row.due_on, row.label, row.review.institution.acronym) for row in rows]


def session_rows(rows):
    return [(row.due_on, row.label, row.review) for row in rows]


def accredit(institution, on, grade=Grade.A):
    return record_decision(
        institution=institution,
        event=StatusEvent.GRADE,
        grade=grade,
        decided_on=on,
        basis=StatusBasis.REACCREDITATION,
        by=None,
    )


def test_the_outstanding_table_names_states_a_review_can_be_in():
    assert set(OUTSTANDING) <= {value for name, value in vars(RuleKey).items() if name.isupper()}
    for states in OUTSTANDING.values():
        assert all(state in ReviewState for state in states)


def test_a_dossier_deadline_within_30_days_is_approaching_and_explains_itself(cast):
    for today in (DOSSIER_DUE - 30 * DAY, DOSSIER_DUE):
        view = secretariat_view(cast.secretariat, today)
        assert review_rows(view.approaching) == [(DOSSIER_DUE, "Dossier due", "HOME")]
        assert view.approaching[0].explanation == cast.review.deadlines.get().explain()
        assert view.overdue == []


def test_a_dossier_deadline_31_days_ahead_is_not_yet_shown(cast):
    view = secretariat_view(cast.secretariat, DOSSIER_DUE - 31 * DAY)
    assert (view.approaching, view.overdue) == ([], [])


def test_a_dossier_not_in_by_its_day_is_overdue(cast):
    view = secretariat_view(cast.secretariat, DOSSIER_DUE + DAY)
    assert review_rows(view.overdue) == [(DOSSIER_DUE, "Dossier due", "HOME")]
    assert view.approaching == []


def test_a_dossier_submitted_is_no_longer_outstanding(cast):
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    for today in (DOSSIER_DUE - DAY, DOSSIER_DUE + DAY):
        view = secretariat_view(cast.secretariat, today)
        assert (view.approaching, view.overdue) == ([], [])


def test_the_sessions_own_deadlines_of_the_next_30_days_are_listed_without_the_dossier(cast):
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    view = secretariat_view(cast.secretariat, dt.date(2030, 2, 1))
    assert session_rows(view.approaching) == [
        (dt.date(2030, 2, 9), "SCA delegation lists sent to the secretariat", None),
        (dt.date(2030, 2, 11), "Delegation lists posted", None),
        (
            dt.date(2030, 2, 18),
            "Institution's objection to an SCA member for conflict of interest",
            None,
        ),
        (dt.date(2030, 2, 25), "Summary of issues sent to the institution", None),
    ]  # the Bureau's ruling (4 March) is 31 days away
    explained = cast.session.deadlines.get(rule_key=RuleKey.DELEGATION_LISTS_SENT).explain()
    assert view.approaching[0].explanation == explained
    assert all(row.session == cast.session for row in view.approaching)


def test_a_challenge_window_the_sweep_has_not_closed_is_overdue_then_the_bureau_window_approaches(
    cast,
):
    procedure.notified(cast.review, on=NOTIFIED)
    closes = NOTIFIED + 28 * DAY
    view = secretariat_view(cast.secretariat, closes + DAY)
    assert review_rows(view.overdue) == [(closes, "Challenge window closes", "HOME")]

    process_deadlines(as_of=closes + DAY)
    view = secretariat_view(cast.secretariat, closes + DAY)
    assert view.overdue == []
    assert review_rows(view.approaching) == [
        (closes + 20 * DAY, "Bureau objection window closes", "HOME")
    ]


def test_the_home_page_shows_overdue_and_approaching_deadlines_with_their_explanations(
    client, cast
):
    procedure.open_review(cast.other, cast.session)
    late = cast.review.deadlines.get()
    page = text(visit(client, cast.secretariat, HOME, on=DOSSIER_DUE + DAY))
    overdue = page.split('id="overdue-heading"')[1].split('id="approaching-heading"')[0]
    assert "Home Commission" in overdue and "Other Commission" in overdue
    assert escape(late.explain()) in overdue
    assert f'<a href="{reverse("reviews:case", args=[cast.review.pk])}">' in overdue
    approaching = page.split('id="approaching-heading"')[1].split('id="reaccreditation-heading"')[0]
    assert "No deadline falls in the next 30 days." in approaching


# -- due for re-accreditation --

TODAY = dt.date(2029, 9, 1)


@pytest.fixture
def later(cast):
    return procedure.session(dt.date(2030, 10, 7), name="Session October 2030")


def due_list(cast, today=TODAY):
    view = secretariat_view(cast.secretariat, today)
    return [
        (row.institution.name, row.due.due_on, row.session.name)
        for row in view.due_for_reaccreditation
    ]


def test_an_institution_falls_due_at_the_first_session_on_or_after_its_five_years(cast, later):
    early = InstitutionFactory(name="Early Commission")
    late = InstitutionFactory(name="Late Commission")
    accredit(early, dt.date(2024, 1, 10))  # due 2029-01-10: already past
    accredit(late, dt.date(2025, 6, 1), Grade.B)  # due 2030-06-01: after March, before October
    assert due_list(cast) == [
        ("Early Commission", dt.date(2029, 1, 10), "Session March 2030"),
        ("Late Commission", dt.date(2030, 6, 1), "Session October 2030"),
    ]
    row = secretariat_view(cast.secretariat, TODAY).due_for_reaccreditation[1]
    assert row.due.explain() == status_on(late.pk, TODAY).next_reaccreditation.explain()


def test_who_is_not_due_is_not_listed(cast, later):
    accredit(InstitutionFactory(name="Recent Commission"), dt.date(2027, 1, 1))  # due 2032
    accredit(cast.home, dt.date(2024, 6, 1))  # due, but its review is open already
    record_prior_status(
        institution=InstitutionFactory(name="Old Commission"),
        grade=Grade.A,
        held_on=dt.date(2010, 1, 1),
        note="",
        by=None,
    )  # a grade from before the portal: no decision day to count from
    removed = InstitutionFactory(name="Removed Commission")
    accredit(removed, dt.date(2015, 1, 1))
    record_decision(
        institution=removed,
        event=StatusEvent.REMOVAL,
        decided_on=dt.date(2020, 1, 1),
        basis=StatusBasis.SPECIAL_REVIEW,
        by=None,
    )
    assert due_list(cast) == []


def test_only_sessions_planned_within_eighteen_months_count(cast):
    accredit(InstitutionFactory(name="Early Commission"), dt.date(2024, 1, 10))
    assert due_list(cast, today=dt.date(2028, 9, 1)) == []  # March 2030 is 18+ months away
    assert due_list(cast, today=dt.date(2028, 10, 1)) == [
        ("Early Commission", dt.date(2029, 1, 10), "Session March 2030")
    ]


def test_an_institution_whose_review_closed_falls_due_again(cast, later):
    accredit(cast.other, dt.date(2024, 1, 10))
    review = procedure.open_review(cast.other, cast.session)
    assert due_list(cast) == []
    with clock.as_of(TODAY):
        transition(review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
    assert due_list(cast) == [("Other Commission", dt.date(2029, 1, 10), "Session March 2030")]


def test_the_home_page_links_a_due_institution_to_a_prefilled_invitation(client, cast, later):
    early = InstitutionFactory(name="Early Commission")
    accredit(early, dt.date(2024, 1, 10))
    page = text(visit(client, cast.secretariat, HOME, on=TODAY))
    invite = (
        f"{reverse('reviews:invite')}?institution={early.pk}&amp;session={cast.session.pk}"
        "&amp;kind=re-accreditation"
    )
    assert f'<a href="{invite}">Invite' in page
    assert escape(status_on(early.pk, TODAY).next_reaccreditation.explain()) in page

    form = text(visit(client, cast.secretariat, invite.replace("&amp;", "&"), on=TODAY))
    assert f'<option value="{early.pk}" selected>' in form
    assert f'<option value="{cast.session.pk}" selected>' in form
    assert 'value="re-accreditation" id="id_kind_1" required checked>' in form
    assert escape(cast.session.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).explain()) in form


def test_an_invitation_link_with_unknown_values_leaves_the_form_unchosen(client, cast):
    page = text(
        visit(
            client,
            cast.secretariat,
            reverse("reviews:invite") + "?session=x&kind=nope&institution=0",
        )
    )
    form = page.split(f'action="{reverse("reviews:invite")}"')[1]
    assert re.findall(r'<option value="\d+" selected>', form) == []
    assert "checked" not in form


# -- counts --


def test_the_open_reviews_are_counted_by_state_session_and_region_with_worklist_links(
    client, cast, later
):
    procedure.open_review(cast.other, later)
    procedure.open_review(InstitutionFactory(name="Third", region=region(RegionCode.EUROPE)), later)
    procedure.advance(cast.review, ReviewState.SUBMITTED)
    view = secretariat_view(cast.secretariat, TODAY)
    assert [(t.label, t.count) for t in view.by_state] == [("Invited", 2), ("Submitted", 1)]
    assert [(t.label, t.count) for t in view.by_session] == [
        ("Session March 2030", 1),
        ("Session October 2030", 2),
    ]
    assert [(t.label, t.count) for t in view.by_region] == [("Asia-Pacific", 1), ("Europe", 2)]
    assert view.open_count == 3

    page = text(visit(client, cast.secretariat, HOME, on=TODAY))
    worklist = reverse("reviews:worklist")
    invited = f'<a href="{worklist}?state=invited"><bdi>Invited</bdi></a>'
    assert f'{invited} <span class="count-badge">2</span>' in page
    assert f'<a href="{worklist}?session={later.pk}"><bdi>Session October 2030</bdi></a>' in page
    assert f'<a href="{worklist}?region=europe"><bdi>Europe</bdi></a>' in page


def test_a_closed_review_is_not_counted(cast):
    with clock.as_of(TODAY):
        transition(cast.review, to=ReviewState.WITHDRAWN, by=cast.secretariat)
    view = secretariat_view(cast.secretariat, TODAY)
    assert (view.by_state, view.by_session, view.by_region, view.latest) == ([], [], [], [])


def test_the_secretariat_home_costs_the_same_queries_at_two_sizes(client, cast, later):
    def grow(count):
        for _ in range(count):
            procedure.open_review(InstitutionFactory(region=region(RegionCode.EUROPE)), later)
            accredit(InstitutionFactory(), dt.date(2024, 1, 10))
            procedure.session(later.starts_on + dt.timedelta(days=30 * (1 + len(sessions))))
            sessions.append(1)

    sessions = []
    on = later.starts_on - 130 * DAY  # the new reviews' dossiers are due in ten days
    client.force_login(cast.secretariat)
    grow(2)
    few = queries_for(client, HOME, on=on)
    small = secretariat_view(cast.secretariat, on)
    grow(6)
    many = queries_for(client, HOME, on=on)
    big = secretariat_view(cast.secretariat, on)
    assert few == many
    assert (len(small.approaching), len(big.approaching)) == (2, 8)
    assert (len(small.due_for_reaccreditation), len(big.due_for_reaccreditation)) == (2, 8)


def test_the_home_page_shows_the_oldest_overdue_deadlines_and_says_how_many_there_are(cast, client):
    for n in range(DEADLINES_SHOWN):
        procedure.open_review(InstitutionFactory(name=f"Late {n}"), cast.session)
    late = cast.session.starts_on - dt.timedelta(days=10)
    view = secretariat_view(cast.secretariat, late)
    assert (len(view.overdue), view.overdue_count) == (DEADLINES_SHOWN, DEADLINES_SHOWN + 1)
    page = text(visit(client, cast.secretariat, "/", on=late))
    shown = f"The {DEADLINES_SHOWN} oldest of {DEADLINES_SHOWN + 1} overdue deadlines are shown"
    assert shown in page
