"""Who reaches which page and file of a dossier, before and after it is submitted."""

import pytest

from reviews.enums import DocumentSlot, ReviewState, Theme
from reviews.models import ComplianceAnswer, DocumentVersion
from reviews.services.dossiers import save_answer
from tests.dossier import add, login_url, pdf_upload, submit, url
from tests.pages import text, visit

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
# Before submission the dossier is the institution's draft.
READS_DRAFT = {"secretariat", "focal_point"}
# After submission the SCA members of the session read it too (never their own
# institution's: the recused member), the Bureau only once a recommendation is before it.
READS_SUBMITTED = {"secretariat", "focal_point", "sca_member"}

PAGES = {
    "dossier": ("dossier", []),
    "statement": ("statement", [Theme.PLURALISM]),
    "documents": ("documents", [DocumentSlot.FOUNDING_LAW]),
    "check": ("check", []),
}


@pytest.fixture
def draft(cast):
    version = add(cast.review, cast.focal_point)
    save_answer(review=cast.review, theme=Theme.PLURALISM, text="Members.", by=cast.focal_point)
    cast.review.refresh_from_db()
    return cast, version


@pytest.fixture
def submitted(cast):
    version = submit(cast.review, cast.focal_point)
    return cast, version


def expect_page(response, member, readers, address, heading):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member in readers:
        assert response.status_code == 200
        assert "Home Commission" in text(response)
        assert heading in text(response)
    else:
        assert response.status_code == 404
        assert "Page not found" in text(response)
        assert "Home Commission" not in text(response)


HEADINGS_DRAFT = {
    "dossier": "<h1>Accreditation dossier</h1>",
    "statement": "<h1>Pluralism</h1>",
    "documents": "<h1>Founding law or constitutional text</h1>",
    "check": "<h2>Statement of Compliance</h2>",
}


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_draft_dossier_shows_only_to_its_focal_points_and_the_secretariat(
    client, draft, member, page
):
    cast, _version = draft
    name, args = PAGES[page]
    address = url(name, cast.review, *args)
    response = visit(client, cast.members()[member], address)
    expect_page(response, member, READS_DRAFT, address, HEADINGS_DRAFT[page])


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("member", MEMBERS)
def test_a_submitted_dossier_shows_to_the_sca_members_of_the_session_as_well(
    client, submitted, member, page
):
    cast, _version = submitted
    name, args = PAGES[page]
    address = url(name, cast.review, *args)
    response = visit(client, cast.members()[member], address)
    expect_page(response, member, READS_SUBMITTED, address, HEADINGS_DRAFT[page])
    if response.status_code == 200:  # no form to change anything
        changes = [
            url("complaints", cast.review),
            url("statement", cast.review, Theme.PLURALISM),
            url("cite", cast.review, Theme.PLURALISM),
            url("upload", cast.review, DocumentSlot.FOUNDING_LAW),
            url("submit", cast.review),
        ]
        assert [a for a in changes if f'action="{a}"' in text(response)] == []


def expect_file(response, member, readers, address):
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member in readers:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment; filename=")
        assert response["Content-Disposition"].endswith('law.pdf"')
        assert response["X-Content-Type-Options"] == "nosniff"
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("member", MEMBERS)
def test_a_file_of_a_draft_downloads_only_for_its_authors(client, draft, member):
    cast, version = draft
    address = url("download", cast.review, version.pk)
    expect_file(visit(client, cast.members()[member], address), member, READS_DRAFT, address)


@pytest.mark.parametrize("member", MEMBERS)
def test_a_file_of_a_submitted_dossier_downloads_for_its_readers(client, submitted, member):
    cast, version = submitted
    address = url("download", cast.review, version.pk)
    expect_file(visit(client, cast.members()[member], address), member, READS_SUBMITTED, address)


@pytest.mark.parametrize("member", MEMBERS)
def test_the_acknowledgement_shows_to_those_who_may_read_the_submitted_dossier(
    client, submitted, member
):
    cast, _version = submitted
    address = url("submitted", cast.review)
    response = visit(client, cast.members()[member], address)
    expect_page(response, member, READS_SUBMITTED, address, "Dossier submitted")
    if response.status_code == 200:
        assert f"2030-03/NZ/{cast.review.pk}" in text(response)


def test_the_acknowledgement_of_a_dossier_never_submitted_leads_to_the_dossier(client, draft):
    cast, _version = draft
    response = visit(client, cast.focal_point, url("submitted", cast.review))
    assert (response.status_code, response["Location"]) == (302, url("dossier", cast.review))


