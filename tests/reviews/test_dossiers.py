import datetime as dt

import pytest

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.enums import REQUIRED_SLOTS, DocumentSlot, PartState, ReviewState, Theme
from reviews.models import DocumentVersion, OutgoingMessage, Review
from reviews.services.dossiers import (
    checklist,
    cite,
    dossier_for,
    missing,
    reopen_dossier,
    save_answer,
    submit_dossier,
    upload_document,
)
from tests import files

pytestmark = pytest.mark.django_db


def add(cast, slot=DocumentSlot.FOUNDING_LAW, content=None, by=None, name="law.pdf", **extra):
    stream, size = files.upload(files.pdf(3) if content is None else content)
    return upload_document(
        review=cast.review,
        slot=slot,
        file=stream,
        name=name,
        size=size,
        language="en",
        by=by or cast.focal_point,
        **extra,
    )


def complete(cast):
    dossier = dossier_for(cast.review)
    dossier.handles_complaints = False
    dossier.save()
    for theme in Theme:
        if theme != Theme.COMPLAINTS:
            save_answer(
                review=cast.review, theme=theme, text=f"On {theme.label}.", by=cast.focal_point
            )
    for slot in REQUIRED_SLOTS:
        add(cast, slot=slot, name=f"{slot}.pdf")


def test_the_first_upload_starts_the_dossier_and_records_the_file(cast):
    version = add(cast)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DOSSIER
    assert (version.kind, version.page_count, version.number) == ("pdf", 3, 1)
    assert len(version.sha256) == 64
    assert version.file.name.endswith("/law.pdf")
    with version.file.open("rb") as stored:
        assert stored.read(5) == b"%PDF-"


def test_replacing_a_document_keeps_the_earlier_version(cast):
    first = add(cast)
    second = add(cast, content=files.pdf(5), replaces=first.document)
    assert second.number == 2
    assert [v.page_count for v in first.document.versions.all()] == [3, 5]
    assert first.file.name != second.file.name


def test_an_uploaded_file_is_never_changed(cast):
    version = add(cast)
    version.size = 1
    with pytest.raises(ValueError, match="never changed"):
        version.save()


def test_a_refused_upload_stores_nothing(cast):
    with pytest.raises(DomainError, match="empty"):
        add(cast, content=b"", name="empty.pdf")
    assert not DocumentVersion.objects.exists()
    assert Review.objects.get(pk=cast.review.pk).state == ReviewState.INVITED


def test_only_the_institutions_focal_points_and_the_secretariat_work_on_the_dossier(cast):
    for user in (cast.other_focal_point, cast.sca_member, cast.bureau_member, cast.observer):
        with pytest.raises(NotPermitted):
            add(cast, by=user)
        with pytest.raises(NotPermitted):
            save_answer(review=cast.review, theme=Theme.PLURALISM, text="x", by=user)
    assert not DocumentVersion.objects.exists()


def test_the_checklist_follows_the_work(cast):
    dossier = dossier_for(cast.review)
    states = {p.key: p.state for p in checklist(dossier)}
    assert set(states.values()) == {PartState.NOT_STARTED}
    save_answer(review=cast.review, theme=Theme.PLURALISM, text="  ", by=cast.focal_point)
    save_answer(
        review=cast.review, theme=Theme.FUNDING, text="State budget line.", by=cast.focal_point
    )
    add(cast, slot=DocumentSlot.BUDGET)
    states = {p.key: p.state for p in checklist(dossier)}
    assert states[Theme.PLURALISM] == PartState.IN_PROGRESS
    assert states[Theme.FUNDING] == PartState.COMPLETE
    assert states[DocumentSlot.BUDGET] == PartState.COMPLETE
    assert states[DocumentSlot.STRATEGIC_PLAN] == PartState.NOT_STARTED


