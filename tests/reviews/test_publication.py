"""Publishing a session's report once every case is final, and the published reports
anyone may read."""

import datetime as dt

import pytest
from django.urls import reverse

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import Outcome, ReviewKind, ReviewState
from reviews.models import Session
from reviews.services.publication import publish_report, publishable
from reviews.services.sweep import process_deadlines
from reviews.services.transitions import transition
from tests import procedure
from tests.dossier import login_url
from tests.factories import InstitutionFactory
from tests.pages import queries_for, text, visit
from tests.reviews.test_meeting_views import MEMBERS

pytestmark = pytest.mark.django_db

NOTIFIED = dt.date(2030, 3, 20)
ADOPTED = dt.date(2030, 5, 7)  # the Bureau window closed without a referral
TODAY = dt.date(2030, 5, 10)


def report(session):
    return reverse("reviews:report", args=[session.pk])


def public(session):
    return reverse("reviews:public_report", args=[session.pk])


def adopted(cast):
    procedure.notified(cast.review, on=NOTIFIED)
    process_deadlines(as_of=ADOPTED + dt.timedelta(days=1))
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DECIDED
    return cast.review


def publish(cast, by=None):
    with clock.as_of(TODAY):
        return publish_report(session=cast.session, by=by or cast.secretariat)


def test_a_session_with_a_case_not_final_is_not_publishable_and_says_which(cast):
    procedure.notified(cast.review, on=NOTIFIED)
    assert publishable(cast.session) == (
        False,
        None,
        ["Home Commission: the case is “Challenge window open”, not final yet."],
    )


def test_once_every_case_is_decided_the_report_is_final_from_the_last_decision(cast):
    adopted(cast)
    assert publishable(cast.session) == (True, ADOPTED, [])


def test_a_deferral_is_final_when_adopted_and_a_withdrawal_does_not_hold_the_report(cast):
    adopted(cast)
    deferred = procedure.open_review(InstitutionFactory(name="Deferred"), cast.session)
    later = procedure.session(dt.date(2030, 10, 7), name="October")
    procedure.recommend(deferred, Outcome.DEFER, follow_up=later)
    withdrawn = procedure.open_review(
        InstitutionFactory(name="Gone"), cast.session, kind=ReviewKind.INITIAL
    )
    with clock.as_of(dt.date(2030, 1, 1)):
        transition(withdrawn, to=ReviewState.WITHDRAWN, by=cast.secretariat, reason="Left.")
    # The deferral was agreed at the end of the session, before the adoption.
    assert publishable(cast.session) == (True, ADOPTED, [])
    assert publishable(later)[0] is False  # its follow-up case is only invited


def test_a_session_without_any_recommendation_has_nothing_to_publish(cast):
    with clock.as_of(dt.date(2030, 1, 1)):
        transition(cast.review, to=ReviewState.LAPSED, by=cast.secretariat, reason="Silent.")
    ready, final_on, reasons = publishable(cast.session)
    assert (ready, final_on) == (False, None)
    assert reasons == ["No case of this session has a recommendation to report."]


def test_publishing_sets_the_dates_once_and_twice_changes_nothing(cast):
    adopted(cast)
    session = publish(cast)
    assert (session.report_final_on, session.report_published_on, session.report_published_by) == (
        ADOPTED,
        TODAY,
        cast.secretariat,
    )
    history = session.history.count()
    with clock.as_of(TODAY + dt.timedelta(days=3)):
        again = publish_report(session=cast.session, by=cast.secretariat)
    assert again.report_published_on == TODAY
    assert Session.objects.get(pk=cast.session.pk).history.count() == history


def test_publishing_too_early_is_refused_with_the_reasons(cast):
    procedure.notified(cast.review, on=NOTIFIED)
    with pytest.raises(DomainError, match=r"cannot be published yet\. Home Commission: the case"):
        publish(cast)
    assert Session.objects.get(pk=cast.session.pk).report_published_on is None


@pytest.mark.parametrize("member", ["sca_member", "bureau_member", "focal_point", "observer"])
def test_only_the_secretariat_publishes(cast, member):
    adopted(cast)
    with pytest.raises(NotPermitted):
        publish(cast, by=cast.members()[member])
    assert Session.objects.get(pk=cast.session.pk).report_published_on is None


