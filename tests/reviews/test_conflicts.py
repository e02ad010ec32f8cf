"""Objections to SCA members, the Bureau's rulings and recusals: who may record them,
until when, what they change in who sits on a case, and who is told."""

import datetime as dt

import pytest
from django.core import mail

from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import assign_seat
from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import ObjectionRuling, RecusalReason
from reviews.models import MemberObjection, OutgoingMessage, Recusal
from reviews.permissions import seats_on_case, sits_on
from reviews.services.conflicts import (
    declare_recusal,
    lodge_objection,
    rule_on_objection,
    seating,
)
from reviews.services.outbox import queue_mail
from tests import procedure
from tests.conflicts import BEFORE_CUTOFF, CUTOFF, alternate, seat, seat_of
from tests.factories import InstitutionFactory, region

pytestmark = pytest.mark.django_db


def lodge(cast, by=None, on=BEFORE_CUTOFF, target=None, reasons="Close ties to the State."):
    with clock.as_of(on):
        return lodge_objection(
            review=cast.review,
            seat=target or seat_of(cast.sca_member),
            reasons=reasons,
            by=by or cast.focal_point,
        )


def rule(objection, by, upheld=True, ruled_on=dt.date(2030, 3, 1), reasons="Ties shown."):
    with clock.as_of(dt.date(2030, 3, 2)):
        return rule_on_objection(
            objection=objection, upheld=upheld, ruled_on=ruled_on, reasons=reasons, by=by
        )


def addressed_to(user):
    return list(OutgoingMessage.objects.filter(to=user.email).values_list("subject", flat=True))


# -- lodging an objection --


def test_the_focal_point_objects_to_a_member_and_the_secretariat_is_told(cast):
    objection = lodge(cast)

    assert (
        objection.review,
        objection.seat,
        objection.reasons,
        objection.lodged_by,
        objection.lodged_on,
        objection.ruling,
    ) == (
        cast.review,
        seat_of(cast.sca_member),
        "Close ties to the State.",
        cast.focal_point,
        BEFORE_CUTOFF,
        ObjectionRuling.PENDING,
    )
    assert objection.history.count() == 1
    assert addressed_to(cast.secretariat) == [
        "Objection to an SCA member: HOME, Session March 2030"
    ]
    body = OutgoingMessage.objects.get(to=cast.secretariat.email).body
    assert "Home Commission objects to the SCA seat of SCA Commission" in body
    assert "Close ties to the State." in body
    assert "2030-03-04" in body  # the Bureau's ruling deadline, explained
    # Until the Bureau rules, the member sits on the case and is told nothing.
    assert sits_on(cast.sca_member, cast.review)
    assert addressed_to(cast.sca_member) == []


def test_the_secretariat_may_record_an_objection_for_the_institution(cast):
    objection = lodge(cast, by=cast.secretariat)
    assert objection.lodged_by == cast.secretariat


def test_objections_are_accepted_on_the_cut_off_day_itself(cast):
    assert lodge(cast, on=CUTOFF).lodged_on == CUTOFF


def test_after_the_cut_off_an_objection_is_refused_with_the_date(cast):
    with pytest.raises(DomainError) as refused:
        lodge(cast, on=CUTOFF + dt.timedelta(days=1))
    assert str(refused.value) == "Objections to SCA members closed on 2030-02-18."
    assert not MemberObjection.objects.exists()
    assert not OutgoingMessage.objects.filter(to=cast.secretariat.email).exists()


@pytest.mark.parametrize(
    "member", ["sca_member", "recused_sca_member", "bureau_member", "other_focal_point", "observer"]
)
def test_only_the_institution_or_the_secretariat_may_object(cast, member):
    with pytest.raises(NotPermitted) as refused:
        lodge(cast, by=cast.members()[member])
    assert str(refused.value) == "Only the institution's focal points may object to an SCA member."
    assert not MemberObjection.objects.exists()


def test_a_second_objection_to_the_same_member_is_refused(cast):
    lodge(cast)
    with pytest.raises(DomainError) as refused:
        lodge(cast, reasons="Again.")
    assert str(refused.value) == "The institution has already objected to this member."
    assert MemberObjection.objects.get().reasons == "Close ties to the State."


def test_an_objection_without_reasons_is_refused(cast):
    with pytest.raises(DomainError) as refused:
        lodge(cast, reasons="   ")
    assert str(refused.value) == "Give the reasons for the objection."
    assert not MemberObjection.objects.exists()


