"""The editor of the letters' texts and a review's letters page: who finds them, what a
save or a preview does, that a letter made keeps the version it was made from, and
what the lists cost."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils.html import escape
from pypdf import PdfReader

from nhri_portal import clock
from nhri_portal.errors import DomainError, NotPermitted
from reviews.models import DocumentKind, GeneratedDocument, LetterKind, LetterTemplate
from reviews.rendering import renderer_for
from reviews.services.letter_templates import (
    current_template,
    letter_document,
    preview,
    save_template,
)
from tests.dossier import login_url
from tests.pages import queries_for, text, visit

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
INDEX = reverse("reviews:letter_templates")
EDIT = reverse("reviews:letter_template", args=["invitation", "fr"])
SAVE = reverse("reviews:letter_template_save", args=["invitation", "fr"])
PREVIEW = reverse("reviews:letter_template_preview", args=["invitation", "fr"])
TODAY = dt.date(2029, 11, 1)


def review_page(review):
    return reverse("reviews:review_letters", args=[review.pk])


def post_as(client, user, address, data):
    client.logout()
    if user is not None:
        client.force_login(user)
    with clock.as_of(TODAY):
        return client.post(address, data)


def v1():
    return current_template("invitation", "fr")


def new_text(**changes):
    return {"subject": v1().subject, "body": v1().body, "note": "New wording."} | changes


def pdf_text(document):
    rendered = renderer_for(document.kind)(document, lambda pct, note: None)
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(rendered.content)).pages)


# -- who finds the pages --


@pytest.mark.parametrize("member", MEMBERS)
@pytest.mark.parametrize("address", [INDEX, EDIT])
def test_only_the_secretariat_finds_the_editor(client, cast, member, address):
    response = visit(client, cast.members()[member], address)
    if member == "anonymous":
        assert (response.status_code, response["Location"]) == (302, login_url(address))
        return
    body = text(response)
    if member == "secretariat":
        assert response.status_code == 200
        assert body.count("<h1") == 1
        assert "<script>" not in body and "style=" not in body
    else:
        assert response.status_code == 404
        assert "Letter templates" not in body


@pytest.mark.parametrize("member", MEMBERS)
def test_nobody_but_the_secretariat_saves_or_previews(client, cast, member):
    user = cast.members()[member]
    saved = post_as(client, user, SAVE, new_text(body="Changed {{ institution }}."))
    previewed = post_as(client, user, PREVIEW, {"subject": "S", "body": "{{ institution }}"})
    if member == "secretariat":
        assert (saved.status_code, previewed.status_code) == (302, 200)
        assert LetterTemplate.objects.filter(kind="invitation", language="fr").count() == 2
    elif member == "anonymous":
        assert (saved.status_code, previewed.status_code) == (302, 302)
    else:
        assert (saved.status_code, previewed.status_code) == (404, 404)
    if member != "secretariat":
        assert LetterTemplate.objects.filter(kind="invitation", language="fr").count() == 1


@pytest.mark.parametrize("member", MEMBERS)
def test_the_review_letters_are_the_secretariats_and_the_institutions(client, cast, member):
    response = visit(client, cast.members()[member], review_page(cast.review))
    if member == "anonymous":
        assert response["Location"] == login_url(review_page(cast.review))
        return
    expected = {
        "secretariat": 200,
        "focal_point": 200,
        # The SCA member sits on the case: it may know the review, not read its letters.
        "sca_member": 403,
    }.get(member, 404)
    assert response.status_code == expected
    body = text(response)
    if expected == 200:
        assert body.count("<h1") == 1
        assert "<bdi>Home Commission</bdi>" in body
        assert ("Make the letter" in body) == (member == "secretariat")


# -- the editor --


def test_every_letter_in_every_language_is_listed_with_its_version(client, cast):
    body = text(visit(client, cast.secretariat, INDEX))
    assert body.count("Version 1</a>") == 7 * 6
    assert reverse("reviews:letter_template", args=["certificate", "zh-hans"]) in body


def test_the_editor_lists_the_variables_previews_the_text_and_its_versions(client, cast):
    body = text(visit(client, cast.secretariat, EDIT))
    assert "{{ dossier_due_on }}" in body
    assert "The day the dossier is due" in body
    # The preview renders the text with sample data, in the letter's language.
    assert "National Human Rights Commission of Example" in body
    assert "24\u00a0juin\u00a02007" in body
    assert 'hx-post="' + PREVIEW + '"' in body
    assert "The default text" in body


def test_saving_makes_version_2_and_keeps_version_1(client, cast):
    response = post_as(
        client, cast.secretariat, SAVE, new_text(body="Nouveau texte pour {{ institution }}.")
    )
    assert response["Location"] == EDIT
    versions = list(LetterTemplate.objects.filter(kind="invitation", language="fr"))
    assert [v.version for v in versions] == [2, 1]
    assert versions[0].body == "Nouveau texte pour {{ institution }}.\n"
    assert versions[0].note == "New wording." and versions[0].created_by == cast.secretariat
    assert "{{ dossier_due_on }}" in versions[1].body
    old = text(visit(client, cast.secretariat, EDIT + "?version=1"))
    assert "You are reading version 1; the current version is 2." in old


def test_saving_the_same_text_twice_saves_one_version(client, cast):
    data = new_text(body="Une fois {{ institution }}.")
    post_as(client, cast.secretariat, SAVE, data)
    post_as(client, cast.secretariat, SAVE, data)
    assert LetterTemplate.objects.filter(kind="invitation", language="fr").count() == 2


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Cher {{ chairperson }},", "This letter has no variable “chairperson”."),
        ("{% for x in issues %}{{ x.number }}", "The text does not compile"),
        ("{% url 'home' %}", "A letter may use only the tags if, for, with and comment; not url."),
        ("{% if closes_on %}{{ closes_on }}{% endif %}", "no variable “closes_on”"),
    ],
)
def test_a_broken_text_is_refused_with_the_reason_and_kept(client, cast, body, reason):
    response = post_as(client, cast.secretariat, SAVE, new_text(body=body))
    assert response.status_code == 400
    page = text(response)
    assert escape(reason) in page
    assert escape(body) in page  # what was typed is kept
    assert LetterTemplate.objects.filter(kind="invitation", language="fr").count() == 1


def test_loop_variables_and_their_attributes_are_accepted(cast):
    saved = save_template(
        kind="summary",
        language="en",
        subject="Issues for {{ institution }}",
        body="{% for issue in issues %}{{ issue.number }}. {{ issue.concern|upper }}{% endfor %}",
        note="",
        by=cast.secretariat,
    )
    assert saved.version == 2


def test_only_the_secretariat_saves_a_version(cast):
    with pytest.raises(NotPermitted):
        save_template(
            kind="invitation", language="fr", subject="S", body="B", note="", by=cast.focal_point
        )


def test_the_preview_renders_what_is_typed_and_says_what_is_wrong(client, cast):
    ok = post_as(
        client,
        cast.secretariat,
        PREVIEW,
        {"subject": "Objet", "body": "À {{ institution }}.\n\nFin."},
    )
    assert ok.status_code == 200
    assert "<p>À National Human Rights Commission of Example.</p>" in text(ok)
    broken = post_as(client, cast.secretariat, PREVIEW, {"subject": "S", "body": "{{ nope }}"})
    assert broken.status_code == 400
    assert escape("This letter has no variable “nope”.") in text(broken)
    assert LetterTemplate.objects.filter(kind="invitation", language="fr").count() == 1


def test_the_preview_escapes_the_text(cast):
    letter = preview("invitation", "en", "<b>{{ institution }}</b>", "S")
    assert "&lt;b&gt;National Human Rights Commission of Example&lt;/b&gt;" in letter.html


# -- a letter keeps its version --


def test_a_letter_made_from_version_1_keeps_version_1_and_its_text(cast):
    cast.home.working_language = "fr"
    cast.home.save()
    with clock.as_of(TODAY):
        first = letter_document(review=cast.review, kind=LetterKind.INVITATION, by=cast.secretariat)
        save_template(
            kind="invitation",
            language="fr",
            subject="Invitation révisée",
            body="Texte révisé pour {{ institution }}.",
            note="Révision",
            by=cast.secretariat,
        )
        second = letter_document(
            review=cast.review, kind=LetterKind.INVITATION, by=cast.secretariat
        )
        again = letter_document(review=cast.review, kind=LetterKind.INVITATION, by=cast.secretariat)
    first.refresh_from_db()
    assert (first.template.version, second.template.version) == (1, 2)
    assert first.pk != second.pk and again.pk == second.pk
    assert (first.kind, first.letter, first.language) == (DocumentKind.LETTER, "invitation", "fr")
    old, new = pdf_text(first), pdf_text(second)
    assert "Texte révisé" not in old and "Au nom du Sous-comité" in "".join(old.split("\n"))
    assert "Texte révisé pour Home Commission." in new


def test_the_secretariat_makes_a_letter_from_the_review_page(client, cast):
    response = post_as(
        client,
        cast.secretariat,
        reverse("reviews:review_letter_make", args=[cast.review.pk]),
        {"kind": "invitation"},
    )
    document = GeneratedDocument.objects.get(review=cast.review)
    assert response["Location"] == reverse("reviews:document", args=[document.pk])
    assert document.template == current_template("invitation", "en")
    body = text(visit(client, cast.focal_point, review_page(cast.review)))
    assert reverse("reviews:document", args=[document.pk]) in body


def test_the_focal_point_may_not_make_a_letter_nor_the_certificate_without_a_status(client, cast):
    make = reverse("reviews:review_letter_make", args=[cast.review.pk])
    assert post_as(client, cast.focal_point, make, {"kind": "invitation"}).status_code == 403
    refused = post_as(client, cast.secretariat, make, {"kind": "certificate"})
    assert refused.status_code == 400
    assert "Choose one of the letters listed." in text(refused)
    assert not GeneratedDocument.objects.exists()


def test_a_refused_service_call_is_a_domain_error(cast):
    with pytest.raises(DomainError):
        save_template(kind="nope", language="en", subject="S", body="B", note="", by=None)


# -- what the lists cost --


def test_the_index_costs_the_same_queries_for_1_and_5_versions(client, cast):
    client.force_login(cast.secretariat)
    few = queries_for(client, INDEX)
    for n in range(4):
        save_template(
            kind="decision", language="ru", subject="S", body=f"B {n}", note="", by=cast.secretariat
        )
    assert "Version 5</a>" in text(client.get(INDEX))
    assert queries_for(client, INDEX) == few


def test_the_review_letters_cost_the_same_queries_for_1_and_5_letters(client, cast):
    client.force_login(cast.secretariat)
    with clock.as_of(TODAY):
        letter_document(review=cast.review, kind="invitation", by=cast.secretariat)
    few = queries_for(client, review_page(cast.review))
    with clock.as_of(TODAY):
        for language in ("fr", "es", "ar", "ru"):
            letter_document(
                review=cast.review, kind="invitation", by=cast.secretariat, language=language
            )
    assert text(client.get(review_page(cast.review))).count("<tr>") == 6
    assert queries_for(client, review_page(cast.review)) == few


# -- a released letter has its PDF --


def test_releasing_a_letter_asks_for_its_pdf_once(cast):
    from reviews.enums import Outcome
    from reviews.models import MailKind
    from reviews.services.outbox import release_letter
    from tests.procedure import recommend

    later = cast.session.ends_on + dt.timedelta(days=3)
    recommend(cast.review, Outcome.ACCREDIT_A)
    with clock.as_of(later):
        release_letter(review=cast.review, kind=MailKind.RECOMMENDATION, by=cast.secretariat)
        release_letter(review=cast.review, kind=MailKind.RECOMMENDATION, by=cast.secretariat)
    document = GeneratedDocument.objects.get(review=cast.review)
    assert (document.letter, document.language, document.template.version) == (
        "recommendation",
        "en",
        1,
    )
    assert document.key == f"letter:{cast.review.pk}:recommendation:en:v1"


def test_the_worker_makes_the_letter_with_its_name_and_hash(cast):
    from reviews.models import JobState
    from reviews.services.dossiers import reference
    from reviews.services.generated import render_document

    cast.home.working_language = "ar"
    cast.home.save()
    with clock.as_of(TODAY):
        document = letter_document(review=cast.review, kind="invitation", by=cast.secretariat)
        assert render_document(document.pk) is True
    document.refresh_from_db()
    assert document.state == JobState.READY
    assert document.filename == reference(cast.review).replace("/", "-") + "-invitation-ar.pdf"
    assert len(document.sha256) == 64 and document.pages == 1
