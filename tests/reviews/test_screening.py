"""Screening a submitted dossier: complete, or returned with what is missing and open for
those items only until the institution submits it again."""

import datetime as dt

import pytest

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import DocumentSlot, ReviewState, ScreeningResult, Theme
from reviews.models import ComplianceAnswer, Document, Evidence, OutgoingMessage, Screening
from reviews.permissions import COMPLAINTS_QUESTION, editable_parts
from reviews.services.dossiers import (
    cite,
    dossier_for,
    reopen_dossier,
    save_answer,
    set_handles_complaints,
    submit_dossier,
    uncite,
)
from reviews.services.screening import mark_complete, open_return, return_dossier
from reviews.services.transitions import transition
from tests.dossier import add, submit

pytestmark = pytest.mark.django_db

DAY = dt.date(2029, 11, 1)
DUE = dt.date(2029, 11, 15)
OUTSIDERS = [
    "sca_member",
    "recused_sca_member",
    "bureau_member",
    "focal_point",
    "other_focal_point",
    "observer",
]
RETURNED = [
    (DocumentSlot.BUDGET, "The budget of 2029 is missing."),
    (Theme.FUNDING, "Say who approves the budget."),
    (COMPLAINTS_QUESTION, ""),
]


@pytest.fixture
def submitted(cast):
    with clock.as_of(DAY - dt.timedelta(days=5)):
        submit(cast.review, cast.focal_point)
    return cast


def returned(cast, items=RETURNED, note="Please send these soon."):
    with clock.as_of(DAY):
        return return_dossier(
            review=cast.review, by=cast.secretariat, items=items, due_on=DUE, note=note
        )


def state_of(review):
    review.refresh_from_db()
    return review.state


def mails():
    return list(OutgoingMessage.objects.values_list("to", "subject", "body"))


def test_marking_complete_moves_the_review_on_and_tells_the_institution(submitted):
    cast = submitted
    before = len(mails())
    with clock.as_of(DAY):
        screening = mark_complete(review=cast.review, by=cast.secretariat, note="Well prepared.")

    assert (screening.result, screening.note, screening.screened_by, screening.due_on) == (
        ScreeningResult.COMPLETE,
        "Well prepared.",
        cast.secretariat,
        None,
    )
    assert state_of(cast.review) == ReviewState.SCREENING
    event = cast.review.events.order_by("-pk").first()
    assert (event.from_state, event.to_state, event.by, event.reason) == (
        ReviewState.SUBMITTED,
        ReviewState.SCREENING,
        cast.secretariat,
        "The dossier is complete.",
    )
    new = mails()[before:]
    assert [(to, subject) for to, subject, _body in new] == [
        ("focal@example.org", "Accreditation of HOME: your dossier is complete")
    ]
    assert "found it complete" in new[0][2] and "Well prepared." in new[0][2]


def test_a_dossier_already_under_review_is_marked_complete_where_it_is(submitted):
    cast = submitted
    with clock.as_of(DAY):
        transition(cast.review, to=ReviewState.SCREENING, by=cast.secretariat)
        mark_complete(review=cast.review, by=cast.secretariat)
    assert state_of(cast.review) == ReviewState.SCREENING
    assert Screening.objects.filter(result=ScreeningResult.COMPLETE).count() == 1
    assert mails()[-1][1] == "Accreditation of HOME: your dossier is complete"


@pytest.mark.parametrize("member", OUTSIDERS)
def test_only_the_secretariat_screens(submitted, member):
    cast = submitted
    user = cast.members()[member]
    before = len(mails())
    with clock.as_of(DAY), pytest.raises(NotPermitted, match="Only the secretariat screens"):
        mark_complete(review=cast.review, by=user)
    with clock.as_of(DAY), pytest.raises(NotPermitted, match="Only the secretariat screens"):
        return_dossier(review=cast.review, by=user, items=RETURNED, due_on=DUE)
    assert (state_of(cast.review), Screening.objects.count(), len(mails())) == (
        ReviewState.SUBMITTED,
        0,
        before,
    )


