"""The objections page and the page where a member declares a conflict: who finds them,
what each sees, what a POST changes, and what the objections page costs."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils.html import escape

from institutions.enums import RegionCode
from nhri_portal import clock
from reviews.enums import ObjectionRuling, RecusalReason
from reviews.models import MemberObjection, Recusal
from reviews.permissions import sits_on
from reviews.services.conflicts import lodge_objection
from tests.conflicts import BEFORE_CUTOFF, CUTOFF, alternate, seat, seat_of
from tests.dossier import login_url
from tests.pages import queries_for, text, visit

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


def page(review):
    return reverse("reviews:objections", args=[review.pk])


def post_as(client, user, address, data, on=BEFORE_CUTOFF):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(address, data)


def objection(cast, reasons="Close ties to the State."):
    with clock.as_of(BEFORE_CUTOFF):
        return lodge_objection(
            review=cast.review, seat=seat_of(cast.sca_member), reasons=reasons, by=cast.focal_point
        )


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_institution_and_the_secretariat_find_the_objections_page(client, cast, member):
    objection(cast)
    response = visit(client, cast.members()[member], page(cast.review), on=BEFORE_CUTOFF)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(page(cast.review)))
        return
    body = text(response)
    if member in ("secretariat", "focal_point"):
        assert response.status_code == 200
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
        assert "Close ties to the State." in body
        assert "SCA Commission" in body
        assert escape("Awaiting the Bureau's ruling") in body
    else:
        # Not even the member objected to may learn of it.
        assert response.status_code == 404
        assert "Close ties to the State." not in body
        assert "Objections to SCA members" not in body


def test_the_focal_point_sees_who_sits_the_cut_off_and_a_form_to_object(client, cast):
    _europe, _seat = seat(cast.session, username="europe", code=RegionCode.EUROPE, name="Euro NHRI")
    body = text(visit(client, cast.focal_point, page(cast.review), on=BEFORE_CUTOFF))
    assert '<th scope="row"><bdi>SCA Commission</bdi></th>' in body
    assert '<th scope="row"><bdi>Euro NHRI</bdi></th>' in body
    # The regions, and the people each seat sends.
    assert "<td>Africa</td>" in body and "<td>Europe</td>" in body
    assert "<td><bdi>sca</bdi></td>" in body and "<td><bdi>Europe</bdi></td>" in body
    # The institution's own seat is not listed: it never takes part anyway.
    assert "<bdi>Home Commission</bdi></th>" not in body
    cutoff = cast.session.deadlines.get(rule_key="member-objection-cutoff")
    assert escape(cutoff.explain()) in body
    assert 'action="{}"'.format(reverse("reviews:objection_lodge", args=[cast.review.pk])) in body
    # What only the secretariat sees.
    assert "Who sits on this case" not in body
    assert "Record a declared conflict of interest" not in body


def test_after_the_cut_off_the_page_offers_no_form(client, cast):
    body = text(visit(client, cast.focal_point, page(cast.review), on=CUTOFF + dt.timedelta(1)))
    assert "No objection can be lodged now" in body
    assert reverse("reviews:objection_lodge", args=[cast.review.pk]) not in body


def test_the_focal_point_lodges_an_objection_from_the_page(client, cast):
    address = reverse("reviews:objection_lodge", args=[cast.review.pk])
    data = {"seat": seat_of(cast.sca_member).pk, "reasons": "Close ties."}
    response = post_as(client, cast.focal_point, address, data)
    assert (response.status_code, response["Location"]) == (302, page(cast.review))
    lodged = MemberObjection.objects.get()
    assert (lodged.seat, lodged.reasons, lodged.lodged_by) == (
        seat_of(cast.sca_member),
        "Close ties.",
        cast.focal_point,
    )
    assert "Your objection is recorded." in text(client.get(page(cast.review)))


def test_a_late_or_empty_objection_is_shown_on_the_page_and_nothing_is_stored(client, cast):
    address = reverse("reviews:objection_lodge", args=[cast.review.pk])
    late = post_as(
        client,
        cast.focal_point,
        address,
        {"seat": seat_of(cast.sca_member).pk, "reasons": "Ties."},
        on=CUTOFF + dt.timedelta(1),
    )
    empty = post_as(client, cast.focal_point, address, {"seat": "", "reasons": ""})
    assert late.status_code == 400
    assert "Objections to SCA members closed on 2030-02-18." in text(late)
    assert empty.status_code == 400
    assert 'aria-describedby="id_seat_error"' in text(empty)
    assert "Choose the member you object to." in text(empty)
    assert not MemberObjection.objects.exists()


@pytest.mark.parametrize("member", ["sca_member", "observer", "bureau_member"])
def test_outsiders_cannot_lodge_an_objection(client, cast, member):
    address = reverse("reviews:objection_lodge", args=[cast.review.pk])
    data = {"seat": seat_of(cast.sca_member).pk, "reasons": "Ties."}
    response = post_as(client, cast.members()[member], address, data)
    assert response.status_code == 404
    assert not MemberObjection.objects.exists()


def test_the_secretariat_sees_the_seating_and_records_the_bureaus_ruling(client, cast):
    substitute, _alternate_seat = alternate(cast.session)
    lodged = objection(cast)
    body = text(visit(client, cast.secretariat, page(cast.review), on=BEFORE_CUTOFF))
    assert "Who sits on this case" in body
    assert escape("Alternate: not needed, the region's member takes part.") in body
    assert "Sits for the institution under review: never takes part." in body
    ruling_due = cast.session.deadlines.get(rule_key="member-objection-ruling")
    assert escape(ruling_due.explain()) in body

    address = reverse("reviews:objection_ruling", args=[cast.review.pk, lodged.pk])
    data = {"upheld": "yes", "ruled_on": "2030-03-01", "reasons": "Ties shown."}
    response = post_as(client, cast.secretariat, address, data, on=dt.date(2030, 3, 2))

    assert (response.status_code, response["Location"]) == (302, page(cast.review))
    lodged.refresh_from_db()
    assert (lodged.ruling, lodged.ruled_on) == (ObjectionRuling.UPHELD, dt.date(2030, 3, 1))
    assert Recusal.objects.get().reason == RecusalReason.OBJECTION_UPHELD
    assert sits_on(substitute, cast.review) and not sits_on(cast.sca_member, cast.review)
    after = text(visit(client, cast.secretariat, page(cast.review), on=dt.date(2030, 3, 2)))
    assert escape("Stands in for the region's member, who does not take part.") in after
    assert escape("The Bureau upheld the institution's objection") in after


def test_a_ruling_in_the_future_is_refused_on_the_page(client, cast):
    lodged = objection(cast)
    address = reverse("reviews:objection_ruling", args=[cast.review.pk, lodged.pk])
    data = {"upheld": "no", "ruled_on": "2030-03-05", "reasons": "No."}
    response = post_as(client, cast.secretariat, address, data, on=dt.date(2030, 3, 2))
    assert response.status_code == 400
    assert "The ruling cannot be dated in the future." in text(response)
    assert f'id="ruling-{lodged.pk}-ruled_on"' in text(response)
    lodged.refresh_from_db()
    assert lodged.ruling == ObjectionRuling.PENDING


def test_the_focal_point_may_not_record_a_ruling(client, cast):
    lodged = objection(cast)
    address = reverse("reviews:objection_ruling", args=[cast.review.pk, lodged.pk])
    data = {"upheld": "no", "ruled_on": "2030-03-01", "reasons": "No."}
    response = post_as(client, cast.focal_point, address, data, on=dt.date(2030, 3, 2))
    assert response.status_code == 403
    lodged.refresh_from_db()
    assert lodged.ruling == ObjectionRuling.PENDING


def test_the_secretariat_records_a_declared_recusal_from_the_page(client, cast):
    address = reverse("reviews:recusal_record", args=[cast.review.pk])
    data = {"seat": seat_of(cast.sca_member).pk, "note": "Declared by phone."}
    response = post_as(client, cast.secretariat, address, data)
    assert (response.status_code, response["Location"]) == (302, page(cast.review))
    assert Recusal.objects.get().note == "Declared by phone."
    assert not sits_on(cast.sca_member, cast.review)


def recuse_page(review):
    return reverse("reviews:recuse", args=[review.pk])


@pytest.mark.parametrize("member", MEMBERS)
def test_only_a_member_sitting_on_the_case_finds_the_declaration_page(client, cast, member):
    response = visit(client, cast.members()[member], recuse_page(cast.review))
    expected = {
        "sca_member": 200,
        "secretariat": 403,
        "focal_point": 403,
        "anonymous": 302,
    }.get(member, 404)
    assert response.status_code == expected
    if expected == 200:
        assert "Declare the conflict and step aside" in text(response)
    elif expected == 404:
        assert "Home Commission" not in text(response)


def test_a_member_declares_a_conflict_and_loses_the_case(client, cast):
    response = post_as(client, cast.sca_member, recuse_page(cast.review), {"note": "Cousin."})
    assert (response.status_code, response["Location"]) == (302, reverse("home"))
    recusal = Recusal.objects.get()
    assert (recusal.seat, recusal.reason, recusal.note) == (
        seat_of(cast.sca_member),
        RecusalReason.DECLARED,
        "Cousin.",
    )
    home = text(client.get(reverse("home")))
    assert "Your conflict of interest is recorded." in home
    assert "Home Commission" not in home
    again = post_as(client, cast.sca_member, recuse_page(cast.review), {"note": "Again."})
    assert again.status_code == 404
    assert Recusal.objects.count() == 1


def test_a_declaration_without_a_note_is_refused(client, cast):
    response = post_as(client, cast.sca_member, recuse_page(cast.review), {"note": ""})
    assert response.status_code == 400
    assert "Say what the conflict of interest is." in text(response)
    assert not Recusal.objects.exists()


@pytest.mark.parametrize("who", ["secretariat", "focal_point"])
def test_the_objections_page_costs_the_same_for_two_and_six_objections(client, cast, who):
    seated = [cast.sca_member] + [
        seat(cast.session, username=f"m{n}", code=code)[0]
        for n, code in enumerate([RegionCode.EUROPE, RegionCode.AMERICAS])
    ]
    seated += [
        alternate(cast.session, code)[0]
        for code in (RegionCode.AFRICA, RegionCode.EUROPE, RegionCode.AMERICAS)
    ]
    alternate(cast.session, RegionCode.ASIA_PACIFIC)  # never objected to: the form stays
    user = cast.members()[who]

    def lodge_for(people):
        for person in people:
            with clock.as_of(BEFORE_CUTOFF):
                lodge_objection(
                    review=cast.review, seat=seat_of(person), reasons="Ties.", by=cast.focal_point
                )

    client.force_login(user)
    lodge_for(seated[:2])
    two = queries_for(client, page(cast.review), on=BEFORE_CUTOFF)
    lodge_for(seated[2:])
    six = queries_for(client, page(cast.review), on=BEFORE_CUTOFF)
    assert MemberObjection.objects.count() == 6
    assert two == six
