"""The dossier's documents and the summary of issues through the API: the pages' forms,
services and permissions, the whole cast."""

import datetime as dt
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import DocumentVersion, IssueAnswer
from reviews.services import summaries
from tests import files
from tests.procedure import advance

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)
DUE = dt.date(2030, 3, 8)
ANONYMOUS = (401, 403)


def call(user, method, url, data=None, on=BEFORE, **extra):
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    with clock.as_of(on):
        return getattr(client, method)(f"/api/v1/{url}", data, **extra)


def upload(user, review, content, name="law.pdf", slot="founding-law"):
    data = {"file": SimpleUploadedFile(name, content), "language": "en", "title": "The law"}
    return call(user, "post", f"reviews/{review.pk}/documents/{slot}/", data, format="multipart")


def test_the_focal_point_uploads_lists_and_downloads_a_document(cast):
    content = files.pdf(2)
    response = upload(cast.focal_point, cast.review, content)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["slot"], body["title"], body["number"], body["original_name"]) == (
        "founding-law",
        "The law",
        1,
        "law.pdf",
    )
    assert body["sha256"] == hashlib.sha256(content).hexdigest()
    listed = call(cast.focal_point, "get", f"reviews/{cast.review.pk}/documents/").json()
    assert [row["id"] for row in listed["results"]] == [body["id"]]
    url = f"reviews/{cast.review.pk}/documents/files/{body['id']}/"
    downloaded = call(cast.focal_point, "get", url)
    assert downloaded.status_code == 200
    assert b"".join(downloaded.streaming_content) == content
    assert downloaded["Cache-Control"] == "private, no-store"


def test_a_new_version_replaces_its_document(cast):
    first = upload(cast.focal_point, cast.review, files.pdf(1)).json()
    data = {"file": SimpleUploadedFile("v2.pdf", files.pdf(3)), "language": "fr",
            "replaces": first["document"]}  # fmt: skip
    second = call(cast.focal_point, "post", f"reviews/{cast.review.pk}/documents/founding-law/",
                  data, format="multipart")  # fmt: skip
    assert second.status_code == 201
    assert (second.json()["document"], second.json()["number"]) == (first["document"], 2)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"<html>", "This type of file is not accepted."),
        (b"", "empty"),
    ],
)
def test_a_refused_file_is_a_400_with_the_services_message(cast, content, message):
    response = upload(cast.focal_point, cast.review, content, name="page.pdf")
    assert response.status_code == 400
    assert message in response.json()["detail"]
    assert not DocumentVersion.objects.exists()


def test_the_pages_size_limit_holds(cast, settings):
    settings.NHRI_MAX_UPLOAD_BYTES = 1024
    response = upload(cast.focal_point, cast.review, files.pdf(2) + b" " * 2048)
    assert response.status_code == 400
    assert response.json()["detail"]
    assert not DocumentVersion.objects.exists()


def test_a_missing_file_or_an_unknown_slot_is_refused(cast):
    missing = call(cast.focal_point, "post", f"reviews/{cast.review.pk}/documents/founding-law/",
                   {"language": "en"}, format="multipart")  # fmt: skip
    assert missing.json() == {"file": ["Choose a file to upload."]}
    unknown = upload(cast.focal_point, cast.review, files.pdf(1), slot="no-such-slot")
    assert unknown.status_code == 404


@pytest.mark.parametrize(
    ("member", "read", "write"),
    [
        ("secretariat", 200, 201),
        ("focal_point", 200, 201),
        ("sca_member", 404, 404),
        ("recused_sca_member", 404, 404),
        ("bureau_member", 404, 404),
        ("other_focal_point", 404, 404),
        ("observer", 404, 404),
        ("anonymous", None, None),
    ],
)
def test_a_draft_dossier_is_its_authors_alone(cast, member, read, write):
    version = upload(cast.focal_point, cast.review, files.pdf(1)).json()
    user = cast.members()[member]
    listed = call(user, "get", f"reviews/{cast.review.pk}/documents/")
    got = call(user, "get", f"reviews/{cast.review.pk}/documents/files/{version['id']}/")
    posted = upload(user, cast.review, files.pdf(1), name="mine.pdf")
    if user is None:
        assert {listed.status_code, got.status_code, posted.status_code} <= set(ANONYMOUS)
        return
    assert (listed.status_code, got.status_code, posted.status_code) == (read, read, write)


