"""Drafting the SCA's recommendation: who may, when, what is refused and how paragraphs
are numbered (commendations first, unnumbered; then the numbered issues)."""

import datetime as dt

import pytest

from accreditation.enums import Grade, StatusBasis, StatusEvent
from accreditation.services import record_decision, record_prior_status
from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ActionVerb, Outcome, ParagraphKind, RecusalReason, ReviewState
from reviews.models import DraftParagraph, RecommendationDraft, Recusal
from reviews.services import adoption, drafts
from reviews.services.outcomes import Paragraph
from reviews.services.sessions import seat_in_session
from reviews.services.transitions import transition
from tests import procedure
from tests.factories import InstitutionFactory, UserFactory, region

pytestmark = pytest.mark.django_db

AT_SESSION = dt.date(2030, 3, 12)
ISSUE = Paragraph(
    notes="that members are appointed by the executive alone",
    standard="The selection process must be clear, transparent and participatory.",
    verb=ActionVerb.RECOMMENDS,
    request="that the institution advocate a merit-based selection process",
    principles=("B.1",),
    observations=("1.8",),
)
COMMENDATION = Paragraph(kind=ParagraphKind.COMMENDATION, notes="the institution's annual report")


def ready(cast):
    return procedure.advance(cast.review, ReviewState.READY)


def later_session():
    return procedure.session(dt.date(2030, 10, 7), name="Session October 2030")


