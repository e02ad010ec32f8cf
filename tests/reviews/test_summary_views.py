"""The summary of issues pages: who finds them and what each sees, drafting and sharing
by the secretariat, answering by the institution, downloads, and what the page costs."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from institutions.enums import RegionCode
from institutions.services import add_observer
from nhri_portal import clock
from reviews.enums import ReviewState
from reviews.models import AnswerAttachment, IssueSummary, SummaryIssue
from reviews.services import summaries
from tests import files
from tests.dossier import login_url
from tests.factories import UserFactory, region
from tests.pages import queries_for, text, visit
from tests.procedure import advance

pytestmark = pytest.mark.django_db

BEFORE = dt.date(2030, 2, 1)
DUE = dt.date(2030, 3, 8)
FACTS = "The founding law lets the minister dismiss members at will."
DRAFT_ANSWER = "A bill restoring tenure is before parliament."
OUTSIDERS = ["recused_sca_member", "bureau_member", "other_focal_point", "observer"]
READERS = ["secretariat", "sca_member", "focal_point", "home_observer"]


@pytest.fixture
def members(cast):
    """The cast, and an observer of the Home Commission's own region."""
    home_observer = UserFactory(username="ap-observer")
    add_observer(region=region(RegionCode.ASIA_PACIFIC), user=home_observer, by=None)
    return {**cast.members(), "home_observer": home_observer}


def address(review, name="summary", *args):
    return reverse(f"reviews:{name}", args=[review.pk, *args])


def drafted(cast, count=1):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
        for n in range(count):
            summaries.add_issue(
                review=cast.review,
                facts=FACTS if n == 0 else f"Fact {n + 1}.",
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


def answered(cast, count=1, files_each=0):
    shared(cast, count)
    with clock.as_of(BEFORE):
        for issue in SummaryIssue.objects.all():
            text_ = DRAFT_ANSWER if issue.number == 1 else f"Answer {issue.number}."
            summaries.save_answer(issue=issue, text=text_, by=cast.focal_point)
            for n in range(files_each):
                summaries.attach_to_answer(
                    issue=issue, upload=pdf(f"proof-{n}.pdf"), by=cast.focal_point
                )
    return cast.review


def sent(cast, count=1, files_each=0):
    answered(cast, count, files_each)
    with clock.as_of(BEFORE):
        summaries.send_answers(review=cast.review, by=cast.focal_point)
    return cast.review


def pdf(name="proof.pdf"):
    return SimpleUploadedFile(name, files.pdf(2), content_type="application/pdf")


def post_as(client, user, url, data=None, on=BEFORE):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(on):
        return client.post(url, data or {})


def assert_outside(response, member, url):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(url))
    else:
        assert response.status_code == 404
        assert FACTS not in text(response)


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_a_draft_is_for_the_secretariat_only(client, cast, members, member):
    review = drafted(cast)
    url = address(review)
    response = visit(client, members[member], url, on=BEFORE)
    if member in OUTSIDERS or member == "anonymous":
        assert_outside(response, member, url)
        return
    page = text(response)
    assert response.status_code == 200
    assert page.count("<h1") == 1 and "<script>" not in page and "style=" not in page
    if member == "secretariat":
        assert FACTS in page and "Add an issue" in page and "Share the summary" in page
        assert "Response to the summary of issues due 2030-03-08" in page  # the usual date
    else:
        assert FACTS not in page
        assert "The secretariat has not shared a summary of issues yet." in page


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_once_shared_readers_see_the_issues_and_the_sca_not_the_draft_answers(
    client, cast, members, member
):
    review = answered(cast)
    url = address(review)
    response = visit(client, members[member], url, on=BEFORE)
    if member in OUTSIDERS or member == "anonymous":
        assert_outside(response, member, url)
        return
    page = text(response)
    assert response.status_code == 200
    assert FACTS in page and "B.3 —" in page and "GO 2.1 —" in page
    assert "Add an issue" not in page
    if member == "focal_point":
        assert f"{DRAFT_ANSWER}</textarea>" in page
        assert "Send the answers" in page
        assert '<time datetime="2030-03-08">8 March 2030</time>' in page
    elif member == "secretariat":
        assert DRAFT_ANSWER in page and "<textarea" not in page
    else:
        assert DRAFT_ANSWER not in page
        assert "The institution has not sent its answers yet; due" in page