def test_an_objection_of_overlong_reasons_is_refused(cast):
    with pytest.raises(DomainError) as refused:
        lodge(cast, reasons="x" * 5001)
    assert str(refused.value) == "Keep it to 5000 characters; it has 5001."
    assert not MemberObjection.objects.exists()


def test_an_objection_to_the_institutions_own_seat_or_a_seat_not_sitting_is_refused(cast):
    absent = assign_seat(
        institution=InstitutionFactory(region=region(RegionCode.EUROPE)),
        body=Body.SCA,
        role=SeatRole.MEMBER,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    for target in (seat_of(cast.recused_sca_member), absent):
        with pytest.raises(DomainError) as refused:
            lodge(cast, target=target)
        assert str(refused.value) == "Choose a seat of the SCA sitting at this session."
    assert not MemberObjection.objects.exists()


# -- the Bureau's ruling --


def test_an_upheld_objection_recuses_the_member_and_brings_in_the_alternate(cast):
    substitute, _alternate_seat = alternate(cast.session)
    assert not sits_on(substitute, cast.review)
    objection = lodge(cast)
    mail.outbox.clear()

    ruled = rule(objection, cast.secretariat)

    assert (ruled.ruling, ruled.ruled_on, ruled.ruling_reasons, ruled.ruling_recorded_by) == (
        ObjectionRuling.UPHELD,
        dt.date(2030, 3, 1),
        "Ties shown.",
        cast.secretariat,
    )
    recusal = Recusal.objects.get()
    assert (recusal.seat, recusal.reason, recusal.objection) == (
        seat_of(cast.sca_member),
        RecusalReason.OBJECTION_UPHELD,
        objection,
    )
    assert not sits_on(cast.sca_member, cast.review)
    assert sits_on(substitute, cast.review)
    assert objection.history.count() == 2
    assert addressed_to(cast.focal_point)[-1:] == [
        "Your objection to an SCA member: the Bureau's ruling (HOME)"
    ]
    assert (
        "Upheld: the member does not take part (1 March 2030)"
        in OutgoingMessage.objects.filter(to=cast.focal_point.email).last().body
    )
    assert addressed_to(cast.sca_member) == []
    assert all(cast.sca_member.email not in message.to for message in mail.outbox)


def test_a_rejected_objection_changes_nothing_in_who_sits(cast):
    substitute, _alternate_seat = alternate(cast.session)
    before = seats_on_case(cast.review)

    ruled = rule(lodge(cast), cast.secretariat, upheld=False)

    assert ruled.ruling == ObjectionRuling.REJECTED
    assert not Recusal.objects.exists()
    assert seats_on_case(cast.review) == before
    assert sits_on(cast.sca_member, cast.review)
    assert not sits_on(substitute, cast.review)


@pytest.mark.parametrize("member", ["focal_point", "sca_member", "bureau_member"])
def test_only_the_secretariat_records_the_bureaus_ruling(cast, member):
    objection = lodge(cast)
    with pytest.raises(NotPermitted):
        rule(objection, cast.members()[member])
    objection.refresh_from_db()
    assert objection.ruling == ObjectionRuling.PENDING
    assert not Recusal.objects.exists()


def test_a_ruling_is_recorded_once(cast):
    objection = lodge(cast)
    rule(objection, cast.secretariat, upheld=False)
    with pytest.raises(DomainError) as refused:
        rule(objection, cast.secretariat, upheld=True)
    assert str(refused.value) == "The Bureau's ruling on this objection is already recorded."
    objection.refresh_from_db()
    assert objection.ruling == ObjectionRuling.REJECTED
    assert not Recusal.objects.exists()


@pytest.mark.parametrize(
    ("ruled_on", "reasons", "message"),
    [
        (dt.date(2030, 3, 3), "Ties.", "The ruling cannot be dated in the future."),
        (
            dt.date(2030, 2, 1),
            "Ties.",
            "The ruling cannot be dated before the objection was lodged.",
        ),
        (dt.date(2030, 3, 1), " ", "Give the Bureau's reasons."),
    ],
)
def test_a_ruling_with_a_wrong_date_or_no_reasons_is_refused(cast, ruled_on, reasons, message):
    objection = lodge(cast)
    with pytest.raises(DomainError) as refused:
        rule(objection, cast.secretariat, ruled_on=ruled_on, reasons=reasons)
    assert str(refused.value) == message
    objection.refresh_from_db()
    assert (objection.ruling, objection.ruled_on) == (ObjectionRuling.PENDING, None)
    assert not Recusal.objects.exists()


# -- recusals --


def test_a_member_declares_a_conflict_and_steps_aside(cast):
    recusal = declare_recusal(
        review=cast.review, seat=seat_of(cast.sca_member), note="My cousin heads it.",
        by=cast.sca_member,
    )  # fmt: skip

    assert (recusal.reason, recusal.note, recusal.recorded_by, recusal.objection) == (
        RecusalReason.DECLARED,
        "My cousin heads it.",
        cast.sca_member,
        None,
    )
    assert not sits_on(cast.sca_member, cast.review)
    assert addressed_to(cast.secretariat) == [
        "Conflict of interest declared: HOME, Session March 2030"
    ]
    assert addressed_to(cast.sca_member) == []


def test_the_secretariat_records_a_declared_conflict_without_mailing_itself(cast):
    declare_recusal(
        review=cast.review, seat=seat_of(cast.sca_member), note="Told us by phone.",
        by=cast.secretariat,
    )  # fmt: skip
    assert not sits_on(cast.sca_member, cast.review)
    assert addressed_to(cast.secretariat) == []


@pytest.mark.parametrize(
    "member", ["focal_point", "bureau_member", "recused_sca_member", "observer", "other_member"]
)
def test_nobody_else_may_recuse_a_member(cast, member):
    other, _seat = seat(cast.session, username="other_member", code=RegionCode.EUROPE)
    person = other if member == "other_member" else cast.members()[member]
    with pytest.raises(NotPermitted):
        declare_recusal(
            review=cast.review, seat=seat_of(cast.sca_member), note="Conflict.", by=person
        )
    assert not Recusal.objects.exists()
    assert sits_on(cast.sca_member, cast.review)


def test_a_second_recusal_of_the_same_seat_is_refused(cast):
    target = seat_of(cast.sca_member)
    declare_recusal(review=cast.review, seat=target, note="First.", by=cast.secretariat)
    with pytest.raises(DomainError) as refused:
        declare_recusal(review=cast.review, seat=target, note="Again.", by=cast.secretariat)
    assert str(refused.value) == "This seat is already recused from the case."
    assert Recusal.objects.get().note == "First."


def test_a_recusal_of_the_institutions_own_seat_or_without_a_note_is_refused(cast):
    with pytest.raises(DomainError) as own:
        declare_recusal(
            review=cast.review, seat=seat_of(cast.recused_sca_member), note="Own.",
            by=cast.secretariat,
        )  # fmt: skip
    with pytest.raises(DomainError) as blank:
        declare_recusal(
            review=cast.review, seat=seat_of(cast.sca_member), note="", by=cast.sca_member
        )
    assert str(own.value) == "This seat sits for the institution under review: it never takes part."
    assert str(blank.value) == "Say what the conflict of interest is."
    assert not Recusal.objects.exists()


def test_the_seating_of_a_case_says_who_sits_and_why(cast):
    _substitute, alternate_seat = alternate(cast.session)
    _europe, europe_seat = seat(cast.session, username="europe", code=RegionCode.EUROPE)
    declare_recusal(review=cast.review, seat=europe_seat, note="Conflict.", by=cast.secretariat)
    rows = {row.seat: (row.sits, row.why) for row in seating(cast.review)}
    assert rows == {
        seat_of(cast.sca_member): (True, "Takes part."),
        alternate_seat: (False, "Alternate: not needed, the region's member takes part."),
        seat_of(cast.recused_sca_member): (
            False,
            "Sits for the institution under review: never takes part.",
        ),
        europe_seat: (False, "Conflict of interest declared"),
    }


# -- mail about a case never reaches a recused member --


def test_mail_about_a_case_is_not_written_to_a_member_recused_from_it(cast):
    declare_recusal(
        review=cast.review, seat=seat_of(cast.sca_member), note="Conflict.", by=cast.secretariat
    )
    addresses = [cast.sca_member.email, cast.recused_sca_member.email, cast.focal_point.email]
    with clock.as_of(BEFORE_CUTOFF):
        written = queue_mail(
            cast.review,
            addresses,
            "reviews/conflicts/emails/objection_ruled",
            "en",
            {"review": cast.review, "objection": lodge(cast)},
        )
    assert [message.to for message in written] == [cast.focal_point.email]


def test_an_institutions_mail_still_reaches_a_focal_point_who_sits_for_it(cast):
    procedure.focal_point(cast.home, "recused-sca")  # the member is also its focal point
    mailed = OutgoingMessage.objects.filter(to=cast.recused_sca_member.email)
    assert not mailed.exists()
    procedure.advance(cast.review, procedure.ReviewState.SUBMITTED)
    assert mailed.filter(review=cast.review).count() == 1