@pytest.mark.parametrize("state", [ReviewState.DOSSIER, ReviewState.READY])
def test_a_dossier_is_screened_only_once_submitted_and_before_it_is_ready(cast, state):
    if state == ReviewState.DOSSIER:
        with clock.as_of(DAY):
            save_answer(review=cast.review, theme=Theme.PLURALISM, text="x", by=cast.focal_point)
    else:
        with clock.as_of(DAY - dt.timedelta(days=5)):
            submit(cast.review, cast.focal_point)
        with clock.as_of(DAY):
            mark_complete(review=cast.review, by=cast.secretariat)
            transition(cast.review, to=ReviewState.READY, by=cast.secretariat)
    before = (Screening.objects.count(), len(mails()))
    label = ReviewState(state).label
    message = f"The dossier is screened once it is submitted; this review is “{label}”."
    with clock.as_of(DAY), pytest.raises(DomainError) as refused:
        mark_complete(review=cast.review, by=cast.secretariat)
    assert str(refused.value) == message
    with clock.as_of(DAY), pytest.raises(DomainError) as refused:
        return_dossier(review=cast.review, by=cast.secretariat, items=RETURNED, due_on=DUE)
    assert str(refused.value) == message
    assert (state_of(cast.review), Screening.objects.count(), len(mails())) == (state, *before)


def test_marking_complete_twice_is_refused_with_the_day_it_was_done(submitted):
    cast = submitted
    with clock.as_of(DAY):
        mark_complete(review=cast.review, by=cast.secretariat)
    before = len(mails())
    with clock.as_of(DAY + dt.timedelta(days=1)), pytest.raises(DomainError) as refused:
        mark_complete(review=cast.review, by=cast.secretariat)
    assert str(refused.value) == "This dossier was already marked complete on 1 November 2029."
    assert (Screening.objects.count(), len(mails())) == (1, before)


def test_returning_records_the_items_reopens_the_dossier_and_mails_the_list(submitted):
    cast = submitted
    before = len(mails())
    screening = returned(cast)

    assert (screening.result, screening.due_on, screening.note, screening.closed_at) == (
        ScreeningResult.RETURNED,
        DUE,
        "Please send these soon.",
        None,
    )
    assert [(i.slot, i.theme, i.note) for i in screening.items.all()] == [
        ("budget", "", "The budget of 2029 is missing."),
        ("", "funding", "Say who approves the budget."),
        ("", "", ""),
    ]
    assert state_of(cast.review) == ReviewState.DOSSIER
    assert dossier_for(cast.review).submitted_at is None
    assert open_return(cast.review) == screening
    reason = (
        "Returned as incomplete. What is missing:\n"
        "- Budget: The budget of 2029 is missing.\n"
        "- Funding and staff: Say who approves the budget.\n"
        "- Whether the institution handles complaints\n"
        "Send these items back by 15 November 2029.\n"
        "Please send these soon."
    )
    assert cast.review.events.order_by("-pk").first().reason == reason
    new = mails()[before:]
    assert [to for to, _subject, _body in new] == ["focal@example.org"]
    assert reason in new[0][2]


def test_the_return_is_written_in_the_institutions_language(submitted):
    cast = submitted
    cast.home.working_language = "fr"
    cast.home.save()
    cast.review.refresh_from_db()
    returned(cast, items=[(DocumentSlot.BUDGET, "")])
    reason = cast.review.events.order_by("-pk").first().reason
    assert "15 novembre 2029" in reason
    assert OutgoingMessage.objects.order_by("-pk").first().language == "fr"


@pytest.mark.parametrize(
    ("items", "due_on", "message"),
    [
        ([], DUE, "Say what is missing: choose at least one part of the dossier."),
        (RETURNED, DAY - dt.timedelta(days=1), "cannot be due on a day that has passed"),
        ([("treaty", "")], DUE, "“treaty” is not a part of the dossier."),
        (
            [(Theme.FUNDING, "a"), ("funding", "b")],
            DUE,
            "“Funding and staff” is listed twice",
        ),
    ],
    ids=["no items", "past date", "unknown part", "twice"],
)
def test_a_bad_return_is_refused_and_changes_nothing(submitted, items, due_on, message):
    cast = submitted
    before = len(mails())
    with clock.as_of(DAY), pytest.raises(DomainError, match=message):
        return_dossier(review=cast.review, by=cast.secretariat, items=items, due_on=due_on)
    assert (state_of(cast.review), Screening.objects.count(), len(mails())) == (
        ReviewState.SUBMITTED,
        0,
        before,
    )


def test_a_returned_dossier_is_not_returned_again_until_it_comes_back(submitted):
    cast = submitted
    returned(cast)
    with clock.as_of(DAY), pytest.raises(DomainError, match="“Dossier in progress”"):
        return_dossier(review=cast.review, by=cast.secretariat, items=RETURNED, due_on=DUE)
    assert Screening.objects.count() == 1