@pytest.mark.parametrize("member", ["sca_member", "home_observer"])
def test_the_sca_and_observers_read_the_answers_once_sent(client, cast, members, member):
    review = sent(cast, files_each=1)
    attachment = AnswerAttachment.objects.get()
    page = text(visit(client, members[member], address(review), on=BEFORE))
    assert DRAFT_ANSWER in page
    assert address(review, "answer_file", attachment.pk) in page
    assert "has not sent its answers" not in page


@pytest.mark.parametrize("when", ["before sending", "after sending"])
@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_an_answer_document_downloads_for_those_who_may_read_the_answer(
    client, cast, members, member, when
):
    review = (answered if when == "before sending" else sent)(cast, files_each=1)
    attachment = AnswerAttachment.objects.get()
    url = address(review, "answer_file", attachment.pk)
    response = visit(client, members[member], url, on=BEFORE)
    allowed = {"secretariat", "focal_point"} | (
        {"sca_member", "home_observer"} if when == "after sending" else set()
    )
    if member in allowed:
        assert response.status_code == 200
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    elif member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(url))
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("member", [*READERS, *OUTSIDERS, "anonymous"])
def test_only_the_secretariat_adds_an_issue(client, cast, members, member):
    review = drafted(cast)
    url = address(review, "summary_add")
    data = {"facts": "New.", "concern": "Worry.", "principles": ["B.2"], "observations": []}
    response = post_as(client, members[member], url, data)
    count = SummaryIssue.objects.count()
    if member == "secretariat":
        assert (response.status_code, response["Location"]) == (302, address(review))
        assert count == 2
        added = SummaryIssue.objects.get(number=2)
        assert [p.key for p in added.principles.all()] == ["B.2"]
    elif member in OUTSIDERS or member == "anonymous":
        assert_outside(response, member, url)
        assert count == 1
    else:
        assert response.status_code == 403
        assert "Only the secretariat drafts the summary of issues." in text(response)
        assert count == 1


def test_an_issue_without_facts_is_refused_on_its_field(client, cast):
    review = drafted(cast)
    response = post_as(client, cast.secretariat, address(review, "summary_add"), {"concern": "C."})
    assert response.status_code == 400
    assert '<a href="#add-facts">Write the facts the issue rests on.</a>' in text(response)
    assert SummaryIssue.objects.count() == 1


def test_an_unknown_citation_is_refused_by_the_form(client, cast):
    review = drafted(cast)
    data = {"facts": "F.", "concern": "C.", "principles": ["Z.9"]}
    response = post_as(client, cast.secretariat, address(review, "summary_add"), data)
    assert response.status_code == 400
    assert "Choose principles from the list." in text(response)


def test_the_secretariat_edits_and_removes_issues(client, cast):
    review = drafted(cast, count=2)
    first, second = SummaryIssue.objects.order_by("number")
    client.force_login(cast.secretariat)
    form = text(client.get(address(review, "summary_issue", 1)))
    assert f"{FACTS}</textarea>" in form
    assert '<option value="B.3" selected>' in form
    data = {"facts": "Edited.", "concern": "C.", "observations": ["1.8"]}
    with clock.as_of(BEFORE):
        response = client.post(address(review, "summary_issue", 1), data)
        assert response["Location"] == address(review)
        response = client.post(address(review, "summary_remove", first.pk))
        again = client.post(address(review, "summary_remove", first.pk))
    assert again["Location"] == address(review)
    assert list(SummaryIssue.objects.values_list("pk", "number")) == [(second.pk, 1)]


@pytest.mark.parametrize(("member", "status"), [("focal_point", 404), ("sca_member", 404)])
def test_the_edit_page_of_a_draft_issue_does_not_exist_for_others(client, cast, member, status):
    review = drafted(cast)
    response = visit(client, cast.members()[member], address(review, "summary_issue", 1))
    assert response.status_code == status