def test_the_secretariat_is_offered_the_button_or_told_why_not(client, cast):
    procedure.notified(cast.review, on=NOTIFIED)
    action = reverse("reviews:report_publish", args=[cast.session.pk])
    body = text(visit(client, cast.secretariat, report(cast.session), on=TODAY))
    assert "Not yet:" in body and "Home Commission: the case is" in body
    assert action not in body
    process_deadlines(as_of=ADOPTED + dt.timedelta(days=1))
    body = text(visit(client, cast.secretariat, report(cast.session), on=TODAY))
    assert f'action="{action}"' in body
    assert 'final from <time datetime="2030-05-07">' in body
    # The SCA reads the report; publishing it is not theirs.
    assert action not in text(visit(client, cast.sca_member, report(cast.session), on=TODAY))


def test_publishing_from_the_page_says_from_when_the_report_is_final(client, cast):
    adopted(cast)
    action = reverse("reviews:report_publish", args=[cast.session.pk])
    client.force_login(cast.secretariat)
    with clock.as_of(TODAY):
        response = client.post(action)
        assert (response.status_code, response["Location"]) == (302, report(cast.session))
        body = text(client.get(report(cast.session)))
    assert "The report is published; its recommendations are final from 7 May 2030." in body
    assert (
        'Published on <time datetime="2030-05-10">10 May 2030</time>; its recommendations are '
        'final from <time datetime="2030-05-07">7 May 2030</time>.'
    ) in body
    assert action not in body
    with clock.as_of(TODAY):
        again = client.post(action, follow=True)
    assert "The report was already published." in text(again)


def test_publishing_too_early_from_the_page_shows_the_reasons(client, cast):
    procedure.notified(cast.review, on=NOTIFIED)
    client.force_login(cast.secretariat)
    with clock.as_of(TODAY):
        response = client.post(reverse("reviews:report_publish", args=[cast.session.pk]))
    assert response.status_code == 400
    assert "The report cannot be published yet." in text(response)


@pytest.mark.parametrize("member", MEMBERS)
def test_the_publish_step_is_the_secretariats_alone(client, cast, member):
    adopted(cast)
    action = reverse("reviews:report_publish", args=[cast.session.pk])
    client.logout()
    user = cast.members()[member]
    if user is not None:
        client.force_login(user)
    with clock.as_of(TODAY):
        response = client.post(action)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(action))
    else:
        assert response.status_code == (302 if member == "secretariat" else 404)
    published = Session.objects.get(pk=cast.session.pk).report_published_on
    assert published == (TODAY if member == "secretariat" else None)


@pytest.mark.parametrize("member", MEMBERS)
def test_a_report_is_public_once_published_and_not_before(client, cast, member):
    adopted(cast)
    user = cast.members()[member]
    assert visit(client, user, public(cast.session), on=TODAY).status_code == 404
    assert "March 2030" not in text(visit(client, user, reverse("reviews:public_reports")))
    publish(cast)
    response = visit(client, user, public(cast.session), on=TODAY)
    body = text(response)
    assert response.status_code == 200
    assert body.count("<h1") == 1
    assert "<script>" not in body and "style=" not in body
    assert f'id="section-{cast.review.pk}"' in body
    assert "The SCA recommends that the institution be accredited with A status." in body
    assert "its recommendations are final from" in body
    assert reverse("reviews:room", args=[cast.session.pk]) not in body
    listing = text(visit(client, user, reverse("reviews:public_reports")))
    assert f'href="{public(cast.session)}"' in listing


def test_the_public_report_shows_every_case_of_the_session(client, cast):
    adopted(cast)
    other = procedure.open_review(InstitutionFactory(name="Deferred NHRI"), cast.session)
    procedure.recommend(other, Outcome.DEFER, follow_up=procedure.session(dt.date(2030, 10, 7)))
    publish(cast)
    body = text(visit(client, None, public(cast.session)))
    assert "<bdi>Home Commission</bdi>" in body and "Deferred NHRI" in body


def test_the_list_of_published_reports_costs_the_same_with_one_or_five(client, cast):
    def grow(count):
        for n in range(count):
            session = procedure.session(dt.date(2025 + n, 3, 11), name=f"Session {n}")
            Session.objects.filter(pk=session.pk).update(
                report_published_on=dt.date(2026 + n, 1, 1), report_final_on=dt.date(2025, 12, 1)
            )

    grow(1)
    one = queries_for(client, reverse("reviews:public_reports"))
    Session.objects.filter(report_published_on__isnull=False).delete()
    grow(5)
    five = queries_for(client, reverse("reviews:public_reports"))
    assert Session.objects.filter(report_published_on__isnull=False).count() == 5
    assert one == five
