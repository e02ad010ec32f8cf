"""Third-party submissions through the API: the secretariat alone records one; the
secretariat and the SCA read them in full, the institution the sanitised version of those
shared, the others nothing; bad input named on its field; what the list costs."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.enums import SourceKind
from reviews.models import ThirdPartySubmission
from reviews.services import submissions

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)
ANONYMOUS = (401, 403)
SOURCE = "Friends of Justice"
FULL = "Members were dismissed in 2029 without a hearing; see our report."
SANITISED = "A civil society organisation reports that members were dismissed in 2029."
NEW = {
    "source_name": SOURCE,
    "source_kind": "civil-society",
    "received_on": "2030-01-20",
    "content": FULL,
}


def call(user, method, url, data=None, on=BEFORE):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, format="json")


def recorded(cast, content=FULL):
    with clock.as_of(BEFORE):
        submission = submissions.record_submission(
            review=cast.review,
            source_name=SOURCE,
            source_kind=SourceKind.CIVIL_SOCIETY,
            source_confidential=True,
            received_on=BEFORE,
            content=content,
            by=cast.secretariat,
        )
        submissions.set_sanitised(submission=submission, text=SANITISED, by=cast.secretariat)
    return submission


def shared(cast, content=FULL):
    submission = recorded(cast, content)
    with clock.as_of(BEFORE):
        return submissions.share_submission(submission=submission, by=cast.secretariat)


def test_each_reads_the_version_it_may(cast):
    shared(cast)
    recorded(cast, content="Not shared yet.")
    url = f"reviews/{cast.review.pk}/submissions/"
    for member, user in cast.members().items():
        response = call(user, "get", url)
        body = response.content.decode()
        if user is None:
            assert response.status_code in ANONYMOUS
        elif member in ("secretariat", "sca_member"):
            rows = response.json()["results"]
            assert [row["content"] for row in rows] == [FULL, "Not shared yet."], member
            assert rows[0]["source_name"] == SOURCE
            assert rows[0]["source_kind"] == "civil-society"
        elif member == "focal_point":
            rows = response.json()["results"]
            assert [row["sanitised_content"] for row in rows] == [SANITISED]
            assert {key: rows[0][key] for key in submissions_in_full()} == dict.fromkeys(
                submissions_in_full()
            )
            assert SOURCE not in body and FULL not in body and "Not shared yet." not in body
        else:
            assert response.status_code == 404, member
            assert SANITISED not in body and SOURCE not in body


def submissions_in_full():
    return ["source_name", "source_kind", "source_confidential", "received_on", "content"]


def test_only_the_secretariat_records_a_submission(cast):
    url = f"reviews/{cast.review.pk}/submissions/"
    for member, user in cast.members().items():
        if member == "secretariat":
            continue
        response = call(user, "post", url, NEW)
        if user is None:
            assert response.status_code in ANONYMOUS
        elif member in ("sca_member", "focal_point"):
            assert (response.status_code, response.json()) == (
                403,
                {"detail": "Only the secretariat handles third-party submissions."},
            ), member
        else:
            assert response.status_code == 404, member
    assert not ThirdPartySubmission.objects.exists()
    response = call(cast.secretariat, "post", url, NEW)
    assert response.status_code == 201
    submission = ThirdPartySubmission.objects.get()
    assert response.json() == {
        "id": submission.pk,
        **NEW,
        "source_confidential": True,  # left out: withheld, as the page's box at first
        "sanitised_content": "",
        "shared_at": None,
        "comments_due_on": None,
        "comment": "",
        "commented_at": None,
    }


def test_a_source_the_institution_may_know_is_recorded_so(cast):
    url = f"reviews/{cast.review.pk}/submissions/"
    response = call(cast.secretariat, "post", url, {**NEW, "source_confidential": False})
    assert response.status_code == 201
    assert ThirdPartySubmission.objects.get().source_confidential is False


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"source_name": ""}, "source_name", "Name the source of the submission."),
        ({"source_kind": "rumour"}, "source_kind",
         "Select a valid choice. rumour is not one of the available choices."),
        ({"received_on": "yesterday"}, "received_on", "Give a date, for example 2031-03-10."),
        ({"content": None}, "content", "Give the text of the submission."),
        ({"received_on": ["2030-01-20"]}, "received_on", "Send one value, not a list."),
    ],
)  # fmt: skip
def test_a_bad_submission_is_refused_naming_its_field(cast, changes, field, message):
    data = {key: value for key, value in {**NEW, **changes}.items() if value is not None}
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/submissions/", data)
    assert (response.status_code, response.json()) == (400, {field: [message]})
    assert not ThirdPartySubmission.objects.exists()


def test_a_submission_received_on_a_day_to_come_is_refused(cast):
    data = {**NEW, "received_on": "2030-02-02"}
    response = call(cast.secretariat, "post", f"reviews/{cast.review.pk}/submissions/", data)
    assert (response.status_code, response.json()) == (
        400,
        {"detail": "A submission cannot be received on a day still to come."},
    )


def queries_for_list(user, review):
    client = APIClient()
    client.force_authenticate(type(user).objects.get(pk=user.pk))
    with CaptureQueriesContext(connection) as queries, clock.as_of(BEFORE):
        response = client.get(f"/api/v1/reviews/{review.pk}/submissions/")
    return response.json(), len(queries.captured_queries)


@pytest.mark.parametrize("member", ["secretariat", "focal_point"])
def test_the_list_costs_the_same_for_one_submission_and_five(cast, member):
    user = cast.members()[member]
    shared(cast)
    body, few = queries_for_list(user, cast.review)
    assert body["count"] == 1
    for _n in range(4):
        shared(cast)
    body, more = queries_for_list(user, cast.review)
    assert body["count"] == 5
    assert more == few