def test_sharing_a_summary_with_no_issues_is_refused_on_the_page(client, cast):
    with clock.as_of(BEFORE):
        advance(cast.review, ReviewState.SCREENING, by=cast.secretariat)
    response = post_as(client, cast.secretariat, address(cast.review, "summary_share"))
    assert response.status_code == 400
    assert "Add at least one issue before sharing the summary." in text(response)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SCREENING
    assert not IssueSummary.objects.filter(shared_at__isnull=False).exists()


def test_the_secretariat_shares_with_a_due_date_it_chooses(client, cast):
    review = drafted(cast)
    data = {"answers_due_on": "2030-02-20"}
    response = post_as(client, cast.secretariat, address(review, "summary_share"), data)
    assert response["Location"] == address(review)
    summary = IssueSummary.objects.get()
    assert summary.answers_due_on == dt.date(2030, 2, 20)
    review.refresh_from_db()
    assert review.state == ReviewState.SUMMARY_SHARED


def test_the_focal_point_answers_attaches_and_sends_through_the_page(client, cast):
    review = shared(cast, count=2)
    client.force_login(cast.focal_point)
    with clock.as_of(BEFORE):
        for number in (1, 2):
            response = client.post(
                address(review, "summary_answer", number), {"text": f"Answer {number}."}
            )
            assert response["Location"] == address(review) + f"#issue-{number}"
        client.post(address(review, "summary_attach", 1), {"file": pdf()})
        response = client.post(address(review, "summary_send"))
    assert response["Location"] == address(review)
    summary = IssueSummary.objects.get()
    assert summary.answers_sent_by == cast.focal_point
    assert AnswerAttachment.objects.get().original_name == "proof.pdf"
    page = text(client.get(address(review)))
    assert "Your answers were sent." in page and "<textarea" not in page


def test_sending_with_an_unanswered_issue_is_refused_on_the_page(client, cast):
    review = shared(cast, count=2)
    response = post_as(client, cast.focal_point, address(review, "summary_send"))
    assert response.status_code == 400
    assert "Answer every issue before sending. Not answered yet: 1, 2." in text(response)
    assert IssueSummary.objects.get().answers_sent_at is None


def test_a_refused_document_is_named_on_its_field(client, cast):
    review = shared(cast)
    fake = SimpleUploadedFile("proof.pdf", b"MZ not a pdf", content_type="application/pdf")
    response = post_as(
        client, cast.focal_point, address(review, "summary_attach", 1), {"file": fake}
    )
    assert response.status_code == 400
    assert "“proof.pdf” was not uploaded. This type of file is not accepted." in text(response)
    assert AnswerAttachment.objects.count() == 0


def test_after_the_due_date_the_page_says_answering_closed(client, cast):
    review = answered(cast)
    day_after = DUE + dt.timedelta(days=1)
    page = text(visit(client, cast.focal_point, address(review), on=day_after))
    assert 'Answering closed on <time datetime="2030-03-08">8 March 2030</time>.' in page
    assert "<textarea" not in page and "Send the answers" not in page
    response = post_as(client, cast.focal_point, address(review, "summary_answer", 1),
                       {"text": "Late."}, on=day_after)  # fmt: skip
    assert response.status_code == 400
    assert "Answering closed on 8 March 2030." in text(response)


@pytest.mark.parametrize("member", ["secretariat", "sca_member", "focal_point"])
def test_the_summary_page_costs_the_same_for_two_issues_and_six(client, cast, member):
    review = sent(cast, count=2, files_each=1)
    client.force_login(cast.members()[member])
    two = queries_for(client, address(review), on=BEFORE)
    with clock.as_of(BEFORE):
        summary = IssueSummary.objects.get()
        for n in range(3, 7):
            issue = SummaryIssue.objects.create(summary=summary, number=n, facts="F.", concern="C.")
            issue.principles.set(SummaryIssue.objects.get(number=1).principles.all())
            answer = summaries.IssueAnswer.objects.create(
                issue=issue, text="A.", updated_at=clock.now(), updated_by=cast.focal_point
            )
            AnswerAttachment.objects.create(
                answer=answer, original_name="x.pdf", kind="pdf", content_type="application/pdf",
                size=1, sha256="0" * 64, uploaded_at=clock.now(), uploaded_by=cast.focal_point,
                file="answers/x.pdf",
            )  # fmt: skip
    six = queries_for(client, address(review), on=BEFORE)
    assert two == six
