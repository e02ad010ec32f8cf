"""The demonstration data reproduces the SCA session of March 2007 as recorded."""

import datetime as dt
import itertools
from collections import Counter
from io import StringIO

import pytest
import yaml
from django.contrib.auth import get_user_model
from django.core.management import call_command

from accreditation.enums import Grade, StatusBasis
from accreditation.status import statuses_on
from institutions.models import Institution
from reviews.demo.loader import DEMO_DIR
from reviews.enums import DecisionRoute, Outcome, ReviewKind, ReviewState
from reviews.models import LETTER_KINDS, MailKind, MessageState, OutgoingMessage, Review, Session
from reviews.services.adoption import adopt_session
from reviews.services.outbox import mails_of

pytestmark = pytest.mark.django_db

RECORD = yaml.safe_load((DEMO_DIR / "history-2007.yaml").read_text(encoding="utf-8"))
OUTCOMES = {item["country"]: item for item in RECORD["sessions"][0]["outcomes"]}


@pytest.fixture
def demo():
    out = StringIO()
    call_command("load_demo", stdout=out)
    return out.getvalue()


def march_case(country):
    return Review.objects.get(institution__country=country, session__starts_on=dt.date(2007, 3, 12))


def test_the_loader_registers_every_institution_of_the_record(demo):
    assert Institution.objects.count() == len(RECORD["institutions"]) == 25
    assert set(Institution.objects.values_list("country", flat=True)) == {
        item["country"] for item in RECORD["institutions"]
    }


@pytest.mark.parametrize("country", ["BO", "ID", "MW", "PE", "BF", "JO", "PR", "RO"])
def test_reaccreditations_end_in_the_recorded_grade(demo, country):
    review = march_case(country)
    expected = Grade(OUTCOMES[country]["outcome"])
    assert review.state == ReviewState.DECIDED
    assert review.kind == ReviewKind.REACCREDITATION
    assert review.decision.route == DecisionRoute.DEEMED_ADOPTED
    assert review.decision.status_record.grade == expected
    assert review.decision.status_record.basis == StatusBasis.REACCREDITATION


@pytest.mark.parametrize("country", ["AF", "FR", "HN", "NG", "PH", "PT", "PL", "SE"])
def test_deferrals_open_a_review_for_october_2007_and_no_challenge_window(demo, country):
    review = march_case(country)
    assert review.state == ReviewState.DEFERRED
    assert review.recommendation.outcome == Outcome.DEFER
    assert not review.deadlines.filter(rule_key="challenge-window").exists()
    follow_up = review.continuations.get()
    assert follow_up.kind == ReviewKind.AFTER_DEFERRAL
    assert follow_up.session.starts_on.strftime("%Y-%m") == OUTCOMES[country]["to"]
    assert follow_up.events.first().to_state == ReviewState.INVITED


@pytest.mark.parametrize("country", ["NP", "LK"])
def test_special_reviews_are_opened_for_october_2007(demo, country):
    review = Review.objects.get(institution__country=country)
    assert review.kind == ReviewKind.SPECIAL_REVIEW
    assert review.opened_at.starts_on == dt.date(2007, 3, 12)
    assert review.session.starts_on.strftime("%Y-%m") == OUTCOMES[country]["at"]
    assert review.events.get().reason == OUTCOMES[country].get("note", "")


def test_fiji_is_suspended_and_keeps_its_grade_without_its_rights(demo):
    review = march_case("FJ")
    assert review.decision.outcome == Outcome.SUSPEND
    status = statuses_on([review.institution_id], dt.date(2007, 7, 31))[review.institution_id]
    assert status.suspended and status.grade == Grade.A and status.rights == ()


def test_the_chart_of_31_july_2007_counts_the_record_by_region(demo):
    day = dt.date(2007, 7, 31)
    institutions = {i.pk: i for i in Institution.objects.select_related("region")}
    statuses = statuses_on(institutions, day)
    counts = Counter(
        (institutions[pk].region.code, status.chart_column)
        for pk, status in statuses.items()
        if status.has_records
    )
    assert counts == Counter(
        {
            ("africa", "A"): 2,
            ("africa", "B"): 1,  # MW, NG; BF
            ("americas", "A"): 4,
            ("americas", "C"): 1,  # BO, PE, CA, MX; PR
            ("asia-pacific", "A"): 5,
            ("asia-pacific", "B"): 1,  # ID, NP, LK, KR, IN; JO
            ("asia-pacific", "suspended"): 1,  # FJ
            ("europe", "A"): 2,
            ("europe", "C"): 1,  # DK, IE; RO
        }
    )
    by_country = {institutions[pk].country.code: s for pk, s in statuses.items()}
    for country, item in OUTCOMES.items():
        if item.get("kind") == "re-accreditation":
            assert by_country[country].grade == Grade(item["outcome"]), country
            assert by_country[country].decided_on == dt.date(2007, 5, 10)


