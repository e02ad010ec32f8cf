"""The secretariat's invitation page: who reaches it, what an invitation opens, what is
refused and how, and the deadlines of the chosen session."""

import datetime as dt
import re
from urllib.parse import quote

import pytest
from django.urls import reverse
from django.utils.html import escape

from accreditation.enums import Grade
from accreditation.rulebook import RuleKey
from accreditation.services import record_prior_status
from nhri_portal import clock
from reviews.enums import ReviewKind, ReviewState
from reviews.models import MessageState, OutgoingMessage, Review, ReviewEvent
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

INVITE = reverse("reviews:invite")
DEADLINES = reverse("reviews:invite_deadlines")
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
# The cast's own review of the home institution.
REVIEWS_BEFORE = 1


@pytest.fixture
def later(cast):
    """A session ahead with no review yet (the cast's session already has one)."""
    return procedure.session(dt.date(2031, 3, 10))


def invitation(institution, session, kind=ReviewKind.REACCREDITATION, reason=""):
    return {
        "institution": institution.pk,
        "session": session.pk,
        "kind": kind.value,
        "reason": reason,
    }


def post_as(client, user, data):
    client.logout()
    if user is not None:
        client.force_login(user)
    return client.post(INVITE, data)


def options(page, name):
    """The (value, label, selected) of each option of the select ``name``."""
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S).group(0)
    found = re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)
    return [(value, label, bool(selected)) for value, selected, label in found]


def plain(label):
    """An option's label without the Unicode isolates that keep it readable in Arabic."""
    return re.sub("[\u2066-\u2069]", "", label)


def assert_refused_outside(response, member, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    else:
        assert response.status_code == 404
        assert "Page not found" in text(response)
        assert "Invite an institution" not in text(response)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_finds_the_invitation_page(client, cast, member):
    response = visit(client, cast.members()[member], INVITE)
    if member == "secretariat":
        assert response.status_code == 200
        page = text(response)
        assert "<h1>Invite an institution</h1>" in page
        assert page.count("<h1") == 1
        assert "<script>" not in page and "style=" not in page
    else:
        assert_refused_outside(response, member, INVITE)


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_can_invite_and_nobody_else_opens_anything(
    client, cast, later, member
):
    data = invitation(cast.other, later)
    response = post_as(client, cast.members()[member], data)
    if member == "secretariat":
        review = Review.objects.get(institution=cast.other)
        assert (response.status_code, response["Location"]) == (
            302,
            reverse("reviews:dossier", args=[review.pk]),
        )
        assert Review.objects.count() == REVIEWS_BEFORE + 1
    else:
        assert_refused_outside(response, member, INVITE)
        assert Review.objects.count() == REVIEWS_BEFORE
        assert not OutgoingMessage.objects.filter(review__institution=cast.other).exists()


@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_secretariat_sees_a_sessions_deadlines(client, cast, later, member):
    address = f"{DEADLINES}?session={later.pk}"
    response = visit(client, cast.members()[member], address)
    if member == "secretariat":
        assert response.status_code == 200
        assert "Deadlines of <bdi>Session March 2031</bdi>" in text(response)
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(quote(address)))
    else:
        assert response.status_code == 404
        assert "Session March 2031" not in text(response)


def test_an_invitation_opens_the_review_with_its_deadline_and_tells_the_focal_points(
    client, cast, later
):
    data = invitation(cast.other, later, ReviewKind.INITIAL, reason="Welcome to the procedure.")
    response = post_as(client, cast.secretariat, data)

    review = Review.objects.get(institution=cast.other)
    assert (review.state, review.session, review.kind) == (
        ReviewState.INVITED,
        later,
        ReviewKind.INITIAL,
    )
    due = review.deadlines.get()
    session_due = later.deadlines.get(rule_key=RuleKey.DOSSIER_DUE)
    assert (due.rule_key, due.due_on) == (RuleKey.DOSSIER_DUE, session_due.due_on)
    event = ReviewEvent.objects.get(review=review)
    assert (event.by, event.from_state, event.to_state, event.reason) == (
        cast.secretariat,
        "",
        ReviewState.INVITED,
        "Welcome to the procedure.",
    )
    mail = OutgoingMessage.objects.get(review=review)
    assert mail.to == cast.other_focal_point.email
    assert mail.state in (MessageState.QUEUED, MessageState.SENT)
    assert "Welcome to the procedure." in mail.body

    dossier = text(client.get(response["Location"]))
    assert (
        "OTHER is invited to Session March 2031. The invitation has been sent to 1 focal point "
        "of the institution."
    ) in dossier
    assert "<dd>Initial accreditation</dd>" in dossier
    assert escape(due.explain()) in dossier
    home = text(client.get(reverse("home")))
    assert 'id="state-invited"' in home
    assert "Other Commission" in home


