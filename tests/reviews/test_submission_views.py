"""The third-party submissions page: who finds it and which version each reads (the
institution never the withheld source nor the full text), the secretariat's forms, the
institution's comment, downloads, and what the page costs."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.enums import RegionCode
from institutions.services import add_observer
from nhri_portal import clock
from reviews.enums import SourceKind
from reviews.models import SubmissionAttachment, ThirdPartySubmission
from reviews.services import submissions
from tests import files
from tests.dossier import login_url
from tests.factories import UserFactory, region
from tests.pages import queries_for, text, visit

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)
SOURCE = "Friends of Justice"
FULL = "Members were dismissed in 2029 without a hearing; see our report."
SANITISED = "A civil society organisation reports that members were dismissed in 2029."
UNSHARED = "Sanitised but not yet shared."
OUTSIDERS = ["recused_sca_member", "bureau_member", "other_focal_point", "observer"]
READERS = ["secretariat", "sca_member", "focal_point", "home_observer"]


@pytest.fixture
def members(cast):
    home_observer = UserFactory(username="ap-observer")
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=home_observer, by=None)
    return {**cast.members(), "home_observer": home_observer}


def address(review, name="submissions", *args):
    return reverse(f"reviews:{name}", args=[review.pk, *args])


def recorded(cast, source=SOURCE, content=FULL, sanitised=SANITISED):
    with clock.as_of(BEFORE):
        submission = submissions.record_submission(
            review=cast.review,
            source_name=source,
            source_kind=SourceKind.CIVIL_SOCIETY,
            source_confidential=True,
            received_on=BEFORE,
            content=content,
            by=cast.secretariat,
        )
        submissions.set_sanitised(submission=submission, text=sanitised, by=cast.secretariat)
        upload = SimpleUploadedFile("report.pdf", files.pdf(2), content_type="application/pdf")
        submissions.attach_to_submission(submission=submission, upload=upload, by=cast.secretariat)
    return submission


def shared(cast, **extra):
    submission = recorded(cast, **extra)
    with clock.as_of(BEFORE):
        return submissions.share_submission(submission=submission, by=cast.secretariat)


def both(cast):
    """One shared submission, and one the secretariat has not shared yet."""
    first = shared(cast)
    second = recorded(
        cast, source="Hidden Watch", content="Unshared full text.", sanitised=UNSHARED
    )
    return first, second


def post_as(client, user, url, data=None, on=BEFORE):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(url, data or {})


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_each_reads_the_version_it_may(client, cast, members, member):
    both(cast)
    url = address(cast.review)
    response = visit(client, members[member], url, on=BEFORE)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(url))
        return
    page = text(response)
    if member in OUTSIDERS:
        assert response.status_code == 404
        assert SANITISED not in page and SOURCE not in page
        return
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "<script>" not in page and "style=" not in page
    if member in ("secretariat", "sca_member"):
        for shown in (SOURCE, FULL, SANITISED, "Hidden Watch", UNSHARED, "report.pdf"):
            assert shown in page
        assert ("Record a submission" in page) is (member == "secretariat")
    else:
        assert SANITISED in page
        for hidden in (SOURCE, FULL, "Hidden Watch", UNSHARED, "Unshared full text", "report.pdf"):
            assert hidden not in page
        assert ("Save the comment" in page) is (member == "focal_point")


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_a_file_of_a_submission_downloads_for_the_secretariat_and_the_sca_only(
    client, cast, members, member
):
    shared(cast)
    attachment = SubmissionAttachment.objects.get()
    url = address(cast.review, "submission_file", attachment.pk)
    response = visit(client, members[member], url, on=BEFORE)
    if member in ("secretariat", "sca_member"):
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(url))
    else:
        assert response.status_code == 404


def test_the_secretariat_records_sanitises_and_shares_through_the_page(client, cast):
    client.force_login(cast.secretariat)
    data = {
        "source_name": SOURCE,
        "source_kind": "civil-society",
        "source_confidential": "on",
        "received_on": "2030-01-30",
        "content": FULL,
    }
    with clock.as_of(BEFORE):
        response = client.post(address(cast.review, "submission_record"), data)
        submission = ThirdPartySubmission.objects.get()
        assert response["Location"] == address(cast.review) + f"#submission-{submission.pk}"
        client.post(address(cast.review, "submission_sanitise", submission.pk), {"text": SANITISED})
        client.post(address(cast.review, "submission_share", submission.pk), {})
    submission.refresh_from_db()
    assert (submission.source_confidential, submission.received_on) == (True, dt.date(2030, 1, 30))
    assert (submission.sanitised_content, submission.comments_due_on) == (
        SANITISED,
        dt.date(2030, 3, 8),
    )


def test_a_sanitised_text_naming_the_withheld_source_is_refused_on_the_page(client, cast):
    submission = recorded(cast, sanitised=f"{SOURCE.upper()} says members were dismissed.")
    url = address(cast.review, "submission_share", submission.pk)
    response = post_as(client, cast.secretariat, url)
    assert response.status_code == 400
    assert "The sanitised text names the source, which is to be withheld." in text(response)
    submission.refresh_from_db()
    assert submission.shared_at is None


def test_a_submission_without_a_source_is_refused_on_its_field(client, cast):
    data = {"source_kind": "state", "received_on": "2030-01-30", "content": FULL}
    response = post_as(client, cast.secretariat, address(cast.review, "submission_record"), data)
    assert response.status_code == 400
    assert '<a href="#record-source_name">Name the source of the submission.</a>' in text(response)
    assert ThirdPartySubmission.objects.count() == 0


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_only_the_secretariat_records_a_submission(client, cast, members, member):
    data = {"source_name": "X", "source_kind": "state", "received_on": "2030-01-30", "content": "Y"}
    url = address(cast.review, "submission_record")
    response = post_as(client, members[member], url, data)
    count = ThirdPartySubmission.objects.count()
    if member == "secretariat":
        assert response.status_code == 302 and count == 1
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(url))
    elif member in OUTSIDERS:
        assert response.status_code == 404 and count == 0
    else:
        assert response.status_code == 403 and count == 0
        assert "Only the secretariat handles third-party submissions." in text(response)


def test_the_institution_comments_until_the_due_date(client, cast):
    submission = shared(cast)
    url = address(cast.review, "submission_comment", submission.pk)
    response = post_as(client, cast.focal_point, url, {"text": "We disagree."})
    assert response["Location"] == address(cast.review) + f"#submission-{submission.pk}"
    page = text(client.get(address(cast.review)))
    assert "We disagree.</textarea>" in page
    late = dt.date(2030, 3, 9)
    page = text(visit(client, cast.focal_point, address(cast.review), on=late))
    assert 'Comments closed on <time datetime="2030-03-08">8 March 2030</time>.' in page
    response = post_as(client, cast.focal_point, url, {"text": "Late."}, on=late)
    assert response.status_code == 400
    submission.refresh_from_db()
    assert submission.comment == "We disagree."
    sca_page = text(visit(client, cast.sca_member, address(cast.review), on=late))
    assert "We disagree." in sca_page


def test_the_institution_cannot_reach_a_submission_not_shared(client, cast):
    _first, second = both(cast)
    url = address(cast.review, "submission_comment", second.pk)
    response = post_as(client, cast.focal_point, url, {"text": "X."})
    assert response.status_code == 404
    url = address(cast.review, "submission_sanitise", second.pk)
    response = post_as(client, cast.focal_point, url, {"text": "X."})
    assert response.status_code == 404
    second.refresh_from_db()
    assert (second.comment, second.sanitised_content) == ("", UNSHARED)


def test_the_institution_cannot_rewrite_a_shared_sanitised_text(client, cast):
    submission = shared(cast)
    url = address(cast.review, "submission_sanitise", submission.pk)
    response = post_as(client, cast.focal_point, url, {"text": "Nothing happened."})
    assert response.status_code == 403
    submission.refresh_from_db()
    assert submission.sanitised_content == SANITISED


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "focal_point"])
def test_the_page_costs_the_same_for_two_submissions_and_six(client, cast, member):
    for n in range(2):
        shared(cast, source=f"Source {n}")
    client.force_login(cast.members()[member])
    two = queries_for(client, address(cast.review), on=BEFORE)
    for n in range(2, 6):
        shared(cast, source=f"Source {n}")
    six = queries_for(client, address(cast.review), on=BEFORE)
    assert two == six