def test_a_file_of_another_dossier_is_not_found_through_this_one(client, cast, draft):
    from tests.procedure import open_review

    other_review = open_review(cast.other, cast.session)
    theirs = add(other_review, cast.other_focal_point)
    response = visit(client, cast.secretariat, url("download", cast.review, theirs.pk))
    assert response.status_code == 404
    response = visit(client, cast.other_focal_point, url("download", cast.review, theirs.pk))
    assert response.status_code == 404


def posts(cast, version):
    """Every change a page can post, with a valid payload: (name, args, data, htmx)."""
    answer = ComplianceAnswer.objects.get(dossier__review=cast.review, theme=Theme.PLURALISM)
    return {
        "complaints": ("complaints", [], {"handles_complaints": "yes"}, False),
        "statement": ("statement", [Theme.PLURALISM], {"text": "Changed."}, False),
        "autosave": ("statement_autosave", [Theme.PLURALISM], {"text": "Changed."}, True),
        "cite": ("cite", [answer.theme], {"document": version.document_id, "pages": "2"}, False),
        "upload": (
            "upload",
            [DocumentSlot.BUDGET],
            {"file": pdf_upload("budget.pdf"), "language": "en"},
            False,
        ),
        "submit": ("submit", [], {}, False),
        "reopen": ("reopen", [], {"reason": "The budget is last year's."}, False),
    }


POSTS = ["complaints", "statement", "autosave", "cite", "upload", "submit", "reopen"]


def post_as(client, user, cast, version, what):
    name, args, data, htmx = posts(cast, version)[what]
    client.logout()
    if user is not None:
        client.force_login(user)
    address = url(name, cast.review, *args)
    extra = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    return address, client.post(address, data, **extra)


# Where a successful post of the draft ends, for the focal point and the secretariat.
DRAFT_OUTCOME = {
    "complaints": (302, ("dossier",)),
    "statement": (302, ("dossier",)),
    "autosave": (200, None),
    "cite": (302, ("statement", Theme.PLURALISM)),
    "upload": (302, ("documents", DocumentSlot.BUDGET)),
    "submit": (400, None),  # things are missing
    "reopen": (403, None),  # nothing to reopen
}


@pytest.mark.parametrize("what", POSTS)
@pytest.mark.parametrize("member", MEMBERS)
def test_only_the_focal_points_and_the_secretariat_change_a_draft(client, draft, member, what):
    cast, version = draft
    before = DocumentVersion.objects.count()
    address, response = post_as(client, cast.members()[member], cast, version, what)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member in READS_DRAFT:
        status, target = DRAFT_OUTCOME[what]
        assert response.status_code == status
        if target:
            assert response["Location"] == url(target[0], cast.review, *target[1:])
    else:
        assert response.status_code == 404
        assert DocumentVersion.objects.count() == before
        assert ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text == "Members."


# After submission: nothing changes, but a second "submit" ends on the acknowledgement
# and the secretariat may reopen.
SUBMITTED_OUTCOME = {
    "secretariat": {"submit": (302, "submitted"), "reopen": (302, "dossier")},
    "focal_point": {"submit": (302, "submitted")},
    "sca_member": {},
}


@pytest.mark.parametrize("what", POSTS)
@pytest.mark.parametrize("member", MEMBERS)
def test_nobody_changes_a_submitted_dossier(client, submitted, member, what):
    cast, version = submitted
    save_answer_text = ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text
    before = DocumentVersion.objects.count()
    address, response = post_as(client, cast.members()[member], cast, version, what)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
    elif member in READS_SUBMITTED:
        status, target = SUBMITTED_OUTCOME[member].get(what, (403, None))
        assert response.status_code == status
        if target:
            assert response["Location"] == url(target, cast.review)
        if status == 403 and what == "autosave":
            assert "Not saved: this dossier can no longer be changed." in text(response)
        elif status == 403:
            assert "You may not do this" in text(response)
    else:
        assert response.status_code == 404
    assert DocumentVersion.objects.count() == before
    assert ComplianceAnswer.objects.get(theme=Theme.PLURALISM).text == save_answer_text
    cast.review.refresh_from_db()
    reopened = member == "secretariat" and what == "reopen"
    assert cast.review.state == (ReviewState.DOSSIER if reopened else ReviewState.SUBMITTED)