def test_an_institution_without_focal_points_is_invited_and_the_secretariat_is_warned(
    client, cast, later
):
    lonely = InstitutionFactory(name="Lonely Commission", acronym="LONE", country="NO")
    response = post_as(client, cast.secretariat, invitation(lonely, later))
    assert Review.objects.filter(institution=lonely, state=ReviewState.INVITED).count() == 1
    assert not OutgoingMessage.objects.filter(review__institution=lonely).exists()
    page = text(client.get(response["Location"]))
    assert "LONE is invited to Session March 2031, but nobody was sent the invitation" in page


def test_inviting_an_institution_with_an_open_review_is_refused_with_the_services_message(
    client, cast, later
):
    data = invitation(cast.home, later, reason="Again.")
    response = post_as(client, cast.secretariat, data)

    assert response.status_code == 400
    page = text(response)
    assert "There is a problem" in page
    message = f"HOME already has an open review ({cast.review})."
    assert f'<a href="#id_institution">{message}</a>' in page
    assert (str(cast.home.pk), True) in [(v, s) for v, _label, s in options(page, "institution")]
    assert (str(later.pk), True) in [(v, s) for v, _label, s in options(page, "session")]
    assert 'value="re-accreditation" id="id_kind_1" required checked>' in page
    assert "Again.</textarea>" in page
    # The session's deadlines are shown without JavaScript too.
    assert "Deadlines of <bdi>Session March 2031</bdi>" in page
    assert Review.objects.count() == REVIEWS_BEFORE
    assert OutgoingMessage.objects.filter(review__session=later).count() == 0


def test_an_accredited_institution_is_not_invited_to_initial_accreditation(client, cast, later):
    record_prior_status(
        institution=cast.other, grade=Grade.A, held_on=dt.date(2020, 1, 1), note="", by=None
    )
    response = post_as(client, cast.secretariat, invitation(cast.other, later, ReviewKind.INITIAL))
    assert response.status_code == 400
    message = "An accredited institution is re-accredited, not accredited anew."
    assert f'<a href="#id_kind">{message}</a>' in text(response)
    assert not Review.objects.filter(institution=cast.other).exists()


def test_a_double_click_invites_once_and_both_clicks_end_on_the_review(client, cast, later):
    data = invitation(cast.other, later)
    first = post_as(client, cast.secretariat, data)
    second = client.post(INVITE, data)
    review = Review.objects.get(institution=cast.other)
    address = reverse("reviews:dossier", args=[review.pk])
    assert (first["Location"], second["Location"]) == (address, address)
    assert OutgoingMessage.objects.filter(review=review).count() == 1
    assert "This invitation was already sent; here is its review." in text(client.get(address))


def test_a_session_that_is_over_is_not_offered_and_refused_if_posted(client, cast, later):
    over = procedure.session(dt.date(2020, 3, 9), name="Session of 2020")
    client.force_login(cast.secretariat)
    offered = [value for value, _label, _s in options(text(client.get(INVITE)), "session")]
    assert offered == ["", str(cast.session.pk), str(later.pk)]

    response = client.post(INVITE, invitation(cast.other, over))
    assert response.status_code == 400
    assert '<a href="#id_session">Choose one of the sessions still to come.</a>' in text(response)
    assert not Review.objects.filter(institution=cast.other).exists()