def test_a_submitted_dossier_is_read_by_the_sca_and_changed_by_no_one(cast):
    version = upload(cast.focal_point, cast.review, files.pdf(1)).json()
    cast.review.refresh_from_db()
    advance(cast.review, ReviewState.SUBMITTED)
    url = f"reviews/{cast.review.pk}/documents/"
    assert call(cast.sca_member, "get", url).json()["count"] == 1
    got = call(cast.sca_member, "get", f"{url}files/{version['id']}/")
    assert got.status_code == 200
    assert upload(cast.focal_point, cast.review, files.pdf(1)).status_code == 403


def test_the_document_list_costs_the_same_for_one_and_for_five(cast):
    client = APIClient()
    client.force_authenticate(cast.focal_point)
    url = f"/api/v1/reviews/{cast.review.pk}/documents/"

    def count():
        client.get(url)
        with CaptureQueriesContext(connection) as captured:
            assert client.get(url).status_code == 200
        return len(captured.captured_queries)

    upload(cast.focal_point, cast.review, files.pdf(1))
    one = count()
    for slot in ["budget", "annual-report", "internal-rules", "strategic-plan"]:
        upload(cast.focal_point, cast.review, files.pdf(1), slot=slot)
    assert count() == one
    assert client.get(url).json()["count"] == 5


def shared(cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
        summaries.add_issue(
            review=cast.review,
            facts="The minister dismisses members at will.",
            concern="Security of tenure.",
            principles=["B.3"],
            observations=["2.1"],
            by=cast.secretariat,
        )
        summaries.share_summary(review=cast.review, by=cast.secretariat, answers_due_on=DUE)
    return cast.review


def test_the_focal_point_answers_and_sends_through_the_api(cast):
    review = shared(cast)
    url = f"reviews/{review.pk}/summary/"
    before = call(cast.focal_point, "get", url).json()
    assert before["may_answer"] is True
    assert [(i["number"], i["principles"], i["answer"]) for i in before["issues"]] == [
        (1, ["B.3"], "")
    ]
    assert call(cast.sca_member, "get", url).json()["issues"][0]["answer"] is None
    answered = call(cast.focal_point, "put", url + "issues/1/answer/",
                    {"text": "A bill is before parliament."}, format="json")  # fmt: skip
    assert answered.status_code == 200
    assert answered.json()["issues"][0]["answer"] == "A bill is before parliament."
    assert call(cast.sca_member, "get", url).json()["issues"][0]["answer"] is None
    sent = call(cast.focal_point, "post", url + "send/")
    assert sent.status_code == 200
    assert sent.json()["answers_sent_at"] is not None
    read = call(cast.sca_member, "get", url).json()
    assert read["issues"][0]["answer"] == "A bill is before parliament."
    late = call(cast.focal_point, "put", url + "issues/1/answer/", {"text": "More."}, format="json")
    assert late.status_code in (400, 409)
    assert IssueAnswer.objects.get().text == "A bill is before parliament."


@pytest.mark.parametrize(
    ("member", "read", "answer"),
    [
        ("secretariat", 200, 403),
        ("focal_point", 200, 200),
        ("sca_member", 200, 403),
        ("recused_sca_member", 404, 404),
        ("bureau_member", 404, 404),
        ("other_focal_point", 404, 404),
        ("observer", 404, 404),
    ],
)
def test_the_summary_is_read_and_answered_by_whom_the_page_allows(cast, member, read, answer):
    review = shared(cast)
    user = cast.members()[member]
    url = f"reviews/{review.pk}/summary/"
    assert call(user, "get", url).status_code == read
    response = call(user, "put", url + "issues/1/answer/", {"text": "Ours."}, format="json")
    assert response.status_code == answer, response.json()
    assert IssueAnswer.objects.exists() == (answer == 200)
    assert call(None, "get", url).status_code in ANONYMOUS