def test_every_change_of_an_answer_keeps_who_made_it(cast):
    colleague = cast.focal_point.__class__.objects.create(username="colleague")
    from institutions.enums import MembershipRole
    from institutions.services import add_member

    add_member(user=colleague, institution=cast.home, role=MembershipRole.FOCAL_POINT, by=None)
    save_answer(review=cast.review, theme=Theme.PLURALISM, text="First.", by=cast.focal_point)
    answer = save_answer(review=cast.review, theme=Theme.PLURALISM, text="Second.", by=colleague)
    history = list(answer.history.order_by("history_date").values_list("text", "updated_by"))
    assert history == [("First.", cast.focal_point.pk), ("Second.", colleague.pk)]


def test_the_missing_list_shrinks_to_nothing_and_then_submission_works(cast):
    dossier = dossier_for(cast.review)
    assert len(missing(dossier)) == 1 + 6 + 4  # complaints question, six themes, four documents
    with pytest.raises(DomainError, match="Missing: Whether the institution handles complaints"):
        submit_dossier(review=cast.review, by=cast.focal_point)
    complete(cast)
    assert missing(dossier_for(cast.review)) == []
    with clock.as_of(dt.date(2029, 11, 1)):
        submit_dossier(review=cast.review, by=cast.focal_point)
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.SUBMITTED
    dossier.refresh_from_db()
    assert dossier.submitted_by == cast.focal_point
    event = cast.review.events.get(to_state=ReviewState.SUBMITTED)
    assert "2030-03/NZ/" in event.reason


def test_an_institution_that_handles_complaints_must_answer_on_them(cast):
    complete(cast)
    dossier = dossier_for(cast.review)
    dossier.handles_complaints = True
    dossier.save()
    assert [p.key for p in missing(dossier)] == [Theme.COMPLAINTS]


def test_a_double_submission_submits_once(cast):
    complete(cast)
    submit_dossier(review=cast.review, by=cast.focal_point)
    submit_dossier(review=cast.review, by=cast.focal_point)
    assert cast.review.events.filter(to_state=ReviewState.SUBMITTED).count() == 1


def test_nothing_changes_after_submission_until_the_secretariat_reopens(cast):
    complete(cast)
    submit_dossier(review=cast.review, by=cast.focal_point)
    with pytest.raises(DomainError, match="submitted and can no longer be changed"):
        add(cast, slot=DocumentSlot.OTHER)
    with pytest.raises(NotPermitted):
        reopen_dossier(review=cast.review, reason="x", by=cast.focal_point)
    with pytest.raises(DomainError, match="Say what must be corrected"):
        reopen_dossier(review=cast.review, reason=" ", by=cast.secretariat)
    reopen_dossier(
        review=cast.review,
        reason="The budget is from 2019; send the current one.",
        by=cast.secretariat,
    )
    cast.review.refresh_from_db()
    assert cast.review.state == ReviewState.DOSSIER
    assert add(cast, slot=DocumentSlot.BUDGET).number == 1
    messages = list(
        OutgoingMessage.objects.filter(review=cast.review, to=cast.focal_point.email).order_by("pk")
    )
    assert [m.subject for m in messages][-2:] == [
        "Accreditation of HOME: Submitted",
        "Accreditation of HOME: Dossier in progress",
    ]
    assert "The budget is from 2019" in messages[-1].body


def test_an_answer_cites_pages_of_its_own_dossiers_documents(cast):
    version = add(cast)
    answer = save_answer(
        review=cast.review, theme=Theme.ESTABLISHMENT, text="By law.", by=cast.focal_point
    )
    evidence = cite(answer=answer, document=version.document, pages="3, 7-9", by=cast.focal_point)
    assert str(evidence) == "Founding law or constitutional text p. 3, 7-9"
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        cite(answer=answer, document=version.document, pages="three", by=cast.focal_point)


def test_the_text_of_a_pdf_is_extracted_after_upload(cast, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        version = add(cast)
    version.refresh_from_db()
    assert version.text_extracted_at is not None