def test_unknown_institution_and_missing_kind_are_refused_with_field_errors(client, cast, later):
    data = {"institution": "999999", "session": later.pk, "reason": "Kept."}
    response = post_as(client, cast.secretariat, data)
    assert response.status_code == 400
    page = text(response)
    assert '<a href="#id_institution">Choose one of the institutions in the list.</a>' in page
    assert '<a href="#id_kind">Choose the kind of review.</a>' in page
    assert 'aria-invalid="true"' in page
    assert "Kept.</textarea>" in page
    assert Review.objects.count() == REVIEWS_BEFORE


def test_institutions_are_listed_by_country_name_with_the_open_review_marked(client, cast):
    client.force_login(cast.secretariat)
    labels = [plain(label) for value, label, _s in options(text(client.get(INVITE)), "institution")]
    assert labels == [
        "Choose an institution",
        "Bureau Commission (BURC), Chile",
        "Other Commission (OTHER), Germany",
        "SCA Commission (SCAC), Kenya",
        "Home Commission (HOME), New Zealand: already has an open review",
    ]


def test_sessions_are_listed_by_date_with_dates_to_be_confirmed_said(client, cast, later):
    procedure.session(dt.date(2030, 10, 7), name="Autumn session", dates_confirmed=False)
    client.force_login(cast.secretariat)
    labels = [plain(label) for _v, label, _s in options(text(client.get(INVITE)), "session")]
    assert labels == [
        "Choose a session",
        "Session March 2030, 11 March 2030 to 15 March 2030",
        "Autumn session, 7 October 2030 to 11 October 2030 (dates to be confirmed)",
        "Session March 2031, 10 March 2031 to 14 March 2031",
    ]


def test_the_deadlines_of_the_chosen_session_explain_themselves(client, cast, later):
    client.force_login(cast.secretariat)
    page = text(client.get(f"{DEADLINES}?session={later.pk}"))
    deadlines = list(later.deadlines.all())
    assert len(deadlines) == 7
    for deadline in deadlines:
        assert escape(deadline.explain()) in page
        assert f'<time datetime="{deadline.due_on}">' in page


@pytest.mark.parametrize("chosen", ["", "nothing", "999999", "over"])
def test_no_session_or_one_not_offered_shows_no_deadlines(client, cast, chosen):
    if chosen == "over":
        chosen = str(procedure.session(dt.date(2020, 3, 9)).pk)
    client.force_login(cast.secretariat)
    response = client.get(f"{DEADLINES}?session={chosen}")
    assert (response.status_code, text(response).strip()) == (200, "")


def test_the_secretariats_home_links_to_the_invitation_page(client, cast):
    client.force_login(cast.secretariat)
    assert f'<a class="button" href="{INVITE}">Invite an institution</a>' in text(
        client.get(reverse("home"))
    )


def test_the_page_speaks_french(client, cast):
    client.force_login(cast.secretariat)
    page = text(client.get(INVITE, HTTP_ACCEPT_LANGUAGE="fr"))
    assert "Inviter une institution" in page
    assert "Nouvelle-Zélande" in page


def test_the_institution_list_costs_the_same_queries_at_two_sizes(client):
    client.force_login(procedure.secretariat())
    session = procedure.session(dt.date(2031, 3, 10))
    institutions = InstitutionFactory.create_batch(3)
    procedure.open_review(institutions[0], session)
    small = queries_for(client, INVITE)
    InstitutionFactory.create_batch(9)
    large = queries_for(client, INVITE)
    assert small == large
    assert len(options(text(client.get(INVITE)), "institution")) == 1 + 12


def test_a_deadline_already_passed_is_marked_in_the_preview(client, cast, later):
    dossier_due = later.deadlines.get(rule_key=RuleKey.DOSSIER_DUE).due_on
    client.force_login(cast.secretariat)
    address = f"{DEADLINES}?session={later.pk}"
    with clock.as_of(dossier_due - dt.timedelta(days=1)):
        assert "(already passed)" not in text(client.get(address))
    with clock.as_of(dossier_due + dt.timedelta(days=1)):
        page = text(client.get(address))
    assert page.count("(already passed)") == 1
    assert f'<time datetime="{dossier_due}">' in page.split("(already passed)")[0]