def test_a_dossier_found_complete_can_still_be_returned(submitted):
    cast = submitted
    with clock.as_of(DAY):
        mark_complete(review=cast.review, by=cast.secretariat)
    returned(cast, items=[(DocumentSlot.ANNUAL_REPORT, "The 2028 report, please.")])
    assert state_of(cast.review) == ReviewState.DOSSIER
    assert cast.review.events.order_by("-pk").first().from_state == ReviewState.SCREENING


def test_while_a_return_is_open_only_the_returned_parts_can_be_changed(submitted):
    cast = submitted
    returned(cast)
    fp = cast.focal_point
    assert editable_parts(fp, cast.review) == {"budget", "funding", COMPLAINTS_QUESTION}
    refusal = "only those may be changed: “%s” is not one of them."
    answers = dict(ComplianceAnswer.objects.values_list("theme", "text"))

    with clock.as_of(DAY):
        save_answer(review=cast.review, theme=Theme.FUNDING, text="The parliament.", by=fp)
        budget = add(cast.review, fp, slot=DocumentSlot.BUDGET, name="budget-2029.pdf")
        set_handles_complaints(review=cast.review, value=True, by=fp)
        with pytest.raises(NotPermitted, match=refusal % "Pluralism"):
            save_answer(review=cast.review, theme=Theme.PLURALISM, text="Changed.", by=fp)
        with pytest.raises(NotPermitted, match=refusal % "Founding law or constitutional text"):
            add(cast.review, fp, slot=DocumentSlot.FOUNDING_LAW)
        law = Document.objects.get(slot=DocumentSlot.FOUNDING_LAW)
        with pytest.raises(NotPermitted, match=refusal % "Founding law or constitutional text"):
            add(cast.review, fp, slot=DocumentSlot.FOUNDING_LAW, replaces=law)

    funding = ComplianceAnswer.objects.get(theme=Theme.FUNDING)
    pluralism = ComplianceAnswer.objects.get(theme=Theme.PLURALISM)
    assert funding.text == "The parliament."
    assert pluralism.text == answers["pluralism"]
    assert budget.document.slot == DocumentSlot.BUDGET
    assert list(law.versions.values_list("number", flat=True)) == [1]
    assert dossier_for(cast.review).handles_complaints is True

    evidence = cite(answer=funding, document=budget.document, pages="2", by=fp)
    with pytest.raises(NotPermitted, match=refusal % "Pluralism"):
        cite(answer=pluralism, document=law, pages="1", by=fp)
    uncite(evidence=evidence, by=fp)
    kept = Evidence.objects.create(answer=pluralism, document=law, pages="4")
    with pytest.raises(NotPermitted, match=refusal % "Pluralism"):
        uncite(evidence=kept, by=fp)
    assert list(Evidence.objects.all()) == [kept]


def test_the_secretariat_too_changes_only_what_was_returned(submitted):
    cast = submitted
    returned(cast)
    with pytest.raises(NotPermitted):
        save_answer(review=cast.review, theme=Theme.METHODS, text="x", by=cast.secretariat)


def test_submitting_again_closes_the_return_and_screening_starts_over(submitted):
    cast = submitted
    screening = returned(cast)
    with clock.as_of(DAY + dt.timedelta(days=3)):
        save_answer(
            review=cast.review, theme=Theme.FUNDING, text="Parliament.", by=cast.focal_point
        )
        set_handles_complaints(review=cast.review, value=False, by=cast.focal_point)
        submit_dossier(review=cast.review, by=cast.focal_point)
    screening.refresh_from_db()
    assert screening.closed_at is not None
    assert screening.closed_at.date() == DAY + dt.timedelta(days=3)
    assert open_return(cast.review) is None
    assert state_of(cast.review) == ReviewState.SUBMITTED
    with clock.as_of(DAY + dt.timedelta(days=4)):
        mark_complete(review=cast.review, by=cast.secretariat)
    assert state_of(cast.review) == ReviewState.SCREENING


def test_resubmission_checks_the_required_parts_as_before(submitted):
    cast = submitted
    returned(cast, items=[(COMPLAINTS_QUESTION, "Say yes or no again.")])
    dossier = dossier_for(cast.review)
    dossier.handles_complaints = True  # now the complaints theme is required
    dossier.save()
    with pytest.raises(DomainError, match="Missing: Complaints handling"):
        submit_dossier(review=cast.review, by=cast.focal_point)
    assert open_return(cast.review) is not None


def test_a_plain_reopening_leaves_the_whole_dossier_open(submitted):
    cast = submitted
    reopen_dossier(review=cast.review, reason="Correct the law.", by=cast.secretariat)
    assert editable_parts(cast.focal_point, cast.review) is None
    save_answer(review=cast.review, theme=Theme.METHODS, text="x", by=cast.focal_point)