def test_the_sweep_to_the_end_of_2007_runs_cleanly_and_changes_no_status(demo):
    day = dt.date(2007, 7, 31)
    before = {
        pk: s.chart_column
        for pk, s in statuses_on(Institution.objects.values_list("pk", flat=True), day).items()
    }
    out = StringIO()
    call_command("process_deadlines", "--as-of", "2007-12-31", stdout=out)
    assert "0 conflict(s)" in out.getvalue()
    after = {
        pk: s.chart_column
        for pk, s in statuses_on(Institution.objects.values_list("pk", flat=True), day).items()
    }
    assert after == before


def test_every_case_was_built_through_the_services(demo):
    for review in Review.objects.all():
        events = list(review.events.order_by("at", "pk"))
        assert events[0].from_state == "" and events[0].to_state == ReviewState.INVITED
        assert events[-1].to_state == review.state
        for earlier, later in itertools.pairwise(events):
            assert later.from_state == earlier.to_state


def test_loading_twice_changes_nothing(demo):
    reviews = Review.objects.count()
    out = StringIO()
    call_command("load_demo", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Review.objects.count() == reviews


def test_passwords_are_printed_only_on_the_embedded_default(demo, settings):
    from django.db import connection

    if connection.vendor == "sqlite":
        assert "secretariat" in demo and "Demonstration users (username / password)" in demo
    else:
        assert "without printing passwords" in demo


def october_case(country):
    return Review.objects.get(institution__country=country, session__starts_on__year=2007,
                              session__starts_on__month=10)  # fmt: skip


def test_the_october_files_stand_at_each_step_of_the_workspace(demo):
    assert october_case("FR").state == ReviewState.INVITED
    assert october_case("PL").state == ReviewState.SUBMITTED
    sweden = october_case("SE")
    assert sweden.state == ReviewState.SCREENING
    assert sweden.summary.shared_at is None
    assert [i.observations.get().number for i in sweden.summary.issues.all()] == ["1.8", "1.10"]
    philippines = october_case("PH")
    assert philippines.state == ReviewState.SUMMARY_SHARED
    shared = philippines.third_party_submissions.get()
    assert shared.shared_at is not None
    assert shared.source_name not in shared.sanitised_content
    portugal = october_case("PT")
    assert portugal.state == ReviewState.READY
    assert portugal.draft.outcome == Outcome.ACCREDIT_A
    assert portugal.comments.count() == 2


def test_the_demonstration_chair_can_adopt_the_october_recommendations(demo):
    portugal = october_case("PT")
    chair = get_user_model().objects.get(username="sca-chair")
    adopt_session(session=portugal.session, by=chair)
    portugal.refresh_from_db()
    assert portugal.state == ReviewState.RECOMMENDED
    assert portugal.recommendation.paragraphs.get().observations.get().number == "1.8"


def test_the_march_letters_are_released_and_the_institutions_can_read_them(demo):
    # Only the CNCDH has a focal point in the demonstration: its deferral letter.
    march = Session.objects.get(starts_on=dt.date(2007, 3, 12))
    letters = OutgoingMessage.objects.filter(review__session=march, kind__in=LETTER_KINDS)
    assert letters.exists()
    assert not letters.filter(state=MessageState.DRAFT).exists()
    focal_point = get_user_model().objects.get(username="focal-point")
    deferral = mails_of(focal_point).get(kind=MailKind.DEFERRAL)
    # In the CNCDH's working language: "it cannot be challenged".
    assert "il ne peut pas être contesté" in deferral.body


def test_the_march_report_is_published_and_its_paragraphs_are_public(demo, client):
    march = Session.objects.get(starts_on=dt.date(2007, 3, 12))
    assert march.report_published_on == dt.date(2007, 5, 14)
    assert march.report_final_on == dt.date(2007, 5, 10)
    assert f'href="/reports/{march.pk}/"' in client.get("/reports/").content.decode()
    found = client.get("/precedents/", {"year": "2007"}).content.decode()
    assert "Fiji Human Rights Commission" in found
