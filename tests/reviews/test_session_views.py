"""The secretariat's session pages: who reaches them, planning a session, moving its dates,
seating and unseating, rearranging the agenda, what is refused and how, and what the list
and the session page cost."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accreditation.rulebook import RuleKey
from institutions.enums import Body, RegionCode, SeatRole
from institutions.services import add_seat_person, assign_seat
from nhri_portal import clock
from reviews.enums import ReviewKind
from reviews.models import Session
from reviews.services.sessions import SESSION_RULES, move_on_agenda, seat_in_session
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory, UserFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

LIST = reverse("reviews:sessions")
CREATE = reverse("reviews:session_create")
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
WEEK = dt.timedelta(days=7)


def detail(session):
    return reverse("reviews:session", args=[session.pk])


def dates(session):
    return reverse("reviews:session_dates", args=[session.pk])


def post_as(client, user, address, data):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(address, data)


def assert_refused_outside(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Page not found" in text(response)
        assert "Session March 2030" not in text(response)


def planned(**changes):
    data = {
        "number": "61",
        "name": "SCA session May 2032",
        "starts_on": "2032-05-10",
        "ends_on": "2032-05-14",
        "place": "Geneva",
        "dates_confirmed": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def deadline_dates(session):
    return {row.rule_key: row.due_on for row in session.deadlines.all()}


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("page", ["list", "create", "detail", "dates"])
def test_only_the_secretariat_finds_the_session_pages(client, cast, member, page):
    address = {
        "list": LIST,
        "create": CREATE,
        "detail": detail(cast.session),
        "dates": dates(cast.session),
    }[page]
    response = visit(client, cast.members()[member], address)
    if member == "secretariat":
        assert response.status_code == 200
        body = text(response)
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
    else:
        assert_refused_outside(response, member, address)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_plans_a_session(client, cast, member):
    response = post_as(client, cast.members()[member], CREATE, planned())
    if member == "secretariat":
        session = Session.objects.get(number=61)
        assert (response.status_code, response["Location"]) == (302, detail(session))
    else:
        assert_refused_outside(response, member, CREATE)
        assert Session.objects.count() == 1


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_moves_a_sessions_dates(client, cast, member):
    session = cast.session
    before = (session.starts_on, deadline_dates(session))
    data = {"starts_on": session.starts_on + WEEK, "ends_on": session.ends_on + WEEK}
    response = post_as(client, cast.members()[member], dates(session), data)
    session.refresh_from_db()
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (302, detail(session))
        assert session.starts_on == before[0] + WEEK
    else:
        assert_refused_outside(response, member, dates(session))
        assert (session.starts_on, deadline_dates(session)) == before


def test_the_secretariat_home_links_to_the_sessions(client, cast):
    page = text(visit(client, cast.secretariat, reverse("home")))
    assert f'<a href="{LIST}">Sessions</a>' in page


def test_planning_a_session_computes_its_deadlines_and_shows_them(client, cast):
    response = post_as(client, cast.secretariat, CREATE, planned())

    session = Session.objects.get(number=61)
    assert (
        session.name,
        session.starts_on,
        session.ends_on,
        session.place,
        session.is_virtual,
        session.dates_confirmed,
    ) == ("SCA session May 2032", dt.date(2032, 5, 10), dt.date(2032, 5, 14), "Geneva", False, True)
    assert set(deadline_dates(session)) == set(SESSION_RULES)
    page = text(client.get(response["Location"]))
    assert "SCA session May 2032 is planned." in page
    assert "<h1><bdi>SCA session May 2032</bdi></h1>" in page
    for row in session.deadlines.all():
        assert escape(row.explain()) in page
    assert "No review is on the agenda yet." in page


def test_a_virtual_session_with_dates_to_be_confirmed_says_so_in_the_list(client, cast):
    data = planned(number="", place="", is_virtual="on", dates_confirmed=None)
    post_as(client, cast.secretariat, CREATE, data)
    session = Session.objects.get(name="SCA session May 2032")
    assert (session.number, session.is_virtual, session.dates_confirmed) == (None, True, False)
    page = text(client.get(LIST))
    assert page.index("SCA session May 2032") < page.index("Session March 2030")
    assert "<td>virtual</td>" in page
    assert "dates to be confirmed" in page
    assert "<td>1</td>" in page  # the cast's session has its one review


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"name": ""}, "name", "Give the session a name."),
        ({"starts_on": "next week"}, "starts_on", "Give the first day as a date"),
        ({"ends_on": "2032-05-09"}, "ends_on", "A session cannot end before it starts."),
        ({"starts_on": "0001-01-01"}, "starts_on", "Give a day between 1990-01-01 and 2199-12-31."),
        ({"ends_on": "9999-12-31"}, "ends_on", "Give a day between 1990-01-01 and 2199-12-31."),
    ],
)
def test_a_bad_session_is_refused_with_the_field_in_error_and_nothing_planned(
    client, cast, changes, field, message
):
    response = post_as(client, cast.secretariat, CREATE, planned(**changes))
    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    assert f'<a href="#id_{field}">{message}' in page
    assert 'value="Geneva"' in page
    assert Session.objects.count() == 1


def test_a_number_already_taken_is_refused_on_the_number(client, cast):
    post_as(client, cast.secretariat, CREATE, planned())
    response = client.post(CREATE, planned(name="Another"))
    assert response.status_code == 400
    assert '<a href="#id_number">Session 61 already exists.</a>' in text(response)
    assert Session.objects.count() == 2


def test_moving_the_dates_recomputes_the_deadlines_and_lists_the_changes(client, cast):
    session = cast.session
    before = deadline_dates(session)
    review_due = cast.review.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).due_on
    client.force_login(cast.secretariat)
    form = text(client.get(dates(session)))
    assert f'value="{session.starts_on.isoformat()}"' in form

    data = {"starts_on": session.starts_on + WEEK, "ends_on": session.ends_on + WEEK}
    response = client.post(dates(session), data)

    session.refresh_from_db()
    assert deadline_dates(session) == {key: day + WEEK for key, day in before.items()}
    assert cast.review.deadlines.get().due_on == review_due + WEEK
    page = text(client.get(response["Location"]))
    assert "The dates are saved. Deadlines changed:" in page
    label = session.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).label
    old, new = review_due.strftime("%-d %B %Y"), (review_due + WEEK).strftime("%-d %B %Y")
    assert f"{label}: {old} → {new}" in page
    assert f"{label}: HOME: {old} → {new}" in page


def test_moving_the_dates_to_end_before_the_start_is_refused_and_nothing_moves(client, cast):
    session = cast.session
    before = (session.starts_on, session.ends_on, deadline_dates(session))
    client.force_login(cast.secretariat)
    response = client.post(dates(session), {"starts_on": "2030-05-10", "ends_on": "2030-05-09"})
    assert response.status_code == 400
    page = text(response)
    assert '<a href="#id_ends_on">A session cannot end before it starts.</a>' in page
    assert 'value="2030-05-10"' in page and 'value="2030-05-09"' in page
    session.refresh_from_db()
    assert (session.starts_on, session.ends_on, deadline_dates(session)) == before


def test_a_missing_date_is_refused_on_its_field(client, cast):
    client.force_login(cast.secretariat)
    response = client.post(dates(cast.session), {"starts_on": "2030-05-10"})
    assert response.status_code == 400
    assert '<a href="#id_ends_on">Give the last day of the session.</a>' in text(response)


def test_an_unknown_session_is_not_found(client, cast):
    response = visit(client, cast.secretariat, reverse("reviews:session", args=[9999]))
    assert response.status_code == 404


def test_the_agenda_is_ordered_by_kind_then_region_then_institution_and_links_dossiers(
    client, cast
):
    session = cast.session  # Home Commission (Asia-Pacific) is re-accredited there
    asia, africa = region(RegionCode.ASIA_PACIFIC), region(RegionCode.AFRICA)
    zeta = InstitutionFactory(name="Zeta Commission", country="FR", region=asia)
    alpha = InstitutionFactory(name="Alpha Commission", country="FR", region=asia)
    kenya = InstitutionFactory(name="Yet Another Commission", country="KE", region=africa)
    initial = procedure.open_review(zeta, session, kind=ReviewKind.INITIAL)
    procedure.open_review(alpha, session)
    procedure.open_review(kenya, session)

    page = text(visit(client, cast.secretariat, detail(session)))

    agenda = page.split("Reviews on the agenda")[1]
    names = re.findall(r'<a href="/reviews/\d+/dossier/"><bdi>([^<]+)</bdi></a>', agenda)
    assert names == [
        "Zeta Commission",
        "Yet Another Commission",
        "Alpha Commission",
        "Home Commission",
    ]
    assert f'<a href="{reverse("reviews:dossier", args=[initial.pk])}">' in agenda


def test_the_session_list_costs_the_same_queries_at_two_sizes(client):
    client.force_login(procedure.secretariat())
    for month in (1, 2):
        procedure.session(dt.date(2031, month, 10))
    small = queries_for(client, LIST)
    for month in range(3, 9):
        procedure.session(dt.date(2031, month, 10))
    assert queries_for(client, LIST) == small
    assert text(client.get(LIST)).count('<th scope="row">') == 8


def test_the_session_page_costs_the_same_queries_at_two_sizes(client):
    client.force_login(procedure.secretariat())
    session = procedure.session(dt.date(2031, 3, 10))
    for institution in InstitutionFactory.create_batch(2):
        procedure.open_review(institution, session)
    small = queries_for(client, detail(session))
    for institution in InstitutionFactory.create_batch(6):
        procedure.open_review(institution, session)
    assert queries_for(client, detail(session)) == small
    agenda = text(client.get(detail(session))).split("Reviews on the agenda")[1]
    assert len(re.findall(r'<a href="/reviews/\d+/dossier/">', agenda)) == 8


# -- the agenda rearranged --

BEFORE = dt.date(2029, 6, 1)  # the cast's session opens on 2030-03-11


def move(session, review):
    return reverse("reviews:agenda_move", args=[session.pk, review.pk])


def reset(session):
    return reverse("reviews:agenda_reset", args=[session.pk])


def agenda_names(page):
    agenda = page.split("Reviews on the agenda")[1]
    return re.findall(r'<a href="/reviews/\d+/dossier/"><bdi>([^<]+)</bdi></a>', agenda)


@pytest.fixture
def agenda(cast):
    """Alpha, Beta, Home: three re-accreditations of Asia-Pacific, in the default order."""
    for name in ("Beta Commission", "Alpha Commission"):
        procedure.open_review(InstitutionFactory(name=name), cast.session)
    return cast.session


def positions(session):
    return list(session.reviews.order_by("pk").values_list("agenda_position", flat=True))


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_moves_a_case_on_the_agenda(client, cast, agenda, member):
    address = move(agenda, cast.review)
    response = post_as(client, cast.members()[member], address, {"direction": "up"})
    if member == "secretariat":
        expected = detail(agenda) + f"#case-{cast.review.pk}"
        assert (response.status_code, response["Location"]) == (302, expected)
        page = text(client.get(expected))
        assert "Home Commission is number 2 on the agenda." in page
        assert agenda_names(page) == ["Alpha Commission", "Home Commission", "Beta Commission"]
        assert "Reviews on the agenda, in the order the secretariat set" in page
    else:
        assert_refused_outside(response, member, address)
        assert positions(agenda) == [None, None, None]


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_restores_the_default_order(client, cast, agenda, member):
    post_as(client, cast.secretariat, move(agenda, cast.review), {"direction": "up"})
    response = post_as(client, cast.members()[member], reset(agenda), {})
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (302, detail(agenda) + "#agenda")
        page = text(client.get(detail(agenda)))
        assert "The agenda is back in its default order." in page
        assert agenda_names(page) == ["Alpha Commission", "Beta Commission", "Home Commission"]
        assert "Restore the default order" not in page
    else:
        assert_refused_outside(response, member, reset(agenda))
        assert sorted(positions(agenda)) == [1, 2, 3]


def test_each_case_has_the_buttons_that_move_it_named_for_it(client, cast, agenda):
    page = text(visit(client, cast.secretariat, detail(agenda)))
    alpha, beta = (
        agenda.reviews.get(institution__name=n) for n in ("Alpha Commission", "Beta Commission")
    )
    assert f'<tr id="case-{alpha.pk}" tabindex="-1">' in page
    rows = {
        r.pk: page.split(f'<tr id="case-{r.pk}"')[1].split("</tr>")[0]
        for r in (alpha, beta, cast.review)
    }
    up = (
        '<button type="submit" name="direction" value="up">Move up'
        '<span class="visually-hidden"> <bdi>{}</bdi>'
    )
    down = up.replace('"up">Move up', '"down">Move down')
    assert f'action="{move(agenda, alpha)}"' in rows[alpha.pk]
    assert up.format("Alpha Commission") not in rows[alpha.pk]
    assert down.format("Alpha Commission") in rows[alpha.pk]
    assert (
        up.format("Beta Commission") in rows[beta.pk]
        and down.format("Beta Commission") in rows[beta.pk]
    )
    assert up.format("Home Commission") in rows[cast.review.pk]
    assert "Move down" not in rows[cast.review.pk]
    assert "Restore the default order" not in page


def test_a_case_of_another_session_is_not_found_there(client, cast, agenda):
    later = procedure.session(dt.date(2030, 10, 7))
    response = post_as(client, cast.secretariat, move(later, cast.review), {"direction": "up"})
    assert response.status_code == 404
    assert positions(agenda) == [None, None, None]


def test_a_bad_direction_is_refused_on_the_page(client, cast, agenda):
    response = post_as(
        client, cast.secretariat, move(agenda, cast.review), {"direction": "sideways"}
    )
    assert response.status_code == 400
    alert = '<div class="alert alert--error" role="alert"><p>{}</p></div>'
    assert alert.format("A case moves up or down the agenda.") in text(response)
    assert positions(agenda) == [None, None, None]


def test_after_the_session_the_agenda_has_no_buttons_and_moves_are_refused(client, cast, agenda):
    over = agenda.ends_on + dt.timedelta(days=1)
    page = text(visit(client, cast.secretariat, detail(agenda), on=over))
    assert "Move up" not in page and "Move down" not in page
    client.force_login(cast.secretariat)
    with clock.as_of(over):
        response = client.post(move(agenda, cast.review), {"direction": "up"})
    assert response.status_code == 400
    assert "The session is over; its agenda stays as it was taken up." in text(response)
    assert positions(agenda) == [None, None, None]


# -- seating --


def seat_url(session):
    return reverse("reviews:seat", args=[session.pk])


def unseat_url(session, seat):
    return reverse("reviews:unseat", args=[session.pk, seat.pk])


def seats_part(page):
    return page.split('<h2 id="seats">')[1].split('<h2 id="agenda">')[0]


def sca_seat_of(institution, role=SeatRole.MEMBER, **extra):
    return assign_seat(
        institution=institution,
        body=Body.SCA,
        role=role,
        starts_on=dt.date(2020, 1, 1),
        by=None,
        **extra,
    )


def test_the_seats_sitting_are_grouped_by_region_member_first(client, cast):
    lagos = InstitutionFactory(
        name="Lagos Commission", country="NG", region=region(RegionCode.AFRICA)
    )
    alternate = sca_seat_of(lagos, SeatRole.ALTERNATE)
    add_seat_person(
        seat=alternate, user=UserFactory(username="ada", first_name="Ada", last_name="Obi"), by=None
    )
    with clock.as_of(BEFORE):
        seat_in_session(session=cast.session, seat=alternate, by=None)
    part = seats_part(text(visit(client, cast.secretariat, detail(cast.session), on=BEFORE)))
    groups = re.findall(r'<th scope="rowgroup" rowspan="(\d)">([^<]+)</th>', part)
    assert groups == [("2", "Africa"), ("1", "Asia-Pacific")]
    africa = part.split(">Africa<")[1].split("</tbody>")[0]
    assert africa.index("SCA Commission") < africa.index("Lagos Commission")
    assert "<td>Member</td>" in africa and "<td>Alternate</td>" in africa
    assert "<bdi>sca</bdi>" in africa and "<bdi>Ada Obi</bdi>" in africa
    assert f'action="{unseat_url(cast.session, alternate)}"' in africa
    assert 'Unseat<span class="visually-hidden"> <bdi>Lagos Commission</bdi></span>' in africa


def test_the_seat_form_offers_the_sca_seats_whose_term_covers_the_session_and_not_sitting(
    client, cast
):
    europe = sca_seat_of(cast.other)
    sca_seat_of(InstitutionFactory(name="Ended Commission"), ends_on=dt.date(2029, 12, 31))
    assign_seat(
        institution=InstitutionFactory(name="Bureau Only"),
        body=Body.BUREAU,
        role=SeatRole.MEMBER,
        starts_on=dt.date(2020, 1, 1),
        by=None,
    )
    page = text(visit(client, cast.secretariat, detail(cast.session)))
    form = page.split(f'action="{seat_url(cast.session)}"')[1].split("</form>")[0]
    options = re.findall(r'<option value="(\d*)"[^>]*>([^<]*)</option>', form)
    assert options == [
        ("", "Choose a seat"),
        (str(europe.pk), "\u2068Other Commission\u2069, Europe: Member"),
    ]
    assert '<label for="id_seat">SCA seat</label>' in form


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_seats_a_seat(client, cast, member):
    europe = sca_seat_of(cast.other)
    response = post_as(client, cast.members()[member], seat_url(cast.session), {"seat": europe.pk})
    if member == "secretariat":
        expected = detail(cast.session) + "#seats"
        assert (response.status_code, response["Location"]) == (302, expected)
        page = text(client.get(expected))
        assert "Other Commission sits in Session March 2030." in page
        assert ">Europe</th>" in seats_part(page)
    else:
        assert_refused_outside(response, member, seat_url(cast.session))
        assert not cast.session.seats.filter(pk=europe.pk).exists()


def test_a_second_member_for_a_region_is_refused_on_the_seat_field(client, cast):
    lagos = InstitutionFactory(
        name="Lagos Commission", country="NG", region=region(RegionCode.AFRICA)
    )
    second = sca_seat_of(lagos)
    response = post_as(client, cast.secretariat, seat_url(cast.session), {"seat": second.pk})
    assert response.status_code == 400
    page = text(response)
    assert (
        '<a href="#id_seat">Africa already has its member in this session: SCA Commission. '
        "Unseat it first, or seat this one as the alternate.</a>"
    ) in page
    assert f'<option value="{second.pk}" selected>' in page
    assert not cast.session.seats.filter(pk=second.pk).exists()


@pytest.mark.parametrize("chosen", ["", "9999", "x"])
def test_a_seat_not_in_the_list_is_refused(client, cast, chosen):
    response = post_as(client, cast.secretariat, seat_url(cast.session), {"seat": chosen})
    assert response.status_code == 400
    message = "Choose the seat to seat." if chosen == "" else "Choose one of the seats in the list."
    assert f'<a href="#id_seat">{message}</a>' in text(response)
    assert cast.session.seats.count() == 2


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_unseats_a_seat(client, cast, member):
    seat = cast.sca_member.seats.get()
    address = unseat_url(cast.session, seat)
    client.logout()
    if cast.members()[member] is not None:
        client.force_login(cast.members()[member])
    with clock.as_of(BEFORE):
        response = client.post(address)
    if member == "secretariat":
        expected = detail(cast.session) + "#seats"
        assert (response.status_code, response["Location"]) == (302, expected)
        with clock.as_of(BEFORE):
            page = text(client.get(expected))
        assert "SCA Commission no longer sits in Session March 2030." in page
        assert ">Africa</th>" not in seats_part(page)
        assert f'<option value="{seat.pk}">' in page  # it may be seated again
    else:
        assert_refused_outside(response, member, address)
        assert cast.session.seats.filter(pk=seat.pk).exists()


def test_once_the_session_has_started_there_is_no_unseat_button_and_unseating_is_refused(
    client, cast
):
    seat = cast.sca_member.seats.get()
    page = text(visit(client, cast.secretariat, detail(cast.session), on=cast.session.starts_on))
    assert "Unseat" not in page
    assert "The session has started: who sits in it stays as it is." in page
    with clock.as_of(cast.session.starts_on):
        response = client.post(unseat_url(cast.session, seat))
    assert response.status_code == 400
    assert "its recommendations depend on who sat." in text(response)
    assert cast.session.seats.filter(pk=seat.pk).exists()


def test_a_seat_not_sitting_cannot_be_unseated_there(client, cast):
    europe = sca_seat_of(cast.other)
    response = post_as(client, cast.secretariat, unseat_url(cast.session, europe), {})
    assert response.status_code == 404


def test_the_session_page_costs_the_same_queries_with_more_seats_and_a_rearranged_agenda(client):
    secretariat = procedure.secretariat()
    client.force_login(secretariat)
    session = procedure.session(dt.date(2031, 3, 10))
    codes = list(RegionCode)

    def grow(count, start):
        for n in range(start, start + count):
            institution = InstitutionFactory(region=region(codes[n % 4]))
            review = procedure.open_review(institution, session)
            role = SeatRole.MEMBER if n < 4 else SeatRole.ALTERNATE
            seat = sca_seat_of(institution, role)
            add_seat_person(seat=seat, user=UserFactory(), by=None)
            if n < 8:
                seat_in_session(session=session, seat=seat, by=None)
            move_on_agenda(review=review, direction="up", by=secretariat)

    grow(2, 0)
    small = queries_for(client, detail(session), on=BEFORE)
    grow(6, 2)
    assert queries_for(client, detail(session), on=BEFORE) == small
    page = text(client.get(detail(session)))
    assert len(agenda_names(page)) == 8
    assert seats_part(page).count("<td>Alternate</td>") == 4