def chair_of(session, institution):
    person = UserFactory(username=f"chair-{institution.pk}")
    seat = assign_seat(
        institution=institution,
        body=Body.SCA,
        role=SeatRole.CHAIR,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    add_seat_person(seat=seat, user=person, by=None)
    seat_in_session(session=session, seat=seat, by=None)
    return person


def add(review, content, by):
    with clock.as_of(AT_SESSION):
        return drafts.add_paragraph(review=review, content=content, by=by)


def save(review, by, outcome=Outcome.ACCREDIT_A, follow_up=None, summary="", on=AT_SESSION):
    with clock.as_of(on):
        return drafts.save_draft(
            review=review, outcome=outcome, follow_up_session=follow_up, summary=summary, by=by
        )


def numbered(review):
    return [
        (p.number, p.kind, p.notes or p.request)
        for p in DraftParagraph.objects.filter(draft__review=review).order_by("number")
    ]


def draft_state(review):
    draft = RecommendationDraft.objects.filter(review=review).first()
    if draft is None:
        return None
    return (draft.outcome, draft.follow_up_session_id, draft.summary, numbered(review))


@pytest.mark.parametrize("member", ["secretariat", "sca_member"])
def test_the_secretariat_and_the_sca_sitting_on_the_case_draft_it(cast, member):
    review = ready(cast)
    user = cast.members()[member]
    draft = save(review, user, summary="  Accredited with A.  ")
    row = add(review, ISSUE, user)
    assert (draft.outcome, draft.summary, draft.updated_by) == (
        Outcome.ACCREDIT_A,
        "Accredited with A.",
        user,
    )
    assert (row.number, row.kind, row.verb, row.request) == (
        1,
        ParagraphKind.ISSUE,
        ActionVerb.RECOMMENDS,
        "that the institution advocate a merit-based selection process",
    )
    assert [p.key for p in row.principles.all()] == ["B.1"]
    assert [(o.number, o.version) for o in row.observations.all()] == [("1.8", 2018)]


def test_the_chair_sitting_on_the_case_drafts_it(cast):
    review = ready(cast)
    chair = chair_of(cast.session, cast.other)
    assert save(review, chair).outcome == Outcome.ACCREDIT_A


@pytest.mark.parametrize(
    "member",
    ["recused_sca_member", "observer", "focal_point", "other_focal_point", "bureau_member"],
)
def test_nobody_else_drafts_and_nothing_is_kept(cast, member):
    review = ready(cast)
    user = cast.members()[member]
    with pytest.raises(NotPermitted):
        save(review, user)
    with pytest.raises(NotPermitted):
        add(review, ISSUE, user)
    assert not RecommendationDraft.objects.exists()


def recuse(review, person, by):
    for seat in person.seats.all():
        Recusal.objects.create(
            review=review,
            seat=seat,
            reason=RecusalReason.DECLARED,
            recorded_by=by,
            recorded_at=clock.now(),
        )


def test_a_chair_recused_from_the_case_does_not_draft_it(cast):
    review = ready(cast)
    chair = chair_of(cast.session, cast.other)
    recuse(review, chair, cast.secretariat)
    with pytest.raises(NotPermitted):
        save(review, chair)
    assert not RecommendationDraft.objects.exists()


@pytest.mark.parametrize("state", [ReviewState.SCREENING, ReviewState.SUMMARY_SHARED])
def test_a_case_not_yet_before_the_session_has_no_draft(cast, state):
    review = procedure.advance(cast.review, ReviewState.SCREENING)
    if state == ReviewState.SUMMARY_SHARED:
        with clock.as_of(dt.date(2030, 3, 1)):
            transition(review, to=state, by=cast.secretariat)
    with pytest.raises(DomainError) as refused:
        save(review, cast.secretariat)
    assert str(refused.value).startswith(
        "The recommendation is drafted while the case is before the session;"
    )
    assert not RecommendationDraft.objects.exists()


def test_a_case_already_recommended_cannot_be_drafted_any_more(cast):
    review = procedure.recommend(cast.review)
    with pytest.raises(DomainError, match="it is “Recommended”"):
        save(review, cast.secretariat)
    assert not RecommendationDraft.objects.exists()


def test_an_adopted_draft_cannot_change(cast):
    review = ready(cast)
    save(review, cast.secretariat)
    add(review, ISSUE, cast.secretariat)
    with clock.as_of(cast.session.ends_on):
        adoption.adopt_session(session=cast.session, by=cast.secretariat)
    before = draft_state(review)
    with pytest.raises(DomainError):
        save(review, cast.secretariat, outcome=Outcome.ACCREDIT_B)
    assert draft_state(review) == before


def test_a_citation_the_catalogue_does_not_hold_is_refused_naming_it(cast):
    review = ready(cast)
    add(review, ISSUE, cast.sca_member)
    before = draft_state(review)
    unknown = Paragraph(notes="x", principles=("B.1", "Z.9"), observations=("1.8", "9.9"))
    with pytest.raises(DomainError) as refused:
        add(review, unknown, cast.sca_member)
    assert str(refused.value) == "Paragraph 2 cites what the catalogue does not hold: Z.9, 9.9."
    assert draft_state(review) == before


def test_an_issue_needs_what_the_sca_notes_or_asks(cast):
    review = ready(cast)
    with pytest.raises(DomainError) as refused:
        add(review, Paragraph(standard="A standard alone."), cast.sca_member)
    assert str(refused.value) == "Paragraph 1: write what the SCA notes or what it asks."
    assert not DraftParagraph.objects.exists()


def test_a_request_needs_its_verb(cast):
    review = ready(cast)
    with pytest.raises(DomainError) as refused:
        add(review, Paragraph(request="that it act"), cast.sca_member)
    assert str(refused.value) == (
        "Paragraph 1: say whether the SCA encourages, recommends or urges."
    )
    assert not DraftParagraph.objects.exists()


def test_a_deferral_names_its_session(cast):
    review = ready(cast)
    later = later_session()
    draft = save(review, cast.sca_member, outcome=Outcome.DEFER, follow_up=later)
    assert (draft.outcome, draft.follow_up_session) == (Outcome.DEFER, later)


def test_a_deferral_to_a_session_in_the_past_is_refused(cast):
    review = ready(cast)
    save(review, cast.sca_member)
    past = procedure.session(dt.date(2029, 10, 8), name="Session October 2029")
    with pytest.raises(DomainError) as refused:
        save(review, cast.sca_member, outcome=Outcome.DEFER, follow_up=past)
    assert (
        str(refused.value) == "Session October 2029 is in the past: name a session still to come."
    )
    assert draft_state(review) == (Outcome.ACCREDIT_A, None, "", [])


def test_a_deferral_to_a_session_already_begun_is_refused(cast):
    review = ready(cast)
    soon = procedure.session(dt.date(2030, 4, 1), name="Session April 2030")
    with pytest.raises(DomainError, match="in the past"):
        save(review, cast.secretariat, Outcome.DEFER, follow_up=soon, on=dt.date(2030, 4, 2))
    assert not RecommendationDraft.objects.exclude(outcome="").exists()


@pytest.mark.parametrize(
    ("outcome", "follow_up", "message"),
    [
        (Outcome.DEFER, False, "Name the session that takes the case up again."),
        (Outcome.OPEN_SPECIAL_REVIEW, False, "Name the session that takes the case up again."),
        (
            Outcome.ACCREDIT_B,
            True,
            "Only a deferral or a special review names a follow-up session.",
        ),
        (Outcome.ACCREDIT_A_RESERVE, False, "This outcome cannot be recommended on this case."),
        (Outcome.LIFT_SUSPENSION, False, "This outcome cannot be recommended on this case."),
    ],
)
def test_an_outcome_and_its_session_must_agree(cast, outcome, follow_up, message):
    review = ready(cast)
    later = later_session()
    with pytest.raises(DomainError) as refused:
        save(review, cast.sca_member, outcome=outcome, follow_up=later if follow_up else None)
    assert str(refused.value) == message
    assert draft_state(review) in (None, ("", None, "", []))


def test_a_follow_up_session_must_come_after_this_one(cast):
    review = ready(cast)
    with pytest.raises(DomainError, match="must come after this one"):
        save(
            review, cast.secretariat, Outcome.DEFER, follow_up=cast.session, on=dt.date(2030, 3, 1)
        )


def test_the_outcomes_offered_never_include_the_historical_grades(cast):
    labels = dict(drafts.outcome_choices(cast.review))
    assert list(labels) == [
        "accredit-a",
        "accredit-b",
        "remove",
        "suspend",
        "defer",
        "special-review",
        "note-lapse",
    ]
    assert labels["accredit-b"] == "Accredit with B status"


def test_an_institution_holding_a_is_offered_a_downgrade_to_b(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    assert dict(drafts.outcome_choices(cast.review))["accredit-b"] == "Downgrade to B status"


def test_a_suspended_institution_may_have_its_suspension_lifted(cast):
    record_prior_status(
        institution=cast.home, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    with clock.as_of(dt.date(2029, 1, 10)):
        record_decision(
            institution=cast.home,
            event=StatusEvent.SUSPENSION,
            decided_on=dt.date(2029, 1, 10),
            basis=StatusBasis.SPECIAL_REVIEW,
            by=None,
        )
    review = ready(cast)
    assert "lift-suspension" in dict(drafts.outcome_choices(review))
    assert save(review, cast.secretariat, Outcome.LIFT_SUSPENSION).outcome == "lift-suspension"


def test_commendations_come_first_unnumbered_then_the_numbered_issues(cast):
    review = ready(cast)
    add(review, ISSUE, cast.sca_member)
    add(review, Paragraph(notes="that the budget is cut"), cast.sca_member)
    add(review, COMMENDATION, cast.sca_member)
    rows = list(DraftParagraph.objects.filter(draft__review=review).order_by("number"))
    assert [(r.number, r.kind) for r in rows] == [
        (1, "commendation"),
        (2, "issue"),
        (3, "issue"),
    ]
    assert [drafts.issue_number(r, 1) for r in rows] == [None, 1, 2]


def test_moving_a_paragraph_keeps_it_among_its_kind(cast):
    review = ready(cast)
    first = add(review, Paragraph(notes="first"), cast.sca_member)
    second = add(review, Paragraph(notes="second"), cast.sca_member)
    add(review, COMMENDATION, cast.sca_member)
    with clock.as_of(AT_SESSION):
        drafts.move_paragraph(paragraph=second, direction="up", by=cast.sca_member)
        # The first issue stays after the commendation: moving it up changes nothing.
        drafts.move_paragraph(paragraph=second, direction="up", by=cast.sca_member)
        drafts.move_paragraph(paragraph=first, direction="down", by=cast.sca_member)
    assert numbered(review) == [
        (1, "commendation", "the institution's annual report"),
        (2, "issue", "second"),
        (3, "issue", "first"),
    ]


def test_removing_a_paragraph_renumbers_the_others(cast):
    review = ready(cast)
    first = add(review, Paragraph(notes="first"), cast.sca_member)
    add(review, Paragraph(notes="second"), cast.sca_member)
    with clock.as_of(AT_SESSION):
        drafts.remove_paragraph(paragraph=first, by=cast.sca_member)
        drafts.remove_paragraph(paragraph=first, by=cast.sca_member)
    assert numbered(review) == [(1, "issue", "second")]


def test_an_issue_turned_commendation_joins_the_commendations(cast):
    review = ready(cast)
    add(review, COMMENDATION, cast.sca_member)
    add(review, Paragraph(notes="first"), cast.sca_member)
    second = add(review, Paragraph(notes="second"), cast.sca_member)
    with clock.as_of(AT_SESSION):
        drafts.update_paragraph(
            paragraph=second,
            content=Paragraph(kind=ParagraphKind.COMMENDATION, notes="its outreach"),
            by=cast.secretariat,
        )
    assert numbered(review) == [
        (1, "commendation", "the institution's annual report"),
        (2, "commendation", "its outreach"),
        (3, "issue", "first"),
    ]


def test_updating_a_paragraph_with_an_unknown_citation_changes_nothing(cast):
    review = ready(cast)
    add(review, Paragraph(notes="first"), cast.sca_member)
    second = add(review, ISSUE, cast.sca_member)
    before = draft_state(review)
    with clock.as_of(AT_SESSION), pytest.raises(DomainError) as refused:
        drafts.update_paragraph(
            paragraph=second,
            content=Paragraph(notes="changed", observations=("1.8", "Z.9")),
            by=cast.sca_member,
        )
    assert str(refused.value) == "Paragraph 2 cites what the catalogue does not hold: Z.9."
    assert draft_state(review) == before
    assert [o.number for o in DraftParagraph.objects.get(pk=second.pk).observations.all()] == [
        "1.8"
    ]


def test_a_recused_member_cannot_touch_a_paragraph(cast):
    review = ready(cast)
    row = add(review, ISSUE, cast.sca_member)
    before = draft_state(review)
    with clock.as_of(AT_SESSION):
        for act in (
            lambda: drafts.remove_paragraph(paragraph=row, by=cast.recused_sca_member),
            lambda: drafts.move_paragraph(paragraph=row, direction="up", by=cast.observer),
            lambda: drafts.update_paragraph(
                paragraph=row, content=Paragraph(notes="x"), by=cast.focal_point
            ),
        ):
            with pytest.raises(NotPermitted):
                act()
    assert draft_state(review) == before


def test_a_seat_of_another_region_recused_by_a_recusal_row_cannot_draft(cast):
    review = ready(cast)
    member = UserFactory(username="europe-sca")
    procedure.sca_seat(
        InstitutionFactory(region=region(RegionCode.EUROPE)), [cast.session], person=member
    )
    assert drafts.save_draft(
        review=review, outcome="", follow_up_session=None, summary="", by=member
    )
    recuse(review, member, cast.secretariat)
    with pytest.raises(NotPermitted):
        save(review, member)
    assert RecommendationDraft.objects.get(review=review).outcome == ""
