"""The summary of issues drafted and shared through the API: the issues listed to whom
the page shows them, added, rewritten and removed by the secretariat alone while the
summary is a draft, shared once, bad input named on its field, and what the list costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import IssueSummary, SummaryIssue
from reviews.services import summaries
from tests.procedure import advance

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)
ANONYMOUS = (401, 403)
READERS = ["secretariat", "sca_member", "focal_point"]  # the others: 404
ISSUE = {"facts": "New facts.", "concern": "Worry.", "principles": ["B.2"], "observations": []}


def call(user, method, url, data=None, on=BEFORE):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, format="json")


def drafted(cast, count=1):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
        for n in range(count):
            summaries.add_issue(
                review=cast.review,
                facts=f"Fact {n + 1}.",
                concern="Security of tenure.",
                principles=["B.3"],
                observations=["2.1"],
                by=cast.secretariat,
            )
    return cast.review


def shared(cast, count=1):
    drafted(cast, count)
    with clock.as_of(BEFORE):
        summaries.share_summary(review=cast.review, by=cast.secretariat)
    return cast.review


def facts_listed(response):
    return [issue["facts"] for issue in response.json()["results"]]


def test_the_draft_issues_are_listed_to_the_secretariat_alone(cast):
    review = drafted(cast, count=2)
    for member, user in cast.members().items():
        response = call(user, "get", f"reviews/{review.pk}/summary/issues/")
        if user is None:
            assert response.status_code in ANONYMOUS
        elif member == "secretariat":
            assert facts_listed(response) == ["Fact 1.", "Fact 2."]
            first = response.json()["results"][0]
            assert first["id"] == SummaryIssue.objects.get(number=1).pk
            assert (first["principles"], first["observations"]) == (["B.3"], ["2.1"])
        elif member in READERS:
            assert (response.status_code, facts_listed(response)) == (200, []), member
        else:
            assert response.status_code == 404, member
            assert "Fact 1." not in response.content.decode()


def test_once_shared_those_who_find_the_summary_read_the_issues(cast):
    review = shared(cast, count=2)
    for member, user in cast.members().items():
        response = call(user, "get", f"reviews/{review.pk}/summary/issues/")
        if member in READERS:
            assert facts_listed(response) == ["Fact 1.", "Fact 2."], member
        elif user is not None:
            assert response.status_code == 404, member


def test_only_the_secretariat_adds_an_issue(cast):
    review = drafted(cast)
    url = f"reviews/{review.pk}/summary/issues/"
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        response = call(user, "post", url, ISSUE)
        if user is None:
            assert response.status_code in ANONYMOUS
        elif member in READERS:
            assert response.status_code == 403, member
            assert response.json() == {
                "detail": "Only the secretariat drafts the summary of issues."
            }
        else:
            assert response.status_code == 404, member
    assert SummaryIssue.objects.count() == 1
    response = call(cast.secretariat, "post", url, ISSUE)
    assert response.status_code == 201
    added = SummaryIssue.objects.get(number=2)
    assert response.json() == {
        "id": added.pk,
        "number": 2,
        "facts": "New facts.",
        "concern": "Worry.",
        "principles": ["B.2"],
        "observations": [],
    }


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"concern": "C."}, "facts", "Write the facts the issue rests on."),
        ({"facts": "F.", "concern": "C.", "principles": ["Z.9"]}, "principles",
         "Choose principles from the list."),
        ({"facts": "F.", "concern": "C.", "observations": ["99.9"]}, "observations",
         "Choose General Observations from the list."),
        ({"facts": {"a": 1}, "concern": "C."}, "facts", "Send a value, not an object."),
        ({"facts": ["F.", "G."], "concern": "C."}, "facts", "Send one value, not a list."),
    ],
)  # fmt: skip
def test_a_bad_issue_is_refused_naming_its_field(cast, data, field, message):
    review = drafted(cast)
    response = call(cast.secretariat, "post", f"reviews/{review.pk}/summary/issues/", data)
    assert response.status_code == 400
    assert message in response.json()[field]
    assert SummaryIssue.objects.count() == 1


def test_the_secretariat_rewrites_and_removes_an_issue_by_its_id(cast):
    review = drafted(cast, count=2)
    first, second = SummaryIssue.objects.order_by("number")
    url = f"reviews/{review.pk}/summary/issues/"
    data = {"facts": "Edited.", "concern": "C.", "observations": ["1.8"]}
    response = call(cast.secretariat, "put", f"{url}{first.pk}/", data)
    assert response.json() == {"id": first.pk, "number": 1, "facts": "Edited.", "concern": "C.",
                               "principles": [], "observations": ["1.8"]}  # fmt: skip
    assert call(cast.secretariat, "delete", f"{url}{first.pk}/").status_code == 204
    # Retried, it removes nothing more: the next issue, now number 1, stays.
    assert call(cast.secretariat, "delete", f"{url}{first.pk}/").status_code == 404
    assert list(SummaryIssue.objects.values_list("pk", "number")) == [(second.pk, 1)]


def test_a_bad_rewrite_is_refused_naming_its_field(cast):
    review = drafted(cast)
    issue = SummaryIssue.objects.get()
    url = f"reviews/{review.pk}/summary/issues/{issue.pk}/"
    response = call(cast.secretariat, "put", url, {"facts": "F."})
    assert response.status_code == 400
    assert response.json() == {"concern": ["Write the concern: what the SCA may find wanting."]}
    issue.refresh_from_db()
    assert issue.facts == "Fact 1."


@pytest.mark.parametrize(("share", "refused"), [(False, 404), (True, 403)])
def test_a_draft_issue_does_not_exist_for_the_others_a_shared_one_they_may_not_change(
    cast, share, refused
):
    review = shared(cast) if share else drafted(cast)
    issue = SummaryIssue.objects.get()
    url = f"reviews/{review.pk}/summary/issues/{issue.pk}/"
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        for method, data in (("put", ISSUE), ("delete", None)):
            response = call(user, method, url, data)
            if user is None:
                assert response.status_code in ANONYMOUS
            else:
                expected = refused if member in READERS else 404
                assert response.status_code == expected, (member, method)
    issue.refresh_from_db()
    assert issue.facts == "Fact 1."


def test_a_shared_summary_is_not_changed_even_by_the_secretariat(cast):
    review = shared(cast)
    issue = SummaryIssue.objects.get()
    url = f"reviews/{review.pk}/summary/issues/"
    for method, address, data in (
        ("post", url, ISSUE),
        ("put", f"{url}{issue.pk}/", ISSUE),
        ("delete", f"{url}{issue.pk}/", None),
    ):
        response = call(cast.secretariat, method, address, data)
        assert response.status_code == 400, method
        assert "can no longer be changed" in response.json()["detail"]
    assert list(SummaryIssue.objects.values_list("facts", flat=True)) == ["Fact 1."]


def test_the_secretariat_shares_the_summary_once_with_the_date_it_chooses(cast):
    review = drafted(cast)
    url = f"reviews/{review.pk}/summary/share/"
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        response = call(user, "post", url, {"answers_due_on": "2030-02-20"})
        if user is None:
            assert response.status_code in ANONYMOUS
        else:
            assert response.status_code == (403 if member in READERS else 404), member
    assert not IssueSummary.objects.filter(shared_at__isnull=False).exists()
    response = call(cast.secretariat, "post", url, {"answers_due_on": "2030-02-20"})
    assert response.status_code == 200
    body = response.json()
    assert (body["answers_due_on"], body["shared_at"] is not None) == ("2030-02-20", True)
    assert [issue["facts"] for issue in body["issues"]] == ["Fact 1."]
    review.refresh_from_db()
    assert review.state == ReviewState.SUMMARY_SHARED
    again = call(cast.secretariat, "post", url, {})
    assert again.status_code == 409
    assert again.json()["detail"].startswith("The summary was already shared on")


def test_without_a_date_the_answers_are_due_on_the_usual_day(cast):
    review = drafted(cast)
    response = call(cast.secretariat, "post", f"reviews/{review.pk}/summary/share/", {})
    assert response.status_code == 200
    usual = summaries.default_answers_due(review).due_on
    assert IssueSummary.objects.get().answers_due_on == usual


@pytest.mark.parametrize(
    ("data", "status", "message"),
    [
        ({"answers_due_on": "soon"}, 400,
         {"answers_due_on": ["Give a date, for example 2031-03-10."]}),
        ({"answers_due_on": ["2030-02-20"]}, 400,
         {"answers_due_on": ["Send one value, not a list."]}),
        ({"answers_due_on": "2030-01-01"}, 400,
         {"detail": "The answers cannot be due on a day that has passed."}),
    ],
)  # fmt: skip
def test_a_bad_due_date_is_refused(cast, data, status, message):
    review = drafted(cast)
    response = call(cast.secretariat, "post", f"reviews/{review.pk}/summary/share/", data)
    assert (response.status_code, response.json()) == (status, message)
    assert not IssueSummary.objects.filter(shared_at__isnull=False).exists()


def test_a_summary_with_no_issues_is_not_shared(cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/summary/share/", {})
    assert response.json() == {"detail": "Add at least one issue before sharing the summary."}
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SCREENING


def queries_for_list(user, review):
    """One GET, as a new request would make it: the user read afresh (its roles are
    remembered on the instance)."""
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries, clock.as_of(BEFORE):
        response = client.get(f"/api/v1/reviews/{review.pk}/summary/issues/")
    return response, len(queries.captured_queries)


@pytest.mark.parametrize("member", ["secretariat", "focal_point"])
def test_the_issue_list_costs_the_same_for_one_issue_and_five(cast, member):
    review = shared(cast, count=1)
    user = cast.members()[member]
    response, few = queries_for_list(user, review)
    assert response.json()["count"] == 1
    for n in range(4):
        SummaryIssue.objects.create(
            summary=IssueSummary.objects.get(), number=n + 2, facts="F.", concern="C."
        ).principles.set(SummaryIssue.objects.get(number=1).principles.all())
    response, more = queries_for_list(user, review)
    assert response.json()["count"] == 5
    assert more == few
